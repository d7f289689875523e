//! Link checks on the finished site, fed one output file at a time from the build's sink (from any thread):
//! `href`/`src` in the HTML templates made, links written in Markdown other than `@/`, `#anchors`, orphans.
//! Keeps no HTML: each page is scanned as it comes, and only links that need a second look are kept.

use super::addresses;
use super::external::ExternalLink;
use super::html::{scan_html, HtmlLink};
use super::site_url::{read_url, resolve, site_path_of_output, Base, Destination, Url};
use super::Source;
use crate::config::Config;
use crate::content::alias_path;
use crate::content::{Site, Target};
use crate::error::{line_column, Diagnostic, Location};
use crate::markdown::Link;
use crate::output::{Contents, OutputFile};
use crate::render;
use crate::render::Templates;
use crate::text::percent_decode;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// The link checker of one build. Create it once the site is loaded, `add` every output file, then `finish`.
pub struct LinkCheck<'a> {
    site: &'a Site,
    base: Base<'a>,
    root: PathBuf,
    /// Pages and sections, in `targets` order: `reached` and `pages` index into it.
    targets: Vec<Target>,
    /// Site path of every page and rendered section → its index in `targets`.
    pages: FxHashMap<&'a str, usize>,
    config: &'a Config,
    /// Who made each output; only a problem needs to know, so made on first use.
    makers: OnceLock<FxHashMap<String, Maker>>,
    /// Site paths of alias redirect pages, whose links are not navigation.
    redirects: FxHashSet<String>,
    /// Links as written in Markdown (percent-decoded): checked at their Markdown line, not in the HTML. Asked
    /// only about links that would be reported, so made on first use: a clean site never needs it.
    written: OnceLock<FxHashSet<String>>,
    /// Site paths of files the caller said it will add (`expecting`): a link to one needs no second look.
    expected: FxHashSet<String>,
    /// Whether another page's HTML links to each page and section (in `targets` order).
    reached: Vec<AtomicBool>,
    collect_external: bool,
    templates: TemplateSources,
    known: KnownLinks,
    state: Mutex<State>,
}

/// Who made an HTML file, to place a diagnostic about a link in it.
pub(super) struct Maker {
    pub file: PathBuf,
    pub template: String,
}

/// An output file as far as links care.
pub(super) struct Output {
    /// Ids a `#fragment` may name; `None` for files that are not rendered HTML (fragments go unchecked).
    pub ids: Option<FxHashSet<String>>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Origin {
    Rendered,
    /// Copied from this file (static file or page asset).
    Copied(PathBuf),
    Generated,
}

#[derive(Default)]
struct State {
    /// Site path (`/a/b/`, `/style.css`) → the file there.
    outputs: FxHashMap<String, Output>,
    /// (site path, the origin already there, the origin added later).
    written_twice: Vec<(String, Origin, Origin)>,
    problems: Vec<Problem>,
    /// Links to something other than a page, checked once every file is known: (site path, raw) → the
    /// pages showing the link (a page may come twice).
    later: FxHashMap<(String, String), Vec<String>>,
    /// Links with a `#fragment` to another page, checked once that page's ids are known.
    fragments: Vec<LaterFragment>,
    /// (url, raw, page) of http(s) links that templates made.
    external: Vec<(String, String, String)>,
}

struct LaterFragment {
    path: String,
    fragment: String,
    raw: String,
    document: String,
}

/// A broken link in a template's output, before grouping.
struct Problem {
    /// Site paths of the pages showing the link.
    pages: BTreeSet<String>,
    raw: String,
    /// The missing site path, when that is the problem: templates often write it as `get_url(path="...")`.
    missing: Option<String>,
    message: String,
    help: String,
}

impl<'a> LinkCheck<'a> {
    pub fn new(root: &Path, site: &'a Site, config: &'a Config, templates: &Templates) -> LinkCheck<'a> {
        let mut pages = FxHashMap::default();
        for (index, target) in site.targets().enumerate() {
            let rendered = match target {
                Target::Section(id) => site.sections[id].doc.front_matter.render,
                Target::Page(_) => true,
            };
            if rendered {
                pages.insert(site.document(target).path.as_str(), index);
            }
        }
        // An alias at a page's own path is an error of its own (written twice); the page's links still count.
        let redirects = site
            .targets()
            .flat_map(|target| Source::of(site, target).front_matter.aliases.iter().map(|alias| alias_path(alias)))
            .filter(|path| !pages.contains_key(path.as_str()))
            .collect();
        LinkCheck {
            site,
            targets: site.targets().collect(),
            base: Base::new(config),
            root: root.to_path_buf(),
            pages,
            config,
            makers: OnceLock::new(),
            redirects,
            written: OnceLock::new(),
            expected: FxHashSet::default(),
            reached: site.targets().map(|_| AtomicBool::new(false)).collect(),
            collect_external: false,
            templates: TemplateSources::of(templates, site),
            known: KnownLinks::new(site.targets().count()),
            // Presized: growing the map of outputs would rehash 10k entries while the other thread waits.
            state: Mutex::new(State {
                outputs: FxHashMap::with_capacity_and_hasher(site.targets().count() + 64, Default::default()),
                ..State::default()
            }),
        }
    }

