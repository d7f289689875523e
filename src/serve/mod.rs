//! The `quire serve` dev server: the built site held in memory, served over HTTP on 127.0.0.1 with live reload.
//! Never reads the disk to answer a request; `session` runs the loop that builds, publishes and rebuilds.
//!
//! Subsystems: `http` (the listener, request heads under hard limits, routing a clean path to a reply),
//! `watch` (source files to debounced `Change` batches), `live` (the live-reload script and its event streams),
//! `rebuild` (a `LiveSite` updated in place per batch) and `session` (the loop tying them together).

mod error;
mod http;
mod live;
mod site_files;
pub mod watch;

pub use error::ServeError;
pub use http::{Server, ServerConfig, StartNotice};
pub use live::{ErrorReport, Problem, Reload};
pub use site_files::SiteFiles;
pub use watch::{classify, watch_sources, Change, Debounce, SourceWatch};
pub mod rebuild;
pub mod session;
