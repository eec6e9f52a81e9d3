//! Reading a ledger: root files, `include`s (relative paths and globs,
//! depth first, in the order they stand), and the assembly of the items
//! into a [`Ledger`]. The only IO of this crate is reading files here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Code, Diagnostic};
use crate::model::*;
use crate::name::Name;
use crate::parse::{self, ParsedFile};
use crate::source::{SourceFile, SourceMap};
use crate::span::{Span, Spanned};

/// Where a root ledger file comes from.
#[derive(Clone, Debug)]
pub enum Input {
    /// A file on disk.
    Path(PathBuf),
    /// Text already read (standard input, a test): `name` is shown in
    /// diagnostics; `include`s resolve against the current directory.
    Text { name: String, bytes: Vec<u8> },
}

/// Texts that stand in for files on disk, by path: an editor's unsaved
/// buffers (`funnel lsp`). A root or included file whose path is in the
/// overlay is read from it instead of from the disk; every other file is
/// read as usual. Paths are compared canonicalised, so `a/../b.funnel` and
/// a symbolic link find the text of the file they name.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    texts: HashMap<PathBuf, Vec<u8>>,
}

impl Overlay {
    /// Makes `bytes` the content of the file at `path`.
    pub fn insert(&mut self, path: &Path, bytes: Vec<u8>) {
        self.texts.insert(canonical(path), bytes);
    }

    fn get(&self, canonical: &Path) -> Option<&[u8]> {
        self.texts.get(canonical).map(Vec::as_slice)
    }

    /// Reads a file: its text in the overlay, else the disk.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.get(&canonical(path)) {
            Some(bytes) => Ok(bytes.to_vec()),
            None => read_file(path),
        }
    }
}

/// The path with symbolic links and `..` resolved, when the file exists.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A root file that cannot be read: a usage or IO problem, not a problem
/// of the ledger (exit code 2 in the CLI).
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub error: std::io::Error,
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.error)
    }
}

impl std::error::Error for LoadError {}

/// Everything the files say, before the items are resolved into a model.
#[derive(Default)]
pub(crate) struct Read {
    pub sources: SourceMap,
    /// Every dated entry in reading order (an included file's entries stand
    /// where its `include` does).
    pub entries: Vec<Entry>,
    /// Every directive in reading order.
    pub directives: Vec<Directive>,
    pub diagnostics: Vec<Diagnostic>,
    pub unresolved: Vec<(Spanned<Name>, Diagnostic)>,
    pub failed_leads: Vec<String>,
}

/// Reads the root inputs and everything they include, taking the text of
/// the files in `overlay` from it.
pub(crate) fn read(inputs: &[Input], overlay: &Overlay) -> Result<Read, LoadError> {
    let mut read = Read::default();
    let mut stack = Vec::new();
    for input in inputs {
        let (name, path, bytes) = match input {
            Input::Path(path) => {
                let bytes = overlay.read(path).map_err(|error| LoadError {
                    path: path.clone(),
                    error,
                })?;
                (path.display().to_string(), path.clone(), bytes)
            }
            Input::Text { name, bytes } => (name.clone(), PathBuf::from(name), bytes.clone()),
        };
        read.file(SourceFile::from_vec(name, path, bytes), &mut stack, overlay);
    }
    Ok(read)
}

fn read_file(path: &Path) -> std::io::Result<Vec<u8>> {
    let bytes = match read_in_parts(path)? {
        Some(bytes) => bytes,
        None => std::fs::read(path)?,
    };
    if bytes.len() > u32::MAX as usize {
        return Err(std::io::Error::other("the file is larger than 4 GiB"));
    }
    Ok(bytes)
}

/// Files at least this big are read in parts, one thread per core.
const READ_IN_PARTS: u64 = 8 << 20;

/// Reads a big regular file with one thread per core, each into its own
/// part of the buffer: the kernel's work of a read (fresh pages to clear,
/// then the copy) then runs on every core instead of holding up the
/// parse. `None` when the file is small, not a regular file, or changed
/// while being read: the caller reads it the usual way.
#[cfg(unix)]
fn read_in_parts(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    use std::os::unix::fs::FileExt;
    let mut file = std::fs::File::open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() || metadata.len() < READ_IN_PARTS {
        return Ok(None);
    }
    let threads = crate::parallel::cores().min(8);
    if threads < 2 {
        return Ok(None);
    }
    let Ok(len) = usize::try_from(metadata.len()) else {
        return Ok(None);
    };
    let mut bytes = vec![0u8; len];
    // The size `map_parts_mut` cuts the buffer into, for each part's offset.
    let size = len.div_ceil(threads);
    let reads = crate::parallel::map_parts_mut(&mut bytes, threads, |i, part| {
        file.read_exact_at(part, (i * size) as u64)
    });
    if reads.iter().any(Result::is_err) {
        return Ok(None);
    }
    // Whatever was appended since the size was taken.
    let mut rest = Vec::new();
    std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(len as u64))?;
    file.read_to_end(&mut rest)?;
    bytes.extend_from_slice(&rest);
    Ok(Some(bytes))
}

