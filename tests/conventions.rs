//! Zola's content conventions, one small fixture each: sections, bundles, front matter formats, slugs and
//! paths, drafts, aliases, sorting, transparent sections, summaries, taxonomies, feeds, 404, base_url paths.
//! Fixtures use tiny "dump" templates, so each snapshot shows exactly what templates were given.

mod common;

use common::{build, build_with, dump, fixture, options, write, THEME_FILES};

#[test]
fn nested_sections() {
    let built = build("nested-sections");
    assert_eq!((built.report.pages, built.report.sections), (3, 4));
    let guide = built.read("docs/guide/index.html");
    assert!(guide.contains("ancestors: _index.md, docs/_index.md\n"));
    assert!(guide.contains("subsections: docs/guide/deep/_index.md\n"));
    assert!(guide.contains("pages: /docs/guide/setup/ \n"));
    let bottom = built.read("docs/guide/deep/bottom/index.html");
    assert!(bottom.contains("ancestors: _index.md, docs/_index.md, docs/guide/_index.md, docs/guide/deep/_index.md\n"));
    insta::assert_snapshot!(dump(&built));
}

#[test]
fn page_bundle_copies_colocated_files_beside_the_page() {
    let built = build("page-bundle");
    let page = built.read("blog/trip/index.html");
    assert!(page.contains("<img src=\"lake.png\" alt=\"The lake\" />"), "{page}");
    let source = std::fs::read(fixture("page-bundle").join("content/blog/trip/lake.png")).unwrap();
    assert_eq!(std::fs::read(built.output.join("blog/trip/lake.png")).unwrap(), source);
    assert_eq!(built.read("blog/trip/notes.txt"), "Notes about the trip.\n");
    // Subfolders of the bundle are kept, so same-named files in two of them do not overwrite each other.
    assert_eq!(built.read("blog/trip/photos/notes.txt"), "Photo notes.\n");
    assert_eq!(built.read("blog/trip/notes/day1.txt"), "Day one.\n");
    // A bundle is one page, not a section: no `trip/_index.md`, and its files are not pages.
    assert_eq!((built.report.pages, built.report.sections), (1, 2));
    assert!(!built.exists("blog/trip/lake/index.html"));
}

#[test]
fn toml_yaml_and_no_front_matter_read_alike() {
    let built = build("front-matter-formats");
    // Its templates print paths, not links, so every page is an orphan; nothing else is wrong.
    let warnings: Vec<_> = built.report.warnings.iter().filter(|w| w.kind != "orphan").collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
    let toml = built.read("toml/index.html");
    let yaml = built.read("yaml/index.html");
    for (page, format, colour) in [(&toml, "toml", "blue"), (&yaml, "yaml", "green")] {
        assert!(page.contains(&format!("tags: format, {format}\n")), "{page}");
        assert!(page.contains(&format!("extra.colour: \"{colour}\"\n")), "{page}");
    }
    assert!(toml.contains("date: 2024-03-01\n"));
    assert!(yaml.contains("date: 2024-03-02\n"));
    assert!(built.read("none/index.html").contains("<p>No front matter at all;"));
    insta::assert_snapshot!(dump(&built));
}

#[test]
fn slug_and_path_override_the_file_name() {
    let built = build("slug-path");
    let files = built.files();
    for expected in ["notes/hello-world/index.html", "elsewhere/entirely/index.html", "notes/dated-note/index.html"] {
        assert!(files.iter().any(|f| f == expected), "{expected} missing from {files:#?}");
    }
    assert!(!built.exists("notes/renamed/index.html"));
    assert!(!built.exists("notes/moved/index.html"));
    // A `YYYY-MM-DD-` file name prefix becomes the date and leaves the slug.
    assert!(built.read("notes/dated-note/index.html").contains("date: 2024-05-06\n"));
    // `@/` links follow the overrides.
    let links = built.read("notes/links/index.html");
    assert!(links.contains(
        "<a href=\"https://example.org/notes/hello-world/\">slug</a>, <a href=\"https://example.org/elsewhere/entirely/\">path</a>, <a href=\"https://example.org/notes/dated-note/\">dated</a>"
    ), "{links}");
    insta::assert_snapshot!(dump(&built));
}

