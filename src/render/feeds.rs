//! sitemap.xml, atom.xml, robots.txt and `_headers`. URLs in them are absolute (from
//! `base_url`), as their formats require; without a base URL only robots.txt and
//! `_headers` are written.

use super::Outputs;
use crate::resolve::Site;
use crate::urls;
use std::fmt::Write as _;

/// How many recently updated articles the feed lists.
const FEED_LIMIT: usize = 50;

/// The Content-Security-Policy the default theme works under: no inline script or style,
/// nothing from another origin. `_headers` sends it, and so does `kbgen serve`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Security headers for every page, as `(name, value)`; `_headers` and `serve` send them.
pub const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
];

/// The files [`render_feeds`] writes.
pub(super) fn names(site: &Site) -> &'static [&'static str] {
    if site.config.base_url.is_some() {
        &["_headers", "atom.xml", "robots.txt", "sitemap.xml"]
    } else {
        &["_headers", "robots.txt"]
    }
}

/// `_headers`, read by Netlify and Cloudflare Pages: the security headers for every path,
/// and no caching of the search manifest, so a deploy's new shards are found at once.
fn headers_file() -> String {
    let mut s =
        String::from("# Written by kbgen: HTTP headers for Netlify and Cloudflare Pages.\n/*\n");
    for (name, value) in SECURITY_HEADERS {
        let _ = writeln!(s, "  {name}: {value}");
    }
    s.push_str("/search/index.js\n  Cache-Control: no-cache\n");
    s
}

/// Renders the feed, sitemap and robots.txt.
pub(super) fn render_feeds(site: &Site) -> Outputs {
    let mut out = Outputs::new();
    out.insert("_headers".into(), headers_file().into_bytes());
    let Some(base) = site.config.base_url.as_deref() else {
        out.insert("robots.txt".into(), b"User-agent: *\nAllow: /\n".to_vec());
        return out;
    };
    out.insert(
        "robots.txt".into(),
        format!("User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n").into_bytes(),
    );
    out.insert("sitemap.xml".into(), sitemap(site, base).into_bytes());
    out.insert("atom.xml".into(), atom(site, base).into_bytes());
    out
}

fn sitemap(site: &Site, base: &str) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut url = |path: &str, lastmod: Option<&str>| {
        let _ = write!(s, "  <url><loc>{}</loc>", xml_escape(&urls::absolute(base, path)));
        if let Some(d) = lastmod {
            let _ = write!(s, "<lastmod>{}</lastmod>", xml_escape(d));
        }
        s.push_str("</url>\n");
    };
    url("", None);
    for kind in &site.config.kinds {
        url(&urls::kind_dir(&kind.dir), None);
    }
    for a in &site.articles {
        url(&urls::article_dir(&site.config.kinds[a.kind].dir, &a.slug), a.updated.as_deref());
    }
    url("tags/", None);
    for slug in site.tags.keys() {
        url(&urls::tag_dir(slug), None);
    }
    s.push_str("</urlset>\n");
    s
}

fn atom(site: &Site, base: &str) -> String {
    let mut dated: Vec<_> = site
        .articles
        .iter()
        .filter_map(|a| a.updated.as_deref().map(|d| (rfc3339(d), a)))
        .collect();
    // Newest first; ties in site order, so the feed is the same bytes every build.
    dated.sort_by(|a, b| b.0.cmp(&a.0));
    dated.truncate(FEED_LIMIT);
    let updated =
        dated.first().map_or_else(|| "1970-01-01T00:00:00Z".to_owned(), |(d, _)| d.clone());
    let config = &site.config;
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(
        s,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <updated>{}</updated>\n  <generator>kbgen</generator>\n",
        xml_escape(&config.language),
        xml_escape(&config.title),
        xml_escape(&config.description),
        xml_escape(base),
        xml_escape(&format!("{base}atom.xml")),
        xml_escape(base),
        xml_escape(&updated),
    );
    for (date, a) in dated {
        let url = urls::absolute(base, &urls::article_dir(&config.kinds[a.kind].dir, &a.slug));
        let summary = a.summary.clone().unwrap_or_else(|| super::pages::truncate(&a.text, 200));
        let _ = write!(
            s,
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <category term=\"{}\"/>\n    <summary>{}</summary>\n  </entry>\n",
            xml_escape(&a.title),
            xml_escape(&url),
            xml_escape(&url),
            xml_escape(&date),
            xml_escape(&config.title),
            xml_escape(&config.kinds[a.kind].label),
            xml_escape(&summary),
        );
    }
    s.push_str("</feed>\n");
    s
}

/// `2026-11-20` → `2026-11-20T00:00:00Z`; full timestamps pass through.
fn rfc3339(date: &str) -> String {
    if date.len() == 10 { format!("{date}T00:00:00Z") } else { date.to_owned() }
}

/// Escapes text for XML content and attributes.
pub(crate) fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escaping_covers_markup_quotes_and_controls() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(rfc3339("2026-11-20"), "2026-11-20T00:00:00Z");
    }
}
