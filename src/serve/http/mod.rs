//! The HTTP side of `quire serve`: our listener, each connection's request heads read under hard limits and
//! answered from the in-memory site on the connection's own thread. Never reads the disk and never builds.
//!
//! Parts: `server` (listener, start and graceful stop), `guard` (one client connection: request heads read under
//! hard limits and slowloris deadlines by `head`, answers written), `respond` (Host and method checks, live-reload
//! URLs), `connections` (the bound on open connections), `target` (request target to a clean path, refusing
//! traversal tricks), `route` (clean path to a reply), `host` (DNS-rebinding defence), `served_site` (files with
//! their types and ETags), `mime` and `range`. Portable: std's TCP only, nothing Unix-specific.

mod connections;
mod guard;
mod head;
mod host;
mod mime;
mod range;
mod respond;
mod route;
mod served_site;
mod server;
mod target;

pub use server::{Server, ServerConfig, StartNotice};
