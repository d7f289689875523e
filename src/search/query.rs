//! The site's search run outside the browser (`quire mcp`): the index files `search.js` loads, read through
//! `IndexFiles`, and ranked step for step as `search()` in `static/search.js` ranks them. Opens no files itself.
//!
//! Reading the files rather than `SearchIndex`'s memory keeps one ranking for both: the same shards, the same
//! heads and tails, the same prefix expansions, so a query gives here what the site's search box shows.

use super::layout::cmp_utf16;
use super::postings::decode_postings;
use super::scripts::{records_path, shard_path, tail_path, MANIFEST_PATH};
use super::tokenize::{scan_terms, TermKind};
use std::cmp::Ordering;
use std::collections::HashMap;

/// search.js's constants, with its names.
const MIN_PREFIX: usize = 3;
const MAX_EXPANSIONS: usize = 24;
const MAX_PREFIX_SHARDS: usize = 3;
const PREFIX_WEIGHT: f64 = 0.8;
const MAX_TAILS: usize = 1;
const MAX_WORDS: usize = 12;

/// Where the index files are read from: a built site's folder, or the files of an index made in memory.
pub trait IndexFiles {
    /// The text of the index file at `path` (`search/manifest.js`), if there is one.
    fn read(&self, path: &str) -> Option<String>;
}

impl IndexFiles for HashMap<String, Vec<u8>> {
    fn read(&self, path: &str) -> Option<String> {
        self.get(path).map(|bytes| String::from_utf8_lossy(bytes).into_owned())
    }
}

impl IndexFiles for std::path::PathBuf {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.join(path)).ok()
    }
}

/// One result, as the search box shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SearchHit {
    /// The page's path on the site (`/guide/intro/`).
    pub url: String,
    /// The heading the words are under, when not the top of the page (`install` for `/guide/intro/#install`).
    pub anchor: Option<String>,
    pub title: String,
    /// The sections above the page (`Guide › Setup`).
    pub section: String,
    pub heading: String,
    pub excerpt: String,
    pub score: f64,
}

/// The `limit` best pages for `query`, best first, as the site's search box finds them; none when the index
/// cannot be read.
pub fn search(files: &dyn IndexFiles, query: &str, limit: usize) -> Vec<SearchHit> {
    let Some(manifest) = Manifest::read(files) else { return Vec::new() };
    let mut index = Loaded { files, manifest, shards: HashMap::new() };
    let words = query_words(query);
    if words.is_empty() {
        return Vec::new();
    }
    let mut matches_per_word: Vec<Vec<Match>> = words.iter().map(|word| index.match_word(word)).collect();
    let mut ranked = rank(&matches_per_word.iter().map(|m| index.score_word(m)).collect::<Vec<_>>());
    // The heads hold each term's best pages; when they share too few, the rarest word's tail is read.
    let every_word_exact = matches_per_word.iter().all(|m| m.first().is_some_and(|first| first.weight == 1.0));
    if words.len() > 1 && every_word_exact && ranked.complete < limit {
        let mut exact: Vec<&mut Entry> =
            matches_per_word.iter_mut().filter_map(|m| m.first_mut()).map(|m| &mut m.entry).collect();
        exact.retain(|entry| entry.tail_name.is_some());
        exact.sort_by_key(|entry| entry.pages);
        for entry in exact.into_iter().take(MAX_TAILS) {
            let name = entry.tail_name.clone().unwrap_or_default();
            let text = files.read(&tail_path(&name)).and_then(|script| script_arguments(&script, "tail"));
            let tail = text.as_ref().and_then(|args| args.get(1)).and_then(serde_json::Value::as_str);
            let postings = tail.map(|t| decode_postings(t, false)).unwrap_or_default();
            entry.tail =
                Some(postings.iter().map(|p| Posting { doc: p.doc, score: f64::from(p.score), heading: -1 }).collect());
        }
        ranked = rank(&matches_per_word.iter().map(|m| index.score_word(m)).collect::<Vec<_>>());
    }
    ranked.pages.truncate(limit);
    ranked.pages.iter().filter_map(|page| index.hit(page)).collect()
}

/// What the manifest says: the page count, records per file and the first term of every shard.
struct Manifest {
    pages: f64,
    records_per_file: usize,
    keys: Vec<String>,
}

impl Manifest {
    fn read(files: &dyn IndexFiles) -> Option<Manifest> {
        let args = script_arguments(&files.read(MANIFEST_PATH)?, "manifest")?;
        let manifest = args.first()?;
        Some(Manifest {
            pages: manifest.get("n")?.as_f64()?,
            records_per_file: usize::try_from(manifest.get("g")?.as_u64()?).ok().filter(|&g| g > 0)?,
            keys: manifest.get("b")?.as_array()?.iter().filter_map(|k| k.as_str().map(str::to_string)).collect(),
        })
    }
}

/// A shard entry: the term, its page count, its head postings and, once read, its tail's.
#[derive(Clone)]
struct Entry {
    term: String,
    pages: u64,
    head: Vec<Posting>,
    tail_name: Option<String>,
    tail: Option<Vec<Posting>>,
}

