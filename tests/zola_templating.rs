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
    assert_eq!(processed.len(), 7, "{processed:?}");
    assert_eq!(processed.iter().filter(|f| f.starts_with("processed_images/photo.") && f.ends_with(".jpg")).count(), 5);
    assert!(html.contains("auto png: /processed_images/logo."), "{html}");
    assert!(html.contains("webp: /processed_images/photo.") && html.contains(".webp 30x38"), "{html}");
    // What the HTML names is what was written, with the size it says.
    let fill = html.lines().find(|l| l.starts_with("fill:")).expect("fill line");
    let url = &fill[fill.find("src=\"/").expect("src") + 6..fill.rfind('"').expect("end")];
    let bytes = std::fs::read(built.output.join(url)).expect("processed image");
    assert_eq!(image_size(&bytes), (100, 100));
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
