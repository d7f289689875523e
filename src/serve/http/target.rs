//! A request target ("/docs/a%20b/?q=1") to a clean, decoded list of path segments, or why it is refused.
//! Pure: decodes percent escapes exactly once and refuses `..`, backslashes, NUL and scheme tricks; no disk.

/// A request path after decoding: no empty, `.` or `..` segments, no `\`, NUL or control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanPath {
    pub segments: Vec<String>,
    /// "/a/" rather than "/a"; "/" has no segments and a trailing slash.
    pub trailing_slash: bool,
    /// The raw query string (already checked to be visible ASCII), kept for redirects.
    pub query: Option<String>,
}

/// Why a request target is refused; each one is answered with 400.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetRefusal {
    /// Not "/..." (absolute-form "http://x/", authority-form, "*", or empty).
    NotOriginPath,
    /// A byte outside visible ASCII in the raw target: space, control, NUL, raw backslash, non-ASCII.
    RawByte,
    /// `%` not followed by two hex digits.
    BadEscape,
    /// A decoded `\`, NUL or control character.
    DecodedByte,
    /// A segment made only of dots: `.`, `..`, `....` (however it was spelled).
    DotSegment,
    /// The decoded path is not UTF-8.
    NotUtf8,
}

pub fn clean_target(target: &str) -> Result<CleanPath, TargetRefusal> {
    if !target.starts_with('/') {
        return Err(TargetRefusal::NotOriginPath);
    }
    if target.bytes().any(|byte| !(0x21..=0x7e).contains(&byte) || byte == b'\\') {
        return Err(TargetRefusal::RawByte);
    }
    let (raw_path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (target, None),
    };
    let raw_path = raw_path.split('#').next().unwrap_or(raw_path);
    let decoded = crate::text::percent_decode_strict(raw_path).map_err(|_| TargetRefusal::BadEscape)?;
    if decoded.iter().any(|&byte| byte == b'\\' || byte < 0x20 || byte == 0x7f) {
        return Err(TargetRefusal::DecodedByte);
    }
    let decoded = String::from_utf8(decoded).map_err(|_| TargetRefusal::NotUtf8)?;
    let mut segments = Vec::new();
    for segment in decoded.split('/').filter(|segment| !segment.is_empty()) {
        if segment.bytes().all(|byte| byte == b'.') {
            return Err(TargetRefusal::DotSegment);
        }
        segments.push(segment.to_string());
    }
    Ok(CleanPath { trailing_slash: decoded.ends_with('/'), segments, query })
}

impl CleanPath {
    pub fn is(&self, url_path: &str) -> bool {
        !self.trailing_slash
            && self.segments.iter().map(String::as_str).eq(url_path.split('/').filter(|segment| !segment.is_empty()))
    }
}

/// Percent-encodes a URL path for a `Location` header: unreserved characters and `/` stay as they are.
pub fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use TargetRefusal::*;

    fn check(target: &str, expected: Result<(&[&str], bool), TargetRefusal>) {
        let cleaned = clean_target(target).map(|path| (path.segments, path.trailing_slash));
        let expected = expected.map(|(segments, slash)| (segments.iter().map(|s| s.to_string()).collect(), slash));
        assert_eq!(cleaned, expected, "{target}");
    }

    #[test]
    fn targets() {
        check("/", Ok((&[], true)));
        check("/principles/x/", Ok((&["principles", "x"], true)));
        check("/principles/x", Ok((&["principles", "x"], false)));
        check("/a%20b/c.css?v=1", Ok((&["a b", "c.css"], false)));
        check("/caf%C3%A9/", Ok((&["café"], true)));
        check("//evil.example/x", Ok((&["evil.example", "x"], false)));
        check("/a//b", Ok((&["a", "b"], false)));
        check("/%252e%252e/x", Ok((&["%2e%2e", "x"], false)));
        check("/..", Err(DotSegment));
        check("/a/../../etc/passwd", Err(DotSegment));
        check("/./a", Err(DotSegment));
        check("/....//x", Err(DotSegment));
        check("/%2e%2e/x", Err(DotSegment));
        check("/%2E%2e%2Fetc", Err(DotSegment));
        check("/.%2e/x", Err(DotSegment));
        check("/..%2fx", Err(DotSegment));
        check("/a\\..\\b", Err(RawByte));
        check("/a%5c..%5cb", Err(DecodedByte));
        check("/a%5Cb", Err(DecodedByte));
        check("/a%00.html", Err(DecodedByte));
        check("/a%0d%0aSet-Cookie:x", Err(DecodedByte));
        check("/a b", Err(RawByte));
        check("/caf\u{e9}", Err(RawByte));
        check("/a%zz", Err(BadEscape));
        check("/a%2", Err(BadEscape));
        check("/%ff%fe", Err(NotUtf8));
        check("http://evil.example/", Err(NotOriginPath));
        check("evil.example:80", Err(NotOriginPath));
        check("*", Err(NotOriginPath));
        check("", Err(NotOriginPath));
    }

    #[test]
    fn query_is_kept_raw() {
        let path = clean_target("/a/?x=%20&y").expect("valid target");
        assert_eq!(path.query.as_deref(), Some("x=%20&y"));
    }

    #[test]
    fn location_paths_are_encoded() {
        assert_eq!(encode_path("/a b/café/"), "/a%20b/caf%C3%A9/");
        assert_eq!(encode_path("/docs/x-y_z.~/"), "/docs/x-y_z.~/");
    }
}
