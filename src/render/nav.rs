//! The sidebar as a bounded view (`get_navigation`): the top-level sections, the current page's ancestors, a
//! window of its siblings and the current section's children. Its size does not grow with the site's.
//!
//! A sidebar that lists every page makes each page's HTML, and the whole build, grow with the square of a
//! section's size (20k pages in one section: 1.3 MB a page). Here each list shown is cut to `WINDOW` entries around
//! the entry on the way to the current page, and says how many it left out, linking to the section's index.

use super::deps::{record, Dep};
use super::functions::Lookups;
use crate::content::{SectionId, Site, SitePath, Target};
use pulldown_cmark_escape::escape_html;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;
use tera::{Kwargs, TeraResult, Value};

/// The most entries one list of the sidebar shows; a longer list shows a window of this many.
pub const WINDOW: usize = 15;

/// What the sidebar needs of the site's shape, made once per site (O(pages + sections)).
#[derive(Debug, Clone, Default)]
pub struct Navigation {
    /// Each section's children in the order the sidebar shows them: subsections placed among the pages by weight.
    children: Vec<Vec<Target>>,
    /// Where each page stands in its own section's `children`.
    page_positions: Vec<usize>,
    /// Where each section stands in its parent's `children` (0 for the root).
    section_positions: Vec<usize>,
    /// Site path (`/a/b/`) to what is shown there; shared by the navigations `reordered` makes.
    by_path: Arc<HashMap<SitePath, Target>>,
}

impl Navigation {
    pub fn new(site: &Site) -> Navigation {
        let pages = site.pages.iter().enumerate().map(|(id, page)| (page.doc.path.clone(), Target::Page(id)));
        let sections = site.sections.iter().enumerate().map(|(id, s)| (s.doc.path.clone(), Target::Section(id)));
        Navigation::ordered(site, Arc::new(pages.chain(sections).collect()))
    }

    /// The same navigation with the order of every section's children made again from `site`, where pages were
    /// edited in place (addresses stay: `serve` builds again when one changes).
    pub fn reordered(&self, site: &Site) -> Navigation {
        Navigation::ordered(site, self.by_path.clone())
    }

    /// The section whose pager is at `path` (`/api/page/3/`): its sidebar is the section's, nothing marked current.
    fn pager_section(&self, path: &str) -> Option<Target> {
        let rest = path.strip_suffix('/')?;
        let (before, number) = rest.rsplit_once('/')?;
        number.parse::<usize>().ok()?;
        let section_path = before.strip_suffix("page")?;
        self.by_path.get(section_path).copied().filter(|target| matches!(target, Target::Section(_)))
    }

    /// The sections whose children's order differs between `self` and `other`.
    pub fn orders_differ(&self, other: &Navigation, section: SectionId) -> bool {
        self.children.get(section) != other.children.get(section)
    }

    fn ordered(site: &Site, by_path: Arc<HashMap<SitePath, Target>>) -> Navigation {
        let children: Vec<Vec<Target>> = (0..site.sections.len()).map(|id| section_children(site, id)).collect();
        let mut page_positions = vec![0; site.pages.len()];
        let mut section_positions = vec![0; site.sections.len()];
        for (section, list) in children.iter().enumerate() {
            for (position, &child) in list.iter().enumerate() {
                match child {
                    // A transparent subsection's pages are listed by its parent too; their place is in their own.
                    Target::Page(page) if site.pages[page].section == section => page_positions[page] = position,
                    Target::Page(_) => {}
                    Target::Section(sub) => section_positions[sub] = position,
                }
            }
        }
        Navigation { children, page_positions, section_positions, by_path }
    }
}

/// A section's pages (in its order) with its subsections placed by weight: a subsection with a weight goes before
/// the first page whose weight is not lower; the others come after the pages that precede them.
fn section_children(site: &Site, id: SectionId) -> Vec<Target> {
    let section = &site.sections[id];
    let mut children = Vec::with_capacity(section.pages.len() + section.subsections.len());
    let mut pages = section.pages.iter().copied().peekable();
    for &sub in &section.subsections {
        if let Some(weight) = site.sections[sub].doc.front_matter.weight {
            while let Some(page) = pages.next_if(|&p| site.pages[p].doc.front_matter.weight.is_some_and(|w| w < weight))
            {
                children.push(Target::Page(page));
            }
        }
        children.push(Target::Section(sub));
    }
    children.extend(pages.map(Target::Page));
    children
}

