//! kbgen: a static site generator for troubleshooting knowledge bases.
//!
//! The pipeline is load → parse → resolve → render → index → write; each stage is a module that takes
//! the previous stage's plain data and returns new data plus diagnostics. [`check_site`]
//! runs every stage but `write`; [`build_site`] runs them all.

pub mod assets;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod error;
pub mod index;
pub mod load;
pub mod options;
pub mod parse;
pub mod render;
pub mod resolve;
mod urls;
pub mod write;

use config::{CONFIG_FILE, SiteConfig};
use diag::Diagnostic;
use error::Error;
use options::BuildOptions;
use render::{Outputs, RenderOptions};
use resolve::Site;
use std::path::Path;

/// What the content stages produced: the site and its outputs if every stage passed, and
/// all diagnostics either way.
#[derive(Debug)]
pub struct Pipeline {
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The resolved site, if parsing got that far.
    pub site: Option<Site>,
    /// The rendered files, only if there were no errors.
    pub outputs: Option<Outputs>,
    /// Wall time of each stage that ran, in order (`--timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Pipeline {
    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads `site.yaml` from `root`.
///
/// # Errors
/// [`Error::NoSite`] if it is missing, [`Error::Read`] if unreadable; its content problems
/// come back as diagnostics in the inner `Err`.
pub fn read_config(root: &Path) -> Result<Result<SiteConfig, Vec<Diagnostic>>, Error> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Err(Error::NoSite(root.to_path_buf()));
    }
    let text = std::fs::read_to_string(&path).map_err(Error::read(&path))?;
    Ok(SiteConfig::parse(&text))
}

/// Runs load → parse → resolve → render in memory; writes nothing.
///
/// # Errors
/// Only environment failures (no site, unreadable config); content problems are
/// diagnostics in the returned [`Pipeline`].
pub fn run_pipeline(options: &BuildOptions) -> Result<Pipeline, Error> {
    let mut config = match read_config(&options.root)? {
        Ok(c) => c,
        Err(diagnostics) => {
            return Ok(Pipeline { diagnostics, site: None, outputs: None, timings: Vec::new() });
        }
    };
    if let Some(url) = &options.base_url {
        config.base_url = Some(url.clone());
    }
    config.search &= options.search;
    let mut clock = Clock::start();
    let (loaded, mut diags) = load::load_site(&options.root, &config);
    clock.lap("load");
    // Templates compile before any content work, so a theme error is reported at once.
    let theme = match assets::Theme::new(&loaded.overrides) {
        Ok(t) => t,
        Err(name) => {
            diags.push(
                Diagnostic::error(
                    "not-utf8",
                    format!("templates/{name}"),
                    (1, 1),
                    "the template is not valid UTF-8",
                )
                .with_help("save the template as UTF-8"),
            );
            return Ok(finish(diags, None, None, clock));
        }
    };
    let tera = match render::compile_theme(&theme) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let (articles, parse_diags) = parse::parse_all(&loaded.sources, &config, options.portable);
    diags.extend(parse_diags);
    clock.lap("parse");
    let asset_paths = loaded.assets.keys().cloned().collect();
    let (site, resolve_diags) = resolve::resolve(config, articles, options.drafts, asset_paths);
    diags.extend(resolve_diags);
    clock.lap("resolve");
    let Some(tera) = tera.filter(|_| !diags.iter().any(Diagnostic::is_error)) else {
        return Ok(finish(diags, Some(site), None, clock));
    };
    let (mut outputs, render_diags) =
        render::render_site(&site, &theme, &tera, RenderOptions { portable: options.portable });
    diags.extend(render_diags);
    publish_assets(loaded.assets, &mut outputs, &mut diags);
    clock.lap("render");
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(finish(diags, Some(site), None, clock));
    }
    // The search index is built by `build_site`, alongside writing: it cannot fail, so
    // `check` has no use for it.
    Ok(finish(diags, Some(site), Some(outputs), clock))
}

/// Adds the non-article files of `content/` to the outputs at their path minus `content/`,
/// refusing any that would replace a generated file.
fn publish_assets(
    assets: std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
    outputs: &mut Outputs,
    diags: &mut Vec<Diagnostic>,
) {
    for (path, bytes) in assets {
        let Ok(rel) = path.strip_prefix(load::CONTENT_DIR) else { continue };
        let key =
            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        match outputs.entry(key) {
            std::collections::btree_map::Entry::Occupied(taken) => diags.push(
                Diagnostic::error(
                    "asset-collision",
                    &path,
                    (1, 1),
                    format!("this file would replace the generated {}", taken.key()),
                )
                .with_help("rename or move the file"),
            ),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(bytes);
            }
        }
    }
}

/// Stage timings for `--timings`.
struct Clock {
    last: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
}

impl Clock {
    fn start() -> Self {
        Self { last: std::time::Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = std::time::Instant::now();
        self.laps.push((stage, now - self.last));
        self.last = now;
    }
}

fn finish(
    mut diagnostics: Vec<Diagnostic>,
    site: Option<Site>,
    outputs: Option<Outputs>,
    clock: Clock,
) -> Pipeline {
    diag::sort_diagnostics(&mut diagnostics);
    Pipeline { diagnostics, site, outputs, timings: clock.laps }
}

/// Validates the site without writing anything.
///
/// # Errors
/// As [`run_pipeline`].
pub fn check_site(options: &BuildOptions) -> Result<Pipeline, Error> {
    run_pipeline(options)
}

/// Builds the site into `options.output`, or leaves the old output untouched on any error.
/// Returns the pipeline and the number of files written (0 if content errors stopped it).
///
/// # Errors
/// An unsafe output directory or an I/O failure, naming its path.
pub fn build_site(options: &BuildOptions) -> Result<(Pipeline, usize), Error> {
    // Refuse a dangerous output before doing any work.
    let output = write::check_output_dir(&options.root, &options.output)?;
    let mut pipeline = run_pipeline(options)?;
    let (Some(outputs), Some(site)) = (&pipeline.outputs, &pipeline.site) else {
        return Ok((pipeline, 0));
    };
    let start = std::time::Instant::now();
    let index_time = std::sync::Mutex::new(None);
    // The index is CPU work and writing pages mostly I/O: do both at once.
    let index = || {
        let start = std::time::Instant::now();
        let files = if site.config.search {
            index::build_index(site, options.portable)
        } else {
            Outputs::new()
        };
        *index_time.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            Some(start.elapsed());
        files
    };
    let written = write::write_site(&output, outputs, index)?;
    let index_time = index_time.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(t) = index_time.filter(|_| site.config.search) {
        pipeline.timings.push(("index (alongside write)", t));
    }
    pipeline.timings.push(("write", start.elapsed()));
    Ok((pipeline, written))
}
