//! Live-reload streams: one thread owns every open `/__quire/events` response and writes each event to all.
//! Page workers only hand tiny_http's response writer over and never wait on a stream; a pending build error
//! replays to new tabs. A stuck tab cannot stall the others for long: its guard gives up writing and closes.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

/// What a published build changed, so open tabs know how to catch up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reload {
    /// Reload every open tab (keeping its scroll position).
    Full,
    /// Only these stylesheets changed (output-relative paths such as "style.css"): swap them in place.
    /// An empty list swaps every stylesheet.
    Css(Vec<String>),
}

/// A failed build, shown as an overlay in every open tab until the next good build is published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ErrorReport {
    pub problems: Vec<Problem>,
}

/// One problem of a failed build: where it is (when known) and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Relative to the site root: "content/guide/intro.md".
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// The full message, help lines included; shown as text, never as HTML.
    pub message: String,
}

impl ErrorReport {
    /// A report of one problem with no known place.
    pub fn from_message(message: impl Into<String>) -> ErrorReport {
        ErrorReport { problems: vec![Problem::new(message)] }
    }
}

impl Problem {
    pub fn new(message: impl Into<String>) -> Problem {
        Problem { file: None, line: None, column: None, message: message.into() }
    }

    pub fn at(mut self, file: impl Into<String>, line: u32, column: u32) -> Problem {
        self.file = Some(file.into());
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

/// A handle on the thread that owns the open event streams; `start` also returns the thread to join.
#[derive(Clone)]
pub(crate) struct Broadcaster {
    commands: Sender<Command>,
}

/// Where one stream's bytes go: tiny_http's writer for the request, which the connection's guard relays.
pub(crate) type EventWriter = Box<dyn Write + Send>;

enum Command {
    Open(EventWriter),
    /// Css paths here are already URL paths ("/docs/style.css").
    Publish(Reload),
    ShowError(ErrorReport),
    Stop,
}

/// Each stream gets a comment line this often, so closed tabs are noticed and dropped.
const PING_EVERY: Duration = Duration::from_secs(15);

impl Broadcaster {
    pub fn start(max_streams: usize) -> std::io::Result<(Broadcaster, JoinHandle<()>)> {
        let (commands, inbox) = mpsc::channel();
        let thread =
            std::thread::Builder::new().name("quire-live-reload".into()).spawn(move || run(inbox, max_streams))?;
        Ok((Broadcaster { commands }, thread))
    }

    /// Takes over the response to a `GET /__quire/events` request; the status line is written here.
    pub fn open(&self, stream: EventWriter) {
        let _ = self.commands.send(Command::Open(stream));
    }

    pub fn publish(&self, reload: Reload) {
        let _ = self.commands.send(Command::Publish(reload));
    }

    pub fn show_error(&self, report: ErrorReport) {
        let _ = self.commands.send(Command::ShowError(report));
    }

    /// Closes every stream and ends the thread (join the handle `start` returned to wait for it).
    pub fn stop(&self) {
        let _ = self.commands.send(Command::Stop);
    }
}

/// The state the broadcaster thread owns: nothing else touches these sockets.
struct Streams {
    open: Vec<EventWriter>,
    max: usize,
    build: u64,
    /// The `build-error` event of the failure still unfixed, replayed to tabs that connect now.
    failure: Option<String>,
}

fn run(inbox: Receiver<Command>, max_streams: usize) {
    let mut streams = Streams { open: Vec::new(), max: max_streams, build: 0, failure: None };
    // A deadline rather than a quiet spell, so a stream of new tabs cannot put the pings (which find closed
    // tabs) off forever.
    let mut next_ping = Instant::now() + PING_EVERY;
    loop {
        let wait = next_ping.saturating_duration_since(Instant::now());
        match inbox.recv_timeout(wait) {
            Ok(Command::Open(stream)) => streams.open(stream),
            Ok(Command::Publish(reload)) => {
                streams.build += 1;
                streams.failure = None;
                let event = publish_event(streams.build, &reload);
                streams.send(&event);
            }
            Ok(Command::ShowError(report)) => {
                let event = event_text("build-error", &report);
                streams.send(&event);
                streams.failure = Some(event);
            }
            Err(RecvTimeoutError::Timeout) => {
                streams.send(": ping\n\n");
                next_ping = Instant::now() + PING_EVERY;
            }
            Ok(Command::Stop) | Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    // Dropping a writer ends its response; the guard relaying it then closes the client connection.
    streams.open.clear();
}

impl Streams {
    fn open(&mut self, mut stream: EventWriter) {
        if self.open.len() >= self.max {
            let refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            write_event(&mut stream, refusal);
            return;
        }
        let mut start = String::from(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
             Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
             Connection: keep-alive\r\n\r\nretry: 1000\n\n",
        );
        let hello = json!({ "build": self.build, "failed": self.failure.is_some() });
        start.push_str(&event_text("hello", &hello));
        if let Some(failure) = &self.failure {
            start.push_str(failure);
        }
        if write_event(&mut stream, &start) {
            self.open.push(stream);
        }
    }

    fn send(&mut self, event: &str) {
        self.open.retain_mut(|stream| write_event(stream, event));
    }
}

/// Flushed after each event, so it leaves at once rather than waiting in tiny_http's buffer.
fn write_event(stream: &mut EventWriter, event: &str) -> bool {
    stream.write_all(event.as_bytes()).is_ok() && stream.flush().is_ok()
}

fn publish_event(build: u64, reload: &Reload) -> String {
    match reload {
        Reload::Full => event_text("reload", &json!({ "build": build })),
        Reload::Css(paths) => event_text("css", &json!({ "build": build, "paths": paths })),
    }
}

/// One server-sent event; serde_json writes no raw newlines, so the data stays on one line.
fn event_text(name: &str, data: &impl Serialize) -> String {
    let data = serde_json::to_string(data).expect("plain structs of strings and numbers always serialize");
    format!("event: {name}\ndata: {data}\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_single_data_lines() {
        let report = ErrorReport { problems: vec![Problem::new("line one\nline <two>").at("content/a.md", 3, 1)] };
        let text = event_text("build-error", &report);
        assert!(text.starts_with("event: build-error\ndata: {"));
        assert!(text.ends_with("}\n\n"));
        assert_eq!(text.matches('\n').count(), 3);
        assert!(text.contains(r#""file":"content/a.md","line":3,"column":1"#));
    }

    #[test]
    fn publish_events() {
        assert_eq!(publish_event(2, &Reload::Full), "event: reload\ndata: {\"build\":2}\n\n");
        let css = publish_event(3, &Reload::Css(vec!["/docs/style.css".into()]));
        assert_eq!(css, "event: css\ndata: {\"build\":3,\"paths\":[\"/docs/style.css\"]}\n\n");
    }
}
