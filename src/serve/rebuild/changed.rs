//! From what edits changed in the model to which template views changed: the page summaries, section views
//! and terms are made again by the same functions as a build, only for the pages and sections an edit can reach,
//! and compared with the old ones. A render whose recorded `Dep`s include a changed view is stale.

use super::edit::Edits;
use super::template_graph::Reach;
use crate::config::Config;
use crate::content::{PageId, Site, Target, Taxonomy};
use crate::links::Relations;
use crate::render::deps::Dep;
use crate::render::views::{page_summary, same_value, section_metadata, section_value, Views};
use crate::render::Output;
use std::collections::HashSet;

/// The views that changed, by id; indexed like the site's pages, sections and taxonomies.
#[derive(Debug, Default)]
pub struct Changed {
    /// The full page value (summary, content, toc, neighbours).
    pub pages: Vec<bool>,
    /// A page's summary, as lists of pages hold it.
    pub summaries: Vec<bool>,
    /// A page's title.
    pub titles: Vec<bool>,
    pub section_metadata: Vec<bool>,
    /// A section's title.
    pub section_titles: Vec<bool>,
    pub sections: Vec<bool>,
    /// A section without its pages, or the order of its pages (what a paginated section's pagers read).
    pub sections_paged: Vec<bool>,
    /// The order of a section's children in the sidebar.
    pub nav_orders: Vec<bool>,
    /// Any term of the taxonomy, or which terms it has.
    pub taxonomies: Vec<bool>,
    pub term_urls: Vec<bool>,
    /// By taxonomy, then by term index (of the terms as they are now).
    pub terms: Vec<Vec<bool>>,
    /// Templates edited.
    pub templates: Option<Reach>,
    /// Outputs must be planned again: terms or templates came or went.
    pub replan: bool,
}

impl Changed {
    pub fn new(site: &Site) -> Changed {
        Changed {
            pages: vec![false; site.pages.len()],
            summaries: vec![false; site.pages.len()],
            titles: vec![false; site.pages.len()],
            section_metadata: vec![false; site.sections.len()],
            section_titles: vec![false; site.sections.len()],
            sections: vec![false; site.sections.len()],
            sections_paged: vec![false; site.sections.len()],
            nav_orders: vec![false; site.sections.len()],
            taxonomies: vec![false; site.taxonomies.len()],
            term_urls: vec![false; site.taxonomies.len()],
            terms: site.taxonomies.iter().map(|t| vec![false; t.terms.len()]).collect(),
            templates: None,
            replan: false,
        }
    }

    /// Whether a render of `output` with `template` that read `deps` may now come out differently.
    pub fn reaches(&self, output: &Output, template: Option<&str>, deps: &[Dep]) -> bool {
        let template_reached = match (&self.templates, template) {
            (Some(Reach::Everything), _) => true,
            (Some(Reach::Templates(names)), Some(template)) => names.contains(template),
            _ => false,
        };
        let term_reached = match output {
            Output::Term(t, term) | Output::TermPager(t, term, _) => {
                self.terms.get(*t).and_then(|terms| terms.get(*term)).is_none_or(|&c| c)
            }
            _ => false,
        };
        template_reached || term_reached || deps.iter().any(|dep| self.has(*dep))
    }

    fn has(&self, dep: Dep) -> bool {
        let flag = |list: &[bool], i: usize| list.get(i).is_none_or(|&c| c);
        match dep {
            Dep::Page(id) => flag(&self.pages, id),
            Dep::SectionMetadata(id) => flag(&self.section_metadata, id),
            Dep::SectionTitle(id) => flag(&self.section_titles, id),
            Dep::Section(id) => flag(&self.sections, id),
            Dep::SectionPaged(id) => flag(&self.sections_paged, id),
            Dep::PageSummary(id) => flag(&self.summaries, id),
            Dep::PageTitle(id) => flag(&self.titles, id),
            Dep::NavOrder(id) => flag(&self.nav_orders, id),
            Dep::Taxonomy(t) => flag(&self.taxonomies, t),
            Dep::TermUrls(t) => flag(&self.term_urls, t),
        }
    }
}

