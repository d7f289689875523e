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
    // (tests/zola_search.rs), and `languages` (below): no warning.
    assert!(built.exists("search_index.en.json") && built.exists("elasticlunr.min.js"), "{:#?}", built.files());
    assert!(!warnings.iter().any(|w| w.contains("`search`")), "{warnings:#?}");
    for key in [
        "taxonomy_root",
        "markdown.render_emoji",
        "markdown.highlighting.theme",
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

/// Zola's `[languages]`: `NAME.fr.md` is the French version of `NAME.md`, built under `/fr/` with its own
/// sections, taxonomies and feed; templates see `lang`, that language's `config`, `page.translations` and the
/// `lang=` argument of Zola's functions.
#[test]
fn issue_14_languages_build_each_under_its_folder() {
    let built = build("zola-languages");
    for path in [
        "index.html",
        "fr/index.html",
        "blog/first/index.html",
        "fr/blog/first/index.html",
        "fr/blog/seulement/index.html",
        "fr/blog/trip/index.html",
        "fr/blog/trip/photo.txt",
        "blog/trip/photo.txt",
        "tags/rust/index.html",
        "fr/tags/rouille/index.html",
        "fr/atom.xml",
    ] {
        assert!(built.exists(path), "{path}: {:#?}", built.files());
    }
    // No page is made of a file's language code.
    assert!(built.files().iter().all(|f| !f.contains(".fr") && !f.contains("-fr")), "{:#?}", built.files());
    let french = built.read("fr/blog/first/index.html");
    assert!(french.contains("<html lang=\"fr\"><head><title>Le site</title>"), "{french}");
    assert!(french.contains("other languages: en=The site;"), "{french}");
    assert!(french.contains("<a href=\"https://example.org/fr/\">home</a>"), "{french}");
    assert!(
        french.contains(
            "translations: en:First:https://example.org/blog/first/;fr:Premier:https://example.org/fr/blog/first/;"
        ),
        "{french}"
    );
    assert!(french.contains("<a href=\"https://example.org/fr/tags/rouille/\">rouille</a>"), "{french}");
    // Zola reads `lang=` as text: an undefined one is no language (linkita's `lang=default_language`).
    assert!(french.contains("<p>root: https://example.org/</p>"), "{french}");
    let english = built.read("blog/first/index.html");
    assert!(english.contains("<html lang=\"en\"><head><title>The site</title>"), "{english}");
    assert!(english.contains("other languages: fr=Le site;"), "{english}");
    // Each language's section lists its own pages only; each home finds its language's section.
    let carnet = built.read("fr/blog/index.html");
    assert!(carnet.contains("<h1>Carnet (fr)</h1>"), "{carnet}");
    assert!(
        carnet.contains("Seulement en français /fr/blog/seulement/") && !carnet.contains("Only English"),
        "{carnet}"
    );
    assert!(built.read("fr/index.html").contains("<p>blog: Carnet</p>"));
    assert!(built.read("index.html").contains("<p>blog: Blog</p>"));
    let (feed, french_feed) = (built.read("atom.xml"), built.read("fr/atom.xml"));
    assert!(feed.contains("First") && !feed.contains("Premier"), "{feed}");
    assert!(french_feed.contains("Premier") && !french_feed.contains(">First<"), "{french_feed}");
    assert!(french_feed.contains("xml:lang=\"fr\""), "{french_feed}");
    assert!(built.report.warnings.iter().all(|w| !w.message.contains("languages")), "{:?}", built.report.warnings);
}

/// A language code config.toml does not declare is an error naming the file, as in Zola.
#[test]
fn issue_14_undeclared_language_code_is_an_error() {
    let copy = common::copy_fixture("zola-languages");
    let site = copy.path().join("site");
    std::fs::write(site.join("content/blog/first.de.md"), "+++\ntitle = \"Erste\"\n+++\n").expect("write page");
    let error = quire::build(&common::options(&site, &copy.path().join("public"))).expect_err("an unknown code");
    let error = error.to_string();
    assert!(error.contains("content/blog/first.de.md"), "{error}");
    assert!(error.contains("`first.de.md` has the language code `de`"), "{error}");
    assert!(error.contains("add `[languages.de]` to config.toml"), "{error}");
}

/// Zola's own templates of a taxonomy (`tags/list.html`, `tags/single.html`, before `taxonomy_list.html` and
/// `taxonomy_single.html`) and its `paginate_by` in config.toml, with the first pager's redirect.
#[test]
fn issue_14_taxonomy_templates_and_pagination() {
    let built = build("zola-taxonomy-templates");
    let list = built.read("tags/index.html");
    assert!(list.contains("<p>tags/list.html: <a href=\"https://example.org/tags/x/\">x</a>"), "{list}");
    let first = built.read("tags/x/index.html");
    assert!(first.contains("<p>tags/single.html: x pager 1 of 2: Newer</p>"), "{first}");
    let second = built.read("tags/x/page/2/index.html");
    assert!(second.contains("<p>tags/single.html: x pager 2 of 2: Older</p>"), "{second}");
    assert!(built.read("tags/x/page/1/index.html").contains("url=https://example.org/tags/x/"));
}

/// Issue 14: as in Zola, a page's `path` is its whole address, in any language (abridge's `about.fr.md` has
/// `path = "fr/about"`: `/fr/about/`, not `/fr/fr/about/`), and a page of another language in a folder whose
/// section has no version in that language belongs to no section, as the default language's page there does not
/// belong to the home page (abridge's home pages listed `pages/about.fr.md`, which has no date, and failed).
#[test]
fn issue_14_translated_pages_keep_their_path_and_their_section() {
    let built = build("zola-language-pages");
    assert!(built.exists("about/index.html") && built.exists("fr/about/index.html"), "{:#?}", built.files());
    assert!(built.exists("fr/pages/contact/index.html"), "{:#?}", built.files());
    assert!(!built.files().iter().any(|file| file.starts_with("fr/fr/")), "{:#?}", built.files());
    assert!(built.read("fr/about/index.html").contains("https://example.org/fr/about/"));
    assert_eq!(built.read("index.html").trim(), "<ul><li>Dated https://example.org/dated/</li></ul>");
    assert_eq!(built.read("fr/index.html").trim(), "<ul><li>Daté https://example.org/fr/dated/</li></ul>");
}

/// Issue 14: a taxonomy with `feed = true` gives each term its Atom feed, at the term's address, with the term's
/// dated pages newest first and Zola's title "SITE - TERM" (linkita links `/authors/salif/atom.xml`); a taxonomy
/// without it gives none.
#[test]
fn issue_14_terms_of_a_taxonomy_with_feed_have_their_atom_feed() {
    let built = build("zola-term-feeds");
    let rust = built.read("tags/rust/atom.xml");
    assert!(rust.contains("<title>Feeds - Rust</title>"), "{rust}");
    assert!(rust.contains("href=\"https://example.org/tags/rust/atom.xml\""), "{rust}");
    let (new, old) = (rust.find("<title>New</title>").expect("New"), rust.find("<title>Old</title>").expect("Old"));
    assert!(new < old, "newest first: {rust}");
    let web = built.read("tags/web/atom.xml");
    assert!(web.contains("<title>New</title>") && !web.contains("<title>Old</title>"), "{web}");
    assert!(!built.exists("series/one/atom.xml"), "{:#?}", built.files());
}
