//! kbgen: a static site generator for troubleshooting knowledge bases.
//!
//! The pipeline is load → parse → resolve → render → index → write; each stage is a module that takes
//! the previous stage's plain data and returns new data plus diagnostics. Rendered files
//! go straight to a [`render::Sink`]: the staging directory for [`build_site`], memory for
//! [`build_in_memory`], nowhere for [`check_site`].

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
pub mod session;
mod urls;
pub mod write;

use config::{CONFIG_FILE, SiteConfig};
use diag::Diagnostic;
use error::Error;
use options::BuildOptions;
use rayon::prelude::*;
use render::{Outputs, RenderOptions, Sink};
use resolve::Site;
use std::path::Path;

/// What a run produced: the site if parsing got that far, and all diagnostics either way.
#[derive(Debug)]
pub struct Pipeline {
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The resolved site, if parsing got that far.
    pub site: Option<Site>,
    /// Wall time of each stage that ran, in order (`--timings`).
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl Pipeline {
    /// True if any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Told how far rendering has got; the CLI draws a progress bar from it on a terminal.
pub trait Progress: Sync {
    /// `total` files are about to be rendered and written.
    fn start(&self, total: usize);
    /// One more file is done.
    fn tick(&self);
    /// Another build is writing the same output; this one waits for it (`lock` is the
    /// lock file).
    fn waiting(&self, lock: &Path) {
        let _ = lock;
    }
}

/// Reports no progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: usize) {}
    fn tick(&self) {}
}

/// Reads `site.yaml` from `root`.
///
/// # Errors
/// [`Error::NoSite`] if it is missing, [`Error::Read`] if unreadable; its content problems
/// come back as diagnostics in the inner `Err`.
pub fn read_config(root: &Path) -> Result<Result<SiteConfig, Vec<Diagnostic>>, Error> {
    Ok(SiteConfig::parse(&read_config_text(root)?))
}

/// The text of `site.yaml` in `root`.
fn read_config_text(root: &Path) -> Result<String, Error> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Err(Error::NoSite(root.to_path_buf()));
    }
    std::fs::read_to_string(&path).map_err(Error::read(&path))
}

/// The site after load → parse → resolve, with its theme compiled: ready to render
/// unless a diagnostic stopped it.
pub struct Prepared {
    diagnostics: Vec<Diagnostic>,
    site: Option<Site>,
    ready: Option<Ready>,
    clock: Clock,
}

struct Ready {
    theme: assets::Theme,
    tera: tera::Tera,
    assets: std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
}

/// Runs load → parse → resolve and compiles the templates; renders and writes nothing.
///
/// # Errors
/// Only environment failures (no site, unreadable config); content problems are
/// diagnostics in the result.
pub fn prepare(options: &BuildOptions) -> Result<Prepared, Error> {
    prepare_reusing(options, None)
}

/// What a [`session::Session`] keeps between rebuilds so that an edit re-reads and
/// re-parses only the files it touched.
#[derive(Debug, Default)]
pub(crate) struct Reuse {
    /// The site.yaml text and options the cache belongs to; anything else starts afresh.
    key: String,
    /// Stamps of the article files whose articles are in `articles`.
    seen: load::Seen,
    /// Articles of unchanged files, handed back after each build.
    articles: rustc_hash::FxHashMap<std::path::PathBuf, parse::Article>,
    /// The warnings parsing gave each article file.
    warnings: rustc_hash::FxHashMap<std::path::PathBuf, Vec<Diagnostic>>,
    /// The digests of the articles in `articles` (see [`render::digest`]).
    digests: rustc_hash::FxHashMap<std::path::PathBuf, render::Digest>,
    /// The content assets of the last full load.
    assets: std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
    /// Set by the caller: the only article files changed since the last build (from a
    /// file watcher), or `None` to look at every file.
    hint: Option<Vec<std::path::PathBuf>>,
}

