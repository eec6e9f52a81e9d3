//! The command line: every subcommand and flag, for clap.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    name = "funnel",
    version,
    about = "A plain-text ledger for a freelancer's sales funnel",
    long_about = "funnel reads a hand-written ledger (`pipeline.funnel`) of leads, calls, proposals, \
                  contracts, time and money spent per channel, and the assumptions you held, and \
                  checks it, analyses it and exports it.",
    arg_required_else_help = true,
    after_help = "Examples:\n  funnel check                      check ./pipeline.funnel\n  \
                  funnel check -f examples/freelancer.funnel --format short\n  \
                  FUNNEL_FILE=~/work/pipeline.funnel funnel check --strict"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check the ledger: report every problem in one run
    #[command(after_help = "Examples:\n  funnel check\n  \
                            funnel check -f pipeline.funnel --strict --deny-warnings\n  \
                            funnel check --format github      # annotations in GitHub Actions\n  \
                            cat pipeline.funnel | funnel check -")]
    Check(CheckArgs),
}

/// Which ledger to read, shared by every subcommand that reads one.
#[derive(Args, Debug, Clone)]
pub struct LedgerArgs {
    /// The ledger file (repeatable); `-` reads standard input. Default:
    /// $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Ledger files, as an alternative to `-f`
    #[arg(value_name = "FILE")]
    pub positional: Vec<PathBuf>,

    /// Judge the ledger as of this date (YYYY-MM-DD); later entries have
    /// not happened yet. Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub ledger: LedgerArgs,

    /// Require every channel and contact to be declared (as `option strict true`)
    #[arg(long)]
    pub strict: bool,

    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,

    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticFormat {
    /// Source snippets with labels and help, for people
    Human,
    /// One line each: `file:line:col: severity[code]: message`, for editors
    Short,
    /// A JSON array, for scripts
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| format!("`{text}` is not a date: expected YYYY-MM-DD"))
}
