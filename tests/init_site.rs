//! `quire init` end to end: the starter site builds and checks clean with the built-in theme at once, and
//! init never writes into a folder with files unless forced, and never overwrites a file even then.

use std::path::Path;
use std::process::{Command, Output};

fn quire(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire")).args(args).arg(dir).output().expect("quire runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn new_site_builds_and_checks_clean() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let site = tmp.path().join("notes");
    let init = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["init"])
        .arg(&site)
        .args(["--title", "Team \"Notes\"", "--base-url", "https://docs.example.org/notes/"])
        .output()
        .expect("quire runs");
    assert!(init.status.success(), "{}", text(&init));
    assert!(text(&init).contains("created"), "{}", text(&init));
    assert!(!site.join("templates").exists(), "the starter uses the built-in theme");

    let build = quire(&["build", "--root"], &site);
    assert!(build.status.success(), "{}", text(&build));
    let check = quire(&["check", "--root"], &site);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check));
    assert!(text(&check).contains("0 error(s), 0 warning(s)"), "{}", text(&check));

    let read = |path: &str| std::fs::read_to_string(site.join("public").join(path)).expect("built");
    assert!(read("index.html").contains("Team &quot;Notes&quot;"), "the title is the one given");
    let page = read("guide/getting-started/index.html");
    assert!(page.contains("class=\"callout callout-tip\""), "the starter shows a callout");
    assert!(page.contains("hl-"), "the starter's code block is highlighted");
    assert!(
        page.contains("https://docs.example.org/notes/guide/writing-pages/#front-matter"),
        "the starter's internal link resolves under base_url"
    );
    // Issue 13: without an author in config.toml the feed names the site, not "Unknown".
    let feed = read("atom.xml");
    assert!(feed.contains("<name>Team &quot;Notes&quot;</name>") && !feed.contains("Unknown"), "{feed}");
}

#[test]
fn refuses_a_folder_with_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("notes.txt"), "mine").expect("writable");
    let init = quire(&["init"], tmp.path());
    assert_eq!(init.status.code(), Some(2), "{}", text(&init));
    assert!(text(&init).contains("is not empty (it holds `notes.txt`)"), "{}", text(&init));
    assert!(text(&init).contains("--force"), "{}", text(&init));
    assert!(!tmp.path().join("config.toml").exists());
}

#[test]
fn force_keeps_existing_files() {
    let tmp = tempfile::tempdir().expect("temp dir");
    std::fs::write(tmp.path().join("config.toml"), "title = \"Mine\"\n").expect("writable");
    let init = quire(&["init", "--force"], tmp.path());
    assert!(init.status.success(), "{}", text(&init));
    assert_eq!(std::fs::read_to_string(tmp.path().join("config.toml")).expect("readable"), "title = \"Mine\"\n");
    assert!(!text(&init).contains("config.toml"), "a kept file is not listed as created: {}", text(&init));
    assert!(tmp.path().join("content/guide/writing-pages.md").exists());
}
