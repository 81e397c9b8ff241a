//! Every internal link in the output resolves to a file, and every anchor to an id; links
//! are relative, and `--portable` links name index.html.

use crate::{Site, attr_values};
use std::collections::BTreeMap;
use std::path::Path;

/// Checks every href and src of every HTML page in `files`; returns the links checked.
pub(crate) fn assert_links_resolve(files: &BTreeMap<String, Vec<u8>>) -> usize {
    let mut checked = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        let links = attr_values(&html, "href").into_iter().chain(attr_values(&html, "src"));
        for link in links {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            if path == "404.html" {
                assert!(
                    link.starts_with('/') || link.starts_with('#'),
                    "404.html links from the site root: {link}"
                );
                continue;
            }
            assert!(!link.starts_with('/'), "{path}: internal link {link} must be relative");
            let (file, anchor) = link.split_once('#').map_or((link, None), |(f, a)| (f, Some(a)));
            let target = if file.is_empty() {
                path.clone()
            } else {
                let decoded = percent_encoding::percent_decode_str(file).decode_utf8().unwrap();
                let joined = normalize(Path::new(path).parent().unwrap(), &decoded);
                if joined.is_empty() || joined.ends_with('/') {
                    format!("{joined}index.html")
                } else {
                    joined
                }
            };
            let Some(target_bytes) = files.get(&target) else {
                panic!("{path}: link {link} → {target} does not exist")
            };
            if let Some(anchor) = anchor {
                let id = percent_encoding::percent_decode_str(anchor).decode_utf8().unwrap();
                let target_html = String::from_utf8_lossy(target_bytes);
                assert!(
                    target_html.contains(&format!(" id=\"{id}\"")),
                    "{path}: anchor #{id} not in {target}"
                );
            }
            checked += 1;
        }
    }
    checked
}

fn normalize(dir: &Path, rel: &str) -> String {
    let mut parts: Vec<String> =
        dir.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    for seg in rel.split('/') {
        match seg {
            "." | "" => {}
            ".." => {
                parts.pop().expect("link climbs above the output root");
            }
            s => parts.push(s.to_owned()),
        }
    }
    let mut out = parts.join("/");
    if (rel.ends_with('/') || rel.is_empty() || rel == "." || rel.ends_with("/."))
        && !out.is_empty()
    {
        out.push('/');
    }
    out
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let site = Site::fixture("good");
    let files = site.build(&[]);
    let checked = assert_links_resolve(&files);
    assert!(checked > 100, "only {checked} links checked");
    let page =
        String::from_utf8_lossy(&files["symptoms/settlement-failed/index.html"]).into_owned();
    assert!(page.contains("href=\"../../remedies/check-network/#%E7%AC%AC%E4%B8%80%E6%AD%A5%E7%9C%8B%E4%BF%A1%E5%8F%B7\""), "body .md links become page links with their anchor");
}

#[test]
fn portable_builds_link_to_index_html() {
    let site = Site::fixture("good");
    let files = site.build(&["--portable"]);
    assert_links_resolve(&files);
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html") && *p != "404.html") {
        let html = String::from_utf8_lossy(bytes);
        for href in attr_values(&html, "href") {
            if href.contains("://") || href.starts_with('#') {
                continue;
            }
            let file = href.split('#').next().unwrap();
            assert!(
                !file.ends_with('/'),
                "{path}: {href} would show a directory listing from disk"
            );
        }
    }
    let home = String::from_utf8_lossy(&files["index.html"]);
    assert!(home.contains("href=\"symptoms/settlement-failed/index.html\""));
}
