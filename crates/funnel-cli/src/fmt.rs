//! `funnel fmt`: rewrites each file of the ledger's include tree in its
//! canonical form, atomically, and only when it changes.

use std::io::{Read, Write};
use std::path::Path;

use anyhow::{Context, Result};
use funnel_ledger::{format, CheckOptions, Checked, Input, SourceFile, SourceMap};

use crate::cli::{DiagnosticFormat, FmtArgs};
use crate::exit;

pub fn run(args: &FmtArgs) -> Result<u8> {
    let paths = args.ledger.paths();
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            anyhow::bail!("`-` (standard input) cannot be formatted together with files");
        }
        return stdin(args);
    }
    let mut failed = false;
    let mut changed = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for path in paths {
        // Read the include tree to learn its files; each is formatted on its own.
        let checked = funnel_ledger::load(
            &[Input::Path(path)],
            &CheckOptions {
                as_of: args.ledger.as_of(),
                strict: false,
            },
        )?;
        for (_, file) in checked.ledger.sources.files() {
            if !seen.insert(file.path.clone()) {
                continue;
            }
            match format_file(file) {
                Ok(text) => {
                    let old = original_bytes(file)?;
                    if text.as_bytes() == old.as_slice() {
                        continue;
                    }
                    changed.push(file.name.clone());
                    if args.diff {
                        print!(
                            "{}",
                            diff(&String::from_utf8_lossy(&old), &text, &file.name)
                        );
                    }
                    if !args.check && !args.diff {
                        write_atomically(&file.path, text.as_bytes())
                            .with_context(|| format!("cannot write `{}`", file.name))?;
                    }
                }
                Err(errors) => {
                    failed = true;
                    print_errors(file, errors)?;
                }
            }
        }
    }
    if args.check {
        for name in &changed {
            println!("would reformat {name}");
        }
    } else if !args.diff {
        for name in &changed {
            eprintln!("formatted {name}");
        }
    }
    let code = if failed || (args.check && !changed.is_empty()) {
        exit::FAILED
    } else {
        exit::OK
    };
    Ok(code)
}

/// `funnel fmt -`: standard input to standard output.
fn stdin(args: &FmtArgs) -> Result<u8> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .context("cannot read standard input")?;
    let file = SourceFile::new("<stdin>".to_owned(), "<stdin>".into(), &bytes);
    match format_file(&file) {
        Ok(text) => {
            let changed = text.as_bytes() != bytes.as_slice();
            if args.diff {
                print!(
                    "{}",
                    diff(&String::from_utf8_lossy(&bytes), &text, "<stdin>")
                );
            } else if !args.check {
                std::io::stdout().write_all(text.as_bytes())?;
            }
            Ok(if args.check && changed {
                exit::FAILED
            } else {
                exit::OK
            })
        }
        Err(errors) => {
            print_errors(&file, errors)?;
            Ok(exit::FAILED)
        }
    }
}

/// Formats a file, or returns why it cannot be: syntax errors, or bytes
/// that are not UTF-8 (rewriting would destroy them).
fn format_file(file: &SourceFile) -> Result<String, Vec<funnel_ledger::Diagnostic>> {
    if let Some(&(offset, byte)) = file.invalid_utf8.first() {
        let span = funnel_ledger::Span::new(funnel_ledger::FileId(0), offset, offset + 3);
        return Err(vec![funnel_ledger::Diagnostic::new(
            funnel_ledger::Code::InvalidEncoding,
            span,
            format!("byte 0x{byte:02X} is not valid UTF-8"),
        )
        .with_help(
            "save the file as UTF-8; fmt does not rewrite a file it cannot read losslessly",
        )]);
    }
    format::format(file)
}

fn print_errors(file: &SourceFile, errors: Vec<funnel_ledger::Diagnostic>) -> Result<()> {
    let mut sources = SourceMap::default();
    sources.add(file.clone());
    let checked = Checked {
        ledger: funnel_ledger::Ledger::from_sources(sources),
        diagnostics: errors,
    };
    let mut err = std::io::stderr().lock();
    crate::diagnostics::print(&mut err, &checked, DiagnosticFormat::Human)?;
    writeln!(err, "{} was not formatted: fix the errors first", file.name)?;
    Ok(())
}

/// The file's bytes as they are on disk now.
fn original_bytes(file: &SourceFile) -> Result<Vec<u8>> {
    std::fs::read(&file.path).with_context(|| format!("cannot read `{}`", file.name))
}

fn diff(old: &str, new: &str, name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(name, name)
        .to_string()
}

/// Writes through a temporary file in the same folder, then renames it over
/// the original, keeping its permissions: a crash never leaves half a file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(path) {
        temp.as_file().set_permissions(meta.permissions())?;
    }
    temp.persist(path)?;
    Ok(())
}
