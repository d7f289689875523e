//! HTML a layout adds after a page's body (the built-in theme's glossary, timeline and matrix lists) in, the same
//! content as Markdown out, for the page's twin. Reads only what it is given: no file, no template, no network.
//!
//! Written for HTML a template made (tags closed, attributes quoted), it still never fails: a tag it does not know is
//! its text, a stray closing tag is ignored. What a reader of the page is not given is left out: `aria-hidden`
//! marks, `hidden` elements, scripts, styles, buttons and drawings; text kept for screen readers only stays.

use crate::text::decode_entities;

/// `html` as Markdown blocks separated by blank lines, without a final newline ("" when it shows no text).
pub fn markdown_from_html(html: &str) -> String {
    let root = parse(html);
    blocks(&root.children).join("\n\n")
}

#[derive(Debug)]
enum Node {
    Element(Element),
    /// Text with its character references decoded.
    Text(String),
}

#[derive(Debug, Default)]
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
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

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "caption"
            | "dd"
            | "details"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "ul"
    )
}

/// The tree of `html`, under a nameless root.
fn parse(html: &str) -> Element {
    let mut stack = vec![Element::default()];
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        push_text(&mut stack, &rest[..lt]);
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // A lone `<` in text.
            push_text(&mut stack, rest);
            break;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if tag.starts_with('!') || tag.starts_with('?') {
            continue; // a doctype or a processing instruction
        }
        if let Some(closing) = tag.strip_prefix('/') {
            let name = closing.trim().to_ascii_lowercase();
            // Closes the nearest open element of that name and any left open inside it; a stray one is ignored.
            if let Some(at) = stack.iter().skip(1).rposition(|open| open.name == name) {
                close_down_to(&mut stack, at + 1);
            }
            continue;
        }
        let element = parse_tag(tag);
        if element.name.is_empty() {
            push_text(&mut stack, &format!("<{tag}>"));
            continue;
        }
        close_implied(&mut stack, &element.name);
        let name = element.name.clone();
        if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            push_node(&mut stack, Node::Element(element));
        } else if RAW_TEXT.contains(&name.as_str()) {
            let end = find_closing(rest, &name);
            let mut element = element;
            element.children.push(Node::Text(decode_entities(&rest[..end]).into_owned()));
            push_node(&mut stack, Node::Element(element));
            rest = rest[end..].find('>').map_or("", |close| &rest[end + close + 1..]);
        } else {
            stack.push(element);
        }
    }
    close_down_to(&mut stack, 1);
    stack.pop().unwrap_or_default()
}

/// `<NAME attributes>` (without the angle brackets) as an element with no children yet.
fn parse_tag(tag: &str) -> Element {
    let tag = tag.trim_end_matches('/');
    let name_end = tag.find(|c: char| c.is_ascii_whitespace()).unwrap_or(tag.len());
    let name = &tag[..name_end];
    if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) {
        return Element::default();
    }
    let mut attributes = Vec::new();
    let mut rest = tag[name_end..].trim_start();
    while !rest.is_empty() {
        let key_end = rest.find(|c: char| c == '=' || c.is_ascii_whitespace()).unwrap_or(rest.len());
        let key = rest[..key_end].to_ascii_lowercase();
        rest = rest[key_end..].trim_start();
        let value = match rest.strip_prefix('=') {
            Some(value) => {
                let value = value.trim_start();
                let (text, after) = match value.chars().next() {
                    Some(quote @ ('"' | '\'')) => {
                        let inner = &value[1..];
                        let end = inner.find(quote).unwrap_or(inner.len());
                        (&inner[..end], inner.get(end + 1..).unwrap_or(""))
                    }
                    _ => {
                        let end = value.find(|c: char| c.is_ascii_whitespace()).unwrap_or(value.len());
                        (&value[..end], &value[end..])
                    }
                };
                rest = after.trim_start();
                decode_entities(text).into_owned()
            }
            None => String::new(),
        };
        if !key.is_empty() {
            attributes.push((key, value));
        }
    }
    Element { name: name.to_ascii_lowercase(), attributes, children: Vec::new() }
}

/// Where `</name` starts in `text`, or its end.
fn find_closing(text: &str, name: &str) -> usize {
    let lower = text.to_ascii_lowercase();
    lower.find(&format!("</{name}")).unwrap_or(text.len())
}

