//! Loads Tera templates (the site's over the built-in theme) and renders every page, section, taxonomy,
//! alias and the 404 page, in parallel, handing each result to a sink; writes nothing itself.
//! A build is `plan_outputs` then `render_output` for each; `serve` calls the same two on the files an edit reaches.

mod after_content;
pub mod blocks;
pub mod deps;
mod files;
mod filters;
mod functions;
pub mod images;
mod listed_content;
pub mod nav;
mod page_bodies;
pub mod print;
pub mod relative;
mod theme_use;
pub mod views;

use crate::config::Config;
use crate::content::{Document, PageId, SectionId, Site, Target};
use crate::error::{Diagnostic, Location};
pub use after_content::{after_content_all, AfterContent};
pub use functions::Lookups;
use functions::{term_value, Slot};
pub use page_bodies::PageBodies;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use tera::Value;
use views::{page_value, page_value_with_body};

/// One rendered file: its site path (`/a/b/` or `/404.html`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedPage {
    pub path: String,
    pub html: String,
}

impl RenderedPage {
    /// Where the file goes under the output folder: `a/b/index.html` for `/a/b/`.
    pub fn output_path(&self) -> String {
        output_path(&self.path)
    }
}

pub fn output_path(site_path: &str) -> String {
    let trimmed = site_path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

/// Where templates came from, for diagnostics: the site's `templates/` or the embedded theme.
pub struct Templates {
    pub tera: tera::Tera,
    /// The file each template of the site (or of its Zola theme) came from, relative to the root.
    site_templates: BTreeMap<String, PathBuf>,
    /// Every template's text by name, the site's replacing the theme's: what `serve` scans for `extends`.
    pub sources: BTreeMap<String, String>,
    lookups: Slot,
    /// The images `resize_image` was asked for, made once the pages are rendered (`ImageQueue::process`).
    pub images: Arc<images::ImageQueue>,
    /// Shortcodes whose template does not compile, with the error: reported where a page calls one, so an
    /// unused broken shortcode (Zola 0.22's docs carry one in Tera 1 syntax) does not fail the build.
    pub broken_shortcodes: BTreeMap<String, Diagnostic>,
    /// config.toml's `generate_print_page`: `/print/` is one of the outputs.
    print_page: bool,
    /// What a render in each of the site's other languages sees instead of the globals: `lang` and that
    /// language's `config` (Zola's per-language title, description, taxonomies and `languages`).
    languages: BTreeMap<String, [(&'static str, Value); 2]>,
    /// `NAME/templates/` for a Zola `theme = "NAME"`: its templates are registered under that prefix only, and
    /// Tera finds them there when the site has no template of the name (Tera 2's fallback prefixes, as Zola 0.23).
    theme_prefix: Option<String>,
    /// The site is a Zola theme's own repository built as its demo (a `theme.toml` at the root, as abridge and
    /// zolarwind have): its `templates/` are the theme's.
    theme_demo: bool,
    /// The files the `include` function read (Zola 0.23 sites, whose bodies are templates), with the bodies
    /// that asked.
    included: Arc<Mutex<crate::shortcodes::Included>>,
    /// Which templates the built-in theme lays out, and which use any of its templates.
    theme_use: theme_use::ThemeUse,
    /// Whether a template may read `content` of a page in a list (`listed_content`): `Config::lists_carry_content`.
    pub reads_listed_content: bool,
}

/// Zola's built-in `anchor-link.html` (components/templates/src/builtins/anchor-link.html, the same in 0.22 and
/// 0.23): what `insert_anchor_links` puts by each heading unless the site or its Zola theme has its own.
const ZOLA_ANCHOR_LINK: &str =
    "<a class=\"zola-anchor\" href=\"#{{ id }}\" aria-label=\"Anchor link for: {{ id }}\">\u{1F517}</a>";

/// Zola's built-in `404.html` (the same in 0.22 and 0.23), for a site with its own templates but no 404 page.
const ZOLA_NOT_FOUND: &str = "<!doctype html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n";

impl Templates {
    /// Whether a template of that name exists: the site's, the Zola theme's (under its prefix) or the built-in.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// The site the template functions see; `None` while `serve` updates it in place.
    pub fn set_lookups(&self, lookups: Option<Arc<Lookups>>) {
        *self.lookups.write().unwrap_or_else(PoisonError::into_inner) = lookups;
    }

    /// What every template sees whatever it renders: set once, shared by all renders.
    pub fn set_global_context(&mut self, config: &Config, serve_mode: bool) {
        let global = self.tera.global_context();
        global.insert("config", config);
        global.insert("lang", &config.default_language);
        global.insert("quire_version", env!("CARGO_PKG_VERSION"));
        global.insert("serve_mode", &serve_mode);
        self.print_page = config.generate_print_page;
        self.languages = config
            .languages
            .keys()
            .map(|lang| {
                (lang.clone(), [("lang", Value::from(lang.as_str())), ("config", language_config(config, lang))])
            })
            .collect();
    }

    /// Zola's template for the list of a taxonomy's terms (`kind` `list`) or a term's page (`single`):
    /// `TAXONOMY/KIND.html` (`tags/list.html`) when the site or its theme has one, else `taxonomy_KIND.html`.
    pub fn taxonomy_template(&self, taxonomy: &str, kind: &str) -> String {
        let own = format!("{taxonomy}/{kind}.html");
        if self.has(&own) {
            own
        } else {
            format!("taxonomy_{kind}.html")
        }
    }

    /// The files the `include` function was asked for so far, with the bodies that asked ("" for a template).
    pub fn included_files(&self) -> crate::shortcodes::Included {
        self.included.lock().map(|included| included.clone()).unwrap_or_default()
    }

    /// Whether `name` is the built-in theme's template (neither the site nor its Zola theme has a file of that name).
    pub fn is_theme(&self, name: &str) -> bool {
        let in_zola_theme = self
            .theme_prefix
            .as_ref()
            .is_some_and(|prefix| self.site_templates.contains_key(&format!("{prefix}{name}")));
        !self.site_templates.contains_key(name) && !in_zola_theme
    }

    /// Whether pages rendered by template `name` are laid out by the built-in theme: the root of its `extends`
    /// chain is the theme's own (or a copy of it, as the default site's `templates/` are).
    pub fn laid_out_by_theme(&self, name: &str) -> bool {
        self.theme_use.layouts.contains(name)
    }

    /// Whether template `name` is the built-in theme's or extends, includes or imports one of its templates.
    pub fn uses_theme(&self, name: &str) -> bool {
        self.theme_use.users.contains(name)
    }

    /// Whether a template of the site's own (or of its Zola theme) names the file `file` (`"style.css"`).
    pub fn own_templates_name(&self, file: &str) -> bool {
        let own = self.sources.iter().filter(|(name, _)| !self.theme_use.builtin.contains(*name));
        own.filter(|(name, _)| *name != "anchor-link.html").any(|(_, text)| theme_use::names_file(text, file))
    }

    /// Whether bodies rendered with `other` get the same heading anchors as with these templates (`serve` renders
    /// every body again otherwise): the same layouts are the theme's, and the same `anchor-link.html`.
    pub fn same_heading_anchors(&self, other: &Templates) -> bool {
        fn anchor_links(templates: &Templates) -> impl Iterator<Item = (&String, &String)> {
            templates.sources.iter().filter(|(name, _)| name.ends_with("anchor-link.html"))
        }
        self.theme_use.layouts == other.theme_use.layouts && anchor_links(self).eq(anchor_links(other))
    }

    /// `anchor-link.html` rendered for one heading, as Zola renders it (`id`, `level`, `lang`), or the error.
    pub fn anchor_link(&self, id: &str, level: u32, lang: &str) -> Result<String, String> {
        let mut context = tera::Context::new();
        context.insert("id", id);
        context.insert("level", &level);
        context.insert("lang", lang);
        self.tera.render("anchor-link.html", &context).map_err(|error| error_chain(&error))
    }

    /// The names of the templates the Zola theme (`theme = "NAME"`) gives and the site does not replace, with the
    /// folders they are read from (`themes/NAME/templates`). A Zola theme's own repository built as its demo site
    /// is the theme: all its templates, and `templates`, are the theme's too.
    pub fn zola_theme_templates(&self) -> (std::collections::HashSet<String>, Vec<PathBuf>) {
        let (mut names, mut folders) = (std::collections::HashSet::new(), Vec::new());
        if let Some(prefix) = &self.theme_prefix {
            let given = self.site_templates.keys().filter_map(|name| name.strip_prefix(prefix.as_str()));
            names.extend(given.filter(|name| !self.site_templates.contains_key(*name)).map(str::to_string));
            folders.push(Path::new("themes").join(prefix.trim_end_matches('/')));
        }
        if self.theme_demo {
            names.extend(self.site_templates.keys().cloned());
            folders.push(PathBuf::from("templates"));
        }
        (names, folders)
    }

    /// Every template's text with the file it is reported at, the site's own first, then the theme's.
    pub fn files(&self) -> impl Iterator<Item = (PathBuf, &str)> {
        let (own, theme): (Vec<_>, Vec<_>) = self.sources.iter().partition(|(name, _)| !self.is_theme(name));
        own.into_iter().chain(theme).map(|(name, text)| (self.location(name).file, text.as_str()))
    }

    fn location(&self, name: &str) -> Location {
        if let Some(file) = self.site_templates.get(name) {
            Location::file(file)
        } else {
            Location::file(format!("(built-in theme) templates/{name}"))
        }
    }
}

/// The built-in theme's templates overridden, file by file, by `root/templates` (links out of the site skipped
/// with a warning, `walk`).
pub fn load_templates(root: &Path, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Option<Templates> {
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (name, bytes) in crate::theme::TEMPLATES.iter() {
        sources.insert(name.to_string(), String::from_utf8_lossy(bytes).into_owned());
    }
    sources.insert("anchor-link.html".into(), ZOLA_ANCHOR_LINK.into());
    let mut site_templates = BTreeMap::new();
    let theme = config.theme.as_deref();
    let theme_prefix = theme.map(|theme| format!("{theme}/templates/"));
    if let (Some(theme), Some(prefix)) = (theme, &theme_prefix) {
        // Once only, under `NAME/templates/`: registered under both names, each component the theme defines
        // would be defined twice. The built-in template of the same name gives way to the theme's.
        let dir = Path::new("themes").join(theme).join("templates");
        for (name, text) in read_templates(root, config, &dir, diagnostics) {
            sources.remove(&name);
            let prefixed = format!("{prefix}{name}");
            site_templates.insert(prefixed.clone(), dir.join(&name));
            sources.insert(prefixed, text);
        }
    }
    for (name, text) in read_templates(root, config, Path::new("templates"), diagnostics) {
        site_templates.insert(name.clone(), Path::new("templates").join(&name));
        sources.insert(name, text);
    }
    for dropped in blocks::drop_blocks_missing_in_parents(&mut sources, theme_prefix.as_deref()) {
        let Some(file) = site_templates.get(&dropped.template) else { continue }; // the built-in theme's
        let at = Location { file: file.clone(), line: dropped.line, column: 1 };
        let message = format!(
            "block `{}` is in no template `{}` extends: Tera 2 refuses it, Tera 1 (Zola 0.22) ignored it; ignored",
            dropped.block, dropped.parent
        );
        let help = format!("remove the block, or define it in `{}` or a template that one extends", dropped.parent);
        diagnostics.push(Diagnostic::warning(at, "template", message).with_help(help));
    }
    let mut tera = tera::Tera::new();
    if let Some(prefix) = &theme_prefix {
        tera.set_fallback_prefixes([prefix.clone()]).expect("no template is added yet");
    }
    tera.autoescape_on([".html", ".htm", ".xml"]);
    functions::register_filters(&mut tera);
    // Tera 2 checks function names when it parses, so they are registered now and see the site later.
    let lookups: Slot = Arc::new(RwLock::new(None));
    let site_files = files::register(&mut tera, root, config, lookups.clone());
    functions::register(&mut tera, lookups.clone(), site_files);
    filters::register(&mut tera, lookups.clone());
    let images = Arc::new(images::ImageQueue::new(root, theme));
    functions::register_images(&mut tera, lookups.clone(), images.clone());
    let included = Arc::new(Mutex::new(crate::shortcodes::Included::new()));
    if config.content_templating.is_some() {
        // Bodies are templates there: `{{ include(...) }}` is a function call, run by this function.
        crate::shortcodes::register_include(&mut tera, crate::walk::Links::new(root, config), included.clone());
    }
    let mut templates = Templates {
        tera: tera::Tera::new(),
        site_templates,
        sources: BTreeMap::new(),
        lookups,
        images,
        broken_shortcodes: BTreeMap::new(),
        print_page: false,
        languages: BTreeMap::new(),
        theme_prefix: theme_prefix.clone(),
        theme_demo: root.join("theme.toml").is_file(),
        included,
        theme_use: Default::default(),
        reads_listed_content: listed_content::reads_listed_content(
            sources.iter().map(|(name, text)| (name.as_str(), text.as_str())),
            theme_prefix.as_deref(),
        ),
    };
    // The theme's own: not replaced, or replaced by the same text (the default site's `templates/` are the theme).
    let is_builtin = |name: &str| {
        let embedded = crate::theme::TEMPLATES.iter().find(|(builtin, _)| *builtin == name);
        embedded.is_some_and(|(_, bytes)| {
            templates.is_theme(name) || sources.get(name).map(String::as_bytes) == Some(*bytes)
        })
    };
    templates.theme_use = theme_use::theme_use(&sources, theme_prefix.as_deref(), is_builtin);
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        // Only when something failed: the templates again without the shortcodes, then each shortcode alone.
        let is_shortcode = |name: &str| shortcode_file(name, theme_prefix.as_deref()).is_some();
        let others = sources.iter().filter(|(name, _)| !is_shortcode(name));
        if let Err(e) = tera.add_raw_templates(others.map(|(n, t)| (n.as_str(), t.as_str()))) {
            diagnostics.push(template_diagnostic(&templates, &e, &sources));
            return None;
        }
        for (name, text) in sources.iter().filter(|(name, _)| is_shortcode(name)) {
            if let Err(e) = tera.add_raw_template(name, text) {
                let file = shortcode_file(name, theme_prefix.as_deref()).unwrap_or(name);
                let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
                templates.broken_shortcodes.insert(stem.to_string(), template_diagnostic(&templates, &e, &sources));
            }
        }
        if templates.broken_shortcodes.is_empty() {
            // Every shortcode compiles alone: the first error came from how they fit together; report it.
            diagnostics.push(template_diagnostic(&templates, &e, &sources));
            return None;
        }
    }
    templates.tera = tera;
    templates.sources = sources;
    Some(templates)
}

/// `youtube.html` for the shortcode template `shortcodes/youtube.html` (or the Zola theme's
/// `NAME/templates/shortcodes/youtube.html`); `None` for any other template.
pub fn shortcode_file<'a>(name: &'a str, theme_prefix: Option<&str>) -> Option<&'a str> {
    let name = theme_prefix.and_then(|prefix| name.strip_prefix(prefix)).unwrap_or(name);
    name.strip_prefix("shortcodes/")
}

/// Every template file under `root/dir`, by its name there (`partials/nav.html`). Links out of the site are
/// skipped with a warning (`walk`).
fn read_templates(
    root: &Path,
    config: &Config,
    dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(String, String)> {
    let mut templates = Vec::new();
    let full = root.join(dir);
    let links = crate::walk::Links::new(root, config);
    let mut walk = links.walk(&full, crate::walk::prune_nothing);
    for entry in walk.by_ref().flatten() {
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let name = entry.path().strip_prefix(&full).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => templates.push((name, text)),
            Err(e) => diagnostics.push(
                Diagnostic::error(Location::file(dir.join(&name)), "template", format!("cannot read: {e}"))
                    .with_help("templates must be readable UTF-8 text files"),
            ),
        }
    }
    diagnostics.extend(walk.warnings());
    templates
}

/// Renders every planned output with the site `lookups` holds; each page goes to `sink` as soon as it exists, so
/// pages need not all be held in memory. Returns the failures, one diagnostic per distinct error.
pub fn render_all(
    templates: &Templates,
    lookups: &Arc<Lookups>,
    sink: &(dyn Fn(RenderedPage) + Sync),
) -> Vec<Diagnostic> {
    templates.set_lookups(Some(lookups.clone()));
    let failures = Mutex::new(Vec::new());
    plan_outputs(&lookups.site, templates).par_iter().with_max_len(crate::PARALLEL_CHUNK).for_each(|output| {
        match render_output(templates, lookups, output) {
            Ok(page) => sink(page),
            Err(failure) => failures.lock().unwrap_or_else(PoisonError::into_inner).push(failure),
        }
    });
    templates.set_lookups(None);
    summarize_failures(&failures.into_inner().unwrap_or_else(PoisonError::into_inner))
}

/// One file the renderer makes, named by the part of the site it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Page(PageId),
    Section(SectionId),
    /// The list of a taxonomy's terms (index into `Site::taxonomies`).
    TaxonomyList(usize),
    /// One term's page: taxonomy index, term index.
    Term(usize, usize),
    /// Page `index` (from 2; the first is the section's own file) of a paginated section's list of pages.
    Pager {
        section: SectionId,
        index: usize,
    },
    /// Page `index` (from 2) of a paginated term's list: taxonomy index, term index, pager. Index 1 is the
    /// redirect from the first pager's own address to the term, as Zola writes it.
    TermPager(usize, usize, usize),
    NotFound,
    /// A section and everything under it on one page (`generate_print_page`); the home section's is the
    /// whole site's, `/print/`.
    Print(SectionId),
    /// A redirect page at `path` (a site path) to the target's permalink.
    Alias {
        path: String,
        target: Target,
    },
}

