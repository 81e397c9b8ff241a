//! `kbgen check`: validates everything and writes nothing.

use crate::{Site, transcript};

#[test]
fn check_passes_on_a_good_site_and_writes_nothing() {
    let site = Site::fixture("good");
    let out = transcript(&mut site.kbgen(&["check"]), site.root());
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains("checked 8 articles: no errors"), "{out}");
    assert!(!site.path("public").exists());
}

#[test]
fn check_reports_errors_with_exit_1_and_writes_nothing() {
    let site = Site::fixture("invalid/unknown-slug");
    let out = transcript(&mut site.kbgen(&["check"]), site.root());
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(out.contains("content/symptoms/a.md:5:5: error[unknown-slug]"), "{out}");
    assert!(!site.path("public").exists());
}

#[test]
fn a_missing_site_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_kbgen"))
        .args(["check", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no site.yaml in"));
}
