//! Subcommands that are more than the pipeline: scaffolding a site or an article.
//! `build` and `check` are [`crate::build_site`] and [`crate::check_site`].

pub mod init;
pub mod new;
pub mod serve;
mod today;
