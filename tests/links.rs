//! Internal links: `@/path.md#anchor` becomes the target's permalink; a missing page, anchor or
//! `[extra] related` entry fails the build with its file, line and column and the closest existing target.

mod common;

use common::{between, build, build_error, copy_fixture, options, without_orphans, write};

#[test]
fn internal_links_resolve_to_permalinks_with_anchors() {
    let built = build("links");
    let html = built.read("guide/usage/index.html");
    let body = between(&html, "---\n", "related:");
    insta::assert_snapshot!(body);
    assert!(body.contains("<a href=\"https://example.org/guide/install/#steps\">install</a>"));
    assert!(body.contains("<a href=\"https://example.org/guide/\">guide</a>"));
    // A reference-style definition with an `@/` target resolves too.
    assert!(body.contains("<a href=\"https://example.org/guide/install/\">ref</a>"));
    assert!(!body.contains("@/"), "an unresolved link was left:\n{body}");
}

#[test]
fn related_entries_and_backlinks_reach_templates() {
    let built = build("links");
    let usage = built.read("guide/usage/index.html");
    assert!(
        usage.contains("related: Install=https://example.org/guide/install/ Guide=https://example.org/guide/ \n"),
        "{usage}"
    );
    let install = built.read("guide/install/index.html");
    assert!(install.contains("backlinks: Usage \n"), "{install}");
}

#[test]
fn missing_page_names_file_line_column_and_closest_page() {
    assert_eq!(
        build_error("invalid-missing-page"),
        "content/guide/usage.md:6:10: error: link: no page at `@/guide/instal.md`\n  help: did you mean `@/guide/install.md`?\nbuild failed: 1 error"
    );
}

#[test]
fn missing_anchor_names_file_line_column_and_the_anchors_there() {
    assert_eq!(
        build_error("invalid-missing-anchor"),
        "content/guide/usage.md:6:10: error: link: no anchor `#step` for `@/guide/install.md#step`\n  help: did you mean `#steps`? (`content/guide/install.md` has these anchors: #requirements, #steps)\nbuild failed: 1 error"
    );
}

/// The error used to point at the `[extra]` line, not at the broken entry of a multi-line list.
#[test]
fn issue_related_entry_error_points_at_its_own_line() {
    assert_eq!(
        build_error("invalid-related"),
        "content/guide/usage.md:7:3: error: relation: no page at `@/guide/instll.md`\n  help: did you mean `@/guide/install.md`?\nbuild failed: 1 error"
    );
}

#[test]
fn repeated_broken_related_entries_each_get_their_line() {
    let tmp = copy_fixture("invalid-related");
    let site = tmp.path().join("site");
    write(
        &site,
        "content/guide/usage.md",
        "---\ntitle: Usage\nextra:\n  related:\n    - \"@/gone.md\"\n    - \"@/guide/install.md\"\n    - '@/gone.md'\n---\nBody.\n",
    );
    let error = without_orphans(&quire::build(&options(&site, &tmp.path().join("out"))).unwrap_err().to_string());
    assert_eq!(
        error,
        "content/guide/usage.md:5:7: error: relation: no page at `@/gone.md`\n  help: `@/` paths are relative to `content/`, such as `@/section/page.md` or `@/section/_index.md`\n\
         content/guide/usage.md:7:7: error: relation: no page at `@/gone.md`\n  help: `@/` paths are relative to `content/`, such as `@/section/page.md` or `@/section/_index.md`\n\
         build failed: 2 errors"
    );
}

#[test]
fn related_that_is_not_a_list_is_an_error_at_its_key() {
    let tmp = copy_fixture("invalid-related");
    let site = tmp.path().join("site");
    write(
        &site,
        "content/guide/usage.md",
        "+++\ntitle = \"Usage\"\n[extra]\nnote = 1\nrelated = \"@/guide/install.md\"\n+++\n",
    );
    let error = without_orphans(&quire::build(&options(&site, &tmp.path().join("out"))).unwrap_err().to_string());
    assert_eq!(
        error,
        "content/guide/usage.md:5:1: error: relation: `extra.related` must be a list\n  help: write `related = [\"@/section/page.md\"]` under `[extra]`\nbuild failed: 1 error"
    );
}

#[test]
fn every_broken_link_of_a_site_is_reported_in_one_run() {
    let tmp = copy_fixture("links");
    let site = tmp.path().join("site");
    write(
        &site,
        "content/guide/broken.md",
        "+++\ntitle = \"Broken\"\n+++\n[a](@/nope.md) [b](#nowhere)\n\n[c](@/guide/install.md#nothing-like-it)\n",
    );
    let error = without_orphans(&quire::build(&options(&site, &tmp.path().join("out"))).unwrap_err().to_string());
    let lines: Vec<&str> = error.lines().filter(|l| !l.starts_with("  help")).collect();
    assert_eq!(
        lines,
        [
            "content/guide/broken.md:4:1: error: link: no page at `@/nope.md`",
            "content/guide/broken.md:4:16: error: link: no anchor `#nowhere` for `#nowhere`",
            "content/guide/broken.md:6:1: error: link: no anchor `#nothing-like-it` for `@/guide/install.md#nothing-like-it`",
            "build failed: 3 errors",
        ]
    );
}

/// Issue 14: a broken link a section template writes on a pager (`/blog/page/2/`) names the template, as on the
/// section's first page (abridge's said "made by , on 9 pages").
#[test]
fn issue_14_a_broken_link_on_a_pager_names_its_template() {
    let tmp = copy_fixture("zola-listed-content");
    let root = tmp.path().join("site");
    write(&root, "content/blog/_index.md", "+++\ntitle = \"Blog\"\nsort_by = \"date\"\npaginate_by = 1\n+++\n");
    // Built from a variable, the link is not a literal of the template, so the pages that have it are named.
    let pager =
        "{% set to = \"nowhere\" %}{% if paginator.current_index == 2 %}<a href=\"/{{ to }}/\">x</a>{% endif %}";
    write(&root, "templates/section.html", pager);
    let error = common::build_error_with("zola-listed-content", |o| o.root = root.clone());
    assert!(error.contains("(made by `section.html`, on page `/blog/page/2/`)"), "{error}");
}

/// Issue 14: a broken link on a term's page names the template that made it, `tags/single.html` when the site has
/// one, not Zola's fallback name `taxonomy_single.html` (which abridge does not have).
#[test]
fn issue_14_a_broken_link_on_a_term_page_names_the_taxonomy_s_own_template() {
    let tmp = copy_fixture("zola-listed-content");
    let root = tmp.path().join("site");
    write(&root, "templates/tags/single.html", "<a href=\"/nowhere/{{ term.slug }}/\">x</a>");
    let error = common::build_error_with("zola-listed-content", |o| o.root = root.clone());
    assert!(error.contains("`/nowhere/series/` points to nothing in the site (made by `tags/single.html`"), "{error}");
}
