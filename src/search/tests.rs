//! Whole-index tests: build from a few pages, then read the files back the way the browser does
//! (manifest keys → shard → postings → page record) without a browser.

use super::layout::cmp_utf16;
use super::postings::{decode_postings, Posting};
use super::scripts;
use super::*;

fn doc<'a>(url: &'a str, title: &'a str, html: &'a str) -> SearchDoc<'a> {
    SearchDoc { url, title, section: "Guide", description: "", html }
}

fn file<'a>(files: &'a [SearchFile], path: &str) -> &'a str {
    let file = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no file {path}"));
    std::str::from_utf8(&file.bytes).expect("index files are UTF-8")
}

/// The JSON argument list of `quireSearch.<name>(…);` as a JSON array.
fn call_args(script: &str, name: &str) -> serde_json::Value {
    let prefix = format!("quireSearch.{name}(");
    let inner = script.trim_end().strip_prefix(&prefix).and_then(|s| s.strip_suffix(");")).expect("one call");
    serde_json::from_str(&format!("[{inner}]")).expect("arguments are JSON")
}

/// The postings of `term` as the browser would find them: shard chosen by the manifest's keys.
fn lookup(files: &[SearchFile], word: &str) -> Vec<Posting> {
    let terms = tokenize(word);
    let term = terms[0].as_str();
    let manifest = call_args(file(files, "search/manifest.js"), "manifest");
    let keys: Vec<String> = serde_json::from_value(manifest[0]["b"].clone()).expect("keys");
    let shard = keys.iter().rposition(|key| cmp_utf16(key, term).is_le()).expect("first key is empty");
    let entries = call_args(file(files, &scripts::shard_path(&keys[shard])), "shard");
    let entry = entries[1].as_array().expect("entries").iter().find(|entry| entry[0] == term);
    entry.map(|entry| decode_postings(entry[2].as_str().expect("postings"), true)).unwrap_or_default()
}

fn record(files: &[SearchFile], doc: usize) -> serde_json::Value {
    let group = doc / 4;
    call_args(file(files, &format!("search/d/{group}.js")), "records")[1][doc % 4].clone()
}

#[test]
fn every_term_is_found_through_the_manifest() {
    let pages: Vec<String> = (0..3000).map(|i| format!("<p>word{i} shared{} common</p>", i % 7)).collect();
    let urls: Vec<String> = (0..3000).map(|i| format!("/p{i}/")).collect();
    let docs: Vec<SearchDoc> = (0..3000).map(|i| doc(&urls[i], "Page", &pages[i])).collect();
    let files = build_index(&docs);
    assert!(files.iter().filter(|f| f.path.starts_with("search/s/")).count() > 1, "several shards");
    for i in [0u32, 1500, 2999] {
        assert_eq!(lookup(&files, &format!("word{i}")).iter().map(|p| p.doc).collect::<Vec<_>>(), [i]);
    }
    assert_eq!(lookup(&files, "common").len(), 250, "head only; the rest is in the tail");
    assert!(file(&files, "search/s/_.js").contains("quireSearch.shard(\"\","));
    assert!(files.iter().any(|f| f.path == "search/t/_common.js"));
    assert!(files.iter().any(|f| f.path == "search.js"));
}

#[test]
fn title_matches_score_above_body_matches() {
    let docs = [doc("/body/", "Other", "<p>sovereignty sovereignty</p>"), doc("/title/", "Sovereignty", "<p>text</p>")];
    let files = build_index(&docs);
    let postings = lookup(&files, "sovereignty");
    assert!(postings[1].score > postings[0].score, "{postings:?}");
}

#[test]
fn records_carry_excerpts_without_tags_and_headings_to_link_to() {
    let html = r##"<p>Intro <strong>bold</strong></p><h2 id="icann">ICANN <a class="anchor" href="#icann">#</a></h2><p>The <em>board</em>.</p>"##;
    let files = build_index(&[doc("/gov/", "Governance", html)]);
    let record = record(&files, 0);
    assert_eq!(record[0], "/gov/");
    assert_eq!(record[4], "Intro bold");
    assert_eq!(record[5][0], serde_json::json!(["icann", "ICANN", "The board."]));
    assert_eq!(lookup(&files, "icann"), [Posting { doc: 0, score: 6, heading: 1 }]);
}

