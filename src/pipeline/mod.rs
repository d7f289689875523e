//! The stages every command runs, written once: `prepare` reads config, content and templates into a checked
//! model; `produce` renders it into a sink and checks what was made. build, check and serve differ only in the sink.
//!
//! `build` produces into the staging folder, `check` into nothing, and `serve` prepares the same way, then renders
//! with its own record of what each page used (`serve::rebuild`) and checks the files it holds with `check_files`.

pub mod files;

use crate::check::{ExternalLink, LinkCheck};
use crate::config::{Config, InsertAnchor};
use crate::content::{self, Document, Site, Target};
use crate::error::{Diagnostic, Result};
use crate::links::{self, Relations};
use crate::output::{Contents, OutputFile};
use crate::render::{self, PageBodies, Templates};
use crate::{markdown, search, shortcodes, BuildOptions, Timer, PARALLEL_CHUNK};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which command runs the stages: what it keeps of the model and how templates see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// One pass into `public/`.
    Build,
    /// One pass into nothing.
    Check,
    /// Kept in memory for the next edit: sources stay, and templates see `serve_mode = true`.
    Serve,
}

/// The checked model, ready to render: what every command has once its inputs are read.
pub struct Prepared {
    pub root: PathBuf,
    pub purpose: Purpose,
    pub config: Config,
    pub site: Site,
    pub relations: Relations,
    /// `None` when the templates could not be loaded (`problems.templates` says why).
    pub templates: Option<Templates>,
    pub problems: StageProblems,
}

/// Diagnostics by the stage that made them, so `serve` can replace one stage's after an edit.
#[derive(Debug, Default, Clone)]
pub struct StageProblems {
    pub config: Vec<Diagnostic>,
    /// Reading content and front matter.
    pub content: Vec<Diagnostic>,
    /// `@/` links, anchors and relations in Markdown.
    pub links: Vec<Diagnostic>,
    /// Loading templates.
    pub templates: Vec<Diagnostic>,
    /// Pages and sections naming a template that does not exist.
    pub template_choices: Vec<Diagnostic>,
}

impl StageProblems {
    pub fn all(&self) -> impl Iterator<Item = &Diagnostic> {
        [&self.config, &self.content, &self.links, &self.templates, &self.template_choices].into_iter().flatten()
    }
}

/// What `produce` made: the model it rendered, and every problem found, in stage order.
pub struct Produced {
    pub site: Arc<Site>,
    pub diagnostics: Vec<Diagnostic>,
    /// http(s) links found, when asked for (`check --external`).
    pub external: Vec<ExternalLink>,
}

/// Reads config.toml (with the command line's overrides), the content, its Markdown and links, and the templates.
/// `Err` only when config.toml cannot be read: every later problem is in `problems`, and the stages go on as far
/// as they can, so one run reports everything.
pub fn prepare(options: &BuildOptions, purpose: Purpose) -> Result<Prepared> {
    let (mut config, config_problems) = load_config(options)?;
    let root = options.root.clone();
    let mut problems = StageProblems { config: config_problems, ..StageProblems::default() };
    let timer = Timer::start();
    // One `git log` over the whole history, on the other core while the content is read and rendered.
    let git_log = config.git_dates.then(|| crate::git::start_log(&root));
    // Loaded first: the shortcodes in the content render with them.
    let mut templates = render::load_templates(&root, &config, &mut problems.templates);
    timer.lap("templates");
    let mut site = content::load_site(&root, &config, &mut problems.content);
    // A feed lists dated pages: without any, no empty atom.xml is written, and templates, which ask
    // `config.generate_feeds`, link to none. Decided here once; `serve` builds again when that answer changes.
    config.generate_feeds &= site.has_dated_pages();
    // Decided here once too; `serve` builds again when that answer changes.
    if let Some(templates) = &templates {
        config.uses_builtin_theme = files::uses_builtin_theme(&root, &config, &site, templates);
        config.lists_carry_content = templates.reads_listed_content;
    }
    timer.lap("content");
    let release_to = (purpose != Purpose::Serve).then_some(root.as_path());
    render_bodies(&mut site, &config, &root, release_to, templates.as_ref(), &mut problems.content);
    timer.lap("markdown");
    let relations = links::check_links(&site, &config, &mut problems.links);
    timer.lap("links");
    if let Some(templates) = &mut templates {
        templates.set_global_context(&config, purpose == Purpose::Serve);
        problems.template_choices = render::check_template_choices(&site, templates);
    }
    timer.lap("template choices");
    if let Some(git_log) = git_log {
        site.git = Arc::new(git_log.finish(&root, &mut problems.content));
        timer.lap("git log");
    }
    Ok(Prepared { root, purpose, config, site, relations, templates, problems })
}

