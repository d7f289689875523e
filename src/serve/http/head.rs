//! HTTP/1.1 request heads read under hard size limits, re-serialised for tiny_http, and the guard's own refusals.
//! Never buffers more than a limit allows and never reads a request body beyond `Limits::body`; routes nothing.

use std::io::{self, BufRead, Read, Write};
use std::sync::Arc;

/// Sizes past which a request is refused rather than read.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The request line ("GET /x HTTP/1.1"); longer gets 414.
    pub request_line: usize,
    /// All header lines together; more gets 431.
    pub header_block: usize,
    /// Number of header lines; more gets 431.
    pub header_count: usize,
    /// A request body is read (and dropped) only up to this size; larger gets 413 and the connection closes.
    pub body: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { request_line: 8 * 1024, header_block: 32 * 1024, header_count: 100, body: 16 * 1024 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    pub method: String,
    pub target: String,
    pub version: Version,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    Http10,
    Http11,
}

/// Why no request head could be read; the first two close the connection silently.
#[derive(Debug)]
pub enum HeadError {
    /// The client closed the connection between requests.
    Closed,
    Io,
    /// 414.
    RequestLineTooLong,
    /// 431.
    HeadersTooLarge,
    /// 400.
    Malformed,
    /// 505.
    VersionNotSupported,
}

/// What the request says about its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLength {
    None,
    Exactly(usize),
    /// Transfer-Encoding, a Content-Length past `usize`, or conflicting lengths: not read at all.
    Unacceptable,
}

pub fn read_head(reader: &mut impl BufRead, limits: &Limits) -> Result<RequestHead, HeadError> {
    let mut line = Vec::new();
    // RFC 9112 §2.2: ignore empty lines before the request line (a few; not forever).
    for _ in 0..4 {
        match read_line(reader, limits.request_line, &mut line) {
            Ok(()) if line.is_empty() => continue,
            Ok(()) => break,
            Err(LineError::Eof) => return Err(HeadError::Closed),
            Err(LineError::TooLong) => return Err(HeadError::RequestLineTooLong),
            Err(LineError::Io) => return Err(HeadError::Io),
        }
    }
    let (method, target, version) = parse_request_line(&line)?;
    let mut headers = Vec::new();
    let mut block_size = 0;
    loop {
        let room = limits.header_block.saturating_sub(block_size);
        match read_line(reader, room, &mut line) {
            Ok(()) => {}
            Err(LineError::TooLong) => return Err(HeadError::HeadersTooLarge),
            Err(LineError::Eof) => return Err(HeadError::Malformed),
            Err(LineError::Io) => return Err(HeadError::Io),
        }
        if line.is_empty() {
            break;
        }
        block_size += line.len() + 2;
        if headers.len() == limits.header_count {
            return Err(HeadError::HeadersTooLarge);
        }
        headers.push(parse_header_line(&line)?);
    }
    Ok(RequestHead { method, target, version, headers })
}

impl RequestHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// HTTP/1.0, or `Connection: close`: no further request on this connection.
    pub fn wants_close(&self) -> bool {
        let close_token = self.headers.iter().any(|(field, value)| {
            field.eq_ignore_ascii_case("connection")
                && value.split(',').any(|token| token.trim().eq_ignore_ascii_case("close"))
        });
        close_token || self.version == Version::Http10
    }

    pub fn body_length(&self) -> BodyLength {
        if self.header("transfer-encoding").is_some() {
            return BodyLength::Unacceptable;
        }
        let mut length = None;
        for (field, value) in &self.headers {
            if !field.eq_ignore_ascii_case("content-length") {
                continue;
            }
            let value = value.trim();
            let parsed = match value.bytes().all(|byte| byte.is_ascii_digit()) {
                true => value.parse::<usize>().ok(),
                false => None,
            };
            match (parsed, length) {
                (None, _) => return BodyLength::Unacceptable,
                (Some(new), Some(old)) if new != old => return BodyLength::Unacceptable,
                (Some(new), _) => length = Some(new),
            }
        }
        match length {
            None | Some(0) => BodyLength::None,
            Some(bytes) => BodyLength::Exactly(bytes),
        }
    }

    /// The request as tiny_http gets it: one canonical CRLF line per header, values that are not ASCII left out
    /// (tiny_http drops a connection whose head is not ASCII, and no header the server reads may hold any),
    /// hop-by-hop headers replaced, the body after it, and `Connection: close` so the engine sees one request.
    pub fn to_engine_bytes(&self, body: &[u8]) -> Vec<u8> {
        let version = match self.version {
            Version::Http10 => "HTTP/1.0",
            Version::Http11 => "HTTP/1.1",
        };
        let mut text = format!("{} {} {version}\r\n", self.method, self.target);
        for (name, value) in &self.headers {
            let hop = NOT_FORWARDED.iter().any(|skipped| name.eq_ignore_ascii_case(skipped));
            if !hop && value.is_ascii() {
                text.push_str(&format!("{name}: {value}\r\n"));
            }
        }
        if !body.is_empty() {
            text.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        text.push_str("Connection: close\r\n\r\n");
        let mut bytes = text.into_bytes();
        bytes.extend_from_slice(body);
        bytes
    }
}

