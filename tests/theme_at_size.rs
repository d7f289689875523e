//! The built-in theme on a large flat section: every page stays small (the sidebar shows a window of a long
//! section and the section's index is paginated), so the output grows with the number of pages, not its square.

mod common;

use std::fs;

/// The largest HTML file allowed on the 2,000-page section: a page holds its sidebar window (15 entries) and a pager
/// holds 100 cards, whatever the section's size. Before the bounded sidebar a page here was 120 KB and the section's
/// index 480 KB.
const LARGEST_PAGE: u64 = 48 * 1024;

#[test]
fn issue_13_a_two_thousand_page_section_builds_with_small_pages() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    common::write_flat_site(&root, 2000);
    let output = tmp.path().join("public");
    quire::build(&common::options(&root, &output)).expect("the flat site builds");
    let html: Vec<String> = common::files(&output).into_iter().filter(|f| f.ends_with(".html")).collect();
    let sizes: Vec<(u64, &String)> =
        html.iter().map(|f| (fs::metadata(output.join(f)).expect("output file").len(), f)).collect();
    let (largest, file) = sizes.iter().max().expect("pages");
    assert!(*largest <= LARGEST_PAGE, "{file} is {largest} bytes, over {LARGEST_PAGE}");
    // 2,000 pages, the home, the section's 20 pagers (100 cards each, as Zola writes them) and the first pager's
    // redirect, and the 404 page.
    assert_eq!(html.len(), 2000 + 1 + 20 + 1 + 1, "{:?}", &html[..20]);
    let read = |path: &str| fs::read_to_string(output.join(path)).expect("output file");
    let pager = read("api/page/2/index.html");
    assert!(pager.contains("fn_0100") && pager.contains("fn_0199") && !pager.contains("fn_0200"));
    assert!(pager.contains("/api/page/3/\" rel=\"next\"") && pager.contains("/api/\" rel=\"prev\""));
    assert!(read("api/page/1/index.html").contains("url=/api/"), "the first pager's address redirects");
    // A pager's sidebar is its section's: the section open, its first pages listed.
    let pager_sidebar = common::between(&pager, "<nav class=\"sidebar\"", "</nav>");
    assert!(pager_sidebar.contains("nav-open") && pager_sidebar.contains("fn_0000"), "{pager_sidebar}");
    // A page's sidebar: its neighbours, and the rest counted with a link to the section's index.
    let page = read("api/fn-1000/index.html");
    let sidebar = common::between(&page, "<nav class=\"sidebar\"", "</nav>");
    assert!(sidebar.contains("fn_0993") && sidebar.contains("fn_1007") && !sidebar.contains("fn_0992"), "{sidebar}");
    assert!(sidebar.contains("993 before, in API") && sidebar.contains("and 992 more in API"), "{sidebar}");
    assert!(sidebar.contains("href=\"/api/fn-1000/\" aria-current=\"page\""), "{sidebar}");
}

/// A term of 300 pages on the built-in theme is paginated like a long section: 100 cards a pager.
#[test]
fn issue_13_a_long_term_is_paginated() {
    let (tmp, root) = common::site_with_home("taxonomies = [{ name = \"tags\" }]\n");
    for i in 0..300 {
        let page =
            format!("+++\ntitle = \"Note {i:03}\"\nweight = {i}\n[taxonomies]\ntags = [\"common\"]\n+++\nText.\n");
        common::write(&root, &format!("content/note-{i:03}.md"), page);
    }
    let output = tmp.path().join("public");
    quire::build(&common::options(&root, &output)).expect("the site builds");
    let read = |path: &str| fs::read_to_string(output.join(path)).expect("output file");
    let cards = |html: &str| html.matches("<li class=\"card\">").count();
    assert_eq!(cards(&read("tags/common/index.html")), 100);
    assert_eq!(cards(&read("tags/common/page/3/index.html")), 100);
    assert!(!output.join("tags/common/page/4").exists());
    assert!(read("tags/common/page/2/index.html").contains("/tags/common/page/3/\" rel=\"next\""));
}

/// The sidebar the theme writes from Rust (`get_navigation_html`): the way down to the page opened, the page marked
/// current, every title and address escaped, and a window of a long list counted on both sides. This is the markup
/// the theme's recursive Tera component wrote before (written in Rust: the component cost ~80 µs a page).
#[test]
fn issue_13_the_sidebar_html_nests_marks_and_escapes() {
    let (tmp, root) = common::site_with_home("");
    common::write(&root, "content/a/_index.md", "+++\ntitle = \"A & B\"\nweight = 1\n+++\n");
    common::write(&root, "content/a/one.md", "+++\ntitle = \"<One>\"\nweight = 1\n+++\n");
    common::write(&root, "content/a/sub/_index.md", "+++\ntitle = \"Sub\"\nweight = 2\n+++\n");
    for i in 0..20 {
        common::write(
            &root,
            &format!("content/a/sub/q{i:02}.md"),
            format!("+++\ntitle = \"Q{i:02}\"\nweight = {i}\n+++\n"),
        );
    }
    common::write(&root, "content/z/_index.md", "+++\ntitle = \"Zed \\\"quoted\\\"\"\nweight = 2\n+++\n");
    let output = tmp.path().join("public");
    quire::build(&common::options(&root, &output)).expect("the site builds");
    let page = fs::read_to_string(output.join("a/sub/q10/index.html")).expect("output file");
    let sidebar = common::between(&page, "<div class=\"nav-body\">", "</div>");
    let items: String = (3..18)
        .map(|i| {
            format!(
                "\n<li><a href=\"/a/sub/q{i:02}/\"{}>Q{i:02}</a></li>",
                if i == 10 { " aria-current=\"page\"" } else { "" }
            )
        })
        .collect();
    let expected = format!(
        "<div class=\"nav-body\">\n<p class=\"nav-home\"><a href=\"/\">Home</a></p>\n\
         <ul class=\"nav-list nav-depth-0\">\n\
         <li class=\"nav-section nav-open\"><a href=\"/a/\">A &amp; B</a>\n\
         <ul class=\"nav-list nav-depth-1\">\n\
         <li><a href=\"/a/one/\">&lt;One&gt;</a></li>\n\
         <li class=\"nav-section nav-open\"><a href=\"/a/sub/\">Sub</a>\n\
         <ul class=\"nav-list nav-depth-2\">\n\
         <li class=\"nav-more\"><a href=\"/a/sub/\">3 before, in Sub</a></li>{items}\n\
         <li class=\"nav-more\"><a href=\"/a/sub/\">and 2 more in Sub</a></li>\n</ul></li>\n</ul></li>\n\
         <li class=\"nav-section\"><a href=\"/z/\">Zed &quot;quoted&quot;</a></li>\n</ul>\n</div>"
    );
    assert_eq!(sidebar, expected);
}