impl Output {
    /// The site path of the file: `/a/b/` or `/404.html`.
    pub fn path(&self, site: &Site) -> String {
        match self {
            Output::Page(id) => site.pages[*id].doc.path.to_string(),
            Output::Section(id) => site.sections[*id].doc.path.to_string(),
            Output::TaxonomyList(t) => site.taxonomies[*t].path.clone(),
            Output::Term(t, term) => site.taxonomies[*t].terms[*term].path.clone(),
            Output::Pager { section, index } => pager_path(&site.sections[*section].doc.path, *index),
            Output::TermPager(t, term, index) => pager_path(&site.taxonomies[*t].terms[*term].path, *index),
            Output::NotFound => "/404.html".into(),
            Output::Print(id) => print::print_path(&site.sections[*id].doc.path),
            Output::Alias { path, .. } => path.clone(),
        }
    }

    /// The template that renders it; redirect pages need none.
    pub fn template(&self, site: &Site, templates: &Templates) -> Option<String> {
        match self {
            Output::Page(id) => Some(page_template(site, *id)),
            Output::Section(id) if redirect_of(site, *id).is_some() => None,
            Output::Section(id) | Output::Pager { section: id, .. } => Some(section_template(site, *id)),
            Output::TaxonomyList(t) => Some(templates.taxonomy_template(&site.taxonomies[*t].name, "list")),
            Output::TermPager(_, _, 1) => None,
            Output::Term(t, ..) | Output::TermPager(t, ..) => {
                Some(templates.taxonomy_template(&site.taxonomies[*t].name, "single"))
            }
            Output::NotFound => Some("404.html".into()),
            Output::Print(_) => Some("print.html".into()),
            Output::Alias { .. } => None,
        }
    }
}

