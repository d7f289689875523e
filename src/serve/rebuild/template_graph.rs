//! Which templates an edit to templates reaches: the changed ones and every template that extends or
//! includes them, directly or not. Pure text scanning of `{% extends "x" %}` and `{% include "x" %}`; a change
//! it cannot follow (a name that is not a literal, a template defining components, templates added or removed)
//! reaches everything.

use crate::render::blocks::{references, statements};
use std::collections::{BTreeMap, BTreeSet};

/// The templates whose renders an edit can change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    Nothing,
    /// These templates (by name) and nothing else.
    Templates(BTreeSet<String>),
    /// Every render, and which templates exist may have changed too.
    Everything,
}

/// Compares two sets of template sources by name (the theme's overridden by the site's).
pub fn reach(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> Reach {
    if !old.keys().eq(new.keys()) {
        return Reach::Everything;
    }
    let changed: BTreeSet<&str> =
        new.iter().filter(|(name, text)| old.get(*name) != Some(text)).map(|(name, _)| name.as_str()).collect();
    if changed.is_empty() {
        return Reach::Nothing;
    }
    // Components are global: any template may call one without naming the file that defines it.
    if changed.iter().any(|name| defines_components(&old[*name]) || defines_components(&new[*name])) {
        return Reach::Everything;
    }
    let mut users: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, text) in new {
        let Some(references) = references(text) else {
            return Reach::Everything;
        };
        for reference in references {
            users.entry(reference).or_default().push(name);
        }
    }
    let mut reached: BTreeSet<String> = BTreeSet::new();
    let mut queue: Vec<&str> = changed.into_iter().collect();
    while let Some(name) = queue.pop() {
        if reached.insert(name.to_string()) {
            queue.extend(users.get(name).into_iter().flatten().copied());
        }
    }
    Reach::Templates(reached)
}

/// Whether `text` defines Tera 2 components (`{% component name(...) %}`).
fn defines_components(text: &str) -> bool {
    statements(text).any(|tag| tag.split_whitespace().next() == Some("component"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect()
    }

    fn check(old: &[(&str, &str)], new: &[(&str, &str)], expected: Reach) {
        assert_eq!(reach(&sources(old), &sources(new)), expected, "{new:?}");
    }

    fn names(list: &[&str]) -> Reach {
        Reach::Templates(list.iter().map(|n| n.to_string()).collect())
    }

    #[test]
    fn reach_table() {
        let base = ("base.html", "<html>{% block content %}{% endblock %}</html>");
        let page =
            ("page.html", r#"{% extends "base.html" %}{% block content %}{% include "nav.html" %}{% endblock %}"#);
        let section = ("section.html", r#"{% extends "base.html" %}"#);
        let nav = ("nav.html", "<nav></nav>");
        let all = [base, page, section, nav];
        check(&all, &all, Reach::Nothing);
        check(&all, &[base, page, section, ("nav.html", "<nav>!</nav>")], names(&["nav.html", "page.html"]));
        check(
            &all,
            &[("base.html", "<html>!</html>"), page, section, nav],
            names(&["base.html", "page.html", "section.html"]),
        );
        check(&all, &[base, page, ("section.html", "x"), nav], names(&["section.html"]));
        check(&all, &[base, page, section], Reach::Everything);
        check(&all, &[base, page, section, nav, ("new.html", "")], Reach::Everything);
        check(&all, &[base, page, section, ("nav.html", "{% component c() %}{% endcomponent c %}")], Reach::Everything);
        check(&all, &[base, page, ("section.html", "{% include name %}"), nav], Reach::Everything);
    }
}
