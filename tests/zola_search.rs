//! Issue 14: Zola's search index (`build_search_index = true` in a Zola site, Zola's `[search]` keys): the files
//! Zola writes, with Zola's names and fields, made by build, serve and check alike; a site that does not ask pays
//! nothing. Quire's own index is written beside it as before.

mod common;

use common::{build, copy_fixture, options, Built};
use quire::serve::rebuild::LiveSite;
use quire::serve::{Change, SiteFiles};
use serde_json::{json, Value};
use std::path::Path;

const ZEBRAS: &str = "https://example.org/guide/zebras/";

/// The index a `search_index.*.js` file assigns to `window.searchIndex`.
fn script_index(text: &str) -> Value {
    let json = text.strip_prefix("window.searchIndex = ").unwrap_or_else(|| panic!("not Zola's script: {text:.80}"));
    serde_json::from_str(json).expect("the index is JSON")
}

/// The documents elasticlunr finds `word` (already stemmed) in, in `field`: a walk down its trie of characters.
fn docs_with(index: &Value, field: &str, word: &str) -> Vec<String> {
    let mut node = &index["index"][field]["root"];
    for c in word.chars() {
        node = &node[c.to_string()];
    }
    let mut docs: Vec<String> = node["docs"].as_object().map(|docs| docs.keys().cloned().collect()).unwrap_or_default();
    docs.sort();
    docs
}

/// A copy of the fixture whose `[search]` table is `search` (none when empty), built.
fn build_with_search(search: &str) -> Built {
    common::build_edited("zola-search", |root| {
        common::rewrite(root, "config.toml", |config| {
            let head = config.split("\n[search]\n").next().expect("text before the [search] table");
            format!("{head}\n{search}")
        })
    })
}

#[test]
fn issue_14_zola_search_index_holds_the_fields_search_asks_for() {
    let built = build("zola-search");
    let index = script_index(&built.read("search_index.en.js"));
    assert_eq!(index["fields"], json!(["title", "description", "date", "path", "body"]));
    assert_eq!(index["ref"], "id");
    let docs = &index["documentStore"]["docs"];
    let mut urls: Vec<&String> = docs.as_object().expect("documents by URL").keys().collect();
    urls.sort();
    // Every page and section in the index (Zola's `in_search_index`), by permalink; the hidden page is not.
    assert_eq!(
        urls,
        ["https://example.org/", "https://example.org/guide/", "https://example.org/guide/undated/", ZEBRAS]
    );
    assert_eq!(
        docs[ZEBRAS],
        json!({
            "id": ZEBRAS,
            "title": "Zebras & stripes",
            "description": "All about zebras",
            "date": "2024-05-01T00:00:00Z",
            "path": "/guide/zebras/",
            // Tags, code blocks, scripts and heading anchors left out; text escaped as Zola's ammonia leaves it.
            "body": "Zebras graze in the savanna; 1 &lt; 2 &amp; 3 &gt; 2.\nHerds\nThey live in herds.",
        })
    );
    assert_eq!(docs["https://example.org/guide/undated/"]["date"], "", "no date: an empty field, not a shifted row");
    assert_eq!(docs["https://example.org/guide/"]["description"], "How to");
    // Stemmed as elasticlunr.js stems queries; words of code and scripts are nowhere.
    assert_eq!(docs_with(&index, "body", "zebra"), [ZEBRAS]);
    assert_eq!(docs_with(&index, "title", "stripe"), [ZEBRAS]);
    assert_eq!(docs_with(&index, "path", "zebra"), [ZEBRAS]);
    assert!(
        docs_with(&index, "body", "hidden_in_cod").is_empty() && docs_with(&index, "body", "hiddeninscript").is_empty()
    );
    assert!(docs_with(&index, "body", "secret").is_empty(), "the hidden page's words");

    let library = built.read("elasticlunr.min.js");
    assert!(library.starts_with("/**\n * elasticlunr") && library.contains("MIT Licensed"), "{library:.200}");
    assert!(library.contains("documentStore.getDoc("), "0.9.6: results carry their documents");
    // Quire's own index is still written.
    assert!(built.exists("search/manifest.js"));
}

