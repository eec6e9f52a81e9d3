//! Realistic `.funnel` ledgers of any size, deterministic for a seed: the
//! input of the benchmarks (`benches/`), of `scripts/bench.sh` and of tests.
//!
//! A generated ledger is an agency's pipeline over up to ten years: declared
//! hierarchical channels with metadata, declared contacts, and deals that go
//! `lead` → stages → `won`/`lost`/`declined` → `ended`, with time and money
//! spent on deals and channels, notes, touches, assumptions, prices, balances
//! and costs, in EUR and USD, with tags, metadata and comments. Entries are
//! written in date order under year and month headings, about four lines
//! and 120 bytes an entry, like the journals the issue compares against.
//!
//! Every generated ledger checks with no errors and no warnings as of
//! [`as_of`], also in strict mode: deals that go quiet are closed with
//! `lost … "no reply"` long before they would count as stale, and every USD
//! amount is dated after the first `price`.
//!
//! This crate does not depend on `funnel-ledger`: it writes text, and the
//! tests read that text back through the real parser.

pub mod journal;
mod rng;
mod words;

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate};

pub use crate::rng::Rng;
use crate::words::*;

/// How big a ledger to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// This many deals (a deal brings about [`ENTRIES_PER_DEAL`] entries).
    Deals(usize),
    /// About this many dated entries: deals are added until there are at
    /// least this many.
    Entries(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    pub size: Size,
    pub seed: u64,
    pub profile: Profile,
}

/// The shape of the entries.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// As an organised freelancer or a mail rule writes them: titles, tags,
    /// comments and metadata lines (about 119 bytes and 4 lines an entry).
    #[default]
    Realistic,
    /// As people type them by hand: `2026-01-06 contacted acme-1x`, no
    /// titles, tags, comments or metadata, short ids, and more deals left
    /// to go silent (about 40 bytes and one line an entry).
    Terse,
}

/// About how many dated entries one deal brings, counting the entries on
/// it and its share of touches and channel spending.
pub const ENTRIES_PER_DEAL: usize = 8;

/// The last day a generated ledger has entries for is the day before this
/// one; check generated ledgers `--as-of` this date.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).expect("a valid date")
}

/// A generated ledger: the header (options, stages, channels, contacts) and
/// the dated entries of each calendar year.
#[derive(Clone, Debug)]
pub struct Generated {
    pub header: String,
    pub years: Vec<Year>,
    pub deals: usize,
    /// Dated entries, over all years.
    pub entries: usize,
}

/// One calendar year of entries, under its headings.
#[derive(Clone, Debug)]
pub struct Year {
    pub year: i32,
    pub text: String,
}

impl Generated {
    /// The whole ledger as one file.
    pub fn single_file(&self) -> String {
        let mut out = Vec::with_capacity(self.len());
        self.write_single(&mut out)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("generated text is UTF-8")
    }

    /// Size in bytes of [`Generated::single_file`].
    pub fn len(&self) -> usize {
        self.header.len() + self.years.iter().map(|y| y.text.len() + 1).sum::<usize>()
    }

    /// Never: a generated ledger always has its header.
    pub fn is_empty(&self) -> bool {
        false
    }

    pub fn write_single(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(self.header.as_bytes())?;
        for year in &self.years {
            out.write_all(b"\n")?;
            out.write_all(year.text.as_bytes())?;
        }
        Ok(())
    }

    /// Writes `main.funnel` (the header and one `include` per year) and
    /// `YYYY.funnel` for each year into `dir`, creating it. Returns the path
    /// of `main.funnel`.
    pub fn write_split(&self, dir: &Path) -> io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let main = dir.join("main.funnel");
        let mut out = io::BufWriter::new(std::fs::File::create(&main)?);
        out.write_all(self.header.as_bytes())?;
        writeln!(out, "\n* Years: one file each, read in this order")?;
        for year in &self.years {
            writeln!(out, "include \"{}.funnel\"", year.year)?;
        }
        out.flush()?;
        for year in &self.years {
            let path = dir.join(format!("{}.funnel", year.year));
            let mut file = io::BufWriter::new(std::fs::File::create(path)?);
            writeln!(
                file,
                "; {}: the entries of {}, included by main.funnel",
                year.year, year.year
            )?;
            file.write_all(year.text.as_bytes())?;
            file.flush()?;
        }
        Ok(main)
    }
}

