//! The whole index in memory: every page's postings and display record, cut into shard, tail and
//! page-record files. Built once from all pages; `update`/`remove` then re-render only what changed.

use std::collections::BTreeSet;

use rayon::prelude::*;

use super::analyze::PostingLists;
use super::hash::{hash_file, FastMap};
use super::layout::{cmp_utf16, ShardLayout};
use super::postings::{split_head, Posting, HEAD_POSTINGS};
use super::scripts::{
    manifest_script, records_path, records_script, shard_path, shard_script, tail_name, tail_path, tail_script,
    ShardEntry, MANIFEST_PATH, RECORDS_PER_FILE,
};
use super::term::{Term, TermMap};
use super::{SearchDoc, SearchFile};

/// The browser script and its stylesheet, written beside the index (at the site root).
const ASSETS: [(&str, &str); 2] =
    [("search.js", include_str!("../../static/search.js")), ("search.css", include_str!("../../static/search.css"))];

/// The index of a site, kept by `quire serve` to apply page edits without re-indexing every page.
pub struct SearchIndex {
    /// Page ids by URL. Ids are never reused: a new page gets the next one.
    ids: FastMap<String, u32>,
    /// Display records (JSON) by page id; `None` for a removed page.
    records: Vec<Option<Vec<u8>>>,
    postings: TermMap<Vec<Posting>>,
    /// Fixed when the index is built, so that edits never move terms between shard files.
    layout: ShardLayout,
    /// Each shard's terms in `cmp_utf16` order.
    shard_terms: Vec<Vec<Term>>,
    /// Each shard's tail files, so they can be dropped when their terms shrink.
    shard_tails: Vec<Vec<String>>,
    /// Content hash of every index file but the manifest; their sum is the version the manifest names.
    hashes: FastMap<String, u64>,
    version: u64,
}

/// What an edit changed: files to (re)write and files to delete, paths relative to the output root.
#[derive(Debug, Default)]
pub struct SearchChanges {
    pub written: Vec<SearchFile>,
    pub removed: Vec<String>,
}

impl SearchIndex {
    /// Indexes `docs` (ids follow their order) and returns the index with all of its files.
    pub fn build(docs: &[SearchDoc]) -> (SearchIndex, Vec<SearchFile>) {
        let Partial { records, postings } = index_pages(docs);
        let mut ids = FastMap::default();
        for (id, doc) in docs.iter().enumerate() {
            // A repeated URL keeps its first page; the later ones are indexed but unreachable by url.
            ids.entry(doc.url.to_string()).or_insert(id as u32);
        }
        let mut terms: Vec<(&Term, usize)> = postings.iter().map(|(t, list)| (t, list.len())).collect();
        terms.par_sort_unstable_by(|a, b| cmp_utf16(a.0.as_str(), b.0.as_str()));
        let layout = ShardLayout::from_sorted_terms(terms.iter().map(|(term, pages)| {
            let term = term.as_str();
            (term, term.len() + 8 + 3 * pages.min(&HEAD_POSTINGS))
        }));
        let mut shard_terms = vec![Vec::new(); layout.len()];
        for (term, _) in terms {
            shard_terms[layout.shard_of(term.as_str())].push(term.clone());
        }
        let mut index = SearchIndex {
            ids,
            records: records.into_iter().map(Some).collect(),
            postings,
            shard_tails: vec![Vec::new(); layout.len()],
            layout,
            shard_terms,
            hashes: FastMap::default(),
            version: 0,
        };
        let mut files = index.render_shards(&(0..index.layout.len()).collect());
        let groups = index.records.len().div_ceil(RECORDS_PER_FILE);
        files.par_extend((0..groups).into_par_iter().map(|group| index.render_records(group)));
        let hashes: Vec<u64> = files.par_iter().map(|file| hash_file(&file.path, &file.bytes)).collect();
        for (file, hash) in files.iter().zip(hashes) {
            index.version = index.version.wrapping_add(hash);
            index.hashes.insert(file.path.clone(), hash);
        }
        files.push(index.render_manifest());
        // The browser files carry no index data, so they stay out of the version.
        files.extend(
            ASSETS.iter().map(|(path, text)| SearchFile { path: path.to_string(), bytes: text.as_bytes().to_vec() }),
        );
        (index, files)
    }