/// [`prepare`], taking unchanged articles from `reuse` and leaving their stamps in it.
pub(crate) fn prepare_reusing(
    options: &BuildOptions,
    mut reuse: Option<&mut Reuse>,
) -> Result<Prepared, Error> {
    let mut clock = Clock::start();
    let text = read_config_text(&options.root)?;
    if let Some(reuse) = reuse.as_deref_mut() {
        let key = format!("{options:?}\n{text}");
        if reuse.key != key {
            *reuse = Reuse { key, ..Reuse::default() };
        }
    }
    let mut config = match SiteConfig::parse(&text) {
        Ok(c) => c,
        Err(diagnostics) => return Ok(Prepared { diagnostics, site: None, ready: None, clock }),
    };
    if let Some(url) = &options.base_url {
        config.base_url = Some(url.clone());
    }
    config.search &= options.search;
    let hinted = reuse.as_deref_mut().and_then(|r| {
        let hint = r.hint.take()?;
        load::load_hinted(&options.root, &config, &r.seen, &hint)
    });
    let changed = match hinted {
        Some(changed) => changed,
        None => {
            // A one-off build has no second chance at a file saved while it reads, so it
            // waits for fresh files to settle; a session rebuilds on the next save anyway.
            let settle = if reuse.is_some() { std::time::Duration::ZERO } else { load::SETTLE };
            load::load_changed(&options.root, &config, reuse.as_deref().map(|r| &r.seen), settle)
        }
    };
    let load::Changed { mut loaded, mut diags, unchanged, stamps, assets_read } = changed;
    if let Some(reuse) = reuse.as_deref_mut() {
        if assets_read {
            reuse.assets.clone_from(&loaded.assets);
        } else {
            loaded.assets.clone_from(&reuse.assets);
        }
    }
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
            return Ok(Prepared { diagnostics: diags, site: None, ready: None, clock });
        }
    };
    let tera = match render::compile_theme(&theme) {
        Ok(t) => Some(t),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    let (mut articles, parse_diags) = parse::parse_all(&loaded.sources, &config, options.portable);
    drop(loaded.sources);
    if let Some(reuse) = reuse {
        // Keep the stamps of what parsed; what failed is read again next time.
        reuse.seen.retain(|p, _| unchanged.contains(p));
        for a in &articles {
            if let Some(stamp) = stamps.get(&a.path) {
                reuse.seen.insert(a.path.clone(), *stamp);
            }
        }
        // Order does not matter: resolve sorts the articles.
        #[allow(clippy::iter_over_hash_type, reason = "resolve sorts the articles")]
        for (path, article) in std::mem::take(&mut reuse.articles) {
            if unchanged.contains(&path) {
                articles.push(article);
            }
        }
        reuse.warnings.retain(|p, _| unchanged.contains(p));
        reuse.digests.retain(|p, _| unchanged.contains(p));
        for d in &parse_diags {
            reuse.warnings.entry(d.path.clone()).or_default().push(d.clone());
        }
        diags.extend(
            reuse.warnings.values().flatten().filter(|d| unchanged.contains(&d.path)).cloned(),
        );
    }
    diags.extend(parse_diags);
    clock.lap("parse");
    let asset_paths = loaded.assets.keys().cloned().collect();
    let (site, resolve_diags) = resolve::resolve(config, articles, options.drafts, asset_paths);
    diags.extend(resolve_diags);
    clock.lap("resolve");
    let ready = tera.filter(|_| !diags.iter().any(Diagnostic::is_error)).map(|tera| Ready {
        theme,
        tera,
        assets: loaded.assets,
    });
    Ok(Prepared { diagnostics: diags, site: Some(site), ready, clock })
}

impl Prepared {
    /// Whether rendering can start: no errors so far.
    pub fn is_ready(&self) -> bool {
        self.ready.is_some()
    }

    /// Renders every file into `sink`, the search index too if `index` (and the site has
    /// search on); the index is computed alongside the pages, CPU work beside their I/O.
    ///
    /// # Errors
    /// The sink's first I/O failure.
    pub fn render(
        self,
        options: &BuildOptions,
        sink: &dyn Sink,
        index: bool,
        progress: &dyn Progress,
    ) -> Result<Pipeline, Error> {
        self.render_selected(options, sink, index, progress, &mut |_, _, _| {})
    }