impl Output {
    /// The language of what it shows, when not the default one.
    pub fn lang<'a>(&self, site: &'a Site) -> Option<&'a str> {
        match self {
            Output::Page(id) => site.pages[*id].doc.lang.as_deref(),
            Output::Section(id) | Output::Pager { section: id, .. } => site.sections[*id].doc.lang.as_deref(),
            Output::TaxonomyList(t) | Output::Term(t, _) | Output::TermPager(t, _, _) => {
                site.taxonomies[*t].lang.as_deref()
            }
            Output::NotFound | Output::Print(_) | Output::Alias { .. } => None,
        }
    }
}

/// `config` as a page in `lang` (another language than the default) sees it, as Zola serializes it: that
/// language's title, description, feeds, search and taxonomies, and the other languages (the default one
/// among them) in `languages`.
fn language_config(config: &Config, lang: &str) -> Value {
    let mut value = serde_json::to_value(config).unwrap_or_default();
    let (Some(map), Some(language)) = (value.as_object_mut(), config.languages.get(lang)) else {
        return Value::from_serializable(&value);
    };
    let default = crate::config::LanguageConfig {
        title: Some(config.title.clone()),
        description: Some(config.description.clone()),
        generate_feeds: config.generate_feeds,
        build_search_index: config.build_search_index,
        search: config.search.clone(),
        taxonomies: config.taxonomies.clone(),
    };
    let mut languages = config.languages.clone();
    languages.remove(lang);
    languages.insert(config.default_language.clone(), default);
    let json = |value: serde_json::Result<serde_json::Value>| value.unwrap_or_default();
    map.insert("title".into(), json(serde_json::to_value(language.title.as_ref().unwrap_or(&config.title))));
    let description = language.description.as_ref().unwrap_or(&config.description);
    map.insert("description".into(), json(serde_json::to_value(description)));
    map.insert("generate_feeds".into(), language.generate_feeds.into());
    map.insert("build_search_index".into(), language.build_search_index.into());
    map.insert("search".into(), json(serde_json::to_value(&language.search)));
    map.insert("taxonomies".into(), json(serde_json::to_value(&language.taxonomies)));
    map.insert("languages".into(), json(serde_json::to_value(&languages)));
    Value::from_serializable(&value)
}

