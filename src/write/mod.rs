//! Stage 6, write: the only code that writes the output. Checks that the output directory is
//! safe to replace, writes everything into a fresh sibling directory, then swaps it into
//! place and removes the old tree, deleting only files its manifest proves kbgen wrote.
//!
//! Takes the rendered outputs; returns the number of files written or an I/O error that
//! names its path. A failure at any point leaves the previous output as it was.

mod manifest;
mod safety;
mod swap;

pub use manifest::MANIFEST;
pub use safety::check_output_dir;

use crate::error::Error;
use crate::render::Outputs;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// Writes `outputs`, and the files `late` computes meanwhile on another thread, to
/// `output` atomically: all of them or none. Returns how many files were written.
///
/// # Errors
/// An unsafe output directory, or the first I/O failure, naming its path; the old output is
/// then untouched.
pub fn write_site(
    output: &Path,
    outputs: &Outputs,
    late: impl FnOnce() -> Outputs + Send,
) -> Result<usize, Error> {
    let Some(parent) = output.parent() else {
        return Err(Error::Usage(format!("{} has no parent directory", output.display())));
    };
    std::fs::create_dir_all(parent).map_err(Error::write(parent))?;
    swap::remove_stale_staging(output);
    let staging = swap::staging_path(output);
    std::fs::create_dir(&staging).map_err(Error::write(&staging))?;
    let result = std::thread::scope(|scope| {
        let late = scope.spawn(late);
        let first = fill(&staging, outputs.keys(), outputs);
        let late = late.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        first?;
        // Listing everything before writing the late files keeps the manifest a superset
        // of what the staging directory holds at every moment.
        fill(&staging, outputs.keys().chain(late.keys()), &late)?;
        Ok(outputs.len() + late.len())
    });
    let result = result.and_then(|n| swap::swap_into_place(&staging, output).map(|()| n));
    if result.is_err() {
        // Our own half-written staging tree: everything in it is listed in its manifest.
        manifest::remove_listed(&staging);
    }
    result
}

/// Writes the manifest listing `listed` first, so even a crashed staging directory proves
/// what it holds, then the files of `outputs`, in parallel.
fn fill<'a>(
    staging: &Path,
    listed: impl Iterator<Item = &'a String>,
    outputs: &Outputs,
) -> Result<(), Error> {
    manifest::write(staging, listed)?;
    let dirs: BTreeSet<&Path> = outputs
        .keys()
        .filter_map(|p| Path::new(p).parent())
        .filter(|p| !p.as_os_str().is_empty())
        .collect();
    for dir in dirs {
        let path = staging.join(dir);
        std::fs::create_dir_all(&path).map_err(Error::write(&path))?;
    }
    outputs.par_iter().try_for_each(|(rel, bytes)| {
        let path = staging.join(rel);
        std::fs::write(&path, bytes).map_err(Error::write(&path))
    })
}
