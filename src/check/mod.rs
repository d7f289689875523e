//! `quire check`: runs every stage but `output`, then checks what the rendered site links to, and reports
//! every diagnostic in one go. Writes nothing but the external-link cache; uses the network only when asked.

mod external;
mod html;
mod site_url;

pub use external::{ExternalLink, CACHE_FILE};
pub use html::{scan_html, ScannedHtml};

use crate::config::Config;
use crate::content::{FrontMatter, Site, Target};
use crate::error::{line_column, Diagnostic, Error, Location, Result};
use crate::output::{Contents, OutputFile};
use crate::render;
use rayon::prelude::*;
use site_url::{percent_decode, resolve, site_path_of_output, Base, Destination};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Also check http(s) links (network).
    pub external: bool,
}

/// Every problem of the site at `options.root`, errors and warnings: what `build` would report, plus broken
/// links in Markdown and in templates' output, orphan pages, and (with `external`) dead external links.
pub fn check_site(options: &CheckOptions) -> Result<Vec<Diagnostic>> {
    let build = crate::BuildOptions { root: options.root.clone(), drafts: options.drafts, ..Default::default() };
    let (config, mut diagnostics) = match crate::load_config(&build) {
        Ok(loaded) => loaded,
        Err(Error::Site(diagnostics)) => return Ok(diagnostics),
        Err(e) => return Err(e),
    };
    let (site, relations) = crate::load_site(&options.root, &config, &mut diagnostics);
    let site = Arc::new(site);
    let config = Arc::new(config);
    let outputs = OutputIndex::default();
    // Unlike `build`, render even when the content has errors, so one run shows template problems too.
    if let Some(templates) = render::load_templates(&options.root, &mut diagnostics) {
        render::render_site(
            site.clone(),
            config.clone(),
            &relations,
            templates,
            false,
            &|page| outputs.add_html(&page.output_path(), &page.html),
            &mut diagnostics,
        );
    }
    for file in crate::site_files(&options.root, &site, &config) {
        outputs.add(&file);
    }
    let examined = examine(&options.root, outputs, &site, &config);
    diagnostics.extend(examined.diagnostics);
    if options.external {
        diagnostics.extend(external::check_external(&options.root, &examined.external));
    }
    Ok(diagnostics)
}

/// The checks `build` runs on its output too (no network): links written in Markdown that are not `@/` links,
/// links in the HTML that templates made, `#anchors` against the target's ids, taxonomy term pages, aliases
/// and static files that overwrite pages, and orphan pages (warnings). Feed `outputs` from the build's sink.
pub fn check_rendered(root: &Path, outputs: OutputIndex, site: &Site, config: &Config) -> Vec<Diagnostic> {
    examine(root, outputs, site, config).diagnostics
}

/// What link checking needs from each output file, gathered as the files are made; `add` may be called
/// from many threads at once. HTML is scanned on the spot, so the index never holds whole pages.
#[derive(Default)]
pub struct OutputIndex {
    files: Mutex<Vec<OutputEntry>>,
}

struct OutputEntry {
    /// Relative to the output folder: `a/b/index.html`.
    path: String,
    html: Option<ScannedHtml>,
    /// The source of a copied file (static file or page asset).
    copied_from: Option<PathBuf>,
}

impl OutputIndex {
    /// Records one output file; rendered `.html` files are scanned for links and ids.
    pub fn add(&self, file: &OutputFile) {
        match &file.contents {
            Contents::Bytes(bytes) if file.path.ends_with(".html") => {
                self.add_html(&file.path, &String::from_utf8_lossy(bytes))
            }
            Contents::Copy(from) => {
                self.push(OutputEntry { path: file.path.clone(), html: None, copied_from: Some(from.clone()) })
            }
            _ => self.push(OutputEntry { path: file.path.clone(), html: None, copied_from: None }),
        }
    }

    /// Records a rendered HTML file (`path` relative to the output folder).
    pub fn add_html(&self, path: &str, html: &str) {
        let scanned = scan_html(html);
        self.push(OutputEntry { path: path.to_string(), html: Some(scanned), copied_from: None });
    }

    fn push(&self, entry: OutputEntry) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
    }
}

