//! build, check and serve run one pipeline: on every fixture site they report exactly the same problems, and
//! `--offline` (links relative to each page) changes no report.

use quire::error::{Diagnostic, Error};
use quire::serve::rebuild::LiveSite;
use quire::serve::SiteFiles;
use quire::BuildOptions;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut sites: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures is readable")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.join("content").is_dir())
        .collect();
    sites.sort();
    assert!(sites.len() > 30, "{} fixture sites found", sites.len());
    sites
}

fn lines(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut lines: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            format!(
                "{} {}: {}: {} (help: {:?})",
                if d.is_error() { "error" } else { "warning" },
                d.at,
                d.kind,
                d.message,
                d.help
            )
        })
        .collect();
    lines.sort();
    lines
}

/// What `quire build` reports: its warnings when it succeeds, every problem when it fails.
fn from_build(root: &Path, offline: bool) -> Vec<String> {
    let output = tempfile::tempdir().expect("temp dir");
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.path().join("public")),
        offline,
        ..Default::default()
    };
    match quire::build(&options) {
        Ok(report) => lines(&report.warnings),
        Err(Error::Site(diagnostics)) => lines(&diagnostics),
        Err(other) => vec![format!("error: {other}")],
    }
}

fn from_check(root: &Path) -> Vec<String> {
    let options = quire::check::CheckOptions { root: root.to_path_buf(), ..Default::default() };
    match quire::check::check_site(&options) {
        Ok(diagnostics) => lines(&diagnostics),
        Err(other) => vec![format!("error: {other}")],
    }
}

/// What `quire serve` reports after its first build, with the site's own `base_url` so messages read alike.
fn from_serve(root: &Path) -> Vec<String> {
    let options = BuildOptions { root: root.to_path_buf(), ..Default::default() };
    let base_url = match quire::load_config(&options) {
        Ok((config, _)) => config.base_url.clone(),
        Err(Error::Site(diagnostics)) => return lines(&diagnostics),
        Err(other) => return vec![format!("error: {other}")],
    };
    match LiveSite::build(&options, &base_url, &SiteFiles::default()) {
        Ok(live) => lines(&live.diagnostics()),
        Err(diagnostics) => lines(&diagnostics),
    }
}

#[test]
fn build_check_and_serve_report_the_same_problems_on_every_fixture() {
    let mut differ = Vec::new();
    for root in fixtures() {
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let (build, check, serve) = (from_build(&root, false), from_check(&root), from_serve(&root));
        if build != check {
            differ.push(format!("{name}: build and check differ\n  build: {build:#?}\n  check: {check:#?}"));
        }
        if build != serve {
            differ.push(format!("{name}: build and serve differ\n  build: {build:#?}\n  serve: {serve:#?}"));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}

#[test]
fn links_relative_to_each_page_change_no_report() {
    for name in ["check-template-links", "check-clean", "check-orphans", "links", "base-url-path"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
        assert_eq!(from_build(&root, true), from_build(&root, false), "{name}");
    }
}

#[test]
fn a_broken_link_in_a_template_fails_build_check_and_serve_alike() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/check-template-links");
    let expected = [
        "error templates/base.html:10:57: link: `/about/` points to nothing in the site (on 5 pages, the first `/`)",
        "error templates/base.html:7:41: link: `/favicon.ico` points to nothing in the site (on 5 pages, the first `/`)",
        "error templates/page.html:5:13: link: `#comments` names no id of its own page (on 2 pages, the first `/guide/install/`)",
    ];
    for report in [from_build(&root, false), from_check(&root), from_serve(&root)] {
        let found: Vec<&str> = report.iter().map(|line| line.split(" (help:").next().unwrap_or(line)).collect();
        assert_eq!(found, expected);
    }
}
