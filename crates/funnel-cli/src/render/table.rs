//! The table view: a title, a line saying what was analysed, aligned
//! columns in human units (`25.0% (3 of 12)`, `12,000`, `7.5`, with the
//! unit — `EUR`, `h`, `days` — in the header), and the findings
//! underneath. Colour only on a terminal and never with `NO_COLOR`.
//!
//! Tables fit the width (`COLUMNS`, else 100) where they can: a grouping
//! first column (the funnel's channel) becomes a heading above each group, the columns an
//! analysis marks optional are left out (and named under the table), and
//! then the widest text column wraps.
//!
//! Columns marked as a trend (those of `trends`) get a sparkline each under
//! the table, oldest row on the left, so their direction shows at a glance.

use std::cmp::Reverse;
use std::io::Write;

use anyhow::Result;
use funnel_analysis::words::{self, money_number_into, number_into, percent_into};

use funnel_analysis::{Cell, Column, Context, Kind, Report, Severity};
use funnel_ledger::value::DurationUnit;
use rust_decimal::{Decimal, RoundingStrategy};

/// How the table is drawn.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Style {
    pub colour: bool,
    /// The width to fit, in characters.
    pub width: usize,
}

impl Style {
    /// Coloured or not as the caller decided for its stream
    /// (`terminal::colour_stdout`); as wide as `terminal::width` (the
    /// terminal, `COLUMNS`, else 100), and never narrower than
    /// [`MIN_WIDTH`].
    pub fn detect(colour: bool) -> Style {
        let width = crate::terminal::width().max(MIN_WIDTH);
        Style { colour, width }
    }

    /// The style of standard output, or of a file written with `-o`
    /// (coloured only when forced, `COLUMNS` else 100 wide).
    pub fn for_output(file: Option<&std::path::Path>) -> Style {
        match file {
            None => Style::detect(crate::terminal::colour_stdout()),
            Some(_) => Style {
                colour: crate::terminal::colour(false),
                width: crate::terminal::file_width().max(MIN_WIDTH),
            },
        }
    }

    /// `text` in an ANSI style (`1` bold, `2` dim, `33` yellow) when
    /// colour is on.
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.colour && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
}

const GAP: usize = 2;

/// Narrower than this, tables are laid out as if this wide (and wrap in
/// the terminal): a few columns of numbers need it.
pub const MIN_WIDTH: usize = 40;

/// Writes the reports as tables, `cells[i]` being [`Cells::of`] report
/// `i`: `funnel report` formats each report's cells on the thread that
/// ran its analysis, as soon as it is done (a big ledger's reports run to
/// tens of thousands of rows; formatting them here, after the last
/// analysis, left the other core idle meanwhile).
pub fn write(
    out: &mut impl Write,
    reports: &[Report],
    cells: &[Cells],
    ctx: &Context,
    style: &Style,
) -> Result<()> {
    // Each table is measured on all cores; then the tables are written in
    // order, straight to `out` (a buffer per table was megabytes of fresh
    // memory for a big ledger).
    assert_eq!(reports.len(), cells.len(), "one set of cells per report");
    let cores = funnel_ledger::parallel::cores();
    let tables = funnel_ledger::parallel::map_ordered(reports.len(), cores, |i| {
        Table::new(&reports[i], &cells[i], style.width)
    });
    for (i, (report, table)) in reports.iter().zip(&tables).enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        write_one(out, report, table, ctx, style)?;
    }
    Ok(())
}

/// A report's cells in human units and the layout of its columns (none
/// when it has no rows).
struct Table<'a> {
    cells: &'a Texts,
    layout: Option<Layout<'a>>,
}

/// A report's cells in human units, made by [`Cells::of`] (wherever the
/// report was made) and laid out by [`write`].
pub struct Cells(Texts);

impl Cells {
    pub fn of(report: &Report) -> Cells {
        Cells(Texts::of(report, report.currency.as_deref()))
    }
}

impl<'a> Table<'a> {
    fn new(report: &'a Report, Cells(cells): &'a Cells, width: usize) -> Table<'a> {
        let currency = report.currency.as_deref();
        let layout = (!report.rows.is_empty()).then(|| {
            // A grouping first column (the funnel's channel) becomes a
            // heading above each group instead of a column.
            let first = usize::from(grouped(report));
            Layout::new(&report.columns[first..], cells, first, currency, width)
        });
        Table { cells, layout }
    }
}

/// Whether the report's first column groups its rows.
fn grouped(report: &Report) -> bool {
    report.columns.first().is_some_and(|c| c.groups_rows)
}

