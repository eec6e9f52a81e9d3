//! `pipeline` through the binary, on `tests/data/analyses/pipeline.funnel`
//! (the arithmetic is at the top of the file): the table (snapshot), the
//! JSON values one by one, CSV, and the period, which narrows the open
//! deals but not the history their chances come from.

use serde_json::Value;

use super::{close, csv, json, ok, report, rows_of};

const PIPELINE: &[&str] = &["pipeline", "-f", "pipeline.funnel", "--as-of", "2026-06-30"];

fn messages(report: &Value) -> Vec<(&str, &str)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn pipeline_table() {
    let out = ok(&report(PIPELINE, &[]));
    for line in out.lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
    insta::assert_snapshot!("pipeline_table", out);
}

/// channel, stage, days in stage, typical days, asked value, win
/// probability, expected value.
type Expected = (
    &'static str,
    &'static str,
    f64,
    f64,
    Option<f64>,
    f64,
    Option<f64>,
);

#[test]
fn pipeline_json_matches_the_hand_computation() {
    let (reports, text) = json(&report(PIPELINE, &[]));
    let r = &reports[0];
    assert_eq!(r["analysis"], "pipeline");
    let columns: Vec<&str> = r["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        [
            "deal",
            "channel",
            "stage",
            "days_in_stage",
            "typical_days",
            "asked_value",
            "win_probability",
            "expected_value"
        ]
    );
    let rows = rows_of(r);
    let deals: Vec<&str> = rows.iter().map(|r| r["deal"].as_str().unwrap()).collect();
    // By expected value; mira has none; s1 is stale, `late` not yet led.
    assert_eq!(deals, ["helix", "echo", "kite", "nova", "mira", "*"]);
    #[rustfmt::skip]
    let expected: [Expected; 5] = [
        ("referral", "proposed", 27.0, 13.0, Some(20000.0), 5.0 / 8.0, Some(12500.0)),
        ("referral", "proposed", 60.0, 13.0, Some(6000.0), 5.0 / 8.0, Some(3750.0)),
        ("outbound", "talked", 4.0, 2.0, Some(5000.0), 5.0 / 9.0, Some(2777.78)),
        ("platform:upwork", "proposed", 10.0, 13.0, Some(1800.0), 3.0 / 6.0, Some(900.0)),
        ("referral", "lead", 10.0, 3.0, None, 5.0 / 9.0, None),
    ];
    for (row, (channel, stage, days, typical, asked, chance, value)) in rows.iter().zip(expected) {
        let deal = &row["deal"];
        assert_eq!(row["channel"], channel, "{deal}");
        assert_eq!(row["stage"], stage, "{deal}");
        assert!(close(&row["days_in_stage"], days), "{deal}");
        assert!(close(&row["typical_days"], typical), "{deal}");
        match asked {
            Some(a) => assert!(close(&row["asked_value"], a), "{deal}"),
            None => assert!(row["asked_value"].is_null(), "{deal}"),
        }
        assert!(close(&row["win_probability"], chance), "{deal}");
        match value {
            Some(v) => assert!(close(&row["expected_value"], v), "{deal}"),
            None => assert!(row["expected_value"].is_null(), "{deal}"),
        }
    }
    let total = rows[5];
    assert_eq!(total["channel"], "5 deals");
    assert!(total["win_probability"].is_null());
    // Money is exact in the JSON text.
    assert!(text.contains("\"asked_value\": 32800"), "{text}");
    assert!(text.contains("\"expected_value\": 19927.78"), "{text}");
    assert!(text.contains("\"expected_value\": 2777.78"), "{text}");
    // The 90% interval of the finding, at top level for the HTML chart.
    assert!(
        text.contains("\"expected_low\": 1800,\n    \"expected_high\": 32800,"),
        "{text}"
    );
    assert_eq!(
        messages(r),
        [
            ("info", "4 open deals ask 32,800 EUR; expect about 19,928 EUR (90%: between 1,800 and 32,800 EUR)."),
            ("info", "1 more open deal has no asked value: `mira`. Write the amount on the stage entry, like `proposed mira 12000 EUR`, to count it in the forecast."),
            ("warning", "`helix` has been at `proposed` for 27 days; yours usually move on within 13: follow up."),
            ("warning", "`echo` has been at `proposed` for 60 days; yours usually move on within 13: follow up."),
            ("warning", "`mira` has been at `lead` for 10 days; yours usually move on within 3: follow up."),
        ]
    );
}

#[test]
fn pipeline_csv() {
    let (header, rows) = csv(&report(PIPELINE, &[]));
    assert_eq!(header.len(), 8);
    let kite = rows.iter().find(|r| r["deal"] == "kite").expect("kite");
    assert_eq!(kite["asked_value"], "5000");
    assert_eq!(kite["expected_value"], "2777.78");
    assert!(kite["win_probability"].starts_with("0.5555"));
    let mira = rows.iter().find(|r| r["deal"] == "mira").expect("mira");
    assert_eq!(mira["asked_value"], "");
    assert_eq!(rows.last().unwrap()["expected_value"], "19927.78");
}

/// The period narrows the open deals to its cohort; their chances and
/// typical days still come from the whole ledger.
#[test]
fn pipeline_period_narrows_the_deals_not_the_history() {
    let (reports, _) = json(&report(PIPELINE, &["--period", "2026-06"]));
    let r = &reports[0];
    let rows = rows_of(r);
    let deals: Vec<&str> = rows.iter().map(|r| r["deal"].as_str().unwrap()).collect();
    assert_eq!(deals, ["kite", "nova", "mira", "*"]);
    assert!(close(&rows[0]["win_probability"], 5.0 / 9.0));
    assert!(close(&rows[1]["typical_days"], 13.0));
    assert_eq!(
        messages(r)[0],
        (
            "info",
            "2 open deals ask 6,800 EUR; expect about 3,678 EUR (90%: between 0 and 6,800 EUR)."
        )
    );
    // The channel filter keeps referral's deals, with the chance of all
    // channels (referral has 2 decided deals).
    let (reports, _) = json(&report(PIPELINE, &["--channel", "referral"]));
    let rows = rows_of(&reports[0]);
    let deals: Vec<&str> = rows.iter().map(|r| r["deal"].as_str().unwrap()).collect();
    assert_eq!(deals, ["helix", "echo", "mira", "*"]);
    assert!(close(&rows[0]["win_probability"], 5.0 / 8.0));
}
