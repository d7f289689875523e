//! A page's rendered body HTML in, its text cut at headings out: body text streamed to a callback,
//! plus each heading's id and text and a short excerpt per section. Never tokenizes, never renders HTML.

use crate::text::decode_entities;
use crate::text::html::find_closing_tag;

/// Characters of prose kept per section for excerpts (the full text is only tokenized).
pub const EXCERPT_CHARS: usize = 140;

#[derive(Debug, Default, PartialEq)]
pub struct PageText {
    /// Text before the first heading.
    pub intro: Section,
    pub sections: Vec<Section>,
}

#[derive(Debug, Default, PartialEq)]
pub struct Section {
    /// The heading's `id` attribute ("" for the intro or a heading without one).
    pub id: String,
    /// The heading's text without its anchor link ("" for the intro).
    pub heading: String,
    /// The first `EXCERPT_CHARS` or so of prose (no code blocks), whole words, for showing.
    pub excerpt: String,
}

/// Splits `html` into sections at `<h1>`…`<h6>`; drops tags, comments, `<script>`/`<style>` bodies
/// and heading anchor links (`<a class="anchor">`), and decodes character references.
/// All body text, code included, goes to `on_text(section, text)` block by block (section 0 is the
/// intro, `i` the text under the `i`-th heading); the whole text is never held at once.
pub fn extract_text(html: &str, mut on_text: impl FnMut(usize, &str)) -> PageText {
    let mut page = PageText::default();
    let mut state = State::default();
    let on_text = &mut on_text;
    let bytes = html.as_bytes();
    // Text runs between tags are short, so one plain byte loop (which also notes any `&`) beats
    // a memchr call per run.
    let mut text_start = 0;
    let mut has_reference = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => {}
            b'&' => {
                has_reference = true;
                i += 1;
                continue;
            }
            _ => {
                i += 1;
                continue;
            }
        }
        if i > text_start {
            current(&mut page).push_text(&html[text_start..i], has_reference, &mut state);
        }
        has_reference = false;
        if bytes[i + 1..].starts_with(b"!--") {
            i = html[i + 4..].find("-->").map_or(bytes.len(), |end| i + 4 + end + 3);
            text_start = i;
            continue;
        }
        let Some(length) = bytes[i + 1..].iter().position(|&b| b == b'>') else {
            // A lone `<` in text (not a tag): keep it as text.
            text_start = i;
            has_reference = html[i..].contains('&');
            break;
        };
        let tag = Tag::parse(&html[i + 1..i + 1 + length]);
        i += length + 2;
        text_start = i;
        if let (Kind::Raw(name), false) = (tag.kind, tag.closing) {
            i = find_closing_tag(bytes, i, name).unwrap_or(bytes.len());
            text_start = i;
            continue;
        }
        state.apply(&tag, &mut page, on_text);
    }
    if text_start < bytes.len() {
        current(&mut page).push_text(&html[text_start..], has_reference, &mut state);
    }
    state.flush(&page, on_text);
    page.intro.finish();
    for section in &mut page.sections {
        section.finish();
    }
    page
}

#[derive(Default)]
struct State {
    in_heading: bool,
    /// Depth inside `<a class="anchor">` (skipped) and `<pre>` (indexed but not excerpted).
    in_anchor: u32,
    in_pre: u32,
    /// Body text of the current block, so words split by inline tags stay whole.
    pending: String,
}

