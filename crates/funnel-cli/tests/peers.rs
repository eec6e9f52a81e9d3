//! Reviewing as a group (issue 21): `funnel review --share` writes the
//! anonymised `funnel.summary/1`, and `funnel compare` puts summaries side
//! by side. Through the binary: a hand-computed summary, the JSON Schema,
//! the privacy of everything a ledger names, the three example peers, and
//! the errors of `compare`.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use crate::support::{funnel, stderr, stdout, transcript, workspace};

const AS_OF: &str = "2026-11-26";

fn run(dir: &Path, args: &[&str]) -> Output {
    funnel()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("funnel runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let output = run(dir, args);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    stdout(&output)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("JSON")
}

/// A small ledger whose summary is computed by hand below.
///
/// - `platform` (a, b, c): a won (value 9000, 900/day, 15 days lead → won,
///   conceded from a 10,000 ask at 1000/day: discount 0.1), b lost, c
///   declined. Leads 3, won 1, declined 1, win rate 1 of 2 (c is left
///   out), hours on a only: 1 of 3. Net per hour: (9000 − 10% fee) / 2 h
///   = 4050.
/// - `referral` (d, e): d won 4000 at 100/h (800/day) on 03-11 until
///   03-31 and cancelled on 03-20: value 4000 × 9 / 20 = 1800; 10 days
///   lead → won; e open. Leads 2, won 1, win rate 1 of 1, hours 1 of 2,
///   net per hour 1800 / 1 h = 1800.
/// - total: leads 5, won 2, declined 1, win rate 2 of 3, hours 2 of 5,
///   median value (9000 + 1800) / 2 = 5400, median day rate (900 + 800)
///   / 2 = 850, net per hour (10,800 − 900) / 3 h = 3300; median days
///   lead → won (15 + 10) / 2 = 12.5; cancelled 1 of 2; below the opening
///   ask 1 of 2 (d was agreed at its ask), median rate discount 0.1.
/// - buffer: 7500 / 3000 = 2.5 months.
/// - assumptions: conversion via platform:upwork, 1 of 1 decided against
///   50%: p = 1, holds; cycle 10 days, observations 15 and 10 (dropped as
///   equal): 1 above of 1, p = 1, holds.
const HAND: &str = "option currency EUR
channel platform
  fee: 10%
2026-01-01 costs 3000 EUR/month
2026-01-01 assume conversion lead->won 50% via platform:upwork
2026-01-01 assume cycle lead->won 10d
2026-01-05 lead a via platform:upwork
2026-01-05 spent 2h on a
2026-01-10 proposed a 10000 EUR at 1000 EUR/day
2026-01-20 won a 9000 EUR at 900 EUR/day until 2026-02-28
2026-02-01 lead b via platform:malt
2026-02-03 lost b
2026-02-10 lead c via platform:upwork
2026-02-11 declined c
2026-03-01 lead d via referral
2026-03-01 spent 1h on d
2026-03-06 proposed d 4000 EUR at 100 EUR/h
2026-03-11 won d 4000 EUR at 100 EUR/h until 2026-03-31
2026-03-20 ended d cancelled
2026-04-01 lead e via referral
2026-04-02 talked e
2026-04-30 balance 7500 EUR
";

fn hand_ledger() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hand.funnel");
    std::fs::write(&path, HAND).unwrap();
    (dir, path)
}

fn share(dir: &Path, ledger: &str, as_of: &str, extra: &[&str]) -> String {
    let mut args = vec!["review", "--share", "-f", ledger, "--as-of", as_of];
    args.extend(extra);
    ok(dir, &args)
}

