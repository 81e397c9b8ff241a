//! A committed corpus of hostile files (`tests/fixtures/hostile/`), each with its expected
//! outcome: a diagnostic naming the file and line, or a page; never a panic or a hang.

use crate::{Site, transcript};

/// The files that must fail, with the start of their report line.
const REFUSED: &[(&str, &str)] = &[
    ("binary.md", "content/guides/binary.md:2:118: error[not-utf8]"),
    ("bomb.md", "content/guides/bomb.md:2:1: error[invalid-yaml]: repetition limit exceeded"),
    (
        "dupkey.md",
        "content/guides/dupkey.md:2:1: error[invalid-yaml]: duplicate entry with key \"title\"",
    ),
    ("empty.md", "content/guides/empty.md:1:1: error[missing-front-matter]"),
    ("name with spaces.md", "content/guides/name with spaces.md:1:1: error[invalid-slug]"),
    ("unclosed.md", "content/guides/unclosed.md:1:1: error[unclosed-front-matter]"),
];

#[test]
fn hostile_files_each_get_a_diagnostic_and_the_rest_build() {
    let site = Site::fixture("hostile");
    let out = transcript(&mut site.kbgen(&["build"]), site.root());
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(!out.contains("panicked"), "{out}");
    for (_, line) in REFUSED {
        assert!(out.contains(line), "expected {line:?} in\n{out}");
    }
    assert!(out.contains("6 errors in 6 files; nothing was written"), "{out}");
    // A billion-laughs alias bomb, 10,000-deep quotes and lists, a byte-order mark and
    // CRLF line ends are fine.
    for fine in ["deep-quote", "deep-list", "bom.md", "crlf", "plain"] {
        assert!(!out.contains(fine), "{fine} should build:\n{out}");
    }

    for (file, _) in REFUSED {
        std::fs::remove_file(site.path(&format!("content/guides/{file}"))).unwrap();
    }
    site.kbgen(&["build"]).assert().success();
    assert!(site.read("public/guides/bom/index.html").contains("<title>带BOM · "));
    assert!(site.read("public/guides/crlf/index.html").contains("<title>CRLF · "));
    let quotes = site.read("public/guides/deep-quote/index.html");
    assert_eq!(quotes.matches("<blockquote>").count(), 10_000);
    let lists = site.read("public/guides/deep-list/index.html");
    assert!(lists.matches("<ul>").count() >= 10_000);
}
