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

/// Appends `postings` (sorted by doc) as text: for each, the gap to the previous doc (the first doc
/// as is, later ones minus one), the score and the heading, each a base-32 varint, high group first.
pub fn encode_postings(postings: &[Posting], out: &mut String) {
    let mut previous: Option<u32> = None;
    for posting in postings {
        let gap = match previous {
            None => posting.doc,
            Some(previous) => posting.doc - previous - 1,
        };
        push_number(gap, out);
        push_number(u32::from(posting.score), out);
        push_number(u32::from(posting.heading), out);
        previous = Some(posting.doc);
    }
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

#[cfg(test)]
pub fn decode_postings(text: &str) -> Vec<Posting> {
    let mut numbers = Vec::new();
    let mut value = 0u32;
    for b in text.bytes() {
        if let Some(digit) = CONTINUED.iter().position(|&c| c == b) {
            value = value * 32 + digit as u32;
        } else {
            let digit = LAST.iter().position(|&c| c == b).expect("encoded digit");
            numbers.push(value * 32 + digit as u32);
            value = 0;
        }
    }
    let mut postings = Vec::new();
    let mut previous: Option<u32> = None;
    for triple in numbers.chunks(3) {
        let doc = previous.map_or(triple[0], |previous| previous + 1 + triple[0]);
        postings.push(Posting { doc, score: triple[1] as u8, heading: triple[2] as u16 });
        previous = Some(doc);
    }
    postings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(doc: u32, score: u8, heading: u16) -> Posting {
        Posting { doc, score, heading }
    }

    #[test]
    fn encoding_round_trips_and_small_numbers_take_one_character() {
        let postings = vec![posting(0, 1, 0), posting(1, 31, 2), posting(40, 7, 300), posting(100_000, 12, 0)];
        let mut text = String::new();
        encode_postings(&postings, &mut text);
        assert_eq!(&text[..6], "0100v2");
        assert_eq!(decode_postings(&text), postings);
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
