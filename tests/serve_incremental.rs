//! `serve`'s in-place updates against full builds: after each batch of random edits (bodies, titles, weights,
//! dates, descriptions, tags, links, relations, templates, static files, assets, pages added, renamed, removed or
//! made drafts or left out of search, sections, broken front matter, links and templates) the updated site, its
//! search index included, must equal a fresh in-memory build, file for file and byte for byte, and fail exactly when
//! the fresh build fails.

mod common;

use quire::serve::rebuild::LiveSite;
use quire::serve::{Change, SiteFiles};
use quire::BuildOptions;
use std::fs;
use std::path::{Path, PathBuf};

const BASE_URL: &str = "http://127.0.0.1:1111";

/// SplitMix64: a few lines, deterministic, good enough to pick edits.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The fixture copied to a temporary folder, with what the edits need to know about it.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    /// Pages of the fixture (never removed, so `@/` links to them stay valid), relative to content/.
    pages: Vec<String>,
    sections: Vec<String>,
    /// Pages the test added: (relative path, is a draft).
    added: Vec<(String, bool)>,
    /// Static files the test added, relative to static/.
    added_static: Vec<String>,
    /// A broken file and its good text (`None`: the file did not exist), restored by the next step.
    broken: Option<(PathBuf, Option<String>, Change)>,
    /// The site uses the built-in theme: its own templates/ is removed and template edits override theme files.
    theme: bool,
    counter: usize,
}

impl Site {
    fn copy_fixture(theme: bool) -> Site {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        copy_dir(&common::fixture("serve-incremental"), &root);
        if theme {
            fs::remove_dir_all(root.join("templates")).expect("remove templates");
            let special = root.join("content/tutorials/p00009-parallel-field.md");
            let text = fs::read_to_string(&special).expect("read page");
            fs::write(&special, text.replace("template = \"special.html\"\n", "")).expect("write page");
        }
        let mut pages = Vec::new();
        let mut sections = Vec::new();
        for entry in walkdir(&root.join("content")) {
            let rel =
                entry.strip_prefix(root.join("content")).expect("under content").to_string_lossy().replace('\\', "/");
            if rel.ends_with("_index.md") {
                sections.push(rel);
            } else if rel.ends_with(".md") {
                pages.push(rel);
            }
        }
        pages.sort();
        sections.sort();
        Site {
            _tmp: tmp,
            root,
            pages,
            sections,
            added: Vec::new(),
            added_static: Vec::new(),
            broken: None,
            theme,
            counter: 0,
        }
    }

    fn options(&self) -> BuildOptions {
        BuildOptions { root: self.root.clone(), ..BuildOptions::default() }
    }

    fn content(&self, rel: &str) -> PathBuf {
        self.root.join("content").join(rel)
    }

    fn read(&self, path: &Path) -> String {
        fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
    }