/// Generates a ledger. The same config always gives the same text.
pub fn generate(config: &Config) -> Generated {
    let planned_deals = match config.size {
        Size::Deals(n) => n,
        Size::Entries(n) => n.div_ceil(ENTRIES_PER_DEAL),
    };
    let mut gen = Gen::new(config.seed, planned_deals);
    gen.terse = config.profile == Profile::Terse;
    gen.ledger_entries();
    let mut deals = 0;
    loop {
        let done = match config.size {
            Size::Deals(n) => deals >= n,
            Size::Entries(n) => gen.entries >= n,
        };
        if done {
            break;
        }
        gen.deal(deals);
        deals += 1;
    }
    let header = gen.header(deals);
    let entries = gen.entries;
    Generated {
        header,
        years: gen.finish(),
        deals,
        entries,
    }
}

/// Day numbers count from 0001-01-01 (chrono's `num_days_from_ce`), so that
/// date arithmetic is integer arithmetic.
type Day = i64;

fn day_of(date: NaiveDate) -> Day {
    i64::from(date.num_days_from_ce())
}

/// Where an event's text lies in [`Events::text`] and where it sorts.
struct Key {
    day: Day,
    /// 0 for ledger-wide entries (prices, balances, assumptions), which
    /// come first on their day; 1 for the rest.
    rank: u8,
    /// Generation order: keeps a deal's entries of one day in order.
    seq: u32,
    start: usize,
    end: usize,
}

/// Every entry's text, appended to one buffer as it is generated (one
/// allocation instead of a million), and the keys to sort them by date.
#[derive(Default)]
struct Events {
    text: String,
    keys: Vec<Key>,
}

struct Gen {
    rng: Rng,
    first: Day,
    /// The last day with entries: the day before [`as_of`].
    last: Day,
    /// `YYYY-MM-DD` of every day from `first` on, formatted once.
    dates: Vec<[u8; 10]>,
    contacts: Vec<String>,
    events: Events,
    /// The line being written (reused).
    line: String,
    entries: usize,
    /// [`Profile::Terse`]: no metadata, titles, tags or comments.
    terse: bool,
}

impl Gen {
    fn new(seed: u64, planned_deals: usize) -> Gen {
        let mut rng = Rng::new(seed);
        // A freelancer's 100 deals span a few years; an agency's 100,000 the
        // full ten.
        let years = (1 + planned_deals / 50).clamp(2, 10) as i32;
        let as_of = as_of();
        let first =
            day_of(NaiveDate::from_ymd_opt(as_of.year() - years + 1, 1, 1).expect("a valid date"));
        let last = day_of(as_of) - 1;
        // `until` and `start` dates may lie up to a year past the last entry.
        let first_date = NaiveDate::from_num_days_from_ce_opt(first as i32).expect("a valid date");
        let dates = (0..=(last - first + 400) as u64)
            .map(|offset| {
                let date = first_date
                    .checked_add_days(Days::new(offset))
                    .expect("a valid date");
                let mut bytes = [0u8; 10];
                bytes.copy_from_slice(date.format("%Y-%m-%d").to_string().as_bytes());
                bytes
            })
            .collect();
        let contact_count = 12 + planned_deals / 8;
        let mut contacts = Vec::with_capacity(contact_count);
        for index in 0..contact_count {
            let pairs = FIRST_NAMES.len() * LAST_NAMES.len();
            let (round, pair) = (index / pairs, index % pairs);
            let first_name = FIRST_NAMES[pair % FIRST_NAMES.len()];
            let last_name = LAST_NAMES[(pair / FIRST_NAMES.len() + pair) % LAST_NAMES.len()];
            contacts.push(if round == 0 {
                format!("{first_name}.{last_name}")
            } else {
                format!("{first_name}.{last_name}-{}", round + 1)
            });
        }
        // Shuffle lightly so consecutive deals do not share a contact.
        for i in (1..contacts.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            contacts.swap(i, j);
        }
        Gen {
            rng,
            first,
            last,
            dates,
            contacts,
            events: Events::default(),
            line: String::new(),
            entries: 0,
            terse: false,
        }
    }

