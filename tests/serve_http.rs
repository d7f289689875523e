//! The dev server over raw TCP on 127.0.0.1: paths, types, caching, redirects, refusals, Host check, live reload.
//! Each test starts its own server on a free port; nothing leaves the loopback and nothing asserts on time.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, TcpListener, TcpStream};
use std::time::Duration;

use quire::serve::{ErrorReport, Problem, Reload, Server, ServerConfig, SiteFiles, StartNotice};

/// Only a hung server ever makes a read wait this long; no test measures time.
const PATIENCE: Duration = Duration::from_secs(20);

const INDEX: &str =
    "<!doctype html><html><head><link rel=stylesheet href=/style.css></head><body><h1>Home</h1></body></html>";
const PAGE: &str = "<!doctype html><html><body><h1>Sovereignty</h1></body></html>";
const NOT_FOUND_PAGE: &str = "<!doctype html><html><body><h1>Nothing here</h1></body></html>";

fn site_with(extra: &[(&str, &str)]) -> SiteFiles {
    let mut files = vec![
        ("index.html", INDEX),
        ("principles/index.html", "<html><body>Principles</body></html>"),
        ("principles/x/index.html", PAGE),
        ("style.css", "body { color: black }"),
        ("404.html", NOT_FOUND_PAGE),
    ];
    files.extend_from_slice(extra);
    files.into_iter().map(|(path, body)| (path.to_string(), body.as_bytes().to_vec())).collect()
}

fn site() -> SiteFiles {
    site_with(&[])
}

fn start_with(site: SiteFiles, base_path: &str, threads: usize) -> Server {
    let config =
        ServerConfig { bind: IpAddr::V4(Ipv4Addr::LOCALHOST), port: 0, base_path: base_path.to_string(), threads };
    Server::start(config, site).expect("server starts on a free loopback port")
}

fn start() -> Server {
    start_with(site(), "/", 4)
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(field, _)| field.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.local_addr()).expect("connect to the test server");
    stream.set_read_timeout(Some(PATIENCE)).expect("read timeout");
    stream
}

/// Sends raw bytes on a new connection and reads everything until the server closes it.
fn send(server: &Server, raw: &[u8]) -> Reply {
    let mut stream = connect(server);
    stream.write_all(raw).expect("send request");
    let mut received = Vec::new();
    stream.read_to_end(&mut received).expect("read until the server closes");
    parse_replies(&received).into_iter().next().expect("one response")
}

fn host(server: &Server) -> String {
    format!("127.0.0.1:{}", server.local_addr().port())
}

fn request(server: &Server, method: &str, target: &str, extra: &str) -> Reply {
    let raw = format!("{method} {target} HTTP/1.1\r\nHost: {}\r\n{extra}Connection: close\r\n\r\n", host(server));
    send(server, raw.as_bytes())
}

fn get(server: &Server, target: &str) -> Reply {
    request(server, "GET", target, "")
}

/// Splits a byte stream into responses, using Content-Length (HEAD-free streams only).
fn parse_replies(mut received: &[u8]) -> Vec<Reply> {
    let mut replies = Vec::new();
    while let Some(end) = received.windows(4).position(|window| window == b"\r\n\r\n") {
        let head = String::from_utf8_lossy(&received[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("status code");
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_string(), value.trim().to_string()))
            .collect();
        let length = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0);
        let body_start = end + 4;
        let body_end = (body_start + length).min(received.len());
        replies.push(Reply { status, headers, body: received[body_start..body_end].to_vec() });
        received = &received[body_end..];
    }
    replies
}

fn assert_real_page_served(server: &Server) {
    let reply = get(server, "/principles/x/");
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("Sovereignty"));
}

// ---- pages, types, caching ----

#[test]
fn serves_index_html_for_folder_urls() {
    let server = start();
    let home = get(&server, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("<h1>Home</h1>"));
    assert_real_page_served(&server);
    assert_eq!(get(&server, "/principles/x/index.html").status, 200);
    assert_eq!(get(&server, "/principles/%78/").status, 200);
    assert_eq!(get(&server, "/principles/x/?utm=1").status, 200);
}

