//! The HTTP engine: tiny_http on a private Unix socket parses each request the guard passed on, and a bounded
//! pool of workers answers it from the in-memory site. Never sees a client socket or a head nobody has checked.
//!
//! The socket lives in a fresh 0700 folder, so no other user can reach tiny_http around the guard. A request for
//! `/__quire/events` gives its response writer to the broadcaster, so held-open streams never occupy a worker.

use std::fs;
use std::io::{self, Cursor};
use std::os::unix::fs::{DirBuilderExt, MetadataExt};
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use tiny_http::{Header, StatusCode};

use super::head::{RequestHead, Response, Version};
use super::host::host_allowed;
use super::route::{answer, ConditionalHeaders};
use super::server::Shared;
use super::target::clean_target;
use crate::serve::live;

/// tiny_http serving on a private socket, and the workers taking its requests.
pub struct Engine {
    server: Arc<tiny_http::Server>,
    workers: Vec<JoinHandle<()>>,
    /// Tells a worker woken by `unblock` to end.
    stopping: Arc<AtomicBool>,
}

/// A 0700 folder of our own in the temp folder holding the engine's socket; removed on drop.
#[derive(Debug)]
pub struct PrivateSocket {
    dir: PathBuf,
    path: PathBuf,
}

/// Socket paths are limited to about 108 bytes; a longer temp folder falls back to /tmp.
const SOCKET_PATH_MAX: usize = 100;
const DIR_TRIES: u32 = 50;
/// Then the process id, so folders of killed servers can be told from live ones.
const DIR_PREFIX: &str = "quire-serve-";

