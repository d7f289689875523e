//! HTML a layout adds after a page's body (the built-in theme's glossary, timeline and matrix lists) in, the same
//! content as Markdown out, for the page's twin. Reads only what it is given: no file, no template, no network.
//!
//! Written for HTML a template made (tags closed, attributes quoted), it still never fails: a tag it does not know is
//! its text, a stray closing tag is ignored. What a reader of the page is not given is left out: `aria-hidden`
//! marks, `hidden` elements, scripts, styles, buttons and drawings; text kept for screen readers only stays.

use crate::text::decode_entities;
use crate::text::html::{find_closing_tag, read_attributes, tag_name_length};
use memchr::{memchr, memmem};

/// `html` as Markdown blocks separated by blank lines, without a final newline ("" when it shows no text).
pub fn markdown_from_html(html: &str) -> String {
    blocks(&parse(html).children).join("\n\n")
}

#[derive(Debug)]
enum Node {
    Element(Element),
    /// Text with its character references decoded.
    Text(String),
}

#[derive(Debug, Default)]
struct Element {
    /// Lowercase.
    name: String,
    /// Names lowercase, values decoded ("" for a bare name).
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }

    /// A whole-number attribute (`start`, `colspan`), 1 when it is missing or no number.
    fn number(&self, name: &str) -> usize {
        self.attribute(name).and_then(|n| n.trim().parse().ok()).unwrap_or(1)
    }

    /// The elements among its children.
    fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            Node::Text(_) => None,
        })
    }

    /// Left out of the twin: not shown to readers, or not content.
    fn is_hidden(&self) -> bool {
        matches!(
            self.name.as_str(),
            "script" | "style" | "template" | "button" | "svg" | "noscript" | "input" | "select" | "textarea"
        ) || self.attribute("aria-hidden") == Some("true")
            || self.attribute("hidden").is_some()
    }
}

/// Elements that never hold content (`<br>` needs no `</br>`).
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// Elements whose text is not markup.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title"];

/// Elements that are blocks of their own: each closes an open `<p>`, and inline content keeps words apart at them.
#[rustfmt::skip] // one name a line otherwise
const BLOCK: &[&str] = &[
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "summary", "table", "ul",
];

fn is_block(name: &str) -> bool {
    BLOCK.contains(&name)
}

/// The tree of `html`, under a nameless root: the text up to each `<`, then the markup that `<` starts.
fn parse(html: &str) -> Element {
    // The root and the elements open inside it, innermost last.
    let mut open = vec![Element::default()];
    let mut i = 0;
    while let Some(lt) = memchr(b'<', &html.as_bytes()[i..]).map(|found| i + found) {
        push_text(&mut open, &html[i..lt]);
        i = read_markup(html, lt, &mut open);
    }
    push_text(&mut open, &html[i..]);
    close_down_to(&mut open, 1);
    open.pop().unwrap_or_default()
}

/// Reads the markup that starts with the `<` at `lt` into the tree; returns where the text after it starts.
fn read_markup(html: &str, lt: usize, open: &mut Vec<Element>) -> usize {
    let bytes = html.as_bytes();
    if bytes[lt..].starts_with(b"<!--") {
        return memmem::find(&bytes[lt + 4..], b"-->").map_or(html.len(), |end| lt + 4 + end + 3);
    }
    let Some(gt) = memchr(b'>', &bytes[lt..]).map(|found| lt + found) else {
        push_text(open, &html[lt..]); // a lone `<` in text
        return html.len();
    };
    match bytes[lt + 1] {
        b'!' | b'?' => return gt + 1, // a doctype or a processing instruction
        b'/' => {
            close(open, &html[lt + 2..lt + 2 + tag_name_length(&bytes[lt + 2..])]);
            return gt + 1;
        }
        _ => {}
    }
    let name_end = lt + 1 + tag_name_length(&bytes[lt + 1..]);
    let name = html[lt + 1..name_end].to_ascii_lowercase();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        push_text(open, &html[lt..=gt]); // not a tag: text
        return gt + 1;
    }
    let mut attributes = Vec::new();
    let end = read_attributes(html, name_end, |name, value| {
        if !name.is_empty() {
            let value = value.map_or(String::new(), |value| value.decode(value.text).into_owned());
            attributes.push((name.to_ascii_lowercase(), value));
        }
    });
    let mut element = Element { name, attributes, children: Vec::new() };
    close_implied(open, &element.name);
    if VOID.contains(&element.name.as_str()) || html[..end].ends_with("/>") {
        push_node(open, Node::Element(element));
        end
    } else if RAW_TEXT.contains(&element.name.as_str()) {
        let text_end = find_closing_tag(bytes, end, &element.name).unwrap_or(html.len());
        element.children.push(Node::Text(decode_entities(&html[end..text_end]).into_owned()));
        push_node(open, Node::Element(element));
        memchr(b'>', &bytes[text_end..]).map_or(html.len(), |gt| text_end + gt + 1)
    } else {
        open.push(element);
        end
    }
}

