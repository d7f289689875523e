//! One client connection in front of tiny_http: each request head is read under hard limits (414, 431, 413 are
//! answered here), passed on re-serialised to the engine's private socket, and the answer relayed back.
//! Never routes, and never holds more of a request than the limits allow; tiny_http parses what gets through.
//!
//! Each request gets its own engine connection, ended by the engine when its response is done, so the guard
//! needs no framing of its own: it adds `Connection` to the response head and copies the rest until EOF.
//! A live-reload response never ends: the guard keeps relaying it on its own thread, no worker involved.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::unix::net::UnixStream;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::head::{read_body, read_head, BodyLength, HeadError, RequestHead, Response};
use super::server::Shared;

/// A request head (and a keep-alive connection's wait for it) must arrive within this.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// A response write that makes no progress this long is abandoned.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// A live-reload event that cannot be written this long means a stuck tab: it is dropped, and the broadcaster,
/// which may be waiting on that stream, moves on.
const STREAM_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// The engine starts answering within this, unless every worker is stuck.
const ENGINE_TIMEOUT: Duration = Duration::from_secs(60);
/// After a refusal, the rest of the request is read and dropped for at most this long and this much.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 256 * 1024;
/// The most a response head from the engine may take (ours are a few hundred bytes).
const RESPONSE_HEAD_MAX: u64 = 64 * 1024;
const READ_BUFFER: usize = 8 * 1024;

/// Requests on one connection, one after another, until it closes, misbehaves or the server stops.
pub fn guard_connection(shared: &Shared, id: u64, stream: Arc<TcpStream>) {
    if shared.connections.is_closing() {
        return;
    }
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut reader = BufReader::with_capacity(READ_BUFFER, TimedReader::new(Arc::clone(&stream)));
    let client = &*stream;
    loop {
        shared.connections.set_idle(id, true);
        reader.get_mut().deadline = Instant::now() + HEAD_TIMEOUT;
        let head = match read_head(&mut reader, &shared.limits) {
            Ok(head) => head,
            Err(HeadError::Closed | HeadError::Io) => return,
            Err(refusal) => return refuse(refusal_response(&refusal), client, &mut reader),
        };
        shared.connections.set_idle(id, false);
        let body = match head.body_length() {
            BodyLength::None => Vec::new(),
            BodyLength::Exactly(length) if length <= shared.limits.body => match read_body(&mut reader, length) {
                Ok(body) => body,
                Err(_) => return,
            },
            BodyLength::Exactly(_) | BodyLength::Unacceptable => {
                let refusal = Response::text(413, "request bodies are not accepted\n");
                return refuse(refusal, client, &mut reader);
            }
        };
        let wants_close = head.wants_close() || shared.stopping.load(Ordering::SeqCst);
        match forward(shared, id, &head, &body, client, wants_close) {
            Relayed::KeepAlive => continue,
            Relayed::Closed => {
                let _ = client.shutdown(Shutdown::Write);
                return;
            }
        }
    }
}

/// What is left of the client connection after one response.
enum Relayed {
    KeepAlive,
    Closed,
}

/// Hands one checked request to the engine and relays its response (or, for an event stream, every event).
fn forward(
    shared: &Shared,
    id: u64,
    head: &RequestHead,
    body: &[u8],
    mut client: &TcpStream,
    wants_close: bool,
) -> Relayed {
    let Ok(engine) = send_to_engine(shared, &head.to_engine_bytes(body)) else {
        let busy = Response::text(503, "the dev server could not take this request\n");
        let _ = busy.write_to(&mut client, head.method == "HEAD", true);
        return Relayed::Closed;
    };
    let mut from_engine = BufReader::with_capacity(READ_BUFFER, &engine);
    let Ok(response_head) = read_response_head(&mut from_engine) else {
        let failed = Response::text(503, "the dev server did not answer\n");
        let _ = failed.write_to(&mut client, head.method == "HEAD", true);
        return Relayed::Closed;
    };
    let relay = RelayedHead::new(&response_head, wants_close);
    if relay.stream {
        shared.connections.set_stream(id);
        let _ = client.set_write_timeout(Some(STREAM_WRITE_TIMEOUT));
        // Events come when the site changes, with pings between: no read deadline on the engine side.
        let _ = engine.set_read_timeout(None);
    }
    if client.write_all(&relay.bytes).is_err() {
        return Relayed::Closed;
    }
    // io::copy writes each chunk as soon as the engine has written it, so events are not held back.
    let copied = io::copy(&mut from_engine, &mut client);
    match (copied, relay.close) {
        (Ok(_), false) => Relayed::KeepAlive,
        _ => Relayed::Closed,
    }
}

fn send_to_engine(shared: &Shared, request: &[u8]) -> io::Result<UnixStream> {
    let engine = UnixStream::connect(&shared.engine_socket)?;
    engine.set_read_timeout(Some(ENGINE_TIMEOUT))?;
    engine.set_write_timeout(Some(ENGINE_TIMEOUT))?;
    (&engine).write_all(request)?;
    // The engine reads exactly one request; end-of-stream after it means it never waits for more.
    engine.shutdown(Shutdown::Write)?;
    Ok(engine)
}

