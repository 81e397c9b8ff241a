//! The `Site`: every published article, indexed by kind and slug and by source path, with
//! the derived relations filled in by `derive`.

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::parse::Article;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// An index into `Site::articles`.
pub type ArticleId = usize;

/// One tag and the articles that carry it.
#[derive(Debug, Clone)]
pub struct TagEntry {
    /// The tag as first written (sorted order of articles decides).
    pub name: String,
    /// Articles with this tag, in site order.
    pub articles: Vec<ArticleId>,
}

/// The resolved, immutable site graph.
#[derive(Debug)]
pub struct Site {
    /// The configuration the site was built with.
    pub config: SiteConfig,
    /// Published articles, ordered by kind (declared order), weight, then slug.
    pub articles: Vec<Article>,
    /// Per kind: its articles in site order.
    pub by_kind: Vec<Vec<ArticleId>>,
    /// Per kind: slug → article.
    pub(crate) by_slug: Vec<FxHashMap<String, ArticleId>>,
    pub(crate) by_path: FxHashMap<PathBuf, ArticleId>,
    /// Per article, per declared relation: the target articles, in written order.
    pub forward: Vec<Vec<Vec<ArticleId>>>,
    /// Per article: articles two relation hops away (a symptom's remedies via its causes).
    pub forward2: Vec<Vec<ArticleId>>,
    /// Per article: articles whose relations list it, grouped by their kind.
    pub inverse: Vec<Vec<(usize, Vec<ArticleId>)>>,
    /// Per article: articles two inverse hops away (a remedy's symptoms via its causes).
    pub inverse2: Vec<Vec<ArticleId>>,
    /// Per article: same-kind articles sharing neighbours, with the overlap, best first.
    pub related: Vec<Vec<(ArticleId, usize)>>,
    /// Per article: articles whose bodies link to it.
    pub backlinks: Vec<Vec<ArticleId>>,
    /// Tag slug → tag.
    pub tags: BTreeMap<String, TagEntry>,
    /// Files under `content/` that are not articles, by path from the site root.
    pub assets: std::collections::BTreeSet<PathBuf>,
    /// Drafts left out of this build, kept so that `serve` can reuse them unparsed.
    pub excluded: Vec<Article>,
}

impl Site {
    /// The article of kind `kind` with `slug`.
    pub fn find(&self, kind: usize, slug: &str) -> Option<ArticleId> {
        self.by_slug.get(kind)?.get(slug).copied()
    }
}

/// Sorts articles into site order and indexes them; duplicate slugs become errors.
pub(super) fn index(
    config: SiteConfig,
    mut articles: Vec<Article>,
    diags: &mut Vec<Diagnostic>,
) -> Site {
    articles.sort_by(|a, b| {
        (a.kind, a.weight, &a.slug, &a.path).cmp(&(b.kind, b.weight, &b.slug, &b.path))
    });
    let mut by_slug = vec![FxHashMap::default(); config.kinds.len()];
    let mut by_path = FxHashMap::default();
    let mut kept = Vec::with_capacity(articles.len());
    let mut first: FxHashMap<(usize, &str), usize> = FxHashMap::default();
    // Decide duplicates in path order, so the same file wins whatever the weights. Any
    // fixed order does; comparing bytes is much cheaper than comparing path components.
    let mut order: Vec<usize> = (0..articles.len()).collect();
    order.sort_by(|&a, &b| articles[a].path.as_os_str().cmp(articles[b].path.as_os_str()));
    let mut duplicate = vec![false; articles.len()];
    for i in order {
        let a = &articles[i];
        if let Some(&f) = first.get(&(a.kind, a.slug.as_str())) {
            diags.push(
                Diagnostic::error(
                    "duplicate-slug",
                    &a.path,
                    (1, 1),
                    format!(
                        "the slug '{}' is already used by {}",
                        a.slug,
                        articles[f].path.display()
                    ),
                )
                .with_help(
                    "rename one of the two files; each article of a kind needs its own slug",
                ),
            );
            duplicate[i] = true;
        } else {
            first.insert((a.kind, a.slug.as_str()), i);
        }
    }
    drop(first);
    for (a, dup) in articles.into_iter().zip(duplicate) {
        if !dup {
            kept.push(a);
        }
    }
    let mut by_kind = vec![Vec::new(); config.kinds.len()];
    for (id, a) in kept.iter().enumerate() {
        by_slug[a.kind].insert(a.slug.clone(), id);
        by_path.insert(crate::load::nfc_path(&a.path), id);
        by_kind[a.kind].push(id);
    }
    let n = kept.len();
    Site {
        config,
        articles: kept,
        by_kind,
        by_slug,
        by_path,
        forward: vec![Vec::new(); n],
        forward2: vec![Vec::new(); n],
        inverse: vec![Vec::new(); n],
        inverse2: vec![Vec::new(); n],
        related: vec![Vec::new(); n],
        backlinks: vec![Vec::new(); n],
        tags: BTreeMap::new(),
        assets: std::collections::BTreeSet::new(),
        excluded: Vec::new(),
    }
}
