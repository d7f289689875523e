//! Zola's search index, for a Zola site's own search box: the model in, `search_index.LANG.js` or `.json` out
//! (elasticlunr's or Fuse.js's format, fields as `[search]` says), and `elasticlunr.min.js`. Opens no files.
//!
//! What goes in each field is Zola's (components/search, read, not copied): every page and section that is in
//! the search index (`in_search_index`, sections with `redirect_to` left out), `url` its permalink, `body` its
//! rendered HTML cleaned as Zola's ammonia settings clean it. The elasticlunr index is built by elasticlunr-rs,
//! the crate Zola builds it with, so tokens, stemming and layout are the ones elasticlunr.js reads.

use crate::config::{Config, ZolaSearchConfig};
use crate::content::{Document, Site, Target};
use rayon::prelude::*;

/// elasticlunr.js 0.9.6 (tag v0.9.6 of weixsong/elasticlunr.js, MIT, licence in `elasticlunr/LICENSE`): the
/// release whose results carry their documents (`result.doc`), which Zola themes read. npm stops at 0.9.5.
pub const ELASTICLUNR_JS: &[u8] = include_bytes!("elasticlunr/elasticlunr.min.js");

/// Where `ELASTICLUNR_JS` is written, as in Zola.
pub const ELASTICLUNR_PATH: &str = "elasticlunr.min.js";

/// The languages elasticlunr has word rules for here: Zola's default build's (English, and the Snowball
/// stemmers' languages); Chinese and Japanese need dictionaries Zola leaves out too.
pub const LANGUAGES: [&str; 16] =
    ["en", "da", "de", "du", "es", "fi", "fr", "hu", "it", "ko", "no", "pt", "ro", "ru", "sv", "tr"];

/// Whether Zola's index can be made for `language` (a `default_language`).
pub fn knows_language(language: &str) -> bool {
    elasticlunr::lang::from_code(language).is_some()
}

/// Whether `config` asks for Zola's index: `build_search_index = true` written in config.toml.
pub fn asked_by(config: &Config) -> bool {
    config.build_search_index && config.search.zola_index
}

/// Whether Zola's index is also made for `language`, another language of the site, as Zola makes it: the site
/// asks for its own (`asked_by`) and `[languages.LANG]` says `build_search_index = true`.
pub fn asked_for(config: &Config, language: &str) -> bool {
    let asked = config.languages.get(language).is_some_and(|options| options.build_search_index);
    asked_by(config) && asked && knows_language(language)
}

/// The index file's path in the output for `language` (`None`: the default one): `search_index.en.js`.
pub fn index_path(config: &Config, language: Option<&str>) -> String {
    config.search.index_file(language.unwrap_or(&config.default_language))
}

/// The index of `language`'s pages and sections (`None`: the default language's), with the fields its `[search]`
/// (or `[languages.LANG.search]`) includes, in the format the top-level `index_format` names, as in Zola.
pub fn make_index(site: &Site, config: &Config, language: Option<&str>) -> String {
    let options = language.and_then(|code| config.languages.get(code));
    let search = &ZolaSearchConfig {
        index_format: config.search.index_format,
        ..options.map_or(&config.search, |options| &options.search).clone()
    };
    let items = index_items(site, language);
    // Cleaning a body is most of the work, and each is independent: both cores; the index itself is one value.
    let bodies: Vec<String> = match search.include_content {
        true => items
            .par_iter()
            .map(|&target| clean_body(&site.document(target).rendered.html, search.truncate_content_length))
            .collect(),
        false => Vec::new(),
    };
    let bodies = bodies.into_iter().map(Some).chain(std::iter::repeat_with(|| None));
    let rows = items.iter().zip(bodies).map(|(&target, body)| Row::of(site, config, search, target, body));
    let json = match search.index_format.is_elasticlunr() {
        true => elasticlunr_index(search, language.unwrap_or(&config.default_language), rows),
        false => fuse_index(rows),
    };
    match search.index_format.is_javascript() {
        true => format!("window.searchIndex = {json}"),
        false => json,
    }
}

/// Zola's body text: the HTML without its tags, without what `<script>`, `<style>` and `<pre>` hold, and without
/// Quire's heading anchor links (`#`, which Zola's pages do not have); text escaped as HTML again (Zola's themes
/// put it into `innerHTML`), each line's spaces collapsed, blank lines dropped; cut at `truncate` characters.
pub fn clean_body(html: &str, truncate: Option<usize>) -> String {
    let mut text = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        push_escaped(&mut text, &rest[..start]);
        let after = &rest[start + 1..];
        if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/' || c == '!') {
            rest = skip_markup(&rest[start..]);
        } else {
            text.push_str("&lt;"); // a `<` in text, not a tag
            rest = after;
        }
    }
    push_escaped(&mut text, rest);
    let lines = text.lines().map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "));
    let mut clean = lines.filter(|line| !line.is_empty()).collect::<Vec<_>>().join("\n");
    if let Some((cut, _)) = truncate.and_then(|length| clean.char_indices().nth(length)) {
        clean.truncate(cut);
    }
    clean
}