    /// Files (paths relative to the output folder, `tags/rust/index.html`) that will be added once the pages
    /// are: links to them are known good as they are scanned. Without this, every page's links to its
    /// stylesheet and its tags waited for the last file, each kept with three strings (10k pages: 30k of them).
    pub fn expecting(mut self, outputs: &[String]) -> LinkCheck<'a> {
        self.expected.extend(outputs.iter().map(|output| site_path_of_output(output)));
        self
    }

    /// Also gather http(s) links, for `--external`.
    pub fn collecting_external(mut self) -> LinkCheck<'a> {
        self.collect_external = true;
        self
    }

    /// Records one output file; rendered `.html` is scanned for links and ids.
    pub fn add(&self, file: &OutputFile) {
        let origin = match &file.contents {
            Contents::Bytes(bytes) if file.path.ends_with(".html") => {
                return self.add_html(&file.path, &String::from_utf8_lossy(bytes));
            }
            Contents::Copy(from) => Origin::Copied(from.clone()),
            _ => Origin::Generated,
        };
        self.record(site_path_of_output(&file.path), Output { ids: None, origin }, Scanned::default());
    }

    /// Records a rendered HTML file (`path` relative to the output folder, `a/b/index.html`).
    pub fn add_html(&self, path: &str, html: &str) {
        let document = site_path_of_output(path);
        let html = scan_html(html);
        let navigation = !self.redirects.contains(&document);
        let page = OnPage { document: &document, index: self.page_index(&document), ids: &html.ids, navigation };
        let mut scanned = Scanned::default();
        let mut known = self.known.of_this_thread();
        for link in &html.links {
            let resolved;
            let (destination, index) = match known.get(link.url.as_ref()) {
                Some(known) => (&known.destination, known.page),
                None => match read_url(&link.url, &self.base) {
                    Url::Absolute(destination) => {
                        let index = match &destination {
                            Destination::Site { path, .. } => self.page_index(path),
                            _ => None,
                        };
                        let destination = destination.into_owned();
                        let known = known.entry(link.url.as_ref().into()).or_insert(Known { destination, page: index });
                        (&known.destination, known.page)
                    }
                    Url::Relative(relative) => {
                        resolved = relative.resolve(&document, &self.base);
                        let index = match &resolved {
                            Destination::Site { path, .. } if *path == document => page.index,
                            Destination::Site { path, .. } => self.page_index(path),
                            _ => None,
                        };
                        (&resolved, index)
                    }
                },
            };
            self.check_link(link, destination, index, &page, &mut scanned);
        }
        drop(known); // before `record` takes the shared state's lock: never hold both
        let output = Output { ids: Some(html.ids), origin: Origin::Rendered };
        self.record(document, output, scanned);
    }

    /// Checks one link of a rendered page, which leads to `destination` (to the page or section `index` in
    /// `targets`, if that is where). What needs every page to be known is kept in `scanned` for `finish`.
    fn check_link(
        &self,
        link: &HtmlLink<'_>,
        destination: &Destination<'_>,
        index: Option<usize>,
        page: &OnPage<'_>,
        scanned: &mut Scanned,
    ) {
        let document = page.document;
        // Asked only of links that would be reported: most links are fine and never need it. A link that a
        // template writes literally is the template's, even when some Markdown has it too.
        let from_markdown =
            || self.written().contains(percent_decode(&link.url).as_ref()) && self.templates.find(link.raw).is_none();
        let (path, fragment) = match destination {
            Destination::Ignored => return,
            Destination::External => {
                if self.collect_external && !from_markdown() {
                    scanned.external.push((link.url.to_string(), link.raw.to_string(), document.to_string()));
                }
                return;
            }
            Destination::OutsideBase => {
                if !from_markdown() {
                    scanned.problems.push(Problem {
                        pages: BTreeSet::from([document.to_string()]),
                        raw: link.raw.to_string(),
                        missing: None,
                        message: format!("`{}` leaves the site, which lives under `{}`", link.url, self.base.path()),
                        help: "build links with `get_url(path=...)` or from `permalink`s".into(),
                    });
                }
                return;
            }
            Destination::Site { path, fragment } => (path, fragment),
        };
        let fragment = fragment.as_deref().filter(|f| !is_top(f));
        // Comparing indexes first spares comparing paths for links to other pages.
        if index == page.index && path == document {
            if let Some(fragment) = fragment {
                if !page.ids.contains(fragment) && !from_markdown() {
                    scanned.problems.push(Problem {
                        pages: BTreeSet::from([document.to_string()]),
                        raw: link.raw.to_string(),
                        missing: None,
                        message: format!("`{}` names no id of its own page", link.url),
                        help: anchor_help(Some(page.ids), fragment),
                    });
                }
            }
            return;
        }
        match index {
            Some(index) => {
                // Read first: a page reached once is reached from thousands of sidebars, and writing the
                // flag each time would make both threads fight over its cache line.
                if page.navigation && !self.reached[index].load(Ordering::Relaxed) {
                    self.reached[index].store(true, Ordering::Relaxed);
                }
                if let Some(fragment) = fragment {
                    if !from_markdown() {
                        scanned.fragments.push(LaterFragment {
                            path: self.site_path_of_page(index).to_string(),
                            fragment: fragment.to_string(),
                            raw: link.raw.to_string(),
                            document: document.to_string(),
                        });
                    }
                }
            }
            None if find_output(path, |candidate| self.expected.contains(candidate).then_some(())).is_some() => {}
            None => {
                if !from_markdown() {
                    scanned.later.push((path.to_string(), link.raw.to_string(), document.to_string()));
                }
            }
        }
    }

    /// Every diagnostic about links in the site; call once every output file was added.
    pub fn finish(self) -> Vec<Diagnostic> {
        self.finish_with_external().0
    }

    /// The diagnostics, and the http(s) links found (with `collecting_external`).
    pub fn finish_with_external(mut self) -> (Vec<Diagnostic>, Vec<ExternalLink>) {
        let state = std::mem::take(self.state.get_mut().unwrap_or_else(|e| e.into_inner()));
        let outputs = Outputs { files: &state.outputs, site: self.site, targets: &self.targets, pages: &self.pages };
        let mut suggest = Suggestions::new(&outputs);
        let mut diagnostics = Vec::new();
        let mut external = Vec::new();

        let markdown: Vec<(Vec<Diagnostic>, Vec<ExternalLink>)> = self
            .targets
            .par_iter()
            .map(|&target| {
                let source = Source::of(self.site, target);
                let mut found = (Vec::new(), Vec::new());
                for link in &source.rendered.links {
                    self.check_markdown_link(&source, link, &outputs, &mut found.0, &mut found.1);
                }
                found
            })
            .collect();
        for (found, links) in markdown {
            diagnostics.extend(found);
            if self.collect_external {
                external.extend(links);
            }
        }
        // Suggestions are computed here, once per broken link, not in parallel: there are few.
        for diagnostic in &mut diagnostics {
            if diagnostic.help.as_deref() == Some(SUGGEST) {
                let path = diagnostic.message.rsplit('`').nth(1).unwrap_or("").to_string();
                diagnostic.help = Some(match suggest.near(&path) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "link to pages with `@/section/page.md`, or to files in `static/` and beside the page"
                        .to_string(),
                });
            }
        }

        let mut problems = state.problems;
        let mut later: Vec<((String, String), Vec<String>)> = state.later.into_iter().collect();
        later.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for ((path, raw), pages) in later {
            if outputs.get(&path).is_none() {
                let help = match suggest.near(&path) {
                    Some(near) => format!("did you mean `{near}`? Build links with `get_url` or from `permalink`s"),
                    None => {
                        "point it at a page, a static file or an asset; templates build links with `get_url(path=...)` \
                             or from `permalink`s"
                            .to_string()
                    }
                };
                problems.push(Problem {
                    pages: pages.into_iter().collect(),
                    raw,
                    missing: Some(path.clone()),
                    // The address, not the link as written: `relative_urls` writes it differently on each page.
                    message: format!("`{}` points to nothing in the site", self.address(&path)),
                    help,
                });
            }
        }
        for later in state.fragments {
            let ids = outputs.get(&later.path).flatten();
            if ids.is_some_and(|ids| !ids.contains(&later.fragment)) {
                problems.push(Problem {
                    message: format!("no anchor `#{}` on `{}`", later.fragment, self.address(&later.path)),
                    help: anchor_help(ids, &later.fragment),
                    pages: BTreeSet::from([later.document]),
                    raw: later.raw,
                    missing: None,
                });
            }
        }
        let templates = &self.templates;
        diagnostics.extend(self.group(problems, templates));
        if self.collect_external {
            external.extend(self.place_external(state.external, templates));
        }

        let rendered_any = state.outputs.values().any(|o| o.origin == Origin::Rendered);
        if rendered_any {
            self.report_orphans(&mut diagnostics);
        }
        addresses::check_terms(self.site, &outputs, rendered_any, &mut diagnostics);
        addresses::check_aliases(self.site, &mut diagnostics);
        if !state.written_twice.is_empty() {
            addresses::report_written_twice(&self.root, &state.written_twice, self.makers(), &mut diagnostics);
        }
        // Every output's ids and every link seen: freeing them is the caller's wait for nothing.
        crate::drop_in_background((state.outputs, self.known, self.written.take()));
        diagnostics.sort_by(|a, b| (&a.at, a.kind, &a.message).cmp(&(&b.at, b.kind, &b.message)));
        diagnostics.dedup();
        crate::links::apply_internal_level(self.config, &mut diagnostics);
        (diagnostics, external)
    }

    fn record(&self, path: String, output: Output, scanned: Scanned) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let origin = output.origin.clone();
        if let Some(before) = state.outputs.insert(path.clone(), output) {
            state.written_twice.push((path, before.origin, origin));
        }
        state.problems.extend(scanned.problems);
        state.fragments.extend(scanned.fragments);
        state.external.extend(scanned.external);
        for (path, raw, document) in scanned.later {
            state.later.entry((path, raw)).or_default().push(document);
        }
    }

    fn makers(&self) -> &FxHashMap<String, Maker> {
        self.makers.get_or_init(|| makers(self.site, &self.templates.taxonomies))
    }

    fn written(&self) -> &FxHashSet<String> {
        self.written.get_or_init(|| written_in_markdown(self.site, self.config))
    }

    /// A site path as a URL path on the server: `/docs/a/` for a site at `/docs/`.
    fn address(&self, path: &str) -> String {
        format!("{}{path}", self.base.path().trim_end_matches('/'))
    }

    fn page_index(&self, path: &str) -> Option<usize> {
        if let Some(&index) = self.pages.get(path) {
            return Some(index);
        }
        let dir = match path.strip_suffix("index.html") {
            Some(dir) if dir.ends_with('/') => dir.to_string(),
            _ if !path.ends_with('/') => format!("{path}/"),
            _ => return None,
        };
        self.pages.get(dir.as_str()).copied()
    }

    fn site_path_of_page(&self, index: usize) -> &str {
        self.site.document(self.targets[index]).path.as_str()
    }

    fn check_markdown_link(
        &self,
        source: &Source<'_>,
        link: &Link,
        outputs: &Outputs<'_>,
        diagnostics: &mut Vec<Diagnostic>,
        external: &mut Vec<ExternalLink>,
    ) {
        // `@/` links and same-page `#anchors` are checked by `links` already.
        if link.target.starts_with('#') || link.target.trim().is_empty() {
            return;
        }
        let at = || Location::offset_in(source.file, source.text(), source.body_offset + link.offset);
        let written = &link.target;
        match resolve(written, source.path, &self.base) {
            Destination::Ignored => {}
            Destination::External => {
                if self.collect_external {
                    external.push(ExternalLink { url: written.clone(), at: at(), pages: 1 });
                }
            }
            Destination::OutsideBase => diagnostics.push(
                Diagnostic::error(
                    at(),
                    "link",
                    format!("`{written}` leaves the site, which lives under `{}`", self.base.path()),
                )
                .with_help(format!(
                    "start links inside the site with `{}`, or use an `@/section/page.md` link",
                    self.base.path()
                )),
            ),
            Destination::Site { path, fragment } => match outputs.get(&path) {
                None => {
                    let what = if link.is_image { "image" } else { "link" };
                    let help = markdown_file_help(self.site, source, written).unwrap_or_else(|| SUGGEST.to_string());
                    diagnostics.push(
                        Diagnostic::error(
                            at(),
                            "link",
                            format!("{what} `{written}` points to nothing in the site: `{path}`"),
                        )
                        .with_help(help),
                    );
                }
                Some(ids) => {
                    let fragment = fragment.filter(|f| !is_top(f));
                    if let (Some(ids), Some(fragment)) = (ids, fragment) {
                        if !ids.contains(fragment.as_ref()) {
                            diagnostics.push(
                                Diagnostic::error(
                                    at(),
                                    "link",
                                    format!("no anchor `#{fragment}` on `{path}` for `{written}`"),
                                )
                                .with_help(anchor_help(Some(ids), &fragment)),
                            );
                        }
                    }
                }
            },
        }
    }

    /// One diagnostic per template line (or per template and message), however many pages show the link.
    fn group(&self, mut problems: Vec<Problem>, templates: &TemplateSources) -> Vec<Diagnostic> {
        // Pages arrive from many threads: sort, so that the first page's help is the one shown.
        problems.sort_by(|a, b| (a.pages.first(), &a.raw, &a.message).cmp(&(b.pages.first(), &b.raw, &b.message)));
        struct Group {
            at: Location,
            help: String,
            pages: BTreeSet<String>,
            /// Reported at the template line that writes the link, rather than at a page.
            literal: bool,
        }
        let mut groups: BTreeMap<(String, String), Group> = BTreeMap::new();
        for problem in problems {
            let first = problem.pages.first().cloned().unwrap_or_default();
            let (key, at, literal) = self.place(&problem.raw, problem.missing.as_deref(), &first, templates);
            groups
                .entry((key, problem.message))
                .or_insert_with(|| Group { at, help: problem.help, pages: BTreeSet::new(), literal })
                .pages
                .extend(problem.pages);
        }
        groups
            .into_iter()
            .map(|((_, message), group)| {
                let first = group.pages.first().map_or("", String::as_str);
                let on = match group.pages.len() {
                    1 => format!("on page `{first}`"),
                    n => format!("on {n} pages, the first `{first}`"),
                };
                let made_by: BTreeSet<&str> =
                    group.pages.iter().filter_map(|p| self.makers().get(p)).map(|m| m.template.as_str()).collect();
                // A page no template is known to make (the built-in theme's own pagers) names none.
                let context = if group.literal || made_by.is_empty() {
                    format!(" ({on})")
                } else {
                    let names: Vec<String> = made_by.iter().map(|t| format!("`{t}`")).collect();
                    format!(" (made by {}, {on})", names.join(", "))
                };
                // Zola checks no link a template writes: one only the Zola theme wrote (from the site's settings,
                // as linkita's menu) does not stop the build, but is still told.
                if templates.by_zola_theme(&group.at, group.literal, &made_by) {
                    let help = format!(
                        "{}; the Zola theme's templates wrote it, and Zola checks no link a template writes, so \
                         this is a warning",
                        group.help
                    );
                    return Diagnostic::warning(group.at, "link", format!("{message}{context}")).with_help(help);
                }
                Diagnostic::error(group.at, "link", format!("{message}{context}")).with_help(group.help)
            })
            .collect()
    }

    /// Where to report a link found in the output: the template line that writes it literally, or else the
    /// first page showing it, grouped by template. Returns (group key, location, whether it is a template line).
    fn place(
        &self,
        raw: &str,
        missing: Option<&str>,
        document: &str,
        templates: &TemplateSources,
    ) -> (String, Location, bool) {
        let maker = self.makers().get(document);
        let written = templates
            .find(raw)
            .or_else(|| missing.and_then(|path| templates.find_path(path)))
            .or_else(|| self.find_in_markdown(raw, document));
        match written {
            Some(at) => (at.to_string(), at, true),
            None => (
                format!("template {}", maker.map_or("?", |m| m.template.as_str())),
                maker.map_or_else(|| Location::file(document), |m| Location::file(&m.file)),
                false,
            ),
        }
    }

    /// Where the Markdown of the page at `document` has `raw` in an attribute of its raw HTML, if it does.
    fn find_in_markdown(&self, raw: &str, document: &str) -> Option<Location> {
        let source = Source::of(self.site, self.targets[*self.pages.get(document)?]);
        let body = source.body();
        let offset = ["=\"", "='", "="].iter().find_map(|q| body.find(&format!("{q}{raw}")).map(|i| i + q.len()))?;
        Some(Location::offset_in(source.file, source.text(), source.body_offset + offset))
    }

    fn place_external(
        &self,
        mut found: Vec<(String, String, String)>,
        templates: &TemplateSources,
    ) -> Vec<ExternalLink> {
        found.sort();
        let mut by_url: BTreeMap<(String, String), (Location, BTreeSet<String>)> = BTreeMap::new();
        for (url, raw, document) in found {
            let (group, at, _) = self.place(&raw, None, &document, templates);
            by_url.entry((url, group)).or_insert((at, BTreeSet::new())).1.insert(document);
        }
        by_url.into_iter().map(|((url, _), (at, pages))| ExternalLink { url, at, pages: pages.len() }).collect()
    }

    fn report_orphans(&self, diagnostics: &mut Vec<Diagnostic>) {
        for (index, &target) in self.targets.iter().enumerate() {
            // A path shared by two pages is an error of its own; only its last page counts here.
            let rendered = self.pages.get(self.site.document(target).path.as_str()) == Some(&index);
            // A home section (the site's, or another language's) is where readers arrive, linked or not.
            let home = matches!(target, Target::Section(id) if self.site.sections[id].parent.is_none());
            if home || !rendered || self.reached[index].load(Ordering::Relaxed) {
                continue;
            }
            diagnostics.push(
                Diagnostic::warning(
                    Location::file(self.site.document(target).file.as_path()),
                    "orphan",
                    format!("no other page links to `{}`", self.site.document(target).path.as_str()),
                )
                .with_help("link to it from another page (`@/...`), or list it in its section's template"),
            );
        }
    }
}