#[derive(Serialize)]
struct NavView<'a> {
    home: NavItem<'a>,
    /// The home section's children.
    list: NavList<'a>,
}

/// One list of the sidebar: a window of a section's children.
#[derive(Serialize)]
struct NavList<'a> {
    items: Vec<NavItem<'a>>,
    /// How many children come before and after the window.
    hidden_before: usize,
    hidden_after: usize,
    /// The section's index page, where every child is listed.
    permalink: Permalink<'a>,
    title: &'a str,
}

#[derive(Serialize)]
struct NavItem<'a> {
    title: &'a str,
    path: &'a str,
    permalink: Permalink<'a>,
    /// The page shown.
    current: bool,
    is_section: bool,
    /// A section on the way to the current page (or the current section): its children are listed.
    open: bool,
    children: Option<NavList<'a>>,
}

/// `get_navigation(path=current_path)`: the sidebar of the page at `path` (any other path gets the top level).
pub fn get_navigation(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    Ok(Value::from_serializable(&navigation_view(lookups, path)))
}

/// `get_navigation_html(path=current_path)`: the same sidebar as HTML (the home link, then nested `<ul>`s), for
/// the template to place. Written here rather than by a Tera component: walking ~45 entries through a recursive
/// component cost ~80 µs a page, a third of a page's render at 10k pages, for markup no site changes.
pub fn get_navigation_html(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    let view = navigation_view(lookups, path);
    let mut html = String::with_capacity(4096);
    html.push_str("<p class=\"nav-home\">");
    write_link(&mut html, &view.home.permalink, view.home.current, "Home");
    html.push_str("</p>");
    write_list(&mut html, &view.list, 0);
    Ok(Value::from(html).mark_safe())
}

/// `get_breadcrumbs(path=page.path)`: the sections on the way to the page or section at site path `path`, from the
/// home down, a section not being its own: `[{title, path, permalink}]`. Only their titles and addresses are read
/// (`Dep::SectionTitle`), so an edit of a section's body renders none of the pages below it again.
pub fn get_breadcrumbs(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    let site = &lookups.site;
    let navigation = lookups.views.navigation();
    let sections = match navigation.by_path.get(path) {
        Some(&Target::Page(page)) => site.ancestors(site.pages[page].section),
        Some(&Target::Section(section)) => {
            let mut ancestors = site.ancestors(section);
            ancestors.pop();
            ancestors
        }
        None => Vec::new(),
    };
    let builder = Builder { lookups, navigation, current: None };
    let trail: Vec<NavItem> = sections.into_iter().map(|section| builder.item(Target::Section(section))).collect();
    Ok(Value::from_serializable(&trail))
}

fn navigation_view<'a>(lookups: &'a Lookups, path: &str) -> NavView<'a> {
    let navigation = lookups.views.navigation();
    let site = &lookups.site;
    let current = navigation.by_path.get(path).copied();
    // The sections whose children are listed, from the root down, and the entry each list centres on.
    let mut open: Vec<(SectionId, Option<usize>)> = Vec::new();
    let innermost = match current.or_else(|| navigation.pager_section(path)) {
        Some(Target::Page(page)) => Some((site.pages[page].section, Some(navigation.page_positions[page]))),
        Some(Target::Section(section)) => Some((section, None)),
        None => None,
    };
    if let Some((section, focus)) = innermost {
        open.push((section, focus));
        let mut child = section;
        while let Some(parent) = site.sections[child].parent {
            open.push((parent, Some(navigation.section_positions[child])));
            child = parent;
        }
    } else {
        open.push((0, None));
    }
    open.reverse();
    let builder = Builder { lookups, navigation, current };
    NavView { home: builder.item(Target::Section(0)), list: builder.list(&open) }
}

/// `Config::permalink` not yet written out: the HTML sidebar writes its ~45 links straight into the page.
struct Permalink<'a> {
    base_url: &'a str,
    site_path: &'a str,
}

impl std::fmt::Display for Permalink<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}/{}", self.base_url, self.site_path)
    }
}

impl Serialize for Permalink<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One list as `<ul>`, the open section's list inside its entry; an empty list writes nothing.
fn write_list(html: &mut String, list: &NavList, depth: usize) {
    if list.items.is_empty() {
        return;
    }
    let _ = write!(html, "\n<ul class=\"nav-list nav-depth-{depth}\">");
    if list.hidden_before > 0 {
        write_more(html, list, ("", list.hidden_before, " before, in "));
    }
    for item in &list.items {
        html.push_str(match (item.is_section, item.open) {
            (false, _) => "\n<li>",
            (true, false) => "\n<li class=\"nav-section\">",
            (true, true) => "\n<li class=\"nav-section nav-open\">",
        });
        write_link(html, &item.permalink, item.current, item.title);
        if let Some(children) = &item.children {
            write_list(html, children, depth + 1);
        }
        html.push_str("</li>");
    }
    if list.hidden_after > 0 {
        write_more(html, list, ("and ", list.hidden_after, " more in "));
    }
    html.push_str("\n</ul>");
}

