//! Zola's ways of calling templates from content and of extending a site: shortcodes (Zola 0.22), content
//! templating with components (Zola 0.23), themes, Sass and image processing, each on a small fixture.

mod common;

use common::{build, build_error};

#[test]
fn shortcodes_render_inline_body_markdown_and_html() {
    let html = build("shortcodes").read("calls/index.html");
    insta::assert_snapshot!(html);
}

#[test]
fn shortcode_text_in_code_stays_as_written() {
    let html = build("shortcodes").read("calls/index.html");
    assert!(html.contains("<code>{{ youtube(id=\"in-code\") }}</code>"), "{html}");
    assert!(
        html.contains("{{ youtube(id=\"in-a-code-block\") }}\n{% note(kind=\"code\") %}\nstays\n{% end %}\n"),
        "{html}"
    );
    // Zola's escape prints the call, in code as elsewhere.
    assert!(html.contains("{{ youtube(id=\"escaped-in-code\") }}\n</code>"), "{html}");
    assert!(!html.contains("in-a-code-block?") && !html.contains("embed/in-code"), "{html}");
}

#[test]
fn liquid_and_go_template_text_stays_text() {
    let html = build("shortcodes").read("calls/index.html");
    assert!(
        html.contains("A Liquid include stays text: {% include footer.html %} and so does {{ site.title }}."),
        "{html}"
    );
}

#[test]
fn unknown_shortcode_is_an_error_at_its_line_listing_the_shortcodes() {
    insta::assert_snapshot!(build_error("invalid-unknown-shortcode"));
}

#[test]
fn zola_0_23_bodies_call_components_and_skip_listed_paths() {
    let built = build("zola-0-23-components");
    let page = built.read("page/index.html");
    assert!(page.contains("A badge: <span class=\"badge\">new: 2</span> on Page."), "{page}");
    assert!(
        page.contains("Write {{ &lt;badge") || page.contains("Write {{ <badge label=\"x\" count={0} /> }} to call it."),
        "{page}"
    );
    let skipped = built.read("themes/example/index.html");
    // Not templated: the call is left to Markdown, which passes `<badge ... />` through as inline HTML.
    assert!(skipped.contains("{{ <badge label=\"x\" count={0} /> }} and {% include x %} stay text."), "{skipped}");
}

#[test]
fn theme_templates_static_sass_and_extra_fill_in_under_the_sites_own() {
    let built = build("theme");
    let index = built.read("index.html");
    // The site's index.html extends the theme's under Zola's `ink/templates/...` name.
    assert!(index.contains("<main class=\"site-index\"><p>Home text.</p>"), "{index}");
    let post = built.read("post/index.html");
    assert!(post.contains("<main class=\"theme-page\"><p>Post text.</p>"), "{post}");
    // The theme's `[extra]` fills in what the site's leaves out.
    assert!(post.contains("<footer>Made with ink · the site&#39;s own</footer>"), "{post}");
    assert_eq!(built.read("logo.txt"), "site logo\n");
    assert_eq!(built.read("ink.css"), "body { color: black; }\n");
    assert_eq!(built.read("main.css"), "body{color:#123456}");
    assert_eq!(built.read("nested/extra.css"), ".box{padding:8px}");
    assert!(!built.exists("_vars.css") && !built.exists("vars.css"));
}

#[test]
fn sass_error_names_the_file_and_line() {
    insta::assert_snapshot!(build_error("invalid-sass"));
}

#[test]
fn resize_image_applies_zolas_operations_and_formats() {
    let built = build("images");
    let html = built.read("gallery/index.html");
    assert!(html.contains("meta: 120x80 png image/png"), "{html}");
    for line in [
        "scale: 100x100 of 300x380",
        "fit_width: 100x126 of 300x380",
        "fit_height: 78x100 of 300x380",
        "fit: 78x100 of 300x380",
        "fill: 100x100 of 300x380",
    ] {
        assert!(html.contains(line), "{line} in {html}");
    }
    let processed: Vec<String> = built.files().into_iter().filter(|f| f.starts_with("processed_images/")).collect();
    assert_eq!(processed.len(), 9, "{processed:?}");
    assert_eq!(processed.iter().filter(|f| f.starts_with("processed_images/photo.") && f.ends_with(".jpg")).count(), 6);
    assert!(html.contains("auto png: /processed_images/logo."), "{html}");
    assert!(html.contains("webp: /processed_images/photo.") && html.contains(".webp 30x38"), "{html}");
    // What the HTML names is what was written, with the size it says.
    let fill = html.lines().find(|l| l.starts_with("fill:")).expect("fill line");
    let url = &fill[fill.find("src=\"/").expect("src") + 6..fill.rfind('"').expect("end")];
    let bytes = std::fs::read(built.output.join(url)).expect("processed image");
    assert_eq!(image_size(&bytes), (100, 100));
}