#[test]
fn content_types() {
    let cases = [
        ("index.html", "text/html; charset=utf-8"),
        ("style.css", "text/css; charset=utf-8"),
        ("app.js", "text/javascript; charset=utf-8"),
        ("search_index.json", "application/json; charset=utf-8"),
        ("sitemap.xml", "application/xml; charset=utf-8"),
        ("robots.txt", "text/plain; charset=utf-8"),
        ("logo.svg", "image/svg+xml; charset=utf-8"),
        ("a.png", "image/png"),
        ("a.jpg", "image/jpeg"),
        ("a.jpeg", "image/jpeg"),
        ("a.gif", "image/gif"),
        ("a.webp", "image/webp"),
        ("a.avif", "image/avif"),
        ("favicon.ico", "image/x-icon"),
        ("f.woff", "font/woff"),
        ("f.woff2", "font/woff2"),
        ("doc.pdf", "application/pdf"),
        ("m.wasm", "application/wasm"),
        ("app.js.map", "application/json; charset=utf-8"),
        ("notes.md", "text/markdown; charset=utf-8"),
        ("v.mp4", "video/mp4"),
        ("v.webm", "video/webm"),
        ("s.mp3", "audio/mpeg"),
        ("CNAME", "application/octet-stream"),
    ];
    let files: Vec<(&str, &str)> = cases.iter().map(|(path, _)| (*path, "x")).collect();
    let server = start_with(site_with(&files), "/", 4);
    for (path, content_type) in cases {
        let reply = get(&server, &format!("/{path}"));
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("content-type"), Some(content_type), "{path}");
        assert_eq!(reply.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
}

#[test]
fn head_sends_headers_without_a_body() {
    let server = start();
    let full = get(&server, "/style.css");
    let head = request(&server, "HEAD", "/style.css", "");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), full.header("content-length"));
    assert_eq!(head.header("etag"), full.header("etag"));
    assert_eq!(head.header("content-type"), Some("text/css; charset=utf-8"));
}

#[test]
fn no_store_and_etag_with_304() {
    let server = start();
    let first = get(&server, "/principles/x/");
    assert_eq!(first.header("cache-control"), Some("no-store"));
    let etag = first.header("etag").expect("pages carry an ETag").to_string();
    let again = request(&server, "GET", "/principles/x/", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some(etag.as_str()));
    let other = request(&server, "GET", "/principles/x/", "If-None-Match: \"stale\"\r\n");
    assert_eq!(other.status, 200);
}

#[test]
fn a_published_page_gets_a_new_etag() {
    let server = start();
    let before = get(&server, "/principles/x/");
    let etag = before.header("etag").expect("etag").to_string();
    server.publish(site_with(&[("principles/x/index.html", "<body>Rewritten</body>")]), Reload::Full);
    let after = request(&server, "GET", "/principles/x/", &format!("If-None-Match: {etag}\r\n"));
    assert_eq!(after.status, 200);
    assert!(after.text().contains("Rewritten"));
}

#[test]
fn folder_without_slash_redirects() {
    let server = start();
    let reply = get(&server, "/principles/x");
    assert_eq!(reply.status, 308);
    assert_eq!(reply.header("location"), Some("/principles/x/"));
    let with_query = get(&server, "/principles?tab=2");
    assert_eq!(with_query.header("location"), Some("/principles/?tab=2"));
}

#[test]
fn missing_pages_get_the_site_404_page() {
    let server = start();
    let reply = get(&server, "/no/such/page/");
    assert_eq!(reply.status, 404);
    assert!(reply.text().contains("Nothing here"));
    assert!(reply.text().contains("/__quire/live.js"));
}

#[test]
fn missing_pages_get_a_plain_404_without_a_404_page() {
    let files: SiteFiles = [("index.html".to_string(), b"<body>Home</body>".to_vec())].into_iter().collect();
    let server = start_with(files, "/", 2);
    let reply = get(&server, "/nope");
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(get(&server, "/").status, 200);
}

