//! Dynamic shell completion (clap_complete's `CompleteEnv`): a shell that
//! sourced `COMPLETE=bash funnel` (or zsh, fish, elvish, powershell) asks
//! the binary itself for the candidates at each TAB, so the words can come
//! from the ledger on the command line: analysis names (built in, and the
//! plugins on `PATH`) after `funnel report`, channels after `--channel`,
//! and the verbs, deal ids, contacts and channels of `funnel add`'s words.
//!
//! The ledger is the one the command would read: `-f FILE` on the line,
//! else `$FUNNEL_FILE`, else `./pipeline.funnel`. A ledger that cannot be
//! read completes nothing from it (and says nothing: a completion never
//! prints an error). The static scripts of `funnel completions SHELL` stay
//! for shells set up once, without the ledger's words.

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

use clap::CommandFactory as _;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use funnel_ledger::model::EntryKind;
use funnel_ledger::verb::Verb;
use funnel_ledger::Ledger;

use crate::cli::Cli;

/// Answers a completion request and exits, when the environment holds one
/// (`COMPLETE=SHELL`); else returns and the command runs as usual.
pub fn complete_if_asked() {
    clap_complete::CompleteEnv::with_factory(command).complete();
}

/// The command line with the ledger-aware completers attached.
fn command() -> clap::Command {
    Cli::command()
        .mut_subcommand("report", |report| {
            report
                .mut_arg("analyses", |arg| arg.add(ArgValueCompleter::new(analyses)))
                .mut_arg("channel", |arg| arg.add(ArgValueCompleter::new(channels)))
        })
        .mut_subcommand("export", |export| {
            export.mut_arg("channel", |arg| arg.add(ArgValueCompleter::new(channels)))
        })
        .mut_subcommand("add", |add| {
            add.mut_arg("words", |arg| arg.add(ArgValueCompleter::new(add_words)))
        })
}

/// The candidates among `words` that start with what is typed.
fn starting_with(
    current: &OsStr,
    words: impl IntoIterator<Item = (String, Option<String>)>,
) -> Vec<CompletionCandidate> {
    let current = current.to_string_lossy();
    words
        .into_iter()
        .filter(|(word, _)| word.starts_with(current.as_ref()))
        .map(|(word, help)| CompletionCandidate::new(word).help(help.map(Into::into)))
        .collect()
}

/// `funnel report <TAB>`: the built-in analyses with their descriptions,
/// then the plugins on `PATH`.
fn analyses(current: &OsStr) -> Vec<CompletionCandidate> {
    let builtin = funnel_analysis::ANALYSES
        .iter()
        .map(|a| (a.name().to_owned(), Some(a.description().to_owned())));
    let plugins = crate::plugin::discover()
        .into_iter()
        .map(|p| (p.name, Some("plugin".to_owned())));
    starting_with(current, builtin.chain(plugins))
}

/// `--channel <TAB>`: every channel of the ledger and each of its parents
/// (`platform` for `platform:upwork`: `--channel` keeps sub-channels).
fn channels(current: &OsStr) -> Vec<CompletionCandidate> {
    let Some(ledger) = ledger_on_line() else {
        return Vec::new();
    };
    starting_with(
        current,
        channel_names(&ledger).into_iter().map(|c| (c, None)),
    )
}

