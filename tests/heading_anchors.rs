//! Issue 14: Zola's `insert_anchor_links` (config.toml's `[markdown]` and sections' front matter; `none`, `left`,
//! `right`, `heading`) with Zola's `anchor-link.html` or the site's own, and the built-in theme's own `#` links.

mod common;

use common::{build, copy_fixture, Built};
use std::path::Path;

/// Every heading element of an output page, one per line, as written.
fn headings(built: &Built, page: &str) -> Vec<String> {
    built.read(page).lines().filter(|line| line.starts_with("<h")).map(str::to_string).collect()
}

fn zola_anchor(id: &str) -> String {
    format!("<a class=\"zola-anchor\" href=\"#{id}\" aria-label=\"Anchor link for: {id}\">\u{1F517}</a>")
}

/// The fixture copied, with `edit` applied to its root, built.
fn build_copy(edit: impl FnOnce(&Path)) -> Built {
    common::build_edited("zola-anchor-links", edit)
}

/// Each value, placed as Zola places it, with Zola's own `anchor-link.html` (the HTML of Zola's snapshots,
/// components/markdown/tests/snapshots/markdown__can_insert_anchors*.snap): a section's value applies to its
/// own body and to the pages of its folder (a bundle's too) but not to a subsection, which takes config.toml's.
#[test]
fn issue_14_insert_anchor_links_each_value_as_zola_writes_it() {
    let built = build("zola-anchor-links");
    let right = |id: &str, text: &str| format!("<h2 id=\"{id}\">{text}{}</h2>", zola_anchor(id));
    assert_eq!(headings(&built, "index.html"), [right("home-heading", "Home heading")], "config.toml's `right`");
    assert_eq!(
        headings(&built, "left/page/index.html"),
        [
            format!("<h2 id=\"custom-id\" class=\"wide\">{}Left page</h2>", zola_anchor("custom-id")),
            format!("<h3 id=\"also-left\">{}Also <em>left</em></h3>", zola_anchor("also-left")),
        ]
    );
    let left = |id: &str, text: &str| format!("<h2 id=\"{id}\">{}{text}</h2>", zola_anchor(id));
    assert_eq!(headings(&built, "left/index.html"), [left("left-section", "Left section")]);
    assert_eq!(headings(&built, "left/bundle/index.html"), [left("bundle-heading", "Bundle heading")]);
    assert_eq!(headings(&built, "left/deeper/page/index.html"), [right("deeper-heading", "Deeper heading")]);
    assert_eq!(
        headings(&built, "heading/page/index.html"),
        ["<h2 id=\"a-linked-heading\"><a class=\"zola-anchor\" href=\"#a-linked-heading\" aria-label=\"Anchor link \
          for: a-linked-heading\">A <a href=\"https://example.org/\">linked</a> heading</a></h2>"]
    );
    assert_eq!(headings(&built, "none/page/index.html"), ["<h2 id=\"plain-heading\">Plain heading</h2>"]);
}

/// Without `insert_anchor_links` anywhere, a site with its own templates gets Zola's default: no anchor link
/// (it used to get the built-in theme's `#` after every heading, which Zola's docs showed as stray text).
#[test]
fn issue_14_own_templates_get_no_anchor_link_by_default() {
    let built = build_copy(|site| common::write(site, "config.toml", "base_url = \"https://example.org/\"\n"));
    assert_eq!(headings(&built, "index.html"), ["<h2 id=\"home-heading\">Home heading</h2>"]);
    assert_eq!(headings(&built, "left/deeper/page/index.html"), ["<h2 id=\"deeper-heading\">Deeper heading</h2>"]);
    // A section's own value still applies.
    assert!(built.read("left/index.html").contains(&zola_anchor("left-section")));
}

/// The site's `templates/anchor-link.html` replaces Zola's, sees `id`, `level` and `lang`, and `heading` takes
/// its opening `<a ...>` tag.
#[test]
fn issue_14_the_sites_anchor_link_template_replaces_zolas() {
    let built = build_copy(|site| {
        let template = "<a class=\"mine\" href=\"#{{ id }}\" data-level=\"{{ level }}\">\u{A7} {{ lang }}</a>";
        common::write(site, "templates/anchor-link.html", template);
    });
    assert_eq!(
        headings(&built, "index.html"),
        ["<h2 id=\"home-heading\">Home heading<a class=\"mine\" href=\"#home-heading\" data-level=\"2\">\u{A7} en</a></h2>"]
    );
    assert_eq!(
        headings(&built, "left/page/index.html")[1],
        "<h3 id=\"also-left\"><a class=\"mine\" href=\"#also-left\" data-level=\"3\">\u{A7} en</a>Also <em>left</em></h3>"
    );
    assert_eq!(
        headings(&built, "heading/page/index.html"),
        ["<h2 id=\"a-linked-heading\"><a class=\"mine\" href=\"#a-linked-heading\" data-level=\"2\">A <a \
          href=\"https://example.org/\">linked</a> heading</a></h2>"]
    );
}

/// An `anchor-link.html` that fails to render is an error at each heading it failed for, naming the template.
#[test]
fn issue_14_a_failing_anchor_link_template_is_an_error_at_the_heading() {
    let copy = copy_fixture("zola-anchor-links");
    let site = copy.path().join("site");
    common::write(&site, "templates/anchor-link.html", "<a href=\"#{{ id }}\">{{ missing.field }}</a>");
    let error = quire::build(&common::options(&site, &copy.path().join("public"))).expect_err("the template fails");
    let error = error.to_string();
    for at in ["content/left/page.md:4:1", "content/left/page.md:6:1", "content/_index.md:4:1"] {
        assert!(error.contains(at), "{at}:\n{error}");
    }
    assert!(error.contains("`anchor-link.html` failed for heading `also-left`"), "{error}");
}

/// A site of content only is laid out by the built-in theme, whose headings keep its own `#` link after the
/// text; a value set in config.toml or a section is Zola's, on those pages too.
#[test]
fn issue_14_the_built_in_theme_keeps_its_anchor_links_unless_told() {
    let theme_anchor =
        |id: &str| format!(" <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>");
    let built = build_copy(|site| {
        common::without_templates(site);
        common::write(site, "config.toml", "base_url = \"https://example.org/\"\n");
    });
    let home = built.read("index.html");
    assert!(home.contains(&format!("<h2 id=\"home-heading\">Home heading{}</h2>", theme_anchor("home-heading"))));
    let page = built.read("left/page/index.html");
    assert!(page.contains(&format!("{}Left page</h2>", zola_anchor("custom-id"))), "{page}");
    assert!(!page.contains("class=\"anchor\""), "{page}");
    assert!(built.read("none/page/index.html").contains("<h2 id=\"plain-heading\">Plain heading</h2>"));

    let told = build_copy(|site| {
        common::without_templates(site);
        let config = "base_url = \"https://example.org/\"\n[markdown]\ninsert_anchor_links = \"none\"\n";
        common::write(site, "config.toml", config);
    });
    assert!(told.read("index.html").contains("<h2 id=\"home-heading\">Home heading</h2>"));
}
