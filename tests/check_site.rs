//! `quire check` over fixture sites (`tests/fixtures/check-*`), one kind of problem each: every problem is
//! reported with its file, line and column, in the human and the JSON format, and the exit code says whether
//! anything is wrong. The fixtures are checked in place: without `--external`, `check` writes nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case)
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn quire_check(root: &Path, format: &str) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["check", "--format", format, "--root"])
        .arg(root)
        .output()
        .expect("quire runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The JSON diagnostics of `case` as `file:line:column: severity: kind: message` (help on the next line), sorted.
fn json_diagnostics(case: &str) -> (i32, Vec<String>) {
    let run = quire_check(&fixture(case), "json");
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not a JSON list ({e}): {}", run.stdout));
    let mut lines: Vec<String> = list
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}: {}: {}\n  help: {}",
                d["file"].as_str().unwrap_or("?"),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap_or("?"),
                d["kind"].as_str().unwrap_or("?"),
                d["message"].as_str().unwrap_or("?"),
                d["help"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    lines.sort();
    assert!(!run.stderr.contains("error(s)"), "the JSON format prints no summary: {}", run.stderr);
    (run.code, lines)
}

/// Checks the JSON report of `case` line by line, then that the human report names the same places.
fn check(case: &str, code: i32, expected: &[&str]) {
    let (actual_code, actual) = json_diagnostics(case);
    let mut expected: Vec<String> = expected.iter().map(|e| e.to_string()).collect();
    expected.sort();
    assert_eq!(actual, expected, "\n{}", actual.join("\n"));
    assert_eq!(actual_code, code);

    let human = quire_check(&fixture(case), "human");
    assert_eq!(human.code, code);
    assert!(human.stdout.is_empty(), "diagnostics go to stderr: {}", human.stdout);
    for line in &expected {
        let place = line.split(": ").next().expect("a place");
        let place = place.strip_suffix(":0:0").unwrap_or(place);
        let shown = if place.matches(':').count() == 2 { format!("--> {place}") } else { place.to_string() };
        assert!(human.stderr.contains(&shown), "`{shown}` missing from the human report:\n{}", human.stderr);
        let help = line.split("\n  help: ").nth(1).expect("a help line");
        if help != "-" {
            assert!(human.stderr.contains(help), "help `{help}` missing:\n{}", human.stderr);
        }
    }
    let errors = expected.iter().filter(|l| l.contains(": error: ")).count();
    let summary = format!("{errors} error(s), {} warning(s)", expected.len() - errors);
    assert!(human.stderr.contains(&summary), "`{summary}` missing:\n{}", human.stderr);
}

#[test]
fn clean_site_reports_nothing() {
    check("check-clean", 0, &[]);
}

#[test]
fn markdown_links_to_missing_pages_files_and_anchors() {
    check(
        "check-markdown-links",
        1,
        &[
            "content/guide/usage.md:6:6: error: link: no anchor `#step` on `/guide/install/` for `../install/#step`\n  help: did you mean `#steps`?",
            "content/guide/usage.md:7:5: error: link: link `../missing/` points to nothing in the site: `/guide/missing/`\n  help: link to pages with `@/section/page.md`, or to files in `static/` and beside the page",
            "content/guide/usage.md:7:41: error: link: link `/reference/` points to nothing in the site: `/reference/`\n  help: link to pages with `@/section/page.md`, or to files in `static/` and beside the page",
            "content/guide/usage.md:8:1: error: link: image `diagram.png` points to nothing in the site: `/guide/usage/diagram.png`\n  help: link to pages with `@/section/page.md`, or to files in `static/` and beside the page",
            "content/guide/usage.md:9:6: error: link: link `install.md` points to nothing in the site: `/guide/usage/install.md`\n  help: write `@/guide/install.md`: Quire turns `@/` links to content files into page addresses",
            "content/guide/usage.md:9:38: error: link: link `/files/manual.pdf` points to nothing in the site: `/files/manual.pdf`\n  help: link to pages with `@/section/page.md`, or to files in `static/` and beside the page",
            "content/guide/usage.md:11:35: error: link: link `/raw/missing/` points to nothing in the site: `/raw/missing/`\n  help: link to pages with `@/section/page.md`, or to files in `static/` and beside the page",
        ],
    );
}

#[test]
fn template_links_are_reported_once_per_template_line() {
    check(
        "check-template-links",
        1,
        &[
            "templates/base.html:7:41: error: link: `/favicon.ico` points to nothing in the site (on 5 pages, the first `/`)\n  help: point it at a page, a static file or an asset; templates build links with `get_url(path=...)` or from `permalink`s",
            "templates/base.html:10:57: error: link: `/about/` points to nothing in the site (on 5 pages, the first `/`)\n  help: point it at a page, a static file or an asset; templates build links with `get_url(path=...)` or from `permalink`s",
            "templates/page.html:5:13: error: link: `#comments` names no id of its own page (on 2 pages, the first `/guide/install/`)\n  help: ids on that page: #main, #steps",
        ],
    );
}

#[test]
fn relations_and_taxonomy_terms_must_resolve() {
    check(
        "check-relations",
        1,
        &[
            "content/guide/usage.md:5:1: error: front matter: taxonomy `categories` is not declared in config.toml\n  help: add `{ name = \"categories\" }` to `taxonomies` in config.toml",
            "content/guide/usage.md:6:18: error: taxonomy: the `tags` term `!!!` has no letters or digits, so it cannot have a page\n  help: give the term a name with letters or digits, or remove it",
            "content/guide/usage.md:12:3: error: relation: no page at `@/guide/instal.md`\n  help: did you mean `@/guide/install.md`?",
        ],
    );
}

#[test]
fn front_matter_problems_are_all_reported_at_once() {
    check(
        "check-front-matter",
        1,
        &[
            "content/guide/bad-date.md:3:1: error: front matter: `date` is not a date: `last tuesday`\n  help: write a date as 2024-05-01, or a date and time as 2024-05-01T10:00:00Z",
            "content/guide/fancy.md:3:1: error: template: template `fancy.html` not found\n  help: add `templates/fancy.html` or choose one of: 404.html, base.html, glossary.html, index.html, matrix.html, page.html, print.html, section.html, taxonomy_list.html, taxonomy_single.html, timeline.html",
            "content/guide/second.md:3:1: error: content: `/guide/same/` is also the output of `content/guide/first.md`\n  help: give one of them another `slug` or `path` in its front matter",
            "content/guide/syntax.md:2:17: error: front matter: invalid TOML: invalid basic string, expected `\"`\n  help: front matter between `+++` lines is TOML: `title = \"My page\"`",
            "content/guide/unknown-key.md:3:1: warning: front matter: unknown key `titel` (kept as `extra.titel`)\n  help: did you mean `title`?",
            "content/guide/wrong-type.md:4:1: error: front matter: `weight` has the wrong type\n  help: `weight` takes a whole number",
        ],
    );
}

#[test]
fn orphan_pages_are_warnings() {
    check(
        "check-orphans",
        0,
        &["content/guide/forgotten.md:0:0: warning: orphan: no other page links to `/guide/forgotten/`\n  help: link to it from another page (`@/...`), or list it in its section's template"],
    );
}

#[test]
fn aliases_and_static_files_must_not_overwrite_pages() {
    check(
        "check-collisions",
        1,
        &[
            "content/guide/usage.md:4:27: error: front matter: alias `/guide/install/` is also the address of `content/guide/install.md`\n  help: remove the alias, or move the other page with `slug` or `path`",
            "static/guide/usage/index.html:0:0: error: output: `guide/usage/index.html` is written by both `static/guide/usage/index.html` and `content/guide/usage.md`\n  help: rename or move one of them: only one file can be at that address",
        ],
    );
}

#[test]
fn human_report_shows_the_source_line() {
    let run = quire_check(&fixture("check-markdown-links"), "human");
    assert!(run.stderr.contains("Read [the steps](../install/#step) first."), "{}", run.stderr);
}

/// The site this repository documents must stay free of errors (warnings are allowed).
#[test]
fn default_site_passes() {
    let run = quire_check(Path::new(env!("CARGO_MANIFEST_DIR")), "json");
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("a JSON list");
    let errors: Vec<&serde_json::Value> = list.iter().filter(|d| d["severity"] == "error").collect();
    assert_eq!(errors, Vec::<&serde_json::Value>::new());
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Issue 12: an `{% if %}` never closed is reported where it opens, with its line shown, in both formats alike
/// (it was `templates/page.html:1:1` under an empty snippet, and line 7 in JSON).
#[test]
fn issue_12_an_unclosed_tag_is_reported_where_it_opens() {
    let tmp = tempfile::TempDir::new().expect("temp dir");
    let site = tmp.path();
    std::fs::create_dir_all(site.join("templates")).expect("templates folder");
    std::fs::create_dir_all(site.join("content")).expect("content folder");
    std::fs::write(site.join("content/_index.md"), "+++\ntitle = \"Home\"\n+++\n").expect("home");
    std::fs::write(site.join("content/a.md"), "+++\ntitle = \"A\"\n+++\nText.\n").expect("page");
    let page = "<html>\n<body>\n{% if page.title %}\n<h1>{{ page.title }}</h1>\n</body>\n</html>\n";
    std::fs::write(site.join("templates/page.html"), page).expect("template");
    let json = quire_check(site, "json");
    let list: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).expect("a JSON list");
    let places: Vec<String> =
        list.iter().map(|d| format!("{}:{}:{}", d["file"].as_str().unwrap_or("?"), d["line"], d["column"])).collect();
    assert_eq!(places, vec!["templates/page.html:3:1".to_string()], "{}", json.stdout);
    let human = quire_check(site, "human");
    assert!(human.stderr.contains("--> templates/page.html:3:1"), "{}", human.stderr);
    assert!(human.stderr.contains("3 | {% if page.title %}"), "{}", human.stderr);
    assert_eq!(human.code, 1);
}
