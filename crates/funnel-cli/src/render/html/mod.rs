//! The HTML view: one self-contained page (all CSS inline, charts as
//! inline SVG, no script, no font, no request of any kind) that a person
//! opens in a browser, prints to A4 or mails.
//!
//! `funnel report --format html` writes one section per report: its
//! charts (`charts.rs`, drawn by the hand-written builders of `svg.rs`),
//! its whole table and its findings. `funnel review --format html` is the
//! third writer of the review (`review.rs`), which uses the page, the
//! charts and the findings list from here. Every text and number is
//! written as the table view writes it and escaped ([`svg::escape`]).

pub mod charts;
pub mod svg;

use std::io::Write;

use anyhow::Result;
use funnel_analysis::{Context, Finding, Report, Severity};

use charts::{Group, Options, Table};
pub use svg::escape;

/// The page's style: light by default, dark when the reader's system
/// asks (`prefers-color-scheme`), and an A4 print style in which each
/// `.page` starts a new sheet. Colours pass WCAG AA contrast on their
/// background; meaning never rests on colour alone (charts use shapes,
/// dashes and words).
const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #4a525c; --bg: #ffffff;
  --panel: #f4f6f8; --rule: #c9d0d8; --bar: #2f6db5; --bar2: #b3541e; --band: #9dbce3;
  --warn: #8a4b00; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e8ebef; --muted: #b4bcc6; --bg: #15181c; --panel: #1f242a; --rule: #48515c;
    --bar: #7fb0ec; --bar2: #f0a36e; --band: #35557d; --warn: #ffc266; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 28px 0 4px; padding-top: 8px; border-top: 2px solid var(--rule); }
.subtitle, .sources, .footer { color: var(--muted); margin: 2px 0 10px; }
.sources { font-size: 0.9em; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
p.numbers { margin: 4px 0; }
ul.findings { list-style: none; padding: 0; margin: 8px 0; }
ul.findings li { margin: 4px 0; padding-left: 1.4em; text-indent: -1.4em; }
ul.findings .mark { display: inline-block; width: 1.4em; text-indent: 0; font-weight: 700; }
ul.findings li.warning .mark { color: var(--warn); }
figure { margin: 12px 0 18px; }
figcaption { font-weight: 600; margin: 0 0 6px; break-after: avoid; }
.multiples { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 8px 16px; }
svg.chart { display: block; width: 100%; height: auto; max-width: 760px; background: var(--panel);
  border-radius: 4px; font-family: inherit; font-size: 11px; }
.multiples svg.chart { max-width: none; }
svg.chart text { fill: var(--fg); }
svg.chart .note, svg.chart .tick, svg.chart .axis-label { fill: var(--muted); }
svg.chart .in-bar { fill: var(--bg); font-weight: 700; }
svg.chart .bar { fill: var(--bar); }
svg.chart .bar.thin { fill: none; stroke: var(--bar); stroke-width: 1.5; stroke-dasharray: 4 2; }
svg.chart .axis { stroke: var(--fg); stroke-width: 1; }
svg.chart .grid { stroke: var(--rule); stroke-width: 0.5; }
svg.chart .level { stroke: var(--muted); stroke-width: 1; stroke-dasharray: 1 3; }
svg.chart .series { fill: none; stroke-width: 2; }
svg.chart .series.s1 { stroke: var(--bar); }
svg.chart .series.s2 { stroke: var(--bar2); stroke-dasharray: 6 4; }
svg.chart .mark.s1 { fill: var(--bar); }
svg.chart .mark.s2 { fill: var(--bar2); }
svg.chart .mark.assumed { fill: var(--bg); stroke: var(--fg); stroke-width: 1.5; }
svg.chart .band { fill: var(--band); }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 0.86em; font-variant-numeric: tabular-nums; }
.table-wrap { overflow-x: auto; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { padding: 3px 8px; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { text-align: left; font-weight: 600; }
th.num, td.num { text-align: right; white-space: nowrap; }
td.short { white-space: nowrap; }
tr.total td { font-weight: 600; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  :root { --fg: #000; --muted: #333; --bg: #fff; --panel: #fff; --rule: #999; --bar: #1f4f8a;
    --bar2: #8a3a10; --band: #b8cce6; --warn: #000; }
  body { font-size: 10pt; }
  main { max-width: none; padding: 0; }
  h2 { margin-top: 10px; }
  .page { break-before: page; }
  svg.chart, tr, ul.findings li, h2, .sources { break-inside: avoid; }
  h2, .sources, caption { break-after: avoid; }
  svg.chart { max-width: 130mm; }
  .multiples { grid-template-columns: repeat(3, 1fr); gap: 4px 10px; }
  table { font-size: 7pt; line-height: 1.25; margin: 4px 0 8px; }
  th, td { padding: 1px 5px; }
  figure { margin: 8px 0 10px; }
  ul.findings li { margin: 2px 0; }
  .table-wrap { overflow: visible; }
}
"#;

/// The start of a page, up to the opening of `<main>`.
pub fn open_page(out: &mut dyn Write, title: &str) -> std::io::Result<()> {
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <meta name=\"generator\" content=\"funnel\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n<main>\n",
        escape(title)
    )
}

/// The end of a page.
pub fn close_page(out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "</main>\n</body>\n</html>")
}

/// Findings as a list: `•` to know, `!` to act on (the mark is a word for
/// screen readers too), word for word.
pub fn write_findings<'f>(
    out: &mut dyn Write,
    findings: impl IntoIterator<Item = &'f Finding>,
) -> std::io::Result<()> {
    let mut any = false;
    for finding in findings {
        if !any {
            writeln!(out, "<ul class=\"findings\">")?;
            any = true;
        }
        let (class, mark, word) = match finding.severity {
            Severity::Info => ("info", "•", "to know"),
            Severity::Warning => ("warning", "!", "to act on"),
        };
        writeln!(
            out,
            "<li class=\"{class}\"><span class=\"mark\" role=\"img\" aria-label=\"{word}\">{mark}</span>{}</li>",
            escape(&finding.message)
        )?;
    }
    if any {
        writeln!(out, "</ul>")?;
    }
    Ok(())
}