#[test]
fn share_summarises_a_ledger_by_hand() {
    let (dir, path) = hand_ledger();
    let text = share(
        dir.path(),
        path.to_str().unwrap(),
        "2026-04-30",
        &["--period", "2026"],
    );
    let summary = json(&text);
    let expected = json(
        r#"{
  "schema": "funnel.summary/1",
  "as_of": "2026-04-30",
  "period": {"from": "2026-01-01", "to": "2026-04-30"},
  "currency": "EUR",
  "channels": [
    {"channel": "platform", "leads": 3, "won": 1, "declined": 1,
     "win_rate": {"k": 1, "n": 2}, "hours_coverage": {"k": 1, "n": 3},
     "money": {"median_value": 9000, "median_day_rate": 900, "net_per_hour": 4050}},
    {"channel": "referral", "leads": 2, "won": 1, "declined": 0,
     "win_rate": {"k": 1, "n": 1}, "hours_coverage": {"k": 1, "n": 2},
     "money": {"median_value": 1800, "median_day_rate": 800, "net_per_hour": 1800}}
  ],
  "total": {"channel": "*", "leads": 5, "won": 2, "declined": 1,
     "win_rate": {"k": 2, "n": 3}, "hours_coverage": {"k": 2, "n": 5},
     "money": {"median_value": 5400, "median_day_rate": 850, "net_per_hour": 3300}},
  "median_days_to_win": 12.5,
  "buffer_months": 2.5,
  "cancelled": {"k": 1, "n": 2},
  "below_opening_ask": {"k": 1, "n": 2},
  "median_rate_discount": 0.1,
  "assumptions": [
    {"metric": "conversion", "channel": "platform", "verdict": "holds"},
    {"metric": "cycle", "channel": null, "verdict": "holds"}
  ]
}"#,
    );
    assert_eq!(summary, expected, "{text}");

    // Without money: the same figures, no currency and no amounts.
    let text = share(
        dir.path(),
        path.to_str().unwrap(),
        "2026-04-30",
        &["--period", "2026", "--no-money"],
    );
    let mut without = expected.clone();
    without.as_object_mut().unwrap().remove("currency");
    for group in without["channels"].as_array_mut().unwrap() {
        group.as_object_mut().unwrap().remove("money");
    }
    without["total"].as_object_mut().unwrap().remove("money");
    assert_eq!(json(&text), without, "{text}");
}

