//! Zola's template functions over the built site: get_url, get_page, get_section, get_taxonomy_url,
//! get_taxonomy, get_taxonomy_term, plus `now` and the `date` filter. They hand out views built once per build; cloning one is cheap.
//! Each lookup is noted with `deps::record`, so `serve` knows which views a render used.

use super::deps::{record, Dep};
use super::page_bodies::PageBodies;
use super::views::{page_value, Views};
use crate::config::Config;
use crate::content::{Site, Target};
use std::sync::{Arc, PoisonError, RwLock};
use tera::{Error, Kwargs, State, TeraResult, Value};

/// What every function looks things up in.
pub struct Lookups {
    pub site: Arc<Site>,
    pub config: Arc<Config>,
    pub views: Arc<Views>,
    /// The pages' bodies when a one-pass build moved them out of the site (`get_page` is then never called).
    pub bodies: Option<PageBodies>,
}

impl Lookups {
    /// What templates see of a site rendered once: views made as they are first asked for.
    pub fn new(
        site: Arc<Site>,
        config: Arc<Config>,
        relations: Arc<crate::links::Relations>,
        bodies: Option<PageBodies>,
    ) -> Lookups {
        let views =
            Arc::new(Views::lazy(super::views::Model { site: site.clone(), config: config.clone(), relations }));
        Lookups { site, config, views, bodies }
    }

    /// What shortcodes look things up in while the bodies render: the site without its HTML yet.
    pub fn for_content(site: Arc<Site>, config: Arc<Config>) -> Lookups {
        Lookups::new(site, config, Default::default(), None)
    }
}

