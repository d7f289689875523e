//! The print view (`generate_print_page = true`): every section and page of the site in the sidebar's order,
//! one after the other at `/print/` (a section's alone at `/print/SECTION/`), each id made unique and each link
//! to a page of the view made an anchor.

use super::deps::{self, Dep};
use crate::config::Config;
use crate::content::{PageId, SectionId, Site, Target};
use std::collections::{HashMap, HashSet};

/// The address of the print page of the section at `section_path`: `/print/` for the home section's (the whole
/// site), `/print/guide/` for `/guide/`.
pub fn print_path(section_path: &str) -> String {
    format!("/print{section_path}")
}

/// Whether section `id` has a print page: the home section always, another when it is rendered (it has an
/// address for the print page to be under, and its page links to it).
pub fn has_print_page(site: &Site, id: SectionId) -> bool {
    id == 0 || site.sections[id].doc.front_matter.render
}

/// One page or section of the print view, as `print.html` sees it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PrintEntry {
    pub title: String,
    /// The id of the entry on the print page; its headings' ids are `ANCHOR--ID`.
    pub anchor: String,
    /// How deep in the site's sections: 0 for the home section and its pages.
    pub depth: usize,
    /// Its address on the site, for the printed reader.
    pub permalink: String,
    /// Its HTML, ids and links rewritten for the print page.
    pub content: String,
}

/// Section `root` and everything under it in the sidebar's order (each section, then its pages, then its
/// subsections), ready for `print.html`; a page's entry ends with what `after_content` gives for it.
pub fn print_entries(
    site: &Site,
    config: &Config,
    root: SectionId,
    after_content: &dyn Fn(PageId) -> Option<String>,
) -> Vec<PrintEntry> {
    let mut order = Vec::new();
    walk_section(site, root, 0, &mut order);
    let mut anchors = HashMap::new();
    let mut taken = HashSet::new();
    for &(target, _) in &order {
        let base = anchor_for(site.document(target).path.as_str());
        let mut anchor = base.clone();
        let mut n = 1;
        while !taken.insert(anchor.clone()) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        anchors.insert(site.document(target).path.as_str().to_string(), anchor);
    }
    order
        .into_iter()
        .map(|(target, depth)| {
            let path = site.document(target).path.as_str();
            let anchor = anchors[path].clone();
            let (title, html) = match target {
                Target::Page(id) => {
                    deps::record(Dep::Page(id));
                    let page = &site.pages[id];
                    let html = match after_content(id) {
                        Some(after) => std::borrow::Cow::Owned(format!("{}{after}", page.doc.rendered.html)),
                        None => std::borrow::Cow::Borrowed(page.doc.rendered.html.as_str()),
                    };
                    (page.doc.front_matter.title.clone(), html)
                }
                Target::Section(id) => {
                    deps::record(Dep::Section(id));
                    let section = &site.sections[id];
                    (
                        section.doc.front_matter.title.clone(),
                        std::borrow::Cow::Borrowed(section.doc.rendered.html.as_str()),
                    )
                }
            };
            let content = rewrite_links(&html, &anchor, &anchors, &config.base_url);
            PrintEntry { title: title.unwrap_or_default(), anchor, depth, permalink: config.permalink(path), content }
        })
        .collect()
}

fn walk_section(site: &Site, id: usize, depth: usize, order: &mut Vec<(Target, usize)>) {
    let section = &site.sections[id];
    deps::record(Dep::NavOrder(id));
    if section.doc.front_matter.render {
        order.push((Target::Section(id), depth));
    }
    // A section's pages sit under it in the contents, beside its subsections, not beside the section itself.
    order.extend(section.pages.iter().map(|&page| (Target::Page(page), depth + 1)));
    for &sub in &section.subsections {
        walk_section(site, sub, depth + 1, order);
    }
}

