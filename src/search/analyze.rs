//! Pages in, posting lists out: each page is cut into text, tokenized and scored term by term
//! (title > heading > description > body), and its display record (JSON) is made. Knows no files.

use super::html_text::{extract_text, shorten, PageText};
use super::postings::{Posting, DESCRIPTION_WEIGHT, HEADING_WEIGHT, MAX_BODY_WEIGHT, TITLE_WEIGHT};
use super::term::{Term, TermIds};
use super::tokenize::for_each_term;
use super::SearchDoc;

/// Characters of the description kept for showing.
const DESCRIPTION_CHARS: usize = 200;

/// Posting lists under construction. Pages are added in increasing id order, so every list stays
/// sorted; each building task keeps one and the tasks' lists are joined at the end.
#[derive(Default)]
pub struct PostingLists {
    ids: TermIds,
    /// By term id.
    lists: Vec<List>,
    /// Lists the current page has touched.
    touched: Vec<u32>,
}

struct List {
    postings: Vec<Posting>,
    /// The page `stats` are about; they are reset when another page first meets the term.
    page: u32,
    stats: TermStats,
}

impl PostingLists {
    /// Adds page `id` (greater than any added before) and returns its display record, as JSON:
    /// `[url, title, section, description, intro excerpt, [[heading id, heading text, excerpt], …]]`.
    pub fn add_page(&mut self, id: u32, doc: &SearchDoc) -> Vec<u8> {
        self.count(id, doc.title, Place::Title);
        self.count(id, doc.description, Place::Description);
        let text = extract_text(doc.html, |section, text| {
            self.count(id, text, Place::Body(u16::try_from(section).unwrap_or(u16::MAX)))
        });
        for (i, section) in text.sections.iter().enumerate() {
            self.count(id, &section.heading, Place::Heading(u16::try_from(i + 1).unwrap_or(u16::MAX)));
        }
        for slot in self.touched.drain(..) {
            let list = &mut self.lists[slot as usize];
            let (score, heading) = std::mem::take(&mut list.stats).score();
            list.postings.push(Posting { doc: id, score, heading });
        }
        let mut record = Vec::with_capacity(1024);
        write_record(&mut record, doc, &text);
        record
    }

    /// Every term with its postings, in no particular order.
    pub fn into_lists(self) -> impl Iterator<Item = (Term, Vec<Posting>)> {
        let terms = self.ids.into_terms();
        terms.into_iter().zip(self.lists).map(|(term, list)| (term, list.postings))
    }

    fn count(&mut self, id: u32, text: &str, place: Place) {
        for_each_term(text, |term| {
            let slot = self.ids.id(term);
            if slot as usize == self.lists.len() {
                self.lists.push(List { postings: Vec::new(), page: u32::MAX, stats: TermStats::default() });
            }
            let list = &mut self.lists[slot as usize];
            if list.page != id {
                list.page = id;
                self.touched.push(slot);
            }
            list.stats.count(place);
        });
    }
}

#[derive(Clone, Copy)]
enum Place {
    Title,
    Description,
    Heading(u16),
    Body(u16),
}

#[derive(Default)]
struct TermStats {
    in_title: bool,
    in_description: bool,
    first_heading: Option<u16>,
    body_count: u32,
    /// The section being counted and its count so far; the best section and its count.
    section: u16,
    section_count: u32,
    best_section: u16,
    best_count: u32,
}

impl TermStats {
    fn count(&mut self, place: Place) {
        match place {
            Place::Title => self.in_title = true,
            Place::Description => self.in_description = true,
            Place::Heading(i) => {
                self.first_heading.get_or_insert(i);
            }
            Place::Body(i) => {
                self.body_count += 1;
                if i != self.section {
                    self.close_section();
                    self.section = i;
                }
                self.section_count += 1;
            }
        }
    }

    fn close_section(&mut self) {
        if self.section_count > self.best_count {
            self.best_count = self.section_count;
            self.best_section = self.section;
        }
        self.section_count = 0;
    }

    /// The posting's score and the heading to link to.
    fn score(mut self) -> (u8, u16) {
        self.close_section();
        let body =
            if self.body_count == 0 { 0 } else { (1 + self.body_count.ilog2()).min(u32::from(MAX_BODY_WEIGHT)) as u8 };
        let score = u8::from(self.in_title) * TITLE_WEIGHT
            + u8::from(self.first_heading.is_some()) * HEADING_WEIGHT
            + u8::from(self.in_description) * DESCRIPTION_WEIGHT
            + body;
        let heading = match (self.in_title, self.first_heading) {
            (true, _) => 0,
            (false, Some(heading)) => heading,
            (false, None) => self.best_section,
        };
        (score, heading)
    }
}

fn write_record(out: &mut Vec<u8>, doc: &SearchDoc, text: &PageText) {
    let headings: Vec<(&str, &str, &str)> = text
        .sections
        .iter()
        .map(|section| (section.id.as_str(), section.heading.as_str(), section.excerpt.as_str()))
        .collect();
    let description = shorten(doc.description.trim(), DESCRIPTION_CHARS);
    let record = (doc.url, doc.title, doc.section, description, text.intro.excerpt.as_str(), headings);
    serde_json::to_writer(out, &record).expect("strings and tuples always serialize into memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(title: &'a str, description: &'a str, html: &'a str) -> SearchDoc<'a> {
        SearchDoc { url: "/p/", title, section: "Guide", description, html }
    }

    struct Analyzed {
        record: Vec<u8>,
        terms: Vec<(Term, Vec<Posting>)>,
    }

    fn analyze(doc: &SearchDoc) -> Analyzed {
        let mut lists = PostingLists::default();
        let record = lists.add_page(7, doc);
        Analyzed { record, terms: lists.into_lists().collect() }
    }

    fn hit(analyzed: &Analyzed, term: &str) -> Posting {
        let found = analyzed.terms.iter().find(|(t, _)| t.as_str() == term);
        let postings = &found.expect("term present").1;
        assert_eq!(postings.len(), 1);
        postings[0]
    }

    #[test]
    fn title_outweighs_heading_outweighs_body() {
        let html = r#"<p>body words</p><h2 id="a">Heading words</h2><p>more body</p>"#;
        let analyzed = analyze(&doc("Title", "", html));
        assert!(hit(&analyzed, "titl").score > hit(&analyzed, "head").score);
        assert!(hit(&analyzed, "head").score > hit(&analyzed, "bod").score);
    }

    #[test]
    fn hits_point_at_the_heading_where_the_term_lives() {
        let html = r#"<p>intro</p><h2 id="a">A</h2><p>cats</p><h2 id="b">B</h2><p>dogs dogs</p><p>cats</p><p>dogs</p>"#;
        let analyzed = analyze(&doc("Pets", "", html));
        assert_eq!(hit(&analyzed, "dog"), Posting { doc: 7, score: 1 + 1, heading: 2 });
        assert_eq!(hit(&analyzed, "intro").heading, 0);
        assert_eq!(hit(&analyzed, "pet").heading, 0);
    }

    #[test]
    fn record_holds_display_fields_without_tags() {
        let html = r##"<p>Hello <b>world</b></p><h2 id="x">X <a class="anchor" href="#x">#</a></h2><p>Body</p>"##;
        let analyzed = analyze(&doc("<script>T</script>", "Desc", html));
        assert_eq!(
            String::from_utf8_lossy(&analyzed.record),
            r#"["/p/","<script>T</script>","Guide","Desc","Hello world",[["x","X","Body"]]]"#
        );
    }
}
