//! `funnel check`: print every diagnostic, then decide the exit code.

use anyhow::Result;

use crate::cli::CheckArgs;
use crate::diagnostics;
use crate::exit;

pub fn run(args: &CheckArgs) -> Result<u8> {
    let checked = args.ledger.load(args.strict)?;
    let mut out = std::io::stdout().lock();
    diagnostics::print(&mut out, &checked, args.format)?;
    let failed = checked.errors() > 0 || (args.deny_warnings && checked.warnings() > 0);
    Ok(if failed { exit::FAILED } else { exit::OK })
}