/// Every file `site` renders to with these templates: pages and sections whose template exists (sections
/// with `render = true`), taxonomy lists and terms, 404 and aliases.
pub fn plan_outputs(site: &Site, templates: &Templates) -> Vec<Output> {
    let mut outputs = Vec::new();
    outputs.extend((0..site.pages.len()).filter(|&id| templates.has(&page_template(site, id))).map(Output::Page));
    for id in 0..site.sections.len() {
        if !site.sections[id].doc.front_matter.render {
            continue;
        }
        if redirect_of(site, id).is_some() {
            outputs.push(Output::Section(id));
            continue;
        }
        if !templates.has(&section_template(site, id)) {
            continue;
        }
        outputs.push(Output::Section(id));
        if let Some(paginate_by) = paginate_by(site, templates, id) {
            let pagers = site.sections[id].pages.len().div_ceil(paginate_by).max(1);
            outputs.extend((2..=pagers).map(|index| Output::Pager { section: id, index }));
            // As Zola does: the first pager's own address sends the browser to the section.
            let path = pager_path(&site.sections[id].doc.path, 1);
            outputs.push(Output::Alias { path, target: Target::Section(id) });
        }
    }
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        if templates.has(&templates.taxonomy_template(&taxonomy.name, "list")) {
            outputs.push(Output::TaxonomyList(t));
        }
        if templates.has(&templates.taxonomy_template(&taxonomy.name, "single")) {
            for (i, term) in taxonomy.terms.iter().enumerate() {
                outputs.push(Output::Term(t, i));
                if let Some(paginate_by) = term_paginate_by(templates, taxonomy, term.pages.len()) {
                    let pagers = term.pages.len().div_ceil(paginate_by);
                    outputs.extend((2..=pagers).map(|index| Output::TermPager(t, i, index)));
                    if taxonomy.paginate_by.is_some() {
                        outputs.push(Output::TermPager(t, i, 1)); // Zola's redirect, as for sections
                    }
                }
            }
        }
    }
    if templates.has("404.html") {
        outputs.push(Output::NotFound);
    }
    if templates.print_page && templates.has("print.html") {
        let sections = 0..site.sections.len();
        outputs.extend(sections.filter(|&id| print::has_print_page(site, id)).map(Output::Print));
    }
    let pages = site.pages.iter().enumerate().map(|(id, p)| (&p.doc.front_matter.aliases, Target::Page(id)));
    let sections = site.sections.iter().enumerate().map(|(id, s)| (&s.doc.front_matter.aliases, Target::Section(id)));
    for (aliases, target) in pages.chain(sections) {
        for alias in aliases {
            outputs.push(Output::Alias { path: crate::content::alias_path(alias), target });
        }
    }
    outputs
}

