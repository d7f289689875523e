//! The files a site writes besides its rendered pages: `static/` over the theme's static files, page assets, and
//! the generated one-file views (feeds, sitemap, site.json, Zola's search index); known before any page is rendered.

use crate::config::Config;
use crate::content::{self, Site};
use crate::error::Diagnostic;
use crate::links::Relations;
use crate::output::{self, Contents, OutputFile};
use crate::{feeds, markdown, render, search, theme, walk};
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

/// Everything but rendered pages and the search index (`search::index_files`): static files, page assets,
/// feeds, sitemap, robots.txt, syntax.css. Later files replace earlier ones at the same path, and all of them
/// replace rendered pages. The generated files are made as they are written, each from its own handle on the model.
pub fn site_files(
    root: &Path,
    site: &Arc<Site>,
    config: &Arc<Config>,
    relations: &Arc<Relations>,
    after_content: render::AfterContent,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<OutputFile> {
    let mut files = static_files(root, config, diagnostics);
    files.extend(crate::sass::compile(root, config, diagnostics));
    files.extend(asset_files(root, site));
    files.extend(feeds::Generated::asked_by(config, site).map(|generated| {
        let path = generated.path(site, config);
        let (site, config, relations) = (site.clone(), config.clone(), relations.clone());
        let stream: output::Stream = Box::new(move |out| generated.write_to(&site, &config, &relations, out));
        OutputFile { path, contents: Contents::Stream(stream) }
    }));
    files.extend(crate::twins::twin_streams(site, config, after_content));
    files
}

/// `files` (in `site_files` order) split into the generated ones, which need only the model and are written
/// while the pages render (site.json is 7 MB at 10k pages), and the rest, written after the pages as static
/// files replace them. A generated file at the path of another file stays with the rest, in its place, so the
/// same one of the two is written last.
pub fn generated_first(files: Vec<OutputFile>) -> (Vec<OutputFile>, Vec<OutputFile>) {
    let generated = |file: &OutputFile| matches!(file.contents, Contents::Stream(_));
    let others: HashSet<String> = files.iter().filter(|file| !generated(file)).map(|file| file.path.clone()).collect();
    files.into_iter().partition(|file| generated(file) && !others.contains(&file.path))
}

/// The files a build will write besides its pages and sections, known before any is rendered: `files`, and the
/// taxonomy, term, 404 and alias pages `templates` render (paths relative to the output folder).
pub fn expected_outputs(site: &Site, templates: &render::Templates, files: &[OutputFile]) -> Vec<String> {
    let planned = render::plan_outputs(site, templates).into_iter().filter_map(|output| match output {
        render::Output::Page(_) | render::Output::Section(_) => None,
        other => Some(render::output_path(&other.path(site))),
    });
    files.iter().map(|file| file.path.clone()).chain(planned).collect()
}

/// Outputs that cannot both be written: a file at a path that another output needs as a folder (a page with
/// `path = "style.css"` writes `style.css/index.html`, where `static/style.css` is a file). Returns an error for
/// each, at the front matter that chose the address when a page did, and the outputs not to write.
pub fn folder_conflicts(
    root: &Path,
    site: &Site,
    templates: &render::Templates,
    files: &[OutputFile],
) -> (Vec<crate::error::Diagnostic>, HashSet<String>) {
    use crate::error::{Diagnostic, Location};
    let rendered: Vec<(String, Option<content::Target>)> = render::plan_outputs(site, templates)
        .into_iter()
        .map(|output| {
            let target = match output {
                render::Output::Page(id) => Some(content::Target::Page(id)),
                render::Output::Section(id) => Some(content::Target::Section(id)),
                render::Output::Alias { target, .. } => Some(target),
                _ => None,
            };
            (render::output_path(&output.path(site)), target)
        })
        .collect();
    let file_paths: HashSet<&str> = files.iter().map(|file| file.path.as_str()).collect();
    let all: HashSet<&str> = file_paths.iter().copied().chain(rendered.iter().map(|(path, _)| path.as_str())).collect();
    let maker = |path: &str| -> String {
        match files.iter().rev().find(|file| file.path == path).map(|file| &file.contents) {
            Some(Contents::Copy(from)) => format!("`{}`", from.strip_prefix(root).unwrap_or(from).display()),
            Some(Contents::Embedded(_)) => format!("the built-in theme's `static/{path}`"),
            Some(_) => format!("the generated `{path}`"),
            None => rendered
                .iter()
                .find(|(output, _)| output == path)
                .and_then(|(_, target)| target.map(|t| format!("`{}`", site.document(t).file.as_path().display())))
                .unwrap_or_else(|| format!("`{path}`")),
        }
    };
    let (mut diagnostics, mut blocked) = (Vec::new(), HashSet::new());
    let outputs = rendered.iter().map(|(path, target)| (path.as_str(), *target));
    for (path, target) in outputs.chain(files.iter().map(|file| (file.path.as_str(), None))) {
        let folders = path.match_indices('/').map(|(end, _)| &path[..end]);
        let Some(folder) = folders.into_iter().find(|folder| all.contains(folder)) else {
            continue;
        };
        if !blocked.insert(path.to_string()) {
            continue;
        }
        let at = match target {
            Some(target) => {
                let front_matter = &site.document(target).front_matter;
                let key = ["path", "slug", "aliases"].into_iter().find_map(|key| front_matter.key_lines.get(key));
                Location::new(site.document(target).file.as_path(), key.copied().unwrap_or(0), 1)
            }
            None => Location::file(maker(path).trim_matches('`')),
        };
        diagnostics.push(
            Diagnostic::error(
                at,
                "output",
                format!("`{path}` needs `{folder}` to be a folder, but {} writes a file there", maker(folder)),
            )
            .with_help("give the page another `path` or `slug`, or rename the file: one address, one output"),
        );
    }
    (diagnostics, blocked)
}

/// `static/` over the Zola theme's `static/` (`theme = "name"`), the built-in theme's static files neither
/// replaces, `elasticlunr.min.js` with Zola's search index, and `syntax.css` unless the site has its own (the stylesheets compiled from Sass are `sass`'s). Links
/// out of the site are skipped with a warning (`walk`).
pub fn static_files(root: &Path, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let mut own_static = HashSet::new();
    let links = walk::Links::new(root, config);
    let theme_static = config.theme.as_ref().map(|theme| root.join("themes").join(theme).join("static"));
    // The site's own first: a Zola theme's file at the same path is left out.
    for static_dir in [root.join("static")].into_iter().chain(theme_static) {
        let mut walk = links.walk(&static_dir, walk::prune_nothing);
        for entry in walk.by_ref().flatten() {
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&static_dir).unwrap_or(entry.path());
                let rel = rel.to_string_lossy().replace('\\', "/");
                if own_static.insert(rel.clone()) {
                    files.push(OutputFile { path: rel, contents: Contents::Copy(entry.path().to_path_buf()) });
                }
            }
        }
        diagnostics.extend(walk.warnings());
    }
    for (name, bytes) in theme::STATIC.iter().filter(|_| config.uses_builtin_theme) {
        if !own_static.contains(*name) {
            files.push(OutputFile { path: name.to_string(), contents: Contents::Embedded(bytes) });
        }
    }
    // Zola's search library beside Zola's index, unless the site ships its own (Zola copies static/ last).
    if search::zola::asked_by(config)
        && config.search.index_format.is_elasticlunr()
        && !own_static.contains(search::zola::ELASTICLUNR_PATH)
    {
        let path = search::zola::ELASTICLUNR_PATH.to_string();
        files.push(OutputFile { path, contents: Contents::Embedded(search::zola::ELASTICLUNR_JS) });
    }
    for (name, css) in markdown::zola_stylesheets(config.markdown.highlighting.as_ref()) {
        if !own_static.contains(name) {
            files.push(OutputFile { path: name.into(), contents: Contents::Bytes(css.into_bytes()) });
        }
    }
    if config.uses_builtin_theme && !own_static.contains(markdown::STYLESHEET_PATH) {
        files.push(OutputFile {
            path: markdown::STYLESHEET_PATH.into(),
            contents: Contents::Bytes(markdown::stylesheet().into_bytes()),
        });
    }
    files
}