struct Tag {
    kind: Kind,
    closing: bool,
    id: Option<String>,
    is_anchor: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Heading,
    A,
    Pre,
    /// `<script>`/`<style>` (the name given): skip to its closing tag.
    Raw(&'static str),
    /// Text flows through it ("un<em>believ</em>able" is one word).
    Inline,
    /// Separates words.
    Block,
}

impl Tag {
    fn parse(inside: &str) -> Tag {
        let closing = inside.starts_with('/');
        let body = inside.trim_start_matches('/');
        let name_end = body.bytes().position(|b| b.is_ascii_whitespace() || b == b'/').unwrap_or(body.len());
        let kind = classify(&body[..name_end]);
        let attributes = &body[name_end..];
        let id = (kind == Kind::Heading && !closing)
            .then(|| attribute(attributes, "id").map(|id| decode_entities(id).into_owned()))
            .flatten();
        let is_anchor = kind == Kind::A
            && !closing
            && attribute(attributes, "class").is_some_and(|class| class.split_whitespace().any(|c| c == "anchor"));
        Tag { kind, closing, id, is_anchor }
    }
}

fn classify(name: &str) -> Kind {
    let mut lower = [0u8; 8];
    if name.len() > lower.len() {
        return Kind::Block;
    }
    for (to, from) in lower.iter_mut().zip(name.bytes()) {
        *to = from.to_ascii_lowercase();
    }
    match &lower[..name.len()] {
        b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => Kind::Heading,
        b"a" => Kind::A,
        b"pre" => Kind::Pre,
        b"script" => Kind::Raw("script"),
        b"style" => Kind::Raw("style"),
        b"abbr" | b"b" | b"bdi" | b"bdo" | b"cite" | b"code" | b"data" | b"del" | b"dfn" | b"em" | b"i" | b"ins"
        | b"kbd" | b"mark" | b"q" | b"s" | b"samp" | b"small" | b"span" | b"strong" | b"sub" | b"sup" | b"time"
        | b"u" | b"var" | b"wbr" => Kind::Inline,
        _ => Kind::Block,
    }
}

impl State {
    fn apply(&mut self, tag: &Tag, page: &mut PageText, on_text: &mut impl FnMut(usize, &str)) {
        if matches!(tag.kind, Kind::Heading | Kind::Block | Kind::Pre) {
            self.flush(page, on_text);
        }
        match (tag.kind, tag.closing) {
            (Kind::Heading, closing) => {
                self.in_heading = !closing;
                if !closing {
                    page.sections.push(Section { id: tag.id.clone().unwrap_or_default(), ..Section::default() });
                }
                return;
            }
            (Kind::A, false) if tag.is_anchor || self.in_anchor > 0 => self.in_anchor += 1,
            (Kind::A, true) if self.in_anchor > 0 => self.in_anchor -= 1,
            (Kind::Pre, false) => self.in_pre += 1,
            (Kind::Pre, true) => self.in_pre = self.in_pre.saturating_sub(1),
            _ => {}
        }
        if matches!(tag.kind, Kind::Block | Kind::Pre) {
            let section = current(page);
            if self.in_heading {
                section.heading.push(' ');
            } else if self.in_pre == 0 || tag.kind == Kind::Pre {
                section.excerpt.push(' ');
            }
        }
    }

    fn flush(&mut self, page: &PageText, on_text: &mut impl FnMut(usize, &str)) {
        if !self.pending.is_empty() {
            on_text(page.sections.len(), &self.pending);
            self.pending.clear();
        }
    }
}

fn current(page: &mut PageText) -> &mut Section {
    page.sections.last_mut().unwrap_or(&mut page.intro)
}

impl Section {
    fn push_text(&mut self, raw: &str, has_reference: bool, state: &mut State) {
        if state.in_anchor > 0 {
            return;
        }
        let decoded;
        let text = if has_reference {
            decoded = decode_entities(raw);
            decoded.as_ref()
        } else {
            raw
        };
        if state.in_heading {
            self.heading.push_str(text);
            return;
        }
        state.pending.push_str(text);
        // Excerpts only need their first words: copy up to three bytes per character shown (all
        // a CJK excerpt needs; ASCII prose gets slack for collapsed whitespace).
        let room = (EXCERPT_CHARS * 3).saturating_sub(self.excerpt.len());
        if state.in_pre == 0 && room > 0 {
            let mut end = room.min(text.len());
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            self.excerpt.push_str(&text[..end]);
        }
    }

    fn finish(&mut self) {
        self.heading = collapse_whitespace(&self.heading);
        self.excerpt = shorten(&collapse_whitespace_upto(&self.excerpt, EXCERPT_CHARS), EXCERPT_CHARS);
    }
}

/// Collapses runs of whitespace into one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    collapse_whitespace_upto(text, usize::MAX)
}

