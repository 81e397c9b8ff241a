//! Search benchmark (issue 5): on a generated corpus, what a visitor downloads for
//! two-character queries, and what the index stage adds to a full build.
//!
//!     python3 ../shared/bench/gen_corpus.py --n 10000 --seed 1 --format kbgen --out /tmp/kb10k
//!     cp site.yaml /tmp/kb10k/
//!     cargo bench --bench search -- /tmp/kb10k
//!
//! Bytes are counted raw (no compression) for a cold cache: the search script, the
//! manifest, the query's term shard and the document shards of the ten results shown.
#![allow(clippy::print_stdout, reason = "a benchmark reports on stdout")]

use kbgen::index::shard::{bucket_of, decode_postings};
use kbgen::options::BuildOptions;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Common two-character queries of the synthetic corpus's vocabulary.
const QUERIES: &[&str] = &[
    "结算", "到账", "停用", "网络", "费率", "激活", "冻结", "押金", "秒到", "风控", "客服", "升级",
];
/// Results the header box shows, plus the two extra the script fetches for re-ranking.
const FETCHED: usize = 10;

fn main() {
    let root = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(PathBuf::from)
        .expect("usage: cargo bench --bench search -- SITE_DIR");
    // Alternate the two kinds of build, so drift on a shared machine hits both alike.
    let runs = 5;
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        with.push(build(&root, true));
        without.push(build(&root, false));
    }
    let (with, without) = (median(&mut with), median(&mut without));
    println!(
        "full build, median of {runs}: with search {with:.2?}, without {without:.2?}: the index adds {:.1}%",
        100.0 * (with.as_secs_f64() / without.as_secs_f64() - 1.0)
    );
    // Leave the site built with search for the byte count.
    build(&root, true);
    let public = root.join("public");
    let script = size(&public.join("assets/search.js"));
    let manifest_path = public.join("search/index.js");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let json: serde_json::Value = serde_json::from_str(
        manifest.trim().trim_start_matches("kbgenSearch.manifest(").trim_end_matches(");"),
    )
    .unwrap();
    let buckets = json["buckets"].as_u64().unwrap() as u32;
    let per_shard = json["docsPerShard"].as_u64().unwrap() as u32;
    println!(
        "articles: {}, buckets: {buckets}, script {script} B, manifest {} B",
        json["n"],
        manifest.len()
    );
    let mut totals = Vec::new();
    for q in QUERIES {
        let bucket = bucket_of(q, buckets);
        let shard_path = public.join(format!("search/t/{bucket}.js"));
        let shard_text = std::fs::read_to_string(&shard_path).unwrap();
        let start = shard_text.find(",{").unwrap() + 1;
        let terms: serde_json::Value =
            serde_json::from_str(shard_text[start..].trim().trim_end_matches(");")).unwrap();
        let mut postings =
            terms.get(*q).and_then(|v| v.as_str()).map(decode_postings).unwrap_or_default();
        let hits = postings.len();
        postings.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut shards: Vec<u32> =
            postings.iter().take(FETCHED).map(|(d, _)| d / per_shard).collect();
        shards.sort_unstable();
        shards.dedup();
        let docs: u64 = shards.iter().map(|s| size(&public.join(format!("search/d/{s}.js")))).sum();
        let total = script + manifest.len() as u64 + shard_text.len() as u64 + docs;
        totals.push(total);
        println!(
            "{q}: {hits} hits; term shard {} B + {} doc shards {docs} B = {total} B ({:.1} KB)",
            shard_text.len(),
            shards.len(),
            total as f64 / 1024.0
        );
    }
    totals.sort_unstable();
    println!(
        "two-character queries: median {:.1} KB, max {:.1} KB (budget 100 KB)",
        totals[totals.len() / 2] as f64 / 1024.0,
        totals[totals.len() - 1] as f64 / 1024.0
    );
}

fn size(p: &Path) -> u64 {
    std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).len()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn build(root: &Path, search: bool) -> Duration {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        base_url: None,
        drafts: false,
        portable: false,
        search,
    };
    let start = Instant::now();
    let (pipeline, _) = kbgen::build_site(&options, &kbgen::Silent).expect("build");
    assert!(!pipeline.has_errors(), "the corpus has errors");
    start.elapsed()
}
