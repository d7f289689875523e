//! `zola.toml` or `config.toml` at the site root into a typed `Config` with defaults; none means defaults.
//! Zola keys Quire does not implement yet are warnings; any other unknown key is an error with a hint.

use crate::content::slug::SlugStyle;
use crate::error::{fs, Diagnostic, Error, Location, Result};
use std::collections::BTreeMap;
use std::path::Path;

mod base_url;
mod keys;
mod reader;

pub use base_url::{check_base_url, BASE_URL_HELP};
use reader::Reader;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Without a trailing slash, as Zola gives it to templates: `https://example.org/docs`.
    pub base_url: String,
    pub default_language: String,
    pub author: Option<String>,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub generate_feeds: bool,
    /// Zola's `feed_filenames`: what templates link; Quire writes the Atom feed, `atom.xml`, only.
    pub feed_filenames: Vec<String>,
    /// `/print/`: the whole site on one printable page (Quire's own key).
    pub generate_print_page: bool,
    pub generate_sitemap: bool,
    pub generate_robots_txt: bool,
    pub build_search_index: bool,
    /// Zola's `[search]`: the settings of Zola's search index, written only when config.toml itself says
    /// `build_search_index = true` (`zola_index`), as a Zola site does; Quire's own index needs no such line.
    pub search: ZolaSearchConfig,
    /// Links written relative to each page, with explicit `index.html`, so the output works from `file://`.
    pub relative_urls: bool,
    pub markdown: MarkdownConfig,
    /// `[slugify]`: how paths, taxonomy terms and heading ids are made from names.
    pub slugify: SlugifyConfig,
    /// `[link_checker]`: whether broken links are errors or warnings, and which are not checked.
    pub link_checker: LinkCheckerConfig,
    pub extra: serde_json::Value,
    /// Zola 0.23's content templating: each body is a Tera template, except files matching these patterns
    /// (`skip_content_templating`). `None`: Zola 0.22's shortcodes are the only calls run in content.
    #[serde(skip)]
    pub content_templating: Option<Vec<String>>,
    /// Zola's `theme = "name"`: `themes/name/` fills in templates, static files, Sass and `[extra]`.
    pub theme: Option<String>,
    /// Compile `sass/` (and the theme's) to CSS.
    pub compile_sass: bool,
    /// Pages' last and first commits from one `git log` (`page.git`; `page.updated` falls back to it).
    pub git_dates: bool,
    /// The address of a page's source, `{path}` standing for its path under `content/` (`page.edit_url`).
    pub edit_url: Option<String>,
    /// A Markdown twin beside each page's HTML (`index.md`) and the whole site as `llms-full.txt`.
    pub markdown_twins: bool,
    /// Zola's `[languages.LANG]`, the default language left out: each builds the files named `NAME.LANG.md`
    /// under `/LANG/`. Templates see it as `config.languages`, as Zola shows them to the default language.
    pub languages: BTreeMap<String, LanguageConfig>,
    /// Zola's `[translations]` (the default language's) and `[languages.LANG.translations]`, for `trans()`:
    /// language → key → text. Not shown to templates as such (Zola does not either).
    #[serde(skip)]
    pub translations: BTreeMap<String, BTreeMap<String, String>>,
    /// The last build's `processed_images/`, whose images are reused when still fresh; not a config.toml key.
    #[serde(skip)]
    pub image_cache: Option<std::path::PathBuf>,
    /// Follow symbolic links in content/, static/ and templates/ that lead out of the site (`walk`); off by
    /// default, so nothing outside the site root is ever read. Not shown to templates.
    #[serde(skip)]
    pub follow_outside_symlinks: bool,
    /// Build drafts too (`--drafts`); not a config.toml key.
    #[serde(skip)]
    pub drafts: bool,
    /// Whether the site uses the built-in theme, so that it gets the theme's static files, `syntax.css`, Quire's
    /// search index, `site.json` and `llms.txt`; a site whose templates are all its own gets only what Zola
    /// writes. Decided by `pipeline::files::uses_builtin_theme` from the templates; not a config.toml key.
    #[serde(skip)]
    pub uses_builtin_theme: bool,
    /// Whether lists of pages (`section.pages`, `paginator.pages`, `term.pages`, neighbours) carry each page's
    /// `content`, as Zola's do: only when a template may read it there (`Templates::reads_listed_content`), since
    /// a page's HTML is otherwise freed once its own page is rendered. Not a config.toml key.
    #[serde(skip)]
    pub lists_carry_content: bool,
}

