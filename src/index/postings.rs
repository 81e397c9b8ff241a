//! Per-term postings with BM25F scores, computed at build time and quantised to one
//! character, so the browser only adds numbers.
//!
//! Chinese terms (one or two characters) are packed into a `u64` and words kept as strings,
//! so the bulk of a large site's terms cost no allocation. Documents are tokenised in
//! parallel; postings are then merged in independent partitions of the term space, also in
//! parallel, visiting documents in id order so every posting list comes out sorted.

use super::pinyin::pinyin_terms;
use super::shard::{MAX_LEVEL, encode_postings};
use super::tokenize::{Piece, fold, for_each_piece, is_han};
use crate::resolve::Site;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::hash::{BuildHasher, Hash};

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
/// The score that maps to the top level; scores are stored on a log scale in 16 levels.
const TOP_SCORE: f32 = 28.0;
/// Postings are merged in this many partitions of the term space.
const PARTITIONS: usize = 8;

const BIGRAM_FLAG: u64 = 1 << 42;

fn single(c: char) -> u64 {
    u64::from(c)
}

fn bigram(a: char, b: char) -> u64 {
    BIGRAM_FLAG | (u64::from(a) << 21) | u64::from(b)
}

/// The text of a packed Chinese term.
fn han_text(v: u64) -> String {
    let ch = |x: u64| char::from_u32((x & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
    if v & BIGRAM_FLAG == 0 { ch(v).to_string() } else { [ch(v >> 21), ch(v)].iter().collect() }
}

fn partition_of(key: &(impl Hash + ?Sized)) -> usize {
    (rustc_hash::FxBuildHasher.hash_one(key) >> 7) as usize % PARTITIONS
}

/// Weighted frequency in the short fields (title, aliases, headings, summary: not
/// length-normalised) and frequency in the body.
type Freq = (f32, f32);

/// One document's terms.
#[derive(Default)]
struct DocTerms {
    han: FxHashMap<u64, Freq>,
    words: FxHashMap<Box<str>, Freq>,
    body_len: f32,
}

impl DocTerms {
    fn bump(entry: &mut Freq, weight: f32, body: bool) {
        if body { entry.1 += 1.0 } else { entry.0 += weight }
    }

    /// Indexes `text`. Single characters are indexed for the short fields only: a
    /// one-character query is about titles and aliases, and body characters would double
    /// the index.
    fn add_text(&mut self, text: &str, weight: f32, body: bool) {
        for_each_piece(text, |p| match p {
            Piece::Word(w) => Self::bump(
                self.words.entry(w.iter().collect::<String>().into()).or_default(),
                weight,
                body,
            ),
            Piece::Bigram(a, b) => {
                Self::bump(self.han.entry(bigram(a, b)).or_default(), weight, body)
            }
            Piece::Single(_) => {}
        });
        if body {
            self.body_len += text.chars().count() as f32;
        } else {
            for c in text.chars().map(fold).filter(|&c| is_han(c)) {
                Self::bump(self.han.entry(single(c)).or_default(), weight, false);
            }
        }
    }
}

fn doc_terms(site: &Site, id: usize) -> DocTerms {
    let a = &site.articles[id];
    let mut doc = DocTerms::default();
    doc.add_text(&a.title, W_TITLE, false);
    for alias in &a.aliases {
        doc.add_text(alias, W_ALIAS, false);
    }
    for h in &a.headings {
        doc.add_text(&h.text, W_HEADING, false);
    }
    doc.add_text(a.summary.as_deref().unwrap_or(""), W_SUMMARY, false);
    doc.add_text(&a.text, W_BODY, true);
    let pinyin_sources = std::iter::once((a.title.as_str(), W_TITLE_PINYIN))
        .chain(a.aliases.iter().map(|s| (s.as_str(), W_ALIAS_PINYIN)));
    for (text, weight) in pinyin_sources {
        for term in pinyin_terms(text) {
            let entry = doc.words.entry(term.into()).or_default();
            // A pinyin term counts once per field: repeats come from overlapping windows.
            entry.0 = entry.0.max(weight);
        }
    }
    doc
}

/// A document's terms split by partition.
struct Parted {
    han: Vec<Vec<(u64, Freq)>>,
    words: Vec<Vec<(Box<str>, Freq)>>,
    body_len: f32,
}

fn part(doc: DocTerms) -> Parted {
    let mut han: Vec<Vec<(u64, Freq)>> = (0..PARTITIONS).map(|_| Vec::new()).collect();
    let mut words: Vec<Vec<(Box<str>, Freq)>> = (0..PARTITIONS).map(|_| Vec::new()).collect();
    #[allow(
        clippy::iter_over_hash_type,
        reason = "postings are keyed by document id; shard files sort their terms"
    )]
    for (key, freq) in doc.han {
        han[partition_of(&key)].push((key, freq));
    }
    #[allow(
        clippy::iter_over_hash_type,
        reason = "postings are keyed by document id; shard files sort their terms"
    )]
    for (key, freq) in doc.words {
        words[partition_of(&*key)].push((key, freq));
    }
    Parted { han, words, body_len: doc.body_len }
}

