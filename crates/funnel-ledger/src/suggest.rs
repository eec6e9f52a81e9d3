//! "did you mean …?" for misspelt verbs, deal ids and other names.

use std::collections::HashMap;

/// The candidate closest to `word` by edit distance, if it is at most two
/// edits away (one for words of up to three characters), as a help line.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(help)
}

/// The help line that suggests `best`.
fn help(best: &str) -> String {
    format!("did you mean `{best}`?")
}

pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = limit(word)?;
    let mut best = Best::default();
    for candidate in candidates {
        best.consider(word, limit, candidate);
    }
    best.0.map(|(_, c)| c)
}

/// How many edits away a candidate may be; `None` for a word too long to
/// be a typo of a short name (the distance computation would be wasted on
/// a megabyte-long token).
fn limit(word: &str) -> Option<usize> {
    if word.len() > 64 {
        return None;
    }
    Some(if word.chars().count() <= 3 { 1 } else { 2 })
}

/// The closest candidate so far: the fewest edits, then the first by text.
#[derive(Default)]
struct Best<'a>(Option<(usize, &'a str)>);

impl<'a> Best<'a> {
    /// Considers `candidate`. Returns whether the distance was computed.
    fn consider(&mut self, word: &str, limit: usize, candidate: &'a str) -> bool {
        if candidate.len().abs_diff(word.len()) > limit || candidate == word {
            return false;
        }
        let distance = strsim::damerau_levenshtein(word, candidate);
        if distance <= limit && self.0.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            self.0 = Some((distance, candidate));
        }
        true
    }
}

/// The characters of a text, a bit each: letters, digits and `-` (what ids
/// are made of) each their own, any other character the last bit.
fn characters(text: &str) -> u64 {
    text.chars().fold(0, |bits, c| {
        let bit = match c {
            'a'..='z' => u32::from(c) - u32::from('a'),
            'A'..='Z' => u32::from(c) - u32::from('A') + 26,
            '0'..='9' => u32::from(c) - u32::from('0') + 52,
            '-' => 62,
            _ => 63,
        };
        bits | 1 << bit
    })
}

/// Whether texts holding `a`'s and `b`'s characters may be `limit` edits
/// apart: an edit (insertion, deletion, substitution, transposition) brings
/// in at most one character the other text lacks, and takes out at most
/// one. Characters sharing a bit only hide differences, so this never
/// rules out a candidate within `limit` edits.
fn near(a: u64, b: u64, limit: usize) -> bool {
    at_most(a & !b, limit) && at_most(b & !a, limit)
}

/// Whether `bits` has at most `n` bits set: clearing the lowest set bit `n`
/// times leaves nothing (cheaper than a count where the processor has no
/// instruction for it, as in a build for any x86-64).
fn at_most(mut bits: u64, n: usize) -> bool {
    for _ in 0..n {
        bits &= bits.wrapping_sub(1);
    }
    bits == 0
}

/// "did you mean …?" for many words against one large set of candidates:
/// the unknown deal ids of a ledger against its deals. Each candidate's
/// characters are noted once, so that most candidates are ruled out
/// without computing a distance; a word asked again gets its first answer;
/// and the work is bounded ([`Suggester::WORK`]): a ledger with thousands
/// of unknown ids and a hundred thousand deals, which took minutes, gets
/// suggestions for as many of its first unknown ids as the work allows,
/// in reading order, and none after.
pub struct Suggester<'a> {
    /// The candidates sorted by length, and the characters of each
    /// ([`characters`]), apart: a word scans the characters of those of a
    /// length near its own, 8 bytes each.
    texts: Vec<&'a str>,
    characters: Vec<u64>,
    asked: HashMap<String, Option<&'a str>>,
    work: u64,
}

