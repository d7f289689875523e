//! Helpers shared by the integration tests: build a fixture site from `tests/fixtures/<case>/` into a
//! temporary folder, read the output back, and run the `quire` binary. Never writes inside `tests/fixtures`.
#![allow(dead_code)] // each test binary uses a different subset

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

pub fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case)
}

/// A finished build: the output folder lives as long as this value.
pub struct Built {
    pub tmp: TempDir,
    pub output: PathBuf,
    pub report: quire::BuildReport,
}

impl Built {
    /// The text of an output file; panics with the file list when it is missing.
    pub fn read(&self, path: &str) -> String {
        let file = self.output.join(path);
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}\noutput files:\n{}", files(&self.output).join("\n")))
    }

    pub fn exists(&self, path: &str) -> bool {
        self.output.join(path).exists()
    }

    /// Every output file, relative, sorted (the manifest excluded).
    pub fn files(&self) -> Vec<String> {
        files(&self.output)
    }
}

pub fn options(root: &Path, output: &Path) -> quire::BuildOptions {
    quire::BuildOptions { root: root.to_path_buf(), output: Some(output.to_path_buf()), ..Default::default() }
}

/// Builds `tests/fixtures/<case>` into a fresh temporary folder; panics with the diagnostics on failure.
pub fn build(case: &str) -> Built {
    build_with(case, |_| {})
}

pub fn build_with(case: &str, tweak: impl FnOnce(&mut quire::BuildOptions)) -> Built {
    let tmp = TempDir::new().expect("temp dir");
    let output = tmp.path().join("public");
    let mut options = options(&fixture(case), &output);
    tweak(&mut options);
    match quire::build(&options) {
        Ok(report) => Built { tmp, output, report },
        Err(e) => panic!("building {case} failed:\n{e}"),
    }
}

/// Builds `tests/fixtures/<case>` expecting failure; returns the error text (file paths relative to the site).
pub fn build_error(case: &str) -> String {
    build_error_with(case, |_| {})
}

pub fn build_error_with(case: &str, tweak: impl FnOnce(&mut quire::BuildOptions)) -> String {
    let tmp = TempDir::new().expect("temp dir");
    let output = tmp.path().join("public");
    let mut options = options(&fixture(case), &output);
    tweak(&mut options);
    match quire::build(&options) {
        Ok(report) => panic!("building {case} should fail, but it built {} pages", report.pages),
        Err(e) => {
            assert!(!output.exists(), "a failed build must not create the output folder");
            without_orphans(&e.to_string())
        }
    }
}

/// Builds a copy of `tests/fixtures/<case>` after `edit` changed it (its root is the argument); panics on failure.
pub fn build_edited(case: &str, edit: impl FnOnce(&Path)) -> Built {
    let copy = copy_fixture(case);
    let site = copy.path().join("site");
    edit(&site);
    let output = copy.path().join("public");
    match quire::build(&options(&site, &output)) {
        Ok(report) => Built { tmp: copy, output, report },
        Err(e) => panic!("building the edited {case} failed:\n{e}"),
    }
}

/// Builds a copy of `tests/fixtures/<case>` after `edit` changed it (its root is the argument), expecting failure;
/// returns the error text as `build_error` does.
pub fn build_error_edited(case: &str, edit: impl FnOnce(&Path)) -> String {
    let copy = copy_fixture(case);
    let site = copy.path().join("site");
    edit(&site);
    build_error_with(case, |options| options.root = site)
}

/// For `build_edited`: the site without its own templates, so the built-in theme renders it.
pub fn without_templates(site: &Path) {
    std::fs::remove_dir_all(site.join("templates")).expect("the fixture has templates");
}

