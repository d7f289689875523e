//! Bad inputs: each is a named error (or builds), never a panic, and a failed build leaves the previous
//! output exactly as it was. Broken sites are `tests/fixtures/invalid-<case>/` (the `basic` site with one
//! file broken); inputs git cannot hold well (symlink loops, huge or deeply nested pages) are made here.

mod common;

use common::{build, build_error, build_with, copy_dir, fixture, options, snapshot_tree, write};
use std::path::Path;
use tempfile::TempDir;

/// Builds `basic` into a fresh output, turns the site into `invalid-<case>`, builds again, and checks the
/// second build failed without touching the first one's output. Returns the error text.
fn rebuild_fails_keeping_output(case: &str) -> String {
    rebuild_fails_keeping_output_with(|site| copy_dir(&fixture(case), site))
}

fn rebuild_fails_keeping_output_with(break_site: impl FnOnce(&Path)) -> String {
    let tmp = TempDir::new().unwrap();
    let site = tmp.path().join("site");
    let output = tmp.path().join("public");
    copy_dir(&fixture("basic"), &site);
    quire::build(&options(&site, &output)).expect("the good site builds");
    let before = snapshot_tree(&output);
    assert!(before.contains_key("guide/intro/index.html"));
    break_site(&site);
    let error = quire::build(&options(&site, &output)).expect_err("the broken site must not build");
    assert_eq!(snapshot_tree(&output), before, "a failed build changed the previous output");
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "a failed build left files beside the output: {leftovers:?}");
    error.to_string()
}

#[test]
fn malformed_toml_front_matter() {
    let expected = "content/guide/broken.md:3:10: error: front matter: invalid TOML: extra `=`, expected nothing\n  help: front matter between `+++` lines is TOML: `title = \"My page\"`\nbuild failed: 1 error";
    assert_eq!(build_error("invalid-toml-front-matter"), expected);
    assert_eq!(rebuild_fails_keeping_output("invalid-toml-front-matter"), expected);
}

#[test]
fn malformed_yaml_front_matter() {
    // YAML's own positions are shifted to count from the top of the file, like the location.
    let expected = "content/guide/broken.md:4:7: error: front matter: invalid YAML: did not find expected ',' or ']' at line 4 column 7, while parsing a flow sequence at line 3 column 7\n  help: front matter between `---` lines is YAML: `title: My page`\nbuild failed: 1 error";
    assert_eq!(build_error("invalid-yaml-front-matter"), expected);
    assert_eq!(rebuild_fails_keeping_output("invalid-yaml-front-matter"), expected);
}

#[test]
fn unclosed_front_matter() {
    let expected = "content/guide/broken.md:1:1: error: front matter: the front matter opened with `+++` is never closed\n  help: add a line with only `+++` after the front matter\nbuild failed: 1 error";
    assert_eq!(build_error("invalid-unclosed-front-matter"), expected);
    assert_eq!(rebuild_fails_keeping_output("invalid-unclosed-front-matter"), expected);
}

#[test]
fn non_utf8_file_names_the_first_bad_byte() {
    let expected = "content/guide/latin1.md:4:4: error: content: the file is not valid UTF-8\n  help: save the file as UTF-8 (most editors have an \"encoding\" option)\nbuild failed: 1 error";
    assert_eq!(build_error("invalid-non-utf8"), expected);
    assert_eq!(rebuild_fails_keeping_output("invalid-non-utf8"), expected);
}

#[test]
fn duplicate_output_paths() {
    let expected = "content/guide/other.md:3:1: error: content: `/guide/intro/` is also the output of `content/guide/intro.md`\n  help: give one of them another `slug` or `path` in its front matter\nbuild failed: 1 error";
    assert_eq!(build_error("invalid-duplicate-paths"), expected);
    assert_eq!(rebuild_fails_keeping_output("invalid-duplicate-paths"), expected);
}

#[test]
fn page_file_and_bundle_with_the_same_path() {
    let error = rebuild_fails_keeping_output_with(|site| {
        write(site, "content/guide/intro/index.md", "+++\ntitle = \"Bundle\"\n+++\n");
    });
    assert!(error.contains("`/guide/intro/` is also the output of `content/guide/intro"), "{error}");
}

