//! Text in, search terms out: the one tokenizer shared by the index and (re-implemented line for line) by
//! `static/search.js`. Pure and allocation-light; it never looks at HTML (that is `html_text`'s job).

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::stem::{is_stopword, stem};

/// Terms longer than this (in characters) are hashes or base64, not words: dropped on both sides.
pub const MAX_TERM_CHARS: usize = 64;

/// Calls `emit` with every term of `text`, in order, duplicates included.
///
/// The rules, which `tokenize` in `static/search.js` follows exactly:
/// 1. NFKD; combining marks after a Latin, Greek or Cyrillic letter (below U+0530) are dropped, so
///    `é` → `e`, while Japanese voicing marks survive; then NFC and full Unicode lower-casing;
///    then a few letters with no decomposition are folded (`ß` → `ss`, `ø` → `o`, …).
/// 2. A word is a run of alphanumeric characters and marks; anything else separates words.
///    Runs of Han, Hiragana and Katakana are separate from other letters and become overlapping
///    character bigrams (a lone character stays a unigram).
/// 3. Words longer than `MAX_TERM_CHARS` and English stop words are dropped; ASCII words are stemmed.
pub fn for_each_term(text: &str, mut emit: impl FnMut(&str)) {
    // ASCII words are handled byte by byte with no allocation. Normalization never reaches across
    // ASCII whitespace nor joins an ASCII separator to what follows, so a word that runs into a
    // non-ASCII byte is folded together with the rest of its whitespace-delimited piece, alone.
    let bytes = text.as_bytes();
    let mut scratch = Scratch::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i < bytes.len() && !bytes[i].is_ascii() {
                i = split_piece(text, start, &mut scratch, &mut emit);
            } else {
                emit_ascii_word(&text[start..i], &mut scratch.word, &mut emit);
            }
        } else if b.is_ascii() {
            i += 1;
        } else {
            i = split_piece(text, i, &mut scratch, &mut emit);
        }
    }
}

/// Every term of `text` as an owned string (tests, queries and small inputs).
pub fn tokenize(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for_each_term(text, |term| terms.push(term.to_string()));
    terms
}

/// What kind of text a query term came from, as `scanTerms` in `static/search.js` tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    Word,
    /// Two characters of a run of two or more CJK characters.
    Bigram,
    /// A lone CJK character.
    Char,
}

/// Calls `emit(term, word, kind)` for every term of `text`, `word` being the folded word before stemming: what
/// `scanTerms` in `static/search.js` gives a query. The terms are `for_each_term`'s.
pub fn scan_terms(text: &str, mut emit: impl FnMut(&str, &str, TermKind)) {
    let mut folded = String::new();
    fold_into(text, false, &mut folded);
    let (mut word, mut cjk) = (String::new(), Vec::<char>::new());
    let finish_word = |word: &mut String, emit: &mut dyn FnMut(&str, &str, TermKind)| {
        if !word.is_empty() && word.chars().count() <= MAX_TERM_CHARS && !is_stopword(word) {
            emit(stem(word), word, TermKind::Word);
        }
        word.clear();
    };
    let finish_cjk = |cjk: &mut Vec<char>, emit: &mut dyn FnMut(&str, &str, TermKind)| {
        if let [one] = cjk[..] {
            emit(&one.to_string(), &one.to_string(), TermKind::Char);
        }
        for pair in cjk.windows(2) {
            let bigram: String = pair.iter().collect();
            emit(&bigram, &bigram, TermKind::Bigram);
        }
        cjk.clear();
    };
    for c in folded.chars() {
        if is_cjk(c) {
            finish_word(&mut word, &mut emit);
            cjk.push(c);
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            finish_cjk(&mut cjk, &mut emit);
            word.push(c);
        } else {
            finish_word(&mut word, &mut emit);
            finish_cjk(&mut cjk, &mut emit);
        }
    }
    finish_word(&mut word, &mut emit);
    finish_cjk(&mut cjk, &mut emit);
}

/// Whether `c` is Han, Hiragana or Katakana: such runs are split into bigrams.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3005 | 0x3007
        | 0x3041..=0x3096 | 0x3099..=0x309F   // Hiragana
        | 0x30A1..=0x30FA | 0x30FC..=0x30FF   // Katakana
        | 0x31F0..=0x31FF                      // Katakana phonetic extensions
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF   // Han
        | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Case- and accent-folds one piece of text (no ASCII whitespace inside) into `out`.
/// `after_ascii` tells whether ASCII text came before it, which matters for a leading mark.
pub fn fold_into(piece: &str, after_ascii: bool, out: &mut String) {
    let mut stripped = String::with_capacity(piece.len());
    let mut drop_marks = after_ascii;
    for c in piece.nfkd() {
        if is_combining_mark(c) {
            if drop_marks {
                continue;
            }
        } else {
            drop_marks = (c as u32) < 0x530;
        }
        stripped.push(c);
    }
    let lower = stripped.nfc().collect::<String>().to_lowercase();
    out.clear();
    for c in lower.chars() {
        match fold_letter(c) {
            Some(replacement) => out.push_str(replacement),
            None => out.push(c),
        }
    }
}

#[derive(Default)]
struct Scratch {
    word: String,
    folded: String,
    cjk: Vec<char>,
    bigram: String,
}

fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ς' => "σ",
        'æ' => "ae",
        'œ' => "oe",
        'ø' => "o",
        'đ' | 'ð' => "d",
        'ł' => "l",
        'ı' => "i",
        'ħ' => "h",
        'þ' => "th",
        _ => return None,
    })
}

fn emit_ascii_word(word: &str, lower: &mut String, emit: &mut impl FnMut(&str)) {
    if word.len() > MAX_TERM_CHARS {
        return;
    }
    // Body text is mostly lower case already: copy only words that need lowering.
    let word = if word.bytes().any(|b| b.is_ascii_uppercase()) {
        lower.clear();
        lower.push_str(word);
        lower.make_ascii_lowercase();
        lower.as_str()
    } else {
        word
    };
    if !is_stopword(word) {
        emit(stem(word));
    }
}

/// Folds and splits `text[start..]` up to the next ASCII whitespace; returns where it stopped.
fn split_piece(text: &str, start: usize, scratch: &mut Scratch, emit: &mut impl FnMut(&str)) -> usize {
    let end = text.as_bytes()[start..].iter().position(u8::is_ascii_whitespace).map_or(text.len(), |at| start + at);
    // Whatever came before is ASCII, below U+0530: a leading mark is dropped as if it followed it.
    fold_into(&text[start..end], start > 0, &mut scratch.folded);
    let folded = std::mem::take(&mut scratch.folded);
    split_unicode(&folded, scratch, emit);
    scratch.folded = folded;
    end
}

fn split_unicode(folded: &str, scratch: &mut Scratch, emit: &mut impl FnMut(&str)) {
    scratch.word.clear();
    scratch.cjk.clear();
    for c in folded.chars() {
        if is_cjk(c) {
            finish_word(&mut scratch.word, emit);
            scratch.cjk.push(c);
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            finish_cjk(scratch, emit);
            scratch.word.push(c);
        } else {
            finish_word(&mut scratch.word, emit);
            finish_cjk(scratch, emit);
        }
    }
    finish_word(&mut scratch.word, emit);
    finish_cjk(scratch, emit);
}

fn finish_word(word: &mut String, emit: &mut impl FnMut(&str)) {
    if word.is_empty() {
        return;
    }
    let too_long = word.len() > MAX_TERM_CHARS && word.chars().count() > MAX_TERM_CHARS;
    if !too_long && !is_stopword(word) {
        emit(stem(word));
    }
    word.clear();
}

fn finish_cjk(scratch: &mut Scratch, emit: &mut impl FnMut(&str)) {
    match scratch.cjk.len() {
        0 => return,
        1 => {
            scratch.bigram.clear();
            scratch.bigram.push(scratch.cjk[0]);
            emit(&scratch.bigram);
        }
        _ => {
            for pair in scratch.cjk.windows(2) {
                scratch.bigram.clear();
                scratch.bigram.push(pair[0]);
                scratch.bigram.push(pair[1]);
                emit(&scratch.bigram);
            }
        }
    }
    scratch.cjk.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&str]) {
        assert_eq!(tokenize(text), expected, "tokenize({text:?})");
    }

    #[test]
    fn english_is_lowercased_stemmed_and_stopwords_dropped() {
        check("The Rendering of pages", &["render", "pag"]);
        check("Libraries: cached, caching & CACHE!", &["librar", "cach", "cach", "cach"]);
        check("ICANN's board", &["icann", "s", "board"]);
        check("render_page()", &["render", "pag"]);
    }

    #[test]
    fn accented_latin_is_folded() {
        check("Café Crème brûlée", &["caf", "crem", "brule"]);
        check("Straße ØRESUND Łódź", &["strass", "oresund", "lodz"]);
        check("ﬁle ①", &["fil", "1"]);
        check("ＡＢＣ", &["abc"]);
    }

    #[test]
    fn greek_and_cyrillic_fold_accents_and_final_sigma() {
        check("Ελληνικά ΟΔΟΣ", &["ελληνικα", "οδοσ"]);
        check("Ёлка", &["елка"]);
    }

    #[test]
    fn chinese_becomes_overlapping_bigrams() {
        check("搜索引擎", &["搜索", "索引", "引擎"]);
        check("中", &["中"]);
        check("中文，搜索", &["中文", "搜索"]);
    }

    #[test]
    fn japanese_keeps_voicing_marks_and_widens_half_width_kana() {
        check("データ", &["デー", "ータ"]);
        check("ﾃﾞｰﾀ", &["デー", "ータ"]);
        check("がっこう", &["がっ", "っこ", "こう"]);
    }

    #[test]
    fn mixed_scripts_split_at_script_changes() {
        check("Rust语言 v2", &["rust", "语言", "v2"]);
        check("ICANN的政策", &["icann", "的政", "政策"]);
        check("한국어 검색", &["한국어", "검색"]);
    }

    #[test]
    fn overlong_words_are_dropped() {
        let long = "a".repeat(MAX_TERM_CHARS + 1);
        check(&format!("x {long} y"), &["x", "y"]);
    }

    #[test]
    fn leading_mark_after_ascii_is_dropped_like_in_javascript() {
        // U+0301 right after a space belongs to the space (< U+0530), so it goes.
        check("a \u{301}b", &["b"]);
        check("\u{301}b", &["\u{301}b"]);
    }
}
