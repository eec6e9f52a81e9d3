//! The dated entries (format §4): one function per form, chosen by the
//! verb. A verb that is not built in is a stage.

use rust_decimal::Decimal;

use super::cursor::{syntax, Cursor};
use super::LineError;
use crate::diagnostic::{Code, Diagnostic};
use crate::form::{Form, SpentOnForm};
use crate::lexer::{shorten, Tok, Token};
use crate::model::{Assumption, Metric};
use crate::name::Name;
use crate::span::{Span, Spanned};
use crate::suggest::did_you_mean;
use crate::value::{self, NumberWord, RateUnit};
use crate::verb::Verb;

/// `entry := date verb args`: the arguments after `verb`.
pub(super) fn entry(verb: Spanned<&str>, cur: &mut Cursor<'_, '_>) -> Result<Form, LineError> {
    let Some(builtin) = Verb::parse(verb.value) else {
        return stage(verb, cur);
    };
    let kind = match builtin {
        Verb::Lead => lead(cur)?,
        Verb::Won => won(cur)?,
        Verb::Lost => Form::Lost { deal: close(cur)? },
        Verb::Declined => Form::Declined { deal: close(cur)? },
        Verb::Ended => ended(cur)?,
        Verb::Extended => extended(verb.span, cur)?,
        Verb::Reopened => {
            let deal = cur.expect_deal()?;
            // Read again from the line when asked for (`Ledger::line_string`).
            cur.skip_string();
            cur.expect_end("a note string or the end of the entry")?;
            Form::Reopened { deal }
        }
        Verb::Spent => spent(cur)?,
        Verb::Touch => touch(cur)?,
        Verb::Note => note(cur)?,
        Verb::Assume => Form::Assume(Box::new(assume(cur)?)),
        Verb::Price => price(cur)?,
        Verb::Balance => balance(cur)?,
        Verb::Costs => costs(cur)?,
    };
    Ok(kind)
}

/// `stage DEAL [OFFER]`: any verb that is not built in is a stage; whether
/// it is a declared one is known only once every file's `stages` has been
/// read, so a line that does not read as a stage entry is left to `build`.
fn stage(verb: Spanned<&str>, cur: &mut Cursor<'_, '_>) -> Result<Form, LineError> {
    let verb = Spanned::new(Name::new(verb.value), verb.span);
    let stage = verb.clone();
    let parsed = (|| {
        let deal = cur.expect_deal()?;
        let offer = cur.offer()?;
        cur.expect_end_after_offer("an amount, `at RATE` or the end of the entry")?;
        Ok(Form::Stage { deal, stage, offer })
    })();
    if !value::is_ident(verb.value.as_str()) {
        return Err(unknown_verb(&verb, &[]).into());
    }
    parsed.map_err(|error| LineError::NotAStage(Box::new((verb, error))))
}

/// `extended DEAL [OFFER] [until DATE] ["note"]`, with an offer or `until`
/// or both.
fn extended(verb: Span, cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let deal = cur.expect_deal()?;
    let offer = cur.offer()?;
    let until = if cur.eat_keyword("until") {
        Some(cur.expect_date("a date after `until`")?)
    } else {
        None
    };
    // Read again from the line when asked for (`Ledger::line_string`).
    let note = cur.skip_string();
    cur.expect_end_after_offer(match (&offer, &until, note) {
        (_, _, true) => "tags or the end of the entry",
        (_, Some(_), false) => "a note string or the end of the entry",
        (Some(_), None, false) => "`until DATE`, a note string or the end of the entry",
        (None, None, false) => "an amount, `at RATE`, `until DATE` or a note string",
    })?;
    if offer.is_none() && until.is_none() {
        return Err(Diagnostic::new(
            Code::InvalidExtension,
            verb,
            format!(
                "`extended` on `{}` says neither what the extension adds nor until when",
                deal.value
            ),
        )
        .with_label("no offer and no `until`")
        .with_help(format!(
            "give the new end, the value added, or both: `extended {} 24000 EUR until 2026-12-31`",
            deal.value
        )));
    }
    Ok(Form::Extended { deal, offer, until })
}

/// `(lost | declined) DEAL ["reason"]`: the deal (the reason is read
/// again from the line when asked for, `Ledger::line_string`).
fn close(cur: &mut Cursor<'_, '_>) -> Result<Spanned<Name>, Diagnostic> {
    let deal = cur.expect_deal()?;
    cur.skip_string();
    cur.expect_end("a reason string or the end of the entry")?;
    Ok(deal)
}

