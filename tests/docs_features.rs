//! What documentation pages need beyond Markdown (issue 15): equations as MathML at build time, annotated code
//! blocks, files included into pages, and the print view, each on a small fixture.

mod common;

use common::{build, build_error};

#[test]
fn math_becomes_mathml_and_leaves_no_tex() {
    let html = build("docs-features").read("math/index.html");
    assert!(html.contains("<math><msup><mi>e</mi>"), "{html}");
    assert!(html.contains("<math display=\"block\">"), "{html}");
    assert!(html.contains("<mfrac>"), "{html}");
    assert!(!html.contains("\\frac") && !html.contains("\\pi"), "TeX left in the page: {html}");
    // Escaped dollars and code stay as written.
    assert!(html.contains("A price of $5 and $6 stays text"), "{html}");
    assert!(html.contains("<code>$x$</code>"), "{html}");
}

#[test]
fn unsupported_math_command_is_an_error_at_its_line_and_column() {
    insta::assert_snapshot!(build_error("invalid-math"));
}

#[test]
fn code_blocks_take_zolas_annotations() {
    let html = build("docs-features").read("code/index.html");
    assert!(
        html.contains("<figure class=\"code-block\"><figcaption class=\"code-name\">src/main.rs</figcaption><pre class=\"code\" data-linenos data-lang=\"rust\">"),
        "{html}"
    );
    assert_eq!(html.matches("<mark class=\"hl-line\">").count(), 3, "{html}");
    assert!(html.contains("data-n=\"1\"") && html.contains("data-n=\"4\"") && html.contains("data-n=\"6\""), "{html}");
    assert!(!html.contains("hidden from the page"), "{html}");
    assert!(html.contains("<pre class=\"code\" data-linenos data-lang=\"js\"><code class=\"language-js\"><span class=\"ln\" data-n=\"20\""), "{html}");
}

#[test]
fn include_puts_a_files_lines_in_a_code_block_or_its_markdown_in_the_page() {
    let html = build("docs-features").read("include/index.html");
    assert!(
        html.contains("<figure class=\"code-block\"><figcaption class=\"code-name\">examples/hello.rs</figcaption>"),
        "{html}"
    );
    assert!(html.contains("data-n=\"3\"") && html.contains("data-n=\"6\"") && !html.contains("data-n=\"7\""), "{html}");
    assert!(
        html.contains("greeting") && !html.contains("An example the docs include") && !html.contains("unused"),
        "{html}"
    );
    assert!(html.contains("<p>An <em>included</em> paragraph, rendered as Markdown with the page.</p>"), "{html}");
}

#[test]
fn include_of_a_missing_or_outside_file_is_an_error_at_the_call() {
    insta::assert_snapshot!(build_error("invalid-include"));
}

/// Zola 0.23 sites (content templating) write the same call, which is a template function call there: the same
/// output, the same errors, and the file is watched with the body that includes it.
#[test]
fn include_works_in_zola_0_23_content_templating() {
    let copy = common::copy_fixture("docs-features");
    let site = copy.path().join("site");
    common::rewrite(&site, "config.toml", |config| format!("content_templating = true\n{config}"));
    let output = site.join("public");
    quire::build(&common::options(&site, &output)).expect("the site builds in 0.23 mode");
    let html = std::fs::read_to_string(output.join("include/index.html")).expect("page");
    assert!(
        html.contains("<figure class=\"code-block\"><figcaption class=\"code-name\">examples/hello.rs</figcaption>"),
        "{html}"
    );
    assert!(html.contains("<p>An <em>included</em> paragraph, rendered as Markdown with the page.</p>"), "{html}");
    let options = quire::BuildOptions { root: site.clone(), ..Default::default() };
    let prepared = quire::pipeline::prepare(&options, quire::pipeline::Purpose::Serve).expect("prepared");
    let including: Vec<&String> = prepared.site.included_files["examples/hello.rs"].iter().collect();
    assert_eq!(including, ["include.md"]);

    common::write(
        &site,
        "content/missing.md",
        "+++\ntitle = \"Missing\"\n+++\nText.\n\n{{ include(path=\"examples/nothing.rs\") }}\n",
    );
    let error = quire::build(&common::options(&site, &output)).expect_err("a missing file is an error").to_string();
    assert!(error.contains("content/missing.md:6:") && error.contains("examples/nothing.rs"), "{error}");
}

