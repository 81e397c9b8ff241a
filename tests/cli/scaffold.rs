//! `kbgen new` and `kbgen init`, and per-name template overrides.

use crate::{Site, transcript};
use assert_cmd::Command;

#[test]
fn new_writes_a_valid_skeleton_for_every_kind() {
    let site = Site::fixture("good");
    for kind in ["symptom", "cause", "remedy", "channel", "guide"] {
        let slug = format!("new-{kind}");
        site.kbgen(&["new", kind, &slug, "--title", "新文章: \"引号\""]).assert().success();
        let text = site.read(&format!("content/{kind}s/{slug}.md").replace("remedys", "remedies"));
        assert!(text.starts_with("---\ntitle: \"新文章: \\\"引号\\\"\"\n"), "{text}");
    }
    let out = transcript(&mut site.kbgen(&["check"]), site.root());
    assert!(out.starts_with("exit: 0"), "skeletons are valid articles:\n{out}");
    let files = site.build(&[]);
    assert!(files.contains_key("remedies/new-remedy/index.html"));
}

#[test]
fn new_refuses_to_overwrite_and_names_unknown_kinds() {
    let site = Site::fixture("good");
    let out = transcript(&mut site.kbgen(&["new", "symptom", "card-declined"]), site.root());
    assert!(out.starts_with("exit: 2") && out.contains("already exists"), "{out}");
    let out = transcript(&mut site.kbgen(&["new", "faq", "x"]), site.root());
    assert!(
        out.contains("there is no kind 'faq'")
            && out.contains("symptom, cause, remedy, channel, guide"),
        "{out}"
    );
    let out = transcript(&mut site.kbgen(&["new", "symptom", "../escape"]), site.root());
    assert!(out.starts_with("exit: 2") && out.contains("cannot be a slug"), "{out}");
}

#[test]
fn init_creates_a_site_that_builds_and_refuses_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("kb");
    let kbgen = || Command::new(env!("CARGO_BIN_EXE_kbgen"));
    kbgen().arg("init").arg(&site).assert().success();
    kbgen().args(["build", "--root"]).arg(&site).assert().success();
    for kind in ["symptoms", "causes", "remedies", "channels", "guides"] {
        let pages: Vec<_> = std::fs::read_dir(site.join("public").join(kind)).unwrap().collect();
        assert!(pages.len() >= 2, "{kind}: a sample article and the list page");
    }
    let out = kbgen().arg("init").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn a_site_template_overrides_the_embedded_one_by_name() {
    let site = Site::fixture("good");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>自定义的 404</h1>{% endblock main %}",
    );
    site.write("templates/assets/style.css", "body { color: red; }");
    site.build(&[]);
    assert!(site.read("public/404.html").contains("<h1>自定义的 404</h1>"));
    assert_eq!(site.read("public/assets/style.css"), "body { color: red; }");
    assert!(
        site.read("public/index.html").contains("class=\"hero\""),
        "other templates stay embedded"
    );
}
