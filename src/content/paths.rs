//! The two paths every document has, as types so one is never passed for the other: `SourcePath` names its
//! file under `content/` (what `@/` links say), `SitePath` the URL path of its output folder (`Config::permalink`).

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::path::Path;

/// A file's path under `content/`, with `/` on every platform: `principles/sovereignty.md`, `_index.md`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourcePath(String);

/// A site path from the site's root, starting and ending with `/`: `/`, `/principles/sovereignty/`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SitePath(String);

impl SourcePath {
    /// `rel` relative to `content/`, in any platform's separators.
    pub fn from_relative(rel: &Path) -> Self {
        SourcePath(slash_path(rel))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folder a section's `_index.md` stands for: `principles/_index.md` (or another language's
    /// `principles/_index.fr.md`) → `principles`; `_index.md` → ``.
    pub fn section_dir(&self) -> &str {
        parent_dir(&self.0)
    }

    /// Whether this page is a bundle's `index.md` (`index.fr.md` for a page in `fr`, Zola's `[languages]`).
    pub fn is_bundle_index(&self, lang: Option<&str>) -> bool {
        let name = self.0.rsplit('/').next().unwrap_or(&self.0);
        match lang {
            None => name == "index.md",
            Some(lang) => name.strip_prefix("index.").and_then(|rest| rest.strip_suffix(".md")) == Some(lang),
        }
    }

    /// The folder whose section owns a page of language `lang`: `a/b.md` → `a`, and a bundle's `a/b/index.md`
    /// (`a/b/index.fr.md`) → `a` too.
    pub fn page_section_dir(&self, lang: Option<&str>) -> &str {
        let dir = parent_dir(&self.0);
        if self.is_bundle_index(lang) {
            parent_dir(dir)
        } else {
            dir
        }
    }

    /// Where an asset goes under the owner's output folder: its path under the folder of this file
    /// (`photos/a.png` for `blog/trip/photos/a.png` of the bundle `blog/trip/index.md`).
    pub fn asset_path(&self, asset: &Path) -> String {
        let owner_dir = Path::new(&self.0).parent().unwrap_or(Path::new(""));
        match asset.strip_prefix(owner_dir) {
            Ok(inside) => slash_path(inside),
            Err(_) => asset.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }
}

impl SitePath {
    /// `/a/b/` from path components, empty ones skipped; `/` for none.
    pub fn from_components(components: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        let mut path = String::from("/");
        for component in components {
            let component = component.as_ref();
            if !component.is_empty() {
                path.push_str(component);
                path.push('/');
            }
        }
        SitePath(path)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `path` with `/` between its parts, whatever the platform.
pub fn slash_path(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// `a/b/c` → `a/b`; `a` → ``.
pub(super) fn parent_dir(dir: &str) -> &str {
    dir.rfind('/').map_or("", |i| &dir[..i])
}

// Both read as the strings they are (`Deref`, `Display`, lookups by `&str`): the types keep them apart where a
// path is stored or passed, not where it is printed or compared.
macro_rules! string_path {
    ($name:ident) => {
        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// For literal paths (`"_index.md"`, `"/"`); computed ones come from the constructors above.
        impl From<&str> for $name {
            fn from(path: &str) -> Self {
                $name(path.to_string())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }
    };
}

string_path!(SourcePath);
string_path!(SitePath);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_and_page_folders() {
        assert_eq!(SourcePath::from_relative(Path::new("a/b/_index.md")).section_dir(), "a/b");
        assert_eq!(SourcePath::from_relative(Path::new("_index.md")).section_dir(), "");
        assert_eq!(SourcePath::from_relative(Path::new("a/b/_index.fr.md")).section_dir(), "a/b");
        assert_eq!(SourcePath::from_relative(Path::new("a/b.md")).page_section_dir(None), "a");
        assert_eq!(SourcePath::from_relative(Path::new("a/b/index.md")).page_section_dir(None), "a");
        assert_eq!(SourcePath::from_relative(Path::new("index.md")).page_section_dir(None), "");
        assert_eq!(SourcePath::from_relative(Path::new("a/b/index.fr.md")).page_section_dir(Some("fr")), "a");
        // Without that language, `index.fr.md` is a page of its own, not a bundle.
        assert_eq!(SourcePath::from_relative(Path::new("a/index.fr.md")).page_section_dir(None), "a");
    }

    #[test]
    fn assets_keep_their_place_under_the_owner() {
        let owner = SourcePath::from_relative(Path::new("blog/trip/index.md"));
        assert_eq!(owner.asset_path(Path::new("blog/trip/photos/a.png")), "photos/a.png");
        assert_eq!(owner.asset_path(Path::new("elsewhere/b.png")), "b.png");
    }

    #[test]
    fn site_paths_start_and_end_with_a_slash() {
        assert_eq!(SitePath::from_components(Vec::<String>::new()).as_str(), "/");
        assert_eq!(SitePath::from_components(["a", "", "b"]).as_str(), "/a/b/");
    }
}
