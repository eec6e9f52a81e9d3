//! `textDocument/completion`: the names the grammar expects at the cursor
//! (format §5): deal ids after a verb that takes a deal and after `spent …
//! on`, channels after `via`, contacts after `from` and `touch`, verbs and
//! stages after a date, directive keywords at the start of a line, known
//! metadata keys on an indented line, clients after `client:`, contacts
//! after `buyer:`, and option names after `option`. The names come from the
//! ledger's last check.

use funnel_ledger::meta::{expected_value, KNOWN_KEYS};
use funnel_ledger::verb::{Keyword, Verb, OPTIONS};
use funnel_ledger::{Ledger, Name};
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Position, TextEdit};

use super::at::{self, Role};
use super::position::LineIndex;

/// The completions at `position` of the document `index` reads.
pub fn items(ledger: &Ledger, index: &LineIndex, position: Position) -> Vec<CompletionItem> {
    let Some((line, line_start, column)) = index.line_at(position) else {
        return Vec::new();
    };
    let slot = at::at(line, column);
    if slot.declares {
        // A new name: nothing to offer.
        return Vec::new();
    }
    // The typed part of the word is replaced, so a channel's `:` segments
    // are completed whole whatever the editor takes for a word.
    let typed = slot.word.start..column.max(slot.word.start);
    let range = index.range(line_start + typed.start..line_start + typed.end);
    let candidates: Vec<(String, Option<String>, CompletionItemKind)> = match slot.role {
        Role::Verb => Verb::ALL
            .iter()
            .map(|verb| {
                (
                    verb.as_str().to_owned(),
                    Some("verb".to_owned()),
                    CompletionItemKind::KEYWORD,
                )
            })
            .chain(stages(ledger).map(|stage| {
                (
                    stage.to_string(),
                    Some("stage".to_owned()),
                    CompletionItemKind::ENUM_MEMBER,
                )
            }))
            .collect(),
        Role::Keyword => Keyword::ALL
            .iter()
            .map(|keyword| {
                (
                    keyword.as_str().to_owned(),
                    Some("directive".to_owned()),
                    CompletionItemKind::KEYWORD,
                )
            })
            .collect(),
        Role::Deal => ledger
            .deals
            .values()
            .map(|deal| {
                let title = ledger.deal_title(deal).map(std::borrow::Cow::into_owned);
                (deal.id.to_string(), title, CompletionItemKind::VALUE)
            })
            .collect(),
        Role::Channel => names(
            ledger
                .channels
                .values()
                .map(|c| (c.name, c.title.clone()))
                .chain(ledger.deals.values().map(|d| (d.channel, None))),
        ),
        Role::Contact => names(
            ledger
                .contacts
                .values()
                .map(|c| (c.id, c.name.clone()))
                .chain(
                    ledger
                        .deals
                        .values()
                        .filter_map(|d| Some((d.contact?, None))),
                ),
        ),
        Role::Client => names(ledger.clients.values().map(|c| (c.id, c.name.clone()))),
        Role::MetaKey => KNOWN_KEYS
            .iter()
            .map(|key| {
                let detail = expected_value(key).map(str::to_owned);
                (key.to_string(), detail, CompletionItemKind::PROPERTY)
            })
            .collect(),
        Role::OptionName => OPTIONS
            .iter()
            .map(|option| {
                (
                    option.to_string(),
                    Some("option".to_owned()),
                    CompletionItemKind::PROPERTY,
                )
            })
            .collect(),
        Role::Other => Vec::new(),
    };
    let kind_of = |kind: CompletionItemKind| match slot.role {
        Role::Channel | Role::Contact | Role::Client => CompletionItemKind::REFERENCE,
        _ => kind,
    };
    candidates
        .into_iter()
        .map(|(label, detail, kind)| CompletionItem {
            text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(
                range,
                label.clone(),
            ))),
            label,
            detail,
            kind: Some(kind_of(kind)),
            ..CompletionItem::default()
        })
        .collect()
}

/// The ledger's stages between `lead` and `won` (which are verbs).
fn stages(ledger: &Ledger) -> impl Iterator<Item = Name> + '_ {
    let names = ledger.stages.names();
    names[1..names.len().saturating_sub(1).max(1)]
        .iter()
        .copied()
}

/// Names with their titles, each once, as first seen (declarations, with
/// their titles, come first).
fn names(
    all: impl Iterator<Item = (Name, Option<String>)>,
) -> Vec<(String, Option<String>, CompletionItemKind)> {
    let mut seen = std::collections::HashSet::new();
    all.filter(|(name, _)| seen.insert(*name))
        .map(|(name, title)| (name.to_string(), title, CompletionItemKind::REFERENCE))
        .collect()
}