#[test]
fn drafts_are_skipped_everywhere_unless_asked_for() {
    let built = build("drafts");
    assert_eq!(built.report.pages, 1);
    assert!(!built.exists("posts/unfinished/index.html"));
    assert!(!built.exists("old-unfinished/index.html"), "a draft's alias was written");
    assert!(!built.exists("tags/secret/index.html"), "a draft's tag was written");
    assert!(built.read("posts/index.html").contains("pages: /posts/published/ \n"));
    assert!(built.read("tags/shared/index.html").contains("/posts/published/\n"));
    assert!(!built.read("tags/shared/index.html").contains("unfinished"));
    assert!(!built.read("sitemap.xml").contains("unfinished"));

    let with_drafts = build_with("drafts", |o| o.drafts = true);
    assert_eq!(with_drafts.report.pages, 2);
    assert!(with_drafts.read("posts/unfinished/index.html").contains("PAGE Unfinished"));
    assert!(with_drafts.exists("old-unfinished/index.html"));
    assert!(with_drafts.exists("tags/secret/index.html"));
}

#[test]
fn aliases_write_redirect_pages() {
    let built = build("aliases");
    let target = "https://example.org/guide/install/";
    for alias in ["setup/index.html", "old/install.html", "docs/v1/install/index.html"] {
        let html = built.read(alias);
        assert!(
            html.contains(&format!("<meta http-equiv=\"refresh\" content=\"0; url={target}\">")),
            "{alias}: {html}"
        );
        assert!(html.contains(&format!("<link rel=\"canonical\" href=\"{target}\">")));
    }
    // Sections may have aliases too.
    assert!(built.read("manual/index.html").contains("url=https://example.org/guide/\""));
    insta::assert_snapshot!(built.read("setup/index.html"));
}

#[test]
fn sort_by_weight_date_and_title_with_lower_and_higher() {
    let built = build("sort-by");
    let pages = |section: &str| {
        let html = built.read(&format!("{section}/index.html"));
        html.lines().find_map(|l| l.strip_prefix("pages: ")).expect("pages line").to_string()
    };
    // Unweighted pages go last.
    assert_eq!(
        pages("by-weight"),
        "/by-weight/b-light/ /by-weight/c-middle/ /by-weight/a-heavy/ /by-weight/d-unweighted/ "
    );
    // Newest first.
    assert_eq!(pages("by-date"), "/by-date/b-newest/ /by-date/c-middle/ /by-date/a-oldest/ ");
    // Natural order: "Part 2" before "Part 10".
    assert_eq!(pages("by-title"), "/by-title/c/ /by-title/b/ /by-title/a/ ");

    let neighbours = |page: &str| {
        let html = built.read(&format!("{page}/index.html"));
        let get = |key: &str| html.lines().find_map(|l| l.strip_prefix(key)).unwrap_or("-").to_string();
        (get("lower: "), get("higher: "))
    };
    // Weight and title: lower is the one before in the list, higher the one after.
    assert_eq!(neighbours("by-weight/c-middle"), ("/by-weight/b-light/".into(), "/by-weight/a-heavy/".into()));
    assert_eq!(neighbours("by-weight/b-light"), ("-".into(), "/by-weight/c-middle/".into()));
    assert_eq!(neighbours("by-title/b"), ("/by-title/c/".into(), "/by-title/a/".into()));
    // Date: lower is the older page, higher the newer one (as in Zola).
    assert_eq!(neighbours("by-date/c-middle"), ("/by-date/a-oldest/".into(), "/by-date/b-newest/".into()));
    assert_eq!(neighbours("by-date/b-newest"), ("/by-date/c-middle/".into(), "-".into()));
}

