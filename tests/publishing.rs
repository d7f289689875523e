//! Publishing anywhere: the default site built for a subpath and served there has no broken link, and an
//! `--offline` build links every page to files that exist on disk, so it works from `file://`.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(base_url: &str, offline: bool) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let output = tmp.path().join("public");
    let options = quire::BuildOptions {
        root: repo_root(),
        output: Some(output.clone()),
        base_url: Some(base_url.into()),
        offline,
        ..Default::default()
    };
    if let Err(e) = quire::build(&options) {
        panic!("the default site must build: {e}");
    }
    (tmp, output)
}

/// Every `href` and `src` value of an HTML document, entities for `/` and `&` decoded.
fn urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            found.push(rest[..end].replace("&#x2F;", "/").replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    found
}

fn files_of(output: &Path) -> HashMap<String, Vec<u8>> {
    walkdir::WalkDir::new(output)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(output).expect("inside output").to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).expect("readable output file"))
        })
        .collect()
}

/// GET `path` from the server; returns the status code and body.
fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the test server");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").expect("send request");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

#[test]
fn subpath_build_served_under_its_path_has_no_broken_link() {
    let (_tmp, output) = build("https://docs.example.org/docs/", false);
    let site = quire::serve::SiteFiles::new(files_of(&output));
    let config = quire::serve::ServerConfig { port: 0, base_path: "/docs/".into(), ..Default::default() };
    let server = quire::serve::Server::start(config, site).expect("start the server");
    let port = server.local_addr().port();

    let mut queue = VecDeque::from(["/docs/".to_string()]);
    let mut seen = BTreeSet::new();
    let mut broken = Vec::new();
    let mut outside = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (status, body) = get(port, &path);
        if status != 200 {
            broken.push(format!("{status} {path}"));
            continue;
        }
        if !path.ends_with('/') && !path.ends_with(".html") {
            continue;
        }
        for url in urls(&body) {
            let url = url.split('#').next().unwrap_or("").to_string();
            let local = if let Some(rest) = url.strip_prefix("https://docs.example.org") {
                rest.to_string()
            } else if url.starts_with('/') && !url.starts_with("//") {
                url.clone()
            } else {
                continue; // other hosts, fragments, mailto:
            };
            // The dev server's own live-reload script, not part of the built site.
            if local.is_empty() || local.starts_with("/__quire/") {
                continue;
            }
            if !local.starts_with("/docs/") {
                outside.push(format!("{url} (on {path})"));
                continue;
            }
            queue.push_back(local);
        }
    }
    server.stop();
    assert!(outside.is_empty(), "links that leave /docs/ would 404 on the host: {outside:#?}");
    assert!(broken.is_empty(), "broken links under /docs/: {broken:#?}");
    assert!(seen.len() > 60, "the crawl reached only {} URLs", seen.len());
}

#[test]
fn offline_build_links_to_files_that_exist() {
    let (_tmp, output) = build("https://docs.example.org/", true);
    let files = files_of(&output);
    let mut checked = 0;
    let mut broken = Vec::new();
    for (path, bytes) in &files {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8_lossy(bytes);
        let dir = Path::new(path).parent().unwrap_or(Path::new(""));
        for url in urls(&html) {
            let url = url.split(['#', '?']).next().unwrap_or("").to_string();
            if url.is_empty() || url.contains(':') || url.starts_with("//") {
                continue;
            }
            assert!(!url.starts_with('/'), "{path}: root-relative `{url}` cannot work from file://");
            let mut target = dir.to_path_buf();
            for part in url.split('/') {
                match part {
                    ".." => {
                        target.pop();
                    }
                    "" | "." => {}
                    other => target.push(other),
                }
            }
            checked += 1;
            let key = target.to_string_lossy().replace('\\', "/");
            if !files.contains_key(&key) {
                broken.push(format!("{path}: {url}"));
            }
        }
    }
    assert!(broken.is_empty(), "links to missing files: {broken:#?}");
    assert!(checked > 500, "only {checked} links checked");
}