/// The rendered page whose links `check_link` checks.
struct OnPage<'p> {
    /// Its site path.
    document: &'p str,
    /// Its index in `targets`, as `page_index` finds it.
    index: Option<usize>,
    ids: &'p FxHashSet<String>,
    /// Whether its links count as navigation for the orphan check (alias redirects do not).
    navigation: bool,
}

/// Links that lead to the same place from every page (`/a/`, `https://…`), read once: a site's pages repeat
/// the same header, footer and sidebar links. One map per rayon worker, so that threads never wait for each
/// other; the `Mutex` only makes sharing them safe.
struct KnownLinks {
    per_thread: Vec<Mutex<FxHashMap<Box<str>, Known>>>,
}

struct Known {
    destination: Destination<'static>,
    /// Index in `targets` of the page or section at the destination.
    page: Option<usize>,
}

impl KnownLinks {
    /// Room for a link to each of `pages` per thread: sidebars link to most pages, and a map grown by
    /// doubling rehashed 10k entries in the middle of the render.
    fn new(pages: usize) -> KnownLinks {
        // Slot 0 is for threads outside the pool, which add few files.
        let slots = rayon::current_num_threads() + 1;
        let per_thread = (0..slots)
            .map(|slot| {
                let capacity = if slot == 0 { 0 } else { pages + 64 };
                Mutex::new(FxHashMap::with_capacity_and_hasher(capacity, Default::default()))
            })
            .collect();
        KnownLinks { per_thread }
    }

