//! A page's rendered body HTML in, its text cut at headings out: the intro before the first heading
//! and one `Section` per heading (id, heading text, body text). Never tokenizes and never renders HTML.

/// Characters of prose kept per section for excerpts (the full text is only tokenized).
pub const EXCERPT_CHARS: usize = 160;

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
    /// All text under the heading, code included, words separated by single spaces.
    pub text: String,
    /// The first `EXCERPT_CHARS` or so of prose (no code blocks), whole words, for showing.
    pub excerpt: String,
}

/// Splits `html` into sections at `<h1>`…`<h6>`; drops tags, comments, `<script>`/`<style>` bodies
/// and heading anchor links (`<a class="anchor">`), and decodes character references.
pub fn extract_text(html: &str) -> PageText {
    let mut page = PageText::default();
    let mut state = State::default();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            current(&mut page).push_text(rest, &state);
            break;
        };
        if lt > 0 {
            current(&mut page).push_text(&rest[..lt], &state);
        }
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // A lone `<` in text (not a tag): keep it as text.
            current(&mut page).push_text(rest, &state);
            break;
        };
        let tag = Tag::parse(&rest[1..gt]);
        rest = &rest[gt + 1..];
        if matches!(tag.name.as_str(), "script" | "style") && !tag.closing {
            let close = format!("</{}", tag.name);
            rest = find_ascii_ci(rest, &close).map_or("", |at| &rest[at..]);
            continue;
        }
        state.apply(&tag, &mut page);
    }
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
}

struct Tag {
    name: String,
    closing: bool,
    id: Option<String>,
    is_anchor: bool,
}

impl Tag {
    fn parse(inside: &str) -> Tag {
        let closing = inside.starts_with('/');
        let body = inside.trim_start_matches('/');
        let name_end = body
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(body.len());
        let name = body[..name_end].to_ascii_lowercase();
        let attributes = &body[name_end..];
        let id = attribute(attributes, "id").map(decode_entities);
        let is_anchor = name == "a"
            && attribute(attributes, "class")
                .is_some_and(|class| class.split_whitespace().any(|c| c == "anchor"));
        Tag {
            name,
            closing,
            id,
            is_anchor,
        }
    }

    fn heading_level(&self) -> bool {
        matches!(self.name.as_str(), "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    }

    fn is_inline(&self) -> bool {
        matches!(
            self.name.as_str(),
            "a" | "abbr"
                | "b"
                | "bdi"
                | "bdo"
                | "cite"
                | "code"
                | "data"
                | "del"
                | "dfn"
                | "em"
                | "i"
                | "ins"
                | "kbd"
                | "mark"
                | "q"
                | "s"
                | "samp"
                | "small"
                | "span"
                | "strong"
                | "sub"
                | "sup"
                | "time"
                | "u"
                | "var"
                | "wbr"
        )
    }
}

impl State {
    fn apply(&mut self, tag: &Tag, page: &mut PageText) {
        if tag.heading_level() {
            self.in_heading = !tag.closing;
            if !tag.closing {
                page.sections.push(Section {
                    id: tag.id.clone().unwrap_or_default(),
                    ..Section::default()
                });
            }
            return;
        }
        match (tag.name.as_str(), tag.closing) {
            ("a", false) if tag.is_anchor || self.in_anchor > 0 => self.in_anchor += 1,
            ("a", true) if self.in_anchor > 0 => self.in_anchor -= 1,
            ("pre", false) => self.in_pre += 1,
            ("pre", true) => self.in_pre = self.in_pre.saturating_sub(1),
            _ => {}
        }
        if !tag.is_inline() {
            let section = current(page);
            if self.in_heading {
                section.heading.push(' ');
            } else {
                section.text.push(' ');
                if self.in_pre == 0 || tag.name == "pre" {
                    section.excerpt.push(' ');
                }
            }
        }
    }
}

fn current(page: &mut PageText) -> &mut Section {
    page.sections.last_mut().unwrap_or(&mut page.intro)
}

impl Section {
    fn push_text(&mut self, raw: &str, state: &State) {
        if state.in_anchor > 0 {
            return;
        }
        let decoded;
        let text = if raw.contains('&') {
            decoded = decode_entities(raw);
            decoded.as_str()
        } else {
            raw
        };
        if state.in_heading {
            self.heading.push_str(text);
            return;
        }
        self.text.push_str(text);
        // Excerpts only need their first words; stop copying well past the limit.
        if state.in_pre == 0 && self.excerpt.len() < EXCERPT_CHARS * 4 {
            self.excerpt.push_str(text);
        }
    }

    fn finish(&mut self) {
        self.heading = collapse_whitespace(&self.heading);
        self.excerpt = shorten(&collapse_whitespace(&self.excerpt), EXCERPT_CHARS);
    }
}

/// Collapses runs of whitespace into one space and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
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
    format!(
        "{}…",
        head.trim_end_matches(|c: char| c.is_ascii_punctuation() || c == ' ')
    )
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
            _ => {
                &value[..value
                    .find(|c: char| c.is_ascii_whitespace())
                    .unwrap_or(value.len())]
            }
        });
    }
    None
}

fn find_ascii_ci(haystack: &str, needle: &str) -> Option<usize> {
    let needle = needle.as_bytes();
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// Decodes `&amp;`-style named references (the common ones) and numeric references.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest[1..]
            .find(';')
            .filter(|&end| end <= 32)
            .and_then(|end| {
                let name = &rest[1..=end];
                decode_reference(name).map(|c| (c, end + 2))
            });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "middot" => '·',
        "times" => '×',
        "rarr" => '→',
        "larr" => '←',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_split_sections_and_anchor_links_are_dropped() {
        let page = extract_text(concat!(
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
        let page = extract_text(
            "<p>a &lt;b&gt; &amp; &#169;&#x41;<!-- hidden --><script>alert(1)</script><style>p{}</style> end</p>",
        );
        assert_eq!(page.intro.excerpt, "a <b> & ©A end");
        assert!(!page.intro.text.contains("alert"));
    }

    #[test]
    fn code_blocks_are_indexed_but_not_excerpted() {
        let page = extract_text(
            "<p>Before</p><pre><code><span class=\"hl-k\">let</span> x</code></pre><p>After</p>",
        );
        assert_eq!(page.intro.excerpt, "Before After");
        assert!(page.intro.text.contains("let x"));
    }

    #[test]
    fn long_excerpts_are_cut_at_a_word() {
        let words = "word ".repeat(100);
        let page = extract_text(&format!("<p>{words}</p>"));
        assert!(page.intro.excerpt.ends_with("word…"));
        assert!(page.intro.excerpt.chars().count() <= EXCERPT_CHARS + 1);
    }

    #[test]
    fn unknown_entities_and_stray_brackets_stay_text() {
        assert_eq!(decode_entities("a &bogus; b & c"), "a &bogus; b & c");
        assert_eq!(extract_text("1 < 2").intro.excerpt, "1 < 2");
    }
}
