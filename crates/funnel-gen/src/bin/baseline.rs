//! The practical limit for `funnel check`: read a file, split it into lines
//! and parse the date at the start of each line, nothing else. Prints the
//! number of dated lines. `scripts/bench.sh` times `funnel check` against it.
//!
//! Deliberately plain Rust (no `memchr`, no SIMD, no threads): the bar is
//! what a simple single pass costs, not the fastest possible scan.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: baseline FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("baseline: cannot read {}: {err}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let (dated, checksum) = scan(&bytes);
    println!("{dated} dated lines (checksum {checksum})");
    ExitCode::SUCCESS
}

/// Counts the lines that start with a valid `YYYY-MM-DD`, and sums their
/// day numbers so that the parse cannot be optimised away.
fn scan(bytes: &[u8]) -> (usize, u64) {
    let mut dated = 0;
    let mut checksum = 0u64;
    for line in bytes.split(|&b| b == b'\n') {
        if let Some((year, month, day)) = leading_date(line) {
            dated += 1;
            checksum = checksum
                .wrapping_add(u64::from(year) * 372 + u64::from(month) * 31 + u64::from(day));
        }
    }
    (dated, checksum)
}

/// `YYYY-MM-DD` at the start of `line`, with month and day in range.
fn leading_date(line: &[u8]) -> Option<(u32, u32, u32)> {
    let head = line.get(..10)?;
    if head[4] != b'-' || head[7] != b'-' {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
        })
    };
    let (year, month, day) = (
        number(&head[..4])?,
        number(&head[5..7])?,
        number(&head[8..10])?,
    );
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_dated_lines() {
        let text = b"; comment\n2026-01-03 lead acme via x\n  start: 2026-02-01\n2026-13-01 bad\n2026-02-28 won acme\n";
        assert_eq!(scan(text).0, 2);
    }
}
