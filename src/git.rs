//! Each content file's last and first commit (`git_dates = true`), from one `git log` process over the whole
//! history of `content/`, renames followed; read while the content loads. Writes nothing; never fails a build.
//!
//! One process rather than a git library: `git log --name-status` walks 10,000 commits in 0.2 s of CPU on the
//! project's VM, runs on the other core while the content is read, and its rename detection is the one users see
//! in `git log --follow`; gix or git2 would add dozens of crates to do the same walk. Defined answers (README):
//! outside a repository (or without `git`) no file has a history and one warning says why; a file never
//! committed has none; a file with uncommitted changes has its last commit's; in a shallow clone the commit at
//! the cut is not counted (it shows every file as added), so a file unchanged since then has no history.

use crate::error::{Diagnostic, Location};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// What git knows of one content file, as templates see it (`page.git`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FileHistory {
    /// The author date of the last commit that changed the file, RFC 3339 (`2024-05-01T10:00:00+02:00`).
    pub updated: String,
    /// The author of that commit.
    pub author: String,
    /// Its full hash.
    pub commit: String,
    /// The author date of the first commit that had the file (under any of its earlier names); none in a shallow
    /// clone when that commit was not fetched.
    pub created: Option<String>,
}

/// Every content file's history, by path relative to `content/` (`guide/intro.md`).
#[derive(Debug, Clone, Default)]
pub struct GitHistory {
    files: HashMap<String, FileHistory>,
}

