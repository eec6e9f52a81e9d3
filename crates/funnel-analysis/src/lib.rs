//! Analyses over a funnel ledger (docs/analyses.md): the [`Analysis`]
//! trait, the registry of built-in analyses, and the shared vocabulary and
//! statistics they compute with.
//!
//! An analysis is a plain function of a [`Run`] (a ledger, the settings of
//! a [`Context`] and the facts of its deals, computed once per run) that
//! returns a [`Report`]: data, never text on a terminal. This crate does no
//! IO and never prints; the CLI renders reports as tables, CSV or JSON.
//!
//! Adding an analysis is one new file (a unit struct implementing
//! [`Analysis`], its `//!` comment documenting it) and one line in
//! [`ANALYSES`].

mod channels;
mod close;
pub mod compare;
mod contacts;
mod context;
mod contract;
mod deals;
pub mod document;
pub mod export;
pub mod external;
mod funnel;
mod negotiation;
mod pipeline;
mod report;
mod run;
mod runway;
mod stats;
pub mod summary;
mod surprises;
mod trends;
pub mod words;

pub use context::{within, Context, Interval, LastUnit, PeriodError, PeriodSpec};
pub use report::{Cell, Column, Finding, Kind, Report, Severity};
pub use run::Run;

/// One analysis: a name for `funnel report NAME`, a line for `funnel
/// analyses`, and the computation.
pub trait Analysis: Sync {
    /// The name users type: lowercase, one word.
    fn name(&self) -> &'static str;
    /// One line saying what question it answers.
    fn description(&self) -> &'static str;
    /// Computes the report. Never fails: a ledger that reaches an analysis
    /// has passed `check` without errors, and missing data makes empty
    /// cells and findings, not errors.
    fn run(&self, run: &Run<'_>) -> Report;
}

/// The built-in analyses, in the order `funnel report` runs them.
pub static ANALYSES: &[&dyn Analysis] = &[
    &funnel::Funnel,
    &channels::Channels,
    &surprises::Surprises,
    &contacts::Contacts,
    &negotiation::Negotiation,
    &runway::Runway,
    &pipeline::Pipeline,
    &trends::Trends,
];

/// The built-in analysis with this name.
pub fn find(name: &str) -> Option<&'static dyn Analysis> {
    ANALYSES.iter().copied().find(|a| a.name() == name)
}

/// Helpers for the analyses' unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use chrono::NaiveDate;
    use funnel_ledger::{CheckOptions, Ledger};

    pub fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("a test date")
    }

    /// A ledger from text, which must have no errors.
    pub fn ledger(text: &str) -> Ledger {
        let options = CheckOptions {
            as_of: date("2026-12-31"),
            strict: false,
        };
        let checked = funnel_ledger::load_text("t.funnel", text.as_bytes(), &options);
        let errors: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message().into_owned())
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
        checked.ledger
    }

    /// The cells of a report's rows whose first cell is `key`, as text.
    pub fn row(report: &crate::Report, key: &str, column: &str) -> Vec<crate::Cell> {
        let index = report.column(column).expect("a column");
        report
            .rows
            .iter()
            .filter(|r| r[0] == crate::Cell::text(key))
            .map(|r| r[index].clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_are_unique_and_found() {
        let names: Vec<_> = ANALYSES.iter().map(|a| a.name()).collect();
        assert_eq!(
            names,
            [
                "funnel",
                "channels",
                "surprises",
                "contacts",
                "negotiation",
                "runway",
                "pipeline",
                "trends"
            ]
        );
        for name in names {
            assert_eq!(find(name).map(|a| a.name()), Some(name));
        }
        assert!(find("funel").is_none());
    }
}
