//! Which shard holds which term: terms sorted in UTF-16 order (JavaScript's string order) are cut
//! into contiguous ranges of about `SHARD_BYTES`; the manifest lists each range's first key.

use std::cmp::Ordering;

/// Target size of one term shard: small enough that a query's shards stay far below the
/// first-query budget, large enough that the manifest's key list stays short.
pub const SHARD_BYTES: usize = 8 * 1024;

#[derive(Debug, Clone, PartialEq)]
pub struct ShardLayout {
    /// `keys[0]` is ""; shard `i` holds the terms `t` with `keys[i] <= t < keys[i + 1]`.
    keys: Vec<String>,
}

impl ShardLayout {
    /// Cuts `terms` (sorted with `cmp_utf16`, each with its encoded size) into shards.
    pub fn from_sorted_terms<'a>(terms: impl IntoIterator<Item = (&'a str, usize)>) -> ShardLayout {
        let mut keys = vec![String::new()];
        let mut size = 0;
        let mut previous: Option<&str> = None;
        for (term, bytes) in terms {
            if let Some(previous) = previous {
                if size > 0 && size + bytes > SHARD_BYTES {
                    keys.push(separator(previous, term).to_string());
                    size = 0;
                }
            }
            size += bytes;
            previous = Some(term);
        }
        ShardLayout { keys }
    }

    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The shard that holds (or would hold) `term`.
    pub fn shard_of(&self, term: &str) -> usize {
        self.keys.partition_point(|key| cmp_utf16(key, term) != Ordering::Greater) - 1
    }
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

    #[test]
    fn terms_fill_shards_in_order_and_are_found_again() {
        let terms: Vec<String> = (0..2000).map(|i| format!("term{i:05}")).collect();
        let mut sorted: Vec<&str> = terms.iter().map(String::as_str).collect();
        sorted.sort_by(|a, b| cmp_utf16(a, b));
        let layout = ShardLayout::from_sorted_terms(sorted.iter().map(|t| (*t, 100)));
        assert!(layout.len() > 5, "{} shards", layout.len());
        let mut last = 0;
        for term in &sorted {
            let shard = layout.shard_of(term);
            assert!(shard >= last, "shards follow term order");
            last = shard;
        }
        assert_eq!(layout.shard_of(""), 0);
        assert_eq!(layout.shard_of("zzz"), layout.len() - 1);
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
