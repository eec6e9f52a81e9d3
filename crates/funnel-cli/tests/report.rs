//! `funnel report` and `funnel analyses` through the binary: the
//! hand-computed ledgers of `tests/data/analyses/` (the arithmetic is at the
//! top of each file) in all three formats, the edge cases of issue 3, and
//! the command's usage errors. The analyses of issue 6 and `funnel review`
//! are in the modules below.
//!
//! Table output is snapshotted with insta; CSV is parsed with the `csv`
//! crate and JSON with serde_json, and their values asserted one by one.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

use crate::support::{self, stderr, stdout};

/// Every built-in analysis, in registry order.
const ALL: [&str; 8] = [
    "funnel",
    "channels",
    "surprises",
    "contacts",
    "negotiation",
    "runway",
    "pipeline",
    "trends",
];

// ---------------------------------------------------------------------------
// Helpers of the report tests, on top of `support`.

/// `tests/data/analyses`, the hand-computed ledgers.
fn data_dir() -> PathBuf {
    support::data("analyses")
}

/// The binary, run in `tests/data/analyses` (so `source` columns read
/// `funnel.funnel:12`), without colour, at the default width (where
/// `support::funnel` fixes 80 columns).
fn funnel() -> Command {
    let mut cmd = support::funnel();
    cmd.current_dir(data_dir()).env_remove("COLUMNS");
    cmd
}

fn run<S: AsRef<str>>(args: &[S]) -> Output {
    funnel()
        .args(args.iter().map(AsRef::as_ref))
        .output()
        .expect("funnel runs")
}

fn strings<S: AsRef<str>>(args: &[S]) -> Vec<String> {
    args.iter().map(|s| s.as_ref().to_owned()).collect()
}

/// Runs and expects exit code 0.
fn ok<S: AsRef<str>>(args: &[S]) -> String {
    let output = run(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "funnel {:?} failed:\n{}",
        strings(args),
        stderr(&output)
    );
    stdout(&output)
}

/// The JSON reports of a run, and the raw text (for exact money).
fn json<S: AsRef<str>>(args: &[S]) -> (Vec<Value>, String) {
    let mut all = strings(args);
    all.extend(["--format".to_owned(), "json".to_owned()]);
    let text = ok(&all);
    let value: Value = serde_json::from_str(&text).expect("valid JSON");
    (value.as_array().expect("an array of reports").clone(), text)
}

/// The rows of one JSON report.
fn rows_of(report: &Value) -> Vec<&serde_json::Map<String, Value>> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r.as_object().expect("row object"))
        .collect()
}

/// The CSV of a run: header and records.
fn csv<S: AsRef<str>>(args: &[S]) -> (Vec<String>, Vec<HashMap<String, String>>) {
    let mut all = strings(args);
    all.extend(["--format".to_owned(), "csv".to_owned()]);
    let text = ok(&all);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    let records = reader
        .records()
        .map(|r| {
            let record = r.expect("an RFC 4180 record");
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, records)
}

/// The row whose `key` columns have these values.
fn find<'a>(
    rows: &'a [HashMap<String, String>],
    key: &[(&str, &str)],
) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| key.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row {key:?}"))
}

fn json_row<'a>(
    rows: &'a [&'a serde_json::Map<String, Value>],
    key: &[(&str, &str)],
) -> &'a serde_json::Map<String, Value> {
    rows.iter()
        .find(|r| key.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row {key:?}"))
}

fn close(value: &Value, expected: f64) -> bool {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    (actual - expected).abs() <= 1e-9 * expected.abs().max(1e-300)
}

macro_rules! assert_num {
    ($value:expr, $expected:expr) => {{
        let (value, expected) = (&$value, $expected as f64);
        assert!(
            close(value, expected),
            "{} = {value}, expected {expected}",
            stringify!($value)
        );
    }};
}

const FUNNEL: &[&str] = &["funnel", "-f", "funnel.funnel", "--as-of", "2026-06-30"];
const CHANNELS: &[&str] = &["channels", "-f", "channels.funnel", "--as-of", "2026-06-30"];
const SURPRISES: &[&str] = &[
    "surprises",
    "-f",
    "surprises.funnel",
    "--as-of",
    "2026-03-31",
];

/// `report`, one of the bases above, then extra flags.
fn report(base: &[&str], extra: &[&str]) -> Vec<String> {
    std::iter::once("report")
        .chain(base.iter().copied())
        .chain(extra.iter().copied())
        .map(str::to_owned)
        .collect()
}

// ---------------------------------------------------------------------------
// funnel

#[test]
fn funnel_table() {
    insta::assert_snapshot!("funnel_table", ok(&report(FUNNEL, &[])));
}

