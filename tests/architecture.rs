//! The layout ARCHITECTURE.md describes holds: every source file starts with its `//!` summary (as rust-analyzer's
//! own tidy test asks of its files), and every module ARCHITECTURE.md lists exists.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_source_file_starts_with_its_summary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "{} source files found", files.len());
    let missing: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = std::fs::read_to_string(file).expect("source is UTF-8");
            let summary: Vec<&str> = text.lines().take_while(|line| line.starts_with("//!")).collect();
            // Two lines at least, the first one saying something.
            summary.len() < 2 || summary[0].trim_start_matches("//!").trim().len() < 10
        })
        .map(|file| file.strip_prefix(root).unwrap_or(file).display().to_string())
        .collect();
    assert!(missing.is_empty(), "files without a two-line `//!` summary at the top: {missing:#?}");
}

#[test]
fn every_module_the_architecture_names_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let named: Vec<&str> = text.lines().filter_map(|line| line.strip_prefix("| `src/")?.split('`').next()).collect();
    assert!(named.len() >= 15, "{named:?}");
    for module in named {
        assert!(root.join("src").join(module).exists(), "ARCHITECTURE.md names src/{module}, which does not exist");
    }
}
