//! Markdown body of one page to HTML, plus its table of contents, heading ids and every link it contains.
//! Pure: opens no files; `@/` links are mapped by the caller's resolver and checked later by `links`.

mod highlight;

pub use highlight::stylesheet;

use crate::config::MarkdownConfig;
use crate::content::slug::slugify;
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options as Extensions, Parser, Tag, TagEnd,
};
use pulldown_cmark_escape::{escape_href, escape_html};
use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::fmt::Write as _;

/// What rendering a body produced.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    /// HTML of the part before `<!-- more -->`, if the body has that marker.
    pub summary: Option<String>,
    /// Nested headings for the page's table of contents.
    pub toc: Vec<Heading>,
    /// Every id a link may point at: headings, footnotes and `id` attributes in raw HTML.
    pub ids: FxHashSet<String>,
    pub links: Vec<Link>,
    pub word_count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub title: String,
    pub children: Vec<Heading>,
}

/// A link or image destination as written, with its byte offset in the body (for diagnostics).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    pub offset: usize,
    pub is_image: bool,
}

pub struct Options<'a> {
    /// config.toml's `[markdown]`.
    pub settings: MarkdownConfig,
    /// Maps an `@/path.md` target (without `#anchor`) to its URL; `None` leaves the link for `links` to report.
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

const MORE_MARKER: &str = "<!-- more -->";

pub fn render_markdown(body: &str, options: &Options<'_>) -> Rendered {
    let mut rendered = Rendered::default();
    rendered.html = render_into(body, options, &mut rendered);
    // memchr's searcher: these two scans read every byte of every body, and str::find is several times slower.
    if let Some(index) = memchr::memmem::find(body.as_bytes(), MORE_MARKER.as_bytes()) {
        let mut scratch = Rendered::default();
        rendered.summary = Some(render_into(&body[..index], options, &mut scratch));
    }
    rendered
}

fn extensions(options: &Options<'_>) -> Extensions {
    let mut extensions = Extensions::ENABLE_TABLES
        | Extensions::ENABLE_FOOTNOTES
        | Extensions::ENABLE_STRIKETHROUGH
        | Extensions::ENABLE_TASKLISTS
        | Extensions::ENABLE_HEADING_ATTRIBUTES
        | Extensions::ENABLE_GFM;
    if options.settings.smart_punctuation {
        extensions |= Extensions::ENABLE_SMART_PUNCTUATION;
    }
    extensions
}

/// Renders `body`, filling the toc, ids, links and word count of `rendered`; returns the HTML.
fn render_into(body: &str, options: &Options<'_>, rendered: &mut Rendered) -> String {
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(String, String)> = None;
    let mut flat_toc = Vec::new();
    let mut suffixes = HashMap::new();
    // Ids written as `{#id}` are reserved before any is generated, so an earlier heading's generated id
    // never takes one (as in Zola).
    if memchr::memmem::find(body.as_bytes(), b"{#").is_some() {
        for event in Parser::new_ext(body, extensions(options)) {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = event {
                rendered.ids.insert(id.to_string());
            }
        }
    }
    let mut parser = Parser::new_ext(body, extensions(options)).into_offset_iter();
    // Events stream into the HTML writer as they are made: a body is never held as a list of events, which
    // for a 50 MB page was hundreds of MB. Only a heading's events wait, until its id is known.
    let events = std::iter::from_fn(|| {
        for (event, range) in parser.by_ref() {
            let event = match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                    continue;
                }
                Event::Text(text) if code.is_some() => {
                    if let Some((_, buffer)) = code.as_mut() {
                        buffer.push_str(&text);
                    }
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    Event::Html(highlight::highlight_block(&text, &lang, options.settings.highlight_code).into())
                }
                Event::Start(Tag::Heading { level, id, classes, .. }) => {
                    heading = Some(OpenHeading { level, id, classes, events: Vec::new(), title: String::new() });
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => match heading.take() {
                    Some(open) => {
                        let (html, entry) = open.close(&mut rendered.ids, &mut suffixes);
                        flat_toc.push(entry);
                        Event::Html(html.into())
                    }
                    None => continue,
                },
                Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
                    rendered.links.push(Link { target: dest_url.to_string(), offset: range.start, is_image: false });
                    link_start(link_type, dest_url, title, id, options)
                }
                Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
                    rendered.links.push(Link { target: dest_url.to_string(), offset: range.start, is_image: true });
                    let dest_url = safe_url(&dest_url, true).map_or(dest_url, CowStr::from);
                    Event::Start(Tag::Image { link_type, dest_url, title, id })
                }
                Event::Start(Tag::BlockQuote(Some(kind))) => Event::Html(callout_open(kind).into()),
                Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
                Event::Html(html) | Event::InlineHtml(html) if !options.settings.render_raw_html => Event::Text(html),
                Event::Html(html) => {
                    collect_html_ids(&html, &mut rendered.ids);
                    Event::Html(html)
                }
                Event::InlineHtml(html) => {
                    collect_html_ids(&html, &mut rendered.ids);
                    Event::InlineHtml(html)
                }
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    rendered.ids.insert(name.to_string());
                    Event::Start(Tag::FootnoteDefinition(name))
                }
                other => other,
            };
            if let Event::Text(text) | Event::Code(text) = &event {
                rendered.word_count += count_words(text);
                if let Some(open) = heading.as_mut() {
                    open.title.push_str(text);
                }
            }
            match heading.as_mut() {
                Some(open) => open.events.push(event),
                None => return Some(event),
            }
        }
        None
    });
    let mut html = String::with_capacity(body.len() + body.len() / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    rendered.toc = nest_headings(flat_toc);
    // Bodies stay in memory for the whole build: return the estimate's slack.
    html.shrink_to_fit();
    html
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    events: Vec<Event<'a>>,
    title: String,
}

