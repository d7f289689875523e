//! A small HTML scanner for link checking: rendered HTML in, every `href`/`src` it holds and every
//! `id` it declares out. Not a parser: it never builds a tree and ignores text, comments and scripts.

use memchr::{memchr, memchr2, memmem};
use std::borrow::Cow;
use std::collections::HashSet;

/// What one HTML file links to and which fragments it offers; links borrow from the HTML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScannedHtml<'h> {
    pub links: Vec<HtmlLink<'h>>,
    /// `id` attributes, and `name` of `<a name>` anchors.
    pub ids: HashSet<String>,
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
    let mut scanned = ScannedHtml::default();
    let mut attributes = Vec::new();
    // Works on bytes; every offset it slices `html` at is next to an ASCII byte, so on a char boundary.
    let bytes = html.as_bytes();
    let mut i = 0;
    while let Some(start) = next_tag(bytes, i) {
        if bytes[start..].starts_with(b"<!--") {
            i = match memmem::find(&bytes[start..], b"-->") {
                Some(end) => start + end + 3,
                None => return scanned,
            };
            continue;
        }
        if bytes.get(start + 1) == Some(&b'/') {
            // A closing tag: nothing to record, and no `<` in its name or its `>`.
            i = start + 2 + name_length(&bytes[start + 2..]);
            if bytes.get(i) == Some(&b'>') {
                i += 1;
            }
            continue;
        }
        let name_end = start + 1 + name_length(&bytes[start + 1..]);
        if name_end == start + 1 {
            i = start + 1; // a `<` in text
            continue;
        }
        let name = &html[start + 1..name_end];
        if bytes.get(name_end) == Some(&b'>') {
            i = name_end + 1; // no attributes (`<li>`, `<p>`): nothing to record
        } else {
            i = read_attributes(html, name_end, &mut attributes);
            record(name, &attributes, &mut scanned);
        }
        // Script and style bodies are not HTML: skip to their closing tag.
        if name.eq_ignore_ascii_case("script") || name.eq_ignore_ascii_case("style") {
            i = find_closing(bytes, i, name).unwrap_or(html.len());
        }
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

/// Length of the tag name `bytes` starts with.
fn name_length(bytes: &[u8]) -> usize {
    bytes.iter().position(|b| !b.is_ascii_alphanumeric()).unwrap_or(bytes.len())
}

/// Decodes the character references found in attribute values (`&amp;`, `&#x2F;`, `&#39;`...).
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if memchr(b'&', text.as_bytes()).is_none() {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let reference = rest[1..].find(';').filter(|&end| end <= 10).map(|end| &rest[1..1 + end]);
        let decoded = reference.and_then(|r| match r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => {
                let number = r.strip_prefix('#')?;
                let code = match number.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => number.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (decoded, reference) {
            (Some(c), Some(r)) => {
                out.push(c);
                rest = &rest[r.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

struct Attribute<'a> {
    name: &'a str,
    value: &'a str,
    /// Whether `value` has a `&`, so may hold character references: few values do.
    references: bool,
}

impl<'a> Attribute<'a> {
    /// `text`, a part of the value, with its character references decoded.
    fn decode(&self, text: &'a str) -> Cow<'a, str> {
        if self.references {
            decode_entities(text)
        } else {
            text.into()
        }
    }
}

/// Fills `attributes` (cleared first, reused from tag to tag) with those of the tag whose name ends at `i`;
/// returns the offset after its `>`.
fn read_attributes<'h>(html: &'h str, mut i: usize, attributes: &mut Vec<Attribute<'h>>) -> usize {
    attributes.clear();
    let bytes = html.as_bytes();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let name_start = i;
        while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b'/') && !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= bytes.len() || bytes[i] != b'=' {
            if name.is_empty() {
                i += 1; // a stray character; never loop on it
            }
            continue;
        }
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let (value, references) = match bytes.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                let value_start = i + 1;
                // The closing quote and any `&` before it, in one search.
                let mut references = false;
                let mut end = value_start;
                let end = loop {
                    match memchr2(quote, b'&', &bytes[end..]) {
                        Some(found) if bytes[end + found] == b'&' => {
                            references = true;
                            end += found + 1;
                        }
                        Some(found) => break end + found,
                        None => break html.len(),
                    }
                };
                i = (end + 1).min(html.len());
                (&html[value_start..end], references)
            }
            _ => {
                let value_start = i;
                while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                (&html[value_start..i], bytes[value_start..i].contains(&b'&'))
            }
        };
        attributes.push(Attribute { name, value, references });
    }
}

fn record<'h>(tag: &str, attributes: &[Attribute<'h>], scanned: &mut ScannedHtml<'h>) {
    let anchor = tag.eq_ignore_ascii_case("a");
    for a in attributes {
        if a.name.eq_ignore_ascii_case("id") || (anchor && a.name.eq_ignore_ascii_case("name")) {
            scanned.ids.insert(a.decode(a.value).into_owned());
        }
    }
    let attribute = |name: &str| attributes.iter().find(|a| a.name.eq_ignore_ascii_case(name));
    let mut push = |attribute: &Attribute<'h>, raw: &'h str| {
        let url = attribute.decode(trim(raw));
        if url.is_empty() {
            return; // the page itself
        }
        scanned.links.push(HtmlLink { url, raw });
    };
    match link_attributes(tag) {
        LinkAttributes::None => {}
        LinkAttributes::Href => {
            if let Some(href) = attribute("href") {
                push(href, href.value);
            }
        }
        LinkAttributes::HrefUnlessHint => {
            let rel = attribute("rel").map_or(String::new(), |rel| rel.value.to_ascii_lowercase());
            let hint = rel.split_ascii_whitespace().any(|r| matches!(r, "preconnect" | "dns-prefetch"));
            if let (Some(href), false) = (attribute("href"), hint) {
                push(href, href.value);
            }
        }
        LinkAttributes::Src => {
            if let Some(src) = attribute("src") {
                push(src, src.value);
            }
            if let Some(srcset) = attribute("srcset") {
                for candidate in srcset.value.split(',') {
                    if let Some(url) = candidate.split_ascii_whitespace().next() {
                        push(srcset, url);
                    }
                }
            }
        }
    }
}

