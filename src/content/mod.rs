//! Walks `content/` and builds the `Site` model: sections, pages, their order, neighbours and taxonomies.
//! Reads files and front matter only; Markdown bodies are rendered later by `markdown`.

pub mod front_matter;
mod paths;
mod reload;
pub mod slug;
mod taxonomy;

pub use front_matter::{FrontMatter, SortBy};
use paths::parent_dir;
pub use paths::{slash_path, SitePath, SourcePath};
pub use reload::{
    page_problems, read_page, read_section, section_problems, sections_listing, sort_section, update_taxonomies,
};
pub use taxonomy::{Taxonomy, Term};

use crate::config::{Config, SlugifyConfig};
use crate::error::{Diagnostic, Location};
use crate::markdown::Rendered;
use front_matter::{parse_front_matter, split_front_matter, Kind};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

pub type PageId = usize;
pub type SectionId = usize;

/// What pages and sections share: one Markdown file of `content/` as read, where it is published, and its body
/// once rendered.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Relative to `content/`: `principles/sovereignty.md` (the key `@/` links use).
    pub relative_path: SourcePath,
    /// Relative to the site root, for diagnostics: `content/principles/sovereignty.md`.
    pub file: PathBuf,
    pub front_matter: FrontMatter,
    pub title: String,
    /// The whole file; the Markdown body starts at `body_offset`.
    pub text: String,
    pub body_offset: usize,
    /// Site path of the output folder: `/`, `/principles/`, `/principles/sovereignty/` (`/fr/...` in French).
    pub path: SitePath,
    /// The file's language when it is not the default one: `fr` for `about.fr.md` (Zola's `[languages]`).
    pub lang: Option<String>,
    /// Files beside `index.md` in a page bundle, or beside a section's `_index.md`, copied next to its output.
    pub assets: Vec<PathBuf>,
    pub rendered: Rendered,
}

impl Document {
    /// The Markdown after the front matter.
    pub fn body(&self) -> &str {
        self.text.get(self.body_offset..).unwrap_or("")
    }
}

/// A Markdown file of `content/` other than `_index.md`.
#[derive(Debug, Clone)]
pub struct Page {
    pub doc: Document,
    pub slug: String,
    pub section: SectionId,
    pub lower: Option<PageId>,
    pub higher: Option<PageId>,
}

/// A folder of `content/` with an `_index.md` (or the content root itself).
#[derive(Debug, Clone)]
pub struct Section {
    pub doc: Document,
    pub parent: Option<SectionId>,
    /// In the section's `sort_by` order (including pages of transparent subsections).
    pub pages: Vec<PageId>,
    /// In weight order, then by path.
    pub subsections: Vec<SectionId>,
}

#[derive(Debug, Clone, Default)]
pub struct Site {
    /// `sections[0]` is the content root.
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    pub taxonomies: Vec<Taxonomy>,
    /// config.toml's `[slugify]`, for what makes slugs after loading (a `serve` edit, `get_taxonomy_url`).
    pub slugify: SlugifyConfig,
    /// Each file's commits when config.toml has `git_dates = true`; empty otherwise. Shared: `serve` clones sites.
    pub git: std::sync::Arc<crate::git::GitHistory>,
    by_relative_path: HashMap<SourcePath, Target>,
    /// Files that bodies include (`include` shortcode), from the site root, each with the bodies that include it
    /// (under content/): `serve` watches them and renders those bodies again when one changes.
    pub included_files: crate::shortcodes::Included,
    /// Set once the source texts are released: the site root the files are read again from.
    released_from: Option<PathBuf>,
}

/// What an `@/` path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    Page(PageId),
    Section(SectionId),
}

impl Site {
    /// Takes every page's and section's source text out of the site, in `pages`, `sections` order; with
    /// `release_to`, the texts are not coming back: `source_text` reads each file again from that root, which
    /// only diagnostics need.
    pub fn take_sources(&mut self, release_to: Option<&Path>) -> (Vec<String>, Vec<String>) {
        let pages = self.pages.iter_mut().map(|page| std::mem::take(&mut page.doc.text)).collect();
        let sections = self.sections.iter_mut().map(|section| std::mem::take(&mut section.doc.text)).collect();
        self.released_from = release_to.map(Path::to_path_buf);
        (pages, sections)
    }