    fn write(&self, path: &Path, text: &str) {
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Replaces the front matter line starting with `key =` (or adds it after the opening `+++`).
    fn set_key(&self, rel: &str, key: &str, value: &str) -> Change {
        let path = self.content(rel);
        let text = self.read(&path);
        let line = format!("{key} = {value}");
        let prefix = format!("{key} =");
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let end = lines.iter().skip(1).position(|l| l == "+++").map_or(lines.len(), |i| i + 1);
        match lines[..end].iter().position(|l| l.starts_with(&prefix)) {
            Some(i) => lines[i] = line,
            None => lines.insert(1, line),
        }
        self.write(&path, &(lines.join("\n") + "\n"));
        Change::Page(rel.into())
    }

    fn append(&self, rel: &str, text: &str) -> Change {
        let path = self.content(rel);
        let old = self.read(&path);
        self.write(&path, &format!("{old}\n{text}\n"));
        Change::Page(rel.into())
    }

    fn any_page(&self, rng: &mut Rng) -> String {
        let live: Vec<&String> = self.added.iter().filter(|(_, draft)| !draft).map(|(p, _)| p).collect();
        if !live.is_empty() && rng.below(5) == 0 {
            return rng.pick(&live).to_string();
        }
        rng.pick(&self.pages).clone()
    }

    /// One random edit on disk; returns the changes a watcher would report.
    fn edit(&mut self, rng: &mut Rng) -> (String, Vec<Change>) {
        self.counter += 1;
        let n = self.counter;
        if let Some((path, text, change)) = self.broken.take() {
            match text {
                Some(text) => self.write(&path, &text),
                None => fs::remove_file(&path).expect("remove the broken file"),
            }
            return ("repair".into(), vec![change]);
        }
        let page = self.any_page(rng);
        let roll = rng.below(100);
        let (what, changes) = match roll {
            0..=4 => {
                // The same number of words: only the page's content changes, not its summary.
                let path = self.content(&page);
                let text = self.read(&path);
                let body = text.rfind("+++\n").map_or(0, |i| i + 4);
                let (head, body) = text.split_at(body);
                let swapped = if n.is_multiple_of(2) { body.replacen('e', "E", 1) } else { body.replacen('E', "e", 1) };
                self.write(&path, &format!("{head}{swapped}"));
                ("word", vec![Change::Page(page.into())])
            }
            5..=24 => {
                let text = match rng.below(3) {
                    0 => format!("## Added heading {n}\n\nWords added by edit {n}."),
                    1 => format!("Edit {n} adds a *sentence* with `code`."),
                    _ => format!("<!-- more -->\nAfter the summary marker {n}."),
                };
                ("body", vec![self.append(&page, &text)])
            }
            25..=34 => (
                "title",
                vec![self.set_key(
                    &page,
                    "title",
                    &format!("\"{} title {n}\"", rng.pick(&["Alpha", "beta", "Gamma 2", "gamma 10"])),
                )],
            ),
            35..=42 => ("weight", vec![self.set_key(&page, "weight", &rng.below(12).to_string())]),
            43..=47 => (
                "date",
                vec![self.set_key(
                    &page,
                    "date",
                    &format!("20{}-0{}-1{}", 20 + rng.below(6), 1 + rng.below(9), rng.below(10)),
                )],
            ),
            // What the search index reads beside the body and title: the description, and whether it may list
            // the page at all (which moves the ids of the pages after it).
            48..=49 => (
                "description",
                vec![self.set_key(&page, "description", &format!("\"Quokka summary {n} of {}\"", rng.below(50)))],
            ),
            50 => (
                "in search index",
                vec![self.set_key(&page, "in_search_index", if rng.below(2) == 0 { "false" } else { "true" })],
            ),
            51..=58 => {
                let pool = ["rust", "feeds", "sitemap", "aliases", "drafts", "headings", "taxonomy"];
                let mut tags: Vec<String> = (0..rng.below(3) + 1).map(|_| rng.pick(&pool).to_string()).collect();
                if rng.below(4) == 0 {
                    tags.push(format!("New Tag {}", n % 7));
                }
                tags.dedup();
                let list = tags.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ");
                ("tags", vec![self.set_tags(&page, &list)])
            }
            59..=64 => {
                let target = rng.pick(&self.pages).clone();
                let target = if rng.below(4) == 0 { rng.pick(&self.sections).clone() } else { target };
                ("link", vec![self.append(&page, &format!("See [this](@/{target}) from edit {n}."))])
            }
            65..=67 => {
                let a = rng.pick(&self.pages).clone();
                let b = rng.pick(&self.pages).clone();
                let rel = "internals/p00007-relative-trait.md";
                let list = if a == rel || b == rel { String::new() } else { format!("\"@/{a}\", \"@/{b}\"") };
                ("related", vec![self.set_related(rel, &list)])
            }
            68..=73 => ("template", vec![self.edit_template(rng, n)]),
            74..=76 => ("static", self.edit_static(rng, n)),
            77..=78 => {
                let rel = "deployment/p00006-stable-stream/diagram.svg";
                let svg = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{n}\" height=\"10\"/>\n");
                self.write(&self.content(rel), &svg);
                ("asset", vec![Change::Asset(rel.into())])
            }
            79..=82 => self.add_or_remove_page(rng, n),
            83..=86 => {
                let section = rng.pick(&self.sections).clone();
                let path = self.content(&section);
                let text = self.read(&path);
                let (what, text) = match rng.below(5) {
                    0 => ("section body", format!("{text}\nSection edit {n}.\n")),
                    4 => {
                        // The same number of words: only the content changes, not the word count.
                        let body = text.rfind("+++\n").map_or(0, |i| i + 4);
                        let (head, body) = text.split_at(body);
                        let swapped =
                            if n.is_multiple_of(2) { body.replacen('a', "A", 1) } else { body.replacen('A', "a", 1) };
                        ("section word", format!("{head}{swapped}"))
                    }
                    1 => ("section title", set_line(&text, "title =", &format!("title = \"Section {n}\""))),
                    2 => ("section weight", set_line(&text, "weight =", &format!("weight = {}", rng.below(9)))),
                    _ if text.contains("list_pages = true") => {
                        ("section extra", text.replacen("list_pages = true", "list_pages = false", 1))
                    }
                    _ => ("section extra", text.replacen("list_pages = false", "list_pages = true", 1)),
                };
                self.write(&path, &text);
                (what, vec![Change::Section(section.into())])
            }
            87..=88 => {
                let path = self.content(&page);
                let good = self.read(&path);
                self.write(&path, &good.replacen("title = ", "title = = ", 1));
                self.broken = Some((path, Some(good), Change::Page(page.clone().into())));
                ("broken front matter", vec![Change::Page(page.into())])
            }
            89..=90 => {
                let path = self.content(&page);
                let good = self.read(&path);
                self.write(&path, &format!("{good}\n[gone](@/no/such-page.md)\n"));
                self.broken = Some((path, Some(good), Change::Page(page.clone().into())));
                ("broken link", vec![Change::Page(page.into())])
            }
            91..=92 => {
                let name = if self.theme { "partials/footer.html" } else { "page.html" };
                let path = self.root.join("templates").join(name);
                let good = fs::read_to_string(&path).ok();
                let text = good.clone().unwrap_or_else(|| theme_template(name));
                self.write(&path, &text.replacen("{%", "{% if %}{%", 1));
                self.broken = Some((path, good, Change::Template(name.into())));
                ("broken template", vec![Change::Template(name.into())])
            }
            _ => {
                // Two pages edited at once, as a save-all does.
                let other = self.any_page(rng);
                if rng.below(2) == 0 {
                    let first = self.set_key(&page, "weight", &rng.below(5).to_string());
                    let second = self.append(&other, &format!("Saved together with edit {n}."));
                    ("two pages", vec![first, second])
                } else {
                    let first = self.set_tags(&page, &format!("\"rust\", \"Shared {}\"", n % 3));
                    let second = self.set_tags(&other, &format!("\"Shared {}\", \"feeds\"", n % 2));
                    ("two pages' tags", vec![first, second])
                }
            }
        };
        (what.to_string(), changes)
    }

    fn set_tags(&self, rel: &str, list: &str) -> Change {
        let path = self.content(rel);
        let text = self.read(&path);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        match lines.iter().position(|l| l.starts_with("tags =")) {
            Some(i) => lines[i] = format!("tags = [{list}]"),
            None => {
                let end = lines.iter().skip(1).position(|l| l == "+++").map_or(1, |i| i + 1);
                lines.insert(end, format!("[taxonomies]\ntags = [{list}]"));
            }
        }
        self.write(&path, &(lines.join("\n") + "\n"));
        Change::Page(rel.into())
    }

