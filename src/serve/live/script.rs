//! The live-reload script served at `/__quire/live.js` and the `<script src>` tag added to every served HTML page.
//! The tag goes before the last `</body>` (or at the end); there is no inline script, so pages keep a strict CSP.

pub const SCRIPT_URL: &str = "/__quire/live.js";
pub const EVENTS_URL: &str = "/__quire/events";
pub const SCRIPT: &str = include_str!("live.js");
pub const SCRIPT_TAG: &str = "<script src=\"/__quire/live.js\" defer></script>";

/// Where the live-reload tag goes in a page: before its last `</body>`, or at the end when it has none.
pub fn script_tag_offset(html: &[u8]) -> usize {
    rfind_ignoring_case(html, b"</body").unwrap_or(html.len())
}

/// The page with the live-reload tag at `at` (from `script_tag_offset`); `at` past the end appends it.
pub fn with_script_tag(html: &[u8], at: usize) -> Vec<u8> {
    let at = at.min(html.len());
    let mut injected = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    injected.extend_from_slice(&html[..at]);
    injected.extend_from_slice(SCRIPT_TAG.as_bytes());
    injected.extend_from_slice(&html[at..]);
    injected
}

fn rfind_ignoring_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.len() > haystack.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&start| haystack[start..start + needle.len()].eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(html: &str, expected: &str) {
        let expected = expected.replace("TAG", SCRIPT_TAG);
        let html = html.as_bytes();
        assert_eq!(String::from_utf8_lossy(&with_script_tag(html, script_tag_offset(html))), expected);
    }

    #[test]
    fn tag_placement() {
        check("<body><p>x</p></body></html>", "<body><p>x</p>TAG</body></html>");
        check("<BODY>x</BODY >", "<BODY>xTAG</BODY >");
        check("<p>`</body>` in code</p></body>", "<p>`</body>` in code</p>TAG</body>");
        check("<p>fragment</p>", "<p>fragment</p>TAG");
        check("", "TAG");
    }

    #[test]
    fn script_builds_overlay_without_inner_html() {
        assert!(!SCRIPT.contains("innerHTML"));
        assert!(!SCRIPT.contains("eval("));
        assert!(SCRIPT.contains(EVENTS_URL));
        assert!(SCRIPT.contains("textContent"));
    }
}