fn write_one(
    out: &mut impl Write,
    report: &Report,
    table: &Table<'_>,
    ctx: &Context,
    style: &Style,
) -> Result<()> {
    writeln!(out, "{}", style.paint("1", &report.title))?;
    writeln!(out, "{}", style.paint("2", &subtitle(report, ctx)))?;
    writeln!(out)?;

    let Some(layout) = &table.layout else {
        // No table to draw: the findings say why.
        return write_findings(out, report, style);
    };
    let cells = table.cells;
    let grouped = grouped(report);
    let first = usize::from(grouped);

    let mut line = String::new();
    for row in 0..layout.height() {
        layout.line(
            &mut line,
            layout.headers.iter().map(|lines| lines[row].as_str()),
        );
        // Skip a header line that only left-out columns used.
        if !line.is_empty() {
            writeln!(out, "{}", style.paint("1", &line))?;
        }
    }
    let rule = "─".repeat(layout.total());
    writeln!(out, "{}", style.paint("2", &rule))?;

    let first_cell = |i: usize| (cells.columns > 0).then(|| cells.get(i, 0));
    for i in 0..cells.rows() {
        if grouped && (i == 0 || first_cell(i - 1) != first_cell(i)) {
            if i > 0 {
                writeln!(out)?;
            }
            let heading = match cells.get(i, 0) {
                "*" => "all channels",
                text => text,
            };
            writeln!(out, "{}", style.paint("1", heading))?;
        }
        // The total row of a table that ends with one is set apart.
        if !grouped && i > 0 && i + 1 == cells.rows() && first_cell(i) == Some("*") {
            writeln!(out, "{}", style.paint("2", &rule))?;
        }
        layout.write_row(out, &mut line, &cells.row(i)[first..])?;
    }
    let hidden = layout.hidden();
    if !hidden.is_empty() {
        let note = format!(
            "not shown, to fit {} columns: {} (see --format csv or json)",
            style.width,
            hidden.join(", ")
        );
        for text_line in wrap(&note, style.width) {
            writeln!(out, "{}", style.paint("2", &text_line))?;
        }
    }
    write_trends(out, report, style)?;

    if !report.findings.is_empty() {
        writeln!(out)?;
    }
    write_findings(out, report, style)
}

/// Every cell of a report in human units ([`display`]), row after row:
/// one text and the end of each cell in it. A big report has a million
/// cells; a `String` each was most of the table view's memory and time.
struct Texts {
    text: String,
    /// The end of each cell in `text`, `columns` per row.
    ends: Vec<usize>,
    columns: usize,
}

impl Texts {
    fn of(report: &Report, currency: Option<&str>) -> Texts {
        let columns = report.columns.len();
        let mut texts = Texts {
            text: String::new(),
            ends: Vec::with_capacity(report.rows.len() * columns),
            columns,
        };
        for row in &report.rows {
            for (i, column) in report.columns.iter().enumerate() {
                // Every row has a cell per column; were one short, its
                // missing cells are empty texts (the last in its line,
                // which ends trimmed).
                if let Some(cell) = row.get(i) {
                    display_into(&mut texts.text, cell, column.kind, currency);
                }
                texts.ends.push(texts.text.len());
            }
        }
        texts
    }

    fn rows(&self) -> usize {
        self.ends.len().checked_div(self.columns).unwrap_or(0)
    }

    /// The texts of row `i`.
    fn row(&self, i: usize) -> Vec<&str> {
        (0..self.columns).map(|c| self.get(i, c)).collect()
    }

    /// The text of row `i`, column `c`.
    fn get(&self, i: usize, c: usize) -> &str {
        let n = i * self.columns + c;
        let start = if n == 0 { 0 } else { self.ends[n - 1] };
        &self.text[start..self.ends[n]]
    }
}

