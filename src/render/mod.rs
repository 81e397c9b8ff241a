//! Stage 4, render: every page, list, tag page, 404, feed, sitemap and robots.txt, in
//! memory and in parallel.
//!
//! Takes the `&Site` and the theme; returns [`Outputs`] (output path → bytes) or the
//! diagnostics of every page that failed.

mod context;
mod feeds;
mod pages;
mod templates;

pub use templates::compile_theme;

use crate::diag::Diagnostic;
use crate::resolve::Site;
use std::collections::BTreeMap;

/// Rendered files: path relative to the output root → bytes, in sorted order.
pub type Outputs = BTreeMap<String, Vec<u8>>;

/// How to render.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    /// Links name `index.html` so the site works from disk.
    pub portable: bool,
}

/// Renders the whole site. All page failures are collected, not just the first.
pub fn render_site(
    site: &Site,
    theme: &crate::assets::Theme,
    tera: &tera::Tera,
    options: RenderOptions,
) -> (Outputs, Vec<Diagnostic>) {
    let (mut outputs, diags) = pages::render_pages(site, theme, tera, options);
    outputs.extend(feeds::render_feeds(site, options));
    for (name, bytes) in &theme.assets {
        // The search script is of no use without an index.
        if site.config.search || name != "assets/search.js" {
            outputs.insert(name.clone(), bytes.clone());
        }
    }
    (outputs, diags)
}
