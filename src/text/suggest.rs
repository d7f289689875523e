//! Did-you-mean: the known name nearest to a misspelt one, for config keys, front matter keys, shortcodes,
//! templates, link targets and anchors alike, so every error suggests by the same rule.

/// The candidate nearest to `word` when it is near enough to be a typo: at most two edits (a swap of neighbours
/// counts as one), or a quarter of the candidate's length for long names. Ties go to the first in sorted order.
pub fn nearest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .filter(|(distance, c)| *distance <= 2.max(c.chars().count() / 4))
        .min()
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_found() {
        let candidates = ["guide/intro.md", "guide/setup.md", "reference/_index.md"];
        assert_eq!(nearest("guide/intro.mdx", &candidates), Some("guide/intro.md"));
        assert_eq!(nearest("guide/setpu.md", &candidates), Some("guide/setup.md"));
        assert_eq!(nearest("titel", &["title", "date", "tags"]), Some("title"));
    }

    #[test]
    fn unrelated_names_get_no_suggestion() {
        let candidates = ["guide/intro.md", "guide/setup.md", "reference/_index.md"];
        assert_eq!(nearest("completely/else.md", &candidates), None);
        assert_eq!(nearest("xyz", &["title", "date"]), None);
    }

    #[test]
    fn ties_go_to_the_first_name_in_sorted_order() {
        assert_eq!(nearest("cat", &["cut", "bat"]), Some("bat"));
    }
}
