//! Hostile values in front matter land inert everywhere they are written: HTML text and
//! attributes, JSON-LD, the Atom feed, the sitemap and the search index.

use crate::Site;

/// Markup that would run or break out of its context if written raw.
const HOSTILE: &str =
    r#"<script>alert(1)</script>"'<img src=x onerror=alert(2)>javascript:alert(3)"#;

#[test]
fn hostile_front_matter_is_escaped_in_every_output() {
    let site = Site::fixture("good");
    let yaml = serde_json::to_string(HOSTILE).unwrap(); // a JSON string is a YAML string
    site.write(
        "content/guides/hostile.md",
        &format!(
            "---\ntitle: {yaml}\nsummary: {yaml}\naliases: [{yaml}]\ntags: [{yaml}]\nupdated: 2026-11-20\nextra_note: {yaml}\n---\n正文。\n"
        ),
    );
    let files = site.build(&[]);
    let mut checked = 0;
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        if !text.contains("alert(1)") {
            continue;
        }
        checked += 1;
        // Nowhere may the value appear as markup: no element, no attribute break-out.
        assert!(!text.contains("<script>alert"), "{path}: raw <script>");
        assert!(!text.contains("<img src=x"), "{path}: raw <img>");
        if path.ends_with(".html") {
            assert!(!text.contains("\"'<img"), "{path}: a quote left unescaped");
            // Inside JSON-LD, `<` is written as \u003c so `</script>` cannot close it.
            if let Some(ld) = text.split("application/ld+json\">").nth(1) {
                let ld = &ld[..ld.find("</script>").unwrap()];
                assert!(!ld.contains('<'), "{path}: JSON-LD holds '<': {ld}");
            }
        }
        if path.ends_with(".xml") {
            assert!(text.contains("&lt;script&gt;"), "{path}: XML escapes markup");
        }
        if path.starts_with("search/") && path.ends_with(".js") {
            // Script files: the value sits inside JSON strings, with `<` escaped too.
            assert!(text.contains(r#"\u003cscript\u003e"#), "{path}: {text}");
            assert!(text.contains(r#"\"'\u003cimg"#), "{path}: the quote is escaped");
        }
    }
    assert!(checked >= 4, "the value reached only {checked} files");
    assert!(files.contains_key("tags/index.html"));
}