    fn of_this_thread(&self) -> MutexGuard<'_, FxHashMap<Box<str>, Known>> {
        let slot = rayon::current_thread_index().map_or(0, |i| i + 1) % self.per_thread.len();
        self.per_thread[slot].lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What one HTML file adds to the shared state.
#[derive(Default)]
struct Scanned {
    problems: Vec<Problem>,
    fragments: Vec<LaterFragment>,
    /// (site path, raw, page)
    later: Vec<(String, String, String)>,
    external: Vec<(String, String, String)>,
}

/// Every output file, plus the pages and sections (present even when their template failed, which is
/// reported already).
pub(super) struct Outputs<'s> {
    files: &'s FxHashMap<String, Output>,
    site: &'s Site,
    targets: &'s [Target],
    pages: &'s FxHashMap<&'s str, usize>,
}

impl Outputs<'_> {
    /// `Some(ids)` when something is at `path` (`/a/b`, `/a/b/` and `/a/b/index.html` are one page).
    pub fn get(&self, path: &str) -> Option<Option<&FxHashSet<String>>> {
        find_output(path, |candidate| {
            if let Some(output) = self.files.get(candidate) {
                return Some(output.ids.as_ref().or_else(|| self.model_ids(candidate)));
            }
            self.pages.contains_key(candidate).then(|| self.model_ids(candidate))
        })
    }

    fn model_ids(&self, path: &str) -> Option<&FxHashSet<String>> {
        let index = *self.pages.get(path)?;
        Some(&Source::of(self.site, self.targets[index]).rendered.ids)
    }

    fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str).chain(self.pages.keys().copied())
    }
}

