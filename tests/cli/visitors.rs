//! What visitors get, checked in headless Chromium under the shipped CSP: hostile values
//! stay text (no script runs), axe-core finds no accessibility problem of any impact
//! on any kind of page, and every kind of page works by keyboard alone, starting with a
//! visible skip link. Lighthouse runs from `tests/a11y/lighthouse.sh`.

use crate::browser::{Browser, ENTER, Server, TAB};
use serde_json::Value;

/// Would set `window.__pwned` if any of it ever ran as script, in any context: element,
/// attribute, URL, or a string closed early.
const PAYLOAD: &str = concat!(
    "<script>window.__pwned=1</script>\"'><img src=x onerror=\"window.__pwned=2\">",
    "<svg onload=window.__pwned=3></script>javascript:window.__pwned=4 pwnedmark"
);

#[test]
fn hostile_values_stay_text_in_chromium_and_no_script_runs() {
    let site = crate::Site::fixture("good");
    let yaml = serde_json::to_string(PAYLOAD).unwrap();
    site.write(
        "content/guides/hostile.md",
        &format!(
            "---\ntitle: {yaml}\nsummary: {yaml}\naliases: [{yaml}]\ntags: [{yaml}]\nextra_note: {yaml}\n---\n\
             正文 <script>window.__pwned=5</script> <img src=x onerror=\"window.__pwned=6\">\n\n\
             <a href=\"javascript:window.__pwned=7\">点我</a>\n"
        ),
    );
    let files = site.build(&["-q"]);
    let server = Server::start(&site.path("public"));
    let browser = Browser::start();

    // Every page the payload reached, and the search page showing it as a result.
    let mut pages: Vec<String> = files
        .iter()
        .filter(|(path, bytes)| {
            path.ends_with(".html") && String::from_utf8_lossy(bytes).contains("pwnedmark")
        })
        .map(|(path, _)| path.trim_end_matches("index.html").to_owned())
        .collect();
    assert!(pages.len() >= 4, "the payload reached only {pages:?}");
    pages.push("search/?q=pwnedmark".to_owned());
    for page in &pages {
        open(&browser, &server, page);
        // Also hover and focus everything, in case a handler waits for that.
        let state = browser.eval(
            "for (const el of document.querySelectorAll('a, img, svg, button, input')) { \
               el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); el.focus && el.focus(); } \
             return { \
               pwned: window.__pwned === undefined ? null : window.__pwned, \
               handlers: Array.from(document.querySelectorAll('*')).flatMap(el => \
                 Array.from(el.attributes).filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name)), \
               scripts: Array.from(document.scripts).filter(s => !s.src && s.type !== 'application/ld+json').map(s => s.textContent.slice(0, 80)), \
               jsLinks: Array.from(document.querySelectorAll('[href], [src]')).map(e => e.getAttribute('href') || e.getAttribute('src')).filter(u => /^\\s*javascript:/i.test(u)), \
               shown: document.body.textContent.includes('pwnedmark') \
             }",
        );
        assert_eq!(state["pwned"], Value::Null, "{page}: a payload ran: {state}");
        for key in ["handlers", "scripts", "jsLinks"] {
            assert_eq!(state[key], serde_json::json!([]), "{page}: {key}: {state}");
        }
        assert_eq!(state["shown"], true, "{page}: the payload is shown as text: {state}");
    }
    // Nothing even tried: a blocked inline script or handler would have sent a report.
    // A control page with an inline script shows that reports do arrive, and by when.
    assert_eq!(*server.reports.lock().unwrap(), Vec::<String>::new(), "CSP violations");
    std::fs::write(
        site.path("public/control.html"),
        "<!DOCTYPE html><title>c</title><script>1</script>",
    )
    .unwrap();
    browser.goto(&format!("{}control.html", server.url));
    server.wait_for_report("the control page's report never came");
    let reports = server.reports.lock().unwrap();
    assert!(reports.iter().all(|r| r.contains("control.html")), "CSP violations: {reports:?}");
}

/// The pages every visitor meets: home, a symptom, a kind list, a tag, search with
/// results. The paths are the shipped site's.
fn main_pages(browser: &Browser, server: &Server) -> Vec<String> {
    browser.goto(&format!("{}tags/", server.url));
    let tag = browser
        .eval("return document.querySelector('main a[href*=\"tags/\"]').getAttribute('href')");
    let tag = tag.as_str().expect("the tags page links to a tag").trim_start_matches("../");
    vec![
        String::new(),
        "symptoms/settlement-failed/".to_owned(),
        "symptoms/".to_owned(),
        format!("tags/{}", tag.trim_start_matches("tags/")),
        "search/?q=%E7%BB%93%E7%AE%97".to_owned(),
    ]
}

