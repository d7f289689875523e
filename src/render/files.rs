//! Zola's template functions that read a file of the site: `load_data` (TOML, JSON, YAML, CSV or plain text) and
//! `get_hash` / `get_file_hash` (SHA-256, 384 or 512 of a file or a literal), and `get_url`'s `cachebust` hash.
//! Never reads outside the site's folder.

use crate::content::Site;
use crate::search::zola as zola_search;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::SystemTime;
use tera::{Error, Kwargs, State, TeraResult, Value};

/// Registers `load_data`, `get_hash` and `get_file_hash` for the site at `root` (and its Zola theme's files); the
/// site in `slot` is what Zola's search index, which they also find, is made from.
pub fn register(
    tera: &mut tera::Tera,
    root: &Path,
    config: &crate::config::Config,
    slot: super::functions::Slot,
) -> Arc<SiteFiles> {
    let files = Arc::new(SiteFiles {
        root: root.to_path_buf(),
        theme: config.theme.clone(),
        compile_sass: config.compile_sass,
        highlighting: crate::markdown::zola_stylesheets(config.markdown.highlighting.as_ref()),
        slot,
        loaded: Mutex::default(),
        stylesheets: Mutex::default(),
        search_indexes: Mutex::default(),
    });
    let returned = files.clone();
    let site = files.clone();
    tera.register_function("load_data", move |kwargs: Kwargs, _: &State| site.load_data(&kwargs));
    let site = files.clone();
    tera.register_function("get_hash", move |kwargs: Kwargs, _: &State| site.get_hash("get_hash", &kwargs));
    tera.register_function("get_file_hash", move |kwargs: Kwargs, _: &State| {
        if kwargs.get::<&str>("literal")?.is_some() {
            return Err(Error::message("`get_file_hash` takes `path` only; `get_hash(literal=...)` hashes text"));
        }
        files.get_hash("get_file_hash", &kwargs)
    });
    returned
}

/// The site's files as Zola's file functions see them, with what the build makes before any template renders.
pub struct SiteFiles {
    root: PathBuf,
    theme: Option<String>,
    /// config.toml's `compile_sass`: `get_hash` of a stylesheet the build compiles hashes that stylesheet.
    compile_sass: bool,
    /// The highlighting stylesheets the build writes under Zola's names (`giallo-light.css`), which `get_hash`
    /// finds as it finds compiled Sass.
    highlighting: Vec<(&'static str, String)>,
    /// The site the functions render, which Zola's search indexes are made from.
    slot: super::functions::Slot,
    /// Each file `load_data` parsed, with the modification time it had then: every page may load the same file,
    /// and `serve` keeps these functions across edits.
    loaded: Mutex<HashMap<(PathBuf, Format), Loaded>>,
    /// Each compiled stylesheet `get_hash` hashed, by its path, with its Sass source's modification time then.
    stylesheets: Mutex<HashMap<String, Compiled>>,
    /// Each Zola search index asked for, by path, and the site it was made from: every page may hash it, and
    /// `serve` hands the functions a new site after an edit (a `Weak` keeps its address from being reused).
    search_indexes: Mutex<Option<SearchIndexes>>,
}

/// Zola's search indexes made so far, by path, and the site they were made from.
type SearchIndexes = (Weak<Site>, HashMap<String, Arc<Vec<u8>>>);

/// A compiled stylesheet and the newest modification time among its Sass files then.
type Compiled = (Option<SystemTime>, Vec<u8>);

/// A parsed file and the modification time it had when parsed.
type Loaded = (Option<SystemTime>, Value);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Format {
    Toml,
    Json,
    Yaml,
    Csv,
    Plain,
}

impl SiteFiles {
    /// `load_data(path=..., format=..., required=true)` or `load_data(literal=..., format=...)`; `url=` is never
    /// fetched: nothing with `required=false`, else an error.
    fn load_data(&self, kwargs: &Kwargs) -> TeraResult<Value> {
        if kwargs.get::<&str>("url")?.is_some() {
            // What Zola gives for an address that does not answer when the data is not required.
            if kwargs.get::<bool>("required")? == Some(false) {
                return Ok(Value::none());
            }
            return Err(Error::message(
                "`load_data`: `url=` is not supported (a Quire build never uses the network): save the data in \
                 the site and load it with `path=`",
            ));
        }
        let format: Option<&str> = kwargs.get("format")?;
        if let Some(literal) = kwargs.get::<&str>("literal")? {
            return parse(literal, format_named(format.unwrap_or("plain"))?);
        }
        let path: &str = kwargs.must_get("path")?;
        let file = match self.find("load_data", path) {
            Ok(file) => file,
            Err(_) if kwargs.get::<bool>("required")? == Some(false) => return Ok(Value::none()),
            Err(error) => return Err(error),
        };
        let format = match format {
            Some(name) => format_named(name)?,
            None => format_of(&file)?,
        };
        let modified = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
        let key = (file, format);
        if let Some((when, value)) = self.loaded.lock().unwrap_or_else(PoisonError::into_inner).get(&key) {
            if *when == modified {
                return Ok(value.clone());
            }
        }
        let text = std::fs::read_to_string(&key.0)
            .map_err(|e| Error::message(format!("`load_data`: cannot read `{path}`: {e}")))?;
        let value = parse(&text, format).map_err(|e| Error::message(format!("`load_data` of `{path}`: {e}")))?;
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner).insert(key, (modified, value.clone()));
        Ok(value)
    }

