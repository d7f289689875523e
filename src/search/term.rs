//! `Term`: one index term with its hash computed once, stored inline when short (almost always), so
//! counting and merging millions of terms neither allocates nor re-hashes. Knows nothing of tokenizing.

use std::fmt;
use std::hash::{BuildHasherDefault, Hash, Hasher};

use super::hash::FastHasher;

/// Terms up to this many bytes live inline.
const INLINE: usize = 22;

#[derive(Clone)]
pub struct Term {
    hash: u64,
    text: Text,
}

#[derive(Clone)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

/// A map keyed by `Term` that uses the term's stored hash as is.
pub type TermMap<V> = std::collections::HashMap<Term, V, BuildHasherDefault<StoredHash>>;

impl Term {
    pub fn new(text: &str) -> Term {
        let mut hasher = FastHasher::default();
        hasher.write(text.as_bytes());
        let hash = hasher.finish();
        let text = if text.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            Text::Inline {
                len: text.len() as u8,
                bytes,
            }
        } else {
            Text::Heap(text.into())
        };
        Term { hash, text }
    }

    pub fn as_str(&self) -> &str {
        match &self.text {
            Text::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).expect("built from a str")
            }
            Text::Heap(text) => text,
        }
    }
}

impl PartialEq for Term {
    fn eq(&self, other: &Term) -> bool {
        self.hash == other.hash
            && match (&self.text, &other.text) {
                (
                    Text::Inline { len, bytes },
                    Text::Inline {
                        len: other_len,
                        bytes: other_bytes,
                    },
                ) => len == other_len && bytes == other_bytes,
                (Text::Heap(text), Text::Heap(other)) => text == other,
                _ => false,
            }
    }
}

impl Eq for Term {}

impl Hash for Term {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl fmt::Debug for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq<&str> for Term {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Passes a `Term`'s stored hash through.
#[derive(Default)]
pub struct StoredHash(u64);

impl Hasher for StoredHash {
    fn write(&mut self, _: &[u8]) {
        unreachable!("Term hashes with write_u64 only");
    }

    fn write_u64(&mut self, hash: u64) {
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_terms_compare_by_text() {
        let long = "x".repeat(40);
        assert_eq!(Term::new("render").as_str(), "render");
        assert_eq!(Term::new(&long).as_str(), long);
        assert_eq!(Term::new("中文"), Term::new("中文"));
        assert_ne!(Term::new("render"), Term::new("renders"));
        let mut map: TermMap<u32> = TermMap::default();
        map.insert(Term::new("a"), 1);
        assert_eq!(map.get(&Term::new("a")), Some(&1));
    }
}
