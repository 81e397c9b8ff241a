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

/// Hostile inputs too big or too odd to commit, written by the test.
#[test]
fn unicode_spellings_huge_files_tag_floods_and_relation_cycles_have_one_outcome_each() {
    const NFC: &str = "终端zh\u{14d}ng"; // ō as one code point
    const NFD: &str = "终端zho\u{304}ng"; // o + combining macron, as macOS stores names

    // Two spellings of one slug are one slug: a duplicate, named with both files.
    let site = Site::fixture("good");
    let body = "---\ntitle: 终端故障\ncauses: [network-problem]\n---\n正文。\n";
    site.write(&format!("content/symptoms/{NFC}.md"), body);
    site.write(&format!("content/symptoms/{NFD}.md"), body);
    let out = transcript(&mut site.kbgen(&["check"]), site.root());
    assert!(out.starts_with("exit: 1\n"), "{out}");
    assert!(
        out.contains("error[duplicate-slug]: the slug '终端zhōng' is already used by"),
        "{out}"
    );

    // One decomposed file: its page lives at the composed spelling, and a link written
    // composed finds it.
    std::fs::remove_file(site.path(&format!("content/symptoms/{NFC}.md"))).unwrap();
    site.write(
        "content/guides/fees.md",
        &format!(
            "---\ntitle: 费率说明\n---\n见[终端故障](../symptoms/{NFC}.md)，也见[同一篇](../symptoms/{NFD}.md)。\n"
        ),
    );
    let built = site.build(&[]);
    assert!(built.contains_key(&format!("symptoms/{NFC}/index.html")), "{:?}", built.keys());
    assert!(!built.keys().any(|k| k.contains(NFD)));
    let fees = String::from_utf8(built["guides/fees/index.html"].clone()).unwrap();
    // The composed spelling, percent-encoded: 终端 then ō as C5 8D.
    assert!(fees.contains("href=\"../../symptoms/%E7%BB%88%E7%AB%AFzh%C5%8Dng/\""), "{fees}");
    // A link spelled decomposed leads to the same page, not to a directory that isn't there.
    assert_eq!(fees.matches("symptoms/%E7%BB%88%E7%AB%AFzh%C5%8Dng/").count(), 2, "{fees}");
    assert!(!fees.contains("%CC%84"), "an href kept the decomposed spelling: {fees}");

    // A 50 MB article is refused before it is read, with the way out.
    let site = Site::fixture("good");
    let line = "这是一行很长的日志，被误贴进了文章里。".repeat(20) + "\n";
    let huge = format!("---\ntitle: 巨大\n---\n{}", line.repeat(50 * 1024 * 1024 / line.len()));
    site.write("content/guides/huge.md", &huge);
    let out = transcript(&mut site.kbgen(&["check"]), site.root());
    assert!(
        out.contains(
            "content/guides/huge.md:1:1: error[too-large]: the file is larger than 4096 KiB"
        ),
        "{out}"
    );
    assert!(out.contains("raise max_article_kib in site.yaml"), "{out}");
    // An editor who means it raises the limit, and it builds.
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}max_article_kib: 60000\n"));
    let out = site.kbgen(&["check"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // 100,000 tags on one article: one error at the tags line, not 100,000 pages.
    let site = Site::fixture("good");
    let tags: Vec<String> = (0..100_000).map(|i| format!("标签{i}")).collect();
    site.write(
        "content/guides/tags.md",
        &format!("---\ntitle: 标签\ntags: [{}]\n---\n正文\n", tags.join(", ")),
    );
    // And a file name that climbs: `..` in a slug is refused, whatever surrounds it.
    site.write("content/guides/up..escape.md", "---\ntitle: 越界\n---\n正文\n");
    let out = transcript(&mut site.kbgen(&["check"]), site.root());
    assert!(out.contains("content/guides/up..escape.md:1:1: error[invalid-slug]"), "{out}");
    assert!(
        out.contains("content/guides/tags.md:3:1: error[too-many]: field 'tags' lists 100000 entries; at most 100 are allowed"),
        "{out}"
    );

    // A custom schema whose relations form a cycle (and an article that names itself
    // through it) builds: each page lists the other, and nothing loops.
    let site = Site::fixture("good");
    site.write(
        "site.yaml",
        "title: 环\nkinds:\n  problem: { dir: problems, label: 问题, relations: { fixes: fix } }\n  fix: { dir: fixes, label: 办法, relations: { problems: problem } }\n",
    );
    std::fs::remove_dir_all(site.path("content")).unwrap();
    site.write("content/problems/a.md", "---\ntitle: 问题甲\nfixes: [b]\n---\n甲。\n");
    site.write("content/fixes/b.md", "---\ntitle: 办法乙\nproblems: [a, c]\n---\n乙。\n");
    site.write("content/problems/c.md", "---\ntitle: 问题丙\nfixes: [b]\n---\n丙。\n");
    let built = site.build(&[]);
    let a = String::from_utf8(built["problems/a/index.html"].clone()).unwrap();
    let b = String::from_utf8(built["fixes/b/index.html"].clone()).unwrap();
    assert!(a.contains("办法乙") && b.contains("问题甲") && b.contains("问题丙"));
}