    /// Puts back the texts `take_sources` took without releasing them.
    pub fn restore_sources(&mut self, pages: Vec<String>, sections: Vec<String>) {
        for (page, text) in self.pages.iter_mut().zip(pages) {
            page.doc.text = text;
        }
        for (section, text) in self.sections.iter_mut().zip(sections) {
            section.doc.text = text;
        }
    }

    /// The text of the file behind `target` as it was read (with front matter), or, once the texts are
    /// released (`take_sources`), as it is read again now; `None` if it can no longer be read.
    pub fn source_text(&self, target: Target) -> Option<std::borrow::Cow<'_, str>> {
        let Document { text, file, .. } = self.document(target);
        match &self.released_from {
            None => Some(text.as_str().into()),
            Some(root) => std::fs::read_to_string(root.join(file)).ok().map(Into::into),
        }
    }

    /// Every section, then every page: the one order all whole-site passes number them in.
    pub fn targets(&self) -> impl Iterator<Item = Target> + '_ {
        (0..self.sections.len()).map(Target::Section).chain((0..self.pages.len()).map(Target::Page))
    }

    /// Whether any page has a `date`: what an Atom feed lists, so a site without one gets no feed.
    pub fn has_dated_pages(&self) -> bool {
        self.pages.iter().any(|page| page.doc.front_matter.date.is_some())
    }

    pub fn lookup(&self, relative_path: &str) -> Option<Target> {
        self.by_relative_path.get(relative_path).copied()
    }

    /// The version in `lang` of the file at `canonical` (Zola 0.23's `get_page(path="about.md", lang="fr")`,
    /// which finds `about.fr.md`); `None` for the default language's own file when there is none.
    pub fn lookup_in(&self, canonical: &str, lang: Option<&str>) -> Option<Target> {
        match lang {
            None => self.lookup(canonical),
            Some(lang) => self.lookup(&translated_path(canonical, lang)),
        }
    }

    pub fn relative_paths(&self) -> impl Iterator<Item = &str> {
        self.by_relative_path.keys().map(SourcePath::as_str)
    }

    /// Section ids from the root down to `section` (included).
    pub fn ancestors(&self, section: SectionId) -> Vec<SectionId> {
        let mut chain = vec![section];
        let mut current = section;
        while let Some(parent) = self.sections[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// The page's or the section's own file, address and body: what every kind of target has.
    pub fn document(&self, target: Target) -> &Document {
        match target {
            Target::Page(id) => &self.pages[id].doc,
            Target::Section(id) => &self.sections[id].doc,
        }
    }

    pub fn document_mut(&mut self, target: Target) -> &mut Document {
        match target {
            Target::Page(id) => &mut self.pages[id].doc,
            Target::Section(id) => &mut self.sections[id].doc,
        }
    }

    /// What git knows of the file behind `target` (`git_dates = true`).
    pub fn history(&self, target: Target) -> Option<&crate::git::FileHistory> {
        self.git.file(&self.document(target).relative_path)
    }

    /// A page's `updated`: its front matter's, else its last commit's date (`git_dates = true`).
    pub fn page_updated(&self, id: PageId) -> Option<&str> {
        let page = &self.pages[id];
        page.doc.front_matter.updated.as_deref().or_else(|| self.history(Target::Page(id)).map(|h| h.updated.as_str()))
    }
}

/// One file found under `content/`, before it is read.
enum Entry {
    Section(PathBuf),
    Page(PathBuf),
    Asset(PathBuf),
}

/// Reads `root/content` into a `Site`. Problems are pushed to `diagnostics`; the site holds what could be read.
pub fn load_site(root: &Path, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Site {
    let content_dir = root.join("content");
    let timer = crate::Timer::start();
    let chunks = read_while_walking(root, &content_dir, config, diagnostics);
    timer.lap("content: walk, read and parse");
    // Pages are large (front matter inline): growing the list by doubling would copy 10,000 of them and
    // leave the old lists' memory behind.
    let entries = || chunks.iter().flat_map(|(entries, _)| entries);
    let page_count = entries().filter(|e| matches!(e, Entry::Page(_))).count();
    let mut builder = Builder { pages: Vec::with_capacity(page_count), ..Builder::default() };
    for (entries, read) in chunks {
        for (entry, (loaded, found)) in entries.into_iter().zip(read) {
            diagnostics.extend(found);
            match (entry, loaded) {
                (_, Some(Loaded::Section(section))) => builder.sections.push(section),
                (Entry::Page(rel), Some(Loaded::Page(page))) => builder.add_page(&rel, page),
                (Entry::Asset(rel), _) => builder.assets.push(rel),
                _ => {}
            }
        }
    }
    timer.lap("content: assemble");
    let site = builder.finish(config, diagnostics);
    timer.lap("content: sort and link");
    site
}

/// What reading one file gave: the page or section (`None` for an asset, a draft or a file that could not be
/// read), and the problems found in it.
type Read = (Option<Loaded>, Vec<Diagnostic>);

/// Every file under `content/`, in walk order and in chunks, each with what reading it gave. One thread walks
/// while the others read, parse and place what the walk has found so far, a chunk at a time: the walk (8 ms at
/// 10k files) no longer keeps a core waiting.
fn read_while_walking(
    root: &Path,
    content_dir: &Path,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Vec<Entry>, Vec<Read>)> {
    let read_chunk = |chunk: Vec<Entry>| {
        let read: Vec<Read> = chunk.iter().map(|entry| read_entry(root, content_dir, config, entry)).collect();
        (chunk, read)
    };
    let chunks = Mutex::new(Vec::new());
    rayon::scope(|scope| {
        let mut chunk = Vec::with_capacity(crate::PARALLEL_CHUNK);
        let mut index = 0;
        let mut hand_over = |chunk: Vec<Entry>| {
            let (chunks, read_chunk) = (&chunks, &read_chunk);
            scope.spawn(move |_| {
                let read = read_chunk(chunk);
                chunks.lock().unwrap_or_else(PoisonError::into_inner).push((index, read));
            });
            index += 1;
        };
        let links = crate::walk::Links::new(root, config);
        walk_content(content_dir, &config.languages, &links, diagnostics, |entry| {
            chunk.push(entry);
            if chunk.len() == crate::PARALLEL_CHUNK {
                hand_over(std::mem::replace(&mut chunk, Vec::with_capacity(crate::PARALLEL_CHUNK)));
            }
        });
        hand_over(chunk);
    });
    let mut chunks = chunks.into_inner().unwrap_or_else(PoisonError::into_inner);
    chunks.sort_unstable_by_key(|(index, _)| *index);
    chunks.into_iter().map(|(_, chunk)| chunk).collect()
}

/// One file read, parsed and given its slug and address: all of that is the file's own.
fn read_entry(root: &Path, content_dir: &Path, config: &Config, entry: &Entry) -> Read {
    let mut found = Vec::new();
    let loaded = match entry {
        Entry::Section(rel) => read_file(root, content_dir, rel, Kind::Section, &mut found)
            .and_then(|f| section(rel, f, config, &mut found))
            .map(Loaded::Section),
        Entry::Page(rel) => read_file(root, content_dir, rel, Kind::Page, &mut found)
            .filter(|file| !file.front_matter.draft || config.drafts)
            .and_then(|file| page(rel, file, config, &mut found))
            .map(Loaded::Page),
        Entry::Asset(_) => None,
    };
    (loaded, found)
}

/// The language of the content file `rel` (`None`: the default one), or an error at `file` when its name has a
/// code config.toml does not declare.
fn language_of(rel: &Path, file: &Path, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Option<Option<String>> {
    let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.strip_suffix(".md").unwrap_or(&name);
    match file_language(stem, config) {
        Ok(lang) => Some(lang.map(str::to_string)),
        Err(code) => {
            let declared: Vec<&str> = config.languages.keys().map(String::as_str).collect();
            diagnostics.push(
                Diagnostic::error(
                    Location::file(file),
                    "content",
                    format!(
                        "`{name}` has the language code `{code}`, which config.toml's `languages` does not declare"
                    ),
                )
                .with_help(format!(
                    "add `[languages.{code}]` to config.toml, or rename the file (declared: {}, and the default `{}`)",
                    declared.join(", "),
                    config.default_language
                )),
            );
            None
        }
    }
}

/// Files under `content/`, handed to `found` in an order that does not depend on the file system.
fn walk_content(
    content_dir: &Path,
    languages: &BTreeMap<String, crate::config::LanguageConfig>,
    links: &crate::walk::Links,
    diagnostics: &mut Vec<Diagnostic>,
    mut found: impl FnMut(Entry),
) {
    if !content_dir.is_dir() {
        // Most often a mistyped `--root`: building an empty site there would hide it.
        let root = content_dir.parent().unwrap_or(content_dir);
        diagnostics.push(
            Diagnostic::error(
                Location::file("content"),
                "content",
                format!("no `content/` folder in `{}`", root.display()),
            )
            .with_help("pass the site's folder with --root, or start a new site there with `quire init`"),
        );
        return;
    }
    let mut walk = links.walk(content_dir, |entry| is_ignored(entry.file_name().to_string_lossy().as_ref()));
    for item in walk.by_ref() {
        let entry = match item {
            Ok(entry) => entry,
            Err(e) => {
                let path =
                    e.path().map(|p| relative_to(p, content_dir.parent().unwrap_or(content_dir))).unwrap_or_default();
                let (message, help) = if e.loop_ancestor().is_some() {
                    ("symbolic link loop".to_string(), "remove the link that points back to its own folder")
                } else {
                    (e.to_string(), "check that the file exists and is readable")
                };
                diagnostics.push(Diagnostic::error(Location::file(path), "content", message).with_help(help));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = relative_to(entry.path(), content_dir);
        let name = entry.file_name().to_string_lossy();
        found(if name == "_index.md" || is_translated_section(&name, languages) {
            Entry::Section(rel)
        } else if name.ends_with(".md") {
            Entry::Page(rel)
        } else {
            Entry::Asset(rel)
        });
    }
    diagnostics.extend(walk.warnings());
}

/// `_index.fr.md` with `fr` among the site's other languages: that language's version of a section.
fn is_translated_section(name: &str, languages: &BTreeMap<String, crate::config::LanguageConfig>) -> bool {
    let code = name.strip_prefix("_index.").and_then(|rest| rest.strip_suffix(".md"));
    code.is_some_and(|code| languages.contains_key(code))
}

/// Zola's rule for a content file's language, from its name without `.md` (`about.fr`): with other languages
/// declared, the part after the first `.` is a language code: `Some("fr")` for one of them, `None` for none or
/// the default language's; any other is an error (a typo, or a language config.toml lacks).
pub fn file_language<'a>(stem: &'a str, config: &Config) -> Result<Option<&'a str>, String> {
    if config.languages.is_empty() {
        return Ok(None);
    }
    match stem.split_once('.') {
        None => Ok(None),
        Some((_, code)) if code == config.default_language => Ok(None),
        Some((_, code)) if config.languages.contains_key(code) => Ok(Some(code)),
        Some((_, code)) => Err(code.to_string()),
    }
}

/// `blog/about.md` for `blog/about.fr.md` in French: the path of the default language's version.
pub fn canonical_path(relative_path: &str, lang: Option<&str>) -> String {
    match lang.and_then(|lang| relative_path.strip_suffix(".md")?.strip_suffix(lang)?.strip_suffix('.')) {
        Some(stem) => format!("{stem}.md"),
        None => relative_path.to_string(),
    }
}

/// `blog/about.fr.md` for `blog/about.md` in French.
pub fn translated_path(canonical: &str, lang: &str) -> String {
    format!("{}.{lang}.md", canonical.strip_suffix(".md").unwrap_or(canonical))
}

/// `about` for `about.fr` in French: the name without its language code.
fn without_language<'a>(stem: &'a str, lang: Option<&str>) -> &'a str {
    lang.and_then(|lang| stem.strip_suffix(lang)).and_then(|rest| rest.strip_suffix('.')).unwrap_or(stem)
}

/// Hidden files and editors' temporary files are never content.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp") || name.starts_with("#")
}

