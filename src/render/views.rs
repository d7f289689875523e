//! What templates see of the model, under Zola's names: page and section views serialized once
//! per build; Tera 2 values share their maps and lists, so 10,000 sidebars lend one section view.

use super::nav::Navigation;
use crate::config::Config;
use crate::content::{Site, Target};
use crate::git::FileHistory;
use crate::links::Relations;
use crate::markdown::Heading;
use serde::Serialize;
use serde_json::Map;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use tera::Value;

/// Every view a build needs, each made once and shared by all renders. A one-pass build makes them when first
/// asked for: pages render section by section while each page's HTML is freed (`PageBodies`), so the summaries
/// grow as the HTML shrinks instead of both being held at once (10k pages: 32 MB of summaries).
#[derive(Clone)]
pub struct Views {
    /// Page fields without `toc`, `lower`, `higher` (and `content` unless `Config::lists_carry_content`): what
    /// lists of pages hold.
    page_summaries: Vec<OnceLock<Value>>,
    /// Section fields without `content`, `pages`: what `get_section(metadata_only=true)` returns.
    section_metadata: Vec<Value>,
    /// Section with content and its pages: what `get_section` and section templates see.
    sections: Vec<OnceLock<Value>>,
    /// The sidebar's view of the site's shape; shared, since `serve` clones `Views` to edit it.
    navigation: Arc<Navigation>,
    /// What views not yet made are made from; `None` once every view is made (`serve` updates them in place).
    model: Option<Model>,
}

/// The model a view is made from.
#[derive(Clone)]
pub struct Model {
    pub site: Arc<Site>,
    pub config: Arc<Config>,
    pub relations: Arc<Relations>,
}

impl Views {
    /// Views made when first asked for, from `model`.
    pub fn lazy(model: Model) -> Views {
        let section_metadata = (0..model.site.sections.len())
            .map(|id| section_metadata(&model.site, &model.config, &model.relations, id))
            .collect();
        Views {
            page_summaries: (0..model.site.pages.len()).map(|_| OnceLock::new()).collect(),
            section_metadata,
            sections: (0..model.site.sections.len()).map(|_| OnceLock::new()).collect(),
            navigation: Arc::new(Navigation::new(&model.site)),
            model: Some(model),
        }
    }

    /// Every view made now, holding no reference to the model, which `serve` goes on editing.
    pub fn made_now(site: &Site, config: &Config, relations: &Relations) -> Views {
        use rayon::prelude::*;
        // Each view is made by the same functions `serve` calls for the few an edit changes.
        let page_summaries: Vec<Value> =
            (0..site.pages.len()).into_par_iter().map(|id| page_summary(site, config, relations, id)).collect();
        let mut views = Views {
            page_summaries: page_summaries.into_iter().map(OnceLock::from).collect(),
            section_metadata: (0..site.sections.len())
                .map(|id| section_metadata(site, config, relations, id))
                .collect(),
            sections: Vec::new(),
            navigation: Arc::new(Navigation::new(site)),
            model: None,
        };
        views.sections = (0..site.sections.len()).map(|id| OnceLock::from(section_value(site, &views, id))).collect();
        views
    }

    pub fn page_summary(&self, id: usize) -> &Value {
        self.page_summaries[id].get_or_init(|| match &self.model {
            Some(m) => page_summary(&m.site, &m.config, &m.relations, id),
            None => Value::none(), // `made_now` made them all
        })
    }

    pub fn section_metadata(&self, id: usize) -> &Value {
        &self.section_metadata[id]
    }

    pub fn section(&self, id: usize) -> &Value {
        self.sections[id].get_or_init(|| match &self.model {
            Some(m) => section_value(&m.site, self, id),
            None => Value::none(),
        })
    }

    pub fn navigation(&self) -> &Navigation {
        &self.navigation
    }

    pub fn set_navigation(&mut self, navigation: Navigation) {
        self.navigation = Arc::new(navigation);
    }

    pub fn set_page_summary(&mut self, id: usize, summary: Value) {
        self.page_summaries[id] = OnceLock::from(summary);
    }

    pub fn set_section_metadata(&mut self, id: usize, metadata: Value) {
        self.section_metadata[id] = metadata;
    }

    pub fn set_section(&mut self, id: usize, section: Value) {
        self.sections[id] = OnceLock::from(section);
    }
}

