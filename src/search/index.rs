//! The whole index in memory: every page's postings and display record, cut into shard, tail and
//! page-record files. Built once from all pages; `update`/`remove` then re-render only what changed.
//!
//! Edits keep the files equal to what `build` would make from the same pages in the same order (page
//! ids are kept, so a removed page leaves a gap that a fresh build would close): shards are cut where
//! their terms say (see `layout`) and named for their keys, so an edit re-cuts only the shards next
//! to the terms it changed, and the version is a sum of file hashes that edits keep up to date.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::Hasher;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};

use super::analyze::PostingLists;
use super::layout::{cmp_utf16, Cutter};
use super::postings::{split_head, Posting, HEAD_POSTINGS};
use super::scripts::{
    file_name, manifest_script, records_path, records_script, shard_path, shard_script, tail_path, tail_script,
    ShardEntry, MANIFEST_PATH, RECORDS_PER_FILE,
};
use super::term::{Term, TermMap};
use super::{SearchDoc, SearchFile};

/// The index of a site, kept by `quire serve` to apply page edits without re-indexing every page.
pub struct SearchIndex {
    /// Page ids by URL. Ids are never reused: a new page gets the next one.
    ids: FxHashMap<String, u32>,
    /// Display records (JSON) by page id; `None` for a removed page.
    records: Vec<Option<Vec<u8>>>,
    postings: TermMap<Vec<Posting>>,
    /// In key order: shard `i` holds the terms from its key up to the next shard's key.
    shards: Vec<Shard>,
    /// Content hash of every index file but the manifest; their sum is the version the manifest names.
    hashes: FxHashMap<String, u64>,
    version: u64,
}

