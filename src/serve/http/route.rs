//! A clean request path against the served site to a response: the file, a 304, a redirect or the 404 page.
//! Pure: no sockets and no disk; folder URLs get `index.html`, `/dir` gets `/dir/`, and the base path is honoured.

use std::sync::Arc;

use super::head::Response;
use super::range::{byte_range, ByteRange};
use super::served_site::{ServedFile, ServedSite};
use super::target::{clean_target, encode_path, CleanPath};

/// The URL path the site lives under, from the path of `base_url`: "/" or "/docs/".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasePath {
    segments: Vec<String>,
}

impl BasePath {
    /// "/docs/", "docs", "/docs" and "/docs//" all mean the same base; "" and "/" mean the root.
    /// Percent escapes are decoded, since request paths are compared after decoding.
    pub fn parse(base: &str) -> BasePath {
        let rooted = format!("/{}", base.trim_start_matches('/'));
        let segments = match clean_target(&rooted) {
            Ok(path) => path.segments,
            Err(_) => base.split('/').filter(|segment| !segment.is_empty()).map(str::to_string).collect(),
        };
        BasePath { segments }
    }

    /// "/" or "/docs/".
    pub fn url_path(&self) -> String {
        match self.segments.is_empty() {
            true => "/".to_string(),
            false => format!("/{}/", self.segments.join("/")),
        }
    }
}

/// The request headers that change which bytes of a file are sent.
#[derive(Debug, Clone, Copy, Default)]
pub struct ConditionalHeaders<'a> {
    pub if_none_match: Option<&'a str>,
    pub range: Option<&'a str>,
    pub if_range: Option<&'a str>,
}

pub fn answer(site: &ServedSite, base: &BasePath, path: &CleanPath, conditions: ConditionalHeaders<'_>) -> Response {
    let Some(relative) = path.segments.strip_prefix(base.segments.as_slice()) else {
        if path.segments.is_empty() {
            return redirect(307, &base.url_path(), path);
        }
        return not_found(site);
    };
    let joined = relative.join("/");
    if relative.is_empty() && !path.trailing_slash {
        return redirect(308, &base.url_path(), path);
    }
    let file_path = match (path.trailing_slash, joined.is_empty()) {
        (true, true) => "index.html".to_string(),
        (true, false) => format!("{joined}/index.html"),
        (false, _) => joined.clone(),
    };
    if let Some(file) = site.get(&file_path) {
        return serve(file, conditions);
    }
    if !path.trailing_slash && site.get(&format!("{joined}/index.html")).is_some() {
        return redirect(308, &format!("{}{joined}/", base.url_path()), path);
    }
    not_found(site)
}

fn serve(file: &ServedFile, conditions: ConditionalHeaders<'_>) -> Response {
    let etag = file.etag();
    let served = |status, body| {
        Response::new(status, file.content_type, body).with_header("ETag", etag).with_header("Accept-Ranges", "bytes")
    };
    let body = file.body();
    if conditions.if_none_match.is_some_and(|tags| etag_matches(tags, etag)) {
        return served(304, body);
    }
    // If-Range names the version the client already has part of; another version means start over.
    let range = match conditions.if_range {
        Some(tag) if tag.trim() != etag => None,
        _ => conditions.range,
    };
    let length = body.len();
    match range.map_or(ByteRange::Whole, |header| byte_range(header, length)) {
        ByteRange::Whole => served(200, body),
        ByteRange::Part { start, end } => served(206, Arc::from(&body[start..end]))
            .with_header("Content-Range", format!("bytes {start}-{}/{length}", end - 1)),
        ByteRange::Unsatisfiable => {
            Response::text(416, "range not satisfiable\n").with_header("Content-Range", format!("bytes */{length}"))
        }
    }
}

fn redirect(status: u16, url_path: &str, from: &CleanPath) -> Response {
    let mut location = encode_path(url_path);
    if let Some(query) = &from.query {
        location.push('?');
        location.push_str(query);
    }
    Response::text(status, &format!("moved to {location}\n")).with_header("Location", location)
}

fn not_found(site: &ServedSite) -> Response {
    match site.get("404.html") {
        Some(page) => Response::new(404, page.content_type, page.body()),
        None => Response::text(404, "404 not found\n"),
    }
}