/// What `at` finds for `path` as a site path, as its folder's `index.html` (`/a/b/index.html`) or as a folder
/// (`/a/b` for `/a/b/`): the three name one page.
fn find_output<T>(path: &str, at: impl Fn(&str) -> Option<T>) -> Option<T> {
    if let Some(found) = at(path) {
        return Some(found);
    }
    if let Some(found) = path.strip_suffix("index.html").filter(|d| d.ends_with('/')).and_then(&at) {
        return Some(found);
    }
    if !path.ends_with('/') {
        return at(&format!("{path}/"));
    }
    None
}

/// `#` and `#top` scroll to the top of any HTML page.
fn is_top(fragment: &str) -> bool {
    fragment.is_empty() || fragment.eq_ignore_ascii_case("top")
}

/// Placeholder help of a Markdown link diagnostic whose suggestion is computed after the parallel part.
const SUGGEST: &str = "\u{0}suggest";

/// `../other.md` is a file of `content/`, not a URL: point to the `@/` link that means it.
fn markdown_file_help(site: &Site, source: &Source<'_>, written: &str) -> Option<String> {
    let path = written.split(['#', '?']).next().unwrap_or(written);
    if !path.ends_with(".md") {
        return None;
    }
    let dir = &source.relative_path[..source.relative_path.rfind('/').map_or(0, |i| i + 1)];
    let joined = if path.starts_with('/') { path.to_string() } else { format!("/{dir}{path}") };
    let mut segments: Vec<&str> = Vec::new();
    for part in joined.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            segments.pop();
        } else {
            segments.push(part);
        }
    }
    let candidate = segments.join("/");
    let anchor = written.split_once('#').map(|(_, a)| format!("#{a}")).unwrap_or_default();
    Some(match site.lookup(&candidate) {
        Some(_) => {
            format!("write `@/{candidate}{anchor}`: Quire turns `@/` links to content files into page addresses")
        }
        None => "link to other pages with `@/section/page.md` (paths relative to `content/`)".to_string(),
    })
}

