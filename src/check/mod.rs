//! `quire check`: runs every stage but `output`, then checks what the finished site links to, and reports
//! every diagnostic in one go. Writes nothing but the external-link cache; uses the network only when asked.

mod addresses;
mod external;
mod html;
mod rendered;
mod site_url;

pub use external::{ExternalLink, CACHE_FILE};
pub use html::{scan_html, ScannedHtml};
pub use rendered::LinkCheck;

use crate::config::Config;
use crate::content::{FrontMatter, Site, Target};
use crate::error::{line_column, Diagnostic, Error, Location, Result};
use crate::output::OutputFile;
use crate::render;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Also check http(s) links (network).
    pub external: bool,
}

/// Every problem of the site at `options.root`, errors and warnings: what `build` reports, plus broken links
/// in Markdown and in templates' output, orphan pages, and (with `external`) dead external links.
pub fn check_site(options: &CheckOptions) -> Result<Vec<Diagnostic>> {
    let build = crate::BuildOptions { root: options.root.clone(), drafts: options.drafts, ..Default::default() };
    let (config, mut diagnostics) = match crate::load_config(&build) {
        Ok(loaded) => loaded,
        Err(Error::Site(diagnostics)) => return Ok(diagnostics),
        Err(e) => return Err(e),
    };
    let timer = crate::Timer::start();
    let (mut site, relations) = crate::load_site(&options.root, &config, crate::Sources::Release, &mut diagnostics);
    let relations = Arc::new(relations);
    timer.lap("load + markdown + links");
    // Unlike `build`, render even when the content has errors, so that one run shows template problems too.
    let templates = render::load_templates(&options.root, &mut diagnostics);
    let bodies = templates.as_ref().and_then(|t| render::PageBodies::take_if_read_once(&mut site, &config, t));
    let site = Arc::new(site);
    let config = Arc::new(config);
    let mut files = crate::static_files(&options.root);
    files.extend(crate::asset_files(&options.root, &site));
    files.extend(crate::generated_file_paths(&config));
    let expected = templates.as_ref().map(|t| crate::expected_outputs(&site, t, &files)).unwrap_or_default();
    let mut links = LinkCheck::new(&options.root, &site, &config).expecting(&expected);
    if options.external {
        links = links.collecting_external();
    }
    timer.lap("link check set up");
    if let Some(templates) = templates {
        render::render_site(
            site.clone(),
            config.clone(),
            relations.clone(),
            templates,
            render::Run::Once(bodies),
            &|page| links.add_html(&page.output_path(), &page.html),
            &mut diagnostics,
        );
    }
    timer.lap("render + scan");
    if config.build_search_index {
        files.extend(crate::search::index_files(&site));
    }
    for file in files {
        links.add(&file);
    }
    timer.lap("site files");
    let (found, external) = links.finish_with_external();
    timer.lap("link checks");
    crate::drop_in_background((site, relations));
    diagnostics.extend(found);
    if options.external {
        diagnostics.extend(external::check_external(&options.root, &external));
    }
    Ok(diagnostics)
}

/// The no-network link checks of `LinkCheck` over output files already made: for callers that hold the
/// whole site in memory. A build that streams its files feeds a `LinkCheck` from its sink instead.
pub fn check_rendered(root: &Path, files: &[OutputFile], site: &Site, config: &Config) -> Vec<Diagnostic> {
    let links = LinkCheck::new(root, site, config);
    for file in files {
        links.add(file);
    }
    links.finish()
}

/// Pages and sections, sections first: the order `LinkCheck` numbers them in.
fn targets(site: &Site) -> impl Iterator<Item = Target> + '_ {
    (0..site.sections.len()).map(Target::Section).chain((0..site.pages.len()).map(Target::Page))
}

/// The site path an alias is written to, as `render` writes it.
fn alias_path(alias: &str) -> String {
    if alias.ends_with(".html") {
        format!("/{}", alias.trim_start_matches('/'))
    } else {
        format!("/{}/", alias.trim_matches('/'))
    }
}

/// The parts of a page or a section that the checks read.
struct Source<'a> {
    site: &'a Site,
    target: Target,
    file: &'a Path,
    /// Read on first use: only problems need it, and a build has released it (`Site::take_sources`).
    text: std::cell::OnceCell<std::borrow::Cow<'a, str>>,
    body_offset: usize,
    /// Site path: `/a/b/`.
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
                    site,
                    target,
                    file: &p.file,
                    text: std::cell::OnceCell::new(),
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
                    site,
                    target,
                    file: &s.file,
                    text: std::cell::OnceCell::new(),
                    body_offset: s.body_offset,
                    path: &s.path,
                    relative_path: &s.relative_path,
                    front_matter: &s.front_matter,
                    rendered: &s.rendered,
                }
            }
        }
    }

    /// The whole file, front matter included; empty if it can no longer be read.
    fn text(&self) -> &str {
        self.text.get_or_init(|| self.site.source_text(self.target).unwrap_or_default())
    }

    /// The Markdown body.
    fn body(&self) -> &str {
        self.text().get(self.body_offset..).unwrap_or("")
    }

    /// Where the front-matter value `value` is written, looking from the line of `key` on when it is known.
    fn value_location(&self, key: &str, value: &str) -> Location {
        let key_line = self.front_matter.key_lines.get(key).copied();
        let text = self.text();
        let front = text.get(..self.body_offset).unwrap_or(text);
        let from = key_line.map_or(0, |line| line_offset(front, line));
        let quoted = ['"', '\''].iter().find_map(|q| front[from..].find(&format!("{q}{value}{q}")).map(|i| from + i));
        match quoted.or_else(|| front[from..].find(value).map(|i| from + i)) {
            Some(offset) => {
                let (line, column) = line_column(text, offset);
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
