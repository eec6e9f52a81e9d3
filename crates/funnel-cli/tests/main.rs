//! Integration tests of the `funnel` binary, run as a user runs it. One test
//! binary (fewer link steps); one module per area.

mod check_cli;
mod corpus;
mod export;
mod everyday;
mod fmt_cli;
mod support;
