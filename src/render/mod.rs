//! Loads Tera templates (the site's over the built-in theme) and renders every page, section, taxonomy,
//! alias and the 404 page, in parallel, handing each result to a sink; writes nothing itself.

mod functions;
pub mod relative;
pub mod views;

use crate::config::Config;
use crate::content::{Site, Target};
use crate::error::{Diagnostic, Location};
use crate::links::Relations;
use functions::{term_value, Lookups};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use tera::Value;
use views::{build_views, page_value};

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
    site_templates: Vec<String>,
    lookups: Arc<OnceLock<Arc<Lookups>>>,
}

impl Templates {
    pub fn has(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    fn location(&self, name: &str) -> Location {
        if self.site_templates.iter().any(|n| n == name) {
            Location::file(Path::new("templates").join(name))
        } else {
            Location::file(format!("(built-in theme) templates/{name}"))
        }
    }
}

/// The built-in theme's templates overridden, file by file, by `root/templates`.
pub fn load_templates(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<Templates> {
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for (name, bytes) in crate::theme::TEMPLATES.iter() {
        sources.insert(name.to_string(), String::from_utf8_lossy(bytes).into_owned());
    }
    let mut site_templates = Vec::new();
    let dir = root.join("templates");
    for entry in walkdir::WalkDir::new(&dir).follow_links(true).sort_by_file_name().into_iter().flatten() {
        if !entry.file_type().is_file() || entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => {
                sources.insert(name.clone(), text);
                site_templates.push(name);
            }
            Err(e) => diagnostics.push(
                Diagnostic::error(
                    Location::file(Path::new("templates").join(&name)),
                    "template",
                    format!("cannot read: {e}"),
                )
                .with_help("templates must be readable UTF-8 text files"),
            ),
        }
    }
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml"]);
    functions::register_filters(&mut tera);
    // Tera 2 checks function names when it parses, so they are registered now and see the site later.
    let lookups = Arc::new(OnceLock::new());
    functions::register(&mut tera, lookups.clone());
    let mut templates = Templates { tera: tera::Tera::new(), site_templates, lookups };
    if let Err(e) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        diagnostics.push(template_diagnostic(&templates, &e));
        return None;
    }
    templates.tera = tera;
    Some(templates)
}

/// Renders everything; each result goes to `sink` as soon as it exists, so pages need not all be held in memory.
pub fn render_site(
    site: Arc<Site>,
    config: Arc<Config>,
    relations: &Relations,
    mut templates: Templates,
    serve_mode: bool,
    sink: &(dyn Fn(RenderedPage) + Sync),
    diagnostics: &mut Vec<Diagnostic>,
) {
    let views = Arc::new(build_views(&site, &config, relations));
    let lookups = Arc::new(Lookups { site: site.clone(), config: config.clone(), views: views.clone() });
    let _ = templates.lookups.set(lookups.clone());
    set_global_context(&mut templates.tera, &config, serve_mode);
    let renderer =
        Renderer { templates: &templates, base_url: config.base_url.clone(), errors: Mutex::new(BTreeMap::new()) };
    check_template_choices(&site, &templates, diagnostics);

    site.pages.par_iter().enumerate().for_each(|(id, page)| {
        let template = page_template(&site, id);
        if !templates.has(&template) {
            return;
        }
        let value = page_value(&site, &views, id);
        if let Some(html) = renderer.render(&template, &page.path, &page.file, [("page", value)]) {
            sink(RenderedPage { path: page.path.clone(), html });
        }
    });
    site.sections.par_iter().enumerate().for_each(|(id, section)| {
        let template = section_template(&site, id);
        if !section.front_matter.render || !templates.has(&template) {
            return;
        }
        let value = views.sections[id].clone();
        if let Some(html) = renderer.render(&template, &section.path, &section.file, [("section", value)]) {
            sink(RenderedPage { path: section.path.clone(), html });
        }
    });
    render_taxonomies(&site, &lookups, &renderer, sink);
    render_extras(&site, &config, &renderer, sink);
    let errors = renderer.errors.into_inner().unwrap_or_else(|e| e.into_inner());
    for ((_, _), (diagnostic, count)) in errors {
        let diagnostic = if count > 1 {
            let message = format!("{} (and {} more pages with the same error)", diagnostic.message, count - 1);
            Diagnostic { message, ..diagnostic }
        } else {
            diagnostic
        };
        diagnostics.push(diagnostic);
    }
}

fn render_taxonomies(site: &Site, lookups: &Lookups, renderer: &Renderer<'_>, sink: &(dyn Fn(RenderedPage) + Sync)) {
    let config_file = Path::new("config.toml");
    for taxonomy in &site.taxonomies {
        let permalink = Value::from(lookups.config.permalink(&taxonomy.path));
        let taxonomy_view =
            Value::from(BTreeMap::from([("name", Value::from(taxonomy.name.as_str())), ("permalink", permalink)]));
        let terms = Value::from(taxonomy.terms.iter().map(|term| term_value(lookups, term)).collect::<Vec<_>>());
        if renderer.templates.has("taxonomy_list.html") {
            let context = [("taxonomy", taxonomy_view.clone()), ("terms", terms)];
            if let Some(html) = renderer.render("taxonomy_list.html", &taxonomy.path, config_file, context) {
                sink(RenderedPage { path: taxonomy.path.clone(), html });
            }
        }
        if renderer.templates.has("taxonomy_single.html") {
            taxonomy.terms.par_iter().for_each(|term| {
                let context = [("taxonomy", taxonomy_view.clone()), ("term", term_value(lookups, term))];
                if let Some(html) = renderer.render("taxonomy_single.html", &term.path, config_file, context) {
                    sink(RenderedPage { path: term.path.clone(), html });
                }
            });
        }
    }
}

