//! Stage 1, load: walks `content/` in sorted order and reads each article, and reads the
//! site's own template overrides. The only stage besides `write` that touches the disk.
//!
//! Takes the site root and its config; returns [`Loaded`] plus diagnostics for files that
//! cannot be articles (wrong place, not UTF-8, bad name, unreadable).

use crate::config::{SiteConfig, is_simple_name};
use crate::diag::{Diagnostic, LineIndex};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};
use walkdir::WalkDir;

/// The directory under the root that holds articles.
pub const CONTENT_DIR: &str = "content";
/// The directory under the root that holds template and asset overrides.
pub const TEMPLATES_DIR: &str = "templates";

/// One article file as read from disk.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, e.g. `content/symptoms/x.md`.
    pub path: PathBuf,
    /// Index of the article's kind in `SiteConfig::kinds`.
    pub kind: usize,
    /// The file name without `.md`.
    pub slug: String,
    /// The file's text, byte-order mark removed.
    pub text: String,
}

/// Everything `load` read.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Articles in sorted path order.
    pub sources: Vec<Source>,
    /// The site's own `templates/` files by name (`page.html`, `assets/style.css`).
    pub overrides: BTreeMap<String, Vec<u8>>,
    /// Files under `content/` that are not articles (images, PDFs), by path relative to the
    /// site root; published at the same place under the output root, minus `content/`.
    pub assets: BTreeMap<PathBuf, Vec<u8>>,
}

/// The length and modification time of each article file a load read, by path relative
/// to the root; see [`load_changed`].
pub type Seen = rustc_hash::FxHashMap<PathBuf, Stamp>;

/// A file's length and modification time.
pub type Stamp = (u64, std::time::SystemTime);

/// Reads every article under `root/content` and every file under `root/templates`.
pub fn load_site(root: &Path, config: &SiteConfig) -> (Loaded, Vec<Diagnostic>) {
    let changed = load_changed(root, config, None, SETTLE);
    (changed.loaded, changed.diags)
}

/// What [`load_changed`] found.
#[derive(Debug, Default)]
pub struct Changed {
    /// The files read.
    pub loaded: Loaded,
    /// Problems with them.
    pub diags: Vec<Diagnostic>,
    /// Article files not read because `seen` showed them unchanged.
    pub unchanged: rustc_hash::FxHashSet<PathBuf>,
    /// The stamps of the article files read (only when `seen` was given).
    pub stamps: Seen,
    /// Whether `loaded.assets` holds the content assets; [`load_hinted`] does not read
    /// them, the caller keeps the last ones.
    pub assets_read: bool,
}

/// Like [`load_changed`], but trusts `changed` (paths relative to the root, from a file
/// watcher) to name every article file that was written, created or removed since the
/// load that gave `seen`: it reads those and walks nothing else. Returns `None`, for a
/// full [`load_changed`], when a path is anything but an article file in a kind's
/// directory (an asset, a directory, a symbolic link), since only a walk can tell what
/// those affect.
pub fn load_hinted(
    root: &Path,
    config: &SiteConfig,
    seen: &Seen,
    changed: &[PathBuf],
) -> Option<Changed> {
    let mut out = Changed::default();
    let mut read = std::collections::BTreeMap::new();
    for rel in changed {
        let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
        let [top, dir, name] = parts.as_slice() else { return None };
        if name.starts_with('.') {
            // Editors' swap and backup files; a walk skips them too.
            continue;
        }
        let article =
            top == CONTENT_DIR && config.kind_by_dir(dir).is_some() && name.ends_with(".md");
        if !article {
            return None;
        }
        match std::fs::symlink_metadata(root.join(rel)) {
            Ok(meta) if meta.file_type().is_file() => {
                read.insert(rel.clone(), meta);
            }
            // Removed: it is simply not there any more.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            _ => return None,
        }
    }
    for (rel, meta) in &read {
        let path = root.join(rel);
        let limit = Some(config.max_article_bytes);
        // `serve` calls this only after its watcher saw no write to these files for a
        // while, and any later save rebuilds again; so it does not wait for them to age.
        let Some(bytes) = read_file(root, &path, limit, Duration::ZERO, &mut out.diags) else {
            continue;
        };
        if let Ok(time) = meta.modified() {
            out.stamps.insert(rel.clone(), (meta.len(), time));
        }
        if let Some(source) = to_source(config, rel.clone(), bytes, &mut out.diags) {
            out.loaded.sources.push(source);
        }
    }
    let touched: rustc_hash::FxHashSet<&PathBuf> = changed.iter().collect();
    #[allow(clippy::iter_over_hash_type, reason = "a set; its order is not used")]
    out.unchanged.extend(seen.keys().filter(|p| !touched.contains(p)).cloned());
    let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    load_templates(root, &root_canon, &mut out.loaded, &mut out.diags, Duration::ZERO);
    Some(out)
}