#[cfg(not(unix))]
fn read_in_parts(_: &Path) -> std::io::Result<Option<Vec<u8>>> {
    Ok(None)
}

impl Read {
    /// Parses one file and, depth first, the files it includes, so items
    /// come out in reading order. `stack` holds the files being read.
    fn file(&mut self, source: SourceFile, stack: &mut Vec<PathBuf>, overlay: &Overlay) {
        let canonical = canonical(&source.path);
        let invalid = source.invalid_utf8.clone();
        let dir = source.dir().to_path_buf();
        let id = self.sources.add(source);
        let text = &self.sources.get(id).text;
        let mut bad_lines = Vec::new();
        for (offset, byte) in invalid {
            let (line, _) = self.sources.get(id).line_col(offset);
            if bad_lines.last() == Some(&line) {
                continue;
            }
            bad_lines.push(line);
            self.diagnostics.push(
                Diagnostic::new(Code::InvalidEncoding, Span::new(id, offset, offset + '\u{FFFD}'.len_utf8()), format!("byte 0x{byte:02X} is not valid UTF-8"))
                    .with_label("not UTF-8")
                    .with_help("save the file as UTF-8; the file may be Latin-1 or Windows-1252 (the bad bytes are shown as `\u{FFFD}`); the line is skipped"),
            );
        }
        let ParsedFile {
            entries,
            directives,
            diagnostics,
            unresolved,
            failed_leads,
        } = parse::parse(id, text, &bad_lines);
        self.diagnostics.extend(diagnostics);
        self.unresolved.extend(unresolved);
        self.failed_leads.extend(failed_leads);
        stack.push(canonical);
        if self.entries.is_empty() {
            // The first file (for a big ledger usually the only one): keep
            // the parser's vector rather than move every entry again.
            self.entries = entries;
            self.read_directives(directives, None, &dir, stack, overlay);
        } else {
            self.read_directives(directives, Some(entries), &dir, stack, overlay);
        }
        stack.pop();
    }

    /// Takes a file's directives and, when `entries` is given, appends its
    /// entries, those before each `include` first; an `include` reads the
    /// included files where it stands. When `entries` is `None`, the file's
    /// entries are already in place, which is only right while nothing it
    /// includes has entries: an included file's entries go after them.
    fn read_directives(
        &mut self,
        directives: Vec<(usize, Directive)>,
        entries: Option<Vec<Entry>>,
        dir: &Path,
        stack: &mut Vec<PathBuf>,
        overlay: &Overlay,
    ) {
        let mut entries = match entries {
            Some(entries) => entries.into_iter(),
            None => {
                // Entries already in `self.entries` (from index 0). If an
                // include stands before the last of them, take them back
                // out so the included entries land in reading order.
                let has_include = directives
                    .iter()
                    .any(|(_, d)| matches!(d.kind, DirectiveKind::Include { .. }));
                if has_include {
                    std::mem::take(&mut self.entries).into_iter()
                } else {
                    self.directives
                        .extend(directives.into_iter().map(|(_, d)| d));
                    return;
                }
            }
        };
        let mut taken = 0;
        for (at, directive) in directives {
            self.entries.extend(entries.by_ref().take(at - taken));
            taken = at;
            let include = match &directive.kind {
                DirectiveKind::Include { path } => Some(path.clone()),
                _ => None,
            };
            self.directives.push(directive);
            if let Some(path) = include {
                self.include(dir, &path, stack, overlay);
            }
        }
        self.entries.extend(entries);
    }

