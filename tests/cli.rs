//! The `quire` binary: exit code 0 with a one-line summary, 1 on a site error, 2 on a usage error, and help
//! text that describes every command and flag.

mod common;

use common::{fixture, quire, stderr, stdout};
use std::path::Path;
use tempfile::TempDir;

#[test]
fn build_succeeds_with_a_one_line_summary() {
    let tmp = TempDir::new().unwrap();
    let output = tmp.path().join("out");
    let root = fixture("basic");
    let run = quire(tmp.path(), &["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = stdout(&run);
    assert_eq!(out.lines().count(), 1, "{out}");
    let line = out.trim_end();
    assert!(line.starts_with("Built 1 pages and 2 sections ("), "{line}");
    assert!(line.ends_with(&format!(" into {}", output.canonicalize().unwrap().display())), "{line}");
    assert_eq!(stderr(&run), "", "a clean build prints nothing else");
    assert!(output.join("guide/intro/index.html").exists());
}

#[test]
fn build_defaults_to_the_current_folder_and_public() {
    let tmp = common::copy_fixture("basic");
    let site = tmp.path().join("site");
    let run = quire(&site, &["build"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(site.join("public/guide/intro/index.html").exists());
    // Building again replaces Quire's own output without complaint.
    let again = quire(&site, &["build"]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
}

#[test]
fn site_error_exits_1_with_the_located_message() {
    let tmp = TempDir::new().unwrap();
    let root = fixture("invalid-missing-page");
    let output = tmp.path().join("out");
    let run = quire(tmp.path(), &["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(stdout(&run), "");
    let err = stderr(&run);
    assert!(err.contains("error: link: no page at `@/guide/instal.md`"), "{err}");
    assert!(err.contains("content/guide/usage.md:6:10"), "{err}");
    assert!(err.contains("did you mean `@/guide/install.md`?"), "{err}");
    assert!(err.trim_end().ends_with("the previous output was left as it was"), "{err}");
    assert!(!output.exists());
}

#[test]
fn warnings_print_but_exit_0_unless_strict() {
    let tmp = TempDir::new().unwrap();
    let root = fixture("invalid-unknown-front-matter-key");
    let root = root.to_str().unwrap();
    let output = tmp.path().join("out");
    let run = quire(tmp.path(), &["build", "--root", root, "--output", output.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(stderr(&run).contains("warning: front matter: unknown key `autor`"), "{}", stderr(&run));
    assert_eq!(stdout(&run).lines().count(), 1);

    let strict_output = tmp.path().join("strict");
    let strict = quire(tmp.path(), &["build", "--strict", "--root", root, "--output", strict_output.to_str().unwrap()]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(stderr(&strict).contains("error: build failed: 1 warning(s) and --strict"), "{}", stderr(&strict));
    assert!(!strict_output.exists());
}

#[test]
fn refused_output_exits_1() {
    let tmp = TempDir::new().unwrap();
    let output = tmp.path().join("out");
    common::write(&output, "keep.txt", "mine");
    let root = fixture("basic");
    let run = quire(tmp.path(), &["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("it holds files Quire did not write: keep.txt"), "{}", stderr(&run));
    assert_eq!(std::fs::read_to_string(output.join("keep.txt")).unwrap(), "mine");
}

/// A mistyped `--root` used to build an empty site there (creating the folder) and exit 0.
#[test]
fn issue_missing_site_folder_is_an_error_and_creates_nothing() {
    let tmp = TempDir::new().unwrap();
    let root = tmp.path().join("no-such-site");
    let run = quire(tmp.path(), &["build", "--root", root.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1), "{}", stdout(&run));
    assert!(
        stderr(&run).starts_with(&format!("content: error: content: no `content/` folder in `{}`", root.display())),
        "{}",
        stderr(&run)
    );
    assert!(!root.exists(), "the failed build created {}", root.display());

    // A folder without `content/` is not a site either.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let run = quire(&empty, &["build"]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(std::fs::read_dir(&empty).unwrap().count(), 0, "the failed build left files");
}

#[test]
fn usage_errors_exit_2() {
    let tmp = TempDir::new().unwrap();
    for args in [
        &["build", "--no-such-flag"][..],
        &["no-such-command"],
        &["build", "--root"],
        &["build", "unexpected-positional"],
        &[],
    ] {
        let run = quire(tmp.path(), args);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(stderr(&run).contains("quire"), "{args:?}: {}", stderr(&run));
        assert_eq!(stdout(&run), "", "{args:?}");
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0, "a usage error wrote files");
}

#[test]
fn help_and_version_exit_0() {
    let tmp = TempDir::new().unwrap();
    for args in [&["--help"][..], &["-h"], &["build", "--help"], &["help", "build"], &["--version"]] {
        let run = quire(tmp.path(), args);
        assert_eq!(run.status.code(), Some(0), "{args:?}");
        assert!(!stdout(&run).is_empty(), "{args:?}");
    }
    assert_eq!(stdout(&quire(tmp.path(), &["--version"])), format!("quire {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn top_level_help_describes_every_command() {
    let help = stdout(&quire(Path::new("."), &["--help"]));
    for command in ["build", "serve", "check", "init"] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{command} ")))
            .unwrap_or_else(|| panic!("`{command}` missing from:\n{help}"));
        assert!(line.split_whitespace().count() > 2, "`{command}` has no description: {line}");
    }
    assert!(help.contains("--help") && help.contains("--version"), "{help}");
}

#[test]
fn build_help_describes_every_flag() {
    let help = stdout(&quire(Path::new("."), &["build", "--help"]));
    for flag in ["--root", "--output", "--base-url", "--drafts", "--strict", "--offline", "--help"] {
        assert!(help.contains(flag), "`{flag}` missing from:\n{help}");
    }
    // Every flag clap lists has its own description, including any added later.
    let options = &help[help.find("Options:").expect("an Options section")..];
    let mut flags = 0;
    for line in options.lines().skip(1).filter(|l| l.trim_start().starts_with('-')) {
        let described = line.split("  ").map(str::trim).filter(|part| !part.is_empty()).count() >= 2;
        assert!(described, "a flag without a description: {line}");
        flags += 1;
    }
    assert!(flags >= 7, "{help}");
}

/// Issue 12: every flag and argument of every command has its own help line (`serve --root`, init's `DIR`...).
#[test]
fn issue_12_every_command_describes_every_flag_and_argument() {
    for command in ["build", "serve", "check", "init"] {
        let help = stdout(&quire(Path::new("."), &[command, "--help"]));
        let mut listed = 0;
        for section in ["Arguments:", "Options:"] {
            let Some(start) = help.find(section) else {
                continue;
            };
            let body = help[start..].lines().skip(1).take_while(|line| !line.trim().is_empty());
            // An entry starts at the left margin plus two spaces; wrapped descriptions are indented further.
            for line in
                body.filter(|line| line.starts_with("  ") && !line.starts_with("       ") || line.starts_with("  -"))
            {
                let described = line.split("  ").map(str::trim).filter(|part| !part.is_empty()).count() >= 2;
                assert!(described, "`quire {command}`: no description for: {line}\n{help}");
                listed += 1;
            }
        }
        assert!(listed >= 3, "{help}");
    }
}

/// Issue 12: a tool reading `check --format json` always gets JSON: `[]` for a clean site, a list otherwise.
#[test]
fn issue_12_check_json_of_a_clean_site_is_an_empty_list() {
    let run = quire(Path::new("."), &["check", "--format", "json", "--root", fixture("basic").to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(stdout(&run).trim(), "[]");
    let broken = quire(
        Path::new("."),
        &["check", "--format", "json", "--root", fixture("invalid-missing-page").to_str().unwrap()],
    );
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout(&broken)).expect("a JSON list");
    assert!(!list.is_empty());
}

/// Issue 12: `--base-url` is checked as config.toml's `base_url` is; a bad one is a usage error naming the flag.
#[test]
fn issue_12_a_bad_base_url_flag_is_a_usage_error() {
    let tmp = TempDir::new().unwrap();
    let root = fixture("basic");
    for bad in ["javascript:alert(1)", "ftp://x", "//evil.example/", "not a url"] {
        let output = tmp.path().join("out");
        let args = ["build", "--root", root.to_str().unwrap(), "--output", output.to_str().unwrap(), "--base-url", bad];
        let run = quire(tmp.path(), &args);
        assert_eq!(run.status.code(), Some(2), "{bad}: {}", stderr(&run));
        assert!(stderr(&run).contains("--base-url"), "{}", stderr(&run));
        assert!(stderr(&run).contains("https://example.org/docs/"), "{}", stderr(&run));
        assert!(!output.exists());
    }
    let init = quire(tmp.path(), &["init", tmp.path().join("new").to_str().unwrap(), "--base-url", "javascript:x"]);
    assert_eq!(init.status.code(), Some(2), "{}", stderr(&init));
}

/// Issue 12: a server that cannot listen is a problem of the machine, not of the command: exit 1, with its cause.
#[test]
fn issue_12_serve_that_cannot_bind_exits_1_with_the_cause() {
    // 192.0.2.1 is reserved for documentation (RFC 5737): no machine has it, so binding fails at once.
    let run = quire(Path::new("."), &["serve", "--root", fixture("basic").to_str().unwrap(), "--bind", "192.0.2.1"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let error = stderr(&run);
    assert!(error.contains("cannot listen on 192.0.2.1:1111"), "{error}");
    assert!(error.contains("caused by: "), "the OS's reason is kept: {error}");
}

#[test]
fn every_build_flag_is_accepted_together() {
    let tmp = TempDir::new().unwrap();
    let output = tmp.path().join("out");
    let root = fixture("basic");
    let run = quire(
        tmp.path(),
        &[
            "build",
            "--root",
            root.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--base-url",
            "https://example.org/docs/",
            "--drafts",
            "--strict",
            "--offline",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(output.join("guide/intro/index.html").exists());
}