#[test]
fn share_writes_a_file_atomically_whatever_its_extension() {
    let (dir, path) = hand_ledger();
    let out = dir.path().join("me.summary.json");
    let output = run(
        dir.path(),
        &[
            "review",
            "--share",
            "-f",
            path.to_str().unwrap(),
            "--as-of",
            "2026-04-30",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    assert!(output.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    assert_eq!(json(&written)["schema"], "funnel.summary/1");
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn no_money_needs_share_and_share_takes_no_format() {
    let (dir, path) = hand_ledger();
    let path = path.to_str().unwrap();
    let output = run(dir.path(), &["review", "--no-money", "-f", path]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(
        stderr(&output).contains("--share"),
        "{}",
        transcript(&output)
    );
    assert!(output.stdout.is_empty());
    let output = run(
        dir.path(),
        &["review", "--share", "--format", "markdown", "-f", path],
    );
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
    assert!(output.stdout.is_empty());
}

#[test]
fn summaries_match_the_json_schema() {
    let schema_path = workspace().join("docs/funnel.summary-1.schema.json");
    let schema: Value = json(&std::fs::read_to_string(&schema_path).unwrap());
    let validator = jsonschema::draft202012::new(&schema).expect("a valid JSON Schema");
    let examples = workspace().join("examples");
    let mut ledgers = crate::support::files_in(&examples, "funnel");
    ledgers.extend(crate::support::files_in(&examples.join("peers"), "funnel"));
    ledgers.push(examples.join("multi/main.funnel"));
    ledgers.push(workspace().join("tests/data/ok/v2-forms.funnel"));
    ledgers.push(workspace().join("tests/data/ok/empty.funnel"));
    let (dir, hand) = hand_ledger();
    ledgers.push(hand);
    let mut checked = 0;
    for path in &ledgers {
        for extra in [&[][..], &["--no-money"][..]] {
            let text = share(dir.path(), path.to_str().unwrap(), AS_OF, extra);
            let summary = json(&text);
            let errors: Vec<String> = validator
                .iter_errors(&summary)
                .take(5)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(
                errors.is_empty(),
                "{} {extra:?}:\n{}",
                path.display(),
                errors.join("\n")
            );
            checked += 1;
        }
    }
    assert!(checked >= 14, "{checked} summaries checked");
    // The schema is strict: an undocumented field fails it, and so does a
    // sub-channel where a channel group belongs.
    let hand = share(
        dir.path(),
        ledgers.last().unwrap().to_str().unwrap(),
        "2026-04-30",
        &[],
    );
    let mut summary = json(&hand);
    assert!(validator.is_valid(&summary));
    summary["total"]["deal"] = Value::from("a");
    assert!(!validator.is_valid(&summary));
    let mut summary = json(&hand);
    summary["channels"][0]["channel"] = Value::from("platform:upwork");
    assert!(!validator.is_valid(&summary));
}

/// Every name a ledger holds is a distinctive word here; none may leave it
/// through `--share`, and with `--no-money` no amount may either.
#[test]
fn nothing_private_leaves_a_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("privfilemain.funnel");
    let included = dir.path().join("privfileincluded.funnel");
    std::fs::write(
        &main,
        "option currency EUR
include \"privfileincluded.funnel\"
channel platform:privsubchannel \"Privchanneltitle\"
  fee: 10%
  kind: privkind
contact privcontactid \"Privcontactname Person\"
  org: \"Privorgname GmbH\"
contact privbuyerid \"Privbuyername Person\"
client privclientid \"Privclientname AG\"
2026-01-01 costs 3170 EUR/month
2026-01-01 balance 21913 EUR
2026-01-01 assume conversion lead->won 37% via platform:privsubchannel \"privassumptionnote\"
2026-01-01 assume value 48611 EUR
2026-01-05 lead privdealone \"Privtitleone secret project\" via platform:privsubchannel from privcontactid #privtagone
  client: privclientid
  buyer: privbuyerid
  privmetakey: \"privmetavalue\"
2026-01-05 spent 3h on privdealone \"privspentnote\"
2026-01-05 spent 419 EUR via platform:privsubchannel \"privspendnote\"
2026-01-12 proposed privdealone 73519 EUR at 1187 EUR/day
2026-01-20 won privdealone 68333 EUR at 1093 EUR/day until 2026-06-30
  notice: 30d
  lesson: \"privlessonwon\"
2026-04-15 ended privdealone cancelled \"privendednote\" #privtagended
  rating: 4
  lesson: \"privlessonended\"
2026-02-01 note privdealone \"privfreenote\"
2026-02-10 touch privcontactid \"privtouchnote\"
",
    )
    .unwrap();
    std::fs::write(
        &included,
        "2026-03-01 lead privdealtwo \"Privtitletwo\" via referral:privreferralsub from privcontactid
2026-03-08 proposed privdealtwo 52907 EUR
2026-03-20 lost privdealtwo \"privlostreason\" #privtaglost
  lesson: \"privlessonlost\"
2026-03-02 lead privdealthree \"Privtitlethree\" via referral:privreferralsub
2026-03-03 declined privdealthree \"privdeclinedreason\"
2026-03-05 lead privdealfour \"Privtitlefour\" via platform:privsubchannel
2026-03-06 lost privdealfour \"privlostfour\"
2026-03-07 reopened privdealfour \"privreopenednote\"
2026-03-09 proposed privdealfour 31429 EUR at 811 EUR/day
2026-03-21 won privdealfour 29657 EUR at 781 EUR/day until 2026-05-29
  start: 2026-04-01
2026-05-20 extended privdealfour 12011 EUR until 2026-07-31 \"privextendednote\"
",
    )
    .unwrap();
    let ledger = main.to_str().unwrap();
    let check = run(
        dir.path(),
        &["check", "-f", ledger, "--as-of", "2026-06-30"],
    );
    assert_eq!(check.status.code(), Some(0), "{}", transcript(&check));
    let private = [
        "privfilemain",
        "privfileincluded",
        "privsubchannel",
        "Privchanneltitle",
        "privkind",
        "privcontactid",
        "Privcontactname",
        "Privorgname",
        "privbuyerid",
        "Privbuyername",
        "privclientid",
        "Privclientname",
        "privassumptionnote",
        "privdealone",
        "privdealtwo",
        "privdealthree",
        "privdealfour",
        "Privtitle",
        "privtag",
        "privmeta",
        "privspentnote",
        "privspendnote",
        "privlesson",
        "privendednote",
        "privfreenote",
        "privtouchnote",
        "privreferralsub",
        "privlostreason",
        "privlostfour",
        "privdeclinedreason",
        "privreopenednote",
        "privextendednote",
        // No line numbers or sources either.
        ".funnel",
        ":1",
    ];
    // Every word of the ledger is distinctive: a case-insensitive "priv"
    // finds any of them, however cut.
    for extra in [&[][..], &["--no-money"][..]] {
        let text = share(
            dir.path(),
            ledger,
            "2026-06-30",
            &[&["--period", "2026"], extra].concat(),
        );
        let lower = text.to_lowercase();
        for word in private {
            assert!(
                !lower.contains(&word.to_lowercase()),
                "`{word}` leaked ({extra:?}):\n{text}"
            );
        }
        assert!(!lower.contains("priv"), "{text}");
        // The groups are there, by their first segment only.
        let summary = json(&text);
        let groups: Vec<&str> = summary["channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["channel"].as_str().unwrap())
            .collect();
        assert_eq!(groups, ["platform", "referral"]);
        assert_eq!(summary["total"]["leads"], 4);
    }

    // With money, amounts are there (so the test below can fail) …
    let with_money = share(dir.path(), ledger, "2026-06-30", &["--period", "2026"]);
    let summary = json(&with_money);
    assert_eq!(summary["currency"], "EUR");
    assert!(summary["total"]["money"]["median_value"].is_number());
    // … and without, no amount in any form: no currency, and every number
    // is a count, a ratio's k or n, days, months or a fraction.
    let text = share(
        dir.path(),
        ledger,
        "2026-06-30",
        &["--period", "2026", "--no-money"],
    );
    assert!(!text.contains("EUR"), "{text}");
    for amount in [
        "3170", "21913", "48611", "419", "73519", "73,519", "1187", "68333", "1093", "52907",
        "31429", "811", "29657", "781", "12011",
    ] {
        assert!(!text.contains(amount), "`{amount}` leaked:\n{text}");
    }
    let money_figures: Vec<String> = ["median_value", "median_day_rate", "net_per_hour"]
        .iter()
        .filter_map(|key| {
            summary["total"]["money"][key]
                .as_number()
                .map(|n| n.to_string())
        })
        .collect();
    assert!(!money_figures.is_empty());
    for figure in &money_figures {
        assert!(
            !text.contains(figure.as_str()),
            "`{figure}` leaked:\n{text}"
        );
    }
    fn numbers_are_not_money(value: &Value, key: &str, text: &str) {
        match value {
            Value::Number(_) => assert!(
                [
                    "leads",
                    "won",
                    "declined",
                    "k",
                    "n",
                    "median_days_to_win",
                    "buffer_months",
                    "median_rate_discount"
                ]
                .contains(&key),
                "a number under `{key}`:\n{text}"
            ),
            Value::Array(items) => items
                .iter()
                .for_each(|v| numbers_are_not_money(v, key, text)),
            Value::Object(map) => map
                .iter()
                .for_each(|(k, v)| numbers_are_not_money(v, k, text)),
            _ => {}
        }
    }
    numbers_are_not_money(&json(&text), "", &text);
}

// ---------------------------------------------------------------------------
// `funnel compare`

/// The three example peers, shared into `dir`.
fn peer_summaries(dir: &Path) -> Vec<String> {
    ["alice", "bob", "carol"]
        .iter()
        .map(|name| {
            let ledger = workspace().join(format!("examples/peers/{name}.funnel"));
            let out = dir.join(format!("{name}.summary.json"));
            ok(
                dir,
                &[
                    "review",
                    "--share",
                    "-f",
                    ledger.to_str().unwrap(),
                    "--as-of",
                    AS_OF,
                    "-o",
                    out.to_str().unwrap(),
                ],
            );
            out.to_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn the_committed_peer_summaries_are_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    for fresh in peer_summaries(dir.path()) {
        let name = Path::new(&fresh).file_name().unwrap();
        let committed = workspace().join("examples/peers").join(name);
        assert_eq!(
            std::fs::read_to_string(&committed).unwrap_or_default(),
            std::fs::read_to_string(&fresh).unwrap(),
            "{} is stale: run `funnel review --share -f examples/peers/NAME.funnel --as-of {AS_OF} -o examples/peers/NAME.summary.json`",
            committed.display()
        );
    }
}

#[test]
fn three_peers_compare_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let files = peer_summaries(dir.path());
    let mut args = vec!["compare"];
    args.extend(files.iter().map(String::as_str));
    let table = ok(dir.path(), &args);
    insta::assert_snapshot!("compare_peers_table", table);
    for line in table.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
}

/// The table at a wider terminal, where nothing wraps.
#[test]
fn three_peers_compare_wide() {
    let dir = tempfile::tempdir().unwrap();
    let files = peer_summaries(dir.path());
    let output = funnel()
        .current_dir(dir.path())
        .env("COLUMNS", "120")
        .arg("compare")
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let header = stdout(&output)
        .lines()
        .nth(3)
        .unwrap_or_default()
        .to_owned();
    let words: Vec<&str> = header.split_whitespace().collect();
    assert_eq!(words, ["alice", "bob", "carol", "median"]);
}

/// Three summaries written by hand: the figures, medians and standings of
/// `compare` checked one by one in CSV and JSON.
fn hand_summaries(dir: &Path) -> Vec<String> {
    let summary =
        |currency: &str, groups: &str, total: &str, days: &str, buffer: &str, assumptions: &str| {
            format!(
                r#"{{"schema": "funnel.summary/1", "as_of": "2026-11-26",
                "period": {{"from": "2025-11-27", "to": "2026-11-26"}}{currency},
                "channels": [{groups}], "total": {total},
                "median_days_to_win": {days}, "buffer_months": {buffer},
                "cancelled": null, "below_opening_ask": {{"k": 1, "n": 4}},
                "median_rate_discount": null, "assumptions": [{assumptions}],
                "a_field_of_a_later_version_1": true}}"#
            )
        };
    let group = |name: &str, leads: u64, won: u64, k: u64, n: u64, money: &str| {
        format!(
            r#"{{"channel": "{name}", "leads": {leads}, "won": {won}, "declined": 0,
                "win_rate": {{"k": {k}, "n": {n}}}, "hours_coverage": null{money}}}"#
        )
    };
    let money = |value: &str| {
        format!(
            r#", "money": {{"median_value": {value}, "median_day_rate": null, "net_per_hour": 40.5}}"#
        )
    };
    let files = [
        (
            "ann",
            summary(
                r#", "currency": "EUR""#,
                &group("platform", 10, 2, 2, 8, &money("12000.10")),
                &group("*", 10, 2, 2, 8, &money("12000.10")),
                "20",
                "3.5",
                r#"{"metric": "conversion", "channel": "platform", "verdict": "holds"}"#,
            ),
        ),
        (
            "ben",
            summary(
                r#", "currency": "EUR""#,
                &[
                    group("platform", 4, 1, 1, 4, &money("8000")),
                    group("referral", 6, 3, 3, 5, &money("20000")),
                ]
                .join(", "),
                &group("*", 10, 4, 4, 9, &money("14000")),
                "30",
                "6",
                r#"{"metric": "conversion", "channel": "platform", "verdict": "lower than assumed"}"#,
            ),
        ),
        (
            "cem",
            summary(
                "",
                &group("referral", 7, 1, 1, 7, ""),
                &group("*", 7, 1, 1, 7, ""),
                "null",
                "1",
                "",
            ),
        ),
    ];
    files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, text).unwrap();
            path.to_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn compare_csv_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let files = hand_summaries(dir.path());
    let mut args = vec!["compare", "--format", "csv"];
    args.extend(files.iter().map(String::as_str));
    let text = ok(dir.path(), &args);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "section",
            "figure",
            "ann",
            "ben",
            "cem",
            "median",
            "ann standing",
            "ben standing",
            "cem standing"
        ]
    );
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    let row = |section: &str, figure: &str| -> Vec<&str> {
        rows.iter()
            .find(|r| r[0] == section && r[1] == figure)
            .unwrap_or_else(|| panic!("no row {section} {figure}:\n{text}"))[2..]
            .iter()
            .map(String::as_str)
            .collect()
    };
    // Leads 10, 10, 7: median 10; two tied highest.
    assert_eq!(
        row("funnel", "leads"),
        [
            "10",
            "10",
            "7",
            "10",
            "tied highest of 3",
            "tied highest of 3",
            "lowest of 3"
        ]
    );
    // Win rates 2/8, 4/9, 1/7: median 0.25 (the middle fraction).
    assert_eq!(
        row("funnel", "win_rate"),
        [
            "0.25",
            "0.4444444444444444",
            "0.14285714285714285",
            "0.25",
            "2nd of 3",
            "highest of 3",
            "lowest of 3"
        ]
    );
    // Days 20 and 30 (cem has none): the median of an even count is the
    // mean of the middle two.
    assert_eq!(
        row("funnel", "median_days_to_win"),
        ["20", "30", "", "25", "lowest of 2", "highest of 2", ""]
    );
    // A group only some have: empty for the others.
    assert_eq!(
        row("channel:platform", "leads"),
        ["10", "4", "", "7", "highest of 2", "lowest of 2", ""]
    );
    assert_eq!(
        row("channel:referral", "won"),
        ["", "3", "1", "2", "", "highest of 2", "lowest of 2"]
    );
    // Money exactly, and empty where it was left out (cem, --no-money).
    assert_eq!(
        row("money", "median_value"),
        [
            "12000.1",
            "14000",
            "",
            "13000.05",
            "lowest of 2",
            "highest of 2",
            ""
        ]
    );
    assert_eq!(
        row("money", "net_per_hour"),
        ["40.5", "40.5", "", "40.5", "", "", ""]
    );
    assert_eq!(
        row("buffer", "buffer_months"),
        [
            "3.5",
            "6",
            "1",
            "3.5",
            "2nd of 3",
            "highest of 3",
            "lowest of 3"
        ]
    );
    // 1 of 4 everywhere: equal values stand nowhere.
    assert_eq!(
        row("negotiation", "below_opening_ask"),
        ["0.25", "0.25", "0.25", "0.25", "", "", ""]
    );
    // Assumptions: holding of those with evidence, and the verdicts.
    assert_eq!(
        row("assumptions", "holding"),
        ["1", "0", "", "0.5", "highest of 2", "lowest of 2", ""]
    );
    assert_eq!(
        row("assumptions", "conversion:platform"),
        ["holds", "lower than assumed", "", "", "", "", ""]
    );
}

