//! `quire init`: writes a starter site that uses the built-in theme and builds at once.
//! Never overwrites an existing file.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Writes the starter site into `dir`; returns the files written.
pub fn init_site(dir: &Path, title: &str, base_url: &str, force: bool) -> Result<Vec<PathBuf>> {
    let _ = (dir, title, base_url, force);
    Err(Error::Usage("quire init is not implemented yet".into()))
}
