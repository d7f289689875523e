//! Where a URL written on a page points: a site path inside the site, an external address, or nothing
//! to check. Pure string work: resolves `../x/`, `/docs/x/` and full permalinks the way a browser would.

use crate::config::Config;
use crate::text::percent_decode;
use memchr::{memchr, memchr2};
use std::borrow::Cow;

/// The site's address, split the way URL resolution needs it.
pub struct Base<'a> {
    /// `https://example.org/docs` (no trailing slash), or empty (also when `base_url` has no scheme, as in
    /// `/docs`: then no link can start with it).
    url: &'a str,
    /// `/` or `/docs/`.
    path: String,
}

impl Base<'_> {
    pub fn new(config: &Config) -> Base<'_> {
        let url = if config.base_url.contains("://") { config.base_url.as_str() } else { "" };
        Base { url, path: config.base_path() }
    }

    /// `/` or `/docs/`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Destination<'a> {
    /// A site path (`/a/b/`, `/style.css`), percent-decoded, and the fragment after `#` if any.
    Site { path: Cow<'a, str>, fragment: Option<Cow<'a, str>> },
    /// An http(s) address outside the site.
    External,
    /// A path on the same host but outside `base_url`'s path (`/other/` for a site at `/docs/`).
    OutsideBase,
    /// `mailto:`, `tel:`, `@/` links (checked by `links`) and the like: nothing to check here.
    Ignored,
}

/// Resolves `url`, found on the page whose site path is `document` (`/a/b/` or `/404.html`).
pub fn resolve<'u>(url: &'u str, document: &'u str, base: &Base<'_>) -> Destination<'u> {
    match read_url(url, base) {
        Url::Absolute(destination) => destination,
        Url::Relative(relative) => relative.resolve(document, base),
    }
}

/// A URL read on its own, before knowing which page shows it.
pub enum Url<'u> {
    /// Leads to the same place from every page: `https://…`, `/a/b/`, `mailto:…`, `@/a.md`.
    Absolute(Destination<'u>),
    /// Leads somewhere that depends on the page: `../b/`, `img.png`, `#top`, `?page=2`.
    Relative(RelativeUrl<'u>),
}

pub struct RelativeUrl<'u> {
    /// The path, without query and fragment; empty for the page itself.
    path: &'u str,
    fragment: Option<Cow<'u, str>>,
}

/// Reads `url` as far as that can be done without the page it is on.
pub fn read_url<'u>(url: &'u str, base: &Base<'_>) -> Url<'u> {
    let url = trim(url);
    if url.starts_with("@/") {
        return Url::Absolute(Destination::Ignored);
    }
    if let Some(fragment) = url.strip_prefix('#') {
        // A third of the links on a page with a table of contents.
        return Url::Relative(RelativeUrl { path: "", fragment: Some(percent_decode(fragment)) });
    }
    let fragment = memchr(b'#', url.as_bytes()).map(|hash| percent_decode(&url[hash + 1..]));
    // The path ends at the query or at the fragment, whichever comes first.
    let rest = &url[..memchr2(b'?', b'#', url.as_bytes()).unwrap_or(url.len())];
    if let Some(after) = strip_base_url(rest, base.url) {
        let path = if after.is_empty() { "/" } else { after };
        return Url::Absolute(Destination::Site { path: normalize(path), fragment });
    }
    if rest.starts_with("//") {
        return Url::Absolute(Destination::External);
    }
    if rest.starts_with('/') {
        // No scheme starts with `/`.
        return Url::Absolute(inside_base(normalize(rest), fragment, base));
    }
    if let Some(scheme) = scheme(rest) {
        let web = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
        return Url::Absolute(if web { Destination::External } else { Destination::Ignored });
    }
    Url::Relative(RelativeUrl { path: rest, fragment })
}