#[test]
fn transparent_section_lends_its_pages_to_the_parent() {
    let built = build("transparent");
    assert!(built.read("blog/index.html").contains("pages: /blog/2024/year/ /blog/top/ \n"));
    // The transparent section still exists and keeps its own list.
    assert!(built.read("blog/2024/index.html").contains("pages: /blog/2024/year/ \n"));
    assert!(built.exists("blog/2024/year/index.html"));
}

#[test]
fn more_marker_makes_the_summary() {
    let built = build("summary");
    let with = built.read("with-more/index.html");
    assert!(with.contains("summary: <p>The <em>first</em> paragraph is the summary.</p>\n\nancestors"), "{with}");
    assert!(with.contains("<p>The rest is only in the full page.</p>"));
    let without = built.read("without-more/index.html");
    assert!(!without.contains("summary:"), "{without}");
}

#[test]
fn taxonomies_get_list_and_term_pages() {
    let built = build("taxonomies");
    insta::assert_snapshot!(dump(&built));
    assert!(built
        .read("tags/index.html")
        .contains("Static Sites (static-sites, 1): https://example.org/tags/static-sites/"));
    // Term pages list newest first.
    assert_eq!(
        built.read("tags/rust/index.html"),
        "TERM tags/Rust https://example.org/tags/rust/\n/second/\n/first/\n\n"
    );
    assert!(built.exists("authors/grace/index.html"));
}

#[test]
fn undeclared_taxonomy_is_an_error_at_its_line() {
    let tmp = common::copy_fixture("taxonomies");
    let site = tmp.path().join("site");
    common::write(&site, "content/third.md", "+++\ntitle = \"Third\"\n\n[taxonomies]\ncategories = [\"x\"]\n+++\n");
    let error = quire::build(&common::options(&site, &tmp.path().join("out"))).unwrap_err().to_string();
    // The fixture's templates print paths, not links: its pages are also orphans (warnings).
    let error: Vec<&str> = error
        .split_inclusive('\n')
        .filter(|l| !l.contains("orphan") && !l.contains("link to it from another page"))
        .collect();
    assert_eq!(
        error.concat(),
        "content/third.md:4:1: error: front matter: taxonomy `categories` is not declared in config.toml\n  help: add `{ name = \"categories\" }` to `taxonomies` in config.toml\nbuild failed: 1 error"
    );
}

#[test]
fn sitemap_robots_and_atom_feed() {
    let built = build("feeds");
    insta::assert_snapshot!("sitemap", built.read("sitemap.xml"));
    insta::assert_snapshot!("atom", built.read("atom.xml"));
    assert_eq!(
        built.read("robots.txt"),
        "User-agent: *\nDisallow:\nAllow: /\nSitemap: https://example.org/sitemap.xml\n"
    );
    let atom = built.read("atom.xml");
    assert!(!atom.contains("Undated"), "undated pages stay out of the feed");
    assert!(atom.find("Fresh news") < atom.find("Old &lt;news&gt;"), "newest first");
}

/// `llms.txt` used to start with an empty "## Pages" heading when the home section had no pages of its own.
#[test]
fn issue_llms_txt_has_no_empty_pages_heading() {
    // With the built-in theme, which asks for llms.txt (issue 14: a site of its own templates gets none).
    let built = common::build_edited("nested-sections", common::without_templates);
    assert_eq!(
        built.read("llms.txt"),
        "# Nested\n\n## Docs\n\n- [Docs](https://example.org/docs/)\n- [Intro](https://example.org/docs/intro/)\n\n\
         ## Guide\n\n- [Guide](https://example.org/docs/guide/)\n- [Setup](https://example.org/docs/guide/setup/)\n\n\
         ## Deep\n\n- [Deep](https://example.org/docs/guide/deep/)\n- [Bottom](https://example.org/docs/guide/deep/bottom/)\n"
    );
}