/// HTML's implied end tags: a `<li>` closes the open `<li>`, a `<p>` the open `<p>`, and so on.
fn close_implied(stack: &mut Vec<Element>, opening: &str) {
    let closes: &[&str] = match opening {
        "li" => &["li"],
        "dt" | "dd" => &["dt", "dd"],
        "tr" => &["tr", "td", "th"],
        "td" | "th" => &["td", "th"],
        "thead" | "tbody" | "tfoot" => &["thead", "tbody", "tfoot", "tr", "td", "th"],
        name if is_block(name) => &["p"],
        _ => &[],
    };
    while stack.len() > 1 && stack.last().is_some_and(|open| closes.contains(&open.name.as_str())) {
        close_down_to(stack, stack.len() - 1);
    }
}

/// Closes every open element from index `at` up, each into its parent.
fn close_down_to(stack: &mut Vec<Element>, at: usize) {
    while stack.len() > at.max(1) {
        let Some(element) = stack.pop() else { break };
        push_node(stack, Node::Element(element));
    }
}

fn push_node(stack: &mut [Element], node: Node) {
    if let Some(parent) = stack.last_mut() {
        parent.children.push(node);
    }
}

fn push_text(stack: &mut [Element], text: &str) {
    if !text.is_empty() {
        push_node(stack, Node::Text(decode_entities(text).into_owned()));
    }
}

/// `nodes` as Markdown blocks: block elements each as theirs, runs of text and inline elements as paragraphs.
fn blocks(nodes: &[Node]) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut run: Vec<&Node> = Vec::new();
    let flush = |run: &mut Vec<&Node>, blocks: &mut Vec<String>| {
        let text = inline(run.drain(..));
        if !text.is_empty() {
            blocks.push(paragraph(&text));
        }
    };
    for node in nodes {
        match node {
            Node::Element(element) if is_block(&element.name) => {
                flush(&mut run, &mut blocks);
                if !element.is_hidden() {
                    blocks.extend(element_blocks(element));
                }
            }
            _ => run.push(node),
        }
    }
    flush(&mut run, &mut blocks);
    blocks
}

/// A block element as Markdown blocks.
fn element_blocks(element: &Element) -> Vec<String> {
    let name = element.name.as_str();
    match name {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            let text = inline(&element.children);
            let level = usize::from(name.as_bytes()[1] - b'0');
            match text.is_empty() {
                true => Vec::new(),
                false => vec![format!("{} {text}", "#".repeat(level))],
            }
        }
        "p" | "summary" | "caption" | "figcaption" => {
            let text = inline(&element.children);
            if text.is_empty() {
                return Vec::new();
            }
            vec![paragraph(&text)]
        }
        "dt" => {
            let text = inline(&element.children);
            if text.is_empty() {
                return Vec::new();
            }
            vec![format!("**{text}**")]
        }
        "ul" | "ol" => list(element),
        "blockquote" => {
            let inner = blocks(&element.children).join("\n\n");
            match inner.is_empty() {
                true => Vec::new(),
                false => vec![prefix_lines(&inner, "> ", ">")],
            }
        }
        "pre" => vec![code_block(element)],
        "hr" => vec!["---".to_string()],
        "table" => table(element),
        _ => blocks(&element.children),
    }
}

/// A `<ul>` or `<ol>` (numbered from its `start`): tight unless an item holds more than one block.
fn list(element: &Element) -> Vec<String> {
    let ordered = element.name == "ol";
    let start: usize = element.attribute("start").and_then(|n| n.trim().parse().ok()).unwrap_or(1);
    let items: Vec<Vec<String>> = element
        .children
        .iter()
        .filter_map(|node| match node {
            Node::Element(item) if item.name == "li" && !item.is_hidden() => Some(blocks(&item.children)),
            _ => None,
        })
        .collect();
    if items.is_empty() {
        return Vec::new();
    }
    let loose = items.iter().any(|item| item.len() > 1);
    let separator = if loose { "\n\n" } else { "\n" };
    let rendered: Vec<String> = items
        .iter()
        .enumerate()
        .map(|(n, item)| {
            let marker = match ordered {
                true => format!("{}. ", start + n),
                false => "- ".to_string(),
            };
            let indent = " ".repeat(marker.len());
            let text = prefix_lines(&item.join(separator), &indent, "");
            format!("{marker}{}", &text[indent.len().min(text.len())..])
        })
        .collect();
    vec![rendered.join(separator)]
}

