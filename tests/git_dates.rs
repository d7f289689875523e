//! Issue 15: pages' dates and authors from one `git log` (`git_dates = true`), and `edit_url`: renames followed,
//! front matter first, and the defined answers for a site outside git, an uncommitted file and a shallow clone.

mod common;

use common::write;
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

/// Runs git in `dir` with a fixed identity and `date` as both author and committer date, ignoring the machine's
/// own git configuration.
fn git(dir: &Path, date: &str, args: &[&str]) {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Ann Writer", "-c", "user.email=ann@example.org", "-c", "commit.gpgsign=false"])
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("git runs");
    assert!(output.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A page template that prints what templates see of git and edit links, one field a line.
const FIELDS: &str = "updated={{ page.updated }}\n\
    {% if page.git %}author={{ page.git.author }}\ncreated={{ page.git.created }}\ncommit={{ page.git.commit | length }}\n{% endif %}\
    edit={{ page.edit_url }}\n";

/// A site with `config` and one page, `a.md`, printing `FIELDS`.
fn site(root: &Path, config: &str) {
    write(root, "config.toml", format!("title = \"T\"\n{config}"));
    write(root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    write(root, "templates/page.html", FIELDS);
    write(root, "content/a.md", "+++\ntitle = \"A\"\n+++\nText.\n");
}

fn build(root: &Path) -> (TempDir, quire::BuildReport) {
    let out = TempDir::new().expect("temp dir");
    let report = quire::build(&common::options(root, &out.path().join("public")))
        .unwrap_or_else(|e| panic!("build failed:\n{e}"));
    (out, report)
}

fn page(out: &TempDir, path: &str) -> String {
    std::fs::read_to_string(out.path().join("public").join(path).join("index.html")).expect("page written")
}

#[test]
fn issue_15_git_dates_follow_renames_and_front_matter_comes_first() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    site(
        root,
        "base_url = \"https://example.org/\"\ngit_dates = true\nedit_url = \"https://example.org/edit/main/content/{path}\"\n",
    );
    git(root, "2024-01-01T10:00:00+00:00", &["init", "-q"]);
    write(root, "content/old-name.md", "+++\ntitle = \"Moved\"\n+++\nFirst.\n");
    write(root, "content/dated.md", "+++\ntitle = \"Dated\"\nupdated = 2023-05-05\n+++\nText.\n");
    git(root, "2024-01-01T10:00:00+00:00", &["add", "-A"]);
    git(root, "2024-01-01T10:00:00+00:00", &["commit", "-q", "-m", "first"]);
    git(root, "2024-02-01T10:00:00+00:00", &["mv", "content/old-name.md", "content/moved.md"]);
    git(root, "2024-02-01T10:00:00+00:00", &["commit", "-q", "-m", "rename"]);
    write(root, "content/moved.md", "+++\ntitle = \"Moved\"\n+++\nFirst.\n\nSecond.\n");
    git(root, "2024-03-01T10:00:00+01:00", &["commit", "-q", "-am", "edit"]);
    // Changed since its last commit, and never committed: neither has a commit of its own yet.
    write(root, "content/moved.md", "+++\ntitle = \"Moved\"\n+++\nFirst.\n\nSecond.\n\nThird, not committed.\n");
    write(root, "content/new.md", "+++\ntitle = \"New\"\n+++\nNot committed.\n");

    let (out, report) = build(root);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(
        page(&out, "moved"),
        "updated=2024-03-01T10:00:00+01:00\nauthor=Ann Writer\ncreated=2024-01-01T10:00:00Z\ncommit=40\n\
         edit=https://example.org/edit/main/content/moved.md\n"
    );
    // Front matter's `updated` wins over git's; `page.git` still tells the commits.
    assert!(page(&out, "dated").starts_with("updated=2023-05-05\nauthor=Ann Writer\ncreated=2024-01-01"));
    // Never committed: no git history, so `updated` is the front matter's (none here).
    assert_eq!(page(&out, "new"), "updated=\nedit=https://example.org/edit/main/content/new.md\n");
    // The sitemap's lastmod falls back to the commit too.
    let sitemap = std::fs::read_to_string(out.path().join("public/sitemap.xml")).expect("sitemap");
    assert!(sitemap.contains("<loc>https://example.org/moved/</loc><lastmod>2024-03-01</lastmod>"), "{sitemap}");
}

#[test]
fn issue_15_a_site_outside_git_builds_without_dates_and_says_why() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    site(root, "git_dates = true\n");
    let (out, report) = build(root);
    assert_eq!(page(&out, "a"), "updated=\nedit=\n");
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].starts_with("config.toml: warning: git: `git_dates = true` but `git log` failed"),
        "{warnings:?}"
    );
    assert!(warnings[0].contains("not a git repository"), "{warnings:?}");
}

/// A repository without commits, and a site outside git that does not ask for git dates (git is never run).
#[test]
fn issue_15_no_commits_or_no_git_dates_give_no_dates_and_no_warning() {
    for (config, in_git) in [("git_dates = true\n", true), ("", false)] {
        let tmp = TempDir::new().unwrap();
        let root = tmp.path();
        site(root, config);
        if in_git {
            git(root, "2024-01-01T10:00:00+00:00", &["init", "-q"]);
        }
        let (out, report) = build(root);
        assert_eq!(page(&out, "a"), "updated=\nedit=\n");
        assert!(report.warnings.is_empty(), "{config:?}: {:?}", report.warnings);
    }
}

