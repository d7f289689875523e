//! Build-time syntax highlighting of code blocks into `hl-` CSS classes, and the stylesheet for them.
//! Unknown languages fall back to plain escaped text; the palette meets WCAG AA contrast in both schemes.

use pulldown_cmark_escape::escape_html_body_text;
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

/// `<pre><code>` for a fenced block; `lang` is the first word of its info string (may be empty).
pub fn highlight_block(code: &str, lang: &str, highlight: bool) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    let lang_attr =
        lang.chars().filter(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '+' | '#')).collect::<String>();
    if lang_attr.is_empty() {
        html.push_str("<pre class=\"code\"><code>");
    } else {
        html.push_str(&format!("<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">"));
    }
    let syntax = if highlight && !lang_attr.is_empty() { syntaxes().find_syntax_by_token(&lang_attr) } else { None };
    match syntax.and_then(|syntax| classed(code, syntax)) {
        Some(highlighted) => html.push_str(&highlighted),
        None => {
            let _ = escape_html_body_text(&mut html, code);
        }
    }
    html.push_str("</code></pre>\n");
    html
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_language_gets_classes() {
        let html = highlight_block("fn main() {}\n", "rust", true);
        assert!(html.starts_with("<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\">"), "{html}");
        assert!(html.contains("hl-keyword") || html.contains("hl-storage"), "{html}");
    }

    #[test]
    fn unknown_language_is_plain_escaped_text() {
        let html = highlight_block("<b>x</b>\n", "no-such-lang", true);
        assert_eq!(html, "<pre class=\"code\" data-lang=\"no-such-lang\"><code class=\"language-no-such-lang\">&lt;b&gt;x&lt;/b&gt;\n</code></pre>\n");
    }

    #[test]
    fn hostile_info_string_is_filtered() {
        let html = highlight_block("x", "\"><script>", true);
        assert!(!html.contains("<script>"), "{html}");
    }

    #[test]
    fn stylesheet_has_both_schemes() {
        let css = stylesheet();
        assert!(css.contains(".hl-comment{color:#57606a}"));
        assert!(css.contains("[data-theme=dark] .hl-comment{color:#8b949e}"));
    }
}
