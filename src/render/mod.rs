//! Stage 4, render: every page, list, tag page, 404, feed, sitemap and robots.txt, in
//! parallel, each handed to a [`Sink`] as soon as it is done.
//!
//! Takes the `&Site` and the theme; [`plan`] names every file first, [`render_site`] then
//! renders them into the sink and returns the diagnostics of every page that failed.
//! Nothing keeps the whole site in memory unless the sink does (`serve` does).

mod context;
mod feeds;
mod pages;
mod signature;
mod templates;

pub use feeds::{CONTENT_SECURITY_POLICY, SECURITY_HEADERS};
pub(crate) use pages::script_safe_json;
pub use signature::{Digest, digest, global_digest};
pub use templates::compile_theme;

use crate::diag::Diagnostic;
use crate::error::Error;
use crate::resolve::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Rendered files: path relative to the output root → bytes, in sorted order.
pub type Outputs = BTreeMap<String, Vec<u8>>;

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Links name `index.html`.
    pub portable: bool,
}

/// Where finished files go: a staging directory for `build`, memory for `serve`, nowhere
/// for `check`. Every path is announced with [`Sink::plan`] before it is emitted, so a
/// sink on disk can record what it is about to write before writing it.
pub trait Sink: Sync {
    /// Announces files that will be emitted.
    ///
    /// # Errors
    /// An I/O failure, naming its path.
    fn plan(&self, paths: &[String]) -> Result<(), Error>;

    /// Takes one finished file.
    ///
    /// # Errors
    /// An I/O failure, naming its path.
    fn emit(&self, path: &str, bytes: Vec<u8>) -> Result<(), Error>;
}

/// Keeps every file in memory.
#[derive(Debug, Default)]
pub struct Memory {
    files: Mutex<Outputs>,
    planned: Mutex<Vec<String>>,
}

impl Memory {
    /// The files emitted so far.
    pub fn into_outputs(self) -> Outputs {
        self.into_parts().0
    }

    /// The files emitted so far, and every path planned (emitted or not).
    pub fn into_parts(self) -> (Outputs, Vec<String>) {
        let Self { files, planned } = self;
        (
            files.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner),
            planned.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

impl Sink for Memory {
    fn plan(&self, paths: &[String]) -> Result<(), Error> {
        self.planned
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(paths);
        Ok(())
    }

    fn emit(&self, path: &str, bytes: Vec<u8>) -> Result<(), Error> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(path.to_owned(), bytes);
        Ok(())
    }
}

/// Drops every file: rendering is only checked.
#[derive(Debug, Default, Clone, Copy)]
pub struct Discard;

impl Sink for Discard {
    fn plan(&self, _: &[String]) -> Result<(), Error> {
        Ok(())
    }

    fn emit(&self, _: &str, _: Vec<u8>) -> Result<(), Error> {
        Ok(())
    }
}

/// Every file the render stage will produce, by output path, before any is rendered.
pub struct Plan<'a> {
    jobs: Vec<pages::Job<'a>>,
    /// The output path of each page job, in job order.
    pub job_paths: Vec<String>,
    /// Every output path (pages, feeds, theme assets), sorted.
    pub paths: Vec<String>,
}

impl Plan<'_> {
    /// Each page's input signature, in job order: a hash of everything the page shows.
    pub fn signatures(&self, site: &Site, digests: &[Digest], global: u64) -> Vec<u64> {
        signature::signatures(site, &self.jobs, digests, global)
    }

    /// Keeps only the page jobs whose flag in `keep` (in job order) is set; feeds and
    /// assets are always rendered.
    pub fn retain_pages(&mut self, keep: &[bool]) {
        let mut flags = keep.iter();
        self.jobs.retain(|_| flags.next().copied().unwrap_or(true));
        let mut flags = keep.iter();
        self.job_paths.retain(|_| flags.next().copied().unwrap_or(true));
    }
}

/// Lists the files `site` renders to.
pub fn plan<'a>(site: &'a Site, theme: &crate::assets::Theme) -> Plan<'a> {
    let jobs = pages::jobs(site);
    let job_paths: Vec<String> = jobs.iter().map(|j| pages::output_path(site, j)).collect();
    let mut paths = job_paths.clone();
    paths.extend(feeds::names(site).iter().map(|n| (*n).to_owned()));
    paths.extend(theme_assets(site, theme).map(|(n, _)| n.clone()));
    paths.sort_unstable();
    Plan { jobs, job_paths, paths }
}

/// Renders the whole plan into `sink`. All page failures are collected, not just the first.
///
/// # Errors
/// The sink's first I/O failure.
pub fn render_site(
    plan: Plan<'_>,
    site: &Site,
    theme: &crate::assets::Theme,
    tera: &tera::Tera,
    options: RenderOptions,
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<Diagnostic>, Error> {
    for (name, bytes) in feeds::render_feeds(site) {
        sink.emit(&name, bytes)?;
    }
    for (name, bytes) in theme_assets(site, theme) {
        sink.emit(name, bytes.clone())?;
    }
    let results: Vec<Option<Diagnostic>> = plan
        .jobs
        .par_iter()
        .map(|job| {
            let done = match pages::render_job(site, theme, tera, options, job) {
                Ok((path, bytes)) => sink.emit(&path, bytes).map(|()| None),
                Err(d) => Ok(Some(d)),
            };
            tick();
            done
        })
        .collect::<Result<_, Error>>()?;
    Ok(results.into_iter().flatten().collect())
}

/// The theme's assets the site publishes: the search script only with a search index.
fn theme_assets<'t>(
    site: &Site,
    theme: &'t crate::assets::Theme,
) -> impl Iterator<Item = (&'t String, &'t Vec<u8>)> {
    let search = site.config.search;
    theme.assets.iter().filter(move |(name, _)| search || *name != "assets/search.js")
}