#[test]
fn funnel_json_matches_the_hand_computation() {
    let (reports, _) = json(&report(FUNNEL, &[]));
    assert_eq!(reports.len(), 1);
    let r = &reports[0];
    assert_eq!(r["analysis"], "funnel");
    assert_eq!(r["as_of"], "2026-06-30");
    assert_eq!(r["from"], Value::Null);
    assert_eq!(r["to"], "2026-06-30");
    assert_eq!(r["currency"], "EUR");
    let names: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "channel",
            "stage",
            "reached",
            "open",
            "lost",
            "declined",
            "stale",
            "conversion_from_previous",
            "conversion_from_lead",
            "decided_from_previous",
            "decided_from_lead"
        ]
    );
    let rows = rows_of(r);
    // `*` first, then channels sorted by name; `ads` (lead after as-of) is absent.
    let channels: Vec<&str> = rows
        .iter()
        .map(|r| r["channel"].as_str().unwrap())
        .step_by(5)
        .collect();
    assert_eq!(
        channels,
        ["*", "platform:malt", "platform:upwork", "referral"]
    );
    let stages: Vec<&str> = rows
        .iter()
        .take(5)
        .map(|r| r["stage"].as_str().unwrap())
        .collect();
    assert_eq!(stages, ["lead", "contacted", "talked", "proposed", "won"]);

    let counts = |channel: &str| -> Vec<[u64; 5]> {
        rows.iter()
            .filter(|r| r["channel"] == channel)
            .map(|r| {
                ["reached", "open", "lost", "declined", "stale"].map(|c| r[c].as_u64().unwrap())
            })
            .collect()
    };
    assert_eq!(
        counts("*"),
        [
            [10, 0, 0, 1, 1],
            [8, 1, 1, 0, 0],
            [6, 0, 0, 0, 1],
            [5, 1, 1, 0, 0],
            [3, 0, 0, 0, 0]
        ]
    );
    assert_eq!(
        counts("platform:malt"),
        [
            [2, 0, 0, 0, 1],
            [1, 0, 0, 0, 0],
            [1, 0, 0, 0, 0],
            [1, 0, 0, 0, 0],
            [1, 0, 0, 0, 0]
        ]
    );
    assert_eq!(
        counts("platform:upwork"),
        [
            [4, 0, 0, 1, 0],
            [3, 0, 1, 0, 0],
            [2, 0, 0, 0, 1],
            [1, 1, 0, 0, 0],
            [0, 0, 0, 0, 0]
        ]
    );
    assert_eq!(
        counts("referral"),
        [
            [4, 0, 0, 0, 0],
            [4, 1, 0, 0, 0],
            [3, 0, 0, 0, 0],
            [3, 0, 1, 0, 0],
            [2, 0, 0, 0, 0]
        ]
    );

    let conversions = |channel: &str| -> Vec<(Option<f64>, Option<f64>)> {
        rows.iter()
            .filter(|r| r["channel"] == channel)
            .map(|r| {
                (
                    r["conversion_from_previous"].as_f64(),
                    r["conversion_from_lead"].as_f64(),
                )
            })
            .collect()
    };
    let f = |k: f64, n: f64| Some(k / n);
    // Declined deals (u2) are left out like open ones (analyses v2 §1).
    assert_eq!(
        conversions("*"),
        [
            (None, None),
            (f(8., 9.), f(8., 9.)),
            (f(6., 7.), f(6., 8.)),
            (f(5., 6.), f(5., 8.)),
            (f(3., 4.), f(3., 7.))
        ]
    );
    assert_eq!(
        conversions("platform:malt")[1..],
        [
            (f(1., 2.), f(1., 2.)),
            (f(1., 1.), f(1., 2.)),
            (f(1., 1.), f(1., 2.)),
            (f(1., 1.), f(1., 2.))
        ]
    );
    // The denominators of those conversions, as columns of their own (the
    // `k` is `reached`); 0 where the conversion is empty for want of one.
    let decided = |channel: &str| -> Vec<(Option<u64>, Option<u64>)> {
        rows.iter()
            .filter(|r| r["channel"] == channel)
            .map(|r| {
                assert_eq!(r["conversion_from_lead"].is_null(), r["stage"] == "lead");
                (
                    r["decided_from_previous"].as_u64(),
                    r["decided_from_lead"].as_u64(),
                )
            })
            .collect()
    };
    assert_eq!(
        decided("*"),
        [
            (None, None),
            (Some(9), Some(9)),
            (Some(7), Some(8)),
            (Some(6), Some(8)),
            (Some(4), Some(7))
        ]
    );
    assert_eq!(
        decided("platform:upwork")[1..],
        [
            (Some(3), Some(3)),
            (Some(3), Some(3)),
            (Some(2), Some(3)),
            (Some(0), Some(2))
        ]
    );
    // proposed -> won on Upwork: the one deal that reached `proposed` is still open: empty.
    assert_eq!(
        conversions("platform:upwork")[1..],
        [
            (f(3., 3.), f(3., 3.)),
            (f(2., 3.), f(2., 3.)),
            (f(1., 2.), f(1., 3.)),
            (None, f(0., 2.))
        ]
    );
    assert_eq!(
        conversions("referral")[1..],
        [
            (f(4., 4.), f(4., 4.)),
            (f(3., 3.), f(3., 3.)),
            (f(3., 3.), f(3., 3.)),
            (f(2., 3.), f(2., 3.))
        ]
    );

    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings[0]["severity"], "info");
    // Every step loses one decided deal; proposed -> won has the lowest
    // conversion (3 of 4).
    assert_eq!(
        findings[0]["message"],
        "Most deals stop between `proposed` and `won`: of the 4 decided deals that reached `proposed`, 1 stopped there \
         (1 lost) and 3 went on (about 3 in 4)."
    );
    assert_eq!(
        findings[1]["message"],
        "You declined 1 deal: `u2` (at `lead`). Declined deals are your choice, not a client's no: conversions leave them out."
    );
    assert_eq!(findings[2]["severity"], "warning");
    assert!(findings[2]["message"]
        .as_str()
        .unwrap()
        .starts_with("2 deals had no entry for more than 30 days: `u3`"));
    assert!(findings[3]["message"]
        .as_str()
        .unwrap()
        .starts_with("2 deals are still open: `r4` (contacted), `u4` (proposed)."));
}

#[test]
fn funnel_csv() {
    let (header, rows) = csv(&report(FUNNEL, &[]));
    assert_eq!(
        header,
        [
            "channel",
            "stage",
            "reached",
            "open",
            "lost",
            "declined",
            "stale",
            "conversion_from_previous",
            "conversion_from_lead",
            "decided_from_previous",
            "decided_from_lead"
        ]
    );
    assert_eq!(rows.len(), 4 * 5);
    let won = find(&rows, &[("channel", "*"), ("stage", "won")]);
    assert_eq!(won["reached"], "3");
    assert_eq!(won["conversion_from_previous"], "0.75");
    assert_eq!(won["decided_from_previous"], "4");
    // 3 won of 10 - r4, u4 (open) - u2 (declined) = 7 decided.
    assert_eq!(
        won["conversion_from_lead"].parse::<f64>().unwrap(),
        3.0 / 7.0
    );
    assert_eq!(won["decided_from_lead"], "7");
    let lead = find(&rows, &[("channel", "*"), ("stage", "lead")]);
    assert_eq!(
        (lead["declined"].as_str(), lead["stale"].as_str()),
        ("1", "1")
    );
    assert_eq!(
        (
            lead["conversion_from_previous"].as_str(),
            lead["conversion_from_lead"].as_str()
        ),
        ("", "")
    );
    let contacted = find(&rows, &[("channel", "*"), ("stage", "contacted")]);
    assert_eq!(
        contacted["conversion_from_previous"]
            .parse::<f64>()
            .unwrap(),
        8.0 / 9.0
    );
    let upwork_won = find(&rows, &[("channel", "platform:upwork"), ("stage", "won")]);
    assert_eq!(upwork_won["conversion_from_previous"], "");
    assert_eq!(upwork_won["conversion_from_lead"], "0");
    let talked = find(&rows, &[("channel", "*"), ("stage", "talked")]);
    assert_eq!(
        talked["conversion_from_previous"].parse::<f64>().unwrap(),
        6.0 / 7.0
    );
}