/// `lead DEAL ["title"] via CHANNEL [from CONTACT]`
fn lead(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let deal = cur.expect_deal()?;
    // Read again from the line when asked for (`Ledger::line_string`).
    let title = cur.skip_string();
    if !cur.eat_keyword("via") {
        let err = cur.unexpected_keyword(
            if title {
                "`via CHANNEL`"
            } else {
                "a title string or `via CHANNEL`"
            },
            &["via"],
        );
        return Err(match cur.peek_word() {
            Some(word) if err.help().is_none() && value::is_channel(word) => {
                err.with_help(format!("name the channel with `via`: `via {word}`"))
            }
            _ => err,
        });
    }
    let channel =
        cur.expect_channel("a channel after `via`, like `referral` or `platform:upwork`")?;
    let contact = if cur.eat_keyword("from") {
        Some(cur.expect_ident("a contact id after `from`")?)
    } else {
        None
    };
    cur.expect_end(if contact.is_some() {
        "tags or the end of the entry"
    } else {
        "`from CONTACT`, tags or the end of the entry"
    })
    .map_err(|err| match cur.peek() {
        Some(Token {
            tok: Tok::Str(text),
            ..
        }) if !title => err.with_help(format!(
            "a lead's title goes before `via`: `lead {} \"{}\" via {}`",
            deal.value,
            shorten(text),
            channel.value
        )),
        _ => err,
    })?;
    Ok(Form::Lead {
        deal,
        channel,
        contact,
    })
}

/// `won DEAL [OFFER] [until DATE]`
fn won(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let deal = cur.expect_deal()?;
    let offer = cur.offer()?;
    let until = if cur.eat_keyword("until") {
        Some(cur.expect_date("a date after `until`")?)
    } else {
        None
    };
    cur.expect_end_after_offer(if until.is_some() {
        "tags or the end of the entry"
    } else {
        "an amount, `at RATE`, `until DATE` or the end of the entry"
    })?;
    Ok(Form::Won { deal, offer, until })
}

/// `ended DEAL [cancelled] ["note"]`
fn ended(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let deal = cur.expect_deal()?;
    let cancelled = cur.eat_keyword("cancelled");
    // Read again from the line when asked for (`Ledger::line_string`).
    cur.skip_string();
    cur.expect_end(if cancelled {
        "a note string or the end of the entry"
    } else {
        "`cancelled`, a note string or the end of the entry"
    })?;
    Ok(Form::Ended { deal, cancelled })
}

/// `spent QUANTITY (via CHANNEL | on DEAL) ["note"]`
fn spent(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let quantity = cur.quantity()?;
    let on = if cur.eat_keyword("via") {
        SpentOnForm::Channel(cur.expect_channel("a channel after `via`")?)
    } else if cur.eat_keyword("on") {
        SpentOnForm::Deal(cur.expect_deal()?)
    } else {
        return Err(cur.unexpected_keyword("`via CHANNEL` or `on DEAL`", &["via", "on"]));
    };
    // Read again from the line when asked for (`Ledger::line_string`).
    cur.skip_string();
    cur.expect_end("a note string or the end of the entry")?;
    Ok(Form::Spent { quantity, on })
}

/// `touch CONTACT ["note"]`
fn touch(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let contact = cur.expect_ident("a contact id after `touch`")?;
    // Read again from the line when asked for (`Ledger::line_string`).
    cur.skip_string();
    cur.expect_end("a note string or the end of the entry")?;
    Ok(Form::Touch { contact })
}

/// `note DEAL "text"`
fn note(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let deal = cur.expect_deal()?;
    // Read again from the line when asked for (`Ledger::line_string`).
    if !cur.skip_string() {
        return Err(cur.unexpected("the note's text as a quoted string"));
    }
    cur.expect_end("the end of the entry")?;
    Ok(Form::Note { deal })
}

/// `price CUR NUMBER CUR2`
fn price(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let from = cur.expect_currency("a currency after `price`, like `USD`")?;
    let rate = cur.expect_positive_number("the price of one unit, like `0.92`")?;
    let to = cur.expect_currency("the currency the price is in, like `EUR`")?;
    if from.value == to.value {
        return Err(syntax(to.span, "a price needs two different currencies"));
    }
    cur.expect_end("the end of the entry")?;
    Ok(Form::Price {
        from: from.value,
        rate,
        to: to.value,
    })
}

/// `balance AMOUNT`
fn balance(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let amount = cur.expect_amount("an amount after `balance`, like `18000 EUR`", false)?;
    cur.expect_end("the end of the entry")?;
    Ok(Form::Balance { amount })
}

/// `costs RATE` (per month or per year)
fn costs(cur: &mut Cursor<'_, '_>) -> Result<Form, Diagnostic> {
    let rate = cur.expect_rate("a rate after `costs`, like `3200 EUR/month`")?;
    if !matches!(rate.unit, RateUnit::Month | RateUnit::Year) {
        return Err(syntax(
            rate.span,
            format!(
                "costs are per `month` or per `year`, found `/{}`",
                rate.unit.as_str()
            ),
        ));
    }
    cur.expect_end("the end of the entry")?;
    Ok(Form::Costs { rate })
}

