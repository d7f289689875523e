//! The site prepared for serving: every file with its Content-Type, ETag and, for HTML, the live-reload tag.
//! Built once per publish from `SiteFiles`, then only read; swapping it is how a rebuild goes live.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::sync::Arc;

use super::mime::content_type_for;
use crate::serve::live::inject_script_tag;
use crate::serve::site_files::SiteFiles;

#[derive(Debug, Default)]
pub struct ServedSite {
    /// Shared with the next publish's `ServedSite` while the bytes stay the same.
    files: HashMap<String, Arc<ServedFile>>,
}

#[derive(Debug, Clone)]
pub struct ServedFile {
    pub content_type: &'static str,
    /// A strong validator of the bytes as served (after injection), quoted: `"1f3a…-512"`.
    pub etag: String,
    pub body: Arc<[u8]>,
    /// The bytes as published, before injection: a file whose bytes are still these is not prepared again.
    source: Arc<[u8]>,
}

impl ServedSite {
    pub fn prepare(site: &SiteFiles) -> ServedSite {
        ServedSite::prepare_from(&ServedSite::default(), site)
    }

    /// Like `prepare`, reusing `previous`'s work for every file whose bytes are shared with it (an edit
    /// in `serve` republishes the site with a few files replaced; injecting and hashing 10,000 pages again
    /// would cost more than rendering the few).
    pub fn prepare_from(previous: &ServedSite, site: &SiteFiles) -> ServedSite {
        let files = site
            .entries()
            .map(|(path, bytes)| {
                let file = match previous.files.get(path) {
                    Some(old) if Arc::ptr_eq(&old.source, bytes) => Arc::clone(old),
                    _ => Arc::new(serve_file(path, bytes)),
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

fn serve_file(path: &str, bytes: &Arc<[u8]>) -> ServedFile {
    let content_type = content_type_for(path);
    let body = match content_type.starts_with("text/html") {
        true => Arc::from(inject_script_tag(bytes)),
        false => Arc::clone(bytes),
    };
    ServedFile { content_type, etag: entity_tag(&body), body, source: Arc::clone(bytes) }
}

/// Content-based, so an unchanged file keeps its ETag across rebuilds and a revisit gets 304.
fn entity_tag(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    format!("\"{:016x}-{:x}\"", hasher.finish(), body.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_gets_the_tag_and_other_files_do_not() {
        let site: SiteFiles =
            [("index.html".to_string(), b"<body></body>".to_vec()), ("style.css".to_string(), b"body{}".to_vec())]
                .into_iter()
                .collect();
        let served = ServedSite::prepare(&site);
        let page = served.get("index.html").expect("page is served");
        assert!(String::from_utf8_lossy(&page.body).contains("/__quire/live.js"));
        let css = served.get("style.css").expect("css is served");
        assert_eq!(&css.body[..], b"body{}");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
    }

    #[test]
    fn unchanged_files_are_reused_and_changed_ones_prepared() {
        let site: SiteFiles =
            [("a.html".to_string(), b"<body>a</body>".to_vec()), ("b.html".to_string(), b"<body>b</body>".to_vec())]
                .into_iter()
                .collect();
        let first = ServedSite::prepare(&site);
        let newer = site.with_file("b.html", b"<body>c</body>".to_vec());
        let second = ServedSite::prepare_from(&first, &newer);
        let body = |site: &ServedSite, path: &str| site.get(path).expect("served").body.clone();
        assert!(Arc::ptr_eq(&body(&first, "a.html"), &body(&second, "a.html")));
        assert!(String::from_utf8_lossy(&body(&second, "b.html")).starts_with("<body>c"));
        assert_ne!(first.get("b.html").map(|f| &f.etag), second.get("b.html").map(|f| &f.etag));
    }

    #[test]
    fn etags_follow_content() {
        assert_eq!(entity_tag(b"a"), entity_tag(b"a"));
        assert_ne!(entity_tag(b"a"), entity_tag(b"b"));
        assert!(entity_tag(b"a").starts_with('"') && entity_tag(b"a").ends_with("-1\""));
    }
}
