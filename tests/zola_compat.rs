//! Issue 14: sites written for Zola build unchanged. One fixture per behaviour: Zola's config keys,
//! `zola.toml`, `[link_checker]`, `[slugify]`, front matter after blank lines, unique ids, every broken raw-HTML
//! link reported where it is, Zola's template filters and tests, and the Tera 2 form of Tera 1 syntax.

mod common;

use common::{build, build_error, fixture};
use quire::error::Diagnostic;

fn check(case: &str) -> Vec<String> {
    let options = quire::check::CheckOptions { root: fixture(case), ..Default::default() };
    let diagnostics = quire::check::check_site(&options).expect("check runs");
    let mut lines: Vec<String> = diagnostics.iter().map(Diagnostic::to_string).collect();
    lines.sort();
    lines
}

fn messages(warnings: &[Diagnostic]) -> Vec<String> {
    warnings.iter().map(Diagnostic::to_string).collect()
}

/// A foreign tree with `internal_level = "warn"`: broken internal links and anchors are warnings (each at its
/// line and column) and the site is written.
#[test]
fn issue_14_link_checker_warn_builds_with_warnings() {
    let built = build("zola-link-warn");
    assert!(built.exists("guide/intro/index.html"));
    let warnings = messages(&built.report.warnings);
    for expected in [
        "content/guide/intro.md:6:5: warning: link: no page at `@/guide/gone.md`",
        "content/guide/intro.md:6:40: warning: link: no anchor `#nowhere` for `@/guide/intro.md#nowhere`",
        "content/guide/intro.md:7:1: warning: link: no anchor `#also-nowhere` for `#also-nowhere`",
        "content/_index.md:4:40: warning: link: no page at `@/guide/setup.md`",
        "content/guide/intro.md:7:36: warning: link: link `/not/there/` points to nothing in the site: `/not/there/`",
    ] {
        assert!(warnings.iter().any(|w| w.starts_with(expected)), "missing {expected}\nin {warnings:#?}");
    }
}

/// The same tree without `internal_level = "warn"` fails, as before: the level is what changed it.
#[test]
fn issue_14_link_checker_error_is_the_default() {
    let copy = common::copy_fixture("zola-link-warn");
    let site = copy.path().join("site");
    std::fs::write(site.join("config.toml"), "base_url = \"https://example.org/\"\n").expect("write config");
    let output = copy.path().join("public");
    let error = quire::build(&common::options(&site, &output)).expect_err("broken links fail the build");
    assert!(error.to_string().contains("error: link: no page at `@/guide/gone.md`"), "{error}");
}

/// Every Zola 0.22/0.23 key Quire does not implement is a warning naming its line; `external_links_class`
/// and definition lists are applied.
#[test]
fn issue_14_zola_config_keys_are_warnings() {
    let built = build("zola-config-keys");
    let warnings = messages(&built.report.warnings);
    assert!(built.report.warnings.iter().all(|w| !w.is_error()));
    // `compile_sass` and `skip_content_templating` are implemented (tests/zola_templating.rs), and `[search]`
    // (tests/zola_search.rs): no warning.
    assert!(built.exists("search_index.en.json") && built.exists("elasticlunr.min.js"), "{:#?}", built.files());
    assert!(!warnings.iter().any(|w| w.contains("`search`")), "{warnings:#?}");
    for key in [
        "taxonomy_root",
        "languages",
        "markdown.render_emoji",
        "markdown.highlighting.theme",
        "markdown.highlighting.style",
        "slugify.paths_keep_dates",
        "link_checker.ignored_files",
    ] {
        assert!(
            warnings.iter().any(|w| w.contains(&format!("`{key}` is a Zola setting Quire does not implement yet"))),
            "{key}: {warnings:#?}"
        );
    }
    let home = built.read("index.html");
    assert!(home.contains("<a href=\"https://www.getzola.org/\" class=\"external\">Zola</a>"), "{home}");
    assert!(home.contains("<a href=\"https://example.org/page/\">the page</a>"), "{home}");
    assert!(home.contains("<dl>\n<dt>Term</dt>\n<dd>Its definition.</dd>\n</dl>"), "{home}");
    // Zola's `on` slug of the taxonomy and its term.
    assert!(built.exists("theme-tags/dark-mode/index.html"), "{:#?}", built.files());
}

