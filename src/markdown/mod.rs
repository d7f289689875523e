//! Markdown body of one page to HTML, plus its table of contents, heading ids and every link it contains.
//! Pure: opens no files; `@/` links are mapped by the caller's resolver and checked later by `links`.

mod highlight;
mod math;

pub use highlight::{stylesheet, zola_stylesheets, STYLESHEET_PATH};

use crate::config::{InsertAnchor, MarkdownConfig};
use crate::content::slug::{slugify_anchor, SlugStyle};
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
    /// Ids written twice on the page (`{#id}` or raw HTML `id="..."`), with the byte offset of the second.
    /// Generated ids never repeat one: only ids Quire cannot rename are listed here.
    pub duplicate_ids: Vec<(String, usize)>,
    /// The Markdown the HTML was made from, calls expanded: kept for the page's Markdown twin
    /// (`markdown_twins = true`), `None` otherwise. Set by `pipeline`, which runs the calls.
    pub markdown: Option<String>,
    /// Errors in the body that Markdown itself accepts (an equation math-core cannot convert...).
    pub problems: Vec<BodyProblem>,
}

/// A problem at byte `offset` of a body, reported by the caller at its file, line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyProblem {
    pub offset: usize,
    /// The diagnostic's kind (`math`).
    pub kind: &'static str,
    pub message: String,
    pub help: String,
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

#[derive(Clone)]
pub struct Options<'a> {
    /// config.toml's `[markdown]`.
    pub settings: MarkdownConfig,
    /// `[slugify] anchors`: how heading ids are made from their text.
    pub anchors: SlugStyle,
    /// Maps an `@/path.md` target (without `#anchor`) to its URL; `None` leaves the link for `links` to report.
    pub resolve: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// The anchor link each heading gets (it depends on the page: `pipeline` sets it per body).
    pub heading_anchor: HeadingAnchor<'a>,
}

impl<'a> Options<'a> {
    /// The same options with `heading_anchor` for one body.
    pub fn with_heading_anchor<'b>(&self, heading_anchor: HeadingAnchor<'b>) -> Options<'b>
    where
        'a: 'b,
    {
        Options { settings: self.settings.clone(), anchors: self.anchors, resolve: self.resolve, heading_anchor }
    }
}

/// The anchor link of a heading: none, the built-in theme's `#` after the text, or Zola's `insert_anchor_links`
/// with the HTML of the template `anchor-link.html`.
#[derive(Clone, Copy)]
pub enum HeadingAnchor<'a> {
    None,
    /// ` <a class="anchor" href="#ID" aria-label="Link to this section">#</a>` after the text: what the built-in
    /// theme's stylesheet shows on hover.
    Theme,
    /// Zola's: `link` renders `anchor-link.html` for a heading's id and level (or says why it failed), and
    /// `insert` places it (`Left`, `Right`, or its opening `<a ...>` tag around the text for `Heading`).
    Template {
        insert: InsertAnchor,
        link: &'a AnchorLink<'a>,
    },
}

/// `anchor-link.html` rendered for a heading's id and level, or the reason it failed.
pub type AnchorLink<'a> = dyn Fn(&str, u32) -> Result<String, String> + Sync + 'a;

const MORE_MARKER: &str = "<!-- more -->";

pub fn render_markdown(body: &str, options: &Options<'_>) -> Rendered {
    let mut rendered = render_body(body, options);
    // memchr's searcher: these two scans read every byte of every body, and str::find is several times slower.
    if let Some(index) = memchr::memmem::find(body.as_bytes(), MORE_MARKER.as_bytes()) {
        rendered.summary = Some(render_body(&body[..index], options).html);
    }
    rendered
}

/// `body` rendered so that no generated heading id takes an id written as `{#id}` or a footnote's.
/// Such ids must be known before the first heading is named, which takes a parse of their own: a body with
/// `{#` always pays it; a body with footnotes pays it only when one of their ids turns out to be taken (as
/// good as never), which spares the one body in ten of a usual corpus that has footnotes a second parse.
fn render_body(body: &str, options: &Options<'_>) -> Rendered {
    let reserve_first = memchr::memmem::find(body.as_bytes(), b"{#").is_some();
    match render_pass(body, options, reserve_first) {
        Some(rendered) => rendered,
        None => render_pass(body, options, true).unwrap_or_default(),
    }
}

fn extensions(options: &Options<'_>) -> Extensions {
    let mut extensions = Extensions::ENABLE_TABLES
        | Extensions::ENABLE_FOOTNOTES
        | Extensions::ENABLE_STRIKETHROUGH
        | Extensions::ENABLE_TASKLISTS
        | Extensions::ENABLE_HEADING_ATTRIBUTES
        | Extensions::ENABLE_GFM;
    if options.settings.definition_list {
        extensions |= Extensions::ENABLE_DEFINITION_LIST;
    }
    if options.settings.smart_punctuation {
        extensions |= Extensions::ENABLE_SMART_PUNCTUATION;
    }
    if options.settings.math {
        extensions |= Extensions::ENABLE_MATH;
    }
    extensions
}

