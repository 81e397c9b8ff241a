//! Front matter: splits the `---` block from the body and reads its fields, reporting each
//! problem at its line in the file (not in the block).

use crate::config::{KindDef, lower_first};
use crate::diag::{Diagnostic, LineIndex};
use serde_yaml::{Mapping, Value};
use std::path::Path;

/// The file split into its YAML block and body, with their byte offsets in the file.
#[derive(Debug)]
pub(crate) struct Split<'a> {
    pub(crate) yaml: &'a str,
    pub(crate) yaml_offset: usize,
    pub(crate) body: &'a str,
    pub(crate) body_offset: usize,
}

/// Splits `text` at its front-matter fences.
pub(crate) fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            "missing-front-matter",
            path,
            (1, 1),
            "the file does not start with a `---` front-matter line",
        )
        .with_help("start the file with `---`, a `title: ...` line and another `---`"));
    }
    let yaml_offset = first.len();
    let mut offset = yaml_offset;
    for line in lines {
        if matches!(line.trim_end(), "---" | "...") {
            return Ok(Split {
                yaml: &text[yaml_offset..offset],
                yaml_offset,
                body: &text[offset + line.len()..],
                body_offset: offset + line.len(),
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        "unclosed-front-matter",
        path,
        (1, 1),
        "the front matter opened here is never closed",
    )
    .with_help("add a line with only `---` after the last front-matter field"))
}

/// The fields of one article's front matter, checked against its kind.
#[derive(Debug, Default)]
pub(crate) struct Fields {
    pub(crate) title: String,
    pub(crate) summary: Option<String>,
    pub(crate) aliases: Vec<String>,
    pub(crate) tags: Vec<String>,
    pub(crate) weight: i64,
    pub(crate) updated: Option<String>,
    pub(crate) draft: bool,
    /// Relation field → slugs with their (line, col), in the kind's declared order.
    pub(crate) relations: Vec<(String, super::RelationItems)>,
    /// Kind-specific fields, passed to templates as they are.
    pub(crate) extra: serde_json::Map<String, serde_json::Value>,
    /// Problems that do not stop the article, such as a likely misspelt field name.
    pub(crate) warnings: Vec<Diagnostic>,
}

/// Reads the fields of `split.yaml`; collects every problem rather than stopping at one.
pub(crate) fn read_fields(
    path: &Path,
    text: &str,
    index: &LineIndex,
    split: &Split<'_>,
    kind: &KindDef,
) -> Result<Fields, Vec<Diagnostic>> {
    let pos_at = |offset: usize| index.position(text, offset);
    let map: Mapping = match serde_yaml::from_str::<Value>(split.yaml) {
        Ok(Value::Mapping(m)) => m,
        Ok(Value::Null) => Mapping::new(),
        Ok(_) => {
            return Err(vec![
                Diagnostic::error(
                    "invalid-front-matter",
                    path,
                    pos_at(split.yaml_offset),
                    "front matter must be `key: value` lines",
                )
                .with_help("write fields like `title: 终端被停用`"),
            ]);
        }
        Err(e) => {
            let offset = split.yaml_offset + e.location().map_or(0, |l| l.index());
            let first_line = pos_at(split.yaml_offset).0;
            let message = shift_yaml_lines(&lower_first(&e.to_string()), first_line - 1);
            return Err(vec![Diagnostic::error("invalid-yaml", path, pos_at(offset), message)
                .with_help("fix the YAML syntax; quote values that contain `: ` or start with `[`, `{`, `*` or `&`")]);
        }
    };
    let mut fields = Fields::default();
    let mut diags = Vec::new();
    let key_offset =
        |key: &str| split.yaml_offset + find_top_level_key(split.yaml, key).unwrap_or(0);
    let mut relations: Vec<Option<super::RelationItems>> = vec![None; kind.relations.len()];
    let mut has_title = false;
    for (key, value) in map {
        let Value::String(key) = key else {
            diags.push(
                Diagnostic::error(
                    "invalid-front-matter",
                    path,
                    pos_at(split.yaml_offset),
                    "front-matter keys must be plain words",
                )
                .with_help("write keys like `title:` or `causes:`"),
            );
            continue;
        };
        let at = pos_at(key_offset(&key));
        let wrong = |expected: &str| {
            Diagnostic::error(
                "wrong-type",
                path,
                at,
                format!("field '{key}' must be {expected}, found {}", describe(&value)),
            )
            .with_help(type_help(&key, expected))
        };
        match key.as_str() {
            "title" => match value.as_str().map(str::trim) {
                Some(t) if !t.is_empty() => {
                    fields.title = t.to_owned();
                    has_title = true;
                }
                Some(_) => diags.push(
                    Diagnostic::error("missing-title", path, at, "the title is empty")
                        .with_help("write the title after `title:`"),
                ),
                None => diags.push(wrong("text")),
            },
            "summary" => match value.as_str() {
                Some(s) => fields.summary = Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
                None => diags.push(wrong("text")),
            },
            "aliases" | "tags" => match string_list(&value) {
                Some(list) => {
                    *(if key == "aliases" { &mut fields.aliases } else { &mut fields.tags }) = list
                }
                None => diags.push(wrong("a list of text")),
            },
            "weight" => match value.as_i64() {
                Some(w) => fields.weight = w,
                None => diags.push(wrong("a whole number")),
            },
            "draft" => match value.as_bool() {
                Some(d) => fields.draft = d,
                None => diags.push(wrong("true or false")),
            },
            "updated" => match value.as_str().filter(|s| is_date(s)) {
                Some(d) => fields.updated = Some(d.to_owned()),
                None => diags.push(wrong("a date like 2026-11-20")),
            },
            _ => {
                if let Some(r) = kind.relations.iter().position(|r| r.field == key) {
                    match string_list(&value) {
                        Some(slugs) => {
                            let block = key_offset(&key);
                            let block_end = split.yaml_offset
                                + next_top_level_key(split.yaml, block - split.yaml_offset);
                            let mut from = block + key.len();
                            let mut items = Vec::new();
                            for slug in slugs {
                                let found =
                                    // `get`: a quoted key (`"causes":`) is not found by
                                    // name, and then `from` may lie past `block_end`.
                                    text.get(from..block_end).and_then(|t| t.find(slug.as_str())).map(|o| from + o);
                                if let Some(o) = found {
                                    from = o + slug.len();
                                }
                                items.push((slug, pos_at(found.unwrap_or(block))));
                            }
                            relations[r] = Some(items);
                        }
                        None => diags.push(wrong("a list of slugs")),
                    }
                } else {
                    // Kind-specific fields are free-form, so only a one-edit slip from a known
                    // field (`cuases`, `summery`, `tag`) is worth a warning.
                    let mut known = crate::config::COMMON_FIELDS
                        .iter()
                        .copied()
                        .chain(kind.relations.iter().map(|r| r.field.as_str()));
                    if let Some(near) = known.find(|k| strsim::damerau_levenshtein(&key, k) == 1) {
                        fields.warnings.push(
                            Diagnostic::warning("unknown-field", path, at, format!("'{key}' is not a field kbgen knows; it is passed to templates as it is"))
                                .with_help(format!("did you mean '{near}'?")),
                        );
                    }
                    match serde_json::to_value(&value) {
                        Ok(v) => {
                            fields.extra.insert(key, v);
                        }
                        Err(e) => diags.push(
                            Diagnostic::error(
                                "wrong-type",
                                path,
                                at,
                                format!("field '{key}' cannot be passed to templates: {e}"),
                            )
                            .with_help("use plain text, numbers, lists and maps with text keys"),
                        ),
                    }
                }
            }
        }
    }
    if !has_title
        && !diags
            .iter()
            .any(|d| d.code == "missing-title" || d.message.starts_with("field 'title'"))
    {
        diags.push(
            Diagnostic::error("missing-title", path, (1, 1), "the article has no title")
                .with_help("add a `title: ...` line to the front matter"),
        );
    }
    fields.relations = kind
        .relations
        .iter()
        .zip(relations)
        .map(|(r, items)| (r.field.clone(), items.unwrap_or_default()))
        .collect();
    if diags.is_empty() { Ok(fields) } else { Err(diags) }
}

/// Rewrites serde_yaml's "line N column M" (counted in the block) to lines of the file.
fn shift_yaml_lines(message: &str, by: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// Byte offset of `key:` at the start of a line of the block.
fn find_top_level_key(yaml: &str, key: &str) -> Option<usize> {
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(key)
            && rest.trim_start_matches([' ', '\t']).starts_with(':')
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// Byte offset of the first top-level key after the line at `from`, or the block's end.
fn next_top_level_key(yaml: &str, from: usize) -> usize {
    let mut offset = from;
    let mut lines = yaml[from..].split_inclusive('\n');
    if let Some(first) = lines.next() {
        offset += first.len();
    }
    for line in lines {
        if line.starts_with(|c: char| !c.is_whitespace() && c != '-' && c != '#') {
            return offset;
        }
        offset += line.len();
    }
    yaml.len()
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::Null => Some(Vec::new()),
        Value::Sequence(seq) => seq.iter().map(scalar_text).collect(),
        _ => None,
    }
}

/// Text of a scalar list item; numbers count, since a tag or slug like `2026` is text to us.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing".to_owned(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text '{s}'"),
        Value::Sequence(_) => "a list".to_owned(),
        Value::Mapping(_) => "a map".to_owned(),
        Value::Tagged(_) => "a tagged value".to_owned(),
    }
}

