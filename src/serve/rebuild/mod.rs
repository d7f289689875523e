//! `serve`'s live site: the model, views, templates and every output file kept in memory, with what each render
//! used, so that a batch of source changes re-renders only the files it reaches. What it cannot follow rebuilds all.
//!
//! Parts: `plan` (changes → what can be updated in place; pure), `edit` (edited pages and sections into the model),
//! `changed` (which views changed, hence which renders are stale), `outputs` (renders with their recorded
//! dependencies), `files` (static files, assets, sitemap and feed; the update's file changes), `search` (the search
//! index, given only the pages and sections an edit changed), `template_graph` (which templates an edited template
//! reaches).
//!
//! A change to a file that bodies include reads those bodies again, as if they were edited.
//! Full rebuilds: config.toml, a folder under content/ (created, removed, renamed), any content edit of a site in
//! several languages (Zola's `[languages]`), a page or section added,
//! removed or renamed, a page whose address, aliases or draft state changed, a section whose sorting, weight,
//! templates, aliases, transparency or rendering changed, a new or removed asset, and every change after a build
//! that could not load its config or templates. A template edit re-renders the files whose template extends or
//! includes it (all of them when it defines components or the templates cannot be followed).

mod changed;
mod edit;
mod files;
mod outputs;
mod search;
mod template_graph;

use super::{Change, SiteFiles};
use crate::config::Config;
use crate::content::{Site, Target};
use crate::error::{Diagnostic, Error, Location};
use crate::links::Relations;
use crate::output::OutputFile;
use crate::pipeline::{self, Prepared, Purpose, StageProblems};
use crate::render::views::Views;
use crate::render::{self, check_template_choice, output_path, summarize_failures, Lookups, Output, RenderFailure};
use crate::BuildOptions;
use changed::Changed;
use files::{FileChanges, Layer};
use outputs::{render_outputs, Record, Render};
use rayon::prelude::*;
use search::LiveSearch;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use template_graph::Reach;

/// Why a batch of changes needs a full rebuild, for the terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FullRebuild(pub String);

/// What can be updated in place, from a batch of changes; paths use `/`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Pages relative to `content/`.
    pub pages: Vec<String>,
    /// Sections' `_index.md`, relative to `content/`.
    pub sections: Vec<String>,
    pub templates: bool,
    /// Relative to `static/`; "" is the folder itself.
    pub statics: Vec<String>,
    /// Files beside pages, relative to `content/`.
    pub assets: Vec<String>,
    /// Files that bodies include, from the site root: those bodies are read again.
    pub included: Vec<String>,
}

/// Sorts a batch of changes into what can be updated in place; config and section changes cannot.
pub fn plan(changes: &[Change]) -> Result<Plan, FullRebuild> {
    let slash = |path: &std::path::Path| path.to_string_lossy().replace('\\', "/");
    let mut plan = Plan::default();
    for change in changes {
        match change {
            Change::Config => return Err(FullRebuild("config.toml changed".into())),
            Change::Section(path) if path.file_name().is_some_and(|name| name == "_index.md") => {
                plan.sections.push(slash(path))
            }
            Change::Section(path) => return Err(FullRebuild(format!("folder content/{} changed", slash(path)))),
            Change::Page(path) => plan.pages.push(slash(path)),
            // Page bodies hold what shortcodes rendered: they are rendered again with the whole site.
            Change::Template(path) if path.starts_with("shortcodes") => {
                return Err(FullRebuild(format!("shortcode templates/{} changed", slash(path))))
            }
            Change::Template(_) => plan.templates = true,
            Change::Static(path) => plan.statics.push(slash(path)),
            // Read again with the static files, where the compiled stylesheets are.
            Change::Sass(_) => plan.statics.push(String::new()),
            Change::Asset(path) => plan.assets.push(slash(path)),
            // The bodies that include it hold its text: they are read again, as if edited.
            Change::Included(path) => plan.included.push(slash(path)),
        }
    }
    Ok(plan)
}

