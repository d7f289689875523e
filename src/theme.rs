//! The built-in theme: this repository's `templates/` and `static/`, embedded at compile time.
//! A site's own files override these file by file.

include!(concat!(env!("OUT_DIR"), "/theme.rs"));
