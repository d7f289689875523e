//! Markdown rendering tests: ids, links, callouts, highlighting and escaping, each on a small input.
//! Beside the code they test, as the style guide asks; fixture sites live in tests/fixtures.

use super::*;
use crate::content::slug::SlugStyle;

fn resolve(path: &str) -> Option<String> {
    (path == "guide/intro.md").then(|| "https://example.org/guide/intro/".to_string())
}

fn options() -> Options<'static> {
    Options {
        settings: MarkdownConfig { highlight_code: true, ..MarkdownConfig::default() },
        anchors: SlugStyle::On,
        resolve: &resolve,
        heading_anchor: HeadingAnchor::Theme,
    }
}

fn check(markdown: &str, expected_html: &str) {
    assert_eq!(render_markdown(markdown, &options()).html, expected_html, "markdown: {markdown:?}");
}

#[test]
fn headings_get_ids_and_anchor_links() {
    check(
        "## Hello *world*\n",
        "<h2 id=\"hello-world\">Hello <em>world</em> <a class=\"anchor\" href=\"#hello-world\" aria-label=\"Link to this section\">#</a></h2>\n",
    );
    check(
        "## Setup {#custom}\n",
        "<h2 id=\"custom\">Setup <a class=\"anchor\" href=\"#custom\" aria-label=\"Link to this section\">#</a></h2>\n",
    );
}

/// Found by fuzzing: `# a` then `# b {#a}` gave both headings the id `a`.
#[test]
fn issue_generated_heading_id_never_takes_an_explicit_one() {
    let rendered = render_markdown("# Intro\n\n## Later {#intro}\n\n## Intro\n", &options());
    let ids: Vec<_> = rendered.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["intro-1"]);
    let children: Vec<_> = rendered.toc[0].children.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(children, vec!["intro", "intro-2"]);
}

/// Found by fuzzing (markdown_scaling): each repeated heading searched every suffix from `-1`, so a page of
/// n equal headings took n² steps. Ids must come out as before: the first free suffix, in order.
#[test]
fn issue_many_equal_headings_number_in_order_around_taken_ids() {
    let mut markdown = String::from("## A {#a-2}\n");
    for _ in 0..5 {
        markdown.push_str("## A\n");
    }
    let rendered = render_markdown(&markdown, &options());
    let ids: Vec<_> = rendered.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["a-2", "a", "a-1", "a-3", "a-4", "a-5"]);
}

#[test]
fn duplicate_headings_get_unique_ids() {
    let rendered = render_markdown("## A\n## A\n## A\n", &options());
    let ids: Vec<_> = rendered.toc.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, vec!["a", "a-1", "a-2"]);
}

#[test]
fn toc_is_nested() {
    let rendered = render_markdown("## One\n### One.A\n### One.B\n## Two\n#### Deep\n", &options());
    assert_eq!(rendered.toc.len(), 2);
    assert_eq!(rendered.toc[0].children.iter().map(|h| h.title.as_str()).collect::<Vec<_>>(), vec!["One.A", "One.B"]);
    assert_eq!(rendered.toc[1].children[0].title, "Deep");
}

#[test]
fn internal_links_resolve_and_keep_anchor() {
    check("[x](@/guide/intro.md#setup)", "<p><a href=\"https://example.org/guide/intro/#setup\">x</a></p>\n");
    let rendered = render_markdown("[x](@/missing.md)", &options());
    assert_eq!(rendered.links, vec![Link { target: "@/missing.md".into(), offset: 0, is_image: false }]);
}

#[test]
fn script_urls_are_neutralised() {
    check("[x](javascript:alert(1))", "<p><a href=\"#\">x</a></p>\n");
    check("[x]( VBScript:msgbox )", "<p><a href=\"#\">x</a></p>\n");
    check("[x](data:text/html;base64,PHNjcmlwdD4=)", "<p><a href=\"#\">x</a></p>\n");
    check("![x](data:image/png;base64,AAAA)", "<p><img src=\"data:image/png;base64,AAAA\" alt=\"x\" /></p>\n");
    check("[x](https://e.org \"a\\\"b<c\")", "<p><a href=\"https://e.org\" title=\"a&quot;b&lt;c\">x</a></p>\n");
}

#[test]
fn callouts() {
    check(
        "> [!WARNING]\n> Careful.\n",
        "<div class=\"callout callout-warning\" role=\"note\"><p class=\"callout-title\">Warning</p>\n<p>Careful.</p>\n</div>\n",
    );
}

#[test]
fn raw_html_passes_or_is_escaped() {
    check("<div id=\"here\">x</div>\n", "<div id=\"here\">x</div>\n");
    let mut escaping = options();
    escaping.settings.render_raw_html = false;
    assert_eq!(render_markdown("<b>x</b>\n", &escaping).html, "<p>&lt;b&gt;x&lt;/b&gt;</p>\n");
    assert_eq!(render_markdown("<div>x</div>\n", &escaping).html, "&lt;div&gt;x&lt;/div&gt;\n");
    assert!(render_markdown("<a id='top'></a>\n", &options()).ids.contains("top"));
}