/// A sparkline for each trend column, with its lowest and highest value:
///
/// ```text
/// 2025-10 to 2026-11
/// lead       ▇▆▂▅▅▅▄▄▄▂▂▁▃▂  1 to 7
/// won value  ▅▃▁▅▁▁▁█▁▇▁▅▅▁  0 to 65,120 EUR
/// ```
fn write_trends(out: &mut impl Write, report: &Report, style: &Style) -> Result<()> {
    let currency = report.currency.as_deref();
    let lines: Vec<(String, String, String)> = report
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.trend)
        .map(|(i, column)| {
            let cells: Vec<&Cell> = report.rows.iter().map(|r| &r[i]).collect();
            let (spark, range) = trend(&cells, column.kind, currency);
            (column.label.replace('\n', " "), spark, range)
        })
        .collect();
    let (Some(first), Some(last)) = (report.rows.first(), report.rows.last()) else {
        return Ok(());
    };
    if lines.is_empty() {
        return Ok(());
    }
    let span = |row: &[Cell]| row.first().map(|c| display(c, Kind::Text, currency));
    writeln!(out)?;
    if let (Some(from), Some(to)) = (span(first), span(last)) {
        writeln!(out, "{}", style.paint("2", &format!("{from} to {to}")))?;
    }
    let label_width = lines
        .iter()
        .map(|(l, _, _)| text_width(l))
        .max()
        .unwrap_or(0);
    let range_width = lines
        .iter()
        .map(|(_, _, r)| text_width(r))
        .max()
        .unwrap_or(0);
    // Too many rows for the width: the latest ones.
    let room = style
        .width
        .saturating_sub(label_width + range_width + 2 * GAP)
        .max(8);
    for (label, spark, range) in lines {
        let count = spark.chars().count();
        let spark = if count > room {
            let skip = count - (room - 1);
            format!("…{}", spark.chars().skip(skip).collect::<String>())
        } else {
            spark
        };
        let pad = " ".repeat(label_width - text_width(&label));
        writeln!(out, "{label}{pad}  {spark}  {range}")?;
    }
    Ok(())
}

/// The sparkline of a column's cells and their range in words ("0 to 7",
/// "0 to 65,120 EUR").
pub fn trend(cells: &[&Cell], kind: Kind, currency: Option<&str>) -> (String, String) {
    let values: Vec<Option<f64>> = cells.iter().map(|c| c.as_f64()).collect();
    let by_value = |a: &&&Cell, b: &&&Cell| {
        a.as_f64()
            .unwrap_or(0.0)
            .total_cmp(&b.as_f64().unwrap_or(0.0))
    };
    let known: Vec<&&Cell> = cells.iter().filter(|c| c.as_f64().is_some()).collect();
    let range = match (
        known.iter().copied().min_by(by_value),
        known.iter().copied().max_by(by_value),
    ) {
        (Some(low), Some(high)) => {
            let unit = unit(kind, currency)
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            format!(
                "{} to {}{unit}",
                display(low, kind, currency),
                display(high, kind, currency)
            )
        }
        _ => String::new(),
    };
    (sparkline(&values), range)
}

/// One bar per value, `▁` to `█`, scaled from 0 (or the lowest value, when
/// one is below 0) to the highest; a space for a missing value.
pub fn sparkline(values: &[Option<f64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known = || values.iter().flatten().copied().filter(|v| v.is_finite());
    let low = known().fold(0.0, f64::min);
    let high = known().fold(low, f64::max);
    values
        .iter()
        .map(|value| match value {
            Some(v) if v.is_finite() && high > low => {
                BARS[(((v - low) / (high - low)) * 7.0).round().clamp(0.0, 7.0) as usize]
            }
            Some(v) if v.is_finite() => BARS[0],
            _ => ' ',
        })
        .collect()
}

/// The findings, one paragraph each: `•` to know, `!` to act on.
fn write_findings(out: &mut impl Write, report: &Report, style: &Style) -> Result<()> {
    for finding in &report.findings {
        let mark = match finding.severity {
            Severity::Info => "•".to_owned(),
            Severity::Warning => style.paint("33", "!"),
        };
        let text = wrap(&finding.message, style.width.saturating_sub(2).max(20));
        for (i, text_line) in text.iter().enumerate() {
            let prefix = if i == 0 { mark.clone() } else { " ".to_owned() };
            writeln!(out, "{prefix} {text_line}")?;
        }
    }
    Ok(())
}

/// Which columns are shown, how wide, and which one wraps.
struct Layout<'a> {
    columns: &'a [Column],
    /// Each column's header lines (label lines, then the unit), padded at
    /// the top to the same height.
    headers: Vec<Vec<String>>,
    widths: Vec<usize>,
    /// Each column's longest word: wrapping never cuts a word (a number,
    /// an id), or the rows would lose their alignment.
    longest_words: Vec<usize>,
    shown: Vec<bool>,
    wrap_column: Option<usize>,
}

