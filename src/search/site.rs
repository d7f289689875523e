//! The search stage's view of the site model: which pages and sections the index holds, and what it reads
//! of each. `build` and `check` call `index_files`; `serve` keeps a `SearchIndex` fed by `doc`.

use super::{SearchDoc, SearchIndex};
use crate::content::{Document, Site, Target};
use crate::output::{Contents, OutputFile};
use rayon::prelude::*;

/// The pages and sections in the search index, in its order (pages, then sections): every one that
/// asks to be in it (`in_search_index`, on by default) and is rendered.
pub fn indexed_targets(site: &Site) -> Vec<Target> {
    let pages = site.pages.iter().enumerate().filter(|(_, p)| p.doc.front_matter.in_search_index);
    let sections = site
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.doc.front_matter.in_search_index && s.doc.front_matter.render);
    let pages = pages.map(|(id, _)| Target::Page(id));
    pages.chain(sections.map(|(id, _)| Target::Section(id))).collect()
}

/// The sections above a page or section, root excluded, as search results show them ("Guide › Setup").
pub fn trail(site: &Site, target: Target) -> String {
    let section = match target {
        Target::Page(id) => Some(site.pages[id].section),
        Target::Section(id) => site.sections[id].parent,
    };
    let Some(section) = section else {
        return String::new();
    };
    let titles: Vec<&str> =
        site.ancestors(section).into_iter().skip(1).map(|s| site.sections[s].doc.title.as_str()).collect();
    titles.join(" › ")
}

/// What the search index reads of a page or section.
pub fn doc<'a>(site: &'a Site, target: Target, trail: &'a str) -> SearchDoc<'a> {
    let Document { path, title, front_matter, rendered, .. } = site.document(target);
    SearchDoc {
        url: path,
        title,
        section: trail,
        description: front_matter.description.as_deref().unwrap_or(""),
        html: &rendered.html,
    }
}

/// The search index's files (`search/`; search.js and search.css come with the static files).
pub fn index_files(site: &Site) -> Vec<OutputFile> {
    let targets = indexed_targets(site);
    let trails: Vec<String> = targets.par_iter().map(|&target| trail(site, target)).collect();
    let docs: Vec<SearchDoc> = targets.iter().zip(&trails).map(|(&target, trail)| doc(site, target, trail)).collect();
    let files = SearchIndex::build(&docs).1;
    files.into_iter().map(|file| OutputFile { path: file.path, contents: Contents::Bytes(file.bytes) }).collect()
}
