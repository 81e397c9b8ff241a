//! `serve`'s incremental rebuilds (`kbgen::session::Session`): after every kind of edit the
//! files in memory must be byte for byte those of a fresh build, while an edit to one
//! article's body renders only that article's page.

use crate::{Site, options};
use kbgen::session::Session;
use std::path::Path;

/// Rebuilds the session and checks it against a fresh in-memory build; returns how many
/// pages the rebuild rendered, or `None` if the site has errors.
fn rebuild_matches_fresh(session: &mut Session, root: &Path) -> Option<usize> {
    check(session.rebuild().expect("rebuild"), session, root)
}

/// As [`rebuild_matches_fresh`], with a file watcher's list of changed files.
fn hinted_rebuild_matches_fresh(
    session: &mut Session,
    root: &Path,
    changed: &[&str],
) -> Option<usize> {
    let changed = changed.iter().map(std::path::PathBuf::from).collect();
    check(session.rebuild_changed(Some(changed)).expect("rebuild"), session, root)
}

fn check(rebuilt: kbgen::session::Rebuilt, session: &mut Session, root: &Path) -> Option<usize> {
    let (fresh_pipeline, fresh) = kbgen::build_in_memory(&options(root)).expect("fresh build");
    let Some(fresh) = fresh else {
        assert!(rebuilt.files.is_none(), "the session built what a fresh build could not");
        assert_eq!(rebuilt.pipeline.diagnostics.len(), fresh_pipeline.diagnostics.len());
        return None;
    };
    let rendered = rebuilt.rendered;
    assert!(rebuilt.files.is_some(), "{:?}", rebuilt.pipeline.diagnostics);
    let files = session.index().expect("a good build has files");
    let keys: Vec<&String> = files.keys().collect();
    assert_eq!(keys, fresh.keys().collect::<Vec<_>>(), "the same files");
    for (path, bytes) in &fresh {
        assert!(**files.get(path).unwrap() == **bytes, "{path} differs from a fresh build");
    }
    Some(rendered)
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = site.read(rel);
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, &text.replacen(from, to, 1));
}

#[test]
fn every_kind_of_edit_gives_the_bytes_of_a_fresh_build() {
    let site = Site::shipped();
    let root = site.root();
    let mut session = Session::new(options(root));
    let all = rebuild_matches_fresh(&mut session, root).unwrap();
    assert!(all > 50, "the first build renders every page");

    // Nothing changed: nothing rendered.
    assert_eq!(rebuild_matches_fresh(&mut session, root), Some(0));

    // A body edit renders the one page.
    let body = "content/remedies/restart-terminal.md";
    site.write(body, &format!("{}\n补充：重启后请等待一分钟再签到。\n", site.read(body)));
    assert_eq!(rebuild_matches_fresh(&mut session, root), Some(1));

    // A title shows on every page that lists the article.
    edit(&site, "content/causes/hardware-fault.md", "title: ", "title: 机具硬件");
    let renamed = rebuild_matches_fresh(&mut session, root).unwrap();
    assert!(renamed > 2, "only {renamed} pages re-rendered after a title change");

    // Relations and tags.
    edit(&site, "content/causes/account-abnormal.md", ", backup-transaction-records]", "]");
    rebuild_matches_fresh(&mut session, root).unwrap();
    edit(
        &site,
        "content/causes/account-abnormal.md",
        "tags: [账户, 结算]",
        "tags: [账户, 结算, 新标签]",
    );
    rebuild_matches_fresh(&mut session, root).unwrap();

    // Adding, renaming and deleting articles.
    site.write(
        "content/remedies/new-remedy.md",
        "---\ntitle: 新的解决办法\nsummary: 一个新加的办法。\ntime: 5 分钟\nwho: 商户\noutcome: workaround\n---\n1. 第一步\n2. 第二步\n",
    );
    rebuild_matches_fresh(&mut session, root).expect("the new article builds");
    {
        edit(&site, "content/causes/account-abnormal.md", "remedies: [", "remedies: [new-remedy, ");
        rebuild_matches_fresh(&mut session, root).unwrap();
        std::fs::rename(
            site.path("content/remedies/new-remedy.md"),
            site.path("content/remedies/renamed-remedy.md"),
        )
        .unwrap();
        // The cause still names the old slug: an error, then fixed.
        assert_eq!(rebuild_matches_fresh(&mut session, root), None);
        edit(&site, "content/causes/account-abnormal.md", "[new-remedy, ", "[renamed-remedy, ");
        rebuild_matches_fresh(&mut session, root).unwrap();
        edit(&site, "content/causes/account-abnormal.md", "[renamed-remedy, ", "[");
        std::fs::remove_file(site.path("content/remedies/renamed-remedy.md")).unwrap();
        rebuild_matches_fresh(&mut session, root).unwrap();
    }

    // A broken file, then fixed.
    let text = site.read(body);
    site.write(body, &text.replacen("---\n", "---\ntitle: [unclosed\n", 1));
    assert_eq!(rebuild_matches_fresh(&mut session, root), None);
    // The broken file is not forgotten when the watcher names only another one.
    let other = "content/causes/hardware-fault.md";
    site.write(other, &format!("{}\n", site.read(other)));
    assert_eq!(hinted_rebuild_matches_fresh(&mut session, root, &[other]), None);
    site.write(body, &format!("{text}\n"));
    rebuild_matches_fresh(&mut session, root).unwrap();

    // With a watcher's list of changed files, nothing else is looked at: edits, a new
    // article and a removed one.
    site.write(body, &format!("{}\n再补充一句。\n", site.read(body)));
    assert_eq!(hinted_rebuild_matches_fresh(&mut session, root, &[body]), Some(1));
    let extra = "content/remedies/hinted-remedy.md";
    site.write(
        extra,
        "---\ntitle: 监听到的新办法\ntime: 1 分钟\nwho: 商户\noutcome: workaround\n---\n正文。\n",
    );
    hinted_rebuild_matches_fresh(&mut session, root, &[extra]).unwrap();
    std::fs::remove_file(site.path(extra)).unwrap();
    hinted_rebuild_matches_fresh(&mut session, root, &[extra]).unwrap();
    // A list that names an asset or a directory falls back to a full look.
    site.write("content/remedies/note.txt", "附件");
    hinted_rebuild_matches_fresh(&mut session, root, &["content/remedies/note.txt"]).unwrap();

    // A template edit renders everything again.
    let card = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/partials/card.html");
    let card = std::fs::read_to_string(card).unwrap();
    site.write("templates/partials/card.html", &card.replace("card-title", "card-title x"));
    assert!(rebuild_matches_fresh(&mut session, root).unwrap() > 50);
}