/// `str::trim`, skipping its Unicode tables when both ends are visible ASCII, as in almost every URL.
fn trim(text: &str) -> &str {
    match (text.as_bytes().first(), text.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => text,
        _ => text.trim(),
    }
}

/// Which attributes of a tag hold links.
enum LinkAttributes {
    None,
    /// `href`: `<a>`, `<area>`.
    Href,
    /// `href`, unless `rel` makes it a hint: `<link>`.
    HrefUnlessHint,
    /// `src` and `srcset`: images, scripts, media, frames.
    Src,
}

/// Tag names are matched in any case; a page has many tags, so the name is lowercased once, on the stack.
fn link_attributes(tag: &str) -> LinkAttributes {
    let mut buffer = [0u8; 6];
    let Some(lower) = buffer.get_mut(..tag.len()) else {
        return LinkAttributes::None; // longer than any tag with links
    };
    lower.copy_from_slice(tag.as_bytes());
    lower.make_ascii_lowercase();
    match &*lower {
        b"a" | b"area" => LinkAttributes::Href,
        b"link" => LinkAttributes::HrefUnlessHint,
        b"img" | b"script" | b"iframe" | b"source" | b"audio" | b"video" | b"embed" | b"track" => LinkAttributes::Src,
        _ => LinkAttributes::None,
    }
}

/// Offset of `</name` (any case) at or after `from`.
fn find_closing(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut i = from;
    while i + 2 + name.len() <= bytes.len() {
        let found = memmem::find(&bytes[i..], b"</")?;
        let at = i + found;
        let candidate = bytes.get(at + 2..at + 2 + name.len())?;
        if candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(at);
        }
        i = at + 2;
    }
    None
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
        assert_eq!(decode_entities("a &unknown; &#39;b&#39; &"), "a &unknown; 'b' &");
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
