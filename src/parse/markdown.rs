//! Markdown body → HTML, with heading ids, rewritten article links, GFM alerts and
//! emphasis that works next to Chinese punctuation.
//!
//! Takes the body text and a link rewriter; returns the HTML, the headings, every internal
//! link with its byte offset (for `resolve` to check), and the plain text.

use pulldown_cmark::{
    BlockQuoteKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html,
};
use std::collections::BTreeSet;
use std::ops::Range;

/// A heading of the body, for anchor checks and the table of contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The anchor id, readable Chinese kept as is.
    pub id: String,
    /// The heading's plain text.
    pub text: String,
}

/// A link in the body that points into the site (a relative path or a `#fragment`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLink {
    /// The destination exactly as written.
    pub dest: String,
    /// Byte offset of the link in the body.
    pub offset: usize,
}

/// What one body renders to.
#[derive(Debug, Default)]
pub struct RenderedBody {
    /// The HTML of the body.
    pub html: String,
    /// Headings in document order.
    pub headings: Vec<Heading>,
    /// Internal links in document order.
    pub links: Vec<RawLink>,
    /// The body's text without markup, for descriptions and search.
    pub text: String,
    /// What the raw-HTML policy took out: byte offset in the body and what it was.
    pub removed: Vec<Removed>,
}

/// Something [`render_body`] left out because raw HTML is not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removed {
    /// Raw HTML at this byte offset (its first line shown).
    Html(usize, String),
    /// A link or image with a `javascript:`, `vbscript:`, `data:` or `file:` address.
    Url(usize, String),
}

/// Inline tags allowed even without `unsafe_html`: inert, attribute-free formatting.
const SAFE_INLINE_TAGS: &[&str] = &[
    "<br>", "<br/>", "<br />", "<kbd>", "</kbd>", "<sub>", "</sub>", "<sup>", "</sup>", "<mark>",
    "</mark>",
];

/// Whether a link address would run code or read local files when followed. Browsers
/// ignore ASCII whitespace and control characters inside a scheme, so they are ignored here.
pub(crate) fn is_unsafe_url(dest: &str) -> bool {
    let scheme: String = dest
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"].iter().any(|s| scheme.starts_with(s))
}