impl<'a> Layout<'a> {
    /// Measures the columns and fits them into `width`: optional columns
    /// are left out, highest drop order first (rightmost first among
    /// equals), except that drop orders 1 and 2 stay when wrapping the
    /// widest text column can make room; then that column wraps.
    fn new(
        columns: &'a [Column],
        cells: &Texts,
        first: usize,
        currency: Option<&str>,
        width: usize,
    ) -> Layout<'a> {
        let mut headers: Vec<Vec<String>> = columns
            .iter()
            .map(|c| {
                let mut lines: Vec<String> = c.label.split('\n').map(str::to_owned).collect();
                lines.extend(unit(c.kind, currency));
                lines
            })
            .collect();
        let height = headers.iter().map(Vec::len).max().unwrap_or(1);
        for lines in &mut headers {
            while lines.len() < height {
                lines.insert(0, String::new());
            }
        }
        let mut widths: Vec<usize> = headers
            .iter()
            .map(|lines| lines.iter().map(|l| text_width(l)).max().unwrap_or(0))
            .collect();
        let mut longest_words = vec![0; columns.len()];
        for row in 0..cells.rows() {
            for (c, (w, longest)) in widths.iter_mut().zip(&mut longest_words).enumerate() {
                let (width, word) = measure(cells.get(row, first + c));
                *w = (*w).max(width);
                *longest = (*longest).max(word);
            }
        }
        let mut layout = Layout {
            columns,
            headers,
            widths,
            longest_words,
            shown: columns.iter().map(|c| c.in_table).collect(),
            wrap_column: None,
        };

        let mut order: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i].drop_order > 0)
            .collect();
        order.sort_by_key(|&i| (Reverse(columns[i].drop_order), Reverse(i)));
        for i in order {
            let total = layout.total();
            if total <= width {
                break;
            }
            let wrap_fits = layout
                .wrappable()
                .is_some_and(|(w, narrowest)| total - (layout.widths[w] - narrowest) <= width);
            if columns[i].drop_order <= 2 && wrap_fits {
                break;
            }
            layout.shown[i] = false;
        }
        let overflow = layout.total().saturating_sub(width);
        if let Some((i, narrowest)) = layout.wrappable().filter(|_| overflow > 0) {
            let narrowed = layout.widths[i].saturating_sub(overflow).max(narrowest);
            if narrowed < layout.widths[i] {
                layout.widths[i] = narrowed;
                layout.wrap_column = Some(i);
            }
        }
        layout
    }

    fn height(&self) -> usize {
        self.headers.first().map_or(0, Vec::len)
    }

    /// The width of the shown columns with the gaps between them.
    fn total(&self) -> usize {
        let shown: Vec<usize> = (0..self.widths.len())
            .filter(|&i| self.shown[i])
            .map(|i| self.widths[i])
            .collect();
        shown.iter().sum::<usize>() + GAP * shown.len().saturating_sub(1)
    }

    /// The widest shown text column, and how narrow wrapping could make it.
    fn wrappable(&self) -> Option<(usize, usize)> {
        let i = (0..self.columns.len())
            .filter(|&i| self.shown[i] && self.columns[i].kind == Kind::Text)
            .max_by_key(|&i| self.widths[i])?;
        let header = self.headers[i]
            .iter()
            .map(|l| text_width(l))
            .max()
            .unwrap_or(0);
        let narrowest = MIN_WRAP.max(header).max(self.longest_words[i]);
        Some((i, narrowest.min(self.widths[i])))
    }

    /// One line of the shown columns, numbers right-aligned, into `line`
    /// (cleared first).
    fn line<'t>(&self, line: &mut String, texts: impl Iterator<Item = &'t str>) {
        line.clear();
        let shown = texts.enumerate().filter(|(i, _)| self.shown[*i]);
        for (part, (i, text)) in shown.enumerate() {
            if part > 0 {
                push_spaces(line, GAP);
            }
            let pad = self.widths[i].saturating_sub(text_width(text));
            if self.columns[i].kind == Kind::Text {
                line.push_str(text);
                push_spaces(line, pad);
            } else {
                push_spaces(line, pad);
                line.push_str(text);
            }
        }
        line.truncate(line.trim_end().len());
    }

    /// Writes the lines of one row: one, or more when its wrapping cell is
    /// long. `line` is the buffer each line is laid out in.
    fn write_row(&self, out: &mut impl Write, line: &mut String, row: &[&str]) -> Result<()> {
        match self.wrap_column {
            Some(w) if text_width(row[w]) > self.widths[w] => {
                for (n, piece) in wrap(row[w], self.widths[w]).iter().enumerate() {
                    let texts = (0..row.len()).map(|i| match (i == w, n == 0) {
                        (true, _) => piece.as_str(),
                        (false, true) => row[i],
                        (false, false) => "",
                    });
                    self.line(line, texts);
                    writeln!(out, "{line}")?;
                }
            }
            _ => {
                self.line(line, row.iter().copied());
                writeln!(out, "{line}")?;
            }
        }
        Ok(())
    }

    /// The names of the columns left out to fit the width (not those that
    /// are never in a table).
    fn hidden(&self) -> Vec<&str> {
        self.columns
            .iter()
            .zip(&self.shown)
            .filter(|(c, s)| !**s && c.in_table)
            .map(|(c, _)| c.name.as_str())
            .collect()
    }
}

