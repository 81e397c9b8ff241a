//! Per-term postings with BM25 scores, computed at build time and quantised to one
//! character, so the browser only adds numbers.

use super::pinyin::pinyin_terms;
use super::shard::encode_postings;
use super::tokenize::{Token, han_chars, tokenize};
use crate::resolve::Site;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

/// Field weights: title > aliases > headings > summary > body; pinyin a little below the
/// text it spells.
const W_TITLE: f32 = 10.0;
const W_ALIAS: f32 = 6.0;
const W_HEADING: f32 = 4.0;
const W_SUMMARY: f32 = 3.0;
const W_BODY: f32 = 1.0;
const W_TITLE_PINYIN: f32 = 8.0;
const W_ALIAS_PINYIN: f32 = 5.0;
/// Articles of the first declared kind (symptoms) are what visitors come looking for.
const LEAD_KIND_BOOST: f32 = 1.25;
/// BM25 parameters.
const K1: f32 = 1.2;
const B: f32 = 0.75;
/// Scores are stored as `round(bm25 * SCALE)` clamped to 1..=63.
const SCALE: f32 = 3.0;

/// A document's terms: per term, the weighted frequency outside the body (titles, aliases,
/// headings, summary: short fields, not length-normalised) and the frequency in the body.
struct DocTerms {
    tf: HashMap<String, (f32, f32)>,
    body_len: f32,
}

fn add_text(doc: &mut DocTerms, text: &str, weight: f32, body: bool) {
    let mut add = |term: String| {
        let entry = doc.tf.entry(term).or_default();
        if body { entry.1 += 1.0 } else { entry.0 += weight }
    };
    for token in tokenize(text) {
        // Single characters are indexed below, for every Han character.
        if !matches!(token, Token::Single(_)) {
            add(token.text().to_owned());
        }
    }
    for c in han_chars(text) {
        add(c.to_string());
    }
    if body {
        doc.body_len += text.chars().count() as f32;
    }
}

fn doc_terms(site: &Site, id: usize) -> DocTerms {
    let a = &site.articles[id];
    let mut doc = DocTerms { tf: HashMap::new(), body_len: 0.0 };
    add_text(&mut doc, &a.title, W_TITLE, false);
    for alias in &a.aliases {
        add_text(&mut doc, alias, W_ALIAS, false);
    }
    for h in &a.headings {
        add_text(&mut doc, &h.text, W_HEADING, false);
    }
    add_text(&mut doc, a.summary.as_deref().unwrap_or(""), W_SUMMARY, false);
    add_text(&mut doc, &a.text, W_BODY, true);
    for (text, weight) in std::iter::once((a.title.as_str(), W_TITLE_PINYIN))
        .chain(a.aliases.iter().map(|s| (s.as_str(), W_ALIAS_PINYIN)))
    {
        for term in pinyin_terms(text) {
            let entry = doc.tf.entry(term).or_default();
            // A pinyin term counts once per field: repeats come from overlapping windows.
            entry.0 = entry.0.max(weight);
        }
    }
    doc
}

/// Every term with its encoded postings, sorted by term.
pub(super) fn collect(site: &Site) -> Vec<(String, String)> {
    let docs: Vec<DocTerms> =
        (0..site.articles.len()).into_par_iter().map(|id| doc_terms(site, id)).collect();
    let n = docs.len().max(1) as f32;
    let avg_len = (docs.iter().map(|d| d.body_len).sum::<f32>() / n).max(1.0);
    let mut by_term: BTreeMap<&str, Vec<(u32, f32)>> = BTreeMap::new();
    for (id, doc) in docs.iter().enumerate() {
        // BM25F: only the body is normalised by length, so a long article whose title
        // matches still ranks as a title match.
        let body_norm = 1.0 - B + B * doc.body_len / avg_len;
        let boost = if site.articles[id].kind == 0 { LEAD_KIND_BOOST } else { 1.0 };
        // Postings are sorted by document below, so the map's order does not reach output.
        #[allow(clippy::iter_over_hash_type, reason = "order is restored by sorting")]
        for (term, &(fields, body)) in &doc.tf {
            let tf = fields + W_BODY * body / body_norm;
            by_term
                .entry(term.as_str())
                .or_default()
                .push((id as u32, boost * tf * (K1 + 1.0) / (tf + K1)));
        }
    }
    by_term
        .into_par_iter()
        .map(|(term, mut postings)| {
            postings.sort_unstable_by_key(|p| p.0);
            let df = postings.len() as f32;
            let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            let quantised: Vec<(u32, u8)> = postings
                .iter()
                .map(|&(d, s)| (d, (s * idf * SCALE).round().clamp(1.0, 63.0) as u8))
                .collect();
            (term.to_owned(), encode_postings(&quantised))
        })
        .collect()
}
