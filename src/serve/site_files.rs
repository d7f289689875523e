//! `SiteFiles`: the built site as output-relative paths ("index.html", "principles/x/index.html") → bytes.
//! A read-only snapshot behind one `Arc`, so cloning and swapping it is cheap; it never touches the disk.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The site as served. Paths are relative to the output root, use `/`, and carry no leading `/`.
#[derive(Clone, Default)]
pub struct SiteFiles {
    files: Arc<HashMap<String, Arc<[u8]>>>,
}

impl SiteFiles {
    pub fn new(files: HashMap<String, Vec<u8>>) -> SiteFiles {
        files.into_iter().collect()
    }

    /// The bytes at `path` ("style.css", "/style.css" and "principles/x/index.html" all work).
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&output_key(path)).map(|bytes| &bytes[..])
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(&output_key(path))
    }

    /// A copy with one file added or replaced; the other files are shared, not copied.
    pub fn with_file(&self, path: &str, bytes: Vec<u8>) -> SiteFiles {
        let mut files = (*self.files).clone();
        files.insert(output_key(path), Arc::from(bytes));
        SiteFiles { files: Arc::new(files) }
    }

    /// A copy with many files added or replaced and others removed at once; unchanged files are shared.
    pub fn with_changes(&self, upserts: Vec<(String, Arc<[u8]>)>, removals: &[String]) -> SiteFiles {
        let mut files = (*self.files).clone();
        for path in removals {
            files.remove(&output_key(path));
        }
        files.extend(upserts.into_iter().map(|(path, bytes)| (output_key(&path), bytes)));
        SiteFiles { files: Arc::new(files) }
    }

    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Arc<[u8]>)> {
        self.files.iter().map(|(path, bytes)| (path.as_str(), bytes))
    }
}

impl FromIterator<(String, Vec<u8>)> for SiteFiles {
    fn from_iter<I: IntoIterator<Item = (String, Vec<u8>)>>(files: I) -> SiteFiles {
        let files = files.into_iter().map(|(path, bytes)| (output_key(&path), Arc::from(bytes))).collect();
        SiteFiles { files: Arc::new(files) }
    }
}

impl From<HashMap<String, Vec<u8>>> for SiteFiles {
    fn from(files: HashMap<String, Vec<u8>>) -> SiteFiles {
        SiteFiles::new(files)
    }
}

impl fmt::Debug for SiteFiles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SiteFiles({} files)", self.files.len())
    }
}

/// Output paths from Windows or with a leading slash become the one spelling the server looks up.
fn output_key(path: &str) -> String {
    path.replace('\\', "/").trim_start_matches('/').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_on_the_way_in_and_out() {
        let site: SiteFiles = [("/principles\\x/index.html".to_string(), b"x".to_vec())].into_iter().collect();
        assert_eq!(site.get("principles/x/index.html"), Some(&b"x"[..]));
        assert_eq!(site.get("/principles/x/index.html"), Some(&b"x"[..]));
        assert!(site.get("principles/x").is_none());
    }

    #[test]
    fn with_file_leaves_the_original_alone() {
        let site = SiteFiles::new(HashMap::from([("a.css".to_string(), b"a".to_vec())]));
        let newer = site.with_file("a.css", b"b".to_vec());
        assert_eq!(site.get("a.css"), Some(&b"a"[..]));
        assert_eq!(newer.get("a.css"), Some(&b"b"[..]));
        assert_eq!(newer.len(), 1);
    }
}