/// The 404 page and redirect pages for aliases.
fn render_extras(site: &Site, config: &Config, renderer: &Renderer<'_>, sink: &(dyn Fn(RenderedPage) + Sync)) {
    if renderer.templates.has("404.html") {
        if let Some(html) = renderer.render("404.html", "/404.html", Path::new("templates/404.html"), []) {
            sink(RenderedPage { path: "/404.html".into(), html });
        }
    }
    let pages = site.pages.iter().map(|p| (&p.front_matter.aliases, &p.path));
    let sections = site.sections.iter().map(|s| (&s.front_matter.aliases, &s.path));
    for (aliases, path) in pages.chain(sections) {
        for alias in aliases {
            let alias_path = if alias.ends_with(".html") {
                format!("/{}", alias.trim_start_matches('/'))
            } else {
                format!("/{}/", alias.trim_matches('/'))
            };
            sink(RenderedPage { path: alias_path, html: redirect_page(&config.permalink(path)) });
        }
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

struct Renderer<'a> {
    templates: &'a Templates,
    base_url: String,
    /// (template, message) → first diagnostic and how many renders hit it: one line per distinct error.
    errors: Mutex<BTreeMap<(String, String), (Diagnostic, usize)>>,
}

impl Renderer<'_> {
    fn render<const N: usize>(
        &self,
        template: &str,
        path: &str,
        source: &Path,
        values: [(&str, Value); N],
    ) -> Option<String> {
        let mut context = tera::Context::new();
        context.insert_value("current_path", Value::from(path));
        context.insert_value("current_url", Value::from(format!("{}{path}", self.base_url)));
        for (key, value) in values {
            context.insert_value(key.to_string(), value);
        }
        match self.templates.tera.render(template, &context) {
            Ok(html) => Some(html),
            Err(e) => {
                let message = error_chain(&e);
                let mut errors = self.errors.lock().unwrap_or_else(|e| e.into_inner());
                let entry = errors.entry((template.to_string(), message.clone())).or_insert_with(|| {
                    let diagnostic = Diagnostic::error(
                        self.templates.location(template),
                        "template",
                        format!("{message} (rendering {})", source.display()),
                    )
                    .with_help(
                        "check the variable or function named above; the README lists everything templates can use",
                    );
                    (diagnostic, 0)
                });
                entry.1 += 1;
                None
            }
        }
    }
}

/// What every template sees whatever it renders: set once, shared by all renders.
fn set_global_context(tera: &mut tera::Tera, config: &Config, serve_mode: bool) {
    let global = tera.global_context();
    global.insert("config", config);
    global.insert("lang", &config.default_language);
    global.insert("quire_version", env!("CARGO_PKG_VERSION"));
    global.insert("serve_mode", &serve_mode);
}

pub fn page_template(site: &Site, id: usize) -> String {
    let page = &site.pages[id];
    if let Some(template) = &page.front_matter.template {
        return template.clone();
    }
    // The nearest section with a `page_template` chooses, as in Zola.
    site.ancestors(page.section)
        .into_iter()
        .rev()
        .find_map(|s| site.sections[s].front_matter.page_template.clone())
        .unwrap_or_else(|| "page.html".into())
}

pub fn section_template(site: &Site, id: usize) -> String {
    let section = &site.sections[id];
    match &section.front_matter.template {
        Some(template) => template.clone(),
        None if id == 0 => "index.html".into(),
        None => "section.html".into(),
    }
}

/// A page that names a template that does not exist is an error at its `template` line.
fn check_template_choices(site: &Site, templates: &Templates, diagnostics: &mut Vec<Diagnostic>) {
    let mut names: Vec<&str> = templates
        .tera
        .get_template_names()
        .filter(|n| !n.starts_with("partials/") && !n.starts_with("macros"))
        .collect();
    names.sort_unstable();
    let targets = (0..site.pages.len()).map(Target::Page).chain((0..site.sections.len()).map(Target::Section));
    for target in targets {
        let (template, front_matter, file) = match target {
            Target::Page(id) => (page_template(site, id), &site.pages[id].front_matter, &site.pages[id].file),
            Target::Section(id) => {
                (section_template(site, id), &site.sections[id].front_matter, &site.sections[id].file)
            }
        };
        if templates.has(&template) {
            continue;
        }
        let line = front_matter.key_lines.get("template").copied().unwrap_or(0);
        let help = match crate::links::nearest(&template, &names) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("add `templates/{template}` or choose one of: {}", names.join(", ")),
        };
        diagnostics.push(
            Diagnostic::error(Location::new(file, line, 1), "template", format!("template `{template}` not found"))
                .with_help(help),
        );
    }
}

fn template_diagnostic(templates: &Templates, error: &tera::Error) -> Diagnostic {
    let message = error_chain(error);
    let at = match parse_position(&message) {
        Some((name, line, column)) => {
            let mut at = templates.location(&name);
            at.line = line;
            at.column = column;
            at
        }
        None => Location::file("templates"),
    };
    Diagnostic::error(at, "template", message)
        .with_help("fix the Tera syntax at the position shown (https://keats.github.io/tera/docs/)")
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
fn error_chain(error: &tera::Error) -> String {
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
    fn positions_from_tera_messages() {
        assert_eq!(parse_position("Failed to parse\n --> x.html:3:7\n  |"), Some(("x.html".into(), 3, 7)));
        assert_eq!(parse_position("no position"), None);
    }
}
