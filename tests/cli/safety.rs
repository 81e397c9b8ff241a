//! Output safety: dangerous output directories are refused with exit 2, files kbgen did not
//! write are never deleted, and rebuilds replace only kbgen's own files.

use crate::{Site, read_tree, transcript};

fn refused(site: &Site, output: &std::path::Path, why: &str) {
    let out =
        transcript(&mut site.kbgen(&["build", "--output", output.to_str().unwrap()]), site.root());
    assert!(out.starts_with("exit: 2\n"), "{out}");
    assert!(out.contains("refusing to write to") && out.contains(why), "{why} in\n{out}");
}

#[test]
fn refuses_the_root_an_ancestor_and_source_directories() {
    let site = Site::fixture("good");
    let before = read_tree(site.root());
    refused(&site, site.root(), "it is the site root");
    refused(&site, site.root().parent().unwrap(), "it contains the site root");
    refused(&site, &site.path("content/out"), "inside content/");
    refused(&site, &site.path("content"), "inside content/");
    refused(&site, &site.path("templates/x"), "inside templates/");
    assert_eq!(read_tree(site.root()), before, "nothing changed");
}

#[test]
fn refuses_a_directory_with_foreign_files_and_keeps_them() {
    let site = Site::fixture("good");
    site.write("public/notes.txt", "mine");
    refused(&site, &site.path("public"), "holds files kbgen did not write (notes.txt)");
    assert_eq!(site.read("public/notes.txt"), "mine");
    // Also once kbgen's own output is there: a foreign file added later is protected.
    std::fs::remove_file(site.path("public/notes.txt")).unwrap();
    site.build(&[]);
    site.write("public/symptoms/mine.html", "mine");
    refused(&site, &site.path("public"), "symptoms/mine.html");
    assert_eq!(site.read("public/symptoms/mine.html"), "mine");
}

#[test]
fn an_empty_or_missing_output_directory_is_fine() {
    let site = Site::fixture("good");
    std::fs::create_dir(site.path("empty")).unwrap();
    site.kbgen(&["build", "--output", site.path("empty").to_str().unwrap()]).assert().success();
    site.kbgen(&["build", "--output", site.path("deep/new/out").to_str().unwrap()])
        .assert()
        .success();
    assert!(
        site.path("empty/index.html").exists() && site.path("deep/new/out/index.html").exists()
    );
}

#[test]
fn rebuilds_replace_outputs_and_remove_pages_that_are_gone() {
    let site = Site::fixture("good");
    let first = site.build(&[]);
    assert!(first.contains_key("guides/fees/index.html"));
    assert!(first.contains_key(".kbgen-manifest"), "kbgen marks its output");
    std::fs::remove_file(site.path("content/guides/fees.md")).unwrap();
    let second = site.build(&[]);
    assert!(!second.contains_key("guides/fees/index.html"));
    assert!(!site.path("public/guides/fees").exists(), "empty directories of removed pages go too");
    let siblings: Vec<_> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!siblings.iter().any(|n| n.contains("kbgen-staging")), "no staging left: {siblings:?}");
}

#[test]
fn stale_staging_directories_lose_only_their_listed_files() {
    let site = Site::fixture("good");
    let stale = site.path(".public.kbgen-staging-99999-0");
    std::fs::create_dir_all(stale.join("a")).unwrap();
    std::fs::write(stale.join("a/page.html"), "old").unwrap();
    std::fs::write(stale.join("foreign.txt"), "keep").unwrap();
    std::fs::write(
        stale.join(".kbgen-manifest"),
        "# kbgen output manifest v1: files kbgen wrote here; kbgen deletes only these\na/page.html\n",
    )
    .unwrap();
    site.build(&[]);
    assert!(!stale.join("a/page.html").exists());
    assert_eq!(std::fs::read_to_string(stale.join("foreign.txt")).unwrap(), "keep");
}

#[test]
fn a_running_builds_staging_directory_is_left_alone() {
    let site = Site::fixture("good");
    // Named for this test process, which is alive: a concurrent build's staging area.
    let live = site.path(&format!(".public.kbgen-staging-{}-0", std::process::id()));
    std::fs::create_dir_all(&live).unwrap();
    std::fs::write(live.join("page.html"), "in progress").unwrap();
    std::fs::write(
        live.join(".kbgen-manifest"),
        "# kbgen output manifest v1: files kbgen wrote here; kbgen deletes only these\npage.html\n",
    )
    .unwrap();
    site.build(&[]);
    assert_eq!(std::fs::read_to_string(live.join("page.html")).unwrap(), "in progress");
}
