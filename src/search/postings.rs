//! One term's postings (which pages, how strongly, under which heading) and their compact text encoding:
//! the string form the shard scripts carry and `decodePostings` in `static/search.js` reads back.

use std::borrow::Cow;

/// Postings kept in a term's shard: the best-scoring ones. The rest go to a tail file that the
/// browser loads only when a query needs more matches than the heads give.
pub const HEAD_POSTINGS: usize = 250;

/// Weights of a term's places in a page; their sum (at most 30) is the posting's score. A title
/// match alone outweighs a heading, the description and the body together.
pub const TITLE_WEIGHT: u8 = 16;
pub const HEADING_WEIGHT: u8 = 6;
pub const DESCRIPTION_WEIGHT: u8 = 3;
/// Body text adds 1 + log2(count), at most this.
pub const MAX_BODY_WEIGHT: u8 = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    /// 1..=31: how strongly the term belongs to the page (title > heading > description > body).
    pub score: u8,
    /// Where to send the reader: 0 for the top of the page, `i` for the page's `i`-th heading.
    pub heading: u16,
}

/// Digits of the last 5-bit group of a number; `CONTINUED` digits say more groups follow. Neither
/// alphabet holds `"` or `\`, so the string needs no escaping in JSON.
const LAST: &[u8; 32] = b"0123456789abcdefghijklmnopqrstuv";
const CONTINUED: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&(";

/// Appends `postings` (sorted by doc) as text, grouped by score, best score first, so that a score is
/// written once per group rather than once per posting. A group is its score, then its size times two
/// (plus one for a bitmap), then either each posting's gap to the group's previous doc (the first doc
/// as is, later ones minus one) followed, with `headings`, by its heading; or, when shorter (only
/// without headings: tails, where a common term's low scores cover much of the site), the first doc
/// and a bitmap of the docs from there on, five docs a `LAST` digit, lowest bit first. Every number is
/// a base-32 varint, high group first. `decodePostings` in `static/search.js` reads it back.
pub fn encode_postings(postings: &[Posting], headings: bool, out: &mut String) {
    // A stable sort keeps each group in doc order.
    let mut by_score: Vec<&Posting> = postings.iter().collect();
    by_score.sort_by_key(|posting| std::cmp::Reverse(posting.score));
    for group in by_score.chunk_by(|a, b| a.score == b.score) {
        push_number(u32::from(group[0].score), out);
        let docs = || group.iter().map(|posting| posting.doc);
        let first = group[0].doc;
        if !headings {
            let bitmap = (group[group.len() - 1].doc - first) as usize / 5 + 1 + number_len(first);
            if bitmap < gaps(docs()).map(number_len).sum() {
                push_number(group.len() as u32 * 2 + 1, out);
                push_number(first, out);
                push_bitmap(docs().map(|doc| doc - first), out);
                continue;
            }
        }
        push_number(group.len() as u32 * 2, out);
        for (gap, posting) in gaps(docs()).zip(group) {
            push_number(gap, out);
            if headings {
                push_number(u32::from(posting.heading), out);
            }
        }
    }
}

/// Each doc minus the previous one minus one (the first doc as is).
fn gaps(docs: impl Iterator<Item = u32>) -> impl Iterator<Item = u32> {
    let mut previous: Option<u32> = None;
    docs.map(move |doc| {
        let gap = previous.map_or(doc, |previous| doc - previous - 1);
        previous = Some(doc);
        gap
    })
}

/// Offsets (ascending) as bits, five to a `LAST` digit, lowest bit first, up to the last offset's digit.
fn push_bitmap(offsets: impl Iterator<Item = u32>, out: &mut String) {
    let mut digit = 0u32;
    let mut bits = 0u8;
    for offset in offsets {
        while offset / 5 > digit {
            out.push(LAST[usize::from(bits)] as char);
            bits = 0;
            digit += 1;
        }
        bits |= 1 << (offset % 5);
    }
    out.push(LAST[usize::from(bits)] as char);
}

/// Splits postings (sorted by doc) into the `HEAD_POSTINGS` best (by score, then lower doc) and the
/// rest, both still sorted by doc. Scores are small, so a count per score finds the cut: no sorting.
pub fn split_head(postings: &[Posting]) -> (Cow<'_, [Posting]>, Vec<Posting>) {
    if postings.len() <= HEAD_POSTINGS {
        return (Cow::Borrowed(postings), Vec::new());
    }
    let mut per_score = [0usize; 256];
    for posting in postings {
        per_score[usize::from(posting.score)] += 1;
    }
    // The lowest score that still gets in, and how many postings with exactly that score do.
    let mut better = 0;
    let mut cut = 255;
    while better + per_score[cut] < HEAD_POSTINGS {
        better += per_score[cut];
        cut -= 1;
    }
    let mut at_cut = HEAD_POSTINGS - better;
    let mut head = Vec::with_capacity(HEAD_POSTINGS);
    let mut tail = Vec::with_capacity(postings.len() - HEAD_POSTINGS);
    for posting in postings {
        let score = usize::from(posting.score);
        if score > cut || (score == cut && at_cut > 0) {
            if score == cut {
                at_cut -= 1;
            }
            head.push(*posting);
        } else {
            tail.push(*posting);
        }
    }
    (Cow::Owned(head), tail)
}

/// Characters `push_number` writes for `n`.
fn number_len(n: u32) -> usize {
    let mut len = 1;
    let mut rest = n >> 5;
    while rest > 0 {
        len += 1;
        rest >>= 5;
    }
    len
}

fn push_number(n: u32, out: &mut String) {
    let mut groups = [0u8; 7];
    let mut count = 0;
    let mut rest = n;
    loop {
        groups[count] = (rest & 31) as u8;
        count += 1;
        rest >>= 5;
        if rest == 0 {
            break;
        }
    }
    for i in (1..count).rev() {
        out.push(CONTINUED[groups[i] as usize] as char);
    }
    out.push(LAST[groups[0] as usize] as char);
}

/// Postings read back from `encode_postings`' text, sorted by doc; heading 0 when there are none. Text that
/// `encode_postings` did not write (a damaged index file) gives no postings.
pub fn decode_postings(text: &str, headings: bool) -> Vec<Posting> {
    try_decode_postings(text, headings).unwrap_or_default()
}

fn try_decode_postings(text: &str, headings: bool) -> Option<Vec<Posting>> {
    let digits: Vec<(u32, bool)> = text
        .bytes()
        .map(|b| match LAST.iter().position(|&c| c == b) {
            Some(d) => Some((d as u32, true)),
            None => CONTINUED.iter().position(|&c| c == b).map(|d| (d as u32, false)),
        })
        .collect::<Option<_>>()?;
    let mut at = 0;
    let number = |at: &mut usize| -> Option<u32> {
        let mut value: u32 = 0;
        loop {
            let (digit, last) = *digits.get(*at)?;
            *at += 1;
            value = value.checked_mul(32)?.checked_add(digit)?;
            if last {
                return Some(value);
            }
        }
    };
    let mut postings = Vec::new();
    while at < digits.len() {
        let score = u8::try_from(number(&mut at)?).ok()?;
        let size = number(&mut at)?;
        if size % 2 == 1 {
            let mut doc = number(&mut at)?;
            let mut found = 0;
            while found < size / 2 {
                let (bits, _) = *digits.get(at)?;
                at += 1;
                for bit in 0..5 {
                    if bits >> bit & 1 == 1 {
                        postings.push(Posting { doc, score, heading: 0 });
                        found += 1;
                    }
                    doc = doc.checked_add(1)?;
                }
            }
        } else {
            let mut previous: Option<u32> = None;
            for _ in 0..size / 2 {
                let gap = number(&mut at)?;
                let doc = match previous {
                    Some(previous) => previous.checked_add(1)?.checked_add(gap)?,
                    None => gap,
                };
                let heading = if headings { u16::try_from(number(&mut at)?).ok()? } else { 0 };
                postings.push(Posting { doc, score, heading });
                previous = Some(doc);
            }
        }
    }
    postings.sort_by_key(|posting| posting.doc);
    Some(postings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(doc: u32, score: u8, heading: u16) -> Posting {
        Posting { doc, score, heading }
    }

    fn encoded(postings: &[Posting], headings: bool) -> String {
        let mut text = String::new();
        encode_postings(postings, headings, &mut text);
        text
    }

    #[test]
    fn encoding_round_trips_and_small_numbers_take_one_character() {
        let postings = vec![posting(0, 1, 0), posting(1, 31, 2), posting(40, 7, 300), posting(100_000, 12, 0)];
        let text = encoded(&postings, true);
        // Best score first: 31, one posting (size 2 × 1), doc 1, heading 2.
        assert_eq!(&text[..4], "v212");
        assert_eq!(decode_postings(&text, true), postings);
        let without: Vec<Posting> = postings.iter().map(|p| posting(p.doc, p.score, 0)).collect();
        assert_eq!(decode_postings(&encoded(&postings, false), false), without);
    }

    #[test]
    fn dense_groups_without_headings_are_bitmaps() {
        let postings: Vec<Posting> = (0..1000).filter(|doc| doc % 3 != 0).map(|doc| posting(doc + 7, 2, 0)).collect();
        let text = encoded(&postings, false);
        assert!(text.len() < 220, "{} characters for {} postings", text.len(), postings.len());
        assert_eq!(decode_postings(&text, false), postings);
        // A sparse group stays a list of gaps.
        let sparse = [posting(3, 2, 0), posting(900, 2, 0)];
        assert_eq!(decode_postings(&encoded(&sparse, false), false), sparse);
        assert!(encoded(&sparse, false).len() < 10);
    }

    #[test]
    fn ties_at_the_cut_go_to_the_lower_docs() {
        let postings: Vec<Posting> = (0..HEAD_POSTINGS as u32 * 2).map(|doc| posting(doc, 3, 0)).collect();
        let (head, tail) = split_head(&postings);
        assert_eq!(head.last().map(|p| p.doc), Some(HEAD_POSTINGS as u32 - 1));
        assert_eq!(tail.first().map(|p| p.doc), Some(HEAD_POSTINGS as u32));
    }

    #[test]
    fn head_keeps_the_best_scores_sorted_by_doc() {
        let postings: Vec<Posting> = (0..HEAD_POSTINGS as u32 + 10).map(|doc| posting(doc, 1, 0)).collect();
        let mut boosted = postings.clone();
        boosted[HEAD_POSTINGS + 5].score = 20;
        let (head, tail) = split_head(&boosted);
        assert_eq!(head.len(), HEAD_POSTINGS);
        assert_eq!(tail.len(), 10);
        assert!(head.iter().any(|p| p.doc == HEAD_POSTINGS as u32 + 5));
        assert!(head.windows(2).all(|w| w[0].doc < w[1].doc));
        assert!(tail.windows(2).all(|w| w[0].doc < w[1].doc));
    }
}