#[test]
fn lead_straight_to_won_reaches_every_stage() {
    // r1 goes from `lead` to `won`: referral's reached counts are 4 4 3 3 2,
    // with r1 counted at contacted, talked and proposed.
    let (_, rows) = csv(&report(FUNNEL, &["--channel", "referral"]));
    let reached: Vec<&str> = rows
        .iter()
        .filter(|r| r["channel"] == "referral")
        .map(|r| r["reached"].as_str())
        .collect();
    assert_eq!(reached, ["4", "4", "3", "3", "2"]);
}

#[test]
fn funnel_depth_and_channel_filter() {
    let (reports, _) = json(&report(FUNNEL, &["--depth", "1"]));
    let rows = rows_of(&reports[0]);
    let platform: Vec<u64> = rows
        .iter()
        .filter(|r| r["channel"] == "platform")
        .map(|r| r["reached"].as_u64().unwrap())
        .collect();
    assert_eq!(platform, [6, 4, 3, 2, 1]);
    assert!(rows.iter().all(|r| r["channel"] != "platform:upwork"));

    let (reports, _) = json(&report(FUNNEL, &["--channel", "platform"]));
    let rows = rows_of(&reports[0]);
    let all: Vec<u64> = rows
        .iter()
        .filter(|r| r["channel"] == "*")
        .map(|r| r["reached"].as_u64().unwrap())
        .collect();
    assert_eq!(all, [6, 4, 3, 2, 1]);
    let channels: Vec<&str> = rows
        .iter()
        .map(|r| r["channel"].as_str().unwrap())
        .step_by(5)
        .collect();
    assert_eq!(channels, ["*", "platform:malt", "platform:upwork"]);
}

#[test]
fn funnel_empty_period() {
    let (reports, _) = json(&report(FUNNEL, &["--period", "2025"]));
    let r = &reports[0];
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2025-01-01"), Some("2025-12-31"))
    );
    let rows = rows_of(r);
    assert_eq!(rows.len(), 5, "only the `*` rows");
    assert!(rows
        .iter()
        .all(|r| r["reached"] == 0 && r["conversion_from_lead"].is_null()));
    assert_eq!(
        r["findings"][0]["message"],
        "No deal has its lead in this period, so there is nothing to follow through the stages."
    );
}

// ---------------------------------------------------------------------------
// channels

#[test]
fn channels_table() {
    insta::assert_snapshot!("channels_table", ok(&report(CHANNELS, &[])));
}

#[test]
fn channels_json_matches_the_hand_computation() {
    let (reports, text) = json(&report(CHANNELS, &[]));
    let r = &reports[0];
    let names: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "channel",
            "leads",
            "won",
            "win_rate",
            "revenue",
            "fees",
            "spent_money",
            "hours",
            "net",
            "net_per_hour",
            "median_value",
            "median_days_to_win",
            "avg_rating",
            "declined",
            "hours_coverage",
            "income",
            "cancelled",
            "repeat",
            "median_contract_days",
            "median_day_rate",
            "decided",
            "deals_with_hours"
        ]
    );
    let rows = rows_of(r);
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["channel"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "outbound",
            "platform",
            "platform:malt",
            "platform:upwork",
            "referral",
            "*"
        ]
    );

    // channel, leads, won, win_rate, revenue, fees, spent, hours, net, net/h, median value, median days, rating
    type Expected = (
        &'static str,
        u64,
        u64,
        Option<f64>,
        f64,
        f64,
        f64,
        f64,
        f64,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    );
    let expected: [Expected; 6] = [
        (
            "outbound",
            0,
            0,
            None,
            0.,
            0.,
            0.,
            3.,
            0.,
            Some(0.),
            None,
            None,
            None,
        ),
        (
            "platform", 0, 0, None, 0., 0., 50., 0., -50., None, None, None, None,
        ),
        (
            "platform:malt",
            2,
            1,
            Some(1.),
            1000.,
            80.,
            0.,
            2.25,
            920.,
            Some(408.89),
            Some(1000.),
            Some(20.),
            Some(3.),
        ),
        (
            "platform:upwork",
            3,
            2,
            Some(2. / 3.),
            2500.,
            250.,
            90.,
            2.5,
            2160.,
            Some(864.),
            Some(1250.),
            Some(27.5),
            Some(4.5),
        ),
        (
            "referral",
            2,
            1,
            // r2 was declined: not decided (analyses v2 §1).
            Some(1.),
            5000.,
            0.,
            0.,
            1.,
            5000.,
            Some(5000.),
            Some(5000.),
            Some(5.),
            None,
        ),
        (
            "*",
            7,
            4,
            Some(4. / 5.),
            8500.,
            330.,
            140.,
            8.75,
            8030.,
            Some(917.71),
            Some(1300.),
            Some(21.),
            Some(4.),
        ),
    ];
    for (row, e) in rows.iter().zip(expected) {
        let opt = |v: &Value| v.as_f64();
        assert_eq!(row["channel"], e.0);
        assert_eq!(
            (row["leads"].as_u64(), row["won"].as_u64()),
            (Some(e.1), Some(e.2)),
            "{}",
            e.0
        );
        assert_eq!(opt(&row["win_rate"]), e.3, "{} win_rate", e.0);
        let money =
            ["revenue", "fees", "spent_money", "hours", "net"].map(|c| row[c].as_f64().unwrap());
        assert_eq!(money, [e.4, e.5, e.6, e.7, e.8], "{} money", e.0);
        assert_eq!(opt(&row["net_per_hour"]), e.9, "{} net_per_hour", e.0);
        assert_eq!(opt(&row["median_value"]), e.10, "{} median_value", e.0);
        assert_eq!(
            opt(&row["median_days_to_win"]),
            e.11,
            "{} median_days_to_win",
            e.0
        );
        assert_eq!(opt(&row["avg_rating"]), e.12, "{} avg_rating", e.0);
    }
    // The version-2 columns (header of channels.funnel): declined,
    // hours_coverage, income, cancelled, repeat, median_contract_days,
    // median_day_rate.
    type V2 = (
        &'static str,
        u64,
        Option<f64>,
        f64,
        u64,
        u64,
        Option<f64>,
        Option<f64>,
    );
    let v2: [V2; 6] = [
        ("outbound", 0, None, 0., 0, 0, None, None),
        ("platform", 0, None, 0., 0, 0, None, None),
        (
            "platform:malt",
            0,
            Some(1. / 2.),
            1000.,
            1,
            0,
            Some(31.),
            None,
        ),
        ("platform:upwork", 0, Some(1. / 3.), 0., 0, 0, None, None),
        ("referral", 1, Some(0.), 0., 0, 0, None, None),
        ("*", 1, Some(2. / 7.), 1000., 1, 0, Some(31.), None),
    ];
    for (row, e) in rows.iter().zip(v2) {
        assert_eq!(row["channel"], e.0);
        assert_eq!(row["declined"].as_u64(), Some(e.1), "{} declined", e.0);
        assert_eq!(
            row["hours_coverage"].as_f64(),
            e.2,
            "{} hours_coverage",
            e.0
        );
        assert_eq!(row["income"].as_f64(), Some(e.3), "{} income", e.0);
        assert_eq!(
            (row["cancelled"].as_u64(), row["repeat"].as_u64()),
            (Some(e.4), Some(e.5)),
            "{}",
            e.0
        );
        assert_eq!(
            row["median_contract_days"].as_f64(),
            e.6,
            "{} median_contract_days",
            e.0
        );
        assert_eq!(row["median_day_rate"].as_f64(), e.7, "{}", e.0);
    }
    // The `n` of win_rate and the `k` of hours_coverage (header of
    // channels.funnel: win rates 1/1, 2/3, 1/1 and 4/5; hours logged on 1
    // of 2, 1 of 3, 0 of 2 and 2 of 7 deals).
    let denominators: Vec<(&str, u64, u64)> = rows
        .iter()
        .map(|row| {
            (
                row["channel"].as_str().unwrap(),
                row["decided"].as_u64().unwrap(),
                row["deals_with_hours"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        denominators,
        [
            ("outbound", 0, 0),
            ("platform", 0, 0),
            ("platform:malt", 1, 1),
            ("platform:upwork", 3, 1),
            ("referral", 1, 0),
            ("*", 5, 2)
        ]
    );
    // Money is an exact decimal number in the JSON text, rounded to the cent.
    assert!(text.contains("\"net_per_hour\": 408.89,"), "{text}");
    assert!(text.contains("\"net_per_hour\": 917.71,"), "{text}");
    assert!(text.contains("\"spent_money\": 140,"), "{text}");

    let messages: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "No channel has at least 2 won deals and hours logged on at least half of its deals, so none is named \
             best per hour.",
            "Net per hour compares only channels with at least 2 won deals and hours logged on at least half of \
             their deals: `referral` left out: 1 deal won, hours logged on 0 of 2 deals; `platform:upwork` left \
             out: hours logged on 1 of 3 deals; `platform:malt` left out: 1 deal won; `outbound` left out: no \
             lead of this period.",
            "Highest win rate: `platform:malt`, 1 of 1 decided lead won (100.0%): a small count, so read it as a hint.",
            "No win yet from `outbound` for 3 hours put in: no lead decided yet.",
            "No win yet from `platform` for 50 EUR put in: no lead decided yet.",
        ]
    );
}