/// Issue 14: `format="webp"` is lossless without `quality` and lossy with it (libwebp's `VP8 ` chunk rather than
/// `VP8L`), as in Zola; the quality is part of the name, so the two are two files.
#[test]
fn issue_14_webp_with_a_quality_is_lossy() {
    let built = build("images");
    let html = built.read("gallery/index.html");
    let url_after = |label: &str| {
        let line = html.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("{label} in {html}"));
        line[label.len()..].split_whitespace().next().expect("url").trim_start_matches('/').to_string()
    };
    let (lossless, lossy) = (url_after("webp: "), url_after("lossy webp: "));
    assert_ne!(lossless, lossy);
    let chunk = |url: &str| {
        let bytes = std::fs::read(built.output.join(url)).expect("processed image");
        assert_eq!((&bytes[..4], &bytes[8..12]), (&b"RIFF"[..], &b"WEBP"[..]), "{url}");
        String::from_utf8_lossy(&bytes[12..16]).into_owned()
    };
    assert_eq!(chunk(&lossless), "VP8L");
    assert_eq!(chunk(&lossy), "VP8 ");
}

/// Issue 14: `page.assets` are in Zola's form, relative to content/, so Zola's docs' gallery can hand them to
/// `resize_image` and `get_url` (Quire gave the file name alone, which neither finds).
#[test]
fn issue_14_page_assets_are_content_relative_as_in_zola() {
    let html = build("images").read("gallery/index.html");
    assert!(html.contains("asset: gallery/photo.jpg 10 <a href=\"/gallery/photo.jpg\">"), "{html}");
}

/// Issue 14: Zola's docs commit Zola's processed images in `static/processed_images/`; the copy from static/ is
/// the image, not a second file at the same address (which was an error).
#[test]
fn issue_14_processed_images_already_in_static_are_used_as_they_are() {
    let site = common::copy_fixture("images");
    let root = site.path().join("site");
    let first = site.path().join("first");
    quire::build(&common::options(&root, &first)).expect("first build");
    let name = std::fs::read_dir(first.join("processed_images"))
        .expect("processed_images")
        .flatten()
        .map(|e| e.file_name())
        .find(|n| n.to_string_lossy().starts_with("logo."))
        .expect("the logo's resize");
    std::fs::create_dir_all(root.join("static/processed_images")).expect("mkdir");
    std::fs::write(root.join("static/processed_images").join(&name), b"made by Zola").expect("write");
    let second = site.path().join("second");
    quire::build(&common::options(&root, &second)).expect("second build");
    assert_eq!(std::fs::read(second.join("processed_images").join(&name)).expect("image"), b"made by Zola");
}

fn image_size(bytes: &[u8]) -> (u32, u32) {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes)).with_guessed_format().expect("format");
    reader.into_dimensions().expect("dimensions")
}

#[test]
fn a_second_build_reuses_processed_images_until_the_source_changes() {
    let site = common::copy_fixture("images");
    let root = site.path().join("site");
    let output = site.path().join("public");
    quire::build(&common::options(&root, &output)).expect("first build");
    let processed = output.join("processed_images");
    let webp = std::fs::read_dir(&processed)
        .expect("processed_images")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "webp"))
        .expect("a webp");
    // Marked: if the second build encoded it again, the mark would be gone.
    std::fs::write(&webp, b"kept from the first build").expect("mark");
    quire::build(&common::options(&root, &output)).expect("second build");
    assert_eq!(std::fs::read(&webp).expect("webp"), b"kept from the first build");
    // A newer source is processed again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let photo = root.join("content/gallery/photo.jpg");
    std::fs::write(&photo, std::fs::read(&photo).expect("photo")).expect("touch photo");
    quire::build(&common::options(&root, &output)).expect("third build");
    assert_eq!(image_size(&std::fs::read(&webp).expect("webp")), (30, 38));
}

#[test]
fn missing_and_corrupt_images_are_errors_at_the_template_call() {
    insta::assert_snapshot!(build_error("invalid-image"));
}

