//! `kbgen serve` under load, on loopback: 200 keep-alive clients send 1,000 requests a
//! second for 30 seconds — pages, misses and path traversal attempts — while slow and idle
//! clients hold connections open. Every legitimate request must succeed, nothing outside
//! the site may be served, the slow clients must be cut off, the server's memory must stay
//! flat, and an edit made afterwards must still reload the pages.
//!
//! A test binary of its own, so that it runs after the other suites rather than beside
//! them on a two-core machine. It prints its figures; run it alone with
//! `cargo test --test load -- --nocapture` to see them.
#![allow(clippy::print_stdout, reason = "the test reports its figures")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const CLIENTS: usize = 200;
const RATE_PER_CLIENT: u64 = 5;
const SECONDS: u64 = 30;
const SLOW_CLIENTS: usize = 40;
const IDLE_CLIENTS: usize = 40;
/// `kbgen serve` serves at most this many connections at once.
const MAX_CONNECTIONS: usize = 512;

/// Request paths that try to leave the site or reach its sources; none may be answered
/// with a file.
const TRAVERSALS: &[&str] = &[
    "/../site.yaml",
    "/../../../../etc/passwd",
    "/%2e%2e/site.yaml",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/assets/..%2f..%2fsite.yaml",
    "/..%5csite.yaml",
    "/content/symptoms/",
    "/site.yaml",
    "/%00",
    "/symptoms/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
];

mod support;
use support::{Served, copy_shipped, next_reload};

/// One response read off a kept-alive connection.
struct Response {
    status: u16,
    body: Vec<u8>,
}

/// Sends `GET path` on `conn` and reads the response by its Content-Length.
fn get(conn: &mut BufReader<TcpStream>, addr: &str, path: &str) -> std::io::Result<Response> {
    write!(conn.get_mut(), "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n")?;
    let mut status = 0;
    let mut length = None;
    let mut line = String::new();
    loop {
        line.clear();
        if conn.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == "\r\n" {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(code) = lower.strip_prefix("http/1.1 ") {
            status = code.get(..3).and_then(|c| c.parse().ok()).unwrap_or(0);
        } else if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse::<usize>().ok();
        }
    }
    let length = length.ok_or_else(|| std::io::Error::other("no Content-Length"))?;
    let mut body = vec![0; length];
    conn.read_exact(&mut body)?;
    Ok(Response { status, body })
}

fn connect(addr: &str) -> BufReader<TcpStream> {
    let conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    BufReader::new(conn)
}

/// The server's resident memory in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap()
}

/// The site's page paths, from its sitemap.
fn pages(addr: &str) -> Vec<String> {
    let sitemap = get(&mut connect(addr), addr, "/sitemap.xml").unwrap();
    let text = String::from_utf8(sitemap.body).unwrap();
    let mut paths: Vec<String> = text
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .filter_map(|url| url.find("://").map(|i| &url[i + 3..]))
        .filter_map(|rest| rest.find('/').map(|i| rest[i..].to_owned()))
        .collect();
    paths.extend(
        ["/assets/style.css", "/assets/search.js", "/search/index.js", "/atom.xml"]
            .map(String::from),
    );
    paths
}

/// A client that sends part of a request head (or nothing) and then stalls; returns how
/// long the server kept the connection open.
fn stall(addr: &str, partial: &str) -> Duration {
    let mut conn = TcpStream::connect(addr).unwrap();
    conn.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let start = Instant::now();
    conn.write_all(partial.as_bytes()).unwrap();
    let mut buf = [0; 512];
    // Closed (0 bytes or a reset) is what the test waits for; a 408 first is fine too.
    while matches!(conn.read(&mut buf), Ok(n) if n > 0) {}
    start.elapsed()
}