/// A sitemap holds RFC 3986 URLs: a page whose slug keeps non-ASCII letters (`[slugify] paths = "safe"`; Zola's
/// default `on` makes ASCII slugs) is percent-encoded there.
#[test]
fn issue_sitemap_urls_are_percent_encoded() {
    let copy = common::copy_fixture("slug-path");
    let site = copy.path().join("site");
    let config = std::fs::read_to_string(site.join("config.toml")).expect("read config");
    std::fs::write(site.join("config.toml"), format!("{config}\n[slugify]\npaths = \"safe\"\n")).expect("write config");
    let output = copy.path().join("public");
    quire::build(&options(&site, &output)).expect("builds");
    let sitemap = std::fs::read_to_string(output.join("sitemap.xml")).expect("a sitemap");
    assert!(sitemap.contains("<loc>https://example.org/notes/%C3%9Cn%C3%AFcode%20Title%20Case/</loc>"), "{sitemap}");
    assert!(sitemap.is_ascii(), "{sitemap}");
}

#[test]
fn not_found_page_uses_the_site_template() {
    let built = build("not-found");
    assert_eq!(built.read("404.html"), "NOT FOUND Missing /404.html\n");
}

#[test]
fn base_url_with_a_path_prefixes_every_permalink() {
    let built = build("base-url-path");
    let mut checked = 0;
    for file in built.files() {
        if THEME_FILES.contains(&file.as_str()) {
            continue;
        }
        let text = built.read(&file);
        for (i, _) in text.match_indices("https://example.org") {
            let rest = &text[i + "https://example.org".len()..];
            // `config.base_url` itself is written without its trailing slash, as Zola does.
            let ok =
                rest.starts_with("/docs/") || (rest.starts_with("/docs") && rest[5..].starts_with(['"', '<', ' ']));
            assert!(ok, "{file}: a URL without /docs/: {}", &text[i..(i + 60).min(text.len())]);
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} URLs seen");
    let page = built.read("guide/install/index.html");
    for line in [
        "permalink: https://example.org/docs/guide/install/",
        "css: https://example.org/docs/site.css",
        "home: https://example.org/docs/",
        "tag: https://example.org/docs/tags/setup/",
        "current_url: https://example.org/docs/guide/install/",
        "<p>Back <a href=\"https://example.org/docs/\">home</a>.</p>",
    ] {
        assert!(page.contains(line), "{line}\n{page}");
    }
    assert!(built.read("index.html").contains("<a href=\"https://example.org/docs/guide/install/#steps\">"));
    assert!(built.read("robots.txt").contains("Sitemap: https://example.org/docs/sitemap.xml"));
    insta::assert_snapshot!(dump(&built));
}

#[test]
fn base_url_path_reaches_the_built_in_theme() {
    let built = build_with("content-only", |o| o.base_url = Some("https://example.org/docs/".into()));
    let page = built.read("guide/first-steps/index.html");
    // Tera escapes `/` in attributes as `&#x2F;`.
    let page = page.replace("&#x2F;", "/");
    for attr in ["href=\"", "src=\""] {
        for (i, _) in page.match_indices(attr) {
            let url = &page[i + attr.len()..];
            let url = &url[..url.find('"').unwrap()];
            assert!(
                url.starts_with('#') || url.starts_with("https://example.org/docs/"),
                "{url} does not carry /docs/"
            );
        }
    }
}

#[test]
fn content_folder_alone_builds_with_the_built_in_theme() {
    let root = fixture("content-only");
    assert!(!root.join("config.toml").exists() && !root.join("templates").exists());
    let built = build("content-only");
    assert!(built.report.warnings.is_empty(), "{:#?}", built.report.warnings);
    assert_eq!((built.report.pages, built.report.sections), (1, 2));
    let page = built.read("guide/first-steps/index.html");
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.contains("<h1>First steps</h1>"));
    assert!(page.contains("<h2 id=\"install\">Install <a class=\"anchor\" href=\"#install\""));
    assert!(page.contains("<nav class=\"breadcrumbs\""));
    // No sitemap.xml: without a base_url there are no absolute URLs to list (see below).
    for file in ["index.html", "guide/index.html", "404.html", "robots.txt"] {
        assert!(built.exists(file), "{file}");
    }
    for file in THEME_FILES {
        assert!(built.exists(file), "the theme's {file} is missing");
    }
}