#[test]
fn template_syntax_error_names_the_template_and_line() {
    let error = build_error("invalid-template-syntax");
    assert!(error.starts_with("templates/page.html:4:"), "{error}");
    assert!(error.contains(": error: template: "), "{error}");
    // Tera's own snippet (`--> page.html:4:..` and the source line) is not repeated inside the message.
    assert_eq!(error.matches("-->").count(), 0, "{error}");
    assert!(error.ends_with("build failed: 1 error"), "{error}");
    assert_eq!(rebuild_fails_keeping_output("invalid-template-syntax"), error);
}

#[test]
fn missing_template_variable_names_the_template_and_the_variable() {
    let error = build_error("invalid-template-variable");
    assert!(error.starts_with("templates/page.html"), "{error}");
    assert!(error.contains("page.no_such_field"), "{error}");
    assert!(error.contains("content/guide/intro.md"), "the page being rendered is named: {error}");
    assert_eq!(rebuild_fails_keeping_output("invalid-template-variable"), error);
}

#[test]
fn unknown_front_matter_key_warns_with_a_suggestion() {
    let built = build("invalid-unknown-front-matter-key");
    let warnings: Vec<String> = built.report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        ["content/guide/intro.md:4:1: warning: front matter: unknown key `autor` (kept as `extra.autor`)\n  help: did you mean `authors`?"]
    );
    assert!(built.exists("guide/intro/index.html"));
}

#[test]
fn unknown_front_matter_key_fails_a_strict_build() {
    let error = common::build_error_with("invalid-unknown-front-matter-key", |o| o.strict = true);
    assert_eq!(
        error,
        "content/guide/intro.md:4:1: warning: front matter: unknown key `autor` (kept as `extra.autor`)\n  help: did you mean `authors`?\nbuild failed: 0 errors"
    );
}

#[test]
fn unknown_config_key_names_its_line_and_the_closest_key() {
    let expected = "config.toml:4:1: error: config: unknown key `build_serch_index`\n  help: did you mean `build_search_index`?\nbuild failed: 1 error";
    assert_eq!(build_error("invalid-config-key"), expected);
    assert_eq!(rebuild_fails_keeping_output("invalid-config-key"), expected);
}

#[test]
fn bom_and_crlf_line_endings_build() {
    let tmp = common::copy_fixture("basic");
    let site = tmp.path().join("site");
    write(
        &site,
        "content/guide/windows.md",
        b"\xef\xbb\xbf+++\r\ntitle = \"Saved on Windows\"\r\nweight = 2\r\n+++\r\n## Heading\r\n\r\nLine one\r\nline two\r\n",
    );
    write(&site, "content/guide/yaml-crlf.md", "---\r\ntitle: YAML on Windows\r\n---\r\nBody.\r\n");
    let output = tmp.path().join("public");
    let report = quire::build(&options(&site, &output)).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    let html = std::fs::read_to_string(output.join("guide/windows/index.html")).unwrap();
    assert!(html.contains("<h1>Saved on Windows</h1>"), "{html}");
    assert!(html.contains("<h2 id=\"heading\">Heading <a class=\"anchor\""), "{html}");
    assert!(!html.contains('\u{feff}'), "the BOM leaked into the page");
    let yaml = std::fs::read_to_string(output.join("guide/yaml-crlf/index.html")).unwrap();
    assert!(yaml.contains("<h1>YAML on Windows</h1>"), "{yaml}");
}

#[test]
fn empty_files_build() {
    let tmp = common::copy_fixture("basic");
    let site = tmp.path().join("site");
    write(&site, "content/guide/empty.md", "");
    write(&site, "content/guide/only-bom.md", "\u{feff}");
    write(&site, "content/guide/only-fences.md", "+++\n+++\n");
    write(&site, "content/empty-section/_index.md", "");
    let output = tmp.path().join("public");
    let report = quire::build(&options(&site, &output)).unwrap();
    assert_eq!(report.pages, 4);
    for page in ["guide/empty", "guide/only-bom", "guide/only-fences", "empty-section"] {
        assert!(output.join(page).join("index.html").exists(), "{page}");
    }
}

