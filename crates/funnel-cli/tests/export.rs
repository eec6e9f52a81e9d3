//! `funnel export` through the binary: CSV and JSON agree, every deal once,
//! every `file:line` points at its line, hostile text survives and never
//! starts a formula, totals tie to the channels report.

use std::collections::HashMap;

use crate::support::{data, funnel, stdout, transcript, workspace};

const AS_OF: &str = "2026-11-26";

fn export(file: &std::path::Path, what: &str, format: &str, extra: &[&str]) -> String {
    let output = funnel()
        .args(["export", what, "--as-of", AS_OF, "--format", format, "-f"])
        .arg(file)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    stdout(&output)
}

fn csv_rows(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (headers, rows)
}

fn json_rows(text: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text).unwrap()
}

/// A JSON value as the CSV writes it (text cells unprotected).
fn as_csv(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join(" "),
        serde_json::Value::Object(_) => value.to_string(),
        other => other.to_string(),
    }
}

fn unprotect(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

#[test]
fn csv_and_json_carry_the_same_values() {
    let ledger = workspace().join("examples/freelancer.funnel");
    for what in ["deals", "entries", "channels", "contacts"] {
        let (headers, rows) = csv_rows(&export(&ledger, what, "csv", &[]));
        let json_text = export(&ledger, what, "json", &[]);
        let json = json_rows(&json_text);
        assert_eq!(rows.len(), json.len(), "{what}");
        assert!(!rows.is_empty(), "{what} exports rows");
        // Keys come in column order (the parsed map sorts them, the text not).
        let first_object = &json_text[..json_text.find("\n  }").unwrap()];
        let positions: Vec<usize> = headers
            .iter()
            .map(|h| first_object.find(&format!("\"{h}\":")).unwrap())
            .collect();
        assert!(
            positions.windows(2).all(|w| w[0] < w[1]),
            "{what}: keys in column order"
        );
        for (row, object) in rows.iter().zip(&json) {
            let mut keys: Vec<&String> = object.keys().collect();
            let mut expected: Vec<&String> = headers.iter().collect();
            keys.sort();
            expected.sort();
            assert_eq!(keys, expected, "{what}: same keys");
            for (header, cell) in headers.iter().zip(row) {
                assert_eq!(unprotect(cell), as_csv(&object[header]), "{what}.{header}");
            }
        }
    }
}

#[test]
fn every_deal_once_and_every_line_points_at_its_source() {
    let ledger = workspace().join("examples/freelancer.funnel");
    let text = std::fs::read_to_string(&ledger).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let deals = json_rows(&export(&ledger, "deals", "json", &[]));
    let leads = text
        .lines()
        .filter(|l| l.split_whitespace().nth(1) == Some("lead"))
        .count();
    assert_eq!(deals.len(), leads, "one row per `lead`");
    let mut seen = HashMap::new();
    for deal in &deals {
        let id = deal["deal"].as_str().unwrap();
        assert!(seen.insert(id.to_owned(), ()).is_none(), "{id} twice");
        let line = lines[deal["line"].as_u64().unwrap() as usize - 1];
        assert!(
            line.contains(" lead ") && line.split_whitespace().nth(2) == Some(id),
            "{id}: {line}"
        );
        assert!(deal["file"]
            .as_str()
            .unwrap()
            .ends_with("freelancer.funnel"));
    }
    for entry in json_rows(&export(&ledger, "entries", "json", &[])) {
        let line = lines[entry["line"].as_u64().unwrap() as usize - 1];
        let (date, verb) = (
            entry["date"].as_str().unwrap(),
            entry["verb"].as_str().unwrap(),
        );
        assert!(
            line.starts_with(date) && line.split_whitespace().nth(1) == Some(verb),
            "{date} {verb}: {line}"
        );
    }
}

#[test]
fn hostile_text_round_trips_and_never_starts_a_formula() {
    let ledger = data("export").join("hostile.funnel");
    let (headers, rows) = csv_rows(&export(&ledger, "deals", "csv", &[]));
    let title = headers.iter().position(|h| h == "title").unwrap();
    let titles: Vec<&str> = rows.iter().map(|r| r[title].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Backend, API, and more",
            "The \"big\" one",
            "line one\nline two",
            "'=HYPERLINK(\"http://evil\",\"click\")",
            "'+1 555 0100",
            "'@SUM(A1:A9)",
            "'\tleading tab",
            "'-5 is text here",
            "Café — naïve façade 🦀",
        ]
    );
    // JSON is not a spreadsheet: the text comes back exactly as written.
    let json = json_rows(&export(&ledger, "deals", "json", &[]));
    assert_eq!(json[3]["title"], "=HYPERLINK(\"http://evil\",\"click\")");
    assert_eq!(json[0]["won_value"], serde_json::json!(12000.5));
    // Numbers are never protected: a negative number stays a number.
    let entries = export(&ledger, "entries", "csv", &[]);
    let (headers, rows) = csv_rows(&entries);
    let note = headers.iter().position(|h| h == "note").unwrap();
    assert!(rows.iter().any(|r| r[note] == "a, b; c \\ d"));
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "formula-like cell {cell:?}"
            );
        }
    }
    let (headers, rows) = csv_rows(&export(&ledger, "contacts", "csv", &[]));
    let org = headers.iter().position(|h| h == "org").unwrap();
    assert_eq!(rows[0][org], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(rows[0][1], "Zoë Ørsted, 株式会社");
}

