//! What templates see of the model, under Zola's names: page and section views serialized once
//! per build, so that listing a section in 10,000 sidebars lends the same values instead of rebuilding them.

use crate::config::Config;
use crate::content::{Page, Section, Site, Target};
use crate::links::Relations;
use crate::markdown::Heading;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Every view a build needs, computed once and shared by all renders.
pub struct Views {
    /// Page fields without `content`, `toc`, `lower`, `higher`: what lists of pages hold.
    pub page_summaries: Vec<Value>,
    /// Section fields without `content`, `pages`: what `get_section(metadata_only=true)` returns.
    pub section_metadata: Vec<Value>,
    /// Section with content and its pages: what `get_section` and section templates see.
    pub sections: Vec<Value>,
}

#[derive(Serialize)]
struct PageSummary<'a> {
    title: &'a str,
    description: Option<&'a str>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    year: Option<i32>,
    weight: Option<i64>,
    draft: bool,
    slug: &'a str,
    path: &'a str,
    permalink: String,
    relative_path: &'a str,
    components: Vec<&'a str>,
    summary: Option<&'a str>,
    word_count: usize,
    reading_time: usize,
    taxonomies: &'a BTreeMap<String, Vec<String>>,
    extra: &'a Map<String, Value>,
    ancestors: Vec<&'a str>,
    assets: Vec<String>,
    related: Vec<LinkView<'a>>,
    backlinks: Vec<LinkView<'a>>,
    lang: &'a str,
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
    extra: &'a Map<String, Value>,
    ancestors: Vec<&'a str>,
    subsections: Vec<&'a str>,
    assets: Vec<String>,
    related: Vec<LinkView<'a>>,
    backlinks: Vec<LinkView<'a>>,
    page_count: usize,
    lang: &'a str,
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

pub fn build_views(site: &Site, config: &Config, relations: &Relations) -> Views {
    use rayon::prelude::*;
    let page_summaries: Vec<Value> =
        site.pages.par_iter().enumerate().map(|(id, page)| page_summary(site, config, relations, id, page)).collect();
    let section_metadata: Vec<Value> = site
        .sections
        .iter()
        .enumerate()
        .map(|(id, section)| section_metadata(site, config, relations, id, section))
        .collect();
    let sections = site
        .sections
        .iter()
        .zip(&section_metadata)
        .map(|(section, metadata)| {
            let mut value = metadata.clone();
            if let Value::Object(map) = &mut value {
                map.insert("content".into(), Value::String(section.rendered.html.clone()));
                map.insert("toc".into(), toc_value(&section.rendered.toc));
                map.insert(
                    "pages".into(),
                    Value::Array(section.pages.iter().map(|&id| page_summaries[id].clone()).collect()),
                );
            }
            value
        })
        .collect();
    Views { page_summaries, section_metadata, sections }
}

/// The full `page` of a page template: the summary plus content, toc and neighbours.
pub fn page_value(site: &Site, views: &Views, id: usize) -> Value {
    let page = &site.pages[id];
    let mut value = views.page_summaries[id].clone();
    if let Value::Object(map) = &mut value {
        map.insert("content".into(), Value::String(page.rendered.html.clone()));
        map.insert("toc".into(), toc_value(&page.rendered.toc));
        map.insert("lower".into(), page.lower.map_or(Value::Null, |p| views.page_summaries[p].clone()));
        map.insert("higher".into(), page.higher.map_or(Value::Null, |p| views.page_summaries[p].clone()));
    }
    value
}

fn page_summary(site: &Site, config: &Config, relations: &Relations, id: usize, page: &Page) -> Value {
    let fm = &page.front_matter;
    let target = Target::Page(id);
    let view = PageSummary {
        title: &page.title,
        description: fm.description.as_deref(),
        date: fm.date.as_deref(),
        updated: fm.updated.as_deref(),
        year: fm.date.as_deref().and_then(|d| d.get(..4)).and_then(|y| y.parse().ok()),
        weight: fm.weight,
        draft: fm.draft,
        slug: &page.slug,
        path: &page.path,
        permalink: config.permalink(&page.path),
        relative_path: &page.relative_path,
        components: components(&page.path),
        summary: page.rendered.summary.as_deref(),
        word_count: page.rendered.word_count,
        reading_time: reading_time(page.rendered.word_count),
        taxonomies: &fm.taxonomies,
        extra: &fm.extra,
        ancestors: site.ancestors(page.section).into_iter().map(|s| site.sections[s].relative_path.as_str()).collect(),
        assets: page.assets.iter().map(|a| asset_name(a)).collect(),
        related: link_views(site, config, relations.related.get(&target)),
        backlinks: link_views(site, config, relations.backlinks.get(&target)),
        lang: &config.default_language,
    };
    serde_json::to_value(view).unwrap_or(Value::Null)
}

fn section_metadata(site: &Site, config: &Config, relations: &Relations, id: usize, section: &Section) -> Value {
    let fm = &section.front_matter;
    let target = Target::Section(id);
    let mut ancestors: Vec<&str> =
        site.ancestors(id).into_iter().map(|s| site.sections[s].relative_path.as_str()).collect();
    ancestors.pop(); // a section is not its own ancestor
    let view = SectionMetadata {
        title: &section.title,
        description: fm.description.as_deref(),
        weight: fm.weight,
        path: &section.path,
        permalink: config.permalink(&section.path),
        relative_path: &section.relative_path,
        components: components(&section.path),
        word_count: section.rendered.word_count,
        reading_time: reading_time(section.rendered.word_count),
        extra: &fm.extra,
        ancestors,
        subsections: section.subsections.iter().map(|&s| site.sections[s].relative_path.as_str()).collect(),
        assets: section.assets.iter().map(|a| asset_name(a)).collect(),
        related: link_views(site, config, relations.related.get(&target)),
        backlinks: link_views(site, config, relations.backlinks.get(&target)),
        page_count: section.pages.len(),
        lang: &config.default_language,
    };
    serde_json::to_value(view).unwrap_or(Value::Null)
}

fn link_views<'a>(site: &'a Site, config: &Config, targets: Option<&Vec<Target>>) -> Vec<LinkView<'a>> {
    targets.map_or_else(Vec::new, |targets| targets.iter().map(|&t| link_view(site, config, t)).collect())
}

pub fn link_view<'a>(site: &'a Site, config: &Config, target: Target) -> LinkView<'a> {
    let (description, relative_path) = match target {
        Target::Page(id) => (site.pages[id].front_matter.description.as_deref(), site.pages[id].relative_path.as_str()),
        Target::Section(id) => {
            (site.sections[id].front_matter.description.as_deref(), site.sections[id].relative_path.as_str())
        }
    };
    LinkView {
        title: site.target_title(target),
        description,
        path: site.target_path(target),
        permalink: config.permalink(site.target_path(target)),
        relative_path,
    }
}

pub fn toc_value(toc: &[Heading]) -> Value {
    serde_json::to_value(toc).unwrap_or(Value::Array(Vec::new()))
}

fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

fn asset_name(asset: &std::path::Path) -> String {
    asset.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Minutes at 200 words a minute, rounded up, as Zola counts.
pub fn reading_time(word_count: usize) -> usize {
    word_count.div_ceil(200)
}
