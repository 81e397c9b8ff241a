//! The shipped site (the repository's own site.yaml and content/) builds cleanly and every
//! link in it resolves.

use crate::{links::assert_links_resolve, read_tree};
use std::path::Path;

#[test]
fn the_shipped_site_builds_with_no_errors_or_warnings_and_its_links_resolve() {
    let site = crate::Site::shipped();
    let out = site.kbgen(&["build", "--verbose"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "the shipped site has no warnings:\n{stderr}");
    let files = read_tree(&site.path("public"));
    assert!(assert_links_resolve(&files) > 0);
}

/// The shipped site loaded through kbgen's own stages.
fn shipped_site() -> kbgen::resolve::Site {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = kbgen::read_config(root).unwrap().expect("site.yaml is valid");
    let (loaded, diags) = kbgen::load::load_site(root, &config);
    assert!(diags.is_empty(), "{}", kbgen::diag::render_human(&diags));
    let (articles, diags) = kbgen::parse::parse_all(&loaded.sources, &config, false);
    assert!(diags.is_empty(), "{}", kbgen::diag::render_human(&diags));
    let assets = loaded.assets.keys().cloned().collect();
    let (site, diags) = kbgen::resolve::resolve(config, articles, false, assets);
    assert!(diags.is_empty(), "{}", kbgen::diag::render_human(&diags));
    site
}

fn kind_index(site: &kbgen::resolve::Site, name: &str) -> usize {
    site.config.kinds.iter().position(|k| k.name == name).unwrap()
}

fn list_len(a: &kbgen::parse::Article, field: &str) -> usize {
    a.extra.get(field).and_then(|v| v.as_array()).map_or(0, Vec::len)
}

/// Issue 4: the knowledge base keeps its coverage and its shape.
#[test]
fn shipped_content_keeps_its_invariants() {
    let site = shipped_site();
    let count = |k: &str| site.by_kind[kind_index(&site, k)].len();
    for (kind, min) in [("symptom", 7), ("cause", 13), ("remedy", 16), ("channel", 5), ("guide", 5)]
    {
        assert!(count(kind) >= min, "{kind}: {} < {min}", count(kind));
    }
    let (symptom, cause, remedy, channel) = (
        kind_index(&site, "symptom"),
        kind_index(&site, "cause"),
        kind_index(&site, "remedy"),
        kind_index(&site, "channel"),
    );
    for (id, a) in site.articles.iter().enumerate() {
        let at = a.path.display();
        assert!(a.summary.as_deref().is_some_and(|s| !s.is_empty()), "{at}: summary");
        if a.kind == symptom {
            assert!(a.aliases.len() >= 3, "{at}: at least 3 aliases");
            assert!(site.forward[id][0].len() >= 3, "{at}: at least 3 causes");
            assert!((3..=5).contains(&list_len(a, "checks")), "{at}: 3-5 quick checks");
            assert!(
                a.headings.iter().any(|h| h.text.contains("继续收款")),
                "{at}: how to keep taking payments"
            );
            assert!(site.forward2[id].len() >= 2, "{at}: remedies through its causes");
        }
        if a.kind == cause {
            assert!(site.forward[id][0].len() >= 2, "{at}: at least 2 remedies");
            assert!(list_len(a, "signs") >= 2, "{at}: signs");
            assert!(list_len(a, "who") >= 1, "{at}: who acts");
            assert!(!site.inverse[id].is_empty(), "{at}: every cause belongs to a symptom");
        }
        if a.kind == remedy {
            assert!(!site.inverse[id].is_empty(), "{at}: every remedy is used by a cause");
            for field in ["time", "who"] {
                assert!(
                    a.extra.get(field).and_then(|v| v.as_str()).is_some_and(|s| !s.is_empty()),
                    "{at}: {field}"
                );
            }
            let outcome = a.extra.get("outcome").and_then(|v| v.as_str());
            assert!(
                matches!(outcome, Some("workaround" | "resolution")),
                "{at}: outcome {outcome:?}"
            );
            assert!(a.html.contains("<ol>"), "{at}: numbered steps");
        }
        if a.kind == channel {
            assert!(list_len(a, "materials") >= 2, "{at}: materials");
            for heading in ["如何核实", "注意事项"] {
                assert!(a.headings.iter().any(|h| h.text.contains(heading)), "{at}: {heading}");
            }
        }
        if a.kind != symptom {
            let referenced = !site.inverse[id].is_empty() || !site.backlinks[id].is_empty();
            assert!(referenced, "{at}: no article links here (orphan)");
        }
    }
}

/// Issue 4: the writing rules that a machine can check.
#[test]
fn shipped_content_has_no_obfuscated_words_ads_or_external_links() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("content");
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        if !entry.file_type().is_file() {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for bad in ["zheng证", "xi息", "ka卡", "炸骗", "http://", "https://", "www."] {
            assert!(!text.contains(bad), "{}: contains {bad:?}", entry.path().display());
        }
    }
}

/// Issue 4: every article is reachable from the home page within two clicks.
#[test]
fn every_article_is_two_clicks_from_home() {
    let files = crate::Site::shipped().build(&["-q"]);
    let links_of = |page: &str| -> Vec<String> {
        let html = String::from_utf8_lossy(&files[page]).into_owned();
        let base = Path::new(page).parent().unwrap().to_path_buf();
        crate::attr_values(&html, "href")
            .into_iter()
            .filter(|h| !h.contains("://") && !h.starts_with('#'))
            .map(|h| {
                let mut parts: Vec<String> = base
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                for seg in h.split('#').next().unwrap().split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => {
                            parts.pop();
                        }
                        s => parts.push(
                            percent_encoding::percent_decode_str(s)
                                .decode_utf8()
                                .unwrap()
                                .into_owned(),
                        ),
                    }
                }
                parts.push("index.html".into());
                parts.join("/")
            })
            .filter(|p| files.contains_key(p))
            .collect()
    };
    let one: Vec<String> = links_of("index.html");
    let mut reached: std::collections::BTreeSet<String> = one.iter().cloned().collect();
    for page in &one {
        reached.extend(links_of(page));
    }
    let site = shipped_site();
    for a in &site.articles {
        let page = format!("{}/{}/index.html", site.config.kinds[a.kind].dir, a.slug);
        assert!(reached.contains(&page), "{page} is more than two clicks from home");
    }
}
