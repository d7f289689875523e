//! `Server`: a guarded front on 127.0.0.1 by default, tiny_http behind it answering from a bounded worker pool,
//! graceful stop. Holds the current site in memory and swaps it atomically on publish; never reads the disk.
//!
//! The public listener is ours: each connection gets a guard thread (`guard`) that reads request heads under
//! hard limits before tiny_http (`engine`, on a private Unix socket) ever sees them, and relays the answers.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use super::connections::Connections;
use super::engine::{Engine, PrivateSocket};
use super::guard::guard_connection;
use super::head::Limits;
use super::route::BasePath;
use super::served_site::ServedSite;
use super::target::encode_path;
use crate::serve::error::ServeError;
use crate::serve::live::{Broadcaster, ErrorReport, Reload};
use crate::serve::site_files::SiteFiles;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerConfig {
    /// 127.0.0.1 unless the user asks otherwise; anything not loopback gives a `StartNotice::Exposed`.
    pub bind: IpAddr,
    /// The first port tried; when busy, the next ones are tried (`StartNotice::PortInUse`). 0 lets the OS pick.
    pub port: u16,
    /// The path of `base_url`: "/" or "/docs/". The site is served under it and "/" redirects there.
    pub base_path: String,
    /// Worker threads taking requests from tiny_http and answering them. Open connections are not bound to a
    /// worker (up to 32 serve pages at once; when all are taken, the one idle longest is closed), and
    /// live-reload streams never occupy one.
    pub threads: usize,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig { bind: IpAddr::V4(Ipv4Addr::LOCALHOST), port: 1111, base_path: "/".to_string(), threads: 8 }
    }
}

/// Something about how the server started that the user should be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartNotice {
    PortInUse { wanted: u16, used: u16 },
    Exposed { bind: IpAddr },
}

impl fmt::Display for StartNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartNotice::PortInUse { wanted, used } => {
                write!(f, "port {wanted} is in use, serving on port {used} instead")
            }
            StartNotice::Exposed { bind } => write!(
                f,
                "warning: listening on {bind}, so other machines on the network can reach this dev server\n  \
                 help: leave out the bind address to serve on 127.0.0.1 only"
            ),
        }
    }
}

/// The running dev server. Dropping it stops it too.
pub struct Server {
    shared: Arc<Shared>,
    broadcaster: Broadcaster,
    address: SocketAddr,
    notices: Vec<StartNotice>,
    acceptor: Option<JoinHandle<()>>,
    broadcaster_thread: Option<JoinHandle<()>>,
    engine: Option<Engine>,
    /// Declared after `engine`: the socket folder goes once tiny_http has stopped using it.
    socket: Option<PrivateSocket>,
}

/// What every guard and worker reads: the site (swapped whole on publish) and the fixed settings.
pub(super) struct Shared {
    pub site: RwLock<Arc<ServedSite>>,
    pub base: BasePath,
    pub bind: IpAddr,
    pub port: u16,
    pub limits: Limits,
    pub stopping: AtomicBool,
    pub connections: Connections,
    pub broadcaster: Broadcaster,
    /// Where tiny_http listens; only guards connect there.
    pub engine_socket: PathBuf,
}

/// Tries after the wanted port before giving up.
const PORT_TRIES: u16 = 20;
/// Most live-reload streams open at once. Each holds three descriptors (client, guard and engine ends), and
/// the usual limit is 1024 per process: tiny_http stops accepting for good when it runs out.
const MAX_STREAMS: usize = 128;
/// Most connections serving pages at once (each one idle descriptor, four mid-request).
const MAX_PAGE_CONNECTIONS: usize = 32;
/// How long a stop waits for responses in flight before cutting the connections that are still writing.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Guards keep little on their stack: heads and bodies are on the heap, under the limits.
const GUARD_STACK: usize = 256 * 1024;

impl Server {
    pub fn start(config: ServerConfig, site: SiteFiles) -> Result<Server, ServeError> {
        let (listener, mut notices) = bind(config.bind, config.port)?;
        let address = listener
            .local_addr()
            .map_err(|source| ServeError::Bind { addr: SocketAddr::new(config.bind, config.port), source })?;
        if !config.bind.is_loopback() {
            notices.push(StartNotice::Exposed { bind: config.bind });
        }
        let (socket, engine_listener) = PrivateSocket::bind().map_err(ServeError::Engine)?;
        let (broadcaster, broadcaster_thread) = Broadcaster::start(MAX_STREAMS).map_err(ServeError::Thread)?;
        let shared = Arc::new(Shared {
            site: RwLock::new(Arc::new(ServedSite::prepare(&site))),
            base: BasePath::parse(&config.base_path),
            bind: config.bind,
            port: address.port(),
            limits: Limits::default(),
            stopping: AtomicBool::new(false),
            connections: Connections::new(MAX_PAGE_CONNECTIONS),
            broadcaster: broadcaster.clone(),
            engine_socket: socket.path().to_path_buf(),
        });
        // From here on, a failure drops `server`, which stops whatever has started.
        let mut server = Server {
            shared: Arc::clone(&shared),
            broadcaster,
            address,
            notices,
            acceptor: None,
            broadcaster_thread: Some(broadcaster_thread),
            engine: None,
            socket: Some(socket),
        };
        let engine = Engine::start(engine_listener, config.threads, &shared).map_err(ServeError::Engine)?;
        server.engine = Some(engine);
        let acceptor = std::thread::Builder::new()
            .name("quire-serve-accept".into())
            .spawn(move || accept(listener, &shared))
            .map_err(ServeError::Thread)?;
        server.acceptor = Some(acceptor);
        Ok(server)
    }

