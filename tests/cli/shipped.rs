//! The shipped site (the repository's own site.yaml and content/) builds cleanly and every
//! link in it resolves.

use crate::{copy_dir, links::assert_links_resolve, read_tree};
use std::path::Path;

#[test]
fn the_shipped_site_builds_with_no_errors_or_warnings_and_its_links_resolve() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo.join("site.yaml"), dir.path().join("site.yaml")).unwrap();
    copy_dir(&repo.join("content"), &dir.path().join("content"));
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["build", "--verbose", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "the shipped site has no warnings:\n{stderr}");
    let files = read_tree(&dir.path().join("public"));
    assert!(assert_links_resolve(&files) > 0);
}