/// The functions over the site in `slot`; `get_url(cachebust=true)` hashes the file in `files`.
pub fn register(tera: &mut tera::Tera, slot: Slot, files: Arc<super::files::SiteFiles>) {
    let site = slot.clone();
    tera.register_function("get_url", move |kwargs: Kwargs, _: &State| {
        match site.read().unwrap_or_else(PoisonError::into_inner).as_deref() {
            Some(lookups) => get_url(lookups, &files, &kwargs),
            None => Err(Error::message("`get_url` is not available here")),
        }
    });
    type Body = fn(&Lookups, &Kwargs) -> TeraResult<Value>;
    // A slice, not an array of fixed length: functions added on two branches then merge without a count to fix.
    let functions: &[(&'static str, Body)] = &[
        ("get_page", get_page),
        ("get_section", get_section),
        ("get_taxonomy_url", get_taxonomy_url),
        ("get_taxonomy", get_taxonomy),
        ("get_taxonomy_term", get_taxonomy_term),
        ("trans", trans),
        ("get_navigation", super::nav::get_navigation),
        ("get_navigation_html", super::nav::get_navigation_html),
        ("get_breadcrumbs", super::nav::get_breadcrumbs),
    ];
    for &(name, body) in functions {
        let slot = slot.clone();
        tera.register_function(name, move |kwargs: Kwargs, _: &State| {
            // Read-locked for the call only, so `serve` can swap the site while nothing renders; not cloning
            // the Arc spares two more atomic operations on a counter both render threads share.
            match slot.read().unwrap_or_else(PoisonError::into_inner).as_deref() {
                Some(lookups) => body(lookups, &kwargs),
                None => Err(Error::message(format!("`{name}` is not available here"))),
            }
        });
    }
}

/// `resize_image` and `get_image_metadata`, over `images`; URLs under the `base_url` of the site in `slot`.
pub fn register_images(tera: &mut tera::Tera, slot: Slot, images: Arc<super::images::ImageQueue>) {
    let queue = images.clone();
    tera.register_function("resize_image", move |kwargs: Kwargs, _: &State| {
        match slot.read().unwrap_or_else(PoisonError::into_inner).as_deref() {
            Some(lookups) => queue.resize_image(&kwargs, &lookups.config.base_url),
            None => Err(Error::message("`resize_image` is not available here")),
        }
    });
    tera.register_function("get_image_metadata", move |kwargs: Kwargs, _: &State| images.get_image_metadata(&kwargs));
}

/// The site the functions look things up in: filled in once the site is built, and replaced by `serve`
/// after each edit so the parsed templates are kept.
pub type Slot = Arc<RwLock<Option<Arc<Lookups>>>>;

/// Filters and functions that do not need the site: `date`, `safe` in place of Tera's own, and `now`.
pub fn register_filters(tera: &mut tera::Tera) {
    tera.register_filter("date", date);
    tera.register_filter("safe", safe);
    // One time for the whole build, as in Zola: every page shows the same `now()`.
    let started = chrono::Local::now();
    tera.register_function("now", move |kwargs: Kwargs, _: &State| now(started, &kwargs));
}

/// `now()`: the build's start as an RFC 3339 date (`utc=true`: in UTC), or `timestamp=true`: Unix seconds.
fn now(started: chrono::DateTime<chrono::Local>, kwargs: &Kwargs) -> TeraResult<Value> {
    if kwargs.get::<bool>("timestamp")?.unwrap_or(false) {
        return Ok(Value::from(started.timestamp()));
    }
    match kwargs.get::<bool>("utc")?.unwrap_or(false) {
        true => Ok(Value::from(started.with_timezone(&chrono::Utc).to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
        false => Ok(Value::from(started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
    }
}

/// Tera's `safe` without the copy: Tera's copies every string it marks, a page's whole HTML for each
/// `{{ page.content | safe }}` (10k pages: 40 MB copied, allocated and freed). A string is marked as it is;
/// anything else is written out and marked, as Tera does.
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    match value.as_str() {
        Some(_) => value.clone().mark_safe(),
        None => Value::safe_string(&value.to_string()),
    }
}

/// The page or section at `path` (relative to content/), or, with `lang=` one of the site's other languages,
/// its version in that language (Zola 0.23: `get_page(path="about.md", lang="fr")` is `about.fr.md`).
fn lookup(lookups: &Lookups, function: &str, path: &str, kwargs: &Kwargs) -> TeraResult<Target> {
    let path = path.strip_prefix("@/").unwrap_or(path);
    let lang = other_language(lookups, kwargs)?;
    let translated = lang.and_then(|lang| lookups.site.lookup_in(path, Some(lang)));
    translated.or_else(|| lookups.site.lookup(path)).ok_or_else(|| {
        let candidates: Vec<&str> = lookups.site.relative_paths().collect();
        let hint =
            crate::text::nearest(path, &candidates).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        Error::message(format!("`{function}`: no page or section at `{path}` (paths are relative to content/){hint}"))
    })
}

/// `get_url(path, lang, trailing_slash, cachebust)`: `cachebust=true` adds Zola's `?h=HASH` of the file at the
/// path (in the language's folder for `lang=`), which must exist, as in Zola; `@/` links take none.
fn get_url(lookups: &Lookups, files: &super::files::SiteFiles, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    let config = &lookups.config;
    let url = if path.starts_with("@/") {
        let (file, anchor) = path.split_once('#').map_or((path, None), |(f, a)| (f, Some(a)));
        let target = lookup(lookups, "get_url", file, kwargs)?;
        let url = config.permalink(lookups.site.document(target).path.as_str());
        anchor.map_or(url.clone(), |a| format!("{url}#{a}"))
    } else if path.contains("://") || path.starts_with("//") {
        path.to_string()
    } else {
        // Zola: `lang=` of another language puts the path under that language's folder, unless it is there.
        let path = path.trim_start_matches('/');
        let lang = other_language(lookups, kwargs)?.filter(|lang| path.split('/').next() != Some(*lang));
        let file = format!("{}/{path}", Config::language_prefix(lang));
        let mut url = config.permalink(&file);
        if kwargs.get::<bool>("trailing_slash")? == Some(true) && !url.ends_with('/') {
            url.push('/');
        }
        if kwargs.get::<bool>("cachebust")? == Some(true) {
            url.push_str(&files.cachebust_query(&file)?);
        }
        url
    };
    Ok(Value::from(url))
}

fn get_page(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    match lookup(lookups, "get_page", path, kwargs)? {
        Target::Page(id) => {
            record(Dep::Page(id));
            Ok(page_value(&lookups.site, &lookups.config, &lookups.views, id))
        }
        Target::Section(_) => {
            Err(Error::message(format!("`get_page`: `{path}` is a section; use get_section(path=\"{path}\")")))
        }
    }
}

fn get_section(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    let metadata_only = kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
    match lookup(lookups, "get_section", path, kwargs)? {
        Target::Section(id) if metadata_only => {
            record(Dep::SectionMetadata(id));
            Ok(lookups.views.section_metadata(id).clone())
        }
        Target::Section(id) => {
            record(Dep::Section(id));
            Ok(lookups.views.section(id).clone())
        }
        Target::Page(_) => {
            Err(Error::message(format!("`get_section`: `{path}` is a page; use get_page(path=\"{path}\")")))
        }
    }
}

/// The `lang=` of a call when it is one of the site's other languages; `None` for the default language or none.
/// Zola reads it as text, so an undefined value (linkita passes `lang=default_language`, a name no template
/// sets) is no language rather than an error.
fn other_language<'a>(lookups: &Lookups, kwargs: &'a Kwargs) -> TeraResult<Option<&'a str>> {
    let lang = kwargs.get::<&Value>("lang")?.and_then(Value::as_str);
    Ok(lookups.config.other_language(lang))
}

/// `get_taxonomy_url(kind, term)` (`name` is Zola 0.22's word for `term`); `required=false` gives nothing
/// for a taxonomy config.toml does not declare, as in Zola.
fn get_taxonomy_url(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let function = "get_taxonomy_url";
    let Some((index, taxonomy)) = taxonomy_if_required(lookups, function, kwargs)? else { return Ok(Value::none()) };
    record(Dep::TermUrls(index));
    let term_name = match kwargs.get::<&str>("term")? {
        Some(term) => term,
        None => kwargs.get::<&str>("name")?.ok_or_else(|| Error::message(format!("`{function}` needs a `term`")))?,
    };
    let term = find_term(lookups, function, taxonomy, term_name)?;
    Ok(Value::from(lookups.config.permalink(&term.path)))
}

fn get_taxonomy(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let Some((index, taxonomy)) = taxonomy_if_required(lookups, "get_taxonomy", kwargs)? else {
        return Ok(Value::none());
    };
    record(Dep::Taxonomy(index));
    Ok(taxonomy_value(lookups, taxonomy))
}

/// `get_taxonomy_term(kind, term)`: one term with its pages, as a taxonomy term template sees it.
fn get_taxonomy_term(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let function = "get_taxonomy_term";
    let Some((index, taxonomy)) = taxonomy_if_required(lookups, function, kwargs)? else { return Ok(Value::none()) };
    record(Dep::Taxonomy(index));
    let term_name: &str = kwargs.must_get("term")?;
    Ok(term_value(lookups, find_term(lookups, function, taxonomy, term_name)?))
}

/// The taxonomy `kind` names; `None` when config.toml does not declare it and the call says `required=false`.
fn taxonomy_if_required<'a>(
    lookups: &'a Lookups,
    function: &str,
    kwargs: &Kwargs,
) -> TeraResult<Option<(usize, &'a crate::content::Taxonomy)>> {
    let kind: &str = kwargs.must_get("kind")?;
    let lang = other_language(lookups, kwargs)?;
    match find_taxonomy(&lookups.site, function, kind, lang) {
        Ok(found) => Ok(Some(found)),
        Err(_) if kwargs.get::<bool>("required")? == Some(false) => Ok(None),
        Err(error) => Err(error),
    }
}

fn find_term<'a>(
    lookups: &Lookups,
    function: &str,
    taxonomy: &'a crate::content::Taxonomy,
    name: &str,
) -> TeraResult<&'a crate::content::Term> {
    let slug = crate::content::slug::slugify_path(name, lookups.site.slugify.taxonomies);
    taxonomy
        .terms
        .iter()
        .find(|t| t.slug == slug)
        .ok_or_else(|| Error::message(format!("`{function}`: no term `{name}` in taxonomy `{}`", taxonomy.name)))
}

