//! Slugs for file names, headings and taxonomy terms: lower-case, words joined by `-`.
//! Letters and digits of any script are kept, so Chinese headings get readable ids.

/// `"Hello, World!"` → `"hello-world"`; returns `""` for text without letters or digits.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            // Every heading and path component comes through here: ASCII skips Unicode's case tables.
            slug.push(c.to_ascii_lowercase());
        } else if !c.is_ascii() && c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.extend(c.to_lowercase());
        } else if c == '\'' || c == '\u{2019}' {
            // Apostrophes join words ("China's" → "chinas"), as readers expect.
        } else {
            dash = true;
        }
    }
    slug
}

/// Splits a leading `2024-01-31-` or `2024-01-31_` date off a file stem, as Zola does.
pub fn split_date_prefix(stem: &str) -> Option<(&str, &str)> {
    let bytes = stem.as_bytes();
    if bytes.len() > 11
        && bytes[..10].iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() })
        && matches!(bytes[10], b'-' | b'_')
        && super::front_matter::is_date(&stem[..10])
    {
        Some((&stem[..10], &stem[11..]))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for (text, slug) in [
            ("Hello, World!", "hello-world"),
            ("  Respecting sovereignty in cyberspace ", "respecting-sovereignty-in-cyberspace"),
            ("China's Practice", "chinas-practice"),
            ("snake_case and CamelCase", "snake_case-and-camelcase"),
            ("网络 主权", "网络-主权"),
            ("Ünïcödé", "ünïcödé"),
            ("!!!", ""),
        ] {
            assert_eq!(slugify(text), slug, "{text}");
        }
    }

    #[test]
    fn date_prefixes() {
        assert_eq!(split_date_prefix("2024-01-31-launch"), Some(("2024-01-31", "launch")));
        assert_eq!(split_date_prefix("2024-13-31-launch"), None);
        assert_eq!(split_date_prefix("launch"), None);
    }
}