#[test]
fn compare_json_and_table_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let files = hand_summaries(dir.path());
    let mut args = vec!["compare", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let text = ok(dir.path(), &args);
    let value = json(&text);
    let names: Vec<&str> = value["summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ann", "ben", "cem"]);
    assert_eq!(value["currency"], "EUR");
    let figure = value["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["section"] == "money" && f["figure"] == "median_value")
        .unwrap();
    // Exact money, as written in the summaries.
    assert!(text.contains("\"median\": 13000.05"), "{text}");
    assert_eq!(figure["values"][2], Value::Null);
    assert_eq!(figure["standings"][0], "lowest of 2");

    let mut args = vec!["compare"];
    args.extend(files.iter().map(String::as_str));
    let table = ok(dir.path(), &args);
    insta::assert_snapshot!("compare_hand_table", table);
}

#[test]
fn mixed_currencies_are_not_compared() {
    let dir = tempfile::tempdir().unwrap();
    let files = hand_summaries(dir.path());
    let ben = std::fs::read_to_string(&files[1]).unwrap();
    std::fs::write(&files[1], ben.replace("\"EUR\"", "\"USD\"")).unwrap();
    let mut args = vec!["compare", "--format", "csv"];
    args.extend(files.iter().map(String::as_str));
    let text = ok(dir.path(), &args);
    let median_value = text
        .lines()
        .find(|l| l.starts_with("money,median_value,"))
        .unwrap();
    assert_eq!(median_value, "money,median_value,12000.1,14000,,,,,");
    // Counts are still compared.
    assert!(text.contains("funnel,leads,10,10,7,10,"), "{text}");
    let mut args = vec!["compare"];
    args.extend(files.iter().map(String::as_str));
    let table = ok(dir.path(), &args);
    assert!(table.contains("12,000 EUR"), "{table}");
    assert!(table.contains("14,000 USD"), "{table}");
    assert!(
        table.contains("Amounts are in different currencies (ann in EUR, ben in USD)"),
        "{table}"
    );
}

