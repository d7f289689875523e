//! The site prepared for serving: every file with its Content-Type and ETag, and for HTML where the live-reload tag goes.
//! Built once per publish from `SiteFiles`, sharing its bytes (one copy of each page), then only read.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::{Arc, OnceLock};

use super::mime::content_type_for;
use crate::serve::live::{script_tag_offset, with_script_tag};
use crate::serve::site_files::{FileBytes, SiteFiles};

#[derive(Debug, Default)]
pub struct ServedSite {
    /// Shared with the next publish's `ServedSite` while the bytes stay the same.
    files: HashMap<String, Arc<ServedFile>>,
}

/// One file as served. An HTML page is kept as published (compressed, shared with `SiteFiles`); the live-reload
/// tag goes in as the page is answered, so the served site and the built one share every page's bytes (at 10k
/// pages a second, injected copy of each held a few hundred MB).
#[derive(Debug)]
pub struct ServedFile {
    pub content_type: &'static str,
    /// The bytes as published, the same allocation as in `SiteFiles`.
    published: FileBytes,
    /// Made when first asked for: most files of a big site are never requested in a session.
    etag: OnceLock<String>,
}

impl ServedSite {
    pub fn prepare(site: &SiteFiles) -> ServedSite {
        ServedSite::prepare_from(&ServedSite::default(), site)
    }

    /// Like `prepare`, reusing `previous`'s file for every path whose bytes are shared with it (an edit
    /// in `serve` republishes the site with a few files replaced; an unchanged file keeps its ETag).
    pub fn prepare_from(previous: &ServedSite, site: &SiteFiles) -> ServedSite {
        let files = site
            .entries()
            .map(|(path, bytes)| {
                let file = match previous.files.get(path) {
                    Some(old) if old.published.shares_with(bytes) => Arc::clone(old),
                    _ => Arc::new(ServedFile::new(path, bytes)),
                };
                (path.to_string(), file)
            })
            .collect();
        ServedSite { files }
    }

    /// The file at an output-relative path ("principles/x/index.html").
    pub fn get(&self, path: &str) -> Option<&ServedFile> {
        self.files.get(path).map(|file| &**file)
    }
}

impl ServedFile {
    fn new(path: &str, bytes: &FileBytes) -> ServedFile {
        ServedFile { content_type: content_type_for(path), published: bytes.clone(), etag: OnceLock::new() }
    }

    /// The bytes as served: an HTML page with the live-reload tag before its last `</body>`, anything else as
    /// published; made for this answer.
    pub fn body(&self) -> Arc<[u8]> {
        match self.content_type.starts_with("text/html") {
            true => {
                let published = self.published.bytes();
                Arc::from(with_script_tag(&published, script_tag_offset(&published)))
            }
            false => self.published.shared(),
        }
    }

    /// A strong validator of the bytes as served, quoted: `"1f3a…-512"`.
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| entity_tag(&self.body()))
    }
}

/// Content-based, so an unchanged file keeps its ETag across rebuilds and a revisit gets 304.
fn entity_tag(served: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(served);
    format!("\"{:016x}-{:x}\"", hasher.finish(), served.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::live::SCRIPT_TAG;

    fn site(files: &[(&str, &str)]) -> SiteFiles {
        files.iter().map(|(path, bytes)| (path.to_string(), bytes.as_bytes().to_vec())).collect()
    }

    fn published<'a>(site: &'a SiteFiles, path: &str) -> &'a FileBytes {
        site.entries().find(|(at, _)| *at == path).map(|(_, bytes)| bytes).expect("file is published")
    }

    #[test]
    fn html_is_served_as_published_plus_one_live_reload_tag() {
        let big = format!("<html><body>{}</body></html>", "<p>a paragraph</p>".repeat(500));
        let pages = [
            ("body.html", "<html><body><p>`</body>` in code</p></body></html>"),
            ("upper.html", "<HTML><BODY>x</BODY ></HTML>"),
            ("fragment.html", "<p>no body element</p>"),
            ("empty.html", ""),
            ("held-compressed.html", &big),
        ];
        let files = site(&pages);
        let served = ServedSite::prepare(&files);
        for (path, html) in pages {
            let page = served.get(path).expect("page is served");
            let html: &str = html;
            let body = String::from_utf8(page.body().to_vec()).expect("UTF-8 in, UTF-8 out");
            assert_eq!(body.matches(SCRIPT_TAG).count(), 1, "{path}: {body}");
            assert_eq!(body.replacen(SCRIPT_TAG, "", 1), html, "{path}");
            let after_tag = &body[body.find(SCRIPT_TAG).expect("tag") + SCRIPT_TAG.len()..];
            let expected_after = html.rfind("</body").or(html.rfind("</BODY")).map_or("", |at| &html[at..]);
            assert_eq!(after_tag, expected_after, "{path}: the tag goes before the last </body>, else at the end");
            assert_eq!(page.etag(), entity_tag(body.as_bytes()), "{path}: the ETag is of the bytes served");
        }
    }

    #[test]
    fn the_served_site_shares_the_published_bytes() {
        let files = site(&[("index.html", "<body></body>"), ("style.css", "body{}")]);
        let served = ServedSite::prepare(&files);
        for path in ["index.html", "style.css"] {
            let file = served.get(path).expect("served");
            assert!(file.published.shares_with(published(&files, path)), "{path} is held once");
        }
        let css = served.get("style.css").expect("css is served");
        assert!(Arc::ptr_eq(&css.body(), &published(&files, "style.css").shared()), "a file held as it is, not copied");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
    }

    #[test]
    fn unchanged_files_are_reused_and_changed_ones_prepared() {
        let files = site(&[("a.html", "<body>a</body>"), ("b.html", "<body>b</body>")]);
        let first = ServedSite::prepare(&files);
        let newer = files.with_file("b.html", b"<body>c</body>".to_vec());
        let second = ServedSite::prepare_from(&first, &newer);
        assert!(Arc::ptr_eq(&first.files["a.html"], &second.files["a.html"]));
        let body = |site: &ServedSite, path: &str| site.get(path).expect("served").body();
        assert!(String::from_utf8_lossy(&body(&second, "b.html")).starts_with("<body>c"));
        assert_ne!(first.get("b.html").map(ServedFile::etag), second.get("b.html").map(ServedFile::etag));
    }

    #[test]
    fn etags_follow_content() {
        assert_eq!(entity_tag(b"a"), entity_tag(b"a"));
        assert_ne!(entity_tag(b"a"), entity_tag(b"b"));
        assert!(entity_tag(b"a").starts_with('"') && entity_tag(b"a").ends_with("-1\""));
    }
}