/// Makes again the views `edits` can have changed, stores them in `views`, and says which changed.
pub fn refresh_views(site: &Site, config: &Config, relations: &Relations, views: &mut Views, edits: &Edits) -> Changed {
    let mut changed = Changed::new(site);
    let edited: HashSet<Target> = edits
        .pages
        .iter()
        .map(|&p| Target::Page(p))
        .chain(edits.sections.iter().map(|&s| Target::Section(s)))
        .collect();
    // Summaries hold related and backlinks, with the title and description of each page they name.
    let mut reached = edited.clone();
    for (old, new) in
        [(&edits.old_relations.related, &relations.related), (&edits.old_relations.backlinks, &relations.backlinks)]
    {
        for (target, list) in old.iter().chain(new.iter()) {
            if old.get(target) != new.get(target) || list.iter().any(|t| edited.contains(t)) {
                reached.insert(*target);
            }
        }
    }
    let mut summaries = vec![false; site.pages.len()];
    for target in reached {
        match target {
            Target::Page(id) => {
                let summary = page_summary(site, config, relations, id);
                let old = views.page_summary(id);
                if !same_value(&summary, old) {
                    changed.titles[id] = summary.get_from_path("title") != old.get_from_path("title");
                    views.set_page_summary(id, summary);
                    summaries[id] = true;
                }
            }
            Target::Section(id) => {
                let metadata = section_metadata(site, config, relations, id);
                let old = views.section_metadata(id);
                if !same_value(&metadata, old) {
                    changed.section_titles[id] = metadata.get_from_path("title") != old.get_from_path("title");
                    views.set_section_metadata(id, metadata);
                    changed.section_metadata[id] = true;
                }
            }
        }
    }
    let summary_changed = |id: Option<PageId>| id.is_some_and(|id| summaries[id]);
    for (id, page) in site.pages.iter().enumerate() {
        changed.pages[id] = summaries[id] || summary_changed(page.lower) || summary_changed(page.higher);
    }
    for &id in edits.pages.iter().chain(&edits.neighbours) {
        changed.pages[id] = true;
    }
    // The sidebar places subsections among pages by weight: a weight edit can move them without reordering pages.
    let navigation = views.navigation().reordered(site);
    for (id, order) in changed.nav_orders.iter_mut().enumerate() {
        *order = navigation.orders_differ(views.navigation(), id);
    }
    views.set_navigation(navigation);
    for (id, section) in site.sections.iter().enumerate() {
        let resorted = edits.resorted.contains(&id);
        changed.sections_paged[id] = changed.section_metadata[id] || resorted || edits.sections.contains(&id);
        let stale = changed.sections_paged[id] || section.pages.iter().any(|&p| summaries[p]);
        if stale {
            let section = section_value(site, views, id);
            views.set_section(id, section);
            changed.sections[id] = true;
        }
    }
    compare_terms(site, edits.old_taxonomies.as_deref(), &summaries, &mut changed);
    changed.summaries = summaries;
    changed
}

/// Terms whose pages (or their summaries) changed; taxonomies whose terms came or went.
fn compare_terms(site: &Site, old: Option<&[Taxonomy]>, summaries: &[bool], changed: &mut Changed) {
    for (t, taxonomy) in site.taxonomies.iter().enumerate() {
        let before = old.and_then(|old| old.get(t));
        let same_terms = before.is_none_or(|before| {
            before.terms.len() == taxonomy.terms.len()
                && before.terms.iter().zip(&taxonomy.terms).all(|(a, b)| a.slug == b.slug)
        });
        if !same_terms {
            changed.term_urls[t] = true;
            changed.taxonomies[t] = true;
            changed.replan = true;
        }
        for (i, term) in taxonomy.terms.iter().enumerate() {
            let was = before.and_then(|before| before.terms.get(i));
            let differs = match was {
                Some(was) if same_terms => was.name != term.name || was.pages != term.pages,
                _ => before.is_some(),
            };
            // A term's pager count follows its page count (the built-in theme paginates long terms).
            if was.is_some_and(|was| was.pages.len() != term.pages.len()) {
                changed.replan = true;
            }
            if differs || term.pages.iter().any(|&p| summaries[p]) {
                changed.terms[t][i] = true;
                changed.taxonomies[t] = true;
            }
        }
    }
}