#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    year: Option<i32>,
    month: Option<u32>,
    day: Option<u32>,
    weight: Option<i64>,
    draft: bool,
    slug: &'a str,
    /// Zola's: a page bundle's folder under content/ (`blog/trip/`), where its own files are; none otherwise.
    colocated_path: Option<String>,
    authors: &'a [String],
    path: &'a str,
    permalink: String,
    relative_path: &'a str,
    components: Vec<&'a str>,
    summary: Option<&'a str>,
    word_count: usize,
    reading_time: usize,
    taxonomies: &'a BTreeMap<String, Vec<String>>,
    extra: &'a Map<String, serde_json::Value>,
    ancestors: Vec<&'a str>,
    assets: Vec<String>,
    related: Vec<LinkView<'a>>,
    backlinks: Vec<LinkView<'a>>,
    lang: &'a str,
    /// Every language's version of the page, this one included, in a site with `[languages]`.
    translations: Vec<TranslationView<'a>>,
    /// The page's HTML, only when a template may read it from a list (`Config::lists_carry_content`), as
    /// Zola's lists carry it; the page's own `content` is then this same string, not a copy.
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    // Quire's own `git`, `edit_url` and `markdown_url` are on the page being rendered only (`page_value`), not
    // on each page in every list: a summary is a hash map, and tera's table for up to 28 keys is half the size
    // of the next one (2 KB against 4 KB a page). With them, 30 keys cost 25 MiB more peak memory at 10k pages.
}

#[derive(Serialize)]
struct SectionMetadata<'a> {
    title: &'a str,
    description: Option<&'a str>,
    weight: Option<i64>,
    path: &'a str,
    permalink: String,
    relative_path: &'a str,
    components: Vec<&'a str>,
    word_count: usize,
    reading_time: usize,
    extra: &'a Map<String, serde_json::Value>,
    ancestors: Vec<&'a str>,
    subsections: Vec<&'a str>,
    assets: Vec<String>,
    related: Vec<LinkView<'a>>,
    backlinks: Vec<LinkView<'a>>,
    page_count: usize,
    lang: &'a str,
    translations: Vec<TranslationView<'a>>,
    git: Option<&'a FileHistory>,
    edit_url: Option<String>,
    markdown_url: Option<String>,
}

/// One language's version of a page or section (Zola's `TranslatedContent`).
#[derive(Serialize)]
struct TranslationView<'a> {
    lang: &'a str,
    permalink: String,
    title: &'a str,
    /// The file, relative to content/.
    path: &'a str,
}

/// A page or section named by a relation or a backlink.
#[derive(Serialize)]
pub struct LinkView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub path: &'a str,
    pub permalink: String,
    pub relative_path: &'a str,
}

/// The full section: its metadata plus content, toc and the summaries of its pages, in order.
pub fn section_value(site: &Site, views: &Views, id: usize) -> Value {
    let pages: Vec<Value> = site.sections[id].pages.iter().map(|&page| views.page_summary(page).clone()).collect();
    section_with_pages(site, views, id, pages)
}

/// A paginated section's `section`: as `section_value` but its pages are left out (they are in `paginator.pages`),
/// as in Zola.
pub fn section_without_pages(site: &Site, views: &Views, id: usize) -> Value {
    section_with_pages(site, views, id, Vec::new())
}

fn section_with_pages(site: &Site, views: &Views, id: usize, pages: Vec<Value>) -> Value {
    let section = &site.sections[id];
    extend(
        views.section_metadata(id),
        [
            ("content", Value::from(section.doc.rendered.html.as_str())),
            ("toc", toc_value(&section.doc.rendered.toc)),
            ("pages", Value::from(pages)),
        ],
    )
}

/// The full `page` of a page template: the summary plus content, toc and neighbours.
pub fn page_value(site: &Site, config: &Config, views: &Views, id: usize) -> Value {
    let rendered = &site.pages[id].doc.rendered;
    // A summary that carries the HTML lends its string (shared, not copied).
    let content = match views.page_summary(id).get_from_path("content") {
        Some(content) => content.clone(),
        None => Value::from(rendered.html.as_str()),
    };
    page_value_with_body(site, config, views, id, content, &rendered.toc)
}