    /// `get_hash(path=... | literal=..., sha_type=384, base64=true)`: Zola's digest for `integrity` attributes.
    fn get_hash(&self, function: &str, kwargs: &Kwargs) -> TeraResult<Value> {
        let bytes = match (kwargs.get::<&str>("path")?, kwargs.get::<&str>("literal")?) {
            (Some(_), Some(_)) => {
                return Err(Error::message(format!("`{function}` takes `path` or `literal`, not both")))
            }
            (None, None) => {
                return Err(Error::message(format!("`{function}` needs `path` (a file) or `literal` (text)")))
            }
            (Some(path), None) => self.read(function, path)?,
            (None, Some(literal)) => literal.as_bytes().to_vec(),
        };
        use sha2::Digest;
        let digest: Vec<u8> = match kwargs.get::<u16>("sha_type")?.unwrap_or(384) {
            256 => sha2::Sha256::digest(&bytes).to_vec(),
            384 => sha2::Sha384::digest(&bytes).to_vec(),
            512 => sha2::Sha512::digest(&bytes).to_vec(),
            other => return Err(Error::message(format!("`{function}`: `sha_type` is 256, 384 or 512, not {other}"))),
        };
        Ok(Value::from(match kwargs.get::<bool>("base64")?.unwrap_or(true) {
            true => {
                use base64::Engine;
                base64::engine::general_purpose::STANDARD.encode(&digest)
            }
            false => digest.iter().map(|byte| format!("{byte:02x}")).collect(),
        }))
    }