fn relative_to(path: &Path, base: &Path) -> PathBuf {
    path.strip_prefix(base).unwrap_or(path).to_path_buf()
}

/// A content file read and split, with its front matter parsed.
struct ContentFile {
    file: PathBuf,
    text: String,
    body_offset: usize,
    front_matter: FrontMatter,
}

fn read_file(
    root: &Path,
    content_dir: &Path,
    rel: &Path,
    kind: Kind,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ContentFile> {
    let file = Path::new("content").join(rel);
    let bytes = match std::fs::read(content_dir.join(rel)) {
        Ok(bytes) => bytes,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(Location::file(&file), "content", format!("cannot read: {e}"))
                    .with_help("check the file's permissions"),
            );
            return None;
        }
    };
    let _ = root;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
            diagnostics.push(
                Diagnostic::error(Location::offset_in(&file, &valid, offset), "content", "the file is not valid UTF-8")
                    .with_help("save the file as UTF-8 (most editors have an \"encoding\" option)"),
            );
            return None;
        }
    };
    let split = match split_front_matter(&text, &file) {
        Ok(split) => split,
        Err(d) => {
            diagnostics.push(d);
            return None;
        }
    };
    let front_matter = parse_front_matter(&text, &split, &file, kind, diagnostics)?;
    let body_offset = split.body_offset;
    Some(ContentFile { file, text, body_offset, front_matter })
}

