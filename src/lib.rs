//! Quire: a folder of Markdown with front matter in, a static website out.
//! `build` reads as the table of contents of the pipeline: config → content → markdown → links → render → output.

pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod feeds;
pub mod init;
pub mod links;
pub mod markdown;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
mod theme;

use config::Config;
use content::Site;
use error::{Diagnostic, Error, Result};
use links::Relations;
use output::{Contents, OutputFile, Staging};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What `quire build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `public/` inside the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Warnings fail the build too.
    pub strict: bool,
    /// Links relative to each page with explicit `index.html`, so the output works from `file://`.
    pub offline: bool,
}

/// What a successful build did, for the summary line.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub sections: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub output: PathBuf,
    pub warnings: Vec<Diagnostic>,
}

/// Builds the site at `options.root` into its output folder, replacing the previous output only on success.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let output = options.output.clone().unwrap_or_else(|| options.root.join("public"));
    output::check_output_dir(&options.root, &output)?;
    let (config, mut diagnostics) = load_config(options)?;
    let staging = Staging::create(&output)?;
    let write_error: Mutex<Option<Error>> = Mutex::new(None);
    let generated = generate(&options.root, config, false, &mut diagnostics, &|file| {
        if let Err(e) = staging.write(file) {
            write_error.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert(e);
        }
    });
    let failed = diagnostics.iter().any(|d| d.is_error() || (options.strict && !d.is_error()));
    if let Some(error) = write_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        staging.abandon();
        return Err(error);
    }
    let site = match generated {
        Some(site) if !failed => site,
        _ => {
            staging.abandon();
            return Err(Error::Site(diagnostics));
        }
    };
    let files = staging.commit()?;
    let (pages, sections) = (site.pages.len(), site.sections.len());
    drop_in_background(site);
    Ok(BuildReport {
        pages,
        sections,
        files,
        elapsed: started.elapsed(),
        output: output::absolute(&output),
        warnings: diagnostics,
    })
}

/// `config.toml` with the command line's overrides applied.
pub fn load_config(options: &BuildOptions) -> Result<(Config, Vec<Diagnostic>)> {
    let (mut config, diagnostics) = config::load(&options.root)?;
    if let Some(base_url) = &options.base_url {
        config.set_base_url(base_url);
    }
    config.drafts = options.drafts;
    config.relative_urls |= options.offline;
    Ok((config, diagnostics))
}

/// Reads the content, renders Markdown and checks links: the site model every later stage uses. With
/// `Sources::Release`, each file's text is freed as soon as its Markdown is rendered (see `render_bodies`).
pub fn load_site(
    root: &Path,
    config: &Config,
    sources: Sources,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Site, Relations) {
    let timer = Timer::start();
    let mut site = content::load_site(root, config, diagnostics);
    timer.lap("content");
    let release_to = match sources {
        Sources::Keep => None,
        Sources::Release => Some(root),
    };
    render_bodies(&mut site, config, release_to);
    timer.lap("markdown");
    let relations = links::check_links(&site, diagnostics);
    timer.lap("links");
    (site, relations)
}

/// What becomes of the files' source texts once their Markdown is rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sources {
    /// `serve` renders bodies again after each edit.
    Keep,
    /// One-pass builds and checks: 10k pages' texts (29 MB) are never held next to all their HTML (37 MB).
    Release,
}

/// Renders every page's and section's Markdown body, in parallel. With `release_to`, each text is freed as
/// soon as its body is rendered, and diagnostics read the file again from that root (`Site::source_text`).
pub fn render_bodies(site: &mut Site, config: &Config, release_to: Option<&Path>) {
    let (page_texts, section_texts) = site.take_sources(release_to);
    let keep = release_to.is_none();
    let page_offsets: Vec<usize> = site.pages.iter().map(|p| p.body_offset).collect();
    let section_offsets: Vec<usize> = site.sections.iter().map(|s| s.body_offset).collect();
    let ((pages, page_texts), (sections, section_texts)) = with_markdown_options(site, config, |options| {
        let render = |(text, offset): (String, usize)| {
            let rendered = markdown::render_markdown(text.get(offset..).unwrap_or(""), options);
            (rendered, keep.then_some(text)) // a released text is freed here, on the thread that rendered it
        };
        let render_all = |texts: Vec<String>, offsets: Vec<usize>| {
            texts.into_par_iter().zip(offsets).with_max_len(PARALLEL_CHUNK).map(render).unzip::<_, _, Vec<_>, Vec<_>>()
        };
        let pages = render_all(page_texts, page_offsets);
        let sections = render_all(section_texts, section_offsets);
        (pages, sections)
    });
    if keep {
        site.restore_sources(page_texts.into_iter().flatten().collect(), section_texts.into_iter().flatten().collect());
    }
    for (page, rendered) in site.pages.iter_mut().zip(pages) {
        page.rendered = rendered;
    }
    for (section, rendered) in site.sections.iter_mut().zip(sections) {
        section.rendered = rendered;
    }
}

