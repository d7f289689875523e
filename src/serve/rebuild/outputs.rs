//! Rendered files with what each render used (its template and the views it read), and the renders of a batch
//! of outputs in parallel with `render::render_output`, recording those `Dep`s as they happen.

use crate::render::deps::{recording, Dep};
use crate::render::{output_path, render_output, Lookups, Output, RenderFailure, Templates};
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
    pub result: Result<String, RenderFailure>,
}

/// Renders `outputs` in parallel, each with its own dependency recording.
pub fn render_outputs(templates: &Templates, lookups: &Lookups, outputs: Vec<Output>) -> Vec<Render> {
    outputs
        .into_par_iter()
        .map(|output| {
            let (result, deps) = recording(|| render_output(templates, lookups, &output));
            let file = output_path(&output.path(&lookups.site));
            let template = output.template(&lookups.site);
            Render { file, record: Record { output, template, deps }, result: result.map(|page| page.html) }
        })
        .collect()
}