/// A closing tag closes the nearest open element of its name and any left open inside it; a stray one is ignored.
fn close(open: &mut Vec<Element>, name: &str) {
    if let Some(at) = open.iter().skip(1).rposition(|element| element.name.eq_ignore_ascii_case(name)) {
        close_down_to(open, at + 1);
    }
}

/// HTML's implied end tags: a `<li>` closes the open `<li>`, a `<p>` the open `<p>`, and so on.
fn close_implied(open: &mut Vec<Element>, opening: &str) {
    let closes: &[&str] = match opening {
        "li" => &["li"],
        "dt" | "dd" => &["dt", "dd"],
        "tr" => &["tr", "td", "th"],
        "td" | "th" => &["td", "th"],
        "thead" | "tbody" | "tfoot" => &["thead", "tbody", "tfoot", "tr", "td", "th"],
        name if is_block(name) => &["p"],
        _ => &[],
    };
    while open.len() > 1 && open.last().is_some_and(|element| closes.contains(&element.name.as_str())) {
        close_down_to(open, open.len() - 1);
    }
}

/// Closes every open element from index `at` up, each into its parent.
fn close_down_to(open: &mut Vec<Element>, at: usize) {
    while open.len() > at.max(1) {
        let Some(element) = open.pop() else { break };
        push_node(open, Node::Element(element));
    }
}

fn push_node(open: &mut [Element], node: Node) {
    if let Some(parent) = open.last_mut() {
        parent.children.push(node);
    }
}

fn push_text(open: &mut [Element], text: &str) {
    if !text.is_empty() {
        push_node(open, Node::Text(decode_entities(text).into_owned()));
    }
}

/// `nodes` as Markdown blocks: block elements each as theirs, the text and inline elements between them as
/// paragraphs.
fn blocks(nodes: &[Node]) -> Vec<String> {
    let mut blocks = Vec::new();
    // Where the nodes not yet in a block start.
    let mut run = 0;
    for (i, node) in nodes.iter().enumerate() {
        let Node::Element(element) = node else { continue };
        if !is_block(&element.name) {
            continue;
        }
        blocks.extend(non_empty(inline(&nodes[run..i])).map(|text| paragraph(&text)));
        run = i + 1;
        if !element.is_hidden() {
            blocks.extend(element_blocks(element));
        }
    }
    blocks.extend(non_empty(inline(&nodes[run..])).map(|text| paragraph(&text)));
    blocks
}

/// A block element as Markdown blocks.
fn element_blocks(element: &Element) -> Vec<String> {
    let text = || non_empty(inline(&element.children));
    let block = match element.name.as_str() {
        heading @ ("h1" | "h2" | "h3" | "h4" | "h5" | "h6") => {
            let level = usize::from(heading.as_bytes()[1] - b'0');
            text().map(|text| format!("{} {text}", "#".repeat(level)))
        }
        "p" | "summary" | "caption" | "figcaption" => text().map(|text| paragraph(&text)),
        "dt" => text().map(|text| format!("**{text}**")),
        "blockquote" => non_empty(blocks(&element.children).join("\n\n")).map(|inner| prefix_lines(&inner, "> ", ">")),
        "pre" => Some(code_block(element)),
        "hr" => Some("---".to_string()),
        "ul" | "ol" => list(element),
        "table" => return table(element),
        _ => return blocks(&element.children),
    };
    block.into_iter().collect()
}

