//! The repository's default site (config.toml, content/, templates/, static/) built into a temp dir, checked as a
//! reader would find it: every sentence of the source text, every `related` link in both directions, a home page
//! that leads to each principle, proposition, joint action and area of practice. Reads the built HTML only.

use quire::content::Site;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

/// The counts the article gives: four principles, five propositions, four joint actions, five areas of practice.
const HOME_GROUPS: [(&str, usize); 4] = [
    ("principles/_index.md", 4),
    ("propositions/_index.md", 5),
    ("joint-actions/_index.md", 4),
    ("practice/_index.md", 5),
];
/// Where the default theme lists a page's `[extra] related` pages and the pages linking to it.
const RELATED_CLASS: &str = "related";
const BACKLINKS_CLASS: &str = "backlinks";

#[test]
fn default_site_builds_without_warnings() {
    let built = build_default_site();
    let warnings: Vec<String> = built.warnings.iter().map(|w| w.to_string()).collect();
    assert!(warnings.is_empty(), "the default site builds with warnings:\n{}", warnings.join("\n"));
}

#[test]
fn default_site_covers_the_whole_source_text() {
    let built = build_default_site();
    let shared = shared_dir();
    let script = shared.join("tools/coverage.py");
    let source = shared.join("source/community-shared-future-cyberspace.txt");
    let run = Command::new("python3")
        .arg(&script)
        .arg(&source)
        .arg(&built.output)
        .arg("--show-missing")
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e} (python3 is needed for this test)", script.display()));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success() && stdout.contains("(100.0%)"),
        "coverage.py ({}) says the default site misses source sentences:\n{stdout}{stderr}",
        run.status
    );
}

#[test]
fn every_relation_is_linked_from_the_source_and_back_from_the_target() {
    let built = build_default_site();
    let mut checked = 0;
    let mut problems = Vec::new();
    for (source_file, source_path, related) in relations(&built.site) {
        let source_html = built.page(&source_path);
        let related_links = links_in_class(&source_html, RELATED_CLASS, &built.base_url);
        for target_file in related {
            let Some(target) = built.site.lookup(target_file.trim_start_matches("@/")) else {
                problems.push(format!("{source_file}: related `{target_file}` names no page"));
                continue;
            };
            let target_path = built.site.document(target).path.as_str().to_string();
            checked += 1;
            if !related_links.contains(&target_path) {
                problems.push(format!(
                    "{source_path} ({source_file}): no link to {target_path} ({target_file}) in its `.{RELATED_CLASS}` \
                     element; it links to {related_links:?}"
                ));
            }
            let backlinks = links_in_class(&built.page(&target_path), BACKLINKS_CLASS, &built.base_url);
            if !backlinks.contains(&source_path) {
                problems.push(format!(
                    "{target_path} ({target_file}): no backlink to {source_path} ({source_file}) in its \
                     `.{BACKLINKS_CLASS}` element; it links to {backlinks:?}"
                ));
            }
        }
    }
    assert!(checked > 0, "no page of the default site has `[extra] related`");
    assert!(problems.is_empty(), "{} of {checked} relations are not shown:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn home_page_links_to_every_principle_proposition_joint_action_and_practice_area() {
    let built = build_default_site();
    let home = built.page("/");
    let main = element_with_tag(&home, "main").expect("the home page has no <main> element");
    let links = links_in(main, &built.base_url);
    let mut problems = Vec::new();
    for (section_file, count) in HOME_GROUPS {
        let Some(quire::content::Target::Section(id)) = built.site.lookup(section_file) else {
            panic!("the default site has no section {section_file}");
        };
        let section = &built.site.sections[id];
        // The areas of practice are subsections; the other groups are pages.
        let members: Vec<&str> = if section.pages.is_empty() {
            section.subsections.iter().map(|&s| built.site.sections[s].doc.path.as_str()).collect()
        } else {
            section.pages.iter().map(|&p| built.site.pages[p].doc.path.as_str()).collect()
        };
        if members.len() != count {
            problems.push(format!("{section_file} has {} members {members:?}, the article has {count}", members.len()));
        }
        for member in members {
            if !links.contains(member) {
                problems.push(format!("/ (content/_index.md): <main> has no link to {member} (from {section_file})"));
            }
        }
    }
    assert!(problems.is_empty(), "{}\nthe home page's <main> links to: {links:?}", problems.join("\n"));
}

/// A build of the default site, kept alive with its temp dir.
struct Built {
    _tmp: TempDir,
    output: PathBuf,
    site: Site,
    base_url: String,
    warnings: Vec<quire::error::Diagnostic>,
}

impl Built {
    /// The HTML of the page at site path `path` ("/principles/").
    fn page(&self, path: &str) -> String {
        let file = self.output.join(path.trim_start_matches('/')).join("index.html");
        std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("cannot read the page {path} at {}: {e}", file.display()))
    }
}

