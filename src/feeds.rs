//! Machine-readable views of the `Site`: the Atom feed, `sitemap.xml`, `robots.txt`, `llms.txt` and `site.json`.
//! Text in, text out: the caller decides where the files go.

use crate::config::Config;
use crate::content::{Page, PageId, SectionId, Site, Target};
use crate::links::Relations;
use std::fmt::Write;

/// Atom feed of every dated page of language `lang` (`None`: the default one), newest first.
pub fn atom_feed(site: &Site, config: &Config, lang: Option<&str>) -> String {
    let pages = site.pages.iter().enumerate().filter(|(_, p)| p.doc.lang.as_deref() == lang).collect();
    let language = lang.and_then(|lang| config.languages.get(lang));
    let title = language.and_then(|l| l.title.as_deref()).unwrap_or(&config.title);
    let prefix = Config::language_prefix(lang);
    let feed = Feed { title: title.to_string(), path: format!("{prefix}/atom.xml"), home: format!("{prefix}/") };
    atom_of(site, config, lang, pages, &feed)
}

/// The Atom feed of a taxonomy's term whose taxonomy says `feed = true` (`/tags/rust/atom.xml`): its pages, titled
/// "SITE - TERM" as Zola's feed template titles it.
pub fn term_feed(site: &Site, config: &Config, taxonomy: usize, term: usize) -> String {
    let taxonomy = &site.taxonomies[taxonomy];
    let term = &taxonomy.terms[term];
    let pages = term.pages.iter().map(|&id| (id, &site.pages[id])).collect();
    let language = taxonomy.lang.as_deref().and_then(|lang| config.languages.get(lang));
    let site_title = language.and_then(|l| l.title.as_deref()).unwrap_or(&config.title);
    let title = format!("{site_title} - {}", term.name);
    let feed = Feed { title, path: format!("{}atom.xml", term.path), home: term.path.clone() };
    atom_of(site, config, taxonomy.lang.as_deref(), pages, &feed)
}

/// What a feed is called and where it and the page it stands for are.
struct Feed {
    title: String,
    path: String,
    home: String,
}

/// The Atom feed of the dated ones of `pages` in language `lang`, newest first.
fn atom_of(site: &Site, config: &Config, lang: Option<&str>, pages: Vec<(usize, &Page)>, feed: &Feed) -> String {
    let mut pages: Vec<_> = pages.into_iter().filter(|(_, p)| p.doc.front_matter.date.is_some()).collect();
    let language = lang.and_then(|lang| config.languages.get(lang));
    let title = &feed.title;
    let description = language.and_then(|l| l.description.as_deref()).unwrap_or(&config.description);
    let (feed_path, home_path) = (feed.path.clone(), feed.home.clone());
    let lang = lang.unwrap_or(&config.default_language);
    pages.sort_by(|(_, a), (_, b)| {
        b.doc.front_matter.date.cmp(&a.doc.front_matter.date).then_with(|| a.doc.path.cmp(&b.doc.path))
    });
    let updated = pages
        .first()
        .and_then(|&(id, p)| site.page_updated(id).or(p.doc.front_matter.date.as_deref()))
        .map(rfc3339)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"",
    );
    xml.push_str(&escape(lang));
    let _ = write!(
        xml,
        "\">\n<title>{}</title>\n<subtitle>{}</subtitle>\n<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<updated>{updated}</updated>\n<id>{}</id>\n",
        escape(title),
        escape(description),
        escape(&config.permalink(&feed_path)),
        escape(&config.permalink(&home_path)),
        escape(&config.permalink(&feed_path)),
    );
    for (id, page) in pages {
        let link = config.permalink(&page.doc.path);
        let date = page.doc.front_matter.date.as_deref().map(rfc3339).unwrap_or_default();
        let page_updated = site.page_updated(id).map(rfc3339).unwrap_or_else(|| date.clone());
        let _ = write!(
            xml,
            "<entry xml:lang=\"{}\">\n<title>{}</title>\n<published>{date}</published>\n<updated>{page_updated}</updated>\n",
            escape(lang),
            escape(&page.doc.title)
        );
        // Atom wants an author: without `author` in config.toml, the site (its title) is the author, not "Unknown".
        let author = config.author.as_deref().filter(|a| !a.is_empty()).unwrap_or(&config.title);
        if !author.is_empty() {
            let _ = writeln!(xml, "<author><name>{}</name></author>", escape(author));
        }
        let _ = write!(
            xml,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n<id>{}</id>\n",
            escape(&link),
            escape(&link)
        );
        let body = page.doc.rendered.summary.as_deref().unwrap_or(&page.doc.rendered.html);
        let _ = write!(xml, "<content type=\"html\">{}</content>\n</entry>\n", escape(body));
    }
    xml.push_str("</feed>\n");
    xml
}

