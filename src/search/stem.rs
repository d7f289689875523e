//! Light English stemming and the stop-word list, for one already lower-cased word.
//! Shared by index and query (mirrored in `static/search.js`); it never sees non-ASCII words.

/// English stop words (Lucene's list): too common to be worth indexing.
pub fn is_stopword(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "but"
            | "by"
            | "for"
            | "if"
            | "in"
            | "into"
            | "is"
            | "it"
            | "no"
            | "not"
            | "of"
            | "on"
            | "or"
            | "such"
            | "that"
            | "the"
            | "their"
            | "then"
            | "there"
            | "these"
            | "they"
            | "this"
            | "to"
            | "was"
            | "will"
            | "with"
    )
}

/// Strips plural and `-ing`/`-ed` endings and a final `e` from a lower-case ASCII word, so
/// "pages", "paged" and "page" meet at "pag", "libraries" and "library" at "librar". Words with other characters come back unchanged.
/// The result is a stem for matching, not a word to show.
pub fn stem(word: &str) -> &str {
    let bytes = word.as_bytes();
    // Every rule below removes a final s, d (-ed), g (-ing), e or y: most words end otherwise.
    if bytes.len() < 4 || !matches!(bytes[bytes.len() - 1], b's' | b'd' | b'g' | b'e' | b'y') {
        return word;
    }
    if !bytes.iter().all(u8::is_ascii_lowercase) {
        return word;
    }
    if bytes.len() > 4 && (word.ends_with("ies") || word.ends_with("ied")) {
        // "libraries", "studied" → "librar", "stud", like "library", "study" below.
        return &word[..word.len() - 3];
    }
    let mut stem = word;
    if stem.ends_with("sses") {
        stem = &stem[..stem.len() - 2];
    } else if stem.ends_with('s') && !stem.ends_with("ss") && !stem.ends_with("us") && !stem.ends_with("is") {
        stem = &stem[..stem.len() - 1];
    }
    for ending in ["ing", "ed"] {
        if let Some(base) = stem.strip_suffix(ending) {
            if base.len() >= 3 && base.bytes().any(is_vowel) {
                stem = undouble(base);
            }
            break;
        }
    }
    if stem.len() > 3 && (stem.ends_with('e') || stem.ends_with('y')) {
        stem = &stem[..stem.len() - 1];
    }
    stem
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// "running" → "runn" → "run"; "calling" keeps its "ll".
fn undouble(base: &str) -> &str {
    let b = base.as_bytes();
    let n = b.len();
    if n >= 2 && b[n - 1] == b[n - 2] && !is_vowel(b[n - 1]) && !matches!(b[n - 1], b'l' | b's' | b'z') {
        &base[..n - 1]
    } else {
        base
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(word: &str, expected: &str) {
        assert_eq!(stem(word), expected, "stem({word:?})");
    }

    #[test]
    fn plurals_and_verb_endings_meet() {
        for (word, expected) in [
            ("render", "render"),
            ("renders", "render"),
            ("rendered", "render"),
            ("rendering", "render"),
            ("pages", "pag"),
            ("page", "pag"),
            ("paged", "pag"),
            ("running", "run"),
            ("calling", "call"),
            ("classes", "class"),
            ("status", "status"),
            ("analysis", "analysis"),
            ("string", "string"),
            ("icann", "icann"),
            ("libraries", "librar"),
            ("library", "librar"),
            ("studied", "stud"),
            ("indexes", "index"),
            ("indexing", "index"),
            ("queries", "quer"),
        ] {
            check(word, expected);
        }
    }

    #[test]
    fn short_and_non_ascii_words_are_left_alone() {
        check("use", "use");
        check("café", "café");
        check("v2", "v2");
    }

    #[test]
    fn stop_words_are_recognized() {
        assert!(is_stopword("the"));
        assert!(!is_stopword("theme"));
    }
}