#[test]
fn channels_csv() {
    let (header, rows) = csv(&report(CHANNELS, &[]));
    assert_eq!(header.len(), 22);
    let upwork = find(&rows, &[("channel", "platform:upwork")]);
    // A second currency converted at the right price: 1000 USD x 0.90 + 2000 USD x (1 / 1.25).
    assert_eq!(upwork["revenue"], "2500");
    // The sub-channel inherits `platform`'s 10% fee.
    assert_eq!(upwork["fees"], "250");
    assert_eq!(upwork["spent_money"], "90");
    assert_eq!(upwork["hours"], "2.5");
    assert_eq!(upwork["win_rate"].parse::<f64>().unwrap(), 2.0 / 3.0);
    // The rate's counts: won of decided; hours logged on 1 of 3 leads.
    assert_eq!(
        (upwork["won"].as_str(), upwork["decided"].as_str()),
        ("2", "3")
    );
    assert_eq!(
        (
            upwork["deals_with_hours"].as_str(),
            upwork["leads"].as_str()
        ),
        ("1", "3")
    );
    assert_eq!(upwork["median_days_to_win"], "27.5");
    let malt = find(&rows, &[("channel", "platform:malt")]);
    // The cancelled contract is pro-rated: 3000 x 30 / 90.
    assert_eq!(malt["revenue"], "1000");
    assert_eq!(malt["fees"], "80");
    assert_eq!(malt["net_per_hour"], "408.89");
    // A negative number stays a number: no formula-protection quote.
    let platform = find(&rows, &[("channel", "platform")]);
    assert_eq!(platform["net"], "-50");
    assert_eq!(platform["win_rate"], "");
    assert_eq!(platform["net_per_hour"], "");
    let total = find(&rows, &[("channel", "*")]);
    assert_eq!(
        (
            total["leads"].as_str(),
            total["won"].as_str(),
            total["net"].as_str()
        ),
        ("7", "4", "8030")
    );
    assert_eq!(total["avg_rating"], "4");
    // Ratios as fractions: 2 of 7 deals have hours logged on them.
    assert_eq!(total["hours_coverage"].parse::<f64>().unwrap(), 2.0 / 7.0);
    assert_eq!(total["median_day_rate"], "");
}

#[test]
fn open_deal_idle_exactly_stale_after_days_is_undecided() {
    // m2's latest entry (`spent 45min on m2`, 2026-04-02) is 89 days old on
    // 2026-06-30 and 90 on 2026-07-01: not *more* than 90, so m2 is open
    // and malt's win rate is 1 of 1, not 1 of 2.
    for as_of in ["2026-06-30", "2026-07-01"] {
        let (_, rows) = csv(&[
            "report",
            "channels",
            "-f",
            "channels.funnel",
            "--as-of",
            as_of,
        ]);
        assert_eq!(
            find(&rows, &[("channel", "platform:malt")])["win_rate"],
            "1",
            "{as_of}"
        );
    }
    // A day later it has gone stale and counts as a decided failure.
    let (_, rows) = csv(&[
        "report",
        "channels",
        "-f",
        "channels.funnel",
        "--as-of",
        "2026-07-02",
    ]);
    assert_eq!(
        find(&rows, &[("channel", "platform:malt")])["win_rate"],
        "0.5"
    );
}