/// Byte ranges of `body`'s inline code, code blocks and equations, where text that looks like a call stays text.
pub fn code_ranges(body: &str, options: &Options<'_>) -> Vec<std::ops::Range<usize>> {
    Parser::new_ext(body, extensions(options))
        .into_offset_iter()
        .filter(|(event, _)| {
            matches!(
                event,
                Event::Code(_) | Event::Start(Tag::CodeBlock(_)) | Event::InlineMath(_) | Event::DisplayMath(_)
            )
        })
        .map(|(_, range)| range)
        .collect()
}

/// `body` rendered: its HTML, toc, ids, links and word count. With `reserve_first`, ids written as `{#id}`
/// and footnotes' ids are reserved before any is generated, so an earlier heading's generated id never takes
/// one (as in Zola for `{#id}`). Without it, `None` when a footnote's id was already taken where it stands.
fn render_pass(body: &str, options: &Options<'_>, reserve_first: bool) -> Option<Rendered> {
    let mut storage = Rendered::default();
    let rendered = &mut storage;
    let mut heading: Option<OpenHeading<'_>> = None;
    let mut code: Option<(CowStr<'_>, String)> = None;
    let mut flat_toc = Vec::new();
    let mut suffixes = HashMap::new();
    let mut footnote_id_taken = false;
    if reserve_first {
        for (event, range) in Parser::new_ext(body, extensions(options)).into_offset_iter() {
            match event {
                Event::Start(Tag::Heading { id: Some(id), .. }) if !rendered.ids.insert(id.to_string()) => {
                    rendered.duplicate_ids.push((id.to_string(), range.start));
                }
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    rendered.ids.insert(footnote_id(&name).to_string());
                }
                _ => {}
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
                    let info = match kind {
                        CodeBlockKind::Fenced(info) => info,
                        CodeBlockKind::Indented => CowStr::Borrowed(""),
                    };
                    code = Some((info, String::new()));
                    continue;
                }
                Event::Text(text) if code.is_some() => {
                    if let Some((_, buffer)) = code.as_mut() {
                        buffer.push_str(&text);
                    }
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text) = code.take().unwrap_or((CowStr::Borrowed(""), String::new()));
                    let fence = highlight::Fence::parse(&info);
                    Event::Html(highlight::highlight_block(&text, &fence, options.settings.highlight_code).into())
                }
                Event::Start(Tag::Heading { level, id, classes, .. }) => {
                    let offset = range.start;
                    heading =
                        Some(OpenHeading { level, id, classes, events: Vec::new(), title: String::new(), offset });
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => match heading.take() {
                    Some(open) => {
                        let (html, entry) =
                            open.close(&mut rendered.ids, &mut suffixes, options, &mut rendered.problems);
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
                    collect_html_ids(&html, range.start, rendered);
                    collect_html_links(&html, range.start, &mut rendered.links);
                    Event::Html(html)
                }
                Event::InlineHtml(html) => {
                    collect_html_ids(&html, range.start, rendered);
                    collect_html_links(&html, range.start, &mut rendered.links);
                    Event::InlineHtml(html)
                }
                // Footnotes get ids of their own (`fn-NAME`), so `[^note]` never jumps to a heading `# Note`.
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    let id = footnote_id(&name);
                    footnote_id_taken |= !rendered.ids.insert(id.to_string()) && !reserve_first;
                    Event::Start(Tag::FootnoteDefinition(id))
                }
                Event::FootnoteReference(name) => Event::FootnoteReference(footnote_id(&name)),
                Event::InlineMath(tex) => {
                    Event::InlineHtml(math::to_mathml(&tex, false, range.start + 1, &mut rendered.problems).into())
                }
                Event::DisplayMath(tex) => {
                    Event::InlineHtml(math::to_mathml(&tex, true, range.start + 2, &mut rendered.problems).into())
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
    if footnote_id_taken {
        return None;
    }
    rendered.toc = nest_headings(flat_toc);
    // Bodies stay in memory for the whole build: return the estimate's slack.
    html.shrink_to_fit();
    rendered.html = html;
    Some(storage)
}

struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    events: Vec<Event<'a>>,
    title: String,
    /// Where the heading starts in the body, for an error of `anchor-link.html`.
    offset: usize,
}

impl OpenHeading<'_> {
    /// The heading's HTML with its id and anchor link, and its table-of-contents entry.
    fn close(
        self,
        ids: &mut FxHashSet<String>,
        suffixes: &mut HashMap<String, usize>,
        options: &Options<'_>,
        problems: &mut Vec<BodyProblem>,
    ) -> (String, Heading) {
        let id = match self.id {
            Some(id) => id.to_string(),
            None => unique_id(&self.title, ids, suffixes, options.anchors),
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
        let text_start = html.len();
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        html.truncate(html.trim_end().len());
        match options.heading_anchor {
            HeadingAnchor::None => {}
            HeadingAnchor::Theme => {
                html.push_str(" <a class=\"anchor\" href=\"#");
                let _ = escape_href(&mut html, &id);
                html.push_str("\" aria-label=\"Link to this section\">#</a>");
            }
            HeadingAnchor::Template { insert, link } => match link(&id, level) {
                Ok(anchor) => place_anchor(&mut html, text_start, &anchor, insert),
                Err(message) => problems.push(BodyProblem {
                    offset: self.offset,
                    kind: "template",
                    message: format!("`anchor-link.html` failed for heading `{id}`: {message}"),
                    help: "fix `templates/anchor-link.html`: it sees `id`, `level` and `lang`".into(),
                }),
            },
        }
        let _ = writeln!(html, "</h{level}>");
        let mut title = self.title;
        if title.trim().len() != title.len() {
            title = title.trim().to_string();
        }
        (html, Heading { level, id, title, children: Vec::new() })
    }
}

/// Puts `anchor` (the HTML of `anchor-link.html`) into `html`, whose heading text starts at `text_start`, as Zola
/// does: before the text, after it, or (`Heading`) its first `<a ...>` tag around the text and `</a>` after; an
/// anchor without an `<a>` element leaves the text alone there.
fn place_anchor(html: &mut String, text_start: usize, anchor: &str, insert: InsertAnchor) {
    // Zola's own pattern (components/markdown/src/markdown.rs, `A_HTML_TAG`), so the same tag is taken.
    static A_HTML_TAG: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"(<\s*a[^>]*>).*?<\s*/\s*a>").expect("the pattern is valid"));
    match insert {
        InsertAnchor::None => {}
        InsertAnchor::Left => html.insert_str(text_start, anchor),
        InsertAnchor::Right => html.push_str(anchor),
        InsertAnchor::Heading => {
            if let Some(open) = A_HTML_TAG.captures(anchor).and_then(|captures| captures.get(1)) {
                html.insert_str(text_start, open.as_str());
                html.push_str("</a>");
            }
        }
    }
}

