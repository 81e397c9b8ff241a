//! `site.yaml`: the site's settings and its content schema (kinds and typed relations).
//!
//! Takes the text of `site.yaml`; returns a validated [`SiteConfig`] or diagnostics that
//! point into the file.

use crate::diag::{Diagnostic, LineIndex};
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeSet;

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "site.yaml";

/// A validated site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's title, shown in the header and feeds.
    pub title: String,
    /// One or two sentences about the site, for the home page and meta description.
    pub description: String,
    /// The absolute URL the site is published at, ending in `/`; used only for canonical
    /// links, the sitemap and the feed.
    pub base_url: Option<String>,
    /// The language tag of the content, e.g. `zh-CN`.
    pub language: String,
    /// The content kinds, in the order they were declared (the first is the home page's lead).
    pub kinds: Vec<KindDef>,
    /// Whether to build the search index, the search box and the search page.
    pub search: bool,
    /// How many articles a list page (a kind's or a tag's) shows; longer lists get more
    /// pages, so no page grows with the site.
    pub page_size: usize,
    /// Keep raw HTML and script addresses in bodies. Off by default: raw HTML is left out
    /// with a warning, a `javascript:` link is an error.
    pub unsafe_html: bool,
    /// The largest article file read, in bytes; a bigger one is an error rather than a
    /// build that holds it all in memory.
    pub max_article_bytes: u64,
}

/// One kind of article, e.g. `symptom`.
#[derive(Debug, Clone)]
pub struct KindDef {
    /// The kind's name, used in relations and `kbgen new`.
    pub name: String,
    /// The directory under `content/` (and in the output) that holds this kind.
    pub dir: String,
    /// The human name shown on pages.
    pub label: String,
    /// Typed relations: front-matter field name → target kind, in declared order.
    pub relations: Vec<Relation>,
}

/// A typed relation from one kind to another, declared in `site.yaml`.
#[derive(Debug, Clone)]
pub struct Relation {
    /// The front-matter field that lists target slugs.
    pub field: String,
    /// The target kind's name.
    pub target: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    base_url: Option<String>,
    #[serde(default = "default_language")]
    language: String,
    kinds: IndexMap<String, RawKind>,
    #[serde(default = "default_true")]
    search: bool,
    #[serde(default = "default_page_size")]
    page_size: std::num::NonZeroUsize,
    #[serde(default)]
    unsafe_html: bool,
    #[serde(default = "default_max_article_kib")]
    max_article_kib: std::num::NonZeroU64,
}

/// 4 MiB: a hundred times the longest article in the shipped site; anything larger is a
/// pasted log or image, not prose.
fn default_max_article_kib() -> std::num::NonZeroU64 {
    std::num::NonZeroU64::new(4096).unwrap_or(std::num::NonZeroU64::MIN)
}

