//! Splits a content file into front matter and body, and reads the front matter into `FrontMatter`.
//! Errors and warnings carry file, line and column in the whole file, not in the front-matter slice.

use crate::config::{toml_to_json, InsertAnchor};
use crate::error::{line_column, Diagnostic, Location};
use crate::text::nearest;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// A content file cut in two; offsets are bytes from the start of the file.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    pub front_matter: &'a str,
    pub front_matter_offset: usize,
    pub body: &'a str,
    pub body_offset: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    /// No front matter at all: the whole file is body.
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    /// Zola's `update_date`: the later of `updated` and `date`, newest first.
    #[serde(rename = "update_date")]
    UpdateDate,
    Title,
    /// Zola's `slug` and `permalink`: by the page's slug or address.
    Slug,
    Permalink,
    None,
}

/// Front matter of a page or a section; section-only keys are ignored on pages (with a warning).
#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub slug: Option<String>,
    pub path: Option<String>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// Zola's `authors` of a page.
    pub authors: Vec<String>,
    pub extra: Map<String, Value>,
    pub sort_by: SortBy,
    pub paginate_by: Option<usize>,
    pub render: bool,
    pub transparent: bool,
    pub page_template: Option<String>,
    /// A section's `insert_anchor_links`, for its own body and its pages' (Zola's rule: the nearest section only).
    pub insert_anchor_links: Option<InsertAnchor>,
    /// Zola's `redirect_to` of a section: its page is a redirect there (a path under `base_url`, or a URL).
    pub redirect_to: Option<String>,
    pub in_search_index: bool,
    /// Line (1-based) where each key is written, for diagnostics about values (e.g. a broken relation).
    pub key_lines: BTreeMap<String, usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Page,
    Section,
}

const PAGE_KEYS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "path",
    "aliases",
    "template",
    "taxonomies",
    "extra",
    "in_search_index",
    "authors",
];
const SECTION_KEYS: &[&str] = &[
    "title",
    "description",
    "weight",
    "draft",
    "sort_by",
    "paginate_by",
    "render",
    "transparent",
    "template",
    "page_template",
    "extra",
    "aliases",
    "in_search_index",
    "insert_anchor_links",
    "paginate_path",
    "paginate_reversed",
    "redirect_to",
    "generate_feeds",
];

