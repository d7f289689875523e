//! The live site's search index: built with the site, then given the pages and sections an edit changed
//! (`SearchIndex::update_all`), so that an edit replaces only the index files those pages reach.
//! Its files always equal those of `crate::search::index_files` on the same model; it never reads the disk.

use super::files::{FileChanges, Layer};
use super::LiveSite;
use crate::content::Target;
use crate::output::{Contents, OutputFile};
use crate::search::{SearchChanges, SearchDoc, SearchFile, SearchIndex};
use std::collections::HashSet;

/// The index with the pages and sections it holds, in its order (page ids are positions in this list), and
/// the trail each shows.
pub(super) struct LiveSearch {
    index: SearchIndex,
    targets: Vec<Target>,
    trails: Vec<String>,
    /// Two of the targets share a URL (the site has an error): the index finds pages by URL, so each
    /// update builds it again.
    shared_urls: bool,
}

impl LiveSite {
    /// Builds the index when config.toml asks for one and puts its files, dropping those of the index
    /// it replaces that it does not make again.
    pub(super) fn build_search(&mut self, files: &mut FileChanges) {
        let old: Vec<String> = self.search.take().map(|search| search.index.paths().collect()).unwrap_or_default();
        if self.config.writes_quire_search() {
            let targets = crate::search::indexed_targets(&self.site);
            let trails: Vec<String> = targets.iter().map(|&target| crate::search::trail(&self.site, target)).collect();
            let docs: Vec<SearchDoc> =
                (0..targets.len()).map(|i| crate::search::doc(&self.site, targets[i], &trails[i])).collect();
            let mut urls = HashSet::new();
            let shared_urls = !docs.iter().all(|doc| urls.insert(doc.url));
            let (index, index_files) = SearchIndex::build(&docs);
            drop(docs);
            self.search = Some(LiveSearch { index, targets, trails, shared_urls });
            for file in index_files {
                self.put_search_file(file, files);
            }
        }
        let made: HashSet<String> =
            self.search.as_ref().map(|search| search.index.paths().collect()).unwrap_or_default();
        for path in old.iter().filter(|path| !made.contains(*path)) {
            self.drop_generated(path, files);
        }
    }

    /// Gives the index the pages and sections `edited` (read again, so their text may have changed) and those
    /// whose trail changed under an edited section; puts the files that changed and drops those that went.
    pub(super) fn refresh_search(&mut self, edited: &[Target], files: &mut FileChanges) {
        let targets = crate::search::indexed_targets(&self.site);
        let rebuild = match &self.search {
            None => return,
            // A page that joined or left the index moves the ids of the pages after it: most files change.
            Some(search) => targets != search.targets || search.shared_urls,
        };
        if rebuild {
            self.build_search(files);
            return;
        }
        let search = self.search.as_mut().expect("checked above");
        let edited: HashSet<Target> = edited.iter().copied().collect();
        // A section's title is in the trail of every page and section below it.
        let fresh_trails: Option<Vec<String>> = edited
            .iter()
            .any(|target| matches!(target, Target::Section(_)))
            .then(|| targets.iter().map(|&target| crate::search::trail(&self.site, target)).collect());
        let trails = fresh_trails.as_ref().unwrap_or(&search.trails);
        let docs: Vec<SearchDoc> = (0..targets.len())
            .filter(|&i| edited.contains(&targets[i]) || trails[i] != search.trails[i])
            .map(|i| crate::search::doc(&self.site, targets[i], &trails[i]))
            .collect();
        if docs.is_empty() {
            return;
        }
        let SearchChanges { written, removed } = search.index.update_all(&docs);
        drop(docs);
        if let Some(trails) = fresh_trails {
            search.trails = trails;
        }
        for file in written {
            self.put_search_file(file, files);
        }
        for path in &removed {
            self.drop_generated(path, files);
        }
    }

    fn put_search_file(&mut self, file: SearchFile, files: &mut FileChanges) {
        self.put_file(Layer::Generated, OutputFile { path: file.path, contents: Contents::Bytes(file.bytes) }, files);
    }
}