/// `<pre>` as a fenced block, its language from a `language-X` class of its `<code>`, longer fences than any run
/// of backticks inside.
fn code_block(element: &Element) -> String {
    let mut text = String::new();
    raw_text(&element.children, &mut text);
    let language = element
        .children
        .iter()
        .find_map(|node| match node {
            Node::Element(code) if code.name == "code" => code.attribute("class"),
            _ => None,
        })
        .and_then(|classes| classes.split_whitespace().find_map(|class| class.strip_prefix("language-")))
        .unwrap_or("");
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}", text.trim_end_matches('\n'))
}

fn raw_text(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Element(element) if !element.is_hidden() => raw_text(&element.children, out),
            Node::Element(_) => {}
        }
    }
}

/// A table as a Markdown table after its caption. Markdown has one header row: a column's header is the text of
/// each header row above it (a cell spanning columns heads each), joined by ` / `.
fn table(element: &Element) -> Vec<String> {
    let mut caption = None;
    let mut head: Vec<Vec<String>> = Vec::new();
    let mut body: Vec<Vec<String>> = Vec::new();
    for node in &element.children {
        let Node::Element(child) = node else { continue };
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
    let mut blocks: Vec<String> =
        caption.filter(|text| !text.is_empty()).map(|text| paragraph(&text)).into_iter().collect();
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
fn rows(group: &Element, header: bool) -> Vec<Vec<String>> {
    let each = group.children.iter().filter_map(|node| match node {
        Node::Element(tr) if tr.name == "tr" => Some(tr),
        _ => None,
    });
    each.flat_map(|tr| row(tr, header)).collect()
}

/// One row's cells as Markdown table cells, a cell spanning columns repeated in a header row and followed by
/// empty cells in the body. `None` for a hidden row.
fn row(tr: &Element, header: bool) -> Option<Vec<String>> {
    if tr.is_hidden() {
        return None;
    }
    let mut cells = Vec::new();
    for node in &tr.children {
        let Node::Element(cell) = node else { continue };
        if cell.name != "td" && cell.name != "th" {
            continue;
        }
        let text = match cell.is_hidden() {
            true => String::new(),
            false => inline(&cell.children).replace('|', "\\|").replace('\n', " "),
        };
        let span: usize = cell.attribute("colspan").and_then(|n| n.trim().parse().ok()).unwrap_or(1).clamp(1, 1000);
        for n in 0..span {
            cells.push(if n == 0 || header { text.clone() } else { String::new() });
        }
    }
    Some(cells)
}

/// Text and inline elements as one line of Markdown (a `<br>` breaks it), whitespace collapsed as a browser does.
fn inline<'n>(nodes: impl IntoIterator<Item = &'n Node>) -> String {
    let mut out = String::new();
    for node in nodes {
        inline_node(node, &mut out);
    }
    let collapsed = out.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
    // A break at either end breaks nothing; one inside becomes a hard line break, without the spaces around it.
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
    let wrapped = |mark: &str, out: &mut String| {
        let text = inline(&element.children);
        if !text.is_empty() {
            out.push_str(mark);
            out.push_str(&text);
            out.push_str(mark);
        }
    };
    match element.name.as_str() {
        "br" => out.push(BREAK),
        "a" => {
            let text = inline(&element.children);
            match element.attribute("href").filter(|href| !href.is_empty()) {
                Some(href) if !text.is_empty() => {
                    out.push('[');
                    out.push_str(&text);
                    out.push_str("](");
                    out.push_str(&href.replace(' ', "%20").replace('(', "%28").replace(')', "%29"));
                    out.push(')');
                }
                _ => out.push_str(&text),
            }
        }
        "strong" | "b" => wrapped("**", out),
        "em" | "i" => wrapped("*", out),
        "code" | "kbd" | "samp" => {
            let mut text = String::new();
            raw_text(&element.children, &mut text);
            let text = text.split_ascii_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let ticks = "`".repeat(longest_run + 1);
                let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
                out.push_str(&format!("{ticks}{pad}{text}{pad}{ticks}"));
            }
        }
        "img" => {
            let alt = element.attribute("alt").unwrap_or("");
            if let Some(src) = element.attribute("src") {
                let mut escaped = String::new();
                escape_into(alt, &mut escaped);
                out.push_str(&format!("![{escaped}]({})", src.replace(' ', "%20")));
            }
        }
        name => {
            // A block inside inline content (a table cell's paragraphs) keeps its words apart.
            let spaced = is_block(name);
            if spaced {
                out.push(' ');
            }
            for child in &element.children {
                inline_node(child, out);
            }
            if spaced {
                out.push(' ');
            }
        }
    }
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
}