/// Diagnostics by the stage that made them, so each stage can replace its own: the pipeline's, then the files'.
#[derive(Debug, Default)]
pub struct Problems {
    /// A page read again replaces those at its file; links are checked again whole.
    pub stages: StageProblems,
    /// Reading static files and assets.
    pub files: Vec<Diagnostic>,
    /// The link check of the files as made (`pipeline::check_files`): replaced after each update.
    pub rendered_links: Vec<Diagnostic>,
}

/// What one update did, for the terminal line.
#[derive(Debug, Clone, Copy, Default)]
pub struct Update {
    pub rendered: usize,
    pub files_changed: usize,
}

/// The site as `serve` holds it between edits.
pub struct LiveSite {
    options: BuildOptions,
    config: Arc<Config>,
    site: Arc<Site>,
    relations: Relations,
    views: Arc<Views>,
    templates: render::Templates,
    /// Every rendered output by file path ("a/b/index.html").
    records: HashMap<String, Record>,
    /// Outputs whose last render failed; they are rendered again at every update until they succeed.
    failures: BTreeMap<String, RenderFailure>,
    /// Files that are not rendered pages, by path.
    owners: HashMap<String, Layer>,
    files: SiteFiles,
    problems: Problems,
    /// `None` when config.toml asks for no search index.
    search: Option<LiveSearch>,
    /// Content changed since the whole-site files (sitemap, feed, llms.txt, site.json) were made.
    whole_site_files_stale: bool,
}

impl LiveSite {
    /// Builds the whole site into memory, with `base_url` for permalinks. `Err` when the config or the
    /// templates cannot be loaded; a site with other errors is returned, and `diagnostics` holds them.
    /// Files that come out byte for byte as in `previous` (the site served until now) are shared with it,
    /// so publishing the new site prepares only the files that changed.
    pub fn build(options: &BuildOptions, base_url: &str, previous: &SiteFiles) -> Result<LiveSite, Vec<Diagnostic>> {
        let timer = crate::Timer::start();
        let options = BuildOptions { base_url: Some(base_url.to_string()), ..options.clone() };
        let prepared = pipeline::prepare(&options, Purpose::Serve).map_err(diagnostics_of)?;
        let Prepared { root, config, site, relations, templates, problems: stages, .. } = prepared;
        let problems = Problems { stages, ..Problems::default() };
        let Some(templates) = templates else {
            return Err(problems.all());
        };
        timer.lap("build: prepared");
        let views = Arc::new(Views::made_now(&site, &config, &relations));
        let mut live = LiveSite {
            options,
            config: Arc::new(config),
            site: Arc::new(site),
            relations,
            views,
            templates,
            records: HashMap::new(),
            failures: BTreeMap::new(),
            owners: HashMap::new(),
            files: previous.clone(),
            problems,
            search: None,
            whole_site_files_stale: false,
        };
        let mut files = FileChanges::default();
        let lookups = live.attach_lookups();
        let outputs = render::plan_outputs(&live.site, &live.templates);
        let renders = render_outputs(&live.templates, &lookups, outputs, &live.files);
        drop(lookups);
        timer.lap("build: views + rendered");
        live.take_renders(renders, &mut files);
        live.put_images(&mut files);
        live.refresh_static(&[String::new()], &mut files);
        for file in pipeline::files::asset_files(&root, &live.site) {
            live.put_file(Layer::Asset, file, &mut files);
        }
        live.refresh_generated(&mut files);
        live.build_search(&mut files);
        timer.lap("build: search index");
        let made = |path: &str| live.records.contains_key(path) || live.owners.contains_key(path);
        files.removals = previous.paths().filter(|path| !made(path)).map(str::to_string).collect();
        live.files = live.files.with_changes(files.upserts.into_iter().collect(), &files.removals);
        timer.lap("build: files");
        live.check_links();
        timer.lap("build: link check");
        Ok(live)
    }

    /// The model the live site was made from.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// Applies a batch of source changes in place, or says why the site must be built again instead
    /// (then this value is stale and should be dropped).
    pub fn update(&mut self, changes: &[Change]) -> Result<Update, FullRebuild> {
        let mut update = self.update_pages(changes)?;
        update.files_changed += self.refresh_whole_site_files();
        self.check_links();
        Ok(update)
    }

