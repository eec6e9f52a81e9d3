//! Four views of a [`funnel_analysis::Report`]: an aligned table for
//! people, CSV for spreadsheets, JSON for scripts (analyses §4), and an
//! HTML page with charts for a browser or a printer.

pub mod csv;
pub mod html;
pub mod json;
pub mod table;