/// Issue 13: what a reader tripped on. The default site has no dated pages, so no feed and no link to one; an
/// article's description is not repeated as a lead above its first paragraph; the footer credits the article's
/// author, not the site; headings are in sentence case like every other.
#[test]
fn issue_13_default_site_says_things_once_and_credits_the_article() {
    let built = build_default_site();
    assert!(built.site.pages.iter().all(|page| page.doc.front_matter.date.is_none()), "no dated pages");
    assert!(!built.output.join("atom.xml").exists(), "no empty feed");
    let article = built.page("/principles/sound-order/");
    assert!(!article.contains("application/atom+xml") && !article.contains(">Feed<"), "no link to a feed");
    assert!(!article.contains("class=\"lead\""), "the description is not shown over the article's own first paragraph");
    assert!(!article.contains("© Cao Shumin"));
    assert!(article.contains("an article by Cao Shumin"), "the footer credits the article");
    let home = built.page("/");
    assert!(home.contains("China’s practice") && !home.contains("China’s Practice"));
    assert!(built.page("/overview/").contains("id=\"rich-connotations\">Rich connotations "));
}

fn build_default_site() -> Built {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("a temp dir can be created");
    let output = tmp.path().join("public");
    let options = quire::BuildOptions { root: root.clone(), output: Some(output.clone()), ..Default::default() };
    let report = quire::build(&options).unwrap_or_else(|e| panic!("the default site does not build:\n{e}"));
    let prepared = quire::pipeline::prepare(&options, quire::pipeline::Purpose::Serve)
        .unwrap_or_else(|e| panic!("config.toml: {e}"));
    let (config, site) = (prepared.config, prepared.site);
    let base_url = config.base_url.trim_end_matches('/').to_string();
    Built { _tmp: tmp, output, site, base_url, warnings: report.warnings }
}

/// `../shared` beside the repository, as CI lays it out.
fn shared_dir() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    assert!(
        shared.join("tools/coverage.py").is_file(),
        "{} has no tools/coverage.py: this test needs the project's shared/ folder beside the repository (as CI \
         copies it); it is not skipped",
        shared.display()
    );
    shared
}

/// (source file, source site path, related `@/` paths) for every page and section with `[extra] related`.
fn relations(site: &Site) -> Vec<(String, String, Vec<String>)> {
    let pages = site.pages.iter().map(|p| (&p.doc.relative_path, &p.doc.path, &p.doc.front_matter.extra));
    let sections = site.sections.iter().map(|s| (&s.doc.relative_path, &s.doc.path, &s.doc.front_matter.extra));
    pages
        .chain(sections)
        .filter_map(|(file, path, extra)| {
            let related = extra.get("related")?.as_array()?;
            let related = related.iter().filter_map(|r| r.as_str().map(str::to_string)).collect();
            Some((format!("content/{file}"), path.to_string(), related))
        })
        .collect()
}

/// Site paths linked from inside every element whose class list holds `class`.
fn links_in_class(html: &str, class: &str, base_url: &str) -> BTreeSet<String> {
    elements_with_class(html, class).into_iter().flat_map(|element| links_in(element, base_url)).collect()
}

