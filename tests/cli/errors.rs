//! Each invalid fixture fails with exit 1 and reports file, line, column, code, message and
//! help; the report is pinned by a snapshot. A failed build leaves the old output as it was.

use crate::{Site, read_tree, transcript};

/// (fixture, a line the report must contain)
const CASES: &[(&str, &str)] = &[
    (
        "invalid-yaml",
        "content/symptoms/a.md:5:7: error[invalid-yaml]: did not find expected ',' or ']' at line 5 column 7",
    ),
    ("missing-title", "content/symptoms/a.md:1:1: error[missing-title]: the article has no title"),
    (
        "wrong-type",
        "content/symptoms/a.md:4:1: error[wrong-type]: field 'weight' must be a whole number, found the text '高'",
    ),
    (
        "unknown-slug",
        "content/symptoms/a.md:5:5: error[unknown-slug]: 'causes' lists 'netwrok-problm', but there is no cause with that slug",
    ),
    (
        "wrong-kind",
        "content/symptoms/a.md:3:10: error[wrong-kind]: 'causes' must list cause slugs, but 'restart-terminal' is a remedy",
    ),
    (
        "broken-link",
        "content/symptoms/a.md:4:3: error[broken-link]: the link '../remedies/nope.md' points to content/remedies/nope.md",
    ),
    (
        "broken-link",
        "content/symptoms/a.md:6:3: error[broken-anchor]: 'content/remedies/restart.md' has no heading with the id '第二步'",
    ),
    (
        "broken-link",
        "content/symptoms/a.md:8:1: error[broken-link]: the link 'missing.png' points to content/symptoms/missing.png, which does not exist",
    ),
    (
        "duplicate-slug",
        "content/symptoms/more/a.md:1:1: error[duplicate-slug]: the slug 'a' is already used by content/symptoms/a.md",
    ),
    ("outside-kind-dir", "content/notes/stray.md:1:1: error[outside-kind-dir]"),
    ("outside-kind-dir", "content/top.md:1:1: error[outside-kind-dir]"),
    ("not-utf8", "content/symptoms/gbk.md:2:8: error[not-utf8]: the file is not valid UTF-8"),
    (
        "template-error",
        "templates/symptom.html:3:21: error[template-error]: field `no_such_field` is not defined. (while rendering content/symptoms/a.md)",
    ),
    ("template-syntax", "templates/list.html:3:7: error[template-error]"),
    (
        "unsafe-html",
        "content/symptoms/a.md:6:1: error[unsafe-url]: the address 'javascript:alert(1)' would run script or read local files",
    ),
];

#[test]
fn each_error_class_names_file_line_and_fix() {
    for (case, expected) in CASES {
        let site = Site::fixture(&format!("invalid/{case}"));
        let out = transcript(&mut site.kbgen(&["build"]), site.root());
        assert!(out.starts_with("exit: 1\n"), "{case}: {out}");
        assert!(out.contains(expected), "{case}: expected {expected:?} in\n{out}");
        assert!(out.contains("  help: "), "{case}: every error says what to do\n{out}");
        assert!(out.contains("; nothing was written"), "{case}: {out}");
        assert!(!site.path("public").exists(), "{case}: nothing is written");
    }
}

#[test]
fn error_reports_match_snapshots() {
    let mut names: Vec<_> = CASES.iter().map(|(c, _)| *c).collect();
    names.push("many-errors");
    names.dedup();
    for case in names {
        let site = Site::fixture(&format!("invalid/{case}"));
        let out = transcript(&mut site.kbgen(&["build"]), site.root());
        insta::assert_snapshot!(format!("errors__{case}"), out);
    }
}

#[test]
fn raw_html_is_left_out_with_a_warning_unless_the_site_opts_in() {
    let site = Site::fixture("invalid/unsafe-html");
    site.write(
        "content/symptoms/a.md",
        &site.read("content/symptoms/a.md").replace("[领奖](javascript:alert(1))", "领奖"),
    );
    let out = transcript(&mut site.kbgen(&["--verbose", "build"]), site.root());
    assert!(out.starts_with("exit: 0\n"), "{out}");
    assert!(out.contains("content/symptoms/a.md:4:3: warning[raw-html]: raw HTML left out: <span onclick=\"steal()\">"), "{out}");
    assert!(out.contains("content/symptoms/a.md:8:1: warning[raw-html]: raw HTML left out: <script>alert(document.cookie)</script>"), "{out}");
    let page = site.read("public/symptoms/a/index.html");
    assert!(!page.contains("onclick") && !page.contains("document.cookie"), "{page}");
    assert!(page.contains("点这里"), "the text inside stays");

    site.write("site.yaml", &format!("{}unsafe_html: true\n", site.read("site.yaml")));
    let out = transcript(&mut site.kbgen(&["--verbose", "build"]), site.root());
    assert!(out.starts_with("exit: 0\n") && !out.contains("raw-html"), "{out}");
    assert!(
        site.read("public/symptoms/a/index.html")
            .contains("<script>alert(document.cookie)</script>")
    );
}

#[test]
fn all_errors_of_a_build_come_out_in_one_run() {
    let site = Site::fixture("invalid/many-errors");
    let out = transcript(&mut site.kbgen(&["build"]), site.root());
    for expected in [
        "content/causes/c.md:3:1: error[wrong-type]",
        "content/symptoms/a.md:3:10: error[unknown-slug]",
        "content/symptoms/a.md:5:1: error[broken-link]",
        "content/symptoms/b.md:1:1: error[missing-title]",
        "4 errors in 3 files; nothing was written",
    ] {
        assert!(out.contains(expected), "{expected} in\n{out}");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_for_byte() {
    let site = Site::fixture("good");
    let before = site.build(&[]);
    let mtimes = |root: &std::path::Path| -> Vec<_> {
        walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().metadata().unwrap().modified().unwrap())
            .collect()
    };
    let before_times = mtimes(&site.path("public"));
    site.write(
        "content/symptoms/card-declined.md",
        "---\ntitle: 刷卡失败\ncauses: [no-such-cause]\n---\n",
    );
    site.kbgen(&["build"]).assert().code(1);
    assert_eq!(read_tree(&site.path("public")), before);
    assert_eq!(mtimes(&site.path("public")), before_times);
    // A template error at render time fails the same way.
    site.write("content/symptoms/card-declined.md", "---\ntitle: 刷卡失败\n---\n");
    site.write(
        "templates/symptom.html",
        "{% extends \"article.html\" %}{% block facts %}{{ nope.x }}{% endblock facts %}",
    );
    site.kbgen(&["build"]).assert().code(1);
    assert_eq!(read_tree(&site.path("public")), before);
}