/// Sections of more pages than this are paginated by the built-in theme's section templates even without a
/// `paginate_by`: a list of 20,000 cards is a 5 MB page.
pub const THEME_PAGINATE_OVER: usize = 250;
/// How many pages each pager of such a section lists.
pub const THEME_PAGINATE_BY: usize = 100;

/// How many pages each pager of section `id` lists, when it is paginated: its `paginate_by`, else the built-in
/// theme's choice for a long section rendered by the theme's own template.
pub fn paginate_by(site: &Site, templates: &Templates, id: SectionId) -> Option<usize> {
    let section = &site.sections[id];
    match section.doc.front_matter.paginate_by {
        Some(by) if by > 0 => Some(by),
        Some(_) => None,
        None if section.pages.len() > THEME_PAGINATE_OVER && templates.is_theme(&section_template(site, id)) => {
            Some(THEME_PAGINATE_BY)
        }
        None => None,
    }
}

/// How many pages each pager of a term of `pages` pages lists, when it is paginated: the taxonomy's
/// `paginate_by` in config.toml, else the built-in theme's choice for a long term rendered by the theme's own
/// `taxonomy_single.html`.
pub fn term_paginate_by(templates: &Templates, taxonomy: &crate::content::Taxonomy, pages: usize) -> Option<usize> {
    taxonomy.paginate_by.or_else(|| {
        (pages > THEME_PAGINATE_OVER && templates.is_theme("taxonomy_single.html")).then_some(THEME_PAGINATE_BY)
    })
}

/// Where pager `index` of the section at `section_path` goes, as Zola writes it: `/api/page/2/`.
pub fn pager_path(section_path: &str, index: usize) -> String {
    format!("{section_path}page/{index}/")
}

/// A render that failed: the diagnostic, and the (template, message) that groups it with the same failure elsewhere.
#[derive(Debug, Clone)]
pub struct RenderFailure {
    pub template: String,
    pub message: String,
    /// Boxed: a failure travels in every render's `Result`, which stays small.
    pub diagnostic: Box<Diagnostic>,
}

