//! `funnel fmt`: rewrites each file of the ledger's include tree in its
//! canonical form, atomically, and only when it changes.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

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
            // A writer holds the file's lock from reading it to the rename,
            // so an entry `funnel add` appends meanwhile is never lost. The
            // file is formatted as read under the lock.
            let path = resolve_links(&file.path);
            let _lock = if args.check || args.diff {
                None
            } else {
                Some(
                    crate::lock::lock(&path)
                        .with_context(|| format!("cannot write `{}`", file.name))?,
                )
            };
            let old = original_bytes(file)?;
            let file = &SourceFile::new(file.name.clone(), file.path.clone(), &old);
            match format_file(file) {
                Ok(text) => {
                    if text.as_bytes() == old.as_slice() {
                        continue;
                    }
                    changed.push(file.name.clone());
                    if args.diff {
                        let mut out = std::io::stdout().lock();
                        out.write_all(
                            diff(&String::from_utf8_lossy(&old), &text, &file.name).as_bytes(),
                        )?;
                    }
                    if !args.check && !args.diff {
                        write_atomically(&path, text.as_bytes())
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
        let mut out = std::io::stdout().lock();
        for name in &changed {
            writeln!(out, "would reformat {name}")?;
        }
        out.flush()?;
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
            let mut out = std::io::stdout().lock();
            if args.diff {
                out.write_all(diff(&String::from_utf8_lossy(&bytes), &text, "<stdin>").as_bytes())?;
            } else if !args.check {
                out.write_all(text.as_bytes())?;
            }
            out.flush()?;
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
    let colour = crate::terminal::colour_stderr();
    crate::diagnostics::print(&mut err, &checked, DiagnosticFormat::Human, colour)?;
    writeln!(err, "{} was not formatted: fix the errors first", file.name)?;
    Ok(())
}

/// The file's bytes as they are on disk now.
fn original_bytes(file: &SourceFile) -> Result<Vec<u8>> {
    std::fs::read(&file.path).with_context(|| format!("cannot read `{}`", file.name))
}

/// The unified diff from `old` to `new` (nothing when they are equal),
/// with 3 lines of context, as `diff -u` and git print it. Computed with
/// imara-diff's histogram algorithm: a smallest diff (Myers, as the
/// `similar` crate computes it) takes time that grows with the file's size
/// times the lines changed, and took minutes for a million-entry file with
/// a tenth of its lines reformatted.
fn diff(old: &str, new: &str, name: &str) -> String {
    use imara_diff::{Algorithm, Diff, InternedInput, UnifiedDiffConfig};
    let input = InternedInput::new(old, new);
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    if diff.count_additions() == 0 && diff.count_removals() == 0 {
        return String::new();
    }
    let lines = Lines(&input.interner);
    let hunks = diff.unified_diff(&lines, UnifiedDiffConfig::default(), &input);
    format!("--- {name}\n+++ {name}\n{hunks}")
}

/// Prints the lines of a unified diff; a last line without a line ending
/// is followed by `\ No newline at end of file`, as `patch` expects.
struct Lines<'a>(&'a imara_diff::Interner<&'a str>);

impl Lines<'_> {
    fn line(
        &self,
        mut f: impl std::fmt::Write,
        mark: char,
        token: imara_diff::Token,
    ) -> std::fmt::Result {
        let line = self.0[token];
        write!(f, "{mark}{line}")?;
        if !line.ends_with('\n') {
            f.write_str("\n\\ No newline at end of file\n")?;
        }
        Ok(())
    }
}

impl imara_diff::UnifiedDiffPrinter for Lines<'_> {
    fn display_header(
        &self,
        mut f: impl std::fmt::Write,
        start_before: u32,
        start_after: u32,
        len_before: u32,
        len_after: u32,
    ) -> std::fmt::Result {
        writeln!(
            f,
            "@@ -{} +{} @@",
            range(start_before, len_before),
            range(start_after, len_after)
        )
    }

    fn display_context_token(
        &self,
        f: impl std::fmt::Write,
        token: imara_diff::Token,
    ) -> std::fmt::Result {
        self.line(f, ' ', token)
    }

    fn display_hunk(
        &self,
        mut f: impl std::fmt::Write,
        before: &[imara_diff::Token],
        after: &[imara_diff::Token],
    ) -> std::fmt::Result {
        for &token in before {
            self.line(&mut f, '-', token)?;
        }
        for &token in after {
            self.line(&mut f, '+', token)?;
        }
        Ok(())
    }
}

/// A hunk header's range as GNU diff writes it: `START,LEN`, `START` alone
/// for one line, and for none the line before (`0,0` at the top).
fn range(start: u32, len: u32) -> String {
    match len {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    }
}

/// Writes through a temporary file in the same folder, then renames it over
/// the original: a crash, a full disk or a failed write never leaves half a
/// file, and on any error the original is left byte for byte as it was (the
/// message says so). A symbolic link is followed: its target is rewritten
/// and the link stays a link. The new file keeps the original's permissions
/// (and, where the process may, its owner and group). A read-only file
/// (no write permission for anyone) is refused, even for root: the rename
/// would replace it anyway, which is not what its read-only mode asks for.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(path, |out| Ok(out.write_all(bytes)?))
}

/// [`write_atomically`] of what `write` writes, as it writes it (buffered):
/// a big export need not be held in memory first.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    let path = resolve_links(path);
    let existing = std::fs::metadata(&path).ok();
    replace(&path, existing.as_ref(), write).map_err(|err| {
        let left = if existing.is_some() {
            "the file is as it was"
        } else {
            "nothing was written"
        };
        anyhow::anyhow!("{err:#}; {left}")
    })
}

fn replace(
    path: &Path,
    existing: Option<&std::fs::Metadata>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    if existing.is_some_and(|meta| meta.permissions().readonly()) {
        anyhow::bail!("it is read-only (make it writable first, e.g. `chmod u+w`)");
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    builder.prefix(".funnel-");
    // A new file gets the mode any program's new file gets (0666 less the
    // umask, as `File::create` does), not a temporary file's private 0600;
    // an existing file keeps its own mode (below).
    #[cfg(unix)]
    if existing.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temp = builder
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
    {
        let mut out = std::io::BufWriter::new(temp.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    temp.as_file().sync_all()?;
    if let Some(meta) = existing {
        temp.as_file().set_permissions(meta.permissions())?;
        #[cfg(unix)]
        {
            // Only root may give a file away; others keep the group where
            // they belong to it. Neither is worth failing the write for.
            use std::os::unix::fs::MetadataExt;
            let file = temp.as_file();
            if std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_err() {
                let _ = std::os::unix::fs::fchown(file, None, Some(meta.gid()));
            }
            // Ownership changes can clear set-id bits: set the mode again.
            let _ = file.set_permissions(meta.permissions());
        }
    }
    temp.persist(path).map_err(|err| err.error)?;
    // The rename is on disk once the folder is (where a folder can be synced).
    #[cfg(unix)]
    if let Ok(folder) = std::fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// The file a path finally names: symbolic links followed (also a link to a
/// file not yet there), so a write replaces the target, never the link.
pub fn resolve_links(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    // A dangling link: follow it by hand (at most 40 links, as Linux does).
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&path) {
            Ok(target) => {
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                }
            }
            Err(_) => break,
        }
    }
    path
}
