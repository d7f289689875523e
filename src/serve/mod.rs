//! The `quire serve` dev server: the built site held in memory, served over HTTP on 127.0.0.1 with live reload.
//! Never reads the disk to answer a request and never calls the build pipeline: the caller publishes each build.
//!
//! Parts: `server` (listener, start and graceful stop), `guard` (one client connection: request heads read
//! under hard limits by `http`, then passed to the engine), `engine` (tiny_http on a private Unix socket and the
//! bounded worker pool answering it), `connections` (the bound on open connections, evicting the longest
//! idle), `target` (request target to a clean path, refusing traversal tricks), `route` (clean path to a
//! reply), `host` (DNS-rebinding defence), `events` (live-reload streams, one thread for all of them),
//! `live` (the script and the tag added to HTML), `watch` + `change` (source files to `Change` batches).

mod change;
mod connections;
mod engine;
mod error;
mod events;
mod guard;
mod host;
mod http;
mod live;
mod mime;
mod range;
mod route;
mod served_site;
mod server;
mod site_files;
mod target;
pub mod watch;

pub use change::{classify, Change};
pub use error::ServeError;
pub use events::{ErrorReport, Problem, Reload};
pub use server::{Server, ServerConfig, StartNotice};
pub use site_files::SiteFiles;
pub use watch::{watch_sources, Debounce, SourceWatch};
pub mod rebuild;
pub mod session;
