//! Which files make the ledger: `-f FILE…` or positional files, else
//! `$FUNNEL_FILE`, else `./pipeline.funnel`; `-` is standard input.

use std::io::Read;
use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use funnel_ledger::{CheckOptions, Checked, Input};

use crate::cli::LedgerArgs;

pub const DEFAULT_FILE: &str = "pipeline.funnel";

/// The period's first and last day from `--period`, else `--from`/`--to`.
pub fn period_bounds(
    period: Option<funnel_analysis::PeriodSpec>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    as_of: NaiveDate,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    match period {
        Some(period) => {
            let (from, to) = period.resolve(as_of);
            (Some(from), Some(to))
        }
        None => (from, to),
    }
}

impl LedgerArgs {
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = self.files.iter().chain(&self.positional).cloned().collect();
        if paths.is_empty() {
            paths.push(match std::env::var_os("FUNNEL_FILE") {
                Some(file) if !file.is_empty() => PathBuf::from(file),
                _ => PathBuf::from(DEFAULT_FILE),
            });
        }
        paths
    }

    pub fn as_of(&self) -> NaiveDate {
        self.as_of
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Reads and checks the ledger. An unreadable root file is an `Err`
    /// (exit code 2); problems inside the ledger are diagnostics.
    pub fn load(&self, strict: bool) -> Result<Checked> {
        let mut inputs = Vec::new();
        for path in self.paths() {
            if path.as_os_str() == "-" {
                let mut bytes = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut bytes)
                    .context("cannot read standard input")?;
                inputs.push(Input::Text {
                    name: "<stdin>".to_owned(),
                    bytes,
                });
            } else {
                inputs.push(Input::Path(path));
            }
        }
        let options = CheckOptions {
            as_of: self.as_of(),
            strict,
        };
        crate::alloc::while_loading(|| funnel_ledger::load(&inputs, &options)).map_err(|err| {
            let hint = if err.error.kind() == std::io::ErrorKind::NotFound && err.path.as_os_str() == DEFAULT_FILE {
                "\n  hint: name a ledger with `-f FILE` or $FUNNEL_FILE, or run funnel in the folder holding pipeline.funnel"
            } else {
                ""
            };
            anyhow::anyhow!("{err}{hint}")
        })
    }
}