    /// Adds the page at `doc.url`, or replaces it; returns the files that changed.
    pub fn update(&mut self, doc: &SearchDoc) -> SearchChanges {
        let id = match self.ids.get(doc.url) {
            Some(&id) => id,
            None => {
                let id = self.records.len() as u32;
                self.records.push(None);
                self.ids.insert(doc.url.to_string(), id);
                id
            }
        };
        let mut lists = PostingLists::default();
        self.records[id as usize] = Some(lists.add_page(id, doc));
        let mut fresh: TermMap<Posting> =
            lists.into_lists().filter_map(|(term, postings)| Some((term, *postings.first()?))).collect();
        // Most of an edited page's terms keep their posting; only shards with a real change move.
        let mut touched = self.remove_postings(id, &mut fresh);
        for (term, posting) in fresh {
            touched.insert(self.layout.shard_of(term.as_str()));
            self.insert_posting(term, posting);
        }
        self.changes(&touched, id)
    }

    /// Drops the page at `url` (a no-op when there is none); returns the files that changed.
    pub fn remove(&mut self, url: &str) -> SearchChanges {
        let Some(id) = self.ids.remove(url) else {
            return SearchChanges::default();
        };
        let touched = self.remove_postings(id, &mut TermMap::default());
        self.records[id as usize] = None;
        self.changes(&touched, id)
    }

    /// Number of pages in the index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Takes page `id` out of every posting list, except where `fresh` holds the very same posting
    /// (which is then dropped from `fresh`, nothing to do); returns the shards that changed.
    fn remove_postings(&mut self, id: u32, fresh: &mut TermMap<Posting>) -> BTreeSet<usize> {
        let mut touched = BTreeSet::new();
        let mut emptied = Vec::new();
        for (term, postings) in self.postings.iter_mut() {
            if let Ok(at) = postings.binary_search_by_key(&id, |posting| posting.doc) {
                if fresh.get(term) == Some(&postings[at]) {
                    fresh.remove(term);
                    continue;
                }
                postings.remove(at);
                touched.insert(self.layout.shard_of(term.as_str()));
                if postings.is_empty() {
                    emptied.push(term.clone());
                }
            }
        }
        for term in emptied {
            self.postings.remove(&term);
            let terms = &mut self.shard_terms[self.layout.shard_of(term.as_str())];
            if let Ok(at) = terms.binary_search_by(|t| cmp_utf16(t.as_str(), term.as_str())) {
                terms.remove(at);
            }
        }
        touched
    }

    fn insert_posting(&mut self, term: Term, posting: Posting) {
        if let Some(postings) = self.postings.get_mut(&term) {
            let at = postings.partition_point(|p| p.doc < posting.doc);
            postings.insert(at, posting);
            return;
        }
        let terms = &mut self.shard_terms[self.layout.shard_of(term.as_str())];
        let at = terms.partition_point(|t| cmp_utf16(t.as_str(), term.as_str()).is_lt());
        terms.insert(at, term.clone());
        self.postings.insert(term, vec![posting]);
    }

    /// Re-renders the touched shards and page `id`'s record file; reports what really changed.
    fn changes(&mut self, touched: &BTreeSet<usize>, id: u32) -> SearchChanges {
        let old_tails: BTreeSet<String> = touched.iter().flat_map(|&shard| self.shard_tails[shard].clone()).collect();
        let mut candidates = self.render_shards(touched);
        candidates.push(self.render_records(id as usize / RECORDS_PER_FILE));
        let mut changes = SearchChanges::default();
        for file in candidates {
            let hash = hash_file(&file.path, &file.bytes);
            let old = self.hashes.insert(file.path.clone(), hash);
            if old != Some(hash) {
                self.version = self.version.wrapping_sub(old.unwrap_or(0)).wrapping_add(hash);
                changes.written.push(file);
            }
        }
        let new_tails: BTreeSet<&String> = touched.iter().flat_map(|&shard| &self.shard_tails[shard]).collect();
        let gone = old_tails.into_iter().filter(|path| !new_tails.contains(path));
        for path in gone {
            {
                if let Some(hash) = self.hashes.remove(&path) {
                    self.version = self.version.wrapping_sub(hash);
                }
                changes.removed.push(path);
            }
        }
        if !changes.written.is_empty() || !changes.removed.is_empty() {
            changes.written.push(self.render_manifest());
        }
        changes
    }

