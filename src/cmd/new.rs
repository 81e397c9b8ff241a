//! `kbgen new KIND SLUG`: writes a valid article skeleton for any kind in site.yaml.

use crate::cli::NewArgs;
use crate::config::is_simple_name;
use crate::load::CONTENT_DIR;
use anyhow::{Context as _, bail};
use std::path::PathBuf;

/// Writes the skeleton and returns its path; never overwrites.
///
/// # Errors
/// An unknown kind, a bad slug, an existing file, or an I/O failure.
pub fn new_article(args: &NewArgs) -> anyhow::Result<PathBuf> {
    let config = match crate::read_config(&args.root)? {
        Ok(c) => c,
        Err(diags) => {
            bail!("site.yaml has errors; run `kbgen check` to see them ({} found)", diags.len())
        }
    };
    let Some(kind) = config.kind(&args.kind) else {
        let names: Vec<_> = config.kinds.iter().map(|k| k.name.as_str()).collect();
        bail!(
            "there is no kind '{}' in site.yaml; declared kinds: {}",
            args.kind,
            names.join(", ")
        );
    };
    if !is_simple_name(&args.slug) || args.slug.contains("..") {
        bail!(
            "'{}' cannot be a slug: use letters, digits, '-' or '_', e.g. terminal-suspended",
            args.slug
        );
    }
    let dir = args.root.join(CONTENT_DIR).join(&kind.dir);
    let path = dir.join(format!("{}.md", args.slug));
    if path.exists() {
        bail!("{} already exists; kbgen new never overwrites a file", path.display());
    }
    let title = args.title.clone().unwrap_or_else(|| args.slug.replace('-', " "));
    let mut text = format!(
        "---\ntitle: {}\nsummary: \"\"\naliases: []\ntags: []\nweight: 100\nupdated: {}\n",
        yaml_string(&title),
        super::today::today()
    );
    for rel in &kind.relations {
        text.push_str(&format!("{}: []  # {} slugs, most likely first\n", rel.field, rel.target));
    }
    text.push_str("---\n\n## 概述\n\n在这里写正文。链接其他文章时写相对路径，例如 `[标题](../dir/slug.md)`。\n");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // create_new: another process may have made the file since the check above.
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

/// A YAML scalar for `s`, quoted and escaped so any title round-trips.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_owned())
}
