//! `kbgen build` on the good fixture: every page kind, the graph on each page, Markdown
//! features, feeds, determinism and head metadata.

use crate::{Site, attr_values, main_region, read_tree};
use std::collections::BTreeMap;

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[test]
fn writes_every_page_kind() {
    let site = Site::fixture("good");
    let files = site.build(&[]);
    for expected in [
        "index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "assets/style.css",
        "assets/favicon.svg",
        "symptoms/index.html",
        "causes/index.html",
        "remedies/index.html",
        "channels/index.html",
        "guides/index.html",
        "symptoms/settlement-failed/index.html",
        "causes/account-frozen/index.html",
        "remedies/check-network/index.html",
        "channels/official-site/index.html",
        "guides/fees/index.html",
        "tags/index.html",
        "tags/结算/index.html",
    ] {
        assert!(files.contains_key(expected), "missing {expected}; have {:?}", files.keys());
    }
    assert!(!files.keys().any(|k| k.contains("draft-symptom")), "drafts are left out by default");
}

#[test]
fn drafts_flag_publishes_drafts() {
    let site = Site::fixture("good");
    let files = site.build(&["--drafts"]);
    assert!(files.contains_key("symptoms/draft-symptom/index.html"));
}

#[test]
fn home_lists_symptoms_first_then_each_kind() {
    let site = Site::fixture("good");
    site.build(&[]);
    let home = site.read("public/index.html");
    let order: Vec<_> =
        ["kb-home-symptom", "kb-home-cause", "kb-home-remedy", "kb-home-channel", "kb-home-guide"]
            .iter()
            .map(|id| home.find(id).unwrap_or_else(|| panic!("no {id}")))
            .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    assert!(home.contains("href=\"symptoms/settlement-failed/\""));
    assert!(home.contains("href=\"guides/fees/\""), "every article is one click from home");
}

#[test]
fn symptom_page_ranks_causes_with_signs_and_remedies_then_related() {
    let site = Site::fixture("good");
    site.build(&[]);
    let page = site.read("public/symptoms/settlement-failed/index.html");
    let causes = section(&page, "kb-rel-causes");
    let frozen = causes.find("账户被冻结").unwrap();
    let network = causes.find("网络不稳定").unwrap();
    assert!(frozen < network, "causes keep front-matter order");
    assert!(causes.contains("结算账户被银行或支付公司冻结。"), "cause summary shown");
    assert!(causes.contains("客服确认账户状态异常"), "cause signs shown");
    assert!(
        causes.contains("href=\"../../remedies/contact-support/\""),
        "links to the cause's remedies"
    );
    let all = section(&page, "kb-all-remedy");
    assert!(all.contains("检查网络") && all.contains("联系客服"), "remedies via causes");
    let related = section(&page, "kb-related");
    assert!(related.contains("刷卡失败"), "symptoms sharing a cause are related");
    let backlinks = section(&page, "kb-backlinks");
    assert!(
        backlinks.contains("href=\"../../symptoms/card-declined/\""),
        "body links become backlinks"
    );
    assert!(page.contains("<nav class=\"breadcrumb"), "breadcrumb");
}

#[test]
fn cause_and_remedy_pages_show_inverse_relations() {
    let site = Site::fixture("good");
    site.build(&[]);
    let cause = site.read("public/causes/network-problem/index.html");
    let symptoms = section(&cause, "kb-inv-symptom");
    assert!(symptoms.contains("钱没有到账") && symptoms.contains("刷卡失败"));
    let remedies = section(&cause, "kb-rel-remedies");
    assert!(remedies.find("检查网络").unwrap() < remedies.find("联系客服").unwrap());
    let remedy = site.read("public/remedies/contact-support/index.html");
    let causes = section(&remedy, "kb-inv-cause");
    assert!(causes.contains("账户被冻结") && causes.contains("网络不稳定"));
    let via = section(&remedy, "kb-via-symptom");
    assert!(
        via.contains("钱没有到账") && via.contains("刷卡失败"),
        "a remedy lists its causes' symptoms"
    );
    assert!(remedy.contains("1 个工作日") && remedy.contains("根本解决"));
}