impl PrivateSocket {
    pub fn bind() -> io::Result<(PrivateSocket, UnixListener)> {
        let dir = make_private_dir()?;
        if let (Some(parent), Ok(ours)) = (dir.parent(), fs::metadata(&dir)) {
            remove_stale_dirs(parent, ours.uid());
        }
        let socket = PrivateSocket { path: dir.join("engine.sock"), dir };
        let listener = UnixListener::bind(&socket.path)?;
        Ok((socket, listener))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PrivateSocket {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

impl Engine {
    /// Starts tiny_http on `listener` and `threads` workers answering its requests.
    pub fn start(listener: UnixListener, threads: usize, shared: &Arc<Shared>) -> io::Result<Engine> {
        let server = tiny_http::Server::from_listener(listener, None).map_err(io::Error::other)?;
        let mut engine = Engine { server: Arc::new(server), workers: Vec::new(), stopping: Arc::default() };
        for index in 0..threads.max(1) {
            let (shared, server) = (Arc::clone(shared), Arc::clone(&engine.server));
            let stopping = Arc::clone(&engine.stopping);
            let worker = std::thread::Builder::new()
                .name(format!("quire-serve-{index}"))
                .spawn(move || answer_requests(&shared, &server, &stopping));
            match worker {
                Ok(worker) => engine.workers.push(worker),
                Err(error) => {
                    engine.stop();
                    return Err(error);
                }
            }
        }
        Ok(engine)
    }

    /// Lets each worker finish the request it is on, joins them and closes tiny_http. Call after the guards
    /// are gone, so no request is left waiting.
    pub fn stop(mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

fn answer_requests(shared: &Shared, server: &tiny_http::Server, stopping: &AtomicBool) {
    loop {
        let request = match server.recv() {
            Ok(request) => request,
            Err(_) if stopping.load(Ordering::SeqCst) => return,
            // tiny_http's accept loop reported an error and ended; no request will come, but `stop` will.
            Err(_) => continue,
        };
        match reply(shared, &request_head(&request)) {
            Reply::EventStream => shared.broadcaster.open(request.into_writer()),
            Reply::Respond(response) => {
                // A client gone mid-response is the guard's to notice; nothing to do here.
                let _ = request.respond(engine_response(response));
            }
        }
    }
}

/// What one request gets: a response, or its writer handed to the live-reload thread.
enum Reply {
    Respond(Response),
    EventStream,
}

fn reply(shared: &Shared, head: &RequestHead) -> Reply {
    match head.header("host") {
        Some(host) if host_allowed(host, shared.bind, shared.port) => {}
        Some(_) => return Reply::Respond(Response::text(403, "unknown Host: use the address quire serve printed\n")),
        None if head.version == Version::Http11 => return Reply::Respond(Response::text(400, "missing Host header\n")),
        None => {}
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Reply::Respond(Response::text(405, "only GET and HEAD are served\n").with_header("Allow", "GET, HEAD"));
    }
    let path = match clean_target(&head.target) {
        Ok(path) => path,
        Err(_) => return Reply::Respond(Response::text(400, "bad request path\n")),
    };
    if path.is(live::EVENTS_URL) {
        return match head.method.as_str() {
            "GET" => Reply::EventStream,
            _ => Reply::Respond(Response::text(405, "GET only\n").with_header("Allow", "GET")),
        };
    }
    if path.is(live::SCRIPT_URL) {
        let script = Arc::from(live::SCRIPT.as_bytes());
        return Reply::Respond(Response::new(200, "text/javascript; charset=utf-8", script));
    }
    let site = Arc::clone(&shared.site.read().unwrap_or_else(PoisonError::into_inner));
    let conditions = ConditionalHeaders {
        if_none_match: head.header("if-none-match"),
        range: head.header("range"),
        if_range: head.header("if-range"),
    };
    Reply::Respond(answer(&site, &shared.base, &path, conditions))
}

/// The request as tiny_http parsed it, in the shape routing reads.
fn request_head(request: &tiny_http::Request) -> RequestHead {
    let version = match *request.http_version() == (1, 0) {
        true => Version::Http10,
        false => Version::Http11,
    };
    let headers = request
        .headers()
        .iter()
        .map(|header| {
            let name = header.field.as_str().as_str().to_string();
            (name, header.value.as_str().to_string())
        })
        .collect();
    RequestHead { method: request.method().as_str().to_string(), target: request.url().to_string(), version, headers }
}

/// Always framed by Content-Length (never chunked), so the guard can keep the client connection open; tiny_http
/// leaves the body out for HEAD and 304 and adds Date and Server.
fn engine_response(response: Response) -> tiny_http::Response<Cursor<Arc<[u8]>>> {
    let length = response.body.len();
    let mut engine = tiny_http::Response::new(
        StatusCode(response.status),
        Vec::new(),
        Cursor::new(response.body),
        Some(length),
        None,
    )
    .with_chunked_threshold(usize::MAX);
    let fixed = [("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")];
    let headers = response.headers.iter().map(|(name, value)| (*name, value.as_str())).chain(fixed);
    for (name, value) in headers {
        // Every value is ASCII (paths and queries are percent-encoded or refused before routing).
        if let Ok(header) = Header::from_bytes(name.as_bytes(), value.as_bytes()) {
            engine.add_header(header);
        }
    }
    engine
}

/// Folders of dev servers that were killed (Ctrl-C runs no destructors): ours by owner and name, their process
/// gone. Needs /proc to tell; elsewhere they stay until the temp folder is cleaned.
fn remove_stale_dirs(parent: &Path, uid: u32) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|name| name.strip_prefix(DIR_PREFIX)?.split('-').next()) else {
            continue;
        };
        if pid.is_empty() || !pid.bytes().all(|byte| byte.is_ascii_digit()) || Path::new("/proc").join(pid).exists() {
            continue;
        }
        // Not through a symlink, and only our own.
        match fs::symlink_metadata(entry.path()) {
            Ok(found) if found.is_dir() && found.uid() == uid => {
                let _ = fs::remove_dir_all(entry.path());
            }
            _ => {}
        }
    }
}

fn make_private_dir() -> io::Result<PathBuf> {
    let mut parent = std::env::temp_dir();
    if parent.as_os_str().len() + 40 > SOCKET_PATH_MAX {
        parent = PathBuf::from("/tmp");
    }
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |elapsed| elapsed.subsec_nanos());
    let mut last_error = io::Error::from(io::ErrorKind::AlreadyExists);
    for attempt in 0..DIR_TRIES {
        let name = format!("{DIR_PREFIX}{}-{stamp:x}-{attempt}", std::process::id());
        let dir = parent.join(name);
        // Created with 0700 in one step: never a moment when others may enter, and never a folder someone
        // else made first (that fails with AlreadyExists and the next name is tried).
        match fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = error,
            Err(error) => return Err(error),
        }
    }
    Err(last_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_socket_folder_is_private_and_removed() {
        let (socket, _listener) = PrivateSocket::bind().expect("temp folder is writable");
        let dir = socket.path().parent().expect("socket in a folder").to_path_buf();
        let mode = fs::metadata(&dir).expect("folder exists").permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(socket.path().as_os_str().len() <= SOCKET_PATH_MAX + 8);
        drop(socket);
        assert!(!dir.exists());
    }

    #[test]
    fn folders_of_dead_servers_are_removed() {
        // Beyond any pid_max Linux allows, so no live process has it.
        let stale = std::env::temp_dir().join(format!("{DIR_PREFIX}999999999-0-0"));
        // Made under another name and moved into place: any server starting meanwhile (another test, another
        // process) may remove the stale folder at any moment once it has its name.
        let making = tempfile::tempdir().expect("temp folder is writable");
        fs::write(making.path().join("engine.sock"), b"").expect("temp folder is writable");
        let _ = fs::rename(making.keep(), &stale);
        let (socket, _listener) = PrivateSocket::bind().expect("temp folder is writable");
        if Path::new("/proc/self").exists() && socket.path().starts_with(std::env::temp_dir()) {
            assert!(!stale.exists());
        }
        let _ = fs::remove_dir_all(&stale);
    }

    #[test]
    fn two_sockets_get_two_folders() {
        let (first, _a) = PrivateSocket::bind().expect("first");
        let (second, _b) = PrivateSocket::bind().expect("second");
        assert_ne!(first.path(), second.path());
    }

    #[test]
    fn responses_are_length_framed_and_uncacheable() {
        let response = engine_response(Response::text(404, "gone").with_header("ETag", "\"x\""));
        assert_eq!(response.status_code(), StatusCode(404));
        assert_eq!(response.data_length(), Some(4));
        assert_eq!(response.chunked_threshold(), usize::MAX);
        let names: Vec<String> = response.headers().iter().map(|header| header.to_string()).collect();
        assert!(names.contains(&"Content-Type: text/plain; charset=utf-8".to_string()));
        assert!(names.contains(&"ETag: \"x\"".to_string()));
        assert!(names.contains(&"Cache-Control: no-store".to_string()));
        assert!(names.contains(&"X-Content-Type-Options: nosniff".to_string()));
    }
}
