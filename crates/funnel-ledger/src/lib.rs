//! The `.funnel` ledger language: reading files (with `include`s), parsing
//! them into a model where every item keeps its source span, and the checks
//! of the format specification.
//!
//! This crate does no IO beyond reading ledger files and never prints: it
//! returns data and [`Diagnostic`]s, which the CLI renders.

mod build;
mod check;
pub mod deals;
pub mod diagnostic;
pub mod form;
pub mod format;
mod lexer;
mod load;
pub mod meta;
pub mod model;
pub mod name;
pub mod parallel;
pub mod parse;
pub mod rules;
pub mod source;
pub mod span;
pub mod spending;
pub mod suggest;
pub mod value;
pub mod verb;

pub use check::CheckOptions;
pub use diagnostic::{Code, Diagnostic, Label, Severity};
pub use load::{Input, LoadError, Overlay};
pub use model::Ledger;
pub use name::Name;
pub use source::{SourceFile, SourceMap};
pub use span::{FileId, Span, Spanned};

/// A ledger and everything `check` found wrong with it, in reading order.
#[derive(Debug)]
pub struct Checked {
    pub ledger: Ledger,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Reads, parses and checks a ledger. Fails only when a root file cannot be
/// read; every problem inside the ledger is a diagnostic.
pub fn load(inputs: &[Input], options: &CheckOptions) -> Result<Checked, LoadError> {
    load_with(inputs, options, &Overlay::default())
}

/// [`load`], taking the text of the files in `overlay` from it rather than
/// from the disk (an editor's unsaved buffers).
pub fn load_with(
    inputs: &[Input],
    options: &CheckOptions,
    overlay: &Overlay,
) -> Result<Checked, LoadError> {
    let mut timer = Timings::from_env();
    let mut read = load::read(inputs, overlay)?;
    timer.lap("read and parse");
    let mut diagnostics = std::mem::take(&mut read.diagnostics);
    let (ledger, duplicated) = build::build(read, &mut diagnostics);
    timer.lap("build");
    check::check(&ledger, options, &duplicated, &mut diagnostics);
    diagnostic::sort(&mut diagnostics);
    timer.lap("check");
    Ok(Checked {
        ledger,
        diagnostics,
    })
}

/// Checks ledger text that is already in memory (`include`s resolve against
/// the current directory).
pub fn load_text(name: &str, text: &[u8], options: &CheckOptions) -> Checked {
    let input = Input::Text {
        name: name.to_owned(),
        bytes: text.to_vec(),
    };
    load(&[input], options).expect("text inputs are never read from disk")
}

/// `FUNNEL_TIMINGS=1` prints how long each phase of [`load`] (and of
/// `funnel report`) took to standard error: for performance work, not part
/// of the interface.
pub struct Timings(Option<std::time::Instant>);

/// The process's peak resident memory so far in KiB (`VmHWM` in
/// `/proc/self/status`), where the system says it.
fn peak_resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Timings {
    pub fn from_env() -> Timings {
        Timings(
            std::env::var_os("FUNNEL_TIMINGS")
                .filter(|v| !v.is_empty() && v != "0")
                .map(|_| std::time::Instant::now()),
        )
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some(start) = &mut self.0 {
            eprintln!(
                "timing: {phase}: {:.1} ms{}",
                start.elapsed().as_secs_f64() * 1e3,
                peak_resident().map_or(String::new(), |kib| format!(
                    ", peak resident so far {} MiB",
                    kib / 1024
                ))
            );
            *start = std::time::Instant::now();
        }
    }
}
