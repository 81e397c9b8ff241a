//! Input signatures of pages, for `serve`'s incremental rebuilds: a hash of everything a
//! page shows. A page whose signature has not changed since the last build would render to
//! the same bytes, so it is not rendered again.
//!
//! Each article has two digests, computed when it is parsed: its *self* digest covers every
//! parsed field (a page shows most of them), its *card* digest the fields a card of it
//! shows elsewhere (title, slug, kind, summary, custom fields). A page's signature combines
//! the digests of what it shows: an article page its own self digest and the cards of
//! every article in its relation groups; a list the cards of its items; and all of them a
//! digest of the configuration, the theme and the options.

use super::pages::Job;
use crate::parse::Article;
use crate::resolve::{ArticleId, Site};
use std::hash::{BuildHasher as _, Hash, Hasher};

/// The two digests of one article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest {
    /// Every parsed field.
    pub own: u64,
    /// The fields a card of the article shows.
    pub card: u64,
}

/// Feeds formatted text straight into a hasher, so digests allocate nothing.
struct HashWriter<'h>(&'h mut rustc_hash::FxHasher);

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

fn debug_hash(value: &impl std::fmt::Debug) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    let _ = std::fmt::write(&mut HashWriter(&mut hasher), format_args!("{value:?}"));
    hasher.finish()
}

/// The digests of `a`.
pub fn digest(a: &Article) -> Digest {
    Digest {
        own: debug_hash(a),
        card: debug_hash(&(&a.title, &a.slug, a.kind, &a.summary, &a.extra)),
    }
}

/// A digest of what every page depends on: configuration, theme and options.
pub fn global_digest(site: &Site, theme: &crate::assets::Theme, portable: bool) -> u64 {
    debug_hash(&(&site.config, &theme.templates, portable))
}

fn combine(parts: impl IntoIterator<Item = u64>) -> u64 {
    let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
    for p in parts {
        hasher.write_u64(p);
    }
    hasher.finish()
}

/// Per job of `jobs`, its signature; `digests` are per article of `site`.
pub(super) fn signatures(
    site: &Site,
    jobs: &[Job<'_>],
    digests: &[Digest],
    global: u64,
) -> Vec<u64> {
    // A card also lists the article's own forward relations by title.
    let cards: Vec<u64> = (0..site.articles.len())
        .map(|id| {
            let targets = site.forward[id].iter().flatten().map(|&t| digests[t].card);
            combine(std::iter::once(digests[id].card).chain(targets))
        })
        .collect();
    let list =
        |ids: &mut dyn Iterator<Item = &ArticleId>| -> u64 { combine(ids.map(|&i| cards[i])) };
    let size = site.config.page_size;
    jobs.iter()
        .map(|job| {
            let mut h = rustc_hash::FxBuildHasher.build_hasher();
            h.write_u64(global);
            std::mem::discriminant(job).hash(&mut h);
            match job {
                Job::Home => {
                    for ids in &site.by_kind {
                        h.write_usize(ids.len());
                        h.write_u64(list(&mut ids.iter().take(super::pages::HOME_LEAD_LIMIT)));
                    }
                }
                Job::Kind(k, page) => {
                    let ids = &site.by_kind[*k];
                    (k, page, ids.len()).hash(&mut h);
                    h.write_u64(list(&mut ids.iter().skip((page - 1) * size).take(size)));
                }
                Job::Tag(slug, page) => {
                    let tag = &site.tags[*slug];
                    (slug, &tag.name, page, tag.articles.len()).hash(&mut h);
                    h.write_u64(list(&mut tag.articles.iter().skip((page - 1) * size).take(size)));
                }
                Job::Tags => {
                    for (slug, tag) in &site.tags {
                        (slug, &tag.name, tag.articles.len()).hash(&mut h);
                    }
                }
                Job::Search => {
                    let ids = site.by_kind.first().map(Vec::as_slice).unwrap_or_default();
                    h.write_usize(ids.len());
                    h.write_u64(list(&mut ids.iter().take(size)));
                }
                Job::NotFound => {}
                Job::Article(id) => {
                    let id = *id;
                    h.write_u64(digests[id].own);
                    for group in &site.forward[id] {
                        h.write_u64(list(&mut group.iter()));
                    }
                    for (k, group) in &site.inverse[id] {
                        h.write_usize(*k);
                        h.write_u64(list(&mut group.iter()));
                    }
                    h.write_u64(list(&mut site.forward2[id].iter()));
                    h.write_u64(list(&mut site.inverse2[id].iter()));
                    h.write_u64(list(&mut site.related[id].iter().map(|(r, _)| r)));
                    h.write_u64(list(&mut site.backlinks[id].iter()));
                }
            }
            h.finish()
        })
        .collect()
}
