//! Refuses output directories kbgen must not replace: the site root or an ancestor of it,
//! anything inside `content/` or `templates/`, and any directory holding files kbgen did not
//! write.

use super::manifest;
use crate::error::Error;
use crate::load::{CONTENT_DIR, TEMPLATES_DIR};
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Returns the absolute output path if it is safe to replace.
///
/// # Errors
/// [`Error::UnsafeOutput`] saying why and what to do; [`Error::Read`] if it cannot be inspected.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf, Error> {
    let root = root.canonicalize().map_err(Error::read(root))?;
    let output = absolute(output)?;
    let refuse = |reason: String| Err(Error::UnsafeOutput { path: output.clone(), reason });
    if output == root {
        return refuse("it is the site root; choose a directory inside it such as public/".into());
    }
    if root.starts_with(&output) {
        return refuse(
            "it contains the site root; choose a directory inside the site such as public/".into(),
        );
    }
    for dir in [CONTENT_DIR, TEMPLATES_DIR] {
        if output.starts_with(root.join(dir)) {
            return refuse(format!(
                "it is inside {dir}/, which holds the site's sources; choose a directory outside it such as public/"
            ));
        }
    }
    if output.exists() {
        if !output.is_dir() {
            return refuse("it is a file, not a directory".into());
        }
        let foreign = foreign_files(&output)?;
        if !foreign.is_empty() {
            let shown: Vec<_> = foreign.iter().take(5).map(String::as_str).collect();
            let more = if foreign.len() > 5 {
                format!(" and {} more", foreign.len() - 5)
            } else {
                String::new()
            };
            return refuse(format!(
                "it holds files kbgen did not write ({}{more}); move them elsewhere or choose another --output",
                shown.join(", ")
            ));
        }
    }
    Ok(output)
}

/// Files under `dir` that its manifest does not list (all of them if it has none).
fn foreign_files(dir: &Path) -> Result<Vec<String>, Error> {
    let listed = manifest::read(dir).unwrap_or_default();
    let mut foreign = Vec::new();
    for entry in WalkDir::new(dir).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::Read {
            path: e.path().unwrap_or(dir).to_path_buf(),
            source: e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")),
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel =
            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if rel != manifest::MANIFEST && !listed.contains(&rel) {
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

/// `path` made absolute without requiring it to exist: its nearest existing ancestor is
/// canonicalised and the rest appended.
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let path = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map_err(Error::read("."))?.join(path)
    };
    let mut existing = path.as_path();
    let mut tail = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(name)) => {
                tail.push(name.to_owned());
                existing = p;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().map_err(Error::read(existing))?;
    for name in tail.into_iter().rev() {
        if name == ".." {
            out.pop();
        } else if name != "." {
            out.push(name);
        }
    }
    Ok(out)
}
