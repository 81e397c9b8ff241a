//! Search end to end in headless Chromium against the built shipped site: served over HTTP
//! with a strict CSP, and opened from disk as a portable build.

use crate::browser::{ARROW_DOWN, Browser, ENTER, Server};
use std::path::Path;

/// Builds the shipped site twice, served (`public/`) and portable (`portable/`).
fn shipped_builds() -> crate::Site {
    let site = crate::Site::shipped();
    site.build(&["-q"]);
    let portable = site.path("portable");
    site.kbgen(&["build", "-q", "--portable", "--output", portable.to_str().unwrap()])
        .assert()
        .success();
    site
}

const RESULTS: &str = "return Array.from(document.querySelectorAll('#ID .search-result a')).map(a => a.getAttribute('href'))";

fn results(browser: &Browser, id: &str) -> Vec<String> {
    let script = RESULTS.replace("ID", id);
    browser.wait_for(&format!("{script}.length"));
    serde_json::from_value(browser.eval(&script)).unwrap()
}

#[test]
fn search_in_chromium_finds_chinese_pinyin_and_nothing_under_a_strict_csp() {
    let builds = shipped_builds();
    let server = Server::start(&builds.path("public"));
    let browser = Browser::start();

    // Typing in the header box of the home page: 结算 lists the settlement symptom first,
    // with the match marked.
    browser.goto(&server.url);
    browser.type_into("#kb-q", "结算");
    let hits = results(&browser, "kb-hits");
    assert!(hits[0].ends_with("symptoms/settlement-failed/"), "{hits:?}");
    let marks = browser.eval(
        "return Array.from(document.querySelectorAll('#kb-hits mark')).map(m => m.textContent)",
    );
    assert!(marks.as_array().unwrap().iter().any(|m| m == "结算"), "{marks}");
    let status = browser.eval("return document.getElementById('kb-status').textContent");
    assert!(status.as_str().unwrap().starts_with("找到 "), "{status}");

    // Keyboard: ↓ moves into the results, Enter opens the first one.
    browser.type_into("#kb-q", ARROW_DOWN);
    let focused = browser.eval("return document.activeElement.getAttribute('href')");
    assert_eq!(focused.as_str(), Some(hits[0].as_str()));
    browser.type_into("#kb-hits a", ENTER);
    browser.wait_for("return location.pathname.endsWith('/symptoms/settlement-failed/')");

    // `/` focuses the search box from anywhere on a page.
    browser.type_into("body", "/");
    assert_eq!(browser.eval("return document.activeElement.id"), "kb-q");

    // The search page: pinyin finds the same symptom; a merchant's phrase too.
    browser.goto(&format!("{}search/?q=jiesuan", server.url));
    let hits = results(&browser, "kb-page-hits");
    assert!(hits[0].ends_with("symptoms/settlement-failed/"), "jiesuan: {hits:?}");
    browser.goto(&format!("{}search/?q=%E9%92%B1%E6%B2%A1%E5%88%B0%E8%B4%A6", server.url));
    assert!(results(&browser, "kb-page-hits")[0].ends_with("symptoms/settlement-failed/"));
    let fallback_hidden = browser.eval("return document.getElementById('kb-fallback').hidden");
    assert_eq!(fallback_hidden, true, "results replace the no-JS symptom list");

    // Nonsense shows the empty state with suggested symptoms.
    browser.goto(&format!("{}search/?q=qzxqzxq", server.url));
    let status = browser.wait_for("return document.querySelector('.search-empty') && document.getElementById('kb-page-status').textContent");
    assert!(status.as_str().unwrap().contains("没有找到"), "{status}");
    let suggestions = browser.eval("return document.querySelectorAll('.search-empty a').length");
    assert!(suggestions.as_u64().unwrap() >= 3, "{suggestions}");

    // Nothing the site did broke the policy.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let reports = server.reports.lock().unwrap();
    assert!(reports.is_empty(), "CSP violations: {reports:?}");
}

#[test]
fn portable_search_works_opened_from_disk() {
    let builds = shipped_builds();
    let browser = Browser::start();
    let page = builds.path("portable/search/index.html");
    browser.goto(&format!("file://{}?q=%E7%BB%93%E7%AE%97", page.display()));
    let hits = results(&browser, "kb-page-hits");
    assert!(hits[0].ends_with("symptoms/settlement-failed/index.html"), "{hits:?}");
}

#[test]
fn without_javascript_the_search_page_lists_every_symptom() {
    let builds = shipped_builds();
    let html = std::fs::read_to_string(builds.path("public/search/index.html")).unwrap();
    let fallback = &html[html.find("id=\"kb-fallback\"").unwrap()..];
    let symptoms =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/symptoms"))
            .unwrap()
            .count();
    assert_eq!(fallback.matches("class=\"card\"").count(), symptoms);
}