/// A `<ul>` or `<ol>` (numbered from its `start`): tight unless an item holds more than one block.
fn list(list: &Element) -> Option<String> {
    let items: Vec<Vec<String>> = list
        .elements()
        .filter(|item| item.name == "li" && !item.is_hidden())
        .map(|item| blocks(&item.children))
        .collect();
    if items.is_empty() {
        return None;
    }
    let separator = if items.iter().any(|item| item.len() > 1) { "\n\n" } else { "\n" };
    let start = list.number("start");
    let items = items.iter().enumerate().map(|(n, item)| {
        let marker = match list.name == "ol" {
            true => format!("{}. ", start + n),
            false => "- ".to_string(),
        };
        let indent = " ".repeat(marker.len());
        let text = prefix_lines(&item.join(separator), &indent, "");
        format!("{marker}{}", &text[indent.len().min(text.len())..])
    });
    Some(items.collect::<Vec<_>>().join(separator))
}

/// `<pre>` as a fenced block, its language from a `language-X` class of its `<code>`, longer fences than any run
/// of backticks inside.
fn code_block(pre: &Element) -> String {
    let text = raw_text(&pre.children);
    let language = pre
        .elements()
        .filter(|code| code.name == "code")
        .find_map(|code| code.attribute("class"))
        .and_then(|classes| classes.split_whitespace().find_map(|class| class.strip_prefix("language-")))
        .unwrap_or("");
    let fence = "`".repeat(longest_backtick_run(&text).max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}", text.trim_end_matches('\n'))
}

/// A table as a Markdown table after its caption. Markdown has one header row: a column's header is the text of
/// each header row above it (a cell spanning columns heads each), joined by ` / `.
fn table(table: &Element) -> Vec<String> {
    let mut caption = None;
    let mut head: Vec<Vec<String>> = Vec::new();
    let mut body: Vec<Vec<String>> = Vec::new();
    for child in table.elements() {
        match child.name.as_str() {
            "caption" => caption = Some(inline(&child.children)),
            "thead" => head.extend(rows(child, true)),
            "tbody" | "tfoot" => body.extend(rows(child, false)),
            "tr" => body.extend(row(child, false)),
            _ => {}
        }
    }
    if head.is_empty() && !body.is_empty() {
        head.push(body.remove(0));
    }
    let width = head.iter().chain(&body).map(Vec::len).max().unwrap_or(0);
    let mut blocks: Vec<String> = caption.and_then(non_empty).map(|text| paragraph(&text)).into_iter().collect();
    if width == 0 {
        return blocks;
    }
    let header: Vec<String> = (0..width)
        .map(|column| {
            let mut parts: Vec<&str> = Vec::new();
            for text in head.iter().filter_map(|row| row.get(column)).filter(|text| !text.is_empty()) {
                if parts.last() != Some(&text.as_str()) {
                    parts.push(text);
                }
            }
            parts.join(" / ")
        })
        .collect();
    let line = |cells: &[String]| {
        let cells = (0..width).map(|column| cells.get(column).map_or("", String::as_str));
        format!("| {} |", cells.collect::<Vec<_>>().join(" | "))
    };
    let mut lines = vec![line(&header), format!("|{}", " --- |".repeat(width))];
    lines.extend(body.iter().map(|cells| line(cells)));
    blocks.push(lines.join("\n"));
    blocks
}

/// The rows of a `<thead>`, `<tbody>` or `<tfoot>`.
fn rows(group: &Element, header: bool) -> impl Iterator<Item = Vec<String>> + '_ {
    group.elements().filter(|tr| tr.name == "tr").filter_map(move |tr| row(tr, header))
}

/// One row's cells as Markdown table cells, a cell spanning columns repeated in a header row and followed by
/// empty cells in the body. `None` for a hidden row.
fn row(tr: &Element, header: bool) -> Option<Vec<String>> {
    if tr.is_hidden() {
        return None;
    }
    let mut cells = Vec::new();
    for cell in tr.elements().filter(|cell| cell.name == "td" || cell.name == "th") {
        let text = match cell.is_hidden() {
            true => String::new(),
            false => inline(&cell.children).replace('|', "\\|").replace('\n', " "),
        };
        for n in 0..cell.number("colspan").clamp(1, 1000) {
            cells.push(if n == 0 || header { text.clone() } else { String::new() });
        }
    }
    Some(cells)
}

/// Text and inline elements as one line of Markdown (a `<br>` breaks it), whitespace collapsed as a browser does.
fn inline(nodes: &[Node]) -> String {
    let mut out = String::new();
    for node in nodes {
        inline_node(node, &mut out);
    }
    // A break at either end breaks nothing; one inside becomes a hard line break, without the spaces around it.
    let collapsed = collapse_whitespace(&out);
    let trimmed = collapsed.trim_matches(|c| c == BREAK || c == ' ');
    trimmed.replace(BREAK, "\\\n").replace("\\\n ", "\\\n").replace(" \\\n", "\\\n")
}