/// Sitemaps hold absolute URLs: a site without an absolute `base_url` gets none, and robots.txt names none.
#[test]
fn no_sitemap_without_an_absolute_base_url() {
    let built = build("content-only");
    assert!(!built.exists("sitemap.xml"));
    let robots = built.read("robots.txt");
    assert!(!robots.contains("Sitemap:"), "{robots}");
    let built = build_with("content-only", |o| o.base_url = Some("https://example.org/docs/".into()));
    assert!(built.read("sitemap.xml").contains("<loc>https://example.org/docs/</loc>"));
    assert!(built.read("robots.txt").contains("Sitemap: https://example.org/docs/sitemap.xml"));
}

/// The most common customisation: a site replaces only `base.html`. The theme's pages fill blocks (sidebar,
/// body class...) that the site's base lacks; they are dropped, as in Zola, instead of failing the build.
#[test]
fn a_site_replacing_only_base_html_builds_with_the_theme_pages() {
    let built = build("base-only");
    let page = built.read("p/index.html");
    assert!(page.contains("<body class=\"mine\"><main>"), "{page}");
    assert!(page.contains("<h1 id=\"hi\">Hi"), "{page}");
    assert!(built.read("index.html").contains("<body class=\"mine\">"));
}

/// A build frees each page's HTML once its page is written unless something reads it later; `get_page` does,
/// from any page, before or after the page it names has been rendered.
#[test]
fn get_page_shows_another_pages_content_whichever_renders_first() {
    let tmp = tempfile::TempDir::new().expect("temp dir");
    let root = tmp.path();
    // Without feeds and search, which read every page's HTML after the renders and so keep it anyway.
    write(root, "config.toml", "build_search_index = false\ngenerate_feeds = false\n");
    write(root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    for name in ["a", "b", "c"] {
        let body = format!("+++\ntitle = \"{name}\"\n+++\nBody of *{name}*.\n");
        write(root, &format!("content/{name}.md"), body);
    }
    write(
        root,
        "templates/page.html",
        "{{ page.content | safe }}|{% for p in ['a.md', 'b.md', 'c.md'] %}{% set other = get_page(path=p) %}{{ other.content | safe }}{% endfor %}",
    );
    let output = root.join("public");
    quire::build(&options(root, &output)).expect("builds");
    let all = "<p>Body of <em>a</em>.</p>\n<p>Body of <em>b</em>.</p>\n<p>Body of <em>c</em>.</p>\n";
    for name in ["a", "b", "c"] {
        let html = std::fs::read_to_string(output.join(name).join("index.html")).expect("page written");
        assert_eq!(html, format!("<p>Body of <em>{name}</em>.</p>\n|{all}"));
    }
}

/// site.json describes the model for tools: pages, sections, permalinks, taxonomies and relations. It is written
/// as it is serialized (never held whole), so its text is checked whole here.
#[test]
fn site_json_describes_pages_sections_and_relations() {
    // With the built-in theme, which asks for site.json (issue 14: a site of its own templates gets none).
    let built = common::build_edited("links", common::without_templates);
    let json = built.read("site.json");
    let model: serde_json::Value = serde_json::from_str(&json).expect("site.json parses");
    let usage = &model["pages"][1];
    assert_eq!(usage["relative_path"], "guide/usage.md");
    assert_eq!(usage["related"], serde_json::json!(["guide/install.md", "guide/_index.md"]));
    assert_eq!(model["pages"][0]["backlinks"], serde_json::json!(["guide/usage.md"]));
    assert_eq!(model["sections"][1]["pages"], serde_json::json!(["guide/install.md", "guide/usage.md"]));
    insta::assert_snapshot!(json);
}
