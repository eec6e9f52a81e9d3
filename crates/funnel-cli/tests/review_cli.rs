//! `funnel review` through the binary: snapshots of the one-page review of
//! the shipped example in plain text and Markdown, and checks that its
//! numbers are the reports' numbers.

use serde_json::Value;

use super::{data_dir, json, ok, rows_of, run, stderr, stdout, temp_ledger};

fn example() -> String {
    data_dir()
        .join("../../../examples/freelancer.funnel")
        .to_str()
        .expect("a UTF-8 path")
        .to_owned()
}

fn review(extra: &[&str]) -> String {
    let example = example();
    let mut args = vec!["review", "-f", &example, "--as-of", "2026-11-26"];
    args.extend(extra);
    ok(&args)
}

#[test]
fn review_table() {
    insta::assert_snapshot!("review_table", review(&[]));
}

#[test]
fn review_markdown() {
    insta::assert_snapshot!("review_markdown", review(&["--format", "markdown"]));
}

#[test]
fn the_review_fits_100_columns() {
    for line in review(&[]).lines() {
        assert!(line.chars().count() <= 100, "too wide: {line}");
    }
}

#[test]
fn review_numbers_are_the_reports_numbers() {
    let example = example();
    let (reports, _) = json(&[
        "report",
        "funnel",
        "channels",
        "-f",
        &example,
        "--as-of",
        "2026-11-26",
        "--period",
        "last 12 months",
    ]);
    // The default period of the review is the last 12 months.
    assert_eq!(
        (reports[0]["from"].as_str(), reports[0]["to"].as_str()),
        (Some("2025-11-27"), Some("2026-11-26"))
    );
    let text = review(&[]);
    assert!(text.contains("2025-11-27 to 2026-11-26"), "{text}");

    let funnel = rows_of(&reports[0]);
    let reached: Vec<u64> = funnel
        .iter()
        .filter(|r| r["channel"] == "*")
        .map(|r| r["reached"].as_u64().unwrap())
        .collect();
    let chain = format!(
        "{} leads → {} contacted → {} talked → {} proposed → {} won",
        reached[0], reached[1], reached[2], reached[3], reached[4]
    );
    assert!(text.contains(&chain), "{chain} not in\n{text}");

    let channels = rows_of(&reports[1]);
    let total = channels.iter().find(|r| r["channel"] == "*").unwrap();
    let revenue = total["revenue"].as_f64().unwrap();
    let revenue = format!(
        "Revenue {} EUR",
        funnel_analysis::words::thousands(revenue.round() as u64)
    );
    assert!(text.contains(&revenue), "{revenue} not in\n{text}");

    // Findings are quoted word for word (wrapped in the table view, whole
    // in Markdown).
    let markdown = review(&["--format", "markdown"]);
    let best = reports[1]["findings"][0]["message"].as_str().unwrap();
    assert!(markdown.contains(best), "{best} not in\n{markdown}");
    let (all, _) = json(&[
        "report",
        "-f",
        &example,
        "--as-of",
        "2026-11-26",
        "--period",
        "last 12 months",
    ]);
    let by_name = |name: &str| -> &Value { all.iter().find(|r| r["analysis"] == name).unwrap() };
    for name in ["surprises", "negotiation", "contacts", "runway"] {
        let first = by_name(name)["findings"][0]["message"].as_str().unwrap();
        assert!(
            markdown.contains(first),
            "{name}: {first} not in\n{markdown}"
        );
    }
    for finding in by_name("runway")["findings"].as_array().unwrap() {
        assert!(markdown.contains(finding["message"].as_str().unwrap()));
    }
}

#[test]
fn review_of_a_calendar_year() {
    let text = review(&["--period", "2026"]);
    assert!(text.starts_with("Review of 2026\n"), "{text}");
    // The period is cut back to the as-of date.
    assert!(text.contains("2026-01-01 to 2026-11-26"), "{text}");
    assert!(text.contains("The year in numbers"), "{text}");
    let text = review(&["--period", "2026-Q2", "--format", "markdown"]);
    assert!(text.contains("## The period in numbers"), "{text}");
}

#[test]
fn review_of_an_empty_ledger() {
    let dir = temp_ledger("empty.funnel", "option currency EUR\n");
    let output = super::funnel()
        .current_dir(dir.path())
        .args(["review", "-f", "empty.funnel", "--as-of", "2026-06-30"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for said in [
        "0 leads → 0 contacted → 0 talked → 0 proposed → 0 won",
        "No leads and nothing spent in this period.",
        "No assumptions to check.",
        "No deal in this period was won below your opening ask",
        "You are free for new work from 2026-07-01",
        "No contact referred or bought a deal or was touched in this period.",
        "There is no `balance` and no `costs`",
    ] {
        assert!(text.contains(said), "{said:?} not in\n{text}");
    }
}

#[test]
fn review_usage_errors() {
    let example = example();
    // A ledger with errors is not reviewed.
    let dir = temp_ledger(
        "broken.funnel",
        "2026-01-01 lead a via x\n2026-01-05 wonn a\n",
    );
    let output = super::funnel()
        .current_dir(dir.path())
        .args(["review", "-f", "broken.funnel", "--as-of", "2026-02-01"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    assert!(stderr(&output).contains("the ledger has errors, so it is not reviewed"));
    // A period after the as-of date.
    let output = run(&[
        "review",
        "-f",
        &example,
        "--as-of",
        "2026-11-26",
        "--period",
        "2027",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("after the as-of date 2026-11-26"));
    // An unknown format.
    let output = run(&["review", "-f", &example, "--format", "csv"]);
    assert_eq!(output.status.code(), Some(2));
}