/// `trans(key, lang=default_language)`: the text config.toml's `[translations]` (or
/// `[languages.LANG.translations]`) gives `key`.
fn trans(lookups: &Lookups, kwargs: &Kwargs) -> TeraResult<Value> {
    let key: &str = kwargs.must_get("key")?;
    let config = &lookups.config;
    let lang: &str = kwargs.get("lang")?.unwrap_or(config.default_language.as_str());
    let Some(texts) = config.translations.get(lang) else {
        let known: Vec<&str> = config.translations.keys().map(String::as_str).collect();
        return Err(Error::message(format!(
            "`trans`: config.toml has no translations for `{lang}` (it has: {}); add `[translations]` for the \
             default language or `[languages.{lang}.translations]`",
            if known.is_empty() { "none".to_string() } else { known.join(", ") }
        )));
    };
    match texts.get(key) {
        Some(text) => Ok(Value::from(text.as_str())),
        None => Err(Error::message(format!("`trans`: no `{key}` in the `{lang}` translations of config.toml"))),
    }
}

/// The taxonomy `kind` of language `lang` (`None`: the default language).
fn find_taxonomy<'a>(
    site: &'a Site,
    function: &str,
    kind: &str,
    lang: Option<&str>,
) -> TeraResult<(usize, &'a crate::content::Taxonomy)> {
    let of_language = |t: &&crate::content::Taxonomy| t.lang.as_deref() == lang;
    site.taxonomies.iter().enumerate().find(|(_, t)| t.name == kind && of_language(t)).ok_or_else(|| {
        let names: Vec<&str> = site.taxonomies.iter().filter(of_language).map(|t| t.name.as_str()).collect();
        let language = lang.map(|lang| format!(" for `{lang}`")).unwrap_or_default();
        Error::message(format!(
            "`{function}`: no taxonomy `{kind}`{language}; config.toml declares: {}",
            names.join(", ")
        ))
    })
}