impl GitHistory {
    pub fn file(&self, relative_path: &str) -> Option<&FileHistory> {
        self.files.get(relative_path)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A `git log` started by `start_log`, read by `finish`.
pub struct PendingLog {
    /// Its output, read on a thread of its own from the start: a pipe holds 64 KiB, so a log read only at `finish`
    /// would stop git a few hundred commits in, and the rest of the walk would wait for `finish` instead of running
    /// on the other core while the content is read (10,000 commits write 2.1 MB).
    output: std::thread::JoinHandle<std::io::Result<Output>>,
}

/// Starts the one `git log` over `root/content`, so it runs while the content is read.
pub fn start_log(root: &Path) -> PendingLog {
    // Paths relative to `content/` (`--relative`, which also keeps each commit's diff to that folder),
    // NUL-separated (`-z`, no quoting of odd names), each commit opening with \x01 so a commit without changes
    // (a merge, or one outside content/) is still told apart. No pathspec: `-- .` would make git diff every
    // commit twice (once to decide whether to show it, once to show it), a third more CPU on 10,000 commits.
    let child = Command::new("git")
        .arg("-C")
        .arg(root.join("content"))
        .args(["-c", "core.quotePath=false", "log", "-z", "--name-status", "-M", "--relative"])
        .arg("--format=%x01%H%x00%aI%x00%an%x00%P")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    PendingLog { output: std::thread::spawn(move || child.and_then(Child::wait_with_output)) }
}

impl PendingLog {
    /// The histories `git log` gave; a warning in `diagnostics` when there are none to give.
    pub fn finish(self, root: &Path, diagnostics: &mut Vec<Diagnostic>) -> GitHistory {
        let warn = |diagnostics: &mut Vec<Diagnostic>, message: String, help: &str| {
            diagnostics.push(Diagnostic::warning(Location::file(config_file(root)), "git", message).with_help(help));
        };
        let output =
            self.output.join().unwrap_or_else(|_| Err(std::io::Error::other("the thread reading git log panicked")));
        let output = match output {
            Ok(output) => output,
            Err(e) => {
                warn(
                    diagnostics,
                    format!("`git_dates = true` but git could not be run: {e}"),
                    "install git, or remove `git_dates` from config.toml",
                );
                return GitHistory::default();
            }
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            // A repository without commits yet is not a problem: every file is simply uncommitted.
            if !stderr.contains("does not have any commits") {
                warn(
                    diagnostics,
                    format!("`git_dates = true` but `git log` failed: {}", stderr.trim()),
                    "build from inside the site's git repository (pages get no dates from git outside one)",
                );
            }
            return GitHistory::default();
        }
        let shallow = is_shallow(root);
        if shallow {
            warn(
                diagnostics,
                "the repository is a shallow clone: files unchanged since its oldest fetched commit get no date from \
                 git"
                .into(),
                "fetch the whole history (`git fetch --unshallow`; in GitHub Actions, `fetch-depth: 0`)",
            );
        }
        read_log(&String::from_utf8_lossy(&output.stdout), shallow)
    }
}

/// Reads `git log -z --name-status` output (newest commit first) into each current file's history. Walking back,
/// each name stands for the file it is at HEAD, or for none (a file deleted since, or a name freed by a rename);
/// a rename hands the file over to its older name. In a `shallow` clone, commits without parents are the cut.
pub fn read_log(log: &str, shallow: bool) -> GitHistory {
    let mut names: HashMap<&str, Option<usize>> = HashMap::new();
    // Per current file: its name at HEAD and its history; `created` is moved back with each older commit.
    let mut files: Vec<(&str, FileHistory)> = Vec::new();
    let mut tokens = log.split('\0');
    let mut commit: Option<Commit> = None;
    while let Some(token) = tokens.next() {
        if let Some(hash) = token.strip_prefix('\x01') {
            let (date, author, parents) =
                (tokens.next().unwrap_or(""), tokens.next().unwrap_or(""), tokens.next().unwrap_or(""));
            commit = Some(Commit { hash, date, author, cut: shallow && parents.trim().is_empty() });
            continue;
        }
        let status = token.trim_start_matches('\n');
        let Some(kind) = status.chars().next() else { continue };
        let Some(path) = tokens.next() else { break };
        let Some(commit) = &commit else { continue };
        let renamed_from = matches!(kind, 'R' | 'C').then_some(path);
        let path = match renamed_from {
            Some(_) => tokens.next().unwrap_or(""),
            None => path,
        };
        if commit.cut {
            // The file was there before the fetched history began: when is not known.
            if let Some(Some(file)) = names.get(path) {
                files[*file].1.created = None;
            }
            continue;
        }
        // The file this name is at HEAD: a name not seen yet is unchanged since this commit, so still there
        // unless this commit deleted it.
        let file = *names.entry(path).or_insert_with(|| {
            (kind != 'D').then(|| {
                files.push((path, commit.history_start()));
                files.len() - 1
            })
        });
        if let Some(file) = file {
            files[file].1.created = Some(commit.date.to_string());
        }
        match (kind, renamed_from) {
            // Before a rename, the file had its old name; the new name was free (or another file's).
            ('R', Some(old)) => {
                names.insert(old, file);
                names.insert(path, None);
            }
            // Before it was added, or after it was deleted, the name is no current file's.
            ('A' | 'D', _) => {
                names.insert(path, None);
            }
            _ => {}
        }
    }
    GitHistory { files: files.into_iter().map(|(path, history)| (path.to_string(), history)).collect() }
}

struct Commit<'a> {
    hash: &'a str,
    date: &'a str,
    author: &'a str,
    /// The oldest commit of a shallow clone: its changes are the whole tree, not what it changed.
    cut: bool,
}

impl Commit<'_> {
    fn history_start(&self) -> FileHistory {
        FileHistory {
            updated: self.date.to_string(),
            author: self.author.to_string(),
            commit: self.hash.to_string(),
            created: Some(self.date.to_string()),
        }
    }
}