impl OpenHeading<'_> {
    /// The heading's HTML with its id and anchor link, and its table-of-contents entry.
    fn close(self, ids: &mut FxHashSet<String>, suffixes: &mut HashMap<String, usize>) -> (String, Heading) {
        let id = match self.id {
            Some(id) => id.to_string(),
            None => unique_id(&self.title, ids, suffixes),
        };
        ids.insert(id.clone());
        let level = self.level as u32;
        // One string, sized for the usual heading: its text, the id twice and the anchor link.
        let mut html = String::with_capacity(96 + 2 * id.len() + 2 * self.title.len());
        let _ = write!(html, "<h{level} id=\"");
        let _ = escape_html(&mut html, &id);
        html.push('"');
        if !self.classes.is_empty() {
            html.push_str(" class=\"");
            let _ = escape_html(&mut html, &self.classes.join(" "));
            html.push('"');
        }
        html.push('>');
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        html.truncate(html.trim_end().len());
        html.push_str(" <a class=\"anchor\" href=\"#");
        let _ = escape_href(&mut html, &id);
        let _ = writeln!(html, "\" aria-label=\"Link to this section\">#</a></h{level}>");
        let mut title = self.title;
        if title.trim().len() != title.len() {
            title = title.trim().to_string();
        }
        (html, Heading { level, id, title, children: Vec::new() })
    }
}

/// The heading's slug, or the slug with the first free `-1`, `-2`... suffix. `suffixes` remembers where
/// each slug's search stopped, so a page of many equal headings stays linear (ids are never freed).
fn unique_id(title: &str, ids: &FxHashSet<String>, suffixes: &mut HashMap<String, usize>) -> String {
    let base = match slugify(title) {
        slug if slug.is_empty() => "section".to_string(),
        slug => slug,
    };
    if !ids.contains(&base) {
        return base;
    }
    let next = suffixes.entry(base.clone()).or_insert(1);
    loop {
        let candidate = format!("{base}-{next}");
        *next += 1;
        if !ids.contains(&candidate) {
            return candidate;
        }
    }
}

/// Flat headings in document order → a tree where each heading holds the deeper ones after it.
fn nest_headings(flat: Vec<Heading>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for heading in flat {
        insert_heading(&mut roots, heading);
    }
    roots
}

fn insert_heading(siblings: &mut Vec<Heading>, heading: Heading) {
    match siblings.last_mut() {
        Some(last) if last.level < heading.level => insert_heading(&mut last.children, heading),
        _ => siblings.push(heading),
    }
}

fn link_start<'a>(
    link_type: LinkType,
    dest_url: CowStr<'a>,
    title: CowStr<'a>,
    id: CowStr<'a>,
    options: &Options<'_>,
) -> Event<'a> {
    let dest_url: CowStr<'a> = match dest_url.strip_prefix("@/") {
        Some(rest) => {
            let (path, anchor) = rest.split_once('#').map_or((rest, None), |(p, a)| (p, Some(a)));
            match (options.resolve)(path) {
                Some(url) => match anchor {
                    Some(anchor) => format!("{url}#{anchor}").into(),
                    None => url.into(),
                },
                None => dest_url,
            }
        }
        None => safe_url(&dest_url, false).map_or(dest_url, CowStr::from),
    };
    let external = dest_url.starts_with("http://") || dest_url.starts_with("https://");
    let wants_attrs = options.settings.external_links_target_blank
        || options.settings.external_links_no_follow
        || options.settings.external_links_no_referrer;
    if !(external && wants_attrs) {
        return Event::Start(Tag::Link { link_type, dest_url, title, id });
    }
    let mut html = String::from("<a href=\"");
    let _ = escape_href(&mut html, &dest_url);
    html.push('"');
    if !title.is_empty() {
        html.push_str(" title=\"");
        let _ = escape_html(&mut html, &title);
        html.push('"');
    }
    let mut rel = Vec::new();
    if options.settings.external_links_target_blank {
        html.push_str(" target=\"_blank\"");
        rel.push("noopener");
    }
    if options.settings.external_links_no_follow {
        rel.push("nofollow");
    }
    if options.settings.external_links_no_referrer {
        rel.push("noreferrer");
    }
    html.push_str(&format!(" rel=\"{}\">", rel.join(" ")));
    // The matching `End(Link)` still renders `</a>`.
    Event::InlineHtml(html.into())
}

