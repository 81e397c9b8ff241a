//! View structs: everything a template sees, computed here so templates never walk the
//! graph. Every URL in a view is already relative to the page being rendered.

use crate::resolve::{ArticleId, Site};
use crate::urls::{self, page_href};
use serde::Serialize;

/// A title and a relative href.
#[derive(Debug, Serialize)]
pub(crate) struct Link {
    pub(crate) title: String,
    pub(crate) url: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(crate) current: bool,
}

/// Site-wide values.
#[derive(Debug, Serialize)]
pub(crate) struct SiteView<'a> {
    pub(crate) title: &'a str,
    pub(crate) description: &'a str,
    pub(crate) language: &'a str,
    pub(crate) og_locale: String,
}

/// The `<head>` of a page.
#[derive(Debug, Serialize)]
pub(crate) struct PageMeta {
    pub(crate) title: Option<String>,
    pub(crate) description: String,
    pub(crate) canonical: Option<String>,
    pub(crate) og_type: &'static str,
    pub(crate) json_ld: Option<String>,
}

/// What every page's base template needs.
#[derive(Debug, Serialize)]
pub(crate) struct Common<'a> {
    pub(crate) site: SiteView<'a>,
    pub(crate) root: String,
    pub(crate) home: String,
    pub(crate) tags_url: String,
    pub(crate) search_url: String,
    pub(crate) search_page: bool,
    pub(crate) search: bool,
    /// Whether atom.xml exists (it needs `base_url`).
    pub(crate) feed: bool,
    pub(crate) nav: Vec<Link>,
    pub(crate) breadcrumbs: Vec<Link>,
    pub(crate) page: PageMeta,
}

/// A linked article in a list or relation group.
#[derive(Debug, Serialize)]
pub(crate) struct Item<'a> {
    pub(crate) title: &'a str,
    pub(crate) url: String,
    pub(crate) summary: Option<&'a str>,
    pub(crate) kind: &'a str,
    pub(crate) kind_label: &'a str,
    pub(crate) extra: &'a serde_json::Map<String, serde_json::Value>,
    /// The item's own forward relations, one level deep (a cause's remedies on a symptom page).
    pub(crate) groups: Vec<SubGroup<'a>>,
}

/// One forward relation of an [`Item`].
#[derive(Debug, Serialize)]
pub(crate) struct SubGroup<'a> {
    pub(crate) label: &'a str,
    pub(crate) items: Vec<Link>,
}

/// A titled group of items on an article page.
#[derive(Debug, Serialize)]
pub(crate) struct Group<'a> {
    pub(crate) id: String,
    pub(crate) label: &'a str,
    pub(crate) title: String,
    pub(crate) items: Vec<Item<'a>>,
}

/// A heading in the table of contents.
#[derive(Debug, Serialize)]
pub(crate) struct TocEntry<'a> {
    pub(crate) level: u8,
    pub(crate) id: &'a str,
    pub(crate) text: &'a str,
}

/// An article page.
#[derive(Debug, Serialize)]
pub(crate) struct ArticleView<'a> {
    pub(crate) kind: &'a str,
    pub(crate) kind_label: &'a str,
    pub(crate) kind_url: String,
    pub(crate) slug: &'a str,
    pub(crate) title: &'a str,
    pub(crate) summary: Option<&'a str>,
    pub(crate) aliases: &'a [String],
    pub(crate) updated: Option<&'a str>,
    pub(crate) html: &'a str,
    pub(crate) toc: Vec<TocEntry<'a>>,
    pub(crate) extra: &'a serde_json::Map<String, serde_json::Value>,
    pub(crate) tags: Vec<Link>,
    /// Forward relations, in declared order.
    pub(crate) groups: Vec<Group<'a>>,
    /// Inverse and two-hop relations, related articles and backlinks.
    pub(crate) extra_groups: Vec<Group<'a>>,
}

/// Builds views for pages at one depth of one build.
pub(crate) struct Views<'s> {
    pub(crate) site: &'s Site,
    pub(crate) portable: bool,
    pub(crate) depth: usize,
}

impl<'s> Views<'s> {
    /// A relative href to the page directory `target`.
    pub(crate) fn href(&self, target: &str) -> String {
        page_href(self.depth, target, self.portable)
    }

    /// The href of an article.
    pub(crate) fn article_href(&self, id: ArticleId) -> String {
        let a = &self.site.articles[id];
        self.href(&urls::article_dir(&self.site.config.kinds[a.kind].dir, &a.slug))
    }

    /// A plain link to an article.
    pub(crate) fn link(&self, id: ArticleId) -> Link {
        Link {
            title: self.site.articles[id].title.clone(),
            url: self.article_href(id),
            current: false,
        }
    }

