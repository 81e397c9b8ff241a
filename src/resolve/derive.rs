//! Derived relations: inverse, two-hop in both directions, related articles and tags.
//! Everything goes through id maps, never scans over all articles per article.

use super::graph::{ArticleId, Site, TagEntry};
use crate::urls::tag_slug;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// How many related articles a page shows.
const RELATED_LIMIT: usize = 5;

/// Fills the derived fields of `site` from the checked forward relations and backlinks.
pub(super) fn derive(
    site: &mut Site,
    forward: Vec<Vec<Vec<ArticleId>>>,
    backlinks: Vec<Vec<ArticleId>>,
) {
    let n = site.articles.len();
    let mut inverse: Vec<BTreeMap<usize, Vec<ArticleId>>> = vec![BTreeMap::new(); n];
    for (src, rels) in forward.iter().enumerate() {
        for &t in rels.iter().flatten() {
            let group = inverse[t].entry(site.articles[src].kind).or_default();
            if group.last() != Some(&src) && !group.contains(&src) {
                group.push(src);
            }
        }
    }
    let flat_forward: Vec<Vec<ArticleId>> =
        forward.par_iter().map(|r| dedup(r.iter().flatten().copied())).collect();
    let flat_inverse: Vec<Vec<ArticleId>> =
        inverse.par_iter().map(|g| dedup(g.values().flatten().copied())).collect();
    site.forward2 = (0..n)
        .into_par_iter()
        .map(|i| dedup(flat_forward[i].iter().flat_map(|&t| flat_forward[t].iter().copied())))
        .collect();
    site.inverse2 = (0..n)
        .into_par_iter()
        .map(|i| dedup(flat_inverse[i].iter().flat_map(|&s| flat_inverse[s].iter().copied())))
        .collect();
    let shared: &Site = site;
    site.related =
        (0..n).into_par_iter().map(|i| related(shared, i, &flat_forward, &flat_inverse)).collect();
    site.inverse = inverse.into_iter().map(|g| g.into_iter().collect()).collect();
    site.forward = forward;
    site.backlinks = backlinks;
    let mut tags: BTreeMap<String, TagEntry> = BTreeMap::new();
    // Most articles share a few tags: make each tag's slug once.
    let mut slugs: rustc_hash::FxHashMap<&str, String> = rustc_hash::FxHashMap::default();
    for (id, a) in site.articles.iter().enumerate() {
        for tag in &a.tags {
            let slug = slugs.entry(tag.as_str()).or_insert_with(|| tag_slug(tag)).clone();
            let entry = tags
                .entry(slug)
                .or_insert_with(|| TagEntry { name: tag.clone(), articles: Vec::new() });
            if entry.articles.last() != Some(&id) {
                entry.articles.push(id);
            }
        }
    }
    site.tags = tags;
}

/// Same-kind articles that share neighbours (targets or sources) with `id`, most shared first.
fn related(
    site: &Site,
    id: ArticleId,
    forward: &[Vec<ArticleId>],
    inverse: &[Vec<ArticleId>],
) -> Vec<(ArticleId, usize)> {
    let kind = site.articles[id].kind;
    let mut counts: BTreeMap<ArticleId, usize> = BTreeMap::new();
    let neighbours = forward[id].iter().chain(&inverse[id]);
    for &n in neighbours {
        // Articles of our kind adjacent to the shared neighbour, in either direction.
        for &m in inverse[n].iter().chain(&forward[n]) {
            if m != id && site.articles[m].kind == kind {
                *counts.entry(m).or_default() += 1;
            }
        }
    }
    let mut ranked: Vec<(ArticleId, usize)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(RELATED_LIMIT);
    ranked
}

/// `ids` without repeats, first occurrences in order.
fn dedup(ids: impl Iterator<Item = ArticleId>) -> Vec<ArticleId> {
    let mut seen = rustc_hash::FxHashSet::default();
    ids.filter(|id| seen.insert(*id)).collect()
}
