//! `contacts`: whom to call first, and when.
//!
//! ## What it does
//! One row per contact that referred a cohort deal (`lead … from CONTACT`),
//! bought one (`buyer: CONTACT` on the `lead`) or was touched (`touch
//! CONTACT`) in the period, ranked by the won value of the deals they
//! referred or bought (each deal once), then the number won, then the
//! number referred, then the most recent contact, then the contact id: how
//! many deals they referred, how many they referred or bought were won and
//! for how much, the date of the latest contact (a `touch`, or a `lead`
//! they referred or bought, on or before the as-of date, in or before the
//! period) and the days since, how many deals they bought, and the average
//! rating of the deals they referred or bought.
//!
//! With `--channel C`, only deals of C and its sub-channels count as
//! referred or bought, and a touch alone does not make a row (a touch has
//! no channel).
//!
//! **Availability**: when the running contracts leave room for new work
//! (fewer than 5 days a week booked), and when to start calling so that
//! the next deal is signed by then ([`contract::availability`], over every
//! deal whatever the filters: your calendar has no channel). The JSON
//! report carries `available_from` and `start_calling` at top level.
//!
//! ## Why
//! Referrals are a freelancer's best leads, and they come from a few
//! people; buyers who signed once sign again. When you are free again, call
//! the people whose deals paid, early enough for the next deal to be signed
//! by then, and keep the ones you have not spoken to for a while warm.
//!
//! ## Findings
//! First, when you are free and when to start calling, naming the first
//! three contacts; then the first three rows as the people to call first,
//! one finding each (the review quotes them); then, as warnings, contacts
//! who referred or bought work but have had no contact for more than six
//! months.

use chrono::{Days, Months, NaiveDate};
use funnel_ledger::{Ledger, Name};
use rust_decimal::Decimal;

use crate::context::Context;
use crate::contract::{self, Availability};
use crate::deals::{self, ContactTally, DealFacts};
use crate::report::{Cell, Column, Kind, Report};
use crate::words::{count, decimal, list, money};
use crate::{Analysis, Run};

pub struct Contacts;

impl Analysis for Contacts {
    fn name(&self) -> &'static str {
        "contacts"
    }

    fn description(&self) -> &'static str {
        "whom to call first and when: contacts by the won value of the deals they referred or bought"
    }

    fn run(&self, run: &Run<'_>) -> Report {
        let (ledger, ctx) = (run.ledger(), run.ctx());
        let columns = vec![
            Column::new("rank", "rank", Kind::Count),
            Column::new("contact", "contact", Kind::Text),
            Column::new("name", "name", Kind::Text),
            Column::new("referred", "referred", Kind::Count),
            Column::new("won", "won", Kind::Count),
            Column::new("won_value", "won value", Kind::Money),
            Column::new("last_contact", "last contact", Kind::Date),
            Column::new("days_since", "ago", Kind::Days),
            Column::new("bought", "bought", Kind::Count),
            Column::new("avg_rating", "rating", Kind::Number).optional(1),
        ];
        let mut report = Report::new(
            self.name(),
            "Contacts: whom to call first, and when",
            ctx,
            columns,
        );
        let facts = run.facts();

        // A person makes a row who referred or bought a cohort deal, or was
        // touched in the period; a touch has no channel, so with a channel
        // filter only deals of that channel make a row.
        let mut ranked: Vec<Person<'_>> = deals::contact_tallies(ledger, facts, ctx)
            .into_values()
            .filter(|(_, t)| {
                t.referred > 0 || t.bought > 0 || (ctx.channel.is_none() && t.touches > 0)
            })
            .map(|(id, tally)| Person::new(ledger, id, tally))
            .collect();
        // Ids are unique, so the order is total and a sort need not be stable.
        ranked.sort_unstable_by(|a, b| {
            b.won_value
                .cmp(&a.won_value)
                .then(b.won.cmp(&a.won))
                .then(b.referred.cmp(&a.referred))
                .then(b.last_contact.cmp(&a.last_contact))
                .then(a.id.cmp(b.id))
        });
        for (rank, person) in ranked.iter().enumerate() {
            use rust_decimal::prelude::ToPrimitive;
            report.rows.push(vec![
                Cell::Count(rank as u64 + 1),
                Cell::text(person.id),
                person.name.map_or(Cell::Empty, Cell::text),
                Cell::Count(person.referred as u64),
                Cell::Count(person.won as u64),
                Cell::money(person.won_value),
                person.last_contact.map_or(Cell::Empty, Cell::Date),
                person
                    .days_since(ctx.as_of)
                    .map_or(Cell::Empty, |d| Cell::Days(d as f64)),
                Cell::Count(person.bought as u64),
                person
                    .avg_rating
                    .and_then(|r| r.to_f64())
                    .map_or(Cell::Empty, Cell::Number),
            ]);
        }
        let availability = contract::availability(ledger, facts, ctx.as_of);
        report.info(availability_finding(
            facts,
            ctx,
            availability.as_ref(),
            &ranked,
        ));
        let date = |d: Option<NaiveDate>| d.map_or(Cell::Empty, Cell::Date);
        report.top_level(
            "available_from",
            date(availability.as_ref().map(|a| a.available_from)),
        );
        report.top_level(
            "start_calling",
            date(availability.as_ref().and_then(|a| a.start_calling)),
        );
        findings(&mut report, ctx, &ranked);
        report
    }
}