/// `{kind, taxonomy, permalink, items}` as Zola's get_taxonomy gives it.
pub fn taxonomy_value(lookups: &Lookups, taxonomy: &crate::content::Taxonomy) -> Value {
    let name = || Value::from(std::collections::BTreeMap::from([("name", Value::from(taxonomy.name.as_str()))]));
    let items: Vec<Value> = taxonomy.terms.iter().map(|term| term_value(lookups, term)).collect();
    Value::from(std::collections::BTreeMap::from([
        ("kind", name()),
        ("taxonomy", name()),
        ("permalink", Value::from(lookups.config.permalink(&taxonomy.path))),
        ("items", Value::from(items)),
    ]))
}

pub fn term_value(lookups: &Lookups, term: &crate::content::Term) -> Value {
    let pages: Vec<Value> = term.pages.iter().map(|&p| lookups.views.page_summary(p).clone()).collect();
    Value::from(std::collections::BTreeMap::from([
        ("name", Value::from(term.name.as_str())),
        ("slug", Value::from(term.slug.as_str())),
        ("path", Value::from(term.path.as_str())),
        ("permalink", Value::from(lookups.config.permalink(&term.path))),
        ("page_count", Value::from(term.pages.len())),
        ("pages", Value::from(pages)),
    ]))
}

