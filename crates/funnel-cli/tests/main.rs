//! Integration tests of the `funnel` binary, run as a user runs it. One test
//! binary (fewer link steps); one module per area.

mod add_v2;
mod bounds;
mod browser;
mod check_cli;
mod completion_cli;
mod corpus;
mod everyday;
mod export;
mod fmt_cli;
mod html_cli;
mod lsp;
mod output_cli;
mod peers;
mod pipes;
mod plugin_limits;
mod plugins;
mod report;
mod sheets;
mod support;
mod terminal_cli;
mod watch;
mod writers;