/// One of Zola's `[languages.LANG]` tables: what that language's pages, sections and taxonomies use.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LanguageConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub generate_feeds: bool,
    pub build_search_index: bool,
    /// `[languages.LANG.search]`: the fields of this language's Zola search index (Zola's defaults, not the
    /// default language's `[search]`); its `index_format` is unused, the top-level one names every index.
    pub search: ZolaSearchConfig,
    pub taxonomies: Vec<TaxonomyConfig>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TaxonomyConfig {
    pub name: String,
    pub feed: bool,
    /// Zola's `paginate_by` of a taxonomy: each term's pages in pagers of this many.
    pub paginate_by: Option<usize>,
}

#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct SlugifyConfig {
    pub paths: SlugStyle,
    pub taxonomies: SlugStyle,
    pub anchors: SlugStyle,
}

/// Zola's `[search]`, with Zola's keys and defaults (Zola's `components/config/src/config/search.rs`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ZolaSearchConfig {
    /// Whether Zola's index is written: config.toml sets `build_search_index = true` itself (Zola's default is
    /// `false`, so a Zola site that wants its index says so) and elasticlunr knows `default_language`.
    #[serde(skip)]
    pub zola_index: bool,
    pub include_title: bool,
    pub include_content: bool,
    /// Cut each body to this many characters.
    pub truncate_content_length: Option<usize>,
    pub include_description: bool,
    pub include_date: bool,
    pub include_path: bool,
    pub index_format: IndexFormat,
}

/// Zola's `[search] index_format`: which library's index, as a script or as JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IndexFormat {
    #[default]
    ElasticlunrJavascript,
    ElasticlunrJson,
    FuseJavascript,
    FuseJson,
}

impl IndexFormat {
    const NAMES: [(&'static str, IndexFormat); 4] = [
        ("elasticlunr_javascript", IndexFormat::ElasticlunrJavascript),
        ("elasticlunr_json", IndexFormat::ElasticlunrJson),
        ("fuse_javascript", IndexFormat::FuseJavascript),
        ("fuse_json", IndexFormat::FuseJson),
    ];

    pub fn is_elasticlunr(self) -> bool {
        matches!(self, IndexFormat::ElasticlunrJavascript | IndexFormat::ElasticlunrJson)
    }

    /// A script (`window.searchIndex = ...`) rather than JSON.
    pub fn is_javascript(self) -> bool {
        matches!(self, IndexFormat::ElasticlunrJavascript | IndexFormat::FuseJavascript)
    }
}

impl Default for ZolaSearchConfig {
    fn default() -> ZolaSearchConfig {
        ZolaSearchConfig {
            zola_index: false,
            include_title: true,
            include_content: true,
            truncate_content_length: None,
            include_description: false,
            include_date: false,
            include_path: false,
            index_format: IndexFormat::default(),
        }
    }
}

impl ZolaSearchConfig {
    /// Zola's file name for the index of `language`: `search_index.en.js` or `search_index.en.json`.
    pub fn index_file(&self, language: &str) -> String {
        format!("search_index.{language}.{}", if self.index_format.is_javascript() { "js" } else { "json" })
    }
}

/// Zola's `[link_checker]`, with Zola's meaning.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LinkCheckerConfig {
    /// Broken `@/` links, anchors and links within the site.
    pub internal_level: Level,
    /// Broken http(s) links (`quire check --external`).
    pub external_level: Level,
    /// External URLs starting with one of these are not checked.
    pub skip_prefixes: Vec<String>,
    /// External URLs starting with one of these are checked without their `#anchor`.
    pub skip_anchor_prefixes: Vec<String>,
}