#[test]
fn channels_period_and_depth() {
    let (reports, _) = json(&report(CHANNELS, &["--period", "2026-Q1"]));
    let r = &reports[0];
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (Some("2026-01-01"), Some("2026-03-31"))
    );
    let rows = rows_of(r);
    let malt = json_row(&rows, &[("channel", "platform:malt")]);
    assert_eq!(
        (
            malt["leads"].as_u64(),
            malt["hours"].as_f64(),
            malt["net_per_hour"].as_f64()
        ),
        (Some(1), Some(1.5), Some(613.33))
    );
    // m1 ran 02-04..03-06, all in Q1: its whole 1,000 EUR is Q1 income.
    assert_eq!(
        (malt["hours_coverage"].as_f64(), malt["income"].as_f64()),
        (Some(0.0), Some(1000.0))
    );
    let total = json_row(&rows, &[("channel", "*")]);
    assert_eq!(
        (total["leads"].as_u64(), total["hours"].as_f64()),
        (Some(6), Some(8.0))
    );
    // r2 is declined: 4 won of 6 - 1 decided.
    assert_num!(total["win_rate"], 4.0 / 5.0);
    assert_num!(total["hours_coverage"], 1.0 / 6.0);

    // --from/--to are inclusive: a period of the single day 2026-01-10.
    let (reports, _) = json(&report(
        CHANNELS,
        &["--from", "2026-01-10", "--to", "2026-01-10"],
    ));
    let rows = rows_of(&reports[0]);
    let upwork = json_row(&rows, &[("channel", "platform:upwork")]);
    assert_eq!(
        (upwork["leads"].as_u64(), upwork["hours"].as_f64()),
        (Some(1), Some(0.5))
    );

    let (reports, _) = json(&report(CHANNELS, &["--depth", "1"]));
    let rows = rows_of(&reports[0]);
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["channel"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["outbound", "platform", "referral", "*"]);
    let platform = json_row(&rows, &[("channel", "platform")]);
    let values = [
        "leads",
        "won",
        "revenue",
        "fees",
        "spent_money",
        "hours",
        "net",
    ]
    .map(|c| platform[c].as_f64().unwrap());
    assert_eq!(values, [5., 3., 3500., 330., 140., 4.75, 3030.]);
}

#[test]
fn channels_empty_period() {
    let args = report(CHANNELS, &["--period", "2025"]);
    insta::assert_snapshot!("channels_empty_period", ok(&args));
    let (reports, _) = json(&args);
    let rows = rows_of(&reports[0]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["channel"], "*");
    assert_eq!(
        (rows[0]["leads"].as_u64(), rows[0]["revenue"].as_f64()),
        (Some(0), Some(0.0))
    );
    assert!(rows[0]["win_rate"].is_null() && rows[0]["net_per_hour"].is_null());
    assert_eq!(
        reports[0]["findings"][0]["message"],
        "No leads and nothing spent in this period."
    );
}

/// `channels-v2.funnel` for the first quarter, as of 2026-04-15 (the
/// hand computation is at the top of the file).
const CHANNELS_V2: &[&str] = &[
    "channels",
    "-f",
    "channels-v2.funnel",
    "--as-of",
    "2026-04-15",
    "--period",
    "2026-Q1",
];

#[test]
fn channels_v2_table() {
    insta::assert_snapshot!("channels_v2_table", ok(&report(CHANNELS_V2, &[])));
}

#[test]
fn channels_v2_columns_match_the_hand_computation() {
    let (reports, text) = json(&report(CHANNELS_V2, &[]));
    let r = &reports[0];
    let rows = rows_of(r);
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["channel"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "content:blog",
            "network:former-colleagues",
            "platform:upwork",
            "referral",
            "*"
        ]
    );
    // channel, leads, won, declined, win_rate, revenue, fees, hours, net,
    // net_per_hour
    type Base = (
        &'static str,
        u64,
        u64,
        u64,
        Option<f64>,
        f64,
        f64,
        f64,
        f64,
        f64,
    );
    let base: [Base; 5] = [
        ("content:blog", 1, 0, 0, None, 0., 0., 4., 0., 0.),
        (
            "network:former-colleagues",
            6,
            2,
            0,
            Some(2. / 4.),
            50000.,
            0.,
            2.,
            50000.,
            25000.,
        ),
        (
            "platform:upwork",
            1,
            1,
            0,
            Some(1.),
            2000.,
            200.,
            3.,
            1800.,
            600.,
        ),
        // r4 declined: 3 of 3 decided, not 3 of 4.
        ("referral", 4, 3, 1, Some(1.), 31000., 0., 4., 31000., 7750.),
        (
            "*",
            12,
            6,
            1,
            Some(6. / 8.),
            83000.,
            200.,
            13.,
            82800.,
            6369.23,
        ),
    ];
    for (row, e) in rows.iter().zip(base) {
        assert_eq!(row["channel"], e.0);
        let counts = ["leads", "won", "declined"].map(|c| row[c].as_u64().unwrap());
        assert_eq!(counts, [e.1, e.2, e.3], "{} counts", e.0);
        assert_eq!(row["win_rate"].as_f64(), e.4, "{} win_rate", e.0);
        let money =
            ["revenue", "fees", "hours", "net", "net_per_hour"].map(|c| row[c].as_f64().unwrap());
        assert_eq!(money, [e.5, e.6, e.7, e.8, e.9], "{} money", e.0);
    }
    // hours_coverage, income, cancelled, repeat, median_value,
    // median_days_to_win, median_contract_days, median_day_rate, avg_rating
    type V2 = (
        &'static str,
        f64,
        f64,
        u64,
        u64,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    );
    let v2: [V2; 5] = [
        // b0's lead is from 2025, its income in Q1 counts: 79 of 109 days.
        (
            "content:blog",
            0.,
            10871.56,
            0,
            0,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            "network:former-colleagues",
            2. / 6.,
            0.,
            0,
            0,
            Some(25000.),
            Some(40.),
            None,
            None,
            None,
        ),
        (
            "platform:upwork",
            1.,
            2000.,
            0,
            0,
            Some(2000.),
            Some(22.),
            Some(28.),
            Some(400.),
            None,
        ),
        // 95 EUR/h is 760 a day; 600 USD/day at 0.80 is 480 EUR.
        (
            "referral",
            0.5,
            26909.09,
            1,
            1,
            Some(12000.),
            Some(17.),
            Some(46.),
            Some(760.),
            Some(2.),
        ),
        (
            "*",
            5. / 12.,
            39780.65,
            1,
            1,
            Some(13500.),
            Some(25.),
            Some(38.5),
            Some(620.),
            Some(2.),
        ),
    ];
    for (row, e) in rows.iter().zip(v2) {
        assert_eq!(row["channel"], e.0);
        assert_eq!(
            row["hours_coverage"].as_f64(),
            Some(e.1),
            "{} coverage",
            e.0
        );
        assert_eq!(row["income"].as_f64(), Some(e.2), "{} income", e.0);
        assert_eq!(
            (row["cancelled"].as_u64(), row["repeat"].as_u64()),
            (Some(e.3), Some(e.4)),
            "{} cancelled, repeat",
            e.0
        );
        let medians = [
            "median_value",
            "median_days_to_win",
            "median_contract_days",
            "median_day_rate",
            "avg_rating",
        ]
        .map(|c| row[c].as_f64());
        assert_eq!(medians, [e.5, e.6, e.7, e.8, e.9], "{} medians", e.0);
    }
    assert!(text.contains("\"income\": 39780.65,"), "{text}");

    let messages: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "Best return on your time: `referral`, 7,750 EUR net for each hour invested (31,000 EUR net over 4 \
             hours; 3 of 3 decided leads won; hours logged on 2 of 4 deals).",
            "Net per hour compares only channels with at least 2 won deals and hours logged on at least half of \
             their deals: `network:former-colleagues` left out: hours logged on 2 of 6 deals; `platform:upwork` \
             left out: 1 deal won; `content:blog` left out: no deal won, hours logged on 0 of 1 deal.",
            "Highest win rate: `referral`, 3 of 3 decided leads won (100.0%; 1 declined by you, not counted): a \
             small count, so read it as a hint.",
            "`content:blog`: none of its leads of this period is won yet for 4 hours put in (no lead decided yet); \
             `b0` (a lead of 2025-11-20) was won on 2026-01-07, and the channel earned 10,872 EUR on the days \
             of the period.",
        ]
    );
    // The v1 bug: never "no win" about a channel that signed a deal in the
    // period, whatever its lead date.
    assert!(
        messages
            .iter()
            .all(|m| !m.to_lowercase().contains("no win")),
        "{messages:?}"
    );
}