#[test]
fn base_path_is_honoured() {
    let server = start_with(site(), "/docs/", 4);
    assert_eq!(server.url(), format!("http://127.0.0.1:{}/docs/", server.local_addr().port()));
    let root = get(&server, "/");
    assert_eq!(root.status, 307);
    assert_eq!(root.header("location"), Some("/docs/"));
    let bare = get(&server, "/docs");
    assert_eq!(bare.status, 308);
    assert_eq!(bare.header("location"), Some("/docs/"));
    assert!(get(&server, "/docs/").text().contains("Home"));
    assert!(get(&server, "/docs/principles/x/").text().contains("Sovereignty"));
    assert_eq!(get(&server, "/docs/principles/x").header("location"), Some("/docs/principles/x/"));
    assert_eq!(get(&server, "/principles/x/").status, 404);
    assert_eq!(get(&server, "/docsx/").status, 404);
    assert_eq!(get(&server, "/__quire/live.js").status, 200);
}

#[test]
fn methods_other_than_get_and_head_are_refused() {
    let server = start();
    let reply = request(&server, "DELETE", "/", "");
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("GET, HEAD"));
    let options = request(&server, "OPTIONS", "/", "Origin: http://evil.example\r\n");
    assert_eq!(options.status, 405);
    assert!(options.header("access-control-allow-origin").is_none());
}

#[test]
fn keep_alive_and_pipelined_requests() {
    let server = start();
    let mut stream = connect(&server);
    let host = host(&server);
    let raw = format!(
        "GET /style.css HTTP/1.1\r\nHost: {host}\r\n\r\nGET /principles/x/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(raw.as_bytes()).expect("send two requests");
    let mut received = Vec::new();
    stream.read_to_end(&mut received).expect("both responses");
    let replies = parse_replies(&received);
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].header("connection"), Some("keep-alive"));
    assert!(replies[1].text().contains("Sovereignty"));
}

#[test]
fn http_1_0_without_host_is_served() {
    let server = start();
    let reply = send(&server, b"GET /principles/x/ HTTP/1.0\r\n\r\n");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("connection"), Some("close"));
}

// ---- nothing outside the site ----

/// Each hostile target is refused (400 or 404, never a page) and the real page is still served after it.
fn check_refused(server: &Server, target: &str) {
    let reply = send(
        server,
        format!("GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", host(server)).as_bytes(),
    );
    assert!(matches!(reply.status, 400 | 404), "{target} gave {}", reply.status);
    assert!(!reply.text().contains("root:"), "{target}");
    assert!(!reply.text().contains("Sovereignty"), "{target}");
    assert_real_page_served(server);
}

#[test]
fn dot_dot_is_refused_and_pages_still_served() {
    let server = start();
    check_refused(&server, "/../../../../etc/passwd");
    check_refused(&server, "/principles/../../../etc/passwd");
    check_refused(&server, "/principles/x/../../../");
    check_refused(&server, "/./principles/x/");
}

#[test]
fn percent_encoded_dot_dot_is_refused_and_pages_still_served() {
    let server = start();
    check_refused(&server, "/%2e%2e/%2e%2e/etc/passwd");
    check_refused(&server, "/%2E%2E/%2E%2E/etc/passwd");
    check_refused(&server, "/.%2e/.%2e/etc/passwd");
    check_refused(&server, "/%2e%2e%2f%2e%2e%2fetc%2fpasswd");
    check_refused(&server, "/..%2f..%2fetc%2fpasswd");
    check_refused(&server, "/principles/x/%2e%2e/%2e%2e/%2e%2e/etc/passwd");
}

#[test]
fn doubled_and_double_encoded_dot_dot_is_refused_and_pages_still_served() {
    let server = start();
    check_refused(&server, "/....//....//etc/passwd");
    check_refused(&server, "/..../etc/passwd");
    check_refused(&server, "/%252e%252e/%252e%252e/etc/passwd");
    check_refused(&server, "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd");
}

