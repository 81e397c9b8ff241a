//! The CLI test suite: runs the real `kbgen` binary against fixture sites copied into
//! temporary directories. One module per feature.

mod browser;
mod build;
mod check;
mod crash;
mod errors;
mod escaping;
mod hostile;
mod incremental;
mod links;
mod properties;
mod safety;
mod scaffold;
mod search;
mod serve;
mod shipped;
mod visitors;

#[path = "../support/mod.rs"]
mod support;
pub(crate) use support::{Served, backdate, copy_dir, copy_shipped, next_reload};

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The fixtures directory of this crate.
pub(crate) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture copied into a fresh temp dir; the site root is `dir.path()`.
pub(crate) struct Site {
    pub(crate) dir: tempfile::TempDir,
}

impl Site {
    /// Copies the repository's own site (site.yaml and content/) into a temp dir.
    pub(crate) fn shipped() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_shipped(dir.path());
        Self { dir }
    }

    /// Copies `tests/fixtures/<name>` into a temp dir.
    pub(crate) fn fixture(name: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixtures().join(name), dir.path());
        Self { dir }
    }

    pub(crate) fn root(&self) -> &Path {
        self.dir.path()
    }

    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `kbgen ARGS --root ROOT` (the root flag goes after the subcommand).
    pub(crate) fn kbgen(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kbgen"));
        cmd.args(args).arg("--root").arg(self.root()).env_remove("RUST_LOG");
        cmd
    }

    /// Builds into ROOT/public and asserts success.
    pub(crate) fn build(&self, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.kbgen(&args).assert().success();
        read_tree(&self.path("public"))
    }

    pub(crate) fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub(crate) fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// Build options for the site at `root`, output to `root/public`, search on.
pub(crate) fn options(root: &Path) -> kbgen::options::BuildOptions {
    kbgen::options::BuildOptions {
        root: root.to_path_buf(),
        output: root.join("public"),
        base_url: None,
        drafts: false,
        portable: false,
        search: true,
    }
}

/// Every file under `dir` (relative path with `/` → bytes).
pub(crate) fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// Runs a command and returns "exit: N\n--- stdout\n...\n--- stderr\n..." with the temp
/// root and timings redacted, for snapshots.
pub(crate) fn transcript(cmd: &mut Command, root: &Path) -> String {
    let out = cmd.output().unwrap();
    let clean = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).replace(&root.display().to_string(), "[ROOT]");
        s.lines()
            .map(|l| match l.find(" in ") {
                Some(i) if l.starts_with("built ") || l.starts_with("checked ") => {
                    format!("{} in [TIME]", &l[..i])
                }
                _ => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "exit: {}\n--- stdout\n{}\n--- stderr\n{}\n",
        out.status.code().unwrap_or(-1),
        clean(&out.stdout),
        clean(&out.stderr)
    )
}

/// The `<main>` element of a page, for snapshots that ignore the page chrome.
pub(crate) fn main_region(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page has </main>") + "</main>".len();
    &html[start..end]
}

/// All values of `attr="..."` in `html`.
pub(crate) fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        let end = rest.find('"').unwrap();
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    out
}
