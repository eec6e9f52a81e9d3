//! Fuzzes what runs after `check` on ledgers it accepts: every built-in
//! analysis (`funnel report`), the four `funnel export` tables, the ledger
//! document that plugins get, `review --share`'s summary (read back and
//! compared as `funnel compare` does), and `funnel fmt` (which must be
//! idempotent).
//! Any panic is a bug. Run with `cargo +nightly fuzz run report` from the
//! `fuzz/` folder (see README.md).
//!
//! Structure-aware: random bytes seldom make a ledger without errors, so
//! the fuzzer's bytes choose from a small grammar of ledger lines (`Line`,
//! through the `arbitrary` crate) — leads, stages, closes, reopenings,
//! extensions, spending, balance, costs, prices and assumptions, with
//! random dates and amounts on a handful of deals — and a text input (from
//! the seed corpus) is run as it is too.
#![no_main]

use std::fmt::Write;

use arbitrary::{Arbitrary, Unstructured};
use chrono::NaiveDate;
use funnel_analysis::export::{self, What};
use funnel_analysis::{compare, document, summary, Context, Run, ANALYSES};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // A seed file (examples/, tests/data/) starts with text; anything else
    // is read as choices in the grammar.
    if let Ok(text) = std::str::from_utf8(data) {
        if text.starts_with([';', 'o', 's', 'c', '2']) && !text.contains("include") {
            let as_of = NaiveDate::from_ymd_opt(2026, 11, 26).expect("a date");
            exercise(text.as_bytes(), as_of, None);
        }
    }
    let mut choices = Unstructured::new(data);
    if let Ok(ledger) = Ledger::arbitrary(&mut choices) {
        let text = ledger.text();
        exercise(text.as_bytes(), ledger.as_of.date(), ledger.period);
    }
});

/// Runs report, export, the plugin document and fmt on one ledger text,
/// as the commands would (only on a ledger without errors: the commands
/// refuse the others before any analysis runs).
fn exercise(text: &[u8], as_of: NaiveDate, period: Option<(Day, Day)>) {
    let options = funnel_ledger::CheckOptions {
        as_of,
        strict: false,
    };
    let checked = funnel_ledger::load_text("fuzz.funnel", text, &options);
    if checked.diagnostics.iter().any(|d| d.is_error()) {
        return;
    }
    let ledger = &checked.ledger;
    let mut ctx = Context::new(ledger, as_of);
    if let Some((from, to)) = period {
        let (from, to) = (from.date().min(to.date()), from.date().max(to.date()));
        if to <= as_of {
            ctx = ctx.with_period(Some(from), Some(to));
        }
    }
    let run = Run::new(ledger, ctx.clone());
    for analysis in ANALYSES {
        let report = analysis.run(&run);
        for row in &report.rows {
            assert_eq!(row.len(), report.columns.len(), "{}", analysis.name());
        }
    }
    for what in [What::Deals, What::Entries, What::Channels, What::Contacts] {
        let table = export::export(ledger, &ctx, what);
        for row in &table.rows {
            assert_eq!(row.len(), table.columns.len());
        }
    }
    let _ = document::document(&run).to_json();

    // `review --share`, with and without money, read back as `compare`
    // reads it, and compared with itself.
    let mut shared = Vec::new();
    for money in [true, false] {
        let json = summary::summary(ledger, &ctx, summary::Share { money }).to_json();
        let back = summary::Summary::parse(&json).expect("a summary reads back");
        shared.push(back);
    }
    let _ = compare::compare(vec!["with".into(), "without".into()], &shared);

    for (_, file) in ledger.sources.files() {
        if let Ok(once) = funnel_ledger::format::format(file) {
            let again = funnel_ledger::SourceFile::new(
                file.name.clone(),
                file.path.clone(),
                once.as_bytes(),
            );
            let twice = funnel_ledger::format::format(&again).expect("formatted text parses");
            assert_eq!(once, twice, "fmt is idempotent");
        }
    }
}

