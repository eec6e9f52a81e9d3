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
    "negotiation-v2.funnel",
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
    // The table's order (deal, event, the money at stake and why first);
    // every column of analyses §3 is there.
    assert_eq!(
        column_names(r),
        [
            "deal",
            "event",
            "value_gap",
            "reason",
            "channel",
            "opening_value",
            "final_value",
            "agreed_value",
            "rate_gap",
            "scope_gap",
            "asked_rate",
            "got_rate",
            "rate_unit",
            "rate_discount",
            "notice",
            "lesson"
        ]
    );
    let rows = rows_of(r);
    let deals: Vec<&str> = rows.iter().map(|r| r["deal"].as_str().unwrap()).collect();
    // Largest value gap first; brightloop and comeback tie at 4,000 and
    // go by the date of the event; foxtrot has no money at stake.
    assert_eq!(
        deals,
        [
            "hausbank",
            "acme",
            "delta",
            "brightloop",
            "comeback",
            "nimbus",
            "units",
            "usdeal",
            "foxtrot"
        ]
    );
    // deal, event, value_gap, opening, final, agreed, rate_gap, scope_gap,
    // asked_rate, got_rate (the arithmetic is in the ledger's header).
    type Money = Option<f64>;
    type Expected = (
        &'static str,
        &'static str,
        [Money; 8],
        Option<&'static str>,
        Option<f64>,
    );
    let expected: [Expected; 9] = [
        (
            "hausbank",
            "lost",
            [
                Some(22000.),
                Some(25000.),
                Some(22000.),
                None,
                None,
                None,
                Some(100.),
                None,
            ],
            Some("EUR/h"),
            None,
        ),
        (
            "acme",
            "cancelled",
            [
                Some(12266.67),
                Some(52000.),
                Some(52000.),
                Some(48000.),
                None,
                None,
                Some(850.),
                Some(800.),
            ],
            Some("EUR/day"),
            Some(1. - 800. / 850.),
        ),
        (
            "delta",
            "lost",
            [
                Some(6400.),
                Some(6400.),
                Some(6400.),
                None,
                None,
                None,
                None,
                None,
            ],
            None,
            None,
        ),
        (
            "brightloop",
            "concession",
            [
                Some(4000.),
                Some(42000.),
                Some(40000.),
                Some(38000.),
                Some(2375.),
                Some(1625.),
                Some(850.),
                Some(800.),
            ],
            Some("EUR/day"),
            Some(1. - 800. / 850.),
        ),
        (
            "comeback",
            "concession",
            [
                Some(4000.),
                Some(30000.),
                Some(27000.),
                Some(26000.),
                Some(1083.33),
                Some(2916.67),
                Some(750.),
                Some(720.),
            ],
            Some("EUR/day"),
            Some(0.04),
        ),
        (
            "nimbus",
            "cancelled",
            [
                Some(2700.),
                None,
                None,
                Some(8100.),
                None,
                None,
                None,
                Some(95.),
            ],
            Some("USD/h"),
            None,
        ),
        (
            "units",
            "concession",
            [
                Some(2000.),
                Some(20000.),
                Some(20000.),
                Some(18000.),
                None,
                None,
                Some(800.),
                Some(100.),
            ],
            Some("EUR/day → EUR/h"),
            None,
        ),
        (
            "usdeal",
            "concession",
            [
                Some(1000.),
                Some(9000.),
                Some(9000.),
                Some(8000.),
                None,
                None,
                Some(80.),
                Some(85.),
            ],
            Some("EUR/h"),
            Some(-0.0625),
        ),
        (
            "foxtrot",
            "lost",
            [None, None, None, None, None, None, Some(90.), None],
            Some("EUR/h"),
            None,
        ),
    ];
    for (deal, event, values, unit, discount) in expected {
        let row = json_row(&rows, &[("deal", deal)]);
        assert_eq!(row["event"], event, "{deal}");
        let number = |name: &str| row[name].as_f64();
        assert_eq!(
            [
                "value_gap",
                "opening_value",
                "final_value",
                "agreed_value",
                "rate_gap",
                "scope_gap",
                "asked_rate",
                "got_rate"
            ]
            .map(number),
            values,
            "{deal}"
        );
        assert_eq!(row["rate_unit"].as_str(), unit, "{deal}");
        match discount {
            Some(discount) => assert_num!(row["rate_discount"], discount),
            None => assert!(row["rate_discount"].is_null(), "{deal}"),
        }
    }
    // Reasons, notices and lessons, as written.
    let texts = |deal: &str| {
        let row = json_row(&rows, &[("deal", deal)]);
        ["reason", "notice", "lesson"].map(|c| row[c].as_str().map(str::to_owned))
    };
    assert_eq!(
        texts("hausbank"),
        [
            Some("went with an agency #price #agency".to_owned()),
            None,
            Some("anchor with the full scope, then cut".to_owned())
        ]
    );
    assert_eq!(
        texts("acme"),
        [
            Some("new CTO cut external work #budget".to_owned()),
            Some("30d".to_owned()),
            Some("ask for a kill fee".to_owned())
        ]
    );
    assert_eq!(texts("nimbus"), [Some("#scope".to_owned()), None, None]);
    // A concession's reason is empty; its lesson is the `won` entry's.
    assert_eq!(
        texts("brightloop"),
        [
            None,
            None,
            Some("ask for the budget before the first number".to_owned())
        ]
    );
    // Money is exact in the JSON text.
    assert!(text.contains("\"value_gap\": 12266.67,"), "{text}");

    assert_eq!(
        messages(r),
        [
            (
                "info",
                "Review `hausbank` (lost): you opened at 25,000 EUR at 100 EUR/h and lost at your final \
                 ask of 22,000 EUR. Reason: went with an agency #price #agency. Lesson: anchor with the \
                 full scope, then cut."
            ),
            (
                "info",
                "Review `acme` (cancelled): cancelled on 2026-06-15 before its end on 2026-07-31, with a \
                 notice period of 30d: 12,267 EUR of 72,000 EUR not earned. Reason: new CTO cut external \
                 work #budget. Lesson: ask for a kill fee."
            ),
            (
                "info",
                "Review `delta` (lost): you lost at your ask of 6,400 EUR (8,000 USD). Reason: too \
                 expensive #price. No lesson yet: write one as `lesson:` on its `lost` entry."
            ),
            (
                "warning",
                "5 of 8 deals won in the period were agreed below your opening ask, 15,000 EUR in all (3 \
                 with a lower rate). Before you give a discount, ask what can leave the scope, and keep \
                 your rate: a lower rate follows you to the next contract."
            ),
            (
                "warning",
                "2 contracts were cancelled early, 14,967 EUR not earned; 1 had no notice period: a \
                 notice clause or kill fee protects that money."
            ),
            (
                "info",
                "The most common reason for a loss: #price (3 of 4 losses). Prepare your answer to it \
                 before the next proposal, and write down what would have changed the outcome as \
                 `lesson:` on the `lost` entry."
            ),
        ]
    );
}