#[test]
fn markdown_extensions_and_chinese_emphasis_render() {
    let site = Site::fixture("good");
    site.build(&[]);
    let page = site.read("public/symptoms/settlement-failed/index.html");
    assert!(page.contains("<strong>注意：</strong>请先核对"), "CJK bold");
    assert!(page.contains("<table>") && page.contains("<div class=\"table-wrap\">"));
    assert!(page.contains("class=\"alert alert-warning\""));
    assert!(page.contains("type=\"checkbox\""));
    assert!(page.contains("<del>旧办法</del>"));
    assert!(page.contains("footnote-definition"));
    assert!(page.contains("<h2 id=\"先看交易记录\">"), "heading ids keep Chinese");
}

#[test]
fn pages_match_snapshots() {
    let site = Site::fixture("good");
    site.build(&[]);
    for page in [
        "index.html",
        "symptoms/settlement-failed/index.html",
        "causes/network-problem/index.html",
        "remedies/contact-support/index.html",
        "channels/official-site/index.html",
        "tags/结算/index.html",
    ] {
        let html = site.read(&format!("public/{page}"));
        let name = if page == "index.html" {
            "home".to_owned()
        } else {
            page.trim_end_matches("/index.html").replace('/', "__")
        };
        insta::assert_snapshot!(format!("main__{name}"), main_region(&html));
    }
}

#[test]
fn two_builds_give_identical_bytes() {
    let a = Site::fixture("good");
    let b = Site::fixture("good");
    assert_eq!(a.build(&[]), b.build(&[]));
}

#[test]
fn head_has_metadata_and_no_inline_code_or_external_resources() {
    let site = Site::fixture("good");
    let files = site.build(&[]);
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{path}");
        assert!(html.contains("<meta name=\"description\" content=\""), "{path}");
        assert!(html.contains("property=\"og:title\""), "{path}");
        assert!(html.contains("rel=\"icon\""), "{path}");
        assert!(!html.contains(" style=\"") && !html.contains("<style"), "{path}: inline style");
        for (i, _) in html.match_indices("<script") {
            let element = &html[i..i + html[i..].find("</script>").unwrap()];
            // Scripts are files, or JSON-LD data blocks, which browsers never execute.
            let file = element.starts_with("<script src=\"") && element.ends_with("defer>");
            let data = element.starts_with("<script type=\"application/ld+json\">");
            assert!(file || data, "{path}: inline script {element}");
        }
        for src in attr_values(&html, "src") {
            assert!(!src.contains("://"), "{path}: external resource {src}");
        }
        for (i, _) in html.match_indices("<link ") {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            if tag.contains("rel=\"stylesheet\"") || tag.contains("rel=\"icon\"") {
                assert!(!tag.contains("://"), "{path}: external {tag}");
            }
        }
    }
    let page = &files["symptoms/settlement-failed/index.html"];
    let page = String::from_utf8_lossy(page);
    assert!(page.contains(
        "<link rel=\"canonical\" href=\"https://kb.example.com/symptoms/settlement-failed/\">"
    ));
    let ld_start = page.find("<script type=\"application/ld+json\">").unwrap() + 35;
    let ld_end = ld_start + page[ld_start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[ld_start..ld_end]).unwrap();
    let types: Vec<_> =
        ld["@graph"].as_array().unwrap().iter().map(|v| v["@type"].as_str().unwrap()).collect();
    assert_eq!(types, ["TechArticle", "BreadcrumbList"]);
    assert_eq!(
        ld["@graph"][1]["itemListElement"][2]["item"],
        "https://kb.example.com/symptoms/settlement-failed/"
    );
}

#[test]
fn feeds_sitemap_and_robots_use_the_base_url() {
    let site = Site::fixture("good");
    site.build(&[]);
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains(
        "<loc>https://kb.example.com/symptoms/settlement-failed/</loc><lastmod>2026-11-20</lastmod>"
    ));
    assert!(
        sitemap.contains("<loc>https://kb.example.com/tags/%E7%BB%93%E7%AE%97/</loc>"),
        "{sitemap}"
    );
    let atom = site.read("public/atom.xml");
    let first = atom.find("钱没有到账").unwrap();
    let second = atom.find("刷卡失败").unwrap();
    assert!(first < second, "newest entry first");
    assert!(atom.contains("<updated>2026-11-20T00:00:00Z</updated>"));
    assert!(site.read("public/robots.txt").contains("Sitemap: https://kb.example.com/sitemap.xml"));
}

