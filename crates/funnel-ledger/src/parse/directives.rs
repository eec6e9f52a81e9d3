//! The directives (format §3): `include`, `option`, `stages`, `channel`,
//! `contact`, one arm each.

use rust_decimal::Decimal;

use super::cursor::{syntax, Cursor};
use crate::diagnostic::{Code, Diagnostic};
use crate::lexer::{shorten, Tok};
use crate::model::{DirectiveKind, OptionValue};
use crate::name::Name;
use crate::span::Spanned;
use crate::suggest::did_you_mean;
use crate::value::{self, Currency, NumberWord};
use crate::verb::{self, Keyword, OPTIONS};

/// `directive := keyword args`, the keyword read.
pub(super) fn directive(
    keyword: Keyword,
    cur: &mut Cursor<'_, '_>,
) -> Result<DirectiveKind, Diagnostic> {
    let kind = match keyword {
        Keyword::Include => {
            let path =
                cur.expect_string("a quoted path after `include`, like `\"2025.funnel\"`")?;
            cur.expect_end("the end of the `include`")?;
            DirectiveKind::Include { path }
        }
        Keyword::Option => option(cur)?,
        Keyword::Stages => {
            let mut names: Vec<Spanned<Name>> = Vec::new();
            while let Some(tok) = cur.next() {
                let Tok::Word(word) = tok.tok else {
                    return Err(syntax(
                        tok.span,
                        format!("expected a stage name, found {}", tok.describe()),
                    ));
                };
                if !value::is_ident(word) {
                    return Err(syntax(
                        tok.span,
                        format!("`{}` is not a valid stage name", shorten(word)),
                    )
                    .with_help("names are letters and digits, then also `_`, `.` or `-`"));
                }
                if verb::is_reserved(word) {
                    return Err(syntax(tok.span, format!("`{word}` is a reserved word and cannot be a stage name"))
                        .with_help("`lead` always comes first and `won` last; list only the stages between them"));
                }
                if let Some(first) = names.iter().find(|n| n.value == word) {
                    return Err(syntax(tok.span, format!("stage `{word}` is listed twice"))
                        .with_related(first.span, "first listed here"));
                }
                names.push(Spanned::new(Name::new(word), tok.span));
            }
            DirectiveKind::Stages { names }
        }
        Keyword::Channel => {
            let name =
                cur.expect_channel("a channel name after `channel`, like `platform:upwork`")?;
            let title = cur.opt_string();
            cur.expect_end("a title string or the end of the `channel` line")?;
            DirectiveKind::Channel { name, title }
        }
        Keyword::Client => {
            let id = cur.expect_ident("a client id after `client`, like `acme`")?;
            let name = cur.opt_string();
            cur.expect_end("a name string or the end of the `client` line")?;
            DirectiveKind::Client { id, name }
        }
        Keyword::Contact => {
            let id = cur.expect_ident("a contact id after `contact`, like `anna`")?;
            let name = cur.opt_string();
            cur.expect_end("a name string or the end of the `contact` line")?;
            DirectiveKind::Contact { id, name }
        }
    };
    Ok(kind)
}

/// `option := "option" ident value`
fn option(cur: &mut Cursor<'_, '_>) -> Result<DirectiveKind, Diagnostic> {
    let name = cur.expect_word(&format!(
        "an option name after `option` ({})",
        option_list(" or ")
    ))?;
    if !OPTIONS.contains(&name.value) {
        return Err(Diagnostic::new(
            Code::UnknownOption,
            name.span,
            format!("unknown option `{}`", shorten(name.value)),
        )
        .with_help(
            did_you_mean(name.value, OPTIONS.iter().copied())
                .unwrap_or_else(|| format!("the options are {}", option_list(" and "))),
        ));
    }
    let Some(tok) = cur.next() else {
        return Err(syntax(
            cur.end,
            format!("expected a value for option `{}`", name.value),
        ));
    };
    let word = match &tok.tok {
        Tok::Word(w) => *w,
        _ => "",
    };
    let invalid = |expected: &str| {
        Diagnostic::new(
            Code::InvalidOption,
            tok.span,
            format!(
                "invalid value for option `{}`: expected {expected}, found {}",
                name.value,
                tok.describe()
            ),
        )
    };
    let value = match name.value {
        "currency" => OptionValue::Currency(Currency::parse(word).ok_or_else(|| {
            invalid("a currency code like `EUR`").with_help("currency codes are an uppercase letter and 2 to 9 more uppercase letters or digits")
        })?),
        "stale-after" => match value::parse_number_word(word) {
            Some(Ok(NumberWord::Duration(d))) if d.value > Decimal::ZERO => OptionValue::StaleAfter(d),
            _ => return Err(invalid("a positive duration like `90d`, `6w` or `3mo`")),
        },
        "strict" => match word {
            "true" => OptionValue::Strict(true),
            "false" => OptionValue::Strict(false),
            _ => return Err(invalid("`true` or `false`")),
        },
        "tax-reserve" => match value::parse_number_word(word) {
            Some(Ok(NumberWord::Percent(p))) if (Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&p) => {
                OptionValue::TaxReserve(p)
            }
            _ => return Err(invalid("a percent from 0% to 100%, like `30%`")),
        },
        _ => unreachable!("checked against OPTIONS"),
    };
    cur.expect_end("the end of the `option` line")?;
    Ok(DirectiveKind::Option {
        name: Spanned::new(name.value.to_owned(), name.span),
        value: Spanned::new(value, tok.span),
    })
}

/// The options as a list in prose: "`currency`, `stale-after` or `strict`".
fn option_list(last: &str) -> String {
    let quoted: Vec<String> = OPTIONS.iter().map(|o| format!("`{o}`")).collect();
    match quoted.split_last() {
        Some((final_one, [])) => final_one.clone(),
        Some((final_one, rest)) => format!("{}{last}{final_one}", rest.join(", ")),
        None => String::new(),
    }
}