/// Reads a body of `length` bytes, which the caller has checked against `Limits::body`.
pub fn read_body(reader: &mut impl Read, length: usize) -> io::Result<Vec<u8>> {
    let mut body = Vec::with_capacity(length);
    reader.take(length as u64).read_to_end(&mut body)?;
    match body.len() == length {
        true => Ok(body),
        false => Err(io::ErrorKind::UnexpectedEof.into()),
    }
}

/// A response: status, extra headers and body. Routing produces it; tiny_http writes it (`engine`), except the
/// refusals the guard writes itself with `write_to`. Content-Length is added on writing.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Arc<[u8]>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Arc<[u8]>) -> Response {
        Response { status, headers: vec![("Content-Type", content_type.to_string())], body }
    }

    /// A short plain-text response for errors and redirects.
    pub fn text(status: u16, text: &str) -> Response {
        Response::new(status, "text/plain; charset=utf-8", Arc::from(text.as_bytes()))
    }

    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        self.headers.push((name, value.into()));
        self
    }

    /// The body's bytes are kept out when answering HEAD or 304; the headers still say its length.
    pub fn write_to(&self, writer: &mut impl Write, head_only: bool, close: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if self.status != 304 {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n");
        head.push_str(match close {
            true => "Connection: close\r\n\r\n",
            false => "Connection: keep-alive\r\n\r\n",
        });
        writer.write_all(head.as_bytes())?;
        if !head_only && self.status != 304 {
            writer.write_all(&self.body)?;
        }
        writer.flush()
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

/// Headers about this one hop (RFC 9110 §7.6.1) or about a body the guard has already read: the engine gets
/// none of them from the client, only the `Content-Length` and `Connection: close` the guard writes itself.
const NOT_FORWARDED: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
    "content-length",
];

enum LineError {
    Eof,
    TooLong,
    Io,
}

/// One line without its CRLF (or bare LF) into `line`; never holds more than `max` bytes of it.
fn read_line(reader: &mut impl BufRead, max: usize, line: &mut Vec<u8>) -> Result<(), LineError> {
    line.clear();
    loop {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return Err(LineError::Io),
        };
        if available.is_empty() {
            return Err(LineError::Eof);
        }
        let (taken, found_end) = match available.iter().position(|&byte| byte == b'\n') {
            Some(end) => (end + 1, true),
            None => (available.len(), false),
        };
        if line.len() + taken > max + 2 {
            return Err(LineError::TooLong);
        }
        line.extend_from_slice(&available[..taken]);
        reader.consume(taken);
        if found_end {
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return match line.len() > max {
                true => Err(LineError::TooLong),
                false => Ok(()),
            };
        }
    }
}

fn parse_request_line(line: &[u8]) -> Result<(String, String, Version), HeadError> {
    let line = std::str::from_utf8(line).map_err(|_| HeadError::Malformed)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if method.is_empty() || !method.bytes().all(is_token_byte) || target.is_empty() {
        return Err(HeadError::Malformed);
    }
    // NUL, CR and other controls never belong in a request target, however it is parsed later; nor does
    // anything outside ASCII, which a target must percent-encode (and which tiny_http would not parse).
    if target.bytes().any(|byte| !(0x21..=0x7e).contains(&byte)) {
        return Err(HeadError::Malformed);
    }
    let version = match version {
        "HTTP/1.1" => Version::Http11,
        "HTTP/1.0" => Version::Http10,
        other if other.starts_with("HTTP/") => return Err(HeadError::VersionNotSupported),
        _ => return Err(HeadError::Malformed),
    };
    Ok((method.to_string(), target.to_string(), version))
}