#[test]
fn base_url_changes_only_absolute_urls() {
    let a = Site::fixture("good");
    let b = Site::fixture("good");
    let one = a.build(&[]);
    let two = b.build(&["--base-url", "https://other.example/sub/path"]);
    assert_eq!(one.keys().collect::<Vec<_>>(), two.keys().collect::<Vec<_>>());
    for (path, bytes) in &one {
        let (x, y) = (String::from_utf8_lossy(bytes), String::from_utf8_lossy(&two[path]));
        for (l1, l2) in x.lines().zip(y.lines()) {
            if l1 != l2 {
                assert!(
                    l2.contains("https://other.example/sub/path/") || path == "404.html",
                    "{path}: {l1} / {l2}"
                );
            }
        }
    }
    let page = String::from_utf8_lossy(&two["symptoms/settlement-failed/index.html"]).into_owned();
    assert!(page.contains("href=\"https://other.example/sub/path/symptoms/settlement-failed/\""));
    assert!(page.contains("href=\"../../assets/style.css\""), "internal links stay relative");
}

#[test]
fn without_a_base_url_there_is_no_feed_and_no_link_to_one() {
    let site = Site::fixture("good");
    let yaml = site.read("site.yaml").replace("base_url: https://kb.example.com/\n", "");
    site.write("site.yaml", &yaml);
    let files = site.build(&[]);
    assert!(!files.contains_key("atom.xml") && !files.contains_key("sitemap.xml"));
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        assert!(
            !String::from_utf8_lossy(bytes).contains("atom.xml"),
            "{path} links to a feed that does not exist"
        );
    }
}

#[test]
fn files_beside_articles_are_published_and_may_not_replace_pages() {
    let site = Site::fixture("good");
    let files = site.build(&[]);
    assert!(files.contains_key("symptoms/screen.svg"), "images under content/ are published");
    let page =
        String::from_utf8_lossy(&files["symptoms/settlement-failed/index.html"]).into_owned();
    assert!(
        page.contains("<img src=\"../../symptoms/screen.svg\""),
        "their links are rewritten for the page"
    );
    site.write("content/index.html", "<p>mine</p>");
    let out = crate::transcript(&mut site.kbgen(&["build"]), site.root());
    assert!(out.contains("content/index.html:1:1: error[asset-collision]: this file would replace the generated index.html"), "{out}");
}

/// Every output file's modification time.
fn mtimes(dir: &std::path::Path) -> BTreeMap<String, std::time::SystemTime> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file() && e.file_name() != ".kbgen-manifest")
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, e.metadata().unwrap().modified().unwrap())
        })
        .collect()
}

#[test]
fn a_rebuild_after_one_edit_keeps_unchanged_files_and_their_times() {
    let site = Site::shipped();
    let mut before = site.build(&[]);
    // The manifest is kbgen's own record, rewritten by every build.
    before.remove(".kbgen-manifest");
    // Age every output file, so a rewritten file shows however coarse the clock.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for rel in before.keys() {
        let file = std::fs::File::options().write(true).open(site.path("public").join(rel));
        file.unwrap().set_modified(old).unwrap();
    }

    let edited = "content/remedies/restart-terminal.md";
    let mut text = site.read(edited);
    text.push_str("\n补充说明：重启后若仍提示签到失败，请记下屏幕上的错误码再联系服务商。\n");
    site.write(edited, &text);
    let out = site.kbgen(&["build"]).assert().success().get_output().stdout.clone();
    let mut after = read_tree(&site.path("public"));
    after.remove(".kbgen-manifest");
    let times = mtimes(&site.path("public"));

    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    let changed: Vec<&String> = after.keys().filter(|k| before[*k] != after[*k]).collect();
    for (rel, bytes) in &after {
        let kept = times[rel] == old;
        assert_eq!(kept, before[rel] == *bytes, "{rel}: unchanged bytes must keep the old mtime");
    }
    // A body edit changes the article's own page and the search shards holding its terms;
    // no other page shows the body.
    let page = "remedies/restart-terminal/index.html";
    assert!(changed.contains(&&page.to_owned()));
    for c in &changed {
        assert!(*c == page || c.starts_with("search/t/"), "{c} should not change: {changed:?}");
    }
    let summary = String::from_utf8(out).unwrap();
    let unchanged = after.len() - changed.len();
    assert!(summary.contains(&format!("{unchanged} unchanged")), "{summary}");

    // Nothing edited: nothing rewritten.
    site.kbgen(&["build"]).assert().success();
    assert_eq!(mtimes(&site.path("public")), times);
}