/// How serious a kind of problem is: `error` fails the build, `warn` reports it and writes the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Error,
    Warn,
}

impl LinkCheckerConfig {
    pub fn skips_external(&self, url: &str) -> bool {
        self.skip_prefixes.iter().any(|prefix| url.starts_with(prefix.as_str()))
    }

    pub fn skips_anchor_of(&self, url: &str) -> bool {
        self.skip_anchor_prefixes.iter().any(|prefix| url.starts_with(prefix.as_str()))
    }
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct MarkdownConfig {
    pub smart_punctuation: bool,
    pub highlight_code: bool,
    /// `false` escapes raw HTML found in Markdown instead of passing it through.
    pub render_raw_html: bool,
    pub external_links_target_blank: bool,
    pub external_links_no_follow: bool,
    pub external_links_no_referrer: bool,
    /// A class for every link to an http(s) URL (Zola's `external_links_class`).
    pub external_links_class: Option<String>,
    /// Definition lists (`Term` then `: definition`); on unless `definition_list = false`.
    pub definition_list: bool,
    /// `$...$` and `$$...$$` become MathML at build time (off unless `math = true`: `$` is common in prose).
    pub math: bool,
    /// Zola's `[markdown.highlighting]` as written, for templates (`config.markdown.highlighting.style`) and
    /// for the names of the stylesheets Zola writes with `style = "class"` (`markdown::zola_stylesheets`).
    pub highlighting: Option<serde_json::Value>,
    /// Zola's `insert_anchor_links` for every body whose section does not set it; `None` when config.toml does
    /// not say (Zola's default, no anchor link, except on pages the built-in theme lays out: `markdown::HeadingAnchor`).
    pub insert_anchor_links: Option<InsertAnchor>,
}

/// Zola's `insert_anchor_links` (config.toml's `[markdown]` and a section's front matter): where the anchor link of
/// each heading goes, made by the template `anchor-link.html`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InsertAnchor {
    None,
    /// Before the heading's text.
    Left,
    /// After the heading's text.
    Right,
    /// The whole text inside the template's opening `<a ...>` tag.
    Heading,
}

impl InsertAnchor {
    /// Zola's names, for reading and for the message that lists them.
    pub const NAMES: [(&'static str, InsertAnchor); 4] = [
        ("none", InsertAnchor::None),
        ("left", InsertAnchor::Left),
        ("right", InsertAnchor::Right),
        ("heading", InsertAnchor::Heading),
    ];
    pub const EXPECTED: &'static str = "one of `\"none\"`, `\"left\"`, `\"right\"`, `\"heading\"`";

    pub fn from_name(name: &str) -> Option<InsertAnchor> {
        InsertAnchor::NAMES.iter().find(|(known, _)| *known == name).map(|(_, value)| *value)
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            title: String::new(),
            description: String::new(),
            base_url: "/".trim_end_matches('/').to_string(),
            default_language: "en".into(),
            author: None,
            taxonomies: Vec::new(),
            generate_feeds: false,
            feed_filenames: vec!["atom.xml".into()],
            generate_print_page: false,
            generate_sitemap: true,
            generate_robots_txt: true,
            content_templating: None,
            theme: None,
            compile_sass: false,
            git_dates: false,
            edit_url: None,
            markdown_twins: false,
            image_cache: None,
            translations: BTreeMap::new(),
            languages: BTreeMap::new(),
            build_search_index: true,
            search: ZolaSearchConfig::default(),
            relative_urls: false,
            markdown: MarkdownConfig::default(),
            slugify: SlugifyConfig::default(),
            link_checker: LinkCheckerConfig::default(),
            extra: serde_json::Value::Object(Default::default()),
            follow_outside_symlinks: false,
            drafts: false,
            uses_builtin_theme: true,
            lists_carry_content: false,
        }
    }
}