/// Whether the site uses the built-in theme (`Config::uses_builtin_theme`): an output other than the 404 page is
/// rendered with one of the theme's templates or with a template that extends, includes or imports one
/// (`{% include "partials/search.html" %}`), or one of the site's own templates names one of the theme's static
/// files (or `syntax.css`) that the site does not have itself (`get_url(path="style.css")`). Without a 404.html of
/// its own, such a site's 404 page is Zola's, which needs none of them.
pub fn uses_builtin_theme(root: &Path, config: &Config, site: &Site, templates: &render::Templates) -> bool {
    let outputs = render::plan_outputs(site, templates);
    let mut rendered = outputs.iter().filter(|output| **output != render::Output::NotFound);
    if rendered.any(|output| output.template(site, templates).is_some_and(|name| templates.uses_theme(&name))) {
        return true;
    }
    let theme_static = config.theme.as_ref().map(|theme| root.join("themes").join(theme).join("static"));
    let has_own = |file: &str| {
        root.join("static").join(file).is_file() || theme_static.as_ref().is_some_and(|dir| dir.join(file).is_file())
    };
    let mut theme_files = theme::STATIC.iter().map(|(name, _)| *name).chain([markdown::STYLESHEET_PATH]);
    theme_files.any(|file| templates.own_templates_name(file) && !has_own(file))
}