#[test]
fn deal_values_add_up_to_the_channels_revenue() {
    let ledger = workspace().join("examples/freelancer.funnel");
    let deals = json_rows(&export(&ledger, "deals", "json", &[]));
    let total: rust_decimal::Decimal = deals
        .iter()
        .filter_map(|d| {
            d["won_value_base"]
                .as_number()
                .map(|n| n.to_string().parse::<rust_decimal::Decimal>().unwrap())
        })
        .sum();
    let output = funnel()
        .args([
            "report", "channels", "--format", "json", "--as-of", AS_OF, "-f",
        ])
        .arg(&ledger)
        .output()
        .unwrap();
    let reports: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let all = reports[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["channel"] == "*")
        .expect("a total row");
    let revenue: rust_decimal::Decimal = all["revenue"]
        .as_number()
        .unwrap()
        .to_string()
        .parse()
        .unwrap();
    assert!(total > rust_decimal::Decimal::ZERO);
    assert_eq!(total, revenue);
}

#[test]
fn filters_and_output_file() {
    let ledger = workspace().join("examples/freelancer.funnel");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("deals.csv");
    let output = funnel()
        .args([
            "export",
            "deals",
            "--as-of",
            AS_OF,
            "--period",
            "2026-Q1",
            "--channel",
            "platform",
            "-o",
        ])
        .arg(&out)
        .arg("-f")
        .arg(&ledger)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert_eq!(stdout(&output), "");
    let (headers, rows) = csv_rows(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
    let (channel, lead) = (
        headers.iter().position(|h| h == "channel").unwrap(),
        headers.iter().position(|h| h == "lead_date").unwrap(),
    );
    assert!(!rows.is_empty());
    for row in &rows {
        assert!(row[channel].starts_with("platform:"), "{row:?}");
        assert!(
            ("2026-01-01".."2026-04-01").contains(&row[lead].as_str()),
            "{row:?}"
        );
    }
}

#[test]
fn a_ledger_with_errors_is_not_exported() {
    let output = funnel()
        .args(["export", "deals", "--as-of", AS_OF, "-f", "-"])
        .write_stdin("2026-01-01 talked ghost\n")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert!(String::from_utf8_lossy(&output.stderr).contains("not exported"));
}

/// The counts per channel and per contact, computed by hand for
/// tests/data/export/counts.funnel: without a period, in 2026, and for the
/// `platform` channels (touches have no channel and count for every one).
#[test]
fn channel_and_contact_counts_are_those_counted_by_hand() {
    let ledger = data("export").join("counts.funnel");
    let counts = |what: &str, columns: &[&str], extra: &[&str]| -> Vec<String> {
        let (headers, rows) = csv_rows(&export(&ledger, what, "csv", extra));
        let at: Vec<usize> = columns
            .iter()
            .map(|c| headers.iter().position(|h| h == c).unwrap())
            .collect();
        rows.iter()
            .map(|row| {
                at.iter()
                    .map(|&i| row[i].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    };
    let channels = ["channel", "deals", "won", "spent_entries"];
    let contacts = ["contact", "referred", "won", "touches", "last_contact"];
    // `old` (2025, lost), `a` (won) and `b` (lost) via referral, from
    // anna; `c` via upwork, from ben, declined. Spending: 1h via referral
    // in 2025 and in 2026; 2h via upwork and 10 EUR on `c` in 2026.
    assert_eq!(
        counts("channels", &channels, &[]),
        ["referral 3 1 2", "platform:upwork 1 0 2"]
    );
    // The latest contact counts every lead and touch, in the period or
    // before it: anna's is her 2026-02-01 referral, ben's his touch. dora
    // is touched after the as-of date only: a row, with nothing counted.
    assert_eq!(
        counts("contacts", &contacts, &[]),
        [
            "anna 3 1 1 2026-02-01",
            "ben 1 0 1 2026-04-01",
            "carl 0 0 1 2026-04-02",
            "dora 0 0 0 "
        ]
    );
    assert_eq!(
        counts("channels", &channels, &["--period", "2026"]),
        ["referral 2 1 1", "platform:upwork 1 0 2"]
    );
    assert_eq!(
        counts("contacts", &contacts, &["--period", "2026"]),
        [
            "anna 2 1 0 2026-02-01",
            "ben 1 0 1 2026-04-01",
            "carl 0 0 1 2026-04-02",
            "dora 0 0 0 "
        ]
    );
    assert_eq!(
        counts("channels", &channels, &["--channel", "platform"]),
        ["platform:upwork 1 0 2"]
    );
    assert_eq!(
        counts("contacts", &contacts, &["--channel", "platform"]),
        [
            "anna 0 0 1 2026-02-01",
            "ben 1 0 1 2026-04-01",
            "carl 0 0 1 2026-04-02",
            "dora 0 0 0 "
        ]
    );
}

/// Rows are written as they are made: a reader that stops early (`| head`)
/// ends the export quietly, in CSV and in JSON.
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("option currency EUR\n");
    for i in 0..5_000 {
        text.push_str(&format!(
            "2026-01-05 lead d{i} \"a deal with a title long enough to fill pipes\" via referral\n"
        ));
    }
    let ledger = dir.path().join("big.funnel");
    std::fs::write(&ledger, text).unwrap();
    for format in ["csv", "json"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("funnel"))
            .args([
                "export", "entries", "--as-of", AS_OF, "--format", format, "-f",
            ])
            .arg(&ledger)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 16];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        // The pipe's reading end is closed here, with most rows unread.
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{format}: {}",
            transcript(&output)
        );
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{format}");
    }
}
