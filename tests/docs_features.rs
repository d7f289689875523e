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