/// Files beside pages and sections under `content/`, copied next to their output, in the same subfolders.
pub fn asset_files(root: &Path, site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let content_dir = root.join("content");
    let pages = site.pages.iter().map(|p| (&p.doc.path, &p.doc.relative_path, &p.doc.assets));
    // A section that redirects has no page of its own to put them beside, as in Zola.
    let sections = (0..site.sections.len())
        .filter(|&id| render::redirect_of(site, id).is_none())
        .map(|id| &site.sections[id])
        .map(|s| (&s.doc.path, &s.doc.relative_path, &s.doc.assets));
    for (path, relative_path, assets) in pages.chain(sections) {
        for asset in assets {
            files.push(OutputFile {
                path: format!("{}{}", path.trim_start_matches('/'), relative_path.asset_path(asset)),
                contents: Contents::Copy(content_dir.join(asset)),
            });
        }
    }
    files
}

/// The sitemap, robots.txt and Atom feed when config.toml asks for them; llms.txt and site.json, made now into
/// memory: `serve` holds them, with the twins (`after_content` their layouts' lists). Not the search index
/// (`search::index_files`), which `serve` keeps up to date itself.
pub fn generated_files(
    site: &Site,
    config: &Config,
    relations: &Relations,
    after_content: &render::AfterContent,
) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = feeds::Generated::asked_by(config, site)
        .map(|generated| OutputFile {
            path: generated.path(site, config),
            contents: Contents::Bytes(generated.make(site, config, relations).into_bytes()),
        })
        .collect();
    files.extend(crate::twins::twin_files(site, config, after_content));
    files
}

/// What `generated_files` would hold, without making them: the link check of a site held in memory needs to know
/// that `/sitemap.xml` exists, not what it says.
pub fn generated_paths(site: &Site, config: &Config) -> impl Iterator<Item = OutputFile> {
    let twins = crate::twins::twin_paths(site, config);
    let generated: Vec<String> =
        feeds::Generated::asked_by(config, site).map(|generated| generated.path(site, config)).collect();
    generated.into_iter().chain(twins).map(|path| OutputFile { path, contents: Contents::Embedded(b"") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn generated_files_go_first_unless_another_file_shares_their_path() {
        let stream = |path: &str| OutputFile { path: path.into(), contents: Contents::Stream(Box::new(|_| Ok(()))) };
        let copy = |path: &str| OutputFile { path: path.into(), contents: Contents::Copy(PathBuf::from(path)) };
        let files = vec![copy("robots.txt"), copy("style.css"), stream("robots.txt"), stream("site.json")];
        let (first, rest) = generated_first(files);
        let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&first), ["site.json"]);
        // The generated robots.txt still comes after the static one: the same file is written last.
        assert_eq!(paths(&rest), ["robots.txt", "style.css", "robots.txt"]);
        assert!(matches!(rest[2].contents, Contents::Stream(_)), "order within the rest is kept");
    }
}