#[test]
fn chinese_pages_are_found_by_bigrams() {
    let files = build_index(&[doc("/zh/", "搜索引擎", "<p>全文检索</p>")]);
    assert_eq!(lookup(&files, "索引").len(), 1);
    assert_eq!(lookup(&files, "检索").len(), 1);
}

#[test]
fn updates_rewrite_only_changed_shards_and_the_manifest() {
    let pages: Vec<String> = (0..3000).map(|i| format!("<p>alpha{i} beta{i} gamma</p>")).collect();
    let urls: Vec<String> = (0..3000).map(|i| format!("/p{i}/")).collect();
    let docs: Vec<SearchDoc> = (0..3000).map(|i| doc(&urls[i], "Page", &pages[i])).collect();
    let (mut index, files) = SearchIndex::build(&docs);
    let shards = files.iter().filter(|f| f.path.starts_with("search/s/")).count();

    let changes = index.update(&doc("/p3/", "Page", "<p>alpha3 beta3 gamma zebra</p>"));
    let written: Vec<&str> = changes.written.iter().map(|f| f.path.as_str()).collect();
    assert!(written.contains(&"search/manifest.js"));
    assert!(written.contains(&"search/d/0.js"), "the excerpt changed: {written:?}");
    assert_eq!(written.len(), 3, "one shard (zebra), the record and the manifest: {written:?}");
    assert!(shards > 3);

    let mut files = files;
    for changed in changes.written {
        let slot = files.iter_mut().find(|f| f.path == changed.path);
        match slot {
            Some(slot) => *slot = changed,
            None => files.push(changed),
        }
    }
    assert_eq!(lookup(&files, "zebra").iter().map(|p| p.doc).collect::<Vec<_>>(), [3]);

    let changes = index.remove("/p3/");
    for changed in changes.written {
        if let Some(slot) = files.iter_mut().find(|f| f.path == changed.path) {
            *slot = changed;
        }
    }
    assert_eq!(record(&files, 3), serde_json::Value::Null);
    assert!(lookup(&files, "zebra").is_empty());
    assert!(lookup(&files, "alpha3").is_empty());
    assert_eq!(index.len(), 2999);
}

#[test]
fn new_pages_get_new_ids_and_record_files() {
    let (mut index, _) = SearchIndex::build(&[doc("/a/", "A", "<p>one</p>")]);
    let changes = index.update(&doc("/b/", "B", "<p>two</p>"));
    assert!(changes.written.iter().any(|f| f.path == "search/d/0.js"));
    assert_eq!(index.len(), 2);
}

/// SplitMix64, to pick words and edits deterministically.
fn next(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *seed;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A page of `count` words from a vocabulary where a few words are on most pages (so they have tail
/// files) and most are rare; some are Chinese, so some shard keys are not ASCII.
fn random_body(seed: &mut u64, count: usize) -> String {
    const SYLLABLES: [&str; 12] = ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "ze", "po", "搜索", "引擎"];
    let mut body = String::from("<p>");
    for _ in 0..count {
        let r = next(seed) % 4000;
        let mut n = r * r / 4000 / 4 + 1;
        while n > 0 {
            body.push_str(SYLLABLES[(n % 12) as usize]);
            n /= 12;
        }
        body.push(' ');
    }
    body.push_str("</p>");
    body
}

fn as_docs(rows: &[(String, String, String)]) -> Vec<SearchDoc<'_>> {
    rows.iter().map(|(url, title, html)| doc(url, title, html)).collect()
}

fn index_files(files: impl IntoIterator<Item = SearchFile>) -> std::collections::BTreeMap<String, Vec<u8>> {
    files.into_iter().filter(|f| f.path.starts_with("search/")).map(|f| (f.path, f.bytes)).collect()
}