/// Stands for a `<br>` until whitespace is collapsed.
const BREAK: char = '\u{1}';

fn inline_node(node: &Node, out: &mut String) {
    let element = match node {
        Node::Text(text) => return escape_into(text, out),
        Node::Element(element) if element.is_hidden() => return,
        Node::Element(element) => element,
    };
    match element.name.as_str() {
        "br" => out.push(BREAK),
        "a" => {
            let text = inline(&element.children);
            match element.attribute("href").filter(|href| !href.is_empty()) {
                Some(href) if !text.is_empty() => {
                    let href = href.replace(' ', "%20").replace('(', "%28").replace(')', "%29");
                    out.push_str(&format!("[{text}]({href})"));
                }
                _ => out.push_str(&text),
            }
        }
        "strong" | "b" => wrap("**", &inline(&element.children), out),
        "em" | "i" => wrap("*", &inline(&element.children), out),
        "code" | "kbd" | "samp" => {
            let text = collapse_whitespace(&raw_text(&element.children));
            let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
            wrap(&"`".repeat(longest_backtick_run(&text) + 1), &format!("{pad}{text}{pad}"), out);
        }
        "img" => {
            if let Some(src) = element.attribute("src") {
                let mut alt = String::new();
                escape_into(element.attribute("alt").unwrap_or(""), &mut alt);
                out.push_str(&format!("![{alt}]({})", src.replace(' ', "%20")));
            }
        }
        name => {
            // A block inside inline content (a table cell's paragraphs) keeps its words apart.
            let space = if is_block(name) { " " } else { "" };
            out.push_str(space);
            for child in &element.children {
                inline_node(child, out);
            }
            out.push_str(space);
        }
    }
}

/// `text` between two `mark`s, or nothing when it is empty.
fn wrap(mark: &str, text: &str, out: &mut String) {
    if !text.is_empty() {
        out.push_str(mark);
        out.push_str(text);
        out.push_str(mark);
    }
}

/// The text of `nodes` as written, without their tags and hidden elements.
fn raw_text(nodes: &[Node]) -> String {
    let text = nodes.iter().map(|node| match node {
        Node::Text(text) => text.into(),
        Node::Element(element) if !element.is_hidden() => raw_text(&element.children).into(),
        Node::Element(_) => std::borrow::Cow::Borrowed(""),
    });
    text.collect()
}