/// The site paths ("/principles/") of the `<a href>`s in `html`: entities decoded, the base URL and fragment removed.
fn links_in(html: &str, base_url: &str) -> BTreeSet<String> {
    let mut links = BTreeSet::new();
    for (start, _) in html.match_indices("<a ") {
        let tag = &html[start..html[start..].find('>').map_or(html.len(), |end| start + end)];
        let Some(href) = attribute(tag, "href") else { continue };
        let href = href.strip_prefix(base_url).unwrap_or(&href);
        let href = href.split('#').next().unwrap_or_default();
        if href.starts_with('/') {
            links.insert(href.to_string());
        }
    }
    links
}

/// The decoded value of attribute `name` in the start tag `tag`, quoted with `"` or `'`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let mut rest = tag;
    while let Some(at) = rest.find(name) {
        let before = rest[..at].chars().last();
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        if !matches!(before, Some(c) if c.is_whitespace()) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else { continue };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            continue;
        }
        let end = value[1..].find(quote)? + 1;
        return Some(decode_entities(&value[1..end]));
    }
    None
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|dec| dec.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The first `<tag ...>...</tag>` element in `html`, nested elements of the same name included.
fn element_with_tag<'a>(html: &'a str, tag: &str) -> Option<&'a str> {
    let start = find_start_tag(html, tag, 0)?;
    Some(&html[start..element_end(html, tag, start)])
}

/// Every element whose class attribute holds `class` as a whole word (the outermost one when they nest).
fn elements_with_class<'a>(html: &'a str, class: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(lt) = html[from..].find('<').map(|i| from + i) {
        let tag_end = html[lt..].find('>').map_or(html.len(), |i| lt + i);
        let tag = &html[lt..tag_end];
        let name: String = tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let has_class = attribute(tag, "class").is_some_and(|value| value.split_whitespace().any(|c| c == class));
        if !name.is_empty() && has_class {
            let end = element_end(html, &name, lt);
            found.push(&html[lt..end]);
            from = end;
        } else {
            from = tag_end.max(lt + 1);
        }
    }
    found
}

/// Byte offset of the next `<tag` start tag at or after `from`.
fn find_start_tag(html: &str, tag: &str, from: usize) -> Option<usize> {
    let open = format!("<{tag}");
    let mut at = from;
    while let Some(i) = html[at..].find(&open) {
        let start = at + i;
        let next = html[start + open.len()..].chars().next();
        if matches!(next, Some(c) if c == '>' || c == '/' || c.is_whitespace()) {
            return Some(start);
        }
        at = start + open.len();
    }
    None
}

/// Offset just past the end tag closing the `<tag` element that starts at `start`.
fn element_end(html: &str, tag: &str, start: usize) -> usize {
    let close = format!("</{tag}>");
    let mut depth = 1;
    let mut at = start + 1;
    loop {
        let Some(next_close) = html[at..].find(&close).map(|i| at + i) else { return html.len() };
        match find_start_tag(html, tag, at) {
            Some(open) if open < next_close => {
                depth += 1;
                at = open + 1;
            }
            _ => {
                depth -= 1;
                at = next_close + close.len();
                if depth == 0 {
                    return at;
                }
            }
        }
    }
}

#[test]
fn html_helpers_scope_links_to_the_named_element() {
    let html = r#"<nav><a href="https://x.org&#x2F;a&#x2F;">A</a></nav>
        <section class="x related"><div><section>inner</section><a href='/b/#top'>B</a></div></section>
        <section class="backlinks"><a class="c" href="/c/">C</a></section><main><a href="/d/">D</a></main>"#;
    let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(links_in(html, "https://x.org"), set(&["/a/", "/b/", "/c/", "/d/"]));
    assert_eq!(links_in_class(html, "related", "https://x.org"), set(&["/b/"]));
    assert_eq!(links_in_class(html, "backlinks", ""), set(&["/c/"]));
    assert_eq!(links_in(element_with_tag(html, "main").unwrap(), ""), set(&["/d/"]));
    assert_eq!(decode_entities("a&amp;b&#39;c&unknown;&#x2F;"), "a&b'c&unknown;/");
}