/// The engine's response head through its empty line; it is ours, but still read under a bound.
fn read_response_head(reader: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut limited = reader.take(RESPONSE_HEAD_MAX);
    loop {
        let start = head.len();
        if limited.read_until(b'\n', &mut head)? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let line = &head[start..];
        if start > 0 && (line == b"\r\n" || line == b"\n") {
            return Ok(head);
        }
    }
}

/// The response head as the client gets it, and what it says about the connection.
#[derive(Debug, PartialEq, Eq)]
struct RelayedHead {
    bytes: Vec<u8>,
    /// The client connection ends after this response.
    close: bool,
    /// A live-reload stream: relayed until the broadcaster or the client ends it.
    stream: bool,
}

impl RelayedHead {
    /// tiny_http writes no `Connection` header at all, so it is added here: keep-alive only when the client
    /// wants it and the body is framed by Content-Length. A head that names its own (the broadcaster's) stays.
    fn new(head: &[u8], wants_close: bool) -> RelayedHead {
        let text = String::from_utf8_lossy(head);
        let fields = text
            .split('\n')
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim()));
        let (mut length, mut connection, mut stream) = (false, None, false);
        for (name, value) in fields {
            match name.as_str() {
                "content-length" => length = true,
                "connection" => connection = Some(value.to_ascii_lowercase()),
                "content-type" => stream = value.starts_with("text/event-stream"),
                _ => {}
            }
        }
        let close = match &connection {
            Some(value) => value.contains("close") || wants_close,
            None => wants_close || !length,
        };
        let mut bytes = head.to_vec();
        if connection.is_none() {
            let end = head.len() - if head.ends_with(b"\r\n\r\n") { 2 } else { 1 };
            bytes.truncate(end);
            let value = if close { "close" } else { "keep-alive" };
            bytes.extend_from_slice(format!("Connection: {value}\r\n\r\n").as_bytes());
        }
        RelayedHead { bytes, close: close || stream, stream }
    }
}

/// Answers a request refused from its head alone, then closes. Closing with unread request bytes makes the
/// kernel reset the connection, and the client may then lose the refusal it has not read yet; so stop writing,
/// and drop a bounded amount of what is still coming (never keeping it).
fn refuse(refusal: Response, mut client: &TcpStream, reader: &mut BufReader<TimedReader>) {
    let _ = refusal.write_to(&mut client, false, true);
    let _ = client.shutdown(Shutdown::Write);
    reader.get_mut().deadline = Instant::now() + LINGER;
    let _ = io::copy(&mut reader.take(LINGER_BYTES), &mut io::sink());
}

fn refusal_response(refusal: &HeadError) -> Response {
    match refusal {
        HeadError::RequestLineTooLong => Response::text(414, "request line too long\n"),
        HeadError::HeadersTooLarge => Response::text(431, "request headers too large\n"),
        HeadError::VersionNotSupported => Response::text(505, "HTTP/1.1 only\n"),
        _ => Response::text(400, "malformed request\n"),
    }
}

/// The socket as a reader that gives up at `deadline`, however slowly the bytes trickle in.
struct TimedReader {
    stream: Arc<TcpStream>,
    deadline: Instant,
}

impl TimedReader {
    fn new(stream: Arc<TcpStream>) -> TimedReader {
        TimedReader { stream, deadline: Instant::now() + HEAD_TIMEOUT }
    }
}

impl Read for TimedReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&*self.stream).read(buffer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relayed(head: &str, wants_close: bool) -> (String, bool, bool) {
        let relay = RelayedHead::new(head.as_bytes(), wants_close);
        let text = String::from_utf8(relay.bytes).expect("ascii head");
        (text, relay.close, relay.stream)
    }

    #[test]
    fn connection_is_added_to_engine_heads() {
        let page = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n";
        let kept = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\n";
        let closed = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\n";
        assert_eq!(relayed(page, false), (kept.to_string(), false, false));
        assert_eq!(relayed(page, true), (closed.to_string(), true, false));
        // No length: only the end of the connection can end the body.
        let unframed = "HTTP/1.1 200 OK\r\n\r\n";
        assert_eq!(relayed(unframed, false), ("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_string(), true, false));
    }

    #[test]
    fn heads_that_name_their_connection_stay_as_they_are() {
        let events =
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nConnection: keep-alive\r\n\r\n";
        assert_eq!(relayed(events, false), (events.to_string(), true, true));
        let refused = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        assert_eq!(relayed(refused, false), (refused.to_string(), true, false));
    }

    #[test]
    fn response_heads_end_at_the_empty_line() {
        let raw = b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody";
        let mut reader = BufReader::new(&raw[..]);
        let head = read_response_head(&mut reader).expect("complete head");
        assert_eq!(head, b"HTTP/1.1 200 OK\r\nA: b\r\n\r\n");
        let mut rest = String::new();
        reader.read_to_string(&mut rest).expect("body");
        assert_eq!(rest, "body");
        assert!(read_response_head(&mut BufReader::new(&b"HTTP/1.1 200 OK\r\n"[..])).is_err());
    }
}
