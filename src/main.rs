//! The `kbgen` binary: parses the command line, calls the library, prints the report and
//! maps the outcome to an exit code (0 success, 1 content errors, 2 usage or I/O errors).
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "main.rs is one of the two places that print"
)]

use clap::Parser as _;
use kbgen::cli::{Cli, Command};
use kbgen::diag::{Diagnostic, render_human, summary_line};
use kbgen::options::BuildOptions;
use std::io::Write as _;
use std::process::ExitCode;
use std::time::Instant;

/// Prints a line to stdout; a closed pipe (`kbgen build | head`) is not an error.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let start = Instant::now();
    match &cli.command {
        Command::Build(args) => {
            let options = BuildOptions::from_build(args)?;
            let progress = Bar::new(cli.quiet);
            let (pipeline, written) = kbgen::build_site(&options, &progress)?;
            progress.0.finish_and_clear();
            if let Some(code) = report_failed(cli, &pipeline) {
                return Ok(code);
            }
            if !cli.quiet {
                let articles = pipeline.site.as_ref().map_or(0, |s| s.articles.len());
                say!(
                    "built {articles} articles into {} ({} files, {} unchanged) in {:.2?}",
                    options.output.display(),
                    written.files,
                    written.unchanged,
                    start.elapsed()
                );
            }
            if args.timings {
                let laps: Vec<String> = pipeline
                    .timings
                    .iter()
                    .map(|(stage, d)| format!("{stage} {:.1?}", d))
                    .collect();
                say!("timings: {}", laps.join(" · "));
            }
        }
        Command::Check(args) => {
            let pipeline = kbgen::check_site(&BuildOptions::from_check(args))?;
            if let Some(code) = report_failed(cli, &pipeline) {
                return Ok(code);
            }
            if !cli.quiet {
                let articles = pipeline.site.as_ref().map_or(0, |s| s.articles.len());
                say!("checked {articles} articles: no errors ({:.2?})", start.elapsed());
            }
        }
        Command::Serve(args) => {
            kbgen::cmd::serve::serve(&kbgen::cmd::serve::ServeOptions {
                root: args.site.root.clone(),
                port: args.port,
                bind: args.bind.unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
                drafts: args.site.drafts,
                open: args.open,
            })?;
        }
        Command::New(args) => {
            let path = kbgen::cmd::new::new_article(args)?;
            if !cli.quiet {
                say!("created {}", path.display());
            }
        }
        Command::Init(args) => {
            let files = kbgen::cmd::init::init_site(args)?;
            if !cli.quiet {
                say!(
                    "created a site in {} ({} files); build it with `kbgen build --root {}`",
                    args.dir.display(),
                    files.len(),
                    args.dir.display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr, drawn only when stderr is a terminal: CI logs and pipes get
/// nothing.
struct Bar(indicatif::ProgressBar);

impl Bar {
    fn new(quiet: bool) -> Self {
        use std::io::IsTerminal as _;
        if quiet || !std::io::stderr().is_terminal() {
            return Self(indicatif::ProgressBar::hidden());
        }
        let bar = indicatif::ProgressBar::with_draw_target(
            None,
            indicatif::ProgressDrawTarget::stderr_with_hz(10),
        );
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {msg} {wide_bar} {pos}/{len} {eta}")
        {
            bar.set_style(style);
        }
        bar.set_message("rendering");
        Self(bar)
    }
}

impl kbgen::Progress for Bar {
    fn start(&self, total: usize) {
        self.0.set_length(total as u64);
    }

    fn tick(&self) {
        self.0.inc(1);
    }

    fn waiting(&self, lock: &std::path::Path) {
        let _ = writeln!(
            std::io::stderr(),
            "waiting for another kbgen build of the same output to finish (lock: {})",
            lock.display()
        );
    }
}

/// Prints errors always, warnings in full under --verbose and as a count otherwise.
fn report(cli: &Cli, diags: &[Diagnostic]) {
    let (errors, warnings): (Vec<_>, Vec<_>) =
        diags.iter().cloned().partition(Diagnostic::is_error);
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{}", render_human(&errors));
    if cli.verbose {
        let _ = write!(stderr, "{}", render_human(&warnings));
    } else if !warnings.is_empty() && !cli.quiet {
        let _ = writeln!(stderr, "{} warning(s); run with --verbose to see them", warnings.len());
    }
}

/// Reports a run's diagnostics; if any is an error, also the summary line, and gives the
/// exit code for a site with errors.
fn report_failed(cli: &Cli, pipeline: &kbgen::Pipeline) -> Option<ExitCode> {
    report(cli, &pipeline.diagnostics);
    if !pipeline.has_errors() {
        return None;
    }
    let _ = writeln!(std::io::stderr(), "{}", summary_line(&pipeline.diagnostics, false));
    Some(ExitCode::from(1))
}