fn anchor_help(ids: Option<&FxHashSet<String>>, fragment: &str) -> String {
    let mut ids: Vec<&str> = ids.map(|ids| ids.iter().map(String::as_str).collect()).unwrap_or_default();
    ids.sort_unstable();
    match crate::text::nearest(fragment, &ids) {
        Some(near) => format!("did you mean `#{near}`?"),
        None if ids.is_empty() => "the page has no ids to link to".to_string(),
        None => {
            let shown: Vec<String> = ids.iter().take(8).map(|id| format!("#{id}")).collect();
            format!("ids on that page: {}", shown.join(", "))
        }
    }
}

/// Nearest existing site path for a broken one; computed for the first few dozen broken paths only.
struct Suggestions<'a> {
    outputs: &'a Outputs<'a>,
    /// Every path, sorted: made for the first broken link, as a clean site has none.
    candidates: OnceLock<Vec<&'a str>>,
    cache: HashMap<String, Option<&'a str>>,
}

impl<'a> Suggestions<'a> {
    fn new(outputs: &'a Outputs<'a>) -> Suggestions<'a> {
        Suggestions { outputs, candidates: OnceLock::new(), cache: HashMap::new() }
    }

    fn near(&mut self, path: &str) -> Option<&'a str> {
        if let Some(found) = self.cache.get(path) {
            return *found;
        }
        // Paths share long prefixes, so only a close match is worth suggesting.
        let found = if self.cache.len() < 64 {
            let outputs = self.outputs;
            self.candidates
                .get_or_init(|| {
                    let mut candidates: Vec<&str> = outputs.paths().collect();
                    candidates.sort_unstable();
                    candidates.dedup();
                    candidates
                })
                .iter()
                .map(|c| (strsim::normalized_damerau_levenshtein(path, c), *c))
                .filter(|(score, _)| *score >= 0.75)
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
                .map(|(_, c)| c)
        } else {
            None
        };
        self.cache.insert(path.to_string(), found);
        found
    }
}

