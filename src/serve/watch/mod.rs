//! Watches content/, templates/, static/ and config.toml under a site root and delivers debounced batches of `Change`s.
//! The folders may appear and vanish while it runs; editor temp files are dropped; it reports and never rebuilds.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};

mod change;
use crate::serve::error::ServeError;
pub use change::{classify, Change};

/// The folders under the site root that are watched recursively.
const WATCHED_FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// How events are gathered into one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Debounce {
    /// A batch is delivered once no event has come for this long (an editor's write + rename is one save)…
    pub quiet: Duration,
    /// …or once it has been gathering this long, so a steady stream of events cannot hold it back forever.
    pub longest: Duration,
}

impl Default for Debounce {
    fn default() -> Debounce {
        Debounce { quiet: Duration::from_millis(100), longest: Duration::from_secs(2) }
    }
}

/// A running watch. Dropping it (or `stop`) ends the watching thread.
pub struct SourceWatch {
    batches: Receiver<Vec<Change>>,
    control: Sender<Signal>,
    thread: Option<JoinHandle<()>>,
}

enum Signal {
    Event(notify::Result<notify::Event>),
    /// The files pages include now, from the site root: their folders are watched too.
    Included(Vec<PathBuf>),
    Stop,
}

/// Starts watching the sources of the site at `site_root`, which must exist; its folders need not.
pub fn watch_sources(site_root: &Path, debounce: Debounce) -> Result<SourceWatch, ServeError> {
    // Events name absolute paths; a root given as `.` (the default) or `docs` would match none of them.
    let site_root = std::path::absolute(site_root).unwrap_or_else(|_| site_root.to_path_buf());
    let (control, signals) = mpsc::channel();
    let events = control.clone();
    let watch_error = |source| ServeError::Watch { path: site_root.clone(), source };
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = events.send(Signal::Event(event));
    })
    .map_err(watch_error)?;
    watcher.watch(&site_root, RecursiveMode::NonRecursive).map_err(watch_error)?;
    for folder in WATCHED_FOLDERS {
        let path = site_root.join(folder);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive).map_err(|source| ServeError::Watch { path, source })?;
        }
    }
    let (deliver, batches) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("quire-watch".into())
        .spawn(move || gather(watcher, &site_root, &signals, &deliver, debounce))
        .map_err(ServeError::Thread)?;
    Ok(SourceWatch { batches, control, thread: Some(thread) })
}

impl SourceWatch {
    /// The next batch, waiting as long as it takes; `None` once the watch has stopped.
    pub fn recv(&self) -> Option<Vec<Change>> {
        self.batches.recv().ok()
    }

