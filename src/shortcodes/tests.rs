//! Shortcode and content-template expansion as a build runs it: a body with calls in, rendered HTML out.
//! Each test is one body and the templates it calls, checked against the exact HTML or error.

use super::*;

/// `body` expanded with shortcode templates `(name, text)` and rendered as the build renders it.
fn expand(templates: &[(&str, &str)], body: &str) -> Result<String, Vec<CallError>> {
    expand_with(templates, &Config::default(), body)
}

fn expand_with(templates: &[(&str, &str)], config: &Config, body: &str) -> Result<String, Vec<CallError>> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html"]);
    tera.add_raw_templates(templates.iter().copied()).expect("templates parse");
    let calls = ContentCalls::new(&tera, config);
    let resolve = |_: &str| None;
    let options = crate::markdown::Options {
        settings: config.markdown.clone(),
        anchors: config.slugify.anchors,
        resolve: &resolve,
        heading_anchor: crate::markdown::HeadingAnchor::None,
    };
    let context = || vec![("page", Value::from(BTreeMap::from([("title", Value::from("Ergo"))])))];
    let code = || crate::markdown::code_ranges(body, &options);
    let expanded = calls.expand("a.md", body, &context, &code)?;
    Ok(match expanded {
        None => crate::markdown::render_markdown(body, &options).html,
        Some(mut expanded) => {
            let text = std::mem::take(&mut expanded.text);
            let mut rendered = crate::markdown::render_markdown(&text, &options);
            expanded.finish(&mut rendered);
            rendered.html
        }
    })
}

const YOUTUBE: (&str, &str) = ("shortcodes/youtube.html", "<iframe src=\"https://y/{{ id }}\"></iframe>");

#[test]
fn html_shortcode_replaces_its_paragraph() {
    let html = expand(&[YOUTUBE], "Before\n\n{{ youtube(id=\"a b\") }}\n\nAfter *x*\n").unwrap();
    assert_eq!(html, "<p>Before</p>\n<iframe src=\"https://y/a b\"></iframe>\n<p>After <em>x</em></p>\n");
}

#[test]
fn html_shortcode_inline_in_a_sentence() {
    let html = expand(&[("shortcodes/kbd.html", "<kbd>{{ k }}</kbd>")], "Press {{ kbd(k=\"<Enter>\") }} now").unwrap();
    assert_eq!(html, "<p>Press <kbd>&lt;Enter&gt;</kbd> now</p>\n");
}

#[test]
fn markdown_shortcode_output_is_rendered_as_markdown() {
    let templates = [("shortcodes/note.md", "> **{{ title }}**: {{ body }} ({{ page.title }}, {{ nth }})")];
    let html = expand(&templates, "{% note(title=\"Hey\") %}\nSome *body*\n{% end %}\n").unwrap();
    assert_eq!(html, "<blockquote>\n<p><strong>Hey</strong>: Some <em>body</em> (Ergo, 1)</p>\n</blockquote>\n");
}

#[test]
fn nth_counts_calls_of_each_shortcode() {
    let templates = [("shortcodes/n.html", "[{{ nth }}]"), ("shortcodes/m.html", "({{ nth }})")];
    let html = expand(&templates, "{{ n() }} {{ m() }} {{ n() }} {{ n() }}").unwrap();
    assert_eq!(html, "<p>[1] (1) [2] [3]</p>\n");
}

#[test]
fn body_shortcodes_nest_and_render_their_inner_calls() {
    let templates =
        [("shortcodes/box.html", "<div>{{ body | safe }}</div>"), ("shortcodes/b.html", "<b>{{ nth }}</b>")];
    let html = expand(&templates, "{% box() %}\nA {% box() %}{{ b() }}{% end %} Z\n{% end %}").unwrap();
    assert_eq!(html, "<div>A <div><b>1</b></div> Z</div>\n");
}