// ------------------------------------------------------------ the grammar

/// A ledger: options, then lines in any order (dates need not be sorted).
#[derive(Arbitrary, Debug)]
struct Ledger {
    currency: Option<Cur>,
    stale_after: Option<u8>,
    tax_reserve: Option<u8>,
    as_of: Day,
    period: Option<(Day, Day)>,
    lines: Vec<Line>,
}

/// A day of 2025 to 2027.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Day(u16);

impl Day {
    fn date(self) -> NaiveDate {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
        start + chrono::Days::new(u64::from(self.0 % 1100))
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Deal {
    Acme,
    Beta,
    Fernway,
    Hooli,
    Initech,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Channel {
    Upwork,
    Platform,
    Referral,
    Direct,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Cur {
    Eur,
    Usd,
    Gbp,
}

/// One of the default stages.
#[derive(Arbitrary, Debug, Clone, Copy)]
enum Stage {
    Contacted,
    Talked,
    Proposed,
}

/// A positive amount with up to two decimals.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Amount {
    units: u32,
    cents: Option<u8>,
    cur: Cur,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Per {
    Hour,
    Day,
    Month,
    Year,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Offer {
    Total(Amount),
    Rate(Amount, Per),
    Both(Amount, Amount, Per),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Quantity {
    Hours(u8, bool),
    Minutes(u16),
    Money(Amount),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Assume {
    Conversion(Stage, u8, Option<Channel>),
    Cycle(Stage, u16),
    Value(Amount),
    Volume(Stage, u8, Per),
    Share(u8, Channel),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Line {
    Lead {
        day: Day,
        deal: Deal,
        title: bool,
        via: Channel,
        from: Option<Deal>,
        client: Option<Deal>,
    },
    Stage {
        day: Day,
        deal: Deal,
        stage: Stage,
        offer: Option<Offer>,
    },
    Won {
        day: Day,
        deal: Deal,
        offer: Option<Offer>,
        until: Option<Day>,
        start: Option<Day>,
        days_per_week: Option<u8>,
        notice: Option<u8>,
    },
    Lost {
        day: Day,
        deal: Deal,
        reason: Option<u8>,
    },
    Declined {
        day: Day,
        deal: Deal,
        reason: Option<u8>,
    },
    Ended {
        day: Day,
        deal: Deal,
        cancelled: bool,
        rating: Option<u8>,
    },
    Extended {
        day: Day,
        deal: Deal,
        offer: Option<Offer>,
        until: Option<Day>,
    },
    Reopened {
        day: Day,
        deal: Deal,
    },
    SpentVia {
        day: Day,
        quantity: Quantity,
        via: Channel,
    },
    SpentOn {
        day: Day,
        quantity: Quantity,
        deal: Deal,
    },
    Touch {
        day: Day,
        contact: Deal,
    },
    Note {
        day: Day,
        deal: Deal,
    },
    Balance {
        day: Day,
        amount: Amount,
        negative: bool,
    },
    Costs {
        day: Day,
        amount: Amount,
        per: Per,
    },
    Price {
        day: Day,
        from: Cur,
        rate: u16,
        to: Cur,
    },
    Assume {
        day: Day,
        what: Assume,
    },
}

impl Ledger {
    fn text(&self) -> String {
        let mut out = String::new();
        if let Some(cur) = self.currency {
            let _ = writeln!(out, "option currency {}", cur.code());
        }
        if let Some(days) = self.stale_after {
            let _ = writeln!(out, "option stale-after {}d", u16::from(days) + 1);
        }
        if let Some(share) = self.tax_reserve {
            let _ = writeln!(out, "option tax-reserve {}%", share % 101);
        }
        for line in &self.lines {
            line.write(&mut out);
            out.push('\n');
        }
        out
    }
}

impl Line {
    fn write(&self, out: &mut String) {
        let _ = match *self {
            Line::Lead {
                day,
                deal,
                title,
                via,
                from,
                client,
            } => {
                let _ = write!(out, "{} lead {}", day.date(), deal.id());
                if title {
                    out.push_str(" \"a title\"");
                }
                let _ = write!(out, " via {}", via.name());
                if let Some(from) = from {
                    let _ = write!(out, " from {}", from.contact());
                }
                match client {
                    Some(client) => write!(out, "\n  client: {}", client.id()),
                    None => Ok(()),
                }
            }
            Line::Stage {
                day,
                deal,
                stage,
                offer,
            } => {
                let _ = write!(out, "{} {} {}", day.date(), stage.name(), deal.id());
                write_offer(out, offer)
            }
            Line::Won {
                day,
                deal,
                offer,
                until,
                start,
                days_per_week,
                notice,
            } => {
                let _ = write!(out, "{} won {}", day.date(), deal.id());
                let _ = write_offer(out, offer);
                if let Some(until) = until {
                    let _ = write!(out, " until {}", until.date());
                }
                if let Some(start) = start {
                    let _ = write!(out, "\n  start: {}", start.date());
                }
                if let Some(days) = days_per_week {
                    let _ = write!(out, "\n  days-per-week: {}", days % 7 + 1);
                }
                match notice {
                    Some(days) => write!(out, "\n  notice: {days}d"),
                    None => Ok(()),
                }
            }
            Line::Lost { day, deal, reason } => {
                write!(
                    out,
                    "{} lost {}{}",
                    day.date(),
                    deal.id(),
                    reason_text(reason)
                )
            }
            Line::Declined { day, deal, reason } => write!(
                out,
                "{} declined {}{}",
                day.date(),
                deal.id(),
                reason_text(reason)
            ),
            Line::Ended {
                day,
                deal,
                cancelled,
                rating,
            } => {
                let _ = write!(out, "{} ended {}", day.date(), deal.id());
                if cancelled {
                    out.push_str(" cancelled \"budget cut\" #budget");
                }
                match rating {
                    Some(r) => write!(out, "\n  rating: {}", r % 5 + 1),
                    None => Ok(()),
                }
            }
            Line::Extended {
                day,
                deal,
                offer,
                until,
            } => {
                let _ = write!(out, "{} extended {}", day.date(), deal.id());
                let _ = write_offer(out, offer);
                match until {
                    Some(until) => write!(out, " until {}", until.date()),
                    None => Ok(()),
                }
            }
            Line::Reopened { day, deal } => {
                write!(out, "{} reopened {} \"came back\"", day.date(), deal.id())
            }
            Line::SpentVia { day, quantity, via } => {
                write!(
                    out,
                    "{} spent {} via {}",
                    day.date(),
                    quantity.text(),
                    via.name()
                )
            }
            Line::SpentOn {
                day,
                quantity,
                deal,
            } => write!(
                out,
                "{} spent {} on {}",
                day.date(),
                quantity.text(),
                deal.id()
            ),
            Line::Touch { day, contact } => {
                write!(out, "{} touch {}", day.date(), contact.contact())
            }
            Line::Note { day, deal } => write!(out, "{} note {} \"a note\"", day.date(), deal.id()),
            Line::Balance {
                day,
                amount,
                negative,
            } => write!(
                out,
                "{} balance {}{}",
                day.date(),
                if negative { "-" } else { "" },
                amount.text()
            ),
            Line::Costs { day, amount, per } => {
                // Costs are per month or per year.
                let per = match per {
                    Per::Year => "year",
                    _ => "month",
                };
                write!(out, "{} costs {}/{per}", day.date(), amount.text())
            }
            Line::Price {
                day,
                from,
                rate,
                to,
            } => write!(
                out,
                "{} price {} {}.{:02} {}",
                day.date(),
                from.code(),
                rate / 100,
                rate % 100,
                to.code()
            ),
            Line::Assume { day, what } => {
                let _ = write!(out, "{} assume ", day.date());
                match what {
                    Assume::Conversion(stage, share, via) => {
                        let _ = write!(out, "conversion {}->won {}%", stage.name(), share % 101);
                        match via {
                            Some(via) => write!(out, " via {}", via.name()),
                            None => Ok(()),
                        }
                    }
                    Assume::Cycle(stage, days) => {
                        write!(out, "cycle lead->{} {}d", stage.name(), days % 400 + 1)
                    }
                    Assume::Value(amount) => write!(out, "value {}", amount.text()),
                    Assume::Volume(stage, n, per) => {
                        let per = match per {
                            Per::Hour | Per::Day => "w",
                            Per::Month => "mo",
                            Per::Year => "y",
                        };
                        write!(out, "volume {} {}/{per}", stage.name(), n % 50 + 1)
                    }
                    Assume::Share(share, via) => {
                        write!(out, "share {}% via {}", share % 101, via.name())
                    }
                }
            }
        };
    }
}

fn write_offer(out: &mut String, offer: Option<Offer>) -> std::fmt::Result {
    match offer {
        None => Ok(()),
        Some(Offer::Total(amount)) => write!(out, " {}", amount.text()),
        Some(Offer::Rate(rate, per)) => write!(out, " at {}/{}", rate.text(), per.unit()),
        Some(Offer::Both(amount, rate, per)) => {
            write!(out, " {} at {}/{}", amount.text(), rate.text(), per.unit())
        }
    }
}

fn reason_text(reason: Option<u8>) -> &'static str {
    match reason.map(|r| r % 3) {
        None => "",
        Some(0) => " \"too expensive\" #price",
        Some(1) => " \"not my stack\" #fit #small",
        _ => " \"went quiet\"",
    }
}

impl Deal {
    fn id(self) -> &'static str {
        match self {
            Deal::Acme => "acme",
            Deal::Beta => "beta",
            Deal::Fernway => "fernway",
            Deal::Hooli => "hooli",
            Deal::Initech => "initech",
        }
    }

    fn contact(self) -> &'static str {
        match self {
            Deal::Acme => "priya",
            Deal::Beta => "sam",
            Deal::Fernway => "lee",
            Deal::Hooli => "kim",
            Deal::Initech => "ana",
        }
    }
}

impl Channel {
    fn name(self) -> &'static str {
        match self {
            Channel::Upwork => "platform:upwork",
            Channel::Platform => "platform",
            Channel::Referral => "referral",
            Channel::Direct => "direct",
        }
    }
}

impl Cur {
    fn code(self) -> &'static str {
        match self {
            Cur::Eur => "EUR",
            Cur::Usd => "USD",
            Cur::Gbp => "GBP",
        }
    }
}

impl Stage {
    fn name(self) -> &'static str {
        match self {
            Stage::Contacted => "contacted",
            Stage::Talked => "talked",
            Stage::Proposed => "proposed",
        }
    }
}

impl Per {
    fn unit(self) -> &'static str {
        match self {
            Per::Hour => "h",
            Per::Day => "day",
            Per::Month => "month",
            Per::Year => "year",
        }
    }
}

impl Amount {
    /// Up to 10^9: within the parser's bounds, big enough for overflows
    /// of sums and products to show.
    fn text(self) -> String {
        let units = self.units % 1_000_000_000;
        match self.cents {
            Some(cents) => format!("{units}.{:02} {}", cents % 100, self.cur.code()),
            None => format!("{units} {}", self.cur.code()),
        }
    }
}

impl Quantity {
    fn text(self) -> String {
        match self {
            Quantity::Hours(h, half) => format!("{}{}h", h % 24, if half { ".5" } else { "" }),
            Quantity::Minutes(m) => format!("{}min", m % 600 + 1),
            Quantity::Money(amount) => amount.text(),
        }
    }
}
