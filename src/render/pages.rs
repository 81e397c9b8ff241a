//! HTML pages: home, one per article, a list per kind, the tag index and one page per tag,
//! and 404, one job each.

use super::RenderOptions;
use super::context::{Common, Link, PageMeta, SiteView, Views};
use super::templates::template_diagnostic;
use crate::assets::Theme;
use crate::diag::Diagnostic;
use crate::resolve::{ArticleId, Site};
use crate::urls;
use serde::Serialize;
use serde_json::json;

/// How many articles of the first (lead) kind the home page lists; the rest are one
/// click away on the kind's list page.
pub(super) const HOME_LEAD_LIMIT: usize = 60;
/// How many articles of each other kind the home page lists (at most the lead limit).
const HOME_LIMIT: usize = 12;

/// One page to render.
pub(super) enum Job<'a> {
    Home,
    /// A kind's list, one page of it (numbered from 1).
    Kind(usize, usize),
    Article(ArticleId),
    Tags,
    /// A tag's list, one page of it (numbered from 1).
    Tag(&'a str, usize),
    Search,
    NotFound,
}

/// Every HTML page of the site.
pub(super) fn jobs(site: &Site) -> Vec<Job<'_>> {
    let mut jobs = vec![Job::Home, Job::Tags, Job::NotFound];
    if site.config.search {
        jobs.push(Job::Search);
    }
    let pages = |len: usize| 1..=len.div_ceil(site.config.page_size).max(1);
    for (k, ids) in site.by_kind.iter().enumerate() {
        jobs.extend(pages(ids.len()).map(|p| Job::Kind(k, p)));
    }
    jobs.extend((0..site.articles.len()).map(Job::Article));
    for (slug, tag) in &site.tags {
        jobs.extend(pages(tag.articles.len()).map(|p| Job::Tag(slug.as_str(), p)));
    }
    jobs
}

/// The site-relative directory a page lives in (`""` for the home page and 404).
fn job_dir(site: &Site, job: &Job<'_>) -> String {
    let config = &site.config;
    match job {
        Job::Home | Job::NotFound => String::new(),
        Job::Kind(k, page) => urls::list_page(&urls::kind_dir(&config.kinds[*k].dir), *page),
        Job::Article(id) => {
            let a = &site.articles[*id];
            urls::article_dir(&config.kinds[a.kind].dir, &a.slug)
        }
        Job::Tags => "tags/".to_owned(),
        Job::Tag(slug, page) => urls::list_page(&urls::tag_dir(slug), *page),
        Job::Search => "search/".to_owned(),
    }
}

/// The file a page is written to.
pub(super) fn output_path(site: &Site, job: &Job<'_>) -> String {
    match job {
        Job::NotFound => "404.html".to_owned(),
        _ => format!("{}index.html", job_dir(site, job)),
    }
}