#[test]
fn issue_14_zola_search_keys_choose_format_fields_and_length() {
    let built = build_with_search(
        "[search]\nindex_format = \"fuse_json\"\ninclude_title = false\ninclude_path = true\ntruncate_content_length = 6\n",
    );
    let text = built.read("search_index.en.json");
    let items: Vec<Value> = serde_json::from_str(&text).expect("a JSON list");
    let zebras = items.iter().find(|item| item["url"] == ZEBRAS).expect("the page is listed");
    assert_eq!(*zebras, json!({"url": ZEBRAS, "body": "Zebras", "path": "/guide/zebras/"}));
    assert!(!built.exists("search_index.en.js"));
    assert!(!built.exists("elasticlunr.min.js"), "Fuse.js is the site's to ship");

    let text = build_with_search("").read("search_index.en.js");
    assert_eq!(script_index(&text)["fields"], json!(["title", "body"]), "Zola's defaults");

    let built = build_with_search("[search]\nindex_format = \"elasticlunr_json\"\n");
    let text = built.read("search_index.en.json");
    assert_eq!(
        serde_json::from_str::<Value>(&text).expect("JSON")["documentStore"]["docs"][ZEBRAS]["title"],
        "Zebras & stripes"
    );
    assert!(built.exists("elasticlunr.min.js"));
}

/// Quire's own search needs no line in config.toml; without `build_search_index = true` written there, no Zola
/// file is made (nor read: the site's bodies are not cleaned).
#[test]
fn issue_14_a_site_that_does_not_ask_gets_no_zola_index() {
    let built = common::build_edited("zola-search", |root| {
        common::rewrite(root, "config.toml", |config| config.replace("build_search_index = true\n", ""))
    });
    let zola_files: Vec<String> = built
        .files()
        .into_iter()
        .filter(|file| file.starts_with("search_index.") || file == "elasticlunr.min.js")
        .collect();
    assert!(zola_files.is_empty(), "{zola_files:?}");
    assert!(built.exists("search/manifest.js"), "Quire's own index");
}

/// A site that ships its own `static/elasticlunr.min.js` keeps it, as in Zola (which copies static/ last).
#[test]
fn issue_14_a_site_own_elasticlunr_is_kept() {
    let built = common::build_edited("zola-search", |root| {
        common::write(root, "static/elasticlunr.min.js", "/* the site's own build */")
    });
    let library = built.read("elasticlunr.min.js");
    assert_eq!(library, "/* the site's own build */");
}

/// build and serve make the same index files; an edit under serve makes them again, equal to a new build's.
#[test]
fn issue_14_serve_makes_the_index_build_makes() {
    let tmp = copy_fixture("zola-search");
    let root = tmp.path().join("site");
    let built_files = |root: &Path| {
        let output = tempfile::tempdir().expect("temp dir");
        quire::build(&options(root, &output.path().join("public"))).expect("builds");
        let read = |path: &str| std::fs::read(output.path().join("public").join(path)).expect("written");
        (read("search_index.en.js"), read("elasticlunr.min.js"))
    };
    let serve_options = quire::BuildOptions { root: root.clone(), ..Default::default() };
    let mut live = LiveSite::build(&serve_options, "https://example.org", &SiteFiles::default()).expect("serves");
    let served = |live: &LiveSite, path: &str| live.files().get(path).map(|bytes| bytes.into_owned());
    let (index, library) = built_files(&root);
    assert_eq!(served(&live, "search_index.en.js").as_ref(), Some(&index));
    assert_eq!(served(&live, "elasticlunr.min.js").as_ref(), Some(&library));

    common::rewrite(&root, "content/guide/zebras.md", |text| {
        text.replace("They   live in herds.", "They live in large herds.")
    });
    live.update(&[Change::Page("guide/zebras.md".into())]).expect("a body edit is made in place");
    let (index, _) = built_files(&root);
    let served_index = served(&live, "search_index.en.js").expect("still served");
    assert_eq!(String::from_utf8_lossy(&served_index), String::from_utf8_lossy(&index));
    assert!(String::from_utf8_lossy(&index).contains("They live in large herds."));
}

