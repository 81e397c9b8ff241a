//! An in-memory build kept between rebuilds, for `serve`: an edit re-reads and re-parses
//! only the files whose length or modification time changed, resolves the whole graph
//! (cheap), and renders only the pages whose input signature changed (see
//! [`render::Plan::signatures`]). The search index is updated separately, after the pages,
//! so a reload never waits for it, and only for the articles that changed
//! ([`index::LiveIndex`]).

use crate::options::BuildOptions;
use crate::render::{self, Memory};
use crate::resolve::Site;
use crate::{Pipeline, Reuse, Silent, index, prepare_reusing};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The site's files: output path → bytes, shared between rebuilds.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// What one rebuild did.
#[derive(Debug)]
pub struct Rebuilt {
    /// Every diagnostic and the stage timings.
    pub pipeline: Pipeline,
    /// Pages rendered this time (the rest were unchanged).
    pub rendered: usize,
    /// The site's files, if the build succeeded.
    pub files: Option<Arc<Files>>,
}

/// A site built in memory and kept up to date.
#[derive(Debug)]
pub struct Session {
    options: BuildOptions,
    reuse: Reuse,
    site: Option<Site>,
    signatures: FxHashMap<String, u64>,
    files: Arc<Files>,
    index_paths: Vec<String>,
    /// Whether the last rebuild succeeded; the index follows only a good build.
    ok: bool,
    live: index::LiveIndex,
}

impl Session {
    /// A session that has built nothing yet.
    pub fn new(options: BuildOptions) -> Self {
        Self {
            options,
            reuse: Reuse::default(),
            site: None,
            signatures: FxHashMap::default(),
            files: Arc::default(),
            index_paths: Vec::new(),
            ok: false,
            live: index::LiveIndex::default(),
        }
    }

    /// Brings the pages up to date with the sources. The search index is left as it was;
    /// call [`Session::index`] next.
    ///
    /// # Errors
    /// Only environment failures (no site, unreadable config).
    pub fn rebuild(&mut self) -> Result<Rebuilt, crate::error::Error> {
        self.rebuild_changed(None)
    }

    /// [`Session::rebuild`], told by a file watcher which paths (relative to the root)
    /// changed: if they are all article files, nothing else is looked at.
    ///
    /// # Errors
    /// As [`Session::rebuild`].
    pub fn rebuild_changed(
        &mut self,
        changed: Option<Vec<std::path::PathBuf>>,
    ) -> Result<Rebuilt, crate::error::Error> {
        // A list of changes is trusted only after a clean build in which every file read
        // became an article or a draft: a file that failed to parse is not remembered, and
        // only a full look finds it again.
        let complete = self.ok
            && self
                .site
                .as_ref()
                .is_some_and(|s| s.articles.len() + s.excluded.len() == self.reuse.seen.len());
        self.reuse.hint = changed.filter(|_| complete);
        // Hand the last build's articles and drafts back, so unchanged files are not parsed
        // again.
        if let Some(site) = self.site.take() {
            for a in site.articles.into_iter().chain(site.excluded) {
                self.reuse.articles.insert(a.path.clone(), a);
            }
        }
        let reuse = &mut self.reuse;
        // A file resolve dropped (a duplicate slug) was parsed but is not handed back: read
        // it again, so its error is not forgotten. (`prepare_reusing` keeps warnings and
        // digests for the unchanged paths only.)
        reuse.seen.retain(|p, _| reuse.articles.contains_key(p));
        let prepared = prepare_reusing(&self.options, Some(reuse))?;

        let sink = Memory::default();
        let (old, files, digests) = (&self.signatures, &self.files, &mut self.reuse.digests);
        let mut signatures = FxHashMap::default();
        let mut select =
            |site: &Site, theme: &crate::assets::Theme, plan: &mut render::Plan<'_>| {
                let missing: Vec<_> = site
                    .articles
                    .par_iter()
                    .filter(|a| !digests.contains_key(&a.path))
                    .map(|a| (a.path.clone(), render::digest(a)))
                    .collect();
                digests.extend(missing);
                let per_article: Vec<render::Digest> =
                    site.articles.iter().map(|a| digests[&a.path]).collect();
                let global = render::global_digest(site, theme, self.options.portable);
                let sigs = plan.signatures(site, &per_article, global);
                let keep: Vec<bool> = plan
                    .job_paths
                    .iter()
                    .zip(&sigs)
                    .map(|(path, sig)| old.get(path) != Some(sig) || !files.contains_key(path))
                    .collect();
                signatures = plan.job_paths.iter().cloned().zip(sigs).collect();
                plan.retain_pages(&keep);
            };
        let mut pipeline =
            prepared.render_selected(&self.options, &sink, false, &Silent, &mut select)?;
        self.site = pipeline.site.take();
        self.ok = !pipeline.has_errors() && self.site.is_some();
        if !self.ok {
            return Ok(Rebuilt { pipeline, rendered: 0, files: None });
        }
        let (rendered, planned) = sink.into_parts();
        let planned: FxHashSet<&str> =
            planned.iter().chain(&self.index_paths).map(String::as_str).collect();
        let mut next: Files = (*self.files).clone();
        next.retain(|path, _| planned.contains(path.as_str()));
        let pages = rendered.keys().filter(|p| signatures.contains_key(*p)).count();
        next.extend(rendered.into_iter().map(|(path, bytes)| (path, Arc::from(bytes))));
        self.files = Arc::new(next);
        self.signatures = signatures;
        Ok(Rebuilt { pipeline, rendered: pages, files: Some(Arc::clone(&self.files)) })
    }

    /// Rebuilds the search index of the last successful build and returns the files with
    /// it, or `None` if there is nothing to index.
    pub fn index(&mut self) -> Option<Arc<Files>> {
        let site = self.site.as_ref().filter(|_| self.ok)?;
        let empty = (render::Outputs::new(), Vec::new());
        let (index, written) = if site.config.search {
            // Only articles whose digest changed are indexed again.
            let digests: Vec<u64> = site
                .articles
                .iter()
                .map(|a| self.reuse.digests.get(&a.path).map_or(0, |d| d.own))
                .collect();
            self.live.update(site, &digests, self.options.portable);
            (self.live.files(), self.live.written())
        } else {
            (&empty.0, empty.1.as_slice())
        };
        let mut next: Files = (*self.files).clone();
        for old in &self.index_paths {
            if !index.contains_key(old) {
                next.remove(old);
            }
        }
        self.index_paths = index.keys().cloned().collect();
        // The other index files are as the last update left them.
        for path in written {
            next.insert(path.clone(), Arc::from(index[path].as_slice()));
        }
        self.files = Arc::new(next);
        Some(Arc::clone(&self.files))
    }
}