    fn include(
        &mut self,
        dir: &Path,
        pattern: &Spanned<String>,
        stack: &mut Vec<PathBuf>,
        overlay: &Overlay,
    ) {
        let full = dir.join(&pattern.value);
        let is_glob = pattern.value.contains(['*', '?', '[']);
        let paths: Vec<PathBuf> = if is_glob {
            match glob::glob(&full.to_string_lossy()) {
                Ok(matches) => {
                    let mut paths: Vec<PathBuf> = matches
                        .filter_map(Result::ok)
                        .filter(|p| p.is_file())
                        .collect();
                    paths.sort();
                    paths
                }
                Err(err) => {
                    self.diagnostics.push(Diagnostic::new(
                        Code::IncludeNotFound,
                        pattern.span,
                        format!("invalid glob pattern `{}`: {}", pattern.value, err.msg),
                    ));
                    return;
                }
            }
        } else {
            vec![full.clone()]
        };
        if paths.is_empty() {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::IncludeNotFound,
                    pattern.span,
                    format!("no file matches `{}`", pattern.value),
                )
                .with_label("matches nothing")
                .with_help(format!(
                    "the pattern is relative to the including file's folder: looked for `{}`",
                    full.display()
                )),
            );
            return;
        }
        for path in paths {
            let canonical = canonical(&path);
            if stack.contains(&canonical) {
                self.diagnostics.push(
                    Diagnostic::new(Code::IncludeCycle, pattern.span, format!("`{}` is already being read: including it here would loop", path.display()))
                        .with_help("a file cannot include a file that is already including it; remove one of the `include` lines"),
                );
                continue;
            }
            let bytes = match overlay.get(&canonical) {
                Some(bytes) => Ok(bytes.to_vec()),
                None => read_file(&path),
            };
            match bytes {
                Ok(bytes) => self.file(
                    SourceFile::from_vec(path.display().to_string(), path, bytes),
                    stack,
                    overlay,
                ),
                Err(err) => {
                    let message = if err.kind() == std::io::ErrorKind::NotFound {
                        format!("included file `{}` does not exist", path.display())
                    } else {
                        format!("cannot read included file `{}`: {err}", path.display())
                    };
                    self.diagnostics.push(
                        Diagnostic::new(Code::IncludeNotFound, pattern.span, message)
                            .with_label("not found")
                            .with_help("paths are relative to the folder of the file that has the `include`"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CheckOptions;

    fn codes(checked: &crate::Checked) -> Vec<(String, &'static str)> {
        checked
            .diagnostics
            .iter()
            .map(|d| {
                let file = checked.ledger.sources.get(d.span.file);
                let name = file.path.file_name().unwrap_or_default();
                (name.to_string_lossy().into_owned(), d.code.as_str())
            })
            .collect()
    }

    /// The overlay's text wins over the disk for the root and for an
    /// included file (directly and through a glob); other files come from
    /// the disk.
    #[test]
    fn overlay_texts_win_over_the_disk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("pipeline.funnel");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let deals = sub.join("deals.funnel");
        std::fs::write(&root, "include \"sub/*.funnel\"\n2026-01-02 talked acme\n").unwrap();
        std::fs::write(&deals, "2026-01-01 lead acme via referral\n").unwrap();
        let options = CheckOptions {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 3).unwrap(),
            strict: false,
        };
        let inputs = [Input::Path(root.clone())];
        let on_disk = crate::load(&inputs, &options).unwrap();
        assert_eq!(codes(&on_disk), []);

        // An unsaved included file: the lead is misspelt there.
        let mut overlay = Overlay::default();
        overlay.insert(
            &dir.path().join("sub/../sub/deals.funnel"),
            b"2026-01-01 lead acne via referral\n".to_vec(),
        );
        let checked = crate::load_with(&inputs, &options, &overlay).unwrap();
        assert_eq!(
            codes(&checked),
            [("pipeline.funnel".into(), "unknown-deal")]
        );

        // An unsaved root that no longer includes anything.
        overlay.insert(&root, b"2026-01-02 talked acme\n".to_vec());
        let checked = crate::load_with(&inputs, &options, &overlay).unwrap();
        assert_eq!(checked.ledger.sources.len(), 1);
        assert_eq!(
            codes(&checked),
            [("pipeline.funnel".into(), "unknown-deal")]
        );

        // A root that exists only in the overlay (a new, unsaved buffer).
        let new = dir.path().join("new.funnel");
        let mut overlay = Overlay::default();
        overlay.insert(
            &new,
            b"include \"sub/deals.funnel\"\n2026-01-02 won acme\n".to_vec(),
        );
        let checked = crate::load_with(&[Input::Path(new)], &options, &overlay).unwrap();
        assert_eq!(checked.ledger.sources.len(), 2);
        assert_eq!(
            codes(&checked),
            [("new.funnel".into(), "won-without-value")]
        );
    }
}
