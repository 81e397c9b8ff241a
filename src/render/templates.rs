//! Compiles the theme's templates once, before any content work, and turns tera's errors
//! into diagnostics that name the template, its line and the article being rendered.

use crate::assets::Theme;
use crate::diag::Diagnostic;
use std::error::Error as _;

/// Compiles every template of `theme`.
///
/// # Errors
/// A diagnostic naming the template file and line of the first syntax error.
pub fn compile_theme(theme: &Theme) -> Result<tera::Tera, Vec<Diagnostic>> {
    let mut tera = tera::Tera::new();
    let sources = theme.templates.iter().map(|(name, (text, _))| (name.as_str(), text.as_str()));
    match tera.add_raw_templates(sources) {
        Ok(()) => Ok(tera),
        Err(err) => Err(vec![template_diagnostic(theme, &err, None)]),
    }
}

/// A diagnostic for a tera error, while rendering `article` if given.
pub(crate) fn template_diagnostic(
    theme: &Theme,
    err: &tera::Error,
    article: Option<&str>,
) -> Diagnostic {
    let (name, pos, message) = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            (
                report.filename().to_owned(),
                (span.start_line.max(1), span.start_col + 1),
                report.message().to_owned(),
            )
        }
        tera::ErrorKind::MissingParent { current, parent } => {
            (current.clone(), (1, 1), format!("extends '{parent}', which does not exist"))
        }
        tera::ErrorKind::CircularExtend { tpl, .. }
        | tera::ErrorKind::CircularInclude { tpl, .. } => (tpl.clone(), (1, 1), err.to_string()),
        _ => (String::new(), (1, 1), err.to_string()),
    };
    let mut message = crate::config::lower_first(&message);
    if let Some(article) = article {
        message = format!("{message} (while rendering {article})");
    }
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    let path = if name.is_empty() { "templates".to_owned() } else { theme.display_path(&name) };
    Diagnostic::error("template-error", path, pos, message).with_help(
        "fix the template; a site's templates/<name> replaces the built-in file of that name",
    )
}