/// One contact's row.
struct Person<'l> {
    id: &'l str,
    /// The declared name.
    name: Option<&'l str>,
    referred: usize,
    bought: usize,
    /// Won deals they referred or bought, each once, and their value.
    won: usize,
    won_value: Decimal,
    avg_rating: Option<Decimal>,
    last_contact: Option<NaiveDate>,
}

impl<'l> Person<'l> {
    fn new(ledger: &'l Ledger, id: Name, tally: ContactTally) -> Person<'l> {
        Person {
            id: id.as_str(),
            name: ledger.contacts.get(&id).and_then(|c| c.name.as_deref()),
            referred: tally.referred,
            bought: tally.bought,
            won: tally.won_either,
            won_value: tally.won_either_value,
            avg_rating: deals::mean(&tally.ratings),
            last_contact: tally.last_contact,
        }
    }

    fn days_since(&self, as_of: NaiveDate) -> Option<i64> {
        self.last_contact.map(|date| (as_of - date).num_days())
    }

    /// "Anna Schmidt (`anna`)", or "`anna`" for an undeclared contact.
    fn called(&self) -> String {
        match self.name {
            Some(name) => format!("{name} (`{}`)", self.id),
            None => format!("`{}`", self.id),
        }
    }

    /// "Anna Schmidt", or "`anna`" for an undeclared contact.
    fn short(&self) -> String {
        match self.name {
            Some(name) => name.to_owned(),
            None => format!("`{}`", self.id),
        }
    }

    /// "referred 2 deals and bought 1", or `None` for neither.
    fn deals(&self) -> Option<String> {
        match (self.referred, self.bought) {
            (0, 0) => None,
            (r, 0) => Some(format!("referred {}", count(r, "deal", "deals"))),
            (0, b) => Some(format!("bought {}", count(b, "deal", "deals"))),
            (r, b) => Some(format!(
                "referred {} and bought {b}",
                count(r, "deal", "deals")
            )),
        }
    }
}

/// The first finding (analyses §3 `contacts`): until when you are booked,
/// the median days from lead to signature, when to start calling, and the
/// first three contacts to call.
fn availability_finding(
    facts: &[DealFacts],
    ctx: &Context,
    availability: Option<&Availability>,
    ranked: &[Person<'_>],
) -> String {
    let Some(a) = availability else {
        // A contract without an end books every day: nothing frees a day.
        let open: Vec<String> = deals::running_contracts(facts)
            .iter()
            .filter(|c| c.contract.has_open_end())
            .map(|c| format!("`{}`", c.id))
            .collect();
        return format!(
            "Your running contracts book a full week for the next ten years, so there is no date to start calling for: \
             a contract without `until` books every day until it has `ended`{}. \
             Give it an `until`, or write `ended` when it is over.",
            if open.is_empty() {
                String::new()
            } else {
                format!(" ({})", list(open.into_iter()))
            }
        );
    };
    let tomorrow = ctx.as_of.checked_add_days(Days::new(1));
    let mut text = if Some(a.available_from) == tomorrow {
        format!("You are free for new work from {}", a.available_from)
    } else {
        let until = a.available_from.pred_opt().unwrap_or(a.available_from);
        format!("You are booked until {until}")
    };
    if !a.still_booked.is_empty() {
        let booked: Vec<String> = a
            .still_booked
            .iter()
            .map(|(id, days)| {
                let days = days.round_dp(2).normalize();
                format!(
                    "{id}, {} day{} a week",
                    decimal(days),
                    if days == Decimal::ONE { "" } else { "s" }
                )
            })
            .collect();
        text.push_str(&format!(" ({} from then)", booked.join(" and ")));
    }
    match (a.median_days_to_win, a.start_calling) {
        (Some(median), Some(start)) => {
            let when = if start == ctx.as_of {
                format!("today, {start}")
            } else {
                format!("on {start}")
            };
            text.push_str(&format!(
                "; deals take a median {} days from lead to signature: start calling {when}",
                decimal(median.round_dp(1).normalize())
            ));
        }
        _ => text.push_str("; no deal is won yet to tell how long one takes from lead to signature: start calling now"),
    }
    if ranked.is_empty() {
        text.push('.');
    } else {
        text.push_str(&format!(
            ": {}.",
            ranked
                .iter()
                .take(3)
                .map(Person::short)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    text
}

fn findings(report: &mut Report, ctx: &Context, ranked: &[Person<'_>]) {
    let currency = ctx.currency.map(|c| c.to_string());
    let currency = currency.as_deref();
    if ranked.is_empty() {
        report.info(
            "No contact referred or bought a deal or was touched in this period. Name who referred a lead with \
             `lead DEAL via CHANNEL from CONTACT` and who decides with `buyer: CONTACT`, and write \
             `touch CONTACT` when you keep in touch.",
        );
        return;
    }
    let last = |person: &Person<'_>| match (person.last_contact, person.days_since(ctx.as_of)) {
        (Some(date), Some(days)) => format!(
            "last contact {date}, {} ago",
            count(days as usize, "day", "days")
        ),
        _ => "no contact yet".to_owned(),
    };
    for (place, person) in ["Call first", "Second", "Third"].iter().zip(ranked) {
        let deals = match (person.deals(), person.won) {
            (None, _) => "no deal referred or bought in this period".to_owned(),
            (Some(deals), 0) => format!("{deals}, none won yet"),
            (Some(deals), won) => format!(
                "{deals}, {won} won, worth {}",
                money(person.won_value, currency)
            ),
        };
        report.info(format!(
            "{place}: {}, who {deals} ({}).",
            person.called(),
            last(person)
        ));
    }
    // Contacts gone quiet: no contact for more than six months.
    let six_months_ago = ctx
        .as_of
        .checked_sub_months(Months::new(6))
        .unwrap_or(NaiveDate::MIN);
    let cold: Vec<&Person<'_>> = ranked
        .iter()
        .filter(|p| {
            (p.referred > 0 || p.bought > 0) && p.last_contact.is_none_or(|d| d < six_months_ago)
        })
        .collect();
    if !cold.is_empty() {
        let what = if cold.iter().any(|p| p.bought > 0) {
            "referred or bought work"
        } else {
            "referred work"
        };
        report.warning(format!(
            "{} {what} but you have not been in touch for over six months: {}. A short message keeps them warm.",
            match cold.len() {
                1 => "1 contact".to_owned(),
                n => format!("{n} contacts"),
            },
            list(cold.iter().map(|p| match p.name {
                Some(name) => format!("{name} (`{}`, {})", p.id, last(p)),
                None => format!("`{}` ({})", p.id, last(p)),
            })),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{date, ledger};

    #[test]
    fn ties_go_to_the_most_recent_contact_then_the_id() {
        let l = ledger(
            "2026-01-01 lead a via x from bea\n2026-01-01 lead b via x from al\n\
             2026-02-01 touch cy\n2026-01-15 touch bea\n2026-01-15 touch al\n2026-02-01 touch dan\n",
        );
        let report = Contacts.run(&Run::new(&l, Context::new(&l, date("2026-03-01"))));
        let ids: Vec<Cell> = report.rows.iter().map(|r| r[1].clone()).collect();
        // al and bea referred one each, last contact 01-15: by id. Then the
        // touch-only contacts, cy and dan, both last touched 02-01: by id.
        assert_eq!(ids, ["al", "bea", "cy", "dan"].map(Cell::text));
        assert_eq!(report.rows[2][3], Cell::Count(0));
        assert_eq!(report.rows[2][7], Cell::Days(28.0));
    }

    #[test]
    fn a_channel_filter_keeps_only_referrals_of_that_channel() {
        let l = ledger(
            "2026-01-01 lead a via x from al\n2026-01-01 lead b via y from bea\n2026-01-02 touch cy\n",
        );
        let mut ctx = Context::new(&l, date("2026-03-01"));
        ctx.channel = Some("x".to_owned());
        let report = Contacts.run(&Run::new(&l, ctx));
        assert_eq!(report.rows.len(), 1);
        assert_eq!(report.rows[0][1], Cell::text("al"));
    }

    #[test]
    fn over_six_months_is_before_the_same_day_six_months_earlier() {
        let text = "2026-01-01 lead a via x from al\n2026-01-02 won a 100 EUR\n";
        let l = ledger(text);
        // 2026-07-01 - 6 months = 2026-01-01: not before it, not cold yet.
        let report = Contacts.run(&Run::new(&l, Context::new(&l, date("2026-07-01"))));
        assert!(report
            .findings
            .iter()
            .all(|f| !f.message.contains("six months")));
        let report = Contacts.run(&Run::new(&l, Context::new(&l, date("2026-07-02"))));
        assert!(report.findings[2].message.contains("over six months"));
    }
}
