//! Search-index benchmark on a generated corpus (`gen_corpus.py --layouts zola`): Markdown rendered
//! crudely to HTML, then indexed. Ignored by default; prints timings and the index's size figures.
//!
//! QUIRE_SEARCH_CORPUS=/tmp/corpus10k/zola [QUIRE_SEARCH_OUT=/tmp/idx10k] \
//!   cargo test --release --test search_bench -- --ignored --nocapture

use std::path::Path;
use std::time::Instant;

use pulldown_cmark::{html::push_html, Options, Parser};
use quire::search::{build_index, SearchDoc, SearchIndex};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of the whole process so far (all threads), in milliseconds; robust on a busy machine.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10.0
}

struct Page {
    url: String,
    title: String,
    section: String,
    description: String,
    html: String,
}

#[test]
#[ignore = "benchmark: needs QUIRE_SEARCH_CORPUS"]
fn index_a_generated_corpus() {
    let Ok(corpus) = std::env::var("QUIRE_SEARCH_CORPUS") else {
        eprintln!("set QUIRE_SEARCH_CORPUS to a generated zola corpus");
        return;
    };
    let pages = load_pages(&Path::new(&corpus).join("content"));
    let docs: Vec<SearchDoc> = pages
        .iter()
        .map(|p| SearchDoc {
            url: &p.url,
            title: &p.title,
            section: &p.section,
            description: &p.description,
            html: &p.html,
        })
        .collect();
    if let Ok(dump) = std::env::var("QUIRE_SEARCH_DUMP") {
        let rows: Vec<[&str; 5]> =
            pages.iter().map(|p| [p.url.as_str(), &p.title, &p.section, &p.description, &p.html]).collect();
        std::fs::write(dump, serde_json::to_string(&rows).expect("json")).expect("write dump");
    }
    let body_bytes: usize = pages.iter().map(|p| p.html.len()).sum();

    let mut best = f64::MAX;
    let mut files = Vec::new();
    let runs: usize = std::env::var("QUIRE_SEARCH_RUNS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let mut cpu = f64::MAX;
    for _ in 0..runs {
        drop(std::mem::take(&mut files));
        let cpu_start = cpu_ms();
        let start = Instant::now();
        files = build_index(&docs);
        best = best.min(start.elapsed().as_secs_f64());
        cpu = cpu.min(cpu_ms() - cpu_start);
    }
    let size = |prefix: &str| files.iter().filter(|f| f.path.starts_with(prefix)).map(|f| f.bytes.len()).sum::<usize>();
    let count = |prefix: &str| files.iter().filter(|f| f.path.starts_with(prefix)).count();
    let total = size("search/");
    let site_estimate = pages.len() * 12 * 1024;
    println!(
        "pages {}  body html {:.1} MB  site html estimate {:.1} MB",
        pages.len(),
        mb(body_bytes),
        mb(site_estimate)
    );
    println!(
        "build_index: best wall {:.1} ms, best CPU {:.0} ms over {} threads",
        best * 1e3,
        cpu,
        rayon::current_num_threads()
    );
    println!(
        "index {:.2} MB = {:.1}% of site estimate, {:.1}% of body html; manifest {:.1} KB; search.js {:.1} KB",
        mb(total),
        100.0 * total as f64 / site_estimate as f64,
        100.0 * total as f64 / body_bytes as f64,
        size("search/manifest.js") as f64 / 1024.0,
        size("search.js") as f64 / 1024.0
    );
    for (name, prefix) in [("shards", "search/s/"), ("tails", "search/t/"), ("records", "search/d/")] {
        let n = count(prefix).max(1);
        println!(
            "  {name}: {} files, {:.2} MB, avg {:.1} KB",
            count(prefix),
            mb(size(prefix)),
            size(prefix) as f64 / n as f64 / 1024.0
        );
    }

    let start = Instant::now();
    let (mut index, _) = SearchIndex::build(&docs);
    println!("SearchIndex::build {:.1} ms", start.elapsed().as_secs_f64() * 1e3);
    let page = &pages[pages.len() / 2];
    let edited = format!("{}<p>freshly edited zyzzyva paragraph</p>", page.html);
    let start = Instant::now();
    let changes = index.update(&SearchDoc { html: &edited, ..docs[pages.len() / 2] });
    println!(
        "update one page: {:.1} ms, {} files rewritten ({:.1} KB), {} removed",
        start.elapsed().as_secs_f64() * 1e3,
        changes.written.len(),
        changes.written.iter().map(|f| f.bytes.len()).sum::<usize>() as f64 / 1024.0,
        changes.removed.len()
    );

    if let Ok(out) = std::env::var("QUIRE_SEARCH_OUT") {
        for file in &files {
            let path = Path::new(&out).join(&file.path);
            std::fs::create_dir_all(path.parent().expect("files live in folders")).expect("create folder");
            std::fs::write(&path, &file.bytes).expect("write index file");
        }
        println!("wrote {} files to {out}", files.len());
    }
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn load_pages(content: &Path) -> Vec<Page> {
    let mut paths: Vec<_> = walk(content).into_iter().filter(|p| p.extension().is_some_and(|e| e == "md")).collect();
    paths.sort();
    paths.iter().map(|path| load_page(content, path)).collect()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read corpus folder") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn load_page(content: &Path, path: &Path) -> Page {
    let text = std::fs::read_to_string(path).expect("read page");
    let (front, body) = match text.strip_prefix("+++") {
        Some(rest) => rest.split_once("+++").unwrap_or(("", rest)),
        None => ("", text.as_str()),
    };
    let field = |name: &str| {
        front
            .lines()
            .find_map(|line| {
                line.strip_prefix(name)?.trim_start().strip_prefix('=').map(|v| v.trim().trim_matches('"').to_string())
            })
            .unwrap_or_default()
    };
    let relative = path.strip_prefix(content).expect("inside content");
    let mut url = String::from("/");
    let parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    for part in &parts[..parts.len() - 1] {
        url.push_str(part);
        url.push('/');
    }
    let name = parts[parts.len() - 1].trim_end_matches(".md");
    if name != "_index" && name != "index" {
        url.push_str(name);
        url.push('/');
    }
    let section = parts[..parts.len() - 1].join(" › ");
    Page { url, title: field("title"), section, description: field("description"), html: render(body) }
}

/// Markdown to HTML with the contract's heading shape: id plus a trailing anchor link.
fn render(markdown: &str) -> String {
    let mut html = String::new();
    push_html(&mut html, Parser::new_ext(markdown, Options::ENABLE_TABLES));
    let mut out = String::with_capacity(html.len() + 512);
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<h") {
        let level = rest.as_bytes().get(at + 2).copied().unwrap_or(0);
        if !(b'1'..=b'6').contains(&level) || rest.as_bytes().get(at + 3) != Some(&b'>') {
            out.push_str(&rest[..at + 2]);
            rest = &rest[at + 2..];
            continue;
        }
        let close = format!("</h{}>", level as char);
        let end = rest[at..].find(&close).map_or(rest.len(), |e| at + e);
        let inner = &rest[at + 4..end];
        let id: String = inner
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
            .collect::<String>()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("-");
        out.push_str(&rest[..at]);
        out.push_str(&format!(
            "<h{l} id=\"{id}\">{inner} <a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>{close}",
            l = level as char
        ));
        rest = &rest[(end + close.len()).min(rest.len())..];
    }
    out.push_str(rest);
    out
}
