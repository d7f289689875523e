//! The link checks as `build` runs them: `quire::generate` checks the files it hands to its sink, with absolute
//! links or with `relative_urls`; the report is the same either way, and `check_rendered` agrees.

use std::path::Path;
use std::sync::Mutex;

fn problems(case: &str, relative_urls: bool) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case);
    let options = quire::BuildOptions { root: root.clone(), ..Default::default() };
    let (mut config, mut diagnostics) = quire::load_config(&options).expect("the fixture's config loads");
    config.relative_urls = relative_urls;
    let files = Mutex::new(Vec::new());
    let site = quire::generate(&root, config.clone(), false, &mut diagnostics, &|file| {
        files.lock().expect("not poisoned").push(file)
    })
    .expect("the fixture renders");
    let files = files.into_inner().expect("not poisoned");
    let format = |d: &quire::error::Diagnostic| format!("{}: {}: {}", d.at, d.kind, d.message);
    let from_build: Vec<String> = diagnostics.iter().map(format).collect();
    let from_check: Vec<String> = quire::check::check_rendered(&root, &files, &site, &config)
        .iter()
        .filter(|d| d.kind != "orphan")
        .map(format)
        .collect();
    assert_eq!(from_build, from_check, "the build reports what check_rendered finds");
    from_build
}

#[test]
fn build_output_gets_the_link_checks() {
    assert_eq!(
        problems("check-template-links", false),
        [
            "templates/base.html:7:41: link: `/favicon.ico` points to nothing in the site (on 5 pages, the first `/`)",
            "templates/base.html:10:57: link: `/about/` points to nothing in the site (on 5 pages, the first `/`)",
            "templates/page.html:5:13: link: `#comments` names no id of its own page (on 2 pages, the first `/guide/install/`)",
        ]
    );
    assert_eq!(problems("check-clean", false), Vec::<String>::new());
}

#[test]
fn relative_urls_give_the_same_report() {
    assert_eq!(problems("check-template-links", true), problems("check-template-links", false));
    assert_eq!(problems("check-clean", true), Vec::<String>::new());
    assert_eq!(problems("check-orphans", true), problems("check-orphans", false));
}
