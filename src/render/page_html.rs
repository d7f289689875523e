//! Pages' Markdown HTML handed over to their own renders in a one-pass build, so each page's HTML is freed as
//! soon as its page is rendered instead of being held until the whole site is written (10k pages: 37 MB).

use super::Templates;
use crate::config::Config;
use crate::content::Site;
use std::sync::{Mutex, PoisonError};

/// Every page's HTML, moved out of the site; each is taken once, by the render of its page.
pub struct PageHtml(Vec<Mutex<String>>);

impl PageHtml {
    /// Moves the HTML out of `site` when nothing after a page's own render reads it: no Atom feed and no search
    /// index (both read every page's HTML once all pages are rendered) and no template calling `get_page`
    /// (which hands out another page's content). Otherwise leaves the site as it is and returns `None`.
    pub fn take_if_read_once(site: &mut Site, config: &Config, templates: &Templates) -> Option<PageHtml> {
        // Tera calls functions by their literal name only, so a template that never writes `get_page` never
        // calls it; a mention in a comment only keeps the HTML, which is always safe.
        let calls_get_page = templates.sources.values().any(|source| source.contains("get_page"));
        if config.generate_feeds || config.build_search_index || calls_get_page {
            return None;
        }
        let html = site.pages.iter_mut().map(|page| Mutex::new(std::mem::take(&mut page.rendered.html))).collect();
        Some(PageHtml(html))
    }

    /// The HTML of page `id`, which is no longer held here.
    pub fn take(&self, id: usize) -> String {
        self.0
            .get(id)
            .map_or_else(String::new, |html| std::mem::take(&mut *html.lock().unwrap_or_else(PoisonError::into_inner)))
    }
}
