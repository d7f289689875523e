//! Writes a build into a staging folder beside the output and swaps it in with one atomic exchange (Linux) or
//! two renames, so a failed or killed build leaves a whole site in place. Deletes only what a manifest proves.
//!
//! A staging folder carries a manifest from its first moment, so a later build can tell the folders of a killed
//! build (manifest present, process gone) from anything else with a similar name, which it never touches.

use crate::error::{fs, Error, Result};
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

/// The list of files Quire wrote, kept in the output so the next build can prove what it may delete.
pub const MANIFEST: &str = ".quire-manifest";
const MANIFEST_HEADER: &str = "# quire output manifest v1: files written by quire build";

/// A file of the finished site, relative to the output folder.
pub struct OutputFile {
    /// `a/b/index.html`, always with `/`.
    pub path: String,
    pub contents: Contents,
}

pub enum Contents {
    Bytes(Vec<u8>),
    Embedded(&'static [u8]),
    /// Copied from this source file when written.
    Copy(PathBuf),
    /// Made as it is written, never held whole: site.json is 7 MB at 10k pages.
    Stream(Stream),
}

/// Writes a file's bytes to what it is given.
pub type Stream = Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + Send>;

impl Contents {
    /// The bytes, reading a copied file or running a stream if needed.
    pub fn into_bytes(self) -> Result<Vec<u8>> {
        match self {
            Contents::Bytes(bytes) => Ok(bytes),
            Contents::Embedded(bytes) => Ok(bytes.to_vec()),
            Contents::Copy(path) => fs::read(&path),
            Contents::Stream(stream) => {
                let mut bytes = Vec::new();
                // Writing into memory fails only if the maker does, which names no file of its own.
                stream(&mut bytes).map_err(|e| Error::io(Path::new("(generated file)"), e))?;
                Ok(bytes)
            }
        }
    }
}

/// Writes a streamed file through a buffer, reporting any failure, including the last flush, against `target`.
fn write_stream(target: &Path, stream: Stream) -> Result<()> {
    use std::io::Write;
    let file = std::fs::File::create(target).map_err(|e| Error::io(target, e))?;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
    stream(&mut out).and_then(|()| out.flush()).map_err(|e| Error::io(target, e))
}

/// Refuses outputs that are, or contain, the user's own files, before anything is built.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<()> {
    let root = absolute(root);
    let output = absolute(output);
    let refuse = |reason: &str| Error::OutputRefused {
        path: output.clone(),
        reason: reason.to_string(),
        help: "choose a new or empty folder, such as `public` inside the site".to_string(),
    };
    if output.parent().is_none() {
        return Err(refuse("it is the root of the file system"));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        if absolute(&home) == output {
            return Err(refuse("it is your home folder"));
        }
    }
    if root.starts_with(&output) {
        return Err(refuse("it is the site root or one of its ancestors"));
    }
    for dir in ["content", "templates", "static"] {
        if output.starts_with(root.join(dir)) {
            return Err(refuse(&format!("it is inside the site's `{dir}/` folder")));
        }
    }
    let foreign = foreign_files(&output)?;
    if !foreign.is_empty() {
        let shown: Vec<String> = foreign.iter().take(5).map(|p| p.display().to_string()).collect();
        let more = if foreign.len() > 5 { format!(" and {} more", foreign.len() - 5) } else { String::new() };
        return Err(Error::OutputRefused {
            path: output.clone(),
            reason: format!("it holds files Quire did not write: {}{more}", shown.join(", ")),
            help: "move those files away, or build into another folder with --output".to_string(),
        });
    }
    Ok(())
}

/// Files in `output` that its manifest does not list (all of them when there is no manifest).
fn foreign_files(output: &Path) -> Result<Vec<PathBuf>> {
    if !output.exists() {
        return Ok(Vec::new());
    }
    if !output.is_dir() {
        return Ok(vec![output.to_path_buf()]);
    }
    let listed: HashSet<String> = match std::fs::read_to_string(output.join(MANIFEST)) {
        Ok(text) if text.starts_with(MANIFEST_HEADER) => text.lines().skip(1).map(str::to_string).collect(),
        _ => HashSet::new(),
    };
    let mut foreign = Vec::new();
    for entry in walkdir::WalkDir::new(output).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(output, e.into()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        let key = rel.to_string_lossy().replace('\\', "/");
        if key != MANIFEST && !listed.contains(&key) {
            foreign.push(rel.to_path_buf());
        }
    }
    Ok(foreign)
}

