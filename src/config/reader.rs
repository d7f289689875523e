//! Reads the parsed TOML table into a `Config`, key by key: each value checked for its type, each unknown key
//! a diagnostic at its line in the file.

use super::keys::{
    KNOWN_KEYS, LANGUAGE_KEYS, LINK_CHECKER_KEYS, MARKDOWN_KEYS, SEARCH_KEYS, SLUGIFY_KEYS,
    ZOLA_ONLY_HIGHLIGHTING_KEYS, ZOLA_ONLY_KEYS, ZOLA_ONLY_LANGUAGE_KEYS, ZOLA_ONLY_LINK_CHECKER_KEYS,
    ZOLA_ONLY_MARKDOWN_KEYS, ZOLA_ONLY_SLUGIFY_KEYS,
};
use super::{
    check_base_url, toml_to_json, Config, IndexFormat, InsertAnchor, LanguageConfig, Level, LinkCheckerConfig,
    MarkdownConfig, SlugifyConfig, TaxonomyConfig, ZolaSearchConfig, BASE_URL_HELP, CONFIG_FILES,
};
use crate::content::slug::SlugStyle;
use crate::error::{line_column, Diagnostic, Location};
use std::collections::BTreeMap;
use std::path::Path;

pub(super) struct Reader<'a> {
    text: &'a str,
    file: &'a Path,
    pub(super) diagnostics: Vec<Diagnostic>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(text: &'a str, file: &'a Path) -> Self {
        Reader { text, file, diagnostics: Vec::new() }
    }

    pub(super) fn config(&mut self, table: &toml::Table) -> Config {
        let mut config = Config::default();
        let (mut templating, mut skip) = (None, None);
        let mut root_translations = BTreeMap::new();
        for (key, value) in table {
            match key.as_str() {
                "title" => config.title = self.string(key, value),
                "description" => config.description = self.string(key, value),
                "base_url" => {
                    let base_url = self.string(key, value);
                    match check_base_url(&base_url) {
                        Ok(()) => config.set_base_url(&base_url),
                        Err(reason) => self.bad_base_url(&base_url, &reason),
                    }
                }
                "default_language" => config.default_language = self.string(key, value),
                "author" => config.author = Some(self.string(key, value)),
                "generate_feeds" => config.generate_feeds = self.bool(key, value),
                "feed_filenames" => config.feed_filenames = self.feed_filenames(key, value),
                "generate_print_page" => config.generate_print_page = self.bool(key, value),
                "generate_sitemap" => config.generate_sitemap = self.bool(key, value),
                "generate_robots_txt" => config.generate_robots_txt = self.bool(key, value),
                "build_search_index" => {
                    config.build_search_index = self.bool(key, value);
                    config.search.zola_index = config.build_search_index;
                }
                "search" => self.search(value, &mut config.search),
                "relative_urls" => config.relative_urls = self.bool(key, value),
                "taxonomies" => config.taxonomies = self.taxonomies(value),
                "markdown" => config.markdown = self.markdown(value),
                "slugify" => config.slugify = self.slugify(value),
                "link_checker" => config.link_checker = self.link_checker(value),
                "extra" => config.extra = toml_to_json(value),
                "follow_outside_symlinks" => config.follow_outside_symlinks = self.bool(key, value),
                "theme" => config.theme = Some(self.string(key, value)),
                "compile_sass" => config.compile_sass = self.bool(key, value),
                "git_dates" => config.git_dates = self.bool(key, value),
                "edit_url" => config.edit_url = self.edit_url(key, value),
                "markdown_twins" => config.markdown_twins = self.bool(key, value),
                "translations" => root_translations = self.translations(key, value),
                "languages" => config.languages = self.languages(value, &mut config.translations),
                "content_templating" => templating = Some(self.bool(key, value)),
                "skip_content_templating" => skip = Some(self.globs(key, value)),
                // Turning off a Zola feature Quire lacks anyway asks for nothing: no warning.
                _ if value.as_bool() == Some(false) && ZOLA_ONLY_KEYS.contains(&key.as_str()) => {}
                _ => self.unknown(key, KNOWN_KEYS, ZOLA_ONLY_KEYS, ""),
            }
        }
        if config.search.zola_index && !crate::search::zola::knows_language(&config.default_language) {
            config.search.zola_index = false;
            self.no_zola_index_for(&config.default_language);
        }
        for (code, language) in &config.languages {
            if config.search.zola_index && language.build_search_index && !crate::search::zola::knows_language(code) {
                self.no_zola_index_for(code);
            }
        }
        if !root_translations.is_empty() {
            config.translations.insert(config.default_language.clone(), root_translations);
        }
        // Zola's `[languages.DEFAULT]` only restates the default language's settings: its files have no suffix.
        config.languages.remove(&config.default_language);
        // Zola 0.23's own key, or its own file name (`zola.toml`: Zola 0.22 reads only `config.toml`), marks a 0.23
        // site; `content_templating` says so explicitly either way.
        let zola_toml = self.file.file_name().is_some_and(|name| name == CONFIG_FILES[0]);
        if templating.unwrap_or(skip.is_some() || zola_toml) {
            config.content_templating = Some(skip.unwrap_or_default());
        }
        config
    }

    /// A `translations` table: key → text.
    fn translations(&mut self, key: &str, value: &toml::Value) -> BTreeMap<String, String> {
        let Some(table) = self.table(key, value) else { return BTreeMap::new() };
        let mut texts = BTreeMap::new();
        for (name, text) in table {
            match text.as_str() {
                Some(text) => _ = texts.insert(name.clone(), text.to_string()),
                None => self.wrong_type(name, "a string (a `[translations]` entry)"),
            }
        }
        texts
    }

    /// Zola's `[languages.LANG]`: the language's title, description, feeds, search and taxonomies, and its
    /// `translations` (for `trans(lang=...)`).
    fn languages(
        &mut self,
        value: &toml::Value,
        translations: &mut BTreeMap<String, BTreeMap<String, String>>,
    ) -> BTreeMap<String, LanguageConfig> {
        let mut languages = BTreeMap::new();
        let Some(tables) = self.table("languages", value) else { return languages };
        for (code, settings) in tables {
            let Some(settings) = self.table(code, settings) else { continue };
            let mut language = LanguageConfig::default();
            for (key, value) in settings {
                match key.as_str() {
                    "title" => language.title = Some(self.string(key, value)),
                    "description" => language.description = Some(self.string(key, value)),
                    "generate_feeds" | "generate_feed" => language.generate_feeds = self.bool(key, value),
                    "build_search_index" => language.build_search_index = self.bool(key, value),
                    "search" => self.search(value, &mut language.search),
                    "taxonomies" => language.taxonomies = self.taxonomies(value),
                    "feed_filenames" => _ = self.feed_filenames(key, value),
                    "translations" => _ = translations.insert(code.clone(), self.translations(key, value)),
                    _ if value.as_bool() == Some(false) && ZOLA_ONLY_LANGUAGE_KEYS.contains(&key.as_str()) => {}
                    _ => self.unknown(key, LANGUAGE_KEYS, ZOLA_ONLY_LANGUAGE_KEYS, &format!("languages.{code}.")),
                }
            }
            languages.insert(code.clone(), language);
        }
        languages
    }

    /// Zola's `feed_filenames`: `["atom.xml"]` is what Quire writes; any other name is a warning (not written).
    fn feed_filenames(&mut self, key: &str, value: &toml::Value) -> Vec<String> {
        let names = self.strings(key, value);
        if names.iter().any(|name| name != "atom.xml") {
            let at = self.key_location(key);
            self.diagnostics.push(
                Diagnostic::warning(at, "config", format!("`{key}`: Quire writes the Atom feed `atom.xml` only"))
                    .with_help("other feeds (`rss.xml`...) are not written; list `atom.xml` alone to silence this"),
            );
        }
        names
    }

    /// `edit_url`, which must say where the page's path goes.
    fn edit_url(&mut self, key: &str, value: &toml::Value) -> Option<String> {
        let Some(url) = value.as_str() else {
            self.wrong_type(key, "a string with `{path}`");
            return None;
        };
        if url.contains("{path}") {
            return Some(url.to_string());
        }
        let at = self.key_location(key);
        self.diagnostics.push(
            Diagnostic::error(at, "config", format!("`edit_url` has no `{{path}}`: `{url}`")).with_help(
                "write `{path}` where the page's path under content/ goes, as in \
                 `https://github.com/ORG/REPO/edit/main/content/{path}`",
            ),
        );
        None
    }

    /// Glob patterns of files under `content/`, each checked now so a typo is reported at its line.
    fn globs(&mut self, key: &str, value: &toml::Value) -> Vec<String> {
        let patterns: Vec<String> = match value.as_array() {
            Some(items) => items.iter().filter_map(|item| item.as_str().map(str::to_string)).collect(),
            None => Vec::new(),
        };
        let all_strings = value.as_array().is_some_and(|items| items.iter().all(toml::Value::is_str));
        if !all_strings {
            self.wrong_type(key, "an array of glob patterns such as `[\"themes/**\"]`");
        }
        for pattern in &patterns {
            if let Err(e) = globset::Glob::new(pattern) {
                let at = self.key_location(key);
                self.diagnostics.push(
                    Diagnostic::error(
                        at,
                        "config",
                        format!("`{key}`: `{pattern}` is not a glob pattern: {}", e.kind()),
                    )
                    .with_help("patterns are relative to content/, such as `themes/**` or `blog/*.md`"),
                );
            }
        }
        patterns
    }

    fn markdown(&mut self, value: &toml::Value) -> MarkdownConfig {
        let mut markdown = MarkdownConfig::default();
        let Some(table) = self.table("markdown", value) else {
            return markdown;
        };
        for (key, value) in table {
            match key.as_str() {
                "smart_punctuation" => markdown.smart_punctuation = self.bool(key, value),
                "highlight_code" => markdown.highlight_code = self.bool(key, value),
                "render_raw_html" => markdown.render_raw_html = self.bool(key, value),
                "external_links_target_blank" => markdown.external_links_target_blank = self.bool(key, value),
                "external_links_no_follow" => markdown.external_links_no_follow = self.bool(key, value),
                "external_links_no_referrer" => markdown.external_links_no_referrer = self.bool(key, value),
                "external_links_class" => {
                    let class = self.string(key, value);
                    markdown.external_links_class = (!class.is_empty()).then_some(class);
                }
                "definition_list" => markdown.definition_list = self.bool(key, value),
                "highlighting" => {
                    markdown.highlight_code = self.highlighting(value);
                    markdown.highlighting = Some(toml_to_json(value));
                }
                "math" => markdown.math = self.bool(key, value),
                "insert_anchor_links" => match value.as_str().and_then(InsertAnchor::from_name) {
                    Some(insert) => markdown.insert_anchor_links = Some(insert),
                    None => self.wrong_type(key, InsertAnchor::EXPECTED),
                },
                _ if value.as_bool() == Some(false) && ZOLA_ONLY_MARKDOWN_KEYS.contains(&key.as_str()) => {}
                _ => self.unknown(key, MARKDOWN_KEYS, ZOLA_ONLY_MARKDOWN_KEYS, "markdown."),
            }
        }
        markdown
    }

    /// Zola 0.20+'s `[markdown.highlighting]`: the table turns highlighting on.
    fn highlighting(&mut self, value: &toml::Value) -> bool {
        let Some(table) = self.table("highlighting", value) else {
            return false;
        };
        for (key, value) in table {
            match key.as_str() {
                // Names the stylesheets written for `class` (`markdown::zola_stylesheets`); `inline` is Zola's default.
                "style" if matches!(value.as_str(), Some("class" | "inline")) => {}
                "style" => self.wrong_type(key, "`\"class\"` or `\"inline\"`"),
                _ => self.unknown(key, &["style"], ZOLA_ONLY_HIGHLIGHTING_KEYS, "markdown.highlighting."),
            }
        }
        true
    }

    fn slugify(&mut self, value: &toml::Value) -> SlugifyConfig {
        let mut slugify = SlugifyConfig::default();
        let Some(table) = self.table("slugify", value) else {
            return slugify;
        };
        for (key, value) in table {
            let style = match key.as_str() {
                "paths" => &mut slugify.paths,
                "taxonomies" => &mut slugify.taxonomies,
                "anchors" => &mut slugify.anchors,
                _ if value.as_bool() == Some(false) && ZOLA_ONLY_SLUGIFY_KEYS.contains(&key.as_str()) => continue,
                _ => {
                    self.unknown(key, SLUGIFY_KEYS, ZOLA_ONLY_SLUGIFY_KEYS, "slugify.");
                    continue;
                }
            };
            match value.as_str().and_then(SlugStyle::from_name) {
                // `github` is for heading ids only: in paths it would keep characters URLs must escape.
                Some(SlugStyle::Github) if key != "anchors" => {
                    self.wrong_type(key, "`\"on\"`, `\"safe\"` or `\"off\"` (`\"github\"` is for `anchors` only)")
                }
                Some(chosen) => *style = chosen,
                None => self.wrong_type(key, "`\"on\"`, `\"safe\"`, `\"off\"` or, for `anchors`, `\"github\"`"),
            }
        }
        slugify
    }

    /// Zola's `[search]` table into `search`, whose `zola_index` the caller sets.
    fn search(&mut self, value: &toml::Value, search: &mut ZolaSearchConfig) {
        let Some(table) = self.table("search", value) else { return };
        for (key, value) in table {
            match key.as_str() {
                "include_title" => search.include_title = self.bool(key, value),
                "include_content" => search.include_content = self.bool(key, value),
                "include_description" => search.include_description = self.bool(key, value),
                "include_date" => search.include_date = self.bool(key, value),
                "include_path" => search.include_path = self.bool(key, value),
                "truncate_content_length" => match value.as_integer().map(usize::try_from) {
                    Some(Ok(length)) => search.truncate_content_length = Some(length),
                    _ => self.wrong_type(key, "a number of characters such as `200`"),
                },
                "index_format" => match IndexFormat::NAMES.iter().find(|(name, _)| Some(*name) == value.as_str()) {
                    Some((_, format)) => search.index_format = *format,
                    None => self.wrong_type(
                        key,
                        "`\"elasticlunr_javascript\"`, `\"elasticlunr_json\"`, `\"fuse_javascript\"` or `\"fuse_json\"`",
                    ),
                },
                _ => self.unknown(key, SEARCH_KEYS, &[], "search."),
            }
        }
    }

    /// elasticlunr has no word rules for `language`: Zola stops there; Quire writes its own index and says why
    /// Zola's is missing.
    fn no_zola_index_for(&mut self, language: &str) {
        let at = self.key_location("build_search_index");
        self.diagnostics.push(
            Diagnostic::warning(
                at,
                "config",
                format!("Zola's search index is not written: elasticlunr has no word rules for `{language}`"),
            )
            .with_help(format!(
                "Quire's own search (which needs no `build_search_index` line) handles every language; elasticlunr \
                 knows {}",
                crate::search::zola::LANGUAGES.join(", ")
            )),
        );
    }

    fn link_checker(&mut self, value: &toml::Value) -> LinkCheckerConfig {
        let mut link_checker = LinkCheckerConfig::default();
        let Some(table) = self.table("link_checker", value) else {
            return link_checker;
        };
        for (key, value) in table {
            match key.as_str() {
                "internal_level" => link_checker.internal_level = self.level(key, value),
                "external_level" => link_checker.external_level = self.level(key, value),
                "skip_prefixes" => link_checker.skip_prefixes = self.strings(key, value),
                "skip_anchor_prefixes" => link_checker.skip_anchor_prefixes = self.strings(key, value),
                _ => self.unknown(key, LINK_CHECKER_KEYS, ZOLA_ONLY_LINK_CHECKER_KEYS, "link_checker."),
            }
        }
        link_checker
    }

    fn level(&mut self, key: &str, value: &toml::Value) -> Level {
        match value.as_str() {
            Some("error") => Level::Error,
            Some("warn") => Level::Warn,
            _ => {
                self.wrong_type(key, "`\"error\"` or `\"warn\"`");
                Level::Error
            }
        }
    }

    fn strings(&mut self, key: &str, value: &toml::Value) -> Vec<String> {
        match value.as_array().map(|items| items.iter().map(|i| i.as_str().map(str::to_string)).collect()) {
            Some(Some(strings)) => strings,
            _ => {
                self.wrong_type(key, "a list of strings such as `[\"https://example.org/\"]`");
                Vec::new()
            }
        }
    }

    fn taxonomies(&mut self, value: &toml::Value) -> Vec<TaxonomyConfig> {
        let Some(items) = value.as_array() else {
            self.wrong_type("taxonomies", "an array such as `[{ name = \"tags\" }]`");
            return Vec::new();
        };
        let mut taxonomies = Vec::new();
        for item in items {
            match item.get("name").and_then(toml::Value::as_str) {
                Some(name) => taxonomies.push(TaxonomyConfig {
                    name: name.to_string(),
                    feed: item.get("feed").and_then(toml::Value::as_bool).unwrap_or(false),
                    paginate_by: item
                        .get("paginate_by")
                        .and_then(toml::Value::as_integer)
                        .and_then(|by| usize::try_from(by).ok())
                        .filter(|&by| by > 0),
                }),
                None => self.wrong_type("taxonomies", "tables with a `name`, such as `{ name = \"tags\" }`"),
            }
        }
        taxonomies
    }

    /// `value` as a table, or `None` with an error saying so.
    fn table<'v>(&mut self, key: &str, value: &'v toml::Value) -> Option<&'v toml::Table> {
        if value.as_table().is_none() {
            self.wrong_type(key, &format!("a table (`[{key}]` and the keys below it)"));
        }
        value.as_table()
    }

    fn string(&mut self, key: &str, value: &toml::Value) -> String {
        match value.as_str() {
            Some(s) => s.to_string(),
            None => {
                self.wrong_type(key, "a string");
                String::new()
            }
        }
    }

    fn bool(&mut self, key: &str, value: &toml::Value) -> bool {
        match value.as_bool() {
            Some(b) => b,
            None => {
                self.wrong_type(key, "`true` or `false`");
                false
            }
        }
    }

    fn bad_base_url(&mut self, base_url: &str, reason: &str) {
        let at = self.key_location("base_url");
        self.diagnostics.push(
            Diagnostic::error(at, "config", format!("`base_url = \"{base_url}\"` {reason}")).with_help(BASE_URL_HELP),
        );
    }

    fn wrong_type(&mut self, key: &str, expected: &str) {
        let at = self.key_location(key);
        self.diagnostics.push(
            Diagnostic::error(at, "config", format!("`{key}` has the wrong type"))
                .with_help(format!("`{key}` takes {expected}")),
        );
    }

    fn unknown(&mut self, key: &str, known: &[&str], zola_only: &[&str], prefix: &str) {
        let at = self.key_location(key);
        if zola_only.contains(&key) {
            self.diagnostics.push(
                Diagnostic::warning(
                    at,
                    "config",
                    format!("`{prefix}{key}` is a Zola setting Quire does not implement yet"),
                )
                .with_help("it is ignored; remove it to silence this warning"),
            );
            return;
        }
        let help = match crate::text::nearest(key, known) {
            Some(near) => format!("did you mean `{prefix}{near}`?"),
            None => format!("valid keys here: {}", known.join(", ")),
        };
        self.diagnostics.push(Diagnostic::error(at, "config", format!("unknown key `{prefix}{key}`")).with_help(help));
    }

    /// Where `key` is defined: the first line that starts with it.
    fn key_location(&self, key: &str) -> Location {
        let mut offset = 0;
        for line in self.text.split_inclusive('\n') {
            let trimmed = line.trim_start();
            let rest = trimmed.strip_prefix(key).map(str::trim_start);
            let is_key = matches!(rest, Some(r) if r.starts_with('=') || r.starts_with(']'))
                || trimmed.strip_prefix('[').and_then(|t| t.strip_prefix(key)).is_some_and(|r| r.starts_with(']'));
            if is_key {
                let column_offset = offset + (line.len() - trimmed.len());
                let (line, column) = line_column(self.text, column_offset);
                return Location::new(self.file, line, column);
            }
            offset += line.len();
        }
        Location::file(self.file)
    }
}