/// Renders one planned file with the site the templates' functions currently see.
pub fn render_output(templates: &Templates, lookups: &Lookups, output: &Output) -> Result<RenderedPage, RenderFailure> {
    let site = &lookups.site;
    let path = output.path(site);
    let config_file = Path::new("config.toml");
    let language = output.lang(site).and_then(|lang| templates.languages.get(lang)).map(<[_; 2]>::as_slice);
    let render = |template: &str, source: &Path, values: &[(&str, Value)]| match language {
        None => render_template(templates, &lookups.config.base_url, template, &path, source, values),
        Some(language) => {
            let values: Vec<(&str, Value)> = language.iter().chain(values).cloned().collect();
            render_template(templates, &lookups.config.base_url, template, &path, source, &values)
        }
    };
    let html = match output {
        Output::Page(id) => {
            let page = match &lookups.bodies {
                Some(bodies) => {
                    let body = bodies.take(*id);
                    page_value_with_body(site, &lookups.config, &lookups.views, *id, Value::from(body.html), &body.toc)
                }
                None => page_value(site, &lookups.config, &lookups.views, *id),
            };
            deps::record(deps::Dep::Page(*id));
            render(&page_template(site, *id), &site.pages[*id].doc.file, &[("page", page)])?
        }
        Output::Section(id) if redirect_of(site, *id).is_some() => {
            let to = redirect_of(site, *id).unwrap_or_default();
            redirect_page(&zola_permalink(&lookups.config, to))
        }
        Output::Section(id) | Output::Pager { section: id, .. } => {
            let template = section_template(site, *id);
            let file = &site.sections[*id].doc.file;
            match paginate_by(site, templates, *id) {
                Some(paginate_by) => {
                    let index = match output {
                        Output::Pager { index, .. } => *index,
                        _ => 1,
                    };
                    deps::record(deps::Dep::SectionPaged(*id));
                    let section = views::section_without_pages(site, &lookups.views, *id);
                    let list = &site.sections[*id];
                    let paginator = paginator_value(lookups, &list.pages, &list.doc.path, paginate_by, index);
                    render(&template, file, &[("section", section), ("paginator", paginator)])?
                }
                None => {
                    deps::record(deps::Dep::Section(*id));
                    render(&template, file, &[("section", lookups.views.section(*id).clone())])?
                }
            }
        }
        Output::TaxonomyList(t) => {
            deps::record(deps::Dep::Taxonomy(*t));
            let taxonomy = &site.taxonomies[*t];
            let terms = Value::from(taxonomy.terms.iter().map(|term| term_value(lookups, term)).collect::<Vec<_>>());
            let template = templates.taxonomy_template(&taxonomy.name, "list");
            render(&template, config_file, &[("taxonomy", taxonomy_view(lookups, *t)), ("terms", terms)])?
        }
        Output::TermPager(t, term, 1) => {
            redirect_page(&lookups.config.permalink(&site.taxonomies[*t].terms[*term].path))
        }
        Output::Term(t, term) | Output::TermPager(t, term, _) => {
            let template = templates.taxonomy_template(&site.taxonomies[*t].name, "single");
            let term = &site.taxonomies[*t].terms[*term];
            let mut values = vec![("taxonomy", taxonomy_view(lookups, *t)), ("term", term_value(lookups, term))];
            if let Some(paginate_by) = term_paginate_by(templates, &site.taxonomies[*t], term.pages.len()) {
                let index = if let Output::TermPager(_, _, index) = output { *index } else { 1 };
                values.push(("paginator", paginator_value(lookups, &term.pages, &term.path, paginate_by, index)));
            }
            render(&template, config_file, &values)?
        }
        // A site that does not use the built-in theme would get a 404 page without its stylesheet: Zola's instead.
        Output::NotFound if !lookups.config.uses_builtin_theme && templates.is_theme("404.html") => {
            ZOLA_NOT_FOUND.to_string()
        }
        Output::NotFound => render("404.html", Path::new("templates/404.html"), &[])?,
        Output::Print(id) => {
            let after_content = |page: PageId| after_content::after_content(templates, lookups, page);
            let entries = print::print_entries(site, &lookups.config, *id, &after_content);
            let mut values = vec![("print_entries", Value::from_serializable(&entries))];
            if *id != 0 {
                values.push(("print_section", lookups.views.section_metadata(*id).clone()));
            }
            render("print.html", Path::new("templates/print.html"), &values)?
        }
        Output::Alias { target, .. } => redirect_page(&lookups.config.permalink(site.document(*target).path.as_str())),
    };
    Ok(RenderedPage { path, html })
}

/// One diagnostic per distinct (template, message), counting the other renders that hit it.
pub fn summarize_failures(failures: &[RenderFailure]) -> Vec<Diagnostic> {
    let mut errors: BTreeMap<(&str, &str), (&Diagnostic, usize)> = BTreeMap::new();
    for failure in failures {
        errors.entry((&failure.template, &failure.message)).or_insert((&*failure.diagnostic, 0)).1 += 1;
    }
    errors
        .into_values()
        .map(|(diagnostic, count)| {
            let mut diagnostic = diagnostic.clone();
            if count > 1 {
                diagnostic.message =
                    format!("{} (and {} more pages with the same error)", diagnostic.message, count - 1);
            }
            diagnostic
        })
        .collect()
}

/// Zola's `paginator` for pager `index` (from 1) of the list of `all_pages` at site path `path` (a section's or a
/// term's).
fn paginator_value(lookups: &Lookups, all_pages: &[PageId], path: &str, paginate_by: usize, index: usize) -> Value {
    let number_pagers = all_pages.len().div_ceil(paginate_by).max(1);
    let permalink = |index: usize| match index {
        1 => lookups.config.permalink(path),
        _ => lookups.config.permalink(&pager_path(path, index)),
    };
    let start = ((index - 1) * paginate_by).min(all_pages.len());
    let end = (start + paginate_by).min(all_pages.len());
    let pages: Vec<Value> = all_pages[start..end]
        .iter()
        .map(|&page| {
            deps::record(deps::Dep::PageSummary(page));
            lookups.views.page_summary(page).clone()
        })
        .collect();
    let optional = |index: usize, exists: bool| if exists { Value::from(permalink(index)) } else { Value::none() };
    Value::from(BTreeMap::from([
        ("paginate_by", Value::from(paginate_by)),
        ("base_url", Value::from(lookups.config.permalink(&format!("{path}page/")))),
        ("number_pagers", Value::from(number_pagers)),
        ("first", Value::from(permalink(1))),
        ("last", Value::from(permalink(number_pagers))),
        ("previous", optional(index.saturating_sub(1), index > 1)),
        ("next", optional(index + 1, index < number_pagers)),
        ("pages", Value::from(pages)),
        ("current_index", Value::from(index)),
        ("total_pages", Value::from(all_pages.len())),
    ]))
}

