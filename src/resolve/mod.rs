//! Stage 3, resolve: builds the immutable [`Site`] graph, checks every relation and body
//! link, and derives inverse and two-hop relations, related articles, backlinks and tags.
//!
//! Takes the parsed articles; returns the `Site` and diagnostics. Nothing renders if any
//! diagnostic here is an error.

mod derive;
mod graph;
mod links;

pub use graph::{ArticleId, Site, TagEntry};

use crate::config::SiteConfig;
use crate::diag::Diagnostic;
use crate::parse::Article;

/// Builds the site graph from `articles`; drafts are dropped unless `drafts`. `assets` are
/// the other files under `content/`, which body links may point to.
pub fn resolve(
    config: SiteConfig,
    articles: Vec<Article>,
    drafts: bool,
    assets: std::collections::BTreeSet<std::path::PathBuf>,
) -> (Site, Vec<Diagnostic>) {
    let (articles, excluded): (Vec<_>, Vec<_>) =
        articles.into_iter().partition(|a| drafts || !a.draft);
    let mut diags = Vec::new();
    let mut site = graph::index(config, articles, &mut diags);
    site.assets = assets;
    let forward = links::check_relations(&site, &excluded, &mut diags);
    let backlinks = links::check_body_links(&site, &excluded, &mut diags);
    derive::derive(&mut site, forward, backlinks);
    site.excluded = excluded;
    (site, diags)
}

/// The existing name closest to `wanted`, if one is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    wanted: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (wanted.chars().count() / 2).max(2);
    candidates
        .map(|c| (strsim::levenshtein(wanted, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_suggests_only_near_names() {
        let names = ["network-problem", "hardware-fault"];
        assert_eq!(closest("network-problm", names.into_iter()), Some("network-problem"));
        assert_eq!(closest("zzz", names.into_iter()), None);
    }
}