/// `date(format="%Y-%m-%d")` on `2024-05-01`, `2024-05-01T10:00:00Z` or a Unix timestamp, as in Zola.
fn date(value: Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format: &str = kwargs.get("format")?.unwrap_or("%Y-%m-%d");
    // chrono panics when Display meets a bad format string; writing reports it instead.
    let render = |shown: &dyn std::fmt::Display| -> TeraResult<String> {
        use std::fmt::Write;
        let mut out = String::new();
        write!(out, "{shown}").map_err(|_| Error::message(format!("`date`: invalid format string `{format}`")))?;
        Ok(out)
    };
    let formatted = if let Some(text) = value.as_str() {
        // `FromStr` reads ISO dates directly, without interpreting a format string for every page. A date or time
        // without a zone is in UTC, as in Zola, so `%T` and `%:z` apply to it (`2024-05-01T00:00:00+00:00`).
        if let Ok(d) = text.parse::<chrono::NaiveDate>() {
            render(&d.and_time(chrono::NaiveTime::MIN).and_utc().format(format))?
        } else if let Ok(d) = chrono::DateTime::parse_from_rfc3339(text) {
            render(&d.format(format))?
        } else if let Ok(d) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S") {
            render(&d.and_utc().format(format))?
        } else {
            return Err(Error::message(format!("`date`: `{text}` is not a date (expected 2024-05-01 or RFC 3339)")));
        }
    } else if let Some(seconds) = value.as_i64() {
        match chrono::DateTime::from_timestamp(seconds, 0) {
            Some(d) => render(&d.format(format))?,
            None => return Err(Error::message(format!("`date`: {seconds} is out of range"))),
        }
    } else if value.is_none() || value.is_undefined() {
        return Err(Error::message("`date`: the value is empty (does the page have a `date`?)"));
    } else {
        return Err(Error::message(format!("`date`: cannot format `{value}`")));
    };
    Ok(formatted)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, date: &str) -> TeraResult<String> {
        let mut tera = tera::Tera::new();
        register_filters(&mut tera);
        tera.add_raw_template("t", template)?;
        let mut context = tera::Context::new();
        context.insert("d", date);
        tera.render("t", &context)
    }

    #[test]
    fn date_formats_iso_dates_and_rfc3339() {
        assert_eq!(render("{{ d | date }}", "2024-05-01").unwrap(), "2024-05-01");
        assert_eq!(render("{{ d | date(format='%d %B %Y') }}", "2024-05-01").unwrap(), "01 May 2024");
        assert_eq!(render("{{ d | date(format='%Y') }}|{{ d | date }}", "2024-05-01").unwrap(), "2024|2024-05-01");
        assert_eq!(render("{{ d | date(format='%H:%M') }}", "2024-05-01T10:30:00+02:00").unwrap(), "10:30");
        assert_eq!(render("{{ d | date(format='%H:%M') }}", "2024-05-01T10:30:00").unwrap(), "10:30");
        // Issue 14 (linkita): a date without time or zone is midnight UTC, as in Zola.
        let iso = "{{ d | date(format='%FT%T%:z') }}";
        assert_eq!(render(iso, "2024-05-01").unwrap(), "2024-05-01T00:00:00+00:00");
        assert_eq!(render(iso, "2024-05-01T10:30:00").unwrap(), "2024-05-01T10:30:00+00:00");
    }

    #[test]
    fn safe_writes_what_teras_own_safe_writes() {
        let template = "{{ s | safe }}|{{ s }}|{{ n | safe }}|{{ l | safe }}|{{ m | safe }}|{{ s | safe | upper }}";
        let mut context = tera::Context::new();
        context.insert("s", "<b>a & b</b>");
        context.insert("n", &3.5);
        context.insert("l", &vec!["<x>", "y"]);
        context.insert("m", &std::collections::BTreeMap::from([("k", "<v>")]));
        let render = |ours: bool| {
            let mut tera = tera::Tera::new();
            tera.autoescape_on([".html"]);
            if ours {
                register_filters(&mut tera);
            }
            tera.add_raw_template("t.html", template).and_then(|()| tera.render("t.html", &context))
        };
        let theirs = render(false).expect("renders");
        assert_eq!(render(true).expect("renders"), theirs);
        assert!(theirs.starts_with("<b>a & b</b>|&lt;b&gt;"), "{theirs}");
    }

    #[test]
    fn date_reports_bad_formats_and_values() {
        let error = |template: &str, date: &str| format!("{:?}", render(template, date).unwrap_err());
        assert!(error("{{ d | date(format='%Q') }}", "2024-05-01").contains("invalid format string `%Q`"));
        assert!(error("{{ d | date }}", "May 1st").contains("is not a date"));
    }
}
