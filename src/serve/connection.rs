//! One page connection's requests, one after another: head read under limits, checks, reply, keep-alive.
//! Answers from the in-memory site only; a `/__quire/events` request hands the socket to the live-reload thread.

use std::io::{self, BufReader, Read};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

use super::host::host_allowed;
use super::http::{self, discard_body, read_head, BodyLength, HeadError, RequestHead, Response};
use super::live;
use super::route::{answer, ConditionalHeaders};
use super::server::Shared;
use super::target::clean_target;

/// A request head (and a keep-alive connection's wait for it) must arrive within this.
const HEAD_TIMEOUT: Duration = Duration::from_secs(30);
/// A response write that makes no progress this long is abandoned.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// After a refusal, the rest of the request is read and dropped for at most this long and this much.
const LINGER: Duration = Duration::from_secs(2);
const LINGER_BYTES: u64 = 256 * 1024;

/// Requests on one connection, one after another, until it closes, misbehaves or the server stops.
pub fn serve_connection(shared: &Shared, id: u64, stream: TcpStream) {
    if shared.connections.is_closing() {
        return;
    }
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let _ = writer.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut reader = BufReader::with_capacity(8 * 1024, TimedReader::new(stream));
    loop {
        shared.connections.set_idle(id, true);
        reader.get_mut().deadline = Instant::now() + HEAD_TIMEOUT;
        let head = match read_head(&mut reader, &shared.limits) {
            Ok(head) => head,
            Err(HeadError::Closed | HeadError::Io) => return,
            Err(refusal) => {
                let _ = refusal_response(&refusal).write_to(&mut writer, false, true);
                close_after_refusal(&writer, reader.get_mut());
                return;
            }
        };
        shared.connections.set_idle(id, false);
        match head.body_length() {
            BodyLength::None => {}
            BodyLength::Exactly(length) if length <= shared.limits.body => {
                if discard_body(&mut reader, length).is_err() {
                    return;
                }
            }
            BodyLength::Exactly(_) | BodyLength::Unacceptable => {
                let refusal = Response::text(413, "request bodies are not accepted\n");
                let _ = refusal.write_to(&mut writer, false, true);
                close_after_refusal(&writer, reader.get_mut());
                return;
            }
        }
        let close = head.wants_close() || shared.stopping.load(Ordering::SeqCst);
        match reply(shared, &head) {
            Reply::EventStream => {
                shared.broadcaster.open(writer);
                return;
            }
            Reply::Respond(response) => {
                let head_only = head.method == "HEAD";
                if response.write_to(&mut writer, head_only, close).is_err() || close {
                    return;
                }
            }
        }
    }
}

/// What one request gets: a response, or the connection handed to the live-reload thread.
enum Reply {
    Respond(Response),
    EventStream,
}

fn reply(shared: &Shared, head: &RequestHead) -> Reply {
    match head.header("host") {
        Some(host) if host_allowed(host, shared.bind, shared.port) => {}
        Some(_) => {
            return Reply::Respond(Response::text(
                403,
                "unknown Host: use the address quire serve printed\n",
            ))
        }
        None if head.version == http::Version::Http11 => {
            return Reply::Respond(Response::text(400, "missing Host header\n"))
        }
        None => {}
    }
    if head.method != "GET" && head.method != "HEAD" {
        return Reply::Respond(
            Response::text(405, "only GET and HEAD are served\n").with_header("Allow", "GET, HEAD"),
        );
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

/// Closing with unread request bytes makes the kernel reset the connection, and the client may then lose
/// the refusal it has not read yet; so stop writing, and drop a bounded amount of what is still coming.
fn close_after_refusal(writer: &TcpStream, reader: &mut TimedReader) {
    let _ = writer.shutdown(Shutdown::Write);
    reader.deadline = Instant::now() + LINGER;
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
    stream: TcpStream,
    deadline: Instant,
}

impl TimedReader {
    fn new(stream: TcpStream) -> TimedReader {
        TimedReader {
            stream,
            deadline: Instant::now() + HEAD_TIMEOUT,
        }
    }
}

impl Read for TimedReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buffer)
    }
}
