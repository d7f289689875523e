//! Taxonomies (tags, themes...) declared in config.toml, with the terms pages use and the pages of each term.
//! A page that uses an undeclared taxonomy is an error naming the file, the line and the config to add.

use super::{PageId, Site};
use crate::config::Config;
use crate::content::slug::slugify_path;
use crate::error::{Diagnostic, Location};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    /// The language of its pages when not the default one (Zola's `[languages.LANG] taxonomies`).
    pub lang: Option<String>,
    /// `/tags/` (`/fr/tags/` in French).
    pub path: String,
    /// Sorted by name.
    pub terms: Vec<Term>,
    /// config.toml's `paginate_by` for this taxonomy: each term's pages in pagers of this many.
    pub paginate_by: Option<usize>,
    /// config.toml's `feed`: each term has its Atom feed (`/tags/rust/atom.xml`), as in Zola.
    pub feed: bool,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    /// `/tags/rust/`.
    pub path: String,
    /// Newest first, then by title.
    pub pages: Vec<PageId>,
}

/// Every declared taxonomy with its terms: the default language's, then each other language's, each over the
/// pages of its language.
pub(super) fn collect(site: &Site, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Vec<Taxonomy> {
    let mut taxonomies = collect_language(site, config, None, diagnostics);
    for lang in config.languages.keys() {
        taxonomies.extend(collect_language(site, config, Some(lang), diagnostics));
    }
    taxonomies
}

fn collect_language(
    site: &Site,
    config: &Config,
    lang: Option<&str>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Taxonomy> {
    let declared = config.taxonomies_of(lang);
    let mut terms: BTreeMap<&str, BTreeMap<String, (String, Vec<PageId>)>> =
        declared.iter().map(|t| (t.name.as_str(), BTreeMap::new())).collect();
    // Pages share their terms: each is slugified once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    for (id, page) in site.pages.iter().enumerate().filter(|(_, page)| page.doc.lang.as_deref() == lang) {
        for (name, values) in &page.doc.front_matter.taxonomies {
            let Some(taxonomy) = terms.get_mut(name.as_str()) else {
                let line = page.doc.front_matter.key_lines.get("taxonomies").copied().unwrap_or(0);
                diagnostics.push(
                    Diagnostic::error(
                        Location::new(&page.doc.file, line, 1),
                        "front matter",
                        format!("taxonomy `{name}` is not declared in config.toml{}", in_language(lang)),
                    )
                    .with_help(match lang {
                        None => format!("add `{{ name = \"{name}\" }}` to `taxonomies` in config.toml"),
                        Some(lang) => format!("add `{{ name = \"{name}\" }}` to `taxonomies` of `[languages.{lang}]`"),
                    }),
                );
                continue;
            };
            for value in values {
                let slug = slugs.entry(value).or_insert_with(|| slugify_path(value, config.slugify.taxonomies));
                let entry = taxonomy.entry(slug.clone()).or_insert_with(|| (value.clone(), Vec::new()));
                // Pages come in id order, so a page naming a term twice is the list's last one.
                if entry.1.last() != Some(&id) {
                    entry.1.push(id);
                }
            }
        }
    }
    let prefix = Config::language_prefix(lang);
    declared
        .iter()
        .map(|t| {
            let taxonomy_slug = format!("{prefix}/{}", slugify_path(&t.name, config.slugify.taxonomies));
            let mut list: Vec<Term> = terms
                .remove(t.name.as_str())
                .unwrap_or_default()
                .into_iter()
                .map(|(slug, (name, pages))| Term { path: format!("{taxonomy_slug}/{slug}/"), name, slug, pages })
                .collect();
            // Terms are sorted on their own, and a site's pages share a few terms: thousands of pages each.
            list.par_iter_mut().for_each(|term| sort_term_pages(site, &mut term.pages));
            sort_terms(&mut list);
            Taxonomy {
                name: t.name.clone(),
                lang: lang.map(str::to_string),
                path: format!("{taxonomy_slug}/"),
                terms: list,
                paginate_by: t.paginate_by,
                feed: t.feed,
            }
        })
        .collect()
}

/// ` for `fr`` in a message about a language's taxonomies.
fn in_language(lang: Option<&str>) -> String {
    lang.map(|lang| format!(" for `{lang}`")).unwrap_or_default()
}

/// A term's pages, newest first, then by title, then in the order pages are read.
pub(super) fn sort_term_pages(site: &Site, pages: &mut [PageId]) {
    pages.sort_by(|&a, &b| {
        let (page_a, page_b) = (&site.pages[a], &site.pages[b]);
        page_b
            .doc
            .front_matter
            .date
            .cmp(&page_a.doc.front_matter.date)
            .then_with(|| super::natural_cmp(&page_a.doc.title, &page_b.doc.title))
            .then(a.cmp(&b))
    });
}

/// Terms by name, then by slug.
pub(super) fn sort_terms(terms: &mut [Term]) {
    terms.sort_by(|a, b| super::natural_cmp(&a.name, &b.name).then_with(|| a.slug.cmp(&b.slug)));
}