/// The main pages, plus one article of every other kind, the tags index and the 404 page.
fn every_kind_of_page(browser: &Browser, server: &Server) -> Vec<String> {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    let mut pages = main_pages(browser, server);
    for dir in ["causes", "remedies", "channels", "guides"] {
        let mut slugs: Vec<String> = std::fs::read_dir(content.join(dir))
            .unwrap()
            .filter_map(|e| e.unwrap().file_name().to_str()?.strip_suffix(".md").map(str::to_owned))
            .collect();
        slugs.sort();
        pages.push(format!("{dir}/{}/", slugs[0]));
    }
    pages.extend(["tags/".to_owned(), "404.html".to_owned()]);
    pages
}

fn open(browser: &Browser, server: &Server, page: &str) {
    browser.goto(&format!("{}{page}", server.url));
    if page.starts_with("search/") {
        browser.wait_for("return document.querySelectorAll('#kb-page-hits .search-result').length");
    }
}

#[test]
fn axe_finds_no_problem_on_any_kind_of_page_in_either_colour_scheme() {
    let axe = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/a11y/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&axe)
        .unwrap_or_else(|e| panic!("{}: {e}; run `npm ci --prefix tests/a11y`", axe.display()));
    let site = crate::Site::shipped();
    site.build(&["-q"]);
    let server = Server::start(&site.path("public"));
    let browser = Browser::start();
    let pages = every_kind_of_page(&browser, &server);
    // The theme follows the visitor's colour scheme; both must read well.
    for (scheme, page) in
        ["light", "dark"].into_iter().flat_map(|s| pages.iter().map(move |p| (s, p)))
    {
        browser.color_scheme(scheme);
        open(&browser, &server, page);
        assert_eq!(
            browser.eval(&format!("return matchMedia('(prefers-color-scheme: {scheme})').matches")),
            true
        );
        // WebDriver scripts are not subject to the page's CSP, so axe can be loaded so.
        browser.eval(&format!("{axe}\nreturn true;"));
        let violations = browser.eval_async(
            "axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => \
               ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }))), \
               e => done([{ id: 'axe-error', impact: 'critical', help: String(e) }]))",
        );
        // The bar is no serious or critical problem; the theme has none of any impact,
        // and keeps it so.
        let violations = violations.as_array().expect("axe returns a list").clone();
        assert!(violations.is_empty(), "/{page} ({scheme}): {violations:#?}");
    }
    assert_eq!(*server.reports.lock().unwrap(), Vec::<String>::new(), "CSP violations");
}

/// What the focused element is, and whether its focus can be seen.
const FOCUSED: &str = "const el = document.activeElement; const s = getComputedStyle(el); \
    const r = el.getBoundingClientRect(); \
    return { tag: el.tagName, cls: el.className, text: (el.textContent || el.value || '').trim().slice(0, 20), \
             inMain: !!el.closest('main'), \
             ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none', \
             onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight };";

#[test]
fn every_kind_of_page_works_by_keyboard_with_a_skip_link_and_a_visible_focus() {
    let site = crate::Site::shipped();
    site.build(&["-q"]);
    let server = Server::start(&site.path("public"));
    let browser = Browser::start();
    for page in every_kind_of_page(&browser, &server) {
        open(&browser, &server, &page);
        browser.eval("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return true;");

        // The first Tab lands on the skip link, which then shows on screen.
        browser.press(TAB);
        let first = browser.eval(FOCUSED);
        assert_eq!(first["cls"], "skip-link", "/{page}: first Tab: {first}");
        assert_eq!(first["onScreen"], true, "/{page}: the skip link shows when focused: {first}");
        assert_eq!(first["ring"], true, "/{page}: {first}");

        // Enter skips the header: the next Tab is inside <main>.
        browser.press(ENTER);
        browser.press(TAB);
        let next = browser.eval(FOCUSED);
        assert_eq!(next["inMain"], true, "/{page}: after the skip link: {next}");

        // Every stop of a full Tab round from the top has a visible focus ring.
        open(&browser, &server, &page);
        let mut stops = 0;
        for _ in 0..400 {
            browser.press(TAB);
            let at = browser.eval(FOCUSED);
            if at["tag"] == "BODY" {
                break;
            }
            stops += 1;
            assert_eq!(at["ring"], true, "/{page}: focus not visible on {at}");
            assert_eq!(at["onScreen"], true, "/{page}: focus off screen on {at}");
        }
        assert!(stops >= 5, "/{page}: only {stops} focus stops");
    }
}