#[test]
fn negotiation_csv() {
    let (header, rows) = csv(&report(NEGOTIATION, &[]));
    assert_eq!(header.len(), 16);
    assert_eq!(rows.len(), 9);
    // The rate split of the specification's example, in plain numbers.
    let b = find(&rows, &[("deal", "brightloop")]);
    assert_eq!(
        ["value_gap", "rate_gap", "scope_gap", "rate_unit", "reason"].map(|c| b[c].as_str()),
        ["4000", "2375", "1625", "EUR/day", ""]
    );
    // 1 − 800/850 in decimal, 0.0588235294117647058823529412, written as
    // the nearest double (1. − 800. / 850. in floats is one ulp away).
    assert_eq!(b["rate_discount"], "0.058823529411764705");
    // A rate-only final ask: an event without money at stake.
    let f = find(&rows, &[("deal", "foxtrot")]);
    assert_eq!(
        ["value_gap", "final_value", "asked_rate", "reason"].map(|c| f[c].as_str()),
        ["", "", "90", "#timing"]
    );
    // A tag is text that starts with `#`, not a formula sign.
    assert_eq!(find(&rows, &[("deal", "nimbus")])["reason"], "#scope");
}

#[test]
fn negotiation_follows_the_event_date() {
    // In Q1, acme was a concession (won 02-01); its cancellation is in Q2.
    let (_, rows) = csv(&report(NEGOTIATION, &["--period", "2026-Q1"]));
    assert_eq!(column(&rows, "deal"), ["hausbank", "acme", "brightloop"]);
    assert_eq!(column(&rows, "event"), ["lost", "concession", "concession"]);
    let (reports, _) = json(&report(NEGOTIATION, &["--period", "2026-Q2"]));
    let deals: Vec<&str> = rows_of(&reports[0])
        .iter()
        .map(|r| r["deal"].as_str().unwrap())
        .collect();
    assert_eq!(
        deals,
        ["acme", "delta", "comeback", "nimbus", "units", "usdeal", "foxtrot"]
    );
    let patterns: Vec<&str> = messages(&reports[0])
        .into_iter()
        .skip(3)
        .map(|(_, m)| m)
        .collect();
    assert!(
        patterns[0].starts_with(
            "3 of 3 deals won in the period were agreed below your opening ask, 7,000 EUR in all \
             (1 with a lower rate)."
        ),
        "{patterns:?}"
    );
    assert!(
        patterns[2].starts_with("The most common reason for a loss: #price (2 of 3 losses)."),
        "{patterns:?}"
    );
    let (_, rows) = csv(&report(NEGOTIATION, &["--channel", "platform"]));
    assert_eq!(
        column(&rows, "deal"),
        ["hausbank", "delta", "nimbus", "usdeal", "foxtrot"]
    );
}