/// Every page, section and taxonomy page, in a stable order.
pub fn sitemap(site: &Site, config: &Config) -> String {
    let mut entries: Vec<(String, Option<&str>)> = Vec::new();
    entries.extend(
        site.sections.iter().filter(|s| s.doc.front_matter.render).map(|s| (config.permalink(&s.doc.path), None)),
    );
    entries.extend(
        site.pages.iter().enumerate().map(|(id, p)| {
            (config.permalink(&p.doc.path), site.page_updated(id).or(p.doc.front_matter.date.as_deref()))
        }),
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
        let _ = write!(xml, "<url><loc>{}</loc>", escape(&percent_encode_non_ascii(&loc)));
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

/// `llms.txt` (llmstxt.org): the site's title and description, then every page as a link, section by section.
/// With `markdown_twins = true` the links go to the pages' Markdown twins, and `llms-full.txt` is named first.
pub fn llms_txt(site: &Site, config: &Config) -> String {
    let root = &site.sections[0];
    let title = if config.title.is_empty() { &root.doc.title } else { &config.title };
    let mut text = format!("# {}\n", one_line(title));
    let description = config.description.as_str();
    if !description.is_empty() {
        let _ = writeln!(text, "\n> {}", one_line(description));
    }
    if config.markdown_twins {
        let _ = writeln!(
            text,
            "\nEach link below is a page's Markdown source; the whole site as one Markdown file: [{0}]({1}).",
            crate::twins::LLMS_FULL,
            config.permalink(crate::twins::LLMS_FULL)
        );
    }
    let address = |target: Target| {
        let permalink = config.permalink(site.document(target).path.as_str());
        match config.markdown_twins && crate::twins::twin_path(site, target).is_some() {
            true => format!("{permalink}index.md"),
            false => permalink,
        }
    };
    for id in sections_in_reading_order(site) {
        let section = &site.sections[id];
        let own_pages = own_pages(site, id);
        if own_pages.is_empty() && id == 0 {
            continue; // no empty "Pages" heading when the home section has no pages of its own
        }
        if own_pages.is_empty() && id != 0 {
            let _ = writeln!(
                text,
                "\n## {}\n\n- [{}]({}){}",
                one_line(&section.doc.title),
                one_line(&section.doc.title),
                address(Target::Section(id)),
                summary(section.doc.front_matter.description.as_deref())
            );
            continue;
        }
        let heading = if id == 0 { "Pages" } else { &section.doc.title };
        let _ = writeln!(text, "\n## {}\n", one_line(heading));
        if id != 0 {
            let _ = writeln!(
                text,
                "- [{}]({}){}",
                one_line(&section.doc.title),
                address(Target::Section(id)),
                summary(section.doc.front_matter.description.as_deref())
            );
        }
        for page_id in own_pages {
            let page = &site.pages[page_id];
            let _ = writeln!(
                text,
                "- [{}]({}){}",
                one_line(&page.doc.title),
                address(Target::Page(page_id)),
                summary(page.doc.front_matter.description.as_deref())
            );
        }
    }
    text
}

/// Every section, each followed by its own pages, in the sidebar's order: what `llms-full.txt` lists.
pub fn reading_order(site: &Site) -> Vec<Target> {
    let mut order = Vec::with_capacity(site.sections.len() + site.pages.len());
    for id in sections_in_reading_order(site) {
        order.push(Target::Section(id));
        order.extend(own_pages(site, id).into_iter().map(Target::Page));
    }
    order
}

/// Sections depth first, by weight, as the sidebar shows them.
fn sections_in_reading_order(site: &Site) -> Vec<SectionId> {
    let mut order = Vec::with_capacity(site.sections.len());
    let mut stack = vec![0];
    while let Some(id) = stack.pop() {
        order.push(id);
        stack.extend(site.sections[id].subsections.iter().rev());
    }
    order
}

/// A section's own pages in its order, without those of its transparent subsections.
fn own_pages(site: &Site, id: SectionId) -> Vec<PageId> {
    site.sections[id].pages.iter().copied().filter(|&p| site.pages[p].section == id).collect()
}

/// `site.json`: the site model for tools — sections, pages, permalinks, taxonomies and relations.
/// Serialized straight from borrowed views: a `serde_json::Value` tree of a 10k-page site was the
/// build's peak of memory. Fields are in alphabetical order, as the file has always written them.
pub fn site_json(site: &Site, config: &Config, relations: &Relations) -> String {
    let mut bytes = Vec::new();
    // Writing into memory cannot fail, and the serializer is given only strings and numbers.
    let _ = write_site_json(site, config, relations, &mut bytes);
    String::from_utf8(bytes).unwrap_or_default()
}

/// site.json written as it is serialized: never held whole in memory.
pub fn write_site_json(
    site: &Site,
    config: &Config,
    relations: &Relations,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use std::collections::{BTreeMap, HashMap};
    let path_of = |target: &Target| site.document(*target).relative_path.as_str();
    let list = |target: Target, map: &HashMap<Target, Vec<Target>>| -> Vec<&str> {
        map.get(&target).map(|targets| targets.iter().map(path_of).collect()).unwrap_or_default()
    };
    let page_paths =
        |pages: &[usize]| -> Vec<&str> { pages.iter().map(|&p| site.pages[p].doc.relative_path.as_str()).collect() };
    let sections = site.sections.iter().enumerate().map(|(id, s)| SectionJson {
        backlinks: list(Target::Section(id), &relations.backlinks),
        description: s.doc.front_matter.description.as_deref(),
        pages: page_paths(&s.pages),
        parent: s.parent.map(|p| site.sections[p].doc.relative_path.as_str()),
        permalink: config.permalink(&s.doc.path),
        related: list(Target::Section(id), &relations.related),
        relative_path: &s.doc.relative_path,
        subsections: s.subsections.iter().map(|&c| site.sections[c].doc.relative_path.as_str()).collect(),
        title: &s.doc.title,
    });
    let pages = site.pages.iter().enumerate().map(|(id, p)| PageJson {
        backlinks: list(Target::Page(id), &relations.backlinks),
        date: p.doc.front_matter.date.as_deref(),
        description: p.doc.front_matter.description.as_deref(),
        permalink: config.permalink(&p.doc.path),
        related: list(Target::Page(id), &relations.related),
        relative_path: &p.doc.relative_path,
        section: &site.sections[p.section].doc.relative_path,
        taxonomies: &p.doc.front_matter.taxonomies,
        title: &p.doc.title,
        weight: p.doc.front_matter.weight,
        word_count: p.doc.rendered.word_count,
    });
    let taxonomies: BTreeMap<&str, BTreeMap<&str, Vec<&str>>> = site
        .taxonomies
        .iter()
        .map(|t| (t.name.as_str(), t.terms.iter().map(|term| (term.name.as_str(), page_paths(&term.pages))).collect()))
        .collect();
    let model = SiteJson {
        base_url: &config.base_url,
        description: &config.description,
        pages: Lazy::new(pages),
        sections: Lazy::new(sections),
        taxonomies,
        title: &config.title,
    };
    serde_json::to_writer_pretty(&mut *out, &model)?;
    out.write_all(b"\n")
}

#[derive(serde::Serialize)]
#[serde(bound = "")]
struct SiteJson<'a, P: Iterator<Item = PageJson<'a>>, S: Iterator<Item = SectionJson<'a>>> {
    base_url: &'a str,
    description: &'a str,
    pages: Lazy<P>,
    sections: Lazy<S>,
    taxonomies: std::collections::BTreeMap<&'a str, std::collections::BTreeMap<&'a str, Vec<&'a str>>>,
    title: &'a str,
}

#[derive(serde::Serialize)]
struct SectionJson<'a> {
    backlinks: Vec<&'a str>,
    description: Option<&'a str>,
    pages: Vec<&'a str>,
    parent: Option<&'a str>,
    permalink: String,
    related: Vec<&'a str>,
    relative_path: &'a str,
    subsections: Vec<&'a str>,
    title: &'a str,
}

