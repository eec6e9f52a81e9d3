//! `funnel check`: print every diagnostic, then decide the exit code.

use std::io::Write as _;

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::diagnostics;
use crate::exit;

pub fn run(args: &CheckArgs) -> Result<u8> {
    if !args.plugins.is_empty() {
        return crate::plugin::check::run(args);
    }
    let checked = args.ledger.load(args.strict)?;
    let mut out = crate::output::stdout();
    diagnostics::print(
        &mut out,
        &checked,
        args.format,
        crate::terminal::colour_stdout(),
    )?;
    out.flush()?;
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    // The process exits right after this: freeing a million small
    // allocations one by one would be pure waste (10 % of a big check).
    std::mem::forget(checked);
    Ok(if failed { exit::FAILED } else { exit::OK })
}
