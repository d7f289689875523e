//! Internal links: maps `@/path.md` targets to URLs, checks targets and `#anchors`, and resolves
//! `[extra] related` relations both ways. Broken ones become diagnostics with the closest existing path.

use crate::config::{Config, Level};
use crate::content::{Site, Target};
use crate::error::{Diagnostic, Location};
use crate::text::nearest;
use std::collections::HashMap;

/// Resolved relations of the site, by target: what each page names in `related`, and who points at it.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    pub related: HashMap<Target, Vec<Target>>,
    /// Pages and sections that link to (in Markdown) or name as related (in front matter) each target.
    pub backlinks: HashMap<Target, Vec<Target>>,
}

/// The URL an `@/` path (without anchor) points to, or `None` when nothing is there.
pub fn resolve(site: &Site, config: &Config, relative_path: &str) -> Option<String> {
    site.lookup(relative_path).map(|target| config.permalink(site.document(target).path.as_str()))
}

/// Checks every link of every rendered body and every relation; returns the relations for templates.
/// Broken links are errors, or warnings with `[link_checker] internal_level = "warn"`.
pub fn check_links(site: &Site, config: &Config, diagnostics: &mut Vec<Diagnostic>) -> Relations {
    let first_new = diagnostics.len();
    let relations = check_all(site, diagnostics);
    apply_internal_level(config, &mut diagnostics[first_new..]);
    relations
}

/// Zola's `internal_level = "warn"`: broken links within the site (pages, anchors, files) are reported as
/// warnings and the site is written. Relations declared in front matter stay errors: they are not links.
pub fn apply_internal_level(config: &Config, diagnostics: &mut [Diagnostic]) {
    if config.link_checker.internal_level == Level::Warn {
        for diagnostic in diagnostics.iter_mut().filter(|d| d.kind == "link") {
            diagnostic.severity = crate::error::Severity::Warning;
        }
    }
}

fn check_all(site: &Site, diagnostics: &mut Vec<Diagnostic>) -> Relations {
    let mut relations = Relations::default();
    let add_backlink = |relations: &mut Relations, to: Target, from: Target| {
        let list = relations.backlinks.entry(to).or_default();
        if to != from && !list.contains(&from) {
            list.push(from);
        }
    };
    for source in site.targets() {
        let (file, body_offset, rendered, front_matter) = match source {
            Target::Page(id) => {
                let p = &site.pages[id];
                (&p.doc.file, p.doc.body_offset, &p.doc.rendered, &p.doc.front_matter)
            }
            Target::Section(id) => {
                let s = &site.sections[id];
                (&s.doc.file, s.doc.body_offset, &s.doc.rendered, &s.doc.front_matter)
            }
        };
        // Read only to place a problem: a build has released the texts and reads the file again for that.
        let text = || site.source_text(source).unwrap_or_default();
        for (id, offset) in &rendered.duplicate_ids {
            diagnostics.push(
                Diagnostic::warning(
                    Location::offset_in(file, &text(), body_offset + offset),
                    "id",
                    format!("the id `{id}` is on this page twice"),
                )
                .with_help("ids must be unique on a page: a link to it goes to the first; rename one"),
            );
        }
        for problem in &rendered.problems {
            let at = Location::offset_in(file, &text(), body_offset + problem.offset);
            diagnostics.push(Diagnostic::error(at, problem.kind, &problem.message).with_help(&problem.help));
        }
        for link in &rendered.links {
            let at = || Location::offset_in(file, &text(), body_offset + link.offset);
            if let Some(rest) = link.target.strip_prefix("@/") {
                let (path, anchor) = rest.split_once('#').map_or((rest, None), |(p, a)| (p, Some(a)));
                match site.lookup(path) {
                    Some(target) => {
                        add_backlink(&mut relations, target, source);
                        if let Some(anchor) = anchor {
                            check_anchor(site, target, anchor, &link.target, at(), diagnostics);
                        }
                    }
                    None => diagnostics.push(missing_target(site, path, &link.target, at())),
                }
            } else if let Some(anchor) = link.target.strip_prefix('#') {
                if !anchor.is_empty() {
                    check_anchor(site, source, anchor, &link.target, at(), diagnostics);
                }
            }
        }
        let related = match front_matter.extra.contains_key("related") {
            true => {
                read_related(site, source, front_matter, file, text().get(..body_offset).unwrap_or(""), diagnostics)
            }
            false => Vec::new(),
        };
        for &target in &related {
            add_backlink(&mut relations, target, source);
        }
        if !related.is_empty() {
            relations.related.insert(source, related);
        }
    }
    relations
}