    /// `update` but for the files made from the whole site (sitemap, feed, llms.txt, site.json): at 10k pages
    /// those take 20–40 ms to make, more than the edited page. `serve` shows the page first, then calls
    /// `refresh_whole_site_files`.
    pub fn update_pages(&mut self, changes: &[Change]) -> Result<Update, FullRebuild> {
        let changes = self.without_vanished_temp_files(changes);
        let plan = plan(&changes)?;
        let mut files = FileChanges::default();
        // The model is changed in place: the template functions must let go of it first.
        self.templates.set_lookups(None);
        let rendered = self.update_in_place(&plan, &mut files);
        self.attach_lookups();
        let rendered = rendered?;
        let files_changed = files.upserts.len() + files.removals.len();
        if files_changed > 0 {
            let timer = crate::Timer::start();
            self.files = self.files.with_changes(files.upserts.into_iter().collect(), &files.removals);
            timer.lap("update: files replaced");
        }
        Ok(Update { rendered, files_changed })
    }

    /// `changes` without the files that came and went under a name without an extension (which `classify` takes for
    /// folders): the temporary file of a tool that saves by writing `tmpXXXXXX` and renaming it over the page. Each
    /// would otherwise ask for a full rebuild, at every save. A folder the site has, or a path that exists, stays.
    fn without_vanished_temp_files(&self, changes: &[Change]) -> Vec<Change> {
        let content = self.options.root.join("content");
        let known = |path: &std::path::Path| {
            let folder = path.to_string_lossy().replace('\\', "/");
            self.site.lookup(&format!("{folder}/_index.md")).is_some()
                || self.site.pages.iter().any(|page| page.doc.relative_path.starts_with(&format!("{folder}/")))
                || self.site.pages.iter().flat_map(|page| &page.doc.assets).any(|asset| asset == path)
                || self.site.sections.iter().flat_map(|section| &section.doc.assets).any(|asset| asset == path)
        };
        changes
            .iter()
            .filter(|change| match change {
                Change::Section(path) if path.extension().is_none() && !path.as_os_str().is_empty() => {
                    content.join(path).exists() || known(path)
                }
                _ => true,
            })
            .cloned()
            .collect()
    }

    /// Makes the whole-site files again if content changed since they were made; returns how many changed.
    pub fn refresh_whole_site_files(&mut self) -> usize {
        if !std::mem::take(&mut self.whole_site_files_stale) {
            return 0;
        }
        let timer = crate::Timer::start();
        let mut files = FileChanges::default();
        self.refresh_generated(&mut files);
        let changed = files.upserts.len() + files.removals.len();
        if changed > 0 {
            self.files = self.files.with_changes(files.upserts.into_iter().collect(), &files.removals);
        }
        timer.lap("update: sitemap, feed, llms.txt, site.json");
        changed
    }

    /// Every file of the site as it is now, including renders made while the site has errors.
    pub fn files(&self) -> &SiteFiles {
        &self.files
    }