    fn date(&self, day: Day) -> &str {
        let bytes = &self.dates[(day - self.first) as usize];
        std::str::from_utf8(bytes).expect("dates are ASCII")
    }

    fn civil(&self, day: Day) -> NaiveDate {
        NaiveDate::from_num_days_from_ce_opt(day as i32).expect("a valid date")
    }

    /// Starts an entry dated `day`: clears the line buffer and writes the
    /// date. Finish it with [`Gen::push`].
    fn begin(&mut self, day: Day) {
        let date = self.date(day).to_owned();
        self.line.clear();
        self.line.push_str(&date);
        self.line.push(' ');
    }

    /// Files the entry in the line buffer. The buffer holds the entry line
    /// (without its newline) and any metadata lines after it, each starting
    /// with a newline.
    fn push(&mut self, day: Day, rank: u8) {
        debug_assert!(
            day >= self.first && day <= self.last,
            "entry outside the ledger's dates"
        );
        let start = self.events.text.len();
        self.events.text.push_str(&self.line);
        self.events.text.push('\n');
        // Entries with metadata are set off by a blank line, as people
        // write them by hand.
        if self.line.contains('\n') {
            self.events.text.push('\n');
        }
        let seq = self.events.keys.len() as u32;
        self.events.keys.push(Key {
            day,
            rank,
            seq,
            start,
            end: self.events.text.len(),
        });
        self.entries += 1;
    }

    fn meta(&mut self, key: &str, value: &str) {
        if self.terse {
            return;
        }
        let _ = write!(self.line, "\n  {key}: {value}");
    }

    fn trailing_comment(&mut self, p: f64) {
        if self.rng.chance(p) && !self.terse {
            let comment = *self.rng.pick(COMMENTS);
            let _ = write!(self.line, "  ; {comment}");
        }
    }

    fn tags(&mut self) {
        if self.terse {
            return;
        }
        let count = self.rng.weighted([5u32, 4, 1].into_iter());
        let first = self.rng.below(TAGS.len() as u64) as usize;
        for i in 0..count {
            let _ = write!(self.line, " #{}", TAGS[(first + i * 3) % TAGS.len()]);
        }
    }

    /// A money number as people write it: `52000`, `52,000` or `52_000`.
    fn money(&mut self, value: u64) -> String {
        match (value >= 1000, self.rng.below(6)) {
            (true, 0) => format!("{},{:03}", value / 1000, value % 1000),
            (true, 1) => format!("{}_{:03}", value / 1000, value % 1000),
            _ => value.to_string(),
        }
    }

    fn effort(&mut self) -> String {
        match self.rng.below(4) {
            0 => format!("{}min", 15 * self.rng.range(1, 4)),
            1 => format!("{}.5h", self.rng.range(0, 5)),
            _ => format!("{}h", self.rng.range(1, 8)),
        }
    }

    /// Ledger-wide entries: a monthly USD price, a quarterly balance, and
    /// yearly costs and assumptions.
    fn ledger_entries(&mut self) {
        let mut day = self.first;
        while day <= self.last {
            let date = self.civil(day);
            let usd = 84 + self.rng.below(10);
            self.begin(day);
            let _ = write!(self.line, "price USD 0.{usd} EUR");
            self.meta("source", "ecb-reference-rate");
            self.push(day, 0);
            if date.month() % 3 == 1 {
                let balance = 12_000 + 500 * self.rng.below(40);
                let balance = self.money(balance);
                self.begin(day);
                let _ = write!(self.line, "balance {balance} EUR");
                if self.rng.chance(0.5) {
                    self.line
                        .push_str("                ; business account, tax reserve excluded");
                }
                self.push(day, 0);
            }
            if date.month() == 1 {
                self.year_start(day);
            }
            let next = if date.month() == 12 {
                NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
            };
            day = day_of(next.expect("a valid date"));
        }
    }