#[test]
fn compare_refuses_what_is_not_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let good = hand_summaries(dir.path()).remove(0);
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let cases = [
        (
            write("notes.txt", "# my notes\n"),
            "it is not JSON: expected value at line 1 column 1",
        ),
        (
            write("ledger.json", r#"{"schema": "funnel.ledger/1", "deals": []}"#),
            "it is a `funnel.ledger/1` document, not a funnel summary: write one with `funnel review --share`",
        ),
        (
            write("array.json", "[1, 2]"),
            "it is not a funnel summary (no `\"schema\": \"funnel.summary/1\"`)",
        ),
        (
            write("future.json", r#"{"schema": "funnel.summary/2", "figures": {}}"#),
            "it is a `funnel.summary/2`, but this funnel reads `funnel.summary/1`",
        ),
        (
            write("broken.json", r#"{"schema": "funnel.summary/1", "as_of": "2026-11-26"}"#),
            "it is not a valid `funnel.summary/1`: missing field `period`",
        ),
        (
            dir.path().join("missing.json").to_str().unwrap().to_owned(),
            "cannot read",
        ),
    ];
    for (path, message) in &cases {
        let output = run(dir.path(), &["compare", &good, path]);
        assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
        assert!(output.stdout.is_empty(), "{}", transcript(&output));
        let err = stderr(&output);
        assert!(err.contains(&format!("`{path}`")), "names the file: {err}");
        assert!(err.contains(message), "{err}");
    }
    // Several bad files: each is named, in one run.
    let output = run(dir.path(), &["compare", &cases[0].0, &good, &cases[3].0]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).lines().count(),
        2,
        "{}",
        transcript(&output)
    );
    // A byte-order mark before the JSON is no error.
    let with_bom = write(
        "bom.json",
        &format!("\u{feff}{}", std::fs::read_to_string(&good).unwrap()),
    );
    let output = run(dir.path(), &["compare", &good, &with_bom]);
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    // No file at all is a usage error too.
    let output = run(dir.path(), &["compare"]);
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
}

#[test]
fn compare_names_columns_apart_and_writes_files() {
    let dir = tempfile::tempdir().unwrap();
    let files = hand_summaries(dir.path());
    std::fs::create_dir(dir.path().join("2025")).unwrap();
    std::fs::copy(&files[0], dir.path().join("2025/ann.json")).unwrap();
    let out = dir.path().join("group.csv");
    let output = run(
        dir.path(),
        &[
            "compare",
            "ann.json",
            "2025/ann.json",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", transcript(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.starts_with("section,figure,ann.json,2025/ann.json,median,"),
        "{text}"
    );
    // `--format` and an extension that disagree are a usage error.
    let output = run(
        dir.path(),
        &["compare", "ann.json", "--format", "json", "-o", "x.csv"],
    );
    assert_eq!(output.status.code(), Some(2), "{}", transcript(&output));
}

#[test]
fn different_periods_are_compared_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let files = hand_summaries(dir.path());
    let cem = std::fs::read_to_string(&files[2]).unwrap();
    std::fs::write(&files[2], cem.replace("2025-11-27", "2026-01-01")).unwrap();
    let mut args = vec!["compare", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let value = json(&ok(dir.path(), &args));
    let notes: Vec<&str> = value["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        [
            "Shared without amounts (`--no-money`): cem.",
            "The summaries cover different periods (ann 2025-11-27 to 2026-11-26, ben 2025-11-27 to \
             2026-11-26, cem 2026-01-01 to 2026-11-26): counts of leads and deals compare unequal \
             stretches of time."
        ]
    );
    assert_eq!(value["summaries"][2]["from"], "2026-01-01");
}