/// A table of texts: headers, then rows; a last row starting with `*` is
/// the total.
pub fn write_table(out: &mut dyn Write, table: &Table, caption: &str) -> std::io::Result<()> {
    if table.rows.is_empty() {
        return Ok(());
    }
    // Numbers and short texts stay on one line; a column of long texts
    // (reasons, lessons, assumptions) wraps.
    let long: Vec<bool> = (0..table.headers.len())
        .map(|i| {
            !table.numeric[i]
                && table
                    .rows
                    .iter()
                    .any(|row| row.get(i).is_some_and(|c| c.chars().count() > 32))
        })
        .collect();
    let class = |i: usize| match (table.numeric[i], long[i]) {
        (true, _) => " class=\"num\"",
        (false, true) => "",
        (false, false) => " class=\"short\"",
    };
    writeln!(out, "<div class=\"table-wrap\"><table>")?;
    if !caption.is_empty() {
        writeln!(out, "<caption>{}</caption>", escape(caption))?;
    }
    write!(out, "<thead><tr>")?;
    for (i, header) in table.headers.iter().enumerate() {
        write!(out, "<th scope=\"col\"{}>{}</th>", class(i), escape(header))?;
    }
    writeln!(out, "</tr></thead>\n<tbody>")?;
    for row in &table.rows {
        let total = row.first().is_some_and(|c| c == "*");
        write!(out, "<tr{}>", if total { " class=\"total\"" } else { "" })?;
        for (i, text) in row.iter().enumerate() {
            write!(out, "<td{}>{}</td>", class(i), escape(text))?;
        }
        writeln!(out, "</tr>")?;
    }
    writeln!(out, "</tbody></table></div>")
}

/// A group of charts with its caption, and the numbers behind it as a
/// table when `numbers` is set.
pub fn write_group(out: &mut dyn Write, group: &Group, numbers: bool) -> std::io::Result<()> {
    writeln!(out, "<figure>")?;
    writeln!(out, "<figcaption>{}</figcaption>", escape(&group.caption))?;
    if group.multiples {
        writeln!(out, "<div class=\"multiples\">")?;
    }
    for chart in &group.charts {
        writeln!(out, "{chart}")?;
    }
    if group.multiples {
        writeln!(out, "</div>")?;
    }
    if numbers {
        write_table(out, &group.table, "The numbers behind the chart")?;
    }
    writeln!(out, "</figure>")
}