/// Site path → who made the HTML there.
/// Every link target written in Markdown, percent-decoded, and the URL each `@/` link became.
fn written_in_markdown(site: &Site, config: &Config) -> FxHashSet<String> {
    let mut written = FxHashSet::default();
    for target in site.targets() {
        for link in &Source::of(site, target).rendered.links {
            written.insert(percent_decode(&link.target).into_owned());
            if let Some(rest) = link.target.strip_prefix("@/") {
                let (path, anchor) = rest.split_once('#').map_or((rest, None), |(p, a)| (p, Some(a)));
                if let Some(url) = crate::links::resolve(site, config, path) {
                    let url = match anchor {
                        Some(anchor) => format!("{url}#{anchor}"),
                        None => url,
                    };
                    written.insert(percent_decode(&url).into_owned());
                }
            }
        }
    }
    written
}

/// `taxonomies`: the list and term templates of each of `site.taxonomies` (`tags/list.html` or Zola's fallback).
fn makers(site: &Site, taxonomies: &[[String; 2]]) -> FxHashMap<String, Maker> {
    let mut makers = FxHashMap::default();
    let maker = |file: &Path, template: &str| Maker { file: file.to_path_buf(), template: template.to_string() };
    for (id, page) in site.pages.iter().enumerate() {
        makers.insert(page.doc.path.to_string(), maker(&page.doc.file, &render::page_template(site, id)));
    }
    for (id, section) in site.sections.iter().enumerate() {
        let template = render::section_template(site, id);
        makers.insert(section.doc.path.to_string(), maker(&section.doc.file, &template));
        // Its pagers (`/blog/page/2/`) when its front matter paginates it.
        let paginate_by = section.doc.front_matter.paginate_by.filter(|&by| by > 0);
        for index in 2..=paginate_by.map_or(0, |by| section.pages.len().div_ceil(by)) {
            makers.insert(render::pager_path(&section.doc.path, index), maker(&section.doc.file, &template));
        }
    }
    let config_file = Path::new("config.toml");
    for (taxonomy, [list, single]) in site.taxonomies.iter().zip(taxonomies) {
        makers.insert(taxonomy.path.clone(), maker(config_file, list));
        for term in &taxonomy.terms {
            makers.insert(term.path.clone(), maker(config_file, single));
        }
    }
    makers.insert("/404.html".into(), maker(Path::new("templates/404.html"), "404.html"));
    for target in site.targets() {
        let source = Source::of(site, target);
        for alias in &source.front_matter.aliases {
            makers.entry(alias_path(alias)).or_insert_with(|| maker(source.file, "redirect"));
        }
    }
    makers
}

