//! Environment failures: I/O, bad options, unsafe output directories. Content problems are
//! [`crate::diag::Diagnostic`]s instead.

use std::path::PathBuf;

/// An error that stops kbgen before or after the content stages; each names its path.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// What was being read.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// A file or directory could not be written, renamed or removed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// What was being written.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
    /// The root holds no `site.yaml`.
    #[error("no site.yaml in {}: run kbgen in a site directory, pass --root DIR, or create a site with `kbgen init DIR`", .0.display())]
    NoSite(PathBuf),
    /// The output directory is one kbgen must not write into.
    #[error("refusing to write to {}: {reason}", path.display())]
    UnsafeOutput {
        /// The output directory asked for.
        path: PathBuf,
        /// Why it is refused and what to do.
        reason: String,
    },
    /// A command-line value is wrong.
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error from reading `path`.
    pub(crate) fn read(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Read { path, source }
    }

    /// Wraps an I/O error from writing `path`.
    pub(crate) fn write(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Write { path, source }
    }
}
