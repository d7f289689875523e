//! `quire init`: writes a starter site (from files embedded in the binary) that uses the built-in theme and
//! builds at once. Refuses a folder that has visible files unless forced, and never overwrites any file.

use crate::error::{fs, Error, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The starter site: path inside the new site, text. `config.toml` has `__TITLE__` and `__BASE_URL__` to fill.
const STARTER: &[(&str, &str)] = &[
    ("config.toml", include_str!("init/config.toml")),
    ("content/_index.md", include_str!("init/content/_index.md")),
    ("content/guide/_index.md", include_str!("init/content/guide/_index.md")),
    ("content/guide/getting-started.md", include_str!("init/content/guide/getting-started.md")),
    ("content/guide/writing-pages.md", include_str!("init/content/guide/writing-pages.md")),
];

/// Writes the starter site into `dir` (created if needed); returns the files written, in order.
/// With `force`, a folder with files is accepted, but files already there are kept as they are.
pub fn init_site(dir: &Path, title: &str, base_url: &str, force: bool) -> Result<Vec<PathBuf>> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage(format!("`{}` is a file, not a folder", dir.display())));
    }
    if !force {
        if let Some(first) = visible_entry(dir)? {
            return Err(Error::Usage(format!(
                "`{}` is not empty (it holds `{first}`)\n  help: choose a new or empty folder, or pass --force to add the \
                 starter files anyway (files already there are never overwritten)",
                dir.display()
            )));
        }
    }
    let mut written = Vec::new();
    for (name, text) in STARTER {
        let text = match *name {
            "config.toml" => fill_config(text, title, base_url),
            _ => text.to_string(),
        };
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        if write_new(&path, text.as_bytes())? {
            written.push(path);
        }
    }
    Ok(written)
}

/// The name of a file or folder in `dir` that is not hidden (dotfiles such as `.git` are fine).
fn visible_entry(dir: &Path) -> Result<Option<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in entries {
        let name = entry.map_err(|e| Error::io(dir, e))?.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

/// Creates `path` with `bytes`; `false` when a file is already there (it is left untouched).
fn write_new(path: &Path, bytes: &[u8]) -> Result<bool> {
    let mut file = match std::fs::OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(Error::io(path, e)),
    };
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    Ok(true)
}

fn fill_config(template: &str, title: &str, base_url: &str) -> String {
    let quote = |text: &str| toml::Value::String(text.to_string()).to_string();
    template.replace("__TITLE__", &quote(title)).replace("__BASE_URL__", &quote(base_url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_values_are_quoted_for_toml() {
        let config = fill_config(STARTER[0].1, "Ops \"runbook\" \\ notes", "https://example.org/docs/");
        let table: toml::Table = toml::from_str(&config).expect("the starter config is valid TOML");
        assert_eq!(table["title"].as_str(), Some("Ops \"runbook\" \\ notes"));
        assert_eq!(table["base_url"].as_str(), Some("https://example.org/docs"));
    }

    #[test]
    fn refuses_a_folder_with_files_but_not_dotfiles() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join(".git")).expect("writable");
        let written = init_site(dir.path(), "T", "https://example.org", false).expect("dotfiles are fine");
        assert_eq!(written.len(), STARTER.len());
        let again = init_site(dir.path(), "T", "https://example.org", false).unwrap_err();
        assert!(again.to_string().contains("is not empty"), "{again}");
    }

    #[test]
    fn force_never_overwrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("config.toml"), "title = \"mine\"\n").expect("writable");
        let written = init_site(dir.path(), "T", "https://example.org", true).expect("forced");
        assert_eq!(written.len(), STARTER.len() - 1);
        assert!(!written.contains(&dir.path().join("config.toml")));
        let config = std::fs::read_to_string(dir.path().join("config.toml")).expect("readable");
        assert_eq!(config, "title = \"mine\"\n");
    }
}