/// `page_value` with the page's HTML and table of contents given: what a one-pass build handed over
/// (`PageBodies`).
pub fn page_value_with_body(
    site: &Site,
    config: &Config,
    views: &Views,
    id: usize,
    content: Value,
    toc: &[Heading],
) -> Value {
    let page = &site.pages[id];
    let target = Target::Page(id);
    let neighbour = |other: Option<usize>| other.map_or(Value::none(), |p| views.page_summary(p).clone());
    extend(
        views.page_summary(id),
        [
            ("content", content),
            ("toc", toc_value(toc)),
            ("lower", neighbour(page.lower)),
            ("higher", neighbour(page.higher)),
            // The file's last and first commits (`git_dates = true`).
            ("git", Value::from_serializable(&site.history(target))),
            ("edit_url", Value::from_serializable(&config.edit_url_of(&page.doc.relative_path))),
            // The page's Markdown twin (`markdown_twins = true`).
            ("markdown_url", Value::from_serializable(&markdown_url(site, config, target))),
        ],
    )
}

/// A copy of the map `base` with more keys; the values are shared, not copied.
pub fn extend<const N: usize>(base: &Value, more: [(&'static str, Value); N]) -> Value {
    let mut map = base.as_map().cloned().unwrap_or_default();
    for (key, value) in more {
        map.insert(key.into(), value);
    }
    Value::from(map)
}

/// What lists of pages hold for page `id`: every field but toc and neighbours, and content only when
/// `Config::lists_carry_content`.
pub fn page_summary(site: &Site, config: &Config, relations: &Relations, id: usize) -> Value {
    let page = &site.pages[id];
    let fm = &page.doc.front_matter;
    let target = Target::Page(id);
    let view = PageSummary {
        title: &page.doc.title,
        description: fm.description.as_deref(),
        date: fm.date.as_deref(),
        updated: site.page_updated(id),
        year: fm.date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()),
        month: fm.date.as_deref().and_then(|d| d.get(5..7)).and_then(|m| m.parse().ok()),
        day: fm.date.as_deref().and_then(|d| d.get(8..10)).and_then(|d| d.parse().ok()),
        weight: fm.weight,
        draft: fm.draft,
        slug: &page.slug,
        colocated_path: crate::content::colocated_path(&page.doc.relative_path, page.doc.lang.as_deref()),
        authors: &fm.authors,
        path: &page.doc.path,
        permalink: config.permalink(&page.doc.path),
        relative_path: &page.doc.relative_path,
        components: components(&page.doc.path),
        summary: page.doc.rendered.summary.as_deref(),
        word_count: page.doc.rendered.word_count,
        reading_time: reading_time(page.doc.rendered.word_count),
        taxonomies: &fm.taxonomies,
        extra: &fm.extra,
        ancestors: site
            .ancestors(page.section)
            .into_iter()
            .map(|s| site.sections[s].doc.relative_path.as_str())
            .collect(),
        // Zola's form, which `resize_image(path=asset)` and `get_url(path=asset)` take: relative to content/.
        assets: page.doc.assets.iter().map(|a| crate::content::slash_path(a)).collect(),
        related: link_views(site, config, relations.related.get(&target)),
        backlinks: link_views(site, config, relations.backlinks.get(&target)),
        lang: page.doc.lang.as_deref().unwrap_or(&config.default_language),
        translations: translations(site, config, target),
        content: config.lists_carry_content.then_some(page.doc.rendered.html.as_str()),
    };
    Value::from_serializable(&view)
}

/// Section `id` without content and pages: what `get_section(metadata_only=true)` returns.
pub fn section_metadata(site: &Site, config: &Config, relations: &Relations, id: usize) -> Value {
    let section = &site.sections[id];
    let fm = &section.doc.front_matter;
    let target = Target::Section(id);
    let mut ancestors: Vec<&str> =
        site.ancestors(id).into_iter().map(|s| site.sections[s].doc.relative_path.as_str()).collect();
    ancestors.pop(); // a section is not its own ancestor
    let view = SectionMetadata {
        title: &section.doc.title,
        description: fm.description.as_deref(),
        weight: fm.weight,
        path: &section.doc.path,
        permalink: config.permalink(&section.doc.path),
        relative_path: &section.doc.relative_path,
        components: components(&section.doc.path),
        word_count: section.doc.rendered.word_count,
        reading_time: reading_time(section.doc.rendered.word_count),
        extra: &fm.extra,
        ancestors,
        subsections: section.subsections.iter().map(|&s| site.sections[s].doc.relative_path.as_str()).collect(),
        // Zola's form for a section's: its path, then the file's place in its folder.
        assets: section
            .doc
            .assets
            .iter()
            .map(|a| format!("{}{}", section.doc.path, section.doc.relative_path.asset_path(a)))
            .collect(),
        related: link_views(site, config, relations.related.get(&target)),
        backlinks: link_views(site, config, relations.backlinks.get(&target)),
        page_count: section.pages.len(),
        lang: section.doc.lang.as_deref().unwrap_or(&config.default_language),
        translations: translations(site, config, target),
        git: site.history(target),
        edit_url: config.edit_url_of(&section.doc.relative_path),
        markdown_url: markdown_url(site, config, target),
    };
    Value::from_serializable(&view)
}

/// The versions of `target` in every language, the default first: none in a site of one language, as in Zola.
fn translations<'a>(site: &'a Site, config: &'a Config, target: Target) -> Vec<TranslationView<'a>> {
    if config.languages.is_empty() {
        return Vec::new();
    }
    let doc = site.document(target);
    let canonical = crate::content::canonical_path(&doc.relative_path, doc.lang.as_deref());
    let languages = std::iter::once(None).chain(config.languages.keys().map(|lang| Some(lang.as_str())));
    languages
        .filter_map(|lang| site.lookup_in(&canonical, lang))
        .map(|version| {
            let doc = site.document(version);
            TranslationView {
                lang: doc.lang.as_deref().unwrap_or(&config.default_language),
                permalink: config.permalink(&doc.path),
                title: &doc.title,
                path: &doc.relative_path,
            }
        })
        .collect()
}

fn markdown_url(site: &Site, config: &Config, target: Target) -> Option<String> {
    let path = config.markdown_twins.then(|| crate::twins::twin_path(site, target)).flatten()?;
    Some(config.permalink(&path))
}

fn link_views<'a>(site: &'a Site, config: &Config, targets: Option<&Vec<Target>>) -> Vec<LinkView<'a>> {
    targets.map_or_else(Vec::new, |targets| targets.iter().map(|&t| link_view(site, config, t)).collect())
}