    /// [`Prepared::render`], letting `select` drop page jobs from the plan first (`serve`
    /// drops the pages whose inputs did not change).
    pub(crate) fn render_selected(
        mut self,
        options: &BuildOptions,
        sink: &dyn Sink,
        index: bool,
        progress: &dyn Progress,
        select: &mut dyn FnMut(&Site, &assets::Theme, &mut render::Plan<'_>),
    ) -> Result<Pipeline, Error> {
        let (Some(ready), Some(site)) = (self.ready.take(), &self.site) else {
            return Ok(self.finish());
        };
        let mut plan = render::plan(site, &ready.theme);
        let assets = content_assets(ready.assets, &plan.paths, &mut self.diagnostics);
        if self.diagnostics.iter().any(Diagnostic::is_error) {
            return Ok(self.finish());
        }
        // Only the sink needs the full list from here on.
        let mut paths = std::mem::take(&mut plan.paths);
        paths.extend(assets.iter().map(|(p, _)| p.clone()));
        sink.plan(&paths)?;
        select(site, &ready.theme, &mut plan);
        progress.start(plan.job_paths.len() + assets.len());
        for (path, bytes) in assets {
            sink.emit(&path, bytes)?;
            progress.tick();
        }
        let render_options = RenderOptions { portable: options.portable };
        let (rendered, index) = rayon::join(
            || {
                let tick = || progress.tick();
                render::render_site(
                    plan,
                    site,
                    &ready.theme,
                    &ready.tera,
                    render_options,
                    sink,
                    &tick,
                )
            },
            || {
                let start = std::time::Instant::now();
                let files = (index && site.config.search)
                    .then(|| index::build_index(site, options.portable));
                (files, start.elapsed())
            },
        );
        self.diagnostics.extend(rendered?);
        self.clock.lap("render+write");
        if let (Some(files), took) = index {
            self.clock.laps.push(("index (alongside)", took));
            if !self.diagnostics.iter().any(Diagnostic::is_error) {
                let names: Vec<String> = files.keys().cloned().collect();
                sink.plan(&names)?;
                files.into_par_iter().try_for_each(|(path, bytes)| sink.emit(&path, bytes))?;
                self.clock.lap("index write");
            }
        }
        Ok(self.finish())
    }

    /// The diagnostics and site so far, without rendering.
    pub fn finish(self) -> Pipeline {
        let mut diagnostics = self.diagnostics;
        diag::sort_diagnostics(&mut diagnostics);
        Pipeline { diagnostics, site: self.site, timings: self.clock.laps }
    }
}

/// The non-article files of `content/`, keyed by their output path (their path minus
/// `content/`); any that would replace a generated file is an error instead.
fn content_assets(
    assets: std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
    generated: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::with_capacity(assets.len());
    for (path, bytes) in assets {
        let Ok(rel) = path.strip_prefix(load::CONTENT_DIR) else { continue };
        let key =
            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
        if generated.binary_search(&key).is_ok() {
            diags.push(
                Diagnostic::error(
                    "asset-collision",
                    &path,
                    (1, 1),
                    format!("this file would replace the generated {key}"),
                )
                .with_help("rename or move the file"),
            );
        } else {
            out.push((key, bytes));
        }
    }
    out
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

/// Validates the site without writing anything: every page is rendered and dropped.
///
/// # Errors
/// As [`prepare`].
pub fn check_site(options: &BuildOptions) -> Result<Pipeline, Error> {
    prepare(options)?.render(options, &render::Discard, false, &Silent)
}

/// Builds the whole site, search index included, in memory (for `serve` and tests).
///
/// # Errors
/// As [`prepare`].
pub fn build_in_memory(options: &BuildOptions) -> Result<(Pipeline, Option<Outputs>), Error> {
    let sink = render::Memory::default();
    let pipeline = prepare(options)?.render(options, &sink, true, &Silent)?;
    let outputs = (!pipeline.has_errors()).then(|| sink.into_outputs());
    Ok((pipeline, outputs))
}

/// Builds the site into `options.output`, or leaves the old output untouched on any error.
/// Pages are written as they are rendered, into a staging directory that replaces the
/// output at the end; unchanged files keep their old inode and modification time.
///
/// # Errors
/// An unsafe output directory or an I/O failure, naming its path.
pub fn build_site(
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<(Pipeline, write::WriteStats), Error> {
    // Refuse a dangerous output before doing any work.
    let output = write::check_output_dir(&options.root, &options.output)?;
    let prepared = prepare(options)?;
    if !prepared.is_ready() {
        return Ok((prepared.finish(), write::WriteStats::default()));
    }
    // One build at a time per output; the second waits here, after its own content work.
    let _lock = write::OutputLock::acquire(&output, |lock| progress.waiting(lock))?;
    let staging = write::Staging::create(&output)?;
    let mut pipeline = prepared.render(options, &staging, true, progress)?;
    if pipeline.has_errors() {
        // Dropping the staging directory removes it.
        return Ok((pipeline, write::WriteStats::default()));
    }
    let start = std::time::Instant::now();
    let stats = staging.commit()?;
    pipeline.timings.push(("swap", start.elapsed()));
    Ok((pipeline, stats))
}