/// Issue 14: Zola 0.22's docs keep an unused shortcode in Tera 1 syntax (`grid_gallery.html`); Zola never
/// compiles it. A shortcode that does not compile fails the build only where a page calls it.
#[test]
fn issue_14_an_unused_broken_shortcode_does_not_fail_the_build() {
    let built = build("zola-broken-shortcode");
    let html = built.read("uses-badge/index.html");
    assert!(html.contains("A <span class=\"badge\">new</span>\n here."), "{html}");
}

/// Issue 14: Zola 0.22's docs define blocks their parent template lacks (`extra_nav_class`); Tera 1 ignored them,
/// Tera 2 refuses the template. They are dropped with a warning at their line.
#[test]
fn issue_14_a_block_the_parent_lacks_is_a_warning_not_an_error() {
    let built = build("zola-broken-shortcode");
    assert!(built.read("uses-badge/index.html").starts_with("<html><body><p>A <span"));
    let warning = built.report.warnings.iter().find(|w| w.message.contains("extra_nav_class")).expect("a warning");
    assert_eq!(warning.at.to_string(), "templates/page.html:3:1");
    assert!(warning.message.contains("block `extra_nav_class` is in no template `base.html` extends"), "{warning:?}");
}

#[test]
fn issue_14_a_called_broken_shortcode_is_an_error_at_the_call_with_the_tera_2_form() {
    let page = "+++\ntitle = \"Gallery\"\n+++\n\n{{ old_gallery() }}\n";
    let error =
        common::build_error_edited("zola-broken-shortcode", |root| common::write(root, "content/gallery.md", page));
    assert!(error.contains("content/gallery.md:5:1"), "{error}");
    assert!(
        error.contains("shortcode `old_gallery` does not compile: templates/shortcodes/old_gallery.html:3:"),
        "{error}"
    );
    assert!(error.contains(r#"write `is matching(pat="[.](jpg|png)$")`"#), "{error}");
}

/// Issue 14: Zola's `now()`, `get_taxonomy_url(term=..., required=false)` and `get_taxonomy_term` (Zola's own
/// docs print the year with `now()`).
#[test]
fn issue_14_now_and_the_taxonomy_functions() {
    let html = build("zola-functions").read("index.html");
    let year = chrono::Local::now().format("%Y").to_string();
    assert!(html.contains(&format!("<p>year: {year}</p>")), "{html}");
    let inside = |start: &str| {
        let found = common::between(&html, start, "</p>");
        found[start.len()..found.len() - "</p>".len()].to_string()
    };
    let utc = inside("<p>utc: ");
    assert!(utc.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(&utc).is_ok(), "{utc}");
    let timestamp = inside("<p>timestamp: ");
    assert!(timestamp.parse::<i64>().is_ok_and(|t| t > 1_700_000_000), "{timestamp}");
    for expected in [
        "<p>term url: https://example.org/tags/rust-lang/</p>",
        "<p>name url: https://example.org/tags/rust-lang/</p>",
        "<p>missing taxonomy: true</p>",
        "<p>missing taxonomy list: true</p>",
        "<p>term: Rust Lang rust-lang https://example.org/tags/rust-lang/ 1 A post</p>",
        "<p>no term: true</p>",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
}

/// Issue 14: Zola's `load_data` (TOML, JSON, YAML, CSV, plain, literal, `required=false`), `get_hash`,
/// `get_file_hash` and `trans` (`[translations]` and `[languages.LANG.translations]`).
#[test]
fn issue_14_load_data_hashes_and_translations() {
    let built = build("zola-functions");
    let html = built.read("index.html");
    for expected in [
        "<p>toml: Ada 2024-05-01</p>",
        "<p>json: 2 2</p>",
        "<p>yaml: Grace</p>",
        "<p>csv: name|size / b, c</p>",
        "<p>plain: Plain notes.</p>",
        "<p>literal: 3</p>",
        "<p>optional: true</p>",
        "<p>hash: Srj3L6FZq7QpeHXn0GaTqjmls1fodldGEylfclT47oDEbFcxCG/bX1L0YOkog4Di</p>",
        "<p>hash256 hex: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824</p>",
        "<p>file hash: dNlK7eFjrHTrQv58rEBmYmgg+hUAHd8Cw7LSXfjmx3E=</p>",
        "<p>trans: Read more / Lire la suite</p>",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
    // `[languages]` holding only translations asks for nothing Quire lacks: no warning.
    assert!(built.report.warnings.iter().all(|w| !w.message.contains("languages")), "{:?}", built.report.warnings);
}

#[test]
fn issue_14_load_data_refuses_paths_out_of_the_site_and_the_network() {
    for (call, expected) in [
        (r#"load_data(path="../secret.toml")"#, "`../secret.toml` leaves the site's folder"),
        (r#"load_data(url="https://example.org/a.json")"#, "`url=` is not supported"),
        (r#"load_data(path="data/nowhere.toml")"#, "no file at `data/nowhere.toml`"),
        (r#"trans(key="nothing")"#, "no `nothing` in the `en` translations"),
    ] {
        let template = format!("{{{{ {call} }}}}\n");
        let error =
            common::build_error_edited("zola-functions", |root| common::write(root, "templates/index.html", template));
        assert!(error.contains("templates/index.html:1:") && error.contains(expected), "{call}: {error}");
    }
}

/// Issue 14: `get_hash` of a stylesheet the build compiles from Sass (abridge's `integrity` attributes) hashes the
/// CSS written to the output, as Zola finds it in its output folder.
#[test]
fn issue_14_get_hash_of_a_compiled_stylesheet() {
    let built = build("zola-sass-hash");
    assert_eq!(built.read("site.css"), "body{color:#123456}");
    let html = built.read("index.html");
    assert!(html.contains("<p>884546c4a2f1fb49dae8ce7f64c71fe0db10bdc37b5a51ee72a8b80342cdec83</p>"), "{html}");
    assert!(html.contains("integrity=\"sha256-iEVGxKLx+0na6M5/ZMcf4NsQvcN7WlHucqi4A0LN7IM=\""), "{html}");
}

/// Issue 14: `get_image_metadata` of an SVG (linkita's social icons, abridge's `img` component) answers as Zola
/// does (svg_metadata): `width`/`height` attributes (a percentage of the viewBox), else the viewBox's size,
/// truncated to whole pixels; `format` "svg", `mime` "text/svg+xml" (Zola's string); the extension in any case.
#[test]
fn issue_14_get_image_metadata_of_an_svg() {
    let html = build("zola-svg-metadata").read("index.html");
    for expected in [
        "<p>sized.svg: 48x32 svg text/svg+xml</p>",
        "<p>viewbox.svg: 96x105 svg text/svg+xml</p>",
        "<p>percent.svg: 100x120 svg text/svg+xml</p>",
        "<p>ICON.SVG: 10x7 svg text/svg+xml</p>",
    ] {
        assert!(html.contains(expected), "{expected}\n{html}");
    }
    // Neither a size nor a viewBox: an error at the call, as in Zola.
    let unsized_svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
    let error = common::build_error_edited("zola-svg-metadata", |root| {
        common::write(root, "static/icons/sized.svg", unsized_svg)
    });
    assert!(error.contains("templates/index.html:2:") && error.contains("neither"), "{error}");
}

/// Issue 14: Quire never fetches (`load_data(url=...)` is an error at the call), but with `required=false` the
/// call gives nothing, as Zola's does when the address does not answer: a template written for Zola that
/// tolerates a failed fetch builds here as it builds with Zola offline.
#[test]
fn issue_14_load_data_of_a_url_not_required_gives_nothing() {
    let template = r#"{% set remote = load_data(url="https://example.org/a.json", format="json", required=false) %}<p>remote: {% if remote %}{{ remote }}{% else %}nothing{% endif %}</p>"#;
    let built = common::build_edited("zola-functions", |root| common::write(root, "templates/index.html", template));
    let html = built.read("index.html");
    assert!(html.contains("<p>remote: nothing</p>"), "{html}");
}

/// Issue 14: Zola checks no link a template writes. A broken one written by the Zola theme's templates (linkita's
/// menu, which links each language to pages only English has) is a warning here, so the site builds as with
/// Zola and still hears of it; one the site's own templates write stays an error.
#[test]
fn issue_14_broken_links_the_zola_theme_writes_are_warnings() {
    let built = build("zola-theme-links");
    let warnings: Vec<String> = built.report.warnings.iter().map(ToString::to_string).collect();
    let broken: Vec<&String> = warnings.iter().filter(|w| w.contains("`/projects/` points to nothing")).collect();
    assert_eq!(broken.len(), 1, "{warnings:#?}");
    assert!(broken[0].contains("Zola theme"), "{}", broken[0]);
    let template = "<a href=\"/elsewhere/\">x</a>{{ page.content | safe }}";
    let error =
        common::build_error_edited("zola-theme-links", |root| common::write(root, "templates/page.html", template));
    assert!(error.contains("templates/page.html:1:") && error.contains("`/elsewhere/` points to nothing"), "{error}");
}

/// Issue 14: a Zola theme's own repository, built as its demo site (abridge, zolarwind: `theme.toml` at the root),
/// is the theme: a broken link its `templates/` write is a warning, as for `theme = "NAME"`, since Zola checks no
/// link a template writes. The same templates in a site without `theme.toml` stay errors.
#[test]
fn issue_14_broken_links_a_theme_s_own_demo_site_writes_are_warnings() {
    let template = "<a href=\"/elsewhere/\">x</a>{{ page.content | safe }}";
    let demo = common::build_edited("zola-theme-links", |root| {
        common::write(root, "templates/page.html", template);
        common::write(root, "theme.toml", "name = \"demo\"\nmin_version = \"0.23.0\"\n");
    });
    let warnings: Vec<String> = demo.report.warnings.iter().map(ToString::to_string).collect();
    let broken: Vec<&String> = warnings.iter().filter(|w| w.contains("`/elsewhere/` points to nothing")).collect();
    assert_eq!(broken.len(), 1, "{warnings:#?}");
    assert!(broken[0].contains("Zola theme") && broken[0].contains("templates/page.html:1:"), "{}", broken[0]);
    let error =
        common::build_error_edited("zola-theme-links", |root| common::write(root, "templates/page.html", template));
    assert!(error.contains("`/elsewhere/` points to nothing"), "{error}");
}

/// Issue 14: Zola's lists of pages carry each page's `content` (abridge's page.html finds its place in a series by
/// comparing `inner.content == page.content`; its archive prints `section_item.content`), and so do Quire's when
/// a template reads it there: sections, terms, `get_taxonomy_term` and neighbours.
#[test]
fn issue_14_listed_pages_carry_their_content_when_a_template_reads_it() {
    let built = build("zola-listed-content");
    let blog = built.read("blog/index.html");
    assert!(
        blog.contains("<article><h2>Second</h2><p>Second <em>body</em>.</p>\n</article>\n<article><h2>First</h2><p>First <em>body</em>.</p>\n</article>"),
        "{blog}"
    );
    let first = built.read("blog/first/index.html");
    assert!(first.contains("<p>part 2 of 2</p>"), "{first}");
    let second = built.read("blog/second/index.html");
    assert!(second.contains("<p>part 1 of 2</p>\n<p>before: First body.</p>"), "{second}");
    let term = built.read("tags/series/index.html");
    assert!(term.contains("<p>Second (newest): <p>Second <em>body</em>.</p>\n</p>\n<p>First: <p>First"), "{term}");
}

/// Issue 14: a site whose templates never read a listed page's `content` keeps lists without it (each page's HTML
/// is then freed once its page is rendered); one that reads it gets it on every list.
#[test]
fn issue_14_lists_carry_content_only_for_templates_that_read_it() {
    let tmp = common::copy_fixture("zola-listed-content");
    let root = tmp.path().join("site");
    let keys = "{% for p in section.pages %}{{ p | keys | join(sep=',') }}\n{% endfor %}";
    common::write(&root, "templates/section.html", keys);
    common::write(&root, "templates/page.html", "{{ page.content | safe }}");
    common::write(&root, "templates/tags/single.html", "{{ term.name }}");
    let output = tmp.path().join("public");
    quire::build(&common::options(&root, &output)).unwrap_or_else(|e| panic!("builds: {e}"));
    let blog = std::fs::read_to_string(output.join("blog/index.html")).expect("blog");
    assert!(blog.contains("title") && !blog.split([',', '\n']).any(|key| key == "content"), "{blog}");
    common::write(&root, "templates/tags/single.html", "{% for p in term.pages %}{{ p.content }}{% endfor %}");
    quire::build(&common::options(&root, &output)).unwrap_or_else(|e| panic!("builds: {e}"));
    let blog = std::fs::read_to_string(output.join("blog/index.html")).expect("blog");
    assert!(blog.split([',', '\n']).any(|key| key == "content"), "{blog}");
}
