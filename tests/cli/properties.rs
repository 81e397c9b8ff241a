//! Property tests: arbitrary front matter, Markdown and file names, driven through the
//! whole pipeline (load, parse, resolve, render, search index). Whatever the input, the
//! outcome is a page or a diagnostic that names a file and a line — never a panic.

use proptest::prelude::*;
use proptest::strategy::Union;
use std::path::Path;

/// Fragments that YAML gives meaning to, mixed with arbitrary text.
fn yaml_value() -> impl Strategy<Value = String> {
    let tokens = [
        "",
        "~",
        "null",
        "true",
        "no",
        "0",
        "-1",
        "1e309",
        "0x1F",
        "2024-02-30",
        "2025-01-01",
        "'单引号'",
        "\"双引号\\u0000\"",
        "[a, b",
        "[network-problem]",
        "{a: 1}",
        "&a [x]",
        "*a",
        "!!binary aGk=",
        "!!python/object:os.system",
        "|\n  多行\n  文本",
        ">-\n  折叠",
        "- x\n- y",
        "<script>alert(1)</script>",
        "javascript:alert(1)",
        "? 复杂键",
        "%YAML 1.2",
        "---",
        "...",
        "\t",
        "中文标题",
        "e\u{301}",
        "\u{202e}反向",
        "\u{feff}",
    ];
    token_or_any(&tokens)
}

/// One of `tokens`, or any string at all, evenly.
fn token_or_any(tokens: &[&'static str]) -> BoxedStrategy<String> {
    Union::new([
        proptest::sample::select(tokens.to_vec()).prop_map(str::to_owned).boxed(),
        any::<String>().boxed(),
    ])
    .boxed()
}

fn front_matter() -> impl Strategy<Value = String> {
    let keys = [
        "title",
        "summary",
        "tags",
        "aliases",
        "causes",
        "updated",
        "weight",
        "severity",
        "title",
        "未知字段",
        "",
        "  title",
        "title title",
        "- title",
    ];
    proptest::collection::vec((proptest::sample::select(keys.to_vec()), yaml_value()), 0..8)
        .prop_map(|fields| fields.iter().map(|(k, v)| format!("{k}: {v}\n")).collect::<String>())
}

fn markdown() -> impl Strategy<Value = String> {
    let pieces = [
        "# 标题\n",
        "## 二级\n",
        "- 列表\n",
        "  - 嵌套\n",
        "> 引用\n",
        "```\n",
        "~~~rust\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "[原因](../causes/network-problem.md)",
        "[坏链接](../causes/nowhere.md)",
        "[脚本](javascript:alert(1))",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "![图](screen.svg)",
        "**粗",
        "*",
        "\\",
        "&amp;",
        "&#0;",
        "\n",
        "\n\n",
        "[^1]\n\n[^1]: 脚注\n",
        "> [!WARNING]\n> 注意\n",
        "<!--",
        "]]>",
        "`",
        "POS机 0.6% T+1 ",
        "\r\n",
        "\u{0}",
    ];
    proptest::collection::vec(token_or_any(&pieces), 0..24).prop_map(|parts| parts.concat())
}

/// File names as an editor or a tool might produce them: anything a Linux file name can
/// hold (no `/`, no NUL, at most 255 bytes), weighted towards the tricky ones.
fn file_name() -> impl Strategy<Value = String> {
    let names = [
        "正常",
        "terminal-suspended",
        "has space",
        "..",
        "a..b",
        ".hidden",
        "-",
        "_",
        "e\u{301}",
        "é",
        "\u{f900}",
        "CON",
        "a\\b",
        "%2e%2e",
        "名字.v2",
        "\u{202e}gpj",
        "\t",
        "a:b",
    ];
    token_or_any(&names)
        .prop_map(|name| {
            let mut name: String = name.chars().filter(|c| *c != '/' && *c != '\0').collect();
            while name.len() > 200 {
                name.pop();
            }
            name
        })
        .prop_filter("a name the file system can hold", |n| !n.is_empty() && n != "." && n != "..")
}

/// Writes a file dated a minute ago, so the build does not wait for it to settle (a build
/// gives files written in the last 100 ms time to finish).
fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    crate::backdate(&path);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_article_is_a_page_or_a_diagnostic_at_a_line(
        front in front_matter(),
        body in markdown(),
        name in file_name(),
        closed in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::copy(crate::fixtures().join("good/site.yaml"), root.join("site.yaml")).unwrap();
        write(root, "content/causes/network-problem.md", "---\ntitle: 网络问题\n---\n信号弱。\n");
        let close = if closed { "---\n" } else { "" };
        write(root, &format!("content/symptoms/{name}.md"), &format!("---\n{front}{close}{body}"));

        let (pipeline, outputs) = kbgen::build_in_memory(&crate::options(root)).expect("the site loads");
        for d in &pipeline.diagnostics {
            prop_assert!(!d.path.as_os_str().is_empty(), "{d:?}");
            prop_assert!(d.line >= 1 && d.col >= 1, "{d:?}");
            prop_assert!(!d.message.is_empty(), "{d:?}");
        }
        if pipeline.has_errors() {
            prop_assert!(outputs.is_none());
        } else {
            let outputs = outputs.expect("a site without errors is built");
            let pages = outputs
                .keys()
                .filter(|k| {
                    let parts: Vec<&str> = k.split('/').collect();
                    parts.len() == 3 && parts[0] == "symptoms" && parts[1] != "page" && parts[2] == "index.html"
                })
                .count();
            // A hidden file (editors' swap files) is skipped; anything else is a page.
            let expected = usize::from(!name.starts_with('.'));
            prop_assert_eq!(pages, expected, "{:?}", pipeline.diagnostics);
        }
    }
}