#[test]
fn the_server_under_load_serves_every_page_and_nothing_else_and_still_reloads() {
    let dir = tempfile::tempdir().unwrap();
    copy_shipped(dir.path());
    let server = Served::start(dir.path());
    let addr = server.addr.clone();
    let pid = server.child.id();
    let paths = Arc::new(pages(&addr));
    assert!(paths.len() > 20, "the shipped site has pages to ask for: {paths:?}");
    let planted = std::fs::read_to_string(dir.path().join("site.yaml")).unwrap();
    let secret = planted.lines().find(|l| l.starts_with("title:")).unwrap().to_owned();

    // Slow clients: half a request head, or nothing at all; and clients that make one
    // request and then sit on the kept-alive connection.
    let mut stalled = Vec::new();
    for i in 0..SLOW_CLIENTS + IDLE_CLIENTS {
        let addr = addr.clone();
        let partial = if i < SLOW_CLIENTS { "GET / HTTP/1.1\r\nHost: slow\r\n" } else { "" };
        stalled.push(std::thread::spawn(move || stall(&addr, partial)));
    }
    let kept_idle: Vec<_> = (0..IDLE_CLIENTS)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let mut conn = connect(&addr);
                conn.get_ref().set_read_timeout(Some(Duration::from_secs(60))).unwrap();
                assert_eq!(get(&mut conn, &addr, "/").unwrap().status, 200);
                let start = Instant::now();
                let mut rest = Vec::new();
                let _ = conn.read_to_end(&mut rest);
                start.elapsed()
            })
        })
        .collect();

    let ok = Arc::new(AtomicUsize::new(0));
    let missed = Arc::new(AtomicUsize::new(0));
    let refused = Arc::new(AtomicUsize::new(0));
    let failures = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let slowest_us = Arc::new(AtomicU64::new(0));
    let begin = Instant::now();
    let deadline = begin + Duration::from_secs(SECONDS);
    let workers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (addr, paths, secret) = (addr.clone(), Arc::clone(&paths), secret.clone());
            let (ok, missed, refused, failures, slowest) = (
                Arc::clone(&ok),
                Arc::clone(&missed),
                Arc::clone(&refused),
                Arc::clone(&failures),
                Arc::clone(&slowest_us),
            );
            std::thread::spawn(move || {
                let mut conn = connect(&addr);
                let interval = Duration::from_millis(1000 / RATE_PER_CLIENT);
                // Spread the clients over the first interval so the load is even.
                let mut due = begin + interval * u32::try_from(c).unwrap() / CLIENTS as u32;
                let mut n = c;
                while due < deadline {
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                    due += interval;
                    n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let pick = n >> 33;
                    let sent = Instant::now();
                    match pick % 10 {
                        // A traversal attempt, on a connection of its own: a malformed
                        // request may rightly close it.
                        0 => {
                            let path = TRAVERSALS[pick / 10 % TRAVERSALS.len()];
                            let mut own = connect(&addr);
                            if let Ok(r) = get(&mut own, &addr, path) {
                                let body = String::from_utf8_lossy(&r.body);
                                if r.status == 200
                                    || body.contains(&secret)
                                    || body.contains("root:")
                                {
                                    failures
                                        .lock()
                                        .unwrap()
                                        .push(format!("{path} was served: {}", r.status));
                                }
                            }
                            refused.fetch_add(1, Ordering::Relaxed);
                        }
                        // A miss must be a 404, a page a 200 with a body, on the
                        // kept-alive connection (opened again if it broke).
                        kind => {
                            let (path, counter, expected) = if kind <= 2 {
                                (format!("/no-such-page-{pick}/"), &missed, 404)
                            } else {
                                (paths[pick / 10 % paths.len()].clone(), &ok, 200)
                            };
                            match get(&mut conn, &addr, &path) {
                                Ok(r)
                                    if r.status == expected
                                        && (expected == 404 || !r.body.is_empty()) =>
                                {
                                    counter.fetch_add(1, Ordering::Relaxed);
                                }
                                Ok(r) => {
                                    failures.lock().unwrap().push(format!("{path}: {}", r.status))
                                }
                                Err(e) => {
                                    failures.lock().unwrap().push(format!("{path}: {e}"));
                                    conn = connect(&addr);
                                }
                            }
                        }
                    }
                    let took = u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX);
                    slowest.fetch_max(took, Ordering::Relaxed);
                }
            })
        })
        .collect();

    // Memory once warm (after 5 s) and at the end.
    std::thread::sleep(Duration::from_secs(5));
    let warm = rss_kib(pid);
    let mut peak = warm;
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_secs(1));
        peak = peak.max(rss_kib(pid));
    }
    for w in workers {
        w.join().unwrap();
    }
    let took = begin.elapsed();
    let end = rss_kib(pid);
    let stalls: Vec<Duration> = stalled.into_iter().map(|t| t.join().unwrap()).collect();
    let idles: Vec<Duration> = kept_idle.into_iter().map(|t| t.join().unwrap()).collect();

    let failures = failures.lock().unwrap();
    let (ok, missed, refused) = (
        ok.load(Ordering::Relaxed),
        missed.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
    );
    let total = ok + missed + refused;
    println!(
        "load: {total} requests in {:.1} s ({:.0}/s) from {CLIENTS} clients: {ok} pages, {missed} misses (404), \
         {refused} traversal attempts refused; slowest {:.1} ms; {} failures",
        took.as_secs_f64(),
        total as f64 / took.as_secs_f64(),
        slowest_us.load(Ordering::Relaxed) as f64 / 1000.0,
        failures.len()
    );
    println!(
        "memory: {} MiB warm, {} MiB peak, {} MiB at the end",
        warm / 1024,
        peak / 1024,
        end / 1024
    );
    let longest = |d: &[Duration]| d.iter().max().copied().unwrap_or_default();
    println!(
        "slow clients closed after at most {:.1} s, idle kept-alive ones after {:.1} s",
        longest(&stalls).as_secs_f64(),
        longest(&idles).as_secs_f64()
    );

    assert!(
        failures.is_empty(),
        "{} failed requests, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    let expected = CLIENTS as u64 * RATE_PER_CLIENT * SECONDS;
    assert_eq!(total as u64, expected, "every scheduled request was made");
    // The clients keep a fixed schedule and only finish late if the server fell behind:
    // this is what shows the load was really 1,000 requests a second.
    assert!(
        took < Duration::from_secs(SECONDS + 10),
        "the server fell behind 1,000 requests a second: {took:?}"
    );
    assert!(ok > 0 && missed > 0 && refused > 0);
    // Slow and idle clients are cut off well before the run ended, not held for ever.
    for d in stalls.iter().chain(&idles) {
        assert!(*d < Duration::from_secs(SECONDS), "a stalled client was held {d:?}");
    }
    // Flat: no more than 16 MiB above the warm figure (allocator noise), not growing
    // with the number of requests.
    assert!(end < warm + 16 * 1024, "memory grew from {warm} KiB to {end} KiB");

    // More stalled clients than the server serves at once: they hold their slots until the
    // header timeout, and a real request waits its turn instead of being dropped.
    let crowd: Vec<TcpStream> =
        (0..MAX_CONNECTIONS + 88).map(|_| TcpStream::connect(&addr).unwrap()).collect();
    std::thread::sleep(Duration::from_millis(500));
    let start = Instant::now();
    let mut conn = connect(&addr);
    conn.get_ref().set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let r = get(&mut conn, &addr, "/").expect("a request behind a crowd of stalled clients");
    assert_eq!(r.status, 200);
    println!(
        "behind {} stalled connections, a request was answered after {:.1} s",
        crowd.len(),
        start.elapsed().as_secs_f64()
    );
    drop(crowd);

    // And it still reloads: an edit after the run reaches an event-stream client.
    let mut events = server.events();
    let article = dir.path().join("content/remedies/restart-terminal.md");
    let text = std::fs::read_to_string(&article).unwrap();
    std::fs::write(&article, format!("{text}\n压力测试之后的修改。\n")).unwrap();
    next_reload(&mut events);
}
