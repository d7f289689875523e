//! Which shard holds which term: terms sorted in UTF-16 order (JavaScript's string order) are cut into
//! runs where the terms themselves say so, so an edit moves only the cuts next to the terms it changed.
//!
//! A cut depends only on the terms since the previous cut (their sizes, and the hash of the term that
//! starts the new shard), never on a shard count or a position: the same terms always give the same
//! shards, whether indexed at once or edited one page at a time, and the cuts after an edit fall back
//! in step with the old ones within a shard or two of the terms it changed.

use std::cmp::Ordering;

use super::term::Term;

/// A shard holds at least this many bytes of entries before a term may start the next one.
pub const MIN_SHARD_BYTES: usize = 2 * 1024;
/// Past the minimum, each byte of a term's entry makes that term start a new shard with probability
/// 1 / `SHARD_SPAN` (its hash decides), so shards hold about `MIN_SHARD_BYTES + SHARD_SPAN` bytes.
pub const SHARD_SPAN: usize = 3 * 1024;
/// A term that would take a shard past this starts the next one whatever its hash, so that no query
/// downloads a huge shard (a single term's entry may still be larger).
pub const MAX_SHARD_BYTES: usize = 8 * 1024;
/// Longest key (UTF-8 bytes) a shard may start with, so that shard file names stay short; a term
/// whose key would be longer does not start a shard (the shard goes on until the next one).
const MAX_KEY_BYTES: usize = 24;

/// Decides, term by term, where shards start. Fed every term in `cmp_utf16` order with its entry's
/// size; a walk started at a shard's first term makes the same cuts as one started at the first term.
#[derive(Debug, Default)]
pub struct Cutter {
    /// Bytes of the shard being filled.
    bytes: usize,
}

impl Cutter {
    /// Feeds `term` (which follows `previous`, `None` at the start of the walk) and its entry's size;
    /// returns the key of the shard it starts, when it starts one.
    pub fn cut<'t>(&mut self, previous: Option<&Term>, term: &'t Term, bytes: usize) -> Option<&'t str> {
        let wanted = self.bytes > 0
            && ((self.bytes >= MIN_SHARD_BYTES && starts_shard(term, bytes)) || self.bytes + bytes > MAX_SHARD_BYTES);
        let key = match previous {
            Some(previous) if wanted => {
                Some(separator(previous.as_str(), term.as_str())).filter(|key| key.len() <= MAX_KEY_BYTES)
            }
            _ => None,
        };
        if key.is_some() {
            self.bytes = 0;
        }
        self.bytes += bytes;
        key
    }
}

/// Whether `term`, once its shard is past the minimum, starts the next shard: true with probability
/// `bytes / SHARD_SPAN`, decided by the term's hash, so the same term always decides the same way.
fn starts_shard(term: &Term, bytes: usize) -> bool {
    (term.stored_hash() >> 32) * SHARD_SPAN as u64 <= (bytes as u64) << 32
}

/// Compares as JavaScript's `<` does (by UTF-16 code units), which differs from Rust's byte order
/// only between supplementary characters and U+E000..U+FFFF.
pub fn cmp_utf16(a: &str, b: &str) -> Ordering {
    if a.is_ascii() && b.is_ascii() {
        return a.cmp(b);
    }
    a.encode_utf16().cmp(b.encode_utf16())
}

/// The shortest prefix of `next` that still sorts after `previous`, to keep the manifest small.
fn separator<'a>(previous: &str, next: &'a str) -> &'a str {
    for (end, _) in next.char_indices().skip(1) {
        if cmp_utf16(&next[..end], previous) == Ordering::Greater {
            return &next[..end];
        }
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of the shards that a walk from the first term makes.
    fn cuts(terms: &[Term], bytes: usize) -> Vec<String> {
        let mut cutter = Cutter::default();
        let mut keys = vec![String::new()];
        let mut previous = None;
        for term in terms {
            keys.extend(cutter.cut(previous, term, bytes).map(str::to_string));
            previous = Some(term);
        }
        keys
    }

    fn sorted_terms(count: usize) -> Vec<Term> {
        let mut terms: Vec<Term> = (0..count).map(|i| Term::new(&format!("term{i:05}"))).collect();
        terms.sort_by(|a, b| cmp_utf16(a.as_str(), b.as_str()));
        terms
    }

    #[test]
    fn shards_stay_between_the_minimum_and_the_maximum() {
        let terms = sorted_terms(4000);
        let keys = cuts(&terms, 100);
        let per_shard = 100 * terms.len() / keys.len();
        assert!(keys.len() > 20, "{} shards", keys.len());
        assert!((MIN_SHARD_BYTES..=MAX_SHARD_BYTES).contains(&per_shard), "{per_shard} bytes per shard");
        assert!(keys.windows(2).all(|pair| cmp_utf16(&pair[0], &pair[1]).is_lt()), "keys ascend");
    }

    #[test]
    fn a_removed_term_moves_only_the_cuts_next_to_it() {
        let terms = sorted_terms(4000);
        let before = cuts(&terms, 100);
        let mut fewer = terms.clone();
        fewer.remove(2000);
        let after = cuts(&fewer, 100);
        let lost = before.iter().filter(|key| !after.contains(key)).count();
        let gained = after.iter().filter(|key| !before.contains(key)).count();
        assert!(lost + gained <= 4, "{lost} keys lost, {gained} gained");
    }

    #[test]
    fn separators_are_short_prefixes() {
        assert_eq!(separator("apple", "banana"), "b");
        assert_eq!(separator("render", "renderer"), "rendere");
        assert_eq!(separator("ab", "ab"), "ab");
    }

    #[test]
    fn utf16_order_puts_supplementary_characters_before_private_use() {
        assert_eq!(cmp_utf16("\u{20000}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{20000}".cmp("\u{FF21}"), Ordering::Greater);
    }
}