/// Like [`load_site`], but given `seen`, an article file whose length and modification
/// time are those `seen` records is not read: it is listed in `unchanged` instead of in
/// `sources`. `serve` re-reads only what an editor touched.
pub fn load_changed(
    root: &Path,
    config: &SiteConfig,
    seen: Option<&Seen>,
    settle: Duration,
) -> Changed {
    let mut out = Changed { assets_read: true, ..Changed::default() };
    let loaded = &mut out.loaded;
    let diags = &mut out.diags;
    let content = root.join(CONTENT_DIR);
    let root_canon = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if content.is_dir() {
        for (path, stamp) in walk_files(&content, root, &root_canon, diags, seen.is_some()) {
            let rel = rel_path(root, &path);
            let is_article = path.extension().is_some_and(|e| e == "md");
            if let (true, Some(stamp)) = (is_article, stamp) {
                if seen.and_then(|s| s.get(&rel)) == Some(&stamp) {
                    out.unchanged.insert(rel);
                    continue;
                }
                out.stamps.insert(rel.clone(), stamp);
            }
            let limit = is_article.then_some(config.max_article_bytes);
            let Some(bytes) = read_file(root, &path, limit, settle, diags) else { continue };
            if !is_article {
                loaded.assets.insert(rel, bytes);
                continue;
            }
            if let Some(source) = to_source(config, rel, bytes, diags) {
                loaded.sources.push(source);
            }
        }
    } else {
        diags.push(
            Diagnostic::warning(
                "no-content",
                CONTENT_DIR,
                (1, 1),
                "there is no content/ directory; the site has no articles",
            )
            .with_help("create content/<dir>/<slug>.md files, or run `kbgen new KIND SLUG`"),
        );
    }
    load_templates(root, &root_canon, loaded, diags, settle);
    out
}

/// Reads the site's own template and asset overrides under `templates/`.
fn load_templates(
    root: &Path,
    root_canon: &Path,
    loaded: &mut Loaded,
    diags: &mut Vec<Diagnostic>,
    settle: Duration,
) {
    let templates = root.join(TEMPLATES_DIR);
    if templates.is_dir() {
        for (path, _) in walk_files(&templates, root, root_canon, diags, false) {
            let Some(bytes) = read_file(root, &path, None, settle, diags) else { continue };
            let name = path
                .strip_prefix(&templates)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            loaded.overrides.insert(name, bytes);
        }
    }
}

/// Every regular file under `dir`, sorted, skipping hidden names; walk failures and links
/// that leave the site become diagnostics. With `stamp`, each file's length and
/// modification time are read too.
fn walk_files(
    dir: &Path,
    root: &Path,
    root_canon: &Path,
    diags: &mut Vec<Diagnostic>,
    stamp: bool,
) -> Vec<(PathBuf, Option<Stamp>)> {
    let mut files = Vec::new();
    // Hidden files are editor swap files, `.DS_Store` and the like, never articles.
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().map_or_else(|| dir.to_path_buf(), Path::to_path_buf);
                let what = if err.loop_ancestor().is_some() {
                    "a symbolic link loop"
                } else {
                    "unreadable"
                };
                diags.push(
                    Diagnostic::error(
                        "read-error",
                        rel_path(root, &path),
                        (1, 1),
                        format!("{what}: {err}"),
                    )
                    .with_help("fix or remove this path"),
                );
                continue;
            }
        };
        if entry.path_is_symlink() {
            let inside = entry.path().canonicalize().is_ok_and(|t| t.starts_with(root_canon));
            if !inside {
                diags.push(
                    Diagnostic::error(
                        "symlink-outside",
                        rel_path(root, entry.path()),
                        (1, 1),
                        "symbolic link points outside the site root",
                    )
                    .with_help("copy the file into the site instead of linking to it"),
                );
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let stamp = stamp
            .then(|| entry.metadata().ok())
            .flatten()
            .and_then(|m| Some((m.len(), m.modified().ok()?)));
        files.push((entry.path().to_path_buf(), stamp));
    }
    files
}