fn default_page_size() -> std::num::NonZeroUsize {
    std::num::NonZeroUsize::new(100).unwrap_or(std::num::NonZeroUsize::MIN)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKind {
    dir: String,
    label: String,
    #[serde(default)]
    relations: IndexMap<String, String>,
}

fn default_true() -> bool {
    true
}

fn default_language() -> String {
    "zh-CN".to_owned()
}

/// Field names every article may use; a relation may not reuse them.
pub(crate) const COMMON_FIELDS: &[&str] =
    &["title", "summary", "aliases", "tags", "weight", "updated", "draft"];

impl SiteConfig {
    /// Parses and validates the text of `site.yaml`.
    ///
    /// # Errors
    /// Every problem found, each naming its line in `site.yaml`.
    pub fn parse(text: &str) -> Result<Self, Vec<Diagnostic>> {
        let index = LineIndex::new(text);
        let raw: RawConfig = serde_yaml::from_str(text).map_err(|e| {
            let pos = e.location().map_or((1, 1), |l| index.position(text, l.index()));
            vec![
                Diagnostic::error("invalid-config", CONFIG_FILE, pos, lower_first(&e.to_string()))
                    .with_help("see the site.yaml reference in README.md"),
            ]
        })?;
        let at = |needle: &str| find_key(text, &index, 0, needle);
        let mut diags = Vec::new();
        let names: BTreeSet<&str> = raw.kinds.keys().map(String::as_str).collect();
        let mut dirs = BTreeSet::new();
        for (name, kind) in &raw.kinds {
            // Point at values inside this kind's own entry, not the first match in the file.
            let entry = find_kind_entry(text, name);
            let at = |needle: &str| find_key(text, &index, entry, needle);
            if RESERVED_KIND_NAMES.contains(&name.as_str())
                || !is_simple_name(name)
                || name.contains('.')
            {
                diags.push(
                    Diagnostic::error("invalid-config", CONFIG_FILE, at(name), format!(
                        "'{name}' cannot be a kind name: kind names name templates, and this one is kbgen's own or not a plain word"
                    ))
                    .with_help(format!("choose another name; reserved: {}", RESERVED_KIND_NAMES.join(", "))),
                );
            }
            if !is_simple_name(&kind.dir) || kind.dir.contains('.') {
                diags.push(
                    Diagnostic::error(
                        "invalid-config",
                        CONFIG_FILE,
                        at(&kind.dir),
                        format!(
                            "kind '{name}' has dir '{}', which is not a plain directory name",
                            kind.dir
                        ),
                    )
                    .with_help("use letters, digits, '-' or '_', e.g. `dir: symptoms`"),
                );
            } else if matches!(kind.dir.as_str(), "assets" | "tags" | "search") {
                diags.push(
                    Diagnostic::error(
                        "invalid-config",
                        CONFIG_FILE,
                        at(&kind.dir),
                        format!(
                            "kind '{name}' uses dir '{}', which kbgen reserves for its own pages",
                            kind.dir
                        ),
                    )
                    .with_help("choose another dir name"),
                );
            } else if !dirs.insert(kind.dir.as_str()) {
                diags.push(
                    Diagnostic::error(
                        "invalid-config",
                        CONFIG_FILE,
                        at(&kind.dir),
                        format!("two kinds share the dir '{}'", kind.dir),
                    )
                    .with_help("give each kind its own dir"),
                );
            }
            for (field, target) in &kind.relations {
                if !names.contains(target.as_str()) {
                    diags.push(
                        Diagnostic::error("invalid-config", CONFIG_FILE, at(target), format!(
                            "relation '{field}' of kind '{name}' points to unknown kind '{target}'"
                        ))
                        .with_help(format!(
                            "declared kinds: {}",
                            names.iter().copied().collect::<Vec<_>>().join(", ")
                        )),
                    );
                }
                if COMMON_FIELDS.contains(&field.as_str()) {
                    diags.push(
                        Diagnostic::error("invalid-config", CONFIG_FILE, at(field), format!(
                            "relation '{field}' of kind '{name}' reuses a common front-matter field"
                        ))
                        .with_help("rename the relation"),
                    );
                }
            }
        }
        if raw.kinds.is_empty() {
            diags.push(
                Diagnostic::error(
                    "invalid-config",
                    CONFIG_FILE,
                    at("kinds"),
                    "no kinds are declared",
                )
                .with_help("declare at least one kind under `kinds:`"),
            );
        }
        let base_url = match raw.base_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(url) => match normalize_base_url(url) {
                Some(u) => Some(u),
                None => {
                    diags.push(
                        Diagnostic::error(
                            "invalid-config",
                            CONFIG_FILE,
                            at("base_url"),
                            format!("base_url '{url}' is not an absolute http(s) URL"),
                        )
                        .with_help("write it like `base_url: https://kb.example.com/`"),
                    );
                    None
                }
            },
        };
        if !diags.is_empty() {
            return Err(diags);
        }
        let kinds = raw
            .kinds
            .into_iter()
            .map(|(name, k)| KindDef {
                name,
                dir: k.dir,
                label: k.label,
                relations: k
                    .relations
                    .into_iter()
                    .map(|(field, target)| Relation { field, target })
                    .collect(),
            })
            .collect();
        Ok(Self {
            title: raw.title,
            description: raw.description,
            base_url,
            language: raw.language,
            kinds,
            search: raw.search,
            page_size: raw.page_size.get(),
            max_article_bytes: raw.max_article_kib.get().saturating_mul(1024),
            unsafe_html: raw.unsafe_html,
        })
    }

    /// The kind named `name`.
    pub fn kind(&self, name: &str) -> Option<&KindDef> {
        self.kinds.iter().find(|k| k.name == name)
    }

    /// The kind whose content lives in `dir`.
    pub fn kind_by_dir(&self, dir: &str) -> Option<&KindDef> {
        self.kinds.iter().find(|k| k.dir == dir)
    }
}

