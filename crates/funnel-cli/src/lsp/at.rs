//! What stands at a place in a line: the word there and the part the
//! grammar gives it (a deal, a channel, a metadata key, …). Completion,
//! hover and go-to-definition share it.
//!
//! It splits the line into words as format §3 does (blanks, `"…"`
//! strings, a `;` comment after a blank) and reads the part from the words
//! before, the way format §5 places them; it does not parse the line, so it
//! also answers on a line that is still being typed.

use std::ops::Range;

use funnel_ledger::verb::{Keyword, Verb};

/// The part a word plays in its line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The second word of a dated entry: a built-in verb or a stage.
    Verb,
    /// The first word of an undated line: a directive keyword.
    Keyword,
    Deal,
    Channel,
    Contact,
    Client,
    /// The key of an indented `key: value` line.
    MetaKey,
    /// The name after `option`.
    OptionName,
    /// A date, a number, a string, a tag, a comment, …
    Other,
}

/// The word at a place in a line and its part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub role: Role,
    /// The word's bytes in the line; empty (at the place) between words.
    pub word: Range<usize>,
    /// Whether the word names something new here (`lead DEAL`, `channel
    /// NAME`) rather than refers to something named elsewhere.
    pub declares: bool,
}

/// The word at byte `column` of `line` (a line without its line ending):
/// the word the place is in or right after, else an empty word there.
pub fn at(line: &str, column: usize) -> Slot {
    let column = floor_char_boundary(line, column.min(line.len()));
    let other = |word: Range<usize>| Slot {
        role: Role::Other,
        word,
        declares: false,
    };
    let (words, comment) = words(line);
    if comment.is_some_and(|start| column > start) {
        return other(column..column);
    }
    let (index, word) = match words
        .iter()
        .position(|w| w.start <= column && column <= w.end)
    {
        Some(index) => (index, words[index].clone()),
        None => (
            words.iter().filter(|w| w.end < column).count(),
            column..column,
        ),
    };
    let text = |i: usize| words.get(i).map_or("", |w: &Range<usize>| &line[w.clone()]);
    let current = &line[word.clone()];
    if current.starts_with(['"', '#']) {
        return other(word);
    }
    let slot = |role: Role, declares: bool| Slot {
        role,
        word: word.clone(),
        declares,
    };
    if line.starts_with([' ', '\t']) {
        // Metadata: `key: value`.
        return match index {
            0 => Slot {
                role: Role::MetaKey,
                word: word.start..word.end - usize::from(current.ends_with(':')),
                declares: false,
            },
            1 if text(0) == "client:" => slot(Role::Client, false),
            1 if text(0) == "buyer:" => slot(Role::Contact, false),
            _ => other(word),
        };
    }
    if index == 0 {
        return if current.starts_with(|c: char| c.is_ascii_digit()) {
            other(word)
        } else {
            slot(Role::Keyword, false)
        };
    }
    let first = text(0);
    if let Some(keyword) = Keyword::parse(first) {
        return match (keyword, index) {
            (Keyword::Channel, 1) => slot(Role::Channel, true),
            (Keyword::Contact, 1) => slot(Role::Contact, true),
            (Keyword::Client, 1) => slot(Role::Client, true),
            (Keyword::Option, 1) => slot(Role::OptionName, false),
            _ => other(word),
        };
    }
    if !first.starts_with(|c: char| c.is_ascii_digit()) {
        return other(word);
    }
    if index == 1 {
        return slot(Role::Verb, false);
    }
    let verb = Verb::parse(text(1));
    match (text(index - 1), verb) {
        ("via", _) => return slot(Role::Channel, false),
        ("from", Some(Verb::Lead)) => return slot(Role::Contact, false),
        ("on", Some(Verb::Spent)) => return slot(Role::Deal, false),
        _ => {}
    }
    if index != 2 {
        return other(word);
    }
    match verb {
        Some(Verb::Lead) => slot(Role::Deal, true),
        Some(Verb::Touch) => slot(Role::Contact, false),
        Some(verb) if verb.names_deal_or_contact() => slot(Role::Deal, false),
        Some(_) => other(word),
        // Not a built-in verb: a stage, whose first argument is a deal.
        None => slot(Role::Deal, false),
    }
}