    fn year_start(&mut self, day: Day) {
        let costs = 2800 + 100 * self.rng.below(12);
        self.begin(day);
        let _ = write!(self.line, "costs {costs} EUR/month");
        self.meta("includes", "\"rent, insurance, health, accountant\"");
        self.push(day, 0);
        let platform = 5 + self.rng.below(10);
        let assumptions = [
            format!("assume conversion lead->won {platform}% via platform:upwork"),
            "assume conversion lead->won 50% via referral \"people who know me buy\"".to_owned(),
            format!("assume cycle lead->won {}d", 20 + self.rng.below(30)),
            format!("assume value {} EUR", 10_000 + 1000 * self.rng.below(20)),
            format!("assume volume lead {}/mo", 6 + self.rng.below(30)),
            format!("assume share {}% via referral", 10 + self.rng.below(30)),
            "assume conversion proposed->won 40% \"if they ask for a proposal, it's serious\""
                .to_owned(),
        ];
        for assumption in assumptions {
            self.begin(day);
            self.line.push_str(&assumption);
            self.push(day, 0);
        }
    }

    /// One deal from lead to its end, with the touches and channel spending
    /// that come with it.
    fn deal(&mut self, number: usize) {
        let channel_index = self.rng.weighted(CHANNELS.iter().map(|c| c.leads));
        let channel = &CHANNELS[channel_index];
        let company = *self.rng.pick(COMPANIES);
        let id = if self.terse {
            format!("{}{}", &company[..company.len().min(4)], base36(number))
        } else {
            format!("{}{company}-{}", channel.prefix, base36(number))
        };
        let usd = self.rng.below(100) < u64::from(channel.usd);
        let currency = if usd { "USD" } else { "EUR" };
        let lead_day = self.rng.range(self.first + 1, self.last);

        // The lead.
        let title = *self.rng.pick(TITLES);
        self.begin(lead_day);
        if self.terse {
            let _ = write!(self.line, "lead {id} via {}", channel.name);
        } else {
            let _ = write!(
                self.line,
                "lead {id} \"{}\" via {}",
                escape(title),
                channel.name
            );
        }
        if channel.referred {
            let contact = self.rng.pick(&self.contacts).clone();
            let _ = write!(self.line, " from {contact}");
        }
        self.tags();
        self.trailing_comment(0.05);
        if channel.imported {
            let reference = self.rng.next_u64();
            self.meta(
                "ref",
                &format!(
                    "\"https://jobs.example.com/{}/{reference:016x}\"",
                    channel.prefix.trim_end_matches('-')
                ),
            );
            let imported = self.date(lead_day).to_owned();
            self.meta("imported", &imported);
            if self.rng.chance(0.3) && !self.terse {
                self.line
                    .push_str("\n  ; imported by the mail rule, title as posted");
            }
        } else {
            let org = format!("\"{}{} GmbH\"", company[..1].to_uppercase(), &company[1..]);
            self.meta("org", &org);
            if self.rng.chance(0.5) {
                let role = *self.rng.pick(ROLES);
                self.meta("contact-role", &format!("\"{role}\""));
            }
            let location = *self.rng.pick(LOCATIONS);
            self.meta("location", location);
        }
        self.push(lead_day, 1);

        // Stages, each some days after the one before, until the deal stops
        // moving or runs past the ledger's last day (then it is still open).
        let mut latest = lead_day;
        let mut reached = 0;
        let mut open = false;
        let day_rate = 600 + 50 * self.rng.below(13);
        let hour_rate = 60 + 5 * self.rng.below(19);
        let work_days = 5 * self.rng.range(1, 30) as u64;
        let offer_value = if usd {
            hour_rate * 8 * work_days
        } else {
            day_rate * work_days
        };
        let rate = if usd {
            format!("{hour_rate} USD/h")
        } else {
            format!("{day_rate} EUR/day")
        };
        if self.rng.chance(0.4) {
            let day = (lead_day + self.rng.range(0, 2)).min(self.last);
            let effort = self.effort();
            self.begin(day);
            let _ = write!(self.line, "spent {effort} on {id} \"read the brief\"");
            self.meta("billable", "false");
            self.push(day, 1);
        }
        for (stage, p) in [("contacted", 0.88), ("talked", 0.72), ("proposed", 0.7)] {
            if !self.rng.chance(p) {
                break;
            }
            let day = latest + self.rng.range(1, 18);
            if day > self.last {
                open = true;
                break;
            }
            self.begin(day);
            let _ = write!(self.line, "{stage} {id}");
            match stage {
                "contacted" => {
                    let by = *self.rng.pick(&["mail", "phone", "platform-message"]);
                    self.meta("by", by);
                    let message = self.rng.next_u64();
                    self.meta("thread", &format!("\"<{message:016x}@mail.example.com>\""));
                    self.meta("subject", &format!("\"Re: {}\"", escape(title)));
                }
                "talked" => {
                    let minutes = 15 * self.rng.range(2, 6);
                    self.meta("call", &format!("{minutes}min"));
                    let topic = *self.rng.pick(TITLES);
                    self.meta("agenda", &format!("\"scope: {}\"", escape(topic)));
                    if self.rng.chance(0.7) {
                        let role = *self.rng.pick(ROLES);
                        self.meta("with", &format!("\"{role}\""));
                    }
                }
                _ => {
                    let value = self.money(offer_value);
                    let _ = write!(self.line, " {value} {currency} at {rate}");
                    self.meta("valid", "30d");
                    self.meta(
                        "doc",
                        &format!("\"proposals/{}/{id}.pdf\"", self.civil(day).year()),
                    );
                }
            }
            self.trailing_comment(0.03);
            self.push(day, 1);
            latest = day;
            reached += 1;
            if stage == "talked" && self.rng.chance(0.3) {
                let effort = self.effort();
                self.begin(day);
                let _ = write!(self.line, "spent {effort} on {id} \"proposal\"");
                self.meta("billable", "false");
                self.meta("task", "\"estimate, architecture sketch, proposal\"");
                self.push(day, 1);
            }
        }

        let mut won_day = None;
        if !open {
            // 0 won, 1 lost, 2 declined, 3 went silent.
            let outcome = match (reached, self.terse) {
                (3, false) => self.rng.weighted([45u32, 40, 5, 10].into_iter()),
                (1 | 2, false) => self.rng.weighted([0u32, 35, 30, 35].into_iter()),
                (_, false) => self.rng.weighted([0u32, 0, 60, 40].into_iter()),
                // By hand, more deals are never closed: they go silent.
                (3, true) => self.rng.weighted([40u32, 25, 5, 30].into_iter()),
                (1 | 2, true) => self.rng.weighted([0u32, 20, 20, 60].into_iter()),
                (_, true) => self.rng.weighted([0u32, 0, 40, 60].into_iter()),
            };
            let day = latest
                + if outcome == 3 {
                    self.rng.range(30, 75)
                } else {
                    self.rng.range(1, 25)
                };
            // By hand, a deal that went silent is often never closed: it
            // stays open and goes stale.
            if day <= self.last && !(self.terse && outcome == 3) {
                self.begin(day);
                match outcome {
                    0 => {
                        let discount = 90 + self.rng.below(11);
                        let agreed = self.money(offer_value / 100 * discount);
                        let start = day + self.rng.range(3, 30);
                        let until = start + self.rng.range(20, 270);
                        let until_date = self.date(until).to_owned();
                        let _ = write!(
                            self.line,
                            "won {id} {agreed} {currency} at {rate} until {until_date}"
                        );
                        self.trailing_comment(0.1);
                        let start_date = self.date(start).to_owned();
                        self.meta("start", &start_date);
                        let po = 10_000 + self.rng.below(90_000);
                        self.meta("po", &format!("\"PO-{po}\""));
                        self.meta(
                            "contract",
                            &format!("\"contracts/{}/{id}.pdf\"", self.civil(day).year()),
                        );
                        won_day = Some((day, start, until));
                    }
                    1 => {
                        let reason = *self.rng.pick(LOST_REASONS);
                        let _ = write!(self.line, "lost {id} \"{reason}\"");
                        let competitor = *self.rng.pick(COMPANIES);
                        self.meta(
                            "winner",
                            &format!("\"{} Consulting\"", capitalise(competitor)),
                        );
                        self.meta("feedback", "\"asked for it in the last call\"");
                    }
                    2 => {
                        let reason = *self.rng.pick(DECLINED_REASONS);
                        let _ = write!(self.line, "declined {id} \"{reason}\"");
                        self.meta("replied", "\"thanks, not a fit for me right now\"");
                        let offered = 25 + 5 * self.rng.below(10);
                        self.meta("offered", &format!("{offered} {currency}/h"));
                    }
                    _ => {
                        let reason = *self.rng.pick(SILENT_REASONS);
                        let _ = write!(self.line, "lost {id} \"{reason}\"");
                        let followups = self.rng.range(1, 3);
                        self.meta("follow-ups", &followups.to_string());
                        let last = self.date(latest).to_owned();
                        self.meta("last-heard", &last);
                    }
                }
                self.push(day, 1);
                latest = day;
            }
        }

        // The contract's end: on `until`, or earlier when cancelled.
        if let Some((won, start, until)) = won_day {
            let cancelled = self.rng.chance(0.12) && until - start > 10;
            let day = if cancelled {
                self.rng.range(start + 5, until - 1)
            } else {
                until
            };
            if day <= self.last {
                debug_assert!(day > won);
                self.begin(day);
                if cancelled {
                    let note = *self.rng.pick(CANCELLED_NOTES);
                    let _ = write!(self.line, "ended {id} cancelled \"{note}\"");
                } else if self.rng.chance(0.5) {
                    let note = *self.rng.pick(ENDED_NOTES);
                    let _ = write!(self.line, "ended {id} \"{note}\"");
                } else {
                    let _ = write!(self.line, "ended {id}");
                }
                let rating = self.rng.range(if cancelled { 1 } else { 3 }, 5);
                self.meta("rating", &rating.to_string());
                if self.rng.chance(0.8) {
                    let invoice = self.rng.below(10_000);
                    self.meta(
                        "invoice",
                        &format!("\"INV-{}-{invoice:04}\"", self.civil(day).year()),
                    );
                }
                self.push(day, 1);
                latest = day;
            }
        }

        // Notes, any time while the deal is alive.
        let notes = self.rng.weighted([35u32, 40, 20, 5].into_iter());
        for _ in 0..notes {
            let day = self.rng.range(lead_day, latest.min(self.last));
            let text = *self.rng.pick(DEAL_NOTES);
            self.begin(day);
            let _ = write!(self.line, "note {id} \"{text}\"");
            let source = *self.rng.pick(&["mail", "call", "crm-import", "meeting"]);
            self.meta("source", source);
            if self.rng.chance(0.8) {
                let next = *self.rng.pick(NEXT_STEPS);
                self.meta("next", &format!("\"{next}\""));
            }
            self.push(day, 1);
        }

        // Keeping in touch with people, and work on the channels.
        if self.rng.chance(0.9) {
            let day = self.rng.range(self.first + 1, self.last);
            let contact = self.rng.pick(&self.contacts).clone();
            let note = *self.rng.pick(TOUCH_NOTES);
            self.begin(day);
            let _ = write!(self.line, "touch {contact} \"{note}\"");
            self.trailing_comment(0.2);
            let medium = *self.rng.pick(&["in-person", "video", "phone", "message"]);
            self.meta("medium", medium);
            if self.rng.chance(0.8) {
                let location = *self.rng.pick(LOCATIONS);
                self.meta("where", location);
            }
            self.push(day, 1);
        }
        let day = self.rng.range(self.first + 1, self.last);
        let spending = CHANNELS[self.rng.weighted(CHANNELS.iter().map(|c| c.leads))].name;
        let note = *self.rng.pick(CHANNEL_SPENDING);
        self.begin(day);
        if self.rng.chance(0.3) {
            let (value, currency) = if spending.starts_with("platform:upwork") {
                (15 * self.rng.range(1, 10), "USD")
            } else {
                (20 * self.rng.range(1, 25), "EUR")
            };
            let _ = write!(
                self.line,
                "spent {value} {currency} via {spending} \"{note}\""
            );
            let receipt = self.rng.below(1_000_000);
            self.meta("receipt", &format!("\"R-{receipt:06}\""));
            self.meta("paid-with", "company-card");
        } else {
            let effort = self.effort();
            let _ = write!(self.line, "spent {effort} via {spending} \"{note}\"");
            let quarter = self.civil(day).month0() / 3 + 1;
            self.meta(
                "campaign",
                &format!("\"{}-Q{quarter}\"", self.civil(day).year()),
            );
        }
        self.push(day, 1);
    }