impl<'u> RelativeUrl<'u> {
    /// Where the URL leads from the page whose site path is `document`.
    pub fn resolve(self, document: &'u str, base: &Base<'_>) -> Destination<'u> {
        if self.path.is_empty() {
            // The page itself: its address is the base path followed by `document`, so what is inside the
            // base path is `document` again.
            return site_path(Cow::Borrowed(document), self.fragment);
        }
        let document_url = format!("{}{document}", base.path.trim_end_matches('/'));
        let dir = &document_url[..document_url.rfind('/').map_or(0, |i| i + 1)];
        let absolute = normalize(&format!("{dir}{}", self.path)).into_owned();
        inside_base(Cow::Owned(absolute), self.fragment, base)
    }
}

impl Destination<'_> {
    /// The same destination, owning its text, to keep beyond the page it was read on.
    pub fn into_owned(self) -> Destination<'static> {
        match self {
            Destination::Site { path, fragment } => Destination::Site {
                path: Cow::Owned(path.into_owned()),
                fragment: fragment.map(|f| Cow::Owned(f.into_owned())),
            },
            Destination::External => Destination::External,
            Destination::OutsideBase => Destination::OutsideBase,
            Destination::Ignored => Destination::Ignored,
        }
    }
}

/// `absolute` (a URL path on the server) as a site path, when it is under the base path.
fn inside_base<'u>(absolute: Cow<'u, str>, fragment: Option<Cow<'u, str>>, base: &Base<'_>) -> Destination<'u> {
    let inside = base.path.trim_end_matches('/');
    if !absolute.starts_with(inside) {
        return Destination::OutsideBase;
    }
    let after = match absolute {
        Cow::Borrowed(absolute) => Cow::Borrowed(&absolute[inside.len()..]),
        Cow::Owned(absolute) => Cow::Owned(absolute[inside.len()..].to_string()),
    };
    site_path(after, fragment)
}

/// What follows the base path in a URL path: `""` or `/a/b/` is a site path, `x/` (from `/docsx/`) is not.
fn site_path<'u>(after: Cow<'u, str>, fragment: Option<Cow<'u, str>>) -> Destination<'u> {
    if after.is_empty() {
        Destination::Site { path: "/".into(), fragment }
    } else if after.starts_with('/') {
        Destination::Site { path: after, fragment }
    } else {
        Destination::OutsideBase
    }
}

/// The canonical site path of an output file: `a/b/index.html` → `/a/b/`, `style.css` → `/style.css`.
pub fn site_path_of_output(output: &str) -> String {
    match output.strip_suffix("index.html") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => format!("/{dir}"),
        _ => format!("/{output}"),
    }
}

/// Where a site path is written in the output folder: `/a/b/` → `a/b/index.html`.
pub fn output_of_site_path(path: &str) -> String {
    crate::render::output_path(path)
}

/// `str::trim`, skipping its Unicode tables when both ends are visible ASCII, as in almost every URL.
pub fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// The part of `url` after `base_url`, when `url` is inside the site: `""` or `/a/b/`.
fn strip_base_url<'u>(url: &'u str, base_url: &str) -> Option<&'u str> {
    if base_url.is_empty() {
        return None;
    }
    let after = url.strip_prefix(base_url)?;
    (after.is_empty() || after.starts_with('/')).then_some(after)
}

