//! Markdown twins (`markdown_twins = true`): each page's and section's source as Markdown beside its HTML
//! (`guide/intro/index.md`), and the whole site as one file, `llms-full.txt`, in the sidebar's order. Text out only.
//!
//! A twin is the body as the page renders it: front matter left out, its title as the first heading, shortcodes
//! and components run (Markdown ones as Markdown, HTML ones as their HTML, which is Markdown too), and `@/` links
//! turned into the addresses they point at, so a reader outside the site can follow them; then what the page's
//! layout shows after the body (`render::AfterContent`: the theme's glossary, timeline and matrix lists), as Markdown.

mod from_html;

use crate::config::Config;
use crate::content::{Site, Target};
use crate::output::{Contents, OutputFile, Stream};
use crate::render::AfterContent;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::{Arc, OnceLock};

/// What `markdown_twins = true` adds to a build: each twin and `llms-full.txt`, made as they are written. Each
/// twin's text is made once, by its own file or by `llms-full.txt`, whichever is written first, and kept for
/// the other. Nothing when config.toml does not ask for twins.
pub fn twin_streams(site: &Arc<Site>, config: &Arc<Config>, after_content: AfterContent) -> Vec<OutputFile> {
    if !config.markdown_twins {
        return Vec::new();
    }
    let targets = twin_targets(site);
    let texts = targets.iter().map(|_| OnceLock::new()).collect();
    let twins = Arc::new(TwinTexts { site: site.clone(), config: config.clone(), after_content, targets, texts });
    let mut files: Vec<OutputFile> = (0..twins.targets.len())
        .map(|i| {
            let path = twins.targets[i].0.clone();
            let twins = twins.clone();
            let stream: Stream = Box::new(move |out| out.write_all(twins.text(i).as_bytes()));
            OutputFile { path, contents: Contents::Stream(stream) }
        })
        .collect();
    let stream: Stream = Box::new(move |out| {
        let TwinTexts { site, config, targets, .. } = &*twins;
        write_llms_full(site, config, targets, &|i| twins.text(i), out)
    });
    files.push(OutputFile { path: LLMS_FULL.into(), contents: Contents::Stream(stream) });
    files
}

/// Every twin and `llms-full.txt` in memory (`serve`), each twin made once, in parallel.
pub fn twin_files(site: &Site, config: &Config, after_content: &AfterContent) -> Vec<OutputFile> {
    if !config.markdown_twins {
        return Vec::new();
    }
    let targets = twin_targets(site);
    let texts: Vec<String> = targets
        .par_iter()
        .with_max_len(crate::PARALLEL_CHUNK)
        .map(|&(_, target)| markdown_twin(site, config, target, after_content))
        .collect();
    let mut full = Vec::new();
    // Writing into memory cannot fail.
    let _ = write_llms_full(site, config, &targets, &|i| texts[i].as_str(), &mut full);
    let mut files: Vec<OutputFile> = targets
        .into_iter()
        .zip(texts)
        .map(|((path, _), text)| OutputFile { path, contents: Contents::Bytes(text.into_bytes()) })
        .collect();
    files.push(OutputFile { path: LLMS_FULL.into(), contents: Contents::Bytes(full) });
    files
}

/// The paths `twin_streams` writes, without making the twins.
pub fn twin_paths(site: &Site, config: &Config) -> Vec<String> {
    if !config.markdown_twins {
        return Vec::new();
    }
    let paths = twin_targets(site).into_iter().map(|(path, _)| path);
    paths.chain([LLMS_FULL.to_string()]).collect()
}

/// The twins of a build's streams, each made when first asked for.
struct TwinTexts {
    site: Arc<Site>,
    config: Arc<Config>,
    after_content: AfterContent,
    targets: Vec<(String, Target)>,
    /// One per target.
    texts: Vec<OnceLock<String>>,
}

impl TwinTexts {
    fn text(&self, i: usize) -> &str {
        self.texts[i].get_or_init(|| markdown_twin(&self.site, &self.config, self.targets[i].1, &self.after_content))
    }
}

/// Every page and section with a twin: the twin's path and whose it is.
fn twin_targets(site: &Site) -> Vec<(String, Target)> {
    site.targets().filter_map(|target| Some((twin_path(site, target)?, target))).collect()
}

pub const LLMS_FULL: &str = "llms-full.txt";

/// Where the twin of `target` goes (`guide/intro/index.md`), if it has one: a page or a rendered section whose
/// address is a folder (a page at `/404.html` has no folder to hold one).
pub fn twin_path(site: &Site, target: Target) -> Option<String> {
    if let Target::Section(id) = target {
        if !site.sections[id].doc.front_matter.render {
            return None;
        }
    }
    let folder = site.document(target).path.as_str().trim_start_matches('/');
    (folder.is_empty() || folder.ends_with('/')).then(|| format!("{folder}index.md"))
}