/// Checks and normalises a base URL to end in `/`; `None` if it is not absolute http(s).
pub(crate) fn normalize_base_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    if rest.is_empty() || rest.starts_with('/') || url.chars().any(char::is_whitespace) {
        return None;
    }
    Some(if url.ends_with('/') { url.to_owned() } else { format!("{url}/") })
}

/// A directory or slug name that cannot leave its parent: no separators, no leading dot.
pub(crate) fn is_simple_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('.')
        && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// Kind names that would pick one of the theme's own templates (`<kind>.html`).
const RESERVED_KIND_NAMES: &[&str] = &["404", "article", "base", "index", "list", "search", "tags"];

/// Where `needle` first appears in `text` at or after byte `from`, for pointing at a value
/// after serde has validated it (serde keeps no spans once a value is deserialised).
fn find_key(text: &str, index: &LineIndex, from: usize, needle: &str) -> (usize, usize) {
    let from = if text.is_char_boundary(from) { from } else { 0 };
    text[from..].find(needle).map_or((1, 1), |off| index.position(text, from + off))
}

/// The byte offset of the line declaring kind `name` (`  name:`), or 0.
fn find_kind_entry(text: &str, name: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if line.len() > trimmed.len()
            && trimmed.strip_prefix(name).is_some_and(|r| r.trim_start().starts_with(':'))
        {
            return offset;
        }
        offset += line.len();
    }
    0
}

/// Lower-cases the first letter of a library's message, to match our message style.
pub(crate) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "title: T\nkinds:\n  symptom: { dir: symptoms, label: 症状, relations: { causes: cause } }\n  cause: { dir: causes, label: 原因 }\n";

    #[test]
    fn kinds_keep_their_declared_order() {
        let c = SiteConfig::parse(GOOD).unwrap();
        let names: Vec<_> = c.kinds.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["symptom", "cause"]);
        assert_eq!(c.kinds[0].relations[0].target, "cause");
        assert_eq!(c.language, "zh-CN");
    }

    #[test]
    fn unknown_relation_target_is_reported_on_its_line() {
        let text = GOOD.replace("causes: cause", "causes: caus");
        let diags = SiteConfig::parse(&text).unwrap_err();
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].line, 3);
        assert!(diags[0].message.contains("unknown kind 'caus'"), "{}", diags[0].message);
    }

    #[test]
    fn errors_point_into_their_own_kind_and_reserved_names_are_refused() {
        let text = "title: T\nkinds:\n  symptom: { dir: same, label: 症状 }\n  cause: { dir: same, label: 原因 }\n  base: { dir: bases, label: x }\n  faq: { dir: robots.txt, label: y }\n";
        let diags = SiteConfig::parse(text).unwrap_err();
        let lines: Vec<_> = diags.iter().map(|d| d.line).collect();
        assert_eq!(lines, [4, 5, 6], "{diags:?}");
        assert!(diags[0].message.contains("share the dir 'same'"));
        assert!(diags[1].message.contains("'base' cannot be a kind name"));
    }

    #[test]
    fn syntax_errors_carry_the_file_line() {
        let diags = SiteConfig::parse("title: T\nkinds: [\n").unwrap_err();
        assert!(diags[0].line >= 2, "{:?}", diags[0]);
    }

    #[test]
    fn base_urls_are_normalised() {
        assert_eq!(normalize_base_url("https://a.b/kb").as_deref(), Some("https://a.b/kb/"));
        assert_eq!(normalize_base_url("a.b/kb"), None);
        assert_eq!(normalize_base_url("https:///x"), None);
    }
}