/// Diagnostics, and the external links found on the way (for `--external`).
struct Examined {
    diagnostics: Vec<Diagnostic>,
    external: Vec<ExternalLink>,
}

/// A site path that exists in the output, and what a link to it may need.
struct Known<'a> {
    /// Ids a `#fragment` may name; `None` for files that are not HTML (fragments are not checked there).
    ids: Option<&'a HashSet<String>>,
    /// The page or section whose page this is, for the orphan check.
    target: Option<Target>,
}

/// Who made an HTML file, to place a diagnostic about a link in it.
struct Maker {
    file: PathBuf,
    template: String,
    /// Alias redirects do not count as navigation for the orphan check.
    redirect: bool,
}

fn examine(root: &Path, outputs: OutputIndex, site: &Site, config: &Config) -> Examined {
    let entries = outputs.files.into_inner().unwrap_or_else(|e| e.into_inner());
    let base = Base::new(config);
    let mut diagnostics = Vec::new();
    let mut external = Vec::new();

    let mut known: HashMap<String, Known<'_>> = HashMap::with_capacity(entries.len());
    let mut first_writer: HashMap<String, usize> = HashMap::new();
    let mut written_twice = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let key = site_path_of_output(&entry.path);
        if let Some(&first) = first_writer.get(&key) {
            written_twice.push((first, index));
        } else {
            first_writer.insert(key.clone(), index);
        }
        let ids = entry.html.as_ref().map(|h| &h.ids);
        known.entry(key).and_modify(|k| k.ids = k.ids.or(ids)).or_insert(Known { ids, target: None });
    }
    let rendered_any = entries.iter().any(|e| e.html.is_some());
    // Pages and sections count as present even when their template failed (that error is reported already).
    for target in targets(site) {
        let (path, ids) = match target {
            Target::Page(id) => (&site.pages[id].path, &site.pages[id].rendered.ids),
            Target::Section(id) => (&site.sections[id].path, &site.sections[id].rendered.ids),
        };
        if let Target::Section(id) = target {
            if !site.sections[id].front_matter.render {
                continue;
            }
        }
        known
            .entry(path.clone())
            .and_modify(|k| k.target = Some(target))
            .or_insert(Known { ids: Some(ids), target: Some(target) });
    }
    let makers = makers(site);
    let mut suggest = Suggestions::new(&known);

    // Links written in Markdown are reported where they are written, not again in every page showing them.
    let mut written: HashSet<String> = HashSet::new();
    for target in targets(site) {
        let source = Source::of(site, target);
        for link in &source.rendered.links {
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
            check_markdown_link(site, &source, link, &base, &known, &mut suggest, &mut diagnostics, &mut external);
        }
    }

    let linked = check_html_links(
        root,
        &entries,
        &known,
        &makers,
        &written,
        &base,
        &mut suggest,
        &mut diagnostics,
        &mut external,
    );
    if rendered_any {
        report_orphans(site, &linked, &mut diagnostics);
    }
    check_terms(site, &known, rendered_any, &mut diagnostics);
    check_aliases(site, &mut diagnostics);
    report_written_twice(root, &entries, &written_twice, &makers, &mut diagnostics);
    diagnostics.sort_by(|a, b| (&a.at, a.kind, &a.message).cmp(&(&b.at, b.kind, &b.message)));
    diagnostics.dedup();
    Examined { diagnostics, external }
}

fn targets(site: &Site) -> impl Iterator<Item = Target> + '_ {
    (0..site.sections.len()).map(Target::Section).chain((0..site.pages.len()).map(Target::Page))
}

/// The parts of a page or a section that link checks read.
struct Source<'a> {
    file: &'a Path,
    text: &'a str,
    body_offset: usize,
    /// Site path of the page: `/a/b/`.
    path: &'a str,
    relative_path: &'a str,
    front_matter: &'a FrontMatter,
    rendered: &'a crate::markdown::Rendered,
}