/// One page's or section's Markdown body rendered as `render_bodies` renders it, for `serve` after an edit.
pub fn render_body(site: &Site, config: &Config, body: &str) -> markdown::Rendered {
    with_markdown_options(site, config, |options| markdown::render_markdown(body, options))
}

/// Calls `render` with the Markdown options `config` asks for, `@/` links resolving in `site`.
fn with_markdown_options<R>(site: &Site, config: &Config, render: impl FnOnce(&markdown::Options<'_>) -> R) -> R {
    let resolve = |path: &str| links::resolve(site, config, path);
    let options = markdown::Options { settings: config.markdown, resolve: &resolve };
    render(&options)
}

/// Every file of the site, handed to `sink` as it is made. Returns the site, or `None` when
/// the content could not be read far enough to render (the diagnostics say why).
pub fn generate(
    root: &Path,
    config: Config,
    serve_mode: bool,
    diagnostics: &mut Vec<Diagnostic>,
    sink: &(dyn Fn(OutputFile) + Sync),
) -> Option<Arc<Site>> {
    let timer = Timer::start();
    let sources = if serve_mode { Sources::Keep } else { Sources::Release };
    let (mut site, relations) = load_site(root, &config, sources, diagnostics);
    timer.lap("load + markdown + links");
    let templates = render::load_templates(root, diagnostics)?;
    timer.lap("templates");
    if diagnostics.iter().any(Diagnostic::is_error) {
        return None;
    }
    let run = match serve_mode {
        true => render::Run::Serve,
        false => render::Run::Once(render::PageBodies::take_if_read_once(&mut site, &config, &templates)),
    };
    let site = Arc::new(site);
    let config = Arc::new(config);
    let relations = Arc::new(relations);
    // Made now, so the link check knows every file the pages may link to; the generated ones are written while
    // the pages render, the others (static files replace pages) after them.
    let files = site_files(root, &site, &config, &relations);
    let expected = expected_outputs(&site, &templates, &files);
    let (generated, mut files) = generated_first(files);
    // The same no-network link checks as `quire check`, over the HTML as written: a broken link fails the build.
    let links = check::LinkCheck::new(root, &site, &config).expecting(&expected);
    let page_sink = |page: render::RenderedPage| {
        let path = page.output_path();
        let html = match config.relative_urls {
            true => render::relative::make_links_relative(&page.html, &path, &config.base_url),
            false => page.html,
        };
        links.add_html(&path, &html);
        sink(OutputFile { path, contents: Contents::Bytes(html.into_bytes()) });
    };
    let add_and_write = |file: OutputFile| {
        links.add(&file);
        sink(file);
    };
    rayon::join(
        || {
            render::render_site(
                site.clone(),
                config.clone(),
                relations.clone(),
                templates,
                run,
                &page_sink,
                diagnostics,
            )
        },
        || generated.into_iter().for_each(add_and_write),
    );
    timer.lap("render + write pages");
    if config.build_search_index {
        files.extend(search::index_files(&site));
    }
    for file in &files {
        links.add(file);
    }
    // Both need only what is known now: the last files are written while links are checked.
    let ((), found) = rayon::join(|| files.into_iter().for_each(sink), || links.finish());
    // Orphan pages are `quire check`'s concern: a build reports only what is broken.
    diagnostics.extend(found.into_iter().filter(|d| d.kind != "orphan"));
    timer.lap("other files + link check");
    Some(site)
}

/// The most files one thread works through before the other may take a share of them. Rayon splits a list in
/// halves only as deep as it guesses it needs: at 10k pages one thread was left to render the last ~500 pages
/// alone (40 ms of a 0.55 s build with the other core idle). Small chunks cost nothing next to a page's render.
pub(crate) const PARALLEL_CHUNK: usize = 16;

/// Frees a large part of the model on another thread: the caller's answer does not wait for 10,000 pages'
/// worth of small allocations to be freed, and a process that exits right after never pays for it.
///
/// The thread runs only when a core would otherwise be idle (Linux's `SCHED_IDLE`): freeing the views while the
/// last files were written took 20 ms of CPU from a 0.53 s build on two cores.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    // If no thread can be started, the closure (and the value) is dropped here instead.
    let _ = std::thread::Builder::new().name("quire-drop".into()).spawn(move || {
        run_only_when_idle();
        drop(value)
    });
}