/// `/guide/intro/` → `p-guide-intro`; the home section is `p-home`.
fn anchor_for(path: &str) -> String {
    let slug: String = path
        .trim_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c.to_ascii_lowercase() } else { '-' })
        .collect();
    match slug.is_empty() {
        true => "p-home".into(),
        false => format!("p-{slug}"),
    }
}

/// `html` (Quire's own output, every attribute value in double quotes) with each `id` put under `anchor`, each
/// `#fragment` likewise, and each link to a page of the print view turned into a link to its entry.
fn rewrite_links(html: &str, anchor: &str, anchors: &HashMap<String, String>, base_url: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(at) = next_attribute(rest) {
        let (name_len, is_id) = match rest[at..].starts_with(" id=\"") {
            true => (5, true),
            false => (7, false),
        };
        let value_start = at + name_len;
        let Some(value_len) = rest[value_start..].find('"') else { break };
        let value = &rest[value_start..value_start + value_len];
        out.push_str(&rest[..value_start]);
        match is_id {
            true => {
                out.push_str(anchor);
                out.push_str("--");
                out.push_str(value);
            }
            false => out.push_str(&rewrite_href(value, anchor, anchors, base_url)),
        }
        rest = &rest[value_start + value_len..];
    }
    out.push_str(rest);
    out
}

/// The next ` id="` or ` href="` in `html`.
fn next_attribute(html: &str) -> Option<usize> {
    let id = memchr::memmem::find(html.as_bytes(), b" id=\"");
    let href = memchr::memmem::find(html.as_bytes(), b" href=\"");
    match (id, href) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn rewrite_href(href: &str, anchor: &str, anchors: &HashMap<String, String>, base_url: &str) -> String {
    if let Some(fragment) = href.strip_prefix('#') {
        return in_entry(anchor, fragment);
    }
    // Links are absolute (`base_url` + path) or, without a base_url, from the server's root.
    let site_path = match href.strip_prefix(base_url) {
        Some(path) if !base_url.is_empty() && path.starts_with('/') => path,
        _ if base_url.is_empty() && href.starts_with('/') && !href.starts_with("//") => href,
        _ => return href.to_string(),
    };
    let (path, fragment) = site_path.split_once('#').unwrap_or((site_path, ""));
    match anchors.get(path) {
        Some(target) => in_entry(target, fragment),
        None => href.to_string(),
    }
}

/// `#ENTRY` or `#ENTRY--FRAGMENT`.
fn in_entry(entry: &str, fragment: &str) -> String {
    match fragment.is_empty() {
        true => format!("#{entry}"),
        false => format!("#{entry}--{fragment}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_links_are_put_under_their_entry() {
        let anchors: HashMap<String, String> =
            [("/guide/intro/".to_string(), "p-guide-intro".to_string())].into_iter().collect();
        let html = "<h2 id=\"setup\">Setup <a class=\"anchor\" href=\"#setup\">#</a></h2>\
                    <p><a href=\"https://x.org/guide/intro/#start\">intro</a> <a href=\"https://x.org/guide/intro/\">i</a> \
                    <a href=\"https://x.org/tags/\">tags</a> <a href=\"https://other.org/\">o</a></p>";
        let rewritten = rewrite_links(html, "p-home", &anchors, "https://x.org");
        assert_eq!(
            rewritten,
            "<h2 id=\"p-home--setup\">Setup <a class=\"anchor\" href=\"#p-home--setup\">#</a></h2>\
             <p><a href=\"#p-guide-intro--start\">intro</a> <a href=\"#p-guide-intro\">i</a> \
             <a href=\"https://x.org/tags/\">tags</a> <a href=\"https://other.org/\">o</a></p>"
        );
        let root_relative = rewrite_links("<a href=\"/guide/intro/\">i</a>", "p-home", &anchors, "");
        assert_eq!(root_relative, "<a href=\"#p-guide-intro\">i</a>");
        assert_eq!(anchor_for("/"), "p-home");
        assert_eq!(anchor_for("/Guide/a b/"), "p-guide-a-b");
    }
}
