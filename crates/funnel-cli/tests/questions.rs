//! `contacts`, `negotiation`, `runway` and `trends` through the binary, on
//! the hand-computed ledgers of `tests/data/analyses/` (the arithmetic is at
//! the top of each file), in table (snapshots), CSV and JSON, with the edge
//! cases of issue 6.

use serde_json::Value;

use super::{close, csv, find, json, json_row, ok, report, rows_of, run, stderr, temp_ledger};

const CONTACTS: &[&str] = &["contacts", "-f", "contacts.funnel", "--as-of", "2026-06-30"];
const NEGOTIATION: &[&str] = &[
    "negotiation",
    "-f",
    "negotiation.funnel",
    "--as-of",
    "2026-06-30",
];
const RUNWAY: &[&str] = &["runway", "-f", "runway.funnel", "--as-of", "2026-06-15"];
const TRENDS: &[&str] = &["trends", "-f", "trends.funnel", "--as-of", "2026-03-31"];

fn column_names(report: &Value) -> Vec<&str> {
    report["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["name"].as_str().expect("a name"))
        .collect()
}

fn messages(report: &Value) -> Vec<(&str, &str)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["severity"].as_str().expect("a severity"),
                f["message"].as_str().expect("a message"),
            )
        })
        .collect()
}

/// One column of CSV records, in row order.
fn column<'a>(rows: &'a [std::collections::HashMap<String, String>], name: &str) -> Vec<&'a str> {
    rows.iter().map(|r| r[name].as_str()).collect()
}

// ---------------------------------------------------------------------------
// contacts

#[test]
fn contacts_table() {
    insta::assert_snapshot!("contacts_table", ok(&report(CONTACTS, &[])));
}

#[test]
fn contacts_json_matches_the_hand_computation() {
    let (reports, _) = json(&report(CONTACTS, &[]));
    let r = &reports[0];
    assert_eq!(r["analysis"], "contacts");
    assert_eq!(
        column_names(r),
        [
            "rank",
            "contact",
            "name",
            "referred",
            "won",
            "won_value",
            "last_contact",
            "days_since",
            "bought",
            "avg_rating"
        ]
    );
    let rows = rows_of(r);
    // rank, contact, name, referred, won, won_value, last_contact, days_since
    type Expected = (
        u64,
        &'static str,
        Option<&'static str>,
        u64,
        u64,
        f64,
        &'static str,
        f64,
    );
    let expected: [Expected; 7] = [
        (1, "bob", Some("Bob Brown"), 2, 2, 10000., "2026-04-01", 90.),
        (
            2,
            "anna",
            Some("Anna Schmidt"),
            2,
            1,
            10000.,
            "2026-05-01",
            60.,
        ),
        (3, "ivy", Some("Ivy Ito"), 1, 1, 4000., "2025-12-20", 192.),
        (4, "cara", None, 1, 1, 4000., "2025-10-01", 272.),
        (5, "eve", Some("Eve Ernst"), 2, 0, 0., "2026-06-25", 5.),
        (6, "fay", Some("Fay Fink"), 1, 0, 0., "2026-06-28", 2.),
        (7, "dan", Some("Dan Dorn"), 0, 0, 0., "2026-06-20", 10.),
    ];
    assert_eq!(rows.len(), expected.len(), "gus and hal have no row");
    for (row, e) in rows.iter().zip(expected) {
        assert_eq!(row["rank"].as_u64(), Some(e.0));
        assert_eq!(row["contact"], e.1);
        assert_eq!(row["name"].as_str(), e.2, "{}", e.1);
        assert_eq!(
            (row["referred"].as_u64(), row["won"].as_u64()),
            (Some(e.3), Some(e.4)),
            "{}",
            e.1
        );
        assert_eq!(row["won_value"].as_f64(), Some(e.5), "{}", e.1);
        assert_eq!(row["last_contact"], e.6, "{}", e.1);
        assert_eq!(row["days_since"].as_f64(), Some(e.7), "{}", e.1);
        // Nobody bought a deal here, and no deal has a rating.
        assert_eq!(row["bought"].as_u64(), Some(0), "{}", e.1);
        assert!(row["avg_rating"].is_null(), "{}", e.1);
    }
    // c1, i1, b2 and a1 are won, not ended and have no `until`: each books
    // every day, so there is no day to be free on.
    assert!(r["available_from"].is_null() && r["start_calling"].is_null());
    assert_eq!(
        messages(r),
        [
            (
                "info",
                "Your running contracts book a full week for the next ten years, so there is no date to start \
                 calling for: a contract without `until` books every day until it has `ended` (`c1`, `i1`, `b2`, \
                 `a1`). Give it an `until`, or write `ended` when it is over."
            ),
            (
                "info",
                "Call first: Bob Brown (`bob`), who referred 2 deals, 2 won, worth 10,000 EUR \
                 (last contact 2026-04-01, 90 days ago)."
            ),
            (
                "info",
                "Second: Anna Schmidt (`anna`), who referred 2 deals, 1 won, worth 10,000 EUR \
                 (last contact 2026-05-01, 60 days ago)."
            ),
            (
                "info",
                "Third: Ivy Ito (`ivy`), who referred 1 deal, 1 won, worth 4,000 EUR \
                 (last contact 2025-12-20, 192 days ago)."
            ),
            (
                "warning",
                "2 contacts referred work but you have not been in touch for over six months: \
                 Ivy Ito (`ivy`, last contact 2025-12-20, 192 days ago), `cara` (last contact \
                 2025-10-01, 272 days ago). A short message keeps them warm."
            ),
        ]
    );
}

