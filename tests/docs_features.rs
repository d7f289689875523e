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

#[test]
fn print_page_holds_every_page_and_each_of_its_anchors_resolves() {
    let built = build("docs-features");
    let html = built.read("print/index.html");
    let attribute = |name: &str| -> Vec<String> {
        let pattern = format!(" {name}=\"");
        html.match_indices(&pattern)
            .map(|(at, _)| {
                let value = &html[at + pattern.len()..];
                value[..value.find('"').expect("closed")].to_string()
            })
            .collect()
    };
    let ids: std::collections::HashSet<String> = attribute("id").into_iter().collect();
    assert_eq!(ids.len(), attribute("id").len(), "an id is on the print page twice");
    let anchors: Vec<String> = attribute("href").into_iter().filter(|href| href.starts_with('#')).collect();
    // The contents, each heading's anchor link, the footnote and the links between pages.
    assert!(anchors.len() >= 12, "{anchors:?}");
    for href in &anchors {
        assert!(ids.contains(&href[1..]), "`{href}` points at no id on the print page");
    }
    for entry in
        ["#p-home", "#p-math", "#p-code", "#p-include", "#p-code--a-first-number", "#p-math--the-quadratic-formula"]
    {
        assert!(anchors.iter().any(|href| href == entry), "no link to {entry}: {anchors:?}");
    }
    // No link to a page of the site is left pointing away from the print page.
    for href in attribute("href") {
        for page in ["/math/", "/code/", "/include/"] {
            assert!(!href.ends_with(page) && !href.contains(&format!("{page}#")), "{href} leaves the print page");
        }
    }
    assert!(html.contains("<mfrac>") && html.contains("<figcaption class=\"code-name\">src/main.rs</figcaption>"));
    assert!(built.read("math/index.html").contains("/print/\">The whole site on one page</a>"));
}

#[test]
fn print_page_is_made_only_when_config_asks() {
    assert!(!build("markdown").exists("print/index.html"));
}
