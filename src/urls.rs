//! Output paths and relative hrefs. Every internal link kbgen writes is relative, so one
//! output works at any host path and, with `portable`, from disk.

/// A page's location in the output as a directory path: `""` for the home page,
/// `symptoms/terminal-suspended/` for an article. The file is that plus `index.html`.
pub(crate) fn article_dir(kind_dir: &str, slug: &str) -> String {
    format!("{kind_dir}/{slug}/")
}

/// The output directory of a kind's list page.
pub(crate) fn kind_dir(kind_dir: &str) -> String {
    format!("{kind_dir}/")
}

/// The output directory of a tag's page.
pub(crate) fn tag_dir(tag_slug: &str) -> String {
    format!("tags/{tag_slug}/")
}

/// Page `page` (from 1) of a list whose first page is `first_dir`: `remedies/`,
/// `remedies/page/2/`, …
pub(crate) fn list_page(first_dir: &str, page: usize) -> String {
    if page <= 1 { first_dir.to_owned() } else { format!("{first_dir}page/{page}/") }
}

/// How deep a page directory is: how many `../` lead back to the root.
pub(crate) fn depth(page_dir: &str) -> usize {
    page_dir.matches('/').count()
}

/// The prefix from a page at `depth` back to the output root: `./` or `../../`.
pub(crate) fn root_prefix(depth: usize) -> String {
    if depth == 0 { "./".to_owned() } else { "../".repeat(depth) }
}

/// The href of the page directory `target` as seen from a page at `from_depth`.
/// Portable builds name `index.html`, since file:// shows directories as listings.
pub(crate) fn page_href(from_depth: usize, target: &str, portable: bool) -> String {
    let mut href = if from_depth == 0 { String::new() } else { "../".repeat(from_depth) };
    href.push_str(target);
    if portable {
        href.push_str("index.html");
    } else if href.is_empty() {
        href.push_str("./");
    }
    href
}

/// A tag's URL segment: Chinese kept, ASCII lower-cased, spaces to `-`, and characters
/// that mean something in a path or URL dropped.
pub(crate) fn tag_slug(tag: &str) -> String {
    let mut out = String::new();
    for c in crate::load::nfc(tag.trim()).chars() {
        if c.is_whitespace() {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
            out.extend(c.to_lowercase());
        }
    }
    let out = out.trim_matches(['-', '.']).to_owned();
    if out.is_empty() { "tag".to_owned() } else { out }
}

/// Percent-encodes a site-relative path for absolute URLs (sitemap, feed, canonical).
pub(crate) fn absolute(base_url: &str, path: &str) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    const PATH: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'#')
        .add(b'?')
        .add(b'{')
        .add(b'}')
        .add(b'%');
    format!("{base_url}{}", utf8_percent_encode(path, PATH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_relative_and_portable_names_index_html() {
        assert_eq!(page_href(2, "causes/x/", false), "../../causes/x/");
        assert_eq!(page_href(0, "", false), "./");
        assert_eq!(page_href(0, "", true), "index.html");
        assert_eq!(page_href(1, "", true), "../index.html");
        assert_eq!(depth("symptoms/a/"), 2);
        assert_eq!(root_prefix(0), "./");
    }

    #[test]
    fn tag_slugs_and_absolute_urls() {
        assert_eq!(tag_slug("POS机 故障"), "pos机-故障");
        assert_eq!(tag_slug("../"), "tag");
        assert_eq!(absolute("https://a.b/", "tags/结算/"), "https://a.b/tags/%E7%BB%93%E7%AE%97/");
    }
}