/// Zola 0.23 reads `zola.toml` first, then `config.toml`.
#[test]
fn issue_14_zola_toml_is_read_first() {
    let built = build("zola-toml");
    assert!(built.read("index.html").contains("From zola.toml"));
}

/// `[slugify]`: GitHub-style anchors (`anchors = "github"`), `safe` paths, `on` taxonomy terms.
#[test]
fn issue_14_slugify_table() {
    let built = build("zola-slugify");
    let html = built.read("load_data/index.html");
    assert!(html.contains("<h2 id=\"load_data\">"), "{html}");
    assert!(html.contains("<h2 id=\"people--body\">"), "{html}");
    assert!(built.report.warnings.is_empty(), "{:#?}", built.report.warnings);
    assert!(built.exists("tags/uber-rust/index.html"), "{:#?}", built.files());
}

/// Defect 1: front matter after leading blank lines is front matter, not body text.
#[test]
fn issue_14_front_matter_after_blank_lines() {
    let built = build("front-matter-blank-lines");
    let html = built.read("index.html");
    assert!(html.contains("<title>Ergo"), "{html}");
    assert!(!html.contains("+++"), "{html}");
}

/// Defect 1: a first non-blank line that looks like a fence but does not open front matter is an error.
#[test]
fn issue_14_broken_fence_is_an_error() {
    let error = build_error("invalid-front-matter-fence");
    assert!(
        error.contains("content/ergo.md:2:1: error: front matter: the opening `+++` must be alone on its line"),
        "{error}"
    );
}

/// Defect 4: a broken raw-HTML link is reported on every page and at every occurrence, each at its place.
#[test]
fn issue_14_every_broken_raw_html_link_is_reported() {
    let found = check("check-raw-html-links");
    let errors: Vec<&String> = found.iter().filter(|d| d.contains("error: link:")).collect();
    let places: Vec<&str> = errors.iter().map(|d| d.split(": error").next().unwrap_or("")).collect();
    assert_eq!(
        places,
        [
            "content/_index.md:6:10",
            "content/_index.md:6:45",
            "content/one.md:4:15",
            "content/one.md:6:14",
            "content/two.md:4:10"
        ],
        "{found:#?}"
    );
    assert!(errors[1].contains("image `/missing.png` points to nothing in the site"), "{found:#?}");
    assert!(errors.iter().all(|d| !d.contains(" pages, the first")), "{found:#?}");
}

/// Defect 5: a heading and a footnote of the same name get different ids; an id written twice in raw HTML
/// is reported.
#[test]
fn issue_14_ids_are_unique() {
    let built = build("check-unique-ids");
    let html = built.read("note/index.html");
    assert!(html.contains("<h1 id=\"note\">"), "{html}");
    assert!(html.contains("<a href=\"#fn-note\">1</a>"), "{html}");
    assert!(html.contains("id=\"fn-note\""), "{html}");
    assert_eq!(html.matches("id=\"note\"").count(), 1, "{html}");
    let found = check("check-unique-ids");
    assert!(
        found.iter().any(|d| d.starts_with("content/note.md:8:40: warning: id: the id `twice` is on this page twice")),
        "{found:#?}"
    );
}

/// Zola's filters and tests in a Tera 2 template.
#[test]
fn issue_14_zola_filters_and_tests() {
    let built = build("zola-templates");
    let html = built.read("index.html");
    for expected in [
        "<p>a.jpg: image</p>",
        "<p>b.txt: other</p>",
        "<p>1,234,567</p>",
        "<p>em9sYQ== em<em>phasis</em> a_b_</p>",
        "<p>a%20b%2Fc</p>",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
}

/// Tera 1 syntax that Tera 2 removed gets an error at its line with the Tera 2 form to write.
#[test]
fn issue_14_tera1_test_gets_a_migration_hint() {
    let error = build_error("invalid-tera1-test");
    assert!(error.contains("templates/partials/gallery.html:3:"), "{error}");
    assert!(
        error.contains(r#"write `is matching(pat="[.](jpg|png)$")` instead of `is matching("[.](jpg|png)$")`"#),
        "{error}"
    );
}
