//! Rendered pages in, the site's search index out: small script files (manifest, term shards, page
//! records) that `static/search.js` loads on demand. Opens and writes no files (`output` writes them).
//!
//! Layout of the output (paths relative to the output root):
//! - `search.js`, `search.css`: the browser side (tokenizer twin, loader, ranking, combobox UI).
//! - `search/manifest.js`: format, version, page count and the first term of every shard.
//! - `search/s/<key>.js`: terms in one UTF-16-ordered range, each with its best postings; named for
//!   the range's first key, so an edit that re-cuts a few shards leaves the other files alone.
//! - `search/t/<name>.js`: the remaining postings of a very common term, loaded only when needed.
//! - `search/d/<n>.js`: display records (url, title, section, excerpts, headings) of four pages.
//!
//! Wiring: `site::index_files` (for `build` and `check`) calls `SearchIndex::build` and hands the
//! files to `output`; under `serve` the live site keeps the index and calls `update_all` with the
//! pages an edit changed (`serve/rebuild/search.rs`). `build_index` adds search.js and search.css,
//! for tests and benchmarks; a site gets those two from the theme's static files.
//!
//! `zola` is another index altogether: Zola's (`search_index.LANG.js` and `elasticlunr.min.js`), for a Zola
//! site's own search box, made only when config.toml says `build_search_index = true` (`feeds::Generated`).

mod analyze;
mod html_text;
mod index;
mod layout;
mod postings;
pub mod query;
mod scripts;
mod site;
mod stem;
mod term;
mod tokenize;
pub mod zola;

pub use index::{SearchChanges, SearchIndex};
pub use site::{doc, index_files, indexed_targets, trail};
pub use tokenize::tokenize;

/// One rendered page, as the search index sees it.
#[derive(Debug, Clone, Copy)]
pub struct SearchDoc<'a> {
    /// Site-relative URL path, e.g. "/principles/respecting-sovereignty/".
    pub url: &'a str,
    pub title: &'a str,
    /// Breadcrumb-like section path shown under the title, e.g. "Principles".
    pub section: &'a str,
    pub description: &'a str,
    /// The rendered Markdown body only (no navigation), headings with ids.
    pub html: &'a str,
}

/// One file of the index, to be written at `path` under the output root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    /// Output-relative, e.g. "search/manifest.js".
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The browser script and its stylesheet, written beside the index (at the site root).
const ASSETS: [(&str, &str); 2] =
    [("search.js", include_str!("../../static/search.js")), ("search.css", include_str!("../../static/search.css"))];

/// All index files for `docs`, then `search.js` and `search.css`.
pub fn build_index(docs: &[SearchDoc]) -> Vec<SearchFile> {
    let mut files = SearchIndex::build(docs).1;
    // The browser files carry no index data, so they stay out of the version.
    files.extend(
        ASSETS.iter().map(|(path, text)| SearchFile { path: path.to_string(), bytes: text.as_bytes().to_vec() }),
    );
    files
}

#[cfg(test)]
mod tests;