/// `funnel report --format html`: a page with one section per report —
/// its charts, its whole table (as the CSV has it, in the table view's
/// units) and its findings.
pub fn write_reports(out: &mut dyn Write, reports: &[Report], ctx: &Context) -> Result<()> {
    let title = match reports {
        [one] => one.title.clone(),
        _ => "funnel report".to_owned(),
    };
    open_page(out, &title)?;
    writeln!(out, "<h1>{}</h1>", escape(&title))?;
    // One report's own subtitle follows; several share the as-of date.
    if let (Some(first), true) = (reports.first(), reports.len() > 1) {
        let subtitle = format!("as of {}", first.as_of);
        writeln!(out, "<p class=\"subtitle\">{}</p>", escape(&subtitle))?;
    }
    for (i, report) in reports.iter().enumerate() {
        let id = format!("r{i}");
        let page = if i > 0 { " class=\"page\"" } else { "" };
        writeln!(
            out,
            "<section{page} id=\"{}\">",
            escape(&format!("report-{}", report.analysis))
        )?;
        if reports.len() > 1 {
            writeln!(out, "<h2>{}</h2>", escape(&report.title))?;
        }
        writeln!(
            out,
            "<p class=\"subtitle\">{}</p>",
            escape(&crate::render::table::subtitle(report, ctx))
        )?;
        let options = Options {
            funnel_by_channel: true,
        };
        for group in charts::groups(report, &id, options) {
            // The report's whole table follows: no second one per chart.
            write_group(out, &group, false)?;
        }
        write_table(out, &Table::whole(report), "")?;
        write_findings(out, &report.findings)?;
        writeln!(out, "</section>")?;
    }
    close_page(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The colour variables of one `--name: #rrggbb;` list of [`STYLE`].
    fn palette(block: &str) -> std::collections::HashMap<String, [f64; 3]> {
        block
            .split(';')
            .filter_map(|pair| {
                let (name, value) = pair.split_once(':')?;
                let name = name.trim().strip_prefix("--")?.split_whitespace().last()?;
                let hex = value.trim().strip_prefix('#')?;
                // `#abc` is `#aabbcc`.
                let hex: String = match hex.len() {
                    3 => hex.chars().flat_map(|c| [c, c]).collect(),
                    _ => hex.to_owned(),
                };
                let channel = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
                Some((
                    name.to_owned(),
                    [channel(0)?, channel(2)?, channel(4)?].map(|c| f64::from(c) / 255.0),
                ))
            })
            .collect()
    }

    /// WCAG 2 contrast ratio.
    fn contrast(a: [f64; 3], b: [f64; 3]) -> f64 {
        let luminance = |c: [f64; 3]| {
            let f = |v: f64| {
                if v <= 0.03928 {
                    v / 12.92
                } else {
                    ((v + 0.055) / 1.055).powf(2.4)
                }
            };
            0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2])
        };
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    /// In light, dark and print colours alike, text reaches WCAG AA (4.5:1)
    /// on the page and on a chart's panel, a count inside a bar reaches it
    /// on the bar, and chart marks reach 3:1 on their panel.
    #[test]
    fn colours_have_enough_contrast() {
        let blocks: Vec<String> = STYLE
            .match_indices("--fg: ")
            .map(|(at, _)| {
                let rest = &STYLE[at..];
                rest[..rest.find('}').unwrap()].to_owned()
            })
            .collect();
        assert_eq!(blocks.len(), 3, "light, dark and print");
        for block in &blocks {
            let c = palette(block);
            assert_eq!(c.len(), 9, "{block}");
            let pair = |a: &str, b: &str| contrast(c[a], c[b]);
            for (text, on) in [
                ("fg", "bg"),
                ("fg", "panel"),
                ("muted", "bg"),
                ("muted", "panel"),
                ("warn", "bg"),
                ("bg", "bar"),
                ("fg", "band"),
            ] {
                assert!(
                    pair(text, on) >= 4.5,
                    "{text} on {on}: {:.2} in {block}",
                    pair(text, on)
                );
            }
            for mark in ["bar", "bar2"] {
                assert!(
                    pair(mark, "panel") >= 3.0,
                    "{mark}: {:.2} in {block}",
                    pair(mark, "panel")
                );
            }
        }
    }
}