impl Source<'_> {
    fn of(site: &Site, target: Target) -> Source<'_> {
        match target {
            Target::Page(id) => {
                let p = &site.pages[id];
                Source {
                    file: &p.file,
                    text: &p.text,
                    body_offset: p.body_offset,
                    path: &p.path,
                    relative_path: &p.relative_path,
                    front_matter: &p.front_matter,
                    rendered: &p.rendered,
                }
            }
            Target::Section(id) => {
                let s = &site.sections[id];
                Source {
                    file: &s.file,
                    text: &s.text,
                    body_offset: s.body_offset,
                    path: &s.path,
                    relative_path: &s.relative_path,
                    front_matter: &s.front_matter,
                    rendered: &s.rendered,
                }
            }
        }
    }

    /// Where the front-matter value `value` is written (after the line of `key`, when known).
    fn value_location(&self, key: &str, value: &str) -> Location {
        let key_line = self.front_matter.key_lines.get(key).copied();
        let front = &self.text[..self.body_offset.min(self.text.len())];
        let from = key_line.map_or(0, |line| line_offset(front, line));
        let quoted = ['"', '\''].iter().find_map(|q| front[from..].find(&format!("{q}{value}{q}")).map(|i| from + i));
        let found = quoted.or_else(|| front[from..].find(value).map(|i| from + i));
        match found {
            Some(offset) => {
                let (line, column) = line_column(self.text, offset);
                Location::new(self.file, line, column)
            }
            None => Location::new(self.file, key_line.unwrap_or(1), 1),
        }
    }
}

/// Byte offset where 1-based `line` of `text` starts.
fn line_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

#[allow(clippy::too_many_arguments)]
fn check_markdown_link(
    site: &Site,
    source: &Source<'_>,
    link: &crate::markdown::Link,
    base: &Base<'_>,
    known: &HashMap<String, Known<'_>>,
    suggest: &mut Suggestions<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    external: &mut Vec<ExternalLink>,
) {
    // `@/` links and same-page `#anchors` are checked by `links` already.
    if link.target.starts_with('#') || link.target.trim().is_empty() {
        return;
    }
    let at = || Location::offset_in(source.file, source.text, source.body_offset + link.offset);
    let written = &link.target;
    match resolve(written, source.path, base) {
        Destination::Ignored => {}
        Destination::External => external.push(ExternalLink { url: written.clone(), at: at(), pages: 1 }),
        Destination::OutsideBase => diagnostics.push(
            Diagnostic::error(
                at(),
                "link",
                format!("`{written}` leaves the site, which lives under `{}`", base.path()),
            )
            .with_help(format!(
                "start links inside the site with `{}`, or use an `@/section/page.md` link",
                base.path()
            )),
        ),
        Destination::Site { path, fragment } => match lookup(known, &path) {
            None => {
                let help = markdown_file_help(site, source, written)
                    .or_else(|| suggest.near(&path).map(|near| format!("did you mean `{near}`?")))
                    .unwrap_or_else(|| {
                        "link to pages with `@/section/page.md`, or to files in `static/` and beside the page"
                            .to_string()
                    });
                let what = if link.is_image { "image" } else { "link" };
                diagnostics.push(
                    Diagnostic::error(
                        at(),
                        "link",
                        format!("{what} `{written}` points to nothing in the site (`{path}`)"),
                    )
                    .with_help(help),
                );
            }
            Some(found) => {
                if let Some(problem) = missing_fragment(found, fragment.as_deref()) {
                    diagnostics.push(
                        Diagnostic::error(at(), "link", format!("no anchor `#{problem}` on `{path}` for `{written}`"))
                            .with_help(anchor_help(found, problem)),
                    );
                }
            }
        },
    }
}

/// `../other.md` is a file of `content/`, not a URL: point to the `@/` link that means it.
fn markdown_file_help(site: &Site, source: &Source<'_>, written: &str) -> Option<String> {
    let path = written.split(['#', '?']).next().unwrap_or(written);
    if !path.ends_with(".md") {
        return None;
    }
    let dir = &source.relative_path[..source.relative_path.rfind('/').map_or(0, |i| i + 1)];
    let candidate = if path.starts_with('/') {
        path.trim_start_matches('/').to_string()
    } else {
        let joined = format!("/{dir}{path}");
        let mut segments: Vec<&str> = Vec::new();
        for part in joined.split('/').filter(|p| !p.is_empty() && *p != ".") {
            if part == ".." {
                segments.pop();
            } else {
                segments.push(part);
            }
        }
        segments.join("/")
    };
    let anchor = written.split_once('#').map(|(_, a)| format!("#{a}")).unwrap_or_default();
    Some(match site.lookup(&candidate) {
        Some(_) => {
            format!("write `@/{candidate}{anchor}`: Quire turns `@/` links to content files into page addresses")
        }
        None => "link to other pages with `@/section/page.md` (paths relative to `content/`)".to_string(),
    })
}

