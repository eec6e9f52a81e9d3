//! `funnel compare FILE…`: peers' summaries (`funnel review --share`) side
//! by side, as a table, CSV or JSON. Reading the files and naming their
//! columns happen here; the figures, medians and standings come from
//! `funnel_analysis::compare`.
//!
//! The table has its own layout rather than the report table's
//! (`render/table.rs`, whose `display` and `wrap` it uses): a report table
//! leaves columns out to fit the width, but a comparison must never leave
//! a person out, and each row has a second line, where each value stands.
//!
//! Every file is read before anything is printed: a file that cannot be
//! read, is not JSON, is not a summary or is a summary of another version
//! is an error naming the file (all of them, in one run), exit 2.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Result;
use funnel_analysis::compare::{compare, Comparison, Figure};
use funnel_analysis::summary::Summary;
use funnel_analysis::{Cell, Kind};
use serde::Serialize;

use crate::cli::{CompareArgs, CompareFormat};
use crate::exit;
use crate::render::table::{display, wrap, Style, MIN_WIDTH};

pub fn run(args: &CompareArgs) -> Result<u8> {
    let format = match args.format() {
        Ok(format) => format,
        Err(message) => {
            eprintln!("error: {message}");
            return Ok(exit::USAGE);
        }
    };
    let mut summaries = Vec::with_capacity(args.files.len());
    let mut failed = false;
    for path in &args.files {
        match read(path) {
            Ok(summary) => summaries.push(summary),
            Err(message) => {
                eprintln!("error: {message}");
                failed = true;
            }
        }
    }
    if failed {
        return Ok(exit::USAGE);
    }
    let comparison = compare(column_names(&args.files), &summaries);
    let output = args.output.as_deref();
    crate::output::write_to(output, |out| match format {
        CompareFormat::Table => write_table(out, &comparison, &Style::for_output(output)),
        CompareFormat::Csv => write_csv(out, &comparison),
        CompareFormat::Json => write_json(out, &comparison, &args.files, &summaries),
    })?;
    Ok(exit::OK)
}

/// One summary file, or the message that says why it is none.
fn read(path: &Path) -> Result<Summary, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|err| format!("cannot read `{shown}`: {err}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| format!("`{shown}` cannot be compared: it is not UTF-8 text, so not JSON"))?;
    // A byte-order mark, which some editors write, is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    Summary::parse(text).map_err(|err| format!("`{shown}` cannot be compared: {err}"))
}

/// Each file's column name: its stem without a `.summary` suffix
/// (`alice.summary.json` is `alice`). Files whose names would be the same
/// are named by their paths as given; the same path given twice gets
/// ` (2)`, ` (3)`… after it.
fn column_names(paths: &[PathBuf]) -> Vec<String> {
    let stems: Vec<String> = paths
        .iter()
        .map(|path| {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string());
            match stem.strip_suffix(".summary") {
                Some(short) if !short.is_empty() => short.to_owned(),
                _ => stem,
            }
        })
        .collect();
    let unique: Vec<String> = stems
        .iter()
        .enumerate()
        .map(|(i, stem)| {
            if stems.iter().filter(|s| *s == stem).count() > 1 {
                paths[i].display().to_string()
            } else {
                stem.clone()
            }
        })
        .collect();
    unique
        .iter()
        .enumerate()
        .map(
            |(i, name)| match unique[..i].iter().filter(|n| *n == name).count() {
                0 => name.clone(),
                earlier => format!("{name} ({})", earlier + 1),
            },
        )
        .collect()
}

/// A value in human units, money in its own summary's currency.
fn shown(cell: &Cell, currency: Option<&str>) -> String {
    match cell {
        Cell::Number(x) => funnel_analysis::words::number(*x, 1),
        other => display(other, Kind::Mixed, currency),
    }
}

