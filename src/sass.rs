//! `compile_sass = true`: every `.scss` / `.sass` file of `sass/` (and of the theme's `sass/`) that is not a
//! partial (`_name.scss`) compiled to CSS with grass, Zola's compiler, at the same path with `.css`. Writes nothing.

use crate::config::Config;
use crate::error::{Diagnostic, Location};
use crate::output::{Contents, OutputFile};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The compiled stylesheets, each at its output path (`sass/a/b.scss` → `a/b.css`); a stylesheet that does not
/// compile is a diagnostic at its file and line instead. The site's file replaces the theme's at the same path.
pub fn compile(root: &Path, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    if !config.compile_sass {
        return Vec::new();
    }
    let mut folders = Vec::new();
    if let Some(theme) = &config.theme {
        folders.push(Path::new("themes").join(theme).join("sass"));
    }
    folders.push(PathBuf::from("sass"));
    // Output path → (source relative to the root, its folder): later folders replace earlier ones.
    let mut sources: BTreeMap<String, (PathBuf, PathBuf)> = BTreeMap::new();
    for folder in &folders {
        let full = root.join(folder);
        for entry in walkdir::WalkDir::new(&full).follow_links(true).sort_by_file_name().into_iter().flatten() {
            let path = entry.path();
            let is_sass = path.extension().is_some_and(|e| e == "scss" || e == "sass");
            let partial = entry.file_name().to_string_lossy().starts_with('_');
            if !entry.file_type().is_file() || !is_sass || partial {
                continue;
            }
            let inner = path.strip_prefix(&full).unwrap_or(path).with_extension("css");
            let output = inner.to_string_lossy().replace('\\', "/");
            sources.insert(output, (folder.join(path.strip_prefix(&full).unwrap_or(path)), folder.clone()));
        }
    }
    let results: Vec<Result<OutputFile, Diagnostic>> = sources
        .into_par_iter()
        .map(|(output, (source, folder))| {
            compile_one(root, &source, &folder)
                .map(|css| OutputFile { path: output, contents: Contents::Bytes(css.into_bytes()) })
        })
        .collect();
    crate::error::values_and_diagnostics(results, diagnostics)
}

/// The Sass file (and its `sass/` folder) that `compile` makes the stylesheet at `css_path` from (`abridge.css`:
/// `sass/abridge.scss`, else the theme's): what `get_hash` hashes for a stylesheet the build makes, as Zola finds
/// it in its output. `None` when no Sass file makes it.
pub fn stylesheet_source(root: &Path, theme: Option<&str>, css_path: &str) -> Option<(PathBuf, PathBuf)> {
    let stem = css_path.trim_start_matches('/').strip_suffix(".css")?;
    let mut folders = vec![PathBuf::from("sass")];
    folders.extend(theme.map(|theme| Path::new("themes").join(theme).join("sass")));
    folders.into_iter().find_map(|folder| {
        let source = ["scss", "sass"].iter().map(|ext| folder.join(format!("{stem}.{ext}"))).find(|source| {
            let partial = source.file_name().is_some_and(|name| name.to_string_lossy().starts_with('_'));
            !partial && root.join(source).is_file()
        })?;
        Some((source, folder))
    })
}

/// One stylesheet compiled as `compile` compiles it.
pub fn compile_stylesheet(root: &Path, source: &Path, folder: &Path) -> Result<String, Diagnostic> {
    compile_one(root, source, folder)
}

/// One stylesheet, its `@use` and `@import` found beside it or in its `sass/` folder.
fn compile_one(root: &Path, source: &Path, folder: &Path) -> Result<String, Diagnostic> {
    let full = root.join(source);
    let options = grass::Options::default()
        .style(grass::OutputStyle::Compressed)
        .load_path(root.join(folder))
        .quiet(true)
        .unicode_error_messages(false);
    grass::from_path(&full, &options).map_err(|error| match error.kind() {
        grass::ErrorKind::ParseError { message, loc, .. } => {
            // The error may be in a partial the stylesheet uses: name that file, relative to the root.
            let file = Path::new(loc.file.name());
            let file = file.strip_prefix(root).unwrap_or(file).to_path_buf();
            Diagnostic::error(Location::new(file, loc.begin.line + 1, loc.begin.column + 1), "sass", message)
                .with_help("fix the Sass at this position (https://sass-lang.com/documentation)")
        }
        other => Diagnostic::error(Location::file(source), "sass", format!("cannot compile: {other:?}"))
            .with_help("Sass files must be readable UTF-8 text"),
    })
}
