//! Issue 14: a site whose templates are all its own gets the files Zola writes and none of Quire's (the built-in
//! theme's static files, syntax.css, Quire's search index, site.json, llms.txt); a site that uses the theme gets them.

mod common;

use common::Built;
use std::path::Path;

/// What Quire writes only for a site that uses the built-in theme.
const QUIRE_FILES: &[&str] = &[
    "favicon.svg",
    "llms.txt",
    "search.css",
    "search.js",
    "search/manifest.js",
    "site.json",
    "style.css",
    "syntax.css",
    "theme.js",
];

/// The fixture copied, with `edit` applied to its root, built.
fn build_copy(edit: impl FnOnce(&Path)) -> Built {
    common::build_edited("zola-anchor-links", edit)
}

fn quire_files_in(built: &Built) -> Vec<&'static str> {
    QUIRE_FILES.iter().copied().filter(|file| built.exists(file)).collect()
}

/// Exactly Zola's files: the pages, Zola's own 404 page (the theme's would need its stylesheet), robots.txt and
/// the sitemap.
#[test]
fn issue_14_a_site_with_its_own_templates_writes_only_what_zola_writes() {
    let built = build_copy(|_| {});
    assert_eq!(
        built.files(),
        [
            "404.html",
            "heading/index.html",
            "heading/page/index.html",
            "index.html",
            "left/bundle/index.html",
            "left/deeper/index.html",
            "left/deeper/page/index.html",
            "left/index.html",
            "left/page/index.html",
            "none/index.html",
            "none/page/index.html",
            "robots.txt",
            "sitemap.xml",
        ]
    );
    assert_eq!(built.read("404.html"), "<!doctype html>\n<title>404 Not Found</title>\n<h1>404 Not Found</h1>\n");
}

/// A site of content only is laid out by the built-in theme: every file of Quire's, and the theme's 404 page.
#[test]
fn issue_14_a_site_of_content_only_gets_the_theme_and_quires_files() {
    let built = build_copy(common::without_templates);
    assert_eq!(quire_files_in(&built), QUIRE_FILES);
    assert!(built.read("404.html").contains("style.css"), "the theme's 404 page");
}

/// Own templates that use a part of the theme bring its files: including one of its templates, or naming one of
/// its static files that the site does not have. A file the site has itself is its own.
#[test]
fn issue_14_own_templates_that_use_the_theme_get_its_files() {
    let search_box = "{% include \"partials/search.html\" %}{{ section.content | safe }}\n";
    let included = build_copy(|site| common::write(site, "templates/index.html", search_box));
    assert_eq!(quire_files_in(&included), QUIRE_FILES);
    assert!(included.read("index.html").contains("search.js"));

    let stylesheet = "<link rel=\"stylesheet\" href=\"{{ get_url(path='style.css') }}\">{{ page.content | safe }}\n";
    let named = build_copy(|site| common::write(site, "templates/page.html", stylesheet));
    assert_eq!(quire_files_in(&named), QUIRE_FILES);
    assert!(named.read("404.html").contains("style.css"), "the theme's 404 page, as the theme is used");

    let own = build_copy(|site| {
        common::write(site, "templates/page.html", stylesheet);
        common::write(site, "static/style.css", "body { margin: 0 }\n");
    });
    assert_eq!(quire_files_in(&own), ["style.css"]);
    assert_eq!(own.read("style.css"), "body { margin: 0 }\n");
}

/// `markdown_twins = true` asks for llms.txt, which lists the twins, whatever the templates.
#[test]
fn issue_14_llms_txt_follows_markdown_twins_on_own_templates() {
    let built = build_copy(|site| {
        common::write(site, "config.toml", "base_url = \"https://example.org/\"\nmarkdown_twins = true\n")
    });
    assert!(built.exists("llms.txt") && built.exists("llms-full.txt") && built.exists("left/page/index.md"));
    assert!(!built.exists("site.json") && !built.exists("style.css"));
}

/// Zola's `redirect_to`: the section's page is a redirect (a path under `base_url`, given Zola's trailing `/`, or a
/// URL), made without a template, so a redirect of a site with its own templates brings none of the theme's files.
/// Zola's docs have five such sections, which used to be rendered with the built-in theme's section.html.
#[test]
fn issue_14_a_section_with_redirect_to_is_a_redirect() {
    let built = build_copy(|site| {
        let none = "+++\ntitle = \"None\"\nredirect_to = \"left/page\"\n+++\n[A page](@/none/page.md).\n";
        common::write(site, "content/none/_index.md", none);
        let heading =
            "+++\ntitle = \"Heading\"\nredirect_to = \"https://www.getzola.org/\"\n+++\n[A page](@/heading/page.md).\n";
        common::write(site, "content/heading/_index.md", heading);
        // No section.html: the redirects need none, and the other sections say which template they use.
        std::fs::remove_file(site.join("templates/section.html")).expect("remove section.html");
        for section in ["left/_index.md", "left/deeper/_index.md"] {
            let path = site.join("content").join(section);
            let text = std::fs::read_to_string(&path).expect("read the section");
            std::fs::write(&path, text.replacen("+++\n", "+++\ntemplate = \"index.html\"\n", 1)).expect("write it");
        }
    });
    let none = built.read("none/index.html");
    assert!(none.contains("url=https://example.org/left/page/\""), "{none}");
    assert!(built.read("heading/index.html").contains("url=https://www.getzola.org/\""));
    assert_eq!(quire_files_in(&built), Vec::<&str>::new());
}
