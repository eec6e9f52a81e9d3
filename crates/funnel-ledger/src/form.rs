//! An entry's arguments as its line says them, with where each is written.
//!
//! The parser reads a line into a [`Form`]; the model keeps only the
//! [`EntryKind`] it gives ([`Form::bare`]), which drops the places: at a
//! million entries the places were half of the model's memory, and only a
//! diagnostic or an editor's jump ever looks at one. Those read the line
//! again ([`crate::Ledger::form`]), which gives exactly the form the
//! parser saw (a test reads every entry of the examples both ways).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::model::{Assumption, EntryKind, Metric, Offer, Quantity, Spending, SpentOn};
use crate::name::Name;
use crate::span::Spanned;
use crate::value::{Amount, Currency, Rate};

/// The verb and arguments of a dated entry as its line says them, each
/// with where it is written: what the parser reads, before the model keeps
/// the [`EntryKind`] (the same without the places, 48 bytes smaller per
/// entry). [`Ledger::form`](crate::Ledger::form) reads it again from an entry's line when a
/// diagnostic or an editor needs a place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// The title, if any, stays in the text: [`Ledger::line_string`](crate::Ledger::line_string).
    Lead {
        deal: Spanned<Name>,
        channel: Spanned<Name>,
        contact: Option<Spanned<Name>>,
    },
    /// A custom or default stage between `lead` and `won`. The offer is
    /// boxed as in [`EntryKind::Stage`], which takes it over as it is.
    Stage {
        deal: Spanned<Name>,
        stage: Spanned<Name>,
        offer: Option<Box<Offer>>,
    },
    Won {
        deal: Spanned<Name>,
        offer: Option<Box<Offer>>,
        until: Option<Spanned<NaiveDate>>,
    },
    Lost {
        deal: Spanned<Name>,
    },
    Declined {
        deal: Spanned<Name>,
    },
    Ended {
        deal: Spanned<Name>,
        cancelled: bool,
    },
    /// The running contract goes on: `until` its new planned end, the
    /// offer's amount the value it adds, its rate the rate from this date.
    /// At least one of the offer and `until` (the parser makes sure).
    Extended {
        deal: Spanned<Name>,
        offer: Option<Box<Offer>>,
        until: Option<Spanned<NaiveDate>>,
    },
    /// A deal that was lost or declined is open again.
    Reopened {
        deal: Spanned<Name>,
    },
    /// The note, if any, stays in the text: [`Ledger::line_string`](crate::Ledger::line_string).
    Spent {
        quantity: Spanned<Quantity>,
        on: SpentOnForm,
    },
    Touch {
        contact: Spanned<Name>,
    },
    Note {
        deal: Spanned<Name>,
    },
    /// Boxed: assumptions are few and large.
    Assume(Box<Assumption>),
    Price {
        from: Currency,
        rate: Spanned<Decimal>,
        to: Currency,
    },
    Balance {
        amount: Spanned<Amount>,
    },
    Costs {
        rate: Spanned<Rate>,
    },
}

/// Where a `spent` went, with the place of the channel or deal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SpentOnForm {
    Channel(Spanned<Name>),
    Deal(Spanned<Name>),
}

impl Form {
    /// The arguments without their places: what the model keeps.
    pub fn bare(self) -> EntryKind {
        match self {
            Form::Lead {
                deal,
                channel,
                contact,
            } => EntryKind::Lead {
                deal: deal.value,
                channel: channel.value,
                contact: contact.map(|c| c.value),
            },
            Form::Stage { deal, stage, offer } => EntryKind::Stage {
                deal: deal.value,
                stage: stage.value,
                offer,
            },
            Form::Won { deal, offer, until } => EntryKind::Won {
                deal: deal.value,
                offer,
                until: until.map(|u| u.value),
            },
            Form::Lost { deal } => EntryKind::Lost { deal: deal.value },
            Form::Declined { deal } => EntryKind::Declined { deal: deal.value },
            Form::Ended { deal, cancelled } => EntryKind::Ended {
                deal: deal.value,
                cancelled,
            },
            Form::Extended { deal, offer, until } => EntryKind::Extended {
                deal: deal.value,
                offer,
                until: until.map(|u| u.value),
            },
            Form::Reopened { deal } => EntryKind::Reopened { deal: deal.value },
            Form::Spent { quantity, on } => EntryKind::Spent(Spending::new(
                quantity.value,
                match on {
                    SpentOnForm::Channel(c) => SpentOn::Channel(c.value),
                    SpentOnForm::Deal(d) => SpentOn::Deal(d.value),
                },
            )),
            Form::Touch { contact } => EntryKind::Touch {
                contact: contact.value,
            },
            Form::Note { deal } => EntryKind::Note { deal: deal.value },
            Form::Assume(assumption) => EntryKind::Assume(assumption),
            Form::Price { from, rate, to } => EntryKind::Price {
                from,
                rate: Box::new(rate.value),
                to,
            },
            Form::Balance { amount } => EntryKind::Balance {
                amount: amount.value,
            },
            Form::Costs { rate } => EntryKind::Costs {
                rate: Box::new(rate.value),
            },
        }
    }

