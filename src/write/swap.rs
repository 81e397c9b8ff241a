//! Puts a complete staging directory in place of the output directory. On Linux the two are
//! exchanged in one atomic rename, so a reader or a crash sees the old tree or the new one.

use super::manifest;
use crate::error::Error;
use std::path::{Path, PathBuf};

const STAGING_TAG: &str = ".kbgen-staging-";

/// A fresh sibling path for the next build of `output`.
pub(super) fn staging_path(output: &Path) -> PathBuf {
    let name =
        output.file_name().map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    let mut n = 0u32;
    loop {
        let candidate =
            output.with_file_name(format!(".{name}{STAGING_TAG}{}-{n}", std::process::id()));
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// Removes staging directories that an interrupted earlier build of `output` left behind,
/// deleting only what their manifests list. A staging directory whose build process is
/// still running belongs to a concurrent build and is left alone.
pub(super) fn remove_stale_staging(output: &Path) {
    let (Some(parent), Some(name)) = (output.parent(), output.file_name()) else { return };
    let prefix = format!(".{}{STAGING_TAG}", name.to_string_lossy());
    // Best effort: leftovers we cannot list are harmless, the next build tries again.
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else { continue };
        let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| !process_alive(pid)) {
            manifest::remove_listed(&entry.path());
        }
    }
}

/// Whether process `pid` is running. Where that cannot be known, assume it is, so that
/// nothing another build is writing gets removed.
fn process_alive(pid: u32) -> bool {
    let proc_dir = Path::new("/proc");
    !proc_dir.is_dir() || proc_dir.join(pid.to_string()).exists()
}

/// Moves `staging` to `output`; the previous output, if any, is removed afterwards.
pub(super) fn swap_into_place(staging: &Path, output: &Path) -> Result<(), Error> {
    if !output.exists() {
        return std::fs::rename(staging, output).map_err(Error::write(output));
    }
    if exchange(staging, output).is_ok() {
        // `staging` now holds the previous output.
        manifest::remove_listed(staging);
        return Ok(());
    }
    // No atomic exchange on this file system: two renames, with the old tree set aside
    // first so that a failure can put it back.
    let old = staging.with_file_name(format!(
        "{}-old",
        staging.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    ));
    std::fs::rename(output, &old).map_err(Error::write(output))?;
    if let Err(e) = std::fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output);
        return Err(Error::Write { path: output.to_path_buf(), source: e });
    }
    manifest::remove_listed(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
