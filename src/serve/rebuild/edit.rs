//! Edited pages and sections read again into the model in place: front matter, Markdown body, the order of the
//! sections that list them, taxonomies and links. A change to the site's shape (a page's address, draft state or
//! aliases; a section's sorting, templates, weight, aliases, transparency or rendering) asks for a full rebuild.

use super::{FullRebuild, Problems};
use crate::config::Config;
use crate::content::{self, PageId, SectionId, Site, Target, Taxonomy};
use crate::links::{self, Relations};
use crate::render::Templates;
use crate::shortcodes::ContentCalls;
use std::collections::BTreeSet;
use std::path::Path;

/// What the edits changed in the model, for working out which views changed.
#[derive(Debug, Default)]
pub struct Edits {
    /// Pages read again and replaced.
    pub pages: Vec<PageId>,
    /// Sections read again and replaced.
    pub sections: Vec<SectionId>,
    /// Sections whose order of pages changed because a page's weight, date or title changed.
    pub resorted: Vec<SectionId>,
    /// Pages whose `lower` or `higher` neighbour changed.
    pub neighbours: Vec<PageId>,
    /// The taxonomies before the edits, when they were collected again.
    pub old_taxonomies: Option<Vec<Taxonomy>>,
    /// The relations before the links were checked again.
    pub old_relations: Relations,
}

/// Reads the pages and sections (`_index.md`) at these paths (relative to `content/`) again and updates `site`,
/// `relations` and `problems`, running `include` calls with `calls`. A file that cannot be read keeps its last
/// good model; its diagnostics say why.
#[allow(clippy::too_many_arguments)]
pub fn edit_files(
    root: &Path,
    config: &Config,
    templates: &Templates,
    calls: &ContentCalls<'_>,
    site: &mut Site,
    relations: &mut Relations,
    problems: &mut Problems,
    paths: &[String],
    sections: &[String],
) -> Result<Edits, FullRebuild> {
    let timer = crate::Timer::start();
    let mut edits = Edits::default();
    let mut resort: BTreeSet<SectionId> = BTreeSet::new();
    let mut retagged = Vec::new();
    let had_dated_pages = site.has_dated_pages();
    for path in paths {
        let Some(Target::Page(id)) = site.lookup(path) else {
            return Err(FullRebuild(format!("content/{path} is a new page")));
        };
        if !root.join("content").join(path).is_file() {
            return Err(FullRebuild(format!("content/{path} was removed")));
        }
        let mut read = Vec::new();
        let page = content::read_page(root, config, path, &mut read);
        let file = site.pages[id].doc.file.clone();
        problems.stages.content.retain(|d| d.at.file != file);
        problems.stages.content.extend(read);
        let Some(mut page) = page else {
            continue;
        };
        let old = &site.pages[id];
        if page.doc.front_matter.draft && !config.drafts {
            return Err(FullRebuild(format!("{} became a draft", file.display())));
        }
        if page.doc.path != old.doc.path || page.doc.front_matter.aliases != old.doc.front_matter.aliases {
            return Err(FullRebuild(format!("{} changed its address or aliases", file.display())));
        }
        let (old_fm, new_fm) = (&old.doc.front_matter, &page.doc.front_matter);
        let order_changed =
            old.doc.title != page.doc.title || old_fm.weight != new_fm.weight || old_fm.date != new_fm.date;
        let terms_changed = old_fm.taxonomies != new_fm.taxonomies
            || (!new_fm.taxonomies.is_empty() && (old.doc.title != page.doc.title || old_fm.date != new_fm.date));
        if terms_changed {
            retagged.push((id, old_fm.taxonomies.clone()));
        }
        page.section = old.section;
        page.doc.assets = old.doc.assets.clone();
        page.lower = old.lower;
        page.higher = old.higher;
        // In the model first: the body's heading anchors depend on the page's template and section.
        site.pages[id] = page;
        let (rendered, call_problems) = render_edited_body(site, config, templates, calls, Target::Page(id))?;
        site.pages[id].doc.rendered = rendered;
        problems.stages.content.extend(call_problems);
        problems.stages.content.extend(content::page_problems(site, config, id));
        if order_changed {
            resort.extend(content::sections_listing(site, id));
        }
        edits.pages.push(id);
    }
    if site.has_dated_pages() != had_dated_pages {
        // Whether the site has a feed, and every page a link to it, is decided from the whole site (`prepare`).
        return Err(FullRebuild("the first page with a date was added, or the last one removed".into()));
    }
    for path in sections {
        if let Some(id) = edit_section(root, config, templates, calls, site, problems, path)? {
            edits.sections.push(id);
        }
    }
    if edits.pages.is_empty() && edits.sections.is_empty() {
        return Ok(edits);
    }
    timer.lap("update: pages read and rendered");
    if !resort.is_empty() {
        let listed: BTreeSet<PageId> = resort.iter().flat_map(|&s| site.sections[s].pages.iter().copied()).collect();
        let before: Vec<_> = listed.iter().map(|&p| (site.pages[p].lower, site.pages[p].higher)).collect();
        let orders_before: Vec<Vec<PageId>> = resort.iter().map(|&s| site.sections[s].pages.clone()).collect();
        for &section in &resort {
            content::sort_section(site, section);
        }
        edits.neighbours = listed
            .iter()
            .zip(before)
            .filter(|(&p, before)| *before != (site.pages[p].lower, site.pages[p].higher))
            .map(|(&p, _)| p)
            .collect();
        // Only the sections whose order did change: a title edit sorts again, and in a section sorted by weight
        // the order, and so every sidebar window and pager of the section, stays as it was.
        edits.resorted = resort
            .into_iter()
            .zip(orders_before)
            .filter(|(section, before)| site.sections[*section].pages != *before)
            .map(|(section, _)| section)
            .collect();
    }
    timer.lap("update: sections sorted");
    if !retagged.is_empty() {
        edits.old_taxonomies = Some(site.taxonomies.clone());
        content::update_taxonomies(site, &retagged);
    }
    timer.lap("update: taxonomies");
    // Links are checked whole: an edit can break (or mend) an anchor another page points at.
    problems.stages.links.clear();
    edits.old_relations = std::mem::replace(relations, links::check_links(site, config, &mut problems.stages.links));
    timer.lap("update: links checked");
    Ok(edits)
}