#[test]
fn template_syntax_stays_text() {
    check("{{ page.title }} and {% if x %}\n", "<p>{{ page.title }} and {% if x %}</p>\n");
}

#[test]
fn summary_before_more_marker() {
    let rendered = render_markdown("Intro.\n\n<!-- more -->\n\nRest.\n", &options());
    assert_eq!(rendered.summary.as_deref(), Some("<p>Intro.</p>\n"));
}

#[test]
fn extensions_are_on() {
    let html = render_markdown("| a |\n|---|\n| b |\n\n~~s~~ [^1]\n\n- [x] done\n\n[^1]: note\n", &options()).html;
    for needle in ["<table>", "<del>s</del>", "type=\"checkbox\"", "footnote-definition"] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
}

#[test]
fn smart_punctuation_is_configurable() {
    let mut smart = options();
    smart.settings.smart_punctuation = true;
    assert_eq!(render_markdown("\"a\" -- b", &smart).html, "<p>“a” – b</p>\n");
    check("\"a\"", "<p>\"a\"</p>\n");
}

#[test]
fn counts_words() {
    assert_eq!(render_markdown("One two, three.\n\n网络空间", &options()).word_count, 7);
}

#[test]
fn deep_nesting_does_not_overflow() {
    let markdown: String = (0..10_000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect();
    let html = render_markdown(&markdown, &options()).html;
    assert!(html.contains("<li>"));
    let quotes = ">".repeat(10_000) + " deep\n";
    assert!(render_markdown(&quotes, &options()).html.contains("deep"));
}

#[test]
fn words_are_counted_across_scripts() {
    assert_eq!(count_words("Héllo wörld, 你好 a-b 42"), 7);
    assert_eq!(count_words("über—straße·x"), 3);
    assert_eq!(count_words(""), 0);
    assert_eq!(count_words("日本語text"), 4);
}

/// The eight-bytes-at-once path agrees with counting one character at a time, at every alignment and with
/// every ASCII byte on either side of a chunk's edge.
#[test]
fn words_counted_eight_bytes_at_once_match_one_at_a_time() {
    fn one_at_a_time(text: &str) -> usize {
        let (mut count, mut in_word) = (0, false);
        for c in text.chars() {
            if is_cjk(c) {
                count += 1;
                in_word = false;
            } else if c.is_alphanumeric() {
                count += usize::from(!in_word);
                in_word = true;
            } else {
                in_word = false;
            }
        }
        count
    }
    let mut texts: Vec<String> = vec![
        "The quick brown fox, jumps over 13 lazy dogs; ok?".into(),
        "a".repeat(17),
        "a b c d e f g h i j k l m n o p".into(),
        "x9Z_0@[`{/:~ é ü 你好 Zz09".into(),
    ];
    for byte in 0u8..128 {
        for offset in 0..9 {
            let mut text = "ab ".repeat(offset);
            text.push(char::from(byte));
            text.push_str("cd ef");
            texts.push(text);
        }
    }
    for text in &texts {
        for start in 0..text.len().min(9) {
            if let Some(part) = text.get(start..) {
                assert_eq!(count_words(part), one_at_a_time(part), "{part:?}");
            }
        }
    }
}

/// Issue 14, defect 5: a heading and a footnote of the same name get different ids, and the footnote's
/// reference points at the footnote.
#[test]
fn issue_14_heading_and_footnote_ids_differ() {
    let rendered = render_markdown("# Note\n\nText[^note].\n\n[^note]: A footnote.\n", &options());
    assert!(rendered.html.contains("<h1 id=\"note\">"), "{}", rendered.html);
    assert!(rendered.html.contains("<a href=\"#fn-note\">1</a>"), "{}", rendered.html);
    assert!(rendered.html.contains("<div class=\"footnote-definition\" id=\"fn-note\">"), "{}", rendered.html);
    // A heading whose slug is a footnote's id gets a suffix, wherever the footnote is defined.
    let rendered = render_markdown("# Fn note\n\nText[^note].\n\n[^note]: A footnote.\n", &options());
    assert!(rendered.html.contains("<h1 id=\"fn-note-1\">"), "{}", rendered.html);
    assert!(rendered.duplicate_ids.is_empty());
    // Footnotes are rendered in one pass and reserved only when one of their ids turns out to be taken: the
    // answer is the same as when they were reserved first, a heading after the footnote included.
    let markdown = "# Fn note\n\nText[^note].\n\n[^note]: A footnote.\n\n# Fn note\n";
    let rendered = render_markdown(markdown, &options());
    let ids: Vec<&str> = rendered.toc.iter().map(|heading| heading.id.as_str()).collect();
    assert_eq!(ids, ["fn-note-1", "fn-note-2"]);
    assert_eq!(rendered.ids.len(), 3);
    // An id in raw HTML before the footnote is the one listed as repeated, at its value.
    let markdown = "<a id=\"fn-note\"></a>\n\nText[^note].\n\n[^note]: A footnote.\n";
    let rendered = render_markdown(markdown, &options());
    assert_eq!(rendered.duplicate_ids, [("fn-note".to_string(), 7)]);
}

/// Issue 14, defect 5: ids Quire cannot rename (raw HTML, `{#id}`) are listed when they repeat one.
#[test]
fn issue_14_repeated_ids_are_listed() {
    let rendered = render_markdown("## Install\n\n<a id=\"install\"></a>\n\n## A {#x}\n\n## B {#x}\n", &options());
    let ids: Vec<&str> = rendered.duplicate_ids.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["x", "install"]);
    // Raw HTML first: the heading steps aside.
    let rendered = render_markdown("<a id=\"install\"></a>\n\n## Install\n", &options());
    assert!(rendered.html.contains("<h2 id=\"install-1\">"), "{}", rendered.html);
}