#[derive(Default)]
struct Builder {
    sections: Vec<Section>,
    pages: Vec<Page>,
    /// Page bundle folders (relative to content/) → the bundle's page in each language.
    bundles: HashMap<PathBuf, Vec<PageId>>,
    assets: Vec<PathBuf>,
}

/// A file read and placed, before the site is assembled.
enum Loaded {
    Section(Section),
    Page(Page),
}

/// The section of `rel` (`a/b/_index.md`): addressed by its folders' slugs (under `/fr/` for `_index.fr.md`).
fn section(rel: &Path, file: ContentFile, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Option<Section> {
    let lang = language_of(rel, &file.file, config, diagnostics)?;
    let style = config.slugify.paths;
    let dir = rel.parent().unwrap_or(Path::new(""));
    let folders = dir.components().map(|c| slug::slugify_path(&c.as_os_str().to_string_lossy(), style));
    let path = SitePath::from_components(lang.iter().cloned().chain(folders));
    let title = file.front_matter.title.clone().unwrap_or_default();
    let doc = Document {
        relative_path: SourcePath::from_relative(rel),
        file: file.file,
        title,
        text: file.text,
        body_offset: file.body_offset,
        front_matter: file.front_matter,
        path,
        lang,
        ..Document::default()
    };
    Some(Section { doc, parent: None, pages: Vec::new(), subsections: Vec::new() })
}

/// The page of `rel` (`a/b.md` or the bundle `a/b/index.md`): its slug from `slug` or the file name (less a
/// date prefix, which becomes its date), its address from `path` or its folders' slugs and its own.
fn page(rel: &Path, file: ContentFile, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Option<Page> {
    let lang = language_of(rel, &file.file, config, diagnostics)?;
    let style = config.slugify.paths;
    let name = rel.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = format!("{}.md", without_language(name.trim_end_matches(".md"), lang.as_deref()));
    let (dir, stem) = if name == "index.md" {
        let bundle = rel.parent().unwrap_or(Path::new(""));
        let stem = bundle.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        (bundle.parent().unwrap_or(Path::new("")).to_path_buf(), stem)
    } else {
        (rel.parent().unwrap_or(Path::new("")).to_path_buf(), name.trim_end_matches(".md").to_string())
    };
    let mut front_matter = file.front_matter;
    let stem = match slug::split_date_prefix(&stem) {
        Some((date, rest)) => {
            front_matter.date.get_or_insert_with(|| date.to_string());
            rest.to_string()
        }
        None => stem,
    };
    let slug = slug::slugify_path(front_matter.slug.as_deref().unwrap_or(&stem), style);
    // As in Zola, `path` is the page's whole address in any language (abridge's `about.fr.md` says
    // `path = "fr/about"`); without it, a page of another language is under `/LANG/`.
    let path = match &front_matter.path {
        Some(path) => SitePath::from_components(path.split('/')),
        None => {
            let folders = dir.components().map(|c| slug::slugify_path(&c.as_os_str().to_string_lossy(), style));
            SitePath::from_components(lang.iter().cloned().chain(folders).chain([slug.clone()]))
        }
    };
    let doc = Document {
        relative_path: SourcePath::from_relative(rel),
        file: file.file,
        title: front_matter.title.clone().unwrap_or_default(),
        text: file.text,
        body_offset: file.body_offset,
        front_matter,
        path,
        lang,
        ..Document::default()
    };
    Some(Page { doc, slug, section: 0, lower: None, higher: None })
}

impl Builder {
    fn add_page(&mut self, rel: &Path, page: Page) {
        if page.doc.relative_path.is_bundle_index(page.doc.lang.as_deref()) {
            let folder = rel.parent().unwrap_or(Path::new("")).to_path_buf();
            self.bundles.entry(folder).or_default().push(self.pages.len());
        }
        self.pages.push(page);
    }

    fn finish(mut self, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Site {
        self.ensure_root_section(None);
        for lang in config.languages.keys() {
            self.ensure_root_section(Some(lang));
        }
        // The root first, then parents before children (paths sort that way), so ids are stable; the default
        // language's sections before each other language's (whose root has no parent).
        self.sections.sort_by(|a, b| {
            (&a.doc.lang, a.doc.relative_path.section_dir()).cmp(&(&b.doc.lang, b.doc.relative_path.section_dir()))
        });
        let section_by_dir: SectionsByDir = self
            .sections
            .iter()
            .enumerate()
            .map(|(id, s)| ((s.doc.lang.clone(), s.doc.relative_path.section_dir().to_string()), id))
            .collect();
        for id in 1..self.sections.len() {
            let (lang, dir) = (&self.sections[id].doc.lang, self.sections[id].doc.relative_path.section_dir());
            if dir.is_empty() {
                continue; // another language's root
            }
            let parent = nearest_section(&section_by_dir, lang, parent_dir(dir));
            self.sections[id].parent = Some(parent);
            self.sections[parent].subsections.push(id);
        }
        for (id, page) in self.pages.iter_mut().enumerate() {
            let dir = page.doc.relative_path.page_section_dir(page.doc.lang.as_deref());
            page.section = nearest_section(&section_by_dir, &page.doc.lang, dir);
            // A folder without any `_index.md` gives its pages to the section above (Quire's rule); one whose
            // `_index.md` has no version in the page's language leaves the page in no section's list, as in Zola
            // (the page of the default language there is not the home page's either).
            let own_section = (page.doc.lang.clone(), dir.to_string());
            let in_no_list = page.doc.lang.is_some()
                && !section_by_dir.contains_key(&own_section)
                && section_by_dir.contains_key(&(None, dir.to_string()));
            if !in_no_list {
                self.sections[page.section].pages.push(id);
            }
        }
        self.attach_assets(&section_by_dir);
        self.lift_transparent_pages();
        for id in 0..self.sections.len() {
            self.sort_section(id);
        }
        let mut site = Site {
            sections: self.sections,
            pages: self.pages,
            taxonomies: Vec::new(),
            slugify: config.slugify,
            git: Default::default(),
            by_relative_path: HashMap::new(),
            included_files: Default::default(),
            released_from: None,
        };
        // Three passes over every page, each on its own: side by side, they take a third of the time.
        let mut taxonomy_problems = Vec::new();
        let ((by_relative_path, duplicates), taxonomies) = rayon::join(
            || rayon::join(|| relative_path_index(&site), || duplicate_paths(&site)),
            || taxonomy::collect(&site, config, &mut taxonomy_problems),
        );
        diagnostics.extend(duplicates);
        diagnostics.extend(taxonomy_problems);
        site.by_relative_path = by_relative_path;
        site.taxonomies = taxonomies;
        site
    }

    /// A site without `content/_index.md` still has a home section, and so has each other language (`/fr/`
    /// without `content/_index.fr.md`), as in Zola.
    fn ensure_root_section(&mut self, lang: Option<&str>) {
        let relative_path = lang.map_or_else(|| "_index.md".to_string(), |lang| format!("_index.{lang}.md"));
        if self.sections.iter().any(|s| s.doc.relative_path == relative_path.as_str()) {
            return;
        }
        let doc = Document {
            file: Path::new("content").join(&relative_path),
            relative_path: SourcePath::from_relative(Path::new(&relative_path)),
            front_matter: FrontMatter { render: true, in_search_index: true, ..FrontMatter::default() },
            path: SitePath::from_components(lang),
            lang: lang.map(str::to_string),
            ..Document::default()
        };
        self.sections.push(Section { doc, parent: None, pages: Vec::new(), subsections: Vec::new() });
    }

    fn attach_assets(&mut self, section_by_dir: &SectionsByDir) {
        for asset in std::mem::take(&mut self.assets) {
            // A bundle's files are every language's: each version of the page has them beside it.
            let bundle = asset.ancestors().skip(1).find_map(|dir| self.bundles.get(dir).cloned());
            match bundle {
                Some(pages) => pages.into_iter().for_each(|page| self.pages[page].doc.assets.push(asset.clone())),
                None => {
                    let dir = slash_path(asset.parent().unwrap_or(Path::new("")));
                    let section = nearest_section(section_by_dir, &None, &dir);
                    self.sections[section].doc.assets.push(asset);
                }
            }
        }
    }

    /// Pages of a transparent section are listed by its parent too (Zola's `transparent = true`).
    fn lift_transparent_pages(&mut self) {
        for id in (1..self.sections.len()).rev() {
            if self.sections[id].doc.front_matter.transparent {
                if let Some(parent) = self.sections[id].parent {
                    let pages = self.sections[id].pages.clone();
                    self.sections[parent].pages.extend(pages);
                }
            }
        }
    }

    fn sort_section(&mut self, id: SectionId) {
        let pages = &self.pages;
        let sort_by = self.sections[id].doc.front_matter.sort_by;
        let mut order = std::mem::take(&mut self.sections[id].pages);
        order.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            let key = match sort_by {
                SortBy::Weight => {
                    a.doc.front_matter.weight.unwrap_or(i64::MAX).cmp(&b.doc.front_matter.weight.unwrap_or(i64::MAX))
                }
                // Newest first; undated pages last.
                SortBy::Date => b
                    .doc
                    .front_matter
                    .date
                    .cmp(&a.doc.front_matter.date)
                    .then_with(|| a.doc.front_matter.date.is_none().cmp(&b.doc.front_matter.date.is_none())),
                // The later of `updated` and `date`, newest first; pages with neither last.
                SortBy::UpdateDate => {
                    fn latest(page: &Page) -> Option<&str> {
                        let fm = &page.doc.front_matter;
                        fm.date.as_deref().max(fm.updated.as_deref())
                    }
                    latest(b).cmp(&latest(a)).then_with(|| latest(a).is_none().cmp(&latest(b).is_none()))
                }
                SortBy::Title => natural_cmp(&a.doc.title, &b.doc.title),
                SortBy::Slug => a.slug.cmp(&b.slug),
                SortBy::Permalink => a.doc.path.cmp(&b.doc.path),
                SortBy::None => std::cmp::Ordering::Equal,
            };
            key.then_with(|| a.doc.relative_path.cmp(&b.doc.relative_path))
        });
        // `lower` is the page before in reading order for weight/title, the older one for dates (as in Zola).
        for (i, &page) in order.iter().enumerate() {
            if self.pages[page].section != id {
                continue; // a transparent subsection's page keeps its own neighbours
            }
            let before = i.checked_sub(1).map(|j| order[j]);
            let after = order.get(i + 1).copied();
            let newest_first = matches!(sort_by, SortBy::Date | SortBy::UpdateDate);
            let (lower, higher) = if newest_first { (after, before) } else { (before, after) };
            self.pages[page].lower = lower;
            self.pages[page].higher = higher;
        }
        self.sections[id].pages = order;
        let mut subsections = std::mem::take(&mut self.sections[id].subsections);
        let sections = &self.sections;
        subsections.sort_by(|&a, &b| {
            let (a, b) = (&sections[a], &sections[b]);
            a.doc
                .front_matter
                .weight
                .unwrap_or(i64::MAX)
                .cmp(&b.doc.front_matter.weight.unwrap_or(i64::MAX))
                .then_with(|| a.doc.relative_path.cmp(&b.doc.relative_path))
        });
        self.sections[id].subsections = subsections;
    }
}

/// Every page and section by its path relative to `content/`: what `@/` links name.
fn relative_path_index(site: &Site) -> HashMap<SourcePath, Target> {
    let sections = site.sections.iter().enumerate().map(|(id, s)| (s.doc.relative_path.clone(), Target::Section(id)));
    let pages = site.pages.iter().enumerate().map(|(id, p)| (p.doc.relative_path.clone(), Target::Page(id)));
    sections.chain(pages).collect()
}

/// An error for each page or section whose address another one already has.
fn duplicate_paths(site: &Site) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut seen: HashMap<&str, &Path> = HashMap::new();
    let sections = site.sections.iter().map(|s| (s.doc.path.as_str(), s.doc.file.as_path(), &s.doc.front_matter));
    let pages = site.pages.iter().map(|p| (p.doc.path.as_str(), p.doc.file.as_path(), &p.doc.front_matter));
    for (path, file, front_matter) in sections.chain(pages) {
        if let Some(first) = seen.insert(path, file) {
            // Point at the `path` or `slug` that made the address, when the front matter sets one.
            let line = ["path", "slug"].iter().find_map(|key| front_matter.key_lines.get(*key)).copied();
            let at = line.map_or_else(|| Location::file(file), |line| Location::new(file, line, 1));
            diagnostics.push(
                Diagnostic::error(at, "content", format!("`{path}` is also the output of `{}`", first.display()))
                    .with_help("give one of them another `slug` or `path` in its front matter"),
            );
        }
    }
    diagnostics
}