/// A page or section in Zola's index: every page (Zola lists them through their sections, which hold them
/// all) and every section, each only when `in_search_index` and, for sections, without `redirect_to`.
/// What Zola indexes for `language`: its sections in the index (`in_search_index`) but those that redirect, and
/// their pages in the index; a section left out leaves its pages out too.
fn index_items(site: &Site, language: Option<&str>) -> Vec<Target> {
    let indexed = |doc: &Document| doc.front_matter.in_search_index && doc.lang.as_deref() == language;
    let sections = site.sections.iter().enumerate().filter(|(_, section)| {
        indexed(&section.doc) && !section.doc.front_matter.key_lines.contains_key("redirect_to")
    });
    let pages = site
        .pages
        .iter()
        .enumerate()
        .filter(|(_, page)| indexed(&page.doc) && site.sections[page.section].doc.front_matter.in_search_index);
    let sections = sections.map(|(id, _)| Target::Section(id));
    sections.chain(pages.map(|(id, _)| Target::Page(id))).collect()
}

/// What the index holds of one page or section: each field `[search]` includes, in Zola's Fuse.js order.
#[derive(serde::Serialize)]
struct Row<'a> {
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    /// RFC 3339, or "" without a date (elasticlunr only: Zola's Fuse.js index has no date).
    #[serde(skip)]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
}

impl<'a> Row<'a> {
    fn of(site: &'a Site, config: &Config, search: &ZolaSearchConfig, target: Target, body: Option<String>) -> Row<'a> {
        let Document { path, front_matter, .. } = site.document(target);
        let date = match target {
            Target::Page(_) => front_matter.date.as_deref().map(rfc3339).unwrap_or_default(),
            Target::Section(_) => String::new(),
        };
        Row {
            url: config.permalink(path),
            title: search.include_title.then(|| front_matter.title.as_deref().unwrap_or("")),
            description: search.include_description.then(|| front_matter.description.as_deref().unwrap_or("")),
            date: search.include_date.then_some(date),
            body,
            path: search.include_path.then_some(path.as_str()),
        }
    }
}

/// elasticlunr's index of `rows`, with the fields `search` includes, in Zola's order.
fn elasticlunr_index<'a>(search: &ZolaSearchConfig, language: &str, rows: impl Iterator<Item = Row<'a>>) -> String {
    // `config` checked the language; English is elasticlunr's own default.
    let language =
        elasticlunr::lang::from_code(language).unwrap_or_else(|| Box::new(elasticlunr::lang::English::new()));
    let mut builder = elasticlunr::IndexBuilder::with_language(language);
    let fields = [
        ("title", search.include_title),
        ("description", search.include_description),
        ("date", search.include_date),
        ("path", search.include_path),
        ("body", search.include_content),
    ];
    for (field, included) in fields {
        builder = match (included, field) {
            (false, _) => builder,
            (true, "path") => builder.add_field_with_tokenizer(field, Box::new(path_words)),
            (true, _) => builder.add_field(field),
        };
    }
    let mut index = builder.build();
    for row in rows {
        // Zola leaves an undated page's date out of its row, which moves the values after it into the wrong
        // fields; "" keeps each value in its own.
        let values = [row.title, row.description, row.date.as_deref(), row.path, row.body.as_deref()];
        index.add_doc(&row.url, values.into_iter().flatten());
    }
    index.to_json()
}

/// Zola's words of a path: split at whitespace, `-` and `/`, lower case.
fn path_words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Fuse.js's list: one object per row.
fn fuse_index<'a>(rows: impl Iterator<Item = Row<'a>>) -> String {
    // Strings and options only: serializing cannot fail.
    serde_json::to_string(&rows.collect::<Vec<_>>()).unwrap_or_default()
}

/// A front-matter date as Zola's index writes it: RFC 3339, a date alone at midnight UTC, a time without an
/// offset taken as UTC (Zola's `datetime`).
fn rfc3339(date: &str) -> String {
    use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat};
    if let Ok(moment) = DateTime::parse_from_rfc3339(date) {
        return moment.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    }
    let naive = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(date, format).ok())
        .or_else(|| NaiveDate::parse_from_str(date, "%Y-%m-%d").ok().and_then(|day| day.and_hms_opt(0, 0, 0)));
    naive.map(|moment| moment.and_utc().to_rfc3339_opts(SecondsFormat::AutoSi, true)).unwrap_or_default()
}

