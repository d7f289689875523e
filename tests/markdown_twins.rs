//! Issue 15: Markdown twins (`markdown_twins = true`): `page/index.md` beside each page's HTML with front matter
//! left out, shortcodes run and `@/` links made addresses; `llms-full.txt` in the sidebar's order; llms.txt links both.

mod common;

#[test]
fn issue_15_each_page_has_a_markdown_twin_with_its_calls_run_and_links_resolved() {
    let built = common::build("markdown-twins");
    assert_eq!(
        built.read("guide/intro/index.md"),
        "# Introduction\n\n> Where to begin.\n\n\
         Read [setup](https://example.org/docs/guide/setup/#install) next, or [the home page][home].\n\
         To link a page, write `[setup](@/guide/setup.md)`.\n\n\
         > **Note:** Back up first.\n\n\
         <span class=\"badge\">new</span>\n\n\
         ```toml\n# `@/` inside code stays as written: [x](@/guide/setup.md)\n```\n\n\
         [home]: https://example.org/docs/\n"
    );
    assert_eq!(
        built.read("index.md"),
        "# Home\n\nWelcome. Start with [the introduction](https://example.org/docs/guide/intro/).\n"
    );
    assert_eq!(built.read("guide/index.md"), "# Guide\n");
}

/// Inline code shows an `@/` link as written, in the twin as in the HTML (only code blocks were left alone).
#[test]
fn issue_15_a_twin_leaves_links_in_inline_code_as_written() {
    let built = common::build("markdown-twins");
    assert!(built.read("guide/intro/index.md").contains("To link a page, write `[setup](@/guide/setup.md)`.\n"));
    assert!(built.read("guide/intro/index.html").contains("<code>[setup](@/guide/setup.md)</code>"));
}

#[test]
fn issue_15_llms_full_txt_holds_every_twin_in_sidebar_order_and_llms_txt_links_them() {
    let built = common::build("markdown-twins");
    let full = built.read("llms-full.txt");
    assert!(full
        .starts_with("# Twins\n\n> A site with Markdown twins.\n\n---\n\n# Home\nSource: https://example.org/docs/\n"));
    let order: Vec<&str> = full.lines().filter(|line| line.starts_with("Source: ")).collect();
    assert_eq!(
        order,
        [
            "Source: https://example.org/docs/",
            "Source: https://example.org/docs/guide/",
            "Source: https://example.org/docs/guide/intro/",
            "Source: https://example.org/docs/guide/setup/",
            "Source: https://example.org/docs/guide/events/",
        ]
    );
    assert!(
        full.contains("# Setup\nSource: https://example.org/docs/guide/setup/\n\n## Install\n\nRun the installer.\n")
    );
    let llms = built.read("llms.txt");
    assert!(llms.contains("[llms-full.txt](https://example.org/docs/llms-full.txt)"), "{llms}");
    assert!(
        llms.contains("- [Introduction](https://example.org/docs/guide/intro/index.md): Where to begin."),
        "{llms}"
    );
}

#[test]
fn issue_15_the_built_in_theme_links_the_twin_for_its_copy_button() {
    let built = common::build("markdown-twins");
    let html = built.read("guide/setup/index.html");
    assert!(
        html.contains(
            "<p class=\"doc-source\"><a class=\"markdown-link\" href=\"https://example.org/docs/guide/setup/index.md\" \
             type=\"text/markdown\">View as Markdown</a></p>"
        ),
        "{html}"
    );
    // And in the head, for tools that look there.
    assert!(
        html.contains(
            "<link rel=\"alternate\" type=\"text/markdown\" href=\"https://example.org/docs/guide/setup/index.md\">"
        ),
        "{html}"
    );
    let section = built.read("guide/index.html");
    assert!(
        section.contains(
            "<link rel=\"alternate\" type=\"text/markdown\" href=\"https://example.org/docs/guide/index.md\">"
        ),
        "{section}"
    );
}

/// A twin carries what its page shows: the timeline, glossary and matrix layouts build lists from front matter
/// after the body (`{% block after_content %}`), and the twin has them as Markdown, in llms-full.txt too.
#[test]
fn issue_15_a_twin_has_the_list_its_layout_adds_after_the_body() {
    let built = common::build("markdown-twins");
    let html = built.read("guide/events/index.html");
    assert!(html.contains("<time datetime=\"2024-05-01\">1 May 2024</time>"), "{html}");
    let twin = "# Events\n\nWhat happened when.\n\n## Events\n\n\
                1. 2023\n\n   The guide starts.\n\n   Two pages & a \\[draft\\] plan.\n\n\
                2. 1 May 2024\n\n   [Setup \\*changes\\*.](https://example.org/docs/guide/setup/)\n";
    assert_eq!(built.read("guide/events/index.md"), twin);
    let full = built.read("llms-full.txt");
    assert!(full.ends_with(&twin.replacen("\n", "\nSource: https://example.org/docs/guide/events/\n", 1)), "{full}");
}

#[test]
fn issue_15_without_markdown_twins_no_markdown_is_written() {
    let built = common::build("basic");
    assert!(!built.files().iter().any(|f| f.ends_with(".md") || f == "llms-full.txt"), "{:?}", built.files());
    assert!(!built.read("llms.txt").contains("index.md"));
    for html in built.files().iter().filter(|f| f.ends_with(".html")) {
        assert!(!built.read(html).contains("text/markdown"), "{html} links a twin that was not written");
    }
}
