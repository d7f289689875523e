//! Fits templates to Tera 2 where Tera 1 was lenient: a block that no template of the `extends` chain defines
//! is dropped, as Tera 1 and Zola 0.22 ignored it; Tera 2 refuses it outright. This happens to the built-in
//! theme's templates when a site replaces only `base.html`, and to Zola 0.22 sites' own templates.

use std::collections::{BTreeMap, HashSet};

/// A block dropped from a template: its name and line, to warn about in the site's own templates.
#[derive(Debug, PartialEq, Eq)]
pub struct DroppedBlock {
    pub template: String,
    pub block: String,
    pub line: usize,
    /// The template it extends.
    pub parent: String,
}

/// Removes the top-level blocks that no template of its `extends` chain defines from every template; lines stay
/// where they were, so errors point at the file as written. Returns what was dropped.
/// `fallback` is the Zola theme's prefix (`NAME/templates/`), where a name the sources lack is looked for, as Tera
/// looks.
pub fn drop_blocks_missing_in_parents(
    sources: &mut BTreeMap<String, String>,
    fallback: Option<&str>,
) -> Vec<DroppedBlock> {
    let mut fitted = Vec::new();
    let mut dropped = Vec::new();
    for (name, text) in sources.iter() {
        let Some(parent) = extends(text) else { continue };
        let defined = blocks_of_chain(sources, parent, fallback);
        let kept = without_blocks(text, |block| defined.contains(block));
        if kept != *text {
            let mut depth = 0usize;
            for tag in tags(text) {
                if let Some(block) = tag.block_name() {
                    if depth == 0 && !defined.contains(block) {
                        let line = text[..tag.start].matches('\n').count() + 1;
                        let (template, block, parent) = (name.clone(), block.to_string(), parent.to_string());
                        dropped.push(DroppedBlock { template, block, line, parent });
                    }
                    depth += 1;
                } else if tag.words.starts_with("endblock") {
                    depth = depth.saturating_sub(1);
                }
            }
            fitted.push((name.clone(), kept));
        }
    }
    sources.extend(fitted);
    dropped
}

/// Every block name defined anywhere in `name` and the templates it extends.
fn blocks_of_chain<'s>(sources: &'s BTreeMap<String, String>, name: &str, fallback: Option<&str>) -> HashSet<&'s str> {
    let find = |name: &str| {
        let prefixed = || fallback.and_then(|prefix| sources.get_key_value(&format!("{prefix}{name}")));
        sources.get_key_value(name).or_else(prefixed)
    };
    let mut defined = HashSet::new();
    let mut seen = HashSet::new();
    let mut current = find(name);
    while let Some((name, text)) = current {
        if !seen.insert(name) {
            break; // an `extends` cycle: Tera reports it
        }
        defined.extend(tags(text).filter_map(|tag| tag.block_name()));
        current = extends(text).and_then(find);
    }
    defined
}

/// The templates `text` extends, includes or imports, or `None` when one of them is not named by a literal.
pub fn references(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for statement in statements(text) {
        let mut words = statement.splitn(2, char::is_whitespace);
        let keyword = words.next().unwrap_or("");
        if !matches!(keyword, "extends" | "include" | "import") {
            continue;
        }
        let rest = words.next().unwrap_or("").trim_start();
        let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
        let name = &rest[1..];
        let end = name.find(quote)?;
        names.push(name[..end].to_string());
    }
    Some(names)
}

/// The inside of every statement tag `{% ... %}` of a template, without whitespace control; comments skipped.
pub fn statements(text: &str) -> impl Iterator<Item = &str> {
    tags(text).map(|tag| tag.words)
}

/// The template named by `{% extends "..." %}`, if the text has one.
pub fn extends(text: &str) -> Option<&str> {
    tags(text).find_map(|tag| {
        let rest = tag.words.strip_prefix("extends")?.trim();
        rest.strip_prefix(['"', '\''])?.split(['"', '\'']).next()
    })
}

