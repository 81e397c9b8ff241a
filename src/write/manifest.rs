//! The manifest: a file in every output directory listing every file kbgen wrote there.
//! It marks the directory as kbgen's and bounds what kbgen may ever delete in it.

use crate::error::Error;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs::File;
use std::io::Write as _;
use std::path::Path;

/// The manifest's file name inside the output directory.
pub const MANIFEST: &str = ".kbgen-manifest";
const HEADER: &str = "# kbgen output manifest v1: files kbgen wrote here; kbgen deletes only these";

/// Starts the manifest of a new staging directory `dir`.
pub(super) fn create(dir: &Path) -> Result<File, Error> {
    let path = dir.join(MANIFEST);
    let mut file = File::create_new(&path).map_err(Error::write(&path))?;
    writeln!(file, "{HEADER}").map_err(Error::write(&path))?;
    Ok(file)
}

/// Adds `files` to the manifest of `dir`. A crash mid-append can only leave a file
/// unlisted (so never deleted), never list one kbgen did not write.
pub(super) fn append(file: &mut File, dir: &Path, files: &[String]) -> Result<(), Error> {
    let mut text = String::with_capacity(files.iter().map(|f| f.len() + 1).sum());
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    file.write_all(text.as_bytes()).map_err(Error::write(dir.join(MANIFEST)))
}

/// The files a directory's manifest lists, or `None` if it has no kbgen manifest.
pub(crate) fn read(dir: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return None;
    }
    // A listed path must stay inside the directory; anything else is not ours to touch.
    Some(
        lines
            .filter(|l| !l.is_empty() && !l.split('/').any(|c| c == ".." || c.is_empty()))
            .map(str::to_owned)
            .collect(),
    )
}

/// Deletes the files `dir`'s manifest lists, then the manifest, then directories left empty.
/// Files it does not list stay, and so do the directories holding them.
pub(super) fn remove_listed(dir: &Path) {
    let Some(files) = read(dir) else {
        // A build killed between creating its staging manifest and writing the manifest's
        // first line leaves that empty file alone in the directory: it is ours.
        let manifest = dir.join(MANIFEST);
        let only_empty_manifest = std::fs::metadata(&manifest).is_ok_and(|m| m.len() == 0)
            && std::fs::read_dir(dir).is_ok_and(|entries| entries.count() == 1);
        if only_empty_manifest {
            let _ = std::fs::remove_file(&manifest);
        }
        // An output directory that was empty when kbgen first wrote to it has no manifest;
        // remove_dir removes it only if it is still empty.
        let _ = std::fs::remove_dir(dir);
        return;
    };
    // Best effort: a file already gone is what we wanted. Unlinking is mostly file-system
    // work, which runs in parallel on most file systems.
    files.par_iter().for_each(|f| {
        let _ = std::fs::remove_file(dir.join(f));
    });
    let mut parents = BTreeSet::new();
    for f in &files {
        let mut p = Path::new(f).parent();
        while let Some(d) = p.filter(|d| !d.as_os_str().is_empty()) {
            parents.insert(d.to_path_buf());
            p = d.parent();
        }
    }
    // Deepest first, so children go before their parents; remove_dir refuses non-empty dirs.
    let mut parents: Vec<_> = parents.into_iter().collect();
    parents.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    for d in parents {
        let _ = std::fs::remove_dir(dir.join(d));
    }
    // The manifest goes last: a cleanup killed half-way leaves it, and the next one
    // finishes the job.
    let _ = std::fs::remove_file(dir.join(MANIFEST));
    let _ = std::fs::remove_dir(dir);
}