/// A folder beside the output that receives the new site; committed by renaming it into place.
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    /// Ancestors of the output that did not exist before, deepest first.
    made_parents: Vec<PathBuf>,
    written: Mutex<Vec<String>>,
}

impl Staging {
    pub fn create(output: &Path) -> Result<Staging> {
        let output = absolute(output);
        let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let parent = output.parent().unwrap_or(Path::new("/")).to_path_buf();
        // Folders made here for the output's parent are removed again if the build fails.
        let made_parents: Vec<PathBuf> =
            parent.ancestors().take_while(|dir| !dir.exists()).map(Path::to_path_buf).collect();
        fs::create_dir_all(&parent)?;
        remove_stale_staging(&parent, &name, &output);
        let dir = parent.join(format!("{}{}", staging_prefix(&name), std::process::id()));
        if dir.exists() {
            fs::remove_dir_all(&dir)?; // a leftover of this same process id: ours by name
        }
        fs::create_dir_all(&dir)?;
        // Written first, listing nothing yet: it marks the folder as Quire's if this build is killed.
        fs::write(&dir.join(MANIFEST), format!("{MANIFEST_HEADER}\n").as_bytes())?;
        Ok(Staging { dir, output, made_parents, written: Mutex::new(Vec::new()) })
    }

    pub fn write(&self, file: OutputFile) -> Result<()> {
        let rel = safe_relative(&file.path).ok_or_else(|| Error::OutputRefused {
            path: PathBuf::from(&file.path),
            reason: "the path leaves the output folder".into(),
            help: "check `path`, `slug` and `aliases` in front matter for `..`".into(),
        })?;
        let target = self.dir.join(&rel);
        if let Some(parent) = target.parent() {
            // Nearly every page has a folder of its own, so `mkdir` first is one call; a folder already made
            // costs one more (a `stat`), which is cheaper than a shared set of made folders and its lock.
            fs::create_dir_all(parent)?;
        }
        match file.contents {
            Contents::Bytes(bytes) => fs::write(&target, &bytes)?,
            Contents::Embedded(bytes) => fs::write(&target, bytes)?,
            Contents::Copy(source) => fs::copy(&source, &target)?,
            Contents::Stream(stream) => write_stream(&target, stream)?,
        }
        self.written.lock().unwrap_or_else(|e| e.into_inner()).push(file.path);
        Ok(())
    }

    /// Number of files written so far.
    pub fn len(&self) -> usize {
        self.written.lock().map(|w| w.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes the manifest and swaps the staging folder in place of the output.
    pub fn commit(self) -> Result<usize> {
        let mut written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        written.sort_unstable();
        written.dedup();
        let manifest = format!("{MANIFEST_HEADER}\n{}\n", written.join("\n"));
        fs::write(&self.dir.join(MANIFEST), manifest.as_bytes())?;
        if self.output.exists() {
            // Checked before the build; checked again now in case files appeared meanwhile.
            let foreign = foreign_files(&self.output)?;
            if !foreign.is_empty() {
                let _ = std::fs::remove_dir_all(&self.dir);
                return Err(Error::OutputRefused {
                    path: self.output.clone(),
                    reason: format!("files Quire did not write appeared during the build: {}", foreign[0].display()),
                    help: "move those files away and build again".into(),
                });
            }
            swap_into_place(&self.dir, &self.output)?;
        } else {
            fs::rename(&self.dir, &self.output)?;
        }
        Ok(written.len())
    }

    /// Drops the staging folder after a failed build; the output is untouched.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        for dir in &self.made_parents {
            let _ = std::fs::remove_dir(dir); // deepest first; stops mattering once one is not empty
        }
    }
}

