//! Fast non-cryptographic hashing: a `HashMap` hasher for short terms and a content hash for files.
//! Both are FxHash-style multiply-rotate; neither ever protects against hostile input (none reaches here).

use std::hash::{BuildHasherDefault, Hasher};

/// `HashMap` with the fast hasher: the index does millions of lookups of short terms.
pub type FastMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FastHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("chunks_exact gives 8 bytes")));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ ((rest.len() as u64) << 56));
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply only carries low bits upward; fold the high bits back so that tables, which
        // index by the low bits, see every byte of the input.
        let h = (self.hash ^ (self.hash >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^ (h >> 33)
    }
}

/// Hash of a file's path and bytes, for the index version.
pub fn hash_file(path: &str, bytes: &[u8]) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write(path.as_bytes());
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn different_content_or_path_hashes_differently() {
        assert_ne!(hash_file("a", b"x"), hash_file("a", b"y"));
        assert_ne!(hash_file("a", b"x"), hash_file("b", b"x"));
        assert_eq!(hash_file("a", b"x"), hash_file("a", b"x"));
        assert_ne!(hash_file("a", b"\0"), hash_file("a", b""));
    }
}