/// Splits `text` into front matter and body. A file whose first non-blank line does not start with `+++` or
/// `---` has no front matter; blank lines before the fence are allowed, as in Zola.
pub fn split_front_matter<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let blank = text[bom..].len() - text[bom..].trim_start().len();
    // Only whole blank lines are skipped: the fence starts a line, and a line indented by four spaces is code.
    let blank = text[bom..bom + blank].rfind('\n').map_or(0, |i| i + 1);
    let fence_line = line_column(text, bom + blank).0;
    let bom = bom + blank;
    let rest = &text[bom..];
    let (format, fence) = if rest.starts_with("+++") {
        (Format::Toml, "+++")
    } else if rest.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        let start = bom - blank;
        return Ok(Split {
            format: Format::None,
            front_matter: "",
            front_matter_offset: start,
            body: &text[start..],
            body_offset: start,
        });
    };
    let first_line_end = match rest.find('\n') {
        Some(i) => i + 1,
        None => rest.len(),
    };
    if rest[..first_line_end].trim_end() != fence {
        return Err(Diagnostic::error(
            Location::new(file, fence_line, 1),
            "front matter",
            format!("the opening `{fence}` must be alone on its line"),
        )
        .with_help(format!(
            "put `{fence}` on the first line, the front matter below it, and `{fence}` again after it"
        )));
    }
    let mut offset = first_line_end;
    for line in rest[first_line_end..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let front_matter = &rest[first_line_end..offset];
            let body_start = offset + line.len();
            return Ok(Split {
                format,
                front_matter,
                front_matter_offset: bom + first_line_end,
                body: &rest[body_start..],
                body_offset: bom + body_start,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::error(
        Location::new(file, fence_line, 1),
        "front matter",
        format!("the front matter opened with `{fence}` is never closed"),
    )
    .with_help(format!("add a line with only `{fence}` after the front matter")))
}

/// Reads the front matter of `split` (from the file `text`). Unknown keys go to `extra` with a warning.
pub fn parse_front_matter(
    text: &str,
    split: &Split<'_>,
    file: &Path,
    kind: Kind,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FrontMatter> {
    let at_offset = |offset: usize| Location::offset_in(file, text, split.front_matter_offset + offset);
    let map: Map<String, Value> = match split.format {
        Format::None => return Some(FrontMatter { render: true, in_search_index: true, ..FrontMatter::default() }),
        Format::Toml => match toml::from_str::<toml::Table>(split.front_matter) {
            Ok(table) => table.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect(),
            Err(e) => {
                let at = at_offset(e.span().map_or(0, |s| s.start));
                // TOML's message may span lines ("invalid string\nexpected ..."); a diagnostic is one line.
                let message = e.message().trim().replace('\n', "; ");
                diagnostics.push(
                    Diagnostic::error(at, "front matter", format!("invalid TOML: {message}"))
                        .with_help("front matter between `+++` lines is TOML: `title = \"My page\"`"),
                );
                return None;
            }
        },
        Format::Yaml => match serde_yaml_ng::from_str::<Value>(split.front_matter) {
            Ok(Value::Object(map)) => map,
            Ok(Value::Null) => Map::new(),
            Ok(_) => {
                diagnostics.push(
                    Diagnostic::error(
                        at_offset(0),
                        "front matter",
                        "YAML front matter must be a mapping of keys to values",
                    )
                    .with_help("write `title: My page` lines between the `---` lines"),
                );
                return None;
            }
            Err(e) => {
                let at = match e.location() {
                    Some(l) => at_offset(l.index()),
                    None => at_offset(0),
                };
                let lines_before = line_column(text, split.front_matter_offset).0 - 1;
                let message = shift_yaml_lines(&e.to_string(), lines_before);
                diagnostics.push(
                    Diagnostic::error(at, "front matter", format!("invalid YAML: {message}"))
                        .with_help("front matter between `---` lines is YAML: `title: My page`"),
                );
                return None;
            }
        },
    };
    let mut reader = Reader { text, split, file, kind, diagnostics, failed: false };
    let front_matter = reader.read(map);
    (!reader.failed).then_some(front_matter)
}

struct Reader<'a, 'd> {
    text: &'a str,
    split: &'a Split<'a>,
    file: &'a Path,
    kind: Kind,
    diagnostics: &'d mut Vec<Diagnostic>,
    failed: bool,
}

impl Reader<'_, '_> {
    fn read(&mut self, map: Map<String, Value>) -> FrontMatter {
        let mut fm = FrontMatter { render: true, in_search_index: true, ..FrontMatter::default() };
        let known = match self.kind {
            Kind::Page => PAGE_KEYS,
            Kind::Section => SECTION_KEYS,
        };
        for key in map.keys() {
            if let Some(line) = self.key_line(key) {
                fm.key_lines.insert(key.clone(), line);
            }
        }
        for (key, value) in map {
            if !known.contains(&key.as_str()) {
                self.unknown_key(&key, known);
                fm.extra.insert(key, value);
                continue;
            }
            match key.as_str() {
                "title" => fm.title = self.string(&key, &value),
                "description" => fm.description = self.string(&key, &value),
                "date" => fm.date = self.date(&key, &value),
                "updated" => fm.updated = self.date(&key, &value),
                "weight" => fm.weight = self.integer(&key, &value),
                "draft" => fm.draft = self.boolean(&key, &value).unwrap_or(false),
                "slug" => fm.slug = self.string(&key, &value),
                "path" => fm.path = self.string(&key, &value).filter(|path| self.address(&key, path, false)),
                "aliases" => {
                    let aliases = self.strings(&key, &value);
                    fm.aliases = aliases.into_iter().filter(|alias| self.address(&key, alias, true)).collect();
                }
                "template" => fm.template = self.string(&key, &value),
                "page_template" => fm.page_template = self.string(&key, &value),
                "render" => fm.render = self.boolean(&key, &value).unwrap_or(true),
                "transparent" => fm.transparent = self.boolean(&key, &value).unwrap_or(false),
                "in_search_index" => fm.in_search_index = self.boolean(&key, &value).unwrap_or(true),
                "paginate_by" => fm.paginate_by = self.integer(&key, &value).map(|n| n.max(0) as usize),
                "sort_by" => fm.sort_by = self.sort_by(&key, &value),
                "redirect_to" => fm.redirect_to = self.string(&key, &value),
                "insert_anchor_links" => match value.as_str().and_then(InsertAnchor::from_name) {
                    Some(insert) => fm.insert_anchor_links = Some(insert),
                    None => self.wrong_type(&key, InsertAnchor::EXPECTED),
                },
                "taxonomies" => fm.taxonomies = self.taxonomies(&key, value),
                "authors" => fm.authors = self.strings(&key, &value),
                "extra" => match value {
                    Value::Object(extra) => fm.extra.extend(extra),
                    _ => self.wrong_type(&key, "a table (`[extra]`)"),
                },
                // Accepted for Zola compatibility; templates read them from `extra` if they need them.
                _ => {
                    fm.extra.insert(key, value);
                }
            }
        }
        fm
    }

    fn unknown_key(&mut self, key: &str, known: &[&str]) {
        let at = self.location(key);
        let mut diagnostic =
            Diagnostic::warning(at, "front matter", format!("unknown key `{key}` (kept as `extra.{key}`)"));
        diagnostic = match nearest(key, known) {
            Some(near) => diagnostic.with_help(format!("did you mean `{near}`?")),
            None => diagnostic.with_help(format!(
                "move it under `[extra]` to silence this warning; known keys: {}",
                known.join(", ")
            )),
        };
        self.diagnostics.push(diagnostic);
    }

    fn string(&mut self, key: &str, value: &Value) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            _ => {
                self.wrong_type(key, "a string");
                None
            }
        }
    }

    fn strings(&mut self, key: &str, value: &Value) -> Vec<String> {
        match value {
            Value::Array(items) if items.iter().all(Value::is_string) => {
                items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
            }
            Value::String(s) => vec![s.clone()],
            _ => {
                self.wrong_type(key, "a list of strings");
                Vec::new()
            }
        }
    }

    fn integer(&mut self, key: &str, value: &Value) -> Option<i64> {
        match value.as_i64() {
            Some(n) => Some(n),
            None => {
                self.wrong_type(key, "a whole number");
                None
            }
        }
    }

    fn boolean(&mut self, key: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            _ => {
                self.wrong_type(key, "`true` or `false`");
                None
            }
        }
    }

    fn date(&mut self, key: &str, value: &Value) -> Option<String> {
        let Value::String(text) = value else {
            self.wrong_type(key, "a date such as 2024-05-01 or 2024-05-01T10:00:00Z");
            return None;
        };
        if is_date(text) {
            return Some(text.clone());
        }
        let at = self.location(key);
        self.diagnostics.push(
            Diagnostic::error(at, "front matter", format!("`{key}` is not a date: `{text}`"))
                .with_help("write a date as 2024-05-01, or a date and time as 2024-05-01T10:00:00Z"),
        );
        self.failed = true;
        None
    }

    fn sort_by(&mut self, key: &str, value: &Value) -> SortBy {
        match value.as_str() {
            Some("weight") => SortBy::Weight,
            Some("date") => SortBy::Date,
            Some("update_date") => SortBy::UpdateDate,
            Some("title") | Some("title_bytes") => SortBy::Title,
            Some("slug") => SortBy::Slug,
            Some("permalink") => SortBy::Permalink,
            Some("none") => SortBy::None,
            _ => {
                self.wrong_type(
                    key,
                    "one of \"weight\", \"date\", \"update_date\", \"title\", \"title_bytes\", \"slug\", \"permalink\", \"none\"",
                );
                SortBy::default()
            }
        }
    }

    fn taxonomies(&mut self, key: &str, value: Value) -> BTreeMap<String, Vec<String>> {
        let Value::Object(map) = value else {
            self.wrong_type(key, "a table such as `[taxonomies]` with `tags = [\"a\", \"b\"]`");
            return BTreeMap::new();
        };
        let mut taxonomies = BTreeMap::new();
        for (name, terms) in map {
            let terms = self.strings(&format!("taxonomies.{name}"), &terms);
            taxonomies.insert(name, terms);
        }
        taxonomies
    }

    /// Whether `address` (a `path` or an alias) names a place inside the site; an error at its line if not. An
    /// alias also may not be the home page, which the root section always has.
    fn address(&mut self, key: &str, address: &str, alias: bool) -> bool {
        let components = address.split('/').filter(|c| !c.is_empty());
        let problem = if address.contains("://") || address.starts_with("//") || address.contains('\\') {
            Some("is a URL, not a path inside the site")
        } else if components.clone().any(|c| c == ".." || c == ".") {
            Some("leaves its place with `.` or `..`: every page is written inside the output folder")
        } else if alias && components.count() == 0 {
            Some("is the home page, which the root section always has")
        } else {
            None
        };
        let Some(problem) = problem else {
            return true;
        };
        let at = self.location(key);
        self.diagnostics.push(
            Diagnostic::error(at, "front matter", format!("`{key}` value `{address}` {problem}"))
                .with_help(format!("write `{key}` as a path from the site's root, such as \"guide/old-name/\"")),
        );
        // The page itself is fine: it keeps its address from its file name, so links to it still resolve.
        false
    }

    fn wrong_type(&mut self, key: &str, expected: &str) {
        let at = self.location(key.rsplit('.').next().unwrap_or(key));
        self.diagnostics.push(
            Diagnostic::error(at, "front matter", format!("`{key}` has the wrong type"))
                .with_help(format!("`{key}` takes {expected}")),
        );
        self.failed = true;
    }

    fn location(&self, key: &str) -> Location {
        match self.key_offset(key) {
            Some(offset) => {
                let (line, column) = line_column(self.text, self.split.front_matter_offset + offset);
                Location::new(self.file, line, column)
            }
            None => Location::new(self.file, line_column(self.text, self.split.front_matter_offset).0, 1),
        }
    }

    fn key_line(&self, key: &str) -> Option<usize> {
        self.key_offset(key).map(|o| line_column(self.text, self.split.front_matter_offset + o).0)
    }

    /// Byte offset in the front matter of the line that defines `key` (`key =`, `key:` or `[key]`).
    fn key_offset(&self, key: &str) -> Option<usize> {
        let mut offset = 0;
        for line in self.split.front_matter.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            let bare = trimmed.strip_prefix('[').unwrap_or(trimmed);
            let bare = bare.strip_prefix('"').unwrap_or(bare);
            if let Some(rest) = bare.strip_prefix(key) {
                let rest = rest.trim_start_matches('"').trim_start();
                if rest.starts_with('=') || rest.starts_with(':') || rest.starts_with(']') {
                    return Some(offset + indent);
                }
            }
            offset += line.len();
        }
        None
    }
}