/// Renders every output of `prepared` and hands each file to `sink` as it is made (pages, static files, assets,
/// feeds, the search index), checking every link of what was made on the way. With `external`, http(s) links are
/// gathered for `check --external`.
pub fn produce(prepared: Prepared, sink: &(dyn Fn(OutputFile) + Sync), external: bool) -> Produced {
    let timer = Timer::start();
    let Prepared { root, config, mut site, relations, templates, problems, .. } = prepared;
    let mut diagnostics: Vec<Diagnostic> = problems.all().cloned().collect();
    let Some(templates) = templates else {
        return Produced { site: Arc::new(site), diagnostics, external: Vec::new() };
    };
    let bodies = PageBodies::take_if_read_once(&mut site, &config, &templates);
    let (site, config, relations) = (Arc::new(site), Arc::new(config), Arc::new(relations));
    let lookups = Arc::new(render::Lookups::new(site.clone(), config.clone(), relations.clone(), bodies));
    // What layouts show after a body, for the twins: rendered first (a few pages: the theme's glossary, timeline
    // and matrix), as the twins are written while the pages render.
    let after_content = match config.markdown_twins {
        true => {
            templates.set_lookups(Some(lookups.clone()));
            render::after_content_all(&templates, &lookups)
        }
        false => render::AfterContent::new(),
    };
    // Made now, so the link check knows every file the pages may link to; the generated ones are written while
    // the pages render, the others (static files replace pages) after them.
    let files = files::site_files(&root, &site, &config, &relations, after_content, &mut diagnostics);
    let expected = files::expected_outputs(&site, &templates, &files);
    let (conflicts, blocked) = files::folder_conflicts(&root, &site, &templates, &files);
    diagnostics.extend(conflicts);
    // What cannot be written is left out, so the build reports the conflict rather than the failed write.
    let sink = &|file: OutputFile| {
        if !blocked.contains(&file.path) {
            sink(file)
        }
    };
    let (generated, mut files) = files::generated_first(files);
    let mut links = LinkCheck::new(&root, &site, &config, &templates).expecting(&expected);
    if external {
        links = links.collecting_external();
    }
    let page_sink = |page: render::RenderedPage| {
        let path = page.output_path();
        let html = match config.relative_urls {
            true => render::relative::make_links_relative(&page.html, &path, &config.base_url),
            false => page.html,
        };
        links.add_html(&path, &html);
        sink(OutputFile { path, contents: Contents::Bytes(html.into_bytes()) });
    };
    let add_and_write = |file: OutputFile| {
        links.add(&file);
        sink(file);
    };
    let (failures, ()) = rayon::join(
        || render::render_all(&templates, &lookups, &page_sink),
        // In chunks, so Markdown twins (a file per page) are written by whichever core is free; a site without
        // them has a handful of generated files, one chunk, written in order as before.
        || generated.into_par_iter().with_max_len(PARALLEL_CHUNK).for_each(add_and_write),
    );
    diagnostics.extend(failures);
    // The images the templates asked for, before the link check learns of the last files.
    files.extend(templates.images.process(config.image_cache.as_deref(), &mut diagnostics));
    crate::drop_in_background((templates, lookups));
    timer.lap("render + write pages");
    if config.writes_quire_search() {
        files.extend(search::index_files(&site));
    }
    for file in &files {
        links.add(file);
    }
    // Both need only what is known now: the last files are written while links are checked.
    let ((), (found, external)) = rayon::join(|| files.into_iter().for_each(sink), || links.finish_with_external());
    diagnostics.extend(found);
    timer.lap("other files + link check");
    crate::drop_in_background(relations);
    Produced { site, diagnostics, external }
}

