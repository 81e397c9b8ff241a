//! Checks every relation slug and every body link against the site, naming the closest
//! existing slug, file or heading when one is wrong.

use super::closest;
use super::graph::{ArticleId, Site};
use crate::diag::Diagnostic;
use crate::parse::{Article, LinkTarget};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Resolves each article's relation slugs to ids; unknown, wrong-kind and draft targets
/// become errors.
pub(super) fn check_relations(
    site: &Site,
    drafts: &[Article],
    all_diags: &mut Vec<Diagnostic>,
) -> Vec<Vec<Vec<ArticleId>>> {
    let config = &site.config;
    let per_article: Vec<(Vec<Vec<ArticleId>>, Vec<Diagnostic>)> = site
        .articles
        .par_iter()
        .map(|a| {
            let mut diags = Vec::new();
            let kind = &config.kinds[a.kind];
            let groups = kind
                .relations
                .iter()
                .zip(&a.relations)
                .map(|(rel, (_, items))| {
                    let Some(target) = config.kinds.iter().position(|k| k.name == rel.target)
                    else {
                        return Vec::new();
                    };
                    let mut seen = BTreeSet::new();
                    let mut ids = Vec::new();
                    for (slug, pos) in items {
                        if let Some(id) = site.find(target, slug) {
                            if seen.insert(id) {
                                ids.push(id);
                            } else {
                                diags.push(
                                    Diagnostic::warning(
                                        "duplicate-relation",
                                        &a.path,
                                        *pos,
                                        format!("'{slug}' is listed twice in '{}'", rel.field),
                                    )
                                    .with_help("remove the second mention"),
                                );
                            }
                            continue;
                        }
                        diags.push(relation_error(
                            site, drafts, &a.path, *pos, &rel.field, target, slug,
                        ));
                    }
                    ids
                })
                .collect();
            (groups, diags)
        })
        .collect();
    per_article
        .into_iter()
        .map(|(groups, diags)| {
            all_diags.extend(diags);
            groups
        })
        .collect()
}

fn relation_error(
    site: &Site,
    drafts: &[Article],
    path: &std::path::Path,
    pos: (usize, usize),
    field: &str,
    target: usize,
    slug: &str,
) -> Diagnostic {
    let config = &site.config;
    let kind = &config.kinds[target];
    if drafts.iter().any(|d| d.kind == target && d.slug == slug) {
        return Diagnostic::error(
            "draft-target",
            path,
            pos,
            format!("'{field}' lists the {} '{slug}', which is a draft", kind.name),
        )
        .with_help(
            "publish it (remove `draft: true`), build with --drafts, or remove it from the list",
        );
    }
    if let Some(other) =
        (0..config.kinds.len()).find(|&k| k != target && site.find(k, slug).is_some())
    {
        let other = &config.kinds[other];
        return Diagnostic::error(
            "wrong-kind",
            path,
            pos,
            format!(
                "'{field}' must list {} slugs, but '{slug}' is a {} (content/{}/{slug}.md)",
                kind.name, other.name, other.dir
            ),
        )
        .with_help(format!(
            "list a {} from content/{}/, or move the link into the body",
            kind.name, kind.dir
        ));
    }
    let names = site.by_kind[target].iter().map(|&id| site.articles[id].slug.as_str());
    let help = match closest(slug, names) {
        Some(near) => format!(
            "did you mean '{near}'? {} slugs are the file names in content/{}/",
            kind.name, kind.dir
        ),
        None => format!(
            "create content/{}/{slug}.md (`kbgen new {} {slug}`) or fix the slug",
            kind.dir, kind.name
        ),
    };
    Diagnostic::error(
        "unknown-slug",
        path,
        pos,
        format!("'{field}' lists '{slug}', but there is no {} with that slug", kind.name),
    )
    .with_help(help)
}