#[test]
fn backslashes_are_refused_and_pages_still_served() {
    let server = start();
    check_refused(&server, "/..\\..\\etc\\passwd");
    check_refused(&server, "/principles\\x\\index.html");
    check_refused(&server, "/%5c..%5c..%5cetc%5cpasswd");
    check_refused(&server, "/..%5C..%5Cwindows%5Cwin.ini");
}

#[test]
fn nul_bytes_are_refused_and_pages_still_served() {
    let server = start();
    check_refused(&server, "/principles/x/index.html%00.css");
    check_refused(&server, "/%00");
    check_refused(&server, "/style.css%00");
    // A raw NUL in the request line.
    let raw = format!("GET /style.css\0 HTTP/1.1\r\nHost: {}\r\n\r\n", host(&server));
    let reply = send(&server, raw.as_bytes());
    assert_eq!(reply.status, 400);
    assert_real_page_served(&server);
}

#[test]
fn absolute_paths_and_schemes_are_refused_and_pages_still_served() {
    let server = start();
    check_refused(&server, "http://127.0.0.1/etc/passwd");
    check_refused(&server, "file:///etc/passwd");
    check_refused(&server, "//etc/passwd");
    check_refused(&server, "/%2fetc/passwd");
    check_refused(&server, "/C:/Windows/win.ini");
    check_refused(&server, "*");
    check_refused(&server, "etc/passwd");
    // "//host/" never becomes a redirect to another host.
    let reply = get(&server, "//evil.example/principles");
    assert!(reply.header("location").is_none_or(|location| location.starts_with('/') && !location.starts_with("//")));
}

// ---- Host header ----