/// The CSP check above can fail: an inline script on a served page is reported.
#[test]
fn the_csp_harness_reports_an_inline_script() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("index.html"),
        "<!DOCTYPE html><title>x</title><script>document.title='ran'</script>",
    )
    .unwrap();
    let server = Server::start(dir.path());
    let browser = Browser::start();
    browser.goto(&server.url);
    server.wait_for_report("no CSP report arrived");
    assert_eq!(browser.eval("return document.title"), "x", "the inline script did not run");
}

/// The browser script's own tests (tokenizer, format, ranking) under node, on the vectors
/// the Rust unit tests use.
#[test]
fn the_search_script_passes_its_node_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/search");
    let out = std::process::Command::new("node")
        .arg("--test")
        .arg(dir.join("search.test.cjs"))
        .output()
        .expect("node is needed for the search script's tests (apt-get install -y nodejs)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("# fail 0") && !stdout.contains("# pass 0"), "{stdout}");
}

/// Reads the data a search script file hands over: `kbgenSearch.terms("v",3,DATA);`.
fn script_data(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.trim_end().trim_end_matches(");");
    // The version and the shard number come first; neither contains a comma.
    let data_start = body.match_indices(',').nth(1).map(|(i, _)| i + 1).unwrap();
    serde_json::from_str(&body[data_start..]).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_index_ranks_title_and_alias_matches_above_body_text_and_is_deterministic() {
    let site = crate::Site::fixture("good");
    let files = site.build(&[]);
    let manifest = std::fs::read_to_string(site.path("public/search/index.js")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(
        manifest.trim().trim_start_matches("kbgenSearch.manifest(").trim_end_matches(");"),
    )
    .unwrap();
    let buckets = manifest["buckets"].as_u64().unwrap() as u32;
    let per_shard = manifest["docsPerShard"].as_u64().unwrap() as u32;
    let path_of = |doc: u32| -> String {
        let docs = script_data(&site.path(&format!("public/search/d/{}.js", doc / per_shard)));
        docs[(doc % per_shard) as usize][0].as_str().unwrap().to_owned()
    };
    let postings = |term: &str| -> Vec<(String, u8)> {
        let bucket = kbgen::index::shard::bucket_of(term, buckets);
        let terms = script_data(&site.path(&format!("public/search/t/{bucket}.js")));
        let encoded = terms[term].as_str().unwrap_or_else(|| panic!("{term} is indexed"));
        kbgen::index::shard::decode_postings(encoded)
            .into_iter()
            .map(|(d, q)| (path_of(d), q))
            .collect()
    };
    let score =
        |list: &[(String, u8)], path: &str| list.iter().find(|(p, _)| p == path).map(|(_, q)| *q);
    // 结算: in the settlement symptom's aliases and summary; only in a cause's summary; in
    // a guide not at all.
    let settle = postings("结算");
    let symptom = score(&settle, "symptoms/settlement-failed/").unwrap();
    let cause = score(&settle, "causes/account-frozen/").unwrap();
    assert!(symptom > cause, "{settle:?}");
    assert_eq!(score(&settle, "guides/fees/"), None);
    // 网络: the title of a cause beats a mention in another article's body.
    let net = postings("网络");
    assert!(
        score(&net, "causes/network-problem/").unwrap()
            > score(&net, "symptoms/settlement-failed/").unwrap_or(0),
        "{net:?}"
    );
    // Pinyin and initials of titles and aliases; single characters of titles.
    assert!(postings("wufajiesuan").iter().any(|(p, _)| p == "symptoms/settlement-failed/"));
    assert!(postings("js").iter().any(|(p, _)| p == "symptoms/settlement-failed/"));
    assert!(postings("钱").iter().any(|(p, _)| p == "symptoms/settlement-failed/"));
    // The same input gives the same index bytes.
    let again = crate::Site::fixture("good").build(&[]);
    let search_files = |f: &std::collections::BTreeMap<String, Vec<u8>>| {
        f.iter()
            .filter(|(k, _)| k.starts_with("search/"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(search_files(&files), search_files(&again));
}

#[test]
fn search_can_be_turned_off_in_site_yaml() {
    let site = crate::Site::fixture("good");
    let yaml = site.read("site.yaml");
    site.write("site.yaml", &format!("{yaml}search: false\n"));
    let files = site.build(&[]);
    assert!(
        !files.keys().any(|k| k.starts_with("search/") || k == "assets/search.js"),
        "{:?}",
        files.keys()
    );
    let home = String::from_utf8_lossy(&files["index.html"]).into_owned();
    assert!(!home.contains("data-kb-search") && !home.contains("search.js"));
}