/// If-None-Match: "*" or a list of tags, compared weakly (W/ ignored) as RFC 9110 §13.1.2 asks.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag.strip_prefix("W/").unwrap_or(etag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::site_files::SiteFiles;

    fn site(with_404: bool) -> ServedSite {
        let mut files = vec![
            ("index.html", "home"),
            ("principles/index.html", "principles"),
            ("principles/x/index.html", "x"),
            ("style.css", "css"),
            ("a b/index.html", "spaced"),
        ];
        if with_404 {
            files.push(("404.html", "missing"));
        }
        let files: SiteFiles =
            files.into_iter().map(|(path, body)| (path.to_string(), body.as_bytes().to_vec())).collect();
        ServedSite::prepare(&files)
    }

    /// (status, Location or the body's first bytes)
    fn check(base: &str, target: &str, expected_status: u16, expected: &str) {
        let path = clean_target(target).expect("test targets are clean");
        let response = answer(&site(true), &BasePath::parse(base), &path, ConditionalHeaders::default());
        let location = response.headers.iter().find(|(name, _)| *name == "Location");
        let seen = match location {
            Some((_, location)) => location.clone(),
            None => String::from_utf8_lossy(&response.body[..expected.len().min(response.body.len())]).into_owned(),
        };
        assert_eq!((response.status, seen.as_str()), (expected_status, expected), "{base} {target}");
    }

    #[test]
    fn routes() {
        check("/", "/", 200, "home");
        check("/", "/principles/", 200, "principles");
        check("/", "/principles/x/", 200, "x");
        check("/", "/principles/x", 308, "/principles/x/");
        check("/", "/principles/x?q=1", 308, "/principles/x/?q=1");
        check("/", "/a%20b", 308, "/a%20b/");
        check("/", "/style.css", 200, "css");
        check("/", "/style.css/", 404, "missing");
        check("/", "/nope", 404, "missing");
        check("/", "/index.html", 200, "home");
        check("/docs/", "/", 307, "/docs/");
        check("/docs/", "/?x", 307, "/docs/?x");
        check("/docs/", "/docs", 308, "/docs/");
        check("/docs/", "/docs/", 200, "home");
        check("/docs/", "/docs/principles/x/", 200, "x");
        check("/docs/", "/docs/principles/x", 308, "/docs/principles/x/");
        check("/docs/", "/principles/x/", 404, "missing");
        check("/docs/", "/docsx/", 404, "missing");
        check("/a/b/", "/a/b/style.css", 200, "css");
    }

    #[test]
    fn plain_404_without_a_404_page() {
        let path = clean_target("/nope").expect("clean");
        let response = answer(&site(false), &BasePath::parse("/"), &path, ConditionalHeaders::default());
        assert_eq!(response.status, 404);
        assert_eq!(&response.body[..], b"404 not found\n");
    }

    #[test]
    fn not_modified_when_the_tag_matches() {
        let served = site(false);
        let etag = served.get("style.css").expect("css").etag().to_string();
        let path = clean_target("/style.css").expect("clean");
        let base = BasePath::parse("/");
        let with = |tags: &str| {
            let conditions = ConditionalHeaders { if_none_match: Some(tags), ..ConditionalHeaders::default() };
            answer(&served, &base, &path, conditions).status
        };
        assert_eq!(with(&etag), 304);
        assert_eq!(with(&format!("\"other\", W/{etag}")), 304);
        assert_eq!(with("*"), 304);
        assert_eq!(with("\"other\""), 200);
    }

    #[test]
    fn byte_ranges() {
        let served = site(false);
        let etag = served.get("principles/x/index.html").expect("page").etag().to_string();
        let path = clean_target("/principles/x/").expect("clean");
        let base = BasePath::parse("/");
        let ask = |range: &str, if_range: Option<&str>| {
            let conditions = ConditionalHeaders { range: Some(range), if_range, ..ConditionalHeaders::default() };
            answer(&served, &base, &path, conditions)
        };
        let part = ask("bytes=0-0", None);
        assert_eq!((part.status, &part.body[..]), (206, &b"x"[..]));
        assert!(part.headers.iter().any(|(name, value)| *name == "Content-Range" && value.starts_with("bytes 0-0/")));
        assert_eq!(ask("bytes=0-0", Some(&etag)).status, 206);
        assert_eq!(ask("bytes=0-0", Some("\"older\"")).status, 200);
        assert_eq!(ask("bytes=100000-", None).status, 416);
    }

    #[test]
    fn base_paths() {
        assert_eq!(BasePath::parse("").url_path(), "/");
        assert_eq!(BasePath::parse("/").url_path(), "/");
        assert_eq!(BasePath::parse("docs").url_path(), "/docs/");
        assert_eq!(BasePath::parse("/a//b/").url_path(), "/a/b/");
        assert_eq!(BasePath::parse("/my%20docs/").url_path(), "/my docs/");
    }
}