/// Issue 14, defect 2: ids as Zola makes them (the `slug` crate), and GitHub's when asked.
#[test]
fn issue_14_heading_ids_match_zola_and_github() {
    let ids = |markdown: &str, anchors: SlugStyle| {
        let options = Options { anchors, ..options() };
        let rendered = render_markdown(markdown, &options);
        let mut ids = Vec::new();
        fn walk(headings: &[Heading], ids: &mut Vec<String>) {
            for heading in headings {
                ids.push(heading.id.clone());
                walk(&heading.children, ids);
            }
        }
        walk(&rendered.toc, &mut ids);
        ids
    };
    let markdown = "## load_data\n## People -- body\n## Ünïcödé 日本\n## `get_url`\n## Intro\n## Intro\n";
    assert_eq!(
        ids(markdown, SlugStyle::On),
        ["load-data", "people-body", "unicode-ri-ben", "get-url", "intro", "intro-1"]
    );
    assert_eq!(
        ids(markdown, SlugStyle::Github),
        ["load_data", "people----body", "ünïcödé-日本", "get_url", "intro", "intro-1"]
    );
    assert_eq!(ids(markdown, SlugStyle::Safe)[1], "People_--_body");
}

/// Issue 14: definition lists are on by default; `definition_list = false` turns them off.
#[test]
fn issue_14_definition_lists() {
    let markdown = "Term\n: The definition.\n";
    assert_eq!(render_markdown(markdown, &options()).html, "<dl>\n<dt>Term</dt>\n<dd>The definition.</dd>\n</dl>\n");
    let mut off = options();
    off.settings.definition_list = false;
    assert!(!render_markdown(markdown, &off).html.contains("<dl>"));
}

/// Issue 14: Zola's `external_links_class` on every http(s) link, with the other external-link settings.
#[test]
fn issue_14_external_links_class() {
    let mut settings = options();
    settings.settings.external_links_class = Some("external".into());
    assert_eq!(
        render_markdown("[a](https://example.org/) [b](@/guide/intro.md)", &settings).html,
        "<p><a href=\"https://example.org/\" class=\"external\">a</a> <a href=\"https://example.org/guide/intro/\">b</a></p>\n"
    );
    settings.settings.external_links_no_follow = true;
    assert!(render_markdown("[a](https://example.org/)", &settings)
        .html
        .contains("<a href=\"https://example.org/\" class=\"external\" rel=\"nofollow\">"));
}

/// Issue 14, defect 4: every `href` and `src` in raw HTML is a link of its own, at its own offset.
#[test]
fn issue_14_raw_html_links_each_at_their_offset() {
    let body = "<a href=\"/missing/\">x</a>\n\nText <img src='/a.png'> and <a href=\"/missing/\">again</a>.\n";
    let rendered = render_markdown(body, &options());
    let links: Vec<(&str, usize, bool)> =
        rendered.links.iter().map(|l| (l.target.as_str(), l.offset, l.is_image)).collect();
    assert_eq!(links, [("/missing/", 9, false), ("/a.png", 42, true), ("/missing/", 64, false)]);
}

#[test]
fn dollars_stay_text_unless_math_is_on() {
    check("costs $5 or $6\n", "<p>costs $5 or $6</p>\n");
    let math = Options { settings: MarkdownConfig { math: true, ..MarkdownConfig::default() }, ..options() };
    let rendered = render_markdown("area $\\pi r^2$\n", &math);
    assert!(rendered.html.starts_with("<p>area <math><mi>π</mi>"), "{}", rendered.html);
    assert!(rendered.problems.is_empty());
}

#[test]
fn equation_calls_stay_text_for_shortcodes() {
    let math = Options { settings: MarkdownConfig { math: true, ..MarkdownConfig::default() }, ..options() };
    let body = "see $\\frac{{a}}{b}$ here\n";
    assert_eq!(code_ranges(body, &math), vec![4..19]);
}
