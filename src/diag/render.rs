//! Turns diagnostics into text: `path:line:col: error[code]: message` and a `help:` line.

use super::{Diagnostic, Severity};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Renders diagnostics for a terminal or a log, one block each, in the given order.
pub fn render_human(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = d.path.to_string_lossy().replace('\\', "/");
        let _ = writeln!(out, "{path}:{}:{}: {level}[{}]: {}", d.line, d.col, d.code, d.message);
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  help: {help}");
        }
    }
    out
}

/// The closing line of a failed run: "N errors in M files; nothing was written".
pub fn summary_line(diags: &[Diagnostic], wrote: bool) -> String {
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    let files: BTreeSet<_> = errors.iter().map(|d| &d.path).collect();
    let plural =
        |n: usize, word: &str| if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") };
    let tail = if wrote { "" } else { "; nothing was written" };
    format!("{} in {}{tail}", plural(errors.len(), "error"), plural(files.len(), "file"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_format_names_file_line_column_code_and_help() {
        let d = Diagnostic::error("unknown-slug", "content/symptoms/a.md", (4, 10), "no cause 'x'")
            .with_help("did you mean 'y'?");
        assert_eq!(
            render_human(std::slice::from_ref(&d)),
            "content/symptoms/a.md:4:10: error[unknown-slug]: no cause 'x'\n  help: did you mean 'y'?\n"
        );
        assert_eq!(summary_line(&[d.clone(), d], false), "2 errors in 1 file; nothing was written");
    }
}