    /// Renders each shard in `shards` and its tail files; remembers the tail paths.
    fn render_shards(&mut self, shards: &BTreeSet<usize>) -> Vec<SearchFile> {
        let rendered: Vec<(usize, Vec<SearchFile>)> = shards
            .par_iter()
            .map(|&shard| (shard, render_shard(shard, &self.shard_terms[shard], &self.postings)))
            .collect();
        let mut files = Vec::new();
        for (shard, shard_files) in rendered {
            self.shard_tails[shard] = shard_files[1..].iter().map(|file| file.path.clone()).collect();
            files.extend(shard_files);
        }
        files
    }

    fn render_records(&self, group: usize) -> SearchFile {
        let start = group * RECORDS_PER_FILE;
        let end = (start + RECORDS_PER_FILE).min(self.records.len());
        SearchFile { path: records_path(group), bytes: records_script(group, &self.records[start..end]) }
    }

    fn render_manifest(&self) -> SearchFile {
        SearchFile {
            path: MANIFEST_PATH.to_string(),
            bytes: manifest_script(self.version, self.len(), self.layout.keys()).into_bytes(),
        }
    }
}

/// Records and posting lists of a run of consecutive pages.
#[derive(Default)]
struct Partial {
    records: Vec<Vec<u8>>,
    postings: TermMap<Vec<Posting>>,
}

/// Analyzes every page in parallel; each task folds its run of pages into its own posting lists,
/// and neighbouring runs are joined in page order, so every list comes out sorted by page id.
fn index_pages(docs: &[SearchDoc]) -> Partial {
    docs.par_iter()
        .enumerate()
        .with_min_len(32)
        .fold(
            || (PostingLists::default(), Vec::new()),
            |(mut lists, mut records), (id, doc)| {
                records.push(lists.add_page(id as u32, doc));
                (lists, records)
            },
        )
        .map(|(lists, records)| Partial { records, postings: lists.into_lists().collect() })
        .reduce(Partial::default, join_partials)
}

/// `first` holds pages before `second`'s; the bigger map absorbs the smaller one.
fn join_partials(mut first: Partial, mut second: Partial) -> Partial {
    first.records.append(&mut second.records);
    if first.postings.len() >= second.postings.len() {
        for (term, mut later) in second.postings {
            match first.postings.get_mut(&term) {
                Some(list) => list.append(&mut later),
                None => {
                    first.postings.insert(term, later);
                }
            }
        }
        first
    } else {
        for (term, mut earlier) in first.postings {
            match second.postings.get_mut(&term) {
                Some(list) => {
                    earlier.append(list);
                    *list = earlier;
                }
                None => {
                    second.postings.insert(term, earlier);
                }
            }
        }
        second.records = first.records;
        second
    }
}

/// The shard file first, then its tail files.
fn render_shard(shard: usize, terms: &[Term], postings: &TermMap<Vec<Posting>>) -> Vec<SearchFile> {
    let mut tails = Vec::new();
    let mut heads = Vec::with_capacity(terms.len());
    for term in terms {
        let list = &postings[term];
        let (head, tail) = split_head(list);
        let tail_file = (!tail.is_empty()).then(|| {
            let name = tail_name(term.as_str());
            tails.push(SearchFile { path: tail_path(&name), bytes: tail_script(&name, &tail).into_bytes() });
            name
        });
        heads.push((term, list.len(), head, tail_file));
    }
    let entries: Vec<ShardEntry> = heads
        .iter()
        .map(|(term, pages, head, tail)| ShardEntry { term: term.as_str(), pages: *pages, head, tail: tail.as_deref() })
        .collect();
    let mut files = vec![SearchFile { path: shard_path(shard), bytes: shard_script(shard, &entries).into_bytes() }];
    files.extend(tails);
    files
}