#[test]
fn long_lists_are_split_into_linked_pages() {
    let site = Site::fixture("good");
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}page_size: 1\n"));
    let files = site.build(&[]);
    let page = |rel: &str| {
        String::from_utf8(files.get(rel).unwrap_or_else(|| panic!("no {rel}")).clone()).unwrap()
    };
    let cards = |html: &str| {
        let list = &html[html.find("<ul class=\"cards\">").unwrap()..];
        let list = &list[..list.find("</ul>").unwrap()];
        attr_values(list, "href").into_iter().map(str::to_owned).collect::<Vec<_>>()
    };

    let first = page("symptoms/index.html");
    let second = page("symptoms/page/2/index.html");
    assert!(!files.contains_key("symptoms/page/3/index.html"));
    assert_eq!(cards(&first), ["../symptoms/settlement-failed/"]);
    assert_eq!(cards(&second), ["../../../symptoms/card-declined/"]);
    assert!(first.contains(r#"<a href="../symptoms/page/2/" rel="next">下一页</a>"#), "{first}");
    assert!(!first.contains("rel=\"prev\""));
    assert!(second.contains(r#"<a href="../../../symptoms/" rel="prev">上一页</a>"#), "{second}");
    assert!(second.contains("第 2 / 2 页") && second.contains("<title>症状（第 2 页）"));
    let canonical = "<link rel=\"canonical\" href=\"https://kb.example.com/symptoms/page/2/\">";
    assert!(second.contains(canonical), "{second}");

    // Tags paginate the same way, and the search page's list without JavaScript is cut to
    // one page with a link to the rest.
    assert!(files.contains_key("tags/结算/page/2/index.html"));
    let search = page("search/index.html");
    assert_eq!(cards(&search).len(), 1);
    assert!(search.contains(r#"<a href="../symptoms/">查看全部症状</a>"#), "{search}");
}

#[test]
fn a_build_piped_or_in_ci_draws_no_progress_bar() {
    let site = Site::fixture("good");
    let out = site.kbgen(&["build"]).env("CI", "true").output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    // A bar redraws with carriage returns and terminal escapes.
    assert!(!stderr.contains('\r') && !stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(!stderr.contains("rendering"), "{stderr:?}");
}

#[test]
fn headers_for_static_hosts_carry_the_policy_the_browser_tests_enforce() {
    let site = Site::fixture("good");
    let files = site.build(&[]);
    let headers = String::from_utf8(files["_headers"].clone()).unwrap();
    let lines: Vec<&str> = headers.lines().collect();
    let all = lines.iter().position(|l| *l == "/*").expect("a rule for every path");
    let policy = format!("  Content-Security-Policy: {}", kbgen::render::CONTENT_SECURITY_POLICY);
    for expected in [
        policy.as_str(),
        "  X-Content-Type-Options: nosniff",
        "  Referrer-Policy: strict-origin-when-cross-origin",
        "  X-Frame-Options: DENY",
    ] {
        let at = lines.iter().position(|l| *l == expected).unwrap_or_else(|| panic!("{headers}"));
        assert!(at > all, "{expected} belongs to /*");
    }
    assert!(kbgen::render::CONTENT_SECURITY_POLICY.starts_with("default-src 'self'"));
    assert!(!kbgen::render::CONTENT_SECURITY_POLICY.contains("unsafe"));
    assert!(headers.contains("/search/index.js\n  Cache-Control: no-cache\n"), "{headers}");
    // The README's copies for Netlify and nginx say the same.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(readme.contains(&policy), "README's _headers example is out of date");
    let nginx = format!(
        "add_header Content-Security-Policy \"{}\" always;",
        kbgen::render::CONTENT_SECURITY_POLICY
    );
    assert_eq!(readme.matches(&nginx).count(), 2, "README's nginx example is out of date");
}