/// The site path an alias is written to: `/a/old.html` as it is, any other alias as a folder `/old/`.
pub fn alias_path(alias: &str) -> String {
    if alias.ends_with(".html") {
        format!("/{}", alias.trim_start_matches('/'))
    } else {
        format!("/{}/", alias.trim_matches('/'))
    }
}

/// Sections by language and folder.
type SectionsByDir = HashMap<(Option<String>, String), SectionId>;

/// Zola's `colocated_path` of a page: `a/b/` for the bundle `a/b/index.md` (or `index.fr.md`), `None` for any other.
pub fn colocated_path(relative_path: &SourcePath, lang: Option<&str>) -> Option<String> {
    let folder = parent_dir(relative_path);
    (relative_path.is_bundle_index(lang) && !folder.is_empty()).then(|| format!("{folder}/"))
}

/// The section of `dir` or of its nearest ancestor folder that has one, in language `lang`.
fn nearest_section(section_by_dir: &SectionsByDir, lang: &Option<String>, dir: &str) -> SectionId {
    let mut key = (lang.clone(), dir.to_string());
    loop {
        if let Some(&id) = section_by_dir.get(&key) {
            return id;
        }
        if key.1.is_empty() {
            return 0;
        }
        key.1 = parent_dir(&key.1).to_string();
    }
}