/// The text before a tag, as HTML text: references decoded, then `&`, `<`, `>` and no-break spaces escaped,
/// as an HTML serializer writes text (what Zola's ammonia hands back).
fn push_escaped(out: &mut String, text: &str) {
    for c in crate::text::decode_entities(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

/// `html` (starting at a `<`) after its first tag, comment, or element whose content is dropped: `<script>`,
/// `<style>`, `<pre>` and heading anchor links (`<a class="anchor"`) with all they hold.
fn skip_markup(html: &str) -> &str {
    if let Some(comment) = html.strip_prefix("<!--") {
        return comment.find("-->").map_or("", |end| &comment[end + 3..]);
    }
    let tag_end = html.find('>').map_or(html.len(), |end| end + 1);
    let tag = &html[..tag_end];
    let name: String =
        tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    let dropped = match name.as_str() {
        "script" | "style" | "pre" => true,
        "a" => tag.contains("class=\"anchor\""),
        _ => false,
    };
    let rest = &html[tag_end..];
    if !dropped || tag.ends_with("/>") {
        return rest;
    }
    closing_tag_end(rest, &name)
}

/// `html` after the `</name>` that closes an element named `name` (nested ones of the same name counted,
/// except in `<script>` and `<style>`, whose text is not HTML).
fn closing_tag_end<'h>(html: &'h str, name: &str) -> &'h str {
    let bytes = html.as_bytes();
    let nests = !matches!(name, "script" | "style");
    let mut depth = 1;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]).map(|i| at + i) {
        let closing = bytes.get(found + 1) == Some(&b'/');
        let start = found + 1 + usize::from(closing);
        let names_it = bytes.get(start..start + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            && bytes.get(start + name.len()).is_none_or(|c| !c.is_ascii_alphanumeric());
        if names_it && closing {
            depth -= 1;
            if depth == 0 {
                return html[found..].find('>').map_or("", |end| &html[found + end + 1..]);
            }
        } else if names_it && nests {
            depth += 1;
        }
        at = found + 1;
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, truncate: Option<usize>, expected: &str) {
        assert_eq!(clean_body(html, truncate), expected, "{html:?}");
    }

    /// Zola's own cases for its `clean_and_truncate_body`, and what Quire's HTML adds.
    #[test]
    fn bodies_are_cleaned_as_zola_cleans_them() {
        check("hello world", None, "hello world");
        check("hello <script>alert('xss')</script> world", None, "hello world");
        check("hello", Some(100), "hello");
        check("hello", Some(2), "he");
        check("hello \u{202E} world", Some(6), "hello ");
        check("hello \u{202E} world", Some(7), "hello \u{202e}");
        check("hello        world", None, "hello world");
        check("hello    \n    world", None, "hello\nworld");
        check("\n hello  \n \n \n   world\n   ", None, "hello\nworld");
        check("<p>One <em>two</em></p>\n<pre><code>let x = 1;\n</code></pre>\n<p>three</p>", None, "One two\nthree");
        check(
            "<style>p { color: red }</style><p>a &amp; b &lt; c&nbsp;d &#233;</p>",
            None,
            "a &amp; b &lt; c&nbsp;d é",
        );
        check(
            "<h2 id=\"x\">Setup <a class=\"anchor\" href=\"#x\" aria-label=\"Link to this section\">#</a></h2>\n<p>Run</p>",
            None,
            "Setup\nRun",
        );
        check("<p>a<!-- note --> b<br />c</p>", None, "a bc");
        check("<pre>outer <pre>inner</pre> still</pre>after", None, "after");
        check("<p>unclosed <script>x", None, "unclosed");
        check("<p>1 < 2 and <SCRIPT>x</script >y</p>", None, "1 &lt; 2 and y");
    }

    #[test]
    fn dates_are_rfc3339() {
        assert_eq!(rfc3339("2023-01-31"), "2023-01-31T00:00:00Z");
        assert_eq!(rfc3339("2023-01-31T10:20:30+02:00"), "2023-01-31T10:20:30+02:00");
        assert_eq!(rfc3339("2023-01-31T10:20:30Z"), "2023-01-31T10:20:30Z");
        assert_eq!(rfc3339("2023-01-31 10:20:30"), "2023-01-31T10:20:30Z");
    }

    #[test]
    fn paths_split_into_words() {
        assert_eq!(
            path_words("/documentation/getting-started/Overview/"),
            ["documentation", "getting", "started", "overview"]
        );
    }

    /// Words that made elasticlunr-rs 3.0's English stemmer panic: content never stops a build.
    #[test]
    fn stemmer_edge_cases_index() {
        let search = ZolaSearchConfig::default();
        let row = Row {
            url: "https://x.org/".into(),
            title: Some("ion"),
            description: None,
            date: None,
            body: Some("eing being aतed leeshyy".into()),
            path: None,
        };
        let json = elasticlunr_index(&search, "en", std::iter::once(row));
        let index: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        // A trie of characters: the stem elasticlunr.js makes of "leeshyy" is there.
        let node = "leeshyi".chars().fold(&index["index"]["body"]["root"], |node, c| &node[c.to_string()]);
        assert_eq!(node["df"], 1, "{json}");
    }

    #[test]
    fn languages_listed_are_the_ones_known() {
        assert!(LANGUAGES.iter().all(|code| knows_language(code)));
        assert!(!knows_language("zh") && !knows_language("xx"));
    }
}