#[test]
fn host_header_is_checked() {
    let server = start();
    let port = server.local_addr().port();
    let with_host = |value: &str| {
        let raw = format!("GET /principles/x/ HTTP/1.1\r\nHost: {value}\r\nConnection: close\r\n\r\n");
        send(&server, raw.as_bytes()).status
    };
    assert_eq!(with_host(&format!("localhost:{port}")), 200);
    assert_eq!(with_host(&format!("127.0.0.1:{port}")), 200);
    assert_eq!(with_host(&format!("[::1]:{port}")), 200);
    assert_eq!(with_host(&format!("evil.example:{port}")), 403);
    assert_eq!(with_host(&format!("localhost.evil.example:{port}")), 403);
    assert_eq!(with_host("localhost:1"), 403);
    assert_eq!(with_host("evil.example"), 403);
    let events = format!("GET /__quire/events HTTP/1.1\r\nHost: evil.example:{port}\r\nConnection: close\r\n\r\n");
    assert_eq!(send(&server, events.as_bytes()).status, 403);
    let missing = send(&server, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert_eq!(missing.status, 400);
}

// ---- sizes and bodies ----

#[test]
fn oversized_request_line_gets_414() {
    let server = start();
    let target = format!("/{}", "a".repeat(10 * 1024));
    assert_eq!(get(&server, &target).status, 414);
    assert_real_page_served(&server);
}

#[test]
fn oversized_header_block_gets_431() {
    let server = start();
    let big = format!("X-Big: {}\r\n", "b".repeat(40 * 1024));
    assert_eq!(request(&server, "GET", "/", &big).status, 431);
    let many: String = (0..40).map(|index| format!("X-{index}: {}\r\n", "c".repeat(1000))).collect();
    assert_eq!(request(&server, "GET", "/", &many).status, 431);
    let count: String = (0..150).map(|index| format!("X-{index}: 1\r\n")).collect();
    assert_eq!(request(&server, "GET", "/", &count).status, 431);
    assert_real_page_served(&server);
}

/// Sends `raw` from another thread while reading the answer here. Returns the status and whether every byte
/// of `raw` got through: it cannot when the server stops reading at its limit and closes, since `raw` is far
/// larger than what the kernel buffers on both ends of a loopback connection can hold (a few MB each).
fn send_huge(server: &Server, raw: Vec<u8>) -> (u16, bool) {
    let mut stream = connect(server);
    let mut writer = stream.try_clone().expect("a second handle for the sender");
    let sender = std::thread::spawn(move || writer.write_all(&raw).is_ok());
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    // A reset after the refusal is expected: the server closes with the rest of the request unread.
    while let Ok(read @ 1..) = stream.read(&mut buffer) {
        received.extend_from_slice(&buffer[..read]);
    }
    let all_sent = sender.join().expect("sender thread");
    let reply = parse_replies(&received).into_iter().next().expect("a refusal before the close");
    (reply.status, all_sent)
}

const HUGE: usize = 64 * 1024 * 1024;

#[test]
fn request_line_of_many_megabytes_is_refused_unread() {
    let server = start();
    let mut raw = b"GET /".to_vec();
    raw.resize(HUGE, b'a');
    let (status, all_sent) = send_huge(&server, raw);
    assert_eq!(status, 414);
    assert!(!all_sent, "the server read the whole request line");
    assert_real_page_served(&server);
}

#[test]
fn header_block_of_many_megabytes_is_refused_unread() {
    let server = start();
    let head = format!("GET / HTTP/1.1\r\nHost: {}\r\n", host(&server));
    let mut lines = head.clone().into_bytes();
    while lines.len() < HUGE {
        lines.extend_from_slice(b"X-Filler: 0123456789abcdef\r\n");
    }
    let (status, all_sent) = send_huge(&server, lines);
    assert_eq!(status, 431);
    assert!(!all_sent, "the server read the whole header block");
    let mut one_header = format!("{head}X-Big: ").into_bytes();
    one_header.resize(HUGE, b'b');
    let (status, all_sent) = send_huge(&server, one_header);
    assert_eq!(status, 431);
    assert!(!all_sent, "the server read the whole header");
    assert_real_page_served(&server);
}

#[test]
fn headers_tiny_http_cannot_take_are_kept_from_it() {
    let server = start();
    let host = host(&server);
    // A cookie another local app set with raw UTF-8, hop-by-hop headers, then a second request on the same
    // connection: each is answered, framed by Content-Length.
    let raw = format!(
        "GET /style.css HTTP/1.1\r\nHost: {host}\r\nCookie: name=caf\u{e9}\r\nTE: chunked\r\n\
         Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nExpect: bogus\r\n\r\n\
         GET /principles/x/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut stream = connect(&server);
    stream.write_all(raw.as_bytes()).expect("send two requests");
    let mut received = Vec::new();
    stream.read_to_end(&mut received).expect("both responses");
    let replies = parse_replies(&received);
    assert_eq!(replies.len(), 2, "{}", String::from_utf8_lossy(&received));
    assert_eq!(replies[0].status, 200);
    assert_eq!(replies[0].text(), "body { color: black }");
    assert!(replies[0].header("transfer-encoding").is_none());
    assert!(replies[1].text().contains("Sovereignty"));
    // Outside ASCII in the request line is refused, not passed on.
    let raw = format!("GET /caf\u{e9}/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    assert_eq!(send(&server, raw.as_bytes()).status, 400);
    assert_real_page_served(&server);
}

#[test]
fn request_bodies_are_bounded() {
    let server = start();
    let small = send(
        &server,
        format!("POST / HTTP/1.1\r\nHost: {}\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello", host(&server))
            .as_bytes(),
    );
    assert_eq!(small.status, 405);
    // Announced but never sent: refused from the header alone, nothing read.
    let huge = request(&server, "POST", "/", "Content-Length: 1000000000000\r\n");
    assert_eq!(huge.status, 413);
    let past_usize = request(&server, "GET", "/", "Content-Length: 99999999999999999999999999\r\n");
    assert_eq!(past_usize.status, 413);
    let chunked = request(&server, "POST", "/", "Transfer-Encoding: chunked\r\n");
    assert_eq!(chunked.status, 413);
    assert_real_page_served(&server);
}

#[test]
fn idle_and_slow_clients_do_not_stall_others() {
    let server = start_with(site(), "/", 2);
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(connect(&server));
    }
    for _ in 0..3 {
        let mut slow = connect(&server);
        slow.write_all(b"GET / HTTP/1.1\r\nHost: loc").expect("partial head");
        idle.push(slow);
    }
    assert_real_page_served(&server);
    assert_real_page_served(&server);
}

#[test]
fn more_idle_connections_than_the_bound_make_room_for_new_ones() {
    let server = start_with(site(), "/", 2);
    // Far more than the server keeps open for pages: the longest idle are closed to make room, before the
    // connection asking for the page is even accepted.
    let idle: Vec<TcpStream> = (0..100).map(|_| connect(&server)).collect();
    assert_real_page_served(&server);
    let closed = idle
        .iter()
        .filter(|stream| {
            stream.set_nonblocking(true).expect("nonblocking check");
            let mut byte = [0u8; 1];
            let mut stream: &TcpStream = stream;
            // Still open reads "would block"; closed reads end-of-stream (or a reset).
            !matches!(stream.read(&mut byte), Err(error) if error.kind() == std::io::ErrorKind::WouldBlock)
        })
        .count();
    assert!(closed > 0);
}

/// Issue 12: under a burst of 200 concurrent connections (a link checker, a crawler), every request that arrived
/// gets a response; a 503 must say when to retry. 200 clients send 10 requests each, one connection per request
/// as `ab` does; bounded: each waits at most `PATIENCE` for an answer.
#[test]
fn issue_12_a_burst_of_200_connections_gets_every_response() {
    const CLIENTS: usize = 200;
    const REQUESTS_EACH: usize = 10;
    let server = std::sync::Arc::new(start_with(site(), "/", 2));
    let start = std::sync::Arc::new(std::sync::Barrier::new(CLIENTS));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (server, start) = (std::sync::Arc::clone(&server), std::sync::Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                (0..REQUESTS_EACH).filter(|_| burst_request_answered(&server)).count()
            })
        })
        .collect();
    let answered: usize = clients.into_iter().map(|client| client.join().unwrap_or(0)).sum();
    assert_eq!(answered, CLIENTS * REQUESTS_EACH, "every request of the burst gets a response");
}

