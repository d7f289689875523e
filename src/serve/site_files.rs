//! `SiteFiles`: the built site as output-relative paths ("index.html", "principles/x/index.html") → bytes, each
//! file held LZ4-compressed when that saves memory. A read-only snapshot behind one `Arc`; it never touches the disk.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// The site as served. Paths are relative to the output root, use `/`, and carry no leading `/`.
#[derive(Clone, Default)]
pub struct SiteFiles {
    files: Arc<HashMap<String, FileBytes>>,
}

/// One file's bytes as the site holds them: compressed when that saves at least an eighth, else as they are.
/// Whether and how a file is compressed depends only on its bytes (LZ4 is deterministic), so two `FileBytes`
/// are equal exactly when the files are.
///
/// Why: `serve` holds every page of the site, and while an edit re-renders all of them (a template edit) the new
/// pages beside the ones still served. At 10k pages that is 113 MiB of HTML held once and, at the peak, twice;
/// LZ4 holds it in 42 MiB. LZ4 rather than deflate or zstd: on those pages it compresses 2.8 times faster than
/// zstd -1 and 3.5 times faster than deflate -1, and decompresses 4 to 8 times faster, which start-up, template
/// edits and every answer pay; they hold 29 to 38 MiB (measured 5 Dec 2026 on the 10k pages, one page at a time).
#[derive(Clone, PartialEq, Eq)]
pub struct FileBytes {
    bytes: Arc<[u8]>,
    compressed: bool,
}

impl SiteFiles {
    pub fn new(files: HashMap<String, Vec<u8>>) -> SiteFiles {
        files.into_iter().collect()
    }

    /// The bytes at `path` ("style.css", "/style.css" and "principles/x/index.html" all work), decompressed.
    pub fn get(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        self.files.get(&output_key(path)).map(FileBytes::bytes)
    }

    /// The file at `path` as held.
    pub(crate) fn held(&self, path: &str) -> Option<&FileBytes> {
        self.files.get(&output_key(path))
    }

    /// Whether the file at `path` holds exactly `bytes` (an unchanged render), without keeping a copy of it.
    pub fn holds(&self, path: &str, bytes: &[u8]) -> bool {
        self.files.get(&output_key(path)).is_some_and(|held| held.is(bytes))
    }

    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(&output_key(path))
    }

    /// A copy with one file added or replaced; the other files are shared, not copied.
    pub fn with_file(&self, path: &str, bytes: Vec<u8>) -> SiteFiles {
        let mut files = (*self.files).clone();
        files.insert(output_key(path), FileBytes::hold(&bytes));
        SiteFiles { files: Arc::new(files) }
    }

    /// A copy with many files added or replaced and others removed at once; unchanged files are shared.
    pub fn with_changes(&self, upserts: Vec<(String, FileBytes)>, removals: &[String]) -> SiteFiles {
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

    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &FileBytes)> {
        self.files.iter().map(|(path, bytes)| (path.as_str(), bytes))
    }
}

impl FileBytes {
    /// `bytes` as the site will hold them.
    pub fn hold(bytes: &[u8]) -> FileBytes {
        let compressed = lz4_flex::block::compress_prepend_size(bytes);
        match compressed.len() <= bytes.len() - bytes.len() / 8 {
            true => FileBytes { bytes: Arc::from(compressed), compressed: true },
            false => FileBytes { bytes: Arc::from(bytes), compressed: false },
        }
    }

    /// The file's bytes: borrowed when held as they are, decompressed (a new copy) otherwise.
    pub fn bytes(&self) -> Cow<'_, [u8]> {
        match self.compressed {
            false => Cow::Borrowed(&self.bytes[..]),
            true => Cow::Owned(
                lz4_flex::block::decompress_size_prepended(&self.bytes)
                    .expect("held bytes are what `hold` compressed, so they decompress"),
            ),
        }
    }

    /// `bytes`, shared rather than copied when the file is held as it is.
    pub fn shared(&self) -> Arc<[u8]> {
        match self.compressed {
            false => Arc::clone(&self.bytes),
            true => Arc::from(self.bytes()),
        }
    }

    /// Whether the file is exactly `bytes`.
    pub fn is(&self, bytes: &[u8]) -> bool {
        *self.bytes() == *bytes
    }

    /// Whether both are the same allocation (the same file, shared from one publish to the next).
    pub fn shares_with(&self, other: &FileBytes) -> bool {
        Arc::ptr_eq(&self.bytes, &other.bytes)
    }
}

impl fmt::Debug for FileBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = if self.compressed { "compressed" } else { "as they are" };
        write!(f, "FileBytes({} bytes held {held})", self.bytes.len())
    }
}

impl FromIterator<(String, Vec<u8>)> for SiteFiles {
    fn from_iter<I: IntoIterator<Item = (String, Vec<u8>)>>(files: I) -> SiteFiles {
        let files = files.into_iter().map(|(path, bytes)| (output_key(&path), FileBytes::hold(&bytes))).collect();
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
        assert_eq!(site.get("principles/x/index.html").as_deref(), Some(&b"x"[..]));
        assert_eq!(site.get("/principles/x/index.html").as_deref(), Some(&b"x"[..]));
        assert!(site.get("principles/x").is_none());
    }

    #[test]
    fn with_file_leaves_the_original_alone() {
        let site = SiteFiles::new(HashMap::from([("a.css".to_string(), b"a".to_vec())]));
        let newer = site.with_file("a.css", b"b".to_vec());
        assert_eq!(site.get("a.css").as_deref(), Some(&b"a"[..]));
        assert_eq!(newer.get("a.css").as_deref(), Some(&b"b"[..]));
        assert_eq!(newer.len(), 1);
    }

    #[test]
    fn issue_13_pages_are_held_compressed_and_read_back_byte_for_byte() {
        let page = format!("<html><body>{}</body></html>", "<li><a href=\"/a/\">A page</a></li>".repeat(200));
        let held = FileBytes::hold(page.as_bytes());
        assert!(
            held.compressed && held.bytes.len() < page.len() / 4,
            "{} bytes held for {}",
            held.bytes.len(),
            page.len()
        );
        assert_eq!(*held.bytes(), *page.as_bytes());
        assert!(held.is(page.as_bytes()));
        assert!(!held.is(page.replacen("A page", "B page", 1).as_bytes()));
        assert!(!held.is(&page.as_bytes()[..page.len() - 1]));
        assert!(held == FileBytes::hold(page.as_bytes()), "held bytes are equal exactly when the files are");
        assert!(held != FileBytes::hold(page.replacen("A page", "B page", 1).as_bytes()));
    }

    #[test]
    fn issue_13_files_compression_would_not_shrink_are_held_as_they_are() {
        // An eighth saved or nothing: tiny files and bytes without repeats stay as they are.
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 32) as u8
            })
            .collect();
        for bytes in [&b""[..], &b"x"[..], &b"body{}"[..], &noise[..]] {
            let held = FileBytes::hold(bytes);
            assert!(!held.compressed, "{} bytes", bytes.len());
            assert!(matches!(held.bytes(), Cow::Borrowed(b) if b == bytes));
        }
        let site: SiteFiles = [("page.html".to_string(), "<p>same</p>".repeat(100).into_bytes())].into_iter().collect();
        assert!(site.holds("page.html", "<p>same</p>".repeat(100).as_bytes()));
        assert!(!site.holds("page.html", "<p>same</p>".repeat(99).as_bytes()));
        assert!(!site.holds("other.html", b""));
    }
}