impl Default for MarkdownConfig {
    fn default() -> MarkdownConfig {
        MarkdownConfig {
            smart_punctuation: false,
            // Zola's default: a Zola site's config means the same thing here.
            highlight_code: false,
            render_raw_html: true,
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
            external_links_class: None,
            definition_list: true,
            math: false,
            highlighting: None,
            insert_anchor_links: None,
        }
    }
}

impl Config {
    /// The path part of `base_url`, always starting and ending with `/`: `/` or `/docs/`.
    pub fn base_path(&self) -> String {
        let after_scheme = match self.base_url.find("://") {
            Some(i) => &self.base_url[i + 3..],
            None => return format!("{}/", self.base_url.trim_end_matches('/')).replace("//", "/"),
        };
        match after_scheme.find('/') {
            Some(i) => format!("{}/", after_scheme[i..].trim_end_matches('/')),
            None => "/".into(),
        }
    }

    /// Whether Quire's own search index (`search/`, which the built-in theme's search box reads) is written.
    pub fn writes_quire_search(&self) -> bool {
        self.build_search_index && self.uses_builtin_theme
    }

    /// Whether `sitemap.xml` can be written: sitemaps hold absolute URLs, so `base_url` needs a scheme and host.
    pub fn writes_sitemap(&self) -> bool {
        self.generate_sitemap && self.base_url.contains("://")
    }

    /// `base_url` + a site path such as `/principles/x/` or `style.css`.
    pub fn permalink(&self, site_path: &str) -> String {
        format!("{}/{}", self.base_url, site_path.trim_start_matches('/'))
    }

    /// Replaces `base_url`, keeping its meaning: no trailing slash.
    pub fn set_base_url(&mut self, base_url: &str) {
        self.base_url = base_url.trim_end_matches('/').to_string();
    }

    /// Where the source of the file at `relative_path` (under `content/`) is edited, when `edit_url` says.
    pub fn edit_url_of(&self, relative_path: &str) -> Option<String> {
        self.edit_url.as_ref().map(|url| url.replace("{path}", relative_path))
    }

    pub fn has_taxonomy(&self, name: &str) -> bool {
        self.taxonomies.iter().any(|t| t.name == name)
    }

    /// The taxonomies declared for `lang` (`None`: the default language).
    pub fn taxonomies_of(&self, lang: Option<&str>) -> &[TaxonomyConfig] {
        match lang.and_then(|lang| self.languages.get(lang)) {
            Some(language) => &language.taxonomies,
            None => &self.taxonomies,
        }
    }

    /// What the site paths of `lang` start with: `""` for the default language, `/fr` for French.
    pub fn language_prefix(lang: Option<&str>) -> String {
        lang.map_or_else(String::new, |lang| format!("/{lang}"))
    }

    /// `Some(lang)` when `lang` is one of the other languages config.toml declares; `None` for the default
    /// language (or no language given).
    pub fn other_language<'a>(&self, lang: Option<&'a str>) -> Option<&'a str> {
        lang.filter(|lang| self.languages.contains_key(*lang))
    }
}

/// The names a site's config file may have, in the order they are looked for (Zola 0.23 reads `zola.toml`
/// first, then `config.toml`).
pub const CONFIG_FILES: [&str; 2] = ["zola.toml", "config.toml"];

/// Reads `root/zola.toml` or else `root/config.toml`. Warnings are returned beside the config; errors fail the load.
pub fn load(root: &Path) -> Result<(Config, Vec<Diagnostic>)> {
    let (mut config, mut diagnostics) = load_file(root)?;
    if let Some(theme) = config.theme.clone() {
        add_theme_extra(root, &theme, &mut config, &mut diagnostics)?;
    }
    Ok((config, diagnostics))
}