fn channel_names(ledger: &Ledger) -> Vec<String> {
    let spent = ledger.entries.iter().filter_map(|e| match &e.kind {
        EntryKind::Spent(spending) => spending.channel().map(|c| c.as_str()),
        _ => None,
    });
    let mut names: Vec<String> = Vec::new();
    for channel in ledger
        .channels
        .keys()
        .map(|k| k.as_str())
        .chain(ledger.deals.values().map(|d| d.channel.as_str()))
        .chain(spent)
    {
        let mut end = 0;
        for segment in channel.split(':') {
            end += segment.len();
            names.push(channel[..end].to_owned());
            end += 1;
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

/// `funnel add <TAB>`: the word being typed, by the words before it. The
/// first word (after an optional date) is a verb: the built-in verbs and
/// the ledger's stages. After a verb that names a deal, the deal ids (with
/// their titles); after `touch`, the contacts; after `note`, both; after
/// `via`, the channels; after `from` and `buyer`, the contacts; after
/// `on` (`spent 2h on …`), the deals and channels. `lead` starts a new
/// deal, so its id completes nothing.
fn add_words(current: &OsStr) -> Vec<CompletionCandidate> {
    let before = words_before_current();
    // The words of `add` before the current one: after the subcommand,
    // without flags and their values.
    let Some(at) = before.iter().position(|w| w == "add") else {
        return Vec::new();
    };
    let mut words: Vec<&str> = Vec::new();
    let mut skip_value = false;
    for word in &before[at + 1..] {
        if skip_value {
            skip_value = false;
        } else if matches!(
            word.as_str(),
            "--date" | "--to" | "--meta" | "-f" | "--file" | "--as-of"
        ) {
            skip_value = true;
        } else if !word.starts_with('-') {
            words.push(word);
        }
    }
    if words
        .first()
        .is_some_and(|w| crate::cli::parse_date(w).is_ok())
    {
        words.remove(0);
    }
    let ledger = ledger_on_line();
    let stage_names = || -> Vec<String> {
        ledger.as_ref().map_or_else(
            || {
                ["contacted", "talked", "proposed"]
                    .map(str::to_owned)
                    .to_vec()
            },
            |l| {
                l.stages
                    .names()
                    .iter()
                    .map(|s| s.as_str().to_owned())
                    .collect()
            },
        )
    };
    let deals = || -> Vec<(String, Option<String>)> {
        let Some(ledger) = &ledger else {
            return Vec::new();
        };
        ledger
            .deals
            .values()
            .map(|deal| {
                let title = ledger.deal_title(deal).map(|t| t.into_owned());
                (deal.id.as_str().to_owned(), title)
            })
            .collect()
    };
    let contacts = || -> Vec<(String, Option<String>)> {
        let Some(ledger) = &ledger else {
            return Vec::new();
        };
        ledger
            .contacts
            .values()
            .map(|c| (c.id.as_str().to_owned(), c.name.clone()))
            .collect()
    };
    let channels = || -> Vec<(String, Option<String>)> {
        ledger
            .as_ref()
            .map(|l| channel_names(l).into_iter().map(|c| (c, None)).collect())
            .unwrap_or_default()
    };
    let candidates: Vec<(String, Option<String>)> = match words.as_slice() {
        [] => {
            let mut verbs: Vec<String> = Verb::ALL.iter().map(|v| v.as_str().to_owned()).collect();
            for stage in stage_names() {
                if !verbs.contains(&stage) {
                    verbs.push(stage);
                }
            }
            verbs.into_iter().map(|v| (v, None)).collect()
        }
        [.., "via"] => channels(),
        [.., "from" | "buyer"] => contacts(),
        [.., "on"] => deals().into_iter().chain(channels()).collect(),
        [verb] => match Verb::parse(verb) {
            Some(Verb::Lead) => Vec::new(),
            Some(Verb::Touch) => contacts(),
            Some(Verb::Note) => deals().into_iter().chain(contacts()).collect(),
            Some(verb) if verb.names_deal_or_contact() => deals(),
            Some(_) => Vec::new(),
            // A stage verb names a deal.
            None if stage_names().iter().any(|s| s == verb) => deals(),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    starting_with(current, candidates)
}

/// The words of the command line before the one being completed, as the
/// shell passed them (`funnel -- funnel report -f x --channel ''`): the
/// words after `--`, cut at `_CLAP_COMPLETE_INDEX` where the shell says
/// which word is current (bash, zsh), else all but the last.
fn words_before_current() -> Vec<String> {
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some(dash) = args.iter().position(|a| a == "--") else {
        return Vec::new();
    };
    let words: Vec<String> = args[dash + 1..]
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let current = std::env::var("_CLAP_COMPLETE_INDEX")
        .ok()
        .and_then(|i| i.parse::<usize>().ok())
        .unwrap_or(words.len().saturating_sub(1));
    words.into_iter().take(current).collect()
}

/// The ledger the command line names (`-f FILE`, `--file FILE`,
/// `--file=FILE`, `-fFILE`; else `$FUNNEL_FILE`, else
/// `./pipeline.funnel`), read without a word about its problems; `None`
/// when it cannot be read or is standard input.
fn ledger_on_line() -> Option<Ledger> {
    let words = words_before_current();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut iter = words.iter().skip(1);
    while let Some(word) = iter.next() {
        if word == "-f" || word == "--file" {
            files.extend(iter.next().map(PathBuf::from));
        } else if let Some(file) = word.strip_prefix("--file=") {
            files.push(PathBuf::from(file));
        } else if let Some(file) = word.strip_prefix("-f").filter(|f| !f.is_empty()) {
            files.push(PathBuf::from(file));
        }
    }
    let args = crate::cli::LedgerArgs {
        files,
        positional: Vec::new(),
        as_of: None,
    };
    let paths = args.paths();
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return None;
    }
    args.load(false).ok().map(|checked| checked.ledger)
}
