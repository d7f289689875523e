//! Which templates take something from the built-in theme: those it lays out (the root of their `extends` chain
//! is one of its templates) and those that extend, include or import any of them. Pure text scanning of sources.

use super::blocks;
use std::collections::{BTreeMap, HashSet};

/// What each template (by name) takes from the built-in theme.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ThemeUse {
    /// The theme's own templates: not replaced by the site, or replaced by the same text (the default site's
    /// `templates/` are the theme itself).
    pub builtin: HashSet<String>,
    /// Templates whose `extends` chain ends in one of the theme's: their pages keep its heading anchors.
    pub layouts: HashSet<String>,
    /// Templates that are the theme's or reach one of its templates through `extends`, `include` or `import`: a
    /// page rendered with one needs the theme's stylesheets and scripts.
    pub users: HashSet<String>,
}

/// `is_builtin` says whether a template is the theme's; `fallback` is the Zola theme's prefix (`NAME/templates/`),
/// where a name the sources lack is looked for, as Tera looks. A name that is not a literal (`{% include name %}`)
/// is not followed.
pub fn theme_use(
    sources: &BTreeMap<String, String>,
    fallback: Option<&str>,
    is_builtin: impl Fn(&str) -> bool,
) -> ThemeUse {
    let find = |name: &str| key_of(sources, fallback, name);
    let builtin: HashSet<String> = sources.keys().filter(|name| is_builtin(name.as_str())).cloned().collect();
    let root = |name: &str| {
        let mut current = find(name)?;
        // A cycle of `extends` (Tera reports it) ends the walk after as many steps as there are templates.
        for _ in 0..sources.len() {
            match blocks::extends(&sources[current]).and_then(find) {
                Some(parent) => current = parent,
                None => break,
            }
        }
        Some(current)
    };
    let reaches_builtin = |name: &str| {
        let mut seen = HashSet::new();
        let mut queue: Vec<&str> = find(name).into_iter().collect();
        while let Some(name) = queue.pop() {
            if builtin.contains(name) {
                return true;
            }
            if seen.insert(name) {
                let references = blocks::references(&sources[name]).unwrap_or_default();
                queue.extend(references.iter().filter_map(|reference| find(reference.as_str())));
            }
        }
        false
    };
    let layouts = sources.keys().filter(|name| root(name.as_str()).is_some_and(|root| builtin.contains(root)));
    let layouts = layouts.cloned().collect();
    let users = sources.keys().filter(|name| reaches_builtin(name.as_str())).cloned().collect();
    ThemeUse { builtin, layouts, users }
}

/// The key under which `name` is found: itself, else the fallback prefix's template of that name.
fn key_of<'s>(sources: &'s BTreeMap<String, String>, fallback: Option<&str>, name: &str) -> Option<&'s str> {
    let prefixed = || fallback.and_then(|prefix| sources.get_key_value(&format!("{prefix}{name}")));
    sources.get_key_value(name).or_else(prefixed).map(|(name, _)| name.as_str())
}

/// Whether a template's `text` names the file `file` as an address or a path (`"style.css"`, `'/theme.js'`,
/// `get_url(path="search.js")`, `"/favicon.svg?v=2"`), not as part of another name (`mystyle.css`).
pub fn names_file(text: &str, file: &str) -> bool {
    text.match_indices(file).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + file.len()..].chars().next();
        matches!(before, Some('"' | '\'' | '/')) && matches!(after, Some('"' | '\'' | '?' | '#'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    fn sorted(names: &HashSet<String>) -> Vec<&str> {
        let mut names: Vec<&str> = names.iter().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    #[test]
    fn layouts_and_users_of_the_theme() {
        let sources = sources(&[
            ("base.html", "<html>{% block content %}{% endblock content %}</html>"),
            ("partials/search.html", "<form></form>"),
            ("page.html", r#"{% extends "base.html" %}"#),
            ("own-base.html", "<main>{% block content %}{% endblock content %}</main>"),
            ("section.html", r#"{% extends "own-base.html" %}{% block content %}{% endblock content %}"#),
            (
                "index.html",
                r#"{% extends "own-base.html" %}{% block content %}{% include "partials/search.html" %}{% endblock content %}"#,
            ),
            ("taxonomy_list.html", "{% include name %}"),
            ("mytheme/templates/single.html", r#"{% extends "base.html" %}"#),
        ]);
        let builtin = ["base.html", "partials/search.html"];
        let used = theme_use(&sources, Some("mytheme/templates/"), |name| builtin.contains(&name));
        assert_eq!(sorted(&used.builtin), ["base.html", "partials/search.html"]);
        assert_eq!(
            sorted(&used.layouts),
            ["base.html", "mytheme/templates/single.html", "page.html", "partials/search.html"]
        );
        assert_eq!(
            sorted(&used.users),
            ["base.html", "index.html", "mytheme/templates/single.html", "page.html", "partials/search.html"]
        );
    }

    #[test]
    fn an_extends_cycle_ends() {
        let sources = sources(&[("a.html", r#"{% extends "b.html" %}"#), ("b.html", r#"{% extends "a.html" %}"#)]);
        let used = theme_use(&sources, None, |_| false);
        assert!(used.layouts.is_empty() && used.users.is_empty());
    }

    #[test]
    fn names_file_table() {
        for (text, expected) in [
            (r#"<link href="{{ get_url(path="style.css") }}">"#, true),
            (r#"<script src='/theme.js'></script>"#, true),
            (r#"<link href="/style.css?v=2">"#, true),
            (r#"<link href="/mystyle.css">"#, false),
            (r#"<link href="/style.css.map">"#, false),
            ("style.css is named in prose", false),
        ] {
            assert_eq!(names_file(text, "style.css") || names_file(text, "theme.js"), expected, "{text}");
        }
    }
}
