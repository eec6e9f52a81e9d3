//! JSON: an array with one object per report, in the shape of analyses §4
//! (the `Serialize` of `Report`). Money is written as an exact decimal
//! number, never through a binary float.

use std::io::Write;

use anyhow::Result;
use funnel_analysis::Report;

pub fn write(out: &mut impl Write, reports: &[Report]) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, reports)?;
    writeln!(out)?;
    Ok(())
}
