//! Stage 5, index: the static search index, built from the `&Site`.
//!
//! Takes the site; returns output files under `search/`: a small manifest (`index.js`),
//! term shards (`t/<bucket>-<hash>.js`) fetched on demand by the bucket of each query term,
//! and document shards (`d/<shard>-<hash>.js`) holding what a result shows. Every file is a
//! script that hands its data to `kbgenSearch`, so search loads through `<script>` elements:
//! no fetch, no eval, and it works from `file://` and under `script-src 'self'`.

mod pinyin;
mod postings;
pub mod shard;
pub mod tokenize;

use crate::render::Outputs;
use crate::resolve::Site;
use crate::urls;
use rayon::prelude::*;
use serde_json::json;

/// The size a term shard aims for; the number of buckets follows from the index size.
const TARGET_SHARD_BYTES: usize = 12 * 1024;
/// Documents per document shard: few, so showing ten results downloads little.
pub const DOCS_PER_SHARD: usize = 8;
/// Characters of body text a result may quote from.
const SNIPPET_CHARS: usize = 160;
/// Characters of summary a result shows.
const SUMMARY_CHARS: usize = 90;
/// Symptoms suggested when a query finds nothing.
const SUGGESTIONS: usize = 8;

/// Builds every file of the search index.
pub fn build_index(site: &Site, portable: bool) -> Outputs {
    let terms = postings::collect(site);
    let total: usize = terms.iter().map(|(t, p)| t.len() + p.len() + 6).sum();
    let buckets = (total / TARGET_SHARD_BYTES).max(1).next_power_of_two().min(4096) as u32;
    let mut by_bucket: Vec<Vec<(&str, &str)>> = vec![Vec::new(); buckets as usize];
    for (term, encoded) in &terms {
        by_bucket[shard::bucket_of(term, buckets) as usize].push((term, encoded));
    }
    let term_files: Vec<(String, Vec<u8>)> = by_bucket
        .par_iter()
        .enumerate()
        .map(|(b, entries)| {
            if entries.is_empty() {
                return (String::new(), Vec::new());
            }
            let map: serde_json::Map<String, serde_json::Value> =
                entries.iter().map(|(t, e)| ((*t).to_owned(), json!(e))).collect();
            let body = format!("kbgenSearch.terms({b},{});\n", serde_json::Value::Object(map));
            (format!("t/{b}-{:08x}.js", shard::fnv1a64(body.as_bytes()) as u32), body.into_bytes())
        })
        .collect();
    let doc_files: Vec<(String, Vec<u8>)> = (0..site.articles.len().div_ceil(DOCS_PER_SHARD))
        .into_par_iter()
        .map(|s| {
            let start = s * DOCS_PER_SHARD;
            let end = (start + DOCS_PER_SHARD).min(site.articles.len());
            let docs: Vec<_> = (start..end).map(|id| doc_record(site, id)).collect();
            let body = format!("kbgenSearch.docs({s},{});\n", serde_json::Value::Array(docs));
            (format!("d/{s}-{:08x}.js", shard::fnv1a64(body.as_bytes()) as u32), body.into_bytes())
        })
        .collect();
    let symptoms = site.by_kind.first().map(Vec::as_slice).unwrap_or_default();
    let suggest: Vec<_> = symptoms
        .iter()
        .take(SUGGESTIONS)
        .map(|&id| json!([site.articles[id].title, article_path(site, id)]))
        .collect();
    let manifest = json!({
        "v": 1,
        "n": site.articles.len(),
        "buckets": buckets,
        "docsPerShard": DOCS_PER_SHARD,
        "portable": portable,
        "kinds": site.config.kinds.iter().map(|k| &k.label).collect::<Vec<_>>(),
        "t": term_files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        "d": doc_files.iter().map(|(name, _)| name.as_str()).collect::<Vec<_>>(),
        "suggest": suggest,
    });
    let mut out = Outputs::new();
    out.insert(
        "search/index.js".into(),
        format!("kbgenSearch.manifest({manifest});\n").into_bytes(),
    );
    for (name, bytes) in term_files.into_iter().chain(doc_files) {
        if !name.is_empty() {
            out.insert(format!("search/{name}"), bytes);
        }
    }
    out
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
        a.aliases.join("、"),
        cut(&a.text, SNIPPET_CHARS),
    ])
}
