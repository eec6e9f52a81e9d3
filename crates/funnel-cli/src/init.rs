//! `funnel init`: writes a starter ledger that teaches the format in its
//! comments and holds an example of every kind of entry, dated relative to
//! today so that `funnel check` accepts it without a warning.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use funnel_ledger::SourceFile;

use crate::cli::InitArgs;
use crate::exit;
use crate::ledger_args::DEFAULT_FILE;

pub fn run(args: &InitArgs) -> Result<u8> {
    let path = target(args.path.as_deref());
    let text = starter(chrono::Local::now().date_naive());
    if path.exists() {
        eprintln!(
            "error: `{}` already exists; funnel init never overwrites a ledger\n  \
             hint: name another file, like `funnel init new.funnel`, or add to this one with `funnel add`",
            path.display()
        );
        return Ok(exit::USAGE);
    }
    match create_new(&path, text.as_bytes()) {
        Ok(()) => {}
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists) =>
        {
            eprintln!(
                "error: `{}` already exists; funnel init never overwrites a ledger",
                path.display()
            );
            return Ok(exit::USAGE);
        }
        Err(err) => return Err(err.context(format!("cannot create `{}`", path.display()))),
    }
    let flag = if args.path.is_some() {
        format!(" -f {}", path.display())
    } else {
        String::new()
    };
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "created {}: a starter ledger with an example of every kind of entry",
        path.display()
    )?;
    writeln!(out, "next: read it, run `funnel{flag} check`, and append entries with `funnel{flag} add talked acme`")?;
    Ok(exit::OK)
}

/// The file to create: the argument (a folder gets `pipeline.funnel` in
/// it), else `$FUNNEL_FILE`, else `./pipeline.funnel`, the file the other
/// commands read by default.
fn target(path: Option<&Path>) -> PathBuf {
    match path {
        Some(path) if path.is_dir() => path.join(DEFAULT_FILE),
        Some(path) => path.to_path_buf(),
        None => match std::env::var_os("FUNNEL_FILE") {
            Some(file) if !file.is_empty() => PathBuf::from(file),
            _ => PathBuf::from(DEFAULT_FILE),
        },
    }
}

/// Writes a new file atomically: a temporary file in the same folder is
/// renamed into place only if nothing has appeared there in the meantime.
fn create_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in `{}`", dir.display()))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    temp.persist_noclobber(path).map_err(|err| err.error)?;
    Ok(())
}

/// The starter ledger as of `today`, in `funnel fmt`'s canonical layout.
pub fn starter(today: NaiveDate) -> String {
    let text = fill_dates(TEMPLATE, today);
    // The template is written in canonical form already; formatting it
    // again guards against drift between the two.
    let file = SourceFile::new(
        DEFAULT_FILE.to_owned(),
        PathBuf::from(DEFAULT_FILE),
        text.as_bytes(),
    );
    funnel_ledger::format::format(&file).unwrap_or(text)
}

/// Replaces each `{-N}` with the date N days before `today`, and each
/// `{+N}` with the date N days after it.
fn fill_dates(template: &str, today: NaiveDate) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after
            .find('}')
            .expect("every `{` in the template is closed");
        let (sign, digits) = after[..end].split_at(1);
        let days = chrono::Days::new(digits.parse().expect("`{±N}` holds a number of days"));
        let date = match sign {
            "-" => today - days,
            "+" => today + days,
            _ => panic!("a `{{` in the template starts `{{-N}}` or `{{+N}}`"),
        };
        out.push_str(&date.format("%Y-%m-%d").to_string());
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The starter ledger; `{-N}` stands for the date N days before today,
/// `{+N}` for the date N days after it.
const TEMPLATE: &str = r#"; pipeline.funnel: a plain-text ledger of a freelancer's sales funnel.
;
; A line that starts with a date is an entry: something that happened to a
; deal (one client, one piece of work), or time and money spent finding work.
; Entries may stand in any order. `funnel check` finds mistakes, `funnel
; report` analyses the funnel, and `funnel add` appends an entry dated today:
;
;   funnel add lead acme "Rust backend" via platform:upwork
;   funnel add talked acme
;
; Lines starting with `;`, `#` or `*` are comments, and so is the rest of a
; line after ` ;`. An indented `key: value` line adds metadata to the entry
; above it; `#word` tags an entry. The examples below are dated relative to
; the day this file was made: change them, or delete them once you have
; entries of your own. The whole language: docs/format.md in funnel's source.

