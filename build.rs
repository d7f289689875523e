//! Embeds the repository's own `templates/` and `static/` (the built-in theme) into the binary.
//! Writes `$OUT_DIR/theme.rs` with one `include_bytes!` per file, so edits to the theme rebuild Quire.

use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    for (name, dir) in [("TEMPLATES", "templates"), ("STATIC", "static")] {
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        let mut files = Vec::new();
        collect(&base, &mut files);
        files.sort();
        code.push_str(&format!("pub static {name}: &[(&str, &[u8])] = &[\n"));
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let rel = file.strip_prefix(&base).expect("file is under its folder").to_string_lossy().replace('\\', "/");
            code.push_str(&format!("    ({rel:?}, include_bytes!({:?})),\n", file.display().to_string()));
        }
        code.push_str("];\n");
    }
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("theme.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // Folders are watched too, so adding a file reruns this script.
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if !path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
            files.push(path);
        }
    }
}
