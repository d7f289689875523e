//! Build-time syntax highlighting of code blocks into `hl-` CSS classes, Zola's code-block annotations (`name`,
//! `linenos`, `hl_lines`, `hide_lines`), and the stylesheet. Unknown languages are plain escaped text.

use pulldown_cmark_escape::{escape_html, escape_html_body_text};
use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::sync::OnceLock;
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loading the grammars takes milliseconds, so it happens once, on the first highlighted block.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// A fenced block's info string read as Zola reads it: comma-separated, the language first
/// (`rust,name=src/main.rs,linenos,linenostart=10,hl_lines=1 3-5,hide_lines=2`). Unknown annotations are ignored,
/// as in Zola.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence<'a> {
    /// The first word of the first annotation that is not a known key (may be empty).
    pub lang: &'a str,
    /// A title shown above the block: usually the file the code comes from.
    pub name: Option<&'a str>,
    pub line_numbers: bool,
    /// The number of the first line (`linenostart`); hidden lines keep their numbers.
    pub first_number: usize,
    /// Lines to mark, counted from 1 in the block as written.
    pub highlighted: Vec<RangeInclusive<usize>>,
    /// Lines left out of the page.
    pub hidden: Vec<RangeInclusive<usize>>,
}

impl<'a> Fence<'a> {
    pub fn parse(info: &'a str) -> Fence<'a> {
        let mut fence = Fence {
            lang: "",
            name: None,
            line_numbers: false,
            first_number: 1,
            highlighted: Vec::new(),
            hidden: Vec::new(),
        };
        for (index, annotation) in info.split(',').map(str::trim).enumerate() {
            match annotation.split_once('=').map(|(key, value)| (key.trim(), value.trim())) {
                Some(("name", name)) if !name.is_empty() => fence.name = Some(name),
                Some(("linenostart", n)) => fence.first_number = n.parse().unwrap_or(1),
                Some(("hl_lines", lines)) => fence.highlighted.extend(line_ranges(lines)),
                Some(("hide_lines", lines)) => fence.hidden.extend(line_ranges(lines)),
                None if annotation == "linenos" => fence.line_numbers = true,
                None if index == 0 => fence.lang = annotation.split_whitespace().next().unwrap_or(""),
                _ => {}
            }
        }
        fence
    }

    /// Whether the block is written line by line (numbers, marks or hidden lines).
    fn by_line(&self) -> bool {
        self.line_numbers || !self.highlighted.is_empty() || !self.hidden.is_empty()
    }
}

/// `1 3-5 9` → 1..=1, 3..=5, 9..=9; a reversed range is turned round, anything else skipped (as in Zola).
fn line_ranges(text: &str) -> impl Iterator<Item = RangeInclusive<usize>> + '_ {
    text.split_whitespace().filter_map(|range| {
        let (from, to) = range.split_once('-').unwrap_or((range, range));
        let (from, to): (usize, usize) = (from.parse().ok()?, to.parse().ok()?);
        Some(from.min(to)..=from.max(to))
    })
}

/// `<pre><code>` for a code block, with its title, line numbers, marked and hidden lines as `fence` says.
pub fn highlight_block(code: &str, fence: &Fence<'_>, highlight: bool) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    if let Some(name) = fence.name {
        html.push_str("<figure class=\"code-block\"><figcaption class=\"code-name\">");
        let _ = escape_html(&mut html, name);
        html.push_str("</figcaption>");
    }
    let lang_attr =
        fence.lang.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '+' | '#')).collect::<String>();
    html.push_str("<pre class=\"code\"");
    if fence.line_numbers {
        html.push_str(" data-linenos");
    }
    if lang_attr.is_empty() {
        html.push_str("><code>");
    } else {
        let _ = write!(html, " data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">");
    }
    let syntax = if highlight && !lang_attr.is_empty() { syntaxes().find_syntax_by_token(&lang_attr) } else { None };
    let highlighted = syntax.and_then(|syntax| classed(code, syntax));
    match (highlighted, fence.by_line()) {
        (Some(highlighted), false) => html.push_str(&highlighted),
        (None, false) => {
            let _ = escape_html_body_text(&mut html, code);
        }
        (Some(highlighted), true) => write_lines(&mut html, &highlighted, fence),
        (None, true) => {
            let mut escaped = String::with_capacity(code.len() + 16);
            let _ = escape_html_body_text(&mut escaped, code);
            write_lines(&mut html, &escaped, fence);
        }
    }
    html.push_str("</code></pre>\n");
    if fence.name.is_some() {
        html.push_str("</figure>\n");
    }
    html
}

