//! Slugs for file names, headings and taxonomy terms, in the styles of Zola's `[slugify]` table.
//! `on` is Zola's own (the `slug` crate: ASCII transliteration, words joined by `-`), byte for byte.

/// How a kind of name (paths, taxonomy terms, heading anchors) is turned into a slug: config.toml's
/// `[slugify]` values, Zola's three plus `github` for anchors as GitHub, mdBook and Goldmark write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SlugStyle {
    /// Zola's default: transliterated to ASCII, lower case, every run of other characters one `-`.
    #[default]
    On,
    /// Kept as written, less what a file path or URL cannot hold (anchors: whitespace becomes `_`).
    Safe,
    /// Kept as written (anchors: whitespace becomes `_`, as Zola does).
    Off,
    /// GitHub's heading ids: lower case, punctuation dropped, each space a `-` (`a -- b` → `a----b`).
    Github,
}

impl SlugStyle {
    pub const NAMES: &'static [&'static str] = &["on", "safe", "off", "github"];

    pub fn from_name(name: &str) -> Option<SlugStyle> {
        match name {
            "on" => Some(SlugStyle::On),
            "safe" => Some(SlugStyle::Safe),
            "off" => Some(SlugStyle::Off),
            "github" => Some(SlugStyle::Github),
            _ => None,
        }
    }
}

/// A file stem, directory or `slug` in a URL path, or a taxonomy term, in `style`.
pub fn slugify_path(text: &str, style: SlugStyle) -> String {
    match style {
        SlugStyle::On => slug::slugify(text),
        // Zola's list: characters NTFS forbids, and trailing spaces and dots.
        SlugStyle::Safe => text.trim_end_matches([' ', '.']).chars().filter(|c| !r#"<>:"/\|?*"#.contains(*c)).collect(),
        SlugStyle::Off => text.to_string(),
        SlugStyle::Github => github_slug(text),
    }
}

/// A heading's generated id in `style` (before a `-1`, `-2`... suffix makes it unique on its page).
pub fn slugify_anchor(text: &str, style: SlugStyle) -> String {
    match style {
        SlugStyle::On => slug::slugify(text),
        SlugStyle::Safe | SlugStyle::Off => text.replace(|c: char| c.is_ascii_whitespace(), "_"),
        SlugStyle::Github => github_slug(text),
    }
}

/// github-slugger's rule: lower case; letters, digits, `-` and `_` kept; spaces to `-`; the rest dropped.
fn github_slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' {
            slug.push('-');
        } else if c.is_alphanumeric() || c == '-' || c == '_' {
            slug.extend(c.to_lowercase());
        }
    }
    slug
}

/// Quire's slug before `[slugify]` existed, kept for taxonomy names in URLs: `"Hello, World!"` → `"hello-world"`;
/// returns `""` for text without letters or digits.
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

    /// Zola's own table (components/utils/src/slugs.rs) and the GitHub style.
    #[test]
    fn styles() {
        for (text, on, safe, github) in [
            ("input", "input", "input", "input"),
            ("tes t", "tes-t", "tes t", "tes-t"),
            ("dot. ", "dot", "dot", "dot"),
            ("日本", "ri-ben", "日本", "日本"),
            ("héhé", "hehe", "héhé", "héhé"),
            ("test (hey)", "test-hey", "test (hey)", "test-hey"),
            ("load_data", "load-data", "load_data", "load_data"),
            ("People -- body", "people-body", "People -- body", "people----body"),
            ("China's Practice", "china-s-practice", "China's Practice", "chinas-practice"),
        ] {
            assert_eq!(slugify_path(text, SlugStyle::On), on, "{text}");
            assert_eq!(slugify_path(text, SlugStyle::Safe), safe, "{text}");
            assert_eq!(slugify_path(text, SlugStyle::Off), text, "{text}");
            assert_eq!(slugify_anchor(text, SlugStyle::Github), github, "{text}");
        }
        assert_eq!(slugify_anchor("dot. ", SlugStyle::Safe), "dot._");
        assert_eq!(slugify_anchor("tes t", SlugStyle::Off), "tes_t");
    }

    #[test]
    fn date_prefixes() {
        assert_eq!(split_date_prefix("2024-01-31-launch"), Some(("2024-01-31", "launch")));
        assert_eq!(split_date_prefix("2024-13-31-launch"), None);
        assert_eq!(split_date_prefix("launch"), None);
    }
}
