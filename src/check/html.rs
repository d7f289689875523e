//! A small HTML scanner for link checking: rendered HTML in, every `href`/`src` it holds and every
//! `id` it declares out. Not a parser: it never builds a tree and ignores text, comments and scripts.

use super::site_url::trim;
use crate::text::html::{find_closing_tag, read_attributes, tag_name_length, AttributeValue};
use memchr::{memchr, memmem};
use rustc_hash::FxHashSet;
use std::borrow::Cow;

/// What one HTML file links to and which fragments it offers; links borrow from the HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScannedHtml<'h> {
    pub links: Vec<HtmlLink<'h>>,
    /// `id` attributes, and `name` of `<a name>` anchors.
    pub ids: FxHashSet<String>,
}

/// A URL found in an attribute, with HTML character references already decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlLink<'h> {
    pub url: Cow<'h, str>,
    /// The attribute value exactly as written in the HTML, to find it in a template's source.
    pub raw: &'h str,
}

/// Every link and id of `html`. Links of `<link rel="preconnect|dns-prefetch">` are hints, not links, and
/// are left out; so is `<base href>`.
pub fn scan_html(html: &str) -> ScannedHtml<'_> {
    // Rendered pages hold about a link per 200 bytes (a sidebar, a table of contents): growing the list from
    // empty would copy it eight times a page.
    let mut scanned = ScannedHtml { links: Vec::with_capacity(html.len() / 200), ..ScannedHtml::default() };
    // The attributes of the tag being read that matter for links or ids; reused from tag to tag.
    let mut attributes = Vec::new();
    // Works on bytes; every offset it slices `html` at is next to an ASCII byte, so on a char boundary.
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(start) = next_tag(bytes, i) {
        let after = start + 1;
        match bytes.get(after) {
            Some(b'/') => {
                // A closing tag: nothing to record, and no `<` in its name or its `>`.
                i = after + 1 + tag_name_length(&bytes[after + 1..]);
                if bytes.get(i) == Some(&b'>') {
                    i += 1;
                }
                continue;
            }
            Some(b'!') if bytes[start..].starts_with(b"<!--") => {
                i = match memmem::find(&bytes[start..], b"-->") {
                    Some(end) => start + end + 3,
                    None => return scanned,
                };
                continue;
            }
            _ => {}
        }
        let name_end = after + tag_name_length(&bytes[after..]);
        if name_end == after {
            i = after; // a `<` in text
            continue;
        }
        let tag = Tag::named(&bytes[after..name_end]);
        if bytes.get(name_end) == Some(&b'>') {
            i = name_end + 1; // no attributes (`<li>`, `<p>`): nothing to record
        } else {
            attributes.clear();
            i = read_attributes(html, name_end, |name, value| {
                let name = AttributeName::of(name.as_bytes());
                if let (Some(value), false) = (value, name == AttributeName::Other) {
                    attributes.push((name, value));
                }
            });
            record(tag, &attributes, &mut scanned);
        }
        // Script and style bodies are not HTML: skip to their closing tag.
        let raw_text = match tag {
            Tag::Script => "script",
            Tag::Style => "style",
            _ => continue,
        };
        i = find_closing_tag(bytes, i, raw_text).unwrap_or(html.len());
    }
    scanned
}

/// Offset of the next `<` at or after `from`. Two tags in three follow the previous one at once or after a
/// line break (`</a></li>\n<li>`): those two bytes are looked at before paying for memchr's setup.
fn next_tag(bytes: &[u8], from: usize) -> Option<usize> {
    match bytes.get(from..from + 2) {
        Some([b'<', _]) => Some(from),
        Some([_, b'<']) => Some(from + 1),
        _ => memchr(b'<', bytes.get(from..)?).map(|found| from + found),
    }
}

fn record<'h>(tag: Tag, attributes: &[(AttributeName, AttributeValue<'h>)], scanned: &mut ScannedHtml<'h>) {
    for (name, value) in attributes {
        if *name == AttributeName::Id || (tag == Tag::A && *name == AttributeName::Name) {
            scanned.ids.insert(value.decode(value.text).into_owned());
        }
    }
    let attribute = |name: AttributeName| attributes.iter().find(|(known, _)| *known == name).map(|(_, value)| value);
    let mut push = |value: &AttributeValue<'h>, raw: &'h str| {
        let url = value.decode(trim(raw));
        if url.is_empty() {
            return; // the page itself
        }
        scanned.links.push(HtmlLink { url, raw });
    };
    match tag {
        Tag::A | Tag::Area => {
            if let Some(href) = attribute(AttributeName::Href) {
                push(href, href.text);
            }
        }
        Tag::Link => {
            let rel = attribute(AttributeName::Rel).map_or(String::new(), |rel| rel.text.to_ascii_lowercase());
            let hint = rel.split_ascii_whitespace().any(|r| matches!(r, "preconnect" | "dns-prefetch"));
            if let (Some(href), false) = (attribute(AttributeName::Href), hint) {
                push(href, href.text);
            }
        }
        Tag::Media | Tag::Script => {
            if let Some(src) = attribute(AttributeName::Src) {
                push(src, src.text);
            }
            if let Some(srcset) = attribute(AttributeName::Srcset) {
                for candidate in srcset.text.split(',') {
                    if let Some(url) = candidate.split_ascii_whitespace().next() {
                        push(srcset, url);
                    }
                }
            }
        }
        Tag::Style | Tag::Other => {}
    }
}