/// Lowers the calling thread to the idle scheduling class; failure leaves it as it was.
fn run_only_when_idle() {
    #[cfg(target_os = "linux")]
    // SAFETY: `sched_setscheduler(0, ..)` changes only the calling thread's class; the parameter outlives the call.
    unsafe {
        let param = libc::sched_param { sched_priority: 0 };
        libc::sched_setscheduler(0, libc::SCHED_IDLE, &param);
    }
}

/// Stage times and memory (resident, peak; Linux only) on stderr when `QUIRE_TIMINGS` is set: the first
/// thing to read when a build is slow.
pub struct Timer {
    enabled: bool,
    last: std::cell::Cell<(Instant, Duration)>,
}

impl Timer {
    pub fn start() -> Timer {
        let enabled = std::env::var_os("QUIRE_TIMINGS").is_some();
        // Reading the CPU time is a file read: only when the timings are asked for.
        let cpu = if enabled { process_cpu_time() } else { Duration::ZERO };
        Timer { enabled, last: std::cell::Cell::new((Instant::now(), cpu)) }
    }

    /// Prints the wall time since the last lap, the CPU time all threads spent in it (twice the wall time
    /// when both cores of a 2-core machine were busy), and memory.
    pub fn lap(&self, stage: &str) {
        if self.enabled {
            let (now, cpu) = (Instant::now(), process_cpu_time());
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field =
                |name: &str| status.lines().find(|l| l.starts_with(name)).map_or("", |l| l[name.len()..].trim());
            let (now_rss, peak_rss) = (field("VmRSS:"), field("VmHWM:"));
            let (last, last_cpu) = self.last.get();
            let ms = (now - last).as_secs_f64() * 1000.0;
            let cpu_ms = cpu.saturating_sub(last_cpu).as_secs_f64() * 1000.0;
            eprintln!("timing: {stage}: {ms:.1} ms, cpu {cpu_ms:.0} ms (rss {now_rss}, peak {peak_rss})");
            self.last.set((now, cpu));
        }
    }
}

/// User and system time of every thread of the process so far (Linux; zero elsewhere).
fn process_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields 14 and 15 (utime, stime) in clock ticks, counted after the command name's closing `)`.
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

/// Everything but rendered pages and the search index (`search::index_files`): static files, page assets,
/// feeds, sitemap, robots.txt, syntax.css. Later files replace earlier ones at the same path, and all of them
/// replace rendered pages. The generated files are made as they are written, each from its own handle on the model.
pub fn site_files(root: &Path, site: &Arc<Site>, config: &Arc<Config>, relations: &Arc<Relations>) -> Vec<OutputFile> {
    let mut files = static_files(root);
    files.extend(asset_files(root, site));
    files.extend(feeds::Generated::asked_by(config).map(|generated| {
        let (site, config, relations) = (site.clone(), config.clone(), relations.clone());
        let stream: output::Stream = Box::new(move |out| generated.write_to(&site, &config, &relations, out));
        OutputFile { path: generated.path().into(), contents: Contents::Stream(stream) }
    }));
    files
}

/// `files` (in `site_files` order) split into the generated ones, which need only the model and are written
/// while the pages render (site.json is 7 MB at 10k pages), and the rest, written after the pages as static
/// files replace them. A generated file at the path of another file stays with the rest, in its place, so the
/// same one of the two is written last, as before.
fn generated_first(files: Vec<OutputFile>) -> (Vec<OutputFile>, Vec<OutputFile>) {
    let generated = |file: &OutputFile| matches!(file.contents, Contents::Stream(_));
    let others: std::collections::HashSet<String> =
        files.iter().filter(|file| !generated(file)).map(|file| file.path.clone()).collect();
    files.into_iter().partition(|file| generated(file) && !others.contains(&file.path))
}

