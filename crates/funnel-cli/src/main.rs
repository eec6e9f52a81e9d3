//! The `funnel` command-line tool. This binary is the only place that
//! prints, picks colours and decides exit codes; the libraries return data.

mod add;
mod check;
mod cli;
mod completions;
mod diagnostics;
mod export;
mod fmt;
mod init;
mod ledger_args;
mod plugin;
mod render;
mod report;
mod review;
mod watch;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// A big ledger's model is millions of small allocations; mimalloc makes
/// them (and the first touch of their pages) cheaper than the system
/// allocator (docs/performance.md has the numbers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes shared by every subcommand.
pub mod exit {
    /// No errors (warnings allowed).
    pub const OK: u8 = 0;
    /// The ledger has errors (or warnings under `--deny-warnings`).
    pub const FAILED: u8 = 1;
    /// Usage or IO problems: a file that cannot be read, a bad flag.
    pub const USAGE: u8 = 2;
    /// An external analysis (`funnel-NAME`) failed, hung or answered with
    /// something funnel cannot read.
    pub const PLUGIN: u8 = 3;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) if args.watch => watch::run(&args.ledger, || check::run(&args)),
        Command::Check(args) => check::run(&args),
        Command::Report(args) if args.watch => watch::run(&args.ledger(), || report::run(&args)),
        Command::Report(args) => report::run(&args),
        Command::Analyses => report::list(),
        Command::Review(args) => review::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Add(args) => add::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}