/// One request on a new connection: answered with the page, or with a 503 that says when to retry.
fn burst_request_answered(server: &Server) -> bool {
    let raw = format!("GET /principles/x/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", host(server));
    let mut stream = connect(server);
    let mut received = Vec::new();
    if stream.write_all(raw.as_bytes()).is_err() || stream.read_to_end(&mut received).is_err() {
        return false;
    }
    match parse_replies(&received).into_iter().next() {
        Some(reply) if reply.status == 200 => reply.text().contains("Sovereignty"),
        Some(reply) if reply.status == 503 => reply.header("retry-after").is_some(),
        _ => false,
    }
}

// ---- live reload ----

/// Reads from an event stream until `wanted` has arrived; returns everything read.
fn read_until(stream: &mut TcpStream, seen: &mut String, wanted: &str) {
    let mut buffer = [0u8; 4096];
    while !seen.contains(wanted) {
        let read = stream.read(&mut buffer).expect("event stream stays open");
        assert!(read > 0, "stream closed before {wanted:?}; got {seen:?}");
        seen.push_str(&String::from_utf8_lossy(&buffer[..read]));
    }
}

fn open_events(server: &Server) -> (TcpStream, String) {
    let mut stream = connect(server);
    let raw = format!("GET /__quire/events HTTP/1.1\r\nHost: {}\r\nOrigin: http://evil.example\r\n\r\n", host(server));
    stream.write_all(raw.as_bytes()).expect("open event stream");
    let mut seen = String::new();
    read_until(&mut stream, &mut seen, "event: hello\ndata: ");
    read_until(&mut stream, &mut seen, "}\n\n");
    (stream, seen)
}

#[test]
fn live_reload_script_goes_only_into_html() {
    let server = start();
    let page = get(&server, "/principles/x/").text();
    assert!(page.ends_with("<h1>Sovereignty</h1><script src=\"/__quire/live.js\" defer></script></body></html>"));
    assert_eq!(get(&server, "/style.css").text(), "body { color: black }");
    let script = get(&server, "/__quire/live.js");
    assert_eq!(script.status, 200);
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(script.text().contains("EventSource(\"/__quire/events\")"));
    assert!(!script.text().contains("innerHTML"));
}