    /// Every problem the site has now; it may be published when none is an error.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.problems.all();
        all.extend(summarize_failures(&self.failures.values().cloned().collect::<Vec<_>>()));
        all
    }

    /// `diagnostics` but the last link check's findings, which an update makes stale until `check_links` runs.
    pub fn diagnostics_but_links(&self) -> Vec<Diagnostic> {
        let stale = &self.problems.rendered_links;
        self.diagnostics().into_iter().filter(|d| !stale.contains(d)).collect()
    }

    fn update_in_place(&mut self, plan: &Plan, files: &mut FileChanges) -> Result<usize, FullRebuild> {
        let root = self.options.root.clone();
        let timer = crate::Timer::start();
        let mut changed = Changed::new(&self.site);
        let mut content_edited = false;
        let mut edited = Vec::new();
        let (pages, sections) = self.including(plan)?;
        if !self.config.languages.is_empty() && (!pages.is_empty() || !sections.is_empty()) {
            // A file's versions in other languages share its translations list: not followed in place (yet).
            return Err(FullRebuild("content of a site in several languages changed".into()));
        }
        if !pages.is_empty() || !sections.is_empty() {
            let calls = crate::shortcodes::ContentCalls::new(&self.templates.tera, &self.config)
                .with_broken_shortcodes(&self.templates.broken_shortcodes)
                .with_site_files(crate::walk::Links::new(&root, &self.config));
            let site = Arc::make_mut(&mut self.site);
            let (relations, problems) = (&mut self.relations, &mut self.problems);
            let edits = edit::edit_files(
                &root,
                &self.config,
                &self.templates,
                &calls,
                site,
                relations,
                problems,
                &pages,
                &sections,
            )?;
            update_included_files(site, &edits, calls.included_files());
            if !edits.pages.is_empty() || !edits.sections.is_empty() {
                let pages = edits.pages.iter().map(|&p| Target::Page(p));
                edited.extend(pages.chain(edits.sections.iter().map(|&s| Target::Section(s))));
                for &target in &edited {
                    let file = site.document(target).file.as_path().to_path_buf();
                    self.problems.stages.template_choices.retain(|d| d.at.file != file);
                    self.problems.stages.template_choices.extend(check_template_choice(site, &self.templates, target));
                }
                timer.lap("update: pages read, sorted, linked");
                let views = Arc::make_mut(&mut self.views);
                changed = changed::refresh_views(site, &self.config, &self.relations, views, &edits);
                content_edited = true;
                timer.lap("update: views compared");
            }
        }
        if plan.templates {
            self.reload_templates(&mut changed)?;
            // Twins hold what layouts show after a body (`render::AfterContent`).
            self.whole_site_files_stale |= self.config.markdown_twins;
        }
        // Which files the site gets besides its pages hangs on it (`Config::uses_builtin_theme`), as in `prepare`.
        let theme_may_change = content_edited || plan.templates || !plan.statics.is_empty();
        if theme_may_change
            && crate::pipeline::files::uses_builtin_theme(&root, &self.config, &self.site, &self.templates)
                != self.config.uses_builtin_theme
        {
            return Err(FullRebuild("the site started or stopped using the built-in theme".into()));
        }
        let mut fresh = Vec::new();
        if changed.replan {
            fresh = self.replan(files);
        }
        let uncovered = if plan.statics.is_empty() { Vec::new() } else { self.refresh_static(&plan.statics, files) };
        for asset in &plan.assets {
            self.refresh_asset(asset, files)?;
        }
        let stale = self.records.iter().filter(|(file, record)| {
            self.failures.contains_key(*file)
                || uncovered.contains(*file)
                || changed.reaches(&record.output, record.template.as_deref(), &record.deps)
        });
        let mut outputs: Vec<Output> = stale.map(|(_, record)| record.output.clone()).collect();
        outputs.extend(fresh);
        let count = outputs.len();
        timer.lap("update: stale outputs found");
        let lookups = self.attach_lookups();
        let renders = render_outputs(&self.templates, &lookups, outputs, &self.files);
        drop(lookups);
        self.take_renders(renders, files);
        self.put_images(files);
        timer.lap("update: rendered");
        if content_edited {
            self.whole_site_files_stale = true;
            self.refresh_search(&edited, files);
            timer.lap("update: search index");
        }
        Ok(count)
    }

    /// The pages and sections of `plan`, and those whose bodies include a file of `plan.included` (paths under
    /// `content/`, each once).
    fn including(&self, plan: &Plan) -> Result<(Vec<String>, Vec<String>), FullRebuild> {
        let (mut pages, mut sections) = (plan.pages.clone(), plan.sections.clone());
        for file in &plan.included {
            for body in self.site.included_files.get(file).into_iter().flatten() {
                match self.site.lookup(body) {
                    Some(Target::Page(_)) if !pages.contains(body) => pages.push(body.clone()),
                    Some(Target::Section(_)) if !sections.contains(body) => sections.push(body.clone()),
                    Some(_) => {}
                    None => return Err(FullRebuild(format!("included file {file} changed"))),
                }
            }
        }
        Ok((pages, sections))
    }

    /// Loads the templates again; on a syntax error the old ones stay and the error is shown. A change to the
    /// bodies' heading anchors (`anchor-link.html`, or which layouts are the built-in theme's) asks for a full
    /// rebuild: bodies are rendered before templates.
    fn reload_templates(&mut self, changed: &mut Changed) -> Result<(), FullRebuild> {
        let mut diagnostics = Vec::new();
        let Some(mut templates) = render::load_templates(&self.options.root, &self.config, &mut diagnostics) else {
            self.problems.stages.templates = diagnostics;
            return Ok(());
        };
        if !templates.same_heading_anchors(&self.templates) {
            return Err(FullRebuild("a template changed the headings' anchor links".into()));
        }
        if templates.reads_listed_content != self.config.lists_carry_content {
            // Every summary would change (`Config::lists_carry_content`).
            return Err(FullRebuild("templates started or stopped reading the content of listed pages".into()));
        }
        templates.set_global_context(&self.config, true);
        let reach = template_graph::reach(&self.templates.sources, &templates.sources);
        self.problems.stages.templates = diagnostics;
        self.templates = templates;
        if reach == Reach::Everything {
            self.problems.stages.template_choices = render::check_template_choices(&self.site, &self.templates);
            changed.replan = true;
        }
        changed.templates = Some(reach);
        Ok(())
    }

    /// Plans the outputs again (terms or templates came or went): drops the files no longer made, points the
    /// records at the outputs as now numbered, and returns the outputs that are new.
    fn replan(&mut self, files: &mut FileChanges) -> Vec<Output> {
        let mut planned: HashMap<String, Output> = render::plan_outputs(&self.site, &self.templates)
            .into_iter()
            .map(|output| (output_path(&output.path(&self.site)), output))
            .collect();
        let gone: Vec<String> = self.records.keys().filter(|file| !planned.contains_key(*file)).cloned().collect();
        for file in gone {
            self.records.remove(&file);
            self.failures.remove(&file);
            if !self.owners.contains_key(&file) {
                files.upserts.remove(&file);
                files.removals.push(file);
            }
        }
        for (file, record) in self.records.iter_mut() {
            if let Some(output) = planned.remove(file) {
                record.output = output;
            }
        }
        planned.into_values().collect()
    }

    /// Keeps the results of renders: files, failures and what each render used.
    fn take_renders(&mut self, renders: Vec<Render>, files: &mut FileChanges) {
        for render in renders {
            match render.result {
                Ok(html) => {
                    self.failures.remove(&render.file);
                    match html {
                        Some(html) => self.put(None, render.file.clone(), html, files),
                        None => self.keep(None, &render.file, files),
                    }
                }
                Err(failure) => {
                    self.failures.insert(render.file.clone(), failure);
                }
            }
            self.records.insert(render.file, render.record);
        }
    }

    /// Checks every link of the files as they are now, as `build` checks them; returns whether the problems
    /// changed. An update calls it after the edited pages are shown: at 10k pages it takes longer than they do.
    pub fn check_links(&mut self) -> bool {
        let timer = crate::Timer::start();
        let root = &self.options.root;
        // Their link warnings are `refresh_static`'s to report.
        let mut others = pipeline::files::static_files(root, &self.config, &mut Vec::new());
        others.extend(pipeline::files::asset_files(root, &self.site));
        others.extend(pipeline::files::generated_paths(&self.site, &self.config));
        let listed: std::collections::HashSet<String> = others.iter().map(|file| file.path.clone()).collect();
        // The search index, which `site_files` does not list.
        others.extend(
            self.owners
                .keys()
                .filter(|path| !listed.contains(*path) && !self.records.contains_key(*path))
                .map(|path| OutputFile { path: path.clone(), contents: crate::output::Contents::Embedded(b"") }),
        );
        let rendered = self.records.par_iter().map(|(path, _)| {
            // A page another file replaces is still made, as in a build; its links are not served.
            let html = match self.owners.contains_key(path) {
                true => String::new(),
                false => self
                    .files
                    .get(path)
                    .and_then(|bytes| String::from_utf8(bytes.into_owned()).ok())
                    .unwrap_or_default(),
            };
            (path.as_str(), html)
        });
        let mut found = pipeline::check_files(root, &self.site, &self.config, &self.templates, rendered, &others);
        found.extend(pipeline::files::folder_conflicts(root, &self.site, &self.templates, &others).0);
        timer.lap("link check");
        let changed = found != self.problems.rendered_links;
        self.problems.rendered_links = found;
        changed
    }

    /// Lets the template functions see the model as it is now.
    fn attach_lookups(&self) -> Arc<Lookups> {
        let lookups = Arc::new(Lookups {
            site: self.site.clone(),
            config: self.config.clone(),
            views: self.views.clone(),
            bodies: None,
        });
        self.templates.set_lookups(Some(lookups.clone()));
        lookups
    }
}