    /// `get_url(path, cachebust=true)`'s query: `?h=` and the first 20 hex digits of the file's SHA-256, as in Zola.
    pub fn cachebust_query(&self, path: &str) -> TeraResult<String> {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.read("get_url", path)?);
        Ok(format!("?h={}", digest.iter().take(10).map(|byte| format!("{byte:02x}")).collect::<String>()))
    }

    /// The bytes of the file at `path` of the site, or of one the build makes before any template renders, which
    /// Zola finds in its output folder: a highlighting stylesheet, a stylesheet compiled from Sass, Zola's search
    /// index of a language, `elasticlunr.min.js`.
    fn read(&self, function: &str, path: &str) -> TeraResult<Vec<u8>> {
        let error = match self.find(function, path) {
            Ok(file) => {
                return std::fs::read(&file)
                    .map_err(|e| Error::message(format!("`{function}`: cannot read `{path}`: {e}")))
            }
            Err(error) => error,
        };
        let name = path.trim_start_matches('/');
        if let Some((_, css)) = self.highlighting.iter().find(|(highlighting, _)| *highlighting == name) {
            return Ok(css.as_bytes().to_vec());
        }
        if let Some(search_file) = self.search_file(name) {
            return Ok(search_file.to_vec());
        }
        self.compiled_stylesheet(function, path).unwrap_or(Err(error))
    }

    /// Zola's search index at `name` (`search_index.fr.js`) made from the site being rendered, once per site, or
    /// `elasticlunr.min.js`; `None` when the build writes no such file. While bodies render (a shortcode's call)
    /// the index has no bodies yet: Zola has no index then at all.
    fn search_file(&self, name: &str) -> Option<Arc<Vec<u8>>> {
        let lookups = self.slot.read().unwrap_or_else(PoisonError::into_inner).clone()?;
        let config = &lookups.config;
        if !zola_search::asked_by(config) {
            return None;
        }
        if name == zola_search::ELASTICLUNR_PATH && config.search.index_format.is_elasticlunr() {
            return Some(Arc::new(zola_search::ELASTICLUNR_JS.to_vec()));
        }
        let others = config.languages.keys().filter(|code| zola_search::asked_for(config, code));
        let language = std::iter::once(None)
            .chain(others.map(|code| Some(code.as_str())))
            .find(|&language| zola_search::index_path(config, language) == name)?;
        let mut indexes = self.search_indexes.lock().unwrap_or_else(PoisonError::into_inner);
        let site = Arc::downgrade(&lookups.site);
        let made = match &mut *indexes {
            Some((made_from, made)) if made_from.ptr_eq(&site) => made,
            other => &mut other.insert((site, HashMap::new())).1,
        };
        let index = made
            .entry(name.to_string())
            .or_insert_with(|| Arc::new(zola_search::make_index(&lookups.site, config, language).into_bytes()));
        Some(index.clone())
    }

    /// The stylesheet at `path` that `compile_sass` makes, compiled once per change of its Sass source; `None`
    /// when no Sass file makes it.
    fn compiled_stylesheet(&self, function: &str, path: &str) -> Option<TeraResult<Vec<u8>>> {
        if !self.compile_sass {
            return None;
        }
        let key = path.trim_start_matches('/').to_string();
        let (source, folder) = crate::sass::stylesheet_source(&self.root, self.theme.as_deref(), &key)?;
        // A partial it uses may change too: the newest time among the files of its `sass/` stands for them all.
        let modified = walkdir::WalkDir::new(self.root.join(&folder))
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.metadata().ok()?.modified().ok())
            .max();
        let stylesheets = || self.stylesheets.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((when, bytes)) = stylesheets().get(&key) {
            if *when == modified && modified.is_some() {
                return Some(Ok(bytes.clone()));
            }
        }
        Some(match crate::sass::compile_stylesheet(&self.root, &source, &folder) {
            Ok(css) => {
                stylesheets().insert(key, (modified, css.clone().into_bytes()));
                Ok(css.into_bytes())
            }
            Err(diagnostic) => Err(Error::message(format!("`{function}`: `{path}` does not compile: {diagnostic}"))),
        })
    }

    fn find(&self, function: &str, path: &str) -> TeraResult<PathBuf> {
        match find_site_file(&self.root, self.theme.as_deref(), path) {
            Ok(Some((found, _))) => Ok(found),
            Ok(None) => Err(Error::message(format!(
                "`{function}`: no file at `{path}` (looked in the site's folder, static/, content/ and the theme's static/)"
            ))),
            Err(reason) => Err(Error::message(format!("`{function}`: {reason}"))),
        }
    }
}