/// Reads one file found by [`walk_files`]; failure is a diagnostic. `limit` is given for
/// articles only: their size is capped, and an empty one gets a second look.
fn read_file(
    root: &Path,
    path: &Path,
    limit: Option<u64>,
    settle: Duration,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<u8>> {
    let rel = rel_path(root, path);
    let diag = match read_settled(path, limit, settle) {
        Ok(bytes) => return Some(bytes),
        Err(ReadError::TooLarge(limit)) => Diagnostic::error(
            "too-large",
            rel,
            (1, 1),
            format!("the file is larger than {} KiB, the most an article may be", limit / 1024),
        )
        .with_help("split it into several articles, or raise max_article_kib in site.yaml"),
        Err(ReadError::Unsettled) => Diagnostic::error(
            "read-error",
            rel,
            (1, 1),
            format!("the file kept changing for {} s while it was read", SETTLE_LIMIT.as_secs()),
        )
        .with_help("save the file again once nothing else is writing to it"),
        Err(ReadError::Io(err)) => {
            Diagnostic::error("read-error", rel, (1, 1), format!("cannot read the file: {err}"))
                .with_help("check the file's permissions")
        }
    };
    diags.push(diag);
    None
}

/// Why [`read_settled`] gave no bytes.
enum ReadError {
    /// The file holds more than this many bytes.
    TooLarge(u64),
    /// It was still being written after [`SETTLE_LIMIT`].
    Unsettled,
    /// The file system said no.
    Io(std::io::Error),
}

impl From<std::io::Error> for ReadError {
    fn from(err: std::io::Error) -> Self {
        Self::Io(err)
    }
}

/// How long a file must have gone unmodified before a build trusts its bytes to be one
/// whole save. Editors that save in place (truncate, then write) leave the file empty or
/// half written for a moment, longer when the machine is busy; a build that read it then
/// would publish a torn page.
pub const SETTLE: Duration = Duration::from_millis(100);

/// How long a build waits for an empty article file to be filled before reading it as
/// empty.
const EMPTY_PATIENCE: Duration = Duration::from_secs(1);

/// How long [`read_settled`] keeps trying before giving up on a file that never settles.
const SETTLE_LIMIT: Duration = Duration::from_secs(5);

/// Reads a file whole and unchanged: its length and modification time are the same before
/// and after the read, and it was last modified at least `settle` ago; otherwise it waits
/// and reads again. A file replaced by rename (how most editors save) is read through the
/// open handle, so it is one version or the other either way. With a `limit` (articles),
/// a file holding more is refused (never more than that is read, even from a growing
/// file), and an empty one is looked at again for up to [`EMPTY_PATIENCE`].
///
/// This narrows, but cannot close, the window of an in-place save: a writer that stalls
/// longer than `settle` between truncating and finishing, or a file system that keeps
/// times only to the second, can still be read half written.
fn read_settled(path: &Path, limit: Option<u64>, settle: Duration) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let start = Instant::now();
    loop {
        let file = std::fs::File::open(path)?;
        let before = file.metadata()?;
        let cap = limit.unwrap_or(u64::MAX);
        if before.len() > cap {
            return Err(ReadError::TooLarge(cap));
        }
        let mut bytes = Vec::with_capacity(usize::try_from(before.len()).unwrap_or(0));
        (&file).take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > cap {
            return Err(ReadError::TooLarge(cap));
        }
        let after = file.metadata()?;
        let same = before.len() == after.len()
            && bytes.len() as u64 == after.len()
            && before.modified().ok() == after.modified().ok();
        // A modification time in the future (a skewed clock, an unpacked archive) says
        // nothing about when the file was written; only a recent past one means "wait".
        let age = after.modified().ok().and_then(|m| SystemTime::now().duration_since(m).ok());
        let recent = age.is_some_and(|age| age < settle);
        // Truncating a file sets its time first and then waits for any write-back of its
        // old pages, so an in-place save can sit empty, with an old time, for a long
        // moment on a busy disk. No article is empty; give such a file a second look.
        let emptied = bytes.is_empty()
            && limit.is_some()
            && !settle.is_zero()
            && start.elapsed() < EMPTY_PATIENCE;
        if same && !recent && !emptied {
            return Ok(bytes);
        }
        if start.elapsed() > SETTLE_LIMIT {
            return Err(ReadError::Unsettled);
        }
        let pause = if same && !emptied {
            settle.saturating_sub(age.unwrap_or_default())
        } else {
            settle / 4
        };
        std::thread::sleep(pause.max(Duration::from_millis(1)));
    }
}