#[cfg(unix)]
#[test]
fn include_never_follows_a_link_out_of_the_site() {
    let copy = common::copy_fixture("docs-features");
    let site = copy.path().join("site");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.txt"), "secret text").expect("write");
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), site.join("examples/secret.txt")).expect("link");
    common::write(
        &site,
        "content/leak.md",
        "+++\ntitle = \"Leak\"\n+++\n{{ include(path=\"examples/secret.txt\") }}\n",
    );
    let output = site.join("public");
    let error = quire::build(&common::options(&site, &output)).expect_err("a link out of the site is refused");
    let error = error.to_string();
    assert!(error.contains("content/leak.md:4:1: error: shortcode: include: `examples/secret.txt` is a link that leads out of the site"), "{error}");
    assert!(!error.contains("secret text"), "{error}");
}

/// The values of every `name="..."` attribute of `html`.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let pattern = format!(" {name}=\"");
    html.match_indices(&pattern)
        .map(|(at, _)| {
            let value = &html[at + pattern.len()..];
            value[..value.find('"').expect("closed")].to_string()
        })
        .collect()
}

/// Asserts that no id is on `html` twice and that every `#anchor` link of it points at one of its ids; returns
/// those links.
fn assert_anchors_resolve(html: &str) -> Vec<String> {
    let ids: std::collections::HashSet<String> = attribute_values(html, "id").into_iter().collect();
    assert_eq!(ids.len(), attribute_values(html, "id").len(), "an id is on the print page twice");
    let anchors: Vec<String> =
        attribute_values(html, "href").into_iter().filter(|href| href.starts_with('#')).collect();
    for href in &anchors {
        assert!(ids.contains(&href[1..]), "`{href}` points at no id on the print page");
    }
    anchors
}

#[test]
fn print_page_holds_every_page_and_each_of_its_anchors_resolves() {
    let built = build("docs-features");
    let html = built.read("print/index.html");
    let anchors = assert_anchors_resolve(&html);
    // The contents, each heading's anchor link, the footnote and the links between pages.
    assert!(anchors.len() >= 12, "{anchors:?}");
    for entry in [
        "#p-home",
        "#p-math",
        "#p-code",
        "#p-include",
        "#p-guide",
        "#p-guide-usage",
        "#p-code--a-first-number",
        "#p-math--the-quadratic-formula",
    ] {
        assert!(anchors.iter().any(|href| href == entry), "no link to {entry}: {anchors:?}");
    }
    // No link to a page of the site is left pointing away from the print page.
    for href in attribute_values(&html, "href") {
        for page in ["/math/", "/code/", "/include/", "/guide/usage/"] {
            assert!(!href.ends_with(page) && !href.contains(&format!("{page}#")), "{href} leaves the print page");
        }
    }
    assert!(html.contains("<mfrac>") && html.contains("<figcaption class=\"code-name\">src/main.rs</figcaption>"));
    assert!(built.read("math/index.html").contains("/print/\">The whole site on one page</a>"));
}

/// What a page's layout shows after its body (the theme's timeline, glossary and matrix layouts list their front
/// matter's entries there) is on the print page too, its links made anchors like the body's.
#[test]
fn print_page_shows_what_a_pages_layout_adds_after_its_body() {
    let built = build("docs-features");
    let page = built.read("guide/history/index.html");
    assert!(page.contains("Math support arrives."), "{page}");
    let html = built.read("print/index.html");
    assert!(html.contains("<a href=\"#p-math\">Math support arrives.</a>"), "{html}");
    assert!(html.contains("<a href=\"#p-guide-usage\">The guide is written.</a>"), "{html}");
    assert!(html.contains("<time datetime=\"2024-05\">May 2024</time>"), "{html}");
}

/// A section and what is under it on a page of its own, `/print/SECTION/`, linked from the section's page: links
/// within the section become anchors, links out of it stay links to the site.
#[test]
fn a_sections_print_page_holds_only_that_section_and_its_anchors_resolve() {
    let built = build("docs-features");
    let html = built.read("print/guide/index.html");
    let anchors = assert_anchors_resolve(&html);
    let ids = attribute_values(&html, "id");
    let entries: Vec<&str> = ids
        .iter()
        .map(String::as_str)
        .filter(|id| id.starts_with("p-") && !id.contains("--") && !id.ends_with("-title"))
        .collect();
    assert_eq!(entries, ["p-guide", "p-guide-history", "p-guide-usage"]);
    assert!(anchors.iter().any(|href| href == "#p-guide-history"), "{anchors:?}");
    assert!(html.contains("<h1>Guide</h1>") && html.contains("<title>Guide: the whole section</title>"), "{html}");
    // Out of the section: a link to the page on the site.
    assert!(html.contains("href=\"/code/#a-first-number\""), "{html}");
    let section = built.read("guide/index.html");
    assert!(section.contains("/print/guide/\">This section on one page</a>"), "{section}");
}

#[test]
fn print_page_is_made_only_when_config_asks() {
    assert!(!build("markdown").exists("print/index.html"));
}