fn load_file(root: &Path) -> Result<(Config, Vec<Diagnostic>)> {
    for name in CONFIG_FILES {
        if let Some(text) = fs::read_to_string_opt(&root.join(name))? {
            return parse(&text, Path::new(name));
        }
    }
    Ok((Config::default(), Vec::new()))
}

/// The theme's `theme.toml` `[extra]` under the site's: each key the site does not set, as in Zola.
fn add_theme_extra(root: &Path, theme: &str, config: &mut Config, diagnostics: &mut Vec<Diagnostic>) -> Result<()> {
    let file = Path::new("themes").join(theme).join("theme.toml");
    if !root.join("themes").join(theme).is_dir() {
        let at = Location::file("config.toml");
        diagnostics.push(
            Diagnostic::error(at, "config", format!("theme `{theme}` not found: no folder `themes/{theme}`"))
                .with_help("put the theme in `themes/`, e.g. `git clone URL themes/NAME`, or remove `theme`"),
        );
        return Err(Error::Site(std::mem::take(diagnostics)));
    }
    let Some(text) = fs::read_to_string_opt(&root.join(&file))? else { return Ok(()) };
    let table: toml::Table = toml::from_str(&text).map_err(|e| {
        let at = e.span().map_or(Location::file(&file), |span| Location::offset_in(&file, &text, span.start));
        Error::Site(vec![Diagnostic::error(at, "config", e.message().to_string())
            .with_help("fix the TOML syntax of the theme's theme.toml")])
    })?;
    if let (Some(theme_extra), Some(extra)) = (table.get("extra").map(toml_to_json), config.extra.as_object_mut()) {
        for (key, value) in theme_extra.as_object().into_iter().flatten() {
            extra.entry(key.clone()).or_insert_with(|| value.clone());
        }
    }
    Ok(())
}

/// Parses config text; `file` names it in diagnostics.
pub fn parse(text: &str, file: &Path) -> Result<(Config, Vec<Diagnostic>)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let at = match e.span() {
            Some(span) => Location::offset_in(file, text, span.start),
            None => Location::file(file),
        };
        Error::Site(vec![Diagnostic::error(at, "config", e.message().to_string())
            .with_help("fix the TOML syntax (see https://toml.io)")])
    })?;
    let mut reader = Reader::new(text, file);
    let config = reader.config(&table);
    if reader.diagnostics.iter().any(Diagnostic::is_error) {
        return Err(Error::Site(reader.diagnostics));
    }
    Ok((config, reader.diagnostics))
}