/// Checks body links and anchors; returns, per article, the articles that link to it.
pub(super) fn check_body_links(
    site: &Site,
    drafts: &[Article],
    all_diags: &mut Vec<Diagnostic>,
) -> Vec<Vec<ArticleId>> {
    let per_article: Vec<(Vec<ArticleId>, Vec<Diagnostic>)> = site
        .articles
        .par_iter()
        .enumerate()
        .map(|(id, a)| {
        let mut diags = Vec::new();
        let mut targets = Vec::new();
        for link in &a.links {
            let target = match &link.target {
                LinkTarget::Asset(path) => {
                    if !site.assets.contains(path) {
                        let shown = path.to_string_lossy().replace('\\', "/");
                        let message = if shown.is_empty() {
                            format!("the link '{}' leaves content/", link.dest)
                        } else {
                            format!(
                                "the link '{}' points to {shown}, which does not exist",
                                link.dest
                            )
                        };
                        diags.push(Diagnostic::error("broken-link", &a.path, link.pos, message).with_help(
                            "put images and other files under content/ and link to them relative to this file",
                        ));
                    }
                    continue;
                }
                LinkTarget::SamePage => id,
                LinkTarget::Article(path) => match site.by_path.get(path) {
                    Some(&t) => {
                        if t != id {
                            targets.push(t);
                        }
                        t
                    }
                    None => {
                        let is_draft =
                            drafts.iter().any(|d| crate::load::nfc_path(&d.path) == *path);
                        let shown = path.to_string_lossy().replace('\\', "/");
                        let (code, message) = if is_draft {
                            (
                                "draft-target",
                                format!("the link '{}' points to a draft ({shown})", link.dest),
                            )
                        } else {
                            (
                                "broken-link",
                                format!(
                                    "the link '{}' points to {shown}, which is not an article",
                                    link.dest
                                ),
                            )
                        };
                        // Suggest only files in the directory the link points into.
                        let paths = site
                            .articles
                            .iter()
                            .map(|a| &a.path)
                            .filter(|p| p.parent() == path.parent())
                            .map(|p| p.to_str().unwrap_or(""));
                        let help = match closest(&shown, paths) {
                            _ if is_draft => "publish the target, build with --drafts, or remove the link".to_owned(),
                            Some(near) => format!("did you mean {near}? links are relative to this file"),
                            None => "links are relative to this file, e.g. `../remedies/restart-terminal.md`".to_owned(),
                        };
                        diags.push(
                            Diagnostic::error(code, &a.path, link.pos, message).with_help(help),
                        );
                        continue;
                    }
                },
            };
            if let Some(anchor) = &link.anchor {
                let decoded = percent_encoding::percent_decode_str(anchor).decode_utf8_lossy();
                let headings = &site.articles[target].headings;
                if !headings.iter().any(|h| h.id == decoded) {
                    let ids = headings.iter().map(|h| h.id.as_str());
                    let help = match closest(&decoded, ids) {
                        Some(near) => format!("did you mean '#{near}'?"),
                        None if headings.is_empty() => {
                            "the target has no headings; link to the page without '#'".to_owned()
                        }
                        None => format!(
                            "its heading ids are: {}",
                            headings
                                .iter()
                                .map(|h| format!("#{}", h.id))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    diags.push(
                        Diagnostic::error(
                            "broken-anchor",
                            &a.path,
                            link.pos,
                            format!(
                                "'{}' has no heading with the id '{decoded}'",
                                site.articles[target].path.display()
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
        }
        (targets, diags)
    })
    .collect();
    let mut backlinks: Vec<Vec<ArticleId>> = vec![Vec::new(); site.articles.len()];
    for (id, (targets, found)) in per_article.into_iter().enumerate() {
        all_diags.extend(found);
        for t in targets {
            // Each source's links are visited together, so a repeat is the last entry.
            if backlinks[t].last() != Some(&id) {
                backlinks[t].push(id);
            }
        }
    }
    backlinks
}