/// `https` of `https://x`, when the URL has a scheme.
fn scheme(url: &str) -> Option<&str> {
    let colon = memchr(b':', url.as_bytes())?;
    let scheme = &url[..colon];
    let mut chars = scheme.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Percent-decodes `path` and removes `.` and `..` segments; above the root stays at the root.
fn normalize(path: &str) -> Cow<'_, str> {
    if is_normal(path) {
        return path.into();
    }
    let decoded = percent_decode(path);
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = decoded.split('/').collect();
    let last = parts.len() - 1;
    for (i, part) in parts.iter().enumerate() {
        match *part {
            "" | "." if i < last => {}
            "." => segments.push(""),
            ".." => {
                segments.pop();
                if i == last {
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    Cow::Owned(format!("/{}", segments.join("/")))
}

/// Whether `path` has nothing for `normalize` to do: no `%` escape, no empty segment (`//`), no `.` or `..`
/// segment. One pass over the bytes, since almost every path is like that.
fn is_normal(path: &str) -> bool {
    let bytes = path.as_bytes();
    let dots_segment = |start: usize| {
        let segment = &bytes[start..];
        let end = memchr(b'/', segment).unwrap_or(segment.len());
        matches!(&segment[..end], b"." | b"..")
    };
    // Whether the byte at hand is the first of a segment: the path's first, or one after a `/`.
    let mut segment_start = true;
    for (i, &b) in bytes.iter().enumerate() {
        let odd = match b {
            b'%' => true,
            b'/' => segment_start && i > 0,
            b'.' => segment_start && dots_segment(i),
            _ => false,
        };
        if odd {
            return false;
        }
        segment_start = b == b'/';
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(base_url: &str, document: &str, url: &str, expected: Destination<'_>) {
        let mut config = Config::default();
        config.set_base_url(base_url);
        let base = Base::new(&config);
        assert_eq!(resolve(url, document, &base), expected, "{url} on {document}");
    }

    fn site<'a>(path: &'a str, fragment: Option<&'a str>) -> Destination<'a> {
        Destination::Site { path: path.into(), fragment: fragment.map(Into::into) }
    }

    #[test]
    fn resolves_like_a_browser() {
        let base = "https://example.org";
        check(base, "/a/b/", "../c/", site("/a/c/", None));
        check(base, "/a/b/", "img.png", site("/a/b/img.png", None));
        check(base, "/a/b/", "./img.png#x", site("/a/b/img.png", Some("x")));
        check(base, "/a/b/", "../../../../up/", site("/up/", None));
        check(base, "/a/b/", "/principles/x/#y", site("/principles/x/", Some("y")));
        check(base, "/a/b/", "#only", site("/a/b/", Some("only")));
        check(base, "/a/b/", "", site("/a/b/", None));
        check(base, "/a/b/", "?page=2", site("/a/b/", None));
        check(base, "/404.html", "style.css", site("/style.css", None));
        check(base, "/404.html", "#top", site("/404.html", Some("top")));
        check(base, "/a/", "https://example.org/x/", site("/x/", None));
        check(base, "/a/", "https://example.org", site("/", None));
        check(base, "/a/", "/a%20b/", site("/a b/", None));
        check(base, "/a/", "..", site("/", None));
    }

    #[test]
    fn keeps_to_the_base_path() {
        let base = "https://example.org/docs/";
        check(base, "/a/", "/docs/b/", site("/b/", None));
        check(base, "/a/", "/docs", site("/", None));
        check(base, "/a/", "/other/", Destination::OutsideBase);
        check(base, "/a/", "../../x/", Destination::OutsideBase);
        check(base, "/a/", "../b/", site("/b/", None));
        check(base, "/a/", "https://example.org/docs/b/", site("/b/", None));
        check(base, "/a/", "https://example.org/docsx/", Destination::External);
    }

    #[test]
    fn leaves_other_schemes_alone() {
        let base = "https://example.org";
        check(base, "/", "http://other.org/", Destination::External);
        check(base, "/", "//cdn.example/x.js", Destination::External);
        check(base, "/", "mailto:a@example.org", Destination::Ignored);
        check(base, "/", "@/a.md#b", Destination::Ignored);
        check(base, "/", "data:image/png;base64,xx", Destination::Ignored);
    }

    #[test]
    fn output_files_have_canonical_site_paths() {
        assert_eq!(site_path_of_output("index.html"), "/");
        assert_eq!(site_path_of_output("a/b/index.html"), "/a/b/");
        assert_eq!(site_path_of_output("style.css"), "/style.css");
        assert_eq!(site_path_of_output("404.html"), "/404.html");
        assert_eq!(site_path_of_output("a/myindex.html"), "/a/myindex.html");
    }
}