#[test]
fn contacts_csv() {
    let (header, rows) = csv(&report(CONTACTS, &[]));
    assert_eq!(
        header,
        [
            "rank",
            "contact",
            "name",
            "referred",
            "won",
            "won_value",
            "last_contact",
            "days_since",
            "bought",
            "avg_rating"
        ]
    );
    assert_eq!(
        column(&rows, "contact"),
        ["bob", "anna", "ivy", "cara", "eve", "fay", "dan"]
    );
    // The cancelled contract of b1 is pro-rated: 2,000 + 8,000.
    let bob = find(&rows, &[("contact", "bob")]);
    assert_eq!(bob["won_value"], "10000");
    // An undeclared contact has no name.
    assert_eq!(find(&rows, &[("contact", "cara")])["name"], "");
    // A contact with only `touch` entries.
    let dan = find(&rows, &[("contact", "dan")]);
    assert_eq!(
        (
            dan["referred"].as_str(),
            dan["won"].as_str(),
            dan["won_value"].as_str(),
            dan["last_contact"].as_str(),
            dan["days_since"].as_str()
        ),
        ("0", "0", "0", "2026-06-20", "10")
    );
}

#[test]
fn contacts_follow_the_period_and_the_channel() {
    let (_, rows) = csv(&report(CONTACTS, &["--period", "2026"]));
    assert_eq!(
        column(&rows, "contact"),
        ["bob", "anna", "eve", "fay", "dan"]
    );
    assert_eq!(column(&rows, "rank"), ["1", "2", "3", "4", "5"]);
    let (reports, _) = json(&report(CONTACTS, &["--period", "2026"]));
    assert!(messages(&reports[0])
        .iter()
        .all(|(_, m)| !m.contains("six months")));

    let (_, rows) = csv(&report(CONTACTS, &["--channel", "network"]));
    assert_eq!(column(&rows, "contact"), ["bob"]);
}

