//! A generated Zola site (tests/fixtures/zola-corpus: 60 pages, 30 sections, Zola templates) builds as it is.
//! Made with `python3 shared/bench/gen_corpus.py --pages 60 --out /tmp/c60 --layouts zola`, copied unchanged.

mod common;

use common::{between, build, fixture, snapshot_tree};

const PAGE: &str = "api/slug-01/p00053-cached-event/index.html";

#[test]
fn zola_corpus_builds_unchanged_without_warnings() {
    let before = snapshot_tree(&fixture("zola-corpus"));
    let built = build("zola-corpus");
    assert_eq!(built.report.pages, 60);
    // 30 generated sections plus the home section.
    assert_eq!(built.report.sections, 31);
    assert!(built.report.warnings.is_empty(), "{:#?}", built.report.warnings);
    assert_eq!(snapshot_tree(&fixture("zola-corpus")), before, "the build wrote into the site folder");
    let page_files = built.files().into_iter().filter(|f| f.contains("/p000") && f.ends_with("/index.html")).count();
    assert_eq!(page_files, 60);
    for section in ["api", "api/slug-01", "getting-started/series-01"] {
        assert!(built.exists(&format!("{section}/index.html")), "{section}");
    }
    assert!(built.exists("index.html"));
    assert!(built.exists("404.html"));
    assert_eq!(
        built.read("style.css"),
        std::fs::read_to_string(fixture("zola-corpus").join("static/style.css")).expect("the fixture has a stylesheet")
    );
    // Its templates are all its own: none of Quire's files, as Zola writes none (issue 14).
    assert!(!built.exists("theme.js") && !built.exists("search/manifest.js") && !built.exists("site.json"));
    // The corpus turns these off in config.toml.
    assert!(!built.exists("sitemap.xml"));
    assert!(!built.exists("atom.xml"));
}

#[test]
fn zola_corpus_page_has_sidebar_breadcrumbs_toc_pager_and_tags() {
    let built = build("zola-corpus");
    let html = built.read(PAGE);
    let sidebar = between(&html, "<nav class=\"sidebar\">", "</nav>");
    assert!(sidebar.contains("Slug api 1"), "{sidebar}");
    assert!(
        sidebar.contains("<li class=\"active\"><a href=\"https://docs.example.com/api/slug-01/p00053-cached-event/\">How to compile the cached event</a></li>"),
        "{sidebar}"
    );
    assert!(sidebar.contains("Extending stale counters"), "{sidebar}");

    let breadcrumbs = between(&html, "<nav class=\"breadcrumbs\">", "</nav>");
    assert_eq!(
        breadcrumbs,
        "<nav class=\"breadcrumbs\"><a href=\"https://docs.example.com/\">Home</a> / <a href=\"https://docs.example.com/api/\">API</a> / <a href=\"https://docs.example.com/api/slug-01/\">Slug api 1</a> / How to compile the cached event</nav>"
    );

    let toc = between(&html, "<nav class=\"toc\">", "</nav>");
    assert!(
        toc.contains("<a href=\"#compiling-the-required-profile\">Compiling the required profile</a><ul><li><a href=\"#storing-the-dynamic-lexer\">"),
        "{toc}"
    );
    // Every TOC entry points at a heading of the page.
    for id in ["compiling-the-required-profile", "storing-the-dynamic-lexer", "extending-the-internal-function"] {
        assert!(html.contains(&format!(" id=\"{id}\">")), "{id}");
    }

    let pager = between(&html, "<nav class=\"pager\">", "</nav>");
    assert!(pager.contains("rel=\"prev\"") && pager.contains("Extending stale counters"), "{pager}");

    assert!(html.contains("<a class=\"tag\" href=\"https://docs.example.com/tags/feeds/\">feeds</a>"));
    assert!(html.contains("<a class=\"tag\" href=\"https://docs.example.com/tags/headings/\">headings</a>"));
}

#[test]
fn zola_corpus_tag_pages_exist_and_list_their_pages() {
    let built = build("zola-corpus");
    let list = built.read("tags/index.html");
    assert!(list.contains("<h1>tags</h1>"), "{list}");
    let feeds = built.read("tags/feeds/index.html");
    assert!(feeds.contains("<h1>Tag: feeds</h1>"), "{feeds}");
    assert!(feeds.contains("How to compile the cached event"), "a page tagged `feeds` is missing from its tag page");
    // Every term linked from the list has its own page.
    let mut terms = 0;
    for (i, _) in list.match_indices("docs.example.com/tags/") {
        let rest = &list[i + "docs.example.com/tags/".len()..];
        let slug = &rest[..rest.find("/").expect("term link ends with a slash")];
        assert!(built.exists(&format!("tags/{slug}/index.html")), "{slug}");
        terms += 1;
    }
    assert!(terms > 10, "only {terms} terms listed:\n{list}");
}

#[test]
fn zola_corpus_page_html_snapshot() {
    let built = build("zola-corpus");
    insta::assert_snapshot!(built.read(PAGE));
}