impl<'a> Suggester<'a> {
    /// Work allowed, in candidates looked at; a computed distance counts
    /// [`Suggester::DISTANCE`]. Counted, not timed, so that the same ledger
    /// always gets the same suggestions. About a second here: the first
    /// 1,700 of 8,300 unknown ids among 132,000 deals get one.
    pub const WORK: u64 = 200_000_000;
    /// What one distance costs, in candidates looked at (measured here: a
    /// distance between two ids of 15 characters takes about 0.8 µs; the
    /// scan looks at a candidate in 2–5 ns).
    pub const DISTANCE: u64 = 400;

    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Suggester<'a> {
        Suggester::with_work(candidates, Suggester::WORK)
    }

    /// A suggester allowed `work` (for tests of the bound).
    pub fn with_work(candidates: impl IntoIterator<Item = &'a str>, work: u64) -> Suggester<'a> {
        let mut texts: Vec<&str> = candidates.into_iter().collect();
        // The closest is the same in any order.
        texts.sort_by_key(|c| c.len());
        Suggester {
            characters: texts.iter().map(|c| characters(c)).collect(),
            texts,
            asked: HashMap::new(),
            work,
        }
    }

    pub fn did_you_mean(&mut self, word: &str) -> Option<String> {
        self.closest(word).map(help)
    }

    /// [`closest`] of `word` among the candidates, while work is left.
    pub fn closest(&mut self, word: &str) -> Option<&'a str> {
        if let Some(&answer) = self.asked.get(word) {
            return answer;
        }
        if self.work == 0 {
            return None;
        }
        let limit = limit(word)?;
        let chars = characters(word);
        let from = self.texts.partition_point(|c| c.len() + limit < word.len());
        let to = self
            .texts
            .partition_point(|c| c.len() <= word.len() + limit);
        let mut best = Best::default();
        let mut distances = 0;
        for (i, &bits) in (from..to).zip(&self.characters[from..to]) {
            // The characters first: the candidate's text, which the
            // comparisons read, lies anywhere in a big ledger's memory.
            if near(chars, bits, limit) && best.consider(word, limit, self.texts[i]) {
                distances += 1;
            }
        }
        // A word started is finished (its answer is the closest of all
        // candidates); the bound applies to the next one.
        let spent = (to - from) as u64 + distances * Suggester::DISTANCE;
        self.work = self.work.saturating_sub(spent);
        self.asked.insert(word.to_owned(), best.0.map(|(_, c)| c));
        best.0.map(|(_, c)| c)
    }
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

    #[test]
    fn at_most_counts_bits() {
        for (bits, n, expected) in [
            (0, 0, true),
            (1, 0, false),
            (0b101, 1, false),
            (0b101, 2, true),
        ] {
            assert_eq!(at_most(bits, n), expected, "{bits:b} {n}");
        }
        assert!(!at_most(u64::MAX, 2));
    }

    /// Ids a few edits apart, as a big ledger's typos are.
    const IDS: [&str; 9] = [
        "acme-2024-01",
        "acme-2024-02",
        "acme-2024-10",
        "acme-2042-01",
        "acme-2024-011",
        "bolt-2024-01",
        "café-über",
        "cafe-uber",
        "ab",
    ];

    #[test]
    fn a_suggester_answers_as_closest_does() {
        let mut suggester = Suggester::new(IDS);
        for word in [
            "acme-2024-01",
            "acme-2024-1",
            "acme-2024-001",
            "acme-2240-01",
            "acme-2024-20",
            "bolt-2042-10",
            "café-uber",
            "cafe-über",
            "ab",
            "ba",
            "abc",
            "zzzz",
            "",
        ] {
            assert_eq!(suggester.closest(word), closest(word, IDS), "{word:?}");
        }
    }

    /// Once its work is spent a suggester suggests nothing new, but a word
    /// asked before keeps its answer; a word started is finished.
    #[test]
    fn a_suggester_stops_when_its_work_is_spent() {
        // Each word of 12 characters looks at the 7 candidates of 10 to 14
        // characters and computes a distance to some: the first word spends
        // all the work allowed.
        let mut suggester = Suggester::with_work(IDS, 8);
        assert_eq!(suggester.closest("acme-2024-03"), Some("acme-2024-01"));
        assert_eq!(suggester.closest("bolt-2024-02"), None);
        assert_eq!(suggester.closest("acme-2024-03"), Some("acme-2024-01"));
        assert_eq!(
            suggester.did_you_mean("acme-2024-03").as_deref(),
            Some("did you mean `acme-2024-01`?")
        );
    }

    proptest::proptest! {
        /// The characters rule out no candidate within reach: a suggester
        /// and a plain scan agree on any words and candidates.
        #[test]
        fn the_characters_rule_out_nothing_within_reach(
            candidates in proptest::collection::vec("[ab1-]{0,6}|[a-zé]{1,8}", 0..40),
            words in proptest::collection::vec("[ab1-]{0,6}|[a-zé]{1,8}", 1..10),
        ) {
            let mut suggester = Suggester::new(candidates.iter().map(String::as_str));
            for word in &words {
                let expected = closest(word, candidates.iter().map(String::as_str));
                proptest::prop_assert_eq!(suggester.closest(word), expected, "{:?}", word);
            }
        }
    }
}