#[cfg(unix)]
#[test]
fn symlink_loop_in_content_is_a_named_error() {
    let error = rebuild_fails_keeping_output_with(|site| {
        std::os::unix::fs::symlink("..", site.join("content/guide/loop")).unwrap();
    });
    assert_eq!(
        error,
        "content/guide/loop: error: content: symbolic link loop\n  help: remove the link that points back to its own folder\nbuild failed: 1 error"
    );
}

#[cfg(unix)]
#[test]
fn dangling_symlink_in_content_is_a_named_error() {
    let error = rebuild_fails_keeping_output_with(|site| {
        std::os::unix::fs::symlink("no-such-file.md", site.join("content/guide/dangling.md")).unwrap();
    });
    assert!(error.starts_with("content/guide/dangling.md: error: content: "), "{error}");
}

/// 50 MB was asked for; a debug build renders about 8 MB a second, so this is 12 MB (still far past
/// any real page) to keep `cargo test` quick. The point is that nothing is quadratic or panics.
#[test]
fn huge_page_builds() {
    let tmp = common::copy_fixture("basic");
    let site = tmp.path().join("site");
    let paragraph =
        "Lorem ipsum dolor sit amet, *consectetur* adipiscing elit, [a link](https://example.org/) and `code`.\n\n";
    let count = 12 * 1024 * 1024 / paragraph.len() + 1;
    let mut text = String::from("+++\ntitle = \"Huge\"\n+++\n## Start\n\n");
    text.push_str(&paragraph.repeat(count));
    text.push_str("## End\n");
    assert!(text.len() > 12 * 1024 * 1024);
    write(&site, "content/guide/huge.md", &text);
    let output = tmp.path().join("public");
    quire::build(&options(&site, &output)).unwrap();
    let html = std::fs::read_to_string(output.join("guide/huge/index.html")).unwrap();
    assert_eq!(html.matches("<em>consectetur</em>").count(), count);
    assert!(html.contains("<h2 id=\"end\">End"));
}

#[test]
fn deeply_nested_lists_and_quotes_build() {
    let tmp = common::copy_fixture("basic");
    let site = tmp.path().join("site");
    write(&site, "templates/bare.html", "{{ page.content | safe }}");
    let page = |title: &str, body: String| format!("+++\ntitle = \"{title}\"\ntemplate = \"bare.html\"\n+++\n{body}");
    write(&site, "content/guide/deep-list.md", page("Deep list", format!("{}x\n", "- ".repeat(10_000))));
    write(&site, "content/guide/deep-quote.md", page("Deep quote", format!("{} x\n", ">".repeat(10_000))));
    let emphasis = format!("{}x{}\n", "*_".repeat(5_000), "_*".repeat(5_000));
    write(&site, "content/guide/deep-emphasis.md", page("Deep emphasis", emphasis));
    let output = tmp.path().join("public");
    quire::build(&options(&site, &output)).unwrap();
    let list = std::fs::read_to_string(output.join("guide/deep-list/index.html")).unwrap();
    assert_eq!(list.matches("<ul>").count(), 10_000);
    let quote = std::fs::read_to_string(output.join("guide/deep-quote/index.html")).unwrap();
    assert_eq!(quote.matches("<blockquote>").count(), 10_000);
    let emphasis = std::fs::read_to_string(output.join("guide/deep-emphasis/index.html")).unwrap();
    assert!(emphasis.contains('x'), "{emphasis}");
}

#[test]
fn output_holding_foreign_files_is_refused_and_left_alone() {
    let tmp = TempDir::new().unwrap();
    let output = tmp.path().join("public");
    write(&output, "notes.txt", "my notes");
    write(&output, "sub/photo.jpg", "not really a photo");
    let before = snapshot_tree(&output);
    let error = quire::build(&options(&fixture("basic"), &output)).unwrap_err();
    let resolved = output.canonicalize().unwrap();
    assert_eq!(
        error.to_string(),
        format!(
            "refusing to write to `{}`: it holds files Quire did not write: notes.txt, sub/photo.jpg\n  help: move those files away, or build into another folder with --output",
            resolved.display()
        )
    );
    assert_eq!(snapshot_tree(&output), before);
}

