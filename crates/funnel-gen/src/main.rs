//! `funnel-gen`: writes a realistic `.funnel` ledger of N deals (or about N
//! entries), the same for the same seed. See the library for what is in it.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgGroup, Parser};
use funnel_gen::{generate, Config, Profile, Size};

#[derive(Parser, Debug)]
#[command(
    name = "funnel-gen",
    group(ArgGroup::new("size").required(true).args(["deals", "entries"])),
    version,
    about = "Write a realistic, deterministic .funnel ledger for benchmarks and tests",
    after_help = "Examples:\n  funnel-gen --deals 150 > small.funnel\n  \
                  funnel-gen --entries 1000000 --seed 7 -o big.funnel\n  \
                  funnel-gen --deals 5000 --split-years ledger/   # ledger/main.funnel includes ledger/2017.funnel …\n  \
                  funnel-gen --entries 100000 --journal -o mid.journal   # the same entries for hledger and ledger\n\n\
                  Check the result with `funnel check --as-of 2026-11-26 FILE`\n\
                  (a journal: `hledger -f FILE check`, `ledger -f FILE bal`)."
)]
struct Args {
    /// Number of deals (about 8 dated entries each)
    #[arg(
        long,
        value_name = "N",
        conflicts_with = "entries",
        required_unless_present = "entries"
    )]
    deals: Option<usize>,

    /// About this many dated entries: deals are added until there are at least N
    #[arg(long, value_name = "N")]
    entries: Option<usize>,

    /// Seed of the pseudo-random choices; the same seed gives the same ledger
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,

    /// Write DIR/main.funnel, which `include`s one DIR/YYYY.funnel per year
    #[arg(long, value_name = "DIR", conflicts_with = "output")]
    split_years: Option<PathBuf>,

    /// Write the same entries as an hledger / ledger-3 journal instead: one
    /// transaction per entry (prices as `P` directives), for comparisons
    #[arg(long, conflicts_with = "split_years")]
    journal: bool,

    /// Write terse entries, as people type them by hand: one line each, no
    /// titles, tags, comments or metadata, short ids, more deals gone silent
    #[arg(long, conflicts_with = "journal")]
    terse: bool,

    /// Write the ledger to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let size = match (args.deals, args.entries) {
        (Some(deals), _) => Size::Deals(deals),
        (None, Some(entries)) => Size::Entries(entries),
        (None, None) => unreachable!("clap requires one of them"),
    };
    let generated = generate(&Config {
        size,
        seed: args.seed,
        profile: if args.terse {
            Profile::Terse
        } else {
            Profile::Realistic
        },
    });
    if args.journal {
        let journal = funnel_gen::journal::journal(&generated);
        let written = match &args.output {
            Some(path) => std::fs::write(path, &journal.text).map(|()| path.display().to_string()),
            None => io::stdout()
                .lock()
                .write_all(journal.text.as_bytes())
                .map(|()| "standard output".to_owned()),
        };
        return match written {
            Ok(target) => {
                eprintln!(
                    "funnel-gen: {} deals, {} transactions and {} prices ({} entries), {} bytes -> {target}",
                    generated.deals,
                    journal.transactions,
                    journal.prices,
                    generated.entries,
                    journal.text.len()
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                eprintln!("funnel-gen: error: {err}");
                ExitCode::from(2)
            }
        };
    }
    let written = match (&args.split_years, &args.output) {
        (Some(dir), _) => generated
            .write_split(dir)
            .map(|main| main.display().to_string()),
        (None, Some(path)) => std::fs::File::create(path)
            .map(io::BufWriter::new)
            .and_then(|mut out| generated.write_single(&mut out).and_then(|()| out.flush()))
            .map(|()| path.display().to_string()),
        (None, None) => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            generated
                .write_single(&mut out)
                .and_then(|()| out.flush())
                .map(|()| "standard output".to_owned())
        }
    };
    match written {
        Ok(target) => {
            eprintln!(
                "funnel-gen: {} deals, {} entries, {} bytes, {} years -> {target}",
                generated.deals,
                generated.entries,
                generated.len(),
                generated.years.len()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("funnel-gen: error: {err}");
            ExitCode::from(2)
        }
    }
}
