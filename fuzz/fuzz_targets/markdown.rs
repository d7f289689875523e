//! Arbitrary text through `render_markdown`, with raw HTML escaped (as `render_raw_html = false` does).
//! Never panics, and no `href`/`src` in the output runs script (`javascript:`, `vbscript:`, `data:text/html`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::config::MarkdownConfig;
use quire::markdown::{render_markdown, Options};

fn resolve(path: &str) -> Option<String> {
    (path == "known.md").then(|| "https://example.org/known/".to_string())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for highlight_code in [false, true] {
        let settings = MarkdownConfig {
            smart_punctuation: true,
            highlight_code,
            render_raw_html: false,
            external_links_target_blank: highlight_code,
            external_links_no_follow: false,
            external_links_no_referrer: false,
        };
        let options = Options { settings, resolve: &resolve };
        let rendered = render_markdown(text, &options);
        assert_no_script_urls(&rendered.html);
        if let Some(summary) = &rendered.summary {
            assert_no_script_urls(summary);
        }
        // Heading ids are unique within a page, unless the author wrote the same `{#id}` twice.
        let mut ids = Vec::new();
        collect_ids(&rendered.toc, &mut ids);
        ids.sort_unstable();
        for pair in ids.windows(2) {
            if pair[0] == pair[1] {
                assert!(text.contains(&format!("{{#{}", pair[0])), "duplicate generated heading id `{}`", pair[0]);
            }
        }
    }
});

fn collect_ids<'a>(toc: &'a [quire::markdown::Heading], ids: &mut Vec<&'a str>) {
    for heading in toc {
        ids.push(&heading.id);
        collect_ids(&heading.children, ids);
    }
}

fn assert_no_script_urls(html: &str) {
    for attr in ["href=\"", "src=\""] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            let value = &value[..value.find('"').unwrap_or(value.len())];
            let compact: String = decode_entities(value)
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for scheme in ["javascript:", "vbscript:", "data:text/html"] {
                assert!(!compact.starts_with(scheme), "script URL in output: {value}");
            }
        }
    }
}

/// Enough entity decoding to see through `&#106;avascript:` in an attribute.
fn decode_entities(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').unwrap_or(0);
        let entity = &rest[1..end.max(1)];
        let decoded = if let Some(hex) = entity.strip_prefix("#x").or_else(|| entity.strip_prefix("#X")) {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = entity.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match entity {
                "amp" => Some('&'),
                "colon" => Some(':'),
                "Tab" => Some('\t'),
                "NewLine" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) if end > 0 => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