/// The link checks of `produce` over a site already made and held in memory (`serve`): `rendered` gives each
/// rendered page's path and HTML (empty when another file replaced it), `files` every other file.
pub fn check_files<'h, Html: AsRef<str> + Send>(
    root: &Path,
    site: &Site,
    config: &Config,
    templates: &Templates,
    rendered: impl ParallelIterator<Item = (&'h str, Html)>,
    files: &[OutputFile],
) -> Vec<Diagnostic> {
    let links = LinkCheck::new(root, site, config, templates);
    rendered.for_each(|(path, html)| links.add_html(path, html.as_ref()));
    for file in files {
        links.add(file);
    }
    links.finish()
}

/// `config.toml` with the command line's overrides applied.
pub fn load_config(options: &BuildOptions) -> Result<(Config, Vec<Diagnostic>)> {
    let (mut config, diagnostics) = crate::config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        config.set_base_url(base_url);
    }
    config.drafts = options.drafts;
    config.relative_urls |= options.offline;
    config.markdown_twins |= options.twins;
    Ok((config, diagnostics))
}

/// Renders every page's and section's Markdown body, in parallel, after running the calls written in it
/// (shortcodes, or Zola 0.23's body templates) with `templates`. With `release_to`, each text is freed as soon
/// as its body is rendered, and diagnostics read the file again from that root (`Site::source_text`). Paired 10k
/// run (5 Dec 2026): keeping the texts costs 30 MiB of peak memory (147 against 117 MiB, +26%) and 4% more CPU.
fn render_bodies(
    site: &mut Site,
    config: &Config,
    root: &Path,
    release_to: Option<&Path>,
    templates: Option<&render::Templates>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (page_texts, section_texts) = site.take_sources(release_to);
    let keep = release_to.is_none();
    let calls = templates.map(|templates| {
        shortcodes::ContentCalls::new(&templates.tera, config)
            .with_broken_shortcodes(&templates.broken_shortcodes)
            .with_site_files(crate::walk::Links::new(root, config))
    });
    // Shortcodes may call get_url, get_page...: while bodies render, the functions see the site without them.
    let lender = templates.filter(|_| calls.as_ref().is_some_and(shortcodes::ContentCalls::renders_templates));
    let lent = lender.map(|templates| {
        let lent = Arc::new(std::mem::take(site));
        let lookups = Arc::new(render::Lookups::for_content(lent.clone(), Arc::new(config.clone())));
        templates.set_lookups(Some(lookups.clone()));
        (lent, lookups)
    });
    let (pages, sections) = {
        let site: &Site = match &lent {
            Some((lent, _)) => lent,
            None => site,
        };
        let bodies = Bodies {
            site,
            config,
            templates,
            calls: calls.as_ref(),
            lookups: lent.as_ref().map(|(_, l)| &**l),
            keep,
            twins: config.markdown_twins,
        };
        with_markdown_options(site, config, |options| {
            let pages = bodies.render_all(page_texts, options, Target::Page);
            let sections = bodies.render_all(section_texts, options, Target::Section);
            (pages, sections)
        })
    };
    if let (Some((lent, lookups)), Some(templates)) = (lent, lender) {
        templates.set_lookups(None);
        drop(lookups);
        *site = Arc::try_unwrap(lent).unwrap_or_else(|shared| (*shared).clone());
    }
    let mut kept = (Vec::new(), Vec::new());
    for (page, (rendered, text, problems)) in site.pages.iter_mut().zip(pages) {
        page.doc.rendered = rendered;
        kept.0.extend(text);
        diagnostics.extend(problems);
    }
    for (section, (rendered, text, problems)) in site.sections.iter_mut().zip(sections) {
        section.doc.rendered = rendered;
        kept.1.extend(text);
        diagnostics.extend(problems);
    }
    if keep {
        site.restore_sources(kept.0, kept.1);
    }
    site.included_files = calls.map(|calls| calls.included_files()).unwrap_or_default();
    for (file, bodies) in templates.map(render::Templates::included_files).unwrap_or_default() {
        site.included_files.entry(file).or_default().extend(bodies);
    }
}