/// The words of a line and where its trailing comment starts, if it has
/// one. A string is one word, up to its closing quote (or the end of the
/// line while it is being typed).
fn words(line: &str) -> (Vec<Range<usize>>, Option<usize>) {
    let bytes = line.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b' ' || bytes[i] == b'\t' {
            i += 1;
            continue;
        }
        if bytes[i] == b';' {
            return (words, Some(i));
        }
        let start = i;
        if bytes[i] == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
        }
        while i < bytes.len() && bytes[i] != b' ' && bytes[i] != b'\t' {
            i += 1;
        }
        words.push(start..i);
    }
    (words, None)
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The part of the word at `|` in `line`, and the word.
    fn check(line: &str) -> (Role, String, bool) {
        let column = line.find('|').expect("a `|` marks the place");
        let line = line.replace('|', "");
        let slot = at(&line, column);
        (slot.role, line[slot.word].to_owned(), slot.declares)
    }

    #[test]
    fn parts_of_entries() {
        use Role::*;
        let o = |role, word: &str| (role, word.to_owned(), false);
        assert_eq!(check("2026-01-02 |"), o(Verb, ""));
        assert_eq!(check("2026-01-02 ta|"), o(Verb, "ta"));
        assert_eq!(check("2026-01-02 talked a|c"), o(Deal, "ac"));
        assert_eq!(check("2026-01-02 talked |"), o(Deal, ""));
        assert_eq!(check("2026-01-02 won acme| 100 EUR"), o(Deal, "acme"));
        assert_eq!(check("2026-01-02 won acme 1|00 EUR"), o(Other, "100"));
        assert_eq!(
            check("2026-01-02 lead ac|me via x"),
            (Deal, "acme".into(), true)
        );
        assert_eq!(
            check("2026-01-02 lead acme \"Müller — Café ☕\" via plat|form:upwork"),
            o(Channel, "platform:upwork")
        );
        assert_eq!(
            check("2026-01-02 lead acme \"a b\" via x from |"),
            o(Contact, "")
        );
        assert_eq!(check("2026-01-02 touch an|"), o(Contact, "an"));
        assert_eq!(check("2026-01-02 spent 2h on |"), o(Deal, ""));
        assert_eq!(check("2026-01-02 spent 2h via |"), o(Channel, ""));
        assert_eq!(check("2026-01-02 spent 2h |"), o(Other, ""));
        assert_eq!(check("2026-01-02 note acme \"x|y\""), o(Other, "\"xy\""));
        assert_eq!(check("2026-01-02 won acme ; talked |"), o(Other, ""));
        assert_eq!(check("2026-01-02 won acme #ta|g"), o(Other, "#tag"));
        assert_eq!(check("2026-0|"), o(Other, "2026-0"));
    }

    #[test]
    fn parts_of_directives_and_metadata() {
        use Role::*;
        let o = |role, word: &str| (role, word.to_owned(), false);
        assert_eq!(check("cha|"), o(Keyword, "cha"));
        assert_eq!(
            check("channel plat|form"),
            (Channel, "platform".into(), true)
        );
        assert_eq!(
            check("contact an|na \"Anna\""),
            (Contact, "anna".into(), true)
        );
        assert_eq!(check("client ac|me"), (Client, "acme".into(), true));
        assert_eq!(check("option |"), o(OptionName, ""));
        assert_eq!(check("  ra|"), o(MetaKey, "ra"));
        assert_eq!(check("\trating|: 4"), o(MetaKey, "rating"));
        assert_eq!(check("  rating: |"), o(Other, ""));
        assert_eq!(check("  client: ac|"), o(Client, "ac"));
        assert_eq!(check("  buyer: |"), o(Contact, ""));
        assert_eq!(check("|"), o(Keyword, ""));
    }

    /// Any byte position of any line gives an answer, never a panic.
    #[test]
    fn never_panics() {
        for line in [
            "\"",
            "\"\\",
            "2026 \"é\\",
            "  :",
            " ;é",
            "2026-01-01 lead \"☕",
            "é é",
        ] {
            for column in 0..=line.len() + 2 {
                let slot = at(line, column);
                assert!(
                    line.get(slot.word.clone()).is_some(),
                    "{line:?} at {column}"
                );
            }
        }
    }
}