/// The tags the scanner tells apart: those with links, those whose body is not HTML, and the rest.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tag {
    /// `<a>`: `href`, and `name` declares an anchor.
    A,
    /// `<area>`: `href`.
    Area,
    /// `<link>`: `href`, unless `rel` makes it a hint.
    Link,
    /// `src` and `srcset`: images, media, frames.
    Media,
    /// `src`, and a body that is not HTML.
    Script,
    /// A body that is not HTML.
    Style,
    Other,
}

impl Tag {
    /// Matched in any case; most names are ruled out by their length alone.
    fn named(name: &[u8]) -> Tag {
        let is = |known: &[u8]| name.eq_ignore_ascii_case(known);
        match name.len() {
            1 if is(b"a") => Tag::A,
            3 if is(b"img") => Tag::Media,
            4 if is(b"area") => Tag::Area,
            4 if is(b"link") => Tag::Link,
            5 if is(b"style") => Tag::Style,
            5 if is(b"audio") || is(b"video") || is(b"embed") || is(b"track") => Tag::Media,
            6 if is(b"script") => Tag::Script,
            6 if is(b"iframe") || is(b"source") => Tag::Media,
            _ => Tag::Other,
        }
    }
}

/// The attribute names the scanner reads values of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AttributeName {
    Id,
    Name,
    Href,
    Src,
    Srcset,
    Rel,
    Other,
}

impl AttributeName {
    /// Matched in any case; most names are ruled out by their length alone.
    fn of(name: &[u8]) -> AttributeName {
        let is = |known: &[u8]| name.eq_ignore_ascii_case(known);
        match name.len() {
            2 if is(b"id") => AttributeName::Id,
            3 if is(b"src") => AttributeName::Src,
            3 if is(b"rel") => AttributeName::Rel,
            4 if is(b"href") => AttributeName::Href,
            4 if is(b"name") => AttributeName::Name,
            6 if is(b"srcset") => AttributeName::Srcset,
            _ => AttributeName::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(html: &str) -> Vec<String> {
        scan_html(html).links.into_iter().map(|l| l.url.into_owned()).collect()
    }

    fn ids(html: &str) -> Vec<String> {
        let mut ids: Vec<String> = scan_html(html).ids.into_iter().collect();
        ids.sort();
        ids
    }

    #[test]
    fn finds_links_of_every_kind() {
        let html = r##"<link rel="stylesheet" href="/style.css"><a class=x href="/a/">A</a>
<img alt="" src='img.png' srcset="small.png 1x, big.png 2x"><script src=/app.js></script>
<A HREF="#top">up</A><area href="map/">"##;
        assert_eq!(urls(html), ["/style.css", "/a/", "img.png", "small.png", "big.png", "/app.js", "#top", "map/"]);
    }

    #[test]
    fn decodes_character_references() {
        assert_eq!(
            urls(r#"<a href="https:&#x2F;&#x2F;example.org&#x2F;a?b=1&amp;c=2">x</a>"#),
            ["https://example.org/a?b=1&c=2"]
        );
    }

    #[test]
    fn skips_comments_scripts_and_hints() {
        let html = r#"<!-- <a href="/commented/"> --><script>let a = '<a href="/in-script/">';</script>
<style>a[href="/in-style/"]{}</style><link rel="preconnect" href="https://fonts.example">
<p>1 < 2 and <a href="/kept/">kept</a></p>"#;
        assert_eq!(urls(html), ["/kept/"]);
    }

    #[test]
    fn matches_tag_names_in_any_case() {
        let html = r#"<IMG SRC=a.png><Link Rel="DNS-Prefetch" href="/hint"><imgx src="/not-a-tag-with-links">
<SCRIPT src="/s.js">let a = '<a href="/in-script/">';</Script><AREA href="/area/"><Video src="/v.mp4">"#;
        assert_eq!(urls(html), ["a.png", "/s.js", "/area/", "/v.mp4"]);
    }

    #[test]
    fn collects_ids_and_named_anchors() {
        let html = r#"<h2 id="intro">Intro</h2><a name="old-anchor"></a><input name="q"><div ID='x&amp;y'>"#;
        assert_eq!(ids(html), ["intro", "old-anchor", "x&y"]);
    }

    #[test]
    fn survives_broken_markup() {
        assert_eq!(urls("<a href=\"/open"), ["/open"]);
        assert_eq!(urls("<a href="), Vec::<String>::new());
        assert_eq!(urls("<a = = href=/x/>"), ["/x/"]);
        assert_eq!(urls("<script>never closed <a href=/no/>"), Vec::<String>::new());
    }
}
