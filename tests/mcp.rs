//! Issue 15: `quire mcp`, a Model Context Protocol server on stdio, driven by a scripted client session:
//! initialize, tools/list, tools/call `search` and `get_page`, from a site's sources and from its build.

mod common;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// A client talking JSON-RPC, a message a line, to `quire mcp`.
struct Session {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
    next_id: u64,
}

impl Session {
    fn start(args: &[&str]) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .arg("mcp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("quire mcp starts");
        let input = child.stdin.take().expect("piped stdin");
        let output = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut session = Session { child, input, output, next_id: 1 };
        let init = session.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}),
        );
        assert_eq!(init["serverInfo"]["name"], "quire", "{init}");
        assert!(init["capabilities"]["tools"].is_object(), "{init}");
        session.send(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        session
    }

    fn send(&mut self, message: &Value) {
        writeln!(self.input, "{message}").expect("write to quire mcp");
        self.input.flush().expect("flush");
    }

    /// Sends a request and returns its result, skipping any notification the server sends meanwhile.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let mut line = String::new();
            let read = self.output.read_line(&mut line).expect("read from quire mcp");
            assert!(read > 0, "quire mcp closed stdout before answering {method}");
            let message: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            if message["id"] == json!(id) {
                assert!(message["error"].is_null(), "{method}: {message}");
                return message["result"].clone();
            }
        }
    }

    fn call(&mut self, tool: &str, arguments: Value) -> (String, bool) {
        let result = self.request("tools/call", json!({"name": tool, "arguments": arguments}));
        let text = result["content"][0]["text"].as_str().unwrap_or_else(|| panic!("{result}")).to_string();
        (text, result["isError"] == json!(true))
    }

    /// Closes stdin, as a client does at the end of a session: the server must then exit by itself, with 0.
    fn finish(mut self) {
        drop(self.input);
        let status = self.child.wait().expect("quire mcp exits");
        assert!(status.success(), "quire mcp exited with {status}");
    }
}

fn search_paths(session: &mut Session, query: &str) -> Vec<String> {
    let (text, is_error) = session.call("search", json!({"query": query}));
    assert!(!is_error, "{text}");
    let hits: Vec<Value> = serde_json::from_str(&text).expect("search gives a JSON list");
    hits.iter().map(|hit| hit["path"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn issue_15_an_mcp_session_lists_the_tools_searches_and_fetches_a_page_from_sources() {
    let root = common::fixture("markdown-twins");
    let mut session = Session::start(&["--root", root.to_str().unwrap()]);
    let tools = session.request("tools/list", json!({}));
    let mut names: Vec<&str> = tools["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["get_page", "search"]);
    let search = tools["tools"].as_array().unwrap().iter().find(|t| t["name"] == "search").unwrap();
    assert_eq!(search["inputSchema"]["required"], json!(["query"]), "{search}");

    let (text, _) = session.call("search", json!({"query": "installer", "limit": 5}));
    let hits: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(hits.len(), 1, "{text}");
    assert_eq!(hits[0]["title"], "Setup");
    assert_eq!(hits[0]["path"], "/guide/setup/");
    assert_eq!(hits[0]["url"], "https://example.org/docs/guide/setup/#install", "the heading the word is under");
    assert_eq!(hits[0]["heading"], "Install");

    // A result's path, its full URL and the source file all name the page.
    for path in ["/guide/setup/", "https://example.org/docs/guide/setup/#install", "guide/setup.md"] {
        let (page, is_error) = session.call("get_page", json!({"path": path}));
        assert!(!is_error, "{path}: {page}");
        assert_eq!(page, "# Setup\n\n## Install\n\nRun the installer.\n", "{path}");
    }
    let (intro, _) = session.call("get_page", json!({"path": "/guide/intro/"}));
    assert!(intro.contains("> **Note:** Back up first."), "shortcodes run: {intro}");
    let (events, _) = session.call("get_page", json!({"path": "/guide/events/"}));
    assert!(
        events.ends_with("2. 1 May 2024\n\n   [Setup \\*changes\\*.](https://example.org/docs/guide/setup/)\n"),
        "{events}"
    );
    let (missing, is_error) = session.call("get_page", json!({"path": "/nowhere/"}));
    assert!(is_error, "{missing}");
    assert!(missing.starts_with("no page at `/nowhere/`"), "{missing}");
    session.finish();
}

#[test]
fn issue_15_an_mcp_session_over_a_build_reads_its_index_and_twins() {
    let built = common::build("markdown-twins");
    let mut session = Session::start(&["--built", built.output.to_str().unwrap()]);
    assert_eq!(search_paths(&mut session, "installer"), ["/guide/setup/"]);
    assert_eq!(search_paths(&mut session, "introduction"), ["/guide/intro/", "/"]);
    let (page, is_error) = session.call("get_page", json!({"path": "/guide/setup/"}));
    assert!(!is_error, "{page}");
    assert_eq!(page, built.read("guide/setup/index.md"));
    let (outside, is_error) = session.call("get_page", json!({"path": "/../../etc/"}));
    assert!(is_error && outside.starts_with("no page at"), "{outside}");
    session.finish();
}

#[test]
fn issue_15_mcp_over_a_folder_without_an_index_is_a_usage_error() {
    let dir = tempfile::TempDir::new().unwrap();
    let output = common::quire(Path::new("."), &["mcp", "--built", dir.path().to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(common::stderr(&output).contains("holds no search index"), "{}", common::stderr(&output));
}
