//! `quire check`: runs every stage but `output` and reports all diagnostics in one go.
//! Writes nothing; external links are checked only when asked.

use crate::error::{Diagnostic, Result};
use std::path::PathBuf;

#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub drafts: bool,
    /// Also check http(s) links (network).
    pub external: bool,
}

/// Every problem of the site at `options.root`, errors and warnings.
pub fn check_site(options: &CheckOptions) -> Result<Vec<Diagnostic>> {
    let build = crate::BuildOptions {
        root: options.root.clone(),
        drafts: options.drafts,
        ..Default::default()
    };
    let (config, mut diagnostics) = crate::load_config(&build)?;
    crate::generate(&options.root, config, false, &mut diagnostics, &|_| {});
    Ok(diagnostics)
}