pub fn link_view<'a>(site: &'a Site, config: &Config, target: Target) -> LinkView<'a> {
    let doc = site.document(target);
    let (description, relative_path) = (doc.front_matter.description.as_deref(), doc.relative_path.as_str());
    LinkView {
        title: site.document(target).title.as_str(),
        description,
        path: site.document(target).path.as_str(),
        permalink: config.permalink(site.document(target).path.as_str()),
        relative_path,
    }
}

pub fn toc_value(toc: &[Heading]) -> Value {
    Value::from_serializable(toc)
}

fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

/// Minutes at 200 words a minute, rounded up, as Zola counts.
pub fn reading_time(word_count: usize) -> usize {
    word_count.div_ceil(200)
}

/// Whether two views would render alike: `==` on values also equates `1` with `1.0` and ignores
/// whether a string is marked safe, both of which change what a template prints.
pub fn same_value(a: &Value, b: &Value) -> bool {
    if a.kind() != b.kind() || a.is_safe() != b.is_safe() {
        return false;
    }
    match (a.as_map(), b.as_map(), a.as_array(), b.as_array()) {
        (Some(a), Some(b), _, _) => {
            a.len() == b.len() && a.iter().all(|(key, value)| b.get(key).is_some_and(|other| same_value(value, other)))
        }
        (_, _, Some(a), Some(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same_value(a, b)),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_value_tells_numbers_and_safe_strings_apart() {
        let map = |v: Value| Value::from(BTreeMap::from([("x", v)]));
        assert!(same_value(&map(Value::from(1)), &map(Value::from(1))));
        assert!(!same_value(&map(Value::from(1)), &map(Value::from(1.0))));
        assert!(!same_value(&Value::from("a"), &Value::safe_string("a")));
        assert!(!same_value(&Value::from(vec![Value::from(1)]), &Value::from(vec![Value::from(2)])));
        assert!(same_value(&Value::from(vec![Value::from("a")]), &Value::from(vec![Value::from("a")])));
    }
}