    /// Options, stages, channels and contacts.
    fn header(&mut self, deals: usize) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "; A generated agency ledger: {deals} deals, {} entries.",
            self.entries
        );
        let _ = writeln!(
            out,
            "; Written by funnel-gen; check it with `funnel check --as-of {}`.",
            as_of()
        );
        out.push('\n');
        out.push_str("option currency EUR\noption stale-after 90d      ; the default, spelled out\nstages contacted talked proposed\n");
        out.push_str("\n* Channels: where work comes from\n\n");
        for channel in CHANNELS {
            let _ = writeln!(out, "channel {} \"{}\"", channel.name, channel.title);
            for (key, value) in channel.meta {
                let _ = writeln!(out, "  {key}: {value}");
            }
        }
        out.push_str("\n* Contacts: people who refer work\n\n");
        for contact in &self.contacts {
            let (first, rest) = contact.split_once('.').expect("contact ids are first.last");
            let last = rest.split('-').next().unwrap_or(rest);
            let _ = writeln!(
                out,
                "contact {contact} \"{} {}\"",
                capitalise(first),
                capitalise(last)
            );
            let company = *self.rng.pick(COMPANIES);
            let _ = writeln!(out, "  org: \"{} GmbH\"", capitalise(company));
            if self.rng.chance(0.3) {
                let _ = writeln!(out, "  role: \"{}\"", self.rng.pick(ROLES));
            }
        }
        out
    }

    /// Sorts the entries by date and writes each year's text with year,
    /// quarter and month headings.
    fn finish(self) -> Vec<Year> {
        let Events { text, mut keys } = self.events;
        keys.sort_unstable_by_key(|k| (k.day, k.rank, k.seq));
        let mut years: Vec<Year> = Vec::new();
        let mut month = None;
        for key in &keys {
            let date = NaiveDate::from_num_days_from_ce_opt(key.day as i32).expect("a valid date");
            if years.last().is_none_or(|y| y.year != date.year()) {
                years.push(Year {
                    year: date.year(),
                    text: format!("# {}\n", date.year()),
                });
                month = None;
            }
            let year = years.last_mut().expect("pushed above");
            if month != Some(date.month()) {
                if date.month() % 3 == 1 {
                    let _ = write!(
                        year.text,
                        "\n## {} Q{}\n",
                        date.year(),
                        date.month() / 3 + 1
                    );
                }
                let _ = write!(
                    year.text,
                    "\n; --- {} {} ---\n",
                    MONTHS[date.month0() as usize],
                    date.year()
                );
                month = Some(date.month());
            }
            year.text.push_str(&text[key.start..key.end]);
        }
        years
    }
}

/// Escapes a string's content for a `"…"` literal.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A short, unique suffix for deal ids.
fn base36(mut n: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_for_a_seed() {
        let config = Config {
            size: Size::Deals(50),
            seed: 3,
            profile: Default::default(),
        };
        assert_eq!(
            generate(&config).single_file(),
            generate(&config).single_file()
        );
        let other = Config { seed: 4, ..config };
        assert_ne!(
            generate(&config).single_file(),
            generate(&other).single_file()
        );
    }

    #[test]
    fn entries_size_reaches_the_count() {
        let generated = generate(&Config {
            size: Size::Entries(5000),
            seed: 1,
            profile: Default::default(),
        });
        assert!(
            (5000..5020).contains(&generated.entries),
            "{} entries",
            generated.entries
        );
        let per_deal = generated.entries as f64 / generated.deals as f64;
        assert!(
            (7.0..9.0).contains(&per_deal),
            "{per_deal} entries per deal"
        );
    }

    #[test]
    fn ids_are_unique() {
        assert_eq!(base36(0), "0");
        assert_eq!(base36(35), "z");
        assert_eq!(base36(36), "10");
    }
}