    /// A card for an article, with its own forward relations as links.
    pub(crate) fn item(&self, id: ArticleId) -> Item<'s> {
        let site = self.site;
        let a = &site.articles[id];
        let kind = &site.config.kinds[a.kind];
        let groups = kind
            .relations
            .iter()
            .zip(&site.forward[id])
            .map(|(rel, targets)| SubGroup {
                label: site
                    .config
                    .kind(&rel.target)
                    .map_or(rel.field.as_str(), |k| k.label.as_str()),
                items: targets.iter().map(|&t| self.link(t)).collect(),
            })
            .collect();
        Item {
            title: &a.title,
            url: self.article_href(id),
            summary: a.summary.as_deref(),
            kind: &kind.name,
            kind_label: &kind.label,
            extra: &a.extra,
            groups,
        }
    }

    /// Every article page view of `id`.
    pub(crate) fn article(&self, id: ArticleId) -> ArticleView<'s> {
        let site = self.site;
        let a = &site.articles[id];
        let kinds = &site.config.kinds;
        let kind = &kinds[a.kind];
        let groups = kind
            .relations
            .iter()
            .zip(&site.forward[id])
            .map(|(rel, targets)| {
                let label =
                    site.config.kind(&rel.target).map_or(rel.field.as_str(), |k| k.label.as_str());
                Group {
                    id: format!("kb-rel-{}", rel.field),
                    label,
                    title: label.to_owned(),
                    items: targets.iter().map(|&t| self.item(t)).collect(),
                }
            })
            .collect();
        let mut extra_groups = Vec::new();
        for (k, sources) in &site.inverse[id] {
            let label = kinds[*k].label.as_str();
            extra_groups.push(Group {
                id: format!("kb-inv-{}", kinds[*k].name),
                label,
                title: format!("相关{label}"),
                items: sources.iter().map(|&s| self.item(s)).collect(),
            });
        }
        self.by_kind(&site.forward2[id], "kb-all", "所有", &mut extra_groups);
        self.by_kind(&site.inverse2[id], "kb-via", "相关", &mut extra_groups);
        let related: Vec<_> = site.related[id].iter().map(|&(r, _)| self.item(r)).collect();
        extra_groups.push(Group {
            id: "kb-related".into(),
            label: &kind.label,
            title: format!("相似的{}", kind.label),
            items: related,
        });
        extra_groups.push(Group {
            id: "kb-backlinks".into(),
            label: "",
            title: "提到本文的文章".into(),
            items: site.backlinks[id].iter().map(|&b| self.item(b)).collect(),
        });
        // Merge groups that ended up with the same id (a kind reached both ways).
        let mut seen = std::collections::BTreeSet::new();
        extra_groups.retain(|g| seen.insert(g.id.clone()));
        let toc: Vec<_> = a
            .headings
            .iter()
            .filter(|h| (2..=3).contains(&h.level))
            .map(|h| TocEntry { level: h.level, id: &h.id, text: &h.text })
            .collect();
        ArticleView {
            kind: &kind.name,
            kind_label: &kind.label,
            kind_url: self.href(&urls::kind_dir(&kind.dir)),
            slug: &a.slug,
            title: &a.title,
            summary: a.summary.as_deref(),
            aliases: &a.aliases,
            updated: a.updated.as_deref().map(|d| d.get(..10).unwrap_or(d)),
            html: &a.html,
            toc: if toc.len() >= 3 { toc } else { Vec::new() },
            extra: &a.extra,
            tags: a
                .tags
                .iter()
                .map(|t| Link {
                    title: t.clone(),
                    url: self.href(&urls::tag_dir(&urls::tag_slug(t))),
                    current: false,
                })
                .collect(),
            groups,
            extra_groups,
        }
    }

    /// Splits `ids` by kind into groups titled `{prefix}{label}`.
    fn by_kind(&self, ids: &[ArticleId], id_prefix: &str, prefix: &str, out: &mut Vec<Group<'s>>) {
        let site = self.site;
        for (k, kind) in site.config.kinds.iter().enumerate() {
            let items: Vec<_> = ids
                .iter()
                .filter(|&&i| site.articles[i].kind == k)
                .map(|&i| self.item(i))
                .collect();
            if !items.is_empty() {
                out.push(Group {
                    id: format!("{id_prefix}-{}", kind.name),
                    label: &kind.label,
                    title: format!("{prefix}{}", kind.label),
                    items,
                });
            }
        }
    }

    /// The site navigation, marking the kind list `current` if given.
    pub(crate) fn nav(&self, current: Option<usize>) -> Vec<Link> {
        self.site
            .config
            .kinds
            .iter()
            .enumerate()
            .map(|(k, kind)| Link {
                title: kind.label.clone(),
                url: self.href(&urls::kind_dir(&kind.dir)),
                current: current == Some(k),
            })
            .collect()
    }
}
