//! Rendered files with what each render used (its template and the views it read), and the renders of a batch
//! of outputs in parallel with `render::render_output`, recording those `Dep`s as they happen.

use crate::render::deps::{recording, Dep};
use crate::render::{output_path, render_output, Lookups, Output, RenderFailure, Templates};
use crate::serve::site_files::FileBytes;
use crate::serve::SiteFiles;
use rayon::prelude::*;

/// How one output file was last rendered.
#[derive(Debug, Clone)]
pub struct Record {
    pub output: Output,
    pub template: Option<String>,
    pub deps: Vec<Dep>,
}

/// One render's result, keyed by its file path under the output root ("a/b/index.html").
pub struct Render {
    pub file: String,
    pub record: Record,
    /// The HTML, or `None` when it is byte for byte what `files` already holds at that path.
    pub result: Result<Option<FileBytes>, RenderFailure>,
}

/// Renders `outputs` in parallel, each with its own dependency recording. A page that comes out as `files`
/// holds it is dropped as soon as it is made, so a rebuild in `serve` holds only the pages that changed
/// beside the site still served, never a second copy of the whole site. The others are compressed into the
/// bytes the served site keeps (`FileBytes`) on the thread that rendered them: the allocator reuses the
/// render's buffer for the next page, and the whole site is never held uncompressed.
pub fn render_outputs(
    templates: &Templates,
    lookups: &Lookups,
    outputs: Vec<Output>,
    files: &SiteFiles,
) -> Vec<Render> {
    outputs
        .into_par_iter()
        .map(|output| {
            let (result, deps) = recording(|| render_output(templates, lookups, &output));
            let file = output_path(&output.path(&lookups.site));
            let template = output.template(&lookups.site, templates);
            let result = result
                .map(|page| (!files.holds(&file, page.html.as_bytes())).then(|| FileBytes::hold(page.html.as_bytes())));
            Render { file, record: Record { output, template, deps }, result }
        })
        .collect()
}
