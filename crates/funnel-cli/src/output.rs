//! Where a command's output goes and how writing it ends.
//!
//! A reader that stops early (`funnel fmt --diff | head`) is a normal end
//! for every command: the write fails with `BrokenPipe`, the error travels
//! up like any other, and `main` alone turns it into exit 0 with nothing
//! said ([`is_broken_pipe`]). So no command prints with `print!` (which
//! panics on a closed pipe) or handles the case itself.
//!
//! `-o FILE` of `report`, `review` and `export` picks the format from the
//! file's extension ([`FileKind`]) and writes the file atomically.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

/// Whether an error is a write to a reader that went away, through
/// whichever writer (plain IO, serde_json, csv) met it, at any depth of
/// context.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let kind = if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            Some(io.kind())
        } else if let Some(json) = cause.downcast_ref::<serde_json::Error>() {
            json.io_error_kind()
        } else if let Some(csv) = cause.downcast_ref::<csv::Error>() {
            match csv.kind() {
                csv::ErrorKind::Io(io) => Some(io.kind()),
                _ => None,
            }
        } else {
            None
        };
        kind == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Writes `write`'s output to `path` atomically when there is one, else to
/// standard output (buffered, flushed at the end).
pub fn write_to(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> Result<()>,
) -> Result<()> {
    use anyhow::Context as _;
    match path {
        Some(path) => crate::fmt::write_atomically_with(path, write)
            .with_context(|| format!("cannot write `{}`", path.display())),
        None => {
            let mut out = stdout();
            write(&mut out)?;
            out.flush()?;
            Ok(())
        }
    }
}

/// Standard output, buffered: unbuffered, Rust writes each line with its
/// own system call (769,862 for the pretty JSON of `check` on a terse
/// million-entry ledger with 64,155 warnings; 727 with this buffer, and
/// 884 -> 665 ms: docs/performance.md, fourteenth pass). Flush it at the
/// end: a write error met when dropping it is lost.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout().lock())
}

/// A binary format (`xlsx`, `ods`) on standard output that is a terminal:
/// the message that refuses it (the bytes would only garble the screen),
/// else `None`. A pipe or `-o FILE` is fine.
pub fn binary_on_terminal(output: Option<&Path>, format: &str) -> Option<String> {
    use std::io::IsTerminal;
    (output.is_none() && std::io::stdout().is_terminal()).then(|| {
        format!(
            "`--format {format}` writes a binary file, which a terminal cannot show: \
             name the file with `-o FILE.{format}`, or pipe the output (`> FILE.{format}`)"
        )
    })
}

/// What an output file's extension says it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `.csv`
    Csv,
    /// `.json`
    Json,
    /// `.md`, `.markdown`
    Markdown,
    /// `.xlsx`: an Excel workbook
    Xlsx,
    /// `.ods`: an OpenDocument spreadsheet
    Ods,
    /// `.html`, `.htm`
    Html,
    /// `.txt`, or no extension: text for people (a table, a review)
    Text,
}

impl FileKind {
    /// The kind an output file's extension names; `None` for an extension
    /// that names none of them (the command's default format is used).
    pub fn of(path: &Path) -> Option<FileKind> {
        let Some(ext) = path.extension() else {
            return Some(FileKind::Text);
        };
        let ext = ext.to_string_lossy().to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(FileKind::Csv),
            "json" => Some(FileKind::Json),
            "md" | "markdown" => Some(FileKind::Markdown),
            "xlsx" => Some(FileKind::Xlsx),
            "ods" => Some(FileKind::Ods),
            "html" | "htm" => Some(FileKind::Html),
            "txt" | "text" => Some(FileKind::Text),
            _ => None,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Csv => "CSV",
            FileKind::Json => "JSON",
            FileKind::Markdown => "Markdown",
            FileKind::Xlsx => "xlsx",
            FileKind::Ods => "ods",
            FileKind::Html => "HTML",
            FileKind::Text => "text",
        }
    }

    /// [`FileKind::describe`] with its article: `a CSV`, `an xlsx`.
    pub fn a(self) -> String {
        let name = self.describe();
        let article = if matches!(self, FileKind::Xlsx | FileKind::Ods | FileKind::Html) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }
}

/// The format to write: `--format` when given, else the one `-o FILE`'s
/// extension names (through `from_kind`), else `default`. `--format` and an
/// extension that disagree are a usage error, and so is an extension naming
/// a kind the command cannot write; the message says which.
pub fn pick_format<F: Copy + PartialEq + clap::ValueEnum>(
    command: &str,
    flag: Option<F>,
    output: Option<&Path>,
    default: F,
    from_kind: impl Fn(FileKind) -> Option<F>,
) -> Result<F, String> {
    let name = |format: F| {
        format
            .to_possible_value()
            .map(|value| value.get_name().to_owned())
            .unwrap_or_default()
    };
    let Some(path) = output else {
        return Ok(flag.unwrap_or(default));
    };
    let Some(kind) = FileKind::of(path) else {
        return Ok(flag.unwrap_or(default));
    };
    let from_file = from_kind(kind);
    match (flag, from_file) {
        (Some(flag), Some(file)) if flag != file => Err(format!(
            "`-o {}` names {} file, but `--format {}` asks for another format: \
             change the extension, or leave out `--format` to write {}",
            path.display(),
            kind.a(),
            name(flag),
            kind.describe(),
        )),
        (Some(flag), _) => Ok(flag),
        (None, Some(file)) => Ok(file),
        // `.txt`/no extension for a command with no text view writes
        // its default format.
        (None, None) if kind == FileKind::Text => Ok(default),
        (None, None) => Err(format!(
            "`{command}` cannot write {} (`-o {}`): name the format with `--format`",
            kind.describe(),
            path.display()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_of_files() {
        assert_eq!(FileKind::of(Path::new("a/b.CSV")), Some(FileKind::Csv));
        assert_eq!(FileKind::of(Path::new("b.json")), Some(FileKind::Json));
        assert_eq!(FileKind::of(Path::new("b.md")), Some(FileKind::Markdown));
        assert_eq!(FileKind::of(Path::new("b.XLSX")), Some(FileKind::Xlsx));
        assert_eq!(FileKind::of(Path::new("b.ods")), Some(FileKind::Ods));
        assert_eq!(FileKind::of(Path::new("b.HTML")), Some(FileKind::Html));
        assert_eq!(FileKind::of(Path::new("b.htm")), Some(FileKind::Html));
        assert_eq!(FileKind::of(Path::new("b.txt")), Some(FileKind::Text));
        assert_eq!(FileKind::of(Path::new("report")), Some(FileKind::Text));
        assert_eq!(FileKind::of(Path::new("b.dat")), None);
    }
}
