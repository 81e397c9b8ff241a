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
pub(super) fn han_text(v: u64) -> String {
    let ch = |x: u64| char::from_u32((x & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}');
    if v & BIGRAM_FLAG == 0 { ch(v).to_string() } else { [ch(v >> 21), ch(v)].iter().collect() }
}

fn partition_of(key: &(impl Hash + ?Sized)) -> usize {
    (rustc_hash::FxBuildHasher.hash_one(key) >> 7) as usize % PARTITIONS
}

/// Weighted frequency in the short fields (title, aliases, headings, summary: not
/// length-normalised) and frequency in the body.
type Freq = (f32, f32);

/// One document's terms; reused from document to document by each worker.
#[derive(Default)]
pub(super) struct DocTerms {
    han: FxHashMap<u64, Freq>,
    words: FxHashMap<Box<str>, Freq>,
    word: String,
}

impl DocTerms {
    fn bump(entry: &mut Freq, weight: f32, body: bool) {
        if body { entry.1 += 1.0 } else { entry.0 += weight }
    }

    fn word_entry(&mut self) -> &mut Freq {
        // Look up by the reused buffer first: most words repeat, and only a new one allocates.
        if !self.words.contains_key(self.word.as_str()) {
            self.words.insert(self.word.as_str().into(), (0.0, 0.0));
        }
        self.words.get_mut(self.word.as_str()).unwrap_or_else(|| unreachable!())
    }

    /// Indexes `text`. Single characters are indexed for the short fields only: a
    /// one-character query is about titles and aliases, and body characters would double
    /// the index.
    fn add_text(&mut self, text: &str, weight: f32, body: bool) {
        for_each_piece(text, |p| match p {
            Piece::Word(w) => {
                self.word.clear();
                self.word.extend(w.iter());
                Self::bump(self.word_entry(), weight, body);
            }
            Piece::Bigram(a, b) => {
                Self::bump(self.han.entry(bigram(a, b)).or_default(), weight, body)
            }
            Piece::Single(_) => {}
        });
        if !body {
            for c in text.chars().map(fold).filter(|&c| is_han(c)) {
                Self::bump(self.han.entry(single(c)).or_default(), weight, false);
            }
        }
    }

    fn fill(&mut self, site: &Site, id: usize) {
        self.han.clear();
        self.words.clear();
        let a = &site.articles[id];
        self.add_text(&a.title, W_TITLE, false);
        for alias in &a.aliases {
            self.add_text(alias, W_ALIAS, false);
        }
        for h in &a.headings {
            self.add_text(&h.text, W_HEADING, false);
        }
        self.add_text(a.summary.as_deref().unwrap_or(""), W_SUMMARY, false);
        self.add_text(&a.text, W_BODY, true);
        let pinyin_sources = std::iter::once((a.title.as_str(), W_TITLE_PINYIN))
            .chain(a.aliases.iter().map(|s| (s.as_str(), W_ALIAS_PINYIN)));
        for (text, weight) in pinyin_sources {
            for term in pinyin_terms(text) {
                self.word = term;
                let entry = self.word_entry();
                // A pinyin term counts once per field: repeats come from overlapping windows.
                entry.0 = entry.0.max(weight);
            }
        }
    }
}

/// A document's scored terms, grouped by partition: entries of partition `p` are
/// `han[han_at[p]..han_at[p + 1]]` (and likewise for words).
struct Scored {
    han: Vec<(u64, f32)>,
    han_at: [usize; PARTITIONS + 1],
    words: Vec<(Box<str>, f32)>,
    words_at: [usize; PARTITIONS + 1],
}

/// Groups `(key, score)` pairs by partition, keeping each group's order.
fn group<K>(
    entries: Vec<(K, f32)>,
    part: impl Fn(&K) -> usize,
) -> (Vec<(K, f32)>, [usize; PARTITIONS + 1]) {
    let mut at = [0; PARTITIONS + 1];
    for (k, _) in &entries {
        at[part(k) + 1] += 1;
    }
    for p in 0..PARTITIONS {
        at[p + 1] += at[p];
    }
    let mut slots: Vec<Option<(K, f32)>> = (0..entries.len()).map(|_| None).collect();
    let mut next = at;
    for e in entries {
        let p = part(&e.0);
        slots[next[p]] = Some(e);
        next[p] += 1;
    }
    (slots.into_iter().flatten().collect(), at)
}

/// One term's postings while they are collected: document deltas as varints, each
/// followed by the score's upper 16 bits (a bfloat16, precise to under 1%, far finer than
/// the 16 levels stored in the end). About three bytes a posting.
#[derive(Default, Clone)]
pub(super) struct List {
    bytes: Vec<u8>,
    last: u32,
    count: u32,
}

impl List {
    /// Whether the list has no postings.
    pub(super) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Appends a posting; documents must come in increasing order.
    pub(super) fn push(&mut self, doc: u32, score: f32) {
        let mut delta = doc - self.last + u32::from(self.count == 0);
        while delta >= 0x80 {
            self.bytes.push((delta as u8) | 0x80);
            delta >>= 7;
        }
        self.bytes.push(delta as u8);
        // Rounded to the nearest bfloat16.
        let short = (score.to_bits().saturating_add(0x8000) >> 16) as u16;
        self.bytes.extend_from_slice(&short.to_le_bytes());
        self.last = doc;
        self.count += 1;
    }

    /// Scores the list with the term's weight and encodes it. The weight of a term is
    /// `1 + idf` rather than BM25's bare idf, which is near zero for a word in most
    /// articles: a one-word query must still rank a title match above a passing mention.
    pub(super) fn finish(&self, n: f32) -> String {
        let df = self.count as f32;
        let weight = 1.0 + (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let out: Vec<(u32, u8)> =
            self.postings().into_iter().map(|(doc, score)| (doc, level(score * weight))).collect();
        encode_postings(&out)
    }

    /// The postings, in document order, with their (16-bit precise) scores.
    pub(super) fn postings(&self) -> Vec<(u32, f32)> {
        let mut out = Vec::with_capacity(self.count as usize);
        let (mut at, mut doc) = (0, 0u32);
        while at < self.bytes.len() {
            let (mut delta, mut shift) = (0u32, 0);
            loop {
                let b = self.bytes[at];
                at += 1;
                delta |= u32::from(b & 0x7F) << shift;
                shift += 7;
                if b < 0x80 {
                    break;
                }
            }
            doc = doc + delta - u32::from(out.is_empty());
            let score = f32::from_bits(
                u32::from(u16::from_le_bytes([self.bytes[at], self.bytes[at + 1]])) << 16,
            );
            at += 2;
            out.push((doc, score));
        }
        out
    }
}

/// The postings of one partition of the term space.
#[derive(Default)]
struct Partition {
    han: FxHashMap<u64, List>,
    words: FxHashMap<Box<str>, List>,
}

impl Partition {
    fn add(&mut self, doc: u32, han: &[(u64, f32)], words: &[(Box<str>, f32)]) {
        for &(key, score) in han {
            self.han.entry(key).or_default().push(doc, score);
        }
        for (key, score) in words {
            match self.words.get_mut(key) {
                Some(list) => list.push(doc, *score),
                None => self.words.entry(key.clone()).or_default().push(doc, *score),
            }
        }
    }
}

/// A score as a level 1..=16 on a log scale, so low scores keep their differences.
fn level(score: f32) -> u8 {
    let x = (1.0 + score.max(0.0)).ln() / (1.0 + TOP_SCORE).ln();
    (1.0 + (x * f32::from(MAX_LEVEL - 1)).round()).clamp(1.0, f32::from(MAX_LEVEL)) as u8
}

/// `x` rounded to an eighth of an octave. BM25 needs only a rough average length, and a
/// rough one stays put when an article is edited, so the edit does not move scores — and
/// rewrite term shards — all over the index.
fn coarse(x: f32) -> f32 {
    ((x.log2() * 8.0).round() / 8.0).exp2()
}

/// Documents tokenised at a time: enough to keep both cores busy, few enough that their
/// term lists stay small beside the postings.
const CHUNK: usize = 1024;

/// A document's scored terms: Chinese (packed) and words.
pub(super) type DocScores = (Vec<(u64, f32)>, Vec<(Box<str>, f32)>);

/// Scores a document's terms: BM25F with the site's (coarse) average body length.
pub(super) struct Scorer<'s> {
    site: &'s Site,
    lens: Vec<f32>,
    /// The average body length, rounded by [`coarse`].
    pub(super) avg_len: f32,
}

impl<'s> Scorer<'s> {
    pub(super) fn new(site: &'s Site) -> Self {
        let n = site.articles.len();
        let lens: Vec<f32> =
            site.articles.par_iter().map(|a| a.text.chars().count() as f32).collect();
        let avg_len = coarse((lens.iter().sum::<f32>() / n.max(1) as f32).max(1.0));
        Self { site, lens, avg_len }
    }

    fn score(&self, id: usize, (fields, body): Freq) -> f32 {
        // BM25F: only the body is normalised by length, so a long article whose title
        // matches still ranks as a title match.
        let boost = if self.site.articles[id].kind == 0 { LEAD_KIND_BOOST } else { 1.0 };
        let tf = fields + W_BODY * body / (1.0 - B + B * self.lens[id] / self.avg_len);
        boost * tf * (K1 + 1.0) / (tf + K1)
    }

    /// Document `id`'s Chinese and word terms with their scores, in no particular order;
    /// `doc` is scratch space.
    pub(super) fn doc(&self, doc: &mut DocTerms, id: usize) -> DocScores {
        doc.fill(self.site, id);
        #[allow(clippy::iter_over_hash_type, reason = "callers order the terms")]
        let han = doc.han.drain().map(|(k, f)| (k, self.score(id, f))).collect();
        #[allow(clippy::iter_over_hash_type, reason = "callers order the terms")]
        let words = doc.words.drain().map(|(k, f)| (k, self.score(id, f))).collect();
        (han, words)
    }
}

/// Every term with its encoded postings, in no particular order.
///
/// Documents are tokenised a chunk at a time in parallel, each term scored at once (the
/// average length is known beforehand), and the chunk merged into the partitions, also
/// in parallel; only the compact postings outlive a chunk.
pub(super) fn collect(site: &Site) -> Vec<(String, String)> {
    let n = site.articles.len();
    let scorer = Scorer::new(site);
    let mut parts: Vec<Partition> = (0..PARTITIONS).map(|_| Partition::default()).collect();
    for start in (0..n).step_by(CHUNK) {
        let end = (start + CHUNK).min(n);
        let docs: Vec<Scored> = (start..end)
            .into_par_iter()
            .map_init(DocTerms::default, |doc, id| {
                let (han, words) = scorer.doc(doc, id);
                let (han, han_at) = group(han, partition_of);
                let (words, words_at) = group(words, |k| partition_of(&**k));
                Scored { han, han_at, words, words_at }
            })
            .collect();
        parts.par_iter_mut().enumerate().for_each(|(p, part)| {
            for (i, d) in docs.iter().enumerate() {
                let doc = (start + i) as u32;
                part.add(
                    doc,
                    &d.han[d.han_at[p]..d.han_at[p + 1]],
                    &d.words[d.words_at[p]..d.words_at[p + 1]],
                );
            }
        });
    }
    let n = n.max(1) as f32;
    parts
        .into_par_iter()
        .flat_map_iter(|part| {
            #[allow(clippy::iter_over_hash_type, reason = "shard files sort their terms")]
            let mut out: Vec<(String, String)> =
                part.han.iter().map(|(&k, list)| (han_text(k), list.finish(n))).collect();
            #[allow(clippy::iter_over_hash_type, reason = "shard files sort their terms")]
            out.extend(part.words.iter().map(|(k, list)| (k.to_string(), list.finish(n))));
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
    fn compact_lists_keep_documents_and_levels() {
        // Scores exact in 16 bits, so the levels must match exactly.
        let postings = [(0u32, 0.3125f32), (1, 2.5), (200, 0.875), (70_000, 3.375)];
        let mut list = List::default();
        for &(doc, score) in &postings {
            list.push(doc, score);
        }
        let n = 100_000.0;
        let weight = 1.0 + (1.0 + (n - 4.0 + 0.5) / 4.5f32).ln();
        let expected: Vec<(u32, u8)> =
            postings.iter().map(|&(d, s)| (d, level(s * weight))).collect();
        assert_eq!(crate::index::shard::decode_postings(&list.finish(n)), expected);
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
