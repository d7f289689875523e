//! Markdown twins (`markdown_twins = true`): each page's and section's source as Markdown beside its HTML
//! (`guide/intro/index.md`), and the whole site as one file, `llms-full.txt`, in the sidebar's order. Text out only.
//!
//! A twin is the body as the page renders it: front matter left out, its title as the first heading, shortcodes
//! and components run (Markdown ones as Markdown, HTML ones as their HTML, which is Markdown too), and `@/` links
//! turned into the addresses they point at, so a reader outside the site can follow them.

use crate::config::Config;
use crate::content::{Site, Target};
use crate::output::{Contents, OutputFile};
use std::fmt::Write;
use std::sync::OnceLock;

/// What `markdown_twins = true` adds to a site: each twin's path with the page or section it is the twin of, and
/// `llms-full.txt` (`None`). Nothing when config.toml does not ask for twins.
pub fn twin_outputs(site: &Site, config: &Config) -> Vec<(String, Option<Target>)> {
    if !config.markdown_twins {
        return Vec::new();
    }
    let mut outputs: Vec<(String, Option<Target>)> =
        site.targets().filter_map(|target| Some((twin_path(site, target)?, Some(target)))).collect();
    outputs.push((LLMS_FULL.into(), None));
    outputs
}

/// The text of one of `twin_outputs`.
pub fn make_twin(site: &Site, config: &Config, of: Option<Target>) -> String {
    match of {
        Some(target) => markdown_twin(site, config, target),
        None => llms_full_txt(site, config),
    }
}

/// Every twin and `llms-full.txt` in memory (`serve`).
pub fn twin_files(site: &Site, config: &Config) -> Vec<OutputFile> {
    let files = twin_outputs(site, config).into_iter();
    files
        .map(|(path, of)| OutputFile { path, contents: Contents::Bytes(make_twin(site, config, of).into_bytes()) })
        .collect()
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

/// The twin of `target`: `# Title`, the description as a quote, then the body with its calls run and `@/` links
/// made addresses.
pub fn markdown_twin(site: &Site, config: &Config, target: Target) -> String {
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
    text
}

/// `llms-full.txt`: the site's title and description, then every twin in the order the sidebar lists them, each
/// with the address of its page.
pub fn llms_full_txt(site: &Site, config: &Config) -> String {
    let title = if config.title.is_empty() { &site.sections[0].doc.title } else { &config.title };
    let mut text = format!("# {}\n", title.trim());
    if !config.description.is_empty() {
        let _ = writeln!(text, "\n> {}", config.description.trim());
    }
    for target in crate::feeds::reading_order(site) {
        if twin_path(site, target).is_none() {
            continue;
        }
        let twin = markdown_twin(site, config, target);
        // Each twin opens with its `# Title`; the address goes right below it.
        let (heading, rest) = twin.split_once('\n').unwrap_or((&twin, ""));
        let _ = write!(
            text,
            "\n---\n\n{heading}\nSource: {}\n{rest}",
            config.permalink(site.document(target).path.as_str())
        );
    }
    text
}

/// `body` with each `@/` destination of an inline link (`](@/a.md#x)`) or a link reference definition
/// (`[x]: @/a.md`) replaced by the address it names (a destination that names nothing stays as written), and
/// runs of blank lines outside code blocks made one.
fn tidy_body(site: &Site, config: &Config, body: &str) -> String {
    static INTERNAL: OnceLock<regex::Regex> = OnceLock::new();
    let pattern = INTERNAL.get_or_init(|| {
        regex::Regex::new(r"(\]\(\s*<?|^\s{0,3}\[[^\]]+\]:\s*<?)@/([^)\s>#]*)(#[^)\s>]*)?")
            .expect("the pattern is valid")
    });
    let resolve = |caps: &regex::Captures| {
        let anchor = caps.get(3).map_or("", |m| m.as_str());
        match crate::links::resolve(site, config, &caps[2]) {
            Some(address) => format!("{}{address}{anchor}", &caps[1]),
            None => caps[0].to_string(),
        }
    };
    // Code blocks show `@/` links as written, as the HTML does.
    let mut fence: Option<&str> = None;
    let mut lines = Vec::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        match fence {
            Some(open) if trimmed.starts_with(open) => fence = None,
            None if trimmed.starts_with("```") => fence = Some("```"),
            None if trimmed.starts_with("~~~") => fence = Some("~~~"),
            None if line.contains("@/") => {
                lines.push(pattern.replace_all(line, &resolve).into_owned());
                continue;
            }
            // A call's output ends with its own newline: one blank line between blocks is enough.
            None if line.trim().is_empty() && lines.last().is_some_and(|last: &String| last.trim().is_empty()) => {
                continue;
            }
            _ => {}
        }
        lines.push(line.to_string());
    }
    lines.join("\n")
}
