//! The link checks as `build` runs them: on the files `quire::generate` hands to its sink, with absolute
//! links or with `relative_urls`; the report is the same either way.

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
    assert_eq!(diagnostics, Vec::new(), "the content itself is fine");
    let files = files.into_inner().expect("not poisoned");
    quire::check::check_rendered(&root, &files, &site, &config)
        .iter()
        .map(|d| format!("{}: {}: {}", d.at, d.kind, d.message))
        .collect()
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
