//! The closed sets of words of the language (format §3, §4, §7): the
//! built-in verbs of dated entries, the keywords of directives, and the
//! reserved words, which derive from both.
//!
//! Every place that must handle a verb matches on [`Verb`] (or on the
//! model's `EntryKind`, one variant per verb plus `Stage`) without a
//! catch-all arm, so a new verb is a compile error wherever it needs code:
//! the parser, the formatter, `build`, export and the ledger document.

/// A built-in verb of a dated entry. Stage verbs (`contacted`, or a
/// ledger's own `stages`) are not built in: they are names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verb {
    Lead,
    Won,
    Lost,
    Declined,
    Ended,
    Extended,
    Reopened,
    Spent,
    Touch,
    Note,
    Assume,
    Price,
    Balance,
    Costs,
}

impl Verb {
    /// Every built-in verb, in the order the docs and help list them.
    pub const ALL: [Verb; 14] = [
        Verb::Lead,
        Verb::Won,
        Verb::Lost,
        Verb::Declined,
        Verb::Ended,
        Verb::Extended,
        Verb::Reopened,
        Verb::Spent,
        Verb::Touch,
        Verb::Note,
        Verb::Assume,
        Verb::Price,
        Verb::Balance,
        Verb::Costs,
    ];

    /// The verb as written in a ledger.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verb::Lead => "lead",
            Verb::Won => "won",
            Verb::Lost => "lost",
            Verb::Declined => "declined",
            Verb::Ended => "ended",
            Verb::Extended => "extended",
            Verb::Reopened => "reopened",
            Verb::Spent => "spent",
            Verb::Touch => "touch",
            Verb::Note => "note",
            Verb::Assume => "assume",
            Verb::Price => "price",
            Verb::Balance => "balance",
            Verb::Costs => "costs",
        }
    }

    /// The built-in verb spelt `word`, if it is one.
    pub fn parse(word: &str) -> Option<Verb> {
        // A match, which compiles to a switch on the length and a word
        // comparison or two: every entry line asks, and a search of
        // [`Verb::ALL`] comparing each spelling was 3 % of the parse of a
        // terse ledger. The test `words_round_trip` holds the two spellings
        // to each other.
        let verb = match word.as_bytes() {
            b"lead" => Verb::Lead,
            b"won" => Verb::Won,
            b"lost" => Verb::Lost,
            b"declined" => Verb::Declined,
            b"ended" => Verb::Ended,
            b"extended" => Verb::Extended,
            b"reopened" => Verb::Reopened,
            b"spent" => Verb::Spent,
            b"touch" => Verb::Touch,
            b"note" => Verb::Note,
            b"assume" => Verb::Assume,
            b"price" => Verb::Price,
            b"balance" => Verb::Balance,
            b"costs" => Verb::Costs,
            _ => return None,
        };
        Some(verb)
    }

    /// Whether the word after the verb names a deal or a contact (a name
    /// `funnel fmt` pads into a column and never respells), rather than
    /// starting the verb's other arguments.
    pub const fn names_deal_or_contact(self) -> bool {
        match self {
            Verb::Lead
            | Verb::Won
            | Verb::Lost
            | Verb::Declined
            | Verb::Ended
            | Verb::Extended
            | Verb::Reopened
            | Verb::Note
            | Verb::Touch => true,
            Verb::Spent | Verb::Assume | Verb::Price | Verb::Balance | Verb::Costs => false,
        }
    }
}

impl std::fmt::Display for Verb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The keyword of an undated directive (format §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Include,
    Option,
    Stages,
    Channel,
    Contact,
    Client,
}

impl Keyword {
    pub const ALL: [Keyword; 6] = [
        Keyword::Include,
        Keyword::Option,
        Keyword::Stages,
        Keyword::Channel,
        Keyword::Contact,
        Keyword::Client,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Keyword::Include => "include",
            Keyword::Option => "option",
            Keyword::Stages => "stages",
            Keyword::Channel => "channel",
            Keyword::Contact => "contact",
            Keyword::Client => "client",
        }
    }

    pub fn parse(word: &str) -> Option<Keyword> {
        Keyword::ALL.into_iter().find(|k| k.as_str() == word)
    }
}

/// The words that join an entry's arguments (`via CHANNEL`, `at RATE`, …).
pub const ARGUMENT_WORDS: [&str; 6] = ["via", "from", "at", "until", "on", "cancelled"];

/// Whether `word` is reserved and so cannot be a stage name (format §7):
/// a directive keyword, a built-in verb or an argument word.
pub fn is_reserved(word: &str) -> bool {
    Keyword::parse(word).is_some() || Verb::parse(word).is_some() || ARGUMENT_WORDS.contains(&word)
}

/// Every reserved word, in the order of format §7.
pub fn reserved() -> impl Iterator<Item = &'static str> {
    Keyword::ALL
        .into_iter()
        .map(Keyword::as_str)
        .chain(Verb::ALL.into_iter().map(Verb::as_str))
        .chain(ARGUMENT_WORDS)
}

/// The options of `option NAME VALUE` (format §3).
pub const OPTIONS: &[&str] = &["currency", "stale-after", "strict", "tax-reserve"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for verb in Verb::ALL {
            assert_eq!(Verb::parse(verb.as_str()), Some(verb));
        }
        for keyword in Keyword::ALL {
            assert_eq!(Keyword::parse(keyword.as_str()), Some(keyword));
        }
        assert_eq!(Verb::parse("contacted"), None);
        for near in [
            "", "l", "leaf", "lease", "Lead", "notes", "nota", "spend", "talked", "declines",
        ] {
            assert_eq!(Verb::parse(near), None, "{near}");
        }
    }

    /// The reserved words of format §7, as listed there.
    #[test]
    fn reserved_words_are_those_of_the_format() {
        let listed = "include option stages channel contact client lead won lost declined ended \
                      extended reopened spent touch note assume price balance costs via from at \
                      until on cancelled";
        assert_eq!(reserved().collect::<Vec<_>>().join(" "), listed);
        assert!(listed.split(' ').all(is_reserved));
        assert!(!is_reserved("contacted"));
    }
}
