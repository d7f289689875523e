//! The browser half of search against the Rust half: the tokenizers must agree term for term, the
//! committed fixture index must match what `build_index` makes, and the Node tests must pass on it.
//! Needs `node` on PATH (as on CI). Re-bless the fixture with `QUIRE_BLESS=1 cargo test --test search_js`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use quire::search::{build_index, tokenize, SearchDoc};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs static/search.js's tokenizer in Node on every string.
fn tokenize_in_node(strings: &[String]) -> Vec<Vec<String>> {
    let script = r#"
        const vm = require("vm"), fs = require("fs");
        const context = {};
        context.window = context;
        vm.createContext(context);
        vm.runInContext(fs.readFileSync("static/search.js", "utf8"), context);
        const strings = JSON.parse(fs.readFileSync(0, "utf8"));
        process.stdout.write(JSON.stringify(strings.map((s) => Array.from(context.quireSearch.tokenize(s)))));
    "#;
    let mut child = Command::new("node")
        .arg("-e")
        .arg(script)
        .current_dir(repo())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (it is needed for the search tests)");
    let input = serde_json::to_string(strings).expect("strings serialize");
    child.stdin.take().expect("piped stdin").write_all(input.as_bytes()).expect("write to node");
    let output = child.wait_with_output().expect("node finishes");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).expect("node prints JSON")
}

/// Hand-picked cases plus deterministic random mixes of every script the tokenizer treats specially.
fn tokenizer_cases() -> Vec<String> {
    let mut cases: Vec<String> = [
        "The Rendering of pages",
        "ICANN's board",
        "render_page() and Tera's {{ config.base_url }}",
        "Café Crème brûlée",
        "Straße ØRESUND Łódź Ærø þorn ıstanbul İstanbul",
        "ﬁle ① ½ ＡＢＣ ｶﾀｶﾅ",
        "Ελληνικά ΟΔΟΣ ὈΔΥΣΣΕΎΣ",
        "Ёлка й",
        "搜索引擎的工作原理",
        "中",
        "中文，搜索",
        "データベースの設定",
        "ﾃﾞｰﾀ",
        "がっこう",
        "Rust语言 v2",
        "ICANN的政策",
        "한국어 검색",
        "hindi हिन्दी भाषा",
        "a \u{301}b",
        "\u{301}b",
        "x\u{a0}y\u{2003}z",
        "libraries studied queries indexes running calling",
        "emoji 🦀 crab",
        "𠀀𠀁 supplementary",
        "tab\tnew\nline\r\nform\u{c}feed",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    cases.push(format!("long {} word", "x".repeat(70)));
    cases.push(format!("long {} accented", "é".repeat(65)));
    let pool: Vec<char> =
        "aZé e\u{301}\u{308}ßøıİΣσςЁй中文搜索のデータﾃﾞｰ한\u{a0}\u{3000} _-.,'’—①ﬁＡ😀𠀀\u{94d}क\t\n".chars().collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        let mut case = String::new();
        for _ in 0..(seed % 24) {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            case.push(pool[(seed >> 33) as usize % pool.len()]);
        }
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        cases.push(case);
    }
    cases
}