/// The entry that stands for the children a window leaves out (`12 before, in API`, `and 12 more in API`): a link
/// to the section's index.
fn write_more(html: &mut String, list: &NavList, (before, hidden, after): (&str, usize, &str)) {
    html.push_str("\n<li class=\"nav-more\">");
    write_href(html, &list.permalink, false);
    let _ = write!(html, "{before}{hidden}{after}");
    let _ = escape_html(&mut *html, list.title);
    html.push_str("</a></li>");
}

fn write_link(html: &mut String, permalink: &Permalink, current: bool, text: &str) {
    write_href(html, permalink, current);
    let _ = escape_html(&mut *html, text);
    html.push_str("</a>");
}

/// An `<a>` start tag.
fn write_href(html: &mut String, permalink: &Permalink, current: bool) {
    html.push_str("<a href=\"");
    let _ = escape_html(&mut *html, permalink.base_url);
    html.push('/');
    let _ = escape_html(&mut *html, permalink.site_path);
    html.push_str(if current { "\" aria-current=\"page\">" } else { "\">" });
}

struct Builder<'a> {
    lookups: &'a Lookups,
    navigation: &'a Navigation,
    current: Option<Target>,
}

impl<'a> Builder<'a> {
    /// The list of `open[0]`'s children, with `open[1]`'s list inside its entry, and so on.
    fn list(&self, open: &[(SectionId, Option<usize>)]) -> NavList<'a> {
        let (section, focus) = open[0];
        record(Dep::NavOrder(section));
        let children = &self.navigation.children[section];
        let (start, end) = window(children.len(), focus);
        let items = children[start..end]
            .iter()
            .map(|&child| {
                let mut item = self.item(child);
                if let (Target::Section(sub), Some(next)) = (child, open.get(1)) {
                    if next.0 == sub {
                        item.open = true;
                        item.children = Some(self.list(&open[1..]));
                    }
                }
                item
            })
            .collect();
        let site = &self.lookups.site;
        NavList {
            items,
            hidden_before: start,
            hidden_after: children.len() - end,
            permalink: self.permalink(&site.sections[section].doc.path),
            title: &site.sections[section].doc.title,
        }
    }

    fn permalink(&self, site_path: &'a str) -> Permalink<'a> {
        let lookups: &'a Lookups = self.lookups;
        Permalink { base_url: &lookups.config.base_url, site_path: site_path.trim_start_matches('/') }
    }

    fn item(&self, target: Target) -> NavItem<'a> {
        let site: &'a Site = &self.lookups.site;
        match target {
            Target::Page(id) => record(Dep::PageTitle(id)),
            Target::Section(id) => record(Dep::SectionTitle(id)),
        }
        let path = site.document(target).path.as_str();
        let title = site.document(target).title.as_str();
        NavItem {
            title: if title.is_empty() { path } else { title },
            path,
            permalink: self.permalink(path),
            current: self.current == Some(target),
            is_section: matches!(target, Target::Section(_)),
            open: false,
            children: None,
        }
    }
}

/// The part of a list of `len` entries the sidebar shows: all of a short list, else `WINDOW` entries with `focus`
/// in the middle (the first ones without a focus).
fn window(len: usize, focus: Option<usize>) -> (usize, usize) {
    if len <= WINDOW {
        return (0, len);
    }
    let start = focus.map_or(0, |f| f.saturating_sub(WINDOW / 2)).min(len - WINDOW);
    (start, start + WINDOW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows() {
        assert_eq!(window(3, Some(2)), (0, 3));
        assert_eq!(window(WINDOW, None), (0, WINDOW));
        assert_eq!(window(2000, None), (0, WINDOW));
        assert_eq!(window(2000, Some(0)), (0, WINDOW));
        assert_eq!(window(2000, Some(1000)), (1000 - WINDOW / 2, 1000 - WINDOW / 2 + WINDOW));
        assert_eq!(window(2000, Some(1999)), (2000 - WINDOW, 2000));
    }
}