/// Compares titles so that "Part 2" sorts before "Part 10".
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut a, mut b) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (a.peek().copied(), b.peek().copied()) {
            (None, None) => return std::cmp::Ordering::Equal,
            (None, _) => return std::cmp::Ordering::Less,
            (_, None) => return std::cmp::Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut n = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        n.push(c);
                        it.next();
                    }
                    n
                };
                let (m, n) = (take(&mut a), take(&mut b));
                let ord = m.trim_start_matches('0').len().cmp(&n.trim_start_matches('0').len()).then_with(|| m.cmp(&n));
                if ord.is_ne() {
                    return ord;
                }
            }
            (Some(x), Some(y)) => {
                let ord = x.to_lowercase().cmp(y.to_lowercase());
                if ord.is_ne() {
                    return ord;
                }
                a.next();
                b.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_are_written_where_render_writes_them() {
        assert_eq!(alias_path("/old/"), "/old/");
        assert_eq!(alias_path("old"), "/old/");
        assert_eq!(alias_path("/a/old.html"), "/a/old.html");
    }

    #[test]
    fn natural_order() {
        let mut titles = vec!["Part 10", "part 2", "Part 1", "Appendix"];
        titles.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(titles, vec!["Appendix", "Part 1", "part 2", "Part 10"]);
    }
}