    /// The deal the entry is about, if any (`spent … on DEAL` included),
    /// with where its id is written.
    pub fn deal(&self) -> Option<&Spanned<Name>> {
        match self {
            Form::Lead { deal, .. }
            | Form::Stage { deal, .. }
            | Form::Won { deal, .. }
            | Form::Lost { deal, .. }
            | Form::Declined { deal, .. }
            | Form::Ended { deal, .. }
            | Form::Extended { deal, .. }
            | Form::Reopened { deal, .. }
            | Form::Note { deal, .. }
            | Form::Spent {
                on: SpentOnForm::Deal(deal),
                ..
            } => Some(deal),
            Form::Spent {
                on: SpentOnForm::Channel(_),
                ..
            }
            | Form::Touch { .. }
            | Form::Assume(_)
            | Form::Price { .. }
            | Form::Balance { .. }
            | Form::Costs { .. } => None,
        }
    }

    /// The channel the entry names itself (see [`EntryKind::named_channel`]),
    /// with its place.
    pub fn named_channel(&self) -> Option<Spanned<Name>> {
        match self {
            Form::Lead { channel, .. }
            | Form::Spent {
                on: SpentOnForm::Channel(channel),
                ..
            } => Some(channel.clone()),
            Form::Assume(a) => a.channel.clone(),
            Form::Stage { .. }
            | Form::Won { .. }
            | Form::Lost { .. }
            | Form::Declined { .. }
            | Form::Ended { .. }
            | Form::Extended { .. }
            | Form::Reopened { .. }
            | Form::Spent {
                on: SpentOnForm::Deal(_),
                ..
            }
            | Form::Touch { .. }
            | Form::Note { .. }
            | Form::Price { .. }
            | Form::Balance { .. }
            | Form::Costs { .. } => None,
        }
    }

    /// The contact the entry's line names (see
    /// [`EntryKind::named_contact`]), with its place.
    pub fn named_contact(&self) -> Option<Spanned<Name>> {
        match self {
            Form::Lead { contact, .. } => contact.clone(),
            Form::Touch { contact, .. } => Some(contact.clone()),
            Form::Stage { .. }
            | Form::Won { .. }
            | Form::Lost { .. }
            | Form::Declined { .. }
            | Form::Ended { .. }
            | Form::Extended { .. }
            | Form::Reopened { .. }
            | Form::Spent { .. }
            | Form::Note { .. }
            | Form::Assume(_)
            | Form::Price { .. }
            | Form::Balance { .. }
            | Form::Costs { .. } => None,
        }
    }

    /// Every amount the entry carries, with where it is written (for
    /// `missing-price`), in the order [`EntryKind::amounts`] gives them: at
    /// most two (an offer's amount and rate), so no `Vec` per entry.
    pub fn amounts(&self) -> impl Iterator<Item = Spanned<Amount>> {
        let rate = |r: &Spanned<Rate>| Spanned::new(r.amount, r.span);
        let pair = match self {
            Form::Stage { offer: Some(o), .. }
            | Form::Won { offer: Some(o), .. }
            | Form::Extended { offer: Some(o), .. } => {
                [o.amount.clone(), o.rate.as_ref().map(rate)]
            }
            Form::Spent { quantity, .. } => match quantity.value {
                Quantity::Money(a) => [Some(Spanned::new(a, quantity.span)), None],
                Quantity::Effort(_) => [None, None],
            },
            Form::Balance { amount } => [Some(amount.clone()), None],
            Form::Costs { rate: r } => [Some(rate(r)), None],
            Form::Assume(assumption) => [assumption_amount(assumption), None],
            Form::Stage { offer: None, .. }
            | Form::Won { offer: None, .. }
            | Form::Extended { offer: None, .. }
            | Form::Reopened { .. }
            | Form::Lead { .. }
            | Form::Lost { .. }
            | Form::Declined { .. }
            | Form::Ended { .. }
            | Form::Touch { .. }
            | Form::Note { .. }
            | Form::Price { .. } => [None, None],
        };
        pair.into_iter().flatten()
    }
}

/// An assumption's amount (`assume value AMOUNT`), if it has one.
pub(crate) fn assumption_amount(assumption: &Assumption) -> Option<Spanned<Amount>> {
    match &assumption.metric {
        Metric::Value { amount } => Some(amount.clone()),
        Metric::Conversion { .. }
        | Metric::Cycle { .. }
        | Metric::Volume { .. }
        | Metric::Share { .. } => None,
    }
}
