//! The Atom feed of dated pages, `sitemap.xml` and `robots.txt`, from the `Site`.
//! Text in, text out: the caller decides where the files go.

use crate::config::Config;
use crate::content::Site;
use std::fmt::Write;

/// Atom feed of every dated page, newest first.
pub fn atom_feed(site: &Site, config: &Config) -> String {
    let mut pages: Vec<_> = site.pages.iter().filter(|p| p.front_matter.date.is_some()).collect();
    pages.sort_by(|a, b| b.front_matter.date.cmp(&a.front_matter.date).then_with(|| a.path.cmp(&b.path)));
    let updated = pages
        .first()
        .and_then(|p| p.front_matter.updated.as_deref().or(p.front_matter.date.as_deref()))
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"",
    );
    xml.push_str(&escape(&config.default_language));
    let _ = write!(
        xml,
        "\">\n<title>{}</title>\n<subtitle>{}</subtitle>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{updated}</updated>\n<id>{}</id>\n",
        escape(&config.title),
        escape(&config.description),
        escape(&config.permalink("atom.xml")),
        escape(&config.permalink("/")),
        escape(&config.permalink("atom.xml")),
    );
    for page in pages {
        let link = config.permalink(&page.path);
        let date = page.front_matter.date.as_deref().map(rfc3339).unwrap_or_default();
        let page_updated = page.front_matter.updated.as_deref().map(rfc3339).unwrap_or_else(|| date.clone());
        let _ = write!(
            xml,
            "<entry xml:lang=\"{}\">\n<title>{}</title>\n<published>{date}</published>\n<updated>{page_updated}</updated>\n",
            escape(&config.default_language),
            escape(&page.title)
        );
        if let Some(author) = &config.author {
            let _ = write!(xml, "<author><name>{}</name></author>\n", escape(author));
        } else {
            xml.push_str("<author><name>Unknown</name></author>\n");
        }
        let _ = write!(
            xml,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n",
            escape(&link),
            escape(&link)
        );
        let body = page.rendered.summary.as_deref().unwrap_or(&page.rendered.html);
        let _ = write!(xml, "<content type=\"html\">{}</content>\n</entry>\n", escape(body));
    }
    xml.push_str("</feed>\n");
    xml
}

/// Every page, section and taxonomy page, in a stable order.
pub fn sitemap(site: &Site, config: &Config) -> String {
    let mut entries: Vec<(String, Option<&str>)> = Vec::new();
    entries.extend(site.sections.iter().filter(|s| s.front_matter.render).map(|s| (config.permalink(&s.path), None)));
    entries.extend(
        site.pages
            .iter()
            .map(|p| (config.permalink(&p.path), p.front_matter.updated.as_deref().or(p.front_matter.date.as_deref()))),
    );
    for taxonomy in &site.taxonomies {
        entries.push((config.permalink(&taxonomy.path), None));
        entries.extend(taxonomy.terms.iter().map(|t| (config.permalink(&t.path), None)));
    }
    entries.sort();
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (loc, lastmod) in entries {
        let _ = write!(xml, "<url><loc>{}</loc>", escape(&loc));
        if let Some(date) = lastmod {
            let _ = write!(xml, "<lastmod>{}</lastmod>", escape(date.get(..10).unwrap_or(date)));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub fn robots_txt(config: &Config, has_sitemap: bool) -> String {
    let mut text = String::from("User-agent: *\nDisallow:\nAllow: /\n");
    if has_sitemap {
        let _ = writeln!(text, "Sitemap: {}", config.permalink("sitemap.xml"));
    }
    text
}

fn rfc3339(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T00:00:00Z")
    } else {
        date.replace(' ', "T")
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn robots_points_at_sitemap() {
        let mut config = Config::default();
        config.set_base_url("https://example.org/docs/");
        assert_eq!(
            robots_txt(&config, true),
            "User-agent: *\nDisallow:\nAllow: /\nSitemap: https://example.org/docs/sitemap.xml\n"
        );
    }

    #[test]
    fn dates_become_rfc3339() {
        assert_eq!(rfc3339("2024-05-01"), "2024-05-01T00:00:00Z");
        assert_eq!(rfc3339("2024-05-01T10:00:00+02:00"), "2024-05-01T10:00:00+02:00");
    }
}
