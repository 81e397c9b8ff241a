//! Stage 2, parse: front matter and Markdown of every source, in parallel.
//!
//! Takes the loaded sources; returns one [`Article`] per good source and diagnostics for the
//! rest. Links are extracted here with their positions so `resolve` can check them all.

mod front_matter;
mod markdown;

pub use markdown::{Heading, Removed, heading_id, render_body};

use crate::config::SiteConfig;
use crate::diag::{Diagnostic, LineIndex};
use crate::load::{CONTENT_DIR, Source, join_relative};
use crate::urls;
use rayon::prelude::*;
use std::path::PathBuf;

/// One parsed article.
#[derive(Debug, Clone)]
pub struct Article {
    /// Index of its kind in `SiteConfig::kinds`.
    pub kind: usize,
    /// The file name without `.md`.
    pub slug: String,
    /// The source path relative to the site root.
    pub path: PathBuf,
    /// Required title.
    pub title: String,
    /// Optional one- or two-sentence summary.
    pub summary: Option<String>,
    /// Other phrasings a visitor might type.
    pub aliases: Vec<String>,
    /// Tags, as written.
    pub tags: Vec<String>,
    /// Sort key within lists; lower first.
    pub weight: i64,
    /// Last update, `YYYY-MM-DD[THH:MM...]`.
    pub updated: Option<String>,
    /// Drafts are left out unless `--drafts`.
    pub draft: bool,
    /// Relation field → target slugs with their positions, in the kind's declared order.
    pub relations: Vec<(String, RelationItems)>,
    /// Kind-specific front-matter fields.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The body as HTML, links already rewritten.
    pub html: String,
    /// The body's headings.
    pub headings: Vec<Heading>,
    /// Internal links in the body.
    pub links: Vec<BodyLink>,
    /// The body as plain text.
    pub text: String,
}

/// The slugs one relation field lists, each with its (line, col) in the file.
pub type RelationItems = Vec<(String, (usize, usize))>;

/// A link from an article's body into the site.
#[derive(Debug, Clone)]
pub struct BodyLink {
    /// As written.
    pub dest: String,
    /// What it points to.
    pub target: LinkTarget,
    /// The `#fragment`, if any.
    pub anchor: Option<String>,
    /// (line, col) in the source file.
    pub pos: (usize, usize),
}

/// Where a body link points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A `#fragment` of the same page.
    SamePage,
    /// A source file (`content/...md`), each component in NFC as articles are keyed; empty
    /// if the link climbs above the site root.
    Article(PathBuf),
    /// Another file under `content/` (an image, a PDF), published beside the pages; empty if
    /// the link leaves `content/`.
    Asset(PathBuf),
}

/// One source's outcome: the article and its warnings, or its errors.
type Parsed = Result<(Article, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Parses all sources in parallel; output order is input order.
pub fn parse_all(
    sources: &[Source],
    config: &SiteConfig,
    portable: bool,
) -> (Vec<Article>, Vec<Diagnostic>) {
    let results: Vec<Parsed> =
        sources.par_iter().map(|s| parse_article(s, config, portable)).collect();
    let mut articles = Vec::with_capacity(results.len());
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok((a, warnings)) => {
                articles.push(a);
                diags.extend(warnings);
            }
            Err(d) => diags.extend(d),
        }
    }
    (articles, diags)
}