/// A posting as search.js holds it: heading -1 in a tail, which carries none.
#[derive(Clone, Copy)]
struct Posting {
    doc: u32,
    score: f64,
    heading: i32,
}

struct Match {
    entry: Entry,
    weight: f64,
}

struct Word {
    term: String,
    word: String,
    prefix: bool,
    cjk: bool,
}

#[derive(Clone, Copy)]
struct Hit {
    score: f64,
    heading: i32,
}

struct RankedPage {
    doc: u32,
    words: usize,
    score: f64,
    heading: i32,
    best: f64,
}

struct Ranked {
    pages: Vec<RankedPage>,
    /// How many pages, at the front, match every word.
    complete: usize,
}

/// The index as far as this query has read it.
struct Loaded<'f> {
    files: &'f dyn IndexFiles,
    manifest: Manifest,
    shards: HashMap<usize, Vec<Entry>>,
}

impl Loaded<'_> {
    /// Shard n holds the terms from its key up to the next shard's (JavaScript string order).
    fn shard_of(&self, term: &str) -> usize {
        let keys = &self.manifest.keys;
        let (mut lo, mut hi) = (0, keys.len().saturating_sub(1));
        while lo < hi {
            let mid = (lo + hi).div_ceil(2);
            if cmp_utf16(&keys[mid], term) != Ordering::Greater {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        lo
    }

    fn shard(&mut self, n: usize) -> &[Entry] {
        if !self.shards.contains_key(&n) {
            let entries = self.manifest.keys.get(n).map(|key| read_shard(self.files, key)).unwrap_or_default();
            self.shards.insert(n, entries);
        }
        self.shards.get(&n).map_or(&[], Vec::as_slice)
    }

    fn match_word(&mut self, word: &Word) -> Vec<Match> {
        let shard = self.shard(self.shard_of(&word.term));
        let at = lower_bound(shard, &word.term);
        let exact: Vec<Match> = match shard.get(at) {
            Some(entry) if entry.term == word.term => vec![Match { entry: entry.clone(), weight: 1.0 }],
            _ => Vec::new(),
        };
        if !word.prefix {
            return exact;
        }
        let mut candidates = vec![word.term.clone()];
        if !word.cjk {
            // While a word is half typed its stem is not yet a prefix of anything ("renderi"); back off.
            let chars: Vec<char> = word.word.chars().collect();
            let shortest = MIN_PREFIX.max(chars.len().saturating_sub(3));
            candidates.extend((shortest..=chars.len()).rev().map(|cut| chars[..cut].iter().collect::<String>()));
        }
        let mut seen = Vec::new();
        candidates.retain(|p| {
            let keep = !seen.contains(p) && (word.cjk || p.chars().count() >= MIN_PREFIX);
            seen.push(p.clone());
            keep
        });
        self.try_prefixes(&candidates, exact)
    }

    fn try_prefixes(&mut self, prefixes: &[String], exact: Vec<Match>) -> Vec<Match> {
        for prefix in prefixes {
            let (first, last) = (self.shard_of(prefix), self.shard_of(&format!("{prefix}\u{ffff}")));
            if last - first >= MAX_PREFIX_SHARDS {
                return exact; // too broad a prefix to be worth the download
            }
            let mut found: Vec<Entry> = Vec::new();
            for n in first..=last {
                let shard = self.shard(n);
                let from = lower_bound(shard, prefix);
                for entry in shard[from..].iter().take_while(|entry| entry.term.starts_with(prefix.as_str())) {
                    if exact.first().is_none_or(|first| first.entry.term != entry.term) {
                        found.push(entry.clone());
                    }
                }
            }
            if found.is_empty() {
                continue;
            }
            found.sort_by_key(|entry| std::cmp::Reverse(entry.pages));
            let expansions = found.into_iter().take(MAX_EXPANSIONS).map(|entry| Match { entry, weight: PREFIX_WEIGHT });
            return exact.into_iter().chain(expansions).collect();
        }
        exact
    }

    /// The best score and heading per page for one word.
    fn score_word(&self, matches: &[Match]) -> HashMap<u32, Hit> {
        let mut pages: HashMap<u32, Hit> = HashMap::new();
        for m in matches {
            let idf = (1.0 + self.manifest.pages / (m.entry.pages.max(1) as f64)).ln();
            for posting in m.entry.head.iter().chain(m.entry.tail.iter().flatten()) {
                let score = m.weight * idf * posting.score;
                let best = pages.entry(posting.doc).or_insert(Hit { score: f64::NEG_INFINITY, heading: 0 });
                if score > best.score {
                    *best = Hit { score, heading: posting.heading };
                }
            }
        }
        pages
    }

    /// A ranked page's display record as a result; `None` when its record cannot be read.
    fn hit(&self, page: &RankedPage) -> Option<SearchHit> {
        let per_file = self.manifest.records_per_file;
        let group = page.doc as usize / per_file;
        let args = script_arguments(&self.files.read(&records_path(group))?, "records")?;
        let record = args.get(1)?.as_array()?.get(page.doc as usize - group * per_file)?.as_array()?;
        let text = |i: usize| record.get(i).and_then(serde_json::Value::as_str).unwrap_or("").to_string();
        let heading = usize::try_from(page.heading)
            .ok()
            .filter(|&h| h > 0)
            .and_then(|h| record.get(5)?.as_array()?.get(h - 1)?.as_array().cloned());
        let part = |heading: &[serde_json::Value], i: usize| {
            heading.get(i).and_then(serde_json::Value::as_str).unwrap_or("").to_string()
        };
        let first_of = |choices: &[String]| choices.iter().find(|c| !c.is_empty()).cloned().unwrap_or_default();
        Some(SearchHit {
            url: text(0),
            anchor: heading.as_ref().map(|h| part(h, 0)).filter(|a| !a.is_empty()),
            title: text(1),
            section: text(2),
            heading: heading.as_ref().map(|h| part(h, 1)).unwrap_or_default(),
            excerpt: match &heading {
                Some(h) => first_of(&[part(h, 2), text(3), text(4)]),
                None => first_of(&[text(3), text(4)]),
            },
            score: page.score,
        })
    }
}

/// The query's words; the last is a prefix unless a space or punctuation follows it.
fn query_words(query: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut last_kind = TermKind::Word;
    scan_terms(query, |term, word, kind| {
        if !words.iter().any(|w| w.term == term) && words.len() < MAX_WORDS {
            let cjk = kind != TermKind::Word;
            words.push(Word { term: term.to_string(), word: word.to_string(), prefix: false, cjk });
            last_kind = kind;
        }
    });
    let ends_a_word = query.chars().last().is_some_and(|c| c.is_whitespace() || is_punctuation(c));
    let room = words.len() < MAX_WORDS;
    if let Some(last) = words.last_mut() {
        if !ends_a_word && last_kind != TermKind::Bigram && room {
            last.prefix = true;
            if !last.cjk && last.word.chars().count() < MIN_PREFIX {
                words.pop(); // one or two letters typed: too early to say anything about that word
            }
        }
    }
    words
}

/// Pages by how many words they match, then by score, then by page order.
fn rank(per_word: &[HashMap<u32, Hit>]) -> Ranked {
    let mut pages: HashMap<u32, RankedPage> = HashMap::new();
    for scores in per_word {
        for (&doc, hit) in scores {
            let page = pages.entry(doc).or_insert(RankedPage { doc, words: 0, score: 0.0, heading: 0, best: -1.0 });
            page.words += 1;
            page.score += hit.score;
            // The link goes where the best-scoring word is, among those whose heading is known (not tails).
            if hit.heading >= 0 && hit.score > page.best {
                page.best = hit.score;
                page.heading = hit.heading;
            }
        }
    }
    let mut pages: Vec<RankedPage> = pages.into_values().collect();
    pages.sort_by(|a, b| {
        b.words.cmp(&a.words).then(b.score.partial_cmp(&a.score).unwrap_or(Ordering::Equal)).then(a.doc.cmp(&b.doc))
    });
    let complete = pages.iter().take_while(|page| page.words == per_word.len()).count();
    Ranked { pages, complete }
}

/// The first entry whose term is not before `term`.
fn lower_bound(entries: &[Entry], term: &str) -> usize {
    entries.partition_point(|entry| cmp_utf16(&entry.term, term) == Ordering::Less)
}

fn read_shard(files: &dyn IndexFiles, key: &str) -> Vec<Entry> {
    let Some(args) = files.read(&shard_path(key)).and_then(|script| script_arguments(&script, "shard")) else {
        return Vec::new();
    };
    let entries = args.get(1).and_then(serde_json::Value::as_array).map(Vec::as_slice).unwrap_or_default();
    entries
        .iter()
        .filter_map(|entry| {
            let entry = entry.as_array()?;
            let head = decode_postings(entry.get(2)?.as_str()?, true);
            Some(Entry {
                term: entry.first()?.as_str()?.to_string(),
                pages: entry.get(1)?.as_u64()?,
                head: head
                    .into_iter()
                    .map(|p| Posting { doc: p.doc, score: f64::from(p.score), heading: i32::from(p.heading) })
                    .collect(),
                tail_name: entry.get(3).and_then(serde_json::Value::as_str).map(str::to_string),
                tail: None,
            })
        })
        .collect()
}

/// The arguments of an index script, `quireSearch.NAME(a, b);`, as a JSON list.
fn script_arguments(script: &str, name: &str) -> Option<Vec<serde_json::Value>> {
    let call = script.trim().strip_prefix("quireSearch.")?.strip_prefix(name)?.strip_prefix('(')?;
    let arguments = call.strip_suffix(';').unwrap_or(call).strip_suffix(')')?;
    serde_json::from_str(&format!("[{arguments}]")).ok()
}

/// Unicode punctuation (`\p{P}`), as search.js's test for a finished word reads it.
fn is_punctuation(c: char) -> bool {
    use std::sync::OnceLock;
    static PUNCTUATION: OnceLock<regex::Regex> = OnceLock::new();
    let pattern = PUNCTUATION.get_or_init(|| regex::Regex::new(r"^\p{P}$").expect("the pattern is valid"));
    pattern.is_match(c.encode_utf8(&mut [0; 4]))
}