impl Problems {
    fn all(&self) -> Vec<Diagnostic> {
        self.stages.all().chain(&self.files).chain(&self.rendered_links).cloned().collect()
    }
}

/// `site.included_files` once the bodies of `edits` were read again and asked for `included`.
fn update_included_files(site: &mut Site, edits: &edit::Edits, included: crate::shortcodes::Included) {
    let pages = edits.pages.iter().map(|&id| site.pages[id].doc.relative_path.as_str().to_string());
    let sections = edits.sections.iter().map(|&id| site.sections[id].doc.relative_path.as_str().to_string());
    let read_again: std::collections::HashSet<String> = pages.chain(sections).collect();
    for bodies in site.included_files.values_mut() {
        bodies.retain(|body| !read_again.contains(body));
    }
    for (file, bodies) in included {
        site.included_files.entry(file).or_default().extend(bodies);
    }
    site.included_files.retain(|_, bodies| !bodies.is_empty());
}

fn diagnostics_of(error: Error) -> Vec<Diagnostic> {
    match error {
        Error::Site(diagnostics) => diagnostics,
        other => vec![Diagnostic::error(Location::file(""), "build", other.to_string())],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn check(changes: &[Change], expected: Result<Plan, &str>) {
        let expected = expected.map_err(|reason| FullRebuild(reason.to_string()));
        assert_eq!(plan(changes), expected, "{changes:?}");
    }

    #[test]
    fn plan_table() {
        let p = PathBuf::from;
        let pages = |list: &[&str]| Plan { pages: list.iter().map(|s| s.to_string()).collect(), ..Plan::default() };
        check(&[], Ok(Plan::default()));
        check(&[Change::Page(p("a/b.md"))], Ok(pages(&["a/b.md"])));
        check(&[Change::Page(p("a/b.md")), Change::Page(p("c.md"))], Ok(pages(&["a/b.md", "c.md"])));
        check(&[Change::Template(p("page.html"))], Ok(Plan { templates: true, ..Plan::default() }));
        check(&[Change::Static(p("style.css"))], Ok(Plan { statics: vec!["style.css".into()], ..Plan::default() }));
        check(&[Change::Asset(p("a/b/x.png"))], Ok(Plan { assets: vec!["a/b/x.png".into()], ..Plan::default() }));
        check(&[Change::Sass(p("_vars.scss"))], Ok(Plan { statics: vec![String::new()], ..Plan::default() }));
        check(&[Change::Template(p("shortcodes/note.md"))], Err("shortcode templates/shortcodes/note.md changed"));
        check(&[Change::Page(p("a.md")), Change::Config], Err("config.toml changed"));
        check(
            &[Change::Included(p("examples/x.rs"))],
            Ok(Plan { included: vec!["examples/x.rs".into()], ..Plan::default() }),
        );
        check(
            &[Change::Section(p("a/_index.md"))],
            Ok(Plan { sections: vec!["a/_index.md".into()], ..Plan::default() }),
        );
        check(&[Change::Section(p("_index.md"))], Ok(Plan { sections: vec!["_index.md".into()], ..Plan::default() }));
        check(&[Change::Section(p("guide"))], Err("folder content/guide changed"));
        check(&[Change::Section(p(""))], Err("folder content/ changed"));
    }
}