fn lookup<'k, 'a>(known: &'k HashMap<String, Known<'a>>, path: &str) -> Option<&'k Known<'a>> {
    if let Some(found) = known.get(path) {
        return Some(found);
    }
    if let Some(dir) = path.strip_suffix("index.html") {
        if dir.ends_with('/') {
            return known.get(dir);
        }
    }
    if !path.ends_with('/') {
        return known.get(&format!("{path}/"));
    }
    None
}

/// The fragment that names no id of the target, if any.
fn missing_fragment<'f>(found: &Known<'_>, fragment: Option<&'f str>) -> Option<&'f str> {
    let fragment = fragment?;
    let ids = found.ids?;
    // `#` and `#top` scroll to the top of any HTML page.
    if fragment.is_empty() || fragment.eq_ignore_ascii_case("top") || ids.contains(fragment) {
        return None;
    }
    Some(fragment)
}

fn anchor_help(found: &Known<'_>, fragment: &str) -> String {
    let ids: Vec<&str> = found.ids.map(|ids| ids.iter().map(String::as_str).collect()).unwrap_or_default();
    match crate::links::nearest(fragment, &ids) {
        Some(near) => format!("did you mean `#{near}`?"),
        None if ids.is_empty() => "the target has no ids to link to".to_string(),
        None => {
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            let shown: Vec<String> = sorted.iter().take(8).map(|id| format!("#{id}")).collect();
            format!("the target's ids include {}", shown.join(", "))
        }
    }
}

/// Nearest existing site path for a broken one, computed at most a few dozen times per run.
struct Suggestions<'a> {
    candidates: Vec<&'a str>,
    cache: HashMap<String, Option<&'a str>>,
}

impl<'a> Suggestions<'a> {
    fn new(known: &'a HashMap<String, Known<'_>>) -> Suggestions<'a> {
        let mut candidates: Vec<&str> = known.keys().map(String::as_str).collect();
        candidates.sort_unstable();
        Suggestions { candidates, cache: HashMap::new() }
    }

    fn near(&mut self, path: &str) -> Option<&'a str> {
        if let Some(found) = self.cache.get(path) {
            return *found;
        }
        let found = if self.cache.len() < 64 { crate::links::nearest(path, &self.candidates) } else { None };
        self.cache.insert(path.to_string(), found);
        found
    }
}

/// Site path → who made the HTML there.
fn makers(site: &Site) -> HashMap<String, Maker> {
    let mut makers = HashMap::new();
    let maker = |file: &Path, template: &str, redirect: bool| Maker {
        file: file.to_path_buf(),
        template: template.to_string(),
        redirect,
    };
    for (id, page) in site.pages.iter().enumerate() {
        makers.insert(page.path.clone(), maker(&page.file, &render::page_template(site, id), false));
    }
    for (id, section) in site.sections.iter().enumerate() {
        makers.insert(section.path.clone(), maker(&section.file, &render::section_template(site, id), false));
    }
    let config_file = Path::new("config.toml");
    for taxonomy in &site.taxonomies {
        makers.insert(taxonomy.path.clone(), maker(config_file, "taxonomy_list.html", false));
        for term in &taxonomy.terms {
            makers.insert(term.path.clone(), maker(config_file, "taxonomy_single.html", false));
        }
    }
    makers.insert("/404.html".into(), maker(Path::new("templates/404.html"), "404.html", false));
    for target in targets(site) {
        let source = Source::of(site, target);
        for alias in &source.front_matter.aliases {
            makers.entry(alias_path(alias)).or_insert_with(|| maker(source.file, "redirect", true));
        }
    }
    makers
}