#[test]
fn channels_v2_income_stops_at_the_as_of_date() {
    // Everything up to 2026-04-15: b0 earned on 01-12..04-15, 94 of its
    // 109 days: 15,000 x 94 / 109 = 12,935.78. It is of the cohort now.
    let (_, rows) = csv(&[
        "report",
        "channels",
        "-f",
        "channels-v2.funnel",
        "--as-of",
        "2026-04-15",
    ]);
    let blog = find(&rows, &[("channel", "content:blog")]);
    assert_eq!(blog["income"], "12935.78");
    assert_eq!((blog["leads"].as_str(), blog["won"].as_str()), ("2", "1"));
    // a0 (2025, client acme) is of the cohort too, and is no repeat deal
    // itself; r2 is.
    let referral = find(&rows, &[("channel", "referral")]);
    assert_eq!(
        (referral["won"].as_str(), referral["repeat"].as_str()),
        ("4", "1")
    );
}

// ---------------------------------------------------------------------------
// surprises

#[test]
fn surprises_table() {
    insta::assert_snapshot!("surprises_table", ok(&report(SURPRISES, &[])));
}

#[test]
fn surprises_json_matches_scipy() {
    let (reports, _) = json(&report(SURPRISES, &[]));
    let r = &reports[0];
    // The period does not narrow the evidence: the report says so.
    assert_eq!(
        (r["from"].clone(), r["to"].as_str()),
        (Value::Null, Some("2026-03-31"))
    );
    let rows = rows_of(r);
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["assumption"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "value 10,000 EUR",
            "volume lead 2/mo",
            "conversion lead->won 50% via referral",
            "share 50% via referral",
            "cycle lead->won 30d",
            "conversion lead->won 10% via platform",
            "conversion proposed->won 40% via ads",
        ]
    );
    let row = |i: usize| rows[i];

    let value = row(0);
    assert_eq!(
        (value["source"].as_str(), value["metric"].as_str()),
        (Some("surprises.funnel:48"), Some("value"))
    );
    assert!(value["channel"].is_null());
    assert_eq!(
        (
            value["assumed"].as_f64(),
            value["observed"].as_f64(),
            value["n"].as_u64()
        ),
        (Some(10000.), Some(3000.), Some(5))
    );
    assert!(value["interval_low"].is_null() && value["interval_high"].is_null());
    assert_num!(value["p_value"], 0.0625);
    assert_num!(value["surprise_bits"], 4.0);
    assert_eq!(value["verdict"], "lower than assumed");

    let volume = row(1);
    assert_eq!(
        (volume["assumed"].as_f64(), volume["n"].as_u64()),
        (Some(2.0), Some(11))
    );
    assert_num!(volume["observed"], 3.76186095505618);
    assert_num!(volume["p_value"], 0.07332612849301634);
    assert_num!(volume["surprise_bits"], 3.769528820468249);
    assert_eq!(volume["verdict"], "higher than assumed");

    for i in [2, 3] {
        let c = row(i);
        assert_eq!(
            (c["channel"].as_str(), c["n"].as_u64()),
            (Some("referral"), Some(5))
        );
        assert_eq!(
            (c["assumed"].as_f64(), c["observed"].as_f64()),
            (Some(0.5), Some(0.8))
        );
        assert_num!(c["interval_low"], 0.4352831720446694);
        assert_num!(c["interval_high"], 0.9540392196129793);
        assert_num!(c["p_value"], 0.375);
        assert_num!(c["surprise_bits"], 1.415037499278844);
        assert_eq!(c["verdict"], "holds");
    }
    assert_eq!(row(3)["metric"], "share");

    let cycle = row(4);
    assert_eq!(
        (
            cycle["assumed"].as_f64(),
            cycle["observed"].as_f64(),
            cycle["n"].as_u64()
        ),
        (Some(30.), Some(20.), Some(4))
    );
    assert_num!(cycle["p_value"], 0.625);
    assert_num!(cycle["surprise_bits"], 0.6780719051126377);

    let platform = row(5);
    assert_eq!(
        (
            platform["channel"].as_str(),
            platform["n"].as_u64(),
            platform["observed"].as_f64()
        ),
        (Some("platform"), Some(5), Some(0.2))
    );
    assert_num!(platform["p_value"], 0.81902);
    assert_num!(platform["surprise_bits"], 0.28802941280310873);
    assert_num!(platform["interval_low"], 0.04596078038702067);
    assert_num!(platform["interval_high"], 0.5647168279553307);

    // An assumption with no evidence: n = 0, nothing observed, no test.
    let none = row(6);
    assert_eq!(
        (none["n"].as_u64(), none["verdict"].as_str()),
        (Some(0), Some("no evidence"))
    );
    for column in [
        "observed",
        "interval_low",
        "interval_high",
        "p_value",
        "surprise_bits",
    ] {
        assert!(none[column].is_null(), "{column}");
    }

    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(
        findings[0]["message"],
        "Biggest surprise: You expected a median won deal of 10,000 EUR. The median was 3,000 EUR over 5 won deals: \
         0 above, 5 below. If 10,000 EUR were the median, a result this far off would happen about 1 time in 16: \
         probably not chance, look into it. With 6 assumptions tested, one this far off happens by chance about \
         1 time in 3."
    );
    assert_eq!(
        findings[1]["message"],
        "You expected about 2 new leads a month. There were 3.8 a month (11 since 2026-01-01). If 2 a month were true, \
         a result this far off would happen about 1 time in 14: probably not chance, look into it."
    );
    assert_eq!(
        findings[2]["message"],
        "No evidence yet for `conversion proposed->won 40% via ads` (surprises.funnel:51)."
    );
}

