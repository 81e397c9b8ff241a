//! `kbgen serve`: a real server on an ephemeral loopback port, edited while it runs.

use crate::{Served, Site, next_reload};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

impl Served {
    /// Sends `GET path` exactly as written (no client normalisation) and returns the status
    /// code, the Content-Type and the body.
    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let mut conn = TcpStream::connect(&self.addr).unwrap();
        write!(conn, "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr)
            .unwrap();
        let mut raw = Vec::new();
        conn.read_to_end(&mut raw).unwrap();
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        let ctype = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase().strip_prefix("content-type:").map(|v| v.trim().to_owned())
            })
            .unwrap_or_default();
        let body = raw[split + 4..].to_vec();
        // Bodies are sent with a length or chunked; the tests read HTML, so unchunk plainly.
        let body = if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
            unchunk(&body)
        } else {
            body
        };
        (status, ctype, body)
    }

    fn page(&self, path: &str) -> String {
        String::from_utf8_lossy(&self.get(path).2).into_owned()
    }
}

fn unchunk(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = body;
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 2 + size + 2..];
    }
    out
}

const RELOAD_TAG: &str = "<script src=\"/__kbgen/reload.js\" defer></script>\n";

#[test]
fn serve_gives_the_built_pages_with_the_reload_script_and_right_types() {
    let site = Site::fixture("good");
    let built = site.build(&[]);
    let served = Served::start(site.root());
    for (path, bytes) in built.iter().filter(|(p, _)| p.ends_with("index.html")) {
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let (status, ctype, body) = served.get(&url);
        assert_eq!((status, ctype.as_str()), (200, "text/html; charset=utf-8"), "{url}");
        let body = String::from_utf8(body).unwrap();
        assert_eq!(body.matches(RELOAD_TAG).count(), 1, "{url}");
        assert_eq!(
            body.replacen(RELOAD_TAG, "", 1).as_bytes(),
            bytes.as_slice(),
            "{url}: serve and build differ"
        );
    }
    for (path, ctype) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/search.js", "text/javascript; charset=utf-8"),
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/sitemap.xml", "application/xml"),
        ("/__kbgen/reload.js", "text/javascript; charset=utf-8"),
    ] {
        let (status, got, _) = served.get(path);
        assert_eq!((status, got.as_str()), (200, ctype), "{path}");
    }
    let (status, _, body) = served.get("/no/such/page/");
    assert_eq!(status, 404);
    assert!(String::from_utf8_lossy(&body).contains("没有找到这个页面"), "the site's 404 page");
}

#[test]
fn serve_never_serves_anything_outside_the_built_site() {
    let site = Site::fixture("good");
    let served = Served::start(site.root());
    for path in [
        "/../site.yaml",
        "/%2e%2e/site.yaml",
        "/symptoms/..%2f..%2fsite.yaml",
        "/..%5csite.yaml",
        "//etc/passwd",
        "/content/symptoms/card-declined.md",
    ] {
        let (status, _, body) = served.get(path);
        let body = String::from_utf8_lossy(&body);
        assert_eq!(status, 404, "{path}");
        assert!(
            !body.contains("kinds:") && !body.contains("root:") && !body.contains("causes: ["),
            "{path} leaked a file"
        );
    }
}

#[test]
fn edits_rebuild_and_reload_and_errors_show_in_the_browser_until_fixed() {
    let site = Site::fixture("good");
    let served = Served::start(site.root());
    let mut events = served.events();
    let original = site.read("content/symptoms/card-declined.md");
    site.write(
        "content/symptoms/card-declined.md",
        &original.replace("title: 刷卡失败", "title: 刷卡总是失败"),
    );
    next_reload(&mut events);
    assert!(served.page("/symptoms/card-declined/").contains("<h1>刷卡总是失败</h1>"));
    assert!(served.page("/").contains("刷卡总是失败"), "lists show the new title too");

    site.write("content/symptoms/card-declined.md", "---\ntitle: [坏\n---\n");
    next_reload(&mut events);
    let (status, _, body) = served.get("/symptoms/card-declined/");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 500);
    assert!(body.contains("content/symptoms/card-declined.md:3:1: error[invalid-yaml]"), "{body}");
    assert!(body.contains(RELOAD_TAG.trim_end()), "the error page reloads itself when fixed");
    assert_eq!(
        served.get("/assets/style.css").0,
        200,
        "assets still come from the last good build"
    );

    site.write("content/symptoms/card-declined.md", &original);
    next_reload(&mut events);
    assert!(
        served.page("/symptoms/card-declined/").contains("<h1>刷卡失败</h1>"),
        "the page is back"
    );

    std::fs::remove_file(site.path("content/guides/fees.md")).unwrap();
    next_reload(&mut events);
    assert_eq!(served.get("/guides/fees/").0, 404, "deleted articles disappear");

    site.write("content/guides/new-guide.md", "---\ntitle: 新写的指南\n---\n正文。\n");
    next_reload(&mut events);
    assert!(served.page("/guides/new-guide/").contains("<h1>新写的指南</h1>"), "added");
    assert!(served.page("/guides/").contains("新写的指南"), "and listed");
    let (from, to) = ("content/guides/new-guide.md", "content/guides/renamed-guide.md");
    std::fs::rename(site.path(from), site.path(to)).unwrap();
    next_reload(&mut events);
    assert!(served.page("/guides/renamed-guide/").contains("<h1>新写的指南</h1>"), "renamed");
    assert_eq!(served.get("/guides/new-guide/").0, 404, "the old name is gone");
}

#[test]
fn a_taken_port_is_reported_plainly() {
    let site = Site::fixture("good");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = crate::transcript(&mut site.kbgen(&["serve", "--port", &port]), site.root());
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(
        out.contains(&format!("port {port} is already in use")) && out.contains("--port"),
        "{out}"
    );
}

#[test]
fn binding_beyond_loopback_warns() {
    let site = Site::fixture("good");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["serve", "--bind", "0.0.0.0", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let warned = lines.next().and_then(Result::ok).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        warned.starts_with("warning: serving on 0.0.0.0:")
            && warned.contains("reachable from other machines"),
        "{warned}"
    );
}