/// The site path an alias is written to, as `render` writes it.
fn alias_path(alias: &str) -> String {
    if alias.ends_with(".html") {
        format!("/{}", alias.trim_start_matches('/'))
    } else {
        format!("/{}/", alias.trim_matches('/'))
    }
}

/// A broken link in a template's output, before grouping.
struct HtmlProblem {
    /// Site path of the page it was found on.
    document: String,
    raw: String,
    message: String,
    help: String,
}

/// Checks the links of every rendered HTML file; returns which pages and sections other pages link to.
#[allow(clippy::too_many_arguments)]
fn check_html_links(
    root: &Path,
    entries: &[OutputEntry],
    known: &HashMap<String, Known<'_>>,
    makers: &HashMap<String, Maker>,
    written: &HashSet<String>,
    base: &Base<'_>,
    suggest: &mut Suggestions<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    external: &mut Vec<ExternalLink>,
) -> HashSet<Target> {
    struct Found {
        linked: HashSet<Target>,
        problems: Vec<(HtmlProblem, Option<String>)>,
        external: Vec<(String, String, String)>,
    }
    let found = entries
        .par_iter()
        .filter_map(|entry| entry.html.as_ref().map(|html| (entry, html)))
        .fold(
            || Found { linked: HashSet::new(), problems: Vec::new(), external: Vec::new() },
            |mut found, (entry, html)| {
                let document = site_path_of_output(&entry.path);
                let navigation = !makers.get(&document).is_some_and(|m| m.redirect);
                let mut seen: HashSet<&str> = HashSet::new();
                for link in &html.links {
                    if !seen.insert(&link.url) {
                        continue;
                    }
                    let from_markdown = written.contains(percent_decode(&link.url).as_ref());
                    let problem = |message: String, help: String, missing: Option<String>| {
                        (HtmlProblem { document: document.clone(), raw: link.raw.clone(), message, help }, missing)
                    };
                    match resolve(&link.url, &document, base) {
                        Destination::Ignored => {}
                        Destination::External => {
                            if !from_markdown {
                                found.external.push((link.url.clone(), link.raw.clone(), document.clone()));
                            }
                        }
                        Destination::OutsideBase => {
                            if !from_markdown {
                                found.problems.push(problem(
                                    format!("`{}` leaves the site, which lives under `{}`", link.url, base.path()),
                                    "build links with `get_url(path=...)` or from `permalink`s".into(),
                                    None,
                                ));
                            }
                        }
                        Destination::Site { path, fragment } => match lookup(known, &path) {
                            None => {
                                if !from_markdown {
                                    found.problems.push(problem(
                                        format!("`{}` points to nothing in the site (`{path}`)", link.url),
                                        String::new(),
                                        Some(path.into_owned()),
                                    ));
                                }
                            }
                            Some(target) => {
                                if let (Some(t), true) = (target.target, navigation) {
                                    if path != document {
                                        found.linked.insert(t);
                                    }
                                }
                                if from_markdown {
                                    continue;
                                }
                                if let Some(missing) = missing_fragment(target, fragment.as_deref()) {
                                    found.problems.push(problem(
                                        format!("no anchor `#{missing}` on `{path}` for `{}`", link.url),
                                        anchor_help(target, missing),
                                        None,
                                    ));
                                }
                            }
                        },
                    }
                }
                found
            },
        )
        .reduce(
            || Found { linked: HashSet::new(), problems: Vec::new(), external: Vec::new() },
            |mut a, b| {
                a.linked.extend(b.linked);
                a.problems.extend(b.problems);
                a.external.extend(b.external);
                a
            },
        );

    let templates = TemplateSources::load(root);
    // One diagnostic per template line (or template and URL), however many pages show the link.
    let mut groups: BTreeMap<(Location, String), (Diagnostic, usize, String)> = BTreeMap::new();
    let mut problems = found.problems;
    problems.sort_by(|a, b| (&a.0.document, &a.0.raw).cmp(&(&b.0.document, &b.0.raw)));
    for (problem, missing) in problems {
        let maker = makers.get(&problem.document);
        let template = maker.map_or("a template", |m| m.template.as_str());
        let (at, context) = match templates.find(&problem.raw) {
            Some(at) => (at, String::new()),
            None => (
                maker.map_or_else(|| Location::file(&problem.document), |m| Location::file(&m.file)),
                format!(" (in the output of `{template}`)"),
            ),
        };
        let help = match missing {
            Some(path) => match suggest.near(&path) {
                Some(near) => format!("did you mean `{near}`? Build links with `get_url` or from `permalink`s"),
                None => "build links with `get_url(path=...)` or from a page's `permalink`".to_string(),
            },
            None => problem.help,
        };
        let message = format!("{}{context}", problem.message);
        groups
            .entry((at.clone(), message.clone()))
            .and_modify(|g| g.1 += 1)
            .or_insert_with(|| (Diagnostic::error(at, "link", message).with_help(help), 1, problem.document.clone()));
    }
    for (_, (mut diagnostic, count, first)) in groups {
        diagnostic.message = match count {
            1 => format!("{} on page `{first}`", diagnostic.message),
            n => format!("{} on page `{first}` and {} more", diagnostic.message, n - 1),
        };
        diagnostics.push(diagnostic);
    }

    let mut by_url: BTreeMap<(String, Location), usize> = BTreeMap::new();
    for (url, raw, document) in found.external {
        let at = templates.find(&raw).unwrap_or_else(|| {
            makers.get(&document).map_or_else(|| Location::file(&document), |m| Location::file(&m.file))
        });
        *by_url.entry((url, at)).or_default() += 1;
    }
    for ((url, at), pages) in by_url {
        external.push(ExternalLink { url, at, pages });
    }
    found.linked
}