/// The table: a heading per section, a line of values per figure, and
/// under it, dimmed, where each value stands in the group. Labels stand
/// left of the values when everything fits the width, else on a line of
/// their own above them.
///
/// ```text
///                         alice            bob              carol  median
/// Funnel
///   win rate    25.0% (3 of 12)  40.0% (4 of 10)  20.0% (2 of 10)   25.0%
///                      2nd of 3     highest of 3      lowest of 3
/// ```
fn write_table(out: &mut dyn Write, comparison: &Comparison, style: &Style) -> Result<()> {
    let names = &comparison.names;
    writeln!(
        out,
        "{}",
        style.paint(
            "1",
            &format!(
                "Compared: {} (from `funnel review --share`)",
                names.join(", ")
            )
        )
    )?;
    let mut about = vec![format!(
        "{} summar{}",
        names.len(),
        if names.len() == 1 { "y" } else { "ies" }
    )];
    if let Some((from, to)) = comparison.period {
        about.push(match from {
            Some(from) => format!("period {from} to {to}"),
            None => format!("everything up to {to}"),
        });
    }
    if let Some(currency) = &comparison.currency {
        about.push(format!("amounts in {currency}"));
    }
    about.push("median: of those who have the figure".to_owned());
    for text in wrap(&about.join(" · "), style.width.max(MIN_WIDTH)) {
        writeln!(out, "{}", style.paint("2", &text))?;
    }
    writeln!(out)?;

    // The text of every cell: per row, the values then the median, and
    // the standings line.
    let currencies: Vec<Option<&str>> =
        comparison.currencies.iter().map(|c| c.as_deref()).collect();
    let lines: Vec<(Vec<String>, Vec<String>)> = comparison
        .rows
        .iter()
        .map(|row| {
            let mut values: Vec<String> = row
                .values
                .iter()
                .zip(&currencies)
                .map(|(cell, currency)| shown(cell, *currency))
                .collect();
            values.push(match &row.median {
                Cell::Empty => String::new(),
                median => shown(median, comparison.currency.as_deref()),
            });
            let mut standings: Vec<String> = row
                .standings
                .iter()
                .map(|s| s.map(|s| s.to_string()).unwrap_or_default())
                .collect();
            standings.push(String::new());
            (values, standings)
        })
        .collect();
    let mut headers: Vec<String> = names.clone();
    headers.push("median".to_owned());
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for (values, standings) in &lines {
        for (i, text) in values.iter().chain(standings).enumerate() {
            let column = i % widths.len();
            widths[column] = widths[column].max(width(text));
        }
    }
    // The labels stand beside the values when both fit the width;
    // otherwise each label gets a line of its own above its values, which
    // never wrap.
    const INDENT: usize = 2;
    let values_width: usize = widths.iter().map(|w| w + GAP).sum();
    let longest_label = comparison
        .rows
        .iter()
        .map(|r| width(&r.label) + INDENT)
        .max()
        .unwrap_or(0);
    let beside = longest_label + values_width <= style.width.max(MIN_WIDTH);
    let label_width = if beside { longest_label } else { INDENT };

    let line = |label: &str, cells: &[String]| {
        let mut text = format!(
            "{label}{}",
            " ".repeat(label_width.saturating_sub(width(label)))
        );
        for (cell, w) in cells.iter().zip(&widths) {
            text.push_str(&" ".repeat(GAP + w - width(cell)));
            text.push_str(cell);
        }
        text.trim_end().to_owned()
    };
    writeln!(out, "{}", style.paint("1", &line("", &headers)))?;
    let total = label_width + values_width;
    writeln!(out, "{}", style.paint("2", &"─".repeat(total)))?;
    let mut heading: Option<&str> = None;
    for (row, (values, standings)) in comparison.rows.iter().zip(&lines) {
        if heading != Some(row.heading.as_str()) {
            if heading.is_some() {
                writeln!(out)?;
            }
            writeln!(out, "{}", style.paint("1", &row.heading))?;
            heading = Some(row.heading.as_str());
        }
        let label = format!("{}{}", " ".repeat(INDENT), row.label);
        if beside {
            writeln!(out, "{}", line(&label, values))?;
        } else {
            writeln!(out, "{label}")?;
            writeln!(out, "{}", line("", values))?;
        }
        if standings.iter().any(|s| !s.is_empty()) {
            writeln!(out, "{}", style.paint("2", &line("", standings)))?;
        }
    }
    if !comparison.notes.is_empty() {
        writeln!(out)?;
    }
    for note in &comparison.notes {
        for (i, text) in wrap(note, style.width.saturating_sub(2).max(20))
            .iter()
            .enumerate()
        {
            let mark = if i == 0 { "•" } else { " " };
            writeln!(out, "{mark} {text}")?;
        }
    }
    Ok(())
}