/// One shard file's worth of terms.
#[derive(Debug, Clone, PartialEq)]
struct Shard {
    /// "" for the first shard; otherwise the shortest prefix of its first term that sorts after the
    /// term before it. Also the shard's file name (see `shard_path`).
    key: String,
    /// In `cmp_utf16` order; never empty but in the first shard of an index without terms.
    terms: Vec<Term>,
    /// Paths of its terms' tail files, so they can be dropped when their terms shrink or move.
    tails: Vec<String>,
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
        let mut ids = FxHashMap::default();
        for (id, doc) in docs.iter().enumerate() {
            // A repeated URL keeps its first page; the later ones are indexed but unreachable by url.
            ids.entry(doc.url.to_string()).or_insert(id as u32);
        }
        let mut terms: Vec<(&Term, usize)> = postings.iter().map(|(t, list)| (t, entry_bytes(t, list.len()))).collect();
        terms.par_sort_unstable_by(|a, b| cmp_utf16(a.0.as_str(), b.0.as_str()));
        let shards = cut_shards(Shard::new(String::new()), terms.into_iter());
        let mut index = SearchIndex {
            ids,
            records: records.into_iter().map(Some).collect(),
            postings,
            shards,
            hashes: FxHashMap::default(),
            version: 0,
        };
        let mut files = index.render_shards(&(0..index.shards.len()).collect());
        let groups = index.records.len().div_ceil(RECORDS_PER_FILE);
        files.par_extend((0..groups).into_par_iter().map(|group| index.render_records(group)));
        let hashes: Vec<u64> = files.par_iter().map(|file| hash_file(&file.path, &file.bytes)).collect();
        for (file, hash) in files.iter().zip(hashes) {
            index.version = index.version.wrapping_add(hash);
            index.hashes.insert(file.path.clone(), hash);
        }
        files.push(index.render_manifest());
        (index, files)
    }

    /// Adds the page at `doc.url`, or replaces it; returns the files that changed.
    pub fn update(&mut self, doc: &SearchDoc) -> SearchChanges {
        self.update_all(std::slice::from_ref(doc))
    }

    /// Adds or replaces every page in `docs` (the last one wins where two share a URL) in one pass
    /// over the index; returns the files that changed.
    pub fn update_all(&mut self, docs: &[SearchDoc]) -> SearchChanges {
        let mut by_id: BTreeMap<u32, &SearchDoc> = BTreeMap::new();
        for doc in docs {
            let id = match self.ids.get(doc.url) {
                Some(&id) => id,
                None => {
                    let id = self.records.len() as u32;
                    self.records.push(None);
                    self.ids.insert(doc.url.to_string(), id);
                    id
                }
            };
            by_id.insert(id, doc);
        }
        // Pages go in by increasing id, so every fresh list comes out sorted by page.
        let mut lists = PostingLists::default();
        for (&id, doc) in &by_id {
            self.records[id as usize] = Some(lists.add_page(id, doc));
        }
        let ids: Vec<u32> = by_id.into_keys().collect();
        self.replace_pages(&ids, lists.into_lists().collect())
    }

    /// Drops the page at `url` (a no-op when there is none); returns the files that changed.
    pub fn remove(&mut self, url: &str) -> SearchChanges {
        let Some(id) = self.ids.remove(url) else {
            return SearchChanges::default();
        };
        self.records[id as usize] = None;
        self.replace_pages(&[id], TermMap::default())
    }

    /// Every file of the index (search.js and search.css are not its files), paths relative to the output root.
    pub fn paths(&self) -> impl Iterator<Item = String> + '_ {
        self.hashes.keys().cloned().chain(std::iter::once(MANIFEST_PATH.to_string()))
    }

    /// Number of pages in the index.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Gives pages `ids` (sorted) the postings in `fresh` instead of theirs, then cuts the shards
    /// next to the changed terms again and re-renders what changed.
    fn replace_pages(&mut self, ids: &[u32], mut fresh: TermMap<Vec<Posting>>) -> SearchChanges {
        let mut changed = Vec::new();
        let mut emptied = Vec::new();
        let mut at = Vec::new();
        for (term, list) in self.postings.iter_mut() {
            positions_of(list, ids, &mut at);
            let new = fresh.remove(term).unwrap_or_default();
            // Most of an edited page's terms keep their posting: nothing to do for them.
            if at.len() == new.len() && at.iter().zip(&new).all(|(&i, posting)| list[i] == *posting) {
                continue;
            }
            *list = merge_postings(list, &at, &new);
            if list.is_empty() {
                emptied.push(term.clone());
            }
            changed.push(term.clone());
        }
        let mut touched = BTreeSet::new();
        for term in &changed {
            touched.insert(self.shard_of(term.as_str()));
        }
        for term in emptied {
            self.postings.remove(&term);
            let shard = self.shard_of(term.as_str());
            let terms = &mut self.shards[shard].terms;
            if let Ok(at) = terms.binary_search_by(|t| cmp_utf16(t.as_str(), term.as_str())) {
                terms.remove(at);
            }
        }
        for (term, list) in fresh {
            let shard = self.shard_of(term.as_str());
            touched.insert(shard);
            let terms = &mut self.shards[shard].terms;
            let at = terms.partition_point(|t| cmp_utf16(t.as_str(), term.as_str()).is_lt());
            terms.insert(at, term.clone());
            self.postings.insert(term, list);
        }
        let groups: BTreeSet<usize> = ids.iter().map(|&id| id as usize / RECORDS_PER_FILE).collect();
        let recut = self.recut(&touched);
        self.changes(recut, &groups)
    }

    /// The shard that holds (or would hold) `term`.
    fn shard_of(&self, term: &str) -> usize {
        self.shards.partition_point(|shard| cmp_utf16(&shard.key, term).is_le()) - 1
    }

    /// Cuts the shards from the one before the first `touched` shard again, as a walk over all terms
    /// would, until the walk cuts where it cut before with the same key past the last touched shard.
    fn recut(&mut self, touched: &BTreeSet<usize>) -> Recut {
        let (Some(&first), Some(&last)) = (touched.first(), touched.last()) else {
            return Recut::default();
        };
        // Cuts before the first changed term stand, so the walk may start at any earlier cut; the one
        // before the first touched shard is safe even when that shard's first term changed.
        let start = first.saturating_sub(1);
        let mut cutter = Cutter::default();
        let mut cuts: Vec<((usize, usize), String)> = Vec::new();
        let mut previous: Option<&Term> = None;
        let mut end = self.shards.len();
        'walk: for (j, shard) in self.shards.iter().enumerate().skip(start) {
            for (k, term) in shard.terms.iter().enumerate() {
                if let Some(key) = cutter.cut(previous, term, entry_bytes(term, self.postings[term].len())) {
                    if j > last && k == 0 && key == shard.key {
                        end = j;
                        break 'walk;
                    }
                    cuts.push(((j, k), key.to_string()));
                }
                previous = Some(term);
            }
        }
        let old: Vec<Shard> = self.shards.drain(start..end).collect();
        let mut cuts = cuts.into_iter().peekable();
        let mut new = cut_by(&old, start, &mut cuts);
        // Shards that kept their key and terms and lost no posting need no new file.
        let was: HashMap<&str, (usize, &Shard)> =
            old.iter().enumerate().map(|(i, shard)| (shard.key.as_str(), (start + i, shard))).collect();
        let mut render = Vec::new();
        let mut old_tails: BTreeSet<String> = BTreeSet::new();
        for (i, shard) in new.iter_mut().enumerate() {
            match was.get(shard.key.as_str()) {
                Some((j, before)) if !touched.contains(j) && before.terms == shard.terms => {
                    shard.tails = before.tails.clone();
                }
                Some((_, before)) => {
                    old_tails.extend(before.tails.iter().cloned());
                    render.push(start + i);
                }
                None => render.push(start + i),
            }
        }
        let kept: BTreeSet<&str> = new.iter().map(|shard| shard.key.as_str()).collect();
        let mut removed = Vec::new();
        for shard in old.iter().filter(|shard| !kept.contains(shard.key.as_str())) {
            removed.push(shard_path(&shard.key));
            old_tails.extend(shard.tails.iter().cloned());
        }
        self.shards.splice(start..start, new);
        Recut { render, removed, old_tails }
    }

    /// Re-renders the shards `recut` names and the record files `groups`; reports what really changed.
    fn changes(&mut self, recut: Recut, groups: &BTreeSet<usize>) -> SearchChanges {
        let mut candidates = self.render_shards(&recut.render.iter().copied().collect());
        candidates.extend(groups.iter().map(|&group| self.render_records(group)));
        let mut changes = SearchChanges::default();
        let new_tails: BTreeSet<&String> = recut.render.iter().flat_map(|&shard| &self.shards[shard].tails).collect();
        let gone = recut.old_tails.iter().filter(|path| !new_tails.contains(path));
        for path in recut.removed.into_iter().chain(gone.cloned()) {
            if let Some(hash) = self.hashes.remove(&path) {
                self.version = self.version.wrapping_sub(hash);
                changes.removed.push(path);
            }
        }
        for file in candidates {
            let hash = hash_file(&file.path, &file.bytes);
            let old = self.hashes.insert(file.path.clone(), hash);
            if old != Some(hash) {
                self.version = self.version.wrapping_sub(old.unwrap_or(0)).wrapping_add(hash);
                changes.written.push(file);
            }
        }
        if !changes.written.is_empty() || !changes.removed.is_empty() {
            changes.written.push(self.render_manifest());
        }
        changes
    }

    /// Renders each shard in `shards` and its tail files; remembers the tail paths.
    fn render_shards(&mut self, shards: &BTreeSet<usize>) -> Vec<SearchFile> {
        let rendered: Vec<(usize, Vec<SearchFile>)> =
            shards.par_iter().map(|&shard| (shard, render_shard(&self.shards[shard], &self.postings))).collect();
        let mut files = Vec::new();
        for (shard, shard_files) in rendered {
            self.shards[shard].tails = shard_files[1..].iter().map(|file| file.path.clone()).collect();
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
        let keys: Vec<&str> = self.shards.iter().map(|shard| shard.key.as_str()).collect();
        SearchFile {
            path: MANIFEST_PATH.to_string(),
            bytes: manifest_script(self.version, self.len(), &keys).into_bytes(),
        }
    }
}