/// YAML names positions in the front-matter slice (`at line 2 column 7`); count them from the top of the
/// file instead, as the diagnostic's own location does.
fn shift_yaml_lines(message: &str, lines_before: usize) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        match rest[..digits].parse::<usize>() {
            Ok(line) if rest[digits..].starts_with(" column ") => {
                out.push_str(&(line + lines_before).to_string());
                rest = &rest[digits..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// Whether `text` is a date Quire (and Tera's `date` filter) understands.
pub fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
        || chrono::DateTime::parse_from_rfc3339(text).is_ok()
        || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").is_ok()
        || chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, kind: Kind) -> (Option<FrontMatter>, Vec<Diagnostic>) {
        let file = Path::new("content/a.md");
        let mut diagnostics = Vec::new();
        let fm = match split_front_matter(text, file) {
            Ok(split) => parse_front_matter(text, &split, file, kind, &mut diagnostics),
            Err(d) => {
                diagnostics.push(d);
                None
            }
        };
        (fm, diagnostics)
    }

    fn first_message(text: &str) -> String {
        read(text, Kind::Page).1.first().map(ToString::to_string).unwrap_or_default()
    }

    #[test]
    fn splits_toml_yaml_and_none() {
        let file = Path::new("a.md");
        let toml = split_front_matter("+++\ntitle = \"a\"\n+++\nbody\n", file).unwrap();
        assert_eq!((toml.format, toml.front_matter, toml.body), (Format::Toml, "title = \"a\"\n", "body\n"));
        let yaml = split_front_matter("---\r\ntitle: a\r\n---\r\nbody", file).unwrap();
        assert_eq!((yaml.format, yaml.front_matter, yaml.body), (Format::Yaml, "title: a\r\n", "body"));
        let none = split_front_matter("just text", file).unwrap();
        assert_eq!((none.format, none.body), (Format::None, "just text"));
        let bom = split_front_matter("\u{feff}+++\n+++\nx", file).unwrap();
        assert_eq!((bom.format, bom.body, bom.body_offset), (Format::Toml, "x", 11));
    }

    /// Issue 14, defect 1: blank lines before the opening fence are allowed (as in Zola), never body text.
    #[test]
    fn issue_14_front_matter_after_blank_lines() {
        let text = "\n+++\ntitle = \"Ergo\"\n+++\nhello";
        let split = split_front_matter(text, Path::new("a.md")).unwrap();
        assert_eq!((split.format, split.front_matter, split.body), (Format::Toml, "title = \"Ergo\"\n", "hello"));
        let (front_matter, diagnostics) = read(text, Kind::Page);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(front_matter.and_then(|f| f.title).as_deref(), Some("Ergo"));
        let yaml = split_front_matter(" \r\n\n---\ntitle: a\n---\nbody", Path::new("a.md")).unwrap();
        assert_eq!((yaml.format, yaml.body, yaml.body_offset), (Format::Yaml, "body", 21));
        let none = split_front_matter("\n\nplain", Path::new("a.md")).unwrap();
        assert_eq!((none.format, none.body, none.body_offset), (Format::None, "\n\nplain", 0));
    }

    /// Issue 14, defect 1: a first non-blank line that looks like a fence but does not open front matter is an
    /// error at its own line, never silent body text.
    #[test]
    fn issue_14_broken_fence_after_blank_lines_is_an_error() {
        assert!(
            first_message("\n\n+++ title = \"Ergo\" +++\nhello")
                .starts_with("content/a.md:3:1: error: front matter: the opening `+++` must be alone on its line"),
            "{}",
            first_message("\n\n+++ title = \"Ergo\" +++\nhello")
        );
        assert!(first_message("\n+++\ntitle = \"Ergo\"\n")
            .starts_with("content/a.md:2:1: error: front matter: the front matter opened with `+++` is never closed"));
        assert!(
            first_message("\n+++\ntitle = = 1\n+++\n").contains("content/a.md:3:"),
            "{}",
            first_message("\n+++\ntitle = = 1\n+++\n")
        );
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        assert_eq!(
            first_message("+++\ntitle = \"a\"\n"),
            "content/a.md:1:1: error: front matter: the front matter opened with `+++` is never closed\n  help: add a line with only `+++` after the front matter"
        );
    }

    #[test]
    fn toml_syntax_error_points_into_the_file() {
        let message = first_message("+++\ntitle = \"a\"\nweight = = 3\n+++\n");
        assert!(message.starts_with("content/a.md:3:"), "{message}");
        assert!(message.contains("invalid TOML"), "{message}");
    }

    #[test]
    fn yaml_syntax_error_points_into_the_file() {
        let message = first_message("---\ntitle: a\ntags: [a, b\n---\n");
        assert!(message.starts_with("content/a.md:"), "{message}");
        assert!(message.contains("invalid YAML"), "{message}");
    }

    #[test]
    fn yaml_positions_count_from_the_top_of_the_file() {
        assert_eq!(
            shift_yaml_lines("x at line 3 column 7, while parsing y at line 2 column 1", 1),
            "x at line 4 column 7, while parsing y at line 3 column 1"
        );
        assert_eq!(shift_yaml_lines("the line 3 of a poem, line 9", 1), "the line 3 of a poem, line 9");
    }

    #[test]
    fn toml_error_is_one_line() {
        let message = first_message("+++\nweight = = 3\n+++\n");
        assert!(message.starts_with("content/a.md:2:10: error: front matter: invalid TOML: "), "{message}");
        assert_eq!(message.lines().count(), 2, "{message}");
    }

    #[test]
    fn unknown_key_is_kept_in_extra_with_a_hint() {
        let (fm, diagnostics) = read("+++\ntitel = \"x\"\n+++\n", Kind::Page);
        let fm = fm.unwrap();
        assert_eq!(fm.extra.get("titel"), Some(&Value::String("x".into())));
        assert_eq!(diagnostics.len(), 1);
        assert!(!diagnostics[0].is_error());
        assert!(diagnostics[0].to_string().starts_with("content/a.md:2:1: warning: front matter: unknown key `titel`"));
        assert_eq!(diagnostics[0].help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn wrong_types_and_bad_dates_are_errors() {
        assert!(first_message("+++\nweight = \"heavy\"\n+++\n")
            .contains("content/a.md:2:1: error: front matter: `weight` has the wrong type"));
        assert!(first_message("+++\ndate = \"yesterday\"\n+++\n").contains("`date` is not a date: `yesterday`"));
    }

    #[test]
    fn reads_every_known_field() {
        let text = "+++\ntitle = \"T\"\ndate = 2024-05-01\nweight = 3\ndraft = true\naliases = [\"/old/\"]\n[taxonomies]\ntags = [\"a\", \"b\"]\n[extra]\nrelated = [\"@/x.md\"]\n+++\n";
        let (fm, diagnostics) = read(text, Kind::Page);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let fm = fm.unwrap();
        assert_eq!(fm.title.as_deref(), Some("T"));
        assert_eq!(fm.date.as_deref(), Some("2024-05-01"));
        assert_eq!(fm.weight, Some(3));
        assert!(fm.draft);
        assert_eq!(fm.aliases, vec!["/old/"]);
        assert_eq!(fm.taxonomies["tags"], vec!["a", "b"]);
        assert_eq!(fm.key_lines["extra"], 9);
    }

    #[test]
    fn yaml_reads_like_toml() {
        let (fm, diagnostics) = read("---\ntitle: T\nweight: 2\ntaxonomies:\n  tags: [a]\n---\n", Kind::Page);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        let fm = fm.unwrap();
        assert_eq!((fm.title.as_deref(), fm.weight), (Some("T"), Some(2)));
        assert_eq!(fm.taxonomies["tags"], vec!["a"]);
    }

    #[test]
    fn zola_sort_orders() {
        let orders = [
            ("update_date", SortBy::UpdateDate),
            ("slug", SortBy::Slug),
            ("permalink", SortBy::Permalink),
            ("title_bytes", SortBy::Title),
        ];
        for (name, expected) in orders {
            let (fm, _) = read(&format!("+++\nsort_by = \"{name}\"\n+++\n"), Kind::Section);
            assert_eq!(fm.map(|fm| fm.sort_by), Some(expected), "{name}");
        }
    }

    #[test]
    fn section_keys() {
        let (fm, _) = read("+++\nsort_by = \"date\"\ntransparent = true\npaginate_by = 5\n+++\n", Kind::Section);
        let fm = fm.unwrap();
        assert_eq!((fm.sort_by, fm.transparent, fm.paginate_by), (SortBy::Date, true, Some(5)));
    }

    #[test]
    fn issue_14_insert_anchor_links_of_a_section() {
        for (name, expected) in InsertAnchor::NAMES {
            let (fm, problems) = read(&format!("+++\ninsert_anchor_links = \"{name}\"\n+++\n"), Kind::Section);
            assert!(problems.is_empty(), "{problems:?}");
            assert_eq!(fm.map(|fm| fm.insert_anchor_links), Some(Some(expected)), "{name}");
        }
        let (_, problems) = read("+++\ntitle = \"x\"\ninsert_anchor_links = \"above\"\n+++\n", Kind::Section);
        let message = problems.first().map(ToString::to_string).unwrap_or_default();
        assert!(message.contains(":3:") && message.contains("`\"heading\"`"), "{message}");
    }
}
