//! Fits the built-in theme's templates to a site that replaces only some of them (most often `base.html`):
//! a theme block the site's parent template does not define is dropped, as Tera 1 and Zola ignore it.
//! Tera 2 refuses such a block outright, which made "override base.html" fail on every theme page.

use std::collections::{BTreeMap, HashSet};

/// For each template the site does not replace (`theme_only`), removes the top-level blocks that no template
/// of its `extends` chain defines.
pub fn drop_blocks_missing_in_parents(sources: &mut BTreeMap<String, String>, theme_only: &HashSet<String>) {
    let mut fitted = Vec::new();
    for name in theme_only {
        let Some(text) = sources.get(name) else { continue };
        let Some(parent) = extends(text) else { continue };
        let defined = blocks_of_chain(sources, parent);
        let kept = without_blocks(text, |block| defined.contains(block));
        if kept != *text {
            fitted.push((name.clone(), kept));
        }
    }
    sources.extend(fitted);
}

/// Every block name defined anywhere in `name` and the templates it extends.
fn blocks_of_chain<'s>(sources: &'s BTreeMap<String, String>, name: &str) -> HashSet<&'s str> {
    let mut defined = HashSet::new();
    let mut seen = HashSet::new();
    let mut current = sources.get_key_value(name);
    while let Some((name, text)) = current {
        if !seen.insert(name) {
            break; // an `extends` cycle: Tera reports it
        }
        defined.extend(tags(text).filter_map(|tag| tag.block_name()));
        current = extends(text).and_then(|parent| sources.get_key_value(parent));
    }
    defined
}

/// The template named by `{% extends "..." %}`, if the text has one.
fn extends(text: &str) -> Option<&str> {
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
    fn blocks_the_parent_lacks_are_dropped() {
        let mut s = sources(&[
            ("base.html", "<main>{% block content %}{% endblock content %}</main>"),
            (
                "page.html",
                "{% extends \"base.html\" %}{% block sidebar %}<nav>{% block inner %}x{% endblock inner %}</nav>{% endblock sidebar %}\n{%- block content -%}Hi{% endblock content %}",
            ),
        ]);
        drop_blocks_missing_in_parents(&mut s, &HashSet::from(["page.html".to_string()]));
        assert_eq!(s["page.html"], "{% extends \"base.html\" %}\n{%- block content -%}Hi{% endblock content %}");
    }

    #[test]
    fn blocks_of_grandparents_count_and_site_templates_are_untouched() {
        let mut s = sources(&[
            ("base.html", "{% block head %}{% endblock %}{# {% block fake %} #}"),
            ("layout.html", "{% extends 'base.html' %}{% block head %}{% block body %}{% endblock %}{% endblock %}"),
            ("page.html", "{% extends 'layout.html' %}{% block body %}b{% endblock %}{% block fake %}f{% endblock %}"),
            ("mine.html", "{% extends 'layout.html' %}{% block other %}o{% endblock %}"),
        ]);
        drop_blocks_missing_in_parents(&mut s, &HashSet::from(["page.html".to_string(), "layout.html".to_string()]));
        assert_eq!(s["page.html"], "{% extends 'layout.html' %}{% block body %}b{% endblock %}");
        assert_eq!(
            s["layout.html"],
            "{% extends 'base.html' %}{% block head %}{% block body %}{% endblock %}{% endblock %}"
        );
        assert_eq!(s["mine.html"], "{% extends 'layout.html' %}{% block other %}o{% endblock %}");
    }
}