/// Turns one `.md` file into a [`Source`], or reports why it cannot be an article.
fn to_source(
    config: &SiteConfig,
    rel: PathBuf,
    bytes: Vec<u8>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Source> {
    let mut parts = rel.components().skip(1); // skip "content"
    let first = parts.next().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let kind = match (first, parts.next()) {
        (Some(dir), Some(_)) => config.kinds.iter().position(|k| k.dir == dir),
        _ => None,
    };
    let Some(kind) = kind else {
        let dirs: Vec<_> = config.kinds.iter().map(|k| format!("content/{}/", k.dir)).collect();
        diags.push(
            Diagnostic::error(
                "outside-kind-dir",
                &rel,
                (1, 1),
                "this article is not in any kind's directory",
            )
            .with_help(format!(
                "move it into one of {} (see `kinds` in site.yaml)",
                dirs.join(", ")
            )),
        );
        return None;
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&err.as_bytes()[..valid]).into_owned();
            let pos = LineIndex::new(&prefix).position(&prefix, valid);
            diags.push(
                Diagnostic::error("not-utf8", &rel, pos, "the file is not valid UTF-8").with_help(
                    "save the file as UTF-8 (GBK and other encodings are not supported)",
                ),
            );
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
    // One slug however the file system spells its name: macOS and some archives store
    // names decomposed (NFD), so "zhōng" may arrive as "zho\u{304}ng". Pages live at the
    // composed (NFC) spelling, and two files that differ only in it are one slug.
    let slug = rel.file_stem().map(|s| nfc(&s.to_string_lossy()).into_owned()).unwrap_or_default();
    if !is_simple_name(&slug) || slug.contains("..") {
        diags.push(
            Diagnostic::error("invalid-slug", &rel, (1, 1), format!("'{slug}' cannot be a slug"))
                .with_help(
                    "name the file with letters, digits, '-' or '_', e.g. terminal-suspended.md",
                ),
        );
        return None;
    }
    Some(Source { path: rel, kind, slug, text })
}

/// `text` in Unicode normalization form C (composed); borrowed when it already is, which
/// is nearly always.
pub(crate) fn nfc(text: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization as _;
    if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
    {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.nfc().collect())
    }
}

/// `path` with every component in NFC, the key articles are found by: a link spelled
/// composed finds a file whose name is stored decomposed, and the other way round.
pub(crate) fn nfc_path(path: &Path) -> PathBuf {
    path.components().map(|c| nfc(&c.as_os_str().to_string_lossy()).into_owned()).collect()
}

/// `path` relative to `root`, for messages.
pub(crate) fn rel_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

/// Joins a relative link onto the directory of `from`, resolving `.` and `..` lexically;
/// `None` if it climbs above the root.
pub(crate) fn join_relative(from: &Path, link: &str) -> Option<PathBuf> {
    let mut out: Vec<String> =
        from.parent()?.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    for comp in Path::new(link).components() {
        match comp {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop()?;
            }
            Component::Normal(s) => out.push(s.to_string_lossy().into_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_join_lexically() {
        let from = Path::new("content/symptoms/a.md");
        assert_eq!(
            join_relative(from, "../causes/b.md"),
            Some(PathBuf::from("content/causes/b.md"))
        );
        assert_eq!(join_relative(from, "./c.md"), Some(PathBuf::from("content/symptoms/c.md")));
        assert_eq!(join_relative(from, "../../../x.md"), None);
    }
}
