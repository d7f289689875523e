//! Sorts one changed path under the site root into the kind of source it is: page, section, template, static, config, asset.
//! Pure: looks at the path and the event kind only, never at the disk; editor temp files and other paths give `None`.

use std::path::{Component, Path, PathBuf};

use notify::event::CreateKind;
use notify::event::{EventKind, MetadataKind, ModifyKind, RemoveKind};

/// One changed source. Paths are relative to the folder the variant names, "" being that folder itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Change {
    /// A page's Markdown under `content/`: "principles/x.md", "blog/post/index.md".
    Page(PathBuf),
    /// A section's `_index.md` under `content/`, or a folder there that appeared, vanished or was renamed
    /// (its pages moved with it): "principles/_index.md", "principles", "" for `content/` itself.
    Section(PathBuf),
    /// Anything under `templates/`.
    Template(PathBuf),
    /// Anything under `static/`.
    Static(PathBuf),
    /// The site's `config.toml`, or anything under `themes/`.
    Config,
    /// Anything under `sass/`: every stylesheet is compiled again (a partial may be used by any of them).
    Sass(PathBuf),
    /// A file beside the pages under `content/` that is not Markdown: "blog/post/diagram.png".
    Asset(PathBuf),
    /// A file a page includes (the `include` shortcode), from the site root: "examples/x.rs".
    Included(PathBuf),
}

/// What kind of source `path` (absolute, or relative to `site_root`) is, if a rebuild should care.
pub fn classify(site_root: &Path, path: &Path, kind: &EventKind) -> Option<Change> {
    if !kind_matters(kind) {
        return None;
    }
    let relative = match path.is_absolute() {
        true => path.strip_prefix(site_root).ok()?,
        false => path,
    };
    let mut parts = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(part) => parts.push(part.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    let (&top, inside) = parts.split_first()?;
    if inside.contains(&".git") || inside.last().is_some_and(|name| is_editor_temp(name)) {
        return None;
    }
    // Hidden names under content/ are never content (`content::load_site` skips them): they are the temporary files
    // of editors and tools that save by writing `.name.XXXXXX` and renaming it over the page.
    if top == "content" && inside.iter().any(|part| part.starts_with('.')) {
        return None;
    }
    let inner: PathBuf = inside.iter().collect();
    match top {
        "config.toml" if inside.is_empty() => Some(Change::Config),
        "templates" => Some(Change::Template(inner)),
        "static" => Some(Change::Static(inner)),
        "sass" => Some(Change::Sass(inner)),
        "themes" => Some(Change::Config),
        "content" => Some(classify_content(inner, is_folder_event(kind))),
        _ => None,
    }
}

fn classify_content(inner: PathBuf, folder: bool) -> Change {
    let name = inner.file_name().and_then(|name| name.to_str()).unwrap_or("");
    let extension = inner.extension().and_then(|extension| extension.to_str());
    // A renamed folder arrives as a plain rename; no extension is the best sign of a folder, and
    // mistaking a file for a folder only costs a larger rebuild.
    if folder || extension.is_none() {
        return Change::Section(inner);
    }
    match (name, extension) {
        ("_index.md", _) => Change::Section(inner),
        (_, Some("md")) => Change::Page(inner),
        _ => Change::Asset(inner),
    }
}

/// Whether an event can mean new contents: reads (quire's own included) and access times cannot.
pub(super) fn kind_matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(_) | EventKind::Other => false,
        EventKind::Modify(ModifyKind::Metadata(metadata)) => {
            !matches!(metadata, MetadataKind::AccessTime | MetadataKind::Extended | MetadataKind::Other)
        }
        _ => true,
    }
}

fn is_folder_event(kind: &EventKind) -> bool {
    matches!(kind, EventKind::Create(CreateKind::Folder) | EventKind::Remove(RemoveKind::Folder))
}

/// Files editors write next to the real one while saving, locking or backing up.
pub(crate) fn is_editor_temp(name: &str) -> bool {
    let extension = name.rsplit_once('.').map(|(_, extension)| extension).unwrap_or("");
    name.starts_with(".#")                                   // Emacs lock
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#')) // Emacs autosave
        || name.ends_with('~')                               // backups
        || is_vim_swap(name, extension)
        || is_vim_write_test(name)
        || name == ".DS_Store"
        || name.ends_with(".tmp")
        || name.ends_with(".kate-swp")
        || name.ends_with(".crswap")                         // browsers' File System Access
        || name.contains("___jb_tmp___")                     // JetBrains
        || name.contains("___jb_old___")
        || name.starts_with(".goutputstream-")               // GNOME
        || (name.starts_with("sed") && name.len() == 9 && !name.contains('.')) // sed -i
}