/// The text of every template, to point at the line where a literal link is written.
struct TemplateSources {
    /// (location of the file, text): the site's own templates first, then the built-in theme's.
    files: Vec<(PathBuf, String)>,
    found: Mutex<HashMap<String, Option<Location>>>,
    /// The templates the Zola theme gives (by name), and their folder: links they write are the theme's.
    zola_theme: (std::collections::HashSet<String>, Vec<PathBuf>),
    /// The list and term templates of each taxonomy, in `site.taxonomies` order.
    taxonomies: Vec<[String; 2]>,
}

impl TemplateSources {
    /// The texts the templates were loaded from: read once, by `render::load_templates`.
    fn of(templates: &Templates, site: &Site) -> TemplateSources {
        let files = templates.files().map(|(file, text)| (file, text.to_string())).collect();
        let kinds = |name: &str| ["list", "single"].map(|kind| templates.taxonomy_template(name, kind));
        let taxonomies = site.taxonomies.iter().map(|taxonomy| kinds(&taxonomy.name)).collect();
        TemplateSources { files, found: Mutex::default(), zola_theme: templates.zola_theme_templates(), taxonomies }
    }

    /// Whether a link at `at` (a template line) or on pages made by `made_by` was written by the Zola theme alone.
    fn by_zola_theme(&self, at: &Location, literal: bool, made_by: &BTreeSet<&str>) -> bool {
        let (names, folders) = &self.zola_theme;
        match literal {
            true => folders.iter().any(|folder| at.file.starts_with(folder)),
            false => !made_by.is_empty() && made_by.iter().all(|name| names.contains(*name)),
        }
    }

    /// Where `raw` is written as a literal attribute value (`="raw"`), if anywhere.
    fn find(&self, raw: &str) -> Option<Location> {
        if let Some(found) = self.found.lock().unwrap_or_else(|e| e.into_inner()).get(raw) {
            return found.clone();
        }
        let patterns = [format!("=\"{raw}\""), format!("='{raw}'")];
        let found = self.files.iter().find_map(|(file, text)| {
            patterns.iter().find_map(|p| text.find(p.as_str())).map(|i| {
                let (line, column) = line_column(text, i + 2);
                Location::new(file, line, column)
            })
        });
        self.found.lock().unwrap_or_else(|e| e.into_inner()).insert(raw.to_string(), found.clone());
        found
    }

    /// Where a site path is written as a quoted string (`get_url(path='x.css')`), if anywhere.
    fn find_path(&self, path: &str) -> Option<Location> {
        let relative = path.trim_start_matches('/');
        if relative.is_empty() {
            return None;
        }
        [relative, path].iter().find_map(|candidate| {
            self.files.iter().find_map(|(file, text)| {
                ['\'', '"'].iter().find_map(|q| text.find(&format!("{q}{candidate}{q}"))).map(|i| {
                    let (line, column) = line_column(text, i + 1);
                    Location::new(file, line, column)
                })
            })
        })
    }
}
