//! The search index kept up to date between `serve` rebuilds. An edit re-tokenises only
//! the articles whose digest changed, updates the postings of the terms they had or have,
//! and re-encodes only the term shards holding those terms, the changed articles' document
//! shards and the manifest. The result is byte for byte what [`super::build_index`] makes
//! of the same site (the session's tests compare them after every kind of edit).
//!
//! Anything that moves every score or every shard — another set or order of articles,
//! another coarse average length, another bucket count — rebuilds it all.

use super::postings::{DocTerms, List, Scorer, han_text};
use super::{
    DOCS_PER_SHARD, MANIFEST_PATH, bucket_count, doc_file, doc_path, entry_size, manifest_file,
    mapping_version, shard, term_file, term_path,
};
use crate::render::Outputs;
use crate::resolve::Site;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

/// A term: packed Chinese text or a word.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Term {
    Han(u64),
    Word(Box<str>),
}

/// The search index of the last build, with what an edit needs to update it.
#[derive(Default)]
pub struct LiveIndex {
    /// What the index was built for; anything else rebuilds it.
    key: Option<(String, u32, bool)>,
    ids: FxHashMap<Term, u32>,
    texts: Vec<String>,
    lists: Vec<List>,
    encoded: Vec<String>,
    /// Per article: its terms and their scores.
    docs: Vec<Vec<(u32, f32)>>,
    /// Per article: the digest it was indexed with.
    digests: Vec<u64>,
    /// Per bucket: the terms in it.
    bucket_terms: Vec<Vec<u32>>,
    buckets: u32,
    version: String,
    total: usize,
    files: Outputs,
    /// The files the last update wrote.
    written: Vec<String>,
}

impl std::fmt::Debug for LiveIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveIndex").field("terms", &self.texts.len()).finish_non_exhaustive()
    }
}

impl LiveIndex {
    /// Brings the index up to date with `site`; `digests[id]` must change whenever article
    /// `id` does.
    pub fn update(&mut self, site: &Site, digests: &[u64], portable: bool) {
        let scorer = Scorer::new(site);
        let key = (mapping_version(site, 0), scorer.avg_len.to_bits(), portable);
        self.written.clear();
        if self.key.as_ref() != Some(&key) || !self.try_update(site, &scorer, digests, portable) {
            self.rebuild(site, &scorer, digests, portable);
            self.key = Some(key);
        }
    }

    /// Every file of the index.
    pub fn files(&self) -> &Outputs {
        &self.files
    }

    /// The files the last [`LiveIndex::update`] wrote; the others are as before.
    pub fn written(&self) -> &[String] {
        &self.written
    }

    fn put(&mut self, path: String, bytes: Vec<u8>) {
        self.written.push(path.clone());
        self.files.insert(path, bytes);
    }

    fn intern(&mut self, term: Term) -> u32 {
        if let Some(&id) = self.ids.get(&term) {
            return id;
        }
        let id = self.texts.len() as u32;
        self.texts.push(match &term {
            Term::Han(k) => han_text(*k),
            Term::Word(w) => w.to_string(),
        });
        self.lists.push(List::default());
        self.encoded.push(String::new());
        self.ids.insert(term, id);
        id
    }

    /// Article `id`'s terms, interned, with their scores.
    fn doc_terms(
        &mut self,
        scorer: &Scorer<'_>,
        scratch: &mut DocTerms,
        id: usize,
    ) -> Vec<(u32, f32)> {
        let (han, words) = scorer.doc(scratch, id);
        self.intern_all(han, words)
    }

