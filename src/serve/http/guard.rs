//! One client connection: each request head is read under hard limits (414, 431, 413 are answered here, and a
//! head must arrive within `HEAD_TIMEOUT`), then answered from the in-memory site (`respond`) on this thread.
//! Never holds more of a request than the limits allow; routing is `respond`'s and `route`'s job.
//!
//! A live-reload request hands the socket to the broadcaster, which writes every event; this thread then only
//! waits for the connection to end, so open tabs never occupy anything but their own thread.

use std::io::{self, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::head::{read_body, read_head, BodyLength, HeadError, RequestHead, Response};
use super::respond::{reply, Reply};
use super::server::Shared;

/// A request head (and a keep-alive connection's wait for it) must arrive within this.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// A response write that makes no progress this long is abandoned.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// A live-reload event that cannot be written this long means a stuck tab: it is dropped, and the broadcaster,
/// which may be waiting on that stream, moves on.
const STREAM_WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// After a refusal, the rest of the request is read and dropped for at most this long and this much.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 256 * 1024;
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
        // A small body is read, and dropped (nothing served takes one), to keep the connection in step.
        match head.body_length() {
            BodyLength::None => {}
            BodyLength::Exactly(length) if length <= shared.limits.body => {
                if read_body(&mut reader, length).is_err() {
                    return;
                }
            }
            BodyLength::Exactly(_) | BodyLength::Unacceptable => {
                let refusal = Response::text(413, "request bodies are not accepted\n");
                return refuse(refusal, client, &mut reader);
            }
        }
        let wants_close = head.wants_close() || shared.stopping.load(Ordering::SeqCst);
        match answer(shared, id, &head, &stream, wants_close) {
            Answered::KeepAlive => continue,
            Answered::Closed => {
                let _ = client.shutdown(Shutdown::Write);
                return;
            }
        }
    }
}

/// What is left of the client connection after one response.
enum Answered {
    KeepAlive,
    Closed,
}

/// Answers one checked request on the client connection itself; an event stream is handed to the broadcaster,
/// and this thread waits until the tab or the broadcaster ends it.
fn answer(shared: &Shared, id: u64, head: &RequestHead, stream: &Arc<TcpStream>, wants_close: bool) -> Answered {
    let mut client: &TcpStream = stream;
    match reply(shared, head) {
        Reply::Respond(response) => match response.write_to(&mut client, head.method == "HEAD", wants_close) {
            Ok(()) if !wants_close => Answered::KeepAlive,
            _ => Answered::Closed,
        },
        Reply::EventStream => {
            shared.connections.set_stream(id);
            let _ = client.set_write_timeout(Some(STREAM_WRITE_TIMEOUT));
            shared.broadcaster.open(Box::new(EventStream(Arc::clone(stream))));
            wait_for_close(client);
            Answered::Closed
        }
    }
}

/// A live-reload response's socket as the broadcaster writes it; dropping it (a stuck or closed tab, a stop)
/// closes the connection, which ends `wait_for_close` on the guard's side.
struct EventStream(Arc<TcpStream>);

impl Write for EventStream {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        (&*self.0).write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        (&*self.0).flush()
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        let _ = self.0.shutdown(Shutdown::Both);
    }
}

/// Until the client closes an event stream (or it is shut down): a tab sends nothing on it, and anything sent
/// anyway is dropped as it comes, never kept.
fn wait_for_close(mut client: &TcpStream) {
    let _ = client.set_read_timeout(None);
    let mut scratch = [0u8; 512];
    while matches!(client.read(&mut scratch), Ok(read) if read > 0) {}
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