/// `head` is the start of the file up to the body: the front matter, where each entry's own line is found.
fn read_related(
    site: &Site,
    source: Target,
    front_matter: &crate::content::FrontMatter,
    file: &std::path::Path,
    head: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Target> {
    let Some(value) = front_matter.extra.get("related") else {
        return Vec::new();
    };
    let key_offset = related_key_offset(head);
    let at = match key_offset {
        Some(offset) => Location::offset_in(file, head, offset),
        None => {
            let line = front_matter.key_lines.get("extra").copied().unwrap_or(0);
            Location::new(file, line, 1)
        }
    };
    let Some(items) = value.as_array() else {
        diagnostics.push(
            Diagnostic::error(at, "relation", "`extra.related` must be a list")
                .with_help("write `related = [\"@/section/page.md\"]` under `[extra]`"),
        );
        return Vec::new();
    };
    let mut related = Vec::new();
    // Entries are found in order, each after the previous one, so a repeated entry gets its own line.
    let mut cursor = key_offset.unwrap_or(head.len());
    for item in items {
        let Some(text) = item.as_str() else {
            diagnostics.push(
                Diagnostic::error(at.clone(), "relation", format!("`{item}` in `extra.related` is not a string"))
                    .with_help("write paths as `\"@/section/page.md\"`"),
            );
            continue;
        };
        let at = match head.get(cursor..).and_then(|rest| rest.find(text)) {
            Some(i) => {
                let start = cursor + i;
                cursor = start + text.len();
                let quoted = head[..start].ends_with(['"', '\'']);
                Location::offset_in(file, head, start - usize::from(quoted))
            }
            None => at.clone(),
        };
        let path = text.strip_prefix("@/").unwrap_or(text);
        match site.lookup(path) {
            Some(target) if target == source => diagnostics.push(
                Diagnostic::warning(at.clone(), "relation", format!("`{text}` names the page itself"))
                    .with_help("remove it from `related`"),
            ),
            Some(target) => related.push(target),
            None => diagnostics.push(missing_target(site, path, text, at.clone()).with_kind("relation")),
        }
    }
    related
}

/// Byte offset of the line that starts the `related` key (`related = [` or `related:`) in the front matter.
fn related_key_offset(head: &str) -> Option<usize> {
    let mut offset = 0;
    for line in head.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("related") {
            if rest.trim_start().starts_with(['=', ':']) {
                return Some(offset + line.len() - trimmed.len());
            }
        }
        offset += line.len();
    }
    None
}

fn check_anchor(
    site: &Site,
    target: Target,
    anchor: &str,
    written: &str,
    at: Location,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let ids = &site.document(target).rendered.ids;
    if ids.contains(anchor) {
        return;
    }
    let candidates: Vec<&str> = ids.iter().map(String::as_str).collect();
    let help = match nearest(anchor, &candidates) {
        Some(near) => format!(
            "did you mean `#{near}`? (`{}` has these anchors: {})",
            site.document(target).file.as_path().display(),
            list(&candidates)
        ),
        None if candidates.is_empty() => {
            format!("`{}` has no headings to link to", site.document(target).file.as_path().display())
        }
        None => {
            format!("`{}` has these anchors: {}", site.document(target).file.as_path().display(), list(&candidates))
        }
    };
    diagnostics.push(Diagnostic::error(at, "link", format!("no anchor `#{anchor}` for `{written}`")).with_help(help));
}

fn missing_target(site: &Site, path: &str, written: &str, at: Location) -> Diagnostic {
    let candidates: Vec<&str> = site.relative_paths().collect();
    let help = match nearest(path, &candidates) {
        Some(near) => format!("did you mean `@/{near}`?"),
        None => {
            "`@/` paths are relative to `content/`, such as `@/section/page.md` or `@/section/_index.md`".to_string()
        }
    };
    Diagnostic::error(at, "link", format!("no page at `{written}`")).with_help(help)
}

trait WithKind {
    fn with_kind(self, kind: &'static str) -> Self;
}

impl WithKind for Diagnostic {
    fn with_kind(mut self, kind: &'static str) -> Diagnostic {
        self.kind = kind;
        self
    }
}

fn list(candidates: &[&str]) -> String {
    let mut sorted = candidates.to_vec();
    sorted.sort_unstable();
    let shown: Vec<String> = sorted.iter().take(8).map(|c| format!("#{c}")).collect();
    let more = if sorted.len() > 8 { format!(" and {} more", sorted.len() - 8) } else { String::new() };
    format!("{}{more}", shown.join(", "))
}
