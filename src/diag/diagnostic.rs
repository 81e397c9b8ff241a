//! The `Diagnostic` value every stage reports content problems with.

use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors fail the build, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails and writes nothing.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

/// One content problem: what is wrong, where, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable, kebab-case code such as `unknown-slug`.
    pub code: &'static str,
    /// The file, relative to the site root.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
    /// What is wrong, starting lower-case.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `path:line:col`.
    pub fn error(
        code: &'static str,
        path: impl AsRef<Path>,
        (line, col): (usize, usize),
        message: impl Into<String>,
    ) -> Self {
        Self {
            severity: Severity::Error,
            code,
            path: path.as_ref().to_path_buf(),
            line,
            col,
            message: message.into(),
            help: None,
        }
    }

    /// A warning at `path:line:col`.
    pub fn warning(
        code: &'static str,
        path: impl AsRef<Path>,
        pos: (usize, usize),
        message: impl Into<String>,
    ) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, path, pos, message) }
    }

    /// Adds the line that says how to fix the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Sorts diagnostics by file, position and code so reports do not depend on thread timing.
pub fn sort_diagnostics(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.path, a.line, a.col, a.code, &a.message)
            .cmp(&(&b.path, b.line, b.col, b.code, &b.message))
    });
}