/// Writes `code_html` line by line: hidden lines left out, marked ones in `<mark>`, and each number as an
/// attribute the stylesheet shows, so copying the code or indexing it for search never picks numbers up.
fn write_lines(html: &mut String, code_html: &str, fence: &Fence<'_>) {
    let contains = |ranges: &[RangeInclusive<usize>], line: usize| ranges.iter().any(|range| range.contains(&line));
    for (index, line) in split_lines(code_html).iter().enumerate() {
        let number = index + 1;
        if contains(&fence.hidden, number) {
            continue;
        }
        let marked = contains(&fence.highlighted, number);
        if marked {
            html.push_str("<mark class=\"hl-line\">");
        }
        if fence.line_numbers {
            let _ = write!(
                html,
                "<span class=\"ln\" data-n=\"{}\" aria-hidden=\"true\"></span>",
                fence.first_number + index
            );
        }
        html.push_str(line);
        html.push('\n');
        if marked {
            html.push_str("</mark>");
        }
    }
}

/// Highlighted HTML cut into lines (without their newlines), each closing the spans still open at its end and
/// opening them again on the next, so every line stands alone. A last line with no text is dropped.
fn split_lines(code_html: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    let mut line = String::new();
    let mut has_text = false;
    let mut rest = code_html;
    while let Some(at) = rest.find(['<', '\n']) {
        line.push_str(&rest[..at]);
        has_text |= at > 0;
        if rest.as_bytes()[at] == b'\n' {
            open.iter().for_each(|_| line.push_str("</span>"));
            lines.push(std::mem::take(&mut line));
            open.iter().for_each(|tag| line.push_str(tag));
            has_text = false;
            rest = &rest[at + 1..];
            continue;
        }
        let end = rest[at..].find('>').map_or(rest.len(), |end| at + end + 1);
        let tag = &rest[at..end];
        if tag.starts_with("</") {
            open.pop();
        } else if !tag.ends_with("/>") {
            open.push(tag);
        }
        line.push_str(tag);
        rest = &rest[end..];
    }
    line.push_str(rest);
    if has_text || !rest.is_empty() {
        lines.push(line);
    }
    lines
}

fn classed(code: &str, syntax: &syntect::parsing::SyntaxReference) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator.parse_html_for_line_which_includes_newline(line).ok()?;
    }
    Some(generator.finalize())
}

/// Scope class → (light colour, dark colour). Chosen for ≥ 4.5:1 contrast on #f6f8fa and #161b22.
const PALETTE: &[(&str, &str, &str)] = &[
    ("hl-comment", "#57606a", "#8b949e"),
    ("hl-string", "#0a3069", "#a5d6ff"),
    ("hl-constant", "#0550ae", "#79c0ff"),
    ("hl-support", "#0550ae", "#79c0ff"),
    ("hl-variable", "#953800", "#ffa657"),
    ("hl-entity", "#6639ba", "#d2a8ff"),
    ("hl-storage", "#cf222e", "#ff7b72"),
    ("hl-keyword", "#cf222e", "#ff7b72"),
    ("hl-invalid", "#82071e", "#ffa198"),
];

/// Where Quire writes `stylesheet()` in the output.
pub const STYLESHEET_PATH: &str = "syntax.css";

/// The `syntax.css` Quire writes: light colours, and dark ones for `prefers-color-scheme` and `data-theme`.
pub fn stylesheet() -> String {
    let mut css = String::from("/* Code highlighting classes written by Quire (hl-<scope>). */\n");
    for (class, light, _) in PALETTE {
        css.push_str(&format!(".{class}{{color:{light}}}\n"));
    }
    css.push_str(
        ".hl-markup.hl-bold,.hl-markup.hl-heading{font-weight:bold}\n.hl-markup.hl-italic{font-style:italic}\n",
    );
    css.push_str("@media (prefers-color-scheme:dark){\n");
    for (class, _, dark) in PALETTE {
        css.push_str(&format!(":root:not([data-theme=light]) .{class}{{color:{dark}}}\n"));
    }
    css.push_str("}\n");
    for (class, _, dark) in PALETTE {
        css.push_str(&format!("[data-theme=dark] .{class}{{color:{dark}}}\n"));
    }
    css
}