impl Shard {
    fn new(key: String) -> Shard {
        Shard { key, terms: Vec::new(), tails: Vec::new() }
    }
}

/// What cutting shards again did: shards to render (by their new index), shard files to delete, and
/// the tail files of every shard replaced (those no rendered shard writes again are deleted).
#[derive(Default)]
struct Recut {
    render: Vec<usize>,
    removed: Vec<String>,
    old_tails: BTreeSet<String>,
}

/// About how many bytes `term`'s entry takes in its shard, for cutting shards: only the term and its
/// page count count, so that a term's size changes only when its postings do.
fn entry_bytes(term: &Term, pages: usize) -> usize {
    term.as_str().len() + 8 + 3 * pages.min(HEAD_POSTINGS)
}

/// Shards of `terms` (sorted, with their entries' sizes), the first of them `first`.
fn cut_shards<'a>(first: Shard, terms: impl Iterator<Item = (&'a Term, usize)>) -> Vec<Shard> {
    let mut shards = vec![first];
    let mut cutter = Cutter::default();
    let mut previous: Option<&Term> = None;
    for (term, bytes) in terms {
        if let Some(key) = cutter.cut(previous, term, bytes) {
            shards.push(Shard::new(key.to_string()));
        }
        shards.last_mut().expect("there is a first shard").terms.push(term.clone());
        previous = Some(term);
    }
    shards
}

