//! Numbers at the bounds the language accepts (10^12 for amounts, rates,
//! hours and balances; 100 years for durations): every command that reads
//! a ledger runs to a normal end on them. Before the bounds (issue 26), the
//! `report` fuzz target made `report`, `review` and `export` panic with a
//! decimal overflow on amounts this large; this ledger keeps that fixed.

use crate::support::{data, funnel, transcript};

#[test]
fn every_command_ends_normally_at_the_bounds() {
    let ledger = data("ok").join("at-the-bounds.funnel");
    let out = tempfile::tempdir().unwrap();
    let commands: &[&[&str]] = &[
        &["check"],
        &["check", "--format", "json"],
        &["report"],
        &["report", "--format", "json"],
        &["report", "--format", "html"],
        &["report", "funnel", "--format", "csv"],
        &["report", "runway", "--format", "csv"],
        &["report", "pipeline", "--period", "2025"],
        &["report", "trends", "--interval", "week"],
        &["review"],
        &["review", "--format", "markdown"],
        &["review", "--format", "html"],
        &["review", "--share"],
        &["review", "--share", "--no-money"],
        &["export", "deals"],
        &["export", "entries", "--format", "json"],
        &["export", "channels"],
        &["export", "contacts"],
        &["export", "ledger"],
        &["fmt", "--check"],
    ];
    for args in commands {
        let output = funnel()
            .args(*args)
            .args(["--as-of", "2026-11-26", "-f"])
            .arg(&ledger)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "funnel {}: {}",
            args.join(" "),
            transcript(&output)
        );
    }
    for (args, file) in [
        (&["report", "-o"][..], "report.xlsx"),
        (&["report", "-o"][..], "report.ods"),
        (&["export", "all", "-o"][..], "all.xlsx"),
    ] {
        let output = funnel()
            .args(args)
            .arg(out.path().join(file))
            .args(["--as-of", "2026-11-26", "-f"])
            .arg(&ledger)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{file}: {}",
            transcript(&output)
        );
    }
}
