//! `kbgen serve` benchmark (issue 6): on a generated corpus, the time from saving one
//! article's body to the reload event, and the server's memory over many edits.
//!
//!     cargo bench --bench serve                      # 10,000 articles, 100 edits
//!     cargo bench --bench serve -- --n 1000 --edits 20
//!
//! Runs the release binary as a user would, on loopback, and listens to the same event
//! stream as the browser's reload script. Between edits it waits for the search index,
//! which is rebuilt after each reload, so each edit starts from a quiet server.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

#[path = "corpus/mod.rs"]
mod corpus;
#[path = "../tests/support/mod.rs"]
#[allow(dead_code, reason = "the tests' helpers; the bench needs the server ones")]
mod support;

use std::time::{Duration, Instant};

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Resident and peak memory of `pid`, in MiB.
fn memory(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let n = arg("--n", 10_000);
    let edits = arg("--edits", 100);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    corpus::generate(n, 1, &root).expect("generate the corpus");

    let start = Instant::now();
    let server = support::Served::start(&root);
    let pid = server.child.id();
    println!("{n} articles: first build and serve in {:.2?}", start.elapsed());
    let mut events = server.events();
    // The search index of the first build is still being made; let it finish.
    std::thread::sleep(Duration::from_secs(3));

    let kinds = std::fs::read_dir(root.join("content/remedies")).expect("remedies");
    let mut files: Vec<_> = kinds.map(|e| e.expect("entry").path()).collect();
    files.sort();
    let (mut latencies, mut rss) = (Vec::new(), Vec::new());
    for i in 0..edits {
        let file = &files[(i * 7919) % files.len()];
        let mut text = std::fs::read_to_string(file).expect("read article");
        text.push_str(&format!("\n第 {i} 次修改：补充一句说明。\n"));
        let t0 = Instant::now();
        std::fs::write(file, text).expect("save article");
        support::next_reload(&mut events);
        latencies.push(t0.elapsed());
        // Let the index after the reload finish before measuring and editing again.
        std::thread::sleep(Duration::from_millis(600));
        rss.push(memory(pid).0);
    }
    latencies.sort();
    let pct = |p: usize| latencies[(latencies.len() - 1) * p / 100];
    println!(
        "save → reload over {edits} edits: median {:.0?}, p90 {:.0?}, max {:.0?}",
        pct(50),
        pct(90),
        pct(100)
    );
    let marks: Vec<String> = [1, 10, 25, 50, 75, 100, 200]
        .iter()
        .filter(|&&m| m <= rss.len())
        .map(|&m| format!("{m}: {:.0}", rss[m - 1]))
        .collect();
    println!(
        "server memory (RSS, MiB) after edit {}; peak {:.0} MiB",
        marks.join(", "),
        memory(pid).1
    );
}
