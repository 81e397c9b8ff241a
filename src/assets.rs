//! The default theme, compiled into the binary, and the per-name override by a site's own
//! `templates/` files.

use std::collections::BTreeMap;

/// Every embedded file of the default theme: templates by name, assets under `assets/`.
pub(crate) const EMBEDDED: &[(&str, &[u8])] = &[
    ("404.html", include_bytes!("../templates/404.html")),
    ("article.html", include_bytes!("../templates/article.html")),
    ("assets/favicon.svg", include_bytes!("../templates/assets/favicon.svg")),
    ("assets/search.js", include_bytes!("../templates/assets/search.js")),
    ("assets/style.css", include_bytes!("../templates/assets/style.css")),
    ("base.html", include_bytes!("../templates/base.html")),
    ("cause.html", include_bytes!("../templates/cause.html")),
    ("channel.html", include_bytes!("../templates/channel.html")),
    ("index.html", include_bytes!("../templates/index.html")),
    ("list.html", include_bytes!("../templates/list.html")),
    ("partials/article_foot.html", include_bytes!("../templates/partials/article_foot.html")),
    ("partials/article_head.html", include_bytes!("../templates/partials/article_head.html")),
    ("partials/body.html", include_bytes!("../templates/partials/body.html")),
    ("partials/card.html", include_bytes!("../templates/partials/card.html")),
    ("partials/links.html", include_bytes!("../templates/partials/links.html")),
    ("remedy.html", include_bytes!("../templates/remedy.html")),
    ("search.html", include_bytes!("../templates/search.html")),
    ("symptom.html", include_bytes!("../templates/symptom.html")),
    ("tags.html", include_bytes!("../templates/tags.html")),
];

/// Where a theme file came from, so errors can name the file an editor can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into kbgen.
    Embedded,
    /// The site's own `templates/<name>`.
    Site,
}

/// The theme a site renders with: embedded files, each replaced by the site's file of the
/// same name, plus the site's extra files.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name → (source, origin); names end in `.html`.
    pub templates: BTreeMap<String, (String, Origin)>,
    /// Asset path under `assets/` → bytes, copied to the output as they are.
    pub assets: BTreeMap<String, Vec<u8>>,
}

impl Theme {
    /// Merges the embedded theme with a site's overrides (name → bytes).
    ///
    /// # Errors
    /// The name of an override template that is not UTF-8.
    pub fn new(overrides: &BTreeMap<String, Vec<u8>>) -> Result<Self, String> {
        let mut theme = Self::default();
        let embedded = EMBEDDED.iter().map(|(n, b)| (*n, *b, Origin::Embedded));
        let site = overrides.iter().map(|(n, b)| (n.as_str(), b.as_slice(), Origin::Site));
        for (name, bytes, origin) in embedded.chain(site) {
            if name.starts_with("assets/") {
                theme.assets.insert(name.to_owned(), bytes.to_vec());
            } else if name.ends_with(".html") {
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| name.to_owned())?;
                theme.templates.insert(name.to_owned(), (text, origin));
            }
        }
        Ok(theme)
    }

    /// The path an editor would open for template `name`.
    pub fn display_path(&self, name: &str) -> String {
        match self.templates.get(name) {
            Some((_, Origin::Site)) => format!("templates/{name}"),
            _ => format!("templates/{name} (built-in)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_names_are_sorted_unique_and_listed() {
        let names: Vec<_> = EMBEDDED.iter().map(|(n, _)| *n).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        // Every file in templates/ must be embedded, or a site that copies the theme breaks.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_file())
            .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        on_disk.sort();
        assert_eq!(on_disk, names);
    }

    #[test]
    fn site_files_replace_embedded_ones_by_name() {
        let mut overrides = BTreeMap::new();
        overrides.insert("404.html".to_owned(), b"mine".to_vec());
        overrides.insert("assets/extra.js".to_owned(), b"x".to_vec());
        let theme = Theme::new(&overrides).unwrap();
        assert_eq!(theme.templates["404.html"], ("mine".to_owned(), Origin::Site));
        assert_eq!(theme.templates["base.html"].1, Origin::Embedded);
        assert!(theme.assets.contains_key("assets/extra.js"));
        assert_eq!(theme.display_path("404.html"), "templates/404.html");
    }
}
