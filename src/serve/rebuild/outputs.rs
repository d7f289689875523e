//! Rendered files with what each render used (its template and the views it read), and the renders of a batch
//! of outputs in parallel with `render::render_output`, recording those `Dep`s as they happen.

use crate::render::deps::{recording, Dep};
use crate::render::{output_path, render_output, Lookups, Output, RenderFailure, Templates};
use crate::serve::SiteFiles;
use rayon::prelude::*;
use std::sync::Arc;

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
    pub result: Result<Option<Arc<[u8]>>, RenderFailure>,
}

/// Renders `outputs` in parallel, each with its own dependency recording. A page that comes out as `files`
/// holds it is dropped as soon as it is made, so a rebuild in `serve` holds only the pages that changed
/// beside the site still served, never a second copy of the whole site. The others are moved into the bytes
/// the served site keeps on the thread that rendered them: the allocator reuses the render's buffer for the
/// next page, and the copy drops the slack of a `String` grown by doubling (10k pages: a start-up peak of
/// 385 MB instead of 478 when they were all copied on one thread afterwards).
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
            let result = result.map(|page| {
                (files.get(&file) != Some(page.html.as_bytes())).then(|| Arc::<[u8]>::from(page.html.as_bytes()))
            });
            Render { file, record: Record { output, template, deps }, result }
        })
        .collect()
}