fn taxonomy_view(lookups: &Lookups, t: usize) -> Value {
    let taxonomy = &lookups.site.taxonomies[t];
    let permalink = Value::from(lookups.config.permalink(&taxonomy.path));
    Value::from(BTreeMap::from([("name", Value::from(taxonomy.name.as_str())), ("permalink", permalink)]))
}

/// Where section `id` sends the browser instead of rendering (Zola's `redirect_to`), unless it is paginated: Zola
/// renders a paginated section's pagers and ignores `redirect_to` there.
pub fn redirect_of(site: &Site, id: SectionId) -> Option<&str> {
    let front_matter = &site.sections[id].doc.front_matter;
    let paginated = front_matter.paginate_by.is_some_and(|by| by > 0);
    front_matter.redirect_to.as_deref().filter(|_| !paginated)
}

/// Zola's `Config::make_permalink` (and `redirect_to`'s URL): an http(s) URL as it is, else `path` under
/// `base_url` with a `/` at the end unless it has one, names a feed, is empty or has a `#`.
fn zola_permalink(config: &Config, path: &str) -> String {
    if path.starts_with("http:") || path.starts_with("https:") {
        return path.to_string();
    }
    let keeps_end = path.ends_with('/')
        || config.feed_filenames.iter().any(|feed| path.ends_with(feed.as_str()))
        || path.is_empty()
        || path.contains('#');
    let trailing = if keeps_end { "" } else { "/" };
    match path {
        "/" => format!("{}/", config.base_url),
        _ => format!("{}/{}{trailing}", config.base_url, path.trim_start_matches('/')),
    }
}

/// A page that sends the browser (and search engines) to `url`, without scripts.
pub fn redirect_page(url: &str) -> String {
    let mut escaped = String::new();
    let _ = pulldown_cmark_escape::escape_html(&mut escaped, url);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Redirect</title><link rel=\"canonical\" href=\"{escaped}\"><meta http-equiv=\"refresh\" content=\"0; url={escaped}\"></head><body><p>This page has moved to <a href=\"{escaped}\">{escaped}</a>.</p></body></html>\n"
    )
}

fn render_template(
    templates: &Templates,
    base_url: &str,
    template: &str,
    path: &str,
    source: &Path,
    values: &[(&str, Value)],
) -> Result<String, RenderFailure> {
    let mut context = tera::Context::new();
    context.insert_value("current_path", Value::from(path));
    context.insert_value("current_url", Value::from(format!("{base_url}{path}")));
    for (key, value) in values {
        context.insert_value(key.to_string(), value.clone());
    }
    render_sized(&templates.tera, template, &context).map_err(|e| {
        let message = error_chain(&e);
        // Tera names the template and line the error is at (maybe a partial): the diagnostic points there.
        let at = match parse_position(&message) {
            Some((name, line, column)) => Location { line, column, ..templates.location(&name) },
            None => templates.location(template),
        };
        let diagnostic = Diagnostic::error(at, "template", format!("{message} (rendering {})", source.display()))
            .with_help("check the variable or function named above; the README lists everything templates can use");
        RenderFailure { template: template.to_string(), message, diagnostic: Box::new(diagnostic) }
    })
}

/// `Tera::render` into a buffer the size of this thread's last page: Tera starts from the template's source
/// length, and a page three or four times that long was copied into a larger buffer twice on the way.
fn render_sized(tera: &tera::Tera, template: &str, context: &tera::Context) -> tera::TeraResult<String> {
    thread_local! {
        static LAST_LENGTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }
    let mut html = Vec::with_capacity(LAST_LENGTH.get() + LAST_LENGTH.get() / 4);
    tera.render_to(template, context, &mut html)?;
    LAST_LENGTH.set(html.len());
    String::from_utf8(html).map_err(|e| tera::Error::message(format!("the page is not UTF-8: {e}")))
}

pub fn page_template(site: &Site, id: usize) -> String {
    let page = &site.pages[id];
    if let Some(template) = &page.doc.front_matter.template {
        return template.clone();
    }
    // The nearest section with a `page_template` chooses, as in Zola.
    site.ancestors(page.section)
        .into_iter()
        .rev()
        .find_map(|s| site.sections[s].doc.front_matter.page_template.clone())
        .unwrap_or_else(|| "page.html".into())
}

/// The template that renders `target`'s own page.
pub fn template_of(site: &Site, target: Target) -> String {
    match target {
        Target::Page(id) => page_template(site, id),
        Target::Section(id) => section_template(site, id),
    }
}

pub fn section_template(site: &Site, id: usize) -> String {
    let section = &site.sections[id];
    match &section.doc.front_matter.template {
        Some(template) => template.clone(),
        // The home section, and each other language's (Zola's `_index.fr.md`).
        None if section.parent.is_none() => "index.html".into(),
        None => "section.html".into(),
    }
}