/// `text` without its top-level blocks whose name `keep` refuses (from `{% block %}` to its `{% endblock %}`).
fn without_blocks(text: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    let mut depth = 0usize;
    let mut dropping_from: Option<usize> = None;
    for tag in tags(text) {
        if let Some(name) = tag.block_name() {
            if depth == 0 && !keep(name) {
                dropping_from = Some(tag.start);
            }
            depth += 1;
        } else if tag.words.starts_with("endblock") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                if let Some(start) = dropping_from.take() {
                    out.push_str(&text[copied_to..start]);
                    // The block's line breaks stay, so what follows keeps its line number.
                    out.extend(text[start..tag.end].matches('\n'));
                    copied_to = tag.end;
                }
            }
        }
    }
    out.push_str(&text[copied_to..]);
    out
}

/// A `{% ... %}` tag: its byte range and its words without the delimiters and whitespace control.
struct Tag<'t> {
    start: usize,
    end: usize,
    words: &'t str,
}

impl<'t> Tag<'t> {
    fn block_name(&self) -> Option<&'t str> {
        let rest = self.words.strip_prefix("block")?;
        rest.starts_with(char::is_whitespace).then(|| rest.split_whitespace().next()).flatten()
    }
}

/// The statement tags of a template, in order; comments `{# #}` are skipped.
fn tags(text: &str) -> impl Iterator<Item = Tag<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || loop {
        let open = from + text.get(from..)?.find('{')?;
        let after = open + 1;
        match text.as_bytes().get(after) {
            Some(b'%') => {
                let close = after + text[after..].find("%}")?;
                from = close + 2;
                let inner = text[after + 1..close].trim_start_matches('-').trim_end_matches('-').trim();
                return Some(Tag { start: open, end: close + 2, words: inner });
            }
            Some(b'#') => from = after + text[after..].find("#}")? + 2,
            _ => from = after,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    #[test]
    fn references_table() {
        let refs = |text: &str| references(text);
        assert_eq!(refs(r#"{% extends "base.html" %}x"#), Some(vec!["base.html".into()]));
        assert_eq!(refs(r#"{%- include 'partials/nav.html' -%}"#), Some(vec!["partials/nav.html".into()]));
        assert_eq!(refs("{% if x %}{% endif %}{{ y }}"), Some(vec![]));
        assert_eq!(refs("{% include name %}"), None);
        assert_eq!(refs(r#"{# {% include "commented.html" %} #}"#), Some(vec![]));
        assert_eq!(
            refs(r#"{% include "a.html" %}{% include "b.html" %}"#),
            Some(vec!["a.html".into(), "b.html".into()])
        );
    }

    #[test]
    fn blocks_the_parent_lacks_are_dropped_keeping_lines() {
        let mut s = sources(&[
            ("base.html", "<main>{% block content %}{% endblock content %}</main>"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block sidebar %}<nav>{% block inner %}x{% endblock inner %}</nav>{% endblock sidebar %}\n{%- block content -%}Hi{% endblock content %}",
            ),
            ("docs.html", "{% extends \"base.html\" %}\n{% block nav %}\n{% endblock nav %}\n{% block content %}{% endblock %}"),
        ]);
        let dropped = drop_blocks_missing_in_parents(&mut s, None);
        assert_eq!(s["page.html"], "{% extends \"base.html\" %}\n{%- block content -%}Hi{% endblock content %}");
        assert_eq!(s["docs.html"], "{% extends \"base.html\" %}\n\n\n{% block content %}{% endblock %}");
        let names: Vec<_> = dropped.iter().map(|d| (d.template.as_str(), d.block.as_str(), d.line)).collect();
        assert_eq!(names, [("docs.html", "nav", 2), ("page.html", "sidebar", 1)]);
    }

    #[test]
    fn blocks_of_grandparents_count() {
        let mut s = sources(&[
            ("base.html", "{% block head %}{% endblock %}{# {% block fake %} #}"),
            ("layout.html", "{% extends 'base.html' %}{% block head %}{% block body %}{% endblock %}{% endblock %}"),
            ("page.html", "{% extends 'layout.html' %}{% block body %}b{% endblock %}{% block fake %}f{% endblock %}"),
        ]);
        drop_blocks_missing_in_parents(&mut s, None);
        assert_eq!(s["page.html"], "{% extends 'layout.html' %}{% block body %}b{% endblock %}");
        assert_eq!(
            s["layout.html"],
            "{% extends 'base.html' %}{% block head %}{% block body %}{% endblock %}{% endblock %}"
        );
    }
}