fn type_help(key: &str, expected: &str) -> String {
    match expected {
        "a list of text" | "a list of slugs" => {
            format!("write `{key}: [first, second]` or one `- item` per line")
        }
        "a whole number" => format!("write `{key}: 10`"),
        "true or false" => format!("write `{key}: true` or `{key}: false`"),
        "a date like 2026-11-20" => {
            format!("write `{key}: 2026-11-20` or `{key}: 2026-11-20T08:00:00+08:00`")
        }
        _ => format!("write `{key}: 你的文字`; quote it if it starts with `[` or `{{`"),
    }
}

/// `YYYY-MM-DD`, or that followed by `THH:MM:SS` and `Z` or `±HH:MM`, as Atom and the
/// sitemap need; every other form is refused, so a date can never carry markup.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let num =
        |r: std::ops::Range<usize>| if digits(r.clone()) { s[r].parse::<u8>().ok() } else { None };
    let date = digits(0..4)
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && num(5..7).is_some_and(|m| (1..=12).contains(&m))
        && num(8..10).is_some_and(|d| (1..=31).contains(&d));
    if !date || b.len() == 10 {
        return date && b.len() == 10;
    }
    let time = b.get(10) == Some(&b'T')
        && num(11..13).is_some_and(|h| h < 24)
        && b.get(13) == Some(&b':')
        && num(14..16).is_some_and(|m| m < 60)
        && b.get(16) == Some(&b':')
        && num(17..19).is_some_and(|s| s < 61);
    let zone = match b.get(19..) {
        Some(b"Z") => true,
        Some([sign, h1, h2, b':', m1, m2]) => {
            matches!(sign, b'+' | b'-') && [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit())
        }
        _ => false,
    };
    time && zone
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Relation;

    fn kind() -> KindDef {
        KindDef {
            name: "symptom".into(),
            dir: "symptoms".into(),
            label: "症状".into(),
            relations: vec![Relation { field: "causes".into(), target: "cause".into() }],
        }
    }

    fn read(text: &str) -> Result<Fields, Vec<Diagnostic>> {
        let path = Path::new("a.md");
        let split = split(path, text).map_err(|d| vec![d])?;
        read_fields(path, text, &LineIndex::new(text), &split, &kind())
    }

    #[test]
    fn reads_common_relation_and_extra_fields() {
        let f = read("---\ntitle: 终端被停用\ntags: [停用]\nweight: 3\ncauses:\n  - risk\n  - network\nchecks: [看屏幕]\n---\n正文").unwrap();
        assert_eq!(f.title, "终端被停用");
        assert_eq!(f.weight, 3);
        assert_eq!(f.relations[0].1, [("risk".to_owned(), (6, 5)), ("network".to_owned(), (7, 5))]);
        assert_eq!(f.extra["checks"], serde_json::json!(["看屏幕"]));
        assert!(f.warnings.is_empty());
    }

    #[test]
    fn a_misspelt_field_is_a_warning_that_names_the_right_one() {
        let f = read("---\ntitle: x\ncuases: [a]\n---\n").unwrap();
        assert_eq!(f.warnings.len(), 1);
        assert_eq!((f.warnings[0].line, f.warnings[0].code), (3, "unknown-field"));
        assert_eq!(f.warnings[0].help.as_deref(), Some("did you mean 'causes'?"));
        // A kind-specific field that merely resembles one is fine.
        assert!(read("---\ntitle: x\ntime: 5 分钟\n---\n").unwrap().warnings.is_empty());
    }

    #[test]
    fn each_wrong_type_is_reported_on_its_own_line() {
        let text = "---\ntitle: [a]\nsummary: 1\naliases: x\ntags: {a: b}\nweight: 高\ndraft: 是\nupdated: 昨天\ncauses: 3\n---\n";
        let diags = read(text).unwrap_err();
        let lines: Vec<_> = diags.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(
            lines,
            [
                (2, "wrong-type"),
                (3, "wrong-type"),
                (4, "wrong-type"),
                (5, "wrong-type"),
                (6, "wrong-type"),
                (7, "wrong-type"),
                (8, "wrong-type"),
                (9, "wrong-type")
            ]
        );
        assert!(diags[5].message.contains("'draft' must be true or false"), "{}", diags[5].message);
    }

    #[test]
    fn yaml_errors_count_lines_in_the_file() {
        let diags = read("---\ntitle: ok\nsummary: [unclosed\n---\n").unwrap_err();
        assert_eq!(diags[0].code, "invalid-yaml");
        assert_eq!((diags[0].line, diags[0].col), (4, 1), "{:?}", diags[0]);
        // The library's own "line N" is rewritten to count in the file, too.
        assert_eq!(
            shift_yaml_lines("at line 2 column 3, near line 1", 1),
            "at line 3 column 3, near line 2"
        );
    }

    #[test]
    fn missing_title_and_fences() {
        assert_eq!(read("---\nsummary: x\n---\n").unwrap_err()[0].code, "missing-title");
        assert_eq!(read("title: x\n").unwrap_err()[0].code, "missing-front-matter");
        assert_eq!(read("---\ntitle: x\n").unwrap_err()[0].code, "unclosed-front-matter");
        assert!(read("---\r\ntitle: x\r\n---\r\nbody").is_ok());
    }

    #[test]
    fn quoted_keys_and_odd_layouts_do_not_panic() {
        let f = read("---\n\"causes\": [a, b]\ntitle: x\n---\n").unwrap();
        assert_eq!(f.relations[0].1.len(), 2);
        let f = read("---\ntitle: x\ncauses: [a, a, a]\n---\n").unwrap();
        let cols: Vec<_> = f.relations[0].1.iter().map(|(_, pos)| pos.1).collect();
        assert_eq!(cols, [10, 13, 16], "repeated slugs point at their own occurrence");
    }

    #[test]
    fn dates() {
        assert!(is_date("2026-11-20"));
        assert!(is_date("2026-11-20T08:00:00+08:00"));
        assert!(is_date("2026-11-20T08:00:00Z"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("20261120"));
        assert!(!is_date("2026-+1-01"));
        assert!(!is_date("2026-11-20T08:00"));
        assert!(!is_date("2026-11-20T</updated><x>00:00"));
    }
}