#[test]
fn calls_in_code_stay_as_written() {
    let body = "`{{ youtube(id=\"x\") }}`\n\n```\n{{ youtube(id=\"y\") }}\n{% youtube() %}x{% end %}\n```\n";
    let html = expand(&[YOUTUBE], body).unwrap();
    assert_eq!(
        html,
        "<p><code>{{ youtube(id=\"x\") }}</code></p>\n<pre class=\"code\"><code>{{ youtube(id=\"y\") }}\n{% youtube() %}x{% end %}\n</code></pre>\n"
    );
}

#[test]
fn escapes_print_the_call_inside_and_outside_code() {
    let body = "{{/* youtube(id=\"x\") */}}\n\n```\n{%/* note() */%}\nx\n{%/* end */%}\n```\n";
    let html = expand(&[YOUTUBE], body).unwrap();
    assert_eq!(
        html,
        "<p>{{ youtube(id=\"x\") }}</p>\n<pre class=\"code\"><code>{% note() %}\nx\n{% end %}\n</code></pre>\n"
    );
}

#[test]
fn other_template_languages_stay_text() {
    let body = "{% include footer.html %}\n\n{{ .Title }} and {{ page.title }}\n";
    let html = expand(&[YOUTUBE], body).unwrap();
    assert_eq!(html, "<p>{% include footer.html %}</p>\n<p>{{ .Title }} and {{ page.title }}</p>\n");
}

#[test]
fn unknown_shortcode_is_an_error_listing_the_known_ones() {
    let errors = expand(&[YOUTUBE], "Text\n{{ youtub(id=\"x\") }} and {{ gallery() }}").unwrap_err();
    assert_eq!(errors.len(), 2);
    assert_eq!((errors[0].offset, errors[0].message.as_str()), (5, "unknown shortcode `youtub`"));
    assert_eq!(errors[0].help, "did you mean `youtube`? shortcodes here: youtube");
    assert!(errors[1].help.contains("shortcodes here: youtube; add `templates/shortcodes/gallery.html`"));
}

#[test]
fn unclosed_body_and_stray_end_are_errors() {
    let errors = expand(&[YOUTUBE], "{% youtube() %}\nnever closed").unwrap_err();
    assert_eq!(errors[0].message, "shortcode `youtube` has no `{% end %}`");
    let errors = expand(&[YOUTUBE], "a {% end %}").unwrap_err();
    assert_eq!((errors[0].offset, errors[0].message.as_str()), (2, "`{% end %}` closes no shortcode"));
}

#[test]
fn link_offsets_point_into_the_body_as_written() {
    let mut tera = tera::Tera::new();
    tera.add_raw_templates([YOUTUBE]).unwrap();
    let calls = ContentCalls::new(&tera, &Config::default());
    let body = "{{ youtube(id=\"x\") }} [a](b.md)";
    let expanded = calls.expand("a.md", body, &Vec::new, &Vec::new).unwrap().unwrap();
    let placeholder_end = expanded.text.find(' ').unwrap();
    assert_eq!(expanded.offset_in_body(placeholder_end + 1), body.find('[').unwrap());
    assert_eq!(expanded.offset_in_body(1), 0);
}

#[test]
fn zola_0_23_bodies_are_templates_with_components() {
    let config = Config { content_templating: Some(vec!["themes/**".into()]), ..Config::default() };
    let components = (
        "components.html",
        "{% component badge(label: string, n: integer) %}<span>{{ label }} {{ n + 1 }}</span>{% endcomponent %}",
    );
    let body = "A {{ <badge label=\"x\" n={1} /> }} {% raw %}{{ <badge /> }}{% endraw %}";
    let html = expand_with(&[components], &config, body).unwrap();
    assert_eq!(html, "<p>A <span>x 2</span> {{ <badge /> }}</p>\n");
    let mut tera = tera::Tera::new();
    tera.add_raw_templates([components]).unwrap();
    let calls = ContentCalls::new(&tera, &config);
    assert!(calls.expand("themes/a.md", "{{ nope }}", &Vec::new, &Vec::new).unwrap().is_none());
    let errors = calls.expand("a.md", "line\n{{ <nope /> }}", &Vec::new, &Vec::new).unwrap_err();
    assert!(errors[0].message.contains("nope"), "{:?}", errors);
}