#[derive(serde::Serialize)]
struct PageJson<'a> {
    backlinks: Vec<&'a str>,
    date: Option<&'a str>,
    description: Option<&'a str>,
    permalink: String,
    related: Vec<&'a str>,
    relative_path: &'a str,
    section: &'a str,
    taxonomies: &'a std::collections::BTreeMap<String, Vec<String>>,
    title: &'a str,
    weight: Option<i64>,
    word_count: usize,
}

/// A list serialized item by item as its iterator yields them, so no list of 10,000 views is held at once.
struct Lazy<I>(std::cell::RefCell<Option<I>>);

impl<I> Lazy<I> {
    fn new(items: I) -> Lazy<I> {
        Lazy(std::cell::RefCell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for Lazy<I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        serializer.collect_seq(items.into_iter().flatten())
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn summary(description: Option<&str>) -> String {
    description.map(|d| format!(": {}", one_line(d))).unwrap_or_default()
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

/// Sitemaps take RFC 3986 URLs: bytes outside ASCII (from slugs such as `ünïcode`) become `%XX`.
fn percent_encode_non_ascii(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii() && !c.is_ascii_whitespace() {
            out.push(c);
        } else {
            let mut bytes = [0; 4];
            for byte in c.encode_utf8(&mut bytes).bytes() {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

/// The one-file outputs made from the whole site model (Zola's search index is one: `search::zola` makes it).
#[derive(Debug, Clone, Copy)]
pub enum Generated {
    Sitemap,
    Robots,
    Atom,
    /// The Atom feed of another language (`[languages.LANG] generate_feeds`): the index of the language in
    /// `config.languages`.
    LanguageAtom(usize),
    Llms,
    SiteJson,
    /// Zola's search index (`search_index.en.js`), for a Zola site's own search box.
    ZolaSearchIndex,
    /// Zola's search index of another language (`[languages.LANG] build_search_index`): the index of the language
    /// in `config.languages`.
    LanguageZolaSearchIndex(usize),
    /// The Atom feed of a term of a taxonomy with `feed = true`: the indexes of the taxonomy in `site.taxonomies`
    /// and of the term in it.
    TermAtom(usize, usize),
}

impl Generated {
    pub fn asked_by<'a>(config: &'a Config, site: &'a Site) -> impl Iterator<Item = Generated> + 'a {
        let languages = config.languages.values().enumerate();
        let term_feeds =
            site.taxonomies.iter().enumerate().filter(|(_, taxonomy)| taxonomy.feed).flat_map(|(index, taxonomy)| {
                (0..taxonomy.terms.len()).map(move |term| (Generated::TermAtom(index, term), true))
            });
        [
            (Generated::Sitemap, config.writes_sitemap()),
            (Generated::Robots, config.generate_robots_txt),
            (Generated::Atom, config.generate_feeds),
            // Quire's own: for a site that uses the built-in theme, or whose Markdown twins llms.txt lists.
            (Generated::Llms, config.uses_builtin_theme || config.markdown_twins),
            (Generated::SiteJson, config.uses_builtin_theme),
            (Generated::ZolaSearchIndex, crate::search::zola::asked_by(config)),
        ]
        .into_iter()
        .chain(languages.clone().map(|(index, language)| (Generated::LanguageAtom(index), language.generate_feeds)))
        .chain(config.languages.keys().enumerate().map(|(index, code)| {
            (Generated::LanguageZolaSearchIndex(index), crate::search::zola::asked_for(config, code))
        }))
        .chain(term_feeds)
        .filter_map(|(generated, asked)| asked.then_some(generated))
    }

    pub fn path(self, site: &Site, config: &Config) -> String {
        let path = match self {
            Generated::Sitemap => "sitemap.xml",
            Generated::Robots => "robots.txt",
            Generated::Atom => "atom.xml",
            Generated::LanguageAtom(index) => return format!("{}/atom.xml", language_code(config, index)),
            Generated::Llms => "llms.txt",
            Generated::SiteJson => "site.json",
            Generated::ZolaSearchIndex => return crate::search::zola::index_path(config, None),
            Generated::LanguageZolaSearchIndex(index) => {
                return crate::search::zola::index_path(config, Some(language_code(config, index)))
            }
            // A term's path starts with `/` and ends with one: `/tags/rust/` is written at `tags/rust/atom.xml`.
            Generated::TermAtom(taxonomy, term) => {
                return format!("{}atom.xml", site.taxonomies[taxonomy].terms[term].path.trim_start_matches('/'))
            }
        };
        path.to_string()
    }

    /// The file written to `out`; only site.json is written as it is made, the others are small.
    pub fn write_to(
        self,
        site: &Site,
        config: &Config,
        relations: &Relations,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self {
            Generated::SiteJson => write_site_json(site, config, relations, out),
            _ => out.write_all(self.make(site, config, relations).as_bytes()),
        }
    }

    pub fn make(self, site: &Site, config: &Config, relations: &Relations) -> String {
        match self {
            Generated::Sitemap => sitemap(site, config),
            Generated::Robots => robots_txt(config, config.writes_sitemap()),
            Generated::Atom => atom_feed(site, config, None),
            Generated::LanguageAtom(index) => atom_feed(site, config, Some(language_code(config, index))),
            Generated::Llms => llms_txt(site, config),
            Generated::SiteJson => site_json(site, config, relations),
            Generated::ZolaSearchIndex => crate::search::zola::make_index(site, config, None),
            Generated::LanguageZolaSearchIndex(index) => {
                crate::search::zola::make_index(site, config, Some(language_code(config, index)))
            }
            Generated::TermAtom(taxonomy, term) => term_feed(site, config, taxonomy, term),
        }
    }
}

/// The code of the `index`-th of the site's other languages.
fn language_code(config: &Config, index: usize) -> &str {
    config.languages.keys().nth(index).map_or("", String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_urls_are_ascii() {
        assert_eq!(percent_encode_non_ascii("https://x.org/ünï code/"), "https://x.org/%C3%BCn%C3%AF%20code/");
        assert_eq!(percent_encode_non_ascii("https://x.org/a/?b=1"), "https://x.org/a/?b=1");
    }

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
