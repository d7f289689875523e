//! Content-Type of a served file from its extension; text types carry `charset=utf-8`.
//! A lookup table only: never sniffs the bytes (responses also say `nosniff`).

/// The Content-Type header value for an output path such as "principles/x/index.html".
pub fn content_type_for(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let extension = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => extension.to_ascii_lowercase(),
        _ => return OCTET_STREAM,
    };
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "jsonld" => "application/ld+json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" | "xsd" => "application/xml; charset=utf-8",
        "xsl" | "xslt" => "application/xslt+xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "txt" | "text" => "text/plain; charset=utf-8",
        "md" | "markdown" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "tsv" => "text/tab-separated-values; charset=utf-8",
        "vtt" => "text/vtt; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "yaml" | "yml" => "application/yaml; charset=utf-8",
        "toml" => "application/toml; charset=utf-8",
        "svg" => "image/svg+xml; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" | "jfif" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "tif" | "tiff" => "image/tiff",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" | "m4v" => "video/mp4",
        "webm" => "video/webm",
        "ogv" => "video/ogg",
        "mov" => "video/quicktime",
        "mp3" => "audio/mpeg",
        "m4a" => "audio/mp4",
        "ogg" | "oga" => "audio/ogg",
        "opus" => "audio/opus",
        "wav" => "audio/wav",
        "flac" => "audio/flac",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        _ => OCTET_STREAM,
    }
}

const OCTET_STREAM: &str = "application/octet-stream";

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, expected: &str) {
        assert_eq!(content_type_for(path), expected, "{path}");
    }

    #[test]
    fn content_types() {
        check("index.html", "text/html; charset=utf-8");
        check("principles/x/INDEX.HTM", "text/html; charset=utf-8");
        check("style.css", "text/css; charset=utf-8");
        check("search.js", "text/javascript; charset=utf-8");
        check("search_index.json", "application/json; charset=utf-8");
        check("app.js.map", "application/json; charset=utf-8");
        check("sitemap.xml", "application/xml; charset=utf-8");
        check("robots.txt", "text/plain; charset=utf-8");
        check("notes.md", "text/markdown; charset=utf-8");
        check("logo.svg", "image/svg+xml; charset=utf-8");
        check("a.png", "image/png");
        check("a.JPG", "image/jpeg");
        check("a.webp", "image/webp");
        check("a.avif", "image/avif");
        check("favicon.ico", "image/x-icon");
        check("f.woff2", "font/woff2");
        check("doc.pdf", "application/pdf");
        check("m.wasm", "application/wasm");
        check("v.mp4", "video/mp4");
        check("s.mp3", "audio/mpeg");
        check("CNAME", "application/octet-stream");
        check(".well-known/x", "application/octet-stream");
        check("dir.v2/.hidden", "application/octet-stream");
        check("archive.unknown", "application/octet-stream");
    }
}
