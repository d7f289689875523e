//! Every address the site promises exists once: each taxonomy term a page names has its page, no alias
//! lands on a page's address, and no static file or asset is written where something else is.

use super::rendered::{Maker, Origin, Outputs};
use super::Source;
use crate::content::alias_path;
use crate::content::{Site, Target};
use crate::error::{Diagnostic, Location};
use rustc_hash::FxHashMap;
use std::path::Path;

/// Every taxonomy term of every page must have its page: a slug, and a rendered `taxonomy_single.html`.
pub(super) fn check_terms(site: &Site, outputs: &Outputs<'_>, rendered_any: bool, diagnostics: &mut Vec<Diagnostic>) {
    // Each language has its own taxonomies (`/fr/tags/...`).
    let term_pages: FxHashMap<(Option<&str>, &str, &str), &str> = site
        .taxonomies
        .iter()
        .flat_map(|t| {
            let (lang, name) = (t.lang.as_deref(), t.name.as_str());
            t.terms.iter().map(move |term| ((lang, name, term.slug.as_str()), term.path.as_str()))
        })
        .collect();
    // Pages share their terms: each is slugified once.
    let mut slugs: FxHashMap<&str, String> = FxHashMap::default();
    for (id, page) in site.pages.iter().enumerate() {
        let source = Source::of(site, Target::Page(id));
        for (taxonomy, terms) in &page.doc.front_matter.taxonomies {
            if !site.taxonomies.iter().any(|t| &t.name == taxonomy) {
                continue; // undeclared: reported by `content`
            }
            for term in terms {
                let slug = slugs
                    .entry(term)
                    .or_insert_with(|| crate::content::slug::slugify_path(term, site.slugify.taxonomies));
                let at = || source.value_location("taxonomies", term);
                if slug.is_empty() {
                    diagnostics.push(
                        Diagnostic::error(
                            at(),
                            "taxonomy",
                            format!(
                                "the `{taxonomy}` term `{term}` has no letters or digits, so it cannot have a page"
                            ),
                        )
                        .with_help("give the term a name with letters or digits, or remove it"),
                    );
                    continue;
                }
                let path = term_pages.get(&(page.doc.lang.as_deref(), taxonomy.as_str(), slug.as_str()));
                if rendered_any && path.is_none_or(|p| outputs.get(p).is_none()) {
                    diagnostics.push(
                        Diagnostic::error(at(), "taxonomy", format!("the `{taxonomy}` term `{term}` has no page"))
                            .with_help("the site needs a `taxonomy_single.html` template that renders without errors"),
                    );
                }
            }
        }
    }
}

/// An alias that is also a page's address, or another alias, would overwrite it.
pub(super) fn check_aliases(site: &Site, diagnostics: &mut Vec<Diagnostic>) {
    if site.targets().all(|target| Source::of(site, target).front_matter.aliases.is_empty()) {
        return; // most sites: no need for the map of every page's address
    }
    let mut owners: FxHashMap<String, &Path> =
        site.targets().map(|t| (site.document(t).path.as_str().to_string(), site.document(t).file.as_path())).collect();
    for target in site.targets() {
        let source = Source::of(site, target);
        for alias in &source.front_matter.aliases {
            let path = alias_path(alias);
            match owners.get(&path) {
                Some(owner) => diagnostics.push(
                    Diagnostic::error(
                        source.value_location("aliases", alias),
                        "front matter",
                        format!("alias `{alias}` is also the address of `{}`", owner.display()),
                    )
                    .with_help("remove the alias, or move the other page with `slug` or `path`"),
                ),
                None => {
                    owners.insert(path, source.file);
                }
            }
        }
    }
}

/// A static file or page asset written where a page (or another file) is written too. Two pages at one
/// address are reported by `content`, and an alias on a page by `check_aliases`.
pub(super) fn report_written_twice(
    root: &Path,
    written_twice: &[(String, Origin, Origin)],
    makers: &FxHashMap<String, Maker>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (path, first, second) in written_twice {
        let describe = |origin: &Origin| match origin {
            Origin::Copied(from) => Some(from.strip_prefix(root).unwrap_or(from).to_path_buf()),
            _ => makers.get(path).map(|m| m.file.clone()),
        };
        let (copied, other) = match (first, second) {
            (Origin::Copied(_), _) => (first, second),
            (_, Origin::Copied(_)) => (second, first),
            _ => continue,
        };
        let Some(file) = describe(copied) else { continue };
        let other = describe(other).map_or_else(|| "another file".to_string(), |f| format!("`{}`", f.display()));
        let output = super::site_url::output_of_site_path(path);
        diagnostics.push(
            Diagnostic::error(
                Location::file(&file),
                "output",
                format!("`{output}` is written by both `{}` and {other}", file.display()),
            )
            .with_help("rename or move one of them: only one file can be at that address"),
        );
    }
}
