//! Issue 15: the search `quire mcp` answers with (`search::query`) ranks as the site's search box does: the same
//! queries over the committed fixture index give the same pages, headings, excerpts and scores in Rust and in
//! `static/search.js` run by Node (needed on PATH, as for tests/search_js.rs).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const QUERIES: &[&str] = &[
    "ICANN",
    "icann",
    "respecting sovereignty",
    "sovereignty of nations",
    "搜索引擎",
    "搜索",
    "倒排索引",
    "データベース",
    "バックアップ",
    "creme brulee",
    "CRÈME",
    "cache",
    "cach",
    "sovereig",
    "invalidati",
    "sovereig ",
    "invalidation",
    "board elected",
    "openness",
    "welcome",
    "zyzzyva",
    "   ",
    "the board",
    "root zone names",
    "ca",
    "elect",
];

/// One result as both sides give it: url, heading, excerpt and the score to 9 decimals.
fn line(url: &str, heading: &str, excerpt: &str, score: f64) -> String {
    format!("{url} | {heading} | {excerpt} | {score:.9}")
}

fn in_node(public: &PathBuf) -> Vec<Vec<String>> {
    let script = r#"
        const vm = require("vm"), fs = require("fs"), path = require("path");
        const [publicDir, queries] = JSON.parse(fs.readFileSync(0, "utf8"));
        const root = "https://example.org/docs/";
        (async () => {
            const all = [];
            for (const query of queries) {
                const context = { console, setTimeout, clearTimeout, location: { href: "" } };
                context.window = context;
                context.quireSearch = {
                    root,
                    loadScript(url) {
                        const file = path.join(publicDir, url.slice(root.length).replace(/\?.*$/, ""));
                        try { vm.runInContext(fs.readFileSync(file, "utf8"), context); } catch (e) { return Promise.reject(e); }
                        return Promise.resolve();
                    },
                };
                vm.createContext(context);
                vm.runInContext(fs.readFileSync("static/search.js", "utf8"), context);
                const results = await context.quireSearch.search(query, 10);
                all.push(Array.from(results, (r) => [r.url, r.heading, r.excerpt, r.score]));
            }
            process.stdout.write(JSON.stringify(all));
        })();
    "#;
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("node")
        .arg("-e")
        .arg(script)
        .current_dir(&repo)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (it is needed for the search tests)");
    let input = serde_json::to_string(&(public, QUERIES)).expect("serializes");
    child.stdin.take().expect("piped").write_all(input.as_bytes()).expect("write to node");
    let output = child.wait_with_output().expect("node finishes");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    let results: Vec<Vec<(String, String, String, f64)>> = serde_json::from_slice(&output.stdout).expect("JSON");
    results
        .iter()
        .map(|hits| hits.iter().map(|(url, heading, excerpt, score)| line(url, heading, excerpt, *score)).collect())
        .collect()
}

#[test]
fn issue_15_the_rust_search_ranks_as_search_js() {
    let public = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search/public");
    let from_node = in_node(&public);
    let mut mismatches = Vec::new();
    for (query, js) in QUERIES.iter().zip(&from_node) {
        let rust: Vec<String> = quire::search::query::search(&public, query, 10)
            .iter()
            .map(|hit| line(&hit.url, &hit.heading, &hit.excerpt, hit.score))
            .collect();
        if &rust != js {
            mismatches.push(format!("{query:?}\n  rust: {rust:#?}\n  js:   {js:#?}"));
        }
    }
    let found = from_node.iter().filter(|hits| !hits.is_empty()).count();
    assert!(found >= 20, "the queries should find something: {from_node:?}");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}
