//! templates/partials/search.html rendered with Tera as the theme would include it: nothing when
//! `config.build_search_index` is false; otherwise a hidden combobox with no inline script or style.
//! QUIRE_SEARCH_PARTIAL_OUT=file.html writes the rendered markup (for browser and axe checks).

fn render(build_search_index: bool) -> String {
    let mut tera = tera::Tera::new();
    // Tera 2 checks function names while parsing, so get_url is registered first.
    tera.register_function("get_url", |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        Ok(format!("https://example.org/docs/{path}"))
    });
    let template = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/templates/partials/search.html"))
        .expect("read the partial");
    tera.add_raw_template("partials/search.html", &template).expect("the partial parses");
    let mut context = tera::Context::new();
    context.insert("config", &serde_json::json!({ "build_search_index": build_search_index }));
    tera.render("partials/search.html", &context).expect("the partial renders")
}

#[test]
fn renders_nothing_without_a_search_index() {
    assert_eq!(render(false).trim(), "");
}

#[test]
fn renders_a_hidden_combobox_with_external_script_and_style_only() {
    // Tera's autoescape writes `/` as `&#x2F;` in the URLs; that is the same attribute value.
    let html = render(true).replace("&#x2F;", "/");
    if let Ok(out) = std::env::var("QUIRE_SEARCH_PARTIAL_OUT") {
        std::fs::write(out, &html).expect("write the rendered partial");
    }
    assert!(html.contains(r#"<div class="quire-search" data-quire-search hidden>"#), "{html}");
    assert!(html.contains(r#"role="combobox""#));
    assert!(html.contains(r#"aria-controls="quire-search-results""#));
    assert!(html.contains(r#"id="quire-search-results" role="listbox""#));
    assert!(html.contains(r#"<label class="quire-search-label" for="quire-search-input">Search</label>"#));
    assert!(html.contains(r#"<script src="https://example.org/docs/search.js" defer></script>"#));
    assert!(html.contains(r#"<link rel="stylesheet" href="https://example.org/docs/search.css">"#));
    assert_eq!(html.matches("<script").count(), 1, "one script, loaded from a file");
    assert!(
        !html.contains("<style") && !html.contains("style=") && !html.contains(" on"),
        "no inline style or handlers"
    );
}
