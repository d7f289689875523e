//! The index's files as small scripts, so the browser can load them with `<script>` tags even from
//! `file://`: each calls one `window.quireSearch` function. Text in, text out; writes nothing.

use super::postings::{encode_postings, Posting};

pub const MANIFEST_PATH: &str = "search/manifest.js";
/// Format of the files, checked by `static/search.js` so an old script never misreads a new index.
pub const FORMAT: u32 = 2;

/// The shard file starting at manifest key `key`. Named for its key, not its position, so that an edit
/// that splits or merges one shard leaves the names of all the others alone.
pub fn shard_path(key: &str) -> String {
    format!("search/s/{}.js", file_name(key))
}

/// Display records per record file. One file per page would be smallest to fetch, but a file
/// per page doubles the files a site writes; four keeps a query's records small all the same.
pub const RECORDS_PER_FILE: usize = 4;

/// The record file holding page `id`'s display record, loaded for shown results only.
pub fn records_path(group: usize) -> String {
    format!("search/d/{group}.js")
}

pub fn tail_path(name: &str) -> String {
    format!("search/t/{name}.js")
}

/// A file name for a term or a shard key: the text itself behind `_` when it is plain ASCII (never a
/// reserved device name such as `con` that way), otherwise `x` and the hex of its UTF-8 bytes.
/// `shardFile` in `static/search.js` names shard files the same way.
pub fn file_name(term: &str) -> String {
    if term.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
        format!("_{term}")
    } else {
        let mut name = String::from("x");
        for b in term.bytes() {
            name.push_str(&format!("{b:02x}"));
        }
        name
    }
}

pub fn manifest_script(version: u64, pages: usize, shard_keys: &[&str]) -> String {
    let keys = serde_json::to_string(shard_keys).expect("strings always serialize");
    format!(
        "quireSearch.manifest({{\"f\":{FORMAT},\"v\":\"{version:016x}\",\"n\":{pages},\"g\":{RECORDS_PER_FILE},\"b\":{keys}}});\n"
    )
}

/// One term's entry in a shard: the term, its page count, its head postings and its tail file name.
pub struct ShardEntry<'a> {
    pub term: &'a str,
    pub pages: usize,
    pub head: &'a [Posting],
    pub tail: Option<&'a str>,
}

pub fn shard_script(key: &str, entries: &[ShardEntry]) -> String {
    let key = serde_json::to_string(key).expect("strings always serialize");
    let mut out = format!("quireSearch.shard({key},[");
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        out.push_str(&serde_json::to_string(entry.term).expect("strings always serialize"));
        out.push_str(&format!(",{},\"", entry.pages));
        encode_postings(entry.head, true, &mut out);
        out.push('"');
        if let Some(tail) = entry.tail {
            out.push_str(&format!(",\"{tail}\""));
        }
        out.push(']');
    }
    out.push_str("]);\n");
    out
}

pub fn tail_script(name: &str, postings: &[Posting]) -> String {
    let mut out = format!("quireSearch.tail(\"{name}\",\"");
    // Tail hits link to the top of their page: headings would double a tail's size.
    encode_postings(postings, false, &mut out);
    out.push_str("\");\n");
    out
}

/// Record file `group`: the records (JSON arrays) of pages `group * RECORDS_PER_FILE` onwards,
/// `null` for a removed page.
pub fn records_script(group: usize, records: &[Option<Vec<u8>>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + records.iter().flatten().map(Vec::len).sum::<usize>());
    out.extend_from_slice(format!("quireSearch.records({group},[").as_bytes());
    for (i, record) in records.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(record.as_deref().unwrap_or(b"null"));
    }
    out.extend_from_slice(b"]);\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_name("con"), "_con");
        assert_eq!(file_name(""), "_");
        assert_eq!(file_name("中文"), "xe4b8ade69687");
        assert_eq!(shard_path("Ab"), "search/s/x4162.js");
    }

    #[test]
    fn shard_script_lists_entries_in_order() {
        let head = [Posting { doc: 3, score: 12, heading: 0 }];
        let entries = [
            ShardEntry { term: "icann", pages: 1, head: &head, tail: None },
            ShardEntry { term: "index", pages: 900, head: &head, tail: Some("_index") },
        ];
        assert_eq!(
            shard_script("ic", &entries),
            "quireSearch.shard(\"ic\",[[\"icann\",1,\"c230\"],[\"index\",900,\"c230\",\"_index\"]]);\n"
        );
    }

    #[test]
    fn manifest_carries_format_version_and_keys() {
        let script = manifest_script(0xabc, 2, &["", "m"]);
        assert_eq!(
            script,
            "quireSearch.manifest({\"f\":2,\"v\":\"0000000000000abc\",\"n\":2,\"g\":4,\"b\":[\"\",\"m\"]});\n"
        );
    }
}
