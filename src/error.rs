//! The one error type of Quire, and the diagnostics that stages collect while they keep going.
//! A `Diagnostic` names a file relative to the site root, a 1-based line and column, and the fix.

use std::fmt;
use std::path::{Path, PathBuf};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where in a user's file something went wrong. `line` and `column` are 1-based; 0 means unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: usize, column: usize) -> Location {
        Location { file: file.into(), line, column }
    }

    /// A location for a whole file, when no line can be named.
    pub fn file(file: impl Into<PathBuf>) -> Location {
        Location::new(file, 0, 0)
    }

    /// The location of byte `offset` in `text`, which starts at `self` (for slices of a file).
    pub fn offset_in(file: impl Into<PathBuf>, text: &str, offset: usize) -> Location {
        let (line, column) = line_column(text, offset);
        Location::new(file, line, column)
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => write!(f, "{file}"),
            (line, 0) => write!(f, "{file}:{line}"),
            (line, column) => write!(f, "{file}:{line}:{column}"),
        }
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the site, with the fix stated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    #[serde(flatten)]
    pub at: Location,
    /// What kind of problem: "front matter", "link", "template"...
    pub kind: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(at: Location, kind: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, at, kind, message: message.into(), help: None }
    }

    pub fn warning(at: Location, kind: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, at, kind, message: message.into(), help: None }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {level}: {}: {}", self.at, self.kind, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// The values of `results`, with the diagnostics of the failed ones moved to `diagnostics`.
pub fn values_and_diagnostics<T>(results: Vec<Result<T, Diagnostic>>, diagnostics: &mut Vec<Diagnostic>) -> Vec<T> {
    let mut values = Vec::with_capacity(results.len());
    for result in results {
        match result {
            Ok(value) => values.push(value),
            Err(diagnostic) => diagnostics.push(diagnostic),
        }
    }
    values
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", summarize(.0))]
    Site(Vec<Diagnostic>),
    #[error("refusing to write to `{path}`: {reason}\n  help: {help}")]
    OutputRefused { path: PathBuf, reason: String, help: String },
    #[error("{0}")]
    Usage(String),
    /// The dev server or its watcher could not start: a problem of the machine or the site, not of the command.
    #[error(transparent)]
    Serve(#[from] crate::serve::ServeError),
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io { path: path.to_path_buf(), source }
    }

    /// The diagnostics behind this error, if it is a site error.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Site(diagnostics) => diagnostics,
            _ => &[],
        }
    }
}

fn summarize(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let mut text = String::new();
    for diagnostic in diagnostics {
        text.push_str(&diagnostic.to_string());
        text.push('\n');
    }
    text.push_str(&format!("build failed: {errors} error{}", if errors == 1 { "" } else { "s" }));
    text
}

/// Thin wrappers over `std::fs` that attach the path to every error.
pub mod fs {
    use super::{Error, Result};
    use std::path::Path;

    pub fn read(path: &Path) -> Result<Vec<u8>> {
        std::fs::read(path).map_err(|e| Error::io(path, e))
    }

    pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
        std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
    }

    pub fn create_dir_all(path: &Path) -> Result<()> {
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))
    }

    pub fn copy(from: &Path, to: &Path) -> Result<()> {
        std::fs::copy(from, to).map(|_| ()).map_err(|e| Error::io(from, e))
    }

    pub fn rename(from: &Path, to: &Path) -> Result<()> {
        std::fs::rename(from, to).map_err(|e| Error::io(from, e))
    }

    pub fn remove_dir_all(path: &Path) -> Result<()> {
        std::fs::remove_dir_all(path).map_err(|e| Error::io(path, e))
    }

    pub fn read_to_string_opt(path: &Path) -> Result<Option<String>> {
        match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| {
                Error::io(path, std::io::Error::new(std::io::ErrorKind::InvalidData, "file is not valid UTF-8"))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_from_one() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 7), (2, 4));
        assert_eq!(line_column(text, 100), (3, 2));
    }

    #[test]
    fn diagnostic_reads_like_a_compiler() {
        let d = Diagnostic::error(Location::new("content/a.md", 4, 1), "front matter", "unknown field `titel`")
            .with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:4:1: error: front matter: unknown field `titel`\n  help: did you mean `title`?"
        );
    }
}
