//! Walks a folder of the site (content/, static/, templates/) in file-name order, following symbolic links that
//! stay inside the site root; a link leading out of it is skipped and named, unless config.toml opts in.
//!
//! Every reader of the site's folders goes through here, so build, check and serve refuse the same links: a
//! `static/etc -> /etc` or `content/x.md -> /etc/passwd` is never read, copied, served or indexed. The opt-in is
//! `follow_outside_symlinks = true` in config.toml, for sites that share files kept elsewhere on purpose.

use std::path::{Component, Path, PathBuf};

use crate::config::Config;
use crate::error::{Diagnostic, Location};

/// Which links the site may follow: those whose target lies inside `root`, or all of them when opted in.
#[derive(Debug, Clone)]
pub struct Links {
    /// The root as given, to name links relative to it.
    root: PathBuf,
    /// The root with every link resolved, to compare targets against.
    real_root: PathBuf,
    follow_outside: bool,
}

impl Links {
    pub fn new(root: &Path, config: &Config) -> Links {
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        Links { root: root.to_path_buf(), real_root, follow_outside: config.follow_outside_symlinks }
    }

    /// Whether `path` may be read: its real location (every link resolved) is inside the site, or the site
    /// opted in. A path that cannot be resolved is allowed: reading it then fails with its own message.
    pub fn allows(&self, path: &Path) -> bool {
        self.follow_outside || path.canonicalize().map_or(true, |real| real.starts_with(&self.real_root))
    }

    /// The entries under `dir` (itself first), skipping links that leave the site and the folders that `prune`
    /// names (which are not entered). Only links cost a look at their target; other entries are taken as found.
    pub fn walk(&self, dir: &Path, prune: fn(&walkdir::DirEntry) -> bool) -> Walk<'_> {
        let entries = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
        Walk { entries, links: self, prune, skipped: Vec::new() }
    }

    /// The text of the file at `path`, written from the site root with `/` (`examples/x.rs`), for `include`.
    /// Never a file outside the site: absolute paths and `..` are refused, and so is a link out of it unless the
    /// site opted in. `Err` says why, as the end of a sentence.
    pub fn read_from_root(&self, path: &str) -> Result<String, String> {
        let relative = Path::new(path);
        let inside = relative.components().all(|part| matches!(part, Component::Normal(_) | Component::CurDir));
        if path.is_empty() || !inside {
            return Err(format!("`{path}` is not a path inside the site (write it from the site root, without `..`)"));
        }
        let file = self.root.join(relative);
        if !self.allows(&file) {
            return Err(format!("`{path}` is a link that leads out of the site"));
        }
        std::fs::read_to_string(&file).map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => format!("there is no file `{path}` in the site"),
            std::io::ErrorKind::InvalidData => format!("`{path}` is not UTF-8 text"),
            _ => format!("`{path}` cannot be read: {error}"),
        })
    }

    /// The warning for a link that was not followed.
    pub fn skipped_warning(&self, link: &Path) -> Diagnostic {
        let shown = link.strip_prefix(&self.root).unwrap_or(link).to_path_buf();
        let target = std::fs::read_link(link).map(|target| target.display().to_string()).unwrap_or_default();
        Diagnostic::warning(
            Location::file(&shown),
            "symlink",
            format!("`{}` is a link to `{target}`, outside the site: skipped", shown.display()),
        )
        .with_help(
            "copy what it points to into the site, or set `follow_outside_symlinks = true` in config.toml to follow \
             links out of the site",
        )
    }
}

/// A walk in progress; after it, `warnings` names the links it skipped.
pub struct Walk<'a> {
    entries: walkdir::IntoIter,
    links: &'a Links,
    prune: fn(&walkdir::DirEntry) -> bool,
    skipped: Vec<PathBuf>,
}

impl Walk<'_> {
    /// One warning per link skipped so far.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.skipped.iter().map(|link| self.links.skipped_warning(link)).collect()
    }
}

impl Iterator for Walk<'_> {
    type Item = walkdir::Result<walkdir::DirEntry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let entry = match self.entries.next()? {
                Ok(entry) => entry,
                Err(error) => return Some(Err(error)),
            };
            let leaves_site = entry.path_is_symlink() && !self.links.allows(entry.path());
            if leaves_site || (entry.depth() > 0 && (self.prune)(&entry)) {
                if entry.file_type().is_dir() {
                    self.entries.skip_current_dir();
                }
                if leaves_site {
                    self.skipped.push(entry.path().to_path_buf());
                }
                continue;
            }
            return Some(Ok(entry));
        }
    }
}

/// For walks that enter every folder.
pub fn prune_nothing(_: &walkdir::DirEntry) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn names(links: &Links, dir: &Path) -> (Vec<String>, usize) {
        let mut walk = links.walk(dir, prune_nothing);
        let mut found: Vec<String> = walk
            .by_ref()
            .flatten()
            .filter(|entry| entry.file_type().is_file())
            .map(|entry| entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
            .collect();
        found.sort();
        (found, walk.warnings().len())
    }

    #[test]
    fn links_inside_the_site_are_followed_and_links_out_are_skipped() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "x").unwrap();
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("static");
        std::fs::create_dir_all(dir.join("real")).unwrap();
        std::fs::write(dir.join("real/a.txt"), "a").unwrap();
        symlink(dir.join("real"), dir.join("inside")).unwrap();
        symlink(outside.path(), dir.join("outside")).unwrap();
        symlink(outside.path().join("secret"), dir.join("secret.txt")).unwrap();
        let links = Links::new(site.path(), &Config::default());
        assert_eq!(names(&links, &dir), (vec!["inside/a.txt".to_string(), "real/a.txt".to_string()], 2));
        let opted_in = Links::new(site.path(), &Config { follow_outside_symlinks: true, ..Config::default() });
        assert_eq!(names(&opted_in, &dir).0.len(), 4);
    }
}