    fn set_related(&self, rel: &str, list: &str) -> Change {
        let path = self.content(rel);
        let text = self.read(&path);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let i = lines.iter().position(|l| l.starts_with("related =")).expect("the fixture page has a related list");
        lines[i] = format!("related = [{list}]");
        self.write(&path, &(lines.join("\n") + "\n"));
        Change::Page(rel.into())
    }

    fn edit_template(&self, rng: &mut Rng, n: usize) -> Change {
        if self.theme {
            // Overriding a theme file: a partial reaches the templates including it, components reach all.
            let name = *rng.pick(&["partials/footer.html", "partials/components.html", "partials/search.html"]);
            let path = self.root.join("templates").join(name);
            let text = fs::read_to_string(&path).unwrap_or_else(|_| theme_template(name));
            self.write(&path, &format!("{text}\n<!-- edit {n} -->\n"));
            return Change::Template(name.into());
        }
        let (name, anchor) = *rng.pick(&[
            ("page.html", "</article>"),
            ("base.html", "<footer>"),
            ("partials/pager.html", "<nav class=\"pager\">"),
            ("special.html", "<article>"),
            ("taxonomy_single.html", "<h1>"),
            ("section.html", "<h1>"),
        ]);
        let path = self.root.join("templates").join(name);
        let text = self.read(&path);
        self.write(&path, &text.replacen(anchor, &format!("{anchor}<!-- edit {n} -->"), 1));
        Change::Template(name.into())
    }

    fn edit_static(&mut self, rng: &mut Rng, n: usize) -> Vec<Change> {
        match rng.below(3) {
            0 => {
                let path = self.root.join("static/style.css");
                let text = self.read(&path);
                self.write(&path, &format!("{text}\n.edit-{n} {{ color: red; }}\n"));
                vec![Change::Static("style.css".into())]
            }
            1 => {
                let name = format!("extra-{n}.css");
                self.write(&self.root.join("static").join(&name), "p { margin: 0; }\n");
                self.added_static.push(name.clone());
                vec![Change::Static(name.into())]
            }
            _ => match self.added_static.pop() {
                Some(name) => {
                    fs::remove_file(self.root.join("static").join(&name)).expect("remove static");
                    vec![Change::Static(name.into())]
                }
                None => vec![],
            },
        }
    }

    fn add_or_remove_page(&mut self, rng: &mut Rng, n: usize) -> (&'static str, Vec<Change>) {
        match rng.below(4) {
            0 | 1 if self.added.len() < 8 => {
                let section = rng.pick(&self.sections).clone();
                let dir = section.trim_end_matches("_index.md");
                let rel = format!("{dir}added-{n}.md");
                let text = format!(
                    "+++\ntitle = \"Added page {n}\"\ndate = 2023-05-0{}\nweight = {}\n\n[taxonomies]\ntags = [\"rust\"]\n+++\n\nAdded body {n}.\n",
                    1 + rng.below(9),
                    rng.below(9)
                );
                self.write(&self.content(&rel), &text);
                self.added.push((rel.clone(), false));
                ("page added", vec![Change::Page(rel.into())])
            }
            2 if !self.added.is_empty() => {
                let i = rng.below(self.added.len());
                let (old, draft) = self.added.remove(i);
                let new = old.replace("added-", &format!("renamed-{n}-"));
                fs::rename(self.content(&old), self.content(&new)).expect("rename page");
                self.added.push((new.clone(), draft));
                ("page renamed", vec![Change::Page(old.into()), Change::Page(new.into())])
            }
            3 if !self.added.is_empty() => {
                let i = rng.below(self.added.len());
                let (rel, draft) = self.added[i].clone();
                self.added[i].1 = !draft;
                let change = self.set_key(&rel, "draft", if draft { "false" } else { "true" });
                ("draft toggled", vec![change])
            }
            _ if !self.added.is_empty() => {
                let (rel, _) = self.added.remove(rng.below(self.added.len()));
                fs::remove_file(self.content(&rel)).expect("remove page");
                ("page removed", vec![Change::Page(rel.into())])
            }
            _ => ("nothing", vec![]),
        }
    }
}