fn parse_header_line(line: &[u8]) -> Result<(String, String), HeadError> {
    let colon = line.iter().position(|&byte| byte == b':').ok_or(HeadError::Malformed)?;
    let (name, value) = (&line[..colon], &line[colon + 1..]);
    if name.is_empty() || !name.iter().copied().all(is_token_byte) {
        return Err(HeadError::Malformed);
    }
    if value.iter().any(|&byte| (byte < 0x20 && byte != b'\t') || byte == 0x7f) {
        return Err(HeadError::Malformed);
    }
    let name = String::from_utf8_lossy(name).into_owned();
    let value = String::from_utf8_lossy(value).trim().to_string();
    Ok((name, value))
}

fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn read(raw: &str) -> Result<RequestHead, HeadError> {
        let limits = Limits { request_line: 64, header_block: 128, header_count: 4, body: 16 };
        read_head(&mut BufReader::with_capacity(8, raw.as_bytes()), &limits)
    }

    #[test]
    fn reads_a_head_and_leaves_the_rest() {
        let raw = "\r\nGET /a HTTP/1.1\r\nHost: localhost:1\r\nX-Y:  z \r\n\r\nGET /b HTTP/1.1\r\n\r\n";
        let mut reader = BufReader::with_capacity(8, raw.as_bytes());
        let head = read_head(&mut reader, &Limits::default()).expect("valid head");
        assert_eq!(head.method, "GET");
        assert_eq!(head.target, "/a");
        assert_eq!(head.header("host"), Some("localhost:1"));
        assert_eq!(head.header("x-y"), Some("z"));
        let next = read_head(&mut reader, &Limits::default()).expect("pipelined head");
        assert_eq!(next.target, "/b");
        assert!(matches!(read_head(&mut reader, &Limits::default()), Err(HeadError::Closed)));
    }

    #[test]
    fn refusals() {
        let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(100));
        assert!(matches!(read(&long_target), Err(HeadError::RequestLineTooLong)));
        let long_header = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(200));
        assert!(matches!(read(&long_header), Err(HeadError::HeadersTooLarge)));
        let many = "GET / HTTP/1.1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\nA: 1\r\n\r\n";
        assert!(matches!(read(many), Err(HeadError::HeadersTooLarge)));
        let block = format!("GET / HTTP/1.1\r\n{}\r\n", "X: 0123456789012345678901234567890123456789\r\n".repeat(3));
        assert!(matches!(read(&block), Err(HeadError::HeadersTooLarge)));
        assert!(matches!(read("GET / HTTP/2.0\r\n\r\n"), Err(HeadError::VersionNotSupported)));
        assert!(matches!(read("GET  / HTTP/1.1\r\n\r\n"), Err(HeadError::Malformed)));
        assert!(matches!(read("GET /\r\n\r\n"), Err(HeadError::Malformed)));
        assert!(matches!(read("GET /a\0b HTTP/1.1\r\n\r\n"), Err(HeadError::Malformed)));
        assert!(matches!(read("GET /a\rb HTTP/1.1\r\n\r\n"), Err(HeadError::Malformed)));
        assert!(matches!(read("GET / HTTP/1.1\r\nNo colon\r\n\r\n"), Err(HeadError::Malformed)));
        assert!(matches!(read("GET / HTTP/1.1\r\n folded: x\r\n\r\n"), Err(HeadError::Malformed)));
        assert!(matches!(read("GET / HTTP/1.1\r\nHost: x"), Err(HeadError::Malformed)));
        assert!(matches!(read(""), Err(HeadError::Closed)));
    }

    #[test]
    fn body_lengths() {
        let head = |headers: &[(&str, &str)]| RequestHead {
            method: "POST".into(),
            target: "/".into(),
            version: Version::Http11,
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
        };
        assert_eq!(head(&[]).body_length(), BodyLength::None);
        assert_eq!(head(&[("Content-Length", "0")]).body_length(), BodyLength::None);
        assert_eq!(head(&[("content-length", "12")]).body_length(), BodyLength::Exactly(12));
        assert_eq!(head(&[("Content-Length", "-1")]).body_length(), BodyLength::Unacceptable);
        assert_eq!(head(&[("Content-Length", "99999999999999999999999")]).body_length(), BodyLength::Unacceptable);
        assert_eq!(head(&[("Content-Length", "1"), ("Content-Length", "2")]).body_length(), BodyLength::Unacceptable);
        assert_eq!(head(&[("Transfer-Encoding", "chunked")]).body_length(), BodyLength::Unacceptable);
    }

    /// A request far past the limits: how much the reader took from the socket before refusing.
    fn consumed_before_refusal(source: impl Read) -> (Result<RequestHead, HeadError>, u64) {
        let mut counted = Counted { inner: source, read: 0 };
        let result = read_head(&mut BufReader::with_capacity(8 * 1024, &mut counted), &Limits::default());
        (result, counted.read)
    }

    struct Counted<R> {
        inner: R,
        read: u64,
    }

    impl<R: Read> Read for Counted<R> {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            let read = self.inner.read(buffer)?;
            self.read += read as u64;
            Ok(read)
        }
    }

    #[test]
    fn endless_heads_are_refused_at_the_limit() {
        let limits = Limits::default();
        let buffer = 8 * 1024;
        let (line, taken) = consumed_before_refusal(b"GET /".chain(io::repeat(b'a')));
        assert!(matches!(line, Err(HeadError::RequestLineTooLong)));
        assert!(taken <= (limits.request_line + buffer) as u64, "read {taken} bytes");
        let (header, taken) = consumed_before_refusal(b"GET / HTTP/1.1\r\nX: ".chain(io::repeat(b'b')));
        assert!(matches!(header, Err(HeadError::HeadersTooLarge)));
        assert!(taken <= (limits.header_block + buffer) as u64, "read {taken} bytes");
        let many_lines = "A: 1\r\n".repeat(1 << 20);
        let (lines, taken) = consumed_before_refusal(b"GET / HTTP/1.1\r\n".chain(many_lines.as_bytes()));
        assert!(matches!(lines, Err(HeadError::HeadersTooLarge)));
        assert!(taken <= (limits.header_block + buffer) as u64, "read {taken} bytes");
    }

    #[test]
    fn engine_gets_one_canonical_request() {
        let raw = "GET /a?b HTTP/1.1\nHost: localhost:1\r\nConnection: keep-alive, Upgrade\r\nUpgrade: h2c\r\n\
                   TE: chunked\r\nExpect: 100-continue\r\nContent-Length: 2\r\nCookie: caf\u{e9}=1\r\nRange: bytes=0-1\r\n\r\n";
        let head = read_head(&mut BufReader::new(raw.as_bytes()), &Limits::default()).expect("valid head");
        let bytes = head.to_engine_bytes(b"hi");
        let expected = "GET /a?b HTTP/1.1\r\nHost: localhost:1\r\nRange: bytes=0-1\r\n\
                        Content-Length: 2\r\nConnection: close\r\n\r\nhi";
        assert_eq!(String::from_utf8(bytes).expect("ascii"), expected);
        let old = read_head(&mut BufReader::new(&b"GET / HTTP/1.0\r\n\r\n"[..]), &Limits::default()).expect("1.0");
        assert_eq!(old.to_engine_bytes(b""), b"GET / HTTP/1.0\r\nConnection: close\r\n\r\n");
    }

    #[test]
    fn request_lines_are_ascii() {
        assert!(matches!(read("GET /caf\u{e9} HTTP/1.1\r\n\r\n"), Err(HeadError::Malformed)));
    }

    #[test]
    fn close_is_read_from_version_and_header() {
        let mut head = read("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n").expect("head");
        assert!(head.wants_close());
        head.headers.clear();
        assert!(!head.wants_close());
        head.version = Version::Http10;
        assert!(head.wants_close());
    }

    #[test]
    fn responses_carry_length_and_no_store() {
        let mut written = Vec::new();
        Response::text(404, "gone").write_to(&mut written, false, true).expect("vec write");
        let text = String::from_utf8(written).expect("ascii");
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("Content-Length: 4\r\n"));
        assert!(text.contains("Cache-Control: no-store\r\n"));
        assert!(text.ends_with("Connection: close\r\n\r\ngone"));
        let mut head_only = Vec::new();
        Response::text(200, "body").write_to(&mut head_only, true, false).expect("vec write");
        assert!(String::from_utf8_lossy(&head_only).ends_with("keep-alive\r\n\r\n"));
    }
}
