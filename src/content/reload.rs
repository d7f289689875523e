//! One page or section re-read from disk, and the orders that depend on it recomputed, for `serve`'s edits: the
//! same reading, building, sorting and taxonomy code as `load_site`, run on one file or one section.

use super::front_matter::Kind;
use super::slug::slugify_path;
use super::{read_file, taxonomy, Builder, Page, PageId, Section, SectionId, Site, Term};
use crate::config::Config;
use crate::error::Diagnostic;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The page at `relative_path` (under `content/`) as `load_site` would build it, before it is placed in
/// a section: `section` is 0, no assets, no neighbours, no rendered body. `None` when the file cannot be read
/// or its front matter is broken; `diagnostics` say why. Drafts are returned too: the caller decides.
pub fn read_page(root: &Path, config: &Config, relative_path: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<Page> {
    let content_dir = root.join("content");
    let rel = Path::new(relative_path);
    refuse_link_out(root, config, &content_dir.join(rel), diagnostics)?;
    read_file(root, &content_dir, rel, Kind::Page, diagnostics)
        .and_then(|file| super::page(rel, file, config, diagnostics))
}

/// The section whose `_index.md` is at `relative_path` as `load_site` would build it, before it is placed in the
/// tree: no parent, pages, subsections or assets, no rendered body. `None` when it cannot be read.
pub fn read_section(
    root: &Path,
    config: &Config,
    relative_path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Section> {
    let content_dir = root.join("content");
    let rel = Path::new(relative_path);
    refuse_link_out(root, config, &content_dir.join(rel), diagnostics)?;
    read_file(root, &content_dir, rel, Kind::Section, diagnostics)
        .and_then(|file| super::section(rel, file, config, diagnostics))
}

/// `None`, with the warning `load_site`'s walk gives, when `file` is a link out of the site: an edit never
/// reads what a full build would have skipped.
fn refuse_link_out(root: &Path, config: &Config, file: &Path, diagnostics: &mut Vec<Diagnostic>) -> Option<()> {
    let links = crate::walk::Links::new(root, config);
    if links.allows(file) {
        return Some(());
    }
    diagnostics.push(links.skipped_warning(file));
    None
}

/// Sorts the pages of section `id` again (after a page's weight, date or title changed) and sets the
/// neighbours of its own pages, as `load_site` does.
pub fn sort_section(site: &mut Site, id: SectionId) {
    // The builder owns the sort; lend it the site's lists (moved, not copied) and take them back.
    let mut builder = Builder {
        sections: std::mem::take(&mut site.sections),
        pages: std::mem::take(&mut site.pages),
        ..Builder::default()
    };
    builder.sort_section(id);
    site.sections = builder.sections;
    site.pages = builder.pages;
}

/// The sections that list page `id`: its own, and each parent it is lifted into by a transparent section.
pub fn sections_listing(site: &Site, id: usize) -> Vec<SectionId> {
    let mut sections = vec![site.pages[id].section];
    let mut current = site.pages[id].section;
    while site.sections[current].doc.front_matter.transparent {
        match site.sections[current].parent {
            Some(parent) => {
                sections.push(parent);
                current = parent;
            }
            None => break,
        }
    }
    sections
}

/// The taxonomies after the terms, date or title of some pages changed (each with the terms it had): the terms
/// they had or have are made again as `collect` makes them, with the same sorts; the others are kept as they are.
pub fn update_taxonomies(site: &mut Site, edited: &[(PageId, BTreeMap<String, Vec<String>>)]) {
    for t in 0..site.taxonomies.len() {
        let name = site.taxonomies[t].name.clone();
        let style = site.slugify.taxonomies;
        let slugs_of = |terms: Option<&Vec<String>>| -> BTreeSet<String> {
            terms.into_iter().flatten().map(|value| slugify_path(value, style)).collect()
        };
        let now: Vec<(PageId, BTreeSet<String>)> = edited
            .iter()
            .map(|(id, _)| (*id, slugs_of(site.pages[*id].doc.front_matter.taxonomies.get(&name))))
            .collect();
        let reached: BTreeSet<String> = edited
            .iter()
            .flat_map(|(_, before)| slugs_of(before.get(&name)))
            .chain(now.iter().flat_map(|(_, slugs)| slugs.iter().cloned()))
            .collect();
        if reached.is_empty() {
            continue;
        }
        let taxonomy_slug = slugify_path(&name, style);
        let mut terms = std::mem::take(&mut site.taxonomies[t].terms);
        for slug in reached {
            let position = terms.iter().position(|term| term.slug == slug);
            let mut pages = position.map(|i| terms[i].pages.clone()).unwrap_or_default();
            pages.retain(|page| !edited.iter().any(|(id, _)| id == page));
            pages.extend(now.iter().filter(|(_, slugs)| slugs.contains(&slug)).map(|(id, _)| *id));
            if pages.is_empty() {
                if let Some(i) = position {
                    terms.remove(i);
                }
                continue;
            }
            taxonomy::sort_term_pages(site, &mut pages);
            // As in `collect`, a term is spelled as the first page (in reading order) that uses it spells it.
            let first = pages.iter().copied().min().unwrap_or(pages[0]);
            let values = site.pages[first].doc.front_matter.taxonomies.get(&name).into_iter().flatten();
            let spelling =
                values.into_iter().find(|value| slugify_path(value, style) == slug).cloned().unwrap_or(slug.clone());
            match position {
                Some(i) => {
                    terms[i].pages = pages;
                    terms[i].name = spelling;
                }
                None => terms.push(Term { path: format!("/{taxonomy_slug}/{slug}/"), name: spelling, slug, pages }),
            }
        }
        taxonomy::sort_terms(&mut terms);
        site.taxonomies[t].terms = terms;
    }
}

/// What `load_site` reports at page `id`'s file once the page is read: an undeclared taxonomy, or an address
/// another page or section already has. Checked by the same code, on this page alone.
pub fn page_problems(site: &Site, config: &Config, id: usize) -> Vec<Diagnostic> {
    let page = &site.pages[id];
    let mut diagnostics = Vec::new();
    let alone = Site { pages: vec![page.clone()], ..Site::default() };
    taxonomy::collect(&alone, config, &mut diagnostics);
    diagnostics.extend(duplicate_problems(site, &page.doc.path, &page.doc.file));
    diagnostics
}

/// What `load_site` reports at section `id`'s file once it is read: an address something else already has.
pub fn section_problems(site: &Site, id: SectionId) -> Vec<Diagnostic> {
    duplicate_problems(site, &site.sections[id].doc.path, &site.sections[id].doc.file)
}

fn duplicate_problems(site: &Site, path: &str, file: &Path) -> Vec<Diagnostic> {
    let shared = |other: &str| other == path;
    let others = site.pages.iter().filter(|p| shared(&p.doc.path)).count()
        + site.sections.iter().filter(|s| shared(&s.doc.path)).count();
    if others < 2 {
        return Vec::new();
    }
    let mut duplicates = super::duplicate_paths(site);
    duplicates.retain(|d| d.at.file == file);
    duplicates
}