#[test]
fn surprises_csv() {
    let (header, rows) = csv(&report(SURPRISES, &[]));
    assert_eq!(
        header,
        [
            "assumption",
            "source",
            "metric",
            "channel",
            "assumed",
            "observed",
            "n",
            "interval_low",
            "interval_high",
            "p_value",
            "surprise_bits",
            "verdict"
        ]
    );
    assert_eq!(rows.len(), 7);
    let conversion = find(
        &rows,
        &[("assumption", "conversion lead->won 50% via referral")],
    );
    assert_eq!(conversion["source"], "surprises.funnel:45");
    assert_eq!(
        (
            conversion["assumed"].as_str(),
            conversion["observed"].as_str()
        ),
        ("0.5", "0.8")
    );
    assert_eq!(conversion["p_value"].parse::<f64>().unwrap(), 0.375);
    let none = find(&rows, &[("verdict", "no evidence")]);
    assert_eq!(
        (
            none["n"].as_str(),
            none["p_value"].as_str(),
            none["surprise_bits"].as_str()
        ),
        ("0", "", "")
    );
    let value = find(&rows, &[("metric", "value")]);
    assert_eq!(
        (value["assumed"].as_str(), value["observed"].as_str()),
        ("10000", "3000")
    );
}

#[test]
fn surprises_ignore_the_period_but_keep_the_channel_filter() {
    let (_, all) = csv(&report(SURPRISES, &[]));
    let (_, narrowed) = csv(&report(SURPRISES, &["--period", "2026-03"]));
    assert_eq!(all, narrowed);
    let (_, rows) = csv(&report(SURPRISES, &["--channel", "platform"]));
    let texts: Vec<&str> = rows.iter().map(|r| r["assumption"].as_str()).collect();
    assert_eq!(texts, ["conversion lead->won 10% via platform"]);
}

/// A ledger written to a temporary folder, reported on from there.
fn temp_ledger(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join(name), text).expect("write the ledger");
    dir
}