/// The Markdown extensions kbgen enables.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders `body`; `rewrite` maps an internal link destination to its output href (or
/// `None` to keep it as written).
///
/// Unless `allow_html`, raw HTML is left out (except a few inert inline tags such as
/// `<br>`), and so is the address of a link or image that would run script; both are
/// listed in the result's `removed`.
pub fn render_body(
    body: &str,
    rewrite: &dyn Fn(&str) -> Option<String>,
    allow_html: bool,
) -> RenderedBody {
    let events: Vec<(Event<'_>, Range<usize>)> =
        Parser::new_ext(body, options()).into_offset_iter().collect();
    let events = fix_cjk_emphasis(body, events);
    let mut out = RenderedBody::default();
    let events = assign_heading_ids(events, &mut out.headings);
    let mut html_events = Vec::with_capacity(events.len());
    let mut in_removed_html = false;
    for (event, range) in events {
        let was_removing = std::mem::replace(&mut in_removed_html, false);
        match event {
            Event::Html(raw) | Event::InlineHtml(raw)
                if !allow_html
                    && !SAFE_INLINE_TAGS.contains(&raw.to_ascii_lowercase().as_str()) =>
            {
                // One report per run: a block of HTML comes as one event per line.
                if !was_removing {
                    let first = raw.lines().next().unwrap_or_default().trim().to_owned();
                    out.removed.push(Removed::Html(range.start, first));
                }
                in_removed_html = true;
                continue;
            }
            Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                let dest_url =
                    checked_dest(dest_url, range.start, &mut out, rewrite, allow_html, "#");
                html_events.push(Event::Start(Tag::Link { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                let dest_url =
                    checked_dest(dest_url, range.start, &mut out, rewrite, allow_html, "");
                html_events.push(Event::Start(Tag::Image { link_type, dest_url, title, id }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert_label(kind);
                html_events.push(Event::Html(
                    format!(
                        "<div class=\"alert alert-{class}\" role=\"note\">\n<p class=\"alert-title\">{label}</p>\n"
                    )
                    .into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                html_events.push(Event::Html("</div>\n".into()));
            }
            Event::Start(Tag::Table(_)) => {
                html_events.push(Event::Html("<div class=\"table-wrap\">".into()));
                html_events.push(event);
            }
            Event::End(TagEnd::Table) => {
                html_events.push(event);
                html_events.push(Event::Html("</div>\n".into()));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                out.text.push_str(t);
                html_events.push(event);
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => {
                out.text.push(' ');
                html_events.push(event);
            }
            other => html_events.push(other),
        }
    }
    html::push_html(&mut out.html, html_events.into_iter());
    out.text = out.text.split_whitespace().collect::<Vec<_>>().join(" ");
    out
}

/// The address a link or image at `offset` gets: `blocked` in place of one that would run
/// script (unless `allow_html`), else [`internal_dest`]'s.
fn checked_dest<'a>(
    dest: CowStr<'a>,
    offset: usize,
    out: &mut RenderedBody,
    rewrite: &dyn Fn(&str) -> Option<String>,
    allow_html: bool,
    blocked: &'static str,
) -> CowStr<'a> {
    if !allow_html && is_unsafe_url(&dest) {
        out.removed.push(Removed::Url(offset, dest.to_string()));
        return CowStr::from(blocked);
    }
    internal_dest(dest, offset, &mut out.links, rewrite)
}

/// Records an internal link or image source at `offset` and returns its rewritten
/// destination; external ones pass through.
fn internal_dest<'a>(
    dest: CowStr<'a>,
    offset: usize,
    links: &mut Vec<RawLink>,
    rewrite: &dyn Fn(&str) -> Option<String>,
) -> CowStr<'a> {
    if !is_internal(&dest) {
        return dest;
    }
    links.push(RawLink { dest: dest.to_string(), offset });
    rewrite(&dest).map_or(dest, CowStr::from)
}

/// True for links that stay inside the site: no scheme, not protocol-relative, not absolute.
pub(crate) fn is_internal(dest: &str) -> bool {
    if dest.starts_with("//") || dest.starts_with('/') || dest.is_empty() {
        return false;
    }
    let scheme_end = dest.find(':');
    let path_end = dest.find(['/', '#', '?']).unwrap_or(dest.len());
    !matches!(scheme_end, Some(i) if i < path_end)
}

fn alert_label(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "说明"),
        BlockQuoteKind::Tip => ("tip", "提示"),
        BlockQuoteKind::Important => ("important", "重要"),
        BlockQuoteKind::Warning => ("warning", "警告"),
        BlockQuoteKind::Caution => ("caution", "小心"),
    }
}

/// The anchor id of a heading: ASCII letters lower-cased, whitespace to `-`, punctuation
/// (ASCII and full-width) dropped, Chinese kept, e.g. `第一步：准备材料` → `第一步准备材料`.
pub fn heading_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_whitespace() {
            if !id.ends_with('-') {
                id.push('-');
            }
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            id.extend(c.to_lowercase());
        }
    }
    let id = id.trim_matches('-').to_owned();
    if id.is_empty() { "section".to_owned() } else { id }
}

/// Gives every heading an id (its own `{#id}` if written, else [`heading_id`]), unique
/// within the page, and records the headings.
fn assign_heading_ids<'a>(
    mut events: Vec<(Event<'a>, Range<usize>)>,
    headings: &mut Vec<Heading>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut used = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let (level, explicit) = (heading_level(*level), id.as_ref().map(|s| s.to_string()));
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| heading_id(&text));
            let mut unique = base.clone();
            let mut n = 1;
            while !used.insert(unique.clone()) {
                unique = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(unique.clone().into());
            }
            headings.push(Heading { level, id: unique, text: text.trim().to_owned() });
            i = j;
        }
        i += 1;
    }
    events
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// A run of literal `*` that CommonMark left unmatched.
struct Marker {
    event: usize,
    len: usize,
    container: usize,
    can_open: bool,
    can_close: bool,
}