#[test]
fn issue_15_a_shallow_clone_dates_only_what_it_fetched() {
    let tmp = TempDir::new().unwrap();
    let origin = tmp.path().join("origin");
    site(&origin, "git_dates = true\n");
    write(&origin, "content/old.md", "+++\ntitle = \"Old\"\n+++\nText.\n");
    write(&origin, "content/edited.md", "+++\ntitle = \"Edited\"\n+++\nText.\n");
    git(&origin, "2024-01-01T10:00:00+00:00", &["init", "-q"]);
    git(&origin, "2024-01-01T10:00:00+00:00", &["add", "-A"]);
    git(&origin, "2024-01-01T10:00:00+00:00", &["commit", "-q", "-m", "first"]);
    write(&origin, "content/edited.md", "+++\ntitle = \"Edited\"\n+++\nText, edited.\n");
    git(&origin, "2024-02-01T10:00:00+00:00", &["commit", "-q", "-am", "second"]);
    write(&origin, "content/edited.md", "+++\ntitle = \"Edited\"\n+++\nText, edited again.\n");
    git(&origin, "2024-03-01T10:00:00+00:00", &["commit", "-q", "-am", "third"]);
    let clone = tmp.path().join("clone");
    let url = format!("file://{}", origin.display());
    git(tmp.path(), "2024-04-01T10:00:00+00:00", &["clone", "-q", "--depth", "2", &url, "clone"]);

    let (out, report) = build(&clone);
    // The clone holds the second and third commits: the second is the cut, which shows every file as added.
    let edited = page(&out, "edited");
    assert!(edited.starts_with("updated=2024-03-01T10:00:00Z\nauthor=Ann Writer\ncreated=\n"), "{edited}");
    assert_eq!(
        page(&out, "old"),
        "updated=\nedit=\n",
        "unchanged since before the cut: no date rather than a wrong one"
    );
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("shallow clone"), "{warnings:?}");
}

#[test]
fn issue_15_the_built_in_theme_shows_the_date_the_author_and_the_edit_link() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    write(root, "config.toml", "title = \"T\"\ngit_dates = true\nedit_url = \"https://example.org/e/{path}\"\n");
    write(root, "content/_index.md", "+++\ntitle = \"Home\"\n+++\n");
    write(root, "content/guide/_index.md", "+++\ntitle = \"Guide\"\n+++\n");
    write(root, "content/guide/a.md", "+++\ntitle = \"A\"\n+++\nText.\n");
    git(root, "2024-05-06T10:00:00+00:00", &["init", "-q"]);
    git(root, "2024-05-06T10:00:00+00:00", &["add", "-A"]);
    git(root, "2024-05-06T10:00:00+00:00", &["commit", "-q", "-m", "first"]);
    let (out, _) = build(root);
    let html = page(&out, "guide/a");
    assert!(
        html.contains(
            "<p class=\"doc-source\">Last updated <time datetime=\"2024-05-06T10:00:00Z\">6 May 2024</time> by \
             Ann Writer<span class=\"sep\" aria-hidden=\"true\"> · </span><a class=\"edit-link\" \
             href=\"https://example.org/e/guide/a.md\">Edit this page</a></p>"
        ),
        "{html}"
    );
}

#[test]
fn issue_15_edit_url_without_its_path_is_an_error_at_its_line() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    site(root, "edit_url = \"https://example.org/edit/\"\n");
    let out = TempDir::new().unwrap();
    let error = quire::build(&common::options(root, &out.path().join("public"))).unwrap_err().to_string();
    assert!(error.contains("config.toml:2:1: error: config: `edit_url` has no `{path}`"), "{error}");
}

/// `git`, `edit_url` and `markdown_url` are on the page being rendered, not on the pages of a list: a list's page
/// is a hash map held for the whole build, and tera's table for up to 28 keys is half the size of the next one
/// (30 keys cost 25 MiB more peak memory at 10k pages; see `render::views::PageSummary`).
#[test]
fn quire_fields_are_on_the_page_and_a_listed_page_stays_within_28_keys() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path();
    site(root, "git_dates = true\nedit_url = \"https://example.org/e/{path}\"\nmarkdown_twins = true\n");
    write(
        root,
        "templates/index.html",
        "{% for p in section.pages %}keys={{ p | length }} edit={{ p.edit_url is defined }}\n{% endfor %}",
    );
    git(root, "2024-05-06T10:00:00+00:00", &["init", "-q"]);
    git(root, "2024-05-06T10:00:00+00:00", &["add", "-A"]);
    git(root, "2024-05-06T10:00:00+00:00", &["commit", "-q", "-m", "first"]);
    let (out, _) = build(root);
    let html = page(&out, "a");
    assert!(html.contains("author=Ann Writer\n"), "{html}");
    assert!(html.contains("edit=https://example.org/e/a.md\n"), "{html}");
    let list = std::fs::read_to_string(out.path().join("public/index.html")).expect("home written");
    let keys: usize = list
        .split_once("keys=")
        .and_then(|(_, rest)| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{list}"));
    assert!(keys <= 28, "a listed page has {keys} keys: {list}");
    assert!(list.contains("edit=false"), "{list}");
}