#[test]
fn contacts_of_a_ledger_without_any() {
    let dir = temp_ledger("none.funnel", "2026-01-01 lead a via x\n");
    let output = super::funnel()
        .current_dir(dir.path())
        .args([
            "report",
            "contacts",
            "-f",
            "none.funnel",
            "--as-of",
            "2026-02-01",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(reports[0]["rows"].as_array().map(Vec::len), Some(0));
    // Nothing won: free from tomorrow, and no median time to a signature.
    assert_eq!(
        reports[0]["findings"][0]["message"],
        "You are free for new work from 2026-02-02; no deal is won yet to tell how long one takes from lead \
         to signature: start calling now."
    );
    assert_eq!(reports[0]["available_from"], "2026-02-02");
    assert!(reports[0]["start_calling"].is_null());
    assert!(reports[0]["findings"][1]["message"]
        .as_str()
        .unwrap()
        .starts_with("No contact referred or bought a deal or was touched in this period."));
}

const CONTACTS_V2: &[&str] = &[
    "contacts",
    "-f",
    "contacts-v2.funnel",
    "--as-of",
    "2027-01-15",
];

#[test]
fn contacts_v2_table() {
    insta::assert_snapshot!("contacts_v2_table", ok(&report(CONTACTS_V2, &[])));
}

/// Buyers and availability (the hand computation is at the top of
/// `contacts-v2.funnel`).
#[test]
fn contacts_v2_buyers_and_availability() {
    let (reports, _) = json(&report(CONTACTS_V2, &[]));
    let r = &reports[0];
    // rank, contact, referred, won, won_value, last_contact, days_since,
    // bought, avg_rating
    type Expected = (
        u64,
        &'static str,
        u64,
        u64,
        f64,
        &'static str,
        f64,
        u64,
        Option<f64>,
    );
    let expected: [Expected; 4] = [
        // Referred and bought orbitly: one won deal, counted once.
        (1, "jonas", 1, 1, 60000., "2026-12-01", 45., 1, None),
        (2, "anna", 2, 2, 30000., "2026-10-01", 106., 1, Some(5.)),
        // Bought nova (won) and lumen (lost); lumen's lead is her last contact.
        (3, "sofia", 0, 1, 8000., "2026-11-01", 75., 2, Some(4.)),
        (4, "ben", 0, 0, 0., "2027-01-05", 10., 0, None),
    ];
    let rows = rows_of(r);
    assert_eq!(rows.len(), expected.len());
    for (row, e) in rows.iter().zip(expected) {
        assert_eq!(row["rank"].as_u64(), Some(e.0));
        assert_eq!(row["contact"], e.1);
        assert_eq!(
            (
                row["referred"].as_u64(),
                row["won"].as_u64(),
                row["bought"].as_u64()
            ),
            (Some(e.2), Some(e.3), Some(e.7)),
            "{}",
            e.1
        );
        assert_eq!(row["won_value"].as_f64(), Some(e.4), "{}", e.1);
        assert_eq!(row["last_contact"], e.5, "{}", e.1);
        assert_eq!(row["days_since"].as_f64(), Some(e.6), "{}", e.1);
        assert_eq!(row["avg_rating"].as_f64(), e.8, "{}", e.1);
    }
    assert_eq!(r["available_from"], "2027-04-01");
    assert_eq!(r["start_calling"], "2027-03-08");
    assert_eq!(
        messages(r)[..4],
        [
            (
                "info",
                "You are booked until 2027-03-31 (orbitly, 2 days a week from then); deals take a median 23.5 \
                 days from lead to signature: start calling on 2027-03-08: Jonas Weber, Anna Schmidt, Sofia Almeida."
            ),
            (
                "info",
                "Call first: Jonas Weber (`jonas`), who referred 1 deal and bought 1, 1 won, worth 60,000 EUR \
                 (last contact 2026-12-01, 45 days ago)."
            ),
            (
                "info",
                "Second: Anna Schmidt (`anna`), who referred 2 deals and bought 1, 2 won, worth 30,000 EUR \
                 (last contact 2026-10-01, 106 days ago)."
            ),
            (
                "info",
                "Third: Sofia Almeida (`sofia`), who bought 2 deals, 1 won, worth 8,000 EUR (last contact \
                 2026-11-01, 75 days ago)."
            ),
        ]
    );
    assert_eq!(messages(r).len(), 4, "nobody has gone quiet");
    // The CSV carries no top-level values: only the rows.
    let (header, _) = csv(&report(CONTACTS_V2, &[]));
    assert_eq!(header.len(), 10);
}

#[test]
fn contacts_v2_a_channel_filter_keeps_buyers_of_that_channel() {
    // Only nova and lumen are via platform:malt: Sofia alone; availability
    // stays that of every contract.
    let (reports, _) = json(&report(CONTACTS_V2, &["--channel", "platform"]));
    let rows = rows_of(&reports[0]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["contact"], "sofia");
    assert_eq!(reports[0]["available_from"], "2027-04-01");
    assert!(messages(&reports[0])[0]
        .1
        .ends_with("start calling on 2027-03-08: Sofia Almeida."));
}

// ---------------------------------------------------------------------------
// negotiation

#[test]
fn negotiation_table() {
    insta::assert_snapshot!("negotiation_table", ok(&report(NEGOTIATION, &[])));
}

#[test]
fn negotiation_json_matches_the_hand_computation() {
    let (reports, text) = json(&report(NEGOTIATION, &[]));
    let r = &reports[0];
    assert_eq!(
        column_names(r),
        [
            "deal",
            "channel",
            "outcome",
            "asked_value",
            "got_value",
            "value_gap",
            "asked_rate",
            "got_rate",
            "rate_unit",
            "rate_discount"
        ]
    );
    let rows = rows_of(r);
    let deals: Vec<&str> = rows.iter().map(|r| r["deal"].as_str().unwrap()).collect();
    // Largest gap first; the rows without a gap last, by rate discount.
    assert_eq!(
        deals,
        ["l1", "n1", "n4", "n2", "old", "late2", "n6", "n3", "n5", "l3"]
    );
    // deal, outcome, asked, got, gap, asked rate, got rate, unit, discount
    type Expected = (
        &'static str,
        &'static str,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<&'static str>,
        Option<f64>,
    );
    let expected: [Expected; 10] = [
        (
            "l1",
            "lost",
            Some(3000.),
            None,
            Some(3000.),
            Some(60.),
            None,
            Some("EUR/h"),
            None,
        ),
        (
            "n1",
            "won",
            Some(12000.),
            Some(10000.),
            Some(2000.),
            Some(800.),
            Some(740.),
            Some("EUR/day"),
            Some(0.075),
        ),
        (
            "n4",
            "won",
            Some(9000.),
            Some(7200.),
            Some(1800.),
            Some(100.),
            Some(95.),
            Some("USD/h"),
            Some(0.05),
        ),
        (
            "n2",
            "won",
            Some(5500.),
            Some(4000.),
            Some(1500.),
            Some(90.),
            Some(80.),
            Some("EUR/h"),
            Some(1. / 9.),
        ),
        (
            "old",
            "won",
            Some(4000.),
            Some(3500.),
            Some(500.),
            None,
            None,
            None,
            None,
        ),
        (
            "late2",
            "won",
            Some(2600.),
            Some(2500.),
            Some(100.),
            None,
            None,
            None,
            None,
        ),
        (
            "n6",
            "won",
            Some(20000.),
            Some(20000.),
            Some(0.),
            Some(800.),
            Some(100.),
            Some("EUR/day → EUR/h"),
            None,
        ),
        (
            "n3",
            "won",
            None,
            None,
            None,
            Some(110.),
            Some(100.),
            Some("USD/h"),
            Some(1. / 11.),
        ),
        (
            "n5",
            "won",
            None,
            None,
            None,
            Some(80.),
            Some(85.),
            Some("EUR/h"),
            Some(-0.0625),
        ),
        (
            "l3",
            "lost",
            None,
            None,
            None,
            Some(90.),
            None,
            Some("EUR/h"),
            None,
        ),
    ];
    for e in expected {
        let row = json_row(&rows, &[("deal", e.0)]);
        assert_eq!(row["outcome"], e.1, "{}", e.0);
        let number = |name: &str| row[name].as_f64();
        assert_eq!(
            [
                number("asked_value"),
                number("got_value"),
                number("value_gap"),
                number("asked_rate"),
                number("got_rate")
            ],
            [e.2, e.3, e.4, e.5, e.6],
            "{}",
            e.0
        );
        assert_eq!(row["rate_unit"].as_str(), e.7, "{}", e.0);
        match e.8 {
            Some(discount) => assert_num!(row["rate_discount"], discount),
            None => assert!(row["rate_discount"].is_null(), "{}", e.0),
        }
    }
    // Money and rates are exact decimals in the JSON text.
    assert!(text.contains("\"asked_value\": 9000,"), "{text}");
    assert!(text.contains("\"got_rate\": 95,"), "{text}");

    assert_eq!(
        messages(r),
        [
            (
                "info",
                "Review `l1` (via `platform:upwork`): you asked 3,000 EUR at 60 EUR/h and lost it: all 3,000 EUR."
            ),
            (
                "info",
                "Review `n1` (via `referral`): you asked 12,000 EUR at 800 EUR/day and agreed 10,000 EUR at \
                 740 EUR/day: 2,000 EUR less (16.7% of the ask), and a rate 7.5% lower."
            ),
            (
                "info",
                "Review `n4` (via `platform:malt`): you asked 9,000 EUR (10,000 USD) at 100 USD/h and agreed \
                 7,200 EUR (9,000 USD) at 95 USD/h: 1,800 EUR less (20.0% of the ask), and a rate 5.0% lower."
            ),
            (
                "info",
                "Over the 6 won deals with an asked and an agreed value, you agreed 47,200 EUR of the \
                 53,100 EUR you asked: 5,900 EUR (11.1%) less. The lost deal with an asked value had \
                 asked 3,000 EUR."
            ),
        ]
    );
}

#[test]
fn negotiation_csv() {
    let (_, rows) = csv(&report(NEGOTIATION, &[]));
    assert_eq!(rows.len(), 10);
    // A lost deal counts its whole ask; with a rate-only ask it has no gap.
    let l1 = find(&rows, &[("deal", "l1")]);
    assert_eq!(
        (l1["got_value"].as_str(), l1["value_gap"].as_str()),
        ("", "3000")
    );
    let l3 = find(&rows, &[("deal", "l3")]);
    assert_eq!(
        (
            l3["asked_value"].as_str(),
            l3["value_gap"].as_str(),
            l3["asked_rate"].as_str()
        ),
        ("", "", "90")
    );
    // A rate but no total.
    let n3 = find(&rows, &[("deal", "n3")]);
    assert_eq!(
        (
            n3["asked_value"].as_str(),
            n3["value_gap"].as_str(),
            n3["rate_unit"].as_str()
        ),
        ("", "", "USD/h")
    );
    assert_eq!(
        n3["rate_discount"].parse::<f64>().unwrap(),
        0.09090909090909091
    );
    // Rates in two currencies, converted on the close date; got more than asked.
    let n5 = find(&rows, &[("deal", "n5")]);
    assert_eq!(
        (
            n5["asked_rate"].as_str(),
            n5["got_rate"].as_str(),
            n5["rate_discount"].as_str()
        ),
        ("80", "85", "-0.0625")
    );
    // A rate unit is text, but `EUR/day → EUR/h` starts with no formula sign.
    assert_eq!(
        find(&rows, &[("deal", "n6")])["rate_unit"],
        "EUR/day → EUR/h"
    );
}

#[test]
fn negotiation_follows_the_close_date() {
    let (_, rows) = csv(&report(NEGOTIATION, &["--period", "2026-Q1"]));
    assert_eq!(column(&rows, "deal"), ["l1", "n1", "n2", "late2", "n3"]);
    let (_, rows) = csv(&report(NEGOTIATION, &["--channel", "platform"]));
    assert_eq!(column(&rows, "deal"), ["l1", "n4", "n2", "n3", "l3"]);
}

// ---------------------------------------------------------------------------
// runway

#[test]
fn runway_table() {
    insta::assert_snapshot!("runway_table", ok(&report(RUNWAY, &[])));
}

#[test]
fn runway_json_matches_the_hand_computation() {
    let (reports, _) = json(&report(RUNWAY, &[]));
    let r = &reports[0];
    assert_eq!(column_names(r), ["month", "income", "costs", "balance_end"]);
    // The period does not narrow the runway.
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (None, Some("2026-06-15"))
    );
    let rows = rows_of(r);
    let expected: [(&str, f64, f64); 12] = [
        ("2026-07", 4650., 21150.),
        ("2026-08", 4650., 22300.),
        ("2026-09", 1500., 20300.),
        ("2026-10", 7750., 24550.),
        ("2026-11", 7500., 28550.),
        ("2026-12", 7750., 32800.),
        ("2027-01", 6200., 35500.),
        ("2027-02", 5600., 37600.),
        ("2027-03", 6200., 40300.),
        ("2027-04", 0., 36800.),
        ("2027-05", 0., 33300.),
        ("2027-06", 0., 29800.),
    ];
    assert_eq!(rows.len(), 12);
    for (row, (month, income, balance)) in rows.iter().zip(expected) {
        assert_eq!(row["month"], month);
        assert_eq!(row["income"].as_f64(), Some(income), "{month}");
        // 42,000 EUR/year / 12.
        assert_eq!(row["costs"].as_f64(), Some(3500.), "{month}");
        assert_eq!(row["balance_end"].as_f64(), Some(balance), "{month}");
    }
    assert_eq!(
        messages(r),
        [
            (
                "info",
                "Your buffer of 20,000 EUR (balance on 2026-06-01) covers 5.7 months of costs at 3,500 EUR \
                 a month: within the 3–6 month rule. Six months (21,000 EUR) would let you turn down bad work."
            ),
            (
                "info",
                "Without new work, the balance stays above zero for the next 12 months; it is lowest at \
                 the end of September 2026, at 20,300 EUR."
            ),
            (
                "warning",
                "If `k3`, the largest running contract (36,400 EUR of income in the next 12 months), were \
                 cancelled today, your money would run out in May 2027."
            ),
            (
                "warning",
                "No income is counted for `k4` (no `until`): write the planned end on the `won` entry, \
                 like `won DEAL 12000 EUR until 2027-03-31`."
            ),
            (
                "info",
                "Past their planned end but not `ended`: `k5` (until 2026-05-31). Write `ended DEAL` when \
                 a contract is over, or move its `until` if it runs on."
            ),
        ]
    );
}

#[test]
fn runway_csv() {
    let (header, rows) = csv(&report(RUNWAY, &[]));
    assert_eq!(header, ["month", "income", "costs", "balance_end"]);
    assert_eq!(
        column(&rows, "balance_end"),
        [
            "21150", "22300", "20300", "24550", "28550", "32800", "35500", "37600", "40300",
            "36800", "33300", "29800"
        ]
    );
}

#[test]
fn runway_with_a_balance_that_goes_negative_in_the_first_month() {
    let (reports, _) = json(&[
        "report",
        "runway",
        "-f",
        "runway.funnel",
        "--as-of",
        "2026-01-15",
    ]);
    let r = &reports[0];
    let rows = rows_of(r);
    assert_eq!(rows[0]["month"], "2026-02");
    // 36,000 EUR/year = 3,000 a month.
    assert_eq!(
        (rows[0]["costs"].as_f64(), rows[0]["balance_end"].as_f64()),
        (Some(3000.), Some(-2000.))
    );
    assert_eq!(rows[11]["balance_end"].as_f64(), Some(-35000.));
    assert_eq!(
        messages(r),
        [
            (
                "warning",
                "Your buffer of 1,000 EUR (balance on 2026-01-01) covers 0.3 months of costs at 3,000 EUR \
                 a month: below the 3 months to keep at the least. Build it up to 9,000 EUR before taking risks."
            ),
            (
                "warning",
                "Without new work, your money runs out in February 2026: the balance would end it at -2,000 EUR."
            ),
            (
                "info",
                "No running contract brings income in the next 12 months: the projection has costs only."
            ),
        ]
    );
}

#[test]
fn runway_without_balance_or_costs_says_what_to_add() {
    let contract = "option currency EUR\n2026-01-01 lead a via x\n2026-01-01 won a 3650 EUR until 2026-12-31\n";
    let cases = [
        (
            "",
            "There is no `balance` and no `costs` on or before 2026-06-30, so the runway cannot be projected: \
             add your savings and your monthly costs, like `2026-06-30 balance 15000 EUR` and \
             `2026-06-30 costs 3000 EUR/month`.",
        ),
        (
            "2026-01-01 costs 2000 EUR/month\n",
            "There is no `balance` on or before 2026-06-30, so the balance cannot be projected: add your \
             savings, like `2026-06-30 balance 15000 EUR`.",
        ),
        (
            "2026-01-01 balance 5000 EUR\n",
            "There are no `costs` on or before 2026-06-30, so the balance cannot be projected: add what you \
             spend to live and work, like `2026-06-30 costs 3000 EUR/month` (or `/year`).",
        ),
    ];
    for (extra, message) in cases {
        let dir = temp_ledger("r.funnel", &format!("{contract}{extra}"));
        let output = super::funnel()
            .current_dir(dir.path())
            .args([
                "report",
                "runway",
                "-f",
                "r.funnel",
                "--as-of",
                "2026-06-30",
                "--format",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let reports: Value = serde_json::from_slice(&output.stdout).unwrap();
        let r = &reports[0];
        assert_eq!(r["findings"][0]["severity"], "warning");
        assert_eq!(r["findings"][0]["message"], message);
        // Income is still projected: 3,650 over 365 days is 10 a day.
        let rows = rows_of(r);
        assert_eq!(rows[0]["month"], "2026-07");
        assert_eq!(rows[0]["income"].as_f64(), Some(310.));
        assert!(rows.iter().all(|row| row["balance_end"].is_null()));
        let costs_known = extra.contains("costs");
        assert_eq!(!rows[0]["costs"].is_null(), costs_known, "{extra:?}");
    }
}

// ---------------------------------------------------------------------------
// trends

#[test]
fn trends_table() {
    insta::assert_snapshot!("trends_table", ok(&report(TRENDS, &[])));
}

/// month, lead, contacted, talked, proposed, won, won_value, hours, spent_money
fn trend_rows(extra: &[&str]) -> Vec<Vec<String>> {
    let (header, rows) = csv(&report(TRENDS, extra));
    rows.iter()
        .map(|r| header.iter().map(|h| r[h].clone()).collect())
        .collect()
}

fn expect(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

#[test]
fn trends_csv_matches_the_hand_computation() {
    let (header, _) = csv(&report(TRENDS, &[]));
    assert_eq!(
        header,
        [
            "month",
            "lead",
            "contacted",
            "talked",
            "proposed",
            "won",
            "won_value",
            "hours",
            "spent_money"
        ]
    );
    assert_eq!(
        trend_rows(&[]),
        expect(&[
            &["2025-12", "1", "0", "0", "0", "0", "0", "1", "0"],
            &["2026-01", "2", "3", "1", "1", "1", "1000", "2.5", "0"],
            &["2026-02", "2", "1", "1", "1", "0", "0", "0", "100"],
            &["2026-03", "1", "1", "1", "1", "2", "6000", "1.5", "0"],
        ])
    );
    assert_eq!(
        trend_rows(&["--period", "2026-Q1"]),
        expect(&[
            &["2026-01", "2", "3", "1", "1", "1", "1000", "2.5", "0"],
            &["2026-02", "2", "1", "1", "1", "0", "0", "0", "100"],
            &["2026-03", "1", "1", "1", "1", "2", "6000", "1.5", "0"],
        ])
    );
    assert_eq!(
        trend_rows(&["--channel", "y"]),
        expect(&[
            &["2026-01", "1", "1", "0", "0", "0", "0", "0", "0"],
            &["2026-02", "1", "0", "0", "0", "0", "0", "0", "100"],
            &["2026-03", "0", "1", "1", "1", "1", "2000", "1.5", "0"],
        ])
    );
}

#[test]
fn trends_by_quarter_and_by_week() {
    assert_eq!(
        trend_rows(&["--interval", "quarter"]),
        expect(&[
            &["2025-Q4", "1", "0", "0", "0", "0", "0", "1", "0"],
            &["2026-Q1", "5", "5", "3", "3", "3", "7000", "4", "100"],
        ])
    );
    let (header, _) = csv(&report(TRENDS, &["--interval", "quarter"]));
    assert_eq!(header[0], "quarter");

    let weekly = ["--interval", "week", "--period", "2026-03"];
    assert_eq!(
        trend_rows(&weekly),
        expect(&[
            &["2026-W09", "0", "0", "0", "0", "0", "0", "0", "0"],
            &["2026-W10", "0", "1", "1", "1", "2", "6000", "0", "0"],
            &["2026-W11", "0", "0", "0", "0", "0", "0", "1.5", "0"],
            &["2026-W12", "0", "0", "0", "0", "0", "0", "0", "0"],
            &["2026-W13", "0", "0", "0", "0", "0", "0", "0", "0"],
            &["2026-W14", "1", "0", "0", "0", "0", "0", "0", "0"],
        ])
    );
    let (reports, _) = json(&report(TRENDS, &weekly));
    assert_eq!(
        messages(&reports[0]),
        [
            (
                "info",
                "The last 3 weeks (2026-W12 to 2026-W14) against the 3 before (2026-W09 to 2026-W11): \
                 new leads 1 against 0, deals won 0 against 2, won value 0 EUR against 6,000 EUR, hours \
                 invested 0 against 1.5."
            ),
            (
                "info",
                "The first row (2026-W09) covers only 2026-03-01, and the last row (2026-W14) covers only \
                 2026-03-30 to 2026-03-31: read them as part of a week."
            ),
        ]
    );
}

#[test]
fn trends_json_findings() {
    let (reports, text) = json(&report(TRENDS, &[]));
    let r = &reports[0];
    assert_eq!(
        r["columns"][1],
        serde_json::json!({"name": "lead", "kind": "count"})
    );
    assert!(text.contains("\"hours\": 2.5,"), "{text}");
    assert_eq!(
        messages(r),
        [(
            "info",
            "The last 2 months (2026-02 to 2026-03) against the 2 before (2025-12 to 2026-01): new leads 3 \
             against 3, deals won 2 against 1, won value 6,000 EUR against 1,000 EUR, hours invested 1.5 \
             against 3.5."
        )]
    );
    // CSV and JSON stay plain data: no sparkline.
    assert!(!text.contains('▁'));
    let (_, csv_rows) = csv(&report(TRENDS, &[]));
    assert!(csv_rows
        .iter()
        .flat_map(|r| r.values())
        .all(|v| !v.contains('█')));
}

#[test]
fn a_bad_interval_is_a_usage_error() {
    let output = run(&report(TRENDS, &["--interval", "fortnight"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("fortnight"), "{}", stderr(&output));
}