/// The terms of `old` (shards `start..` of the index) cut again at `cuts`: (shard, term) positions
/// in `old`'s numbering with the key of the shard each starts. The first shard keeps its key.
fn cut_by(
    old: &[Shard],
    start: usize,
    cuts: &mut std::iter::Peekable<impl Iterator<Item = ((usize, usize), String)>>,
) -> Vec<Shard> {
    let mut new = vec![Shard::new(old[0].key.clone())];
    for (j, shard) in old.iter().enumerate() {
        for (k, term) in shard.terms.iter().enumerate() {
            if let Some((_, key)) = cuts.next_if(|(at, _)| *at == (start + j, k)) {
                new.push(Shard::new(key));
            }
            new.last_mut().expect("there is a first shard").terms.push(term.clone());
        }
    }
    new
}

/// Fills `at` with the positions in `list` (sorted by page) of the postings of pages `ids` (sorted).
fn positions_of(list: &[Posting], ids: &[u32], at: &mut Vec<usize>) {
    at.clear();
    if ids.len() <= 16 {
        at.extend(ids.iter().filter_map(|&id| list.binary_search_by_key(&id, |posting| posting.doc).ok()));
    } else {
        at.extend(list.iter().enumerate().filter(|(_, p)| ids.binary_search(&p.doc).is_ok()).map(|(i, _)| i));
    }
}

/// `list` without the postings at positions `at`, with `new` (sorted by page) merged in.
fn merge_postings(list: &[Posting], at: &[usize], new: &[Posting]) -> Vec<Posting> {
    let mut merged = Vec::with_capacity(list.len() - at.len() + new.len());
    let mut skip = at.iter().peekable();
    let mut new = new.iter().peekable();
    for (i, posting) in list.iter().enumerate() {
        if skip.next_if_eq(&&i).is_some() {
            continue;
        }
        while let Some(fresh) = new.next_if(|fresh| fresh.doc < posting.doc) {
            merged.push(*fresh);
        }
        merged.push(*posting);
    }
    merged.extend(new);
    merged
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
fn render_shard(shard: &Shard, postings: &TermMap<Vec<Posting>>) -> Vec<SearchFile> {
    let mut tails = Vec::new();
    let mut heads = Vec::with_capacity(shard.terms.len());
    for term in &shard.terms {
        let list = &postings[term];
        let (head, tail) = split_head(list);
        let tail_file = (!tail.is_empty()).then(|| {
            let name = file_name(term.as_str());
            tails.push(SearchFile { path: tail_path(&name), bytes: tail_script(&name, &tail).into_bytes() });
            name
        });
        heads.push((term, list.len(), head, tail_file));
    }
    let entries: Vec<ShardEntry> = heads
        .iter()
        .map(|(term, pages, head, tail)| ShardEntry { term: term.as_str(), pages: *pages, head, tail: tail.as_deref() })
        .collect();
    let script = shard_script(&shard.key, &entries);
    let mut files = vec![SearchFile { path: shard_path(&shard.key), bytes: script.into_bytes() }];
    files.extend(tails);
    files
}

/// Hash of a file's path and bytes, for the index version (not protection against hostile input: none reaches
/// here).
fn hash_file(path: &str, bytes: &[u8]) -> u64 {
    let mut hasher = FxHasher::default();
    hasher.write(path.as_bytes());
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_content_or_path_hashes_differently() {
        assert_ne!(hash_file("a", b"x"), hash_file("a", b"y"));
        assert_ne!(hash_file("a", b"x"), hash_file("b", b"x"));
        assert_eq!(hash_file("a", b"x"), hash_file("a", b"x"));
        assert_ne!(hash_file("a", b"\0"), hash_file("a", b""));
    }
}