/// `collapse_whitespace`, stopping after the first word that takes it past `max` characters.
fn collapse_whitespace_upto(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max.saturating_mul(4)));
    let mut chars = 0;
    if text.is_ascii() {
        // The common case, byte by byte: a character is a byte and whitespace is ASCII.
        let mut space = false;
        for &b in text.as_bytes() {
            if b.is_ascii_whitespace() {
                space = !out.is_empty();
                continue;
            }
            if space {
                if chars > max {
                    break;
                }
                out.push(' ');
                chars += 1;
                space = false;
            }
            out.push(char::from(b));
            chars += 1;
        }
        return out;
    }
    let words = text.split(|c: char| c.is_ascii_whitespace() || (!c.is_ascii() && c.is_whitespace()));
    for word in words.filter(|word| !word.is_empty()) {
        if chars > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += if word.is_ascii() { word.len() } else { word.chars().count() };
    }
    out
}

/// Cuts `text` after about `max` characters at a word boundary, adding "…" when it cut.
pub fn shorten(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let head = &text[..cut];
    let head = match head.rfind(' ') {
        Some(space) if space > cut / 2 => &head[..space],
        _ => head,
    };
    format!("{}…", head.trim_end_matches(|c: char| c.is_ascii_punctuation() || c == ' '))
}

/// The value of attribute `name` in the attribute part of a tag (quoted or not).
fn attribute<'a>(attributes: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attributes;
    while let Some(at) = find_ascii_ci(rest, name) {
        let before_ok = at == 0 || rest.as_bytes()[at - 1].is_ascii_whitespace();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !before_ok {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        return Some(match value.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = &value[1..];
                &inner[..inner.find(quote).unwrap_or(inner.len())]
            }
            _ => &value[..value.find(|c: char| c.is_ascii_whitespace()).unwrap_or(value.len())],
        });
    }
    None
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack.as_bytes().windows(needle.len()).position(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page and its body text per section.
    fn extract(html: &str) -> (PageText, Vec<String>) {
        let mut texts: Vec<String> = Vec::new();
        let page = extract_text(html, |section, text| {
            if texts.len() <= section {
                texts.resize(section + 1, String::new());
            }
            texts[section].push_str(text);
            texts[section].push(' ');
        });
        (page, texts)
    }

    #[test]
    fn headings_split_sections_and_anchor_links_are_dropped() {
        let (page, _) = extract(concat!(
            "<p>Intro <em>text</em>.</p>",
            r##"<h2 id="setup">Set up <a class="anchor" href="#setup" aria-label="Link to this section">#</a></h2>"##,
            "<p>Install it.</p><ul><li>one</li><li>two</li></ul>",
        ));
        assert_eq!(page.intro.excerpt, "Intro text.");
        assert_eq!(page.sections.len(), 1);
        assert_eq!(page.sections[0].id, "setup");
        assert_eq!(page.sections[0].heading, "Set up");
        assert_eq!(page.sections[0].excerpt, "Install it. one two");
    }

    #[test]
    fn excerpts_strip_tags_scripts_and_comments_and_decode_entities() {
        let (page, texts) = extract(
            "<p>a &lt;b&gt; &amp; &#169;&#x41;<!-- hidden --><script>alert(1)</script><style>p{}</style> end</p>",
        );
        assert_eq!(page.intro.excerpt, "a <b> & ©A end");
        assert!(!texts[0].contains("alert"));
    }

    #[test]
    fn code_blocks_are_indexed_but_not_excerpted() {
        let (page, texts) =
            extract("<p>Before</p><pre><code><span class=\"hl-k\">let</span> x</code></pre><p>After</p>");
        assert_eq!(page.intro.excerpt, "Before After");
        assert!(texts[0].contains("let x"));
    }

    #[test]
    fn long_excerpts_are_cut_at_a_word() {
        let words = "word ".repeat(100);
        let (page, _) = extract(&format!("<p>{words}</p>"));
        assert!(page.intro.excerpt.ends_with("word…"));
        assert!(page.intro.excerpt.chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn stray_brackets_stay_text() {
        assert_eq!(extract("1 < 2").0.intro.excerpt, "1 < 2");
    }
}