/// The text of every template, to point at the line where a literal link is written.
struct TemplateSources {
    /// (location of the file, text): the site's own templates first, then the built-in theme's.
    files: Vec<(PathBuf, String)>,
    cache: Mutex<HashMap<String, Option<Location>>>,
}

impl TemplateSources {
    fn load(root: &Path) -> TemplateSources {
        let mut files = Vec::new();
        let mut own = HashSet::new();
        let dir = root.join("templates");
        for entry in
            walkdir::WalkDir::new(&dir).sort_by_file_name().into_iter().flatten().filter(|e| e.file_type().is_file())
        {
            if let Ok(text) = std::fs::read_to_string(entry.path()) {
                let name = entry.path().strip_prefix(&dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
                files.push((Path::new("templates").join(&name), text));
                own.insert(name);
            }
        }
        for (name, bytes) in crate::theme::TEMPLATES {
            if !own.contains(*name) {
                files.push((
                    PathBuf::from(format!("(built-in theme) templates/{name}")),
                    String::from_utf8_lossy(bytes).into_owned(),
                ));
            }
        }
        TemplateSources { files, cache: Mutex::new(HashMap::new()) }
    }

    /// Where `raw` is written as a literal attribute value (`="raw"`), if in exactly one place.
    fn find(&self, raw: &str) -> Option<Location> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(raw.to_string())
            .or_insert_with(|| {
                if raw.is_empty() {
                    return None;
                }
                let patterns = [format!("=\"{raw}\""), format!("='{raw}'")];
                self.files.iter().find_map(|(file, text)| {
                    patterns.iter().find_map(|p| text.find(p.as_str())).map(|i| {
                        let (line, column) = line_column(text, i + 2);
                        Location::new(file, line, column)
                    })
                })
            })
            .clone()
    }
}

fn report_orphans(site: &Site, linked: &HashSet<Target>, diagnostics: &mut Vec<Diagnostic>) {
    for target in targets(site) {
        if target == Target::Section(0) || linked.contains(&target) {
            continue;
        }
        if let Target::Section(id) = target {
            if !site.sections[id].front_matter.render {
                continue;
            }
        }
        let path = site.target_path(target);
        diagnostics.push(
            Diagnostic::warning(
                Location::file(site.target_file(target)),
                "orphan",
                format!("no other page links to `{path}`"),
            )
            .with_help("link to it from another page (`@/...`), or list it from its section's template"),
        );
    }
}

