//! `ServeError`: why the dev server or the source watcher could not start.
//! Small and serve-local; request-time problems never become errors, they become HTTP status codes.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}\n  help: pass another address with --bind or port with --port")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("ports {first} to {last} are all in use\n  help: pass a free port with --port")]
    NoFreePort { first: u16, last: u16 },
    #[error("cannot start a dev server thread")]
    Thread(#[source] std::io::Error),
    #[error("cannot start the dev server's HTTP engine\n  help: check that the temp folder is writable")]
    Engine(#[source] std::io::Error),
    #[error("cannot watch {path}\n  help: check that the folder exists and is readable")]
    Watch {
        path: PathBuf,
        #[source]
        source: notify::Error,
    },
}