/// Renders one page to its output path and bytes, or a diagnostic naming the template.
pub(super) fn render_job(
    site: &Site,
    theme: &Theme,
    tera: &tera::Tera,
    options: RenderOptions,
    job: &Job<'_>,
) -> Result<(String, Vec<u8>), Diagnostic> {
    let config = &site.config;
    let dir = job_dir(site, job);
    let template = match job {
        Job::Home => "index.html".to_owned(),
        Job::Kind(..) | Job::Tag(..) => "list.html".to_owned(),
        Job::Article(id) => {
            let own = format!("{}.html", config.kinds[site.articles[*id].kind].name);
            if theme.templates.contains_key(&own) { own } else { "article.html".to_owned() }
        }
        Job::Tags => "tags.html".to_owned(),
        Job::Search => "search.html".to_owned(),
        Job::NotFound => "404.html".to_owned(),
    };
    let views = Views { site, portable: options.portable, depth: urls::depth(&dir) };
    let mut ctx = tera::Context::new();
    let home_crumb = || Link { title: "首页".into(), url: views.href(""), current: false };
    let (title, description, breadcrumbs, og_type, current_kind, json_ld) = match job {
        Job::Home => {
            let sections: Vec<_> = config
                .kinds
                .iter()
                .enumerate()
                .map(|(k, kind)| Section {
                    id: format!("kb-home-{}", kind.name),
                    title: kind.label.clone(),
                    url: views.href(&urls::kind_dir(&kind.dir)),
                    count: site.by_kind[k].len(),
                    items: site.by_kind[k]
                        .iter()
                        .take(if k == 0 { HOME_LEAD_LIMIT } else { HOME_LIMIT })
                        .map(|&i| views.item(i))
                        .collect(),
                })
                .collect();
            ctx.insert("sections", &sections);
            let ld = json!({"@type": "WebSite", "name": config.title, "description": config.description, "inLanguage": config.language, "url": config.base_url});
            (None, config.description.clone(), Vec::new(), "website", None, Some(ld))
        }
        Job::Kind(k, page) => {
            let kind = &config.kinds[*k];
            let ids = &site.by_kind[*k];
            let first = urls::kind_dir(&kind.dir);
            let description = format!("{}：共 {} 篇", kind.label, ids.len());
            let list = ListView::page(&views, kind.label.clone(), &description, ids, &first, *page);
            let title = list.title.clone();
            ctx.insert("list", &list);
            let crumbs = vec![
                home_crumb(),
                Link { title: kind.label.clone(), url: views.href(&first), current: *page == 1 },
            ];
            (Some(title), description, crumbs, "website", Some(*k), None)
        }
        Job::Article(id) => {
            let a = &site.articles[*id];
            let view = views.article(*id);
            let kind = &config.kinds[a.kind];
            let crumbs = vec![
                home_crumb(),
                Link {
                    title: kind.label.clone(),
                    url: views.href(&urls::kind_dir(&kind.dir)),
                    current: false,
                },
                Link { title: a.title.clone(), url: views.href(&dir), current: true },
            ];
            ctx.insert("article", &view);
            let description = a.summary.clone().unwrap_or_else(|| truncate(&a.text, 120));
            let ld = json!({
                "@type": "TechArticle",
                "headline": a.title,
                "description": description,
                "inLanguage": config.language,
                "dateModified": a.updated,
                "keywords": a.tags.join(","),
                "alternativeHeadline": a.aliases.first(),
                "articleSection": kind.label,
                "url": config.base_url.as_ref().map(|b| urls::absolute(b, &dir)),
            });
            (Some(a.title.clone()), description, crumbs, "article", Some(a.kind), Some(ld))
        }
        Job::Tags => {
            let tags: Vec<_> = site
                .tags
                .iter()
                .map(|(slug, t)| TagView {
                    title: t.name.clone(),
                    url: views.href(&urls::tag_dir(slug)),
                    count: t.articles.len(),
                })
                .collect();
            ctx.insert("tags", &tags);
            let crumbs = vec![
                home_crumb(),
                Link { title: "全部标签".into(), url: views.href(&dir), current: true },
            ];
            (
                Some("全部标签".into()),
                format!("按标签浏览 {} 个主题", tags.len()),
                crumbs,
                "website",
                None,
                None,
            )
        }
        Job::Tag(slug, page) => {
            let tag = &site.tags[*slug];
            let first = urls::tag_dir(slug);
            let name = format!("#{}", tag.name);
            let description = format!("标签“{}”下的 {} 篇文章", tag.name, tag.articles.len());
            let list =
                ListView::page(&views, name.clone(), &description, &tag.articles, &first, *page);
            let title = list.title.clone();
            ctx.insert("list", &list);
            let crumbs = vec![
                home_crumb(),
                Link { title: "全部标签".into(), url: views.href("tags/"), current: false },
                Link { title: name, url: views.href(&first), current: *page == 1 },
            ];
            (Some(title), description, crumbs, "website", None, None)
        }
        Job::Search => {
            // Without JavaScript the search page still lists the lead kind's first articles
            // and links to the rest.
            let lead = config.kinds.first();
            let ids = site.by_kind.first().map(Vec::as_slice).unwrap_or_default();
            let fallback = ListView {
                title: lead.map_or_else(String::new, |k| k.label.clone()),
                description: String::new(),
                items: ids.iter().take(config.page_size).map(|&i| views.item(i)).collect(),
                pagination: None,
            };
            ctx.insert("fallback", &fallback);
            ctx.insert("fallback_more", &(ids.len() > config.page_size));
            ctx.insert(
                "fallback_url",
                &lead.map(|k| views.href(&urls::kind_dir(&k.dir))).unwrap_or_default(),
            );
            let crumbs = vec![
                home_crumb(),
                Link { title: "搜索".into(), url: views.href(&dir), current: true },
            ];
            (
                Some("搜索".into()),
                format!("搜索{}：按症状、原因、解决办法查找", config.title),
                crumbs,
                "website",
                None,
                None,
            )
        }
        Job::NotFound => (
            Some("页面不存在".into()),
            "没有找到这个页面".into(),
            Vec::new(),
            "website",
            None,
            None,
        ),
    };
    let json_ld = json_ld.map(|ld| {
        let mut graph = vec![ld];
        if breadcrumbs.len() > 1 {
            graph.push(breadcrumb_ld(site, &breadcrumbs, &dir));
        }
        let mut ld = json!({"@context": "https://schema.org", "@graph": graph});
        drop_nulls(&mut ld);
        script_safe_json(&ld)
    });
    let canonical = match job {
        Job::NotFound => None,
        _ => config.base_url.as_ref().map(|b| urls::absolute(b, &dir)),
    };
    // 404.html is served at whatever path was missing, so relative links would point
    // nowhere: it alone links from the site's absolute base path.
    let root_override = matches!(job, Job::NotFound).then(|| base_path(config.base_url.as_deref()));
    let root = root_override.clone().unwrap_or_else(|| urls::root_prefix(views.depth));
    let index = if options.portable { "index.html" } else { "" };
    let mut nav = views.nav(current_kind);
    if let Some(base) = &root_override {
        for (link, kind) in nav.iter_mut().zip(&config.kinds) {
            link.url = format!("{base}{}/{index}", kind.dir);
        }
    }
    let common = Common {
        site: SiteView {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            og_locale: config.language.replace('-', "_"),
        },
        home: root_override.clone().map_or_else(|| views.href(""), |b| format!("{b}{index}")),
        tags_url: format!("{root}tags/{index}"),
        search_url: format!("{root}search/{index}"),
        search_page: matches!(job, Job::Search),
        search: config.search,
        feed: config.base_url.is_some(),
        root,
        nav,
        breadcrumbs,
        page: PageMeta { title, description, canonical, og_type, json_ld },
    };
    let common =
        tera::Context::from_serialize(&common).map_err(|e| template_diagnostic(theme, &e, None))?;
    ctx.extend(common);
    let rendered = tera.render(&template, &ctx).map_err(|e| {
        let what = match job {
            Job::Article(id) => site.articles[*id].path.display().to_string(),
            _ => format!("the page {dir}index.html"),
        };
        template_diagnostic(theme, &e, Some(&what))
    })?;
    Ok((output_path(site, job), rendered.into_bytes()))
}

