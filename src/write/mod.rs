//! Stage 6, write: the only code that writes the output. Checks that the output directory is
//! safe to replace, writes everything into a fresh sibling directory as it is rendered, then
//! swaps it into place and removes the old tree, deleting only files its manifest proves
//! kbgen wrote.
//!
//! A file whose bytes equal the old output's copy is not rewritten: the old file is
//! hard-linked into the new tree, so it keeps its modification time and a sync tool
//! uploads only what changed. A failure at any point leaves the previous output as it was.

mod manifest;
mod safety;
mod swap;

pub use manifest::MANIFEST;
pub use safety::check_output_dir;

use crate::error::Error;
use crate::render::Sink;
use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Held while a build writes an output directory: a second build of the same output waits
/// until the first has swapped its tree in, so two builds never interleave. The lock is an
/// OS file lock on `.<output name>.kbgen-lock` beside the output (released by the OS even
/// if the build is killed); the file itself stays.
#[derive(Debug)]
pub struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    /// The lock file of `output`.
    pub fn path(output: &Path) -> PathBuf {
        let name = output
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        output.with_file_name(format!(".{name}.kbgen-lock"))
    }

    /// Takes the lock of `output`, calling `waiting` first if another build holds it.
    ///
    /// # Errors
    /// The lock file cannot be created or locked.
    pub fn acquire(output: &Path, waiting: impl FnOnce(&Path)) -> Result<Self, Error> {
        let path = Self::path(output);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(Error::write(parent))?;
        }
        let file = std::fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(Error::write(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                waiting(&path);
                file.lock().map_err(Error::write(&path))?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::write(&path)(e)),
        }
        Ok(Self { _file: file })
    }
}

/// What a finished build wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    /// Files in the new output.
    pub files: usize,
    /// Of those, files kept from the previous output because their bytes did not change.
    pub unchanged: usize,
}

/// A new output tree being written beside the old one; [`Staging::commit`] swaps it in.
/// Dropped without committing, it removes itself.
#[derive(Debug)]
pub struct Staging {
    output: PathBuf,
    dir: PathBuf,
    /// Files the current output's manifest lists: the only ones that may be reused.
    old: BTreeSet<String>,
    manifest: Mutex<File>,
    made_dirs: Mutex<BTreeSet<PathBuf>>,
    files: AtomicUsize,
    unchanged: AtomicUsize,
    committed: bool,
}

impl Staging {
    /// Creates an empty staging directory beside `output` (which [`check_output_dir`] has
    /// approved), after removing what interrupted builds left behind.
    ///
    /// # Errors
    /// The directory cannot be created.
    pub fn create(output: &Path) -> Result<Self, Error> {
        let Some(parent) = output.parent() else {
            return Err(Error::Usage(format!("{} has no parent directory", output.display())));
        };
        std::fs::create_dir_all(parent).map_err(Error::write(parent))?;
        swap::remove_stale_staging(output);
        let dir = swap::staging_path(output);
        std::fs::create_dir(&dir).map_err(Error::write(&dir))?;
        let manifest = match manifest::create(&dir) {
            Ok(file) => file,
            Err(e) => {
                let _ = std::fs::remove_dir(&dir);
                return Err(e);
            }
        };
        Ok(Self {
            output: output.to_path_buf(),
            old: manifest::read(output).unwrap_or_default(),
            dir,
            manifest: Mutex::new(manifest),
            made_dirs: Mutex::new(BTreeSet::new()),
            files: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            committed: false,
        })
    }

    /// Puts the staging tree in place of the output and removes the old tree.
    ///
    /// # Errors
    /// The swap failed; the old output is then untouched and the staging tree removed.
    pub fn commit(mut self) -> Result<WriteStats, Error> {
        self.committed = true;
        let stats = WriteStats {
            files: self.files.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        };
        match swap::swap_into_place(&self.dir, &self.output) {
            Ok(()) => Ok(stats),
            Err(e) => {
                manifest::remove_listed(&self.dir);
                Err(e)
            }
        }
    }

    /// The error for an output path that would leave the staging directory.
    fn outside(&self, rel: &str) -> Error {
        Error::UnsafeOutput {
            path: self.dir.join(rel),
            reason: "an output path must stay inside the output directory; this is a kbgen bug, please report it".into(),
        }
    }

    /// Whether the old output holds `rel` with exactly `bytes`; reading it is far cheaper
    /// than writing, and only same-sized files are read.
    fn unchanged(&self, rel: &str, bytes: &[u8]) -> Option<PathBuf> {
        if !self.old.contains(rel) {
            return None;
        }
        let old = self.output.join(rel);
        let meta = std::fs::symlink_metadata(&old).ok()?;
        if !meta.is_file() || meta.len() != bytes.len() as u64 {
            return None;
        }
        (std::fs::read(&old).ok()? == bytes).then_some(old)
    }
}

impl Sink for Staging {
    /// Lists `paths` in the staging manifest before any of them exists, so even a crashed
    /// build's staging directory proves what it holds; then makes their directories.
    fn plan(&self, paths: &[String]) -> Result<(), Error> {
        // Slugs, tags and kind directories are validated long before this; the check here
        // is the last line, so that no bug upstream can write beside the output.
        if let Some(bad) = paths.iter().find(|p| !stays_inside(p)) {
            return Err(self.outside(bad));
        }
        manifest::append(
            &mut self.manifest.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
            &self.dir,
            paths,
        )?;
        let mut made = self.made_dirs.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let parents: BTreeSet<&Path> = paths
            .iter()
            .filter_map(|p| Path::new(p).parent())
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        for dir in parents {
            if !made.contains(dir) {
                let path = self.dir.join(dir);
                std::fs::create_dir_all(&path).map_err(Error::write(&path))?;
                made.insert(dir.to_path_buf());
            }
        }
        Ok(())
    }

    fn emit(&self, rel: &str, bytes: Vec<u8>) -> Result<(), Error> {
        if !stays_inside(rel) {
            return Err(self.outside(rel));
        }
        let path = self.dir.join(rel);
        self.files.fetch_add(1, Ordering::Relaxed);
        if let Some(old) = self.unchanged(rel, &bytes) {
            // A file system without hard links just gets a fresh copy.
            if std::fs::hard_link(&old, &path).is_ok() {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        std::fs::write(&path, bytes).map_err(Error::write(&path))
    }
}

/// Whether `rel` names a file strictly inside the directory it is joined to: relative,
/// made of plain names only (no `..`, no root, no drive).
fn stays_inside(rel: &str) -> bool {
    let path = Path::new(rel);
    !rel.is_empty() && path.components().all(|c| matches!(c, std::path::Component::Normal(_)))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Our own half-written staging tree: everything in it is listed in its manifest.
            manifest::remove_listed(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::stays_inside;

    #[test]
    fn output_paths_never_leave_the_output() {
        assert!(stays_inside("symptoms/终端停用/index.html"));
        assert!(stays_inside("a..b/index.html"));
        for bad in ["", "..", "../x", "a/../../x", "/etc/passwd", "./x"] {
            assert!(!stays_inside(bad), "{bad}");
        }
    }
}