/// Scores one posting list and encodes it. The weight of a term is `1 + idf` rather than
/// BM25's bare idf, which is near zero for a word in most articles: a one-word query must
/// still rank a title match above a passing mention.
fn finish(postings: &[(u32, f32)], n: f32) -> String {
    let df = postings.len() as f32;
    let weight = 1.0 + (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
    let quantised: Vec<(u32, u8)> = postings.iter().map(|&(d, s)| (d, level(s * weight))).collect();
    encode_postings(&quantised)
}

/// `x` rounded to an eighth of an octave. BM25 needs only a rough average length, and a
/// rough one stays put when an article is edited, so the edit does not move scores — and
/// rewrite term shards — all over the index.
fn coarse(x: f32) -> f32 {
    ((x.log2() * 8.0).round() / 8.0).exp2()
}

/// A score as a level 1..=16 on a log scale, so low scores keep their differences.
fn level(score: f32) -> u8 {
    let x = (1.0 + score.max(0.0)).ln() / (1.0 + TOP_SCORE).ln();
    (1.0 + (x * f32::from(MAX_LEVEL - 1)).round()).clamp(1.0, f32::from(MAX_LEVEL)) as u8
}

/// Every term with its encoded postings, in no particular order.
pub(super) fn collect(site: &Site) -> Vec<(String, String)> {
    let docs: Vec<Parted> =
        (0..site.articles.len()).into_par_iter().map(|id| part(doc_terms(site, id))).collect();
    let n = docs.len().max(1) as f32;
    let avg_len = coarse((docs.iter().map(|d| d.body_len).sum::<f32>() / n).max(1.0));
    let norms: Vec<(f32, f32)> = docs
        .iter()
        .enumerate()
        .map(|(id, d)| {
            // BM25F: only the body is normalised by length, so a long article whose title
            // matches still ranks as a title match.
            let boost = if site.articles[id].kind == 0 { LEAD_KIND_BOOST } else { 1.0 };
            (1.0 - B + B * d.body_len / avg_len, boost)
        })
        .collect();
    let score = |id: usize, (fields, body): Freq| {
        let (body_norm, boost) = norms[id];
        let tf = fields + W_BODY * body / body_norm;
        boost * tf * (K1 + 1.0) / (tf + K1)
    };
    (0..PARTITIONS)
        .into_par_iter()
        .flat_map_iter(|p| {
            let mut han: FxHashMap<u64, Vec<(u32, f32)>> = FxHashMap::default();
            let mut words: FxHashMap<&str, Vec<(u32, f32)>> = FxHashMap::default();
            for (id, doc) in docs.iter().enumerate() {
                for &(key, freq) in &doc.han[p] {
                    han.entry(key).or_default().push((id as u32, score(id, freq)));
                }
                for (key, freq) in &doc.words[p] {
                    words.entry(key).or_default().push((id as u32, score(id, *freq)));
                }
            }
            #[allow(clippy::iter_over_hash_type, reason = "shard files sort their terms")]
            let mut out: Vec<(String, String)> =
                han.into_iter().map(|(k, postings)| (han_text(k), finish(&postings, n))).collect();
            #[allow(clippy::iter_over_hash_type, reason = "shard files sort their terms")]
            out.extend(words.into_iter().map(|(k, postings)| (k.to_owned(), finish(&postings, n))));
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_terms_round_trip_to_text() {
        assert_eq!(han_text(single('机')), "机");
        assert_eq!(han_text(bigram('结', '算')), "结算");
        assert_eq!(han_text(bigram('𠀀', '𠀁')), "𠀀𠀁");
        assert_ne!(single('结'), bigram('\0', '结'));
    }

    #[test]
    fn average_lengths_are_coarse() {
        assert_eq!(coarse(1000.0), coarse(1003.0));
        assert!(coarse(1000.0) < coarse(1200.0));
        assert!((coarse(1000.0) / 1000.0 - 1.0).abs() < 0.05);
    }

    #[test]
    fn levels_are_monotonic_and_bounded() {
        assert_eq!(level(0.0), 1);
        assert_eq!(level(1000.0), MAX_LEVEL);
        let levels: Vec<u8> = [0.2, 1.0, 2.0, 5.0, 10.0, 20.0].iter().map(|&s| level(s)).collect();
        assert!(levels.windows(2).all(|w| w[0] < w[1]), "{levels:?}");
    }
}
