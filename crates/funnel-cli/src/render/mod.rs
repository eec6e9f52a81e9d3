//! Three views of a [`funnel_analysis::Report`]: an aligned table for
//! people, CSV for spreadsheets, JSON for scripts (analyses §4).

pub mod csv;
pub mod json;
pub mod table;