/// `quire check` reports what build reports for the site (here nothing), and writes nothing.
#[test]
fn issue_14_check_agrees_with_build() {
    let built = build("zola-search");
    let options = quire::check::CheckOptions { root: common::fixture("zola-search"), ..Default::default() };
    let diagnostics = quire::check::check_site(&options).expect("checks");
    assert_eq!(diagnostics.len(), built.report.warnings.len(), "{diagnostics:?}");
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert!(!common::fixture("zola-search").join("public").exists());
}

/// Templates see Zola's `config.search.index_format`, as Zola themes read it to choose their script.
#[test]
fn issue_14_templates_see_the_index_format() {
    let built = common::build_edited("zola-search", |root| {
        common::write(root, "templates/page.html", "format={{ config.search.index_format }}")
    });
    let html = built.read("guide/zebras/index.html");
    assert_eq!(html.trim(), "format=elasticlunr_javascript");
}

/// Issue 14: Zola writes an index for each language whose `[languages.LANG]` has `build_search_index = true`
/// (abridge's and linkita's search boxes load `search_index.LANG.js`), each with that language's pages only and
/// the fields its own `search` table asks for; a section out of the index leaves its pages out.
#[test]
fn issue_14_each_language_that_asks_gets_its_own_zola_index() {
    let built = build("zola-search-languages");
    assert!(!built.exists("search_index.de.js"), "German does not ask");
    let english = script_index(&built.read("search_index.en.js"));
    let french = script_index(&built.read("search_index.fr.js"));
    let urls = |index: &Value| {
        let mut urls: Vec<String> = index["documentStore"]["docs"].as_object().expect("docs").keys().cloned().collect();
        urls.sort();
        urls
    };
    assert_eq!(urls(&english), ["https://example.org/", "https://example.org/stripes/"]);
    assert_eq!(urls(&french), ["https://example.org/fr/", "https://example.org/fr/stripes/"]);
    assert_eq!(english["fields"], json!(["title", "body"]));
    assert_eq!(french["fields"], json!(["title", "description", "body"]));
    assert_eq!(docs_with(&french, "body", "giraf"), ["https://example.org/fr/", "https://example.org/fr/stripes/"]);
    assert!(docs_with(&english, "body", "giraf").is_empty());
}

/// Issue 14: `get_hash` and `get_url(cachebust=true)` find the files Zola's build writes before any template
/// renders, the search indexes and elasticlunr.min.js (zolarwind's and abridge's `integrity` attributes), and
/// hash what is written; cachebust is `?h=` and the first 20 hex digits of the SHA-256, as in Zola.
#[test]
fn issue_14_get_hash_and_cachebust_find_the_files_the_build_makes() {
    use sha2::Digest;
    let built = build("zola-search-languages");
    let sha256 = |path: &str| {
        let bytes = std::fs::read(built.output.join(path)).expect("written");
        sha2::Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect::<String>()
    };
    let html = built.read("index.html");
    for expected in [
        format!("<p>en: {}</p>", sha256("search_index.en.js")),
        format!("<p>fr: {}</p>", sha256("search_index.fr.js")),
        format!("<p>elasticlunr: {}</p>", sha256("elasticlunr.min.js")),
        format!("<p>css: https://example.org/app.css?h={}</p>", &sha256("app.css")[..20]),
        format!("<p>fr url: https://example.org/search_index.fr.js?h={}</p>", &sha256("search_index.fr.js")[..20]),
        "<p>plain: https://example.org/app.css</p>".to_string(),
    ] {
        assert!(html.contains(&expected), "{expected}\n{html}");
    }
}
