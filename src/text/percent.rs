//! Percent-escapes (`%20`, `%C3%A9`) decoded: leniently for links found in pages (a stray `%` stays, as browsers
//! keep it), strictly for the dev server's request targets (a bad escape is refused, never guessed at).

use std::borrow::Cow;

use memchr::memchr;

/// A `%` not followed by two hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadEscape;

/// `%20` and friends decoded; a bad escape stays as written and invalid UTF-8 is replaced.
pub fn percent_decode(text: &str) -> Cow<'_, str> {
    if memchr(b'%', text.as_bytes()).is_none() {
        return text.into();
    }
    let bytes = decode(text, Escapes::Lenient).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned().into()
}

/// The bytes `raw` stands for; a bad escape is an error.
pub fn percent_decode_strict(raw: &str) -> Result<Vec<u8>, BadEscape> {
    decode(raw, Escapes::Strict)
}

/// What a `%` that starts no valid escape is.
#[derive(PartialEq)]
enum Escapes {
    Lenient,
    Strict,
}

fn decode(raw: &str, escapes: Escapes) -> Result<Vec<u8>, BadEscape> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| Some(hex_value(*bytes.get(i + 1)?)? * 16 + hex_value(*bytes.get(i + 2)?)?))
            .flatten();
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None if bytes[i] == b'%' && escapes == Escapes::Strict => return Err(BadEscape),
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    Ok(out)
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_keeps_bad_escapes_and_replaces_invalid_utf8() {
        assert_eq!(percent_decode("a%20b%C3%A9"), "a bé");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
        assert!(matches!(percent_decode("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn strict_refuses_bad_escapes() {
        assert_eq!(percent_decode_strict("a%20b%2f"), Ok(b"a b/".to_vec()));
        assert_eq!(percent_decode_strict("%FF"), Ok(vec![0xFF]));
        assert_eq!(percent_decode_strict("100%"), Err(BadEscape));
        assert_eq!(percent_decode_strict("%4g"), Err(BadEscape));
    }
}