/// What rendering one body needs besides its text.
struct Bodies<'a> {
    site: &'a Site,
    config: &'a Config,
    /// For each body's heading anchors (`heading_anchor`); `None` when they could not be loaded.
    templates: Option<&'a render::Templates>,
    calls: Option<&'a shortcodes::ContentCalls<'a>>,
    /// What shortcodes see as `page` or `section`, when some shortcode may render.
    lookups: Option<&'a render::Lookups>,
    keep: bool,
    /// Keep each body's expanded Markdown for its twin (`markdown_twins = true`).
    twins: bool,
}

/// A body's HTML, its text when kept, and the problems of its calls.
type RenderedBody = (markdown::Rendered, Option<String>, Vec<Diagnostic>);

impl Bodies<'_> {
    fn render_all(
        &self,
        texts: Vec<String>,
        options: &markdown::Options<'_>,
        target: fn(usize) -> Target,
    ) -> Vec<RenderedBody> {
        texts
            .into_par_iter()
            .enumerate()
            .with_max_len(PARALLEL_CHUNK)
            .map(|(id, text)| {
                let (rendered, problems) = self.render_one(&text, target(id), options);
                (rendered, self.keep.then_some(text), problems) // a released text is freed here, on this thread
            })
            .collect()
    }

    fn render_one(
        &self,
        text: &str,
        target: Target,
        options: &markdown::Options<'_>,
    ) -> (markdown::Rendered, Vec<Diagnostic>) {
        with_heading_anchor(self.site, self.config, self.templates, target, options, |options| {
            self.render_with(text, target, options)
        })
    }

    fn render_with(
        &self,
        text: &str,
        target: Target,
        options: &markdown::Options<'_>,
    ) -> (markdown::Rendered, Vec<Diagnostic>) {
        let document = self.site.document(target);
        let body = text.get(document.body_offset..).unwrap_or("");
        let Some(calls) = self.calls else {
            return (render_expanded(document, text, Ok(None), options, self.twins), Vec::new());
        };
        let context = || {
            let mut context = match (self.lookups, target) {
                (Some(lookups), Target::Page(id)) => vec![("page", lookups.views.page_summary(id).clone())],
                (Some(lookups), Target::Section(id)) => vec![("section", lookups.views.section_metadata(id).clone())],
                (None, _) => Vec::new(),
            };
            // A body in another language sees that language, as its page's templates do.
            context.extend(document.lang.as_deref().map(|lang| ("lang", tera::Value::from(lang))));
            context
        };
        let code = || markdown::code_ranges(body, options);
        let expanded = calls.expand(document.relative_path.as_str(), body, &context, &code);
        let problems = call_problems(document, text, &expanded);
        (render_expanded(document, text, expanded, options, self.twins), problems)
    }
}

/// The body of `document` (its whole file is `text`) rendered after its calls ran (`expanded`; as written when
/// it has none, or when they failed), with its Markdown kept for its twin when `twins`.
fn render_expanded(
    document: &Document,
    text: &str,
    expanded: std::result::Result<Option<shortcodes::Expanded>, Vec<shortcodes::CallError>>,
    options: &markdown::Options<'_>,
    twins: bool,
) -> markdown::Rendered {
    let body = text.get(document.body_offset..).unwrap_or("");
    match expanded {
        Ok(Some(mut expanded)) => {
            let text = std::mem::take(&mut expanded.text);
            let mut rendered = markdown::render_markdown(&text, options);
            rendered.markdown = twins.then(|| expanded.markdown_with_outputs(&text));
            expanded.finish(&mut rendered);
            rendered
        }
        Ok(None) | Err(_) => {
            let mut rendered = markdown::render_markdown(body, options);
            rendered.markdown = twins.then(|| body.to_string());
            rendered
        }
    }
}

/// The errors of the calls in `document`'s body, at their file:line:col.
fn call_problems(
    document: &Document,
    text: &str,
    expanded: &std::result::Result<Option<shortcodes::Expanded>, Vec<shortcodes::CallError>>,
) -> Vec<Diagnostic> {
    let Err(errors) = expanded else { return Vec::new() };
    let at = |error: &shortcodes::CallError| {
        crate::error::Location::offset_in(&document.file, text, document.body_offset + error.offset)
    };
    errors
        .iter()
        .map(|error| Diagnostic::error(at(error), "shortcode", error.message.clone()).with_help(error.help.clone()))
        .collect()
}