#[test]
fn a_foreign_file_added_to_a_previous_output_is_refused() {
    let tmp = TempDir::new().unwrap();
    let output = tmp.path().join("public");
    quire::build(&options(&fixture("basic"), &output)).unwrap();
    write(&output, "guide/mine.html", "hand-written");
    let before = snapshot_tree(&output);
    let error = quire::build(&options(&fixture("basic"), &output)).unwrap_err().to_string();
    assert!(error.contains("it holds files Quire did not write: guide/mine.html"), "{error}");
    assert_eq!(snapshot_tree(&output), before);
    // Quire's own output, on the other hand, is replaced without complaint.
    std::fs::remove_file(output.join("guide/mine.html")).unwrap();
    quire::build(&options(&fixture("basic"), &output)).unwrap();
}

#[test]
fn output_inside_the_site_sources_or_above_it_is_refused() {
    let tmp = common::copy_fixture("basic");
    let site = tmp.path().join("site");
    let before = snapshot_tree(&site);
    for (output, reason) in [
        (site.clone(), "it is the site root or one of its ancestors"),
        (site.join("content"), "it is inside the site's `content/` folder"),
        (site.join("content/guide"), "it is inside the site's `content/` folder"),
        (site.join("templates"), "it is inside the site's `templates/` folder"),
        (site.join("static/out"), "it is inside the site's `static/` folder"),
        (tmp.path().to_path_buf(), "it is the site root or one of its ancestors"),
        (site.join("content/../.."), "it is the site root or one of its ancestors"),
    ] {
        let error = quire::build(&options(&site, &output)).unwrap_err().to_string();
        assert!(error.starts_with("refusing to write to `"), "{}: {error}", output.display());
        assert!(error.contains(&format!("`: {reason}\n")), "{}: {error}", output.display());
    }
    assert_eq!(snapshot_tree(&site), before, "a refused build touched the site");
}

#[test]
fn drafts_flag_and_strict_flag_do_not_change_a_clean_build() {
    let plain = build("basic");
    let strict = build_with("basic", |o| {
        o.strict = true;
        o.drafts = true;
    });
    assert_eq!(snapshot_tree(&plain.output), snapshot_tree(&strict.output));
}

/// Addresses that leave the site, are URLs, take the home page or turn a file into a folder: each is an error at
/// the front matter line that chose it, reported by build and check alike (tests/one_pipeline.rs compares them
/// on every fixture, serve included), and nothing is written.
#[test]
fn addresses_outside_the_site_or_over_a_file_are_errors_at_their_line() {
    let error = build_error("invalid-addresses");
    let mut lines: Vec<&str> = error.lines().filter(|line| line.contains(": error: ")).collect();
    lines.sort_unstable();
    assert_eq!(
        lines,
        [
            "content/a.md:3:1: error: front matter: `path` value `../../etc/x` leaves its place with `.` or `..`: every page is written inside the output folder",
            "content/b.md:4:1: error: front matter: `aliases` value `../../outside/` leaves its place with `.` or `..`: every page is written inside the output folder",
            "content/c.md:3:1: error: output: `style.css/index.html` needs `style.css` to be a folder, but `static/style.css` writes a file there",
            "content/d.md:3:1: error: front matter: `aliases` value `/` is the home page, which the root section always has",
            "content/e.md:3:1: error: front matter: `aliases` value `https://elsewhere.example/e/` is a URL, not a path inside the site",
        ]
    );
    let check = quire::check::check_site(&quire::check::CheckOptions {
        root: fixture("invalid-addresses"),
        ..Default::default()
    })
    .expect("check runs");
    assert_eq!(check.iter().filter(|d| d.is_error()).count(), 5, "{check:#?}");
}
