//! Validated options that the stages receive, made from the raw command line.

use crate::cli::{BuildArgs, SiteArgs};
use crate::config::normalize_base_url;
use crate::error::Error;
use std::path::PathBuf;

/// Everything `build` and `check` need.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root.
    pub root: PathBuf,
    /// The output directory.
    pub output: PathBuf,
    /// Overrides `base_url` from site.yaml; always ends in `/`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Links name `index.html`.
    pub portable: bool,
    /// Build the search index (if site.yaml does not turn search off).
    pub search: bool,
}

impl BuildOptions {
    /// Options for `kbgen build`.
    ///
    /// # Errors
    /// [`Error::Usage`] for a base URL that is not absolute http(s).
    pub fn from_build(args: &BuildArgs) -> Result<Self, Error> {
        let base_url = match &args.base_url {
            Some(url) => Some(normalize_base_url(url).ok_or_else(|| {
                Error::Usage(format!("--base-url '{url}' is not an absolute http(s) URL; write it like https://kb.example.com/"))
            })?),
            None => None,
        };
        let root = args.site.root.clone();
        Ok(Self {
            output: args.output.clone().unwrap_or_else(|| root.join("public")),
            root,
            base_url,
            drafts: args.site.drafts,
            portable: args.portable,
            search: true,
        })
    }

    /// Options for `kbgen check`.
    pub fn from_check(args: &SiteArgs) -> Self {
        Self {
            output: args.root.join("public"),
            root: args.root.clone(),
            base_url: None,
            drafts: args.drafts,
            portable: false,
            search: true,
        }
    }
}