/// Every page or section that names a template that does not exist: an error at its `template` line.
pub fn check_template_choices(site: &Site, templates: &Templates) -> Vec<Diagnostic> {
    site.targets().filter_map(|target| check_template_choice(site, templates, target)).collect()
}

/// The error for one page or section whose template does not exist.
pub fn check_template_choice(site: &Site, templates: &Templates, target: Target) -> Option<Diagnostic> {
    let template = match target {
        Target::Page(id) => page_template(site, id),
        Target::Section(id) => section_template(site, id),
    };
    let Document { front_matter, file, .. } = site.document(target);
    if templates.has(&template) {
        return None;
    }
    let mut names: Vec<&str> = templates
        .tera
        .get_template_names()
        .filter(|n| !n.starts_with("partials/") && !n.starts_with("macros") && *n != "anchor-link.html")
        .collect();
    names.sort_unstable();
    let line = front_matter.key_lines.get("template").copied().unwrap_or(0);
    let help = match crate::text::nearest(&template, &names) {
        Some(near) => format!("did you mean `{near}`?"),
        None => format!("add `templates/{template}` or choose one of: {}", names.join(", ")),
    };
    Some(
        Diagnostic::error(Location::new(file, line, 1), "template", format!("template `{template}` not found"))
            .with_help(help),
    )
}

fn template_diagnostic(templates: &Templates, error: &tera::Error, sources: &BTreeMap<String, String>) -> Diagnostic {
    let message = error_chain(error);
    let mut help = "fix the Tera syntax at the position shown (https://keats.github.io/tera/docs/)".to_string();
    let (at, message) = match parse_position(&message) {
        Some((name, line, column)) => {
            let mut at = templates.location(&name);
            (at.line, at.column) = (line, column);
            // Tera's message carries its own snippet after `-->`; the diagnostic shows the place once.
            let before = message.split(" --> ").next().unwrap_or(&message);
            let mut message = before.rsplit("error: ").next().unwrap_or(before).trim().to_string();
            // At the end of the file Tera points past its last line, and does not say which tag is still open.
            let text = sources.get(&name).map(String::as_str).unwrap_or("");
            // A line written in Tera 1 (Zola 0.22 templates) gets the Tera 2 form to write instead.
            if let Some(hint) = text.lines().nth(line.saturating_sub(1)).and_then(filters::migration_hint) {
                help = hint;
            }
            if message == "Unexpected end of input" {
                match unclosed_tag(text) {
                    Some((tag, line, column)) => {
                        (at.line, at.column) = (line, column);
                        message = format!("`{{% {tag} %}}` is never closed: the template ends first");
                        help = format!("add `{{% end{tag} %}}` where this `{tag}` should end");
                    }
                    None => (at.line, at.column) = (at.line.min(text.lines().count().max(1)), 1),
                }
            }
            (at, message)
        }
        None => (Location::file("templates"), message),
    };
    Diagnostic::error(at, "template", message).with_help(help)
}

/// The innermost block tag (`if`, `for`, `block`...) that `text` opens and never closes: its name, line and column.
fn unclosed_tag(text: &str) -> Option<(String, usize, usize)> {
    const OPENERS: [&str; 5] = ["if", "for", "block", "macro", "filter"];
    let mut open: Vec<(String, usize)> = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{%").map(|i| from + i) {
        let end = text[start..].find("%}").map_or(text.len(), |i| start + i);
        let inner = text[start + 2..end].trim_start_matches(['-', '+']).trim_start();
        let word = inner.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').next().unwrap_or("");
        if OPENERS.contains(&word) {
            open.push((word.to_string(), start));
        } else if let Some(closed) = word.strip_prefix("end").filter(|closed| OPENERS.contains(closed)) {
            if let Some(at) = open.iter().rposition(|(tag, _)| tag == closed) {
                open.remove(at);
            }
        }
        from = end.max(start + 2).min(text.len());
    }
    let (tag, offset) = open.pop()?;
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Some((tag, line, column))
}

/// Tera reports positions as `--> page.html:3:7`.
fn parse_position(message: &str) -> Option<(String, usize, usize)> {
    let rest = &message[message.find("--> ")? + 4..];
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let mut parts = rest[..end].rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((parts.next()?.to_string(), line, column))
}

/// Tera's error and its causes on one line each, without the repetitive "Failed to render" wrapper.
pub(crate) fn error_chain(error: &tera::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    if parts.len() > 1 && parts[0].starts_with("Failed to render") {
        parts.remove(0);
    }
    parts.join(": ").replace('\n', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths() {
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }

    #[test]
    fn issue_12_unclosed_tags_are_found_where_they_open() {
        let page = "<html>\n<body>\n{% if page.title %}\n<h1>{{ page.title }}</h1>\n</body>\n</html>\n";
        assert_eq!(unclosed_tag(page), Some(("if".into(), 3, 1)));
        let nested = "{% for p in pages %}\n  {%- if p %}x{% endif %}\n  {% block b %}\n{% endfor %}";
        assert_eq!(unclosed_tag(nested), Some(("block".into(), 3, 3)));
        assert_eq!(unclosed_tag("{% if a %}{% endif %}"), None);
    }

    #[test]
    fn positions_from_tera_messages() {
        assert_eq!(parse_position("Failed to parse\n --> x.html:3:7\n  |"), Some(("x.html".into(), 3, 7)));
        assert_eq!(parse_position("no position"), None);
    }
}