/// `text` with what Markdown would read as markup escaped: `\`, `` ` ``, `*`, `[`, `]`, `<`, and `_` at the edge
/// of a word (inside one, as in `load_data`, it is no emphasis).
fn escape_into(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let word = |at: Option<&char>| at.is_some_and(|c| c.is_alphanumeric());
        let escape = match c {
            '\\' | '`' | '*' | '[' | ']' | '<' => true,
            '_' => !(word(i.checked_sub(1).and_then(|p| chars.get(p))) && word(chars.get(i + 1))),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Inline Markdown as a paragraph: a start Markdown would read as a heading, quote, list or rule is escaped.
fn paragraph(text: &str) -> String {
    if text.starts_with(['#', '>', '-', '+', '=', '~', '|']) {
        return format!("\\{text}");
    }
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = &text[digits..];
    if digits > 0 && (after.starts_with(". ") || after.starts_with(") ") || after == "." || after == ")") {
        return format!("{}\\{after}", &text[..digits]);
    }
    text.to_string()
}

/// Each line of `text` after `prefix` (`empty` for an empty line).
fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    let lines = text.lines().map(|line| if line.is_empty() { empty.to_string() } else { format!("{prefix}{line}") });
    lines.collect::<Vec<_>>().join("\n")
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// Runs of whitespace as one space, none at either end.
fn collapse_whitespace(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::markdown_from_html as markdown;

    #[test]
    fn headings_paragraphs_and_links() {
        let html =
            "<section class=\"x\">\n<h2 class=\"h\">Terms</h2>\n<p>One <a href=\"https://x.org/a/\">link</a>,\n  \
                    <strong>bold</strong> and <em>soft</em>.</p>\n</section>";
        assert_eq!(markdown(html), "## Terms\n\nOne [link](https://x.org/a/), **bold** and *soft*.");
    }

    #[test]
    fn definition_lists_name_each_term_in_bold_and_keep_its_blocks() {
        let html = "<dl><div id=\"term-apec\"><dt>APEC</dt><dd><p>Asia&#39;s forum &amp; more.</p>\
                    <p><a href=\"/actors/apec/\">Mentioned in 2 pages</a>:</p>\
                    <ul class=\"link-list\"><li><a href=\"/a/\">A</a></li><li><a href=\"/b/\">B</a></li></ul></dd></div></dl>";
        assert_eq!(
            markdown(html),
            "**APEC**\n\nAsia's forum & more.\n\n[Mentioned in 2 pages](/actors/apec/):\n\n- [A](/a/)\n- [B](/b/)"
        );
    }

    #[test]
    fn list_items_of_several_blocks_make_a_loose_list_indented_under_the_marker() {
        let html = "<ol class=\"timeline\"><li><p><time datetime=\"2015-12\">December 2015</time></p>\
                    <p><a href=\"/o/\">At the second conference</a></p></li><li><p>2016</p><p>Later.</p></li></ol>";
        assert_eq!(markdown(html), "1. December 2015\n\n   [At the second conference](/o/)\n\n2. 2016\n\n   Later.");
        assert_eq!(markdown("<ul><li>a<ul><li>b</li></ul></li></ul>"), "- a\n\n  - b");
        assert_eq!(markdown("<ol start=\"3\"><li>c<li>d</ol>"), "3. c\n4. d");
    }

    #[test]
    fn what_readers_are_not_shown_is_left_out() {
        let html = "<p><span class=\"mark\" aria-hidden=\"true\">●</span> marks a pair<button>Copy</button></p>\
                    <script>let x = \"<p>no</p>\";</script><div hidden><p>gone</p></div><!-- <p>comment</p> -->\
                    <p><span class=\"visually-hidden\">Related</span></p>";
        assert_eq!(markdown(html), "marks a pair\n\nRelated");
    }

    #[test]
    fn a_table_heads_each_column_with_every_header_row_above_it() {
        let html = "<table><caption>Rows × Groups</caption><colgroup></colgroup><thead>\
                    <tr><td></td><th colspan=\"2\"><a href=\"/g/\">Group</a></th></tr>\
                    <tr><th>Rows</th><th><a href=\"/a/\"><span>A</span></a></th><th>B|C</th></tr></thead>\
                    <tbody><tr><th scope=\"row\"><a href=\"/r/\">R</a></th>\
                    <td class=\"is-related\"><span aria-hidden=\"true\">●</span><span class=\"visually-hidden\">Related</span></td>\
                    <td></td></tr></tbody></table>";
        assert_eq!(
            markdown(html),
            "Rows × Groups\n\n| Rows | [Group](/g/) / [A](/a/) | [Group](/g/) / B\\|C |\n| --- | --- | --- |\n\
             | [R](/r/) | Related |  |"
        );
    }

    #[test]
    fn text_that_markdown_would_read_as_markup_is_escaped() {
        assert_eq!(
            markdown("<p>a *b* [c] <code>x_y</code> load_data _z_</p>"),
            "a \\*b\\* \\[c\\] `x_y` load_data \\_z\\_"
        );
        assert_eq!(
            markdown("<p>2014. A year</p><p># not a heading</p><p>- no list</p>"),
            "2014\\. A year\n\n\\# not a heading\n\n\\- no list"
        );
        assert_eq!(markdown("<p>a &lt;b&gt;</p>"), "a \\<b>");
        assert_eq!(
            markdown("<pre><code class=\"language-rust\">fn main() {}\n</code></pre>"),
            "```rust\nfn main() {}\n```"
        );
    }

    #[test]
    fn broken_html_never_fails() {
        assert_eq!(markdown("<p>a</b> <i>b</p> c <"), "a *b*\n\nc \\<");
        assert_eq!(markdown("<p>a<br>b<br></p>"), "a\\\nb");
        assert_eq!(markdown("<p>one<p>two"), "one\n\ntwo");
        assert_eq!(markdown(""), "");
        assert_eq!(markdown("<div><br></div>"), "");
    }

    #[test]
    fn a_greater_than_sign_inside_a_quoted_attribute_ends_no_tag() {
        assert_eq!(markdown("<p><span title=\"a > b\">x</span> y</p>"), "x y");
    }
}
