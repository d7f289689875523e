//! The files of the live site that are not rendered pages (static/, the theme's static files, syntax.css, assets,
//! sitemap, robots.txt, feed) read or made again, and every file change of an update, kept as upserts and removals.

use super::{FullRebuild, LiveSite};
use crate::error::{Diagnostic, Location};
use crate::output::{Contents, OutputFile};
use crate::serve::site_files::FileBytes;
use std::collections::{HashMap, HashSet};

/// Who wrote a file that is not a rendered page; later kinds replace earlier ones at the same path, as in
/// `site_files`, and all of them replace rendered pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Layer {
    Static,
    Asset,
    Generated,
}

/// Files to replace and remove at the end of an update; the bytes are those the served site will share.
#[derive(Default)]
pub(super) struct FileChanges {
    pub upserts: HashMap<String, FileBytes>,
    pub removals: Vec<String>,
}

impl LiveSite {
    /// `static/` (with the theme's files and syntax.css) read again where `changed` says, or whole when a
    /// changed path is a folder. Returns the rendered outputs a removed static file had hidden.
    pub(super) fn refresh_static(&mut self, changed: &[String], files: &mut FileChanges) -> Vec<String> {
        let mut now: Vec<OutputFile> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut found = Vec::new();
        let mut statics = crate::pipeline::files::static_files(&self.options.root, &self.config, &mut found);
        statics.extend(crate::sass::compile(&self.options.root, &self.config, &mut found));
        for file in statics {
            match index.get(&file.path) {
                Some(&i) => now[i] = file,
                None => {
                    index.insert(file.path.clone(), now.len());
                    now.push(file);
                }
            }
        }
        let before: HashSet<String> =
            self.owners.iter().filter(|(_, &layer)| layer == Layer::Static).map(|(path, _)| path.clone()).collect();
        let everything = changed.iter().any(|path| !before.contains(path) && !index.contains_key(path));
        self.problems.files.retain(|d| !d.at.file.starts_with("static") && d.kind != "sass");
        self.problems.files.extend(found);
        let mut uncovered = Vec::new();
        for path in before.iter().filter(|path| !index.contains_key(*path)) {
            self.owners.remove(path);
            if self.records.contains_key(path) {
                uncovered.push(path.clone());
            } else {
                files.upserts.remove(path);
                files.removals.push(path.clone());
            }
        }
        for file in now {
            if everything || !before.contains(&file.path) || changed.contains(&file.path) {
                self.put_file(Layer::Static, file, files);
            }
        }
        uncovered
    }

    /// A file beside a page or section, copied again; a new or removed one changes the model.
    pub(super) fn refresh_asset(&mut self, asset: &str, files: &mut FileChanges) -> Result<(), FullRebuild> {
        let source = self.options.root.join("content").join(asset);
        let copies: Vec<OutputFile> = crate::pipeline::files::asset_files(&self.options.root, &self.site)
            .into_iter()
            .filter(|file| matches!(&file.contents, Contents::Copy(from) if *from == source))
            .collect();
        if copies.is_empty() || !source.is_file() {
            return Err(FullRebuild(format!("content/{asset} was added or removed")));
        }
        for file in copies {
            self.put_file(Layer::Asset, file, files);
        }
        Ok(())
    }

    /// The images renders asked for and this session has not made yet (or whose source changed since).
    pub(super) fn put_images(&mut self, files: &mut FileChanges) {
        self.problems.files.retain(|d| d.kind != "image");
        let mut problems = Vec::new();
        for file in self.templates.images.process(None, &mut problems) {
            self.put_file(Layer::Asset, file, files);
        }
        self.problems.files.extend(problems);
    }

    /// Sitemap, robots.txt, feed and Markdown twins made again from the model (the twins with what layouts show
    /// after a body, rendered again with the templates of now).
    pub(super) fn refresh_generated(&mut self, files: &mut FileChanges) {
        let after_content = match self.config.markdown_twins {
            true => crate::render::after_content_all(&self.templates, &self.attach_lookups()),
            false => crate::render::AfterContent::new(),
        };
        let generated =
            crate::pipeline::files::generated_files(&self.site, &self.config, &self.relations, &after_content);
        for file in generated {
            self.put_file(Layer::Generated, file, files);
        }
    }

    /// Drops a generated file that is no longer made (a search index file). A static file at the same path
    /// would show again in a fresh build; none is expected under `search/`, so none is looked for.
    pub(super) fn drop_generated(&mut self, path: &str, files: &mut FileChanges) {
        if self.owners.get(path) == Some(&Layer::Generated) {
            self.owners.remove(path);
            files.upserts.remove(path);
            files.removals.push(path.to_string());
        }
    }

    pub(super) fn put_file(&mut self, layer: Layer, file: OutputFile, files: &mut FileChanges) {
        let source = match &file.contents {
            Contents::Copy(path) => path.strip_prefix(&self.options.root).unwrap_or(path).to_path_buf(),
            _ => file.path.clone().into(),
        };
        match file.contents.into_bytes() {
            Ok(bytes) => self.put(Some(layer), file.path, FileBytes::hold(&bytes), files),
            Err(e) => self.problems.files.push(
                Diagnostic::error(Location::file(source), "file", e.to_string())
                    .with_help("check that the file exists and is readable"),
            ),
        }
    }

    /// Replaces the file at `path` unless a later kind of file owns it; `None` is a rendered page.
    pub(super) fn put(&mut self, layer: Option<Layer>, path: String, bytes: FileBytes, files: &mut FileChanges) {
        if self.files.held(&path) == Some(&bytes) {
            return self.keep(layer, &path, files);
        }
        if layer < self.owners.get(&path).copied() {
            return;
        }
        if let Some(layer) = layer {
            self.owners.insert(path.clone(), layer);
        }
        files.removals.retain(|removed| *removed != path);
        files.upserts.insert(path, bytes);
    }

    /// `put` of the bytes the site already has at `path`: nothing to replace, and nothing to remove.
    pub(super) fn keep(&mut self, layer: Option<Layer>, path: &str, files: &mut FileChanges) {
        if layer < self.owners.get(path).copied() {
            return;
        }
        if let Some(layer) = layer {
            self.owners.insert(path.to_string(), layer);
        }
        files.removals.retain(|removed| removed != path);
        files.upserts.remove(path);
    }
}