/// A wrapped text column is never made narrower than this.
const MIN_WRAP: usize = 16;

fn text_width(text: &str) -> usize {
    text.chars().count()
}

/// The width of a text and of its longest word (words are cut at
/// spaces), in one pass: `(text_width(text), text.split(' ').map(text_width).max())`.
fn measure(text: &str) -> (usize, usize) {
    let (mut width, mut word, mut longest) = (0, 0, 0);
    for c in text.chars() {
        width += 1;
        if c == ' ' {
            word = 0;
        } else {
            word += 1;
            longest = longest.max(word);
        }
    }
    (width, longest)
}

fn push_spaces(line: &mut String, n: usize) {
    line.extend(std::iter::repeat_n(' ', n));
}

/// The unit line of a column's header, for columns whose cells are plain
/// numbers.
pub fn unit(kind: Kind, currency: Option<&str>) -> Option<String> {
    match kind {
        Kind::Money => currency.map(str::to_owned),
        Kind::MoneyPerHour => currency.map(|c| format!("{c}/h")),
        Kind::Hours => Some("h".to_owned()),
        Kind::Days => Some("days".to_owned()),
        _ => None,
    }
}

/// "as of 2026-11-26 · leads from 2026-01-01 to 2026-11-26 · amounts in EUR".
pub fn subtitle(report: &Report, ctx: &Context) -> String {
    let mut parts = vec![format!("as of {}", report.as_of)];
    parts.push(match report.from {
        Some(from) => format!("period {from} to {}", report.to),
        None if report.to == report.as_of => "everything up to the as-of date".to_owned(),
        None => format!("everything up to {}", report.to),
    });
    if let Some(channel) = &ctx.channel {
        parts.push(format!("channel {channel} and its sub-channels"));
    }
    if let Some(depth) = ctx.depth {
        parts.push(format!("channels grouped at depth {depth}"));
    }
    if let Some(currency) = &report.currency {
        parts.push(format!("amounts in {currency}"));
    }
    parts.join(" · ")
}

/// A cell in human units.
pub fn display(cell: &Cell, kind: Kind, currency: Option<&str>) -> String {
    let mut out = String::new();
    display_into(&mut out, cell, kind, currency);
    out
}

/// [`display`], appended to `out`.
pub fn display_into(out: &mut String, cell: &Cell, kind: Kind, currency: Option<&str>) {
    use std::fmt::Write as _;
    // Writing to a `String` cannot fail, so `write!`'s results are let go.
    match cell {
        Cell::Empty => out.push('–'),
        Cell::Text(text) => out.push_str(text),
        Cell::Count(n) => words::thousands_into(out, *n),
        // In money, hour and day columns the unit is in the header; in a
        // number column (a negotiation's rates), in another column.
        Cell::Money(d) if matches!(kind, Kind::Money | Kind::MoneyPerHour | Kind::Number) => {
            money_number_into(out, *d);
        }
        Cell::Money(d) => {
            money_number_into(out, *d);
            if let Some(c) = currency {
                out.push(' ');
                out.push_str(c);
            }
        }
        Cell::Hours(d) if kind == Kind::Hours => number_into(out, words::f64_of(*d), 2),
        Cell::Hours(d) => out.push_str(&words::hours(*d)),
        Cell::Days(x) if kind == Kind::Days => number_into(out, *x, 1),
        Cell::Rate { k, n } => {
            percent_into(out, *k as f64 / *n as f64);
            let _ = write!(out, " ({k} of {n})");
        }
        Cell::Fraction(x) => percent_into(out, *x),
        Cell::Days(x) => {
            number_into(out, *x, 1);
            out.push_str(" d");
        }
        Cell::Frequency { value, per } => {
            number_into(out, *value, 1);
            out.push('/');
            out.push_str(per_unit(*per));
        }
        Cell::Number(x) => match kind {
            Kind::PValue => out.push_str(&p_value(*x)),
            Kind::Bits => {
                let _ = write!(out, "{x:.1}");
            }
            _ => number_into(out, *x, 1),
        },
        Cell::Date(date) => {
            let _ = write!(out, "{date}");
        }
    }
}