/// TOML values as JSON for templates; dates become ISO strings.
pub fn toml_to_json(value: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(items) => J::Array(items.iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => J::Object(table.iter().map(|(k, v)| (k.clone(), toml_to_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> (Config, Vec<Diagnostic>) {
        parse(text, Path::new("config.toml")).expect("config should parse")
    }

    fn parse_err(text: &str) -> String {
        match parse(text, Path::new("config.toml")) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("config should fail: {text}"),
        }
    }

    #[test]
    fn defaults_when_empty() {
        let (config, warnings) = parse_ok("");
        assert_eq!(config.base_url, "");
        assert_eq!(config.base_path(), "/");
        assert!(warnings.is_empty());
    }

    #[test]
    fn base_url_with_a_path() {
        let (config, _) = parse_ok("base_url = \"https://example.org/docs/\"");
        assert_eq!(config.base_url, "https://example.org/docs");
        assert_eq!(config.base_path(), "/docs/");
        assert_eq!(config.permalink("/a/b/"), "https://example.org/docs/a/b/");
    }

    #[test]
    fn unknown_key_names_line_and_closest_key() {
        let message = parse_err("title = \"x\"\n  titel = \"y\"\n");
        assert!(message.contains("config.toml:2:3: error: config: unknown key `titel`"), "{message}");
        assert!(message.contains("did you mean `title`?"), "{message}");
    }

    #[test]
    fn issue_12_base_url_must_be_an_http_address_or_a_path() {
        for good in [
            "",
            "/",
            "/docs/",
            "https://example.org",
            "https://example.org/docs/",
            "HTTP://Example.org:8080/a/b",
            "http://127.0.0.1:1111/",
            "http://[::1]:8080/",
        ] {
            assert!(check_base_url(good).is_ok(), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://x",
            "//evil.example/",
            "not a url",
            "https://",
            "https://user@example.org/",
            "https://example.org:99999/",
            "https://exa mple.org/",
            "/docs/\"onmouseover=x",
            "data:text/html,x",
            "example.org",
        ] {
            assert!(check_base_url(bad).is_err(), "{bad}");
        }
        let message = parse_err("title = \"x\"\nbase_url = \"javascript:alert(1)\"\n");
        assert!(message.contains("config.toml:2:1: error: config: `base_url = \"javascript:alert(1)\"`"), "{message}");
        assert!(message.contains("https://example.org/docs/"), "{message}");
    }

    #[test]
    fn zola_only_keys_are_warnings() {
        let (_, warnings) = parse_ok("minify_html = true\nhard_link_static = false\n[markdown]\nrender_emoji = true\n");
        assert_eq!(warnings.len(), 2);
        assert!(warnings.iter().all(|w| !w.is_error()));
    }

    #[test]
    fn zola_0_23_content_templating_is_chosen_by_its_own_key_its_file_name_or_explicitly() {
        assert_eq!(parse_ok("").0.content_templating, None);
        let zola_0_23 = parse_ok("skip_content_templating = [\"themes/**\"]").0;
        assert_eq!(zola_0_23.content_templating, Some(vec!["themes/**".to_string()]));
        assert_eq!(parse_ok("content_templating = true").0.content_templating, Some(Vec::new()));
        assert_eq!(parse_ok("content_templating = false\nskip_content_templating = []").0.content_templating, None);
        // `zola.toml` is Zola 0.23's own file name (issue 14: Zola 0.23 themes such as abridge set no key).
        let zola_toml = |text: &str| parse(text, Path::new("zola.toml")).expect("parses").0.content_templating;
        assert_eq!(zola_toml(""), Some(Vec::new()));
        assert_eq!(zola_toml("content_templating = false"), None);
        let message = parse_err("skip_content_templating = [\"a/[b\"]");
        assert!(
            message.contains("config.toml:1:1: error: config: `skip_content_templating`: `a/[b` is not a glob"),
            "{message}"
        );
    }

    #[test]
    fn zola_highlighting_table_turns_highlighting_on() {
        assert!(!parse_ok("").0.markdown.highlight_code);
        assert!(parse_ok("[markdown.highlighting]\ntheme = \"monokai\"\n").0.markdown.highlight_code);
    }

    /// Issue 14: Zola 0.22/0.23 keys Quire does not implement are warnings, never "unknown key" errors.
    #[test]
    fn issue_14_zola_keys_are_warnings() {
        let (config, warnings) = parse_ok(
            "skip_content_templating = [\"themes/**\"]\ntaxonomy_root = \"t\"\n[search]\nindex_format = \"elasticlunr_json\"\n\
             [markdown]\nexternal_links_class = \"external\"\nbottom_footnotes = true\n\
             [markdown.highlighting]\ntheme = \"catppuccin-mocha\"\n[slugify]\npaths_keep_dates = true\n\
             [link_checker]\ninternal_level = \"warn\"\nignored_files = [\"x\"]\n",
        );
        let messages: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
        assert!(warnings.iter().all(|w| !w.is_error()), "{messages:?}");
        for key in [
            "taxonomy_root",
            "markdown.bottom_footnotes",
            "markdown.highlighting.theme",
            "slugify.paths_keep_dates",
            "link_checker.ignored_files",
        ] {
            assert!(messages.iter().any(|m| m.contains(&format!("`{key}`"))), "{key}: {messages:?}");
        }
        assert_eq!(config.markdown.external_links_class.as_deref(), Some("external"));
        assert!(config.markdown.highlight_code);
        assert_eq!(config.link_checker.internal_level, Level::Warn);
        assert_eq!(config.search.index_format, IndexFormat::ElasticlunrJson);
    }

    /// Issue 14: Zola's `[search]` is read with Zola's defaults; Zola's index is asked for by the line
    /// `build_search_index = true` alone, not by Quire's default.
    #[test]
    fn issue_14_zola_search_settings() {
        let (config, warnings) = parse_ok("");
        assert!(config.build_search_index && !config.search.zola_index, "Quire's index only");
        assert!(warnings.is_empty());
        let (config, warnings) = parse_ok(
            "build_search_index = true\n[search]\ninclude_description = true\ninclude_content = false\n\
             truncate_content_length = 80\nindex_format = \"fuse_json\"\n",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let search = &config.search;
        assert!(search.zola_index && search.include_title && search.include_description && !search.include_content);
        assert_eq!((search.truncate_content_length, search.index_format), (Some(80), IndexFormat::FuseJson));
        assert_eq!(search.index_file("en"), "search_index.en.json");
        assert_eq!(IndexFormat::default(), IndexFormat::ElasticlunrJavascript);
        assert_eq!(ZolaSearchConfig::default().index_file("fr"), "search_index.fr.js");
        assert!(!parse_ok("build_search_index = false\n[search]\n").0.search.zola_index);
        let message = parse_err("[search]\nindex_format = \"lunr\"\n");
        assert!(message.contains("config.toml:2:1: error: config: `index_format` has the wrong type"), "{message}");
        assert!(parse_err("[search]\ninclude_titel = true\n").contains("did you mean `search.include_title`?"));
        // A language elasticlunr cannot split into words: Quire's index only, and a warning at the line.
        let (config, warnings) = parse_ok("default_language = \"zh\"\nbuild_search_index = true\n");
        assert!(config.build_search_index && !config.search.zola_index);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].at.to_string(), "config.toml:2:1");
        assert!(warnings[0].message.contains("no word rules for `zh`"), "{}", warnings[0].message);
    }

    #[test]
    fn slugify_and_link_checker_tables() {
        let (config, warnings) = parse_ok(
            "[slugify]\npaths = \"safe\"\nanchors = \"github\"\n[link_checker]\nexternal_level = \"warn\"\n\
             skip_prefixes = [\"http://localhost\"]\nskip_anchor_prefixes = [\"https://github.com/\"]\n",
        );
        assert!(warnings.is_empty());
        assert_eq!(config.slugify.paths, SlugStyle::Safe);
        assert_eq!(config.slugify.taxonomies, SlugStyle::On);
        assert_eq!(config.slugify.anchors, SlugStyle::Github);
        assert_eq!(config.link_checker.internal_level, Level::Error);
        assert_eq!(config.link_checker.external_level, Level::Warn);
        assert!(config.link_checker.skips_external("http://localhost:1111/x"));
        assert!(config.link_checker.skips_anchor_of("https://github.com/a#b"));
        assert!(parse_err("[slugify]\nanchors = \"maybe\"\n").contains("`anchors` has the wrong type"));
        assert!(parse_err("[slugify]\npaths = \"github\"\n").contains("for `anchors` only"));
        assert!(parse_err("[link_checker]\ninternal_level = \"warning\"\n").contains("`\"error\"` or `\"warn\"`"));
    }

    #[test]
    fn syntax_error_has_a_location() {
        let message = parse_err("title = \"x\"\nbase_url = \n");
        assert!(message.starts_with("config.toml:2:"), "{message}");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let message = parse_err("generate_sitemap = \"yes\"\n");
        assert!(message.contains("`generate_sitemap` has the wrong type"), "{message}");
    }
}
