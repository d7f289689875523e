//! `quire check --external` against a tiny HTTP server on 127.0.0.1 started by each test: dead links are
//! reported at their Markdown line, retries and HEAD fallbacks pass, answers are cached, anchors are looked for
//! on their pages (`skip_anchor_prefixes` excepted). Never the internet.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};

/// Requests seen, by "METHOD /path".
type Seen = Arc<Mutex<HashMap<String, usize>>>;

/// Serves: /ok 200 (to GET, a page with `id="section"`, `<a name="named">` and `id="café"`), /gone 404, /broken
/// 500, /flaky 503 once then 200, /no-head 405 to HEAD and 200 to GET.
fn start_server() -> (u16, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
    let port = listener.local_addr().expect("bound").port();
    let seen: Seen = Arc::default();
    let counter = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let counter = counter.clone();
            std::thread::spawn(move || answer(stream, &counter));
        }
    });
    (port, seen)
}

fn answer(stream: TcpStream, seen: &Seen) {
    let mut reader = BufReader::new(stream.try_clone().expect("clonable stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" => break,
            Ok(_) => {}
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let count = {
        let mut seen = seen.lock().expect("not poisoned");
        let count = seen.entry(format!("{method} {path}")).or_default();
        *count += 1;
        *seen.entry(path.to_string()).or_default()
    };
    let status = match (method, path) {
        (_, "/ok") => "200 OK",
        (_, "/gone") => "404 Not Found",
        (_, "/broken") => "500 Internal Server Error",
        (_, "/flaky") if count == 1 => "503 Service Unavailable",
        (_, "/flaky") => "200 OK",
        ("HEAD", "/no-head") => "405 Method Not Allowed",
        (_, "/no-head") => "200 OK",
        _ => "404 Not Found",
    };
    let body = match (method, path) {
        ("GET", "/ok") => OK_PAGE,
        _ => "",
    };
    let mut stream = stream;
    let length = body.len();
    let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n{body}");
}

/// The page at /ok: the anchors links may name.
const OK_PAGE: &str = "<!DOCTYPE html><title>OK</title><h2 id=\"section\">Section</h2><a name=\"named\"></a>\
                       <h2 id=\"caf&#233;\">Café</h2><p id=section-2>More</p>";

/// Counts every request of every method to `path`.
fn requests(seen: &Seen, path: &str) -> usize {
    let seen = seen.lock().expect("not poisoned");
    seen.iter().filter(|(key, _)| key.split_once(' ').is_some_and(|(_, p)| p == path)).map(|(_, n)| n).sum()
}

/// A copy of `tests/fixtures/check-external` in a temporary folder, its `PORT`s replaced; `closed` is a port
/// nothing listens on.
fn site(port: u16, closed: u16) -> tempfile::TempDir {
    site_from("check-external", port, closed)
}

/// A copy of `tests/fixtures/NAME` in a temporary folder, its `PORT`s and `CLOSED`s replaced.
fn site_from(name: &str, port: u16, closed: u16) -> tempfile::TempDir {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let tmp = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(&fixture).into_iter().flatten() {
        let target = tmp.path().join(entry.path().strip_prefix(&fixture).expect("inside the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("writable");
        } else {
            let text = std::fs::read_to_string(entry.path()).expect("fixture files are text");
            let text = text.replace("CLOSED", &closed.to_string()).replace("PORT", &port.to_string());
            std::fs::write(&target, text).expect("writable");
        }
    }
    tmp
}

fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("bound").port()
    // dropped here: connecting to it is refused
}

/// Runs `quire check --format json` with `args`; returns the exit code and "file:line:col: message" lines.
fn check(root: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(["check", "--format", "json", "--root"])
        .arg(root)
        .args(args)
        .output()
        .expect("quire runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let list: Vec<serde_json::Value> = serde_json::from_str(&stdout).expect("a JSON list");
    let mut lines: Vec<String> = list
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {}: {}: {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap_or(""),
                d["kind"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    lines.sort();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), lines, stderr)
}

#[test]
fn dead_links_are_reported_where_they_are_written() {
    let (port, seen) = start_server();
    let closed = closed_port();
    let site = site(port, closed);
    let (code, diagnostics, stderr) = check(site.path(), &["--external"]);
    let page = "content/guide/links.md";
    assert_eq!(
        diagnostics,
        vec![
            format!("{page}:10:1: error: external link: `http://127.0.0.1:{closed}/anything` could not be reached: connection refused"),
            format!("{page}:8:1: error: external link: `http://127.0.0.1:{port}/gone` is broken: HTTP 404"),
            format!("{page}:9:1: error: external link: `http://127.0.0.1:{port}/broken#part` is broken: HTTP 500"),
            format!("templates/base.html:9:57: error: external link: `http://127.0.0.1:{port}/gone` is broken: HTTP 404 (on 4 pages)"),
        ],
        "{stderr}"
    );
    assert_eq!(code, 1);
    // Retried three times, never more; its link names an anchor, so each try is one GET for the page.
    assert_eq!(requests(&seen, "/broken"), 3);
    assert_eq!(requests(&seen, "/gone"), 2, "a link without an anchor: HEAD, then GET, and 404 is final");
    // Not a terminal: one plain progress line per address.
    assert!(stderr.contains("external links: 6 to check, 0 known good"), "{stderr}");
    assert!(stderr.contains(&format!("http://127.0.0.1:{port}/gone: HTTP 404")), "{stderr}");
}

#[test]
fn good_answers_are_cached_for_the_next_run() {
    let (port, seen) = start_server();
    let site = site(port, closed_port());
    check(site.path(), &["--external"]);
    let cache = std::fs::read_to_string(site.path().join(".quire-link-cache.json")).expect("cache written");
    let cache: serde_json::Value = serde_json::from_str(&cache).expect("cache is JSON");
    let mut cached: Vec<&str> = cache["alive"].as_object().expect("alive map").keys().map(String::as_str).collect();
    cached.sort();
    let url = |path: &str| format!("http://127.0.0.1:{port}{path}");
    // The anchor of `/ok#section` was found on its page: the whole URL is known good too.
    assert_eq!(cached, [url("/flaky"), url("/no-head"), url("/ok"), url("/ok#section")]);

    let before = (requests(&seen, "/ok"), requests(&seen, "/gone"));
    let (_, _, stderr) = check(site.path(), &["--external"]);
    assert_eq!(requests(&seen, "/ok"), before.0, "a cached address is not asked again");
    assert!(requests(&seen, "/gone") > before.1, "a dead address is asked again");
    assert!(stderr.contains("external links: 3 to check, 3 known good"), "{stderr}");
}

#[test]
fn default_check_uses_no_network() {
    let (port, seen) = start_server();
    let site = site(port, closed_port());
    let (code, diagnostics, _) = check(site.path(), &[]);
    assert_eq!((code, diagnostics), (0, Vec::<String>::new()));
    assert_eq!(seen.lock().expect("not poisoned").len(), 0);
    assert!(!site.path().join(".quire-link-cache.json").exists());
}

/// Issue 14: Zola's `skip_anchor_prefixes`. A link's `#anchor` is looked for among the ids (and `<a name>`s) of
/// its page, as Zola's checker does, except under `skip_anchor_prefixes`, for `#top` and for a script's route.
#[test]
fn issue_14_external_anchors_are_checked_unless_skipped() {
    let (port, seen) = start_server();
    let site = site_from("check-external-anchors", port, closed_port());
    let (code, diagnostics, stderr) = check(site.path(), &["--external"]);
    let page = "content/_index.md";
    let missing = |line: u32, anchor: &str| {
        format!(
            "{page}:{line}:1: error: external link: `http://127.0.0.1:{port}/ok#{anchor}`: no anchor `#{anchor}` on that page"
        )
    };
    assert_eq!(diagnostics, vec![missing(11, "sectoin")], "{stderr}");
    assert_eq!(code, 1);
    // The skipped address was asked as any address is (HEAD, then GET), its anchor never looked for.
    assert_eq!(requests(&seen, "/no-head"), 2);
    // One address, one page fetched for all its anchors.
    assert_eq!(requests(&seen, "/ok"), 1);

    // Without `skip_anchor_prefixes`, the same link is a missing anchor.
    let config = site.path().join("config.toml");
    let text = std::fs::read_to_string(&config).expect("config.toml");
    let skipped = format!("skip_anchor_prefixes = [\"http://127.0.0.1:{port}/no-head\"]");
    assert!(text.contains(&skipped), "{text}");
    std::fs::write(&config, text.replace(&skipped, "skip_anchor_prefixes = []")).expect("writable");
    std::fs::remove_file(site.path().join(".quire-link-cache.json")).expect("a cache was written");
    let (_, diagnostics, stderr) = check(site.path(), &["--external"]);
    assert!(
        diagnostics.iter().any(|d| d.contains(&format!("`http://127.0.0.1:{port}/no-head#anything`: no anchor"))),
        "{diagnostics:?} {stderr}"
    );
}
