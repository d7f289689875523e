//! Arbitrary bytes (as UTF-8 text) through `split_front_matter` and `parse_front_matter`, as pages and as sections.
//! Never panics; the split always covers the text; every diagnostic names a line and column inside the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::content::front_matter::{parse_front_matter, split_front_matter, Kind};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("content/fuzz.md");
    let lines = text.split('\n').count();
    let split = match split_front_matter(text, file) {
        Ok(split) => split,
        Err(diagnostic) => {
            assert!(diagnostic.is_error());
            assert_eq!((diagnostic.at.line, diagnostic.at.column), (1, 1));
            return;
        }
    };
    assert!(split.body_offset <= text.len());
    assert_eq!(&text[split.body_offset..], split.body);
    assert!(split.front_matter_offset <= split.body_offset);
    assert_eq!(
        &text[split.front_matter_offset..split.front_matter_offset + split.front_matter.len()],
        split.front_matter
    );
    for kind in [Kind::Page, Kind::Section] {
        let mut diagnostics = Vec::new();
        let front_matter = parse_front_matter(text, &split, file, kind, &mut diagnostics);
        if front_matter.is_none() {
            assert!(diagnostics.iter().any(|d| d.is_error()), "failed without an error: {diagnostics:?}");
        }
        for diagnostic in &diagnostics {
            assert!(diagnostic.at.line >= 1 && diagnostic.at.line <= lines, "{diagnostic}");
            assert!(diagnostic.at.column >= 1, "{diagnostic}");
            let _ = diagnostic.to_string();
        }
    }
});
