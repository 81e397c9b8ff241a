//! Stage 5, index: the static search index, built from the `&Site`.
//!
//! Takes the site; returns output files under `search/`: a small manifest (`index.js`),
//! term shards (`t/<bucket>.js`) fetched on demand by the bucket of each query term, and
//! document shards (`d/<shard>.js`) holding what a result shows. Every file is a script
//! that hands its data to `kbgenSearch`, so search loads through `<script>` elements: no
//! fetch, no eval, and it works from `file://` and under `script-src 'self'`.
//!
//! Shard names are stable so an edit leaves unchanged shards byte-identical. Each shard
//! carries the index's *mapping version* (a hash of which article has which id, and of the
//! bucket count); the script loads shards with `?v=<version>` and rejects a shard whose
//! version differs from the manifest's, so a cached file from another build is never mixed in.

mod live;
mod pinyin;
mod postings;
pub mod shard;
pub mod tokenize;

pub use live::LiveIndex;

// JSON with no raw `<`, `>` or `&`: an editor's `</script>` stays data even if a shard is
// ever inlined into a page.
use crate::render::Outputs;
use crate::render::script_safe_json;
use crate::resolve::Site;
use crate::urls;
use rayon::prelude::*;
use serde_json::json;

/// The size a term shard aims for; the number of buckets follows from the index size.
const TARGET_SHARD_BYTES: usize = 12 * 1024;
/// Documents per document shard: few, so showing ten results downloads little.
pub const DOCS_PER_SHARD: usize = 4;
/// Characters of body text a result may quote from.
const SNIPPET_CHARS: usize = 120;
/// Characters of summary a result shows.
const SUMMARY_CHARS: usize = 70;
/// Characters of aliases a result may quote from.
const ALIAS_CHARS: usize = 50;
/// Symptoms suggested when a query finds nothing.
const SUGGESTIONS: usize = 8;

/// Builds every file of the search index.
pub fn build_index(site: &Site, portable: bool) -> Outputs {
    let terms = postings::collect(site);
    let total: usize = terms.iter().map(|(t, p)| entry_size(t, p)).sum();
    let buckets = bucket_count(total);
    let version = mapping_version(site, buckets);
    let mut by_bucket: Vec<Vec<(&str, &str)>> = vec![Vec::new(); buckets as usize];
    for (term, encoded) in &terms {
        by_bucket[shard::bucket_of(term, buckets) as usize].push((term, encoded));
    }
    let term_files: Vec<(String, Vec<u8>)> = by_bucket
        .into_par_iter()
        .enumerate()
        .map(|(b, mut entries)| (term_path(b), term_file(&version, b, &mut entries)))
        .collect();
    let doc_files: Vec<(String, Vec<u8>)> = (0..site.articles.len().div_ceil(DOCS_PER_SHARD))
        .into_par_iter()
        .map(|s| (doc_path(s), doc_file(site, &version, s)))
        .collect();
    let mut out = Outputs::new();
    out.insert(MANIFEST_PATH.into(), manifest_file(site, &version, buckets, portable));
    out.extend(term_files);
    out.extend(doc_files);
    out
}

/// Where the manifest is written.
const MANIFEST_PATH: &str = "search/index.js";

/// What a term adds to the index's size, for choosing the bucket count.
fn entry_size(term: &str, encoded: &str) -> usize {
    term.len() + encoded.len() + 6
}

/// How many term buckets an index of `total` bytes gets.
fn bucket_count(total: usize) -> u32 {
    (total / TARGET_SHARD_BYTES).max(1).next_power_of_two().min(4096) as u32
}

/// The mapping version: a hash of the bucket count and of which article has which id.
fn mapping_version(site: &Site, buckets: u32) -> String {
    let mut mapping = format!("{buckets}\n");
    for id in 0..site.articles.len() {
        mapping.push_str(&article_path(site, id));
        mapping.push('\n');
    }
    format!("{:08x}", shard::fnv1a64(mapping.as_bytes()) as u32)
}

fn term_path(bucket: usize) -> String {
    format!("search/t/{bucket}.js")
}

fn doc_path(shard: usize) -> String {
    format!("search/d/{shard}.js")
}

/// One term shard: its entries, sorted by term, as a script.
fn term_file(version: &str, bucket: usize, entries: &mut [(&str, &str)]) -> Vec<u8> {
    entries.sort_unstable();
    let size: usize = entries.iter().map(|(t, e)| entry_size(t, e)).sum();
    let mut body = String::with_capacity(size + 48);
    body.push_str(&format!("kbgenSearch.terms(\"{version}\",{bucket},{{"));
    for (i, (term, encoded)) in entries.iter().enumerate() {
        if i > 0 {
            body.push(',');
        }
        // Encoded postings use no character JSON would escape; terms might.
        body.push_str(&serde_json::Value::from(*term).to_string());
        body.push_str(":\"");
        body.push_str(encoded);
        body.push('"');
    }
    body.push_str("});\n");
    body.into_bytes()
}

/// Document shard `shard`: what the results of its articles show.
fn doc_file(site: &Site, version: &str, shard: usize) -> Vec<u8> {
    let start = shard * DOCS_PER_SHARD;
    let end = (start + DOCS_PER_SHARD).min(site.articles.len());
    let docs: Vec<_> = (start..end).map(|id| doc_record(site, id)).collect();
    let docs = script_safe_json(&serde_json::Value::Array(docs));
    format!("kbgenSearch.docs(\"{version}\",{shard},{docs});\n").into_bytes()
}

/// The manifest: version, sizes, kinds and the symptoms suggested when nothing is found.
fn manifest_file(site: &Site, version: &str, buckets: u32, portable: bool) -> Vec<u8> {
    let symptoms = site.by_kind.first().map(Vec::as_slice).unwrap_or_default();
    let suggest: Vec<_> = symptoms
        .iter()
        .take(SUGGESTIONS)
        .map(|&id| json!([site.articles[id].title, article_path(site, id)]))
        .collect();
    let manifest = json!({
        "v": version,
        "n": site.articles.len(),
        "buckets": buckets,
        "docsPerShard": DOCS_PER_SHARD,
        "portable": portable,
        "kinds": site.config.kinds.iter().map(|k| &k.label).collect::<Vec<_>>(),
        "suggest": suggest,
    });
    format!("kbgenSearch.manifest({});\n", script_safe_json(&manifest)).into_bytes()
}

/// The site-relative page directory of an article.
fn article_path(site: &Site, id: usize) -> String {
    let a = &site.articles[id];
    urls::article_dir(&site.config.kinds[a.kind].dir, &a.slug)
}

/// What a result shows: `[path, title, kind, summary, aliases, body excerpt]`.
fn doc_record(site: &Site, id: usize) -> serde_json::Value {
    let a = &site.articles[id];
    let cut = |s: &str, n: usize| s.chars().take(n).collect::<String>();
    json!([
        article_path(site, id),
        a.title,
        a.kind,
        cut(a.summary.as_deref().unwrap_or(""), SUMMARY_CHARS),
        cut(&a.aliases.join("、"), ALIAS_CHARS),
        cut(&a.text, SNIPPET_CHARS),
    ])
}