/// Puts the finished `staging` folder in place of `output`, removing the previous site after.
/// Linux exchanges the two names in one step: at every moment `output` names a whole site, old or new.
#[cfg(target_os = "linux")]
fn swap_into_place(staging: &Path, output: &Path) -> Result<()> {
    match exchange(staging, output) {
        // `staging` now names the previous site.
        Ok(()) => fs::remove_dir_all(staging),
        // A file system without the exchange (some network and FUSE ones): the two renames below.
        Err(error) if matches!(error.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS | libc::ENOTSUP)) => {
            swap_by_two_renames(staging, output)
        }
        Err(error) => Err(Error::io(output, error)),
    }
}

#[cfg(not(target_os = "linux"))]
fn swap_into_place(staging: &Path, output: &Path) -> Result<()> {
    swap_by_two_renames(staging, output)
}

/// `renameat2(RENAME_EXCHANGE)`: both paths must exist; each then names what the other did.
#[cfg(target_os = "linux")]
fn exchange(first: &Path, second: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let to_c = |path: &Path| {
        CString::new(path.as_os_str().as_bytes()).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (first, second) = (to_c(first)?, to_c(second)?);
    // SAFETY: both are valid NUL-terminated strings that outlive the call; AT_FDCWD with absolute paths.
    let result = unsafe {
        libc::renameat2(libc::AT_FDCWD, first.as_ptr(), libc::AT_FDCWD, second.as_ptr(), libc::RENAME_EXCHANGE)
    };
    match result {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

/// The portable swap: the previous site moves to `STAGING.old`, then the new one into place. A kill between
/// the two leaves no output but the previous site whole in `.old`, which the next build puts back.
fn swap_by_two_renames(staging: &Path, output: &Path) -> Result<()> {
    let old = old_site_path(staging);
    fs::rename(output, &old)?;
    if let Err(e) = fs::rename(staging, output) {
        let _ = std::fs::rename(&old, output); // put the previous site back
        return Err(e);
    }
    fs::remove_dir_all(&old)
}

fn staging_prefix(output_name: &str) -> String {
    format!(".{output_name}.quire-staging-")
}

fn old_site_path(staging: &Path) -> PathBuf {
    let name = staging.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    staging.with_file_name(format!("{name}.old"))
}

/// Removes the staging and `.old` folders of builds of `output` whose process is gone, when their manifest
/// proves them Quire's; a previous site left in `.old` with no output is put back instead. Best effort: a
/// folder that cannot be removed stays, and the build goes on.
fn remove_stale_staging(parent: &Path, output_name: &str, output: &Path) {
    let prefix = staging_prefix(output_name);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        let (pid, is_old) = match rest.strip_suffix(".old") {
            Some(pid) => (pid, true),
            None => (rest, false),
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        let path = entry.path();
        if pid == std::process::id() || process_alive(pid) || !is_quire_folder(&path) {
            continue;
        }
        if is_old && !output.exists() {
            let _ = std::fs::rename(&path, output);
        } else {
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// A real folder (not a link to one) holding Quire's manifest.
fn is_quire_folder(path: &Path) -> bool {
    let is_dir = std::fs::symlink_metadata(path).is_ok_and(|meta| meta.is_dir());
    let mut header = [0u8; MANIFEST_HEADER.len()];
    let manifest_ok = std::fs::File::open(path.join(MANIFEST))
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut header))
        .is_ok_and(|()| header == MANIFEST_HEADER.as_bytes());
    is_dir && manifest_ok
}

/// Whether process `pid` exists (signal 0 checks without sending anything; EPERM means it exists).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: kill with signal 0 has no effect beyond its return value.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

/// Without a way to ask, every process counts as alive, so nothing is removed.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// `a/b/index.html` as a relative path with no `..`, root or prefix components.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let rel = Path::new(path.trim_start_matches('/'));
    rel.components().all(|c| matches!(c, Component::Normal(_))).then(|| rel.to_path_buf())
}

/// `path` made absolute and normalised without requiring it to exist.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let joined =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut normal = PathBuf::new();
    for component in joined.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    match (normal.parent(), normal.file_name()) {
        (Some(parent), Some(name)) if parent.exists() => parent.canonicalize().map(|p| p.join(name)).unwrap_or(normal),
        _ => normal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        for output in [
            root.to_path_buf(),
            root.join("content"),
            root.join("content/x"),
            root.parent().unwrap().to_path_buf(),
            PathBuf::from("/"),
        ] {
            assert!(check_output_dir(root, &output).is_err(), "{}", output.display());
        }
        assert!(check_output_dir(root, &root.join("public")).is_ok());
    }

    #[test]
    fn refuses_foreign_files_and_keeps_them() {
        let site = tempfile::tempdir().unwrap();
        let output = site.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join("notes.txt"), "mine").unwrap();
        let message = check_output_dir(site.path(), &output).unwrap_err().to_string();
        assert!(message.contains("notes.txt"), "{message}");
        assert_eq!(std::fs::read_to_string(output.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn commit_replaces_previous_output() {
        let site = tempfile::tempdir().unwrap();
        let output = site.path().join("public");
        for round in 0..2 {
            let staging = Staging::create(&output).unwrap();
            staging
                .write(OutputFile { path: format!("r{round}/index.html"), contents: Contents::Bytes(b"x".to_vec()) })
                .unwrap();
            staging.commit().unwrap();
        }
        assert!(!output.join("r0").exists());
        assert!(output.join("r1/index.html").exists());
        assert!(check_output_dir(site.path(), &output).is_ok());
        let leftovers: Vec<_> = std::fs::read_dir(site.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    /// The id of a process that has ended (ids are not reused this quickly).
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[test]
    fn issue_12_staging_of_a_killed_build_is_removed_and_foreign_folders_kept() {
        let site = tempfile::tempdir().unwrap();
        let output = site.path().join("public");
        let pid = dead_pid();
        let stale = site.path().join(format!(".public.quire-staging-{pid}"));
        std::fs::create_dir_all(stale.join("guide")).unwrap();
        std::fs::write(stale.join(MANIFEST), format!("{MANIFEST_HEADER}\n")).unwrap();
        std::fs::write(stale.join("guide/index.html"), "half a build").unwrap();
        let stale_old = site.path().join(format!(".public.quire-staging-{pid}.old"));
        std::fs::create_dir_all(&stale_old).unwrap();
        std::fs::write(stale_old.join(MANIFEST), format!("{MANIFEST_HEADER}\nindex.html\n")).unwrap();
        // Same pattern, no manifest: not provably Quire's, so never touched.
        let foreign = site.path().join(format!(".public.quire-staging-{}", dead_pid()));
        std::fs::create_dir_all(&foreign).unwrap();
        std::fs::write(foreign.join("notes.txt"), "mine").unwrap();
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join(MANIFEST), format!("{MANIFEST_HEADER}\n")).unwrap();

        Staging::create(&output).unwrap().commit().unwrap();
        assert!(!stale.exists());
        assert!(!stale_old.exists());
        assert_eq!(std::fs::read_to_string(foreign.join("notes.txt")).unwrap(), "mine");
    }

    #[test]
    fn issue_12_previous_site_left_in_old_is_put_back_when_the_output_is_missing() {
        let site = tempfile::tempdir().unwrap();
        let output = site.path().join("public");
        let old = site.path().join(format!(".public.quire-staging-{}.old", dead_pid()));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join(MANIFEST), format!("{MANIFEST_HEADER}\nindex.html\n")).unwrap();
        std::fs::write(old.join("index.html"), "previous").unwrap();
        let staging = Staging::create(&output).unwrap();
        assert_eq!(std::fs::read_to_string(output.join("index.html")).unwrap(), "previous");
        staging.abandon();
        assert_eq!(std::fs::read_to_string(output.join("index.html")).unwrap(), "previous");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn issue_12_exchange_keeps_the_old_site_until_the_new_one_is_in_place() {
        let site = tempfile::tempdir().unwrap();
        let (new, current) = (site.path().join("new"), site.path().join("public"));
        std::fs::create_dir_all(&new).unwrap();
        std::fs::create_dir_all(&current).unwrap();
        std::fs::write(new.join("index.html"), "new").unwrap();
        std::fs::write(current.join("index.html"), "old").unwrap();
        exchange(&new, &current).unwrap();
        // One step: the output holds the new site and the old one is whole under the staging name.
        assert_eq!(std::fs::read_to_string(current.join("index.html")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(new.join("index.html")).unwrap(), "old");
    }

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("a/../../x").is_none());
        assert_eq!(safe_relative("/a/b.html"), Some(PathBuf::from("a/b.html")));
    }
}
