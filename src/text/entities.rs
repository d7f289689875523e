//! HTML character references (`&amp;`, `&nbsp;`, `&#x2F;`...) decoded, for the link check (attribute values)
//! and search (text and heading ids). Unknown or unterminated references stay as written, as browsers show them.

use std::borrow::Cow;

use memchr::memchr;

/// The longest name looked up: every name in `named` is shorter, and numeric references fit too.
const LONGEST_REFERENCE: usize = 32;

/// `text` with its character references decoded; borrowed when it has none (most text).
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if memchr(b'&', text.as_bytes()).is_none() {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let reference = rest[1..].find(';').filter(|&end| end <= LONGEST_REFERENCE).map(|end| &rest[1..=end]);
        match reference.and_then(|name| Some((decode_reference(name)?, name.len() + 2))) {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn decode_reference(name: &str) -> Option<char> {
    match name.strip_prefix('#') {
        Some(number) => {
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)
        }
        None => named(name),
    }
}

/// The named references Markdown renderers, templates and hand-written HTML actually use.
fn named(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "middot" => '·',
        "times" => '×',
        "rarr" => '→',
        "larr" => '←',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_and_numeric_references_are_decoded() {
        assert_eq!(decode_entities("a&amp;b &#39;c&#39; &#x2F; &#X2f;"), "a&b 'c' / /");
        assert_eq!(decode_entities("x&nbsp;y &mdash; z"), "x\u{a0}y — z");
    }

    #[test]
    fn unknown_and_unterminated_references_stay_as_written() {
        assert_eq!(decode_entities("a &bogus; b & c &amp"), "a &bogus; b & c &amp");
        assert_eq!(decode_entities("&#xZZ; &#99999999999;"), "&#xZZ; &#99999999999;");
    }

    #[test]
    fn text_without_references_is_borrowed() {
        assert!(matches!(decode_entities("plain text"), Cow::Borrowed("plain text")));
    }
}