/// A template of the built-in theme, from the repository's `templates/`.
fn theme_template(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates").join(name);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// `text` with its first line starting with `prefix` replaced by `line` (in front matter, where keys are unique).
fn set_line(text: &str, prefix: &str, line: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    match lines.iter().position(|l| l.starts_with(prefix)) {
        Some(i) => lines[i] = line,
        None => lines.insert(1, line),
    }
    lines.join("\n") + "\n"
}

fn copy_dir(from: &Path, to: &Path) {
    for file in walkdir(from) {
        let target = to.join(file.strip_prefix(from).expect("under from"));
        fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        fs::copy(&file, &target).expect("copy");
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Every difference between two sites, shortly.
fn differences(live: &SiteFiles, fresh: &SiteFiles) -> Vec<String> {
    let mut paths: Vec<&str> = live.paths().chain(fresh.paths()).collect();
    paths.sort_unstable();
    paths.dedup();
    let mut found = Vec::new();
    for path in paths {
        match (live.get(path), fresh.get(path)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
                let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
                let around = |text: &str| text.chars().skip(at.saturating_sub(80)).take(200).collect::<String>();
                found.push(format!("{path} differs:\n  live:  {}\n  fresh: {}", around(&a), around(&b)));
            }
            (Some(_), None) => found.push(format!("{path} only in the live site")),
            (None, _) => found.push(format!("{path} only in the fresh build")),
        }
    }
    found
}

/// Asserts that `live` holds what a fresh build of the site of `options` makes.
fn assert_same_as_fresh_build(live: &SiteFiles, options: &BuildOptions) {
    let fresh = fresh_build(options).0.expect("a fresh build");
    let differences = differences(live, &fresh);
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// The site as the pipeline produces it for `serve` into memory, in one pass (not `LiveSite`'s own renders), and
/// every problem found; `Err` when one is an error.
fn fresh_build(options: &BuildOptions) -> (Result<SiteFiles, ()>, Vec<quire::error::Diagnostic>) {
    let options = BuildOptions { base_url: Some(BASE_URL.into()), ..options.clone() };
    let prepared = match quire::pipeline::prepare(&options, quire::pipeline::Purpose::Serve) {
        Ok(prepared) => prepared,
        Err(quire::error::Error::Site(diagnostics)) => return (Err(()), diagnostics),
        Err(e) => panic!("{e}"),
    };
    let files = std::sync::Mutex::new(std::collections::HashMap::new());
    let produced = quire::pipeline::produce(
        prepared,
        &|file| {
            let bytes = file.contents.into_bytes().expect("every file can be read");
            files.lock().expect("not poisoned").insert(file.path, bytes);
        },
        false,
    );
    let files = SiteFiles::new(files.into_inner().expect("not poisoned"));
    match has_errors(&produced.diagnostics) {
        true => (Err(()), produced.diagnostics),
        false => (Ok(files), produced.diagnostics),
    }
}

fn sorted(mut diagnostics: Vec<quire::error::Diagnostic>) -> Vec<String> {
    let mut lines: Vec<String> =
        diagnostics.drain(..).map(|d| format!("{}: {}: {}", d.at, d.kind, d.message)).collect();
    lines.sort();
    lines
}

fn has_errors(diagnostics: &[quire::error::Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.is_error())
}

/// Applies `changes` as `quire serve` does: in place, or by building again when the update says so.
fn apply(live: &mut Option<LiveSite>, site: &Site, changes: &[Change]) -> bool {
    let updated = live.as_mut().map(|l| l.update(changes));
    match updated {
        Some(Ok(_)) => true,
        _ => {
            // As the session does, the new build shares the files that did not change with the old one.
            let previous = live.take().map(|l| l.files().clone()).unwrap_or_default();
            *live = LiveSite::build(&site.options(), BASE_URL, &previous).ok();
            false
        }
    }
}

#[test]
fn random_edits_leave_the_live_site_equal_to_a_fresh_build() {
    check_random_edits(false, 300, 0x5EED_2026);
}

#[test]
fn random_edits_on_the_built_in_theme_leave_the_live_site_equal_to_a_fresh_build() {
    check_random_edits(true, 120, 0x7E3E_2026);
}

fn check_random_edits(theme: bool, steps: usize, seed: u64) {
    let mut site = Site::copy_fixture(theme);
    let mut rng = Rng(seed);
    let mut live = Some(LiveSite::build(&site.options(), BASE_URL, &SiteFiles::default()).expect("the fixture builds"));
    let (mut in_place, mut rebuilt) = (0, 0);
    for step in 0..steps {
        let (what, changes) = site.edit(&mut rng);
        if apply(&mut live, &site, &changes) {
            in_place += 1;
        } else {
            rebuilt += 1;
        }
        let (fresh, fresh_diagnostics) = fresh_build(&site.options());
        let context = format!("step {step}: {what} {changes:?}");
        // With an error, the live site keeps the last good version of a broken page where a fresh build has none
        // (so links to it break too): both fail, with different consequences. Otherwise they report alike.
        if let (Some(live), Ok(_)) = (&live, &fresh) {
            assert_eq!(
                sorted(live.diagnostics()),
                sorted(fresh_diagnostics),
                "{context}: the live site reports what a fresh build reports"
            );
        }
        match (&live, fresh) {
            (Some(live), Ok(fresh)) => {
                let differences = differences(live.files(), &fresh);
                assert!(differences.is_empty(), "{context}:\n{}", differences.join("\n"));
            }
            (Some(live), Err(_)) => {
                assert!(
                    has_errors(&live.diagnostics()),
                    "{context}: a fresh build fails but the live site has no error"
                )
            }
            (None, Ok(_)) => panic!("{context}: a fresh build succeeds but building the live site failed"),
            (None, Err(_)) => {}
        }
    }
    eprintln!("{in_place} steps updated in place, {rebuilt} full rebuilds");
    assert!(
        in_place > steps * 2 / 3,
        "only {in_place} of {steps} steps were updated in place ({rebuilt} full rebuilds)"
    );
}

#[test]
fn a_body_edit_renders_its_page_and_its_listings_only() {
    let site = Site::copy_fixture(false);
    let mut live = LiveSite::build(&site.options(), BASE_URL, &SiteFiles::default()).expect("the fixture builds");
    let rel = "api/slug-01/p00052-stale-counter.md";
    let change = site.append(rel, "One more sentence.");
    let update = live.update(&[change]).expect("updated in place");
    // The page, its section, the other page of the section (sidebar, neighbour), its two tags' pages, the tag
    // list (page counts) and the page whose template calls get_taxonomy: word counts are in every summary.
    assert_eq!(update.rendered, 7, "{update:?}");
    let page = String::from_utf8_lossy(&live.files().get("api/slug-01/p00052-stale-counter/index.html").expect("page"))
        .into_owned();
    assert!(page.contains("One more sentence."));
}

#[test]
fn a_template_edit_renders_the_pages_using_it_only() {
    let site = Site::copy_fixture(false);
    let mut live = LiveSite::build(&site.options(), BASE_URL, &SiteFiles::default()).expect("the fixture builds");
    let path = site.root.join("templates/taxonomy_single.html");
    let text = site.read(&path);
    site.write(&path, &text.replacen("<h1>", "<h1 class=\"edited\">", 1));
    let update = live.update(&[Change::Template("taxonomy_single.html".into())]).expect("updated in place");
    let terms = live.files().paths().filter(|p| p.starts_with("tags/") && *p != "tags/index.html").count();
    assert_eq!(update.rendered, terms);
    assert_same_as_fresh_build(live.files(), &site.options());
}

/// Issue "`quire serve` updates only the shards touched by an edit, not the whole index": a body edit replaces
/// the shards of the terms it adds, its page's record file and the manifest (whose version changes, so browsers
/// never mix old and new shards), and leaves every other index file as it was.
#[test]
fn a_body_edit_replaces_only_the_search_files_it_reaches() {
    let site = Site::copy_fixture(false);
    // Its templates are its own: the theme's search box brings Quire's index (issue 14).
    let index_template = site.root.join("templates/index.html");
    let text = site.read(&index_template);
    let with_search =
        text.replacen("{% block content %}", "{% block content %}{% include \"partials/search.html\" %}", 1);
    site.write(&index_template, &with_search);
    let mut live = LiveSite::build(&site.options(), BASE_URL, &SiteFiles::default()).expect("the fixture builds");
    let before = live.files().clone();
    let index: Vec<&str> = before.paths().filter(|path| path.starts_with("search/")).collect();
    let shards = index.iter().filter(|path| path.starts_with("search/s/")).count();
    assert!(shards >= 8, "{shards} shards: too few to tell a few from all");
    // At the start of the body, so that the excerpt in the page's record changes too.
    let rel = "api/slug-01/p00052-stale-counter.md";
    let path = site.content(rel);
    site.write(&path, &site.read(&path).replacen("+++\n\n", "+++\n\nA quokka met a zyzzyva. ", 1));
    live.update(&[Change::Page(rel.into())]).expect("updated in place");
    let after = live.files();
    let mut replaced: Vec<&str> = before
        .paths()
        .chain(after.paths())
        .filter(|path| path.starts_with("search/") && before.get(path) != after.get(path))
        .collect();
    replaced.sort_unstable();
    replaced.dedup();
    let manifest =
        |files: &SiteFiles| String::from_utf8_lossy(&files.get("search/manifest.js").expect("manifest")).into_owned();
    assert_ne!(manifest(&before), manifest(after), "the manifest names a new version");
    let records: Vec<&&str> = replaced.iter().filter(|path| path.starts_with("search/d/")).collect();
    assert_eq!(records.len(), 1, "{replaced:?}");
    let record = String::from_utf8_lossy(&after.get(records[0]).expect("record file")).into_owned();
    assert!(record.contains("/api/slug-01/p00052-stale-counter/") && record.contains("quokka met"), "{record}");
    let replaced_shards = replaced.iter().filter(|path| path.starts_with("search/s/")).count();
    assert!((1..=4).contains(&replaced_shards), "{replaced_shards} of {shards} shards replaced: {replaced:?}");
    assert_eq!(replaced.len(), 2 + replaced_shards, "manifest, record file and shards only: {replaced:?}");
    assert!(replaced.len() * 5 < index.len(), "{} of {} index files replaced", replaced.len(), index.len());
    assert_same_as_fresh_build(after, &site.options());
}

/// A flat section of 300 pages on the built-in theme (paginated by the theme: 100 pages a pager), live.
fn flat_live_site() -> (tempfile::TempDir, PathBuf, LiveSite) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    common::write_flat_site(&root, 300);
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let live = LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the flat site builds");
    (tmp, root, live)
}

/// Issue 13: a title edit re-renders the pages whose HTML shows the title (the sidebars whose window holds it,
/// its neighbours, the pager listing it), plus the home page, which reads the section to show its first cards;
/// not every page of the section.
#[test]
fn issue_13_a_title_edit_renders_only_the_pages_showing_the_title() {
    let (_tmp, root, mut live) = flat_live_site();
    let path = root.join("content/api/fn-0150.md");
    let text = fs::read_to_string(&path).expect("page");
    fs::write(&path, text.replace("title = \"fn_0150\"", "title = \"Renamed quokka\"")).expect("write page");
    let update = live.update(&[Change::Page("api/fn-0150.md".into())]).expect("updated in place");
    let showing: Vec<&str> = live
        .files()
        .paths()
        .filter(|p| {
            p.ends_with(".html")
                && String::from_utf8_lossy(&live.files().get(p).expect("file")).contains("Renamed quokka")
        })
        .collect();
    // The window of 15 sidebars around the page (its neighbours among them) and the second pager.
    assert_eq!(showing.len(), 16, "{showing:?}");
    assert_eq!(update.rendered, showing.len() + 1, "the pages showing the title and the home page: {showing:?}");
    assert_same_as_fresh_build(live.files(), &BuildOptions { root, ..BuildOptions::default() });
}

/// Issue 13: saving by writing a temporary file and renaming it over the page (vim, JetBrains "safe write", many
/// libraries' atomic writes) is an edit of that page in place, not a full rebuild.
#[test]
fn issue_13_a_rename_save_is_an_edit_in_place() {
    use notify::event::{CreateKind, EventKind, ModifyKind, RenameMode};
    let (_tmp, root, mut live) = flat_live_site();
    let page = root.join("content/api/fn-0042.md");
    let new_text = fs::read_to_string(&page).expect("page").replace("Returns the 42th", "Yields the 42nd");
    let created = EventKind::Create(CreateKind::File);
    let renamed_from = EventKind::Modify(ModifyKind::Name(RenameMode::From));
    let renamed_to = EventKind::Modify(ModifyKind::Name(RenameMode::To));
    // Hidden (`.fn-0042.md.tmp-81f2`, Go's renameio, atomic-write libraries) and plain (`tmpk3j9x2`, Python's
    // tempfile) temporary names, each written then renamed over the page.
    for temp in ["content/api/.fn-0042.md.tmp-81f2", "content/api/tmpk3j9x2"] {
        let temp = root.join(temp);
        fs::write(&temp, &new_text).expect("write temp");
        fs::rename(&temp, &page).expect("rename over the page");
        let events = [(&temp, created), (&temp, renamed_from), (&page, renamed_to)];
        let changes: Vec<Change> =
            events.iter().filter_map(|(path, kind)| quire::serve::classify(&root, path, kind)).collect();
        let update = live.update(&changes);
        assert!(update.is_ok(), "{temp:?}: {changes:?} gave {update:?}");
    }
    let html = String::from_utf8_lossy(&live.files().get("api/fn-0042/index.html").expect("page")).into_owned();
    assert!(html.contains("Yields the 42nd"));
}

/// Issue 13: a feed lists dated pages, so a site with none gets no (empty) atom.xml and no page links to one, even
/// with `generate_feeds = true`; the first date added in `serve` brings both, as a fresh build has them.
#[test]
fn issue_13_a_site_without_dated_pages_has_no_feed_until_a_date_is_added() {
    let (_tmp, root) = common::site_with_home("generate_feeds = true\n");
    common::write(&root, "content/note.md", "+++\ntitle = \"Note\"\n+++\nText.\n");
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let mut live = LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the site builds");
    let links_to_feed = |files: &SiteFiles| {
        let page = String::from_utf8_lossy(&files.get("note/index.html").expect("page")).into_owned();
        page.contains("application/atom+xml") || page.contains(">Feed<")
    };
    assert!(live.files().get("atom.xml").is_none(), "no empty feed");
    assert!(!links_to_feed(live.files()), "no link to a feed that does not exist");
    common::write(&root, "content/note.md", "+++\ntitle = \"Note\"\ndate = 2026-12-05\n+++\nText.\n");
    let update = live.update(&[Change::Page("note.md".into())]);
    assert!(update.is_err(), "every page gains the feed link: built again, {update:?}");
    let fresh = fresh_build(&options).0.expect("a fresh build");
    let feed = String::from_utf8_lossy(&fresh.get("atom.xml").expect("a feed once a page has a date")).into_owned();
    assert!(feed.contains("<title>Note</title>"), "{feed}");
    assert!(links_to_feed(&fresh));
}

/// Issue 13: an edit of a section's `_index.md` body re-renders the pages that show it (the section's own page and
/// its pagers) and those reading its metadata (the home page's card), not every page of the section, whose
/// sidebars and breadcrumbs show only its title.
#[test]
fn issue_13_a_section_body_edit_renders_only_the_pages_showing_it() {
    let (_tmp, root, mut live) = flat_live_site();
    let before = live.files().clone();
    common::write(&root, "content/api/_index.md", "+++\ntitle = \"API\"\n+++\nEvery function, by name. A quokka.\n");
    let update = live.update(&[Change::Section("api/_index.md".into())]).expect("updated in place");
    let mut changed: Vec<&str> =
        live.files().paths().filter(|p| p.ends_with(".html") && before.get(p) != live.files().get(p)).collect();
    changed.sort_unstable();
    assert_eq!(changed, ["api/index.html", "api/page/2/index.html", "api/page/3/index.html"], "they show its body");
    // The section's page, its two other pagers and the home page, which reads the section's metadata (word count).
    assert_eq!(update.rendered, 4, "{update:?}");
    assert_same_as_fresh_build(live.files(), &BuildOptions { root, ..BuildOptions::default() });
}

/// Issue 15: a change to a file that bodies include (`{{ include(...) }}`) re-renders the pages that include it,
/// as an edit of their bodies would, instead of rebuilding the whole site; a page including another file, or
/// none, is not rendered again. A page whose only calls are includes is edited in place too.
#[test]
fn issue_15_an_included_file_change_renders_only_the_pages_including_it() {
    let (_tmp, root) = common::site_with_home("title = \"Includes\"\n");
    // Lean templates: what each page shows is its own body, and the home page lists the titles.
    common::write(&root, "templates/page.html", "<main>{{ page.content | safe }}</main>\n");
    common::write(&root, "templates/section.html", "<main>{{ section.content | safe }}</main>\n");
    common::write(
        &root,
        "templates/index.html",
        "<ul>{% for p in section.pages %}<li>{{ p.title }}</li>{% endfor %}</ul>\n",
    );
    common::write(&root, "examples/shared.rs", "fn shared() {}\n");
    common::write(&root, "examples/other.rs", "fn other() {}\n");
    for (name, file) in [("one", "shared"), ("two", "shared"), ("three", "other")] {
        let text = format!(
            "+++\ntitle = \"{name}\"\n+++\nThe code:\n\n{{{{ include(path=\"examples/{file}.rs\", code=\"rust\") }}}}\n"
        );
        common::write(&root, &format!("content/{name}.md"), text);
    }
    common::write(&root, "content/four.md", "+++\ntitle = \"four\"\n+++\nNo code.\n");
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let mut live = LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the site builds");
    let watched: Vec<&String> = live.site().included_files.keys().collect();
    assert_eq!(watched, ["examples/other.rs", "examples/shared.rs"]);
    let before = live.files().clone();

    common::write(&root, "examples/shared.rs", "fn shared_and_renamed() {}\n");
    let update = live.update(&[Change::Included("examples/shared.rs".into())]).expect("updated in place");
    // The two pages including the file, and nothing else: the home page shows only their titles.
    assert_eq!(update.rendered, 2, "{update:?}");
    let page = |files: &SiteFiles, path: &str| String::from_utf8_lossy(&files.get(path).expect("page")).into_owned();
    assert!(page(live.files(), "one/index.html").contains("shared_and_renamed"));
    assert!(page(live.files(), "two/index.html").contains("shared_and_renamed"));
    assert_eq!(page(live.files(), "three/index.html"), page(&before, "three/index.html"));
    assert_same_as_fresh_build(live.files(), &options);

    // An edit of a page whose only calls are includes is in place too, and what it includes is followed.
    common::write(
        &root,
        "content/four.md",
        "+++\ntitle = \"four\"\n+++\nNow with code:\n\n{{ include(path=\"examples/other.rs\") }}\n",
    );
    live.update(&[Change::Page("four.md".into())]).expect("updated in place");
    let including: Vec<&String> = live.site().included_files["examples/other.rs"].iter().collect();
    assert_eq!(including, ["four.md", "three.md"]);
    // `text` into examples/other.rs, the live site updated: the update and the HTML files it changed.
    let edit_other = |live: &mut LiveSite, text: &str| {
        let before = live.files().clone();
        common::write(&root, "examples/other.rs", text);
        let update = live.update(&[Change::Included("examples/other.rs".into())]).expect("updated in place");
        let files = live.files();
        let mut changed: Vec<String> = files
            .paths()
            .filter(|p| p.ends_with(".html") && before.get(p) != files.get(p))
            .map(str::to_string)
            .collect();
        changed.sort_unstable();
        (update, changed)
    };
    // New text with as many words (runs of letters and digits) leaves every summary as it was: the two pages.
    let (update, changed_html) = edit_other(&mut live, "fn changed() {}\n");
    assert_eq!(update.rendered, 2, "{update:?}");
    assert_eq!(changed_html, ["four/index.html", "three/index.html"]);
    // One word more (`other_changed` is two: `_` parts words, as `-` does) changes four's `word_count` and
    // `reading_time`, which its summary holds. The home page's list (`section.pages`) and four's neighbour one
    // (`page.lower`/`page.higher`) hold that summary, so both are rendered again: 4 renders. Their HTML comes out
    // the same only because these templates show neither number.
    let (update, changed_html) = edit_other(&mut live, "fn other_changed() {}\n");
    assert_eq!(update.rendered, 4, "{update:?}");
    assert_eq!(changed_html, ["four/index.html", "three/index.html"]);
    assert!(page(live.files(), "four/index.html").contains("fn other_changed() {}"));
    assert_same_as_fresh_build(live.files(), &options);

    // A range past the end of the changed file is an error at the call, as in a build.
    common::write(
        &root,
        "content/four.md",
        "+++\ntitle = \"four\"\n+++\n{{ include(path=\"examples/other.rs\", lines=\"5-6\") }}\n",
    );
    live.update(&[Change::Page("four.md".into())]).expect("updated in place");
    let errors: Vec<String> = live.diagnostics().iter().filter(|d| d.is_error()).map(|d| d.to_string()).collect();
    assert!(
        errors.iter().any(|e| e.contains("content/four.md:4:1") && e.contains("the file has 1 lines")),
        "{errors:?}"
    );
}

/// Issue 15: a twin holds what its page's layout shows after the body (`{% block after_content %}`). Under `serve`
/// it follows an edit of the front matter the list is made from, and an edit of the layout, as a fresh build has it.
#[test]
fn issue_15_a_twin_follows_its_layouts_list_in_serve() {
    let (_tmp, root) = common::site_with_home("title = \"Twins\"\nmarkdown_twins = true\n");
    let events = |labels: &[&str]| {
        let events: String = labels
            .iter()
            .enumerate()
            .map(|(n, label)| format!("\n[[extra.events]]\ndate = \"{}\"\nlabel = \"{label}\"\n", 2020 + n))
            .collect();
        format!("+++\ntitle = \"Events\"\ntemplate = \"timeline.html\"\n{events}+++\nWhen.\n")
    };
    common::write(&root, "content/events.md", events(&["First."]));
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let mut live = LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the site builds");
    let twin =
        |live: &LiveSite| String::from_utf8_lossy(&live.files().get("events/index.md").expect("twin")).into_owned();
    assert!(twin(&live).ends_with("## Events\n\n1. 2020\n\n   First.\n"), "{}", twin(&live));

    common::write(&root, "content/events.md", events(&["First.", "Second."]));
    live.update(&[Change::Page("events.md".into())]).expect("updated in place");
    assert!(twin(&live).ends_with("2. 2021\n\n   Second.\n"), "{}", twin(&live));
    assert_same_as_fresh_build(live.files(), &options);

    // The site's own layout, listing the labels only.
    common::write(
        &root,
        "templates/timeline.html",
        "{% extends \"partials/page-layout.html\" %}{% block after_content %}<h2>Labels</h2><ul>\
         {% for e in page.extra.events %}<li>{{ e.label }}</li>{% endfor %}</ul>{% endblock after_content %}\n",
    );
    live.update(&[Change::Template("timeline.html".into())]).expect("updated in place");
    assert!(twin(&live).ends_with("When.\n\n## Labels\n\n- First.\n- Second.\n"), "{}", twin(&live));
    let full = String::from_utf8_lossy(&live.files().get("llms-full.txt").expect("llms-full.txt")).into_owned();
    assert!(full.ends_with("- First.\n- Second.\n"), "{full}");
    assert_same_as_fresh_build(live.files(), &options);
}

/// Issue 14: bodies hold their headings' anchor links, so an edit of what decides them (a section's
/// `insert_anchor_links`, `anchor-link.html`, a page's template, whether a layout is the built-in theme's) leaves
/// the live site equal to a fresh build, as a body edit does.
#[test]
fn issue_14_edits_that_change_heading_anchors_leave_the_live_site_fresh() {
    let copy = common::copy_fixture("zola-anchor-links");
    let root = copy.path().join("site");
    // No default in config.toml: where no section says, the layout decides (the built-in theme's `#` or none).
    common::write(&root, "config.toml", "base_url = \"https://example.org/\"\n");
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let mut live = Some(LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the fixture builds"));
    let section = "+++\ntitle = \"Left\"\ninsert_anchor_links = \"heading\"\n+++\n## Left section\n\n[A page](@/left/page.md), [a bundle](@/left/bundle/index.md), [deeper](@/left/deeper/_index.md).\n";
    let template = "<a class=\"mine\" href=\"#{{ id }}\">{{ level }}</a>";
    let base = "{% block content %}{% endblock content %}";
    let page = "{% extends \"base.html\" %}{% block content %}{{ page.content | safe }}{% endblock content %}";
    // `None`: the file is removed. The page template first extends the site's own base.html, then (once it is
    // removed) the built-in theme's.
    let edits: [(&str, Option<&str>, Change); 5] = [
        ("content/left/_index.md", Some(section), Change::Section("left/_index.md".into())),
        ("templates/anchor-link.html", Some(template), Change::Template("anchor-link.html".into())),
        ("templates/base.html", Some(base), Change::Template("base.html".into())),
        ("templates/page.html", Some(page), Change::Template("page.html".into())),
        ("templates/base.html", None, Change::Template("base.html".into())),
    ];
    for (file, text, change) in edits {
        match text {
            Some(text) => common::write(&root, file, text),
            None => fs::remove_file(root.join(file)).expect("remove the file"),
        }
        if live.as_mut().is_none_or(|l| l.update(std::slice::from_ref(&change)).is_err()) {
            live = Some(LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the edited site builds"));
        }
        let fresh = fresh_build(&options).0.expect("a fresh build");
        let live = live.as_ref().expect("a live site");
        assert_eq!(differences(live.files(), &fresh), Vec::<String>::new(), "after editing {file}");
    }
}

/// Issue 14: a site with its own templates gets none of the built-in theme's files until a template uses the
/// theme (here its search box); the live site follows both ways, equal to a fresh build.
#[test]
fn issue_14_starting_or_stopping_to_use_the_theme_leaves_the_live_site_fresh() {
    let copy = common::copy_fixture("zola-anchor-links");
    let root = copy.path().join("site");
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let mut live = Some(LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the fixture builds"));
    assert!(live.as_ref().is_some_and(|l| l.files().get("style.css").is_none()));
    let own = "{{ section.content | safe }}\n";
    let with_search = "{% include \"partials/search.html\" %}{{ section.content | safe }}\n";
    for (text, theme) in [(with_search, true), (own, false)] {
        common::write(&root, "templates/index.html", text);
        if live.as_mut().is_none_or(|l| l.update(&[Change::Template("index.html".into())]).is_err()) {
            live = Some(LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the edited site builds"));
        }
        let fresh = fresh_build(&options).0.expect("a fresh build");
        let live = live.as_ref().expect("a live site");
        assert_eq!(differences(live.files(), &fresh), Vec::<String>::new(), "theme used: {theme}");
        assert_eq!(live.files().get("style.css").is_some(), theme);
    }
}

/// Issue 14: lists carry each page's content when a template reads it there; in `serve`, a template edit that
/// starts or stops reading it changes what lists carry, and a body edit reaches the lists that print it. The live
/// site stays equal to a fresh build.
#[test]
fn issue_14_listed_content_follows_template_and_body_edits() {
    let copy = common::copy_fixture("zola-listed-content");
    let root = copy.path().join("site");
    let titles_only = "{% for p in section.pages %}<h2>{{ p.title }}</h2>{% endfor %}";
    let contents = "{% for p in section.pages %}{{ p.content | safe }}{% endfor %}";
    // The site starts with templates that read no listed content.
    common::write(&root, "templates/section.html", titles_only);
    common::write(&root, "templates/page.html", "{{ page.content | safe }}");
    common::write(&root, "templates/tags/single.html", "{% for p in term.pages %}{{ p.title }}{% endfor %}");
    let options = BuildOptions { root: root.clone(), ..BuildOptions::default() };
    let mut live = Some(LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the fixture builds"));
    let body =
        "+++\ntitle = \"First\"\ndate = 2024-01-01\n[taxonomies]\ntags = [\"series\"]\n+++\nFirst *edited* body.\n";
    let edits: [(&str, &str, Change); 4] = [
        ("templates/section.html", contents, Change::Template("section.html".into())),
        ("content/blog/first.md", body, Change::Page("blog/first.md".into())),
        ("templates/section.html", titles_only, Change::Template("section.html".into())),
        ("templates/section.html", contents, Change::Template("section.html".into())),
    ];
    for (file, text, change) in edits {
        common::write(&root, file, text);
        if live.as_mut().is_none_or(|l| l.update(std::slice::from_ref(&change)).is_err()) {
            live = Some(LiveSite::build(&options, BASE_URL, &SiteFiles::default()).expect("the edited site builds"));
        }
        let fresh = fresh_build(&options).0.expect("a fresh build");
        let live = live.as_ref().expect("a live site");
        assert_eq!(differences(live.files(), &fresh), Vec::<String>::new(), "after editing {file}");
    }
    let blog = live.expect("a live site").files().get("blog/index.html").expect("the blog's list").to_vec();
    assert!(String::from_utf8_lossy(&blog).contains("<p>First <em>edited</em> body.</p>"));
}
