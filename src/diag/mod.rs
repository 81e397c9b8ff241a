//! Diagnostics: content problems found by any stage, with the file, line and column
//! they concern, kept apart from how they are printed (`render`).

mod diagnostic;
mod line_index;
mod render;

pub use diagnostic::{Diagnostic, Severity, sort_diagnostics};
pub use line_index::LineIndex;
pub use render::{render_human, summary_line};