/// Pairs `*`/`**` runs that CommonMark's flanking rule left as text.
///
/// CommonMark will not close `**注意：**请` because the closing run sits between
/// punctuation and a letter; Chinese authors write exactly this. We re-pair the leftover
/// runs with a relaxed rule — an opener must be followed, and a closer preceded, by a
/// non-space — inside the same inline container. Escaped `\*` is never paired: its text
/// differs from its source.
fn fix_cjk_emphasis<'a>(
    source: &str,
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let events = merge_star_runs(source, events);
    let mut markers = Vec::new();
    let mut containers = vec![0usize];
    let mut next_container = 1;
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(_) => {
                containers.push(next_container);
                next_container += 1;
            }
            Event::End(_) => {
                containers.pop();
            }
            Event::Text(t) if is_star_run(source, t, range) && t.len() <= 3 => {
                let before = source[..range.start].chars().next_back();
                let after = source[range.end..].chars().next();
                markers.push(Marker {
                    event: i,
                    len: t.len(),
                    container: *containers.last().unwrap_or(&0),
                    can_open: after.is_some_and(|c| !c.is_whitespace() && c != '*'),
                    can_close: before.is_some_and(|c| !c.is_whitespace() && c != '*'),
                });
            }
            _ => {}
        }
    }
    let mut pairs = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (m, marker) in markers.iter().enumerate() {
        let opener = marker.can_close.then(|| {
            open.iter().rposition(|&o| {
                markers[o].len == marker.len && markers[o].container == marker.container
            })
        });
        if let Some(Some(pos)) = opener {
            pairs.push((open[pos], m));
            open.truncate(pos);
        } else if marker.can_open {
            open.push(m);
        }
    }
    if pairs.is_empty() {
        return events;
    }
    let mut replace: Vec<Option<(bool, usize)>> = vec![None; events.len()];
    for (o, c) in pairs {
        replace[markers[o].event] = Some((true, markers[o].len));
        replace[markers[c].event] = Some((false, markers[c].len));
    }
    let mut out = Vec::with_capacity(events.len() + 4);
    for ((event, range), rep) in events.into_iter().zip(replace) {
        match rep {
            None => out.push((event, range)),
            Some((opening, len)) => {
                let tags: &[(Tag<'static>, TagEnd)] = match len {
                    1 => &[(Tag::Emphasis, TagEnd::Emphasis)],
                    2 => &[(Tag::Strong, TagEnd::Strong)],
                    _ => &[(Tag::Strong, TagEnd::Strong), (Tag::Emphasis, TagEnd::Emphasis)],
                };
                if opening {
                    out.extend(tags.iter().map(|(t, _)| (Event::Start(t.clone()), range.clone())));
                } else {
                    out.extend(tags.iter().rev().map(|(_, e)| (Event::End(*e), range.clone())));
                }
            }
        }
    }
    out
}

/// A literal, unescaped run of `*` exactly as it stands in the source.
fn is_star_run(source: &str, text: &str, range: &Range<usize>) -> bool {
    let escaped = source[..range.start].bytes().rev().take_while(|&b| b == b'\\').count() % 2 == 1;
    !text.is_empty()
        && text.bytes().all(|b| b == b'*')
        && source.get(range.clone()) == Some(text)
        && !escaped
}