/// The files a build will write besides its pages and sections, known before any is rendered: `files`, and the
/// taxonomy, term, 404 and alias pages `templates` render (paths relative to the output folder).
pub fn expected_outputs(site: &Site, templates: &render::Templates, files: &[OutputFile]) -> Vec<String> {
    let planned = render::plan_outputs(site, templates).into_iter().filter_map(|output| match output {
        render::Output::Page(_) | render::Output::Section(_) => None,
        other => Some(render::output_path(&other.path(site))),
    });
    files.iter().map(|file| file.path.clone()).chain(planned).collect()
}

/// `static/`, the theme's static files it does not replace, and `syntax.css` unless it has its own.
pub fn static_files(root: &Path) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let static_dir = root.join("static");
    let mut own_static = std::collections::HashSet::new();
    for entry in walkdir::WalkDir::new(&static_dir).follow_links(true).into_iter().flatten() {
        if entry.file_type().is_file() {
            let rel =
                entry.path().strip_prefix(&static_dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            own_static.insert(rel.clone());
            files.push(OutputFile { path: rel, contents: Contents::Copy(entry.path().to_path_buf()) });
        }
    }
    for (name, bytes) in theme::STATIC {
        if !own_static.contains(*name) {
            files.push(OutputFile { path: name.to_string(), contents: Contents::Embedded(bytes) });
        }
    }
    if !own_static.contains("syntax.css") {
        files.push(OutputFile {
            path: "syntax.css".into(),
            contents: Contents::Bytes(markdown::stylesheet().into_bytes()),
        });
    }
    files
}

/// Files beside pages and sections under `content/`, copied next to their output, in the same subfolders.
pub fn asset_files(root: &Path, site: &Site) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let content_dir = root.join("content");
    let pages = site.pages.iter().map(|p| (&p.path, &p.relative_path, &p.assets));
    let sections = site.sections.iter().map(|s| (&s.path, &s.relative_path, &s.assets));
    for (path, relative_path, assets) in pages.chain(sections) {
        for asset in assets {
            files.push(OutputFile {
                path: format!("{}{}", path.trim_start_matches('/'), content::asset_path(relative_path, asset)),
                contents: Contents::Copy(content_dir.join(asset)),
            });
        }
    }
    files
}

/// The sitemap, robots.txt and Atom feed when config.toml asks for them; llms.txt and site.json. Not the search
/// index (`search::index_files`), which `serve` keeps up to date on its own.
pub fn generated_files(site: &Site, config: &Config, relations: &Relations) -> Vec<OutputFile> {
    feeds::Generated::asked_by(config)
        .map(|generated| OutputFile {
            path: generated.path().into(),
            contents: Contents::Bytes(generated.make(site, config, relations).into_bytes()),
        })
        .collect()
}

/// What `generated_files` would hold, without making the text files: `quire check` needs to know that
/// `/sitemap.xml` exists, not what it says. Not the search index, whose file names depend on its contents.
pub fn generated_file_paths(config: &Config) -> Vec<OutputFile> {
    feeds::Generated::asked_by(config)
        .map(|generated| OutputFile { path: generated.path().into(), contents: Contents::Embedded(b"") })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_files_go_first_unless_another_file_shares_their_path() {
        let stream = |path: &str| OutputFile { path: path.into(), contents: Contents::Stream(Box::new(|_| Ok(()))) };
        let copy = |path: &str| OutputFile { path: path.into(), contents: Contents::Copy(PathBuf::from(path)) };
        let files = vec![copy("robots.txt"), copy("style.css"), stream("robots.txt"), stream("site.json")];
        let (first, rest) = generated_first(files);
        let paths = |files: &[OutputFile]| files.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&first), ["site.json"]);
        // The generated robots.txt still comes after the static one: the same file is written last.
        assert_eq!(paths(&rest), ["robots.txt", "style.css", "robots.txt"]);
        assert!(matches!(rest[2].contents, Contents::Stream(_)), "order within the rest is kept");
    }
}