/// The stylesheets Zola 0.22+ writes for `[markdown.highlighting] style = "class"`, under Zola's names, with
/// Quire's colours for Quire's classes (a theme links and hashes them: zolarwind's `giallo-light.css`): `giallo.css`
/// for one `theme` (light and dark, as `syntax.css`), `giallo-light.css` and `giallo-dark.css` for a
/// `light_theme` and a `dark_theme`. None otherwise, as in Zola.
pub fn zola_stylesheets(highlighting: Option<&serde_json::Value>) -> Vec<(&'static str, String)> {
    let Some(table) = highlighting.filter(|table| table.get("style").and_then(|s| s.as_str()) == Some("class")) else {
        return Vec::new();
    };
    let one_scheme = |dark: bool| {
        let mut css = String::from("/* Code highlighting classes written by Quire (hl-<scope>). */\n");
        for (class, light_colour, dark_colour) in PALETTE {
            css.push_str(&format!(".{class}{{color:{}}}\n", if dark { dark_colour } else { light_colour }));
        }
        css.push_str(
            ".hl-markup.hl-bold,.hl-markup.hl-heading{font-weight:bold}\n.hl-markup.hl-italic{font-style:italic}\n",
        );
        css
    };
    if table.get("theme").is_some() {
        vec![("giallo.css", stylesheet())]
    } else if table.get("light_theme").is_some() && table.get("dark_theme").is_some() {
        vec![("giallo-light.css", one_scheme(false)), ("giallo-dark.css", one_scheme(true))]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(code: &str, info: &str) -> String {
        highlight_block(code, &Fence::parse(info), true)
    }

    #[test]
    fn known_language_gets_classes() {
        let html = block("fn main() {}\n", "rust");
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"), "{html}");
        assert!(html.contains("hl-keyword") || html.contains("hl-storage"), "{html}");
    }

    #[test]
    fn unknown_language_is_plain_escaped_text() {
        let html = block("<b>x</b>\n", "no-such-lang");
        assert_eq!(html, "<pre class=\"code\" data-lang=\"no-such-lang\"><code class=\"language-no-such-lang\">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n");
    }

    #[test]
    fn hostile_info_string_is_filtered() {
        let html = block("x", "\"><script>");
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn zola_annotations_are_read() {
        let fence = Fence::parse("scss, linenos, linenostart=10, hl_lines=3-4 8-9, hide_lines=2 7, name=a b.scss");
        assert_eq!(fence.lang, "scss");
        assert_eq!(fence.name, Some("a b.scss"));
        assert!(fence.line_numbers);
        assert_eq!(fence.first_number, 10);
        assert_eq!(fence.highlighted, vec![3..=4, 8..=9]);
        assert_eq!(fence.hidden, vec![2..=2, 7..=7]);
        assert_eq!(Fence::parse("rust ignore").lang, "rust");
        assert_eq!(Fence::parse("hl_lines=5-2,linenos").highlighted, vec![2..=5]);
        assert_eq!(Fence::parse("hl_lines=5-2,linenos").lang, "");
    }

    #[test]
    fn lines_are_numbered_marked_and_hidden() {
        let html = block("a\n<b>\nc\n", "nolang,linenos,linenostart=7,hl_lines=3,hide_lines=2,name=x<y");
        assert_eq!(
            html,
            "<figure class=\"code-block\"><figcaption class=\"code-name\">x&lt;y</figcaption>\
             <pre class=\"code\" data-linenos data-lang=\"nolang\"><code class=\"language-nolang\">\
             <span class=\"ln\" data-n=\"7\" aria-hidden=\"true\"></span>a\n\
             <mark class=\"hl-line\"><span class=\"ln\" data-n=\"9\" aria-hidden=\"true\"></span>c\n</mark>\
             </code></pre>\n</figure>\n"
        );
    }

    #[test]
    fn highlighted_spans_are_closed_and_reopened_on_each_line() {
        let lines = split_lines("<span class=\"a\">x\n<span class=\"b\">y</span>\nz</span>\n");
        assert_eq!(
            lines,
            vec![
                "<span class=\"a\">x</span>",
                "<span class=\"a\"><span class=\"b\">y</span></span>",
                "<span class=\"a\">z</span>",
            ]
        );
        let html = block("/* one\ntwo */\nfn x() {}\n", "rust,hl_lines=2");
        assert_eq!(html.matches("<span").count(), html.matches("</span>").count(), "{html}");
        assert!(
            html.contains("<mark class=\"hl-line\"><span class=\"hl-source hl-rust\"><span class=\"hl-comment"),
            "{html}"
        );
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet();
        assert!(css.contains(".hl-comment{color:#57606a}"));
        assert!(css.contains("[data-theme=dark] .hl-comment{color:#8b949e}"));
    }
}
