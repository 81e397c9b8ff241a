//! The command line as typed (clap derive). `options` turns it into validated options.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// kbgen: turns structured Markdown troubleshooting articles into a static site.
#[derive(Debug, Parser)]
#[command(name = "kbgen", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Print every warning, not just their count.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory.
    Build(BuildArgs),
    /// Validate the site and write nothing.
    Check(SiteArgs),
    /// Preview the site on 127.0.0.1 with live reload.
    Serve(ServeArgs),
    /// Write a new article skeleton: content/DIR/SLUG.md.
    New(NewArgs),
    /// Create a new site in DIR.
    Init(InitArgs),
}

/// Where the site is.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site root (holds site.yaml and content/).
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
}

/// Options of `kbgen build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Site location and drafts.
    #[command(flatten)]
    pub site: SiteArgs,
    /// The output directory [default: ROOT/public].
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// The absolute URL the site is published at; sets canonical, sitemap and feed URLs.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Make links name index.html, so the site works opened from disk.
    #[arg(long)]
    pub portable: bool,
    /// Print how long each stage took.
    #[arg(long)]
    pub timings: bool,
}

/// Options of `kbgen serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Site location and drafts.
    #[command(flatten)]
    pub site: SiteArgs,
    /// The port to serve on; 0 picks a free one.
    #[arg(long, short, default_value_t = 1111)]
    pub port: u16,
    /// Serve on this address instead of 127.0.0.1 (other machines can then reach it).
    #[arg(long)]
    pub bind: Option<std::net::IpAddr>,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
}

/// Options of `kbgen new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The kind, as declared in site.yaml (e.g. symptom).
    pub kind: String,
    /// The slug: the file name without .md (e.g. terminal-suspended).
    pub slug: String,
    /// The article's title.
    #[arg(long)]
    pub title: Option<String>,
    /// The site root.
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
}

/// Options of `kbgen init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The directory to create the site in; it may exist but must not hold a site.
    pub dir: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn output_defaults_are_left_to_options() {
        let cli = Cli::parse_from(["kbgen", "build", "--portable"]);
        let Command::Build(b) = cli.command else { panic!("expected build") };
        assert!(b.portable && b.output.is_none());
    }
}