/// The body of `document` rendered for `serve` after an edit, when its only calls are to the built-in `include`
/// (run again with `calls`), with the problems of those calls; `None` when it calls anything else (shortcodes
/// render with the templates and the whole site: a full rebuild does that).
pub fn render_body_with_includes(
    site: &Site,
    config: &Config,
    templates: &Templates,
    calls: &shortcodes::ContentCalls<'_>,
    target: Target,
) -> Option<(markdown::Rendered, Vec<Diagnostic>)> {
    let document = site.document(target);
    let text = document.text.as_str();
    let body = text.get(document.body_offset..).unwrap_or("");
    with_markdown_options(site, config, |options| {
        with_heading_anchor(site, config, Some(templates), target, options, |options| {
            let code = || markdown::code_ranges(body, options);
            let expanded = calls.expand_includes(document.relative_path.as_str(), body, &code)?;
            let problems = call_problems(document, text, &expanded);
            Some((render_expanded(document, text, expanded, options, config.markdown_twins), problems))
        })
    })
}

/// One page's or section's Markdown body rendered as `prepare` renders it, for `serve` after an edit.
pub fn render_body(site: &Site, config: &Config, templates: &Templates, target: Target) -> markdown::Rendered {
    let body = site.document(target).body();
    let mut rendered = with_markdown_options(site, config, |options| {
        with_heading_anchor(site, config, Some(templates), target, options, |options| {
            markdown::render_markdown(body, options)
        })
    });
    rendered.markdown = config.markdown_twins.then(|| body.to_string());
    rendered
}

/// Markdown written in a template (`{{ text | markdown }}`): rendered as bodies are, headings without anchor
/// links, as in Zola.
pub fn render_template_markdown(site: &Site, config: &Config, text: &str) -> markdown::Rendered {
    with_markdown_options(site, config, |options| markdown::render_markdown(text, options))
}

/// Calls `render` with `options` giving the headings of `target`'s body their anchor link. Zola's rule: the
/// `insert_anchor_links` of the body's section (a page's: the section of its own folder, as Zola looks only
/// there), else config.toml's `[markdown]` one, else none; Quire's rule when neither says: the built-in theme's
/// `#` link on the pages the theme lays out (`Templates::laid_out_by_theme`), so its look stays.
fn with_heading_anchor<R>(
    site: &Site,
    config: &Config,
    templates: Option<&Templates>,
    target: Target,
    options: &markdown::Options<'_>,
    render: impl FnOnce(&markdown::Options<'_>) -> R,
) -> R {
    let document = site.document(target);
    let section = match target {
        Target::Section(id) => Some(id),
        Target::Page(id) => {
            let page = &site.pages[id];
            let folder = page.doc.relative_path.page_section_dir(page.doc.lang.as_deref());
            (site.sections[page.section].doc.relative_path.section_dir() == folder).then_some(page.section)
        }
    };
    let insert = section
        .and_then(|id| site.sections[id].doc.front_matter.insert_anchor_links)
        .or(config.markdown.insert_anchor_links);
    let lang = document.lang.as_deref().unwrap_or(&config.default_language);
    let link = |id: &str, level: u32| templates.map_or(Ok(String::new()), |t| t.anchor_link(id, level, lang));
    let heading_anchor = match (insert, templates) {
        (Some(InsertAnchor::None), _) | (Some(_), None) => markdown::HeadingAnchor::None,
        (Some(insert), Some(_)) => markdown::HeadingAnchor::Template { insert, link: &link },
        (None, Some(templates)) if templates.laid_out_by_theme(&render::template_of(site, target)) => {
            markdown::HeadingAnchor::Theme
        }
        (None, _) => markdown::HeadingAnchor::None,
    };
    render(&options.with_heading_anchor(heading_anchor))
}

/// Calls `render` with the Markdown options `config` asks for, `@/` links resolving in `site`.
fn with_markdown_options<R>(site: &Site, config: &Config, render: impl FnOnce(&markdown::Options<'_>) -> R) -> R {
    let resolve = |path: &str| links::resolve(site, config, path);
    let options = markdown::Options {
        settings: config.markdown.clone(),
        anchors: config.slugify.anchors,
        resolve: &resolve,
        heading_anchor: markdown::HeadingAnchor::None,
    };
    render(&options)
}
