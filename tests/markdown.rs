//! Markdown as a site renders it: callouts, tables, footnotes, heading ids and anchors, code highlighting,
//! unsafe link schemes neutralised, and template-like text left alone (Markdown is never run through Tera).

mod common;

use common::{between, build, Built};

fn body(built: &Built) -> String {
    let html = built.read("features/index.html");
    html[html.find("\n---\n").expect("dump template separator") + 5..].to_string()
}

#[test]
fn markdown_features_snapshot() {
    let built = build("markdown");
    insta::assert_snapshot!(body(&built));
}

#[test]
fn callouts_become_labelled_notes() {
    let html = body(&build("markdown"));
    assert!(html.contains("<div class=\"callout callout-note\" role=\"note\"><p class=\"callout-title\">Note</p>\n<p>Notes stand out.</p>\n</div>"));
    assert!(html.contains("<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>\n<p><strong>Careful</strong> here.</p>\n</div>"));
    assert!(html.contains("<blockquote>\n<p>A plain quote stays a blockquote.</p>\n</blockquote>"));
}

#[test]
fn tables_and_footnotes() {
    let html = body(&build("markdown"));
    assert!(html.contains("<th style=\"text-align: left\">Name</th><th style=\"text-align: right\">Value</th>"));
    assert!(html.contains(
        "<td style=\"text-align: left\"><code>b</code></td><td style=\"text-align: right\"><strong>2</strong></td>"
    ));
    assert!(html.contains("<sup class=\"footnote-reference\"><a href=\"#fn-fn\">1</a></sup>"));
    assert!(html.contains("<div class=\"footnote-definition\" id=\"fn-fn\">"));
}

/// The fixture has its own templates and no `insert_anchor_links`: no anchor link, as in Zola (anchor links are
/// tested in tests/heading_anchors.rs).
#[test]
fn heading_ids_are_unique_and_custom() {
    let built = build("markdown");
    let html = body(&built);
    assert!(html.contains("<h2 id=\"setup\">Setup</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"setup-1\">Setup</h2>"), "{html}");
    assert!(html.contains("<h2 id=\"my-id\">Custom heading</h2>"), "{html}");
    // Every id appears once.
    let mut ids: Vec<&str> = html
        .match_indices(" id=\"")
        .map(|(i, _)| {
            let rest = &html[i + 5..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect();
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count, "duplicate ids: {ids:?}");
    // Links to `#setup-1` and `#my-id` were checked at build time and kept.
    assert!(html.contains("<a href=\"#setup-1\">the second setup</a>"));
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_fall_back() {
    let html = body(&build("markdown"));
    assert!(html.contains(
        "<pre class=\"code\" data-lang=\"rust\"><code class=\"language-rust\"><span class=\"hl-source hl-rust\">"
    ));
    assert!(html.contains("<span class=\"hl-storage hl-type hl-function hl-rust\">fn</span>"));
    assert!(html.contains("<pre class=\"code\" data-lang=\"no-such-language\"><code class=\"language-no-such-language\">&lt;plain&gt; &amp; text\n</code></pre>"));
    assert!(html.contains("<pre class=\"code\"><code>no language at all\n</code></pre>"));
    assert!(!html.contains("style=\"color"), "highlighting must use classes, not inline styles");
}

#[test]
fn syntax_stylesheet_has_light_and_dark_rules() {
    // With the built-in theme, which links syntax.css (issue 14: a site of its own templates gets none).
    let built = common::build_edited("markdown", common::without_templates);
    let css = built.read("syntax.css");
    assert!(css.contains(".hl-keyword{"), "{css}");
    let dark = between(&css, "@media (prefers-color-scheme:dark){\n", "}\n}\n");
    assert!(dark.contains("\n:root:not([data-theme=light]) .hl-keyword{"), "{css}");
    assert!(css.contains("[data-theme=dark] .hl-keyword{"));
}

#[test]
fn script_urls_are_neutralised() {
    let html = body(&build("markdown"));
    let lower = html.to_ascii_lowercase();
    for scheme in ["javascript:", "vbscript:", "data:text/html"] {
        // Only the text of the autolink may still show the scheme; no attribute holds it.
        for (i, _) in lower.match_indices(scheme) {
            let before = &lower[..i];
            assert!(
                !before.ends_with("href=\"") && !before.ends_with("src=\""),
                "{scheme} survived in an attribute near: {}",
                &html[i.saturating_sub(40)..(i + 40).min(html.len())]
            );
        }
    }
    for text in ["bad", "also bad", "data", "entity", "reference"] {
        assert!(html.contains(&format!("<a href=\"#\">{text}</a>")), "{text}");
    }
    assert!(html.contains("<a href=\"#\">javascript:alert(4)</a>"));
    assert!(html.contains("<img src=\"#\" alt=\"image\" />"));
    assert!(html.contains("<a href=\"https://example.com/?a=1&amp;b=2\">fine</a>"));
}

#[test]
fn template_syntax_in_markdown_stays_text() {
    let html = body(&build("markdown"));
    assert!(html
        .contains("<p>Template-like text: {{ config.title }} and {% if true %}yes{% endif %} and {# comment #}.</p>"));
    assert!(html.contains("<p><code>inline {{ code }}</code> stays too.</p>"));
    assert!(html.contains("<code class=\"language-jinja\">{{ page.title }} {% block x %}{% endblock %}\n</code>"));
}