/// The twin of `target`: `# Title`, the description as a quote, the body with its calls run and `@/` links made
/// addresses, then, for a page in `after_content`, what its layout shows after the body, as Markdown.
pub fn markdown_twin(site: &Site, config: &Config, target: Target, after_content: &AfterContent) -> String {
    let (rendered, description) = match target {
        Target::Page(id) => (&site.pages[id].doc.rendered, site.pages[id].doc.front_matter.description.as_deref()),
        Target::Section(id) => {
            (&site.sections[id].doc.rendered, site.sections[id].doc.front_matter.description.as_deref())
        }
    };
    let mut text = format!("# {}\n", site.document(target).title.as_str().trim());
    if let Some(description) = description.filter(|d| !d.trim().is_empty()) {
        let _ = write!(text, "\n> {}\n", description.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    let body = rendered.markdown.as_deref().unwrap_or("").trim();
    if !body.is_empty() {
        text.push('\n');
        text.push_str(&tidy_body(site, config, body));
        text.push('\n');
    }
    let after = match target {
        Target::Page(id) => after_content.get(&id).map(|html| from_html::markdown_from_html(html)),
        Target::Section(_) => None,
    };
    if let Some(after) = after.filter(|markdown| !markdown.is_empty()) {
        text.push('\n');
        text.push_str(&after);
        text.push('\n');
    }
    text
}

/// `llms-full.txt` into `out`: the site's title and description, then every twin (`targets`, their texts given
/// by `text(i)`) in the order the sidebar lists them, each with the address of its page.
fn write_llms_full<'t>(
    site: &Site,
    config: &Config,
    targets: &[(String, Target)],
    text: &dyn Fn(usize) -> &'t str,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let title = if config.title.is_empty() { &site.sections[0].doc.title } else { &config.title };
    writeln!(out, "# {}", title.trim())?;
    if !config.description.is_empty() {
        writeln!(out, "\n> {}", config.description.trim())?;
    }
    let index: HashMap<Target, usize> = targets.iter().enumerate().map(|(i, &(_, target))| (target, i)).collect();
    for target in crate::feeds::reading_order(site) {
        let Some(&i) = index.get(&target) else { continue };
        let twin = text(i);
        // Each twin opens with its `# Title`; the address goes right below it.
        let (heading, rest) = twin.split_once('\n').unwrap_or((twin, ""));
        let source = config.permalink(site.document(target).path.as_str());
        write!(out, "\n---\n\n{heading}\nSource: {source}\n{rest}")?;
    }
    Ok(())
}

/// `body` with its `@/` links made addresses, and runs of blank lines outside code blocks made one (a call's
/// output ends with its own newline: one blank line between blocks is enough).
fn tidy_body(site: &Site, config: &Config, body: &str) -> String {
    let linked = resolve_internal_links(site, config, body);
    let mut fence: Option<&str> = None;
    let mut lines: Vec<&str> = Vec::new();
    for line in linked.lines() {
        let trimmed = line.trim_start();
        match fence {
            Some(open) if trimmed.starts_with(open) => fence = None,
            None if trimmed.starts_with("```") => fence = Some("```"),
            None if trimmed.starts_with("~~~") => fence = Some("~~~"),
            None if line.trim().is_empty() && lines.last().is_some_and(|last| last.trim().is_empty()) => continue,
            _ => {}
        }
        lines.push(line);
    }
    lines.join("\n")
}

/// `body` with each `@/` destination of an inline link (`](@/a.md#x)`) or a link reference definition
/// (`[x]: @/a.md`) replaced by the address it names; one that names nothing, or is in inline code, a code block
/// or an equation (where the HTML shows it as written too), stays as written.
fn resolve_internal_links<'b>(site: &Site, config: &Config, body: &'b str) -> Cow<'b, str> {
    if memchr::memmem::find(body.as_bytes(), b"@/").is_none() {
        return Cow::Borrowed(body);
    }
    static INTERNAL: OnceLock<regex::Regex> = OnceLock::new();
    let pattern = INTERNAL.get_or_init(|| {
        regex::Regex::new(r"(?m)(\]\(\s*<?|^[ \t]{0,3}\[[^\]]+\]:\s*<?)@/([^)\s>#]*)(#[^)\s>]*)?")
            .expect("the pattern is valid")
    });
    let no_links = |_: &str| None;
    let options = crate::markdown::Options {
        settings: config.markdown.clone(),
        anchors: config.slugify.anchors,
        resolve: &no_links,
        heading_anchor: crate::markdown::HeadingAnchor::None,
    };
    let code = crate::markdown::code_ranges(body, &options);
    let mut linked = String::with_capacity(body.len() + body.len() / 8);
    let mut copied = 0;
    for caps in pattern.captures_iter(body) {
        let whole = caps.get(0).expect("group 0 is the whole match");
        if code.iter().any(|range| range.contains(&whole.start())) {
            continue;
        }
        let Some(address) = crate::links::resolve(site, config, &caps[2]) else { continue };
        linked.push_str(&body[copied..whole.start()]);
        linked.push_str(&caps[1]);
        linked.push_str(&address);
        linked.push_str(caps.get(3).map_or("", |anchor| anchor.as_str()));
        copied = whole.end();
    }
    linked.push_str(&body[copied..]);
    Cow::Owned(linked)
}