/// `assume := metric args ("via" channel)? string?`
fn assume(cur: &mut Cursor<'_, '_>) -> Result<Assumption, Diagnostic> {
    const METRICS: &[&str] = &["conversion", "cycle", "value", "volume", "share"];
    let metric_word = cur.expect_word(
        "a metric after `assume`: `conversion`, `cycle`, `value`, `volume` or `share`",
    )?;
    let steps = |cur: &mut Cursor<'_, '_>| -> Result<(Spanned<Name>, Spanned<Name>), Diagnostic> {
        let word = cur.expect_word("two stages joined by `->`, like `lead->won`")?;
        if !word.value.contains("->") {
            return Err(syntax(
                word.span,
                format!(
                    "expected two stages joined by `->`, like `lead->won`, found `{}`",
                    shorten(word.value)
                ),
            ));
        }
        let Some((from, to)) = value::stage_steps(word.value) else {
            return Err(syntax(
                word.span,
                format!(
                    "expected two stage names joined by `->`, found `{}`",
                    shorten(word.value)
                ),
            ));
        };
        let start = word.span.start as usize;
        let from_span = Span::new(word.span.file, start, start + from.len());
        let to_span = Span::new(
            word.span.file,
            start + from.len() + 2,
            word.span.end as usize,
        );
        Ok((
            Spanned::new(Name::new(from), from_span),
            Spanned::new(Name::new(to), to_span),
        ))
    };
    let metric = match metric_word.value {
        "conversion" => {
            let (from, to) = steps(cur)?;
            let percent = cur.expect_share("a percent like `10%`")?;
            Metric::Conversion { from, to, percent }
        }
        "cycle" => {
            let (from, to) = steps(cur)?;
            let duration =
                cur.expect_number_kind("a duration like `30d`, `6w` or `3mo`", |w| match w {
                    NumberWord::Duration(d) if d.value > Decimal::ZERO => Some(d),
                    _ => None,
                })?;
            Metric::Cycle { from, to, duration }
        }
        "value" => Metric::Value {
            amount: cur.expect_amount("an amount like `15000 EUR`", true)?,
        },
        "volume" => {
            let stage = cur.expect_ident("a stage name, like `lead`")?;
            let frequency =
                cur.expect_number_kind("a frequency like `8/mo`, `2/w` or `50/y`", |w| match w {
                    NumberWord::Frequency(f) if f.count > Decimal::ZERO => Some(f),
                    _ => None,
                })?;
            Metric::Volume { stage, frequency }
        }
        "share" => Metric::Share {
            percent: cur.expect_share("a percent like `20%`")?,
        },
        other => {
            return Err(syntax(
                metric_word.span,
                format!("unknown metric `{}`", shorten(other)),
            )
            .with_help(
                did_you_mean(other, METRICS.iter().copied()).unwrap_or_else(|| {
                    "the metrics are `conversion`, `cycle`, `value`, `volume` and `share`"
                        .to_owned()
                }),
            ))
        }
    };
    let channel = if cur.eat_keyword("via") {
        Some(cur.expect_channel("a channel after `via`")?)
    } else {
        None
    };
    // The claim in canonical spelling (as `funnel fmt` writes it), so
    // that reformatting a file never changes what reports show.
    let first = cur
        .toks
        .iter()
        .position(|t| t.span == metric_word.span)
        .unwrap_or(cur.pos);
    let words: Vec<&str> = cur.toks[first..cur.pos]
        .iter()
        .map(|t| {
            &cur.line[t.span.start as usize - cur.line_start..t.span.end as usize - cur.line_start]
        })
        .collect();
    let text = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let is_name =
                (i > 0 && words[i - 1] == "via") || (i == 1 && metric_word.value == "volume");
            if is_name {
                (*w).to_owned()
            } else {
                value::normalize_number(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let note = cur.opt_string();
    cur.expect_end(if note.is_some() {
        "tags or the end of the entry"
    } else {
        "`via CHANNEL`, a note string or the end of the entry"
    })?;
    if matches!(metric, Metric::Share { .. }) && channel.is_none() {
        return Err(syntax(
            metric_word.span,
            "`assume share` needs `via CHANNEL`: the share of won deals that came through it",
        ));
    }
    Ok(Assumption {
        metric,
        channel,
        note,
        text,
    })
}

pub(super) fn verb_list() -> String {
    format!(
        "the verbs are {}, and the names of the stages",
        Verb::ALL
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// An `unknown-verb` diagnostic, suggesting a built-in verb or a stage.
pub(crate) fn unknown_verb(verb: &Spanned<Name>, stages: &[Name]) -> Diagnostic {
    let candidates = Verb::ALL
        .iter()
        .map(|v| v.as_str())
        .chain(stages.iter().map(|s| s.as_str()));
    let list = || {
        let verbs = Verb::ALL
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let stages = stages
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if stages.is_empty() {
            format!("the verbs are {verbs}; the ledger declares no stages between `lead` and `won`")
        } else {
            format!("the verbs are {verbs}, and the stages {stages}")
        }
    };
    Diagnostic::new(
        Code::UnknownVerb,
        verb.span,
        format!("unknown verb `{}`", shorten(&verb.value)),
    )
    .with_help(did_you_mean(&verb.value, candidates).unwrap_or_else(list))
}