/// Every taxonomy term of every page must have its page: a slug and a rendered `taxonomy_single.html`.
fn check_terms(site: &Site, known: &HashMap<String, Known<'_>>, rendered_any: bool, diagnostics: &mut Vec<Diagnostic>) {
    let term_pages: HashMap<(&str, String), &str> = site
        .taxonomies
        .iter()
        .flat_map(|t| t.terms.iter().map(move |term| ((t.name.as_str(), term.slug.clone()), term.path.as_str())))
        .collect();
    for (id, page) in site.pages.iter().enumerate() {
        let source = Source::of(site, Target::Page(id));
        for (taxonomy, terms) in &page.front_matter.taxonomies {
            if !site.taxonomies.iter().any(|t| &t.name == taxonomy) {
                continue; // undeclared: reported by `content`
            }
            for term in terms {
                let slug = crate::content::slug::slugify(term);
                let at = || source.value_location("taxonomies", term);
                if slug.is_empty() {
                    diagnostics.push(
                        Diagnostic::error(
                            at(),
                            "taxonomy",
                            format!(
                                "the `{taxonomy}` term `{term}` has no letters or digits, so it cannot have a page"
                            ),
                        )
                        .with_help("give the term a name with letters or digits, or remove it"),
                    );
                    continue;
                }
                let path = term_pages.get(&(taxonomy.as_str(), slug));
                if rendered_any && path.is_none_or(|p| lookup(known, p).is_none()) {
                    diagnostics.push(
                        Diagnostic::error(at(), "taxonomy", format!("the `{taxonomy}` term `{term}` has no page"))
                            .with_help("the site needs a `taxonomy_single.html` template that renders without errors"),
                    );
                }
            }
        }
    }
}

/// An alias that is also a page's address, or another alias, would overwrite it.
fn check_aliases(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    let mut owners: HashMap<String, &Path> =
        targets(site).map(|t| (site.target_path(t).to_string(), site.target_file(t))).collect();
    for target in targets(site) {
        let source = Source::of(site, target);
        for alias in &source.front_matter.aliases {
            let path = alias_path(alias);
            match owners.get(&path) {
                Some(owner) => diagnostics.push(
                    Diagnostic::error(
                        source.value_location("aliases", alias),
                        "front matter",
                        format!("alias `{alias}` is also the address of `{}`", owner.display()),
                    )
                    .with_help("remove the alias, or move the other page with `slug` or `path`"),
                ),
                None => {
                    owners.insert(path, source.file);
                }
            }
        }
    }
}

/// A static file or page asset written where a page (or another file) is written too.
fn report_written_twice(
    root: &Path,
    entries: &[OutputEntry],
    pairs: &[(usize, usize)],
    makers: &HashMap<String, Maker>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let describe = |entry: &OutputEntry| -> Option<PathBuf> {
        match &entry.copied_from {
            Some(from) => Some(from.strip_prefix(root).unwrap_or(from).to_path_buf()),
            None => makers.get(&site_path_of_output(&entry.path)).map(|m| m.file.clone()),
        }
    };
    for &(first, second) in pairs {
        let (a, b) = (&entries[first], &entries[second]);
        // Two pages with one address are reported by `content`, a page and an alias by `check_aliases`.
        let copied = match (&a.copied_from, &b.copied_from) {
            (Some(_), _) => a,
            (_, Some(_)) => b,
            _ => continue,
        };
        let other = if std::ptr::eq(copied, a) { b } else { a };
        let Some(file) = describe(copied) else { continue };
        let other = describe(other).map_or_else(|| "another file".to_string(), |f| format!("`{}`", f.display()));
        diagnostics.push(
            Diagnostic::error(
                Location::file(&file),
                "output",
                format!("`{}` is written by both `{}` and {other}", a.path, file.display()),
            )
            .with_help("rename or move one of them; only one can be at that address"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_offsets() {
        let text = "a\nbc\nd";
        assert_eq!(line_offset(text, 1), 0);
        assert_eq!(line_offset(text, 2), 2);
        assert_eq!(line_offset(text, 3), 5);
        assert_eq!(line_offset(text, 9), text.len());
    }

    #[test]
    fn aliases_are_written_where_render_writes_them() {
        assert_eq!(alias_path("/old/"), "/old/");
        assert_eq!(alias_path("old"), "/old/");
        assert_eq!(alias_path("/a/old.html"), "/a/old.html");
    }
}
