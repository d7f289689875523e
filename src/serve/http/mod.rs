//! The HTTP side of `quire serve`: our listener, each connection's request heads read under hard limits, then
//! tiny_http answering from the in-memory site. Never reads the disk and never builds.
//!
//! Parts: `server` (listener, start and graceful stop), `guard` (one client connection: request heads read
//! under hard limits by `head`, then passed to the engine), `engine` (tiny_http on a private Unix socket and the
//! bounded worker pool answering it), `connections` (the bound on open connections), `target` (request target
//! to a clean path, refusing traversal tricks), `route` (clean path to a reply), `host` (DNS-rebinding
//! defence), `served_site` (files with their types and ETags), `mime` and `range`.

// The engine reaches tiny_http over a Unix socket in a 0700 folder (engine.rs), so no other local user can talk
// to it around the guard; that is the one Unix-only part of Quire. Say so at compile time rather than fail later.
#[cfg(not(unix))]
compile_error!(
    "quire serve's HTTP engine needs Unix sockets (src/serve/http/engine.rs); this platform is not supported"
);

mod connections;
mod engine;
mod guard;
mod head;
mod host;
mod mime;
mod range;
mod route;
mod served_site;
mod server;
mod target;

pub use server::{Server, ServerConfig, StartNotice};
