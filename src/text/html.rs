//! HTML's syntax as the readers of rendered HTML see it (the link check's scanner and the Markdown twins'
//! converter): a tag's name, its attributes, the end of a raw-text element, found in place; builds no tree.

use super::decode_entities;
use memchr::{memchr2, memmem};
use std::borrow::Cow;

/// The value of an attribute, as written.
#[derive(Clone, Copy)]
pub struct AttributeValue<'h> {
    /// Without its quotes, character references not yet decoded.
    pub text: &'h str,
    /// Whether `text` has a `&`, so may hold character references: few values do.
    pub references: bool,
}

impl<'h> AttributeValue<'h> {
    /// `part`, the value or a part of it, with its character references decoded.
    pub fn decode(&self, part: &'h str) -> Cow<'h, str> {
        match self.references {
            true => decode_entities(part),
            false => part.into(),
        }
    }
}

/// Length of the tag name `bytes` starts with (after its `<` or `</`): its ASCII letters and digits.
pub fn tag_name_length(bytes: &[u8]) -> usize {
    bytes.iter().position(|&b| !ALPHANUMERIC[usize::from(b)]).unwrap_or(bytes.len())
}

/// Calls `each` with the name (in the case it is written in; empty after a stray `=`) and the value (`None` for a
/// bare name: `hidden`) of every attribute of the tag whose name ends at `i` in `html`, in order; returns the offset
/// after the tag's `>` (the end of `html` when it has none). A `>` inside a quoted value ends nothing, and a `/`
/// between attributes (`<br />`) is read past.
pub fn read_attributes<'h>(
    html: &'h str,
    mut i: usize,
    mut each: impl FnMut(&'h str, Option<AttributeValue<'h>>),
) -> usize {
    // Works on bytes; every offset it slices `html` at is next to an ASCII byte, so on a char boundary.
    let bytes = html.as_bytes();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let name_start = i;
        i += bytes[i..].iter().position(|&b| ENDS_ATTRIBUTE_NAME[usize::from(b)]).unwrap_or(bytes.len() - i);
        let name = &html[name_start..i];
        i = skip_whitespace(bytes, i);
        if bytes.get(i) != Some(&b'=') {
            match name.is_empty() {
                true => i += 1, // a stray character; never loop on it
                false => each(name, None),
            }
            continue;
        }
        i = skip_whitespace(bytes, i + 1);
        let (text, references) = match bytes.get(i) {
            Some(&quote @ (b'"' | b'\'')) => {
                let value_start = i + 1;
                // The closing quote and any `&` before it, in one search.
                let mut references = false;
                let mut end = value_start;
                let end = loop {
                    match memchr2(quote, b'&', &bytes[end..]) {
                        Some(found) if bytes[end + found] == b'&' => {
                            references = true;
                            end += found + 1;
                        }
                        Some(found) => break end + found,
                        None => break html.len(),
                    }
                };
                i = (end + 1).min(html.len());
                (&html[value_start..end], references)
            }
            _ => {
                let value_start = i;
                while i < bytes.len() && bytes[i] != b'>' && !bytes[i].is_ascii_whitespace() {
                    i += 1;
                }
                (&html[value_start..i], bytes[value_start..i].contains(&b'&'))
            }
        };
        each(name, Some(AttributeValue { text, references }));
    }
}

/// Offset of `</name` (any case) at or after `from`: where the text of a raw-text element (`<script>`,
/// `<style>`) ends, since nothing inside it is markup.
pub fn find_closing_tag(bytes: &[u8], from: usize, name: &str) -> Option<usize> {
    let mut i = from;
    while i + 2 + name.len() <= bytes.len() {
        let found = memmem::find(&bytes[i..], b"</")?;
        let at = i + found;
        let candidate = bytes.get(at + 2..at + 2 + name.len())?;
        if candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// `u8::is_ascii_alphanumeric` as a table: the link check asks it of every byte of every tag name.
const ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// Bytes that end an attribute name: `=`, `>`, `/` and ASCII whitespace.
const ENDS_ATTRIBUTE_NAME: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = matches!(b as u8, b'=' | b'>' | b'/') || (b as u8).is_ascii_whitespace();
        b += 1;
    }
    table
};