#[test]
fn negotiation_without_events_says_how_to_get_them() {
    // A declined deal is not an event, and one loss is no pattern.
    let dir = temp_ledger(
        "n.funnel",
        "2026-01-01 lead a via x\n2026-01-05 proposed a 900 EUR\n2026-01-10 declined a #price\n\
         2026-01-01 lead b via x\n2026-01-10 lost b #price\n",
    );
    let output = run(&[
        "report",
        "negotiation",
        "-f",
        dir.path().join("n.funnel").to_str().unwrap(),
        "--as-of",
        "2026-02-01",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports: Value = serde_json::from_slice(&output.stdout).unwrap();
    let r = &reports[0];
    assert!(rows_of(r).is_empty());
    let messages = messages(r);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0]
        .1
        .starts_with("No deal in this period was won below"));
}

// ---------------------------------------------------------------------------
// runway

#[test]
fn runway_table() {
    insta::assert_snapshot!("runway_table", ok(&report(RUNWAY, &[])));
}

#[test]
fn runway_json_matches_the_hand_computation() {
    let (reports, text) = json(&report(RUNWAY, &[]));
    let r = &reports[0];
    assert_eq!(
        column_names(r),
        [
            "month",
            "income",
            "costs",
            "balance_end",
            "balance_if_cancelled"
        ]
    );
    // The period does not narrow the runway.
    assert_eq!(
        (r["from"].as_str(), r["to"].as_str()),
        (None, Some("2026-06-15"))
    );
    // Today's balance: 20,000 on 2026-05-06 + 3,745 net income - 4,000
    // costs since, at top level beside the header.
    assert_eq!(r["balance_today"].as_f64(), Some(19745.));
    assert_eq!(r["balance_date"], "2026-05-06");
    // The costs per month in force today (36,000 a year), the unit of the
    // buffer levels.
    assert_eq!(r["monthly_costs"].as_f64(), Some(3000.));
    assert!(
        text.contains("\"currency\": \"EUR\",\n    \"balance_today\": 19745,\n    \"balance_date\": \"2026-05-06\",\n    \"monthly_costs\": 3000,"),
        "{text}"
    );
    // The cancellation scenario as a column: k3 cancelled today earns until
    // its 30 days' notice runs out (the ledger's comment computes it).
    let if_cancelled: Vec<f64> = rows_of(r)
        .iter()
        .map(|row| row["balance_if_cancelled"].as_f64().unwrap())
        .collect();
    assert_eq!(
        if_cancelled,
        [
            21815., 23953., 23991., 22041., 20126., 18176., 16261., 13261., 10261., 7261., 4261.,
            1261., -1739.
        ]
    );
    let rows = rows_of(r);
    // The rest of June (16th to 30th), then 12 calendar months.
    let expected: [(&str, f64, f64, f64); 13] = [
        ("2026-06", 3570., 1500., 21815.),
        ("2026-07", 7378., 3000., 26193.),
        ("2026-08", 7378., 3000., 30571.),
        ("2026-09", 5250., 3000., 32821.),
        ("2026-10", 5425., 3000., 35246.),
        ("2026-11", 5250., 3000., 37496.),
        ("2026-12", 3045., 3000., 37541.),
        ("2027-01", 0., 3000., 34541.),
        ("2027-02", 0., 3000., 31541.),
        ("2027-03", 0., 3000., 28541.),
        ("2027-04", 0., 3000., 25541.),
        ("2027-05", 0., 3000., 22541.),
        ("2027-06", 0., 3000., 19541.),
    ];
    assert_eq!(rows.len(), 13);
    for (row, (month, income, costs, balance)) in rows.iter().zip(expected) {
        assert_eq!(row["month"], month);
        assert_eq!(row["income"].as_f64(), Some(income), "{month}");
        assert_eq!(row["costs"].as_f64(), Some(costs), "{month}");
        assert_eq!(row["balance_end"].as_f64(), Some(balance), "{month}");
    }
    assert_eq!(
        messages(r),
        [
            (
                "warning",
                "Your balance today is estimated at 19,745 EUR, from your balance of 20,000 EUR on \
                 2026-05-06, 40 days ago, plus 3,745 EUR net income and 4,000 EUR costs since: add a \
                 `balance` entry for today's figure."
            ),
            (
                "info",
                "Your buffer of 19,745 EUR today covers 6.6 months of costs at 3,000 EUR a month: six \
                 months or more, well done. You can afford to turn down work that does not fit."
            ),
            (
                "info",
                "Without new work, the balance stays above zero for the next 12 months; it is lowest at \
                 the end of June 2027, at 19,541 EUR."
            ),
            (
                "warning",
                "If `k3`, the running contract with the most income left (25,480 EUR net), were \
                 cancelled today with its 30 days' notice (income until 2026-07-15), your money would \
                 run out in June 2027."
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

/// Without `notice:`, the contract cancelled today stops earning at once:
/// the runway of `runway.funnel` ends in May 2027 instead of June (its
/// header has the figures).
#[test]
fn runway_cancellation_without_notice_stops_at_once() {
    let text = std::fs::read_to_string(super::data_dir().join("runway.funnel")).unwrap();
    let without = text.replace("  notice: 30d\n", "");
    assert_ne!(text, without);
    let dir = temp_ledger("r.funnel", &without);
    let output = super::funnel()
        .current_dir(dir.path())
        .args([
            "report",
            "runway",
            "-f",
            "r.funnel",
            "--as-of",
            "2026-06-15",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let reports: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        messages(&reports[0]).contains(&(
            "warning",
            "If `k3`, the running contract with the most income left (25,480 EUR net), were cancelled \
             today with no `notice:` (its income stops at once), your money would run out in May 2027."
        )),
        "{:?}",
        messages(&reports[0])
    );
}

#[test]
fn runway_csv() {
    let (header, rows) = csv(&report(RUNWAY, &[]));
    assert_eq!(
        header,
        [
            "month",
            "income",
            "costs",
            "balance_end",
            "balance_if_cancelled"
        ]
    );
    assert_eq!(
        column(&rows, "balance_end"),
        [
            "21815", "26193", "30571", "32821", "35246", "37496", "37541", "34541", "31541",
            "28541", "25541", "22541", "19541"
        ]
    );
    // CSV carries the rows only: today's balance is JSON's and a finding's.
    assert!(rows.iter().all(|r| !r.contains_key("balance_today")));
}

#[test]
fn runway_with_a_balance_below_zero_today() {
    let (reports, _) = json(&[
        "report",
        "runway",
        "-f",
        "runway.funnel",
        "--as-of",
        "2026-01-31",
    ]);
    let r = &reports[0];
    let rows = rows_of(r);
    // The as-of date is the month's last day: no partial row.
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0]["month"], "2026-02");
    // 1,000 on 2025-12-31 minus January's 36,000 / 12 = 3,000.
    assert_eq!(r["balance_today"].as_f64(), Some(-2000.));
    assert_eq!(r["balance_date"], "2025-12-31");
    assert_eq!(
        (rows[0]["costs"].as_f64(), rows[0]["balance_end"].as_f64()),
        (Some(3000.), Some(-5000.))
    );
    assert_eq!(rows[11]["balance_end"].as_f64(), Some(-38000.));
    assert_eq!(
        messages(r),
        [
            (
                "info",
                "Your balance today is about -2,000 EUR, from your balance of 1,000 EUR on 2025-12-31, \
                 31 days ago, plus 0 EUR net income and 3,000 EUR costs since."
            ),
            (
                "warning",
                "You have no buffer: your balance today is -2,000 EUR. Aim for 3 months of costs (9,000 EUR)."
            ),
            (
                "warning",
                "Your balance is below zero already; without new work it would end January 2027 at -38,000 EUR."
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
        assert!(r["balance_today"].is_null());
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

/// month, lead, contacted, talked, proposed, won, won_value, hours,
/// spent_money, income
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
            "spent_money",
            "income"
        ]
    );
    assert_eq!(
        trend_rows(&[]),
        expect(&[
            &["2025-12", "1", "0", "0", "0", "0", "0", "1", "0", "0"],
            &["2026-01", "2", "3", "1", "1", "1", "1000", "2.5", "0", "440"],
            &["2026-02", "2", "1", "1", "1", "0", "0", "0", "100", "560"],
            &["2026-03", "1", "1", "1", "1", "2", "6000", "1.5", "0", "2000"],
        ])
    );
    assert_eq!(
        trend_rows(&["--period", "2026-Q1"]),
        expect(&[
            &["2026-01", "2", "3", "1", "1", "1", "1000", "2.5", "0", "440"],
            &["2026-02", "2", "1", "1", "1", "0", "0", "0", "100", "560"],
            &["2026-03", "1", "1", "1", "1", "2", "6000", "1.5", "0", "2000"],
        ])
    );
    assert_eq!(
        trend_rows(&["--channel", "y"]),
        expect(&[
            &["2026-01", "1", "1", "0", "0", "0", "0", "0", "0", "0"],
            &["2026-02", "1", "0", "0", "0", "0", "0", "0", "100", "0"],
            &["2026-03", "0", "1", "1", "1", "1", "2000", "1.5", "0", "0"],
        ])
    );
}

#[test]
fn trends_by_quarter_and_by_week() {
    assert_eq!(
        trend_rows(&["--interval", "quarter"]),
        expect(&[
            &["2025-Q4", "1", "0", "0", "0", "0", "0", "1", "0", "0"],
            &["2026-Q1", "5", "5", "3", "3", "3", "7000", "4", "100", "3000"],
        ])
    );
    let (header, _) = csv(&report(TRENDS, &["--interval", "quarter"]));
    assert_eq!(header[0], "quarter");

    let weekly = ["--interval", "week", "--period", "2026-03"];
    assert_eq!(
        trend_rows(&weekly),
        expect(&[
            &["2026-W09", "0", "0", "0", "0", "0", "0", "0", "0", "0"],
            &["2026-W10", "0", "1", "1", "1", "2", "6000", "0", "0", "466.67"],
            &["2026-W11", "0", "0", "0", "0", "0", "0", "1.5", "0", "466.67"],
            &["2026-W12", "0", "0", "0", "0", "0", "0", "0", "0", "466.67"],
            &["2026-W13", "0", "0", "0", "0", "0", "0", "0", "0", "466.67"],
            &["2026-W14", "1", "0", "0", "0", "0", "0", "0", "0", "133.33"],
        ])
    );
    let (reports, _) = json(&report(TRENDS, &weekly));
    assert_eq!(
        messages(&reports[0])[..2],
        [
            (
                "info",
                "Per week on average, the last 2 whole weeks (2026-W12 to 2026-W13) against the 2 before \
                 (2026-W10 to 2026-W11): new leads 0 against 0, deals won 0 against 1, won value 0 EUR \
                 against 3,000 EUR, gross income 467 EUR against 467 EUR, hours invested 0 against 0.75. \
                 2026-W09 is cut by the period and 2026-W14 by the as-of date: both are left out."
            ),
            (
                "info",
                "The first row (2026-W09) covers only 2026-03-01, and the last row (2026-W14) covers only \
                 2026-03-30 to 2026-03-31: read them as part of a week."
            ),
        ]
    );
}

/// `t3` has no `until`: every run that has it says so.
const NO_UNTIL: (&str, &str) = (
    "warning",
    "No income by the day is counted for `t3` (no `until`): a contract without `until` earns \
     nothing by the day; write its planned end on the `won` entry.",
);

#[test]
fn trends_json_findings() {
    let (reports, text) = json(&report(TRENDS, &[]));
    let r = &reports[0];
    assert_eq!(
        r["columns"][1],
        serde_json::json!({"name": "lead", "kind": "count"})
    );
    assert_eq!(
        r["columns"][9],
        serde_json::json!({"name": "income", "kind": "money"})
    );
    assert!(text.contains("\"hours\": 2.5,"), "{text}");
    assert_eq!(
        messages(r),
        [
            (
                "info",
                "Per month on average, the last 2 whole months (February 2026 to March 2026) against the \
                 2 before (December 2025 to January 2026): new leads 1.5 against 1.5, deals won 1 against \
                 0.5, won value 3,000 EUR against 500 EUR, gross income 1,280 EUR against 220 EUR, hours \
                 invested 0.75 against 1.75."
            ),
            NO_UNTIL,
        ]
    );
    // The contract of `t3` is via y; with `--channel x` it is not named.
    let (reports, _) = json(&report(TRENDS, &["--channel", "x"]));
    assert!(!messages(&reports[0]).contains(&NO_UNTIL));
    // CSV and JSON stay plain data: no sparkline.
    assert!(!text.contains('▁'));
    let (_, csv_rows) = csv(&report(TRENDS, &[]));
    assert!(csv_rows
        .iter()
        .flat_map(|r| r.values())
        .all(|v| !v.contains('█')));
}

/// As of 2026-03-20, March is cut by the as-of date: it keeps its row (t1
/// has earned 19 of its 60 days: 4,000 × 19 / 60 = 1,266.67) but the
/// comparison leaves it out and says so.
#[test]
fn trends_compare_whole_months_only() {
    let (reports, _) = json(&[
        "report",
        "trends",
        "-f",
        "trends.funnel",
        "--as-of",
        "2026-03-20",
    ]);
    let r = &reports[0];
    let rows = rows_of(r);
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3]["month"], "2026-03");
    assert_eq!(rows[3]["income"].as_f64(), Some(1266.67));
    assert_eq!(rows[3]["hours"].as_f64(), Some(1.5));
    assert_eq!(
        messages(r),
        [
            (
                "info",
                "The last whole month (February 2026) against the one before (January 2026): new leads 2 \
                 against 2, deals won 0 against 1, won value 0 EUR against 1,000 EUR, gross income 560 EUR \
                 against 440 EUR, hours invested 0 against 2.5. March 2026 is cut by the as-of date and \
                 left out."
            ),
            (
                "info",
                "The last row (2026-03) covers only 2026-03-01 to 2026-03-20: read it as part of a month."
            ),
            NO_UNTIL,
        ]
    );
}

#[test]
fn a_bad_interval_is_a_usage_error() {
    let output = run(&report(TRENDS, &["--interval", "fortnight"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("fortnight"), "{}", stderr(&output));
}