fn is_shallow(root: &Path) -> bool {
    let output = Command::new("git")
        .arg("-C")
        .arg(root.join("content"))
        .args(["rev-parse", "--is-shallow-repository"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    output.is_ok_and(|output| output.stdout.starts_with(b"true"))
}

/// config.toml or zola.toml, whichever the site has, for the warnings about its `git_dates` key.
fn config_file(root: &Path) -> &'static str {
    match root.join("zola.toml").is_file() {
        true => "zola.toml",
        false => "config.toml",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A log as `git log -z --name-status` prints it, newest first: (hash, date, parents, changes).
    fn log(commits: &[(&str, &str, &str, &[&str])]) -> String {
        let mut text = String::new();
        for (hash, date, parents, changes) in commits {
            text.push_str(&format!("\x01{hash}\0{date}\0Ann\0{parents}\0"));
            for (i, change) in changes.iter().enumerate() {
                let change = change.replace(' ', "\0");
                text.push_str(&if i == 0 { format!("\n{change}\0") } else { format!("{change}\0") });
            }
        }
        text
    }

    fn dates(history: &GitHistory, path: &str) -> Option<(String, Option<String>)> {
        history.file(path).map(|h| (h.updated.clone(), h.created.clone()))
    }

    #[test]
    fn last_and_first_commit_of_each_file_renames_followed() {
        let history = read_log(
            &log(&[
                ("c5", "5", "c4", &["M b.md"]),
                ("c4", "4", "c3", &["R100 a.md b.md", "D gone.md"]),
                ("c3", "3", "c2", &["A a.md"]),
                ("c2", "2", "c1", &["D a.md", "M gone.md"]),
                ("c1", "1", "", &["A a.md", "A gone.md", "A kept.md"]),
            ]),
            false,
        );
        // b.md was a.md, added again at c3 after the first a.md was deleted at c2.
        assert_eq!(dates(&history, "b.md"), Some(("5".into(), Some("3".into()))));
        assert_eq!(dates(&history, "kept.md"), Some(("1".into(), Some("1".into()))));
        assert_eq!(dates(&history, "a.md"), None, "a.md is no file at HEAD");
        assert_eq!(dates(&history, "gone.md"), None);
        assert_eq!(history.file("b.md").map(|h| h.commit.as_str()), Some("c5"));
    }

    #[test]
    fn a_shallow_clones_cut_is_not_a_commit_of_every_file() {
        let text = log(&[
            ("c3", "3", "c2", &["A new.md"]),
            ("c2", "2", "c1", &["M a.md"]),
            ("c1", "1", "", &["A a.md", "A old.md"]),
        ]);
        let history = read_log(&text, true);
        assert_eq!(dates(&history, "a.md"), Some(("2".into(), None)), "a.md is older than the cut");
        assert_eq!(dates(&history, "old.md"), None);
        assert_eq!(dates(&history, "new.md"), Some(("3".into(), Some("3".into()))));
        // Not shallow: the parentless commit is the first one.
        assert_eq!(dates(&read_log(&text, false), "old.md"), Some(("1".into(), Some("1".into()))));
    }

    /// `git log` runs to its end while the content loads, before `finish` reads it, even when it writes more than
    /// a pipe holds: it used to stop at 64 KiB until `finish`, so most of the walk was not on the other core.
    #[test]
    fn git_log_runs_to_its_end_before_finish_reads_it() {
        let repo = tempfile::TempDir::new().expect("temp dir");
        let git = |args: &[&str]| {
            Command::new("git")
                .arg("-C")
                .arg(repo.path())
                .args(args)
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .spawn()
                .expect("git runs")
        };
        assert!(git(&["init", "-q"]).wait().expect("git init").success());
        // 1,000 commits, each changing one of 100 pages: about 170 KB of log.
        let mut stream = String::new();
        for k in 1..=1000 {
            let text = format!("Edit {k}.\n");
            stream.push_str(&format!(
                "commit refs/heads/main\ncommitter Ann <ann@example.org> {} +0000\ndata 4\nedit\n\
                 M 100644 inline content/guide/a-page-with-a-long-name-{:03}.md\ndata {}\n{text}\n",
                1_600_000_000 + k,
                k % 100,
                text.len()
            ));
        }
        let mut import = git(&["fast-import", "--quiet"]);
        std::io::Write::write_all(&mut import.stdin.take().expect("stdin"), stream.as_bytes()).expect("write stream");
        assert!(import.wait().expect("fast-import").success());
        assert!(git(&["checkout", "-q", "-f", "main"]).wait().expect("checkout").success());

        let pending = start_log(repo.path());
        // Without a reader, git would wait for one forever; a minute is only there to end the test then.
        let finished = (0..1200).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            pending.output.is_finished()
        });
        assert!(finished, "git log waits for `finish` to read its output");
        let history = pending.finish(repo.path(), &mut Vec::new());
        assert_eq!(history.len(), 100);
        let last = history.file("guide/a-page-with-a-long-name-000.md").expect("a page's history");
        assert_eq!(last.updated, "2020-09-13T12:43:20Z", "commit 1000");
    }
}