/// Where `path` is, as Zola looks: from the site's folder, then static/, content/ and the theme's static/; `@/` is
/// content/. Also the path as written (`@/` and a leading `/` resolved), which names processed images. `None`
/// when there is no such file; an error when the path leaves the folder, also through a link. A `..` is followed
/// from each of those folders as Zola follows it (abridge's `load_data(path="../theme.toml")` from content/), but
/// never out of the site's folder.
pub(super) fn find_site_file(
    root: &Path,
    theme: Option<&str>,
    path: &str,
) -> Result<Option<(PathBuf, String)>, String> {
    let written = match path.strip_prefix("@/") {
        Some(rest) => format!("content/{rest}"),
        None => path.trim_start_matches('/').to_string(),
    };
    let mut places = vec![PathBuf::new(), PathBuf::from("static"), PathBuf::from("content")];
    places.extend(theme.map(|theme| Path::new("themes").join(theme).join("static")));
    let inside = places.iter().filter_map(|place| within_root(&place.join(&written)));
    let Some(found) = inside.map(|relative| root.join(relative)).find(|candidate| candidate.is_file()) else {
        if within_root(Path::new(&written)).is_none() {
            return Err(format!("`{path}` leaves the site's folder"));
        }
        return Ok(None);
    };
    match (found.canonicalize(), root.canonicalize()) {
        (Ok(file), Ok(root)) if file.starts_with(&root) => Ok(Some((found, written))),
        _ => Err(format!("`{path}` is a link to a file outside the site")),
    }
}

/// `path` (relative to the site's folder) with its `..` resolved, or `None` when it leaves the folder.
fn within_root(path: &Path) -> Option<PathBuf> {
    let mut resolved = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                if !resolved.pop() {
                    return None;
                }
            }
            Component::Normal(part) => resolved.push(part),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(resolved)
}

fn format_named(name: &str) -> TeraResult<Format> {
    match name {
        "toml" => Ok(Format::Toml),
        "json" => Ok(Format::Json),
        "yaml" | "yml" => Ok(Format::Yaml),
        "csv" => Ok(Format::Csv),
        "plain" => Ok(Format::Plain),
        other => Err(Error::message(format!(
            "`load_data`: format `{other}` is not supported: use toml, json, yaml, csv or plain (Zola's bibtex and \
             xml are not implemented)"
        ))),
    }
}

/// The format a file's extension names; anything else is plain text, as in Zola.
fn format_of(file: &Path) -> TeraResult<Format> {
    match file.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some(name @ ("toml" | "json" | "yaml" | "yml" | "csv")) => format_named(name),
        Some(name @ ("bib" | "xml")) => Err(Error::message(format!(
            "`load_data`: `.{name}` files are not supported (Zola's bibtex and xml formats are not implemented); \
             pass `format=\"plain\"` to load the text"
        ))),
        _ => Ok(Format::Plain),
    }
}

fn parse(text: &str, format: Format) -> TeraResult<Value> {
    let failed = |e: &dyn std::fmt::Display| Error::message(e.to_string());
    match format {
        Format::Plain => Ok(Value::from(text)),
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|v| Value::from_serializable(&v))
            .map_err(|e| failed(&e)),
        Format::Toml => text
            .parse::<toml::Table>()
            .map(|table| Value::from_serializable(&crate::config::toml_to_json(&toml::Value::Table(table))))
            .map_err(|e| failed(&e)),
        Format::Yaml => serde_yaml_ng::from_str::<serde_json::Value>(text)
            .map(|v| Value::from_serializable(&v))
            .map_err(|e| failed(&e)),
        Format::Csv => {
            // Zola's shape: `{headers: [...], records: [[...], ...]}`, every cell a string.
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let headers: Vec<String> = reader.headers().map_err(|e| failed(&e))?.iter().map(str::to_string).collect();
            let mut records = Vec::new();
            for record in reader.records() {
                records.push(record.map_err(|e| failed(&e))?.iter().map(str::to_string).collect::<Vec<_>>());
            }
            Ok(Value::from_serializable(&serde_json::json!({ "headers": headers, "records": records })))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_the_extension_or_are_plain_text() {
        assert_eq!(format_of(Path::new("data/a.TOML")).ok(), Some(Format::Toml));
        assert_eq!(format_of(Path::new("a.yml")).ok(), Some(Format::Yaml));
        assert_eq!(format_of(Path::new("notes.txt")).ok(), Some(Format::Plain));
        assert!(format_of(Path::new("refs.bib")).is_err());
    }

    #[test]
    fn csv_has_zolas_shape() {
        let value = parse("name,size\na,1\n\"b, c\",2\n", Format::Csv).expect("parses");
        assert_eq!(value.to_string(), r#"{"headers": ["name", "size"], "records": [["a", "1"], ["b, c", "2"]]}"#);
    }
}