    fn intern_all(&mut self, han: Vec<(u64, f32)>, words: Vec<(Box<str>, f32)>) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = Vec::with_capacity(han.len() + words.len());
        out.extend(han.into_iter().map(|(k, s)| (self.intern(Term::Han(k)), s)));
        out.extend(words.into_iter().map(|(w, s)| (self.intern(Term::Word(w)), s)));
        out
    }

    fn rebuild(&mut self, site: &Site, scorer: &Scorer<'_>, digests: &[u64], portable: bool) {
        *self = Self::default();
        let scored: Vec<_> = (0..site.articles.len())
            .into_par_iter()
            .map_init(DocTerms::default, |scratch, id| scorer.doc(scratch, id))
            .collect();
        for (id, (han, words)) in scored.into_iter().enumerate() {
            let terms = self.intern_all(han, words);
            for &(t, score) in &terms {
                self.lists[t as usize].push(id as u32, score);
            }
            self.docs.push(terms);
        }
        self.digests = digests.to_vec();
        let n = site.articles.len().max(1) as f32;
        self.encoded = self.lists.par_iter().map(|l| l.finish(n)).collect();
        self.total = (0..self.texts.len()).map(|t| self.size_of(t)).sum();
        self.buckets = bucket_count(self.total);
        self.version = mapping_version(site, self.buckets);
        self.bucket_terms = vec![Vec::new(); self.buckets as usize];
        for (t, text) in self.texts.iter().enumerate() {
            self.bucket_terms[shard::bucket_of(text, self.buckets) as usize].push(t as u32);
        }
        let all_buckets: Vec<usize> = (0..self.buckets as usize).collect();
        self.write_buckets(&all_buckets);
        for s in 0..site.articles.len().div_ceil(DOCS_PER_SHARD) {
            self.put(doc_path(s), doc_file(site, &self.version, s));
        }
        self.put(MANIFEST_PATH.into(), manifest_file(site, &self.version, self.buckets, portable));
    }

    /// What term `t` adds to the index's size (nothing once it has no postings).
    fn size_of(&self, t: usize) -> usize {
        if self.lists[t].is_empty() { 0 } else { entry_size(&self.texts[t], &self.encoded[t]) }
    }

    fn write_buckets(&mut self, buckets: &[usize]) {
        let files: Vec<(String, Vec<u8>)> = buckets
            .par_iter()
            .map(|&b| {
                let mut entries: Vec<(&str, &str)> = self.bucket_terms[b]
                    .iter()
                    .filter(|&&t| !self.lists[t as usize].is_empty())
                    .map(|&t| (self.texts[t as usize].as_str(), self.encoded[t as usize].as_str()))
                    .collect();
                (term_path(b), term_file(&self.version, b, &mut entries))
            })
            .collect();
        for (path, bytes) in files {
            self.put(path, bytes);
        }
    }

    /// Updates the postings of the articles whose digest changed. Returns false, with the
    /// index half-updated, when the bucket count would change: the caller rebuilds.
    fn try_update(
        &mut self,
        site: &Site,
        scorer: &Scorer<'_>,
        digests: &[u64],
        portable: bool,
    ) -> bool {
        let changed: Vec<usize> =
            (0..digests.len()).filter(|&id| self.digests.get(id) != Some(&digests[id])).collect();
        let mut scratch = DocTerms::default();
        // Per touched term: the changed articles' new postings.
        let mut added: FxHashMap<u32, Vec<(u32, f32)>> = FxHashMap::default();
        let mut touched: FxHashSet<u32> = FxHashSet::default();
        for &id in &changed {
            touched.extend(self.docs[id].iter().map(|&(t, _)| t));
            let terms = self.doc_terms(scorer, &mut scratch, id);
            for &(t, score) in &terms {
                touched.insert(t);
                added.entry(t).or_default().push((id as u32, score));
            }
            self.docs[id] = terms;
            self.digests[id] = digests[id];
        }
        let gone: FxHashSet<u32> = changed.iter().map(|&id| id as u32).collect();
        let n = site.articles.len().max(1) as f32;
        let mut buckets: FxHashSet<usize> = FxHashSet::default();
        let mut touched: Vec<u32> = touched.into_iter().collect();
        touched.sort_unstable();
        for t in touched {
            let t = t as usize;
            self.total -= self.size_of(t);
            let mut postings: Vec<(u32, f32)> =
                self.lists[t].postings().into_iter().filter(|(d, _)| !gone.contains(d)).collect();
            postings.extend(added.remove(&(t as u32)).unwrap_or_default());
            postings.sort_unstable_by_key(|&(d, _)| d);
            let mut list = List::default();
            for (d, score) in postings {
                list.push(d, score);
            }
            self.encoded[t] = list.finish(n);
            self.lists[t] = list;
            self.total += self.size_of(t);
            let b = shard::bucket_of(&self.texts[t], self.buckets) as usize;
            if !self.bucket_terms[b].contains(&(t as u32)) {
                self.bucket_terms[b].push(t as u32);
            }
            buckets.insert(b);
        }
        if bucket_count(self.total) != self.buckets {
            return false;
        }
        let mut buckets: Vec<usize> = buckets.into_iter().collect();
        buckets.sort_unstable();
        self.write_buckets(&buckets);
        let mut shards: Vec<usize> = changed.iter().map(|id| id / DOCS_PER_SHARD).collect();
        shards.dedup();
        for s in shards {
            self.put(doc_path(s), doc_file(site, &self.version, s));
        }
        self.put(MANIFEST_PATH.into(), manifest_file(site, &self.version, self.buckets, portable));
        true
    }
}
