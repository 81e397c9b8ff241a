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

/// Writes `outputs` to `output` atomically: all of them or none.
///
/// # Errors
/// An unsafe output directory, or the first I/O failure, naming its path; the old output is
/// then untouched.
pub fn write_site(output: &Path, outputs: &Outputs) -> Result<usize, Error> {
    let Some(parent) = output.parent() else {
        return Err(Error::Usage(format!("{} has no parent directory", output.display())));
    };
    std::fs::create_dir_all(parent).map_err(Error::write(parent))?;
    swap::remove_stale_staging(output);
    let staging = swap::staging_path(output);
    std::fs::create_dir(&staging).map_err(Error::write(&staging))?;
    let result = fill(&staging, outputs).and_then(|()| swap::swap_into_place(&staging, output));
    if result.is_err() {
        // Our own half-written staging tree: everything in it is listed in its manifest.
        manifest::remove_listed(&staging);
    }
    result?;
    Ok(outputs.len())
}

/// Writes the manifest first, so even a crashed staging directory proves what it holds,
/// then every file, in parallel.
fn fill(staging: &Path, outputs: &Outputs) -> Result<(), Error> {
    manifest::write(staging, outputs.keys())?;
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
