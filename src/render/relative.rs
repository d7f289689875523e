//! Rewrites a rendered page's absolute links to the site into links relative to that page, with an explicit
//! `index.html`, so the output works opened from disk (`file://`) or from any folder of any host.

/// `html` of the page at `output_path` (`a/b/index.html`) with every `href`, `src` and refresh `url=` that starts
/// with `base_url` (no trailing slash) made relative. Other URLs are left alone.
pub fn make_links_relative(html: &str, output_path: &str, base_url: &str) -> String {
    // `&#x2F;` is how some escapers write `/`; the same character either way, so compare plain text.
    let decoded;
    let html = if html.contains("&#x2F;") {
        decoded = html.replace("&#x2F;", "/");
        decoded.as_str()
    } else {
        html
    };
    let depth = output_path.matches('/').count();
    let up = "../".repeat(depth);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = next_url(rest) {
        let (before, after) = rest.split_at(start);
        out.push_str(before);
        let end = after.find(['"', '\'', ' ', '>']).unwrap_or(after.len());
        let url = &after[..end];
        let in_site = |r: &&str| (r.is_empty() || r.starts_with(['/', '#', '?'])) && !r.starts_with("//");
        match url.strip_prefix(base_url).filter(in_site) {
            Some(site_path) => out.push_str(&relative(site_path, &up)),
            None => out.push_str(url),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Byte offset of the next attribute value that holds a URL: after `href="`, `src="` or `url=`.
fn next_url(text: &str) -> Option<usize> {
    ["href=\"", "src=\"", "href='", "src='", "url="]
        .iter()
        .filter_map(|marker| text.find(marker).map(|i| i + marker.len()))
        .min()
}

/// `/a/b/#x` → `../../a/b/index.html#x` for a page `up` levels deep.
fn relative(site_path: &str, up: &str) -> String {
    let (path, suffix) = match site_path.find(['#', '?']) {
        Some(i) => site_path.split_at(i),
        None => (site_path, ""),
    };
    let path = path.trim_start_matches('/');
    let file = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
    format!("{up}{file}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, output_path: &str, expected: &str) {
        assert_eq!(make_links_relative(html, output_path, "https://e.org/docs"), expected);
    }

    #[test]
    fn links_become_relative_with_index_html() {
        check(r#"<a href="https://e.org/docs/a/b/">x</a>"#, "index.html", r#"<a href="a/b/index.html">x</a>"#);
        check(r#"<a href="https://e.org/docs/">x</a>"#, "a/b/index.html", r#"<a href="../../index.html">x</a>"#);
        check(r#"<a href="https://e.org/docs/a/#top">x</a>"#, "c/index.html", r#"<a href="../a/index.html#top">x</a>"#);
        check(
            r#"<link href="https://e.org/docs/style.css"><script src="https://e.org/docs/s.js">"#,
            "a/index.html",
            r#"<link href="../style.css"><script src="../s.js">"#,
        );
    }

    #[test]
    fn other_urls_are_left_alone() {
        for html in [
            r##"<a href="https://other.org/docs/">x</a>"##,
            r##"<a href="#top">x</a>"##,
            r##"<a href="https://e.org/docsx">"##,
        ] {
            check(html, "a/index.html", html);
        }
    }

    #[test]
    fn escaped_slashes_are_understood() {
        check(
            r#"<a href="https:&#x2F;&#x2F;e.org&#x2F;docs&#x2F;a&#x2F;">x</a>"#,
            "index.html",
            r#"<a href="a/index.html">x</a>"#,
        );
    }

    #[test]
    fn redirect_pages_too() {
        check(
            r#"<meta http-equiv="refresh" content="0; url=https://e.org/docs/a/">"#,
            "old/index.html",
            r#"<meta http-equiv="refresh" content="0; url=../a/index.html">"#,
        );
    }
}