/// Parses one source.
///
/// Returns the article with its warnings.
///
/// # Errors
/// Every front-matter problem of the file.
pub fn parse_article(source: &Source, config: &SiteConfig, portable: bool) -> Parsed {
    let path = &source.path;
    let text = &source.text;
    let kind = &config.kinds[source.kind];
    let split = front_matter::split(path, text).map_err(|d| vec![d])?;
    let index = LineIndex::new(text);
    let fields = front_matter::read_fields(path, text, &index, &split, kind)?;
    let rewrite = |dest: &str| -> Option<String> {
        let (file, anchor) = dest.split_once('#').map_or((dest, None), |(f, a)| (f, Some(a)));
        if !file.is_empty() && !is_md(file) {
            // The page sits one directory deeper than its source (`symptoms/x/` for
            // `content/symptoms/x.md`), so the asset's path is rebuilt from the root.
            let (file_path, query) =
                file.split_once('?').map_or((file, None), |(f, q)| (f, Some(q)));
            let rel = asset_target(path, file_path)?.strip_prefix(CONTENT_DIR).ok()?.to_path_buf();
            let rel: Vec<_> =
                rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            let mut href = format!("{}{}", urls::root_prefix(2), rel.join("/"));
            if let Some(q) = query {
                href.push('?');
                href.push_str(q);
            }
            if let Some(a) = anchor {
                href.push('#');
                href.push_str(a);
            }
            return Some(href);
        }
        let target = md_target(path, file)?;
        let dir = target.components().nth(1)?.as_os_str().to_string_lossy().into_owned();
        // The page lives at the NFC spelling of the file name, whichever the link used.
        let stem = crate::load::nfc(&target.file_stem()?.to_string_lossy()).into_owned();
        let mut href = urls::page_href(2, &urls::article_dir(&dir, &stem), portable);
        if let Some(a) = anchor {
            href.push('#');
            href.push_str(a);
        }
        Some(href)
    };
    let mut body = render_body(split.body, &rewrite, config.unsafe_html);
    let mut warnings = fields.warnings;
    for removed in std::mem::take(&mut body.removed) {
        let (offset, diag) = match removed {
            markdown::Removed::Html(offset, what) => (
                offset,
                Diagnostic::warning("raw-html", path, (1, 1), format!("raw HTML left out: {what}"))
                    .with_help("write it in Markdown, or set `unsafe_html: true` in site.yaml if every editor is trusted"),
            ),
            markdown::Removed::Url(offset, what) => (
                offset,
                Diagnostic::error("unsafe-url", path, (1, 1), format!("the address '{what}' would run script or read local files"))
                    .with_help("link to a page or file instead; `unsafe_html: true` in site.yaml allows it"),
            ),
        };
        let (line, col) = index.position(text, split.body_offset + offset);
        warnings.push(Diagnostic { line, col, ..diag });
    }
    let links = body
        .links
        .into_iter()
        .map(|l| {
            let (file, anchor) = l
                .dest
                .split_once('#')
                .map_or((l.dest.as_str(), None), |(f, a)| (f, Some(a.to_owned())));
            let target = if file.is_empty() {
                LinkTarget::SamePage
            } else if is_md(file) {
                // Articles are found by their NFC path, however the link spells it.
                LinkTarget::Article(
                    md_target(path, file).map(|t| crate::load::nfc_path(&t)).unwrap_or_default(),
                )
            } else {
                let file_path = file.split('?').next().unwrap_or(file);
                LinkTarget::Asset(
                    asset_target(path, file_path)
                        .filter(|t| t.starts_with(CONTENT_DIR))
                        .unwrap_or_default(),
                )
            };
            let pos = index.position(text, split.body_offset + l.offset);
            BodyLink { target, anchor, pos, dest: l.dest }
        })
        .collect();
    let article = Article {
        kind: source.kind,
        slug: source.slug.clone(),
        path: path.clone(),
        title: fields.title,
        summary: fields.summary,
        aliases: fields.aliases,
        tags: fields.tags,
        weight: fields.weight,
        updated: fields.updated,
        draft: fields.draft,
        relations: fields.relations,
        extra: fields.extra,
        html: body.html,
        headings: body.headings,
        links,
        text: body.text,
    };
    if warnings.iter().any(Diagnostic::is_error) {
        return Err(warnings);
    }
    Ok((article, warnings))
}

/// The source path a relative `.md` link points to, if it is one.
fn md_target(from: &std::path::Path, file: &str) -> Option<PathBuf> {
    if !is_md(file) {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(file).decode_utf8().ok()?;
    join_relative(from, &decoded)
}

/// The file a relative non-Markdown link points to, relative to the site root.
fn asset_target(from: &std::path::Path, file: &str) -> Option<PathBuf> {
    let decoded = percent_encoding::percent_decode_str(file).decode_utf8().ok()?;
    join_relative(from, &decoded)
}

fn is_md(file: &str) -> bool {
    file.split('?').next().is_some_and(|f| f.ends_with(".md"))
}
