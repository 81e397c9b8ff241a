//! Writes a synthetic knowledge base for benchmarks: `site.yaml` and `content/`, with the
//! same `--n` and `--seed` always giving the same bytes.
//!
//!     cargo run --release --example gen_corpus -- --n 10000 --seed 1 --out /tmp/kb10k
//!     cargo run --release -- check --root /tmp/kb10k

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: gen_corpus [--n N] [--seed S] --out DIR

Writes a synthetic Chinese troubleshooting knowledge base in kbgen's layout
(site.yaml and content/<dir>/<slug>.md) into DIR, which must not exist or be empty.

  --n N      number of articles (default 1000): 10% symptoms, 35% causes,
             40% remedies, 5% channels, 10% guides
  --seed S   seed of the generator (default 1); the same N and S give the same bytes
  --out DIR  output directory
  -h, --help print this help

Exit codes: 0 success, 1 the corpus could not be written, 2 bad arguments.";

/// The parsed command line.
struct Args {
    n: usize,
    seed: u64,
    out: PathBuf,
}

/// Parses the arguments after the program name; `Ok(None)` means help was asked for.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let (mut n, mut seed, mut out) = (None, None, None);
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            return Ok(None);
        }
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg, None),
        };
        if !matches!(flag.as_str(), "--n" | "--seed" | "--out") {
            return Err(format!("unexpected argument '{flag}'"));
        }
        let Some(value) = inline.or_else(|| args.next()) else {
            return Err(format!("{flag} needs a value"));
        };
        let number = |what: &str| -> Result<u64, String> {
            value.parse().map_err(|_| format!("{flag} wants {what}, not '{value}'"))
        };
        let fresh = match flag.as_str() {
            "--n" => n
                .replace(
                    usize::try_from(number("a whole number")?)
                        .ok()
                        .filter(|&n| n > 0)
                        .ok_or_else(|| format!("--n must be at least 1, not '{value}'"))?,
                )
                .is_none(),
            "--seed" => seed.replace(number("a whole number")?).is_none(),
            _ if value.is_empty() => return Err("--out needs a directory".to_owned()),
            _ => out.replace(PathBuf::from(&value)).is_none(),
        };
        if !fresh {
            return Err(format!("{flag} is given twice"));
        }
    }
    let out = out.ok_or("--out DIR is required")?;
    Ok(Some(Args { n: n.unwrap_or(1000), seed: seed.unwrap_or(1), out }))
}

fn main() -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            let _ = writeln!(stdout, "{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            let _ = writeln!(stderr, "gen_corpus: {e}\nrun 'gen_corpus --help' for usage");
            return ExitCode::from(2);
        }
    };
    match corpus::generate(args.n, args.seed, &args.out) {
        Ok(stats) => {
            #[allow(clippy::cast_precision_loss, reason = "a size for people to read")]
            let mb = stats.bytes as f64 / 1e6;
            let _ = writeln!(
                stdout,
                "wrote {} articles ({mb:.1} MB) to {}",
                stats.articles,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let _ = writeln!(stderr, "gen_corpus: {e}; choose a new directory");
            ExitCode::FAILURE
        }
        Err(e) => {
            let _ = writeln!(stderr, "gen_corpus: cannot write {}: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
}