    /// The next batch if one comes within `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<Vec<Change>> {
        self.batches.recv_timeout(timeout).ok()
    }

    /// Watches `files` (from the site root, outside the watched folders or not) from now on, instead of the
    /// files given before: a change to one comes as `Change::Included`.
    pub fn watch_included(&self, files: &[String]) {
        let _ = self.control.send(Signal::Included(files.iter().map(PathBuf::from).collect()));
    }

    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        let _ = self.control.send(Signal::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for SourceWatch {
    fn drop(&mut self) {
        self.shut_down();
    }
}

/// Changes gathered for one delivery: each once, in the order first seen.
#[derive(Debug, Default)]
struct Batch {
    changes: Vec<Change>,
    seen: HashSet<Change>,
    started: Option<Instant>,
}

impl Batch {
    fn add(&mut self, change: Change) {
        self.started.get_or_insert_with(Instant::now);
        if self.seen.insert(change.clone()) {
            self.changes.push(change);
        }
    }

    fn take(&mut self) -> Vec<Change> {
        self.seen.clear();
        self.started = None;
        std::mem::take(&mut self.changes)
    }
}

/// Everything may have changed (the OS dropped events): every kind of source, whole.
fn everything() -> [Change; 4] {
    [Change::Section(PathBuf::new()), Change::Template(PathBuf::new()), Change::Static(PathBuf::new()), Change::Config]
}

fn gather(
    mut watcher: RecommendedWatcher,
    site_root: &Path,
    signals: &Receiver<Signal>,
    deliver: &Sender<Vec<Change>>,
    debounce: Debounce,
) {
    let mut batch = Batch::default();
    let mut last_event = Instant::now();
    let mut included = Included::default();
    loop {
        let signal = match batch.started {
            None => signals.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(started) => {
                let quiet_left = debounce.quiet.saturating_sub(last_event.elapsed());
                let longest_left = debounce.longest.saturating_sub(started.elapsed());
                signals.recv_timeout(quiet_left.min(longest_left))
            }
        };
        match signal {
            Ok(Signal::Event(Ok(event))) => {
                last_event = Instant::now();
                if event.need_rescan() {
                    everything().into_iter().for_each(|change| batch.add(change));
                }
                for path in &event.paths {
                    rewatch_if_watched_folder(&mut watcher, site_root, path, &event.kind);
                    if let Some(change) = included.change(site_root, path, &event.kind) {
                        batch.add(change);
                    }
                    if let Some(change) = classify(site_root, path, &event.kind) {
                        batch.add(change);
                    }
                }
            }
            Ok(Signal::Event(Err(_))) => {
                last_event = Instant::now();
                everything().into_iter().for_each(|change| batch.add(change));
            }
            Err(RecvTimeoutError::Timeout) => {
                if !batch.changes.is_empty() && deliver.send(batch.take()).is_err() {
                    return;
                }
                batch.started = None;
            }
            Ok(Signal::Included(files)) => included.watch(&mut watcher, site_root, files),
            Ok(Signal::Stop) | Err(RecvTimeoutError::Disconnected) => return,
        }
        let overdue = batch.started.is_some_and(|started| started.elapsed() >= debounce.longest);
        if overdue && deliver.send(batch.take()).is_err() {
            return;
        }
    }
}

/// The files pages include and the folders watched for them (non-recursively: only those files matter).
#[derive(Default)]
struct Included {
    files: HashSet<PathBuf>,
    folders: HashSet<PathBuf>,
}

impl Included {
    fn watch(&mut self, watcher: &mut RecommendedWatcher, site_root: &Path, files: Vec<PathBuf>) {
        // The root and the folders under content/, templates/ and static/ are watched already: watching one again
        // and then unwatching it would end the first watch.
        let already_watched = |folder: &Path| {
            folder.components().next().is_none_or(|top| WATCHED_FOLDERS.iter().any(|name| top.as_os_str() == *name))
        };
        let folders: HashSet<PathBuf> = files
            .iter()
            .filter_map(|file| file.parent())
            .filter(|folder| !already_watched(folder))
            .map(|folder| site_root.join(folder))
            .collect();
        for gone in self.folders.difference(&folders) {
            let _ = watcher.unwatch(gone);
        }
        for folder in folders.difference(&self.folders) {
            // A folder that does not exist yet cannot be watched: its file is reported missing until the next build.
            let _ = watcher.watch(folder, RecursiveMode::NonRecursive);
        }
        self.files = files.into_iter().collect();
        self.folders = folders;
    }

    /// A change of an included file. Not its reads: every render of a page that includes it opens it, and
    /// counting that as a change made serve render those pages again and again, forever.
    fn change(&self, site_root: &Path, path: &Path, kind: &EventKind) -> Option<Change> {
        let relative = path.strip_prefix(site_root).unwrap_or(path);
        (change::kind_matters(kind) && self.files.contains(relative)).then(|| Change::Included(relative.to_path_buf()))
    }
}

/// content/, templates/ or static/ created (or moved into place) after the start: watch inside it too.
fn rewatch_if_watched_folder(watcher: &mut RecommendedWatcher, site_root: &Path, path: &Path, kind: &EventKind) {
    let appeared = matches!(
        kind,
        EventKind::Create(CreateKind::Folder | CreateKind::Any)
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both | RenameMode::Any))
    );
    let is_watched_folder = path.parent() == Some(site_root)
        && path.file_name().and_then(|name| name.to_str()).is_some_and(|name| WATCHED_FOLDERS.contains(&name));
    if appeared && is_watched_folder && path.is_dir() {
        let _ = watcher.unwatch(path);
        let _ = watcher.watch(path, RecursiveMode::Recursive);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn reading_an_included_file_is_not_a_change() {
        use notify::event::{AccessKind, AccessMode, DataChange};
        let root = Path::new("/site");
        let included = Included { files: HashSet::from([PathBuf::from("examples/x.rs")]), folders: HashSet::new() };
        let file = Path::new("/site/examples/x.rs");
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert_eq!(included.change(root, file, &read), None);
        assert_eq!(included.change(root, file, &EventKind::Access(AccessKind::Open(AccessMode::Any))), None);
        let written = EventKind::Modify(ModifyKind::Data(DataChange::Content));
        assert_eq!(included.change(root, file, &written), Some(Change::Included(PathBuf::from("examples/x.rs"))));
        assert_eq!(included.change(root, Path::new("/site/examples/y.rs"), &written), None);
    }

    /// Generous: only a hung watcher ever waits this long, and no test asserts on time.
    const PATIENCE: Duration = Duration::from_secs(20);

    /// Every change delivered until one of `wanted` shows up.
    fn changes_until(watch: &SourceWatch, wanted: &[Change]) -> Vec<Change> {
        let mut seen: Vec<Change> = Vec::new();
        let give_up = Instant::now() + PATIENCE;
        while !seen.iter().any(|change| wanted.contains(change)) && Instant::now() < give_up {
            if let Some(batch) = watch.recv_timeout(Duration::from_millis(500)) {
                seen.extend(batch);
            }
        }
        seen
    }

    #[test]
    fn batches_hold_each_change_once_in_order() {
        let mut batch = Batch::default();
        batch.add(Change::Config);
        batch.add(Change::Page("a.md".into()));
        batch.add(Change::Config);
        assert_eq!(batch.take(), vec![Change::Config, Change::Page("a.md".into())]);
        assert!(batch.take().is_empty());
        assert!(batch.started.is_none());
    }

    #[test]
    fn atomic_save_is_one_page_change_without_temp_files() {
        let site = tempfile::tempdir().expect("temp dir");
        fs::create_dir(site.path().join("content")).expect("content dir");
        let watch = watch_sources(site.path(), Debounce::default()).expect("watch starts");
        let temp = site.path().join("content/.intro.md.swp");
        fs::write(&temp, "draft").expect("write temp");
        fs::rename(&temp, site.path().join("content/intro.md")).expect("rename into place");
        let wanted = Change::Page("intro.md".into());
        let seen = changes_until(&watch, std::slice::from_ref(&wanted));
        assert!(seen.contains(&wanted), "{seen:?}");
        assert!(seen.iter().all(|change| !format!("{change:?}").contains(".swp")), "{seen:?}");
        watch.stop();
    }

    /// `quire serve` run in the site's folder watches `.`: changes must still be seen.
    #[test]
    fn a_relative_site_root_sees_changes() {
        let site = tempfile::tempdir().expect("temp dir");
        fs::create_dir(site.path().join("content")).expect("content dir");
        let cwd = std::env::current_dir().expect("current dir");
        let up: PathBuf = cwd.components().skip(1).map(|_| "..").collect();
        let relative = up.join(site.path().strip_prefix("/").expect("absolute temp dir"));
        assert!(relative.is_relative() && relative.join("content").is_dir(), "{}", relative.display());
        let watch = watch_sources(&relative, Debounce::default()).expect("watch starts");
        fs::write(site.path().join("content/intro.md"), "hello").expect("write page");
        let wanted = Change::Page("intro.md".into());
        let seen = changes_until(&watch, std::slice::from_ref(&wanted));
        assert!(seen.contains(&wanted), "{seen:?}");
        watch.stop();
    }

    #[test]
    fn folders_created_later_are_watched() {
        let site = tempfile::tempdir().expect("temp dir");
        let watch = watch_sources(site.path(), Debounce::default()).expect("watch starts");
        fs::create_dir(site.path().join("content")).expect("content dir");
        let created = Change::Section(PathBuf::new());
        assert!(changes_until(&watch, std::slice::from_ref(&created)).contains(&created));
        fs::create_dir(site.path().join("content/guide")).expect("nested dir");
        fs::write(site.path().join("content/guide/setup.md"), "+++\n+++\n").expect("write page");
        // The folder's own event is enough to rescan it, should the file land before its watch does.
        let page = Change::Page("guide/setup.md".into());
        let folder = Change::Section("guide".into());
        let seen = changes_until(&watch, &[page.clone(), folder.clone()]);
        assert!(seen.contains(&page) || seen.contains(&folder), "{seen:?}");
        fs::write(site.path().join("config.toml"), "title = 'x'\n").expect("write config");
        assert!(changes_until(&watch, &[Change::Config]).contains(&Change::Config));
    }

    #[test]
    fn a_burst_arrives_whole() {
        let site = tempfile::tempdir().expect("temp dir");
        fs::create_dir(site.path().join("static")).expect("static dir");
        let watch = watch_sources(site.path(), Debounce::default()).expect("watch starts");
        for index in 0..40 {
            fs::write(site.path().join(format!("static/{index}.css")), "a{}").expect("write");
        }
        let last = Change::Static("39.css".into());
        let seen = changes_until(&watch, &[last]);
        for index in 0..40 {
            assert!(seen.contains(&Change::Static(format!("{index}.css").into())), "{index}");
        }
    }
}