const GAP: usize = 2;

fn width(text: &str) -> usize {
    text.chars().count()
}

/// CSV: `section, figure`, a column per summary, `median`, then a
/// `NAME standing` column per summary; numbers plain, ratios as fractions.
fn write_csv(out: &mut dyn Write, comparison: &Comparison) -> Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    let mut header: Vec<String> = vec!["section".to_owned(), "figure".to_owned()];
    header.extend(
        comparison
            .names
            .iter()
            .map(|n| crate::render::csv::protect(n)),
    );
    header.push("median".to_owned());
    header.extend(
        comparison
            .names
            .iter()
            .map(|n| crate::render::csv::protect(&format!("{n} standing"))),
    );
    writer.write_record(&header)?;
    for row in &comparison.rows {
        let mut record = vec![
            crate::render::csv::protect(&row.section),
            crate::render::csv::protect(&row.name),
        ];
        record.extend(row.values.iter().map(crate::render::csv::field));
        record.push(crate::render::csv::field(&row.median));
        record.extend(
            row.standings
                .iter()
                .map(|s| s.map(|s| s.to_string()).unwrap_or_default()),
        );
        writer.write_record(&record)?;
    }
    writer.flush()?;
    Ok(())
}

/// JSON: the summaries compared (name, file, period, currency), then one
/// object per figure with its values in the summaries' order.
fn write_json(
    out: &mut dyn Write,
    comparison: &Comparison,
    files: &[PathBuf],
    summaries: &[Summary],
) -> Result<()> {
    #[derive(Serialize)]
    struct Json<'a> {
        summaries: Vec<SummaryJson<'a>>,
        currency: Option<&'a str>,
        figures: Vec<FigureJson<'a>>,
        notes: &'a [String],
    }
    #[derive(Serialize)]
    struct SummaryJson<'a> {
        name: &'a str,
        file: String,
        as_of: String,
        from: Option<String>,
        to: String,
        currency: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct FigureJson<'a> {
        section: &'a str,
        figure: &'a str,
        values: &'a [Cell],
        median: &'a Cell,
        standings: Vec<Option<String>>,
    }
    let json = Json {
        summaries: comparison
            .names
            .iter()
            .zip(files)
            .zip(summaries)
            .map(|((name, file), s)| SummaryJson {
                name,
                file: file.display().to_string(),
                as_of: s.as_of.to_string(),
                from: s.period.from.map(|d| d.to_string()),
                to: s.period.to.to_string(),
                currency: s.currency.as_deref(),
            })
            .collect(),
        currency: comparison.currency.as_deref(),
        figures: comparison
            .rows
            .iter()
            .map(|row: &Figure| FigureJson {
                section: &row.section,
                figure: &row.name,
                values: &row.values,
                median: &row.median,
                standings: row
                    .standings
                    .iter()
                    .map(|s| s.map(|s| s.to_string()))
                    .collect(),
            })
            .collect(),
        notes: &comparison.notes,
    };
    serde_json::to_writer_pretty(&mut *out, &json)?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(paths: &[&str]) -> Vec<String> {
        column_names(&paths.iter().map(PathBuf::from).collect::<Vec<_>>())
    }

    #[test]
    fn columns_are_named_by_stem() {
        assert_eq!(
            names(&["a/alice.summary.json", "bob.json", "carol"]),
            ["alice", "bob", "carol"]
        );
        // The same stem twice: the paths tell them apart.
        assert_eq!(
            names(&["2026/alice.json", "2025/alice.json", "bob.json"]),
            ["2026/alice.json", "2025/alice.json", "bob"]
        );
        // The same file twice: numbered.
        assert_eq!(
            names(&["alice.json", "alice.json"]),
            ["alice.json", "alice.json (2)"]
        );
        assert_eq!(names(&[".summary.json"]), [".summary"]);
    }
}