#[test]
fn rust_and_javascript_tokenizers_agree() {
    let cases = tokenizer_cases();
    let from_node = tokenize_in_node(&cases);
    let mut mismatches = Vec::new();
    for (case, js) in cases.iter().zip(&from_node) {
        let rust = tokenize(case);
        if &rust != js {
            mismatches.push(format!("{case:?}\n  rust: {rust:?}\n  js:   {js:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
}

#[derive(serde::Deserialize)]
struct FixtureDoc {
    url: String,
    title: String,
    section: String,
    description: String,
    html: String,
}

fn fixture_dir() -> PathBuf {
    repo().join("tests/fixtures/search")
}

#[test]
fn fixture_index_is_up_to_date() {
    let text = std::fs::read_to_string(fixture_dir().join("docs.json")).expect("read docs.json");
    let docs: Vec<FixtureDoc> = serde_json::from_str(&text).expect("docs.json parses");
    let docs: Vec<SearchDoc> = docs
        .iter()
        .map(|d| SearchDoc {
            url: &d.url,
            title: &d.title,
            section: &d.section,
            description: &d.description,
            html: &d.html,
        })
        .collect();
    let public = fixture_dir().join("public");
    let bless = std::env::var_os("QUIRE_BLESS").is_some();
    if bless {
        let _ = std::fs::remove_dir_all(public.join("search"));
    }
    let mut stale = Vec::new();
    for file in build_index(&docs).iter().filter(|f| f.path.starts_with("search/")) {
        let path = public.join(&file.path);
        if bless {
            std::fs::create_dir_all(path.parent().expect("in a folder")).expect("create fixture folder");
            std::fs::write(&path, &file.bytes).expect("write fixture file");
        } else if std::fs::read(&path).ok().as_deref() != Some(&file.bytes[..]) {
            stale.push(file.path.clone());
        }
    }
    assert!(stale.is_empty(), "stale search fixture files {stale:?}; run QUIRE_BLESS=1 cargo test --test search_js");
}

#[test]
fn node_tests_pass_on_the_fixture_index() {
    let output = Command::new("node")
        .args(["--test", "tests/search_js.test.mjs"])
        .current_dir(repo())
        .output()
        .expect("node runs (it is needed for the search tests)");
    assert!(
        output.status.success(),
        "node --test failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// An index of many shards, some with keys in other scripts, searched in Node word by word: each
/// word's shard file is found by its key, as `search.js` names it, and holds the word. A word on
/// every page has a tail (a bitmap, the pages being dense), which a two-word query reads.
#[test]
fn search_js_finds_every_shard_by_its_key_and_reads_tails() {
    let stems = ["alpha", "beta", "кошка", "собака", "中文", "搜索", "ελλάδα", "café", "straße", "データ"];
    let words: Vec<String> = (0..1500).map(|i| format!("{}{i}", stems[i % stems.len()])).collect();
    let urls: Vec<String> = (0..300).map(|i| format!("/p{i}/")).collect();
    let bodies: Vec<String> =
        (0..300).map(|i| format!("<p>everywhere {}</p>", words[i * 5..i * 5 + 5].join(" "))).collect();
    let docs: Vec<SearchDoc> = (0..300)
        .map(|i| SearchDoc { url: &urls[i], title: "Page", section: "", description: "", html: &bodies[i] })
        .collect();
    let dir = tempfile::tempdir().expect("temp dir");
    for file in build_index(&docs) {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().expect("in a folder")).expect("create folder");
        std::fs::write(&path, &file.bytes).expect("write index file");
    }
    let names: Vec<String> = std::fs::read_dir(dir.path().join("search/s"))
        .expect("shard folder")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.len() > 5 && names.iter().any(|name| name.starts_with('x')), "{names:?}");
    let script = r#"
        const vm = require("vm"), fs = require("fs"), path = require("path");
        const [dir, wordsFile] = process.argv.slice(1);
        const root = "https://example.org/";
        const context = { console, setTimeout, clearTimeout };
        context.window = context;
        context.quireSearch = {
            root,
            loadScript(url) {
                vm.runInContext(fs.readFileSync(path.join(dir, url.slice(root.length).replace(/\?.*$/, "")), "utf8"), context);
                return Promise.resolve();
            },
        };
        vm.createContext(context);
        vm.runInContext(fs.readFileSync(path.join(dir, "search.js"), "utf8"), context);
        const words = JSON.parse(fs.readFileSync(wordsFile, "utf8"));
        (async () => {
            const missing = [];
            for (const word of words) {
                const found = await context.quireSearch.search(word + " ");
                if (found.length === 0) missing.push(word);
            }
            // The last page is past the head of "everywhere" (its first 250 pages): only its tail has it.
            // It scores more with both words than with its own alone only if the tail was read right.
            const rare = words[words.length - 1];
            const both = await context.quireSearch.search("everywhere " + rare + " ");
            const alone = await context.quireSearch.search(rare + " ");
            const first = both[0] || {};
            process.stdout.write(JSON.stringify({ missing, first: first.url, more: first.score > alone[0].score }));
        })().catch((error) => { console.error(error); process.exit(1); });
    "#;
    let words_file = dir.path().join("words.json");
    std::fs::write(&words_file, serde_json::to_string(&words).expect("json")).expect("write words");
    let output = Command::new("node")
        .arg("-e")
        .arg(script)
        .arg(dir.path())
        .arg(&words_file)
        .output()
        .expect("node runs (it is needed for the search tests)");
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    let found: serde_json::Value = serde_json::from_slice(&output.stdout).expect("node prints JSON");
    assert_eq!(found["missing"], serde_json::json!([]), "words not found");
    assert_eq!(found["first"], "/p299/", "{found}");
    assert_eq!(found["more"], true, "the tail gave the page its second word: {found}");
    assert!(dir.path().join("search/t/_everywher.js").is_file());
}
