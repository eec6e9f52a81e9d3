//! "did you mean …?" for misspelt verbs, deal ids and other names.

/// The candidate closest to `word` by edit distance, if it is at most two
/// edits away (one for words of up to three characters), as a help line.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|best| format!("did you mean `{best}`?"))
}

pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Beyond this length a word is not a typo of a short name, and the
    // distance computation would be wasted on a megabyte-long token.
    if word.len() > 64 {
        return None;
    }
    let limit = if word.chars().count() <= 3 { 1 } else { 2 };
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        if candidate == word || candidate.len().abs_diff(word.len()) > limit {
            continue;
        }
        let distance = strsim::damerau_levenshtein(word, candidate);
        if distance <= limit && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("propsed", ["proposed", "won"]), Some("proposed"));
        assert_eq!(closest("acme", ["acne", "acme-2"]), Some("acne"));
        assert_eq!(closest("wno", ["won"]), Some("won"));
        assert_eq!(closest("xyz", ["won"]), None);
        assert_eq!(closest("contacted", ["talked"]), None);
    }
}