/// `Some("#")` for a URL whose scheme runs script or smuggles content (`javascript:`, `vbscript:`, `data:`).
/// Images may use `data:image/...`, which browsers never execute.
fn safe_url(url: &str, is_image: bool) -> Option<String> {
    let compact: String =
        url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(16).collect::<String>().to_ascii_lowercase();
    let dangerous = compact.starts_with("javascript:")
        || compact.starts_with("vbscript:")
        || (compact.starts_with("data:")
            && !(is_image && compact.starts_with("data:image/") && !compact.starts_with("data:image/svg")));
    dangerous.then(|| "#".to_string())
}

fn callout_open(kind: BlockQuoteKind) -> String {
    let (class, title) = match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    };
    format!("<div class=\"callout callout-{class}\" role=\"note\"><p class=\"callout-title\">{title}</p>\n")
}

/// Ids declared in raw HTML (`<a id="x">`), so links to them are not reported as broken.
fn collect_html_ids(html: &str, ids: &mut FxHashSet<String>) {
    let mut rest = html;
    while let Some(i) = rest.find("id=") {
        let before = rest[..i].chars().last();
        rest = &rest[i + 3..];
        if !matches!(before, Some(c) if c.is_whitespace()) {
            continue;
        }
        let quote = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => continue,
        };
        if let Some(end) = rest[1..].find(quote) {
            ids.insert(rest[1..1 + end].to_string());
            rest = &rest[1 + end..];
        }
    }
}

/// Words for reading time: runs of letters and digits, and each CJK character on its own.
/// This reads every byte of every body: eight ASCII bytes are classified at once (`ascii_word_bits`), a word
/// starting where a word byte follows a non-word byte; other characters are decoded one by one.
fn count_words(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut in_word = 0u8;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(Ok(chunk)) = bytes.get(i..i + 8).map(<[u8; 8]>::try_from) {
            let x = u64::from_le_bytes(chunk);
            if x & (ONES * 0x80) == 0 {
                let word = ascii_word_bits(x);
                let starts = word & !((word << 1) | u64::from(in_word));
                count += starts.count_ones() as usize;
                in_word = (word >> 7) as u8 & 1;
                i += 8;
                continue;
            }
        }
        let byte = bytes[i];
        if byte.is_ascii() {
            let word = ASCII_WORD[usize::from(byte)];
            count += usize::from(word & !in_word & 1);
            in_word = word;
            i += 1;
            continue;
        }
        let c = text.get(i..).and_then(|rest| rest.chars().next()).unwrap_or(' ');
        let (starts, word) = match (is_cjk(c), c.is_alphanumeric()) {
            (true, _) => (true, 0),
            (false, true) => (in_word == 0, 1),
            (false, false) => (false, 0),
        };
        count += usize::from(starts);
        in_word = word;
        i += c.len_utf8();
    }
    count
}

const ONES: u64 = 0x0101_0101_0101_0101;

/// Bit k (of the low 8) set when byte k of `x`, eight ASCII bytes, is a letter or digit. Each byte is compared
/// with a bound at once: adding `0x80 - n` sets a byte's top bit exactly when it is at least `n`, and no
/// ASCII byte carries into the next. The top bits are then gathered by one multiplication.
fn ascii_word_bits(x: u64) -> u64 {
    let at_least = |v: u64, n: u8| v.wrapping_add(ONES * u64::from(0x80 - n)) & (ONES * 0x80);
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    let folded = x | (ONES * 0x20); // `A`-`Z` to `a`-`z`; no other byte becomes a letter
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    ((digit | letter) >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
}

/// 1 for ASCII letters and digits, else 0 (256 entries, so indexing by a byte needs no bounds check).
const ASCII_WORD: [u8; 256] = {
    let mut table = [0; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() as u8;
        b += 1;
    }
    table
};

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0xac00..=0xd7af)
}

#[cfg(test)]
mod tests;
