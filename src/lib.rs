//! Quire: a folder of Markdown with front matter in, a static website out.
//! `build` reads as the table of contents: `pipeline::prepare` (config → content → markdown → links → templates),
//! `pipeline::produce` (render → link check) into the staging folder, then `output` swaps it in.

pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod feeds;
pub mod git;
pub mod init;
pub mod links;
pub mod markdown;
pub mod mcp;
pub mod output;
mod parallel;
pub mod pipeline;
pub mod render;
pub mod sass;
pub mod search;
pub mod serve;
pub mod shortcodes;
pub mod text;
mod theme;
mod timings;
pub mod twins;
pub mod walk;

use error::{Diagnostic, Error, Result};
use output::Staging;
pub(crate) use parallel::{drop_in_background, PARALLEL_CHUNK};
use pipeline::Purpose;
pub use pipeline::{load_config, Prepared};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};
pub use timings::Timer;

/// What `quire build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` inside the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Warnings fail the build too.
    pub strict: bool,
    /// Links relative to each page with explicit `index.html`, so the output works from `file://`.
    pub offline: bool,
    /// Keep each body's Markdown for its twin even when config.toml does not ask for twins (`quire mcp`).
    pub twins: bool,
}

/// What a successful build did, for the summary line.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site at `options.root` into its output folder, replacing the previous output only on success.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let output = options.output.clone().unwrap_or_else(|| options.root.join("public"));
    output::check_output_dir(&options.root, &output)?;
    let mut prepared = pipeline::prepare(options, Purpose::Build)?;
    // Images processed by the last build are reused from its output, which stays until this one is swapped in.
    prepared.config.image_cache = Some(output.join(render::images::PROCESSED_IMAGES));
    let staging = Staging::create(&output)?;
    let write_error: Mutex<Option<Error>> = Mutex::new(None);
    let produced = pipeline::produce(
        prepared,
        &|file| {
            if let Err(e) = staging.write(file) {
                write_error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
            }
        },
        false,
    );
    if let Some(error) = write_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        staging.abandon();
        return Err(error);
    }
    let diagnostics = produced.diagnostics;
    if diagnostics.iter().any(|d| d.is_error() || options.strict) {
        staging.abandon();
        return Err(Error::Site(diagnostics));
    }
    let files = staging.commit()?;
    let (pages, sections) = (produced.site.pages.len(), produced.site.sections.len());
    drop_in_background(produced.site);
    Ok(BuildReport {
        pages,
        sections,
        files,
        elapsed: started.elapsed(),
        output: output::absolute(&output),
        warnings: diagnostics,
    })
}