/// The live-reload tag goes into each answer, not into a second copy of the site held by the server: what a tab gets
/// is the published page with exactly one tag (before the last `</body>`, or at the end of a page without one), the
/// same bytes at every request and after a publish that left the page alone, and ETags, 304s and ranges follow them.
#[test]
fn issue_13_served_html_is_the_published_page_plus_one_live_reload_tag() {
    const TAG: &str = "<script src=\"/__quire/live.js\" defer></script>";
    // Long enough to be held compressed: it is answered decompressed, byte for byte.
    let long =
        format!("<html><body>{}</body></html>", "<li><a href=\"/principles/x/\">Sovereignty</a></li>".repeat(300));
    let pages = [
        ("principles/x/index.html", PAGE, PAGE.replace("</body>", &format!("{TAG}</body>"))),
        ("long/index.html", long.as_str(), long.replace("</body>", &format!("{TAG}</body>"))),
        ("frag/index.html", "<p>a fragment, no body element</p>", format!("<p>a fragment, no body element</p>{TAG}")),
        (
            "code/index.html",
            "<body><code>&lt;/body&gt;</body></code>x",
            format!("<body><code>&lt;/body&gt;{TAG}</body></code>x"),
        ),
    ];
    let extra: Vec<(&str, &str)> = pages.iter().map(|(path, html, _)| (*path, *html)).collect();
    let server = start_with(site_with(&extra), "/", 2);
    for (path, _, expected) in &pages {
        let url = format!("/{}", path.trim_end_matches("index.html"));
        let first = get(&server, &url);
        assert_eq!((first.status, first.text()), (200, expected.clone()), "{path}");
        assert_eq!(first.text().matches(TAG).count(), 1);
        let etag = first.header("etag").expect("an ETag").to_string();
        let again = get(&server, &url);
        assert_eq!((again.text(), again.header("etag")), (expected.clone(), Some(etag.as_str())));
        let cached = request(&server, "GET", &url, &format!("If-None-Match: {etag}\r\n"));
        assert_eq!(cached.status, 304);
        let tail = request(&server, "GET", &url, "Range: bytes=-9\r\n");
        assert_eq!((tail.status, tail.text()), (206, expected[expected.len() - 9..].to_string()));
    }
    // Republished with another page changed: this one is served as before, still with one tag.
    let mut changed = extra.clone();
    changed.push(("index.html", "<body>New home</body>"));
    server.publish(site_with(&changed), Reload::Full);
    assert_eq!(get(&server, "/principles/x/").text(), pages[0].2);
    assert_eq!(get(&server, "/").text(), format!("<body>New home{TAG}</body>"));
}