    /// "http://127.0.0.1:1111/" or, with a base path, "http://127.0.0.1:1111/docs/".
    pub fn url(&self) -> String {
        let ip = match self.address.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let base = encode_path(&self.shared.base.url_path());
        format!("http://{}{base}", SocketAddr::new(ip, self.address.port()))
    }

    /// The address actually listened on (the port may differ from the one asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// What the CLI should print after starting: a port change, a non-loopback bind.
    pub fn notices(&self) -> &[StartNotice] {
        &self.notices
    }

    /// Serves `site` from now on (requests in flight finish with the old one), clears any error overlay
    /// and tells open tabs to reload or, for `Reload::Css`, to swap those stylesheets in place.
    pub fn publish(&self, site: SiteFiles, reload: Reload) {
        self.publish_quietly(site);
        let reload = match reload {
            Reload::Full => Reload::Full,
            Reload::Css(paths) => {
                let base = self.shared.base.url_path();
                let urls = paths.iter().map(|path| format!("{base}{}", path.trim_start_matches('/'))).collect();
                Reload::Css(urls)
            }
        };
        self.broadcaster.publish(reload);
    }

    /// Serves `site` from now on without telling open tabs: for files no tab shows while it is being edited.
    pub fn publish_quietly(&self, site: SiteFiles) {
        let previous = self.shared.site.read().unwrap_or_else(PoisonError::into_inner).clone();
        let served = Arc::new(ServedSite::prepare_from(&previous, &site));
        *self.shared.site.write().unwrap_or_else(PoisonError::into_inner) = served;
    }

    /// Open tabs (and tabs opened later) show `report` as an overlay until the next `publish`;
    /// the last good site stays served meanwhile.
    pub fn show_error(&self, report: ErrorReport) {
        self.broadcaster.show_error(report);
    }

    /// Stops accepting, lets responses in flight finish (for a few seconds at most), closes live-reload streams,
    /// joins the workers and removes the engine's socket folder.
    pub fn stop(mut self) {
        self.shut_down();
    }

    fn shut_down(&mut self) {
        if self.shared.stopping.swap(true, Ordering::SeqCst) {
            return;
        }
        // The acceptor is blocked in accept() (or waiting for room): wake it to see the flag, and wait for it,
        // so the listener is closed when `stop` returns.
        let _ = TcpStream::connect_timeout(&wake_address(self.address), Duration::from_secs(1));
        self.shared.connections.close_all();
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        // Ending the streams lets their guards finish; page guards finish the response they are on.
        self.broadcaster.stop();
        if let Some(thread) = self.broadcaster_thread.take() {
            let _ = thread.join();
        }
        self.shared.connections.drain(STOP_GRACE);
        // Workers go last: a guard still relaying needed one until now.
        if let Some(engine) = self.engine.take() {
            engine.stop();
        }
        self.socket.take();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn bind(ip: IpAddr, port: u16) -> Result<(TcpListener, Vec<StartNotice>), ServeError> {
    let last = match port {
        0 => 0,
        _ => port.saturating_add(PORT_TRIES),
    };
    for candidate in port..=last {
        match TcpListener::bind((ip, candidate)) {
            Ok(listener) => {
                let notices = match candidate == port {
                    true => Vec::new(),
                    false => vec![StartNotice::PortInUse { wanted: port, used: candidate }],
                };
                return Ok((listener, notices));
            }
            Err(error) if error.kind() == io::ErrorKind::AddrInUse && candidate < last => continue,
            Err(error) if error.kind() == io::ErrorKind::AddrInUse => break,
            Err(source) => return Err(ServeError::Bind { addr: SocketAddr::new(ip, candidate), source }),
        }
    }
    Err(ServeError::NoFreePort { first: port, last })
}

fn wake_address(address: SocketAddr) -> SocketAddr {
    match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => SocketAddr::new(Ipv4Addr::LOCALHOST.into(), address.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => SocketAddr::new(Ipv6Addr::LOCALHOST.into(), address.port()),
        _ => address,
    }
}

fn accept(listener: TcpListener, shared: &Arc<Shared>) {
    for incoming in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let stream = match incoming {
            Ok(stream) => Arc::new(stream),
            // Out of file descriptors, say: let connections close before trying again.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(20));
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let Some(id) = shared.connections.admit(&stream) else {
            break;
        };
        let guard_shared = Arc::clone(shared);
        let guard =
            std::thread::Builder::new().name("quire-serve-guard".into()).stack_size(GUARD_STACK).spawn(move || {
                guard_connection(&guard_shared, id, stream);
                guard_shared.connections.release(id);
            });
        // No thread: the connection (moved into the closure) is dropped, which closes it.
        if guard.is_err() {
            shared.connections.release(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_read_well() {
        let moved = StartNotice::PortInUse { wanted: 1111, used: 1112 };
        assert_eq!(moved.to_string(), "port 1111 is in use, serving on port 1112 instead");
        let exposed = StartNotice::Exposed { bind: IpAddr::V4(Ipv4Addr::UNSPECIFIED) };
        assert!(exposed.to_string().starts_with("warning: listening on 0.0.0.0"));
    }

    #[test]
    fn wake_address_is_loopback_for_wildcard_binds() {
        let wildcard = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 5);
        assert_eq!(wake_address(wildcard), SocketAddr::new(Ipv4Addr::LOCALHOST.into(), 5));
    }
}