#[test]
fn p_value_with_one_observation() {
    // k = 1 won of n = 1 against 10%: binom.sf(0, 1, 0.1) = 0.1, p = 0.2,
    // bits = -log2(0.2) = 2.321928094887362; Wilson (k = 1, n = 1):
    // (0.2698548389564205, 1.0).
    let dir = temp_ledger(
        "one.funnel",
        "2026-01-01 assume conversion lead->won 10%\n2026-01-02 lead a via x\n2026-01-03 won a 100 EUR\n",
    );
    let output = funnel()
        .current_dir(dir.path())
        .args([
            "report",
            "surprises",
            "-f",
            "one.funnel",
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports: Value = serde_json::from_slice(&output.stdout).unwrap();
    let row = &reports[0]["rows"][0];
    assert_eq!(
        (row["n"].as_u64(), row["observed"].as_f64()),
        (Some(1), Some(1.0))
    );
    assert_num!(row["p_value"], 0.2);
    assert_num!(row["surprise_bits"], 2.321928094887362);
    assert_num!(row["interval_low"], 0.2698548389564205);
    assert_num!(row["interval_high"], 1.0);
    assert_eq!(row["verdict"], "holds");
}

#[test]
fn p_value_with_100_000_observations() {
    // 100,000 leads, 9,800 won, against 10%:
    // binom.cdf(9800, 100000, 0.1) = 0.017525324737622874 (SciPy), p = 0.03505064947524575.
    let mut text = String::from("2026-01-01 assume conversion lead->won 10%\n");
    for i in 0..100_000 {
        text.push_str(&format!("2026-01-02 lead d{i} via x\n"));
        if i < 9_800 {
            text.push_str(&format!("2026-01-03 won d{i} 1 EUR\n"));
        } else {
            text.push_str(&format!("2026-01-03 lost d{i}\n"));
        }
    }
    let dir = temp_ledger("big.funnel", &text);
    let output = funnel()
        .current_dir(dir.path())
        .args([
            "report",
            "surprises",
            "-f",
            "big.funnel",
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports: Value = serde_json::from_slice(&output.stdout).unwrap();
    let row = &reports[0]["rows"][0];
    assert_eq!(row["n"].as_u64(), Some(100_000));
    assert_num!(row["observed"], 0.098);
    let p = row["p_value"].as_f64().unwrap();
    assert!((p - 0.03505064947524575).abs() < 1e-9 * 0.035, "p = {p}");
    assert_eq!(row["verdict"], "lower than assumed");
}

// ---------------------------------------------------------------------------
// The command

#[test]
fn all_analyses_in_registry_order() {
    let (reports, _) = json(&["report", "-f", "funnel.funnel", "--as-of", "2026-06-30"]);
    let names: Vec<&str> = reports
        .iter()
        .map(|r| r["analysis"].as_str().unwrap())
        .collect();
    assert_eq!(names, ALL);
    // Surprises without assumptions says how to write one.
    let message = reports[2]["findings"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("No assumptions to check."), "{message}");
}

#[test]
fn analyses_lists_every_analysis() {
    let out = ok(&["analyses"]);
    let names: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ALL);
    insta::assert_snapshot!("analyses", out);
}

#[test]
fn unknown_analysis_is_a_usage_error() {
    let output = run(&[
        "report",
        "funel",
        "-f",
        "funnel.funnel",
        "--as-of",
        "2026-06-30",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    insta::assert_snapshot!("unknown_analysis", stderr(&output));
}

#[test]
fn csv_takes_exactly_one_analysis() {
    let output = run(&[
        "report",
        "-f",
        "funnel.funnel",
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`--format csv` takes exactly one analysis"),
        "{}",
        stderr(&output)
    );
    let output = run(&[
        "report",
        "funnel",
        "channels",
        "-f",
        "funnel.funnel",
        "--as-of",
        "2026-06-30",
        "--format",
        "csv",
    ]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn period_flags_are_checked() {
    let output = run(&[
        "report",
        "-f",
        "funnel.funnel",
        "--as-of",
        "2026-06-30",
        "--from",
        "2026-05-01",
        "--to",
        "2026-04-01",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("the period starts on 2026-05-01, after it ends on 2026-04-01")
    );
    let output = run(&[
        "report",
        "-f",
        "funnel.funnel",
        "--period",
        "2026",
        "--from",
        "2026-01-01",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let output = run(&[
        "report",
        "-f",
        "funnel.funnel",
        "--period",
        "last six months",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a period"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_period_after_the_as_of_date_is_a_usage_error() {
    let output = run(&report(FUNNEL, &["--period", "2026-07"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output)
        .contains("the period starts on 2026-07-01, after the as-of date 2026-06-30"));
}

#[test]
fn last_n_months_ends_on_the_as_of_date() {
    let (reports, _) = json(&report(FUNNEL, &["--period", "last 3 months"]));
    assert_eq!(
        (reports[0]["from"].as_str(), reports[0]["to"].as_str()),
        (Some("2026-03-31"), Some("2026-06-30"))
    );
    // A `--to` after the as-of date is cut back to it.
    let (reports, _) = json(&report(FUNNEL, &["--to", "2026-12-31"]));
    assert_eq!(reports[0]["to"], "2026-06-30");
}

#[test]
fn a_ledger_with_errors_is_not_analysed() {
    let dir = temp_ledger(
        "broken.funnel",
        "2026-01-01 lead a via x\n2026-01-05 wonn a\n",
    );
    let output = funnel()
        .current_dir(dir.path())
        .args(["report", "-f", "broken.funnel", "--as-of", "2026-02-01"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty(), "no report on stdout");
    let err = stderr(&output);
    assert!(err.contains("funnel::unknown-verb"), "{err}");
    assert!(
        err.contains("the ledger has errors, so it is not analysed"),
        "{err}"
    );
}

#[test]
fn warnings_do_not_stop_the_report() {
    // funnel.funnel has stale-deal warnings; the report runs and prints none.
    let output = run(&report(FUNNEL, &[]));
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn csv_text_cells_are_protected_from_formulas() {
    // A file name that a spreadsheet would run as a formula ends up in the
    // `source` column.
    let dir = temp_ledger(
        "@evil.funnel",
        "option currency EUR\n2026-01-01 assume value 100 EUR\n",
    );
    let output = funnel()
        .current_dir(dir.path())
        .args([
            "report",
            "surprises",
            "-f",
            "@evil.funnel",
            "--as-of",
            "2026-02-01",
            "--format",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let record = reader.records().next().unwrap().unwrap();
    assert_eq!(&record[1], "'@evil.funnel:2");
    assert_eq!(&record[4], "100");
}

#[test]
fn unknown_channel_filter_warns() {
    let output = run(&report(CHANNELS, &["--channel", "refferal"]));
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(
        stderr(&output),
        "warning: no channel `refferal` in the ledger; did you mean `referral`?\n"
    );
}

#[test]
fn no_colour_without_a_terminal() {
    let output = funnel()
        .env_remove("NO_COLOR")
        .args(report(FUNNEL, &[]))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!stdout(&output).contains('\x1b'));
}

#[test]
fn tables_fit_100_columns_on_the_shipped_example() {
    let example = data_dir().join("../../../examples/freelancer.funnel");
    let example = example.to_str().unwrap();
    let out = ok(&["report", "-f", example, "--as-of", "2026-11-26"]);
    for line in out.lines() {
        assert!(
            line.chars().count() <= 100,
            "too wide ({}): {line}",
            line.chars().count()
        );
    }
    let (reports, _) = json(&["report", "-f", example, "--as-of", "2026-11-26"]);
    assert_eq!(reports.len(), ALL.len());
}

// The analyses of issue 6 and `funnel review`, in their own files beside
// this one (not under `report/`, so every test file stays in `tests/`, as
// their snapshots' `source:` lines say). They come last so that the helpers
// and `assert_num!` above are in scope.
#[path = "pipeline_cli.rs"]
mod pipeline;
#[path = "questions.rs"]
mod questions;
#[path = "review_cli.rs"]
mod review_cli;

// ---------------------------------------------------------------------------
// The JSON Schema of reports.

/// `docs/funnel.report-1.schema.json`, compiled.
fn report_schema() -> jsonschema::Validator {
    let path = support::workspace().join("docs/funnel.report-1.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("a valid JSON Schema")
}

/// Every analysis's JSON, over the example ledgers and the hand-computed
/// ones, carries `"schema": "funnel.report/1"` and matches the committed
/// JSON Schema.
#[test]
fn report_json_matches_the_json_schema() {
    let validator = report_schema();
    let mut ledgers = support::files_in(&support::workspace().join("examples"), "funnel");
    ledgers.extend(support::files_in(&data_dir(), "funnel"));
    for path in ledgers {
        let output = support::funnel()
            .args(["report", "--format", "json", "--as-of", "2026-11-26", "-f"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            support::transcript(&output)
        );
        let reports: Value = serde_json::from_slice(&output.stdout).expect("JSON");
        let objects = reports.as_array().unwrap();
        assert_eq!(objects.len(), ALL.len());
        for report in objects {
            assert_eq!(report["schema"], "funnel.report/1");
        }
        let errors: Vec<String> = validator
            .iter_errors(&reports)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            path.display(),
            errors.join("\n")
        );
    }
}

/// The schema holds reports to their shape: these break it.
#[test]
fn the_report_schema_rejects_what_funnel_never_writes() {
    let validator = report_schema();
    let good = serde_json::json!({
        "schema": "funnel.report/1", "analysis": "x", "title": "X", "as_of": "2026-11-26",
        "from": null, "to": "2026-11-26", "currency": "EUR",
        "columns": [{"name": "n", "kind": "count"}], "rows": [{"n": 1}],
        "findings": [{"severity": "info", "message": "one"}]
    });
    assert!(validator.is_valid(&good));
    assert!(validator.is_valid(&serde_json::json!([good.clone()])));
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut report = good.clone();
        edit(&mut report);
        report
    };
    let cases = [
        broken(&|r| r["schema"] = "funnel.report/2".into()),
        broken(&|r| {
            r.as_object_mut().unwrap().remove("schema");
        }),
        broken(&|r| r["columns"][0]["kind"] = "percent".into()),
        broken(&|r| r["findings"][0]["severity"] = "error".into()),
        broken(&|r| r["as_of"] = "26.11.2026".into()),
        broken(&|r| r["rows"][0]["n"] = serde_json::json!([1])),
    ];
    for case in cases {
        assert!(!validator.is_valid(&case), "{case}");
    }
}