/// Reads one `_index.md` again; `None` when it cannot be read (the old section stays).
fn edit_section(
    root: &Path,
    config: &Config,
    templates: &Templates,
    calls: &ContentCalls<'_>,
    site: &mut Site,
    problems: &mut Problems,
    path: &str,
) -> Result<Option<SectionId>, FullRebuild> {
    let Some(Target::Section(id)) = site.lookup(path) else {
        return Err(FullRebuild(format!("content/{path} is a new section")));
    };
    // The content root exists without `_index.md`; one that appears changes its defaults.
    if !root.join("content").join(path).is_file() || site.sections[id].doc.text.is_empty() {
        return Err(FullRebuild(format!("content/{path} was added or removed")));
    }
    let mut read = Vec::new();
    let section = content::read_section(root, config, path, &mut read);
    let file = site.sections[id].doc.file.clone();
    problems.stages.content.retain(|d| d.at.file != file);
    problems.stages.content.extend(read);
    let Some(mut section) = section else {
        return Ok(None);
    };
    let (old, new) = (&site.sections[id].doc.front_matter, &section.doc.front_matter);
    let same_shape = old.sort_by == new.sort_by
        && old.transparent == new.transparent
        && old.render == new.render
        && old.template == new.template
        && old.page_template == new.page_template
        && old.paginate_by == new.paginate_by
        && old.aliases == new.aliases
        && old.weight == new.weight
        && old.in_search_index == new.in_search_index
        // Its pages' bodies hold their heading anchors.
        && old.insert_anchor_links == new.insert_anchor_links
        && old.redirect_to == new.redirect_to;
    if !same_shape {
        return Err(FullRebuild(format!("{} changed how its section is built", file.display())));
    }
    let old = &site.sections[id];
    section.parent = old.parent;
    section.pages = old.pages.clone();
    section.subsections = old.subsections.clone();
    section.doc.assets = old.doc.assets.clone();
    site.sections[id] = section;
    let (rendered, call_problems) = render_edited_body(site, config, templates, calls, Target::Section(id))?;
    site.sections[id].doc.rendered = rendered;
    problems.stages.content.extend(call_problems);
    problems.stages.content.extend(content::section_problems(site, id));
    Ok(Some(id))
}

/// The body of an edited page or section, and the problems of its calls. A body with calls to anything but the
/// built-in `include` asks for a full rebuild: shortcodes render with the templates and the whole site.
fn render_edited_body(
    site: &Site,
    config: &Config,
    templates: &Templates,
    calls: &ContentCalls<'_>,
    target: Target,
) -> Result<(crate::markdown::Rendered, Vec<crate::error::Diagnostic>), FullRebuild> {
    let document = site.document(target);
    if !crate::shortcodes::may_hold_calls(document.body()) {
        return Ok((crate::pipeline::render_body(site, config, templates, target), Vec::new()));
    }
    crate::pipeline::render_body_with_includes(site, config, templates, calls, target)
        .ok_or_else(|| FullRebuild(format!("{} may call shortcodes", document.file.display())))
}