; Settings. Each option may be given once.
option currency EUR    ; the currency reports are in; convert others with `price`
option stale-after 90d ; an open deal untouched this long has gone silent
option tax-reserve 30% ; the share of income set aside for taxes

; The stages a deal passes between `lead` and `won`. This is the default;
; rename them or add some to fit the way you sell.
stages contacted talked proposed

; Channels are where work comes from (`:` makes sub-channels), contacts are
; people, clients are the organisations that pay. Declaring them is
; optional; `funnel check --strict` requires it, which catches typos in names.
channel platform:upwork "Upwork"
  fee: 10% ; the platform's cut of revenue
  kind: platform
channel referral "Referrals"
contact anna "Anna Schmidt"
  org: "Acme GmbH"
client acme "Acme GmbH"

; Money: the savings buffer, living and business costs, exchange rates.
{-90} balance 20,000 EUR
{-90} costs   3500 EUR/month
{-90} price   USD 0.92 EUR ; from this day 1 USD is worth 0.92 EUR

; Assumptions, written down before the evidence comes in. `funnel report`
; holds each one against what happened after its date.
{-90} assume conversion lead->won 20% via platform:upwork
{-90} assume conversion lead->won 50% via referral "people who know me buy"
{-90} assume cycle lead->won 30d
{-90} assume value 15,000 EUR
{-90} assume volume lead 4/mo
{-90} assume share 40% via referral

; A deal from lead to won to ended. `client:` names the organisation behind
; the deal and `buyer:` the person there who decides. `spent … on DEAL`
; counts toward the deal's channel; `until` is the contract's planned end,
; `notice:` the notice the client must give to end it, `days-per-week:` how
; much of a week it takes (default 5). The contract ran on: `extended` adds
; value, a new rate and a new end. `ended acme cancelled` would say the
; client stopped the work early.
{-80} lead      acme "Rust backend, 2 months" via platform:upwork #rust
  client: acme
  buyer: anna
{-80} spent     1.5h on acme "proposal"
{-78} contacted acme
{-75} talked    acme
{-72} proposed  acme 18,000 EUR at 850 EUR/day
{-70} won       acme 16,000 EUR at 800 EUR/day until {-30}
  start: {-63}
  notice: 2w
  days-per-week: 4
{-35} extended  acme   9350 EUR at 850 EUR/day until {-10} "phase 2"
{-10} ended     acme
  rating: 4

; Repeat business: a new piece of work for the same client is a new deal
; with the same `client:`.
{-6} lead     acme-api "Acme: public API" via referral from anna
  client: acme
  buyer: anna
{-2} proposed acme-api 9000 EUR

; An open deal, referred by a contact, with an offer in another currency.
{-20} lead     globex "Data pipeline audit" via referral from anna
{-14} talked   globex
{-7} proposed globex 6000 USD
{-3} note     globex "asked for a second call next week"

; Deals that closed without work: the client said no (`lost`), or I did
; (`declined`). The first tag of a close is its reason, which reports group
; deals by.
{-40} lead     umbrella "Mobile app" via platform:upwork
{-38} lost     umbrella "no answer after the first call" #silence
{-30} lead     hooli    "WordPress theme" via referral
{-29} declined hooli    "not my stack"                   #fit

; A comeback: the client said no (`lesson:` is what I would do differently),
; then came back. `reopened` opens the deal again; the latest close counts,
; so initech is won. `notice: 0d`: either side may stop at any time.
{-60} lead     initech "Shop backend" via platform:upwork
{-58} proposed initech 9000 EUR
{-54} lost     initech "chose a cheaper offer" #price
  lesson: "show the cost of a rewrite next to the price"
{-25} reopened initech "the cheaper offer fell through"
{-21} won      initech 8500 EUR until {+40}
  notice: 0d

; Time and money put into a channel, and keeping in touch with people.
{-30} spent 2h via platform:upwork "reading job posts"
{-30} spent 15 EUR via platform:upwork "connects"
{-5} touch anna "coffee"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_dates_counts_back_and_forward_from_today() {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            fill_dates("{-1} won x until {+31} ; {-0}", today),
            "2026-02-28 won x until 2026-04-01 ; 2026-03-01"
        );
    }

    #[test]
    fn the_template_is_canonical() {
        // `starter` formats the filled template; the template itself is
        // kept in the canonical layout, so that formatting changes nothing.
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(starter(today), fill_dates(TEMPLATE, today));
    }
}
