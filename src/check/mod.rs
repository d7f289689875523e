//! `quire check`: the pipeline's stages producing into nothing, and the link check they run on what they made;
//! reports every diagnostic in one go. Writes nothing but the external-link cache; uses the network only when asked.

mod addresses;
mod external;
mod html;
mod rendered;
mod site_url;

pub use external::{ExternalLink, CACHE_FILE};
pub use html::{scan_html, ScannedHtml};
pub use rendered::LinkCheck;

use crate::content::{FrontMatter, Site, Target};
use crate::error::{line_column, Diagnostic, Error, Location, Result};
use crate::pipeline::{self, Purpose};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Also check http(s) links (network).
    pub external: bool,
}

/// Every problem of the site at `options.root`, errors and warnings: exactly what `build` reports (the same
/// stages, producing into nothing), plus dead external links with `external`.
pub fn check_site(options: &CheckOptions) -> Result<Vec<Diagnostic>> {
    let build = crate::BuildOptions { root: options.root.clone(), drafts: options.drafts, ..Default::default() };
    let prepared = match pipeline::prepare(&build, Purpose::Check) {
        Ok(prepared) => prepared,
        Err(Error::Site(diagnostics)) => return Ok(diagnostics),
        Err(e) => return Err(e),
    };
    let checker = prepared.config.link_checker.clone();
    let produced = pipeline::produce(prepared, &|_| {}, options.external);
    crate::drop_in_background(produced.site);
    let mut diagnostics = produced.diagnostics;
    if options.external {
        // Zola's `[link_checker]`: `skip_prefixes` are not asked for, `skip_anchor_prefixes` are asked for
        // without looking for their `#anchor`; `external_level = "warn"` reports dead links as warnings.
        let external: Vec<ExternalLink> =
            produced.external.into_iter().filter(|l| !checker.skips_external(&l.url)).collect();
        let mut found = external::check_external(&options.root, &external, &checker);
        if checker.external_level == crate::config::Level::Warn {
            found.iter_mut().for_each(|d| d.severity = crate::error::Severity::Warning);
        }
        diagnostics.extend(found);
    }
    Ok(diagnostics)
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
        let doc = site.document(target);
        Source {
            site,
            target,
            file: &doc.file,
            text: std::cell::OnceCell::new(),
            body_offset: doc.body_offset,
            path: &doc.path,
            relative_path: &doc.relative_path,
            front_matter: &doc.front_matter,
            rendered: &doc.rendered,
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
}
