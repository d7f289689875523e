//! Zola's template functions over the built site: get_url, get_page, get_section, get_taxonomy_url, get_taxonomy.
//! They return views computed once per build (`Views`), so a call costs a clone, never a re-serialization.

use super::views::{page_value, Views};
use crate::config::Config;
use crate::content::{Site, Target};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use tera::{Function, Result as TeraResult};

/// What every function looks things up in.
pub struct Lookups {
    pub site: Arc<Site>,
    pub config: Arc<Config>,
    pub views: Arc<Views>,
}

pub fn register(tera: &mut tera::Tera, lookups: Arc<Lookups>) {
    tera.register_function("get_url", GetUrl(lookups.clone()));
    tera.register_function("get_page", GetPage(lookups.clone()));
    tera.register_function("get_section", GetSection(lookups.clone()));
    tera.register_function("get_taxonomy_url", GetTaxonomyUrl(lookups.clone()));
    tera.register_function("get_taxonomy", GetTaxonomy(lookups));
}

fn string_arg<'a>(args: &'a HashMap<String, Value>, function: &str, name: &str) -> TeraResult<&'a str> {
    match args.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!("`{function}`: `{name}` must be a string, got `{other}`").into()),
        None => Err(format!("`{function}` needs a `{name}` argument, as in {function}({name}=\"...\")").into()),
    }
}

fn lookup(lookups: &Lookups, function: &str, path: &str) -> TeraResult<Target> {
    let path = path.strip_prefix("@/").unwrap_or(path);
    lookups.site.lookup(path).ok_or_else(|| {
        let candidates: Vec<&str> = lookups.site.relative_paths().collect();
        let hint =
            crate::links::nearest(path, &candidates).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        format!("`{function}`: no page or section at `{path}` (paths are relative to content/){hint}").into()
    })
}

struct GetUrl(Arc<Lookups>);

impl Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = string_arg(args, "get_url", "path")?;
        let config = &self.0.config;
        let url = if path.starts_with("@/") {
            let (file, anchor) = path.split_once('#').map_or((path, None), |(f, a)| (f, Some(a)));
            let target = lookup(&self.0, "get_url", file)?;
            let url = config.permalink(self.0.site.target_path(target));
            anchor.map_or(url.clone(), |a| format!("{url}#{a}"))
        } else if path.contains("://") || path.starts_with("//") {
            path.to_string()
        } else {
            let mut url = config.permalink(path);
            if args.get("trailing_slash").and_then(Value::as_bool) == Some(true) && !url.ends_with('/') {
                url.push('/');
            }
            url
        };
        Ok(Value::String(url))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

struct GetPage(Arc<Lookups>);

impl Function for GetPage {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = string_arg(args, "get_page", "path")?;
        match lookup(&self.0, "get_page", path)? {
            Target::Page(id) => Ok(page_value(&self.0.site, &self.0.views, id)),
            Target::Section(_) => {
                Err(format!("`get_page`: `{path}` is a section; use get_section(path=\"{path}\")").into())
            }
        }
    }
}

struct GetSection(Arc<Lookups>);

impl Function for GetSection {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let path = string_arg(args, "get_section", "path")?;
        let metadata_only = args.get("metadata_only").and_then(Value::as_bool).unwrap_or(false);
        match lookup(&self.0, "get_section", path)? {
            Target::Section(id) if metadata_only => Ok(self.0.views.section_metadata[id].clone()),
            Target::Section(id) => Ok(self.0.views.sections[id].clone()),
            Target::Page(_) => Err(format!("`get_section`: `{path}` is a page; use get_page(path=\"{path}\")").into()),
        }
    }
}

struct GetTaxonomyUrl(Arc<Lookups>);

impl Function for GetTaxonomyUrl {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let kind = string_arg(args, "get_taxonomy_url", "kind")?;
        let name = string_arg(args, "get_taxonomy_url", "name")?;
        let taxonomy = find_taxonomy(&self.0.site, "get_taxonomy_url", kind)?;
        let slug = crate::content::slug::slugify(name);
        let term =
            taxonomy.terms.iter().find(|t| t.slug == slug).ok_or_else(|| {
                tera::Error::msg(format!("`get_taxonomy_url`: no term `{name}` in taxonomy `{kind}`"))
            })?;
        Ok(Value::String(self.0.config.permalink(&term.path)))
    }

    fn is_safe(&self) -> bool {
        false
    }
}

struct GetTaxonomy(Arc<Lookups>);

impl Function for GetTaxonomy {
    fn call(&self, args: &HashMap<String, Value>) -> TeraResult<Value> {
        let kind = string_arg(args, "get_taxonomy", "kind")?;
        let taxonomy = find_taxonomy(&self.0.site, "get_taxonomy", kind)?;
        Ok(taxonomy_value(&self.0, taxonomy))
    }
}

fn find_taxonomy<'a>(site: &'a Site, function: &str, kind: &str) -> TeraResult<&'a crate::content::Taxonomy> {
    site.taxonomies.iter().find(|t| t.name == kind).ok_or_else(|| {
        let names: Vec<&str> = site.taxonomies.iter().map(|t| t.name.as_str()).collect();
        tera::Error::msg(format!("`{function}`: no taxonomy `{kind}`; config.toml declares: {}", names.join(", ")))
    })
}

/// `{kind, taxonomy, permalink, items}` as Zola's get_taxonomy gives it.
pub fn taxonomy_value(lookups: &Lookups, taxonomy: &crate::content::Taxonomy) -> Value {
    json!({
        "kind": { "name": taxonomy.name },
        "taxonomy": { "name": taxonomy.name },
        "permalink": lookups.config.permalink(&taxonomy.path),
        "items": taxonomy.terms.iter().map(|term| term_value(lookups, term)).collect::<Vec<_>>(),
    })
}

pub fn term_value(lookups: &Lookups, term: &crate::content::Term) -> Value {
    json!({
        "name": term.name,
        "slug": term.slug,
        "path": term.path,
        "permalink": lookups.config.permalink(&term.path),
        "page_count": term.pages.len(),
        "pages": term.pages.iter().map(|&p| lookups.views.page_summaries[p].clone()).collect::<Vec<_>>(),
    })
}