fn per_unit(unit: DurationUnit) -> &'static str {
    match unit {
        DurationUnit::Days => "d",
        DurationUnit::Weeks => "w",
        DurationUnit::Months => "mo",
        DurationUnit::Years => "y",
    }
}

/// Two decimals, three below 0.01, and `<0.001` below that; rounded half
/// away from zero (0.625 is `0.63`), as people round by hand.
fn p_value(p: f64) -> String {
    let places = match p {
        p if p >= 0.995 => return "1".to_owned(),
        p if p >= 0.01 => 2,
        p if p >= 0.001 => 3,
        _ => return "<0.001".to_owned(),
    };
    let mut rounded = Decimal::from_f64_retain(p)
        .unwrap_or_default()
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(places);
    rounded.to_string()
}

/// Greedy word wrap (words longer than the width stay whole).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ') {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_width() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
    }

    /// One pass measures a text as `text_width` and the longest of its
    /// words split at spaces do.
    #[test]
    fn measure_is_width_and_longest_word() {
        for text in [
            "",
            " ",
            "a",
            "ab cd",
            "  ab   c ",
            "12,000",
            "25.0% (3 of 12)",
            "é ü€ x",
            "–",
            "a\tb c",
        ] {
            let word = text.split(' ').map(text_width).max().unwrap_or(0);
            assert_eq!(measure(text), (text_width(text), word), "{text:?}");
        }
    }

    /// The texts of a report are its cells as `display` shows them, by row
    /// and column.
    #[test]
    fn texts_are_the_displayed_cells() {
        let report = Report {
            analysis: "x".to_owned(),
            title: "x".to_owned(),
            as_of: chrono::NaiveDate::MIN,
            from: None,
            to: chrono::NaiveDate::MIN,
            currency: Some("EUR".to_owned()),
            columns: vec![
                Column::new("a", "a", Kind::Text),
                Column::new("b", "b", Kind::Money),
                Column::new("c", "c", Kind::Ratio),
            ],
            findings: Vec::new(),
            extra: Vec::new(),
            rows: vec![
                vec![
                    Cell::text("é x"),
                    Cell::money(Decimal::new(1_234_567, 1)),
                    Cell::Rate { k: 1, n: 3 },
                ],
                vec![Cell::Empty, Cell::Empty, Cell::Fraction(0.5)],
                vec![
                    Cell::text(""),
                    Cell::Money(Decimal::new(855, 1)),
                    Cell::Empty,
                ],
            ],
        };
        let texts = Texts::of(&report, Some("EUR"));
        assert_eq!(texts.rows(), 3);
        for (i, row) in report.rows.iter().enumerate() {
            let expected: Vec<String> = row
                .iter()
                .zip(&report.columns)
                .map(|(cell, column)| display(cell, column.kind, Some("EUR")))
                .collect();
            assert_eq!(texts.row(i), expected);
        }
        assert_eq!(texts.get(0, 1), "123,457");
    }

    #[test]
    fn sparklines() {
        let v = |xs: &[f64]| xs.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        assert_eq!(
            sparkline(&v(&[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])),
            "▁▂▃▄▅▆▇█"
        );
        // Scaled from 0, not from the lowest value: 5 and 10 are half and full.
        assert_eq!(sparkline(&v(&[10.0, 5.0])), "█▅");
        assert_eq!(sparkline(&v(&[0.0, 0.0])), "▁▁");
        assert_eq!(sparkline(&v(&[3.0, 3.0])), "██");
        // Below zero, the lowest value is the bottom.
        assert_eq!(sparkline(&v(&[-7.0, 0.0, 7.0])), "▁▅█");
        assert_eq!(sparkline(&[Some(1.0), None, Some(2.0)]), "▅ █");
    }

    #[test]
    fn p_values() {
        assert_eq!(p_value(1.0), "1");
        assert_eq!(p_value(0.3456), "0.35");
        assert_eq!(p_value(0.625), "0.63");
        assert_eq!(p_value(0.375), "0.38");
        assert_eq!(p_value(0.1), "0.10");
        assert_eq!(p_value(0.0031), "0.003");
        assert_eq!(p_value(0.00001), "<0.001");
    }
}