/// A writable copy of a fixture, for tests that break or extend it.
pub fn copy_fixture(case: &str) -> TempDir {
    let tmp = TempDir::new().expect("temp dir");
    copy_dir(&fixture(case), &tmp.path().join("site"));
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// Every file under `dir`, relative with `/`, sorted; Quire's manifest left out.
pub fn files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files.retain(|f| f != quire::output::MANIFEST);
    files.sort();
    files
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            files.push(path.strip_prefix(base).expect("under base").to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Every file under `dir` with its bytes, to prove a failed build changed nothing.
pub fn snapshot_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = Vec::new();
    collect(dir, dir, &mut files);
    files
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).expect("read output file");
            (f, bytes)
        })
        .collect()
}

/// The part of `html` between the first `start` and the following `end` (both included).
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("`{start}` not found in:\n{html}"));
    let to = html[from..]
        .find(end)
        .map(|i| from + i + end.len())
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}` in:\n{html}"));
    &html[from..to]
}

/// Runs the built `quire` binary with `args` in `dir`.
pub fn quire(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("run quire")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `text` to `root/rel`, creating folders.
pub fn write(root: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("has parent")).expect("create dir");
    std::fs::write(path, text).expect("write file");
}

/// Replaces the text of `root/rel` with what `change` makes of it.
pub fn rewrite(root: &Path, rel: &str, change: impl FnOnce(&str) -> String) {
    let path = root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"));
    std::fs::write(&path, change(&text)).expect("write file");
}

/// A new site of its own in a temporary folder (`site/` in it, which lives as long as the `TempDir`): `config` as
/// its config.toml (none when empty) and a home page titled Home, for a test to add its pages to.
pub fn site_with_home(config: &str) -> (TempDir, PathBuf) {
    let tmp = TempDir::new().expect("temp dir");
    let root = tmp.path().join("site");
    if !config.is_empty() {
        write(&root, "config.toml", config);
    }
    write(&root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    (tmp, root)
}

/// Files the built-in theme adds to every site; left out of snapshots so theme edits do not churn them.
pub const THEME_FILES: &[&str] = &["favicon.svg", "style.css", "syntax.css", "theme.js", "search.js", "search.css"];

/// Whole-site summaries for tools, tested on their own rather than repeated in every snapshot.
pub const SUMMARY_FILES: &[&str] = &["llms.txt", "site.json"];

/// Every output file but the theme's and the summaries, each under a `=== path` header, for one readable snapshot.
pub fn dump(built: &Built) -> String {
    let mut text = String::new();
    for file in built.files() {
        // The search index has tests of its own (src/search, tests/search_js.rs).
        let search_index = file.starts_with("search/");
        if THEME_FILES.contains(&file.as_str()) || SUMMARY_FILES.contains(&file.as_str()) || search_index {
            continue;
        }
        text.push_str(&format!("=== {file}\n"));
        match std::fs::read_to_string(built.output.join(&file)) {
            Ok(body) => text.push_str(&body),
            Err(_) => text.push_str("(binary)\n"),
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// A site of content only (the built-in theme) with one section, `api`, of `pages` pages weighted in order:
/// `api/fn-0000.md`, titled `fn_0000`, and so on (what ../shared/hooks/before-stop measures).
pub fn write_flat_site(root: &Path, pages: usize) {
    write(root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    write(root, "content/api/_index.md", "+++\ntitle = \"API\"\n+++\n");
    for i in 0..pages {
        let page = format!("+++\ntitle = \"fn_{i:04}\"\nweight = {i}\n+++\nReturns the {i}th value.\n");
        write(root, &format!("content/api/fn-{i:04}.md"), page);
    }
}

/// A build's report without its orphan warnings: the fixtures' templates print paths rather than link pages, so
/// their pages are orphans, which tests about other problems leave aside.
pub fn without_orphans(report: &str) -> String {
    let mut kept = Vec::new();
    let mut skipping = false;
    for line in report.split_inclusive('\n') {
        if line.contains(": warning: orphan: ") {
            skipping = true;
            continue;
        }
        if skipping && line.starts_with("  help: ") {
            continue;
        }
        skipping = false;
        kept.push(line);
    }
    kept.concat()
}