/// Joins adjacent unmatched `*` text events into one run (pulldown-cmark emits them one by one).
fn merge_star_runs<'a>(
    source: &str,
    events: Vec<(Event<'a>, Range<usize>)>,
) -> Vec<(Event<'a>, Range<usize>)> {
    let mut out: Vec<(Event<'a>, Range<usize>)> = Vec::with_capacity(events.len());
    for (event, range) in events {
        if let (Event::Text(t), Some((Event::Text(prev), prev_range))) = (&event, out.last_mut())
            && prev_range.end == range.start
            && is_star_run(source, t, &range)
            && is_star_run(source, prev, prev_range)
        {
            *prev = format!("{prev}{t}").into();
            prev_range.end = range.end;
            continue;
        }
        out.push((event, range));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn html(md: &str) -> String {
        render_body(md, &|_| None, false).html
    }

    #[test]
    fn bold_next_to_full_width_punctuation_renders() {
        assert_eq!(html("**注意：**请先备份"), "<p><strong>注意：</strong>请先备份</p>\n");
        assert_eq!(html("先看*提示：*再操作"), "<p>先看<em>提示：</em>再操作</p>\n");
    }

    #[test]
    fn literal_and_escaped_stars_stay_literal() {
        assert_eq!(html("5 * 3 * 2"), "<p>5 * 3 * 2</p>\n");
        assert_eq!(html(r"\*\*不加粗：\*\*文字"), "<p>**不加粗：**文字</p>\n");
        assert_eq!(html("**普通加粗**"), "<p><strong>普通加粗</strong></p>\n");
    }

    #[test]
    fn heading_ids_keep_chinese_and_drop_punctuation() {
        assert_eq!(heading_id("第一步：准备材料"), "第一步准备材料");
        assert_eq!(heading_id("POS机 Fees (2026)"), "pos机-fees-2026");
        assert_eq!(heading_id("！？"), "section");
        let out = render_body("## 步骤\n\n## 步骤\n\n## 自定义 {#custom}\n", &|_| None, false);
        let ids: Vec<_> = out.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["步骤", "步骤-1", "custom"]);
        assert!(out.html.contains("<h2 id=\"步骤-1\">"), "{}", out.html);
    }

    #[test]
    fn raw_html_and_script_urls_are_left_out_unless_allowed() {
        let md = "前<b onclick=\"x()\">粗</b>后<br>\n\n<script>\nalert(1)\n</script>\n\n[点我](javascript:alert(1)) [再点](<JaVa\tScRiPt:alert(2)>)\n\n![图](data:image/svg+xml,x)\n";
        let safe = render_body(md, &|_| None, false);
        for bad in ["<script", "onclick", "javascript:", "JaVa", "data:", "<b ", "</b>"] {
            assert!(!safe.html.contains(bad), "{bad} in {}", safe.html);
        }
        assert!(safe.html.contains("<br />") || safe.html.contains("<br>"), "{}", safe.html);
        let removed: Vec<String> = safe
            .removed
            .iter()
            .map(|r| match r {
                Removed::Html(_, what) | Removed::Url(_, what) => what.clone(),
            })
            .collect();
        assert_eq!(
            removed,
            [
                "<b onclick=\"x()\">",
                "</b>",
                "<script>",
                "javascript:alert(1)",
                "JaVa\tScRiPt:alert(2)",
                "data:image/svg+xml,x"
            ]
        );
        let opted_in = render_body(md, &|_| None, true);
        assert!(opted_in.html.contains("<script>") && opted_in.removed.is_empty());
    }

    #[test]
    fn internal_links_are_collected_and_rewritten() {
        let out = render_body(
            "见[重启](../remedies/restart.md#步骤)和[官网](https://a.b/)。",
            &|d| Some(format!("X{d}")),
            false,
        );
        assert_eq!(out.links, [RawLink { dest: "../remedies/restart.md#步骤".into(), offset: 3 }]);
        // pulldown-cmark percent-encodes hrefs; browsers show them decoded.
        assert!(
            out.html.contains("href=\"X../remedies/restart.md#%E6%AD%A5%E9%AA%A4\""),
            "{}",
            out.html
        );
        assert!(out.html.contains("href=\"https://a.b/\""));
    }

    #[test]
    fn gfm_extensions_render() {
        let md = "> [!WARNING]\n> 小心\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] 完成\n\n~~删~~[^1]\n\n[^1]: 注\n";
        let out = html(md);
        assert!(out.contains("<div class=\"alert alert-warning\" role=\"note\">"), "{out}");
        assert!(out.contains("<p class=\"alert-title\">警告</p>"));
        assert!(out.contains("<div class=\"table-wrap\"><table>"));
        assert!(out.contains("type=\"checkbox\""));
        assert!(out.contains("<del>删</del>"));
        assert!(out.contains("footnote-definition"));
    }

    #[test]
    fn schemes_are_external() {
        assert!(is_internal("../a.md"));
        assert!(is_internal("#x"));
        assert!(is_internal("a.md"));
        assert!(!is_internal("https://x"));
        assert!(!is_internal("mailto:a@b"));
        assert!(!is_internal("javascript:alert(1)"));
        assert!(!is_internal("/abs"));
    }
}
