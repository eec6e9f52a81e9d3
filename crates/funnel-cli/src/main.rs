//! The `funnel` command-line tool. This binary is the only place that
//! prints, picks colours and decides exit codes; the libraries return data.

mod check;
mod cli;
mod diagnostics;
mod fmt;
mod ledger_args;
mod render;
mod report;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Exit codes shared by every subcommand.
pub mod exit {
    /// No errors (warnings allowed).
    pub const OK: u8 = 0;
    /// The ledger has errors (or warnings under `--deny-warnings`).
    pub const FAILED: u8 = 1;
    /// Usage or IO problems: a file that cannot be read, a bad flag.
    pub const USAGE: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Analyses => report::list(),
        Command::Fmt(args) => fmt::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}
