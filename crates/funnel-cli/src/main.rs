//! The `funnel` command-line tool. This binary is the only place that
//! prints, picks colours and decides exit codes; the libraries return data.

mod add;
mod alloc;
mod check;
mod cli;
mod compare;
mod complete_env;
mod completions;
mod diagnostics;
mod export;
mod fmt;
mod init;
mod ledger_args;
mod lock;
mod lsp;
mod output;
mod plugin;
mod render;
mod report;
mod review;
mod sheet;
mod terminal;
mod watch;

use std::io::Write;
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
    install_panic_hook();
    // `COMPLETE=SHELL funnel …`: a shell asking for candidates (see
    // `complete_env`); answers and exits before anything else runs.
    complete_env::complete_if_asked();
    // Test-only: makes the binary panic at start, so that the tests can see
    // the crash report of the hook above as a user would. Not documented
    // for users.
    if std::env::var_os("FUNNEL_TEST_PANIC").is_some_and(|v| v == "1") {
        panic!("FUNNEL_TEST_PANIC is set");
    }
    let cli = Cli::parse();
    terminal::set_choice(cli.color);
    let result = match cli.command {
        Command::Check(args) if args.watch => watch::run(&args.ledger, || check::run(&args)),
        Command::Check(args) => check::run(&args),
        Command::Report(args) if args.watch => watch::run(&args.ledger(), || report::run(&args)),
        Command::Report(args) => report::run(&args),
        Command::Analyses => report::list(),
        Command::Review(args) => review::run(&args),
        Command::Compare(args) => compare::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Add(args) => add::run(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
        Command::Lsp(args) => lsp::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that stops early (`| head`) is a normal end, for every
        // command (see `output`).
        Err(err) if output::is_broken_pipe(&err) => ExitCode::from(exit::OK),
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// A panic is a bug in funnel, never the user's mistake: say so, with what
/// is needed to report it, instead of Rust's message, and exit 101 (as an
/// unhandled panic does). Runs on whichever thread panicked; the exit ends
/// every thread.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| info.payload().downcast_ref::<String>().map(String::as_str))
            .unwrap_or("(no message)");
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let command: Vec<String> = std::env::args_os()
            .map(|arg| {
                let arg = arg.to_string_lossy().into_owned();
                if arg.is_empty() || arg.contains(char::is_whitespace) {
                    format!("{arg:?}")
                } else {
                    arg
                }
            })
            .collect();
        // Nothing more can be done if standard error is gone too.
        let _ = writeln!(
            std::io::stderr().lock(),
            "funnel crashed: this is a bug\n  \
             version: funnel {}\n  \
             command: {}\n  \
             panic: {what}{place}\n\
             please report it on the project's issue tracker, with the ledger that caused it",
            env!("CARGO_PKG_VERSION"),
            command.join(" "),
        );
        std::process::exit(101);
    }));
}