#[test]
fn event_stream_has_the_right_headers_and_no_cors() {
    let server = start();
    let (_stream, seen) = open_events(&server);
    assert!(seen.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(seen.contains("Content-Type: text/event-stream"));
    assert!(seen.contains("Cache-Control: no-store"));
    assert!(!seen.to_ascii_lowercase().contains("access-control"));
    assert!(seen.contains("event: hello\ndata: {\"build\":0,\"failed\":false}"));
}

#[test]
fn publish_sends_reload_and_serves_the_new_site() {
    let server = start();
    let (mut stream, mut seen) = open_events(&server);
    server.publish(site_with(&[("principles/x/index.html", "<body>Second edition</body>")]), Reload::Full);
    read_until(&mut stream, &mut seen, "event: reload\ndata: {\"build\":1}\n\n");
    assert!(get(&server, "/principles/x/").text().contains("Second edition"));
}

#[test]
fn css_only_changes_name_the_stylesheets() {
    let server = start_with(site(), "/docs/", 2);
    let (mut stream, mut seen) = open_events(&server);
    server.publish(site_with(&[("style.css", "body { color: red }")]), Reload::Css(vec!["style.css".into()]));
    read_until(&mut stream, &mut seen, "event: css\ndata: {\"build\":1,\"paths\":[\"/docs/style.css\"]}\n\n");
    assert!(!seen.contains("event: reload"));
    assert_eq!(get(&server, "/docs/style.css").text(), "body { color: red }");
}

#[test]
fn build_errors_reach_open_and_new_tabs_until_fixed() {
    let server = start();
    let (mut open_tab, mut seen) = open_events(&server);
    let report = ErrorReport {
        problems: vec![Problem::new("unknown field `titel`\n  help: did you mean `title`?").at("content/a.md", 2, 1)],
    };
    server.show_error(report);
    read_until(&mut open_tab, &mut seen, "event: build-error\ndata: ");
    read_until(&mut open_tab, &mut seen, "content/a.md");
    // The last good site stays served.
    assert_real_page_served(&server);
    // A tab opened now sees the error at once.
    let (mut new_tab, mut new_seen) = open_events(&server);
    assert!(new_seen.contains("\"failed\":true"), "{new_seen}");
    read_until(
        &mut new_tab,
        &mut new_seen,
        "event: build-error\ndata: {\"problems\":[{\"file\":\"content/a.md\",\"line\":2,\"column\":1",
    );
    // The next good build clears it: reload now, and tabs opened later see no error.
    server.publish(site(), Reload::Full);
    read_until(&mut open_tab, &mut seen, "event: reload");
    let (_later_tab, later_seen) = open_events(&server);
    assert!(later_seen.contains("\"failed\":false"), "{later_seen}");
    assert!(!later_seen.contains("build-error"));
}

#[test]
fn fifty_open_streams_do_not_block_pages() {
    let server = start_with(site(), "/", 2);
    let mut streams: Vec<(TcpStream, String)> = (0..50).map(|_| open_events(&server)).collect();
    assert_real_page_served(&server);
    assert_eq!(get(&server, "/style.css").status, 200);
    server.publish(site(), Reload::Full);
    for (stream, seen) in &mut streams {
        read_until(stream, seen, "event: reload");
    }
    assert_real_page_served(&server);
}

// ---- start and stop ----

#[test]
fn busy_port_moves_to_the_next_one() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind a port to occupy");
    let wanted = taken.local_addr().expect("bound").port();
    let config = ServerConfig { port: wanted, threads: 2, ..ServerConfig::default() };
    let server = match Server::start(config, site()) {
        Ok(server) => server,
        // The ports after it may all be taken by other programs; nothing to check then.
        Err(quire::serve::ServeError::NoFreePort { .. }) => return,
        Err(error) => panic!("unexpected start error: {error}"),
    };
    let used = server.local_addr().port();
    assert_ne!(used, wanted);
    assert_eq!(server.notices(), &[StartNotice::PortInUse { wanted, used }]);
    assert_real_page_served(&server);
}

#[test]
fn loopback_bind_gives_no_warning() {
    let server = start();
    assert!(server.notices().is_empty());
    assert!(server.url().starts_with("http://127.0.0.1:"));
}

#[test]
fn stop_is_graceful_with_open_connections() {
    let server = start_with(site(), "/", 2);
    let address = server.local_addr();
    let (mut events, _) = open_events(&server);
    let _idle = connect(&server);
    assert_real_page_served(&server);
    server.stop();
    let mut rest = Vec::new();
    // The event stream is closed by the server, not left hanging.
    let _ = events.read_to_end(&mut rest);
    assert!(TcpStream::connect(address).is_err());
}

#[test]
fn byte_ranges_for_media() {
    let server = start_with(site_with(&[("clip.mp4", "0123456789")]), "/", 2);
    let part = request(&server, "GET", "/clip.mp4", "Range: bytes=2-5\r\n");
    assert_eq!(part.status, 206);
    assert_eq!(part.text(), "2345");
    assert_eq!(part.header("content-range"), Some("bytes 2-5/10"));
    assert_eq!(part.header("content-type"), Some("video/mp4"));
    let whole = get(&server, "/clip.mp4");
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(request(&server, "GET", "/clip.mp4", "Range: bytes=20-\r\n").status, 416);
}