/// ".x.md.swp", ".x.md.swo", … ".x.md.swa", and ".x.md.swpx" from newer Vims.
fn is_vim_swap(name: &str, extension: &str) -> bool {
    let swap_like = extension.len() == 3 && extension.starts_with("sw") && extension.as_bytes()[2].is_ascii_lowercase();
    (name.starts_with('.') && swap_like) || extension == "swp" || extension == "swpx"
}

/// Vim probes a folder by writing "4913" (then 4913 + 123·n while that exists).
fn is_vim_write_test(name: &str) -> bool {
    match name.parse::<u32>() {
        Ok(number) => number >= 4913 && (number - 4913) % 123 == 0 && name.len() <= 6,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{AccessKind, DataChange, RenameMode};

    const ROOT: &str = "/home/ana/site";
    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Content));

    fn check(path: &str, kind: EventKind, expected: Option<Change>) {
        let full = Path::new(ROOT).join(path);
        assert_eq!(classify(Path::new(ROOT), &full, &kind), expected, "{path} {kind:?}");
    }

    fn p(path: &str) -> PathBuf {
        PathBuf::from(path)
    }

    #[test]
    fn classify_table() {
        use Change::*;
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        let created = EventKind::Create(CreateKind::File);
        let folder_created = EventKind::Create(CreateKind::Folder);
        let folder_removed = EventKind::Remove(RemoveKind::Folder);
        let removed = EventKind::Remove(RemoveKind::File);
        check("content/principles/x.md", WRITE, Some(Page(p("principles/x.md"))));
        check("content/blog/post/index.md", renamed, Some(Page(p("blog/post/index.md"))));
        check("content/_index.md", WRITE, Some(Section(p("_index.md"))));
        check("content/principles/_index.md", removed, Some(Section(p("principles/_index.md"))));
        check("content/principles", folder_created, Some(Section(p("principles"))));
        check("content/principles", renamed, Some(Section(p("principles"))));
        check("content/blog.v2", folder_removed, Some(Section(p("blog.v2"))));
        check("content", folder_created, Some(Section(p(""))));
        check("content/blog/post/diagram.png", created, Some(Asset(p("blog/post/diagram.png"))));
        check("content/notes.MD", WRITE, Some(Asset(p("notes.MD"))));
        check("templates/page.html", WRITE, Some(Template(p("page.html"))));
        check("templates/partials/nav.html", removed, Some(Template(p("partials/nav.html"))));
        check("templates", folder_removed, Some(Template(p(""))));
        check("static/style.css", WRITE, Some(Static(p("style.css"))));
        check("static/.well-known/security.txt", WRITE, Some(Static(p(".well-known/security.txt"))));
        check("static", folder_created, Some(Static(p(""))));
        check("config.toml", renamed, Some(Config));
        check("config.toml", EventKind::Any, Some(Config));
        check("config.toml", EventKind::Modify(ModifyKind::Metadata(MetadataKind::WriteTime)), Some(Config));
        check("README.md", WRITE, None);
        check("public/index.html", WRITE, None);
        check("content/x/config.toml", WRITE, Some(Asset(p("x/config.toml"))));
        check("static/config.toml", WRITE, Some(Static(p("config.toml"))));
        check("content/principles/x.md", EventKind::Access(AccessKind::Any), None);
        check("content/principles/x.md", EventKind::Other, None);
        check("content/principles/x.md", EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)), None);
        check("content/.#x.md", WRITE, None);
        check("content/.x.md.tmp-4f2a9c", created, None);
        check("content/guide/.tmpAb12Cd", renamed, None);
        check("content/.hidden/x.md", WRITE, None);
        check("content/#x.md#", WRITE, None);
        check("content/x.md~", renamed, None);
        check("content/.x.md.swp", created, None);
        check("content/.x.md.swx", created, None);
        check("templates/.page.html.swo", created, None);
        check("content/4913", created, None);
        check("content/5036", created, None);
        check("content/x.md.tmp", WRITE, None);
        check("content/x.md___jb_tmp___", WRITE, None);
        check("static/.goutputstream-AB12CD", WRITE, None);
        check("content/.git/index", WRITE, None);
        check("content/sedAb12Cd", WRITE, None);
        check("content/4914", created, Some(Section(p("4914"))));
        check("static/movie.swf", created, Some(Static(p("movie.swf"))));
    }

    #[test]
    fn relative_and_foreign_paths() {
        let root = Path::new(ROOT);
        assert_eq!(classify(root, Path::new("content/a.md"), &WRITE), Some(Change::Page(p("a.md"))));
        assert_eq!(classify(root, Path::new("/elsewhere/content/a.md"), &WRITE), None);
        assert_eq!(classify(root, Path::new("../content/a.md"), &WRITE), None);
        assert_eq!(classify(root, Path::new(ROOT), &WRITE), None);
    }
}