/// The heading's slug, or the slug with the first free `-1`, `-2`... suffix. `suffixes` remembers where
/// each slug's search stopped, so a page of many equal headings stays linear (ids are never freed).
fn unique_id(title: &str, ids: &FxHashSet<String>, suffixes: &mut HashMap<String, usize>, style: SlugStyle) -> String {
    let base = match slugify_anchor(title, style) {
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
    let internal = dest_url.starts_with("@/");
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
    // An `@/` link resolves to an absolute URL too, but it is the site's own.
    let external = !internal && (dest_url.starts_with("http://") || dest_url.starts_with("https://"));
    let settings = &options.settings;
    let wants_attrs = settings.external_links_target_blank
        || settings.external_links_no_follow
        || settings.external_links_no_referrer
        || settings.external_links_class.is_some();
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
    if let Some(class) = &settings.external_links_class {
        html.push_str(" class=\"");
        let _ = escape_html(&mut html, class);
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
    if rel.is_empty() {
        html.push('>');
    } else {
        let _ = write!(html, " rel=\"{}\">", rel.join(" "));
    }
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

/// A footnote's id: its name behind `fn-`, apart from the ids headings get.
fn footnote_id<'a>(name: &str) -> CowStr<'a> {
    format!("fn-{name}").into()
}

/// Ids declared in raw HTML (`<a id="x">`), so links to them are not reported as broken; one already on the
/// page is noted in `duplicate_ids`. `offset` is where `html` starts in the body.
pub(crate) fn collect_html_ids(html: &str, offset: usize, rendered: &mut Rendered) {
    for (id, at) in attribute_values(html, "id") {
        if !rendered.ids.insert(id.to_string()) {
            rendered.duplicate_ids.push((id.to_string(), offset + at));
        }
    }
}

/// `href` and `src` destinations in raw HTML, each at its own offset, so `check` reports every broken one
/// where it is written (a `src` counts as an image).
fn collect_html_links(html: &str, offset: usize, links: &mut Vec<Link>) {
    if memchr::memchr(b'=', html.as_bytes()).is_none() {
        return;
    }
    for name in ["href", "src"] {
        for (target, at) in attribute_values(html, name) {
            links.push(Link { target: target.to_string(), offset: offset + at, is_image: name == "src" });
        }
    }
}

/// The quoted values of attribute `name` in a piece of HTML, with the byte offset of each value.
fn attribute_values<'h>(html: &'h str, name: &str) -> Vec<(&'h str, usize)> {
    let mut values = Vec::new();
    let pattern = format!("{name}=");
    let mut start = 0;
    while let Some(i) = html[start..].find(&pattern) {
        let at = start + i;
        let value_at = at + pattern.len();
        start = value_at;
        let before = html[..at].chars().last();
        if !matches!(before, Some(c) if c.is_whitespace()) {
            continue;
        }
        let quote = match html[value_at..].chars().next() {
            Some(q @ ('"' | '\'')) => q,
            _ => continue,
        };
        if let Some(end) = html[value_at + 1..].find(quote) {
            values.push((&html[value_at + 1..value_at + 1 + end], value_at + 1));
            start = value_at + 1 + end;
        }
    }
    values
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