#[test]
fn edits_leave_the_files_equal_to_a_fresh_build() {
    let mut seed = std::env::var("XSEED").map(|s| s.parse().unwrap()).unwrap_or(0x5EED);
    let urls: Vec<String> = (0..600).map(|i| format!("/p{i}/")).collect();
    let mut titles: Vec<String> = (0..600).map(|i| format!("Page {i}")).collect();
    let mut bodies: Vec<String> = (0..600).map(|_| random_body(&mut seed, 40)).collect();
    let docs = |titles: &[String], bodies: &[String]| -> Vec<(String, String, String)> {
        (0..600).map(|i| (urls[i].clone(), titles[i].clone(), bodies[i].clone())).collect()
    };
    let rows = docs(&titles, &bodies);
    let (mut index, files) = SearchIndex::build(&as_docs(&rows));
    let mut live = index_files(files);
    let shards = live.keys().filter(|path| path.starts_with("search/s/")).count();
    assert!(shards > 10, "{shards} shards");
    // Shard files deleted: a shard merged into its neighbour or renamed because its key changed.
    let mut deleted = 0;
    for step in 0..80 {
        let edited: Vec<usize> = (0..1 + next(&mut seed) % 3).map(|_| (next(&mut seed) % 600) as usize).collect();
        for &i in &edited {
            match next(&mut seed) % 4 {
                0 => titles[i] = format!("Title {step}"),
                1 => bodies[i] = random_body(&mut seed, 40),
                2 => bodies[i] = random_body(&mut seed, 5),
                _ => bodies[i].push_str(&random_body(&mut seed, 10)),
            }
        }
        let rows = docs(&titles, &bodies);
        let all = as_docs(&rows);
        let changed: Vec<SearchDoc> = edited.iter().map(|&i| all[i]).collect();
        let changes = index.update_all(&changed);
        deleted += changes.removed.iter().filter(|path| path.starts_with("search/s/")).count();
        for path in changes.removed {
            assert!(live.remove(&path).is_some(), "step {step}: {path} removed but never written");
        }
        live.extend(changes.written.into_iter().map(|f| (f.path, f.bytes)));
        let fresh = index_files(build_index(&all));
        let differ: Vec<&String> = fresh.keys().chain(live.keys()).filter(|p| fresh.get(*p) != live.get(*p)).collect();
        assert!(differ.is_empty(), "step {step}: {differ:?}");
    }
    eprintln!("XDELETED {deleted} {shards}");
    assert!(deleted < 20, "{deleted} shard files deleted in 80 steps, {shards} shards");
}

/// Per-stage CPU cost on a dump written by `tests/search_bench.rs` (QUIRE_SEARCH_DUMP).
#[test]
#[ignore = "benchmark: needs QUIRE_SEARCH_DUMP"]
fn stage_costs() {
    struct Instant(u64);
    impl Instant {
        fn now() -> Instant {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("stat");
            let fields: Vec<&str> = stat.rsplit(')').next().expect("fields").split_whitespace().collect();
            Instant(fields[11].parse::<u64>().expect("utime") + fields[12].parse::<u64>().expect("stime"))
        }
        fn elapsed(&self) -> String {
            format!("{} ms cpu", (Instant::now().0 - self.0) * 10)
        }
    }
    let Ok(path) = std::env::var("QUIRE_SEARCH_DUMP") else {
        return;
    };
    let text = std::fs::read_to_string(path).expect("dump");
    let rows: Vec<[String; 5]> = serde_json::from_str(&text).expect("json");
    let docs: Vec<SearchDoc> = rows
        .iter()
        .map(|r| SearchDoc { url: &r[0], title: &r[1], section: &r[2], description: &r[3], html: &r[4] })
        .collect();
    let stage = std::env::var("QUIRE_STAGE").unwrap_or_default();
    if stage == "none" {
        return;
    }
    if stage == "build" {
        let start = Instant::now();
        let files = build_index(&docs);
        println!("build_index {} ({} files)", start.elapsed(), files.len());
        return;
    }
    let start = Instant::now();
    let mut texts: Vec<String> = Vec::new();
    for doc in &docs {
        super::html_text::extract_text(doc.html, |_, text| texts.push(text.to_string()));
    }
    println!("extract_text {}", start.elapsed());
    let start = Instant::now();
    let mut n = 0usize;
    for text in &texts {
        super::tokenize::for_each_term(text, |term| n += term.len());
    }
    println!("tokenize {} ({n})", start.elapsed());
    let start = Instant::now();
    let mut lists = super::analyze::PostingLists::default();
    for (id, doc) in docs.iter().enumerate() {
        n += lists.add_page(id as u32, doc).len();
    }
    println!("add_page {} ({n})", start.elapsed());
}

#[test]
fn an_unchanged_page_changes_no_file() {
    let docs = [doc("/a/", "A", "<p>one two</p>"), doc("/b/", "B", "<p>two three</p>")];
    let (mut index, _) = SearchIndex::build(&docs);
    let changes = index.update(&docs[1]);
    assert!(changes.written.is_empty() && changes.removed.is_empty(), "{changes:?}");
}