#[derive(Serialize)]
struct Section<'a> {
    id: String,
    title: String,
    url: String,
    count: usize,
    items: Vec<super::context::Item<'a>>,
}

#[derive(Serialize)]
struct ListView<'a> {
    title: String,
    description: String,
    items: Vec<super::context::Item<'a>>,
    pagination: Option<Pagination>,
}

impl<'a> ListView<'a> {
    /// Page `page` (from 1) of a list of `ids` whose first page lives in `first`.
    fn page(
        views: &Views<'a>,
        name: String,
        description: &str,
        ids: &[ArticleId],
        first: &str,
        page: usize,
    ) -> Self {
        let size = views.site.config.page_size;
        let pages = ids.len().div_ceil(size).max(1);
        let items = ids.iter().skip((page - 1) * size).take(size).map(|&i| views.item(i)).collect();
        let href = |p: usize| views.href(&urls::list_page(first, p));
        let pagination = (pages > 1).then(|| Pagination {
            current: page,
            total: pages,
            first: (page > 1).then(|| href(1)),
            prev: (page > 1).then(|| href(page - 1)),
            next: (page < pages).then(|| href(page + 1)),
            last: (page < pages).then(|| href(pages)),
        });
        let title = if page > 1 { format!("{name}（第 {page} 页）") } else { name };
        let description = match &pagination {
            Some(p) => format!("{description}，第 {} / {} 页", p.current, p.total),
            None => description.to_owned(),
        };
        Self { title, description, items, pagination }
    }
}

/// Links between the pages of a long list.
#[derive(Serialize)]
struct Pagination {
    current: usize,
    total: usize,
    first: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    last: Option<String>,
}

#[derive(Serialize)]
struct TagView {
    title: String,
    url: String,
    count: usize,
}

fn breadcrumb_ld(site: &Site, crumbs: &[Link], dir: &str) -> serde_json::Value {
    let base = site.config.base_url.as_deref();
    // Crumb hrefs are relative to this page; rebuild each absolute URL from the page dir.
    let depth = urls::depth(dir);
    let items: Vec<_> = crumbs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let target = resolve_relative(dir, depth, &c.url);
            let mut item = json!({"@type": "ListItem", "position": i + 1, "name": c.title});
            if let Some(b) = base {
                item["item"] = json!(urls::absolute(b, &target));
            }
            item
        })
        .collect();
    json!({"@type": "BreadcrumbList", "itemListElement": items})
}

/// The site-relative directory a relative href from `dir` points to.
fn resolve_relative(dir: &str, depth: usize, href: &str) -> String {
    let href = href.trim_end_matches("index.html");
    let ups = href.matches("../").count();
    let rest = href.trim_start_matches("../").trim_start_matches("./");
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    parts.truncate(depth.saturating_sub(ups));
    let mut out = parts.join("/");
    if !out.is_empty() {
        out.push('/');
    }
    out.push_str(rest);
    out
}

/// The path part of the base URL (`/` or `/kb/`), for pages that cannot link relatively.
fn base_path(base_url: Option<&str>) -> String {
    base_url
        .and_then(|u| u.split_once("://"))
        .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned()))
        .unwrap_or_else(|| "/".to_owned())
}

/// Removes null fields (an article without `updated` has no `dateModified`).
fn drop_nulls(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(drop_nulls);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}

/// JSON that cannot close its `<script>` element or open a comment.
pub(crate) fn script_safe_json(value: &serde_json::Value) -> String {
    value.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

/// The first `max` characters of `text`, cut at a character boundary, with an ellipsis.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_crumbs_resolve_to_site_paths() {
        assert_eq!(resolve_relative("symptoms/a/", 2, "../../"), "");
        assert_eq!(resolve_relative("symptoms/a/", 2, "../../symptoms/"), "symptoms/");
        assert_eq!(
            resolve_relative("symptoms/a/", 2, "../../symptoms/a/index.html"),
            "symptoms/a/"
        );
        assert_eq!(base_path(Some("https://h.example/kb/")), "/kb/");
        assert_eq!(base_path(None), "/");
    }

    #[test]
    fn json_for_script_elements_is_inert() {
        let s = script_safe_json(&json!({"a": "</script><b>&"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
    }
}
