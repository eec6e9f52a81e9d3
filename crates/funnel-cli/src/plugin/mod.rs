//! External analyses: executables named `funnel-NAME` on `PATH` (the
//! convention of git, cargo and hledger add-ons), run with the ledger
//! document (`funnel_analysis::document`, `"schema": "funnel.ledger/1"`) on
//! standard input, answering with a report and/or diagnostics as JSON
//! (`funnel_analysis::external`, `"schema": "funnel.report/1"`). The
//! protocol is documented in `docs/plugins.md`.
//!
//! Containment: a plugin gets the document on standard input and nothing
//! else that names the ledger — no arguments, and `FUNNEL_FILE` is removed
//! from its environment — so funnel never hands it a path to write
//! through. It runs in the current directory. A plugin that fails, hangs
//! past `--plugin-timeout` (it is then killed) or answers with something
//! funnel cannot read is a [`PluginError`] naming the plugin, which the
//! commands print with exit code 3; the ledger is never written.

pub mod check;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use funnel_analysis::external::{self, Output, OutputError};
use funnel_analysis::{document, Analysis, Report, Run, ANALYSES};
use funnel_ledger::suggest::closest;
use funnel_ledger::value::is_ident;

/// The prefix of every plugin's file name.
pub const PREFIX: &str = "funnel-";

/// How long `funnel-NAME --describe` may take before `funnel analyses`
/// gives up on its description.
const DESCRIBE_TIMEOUT: Duration = Duration::from_secs(3);

/// A plugin found on `PATH`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plugin {
    /// `NAME` of `funnel-NAME`.
    pub name: String,
    pub path: PathBuf,
}

impl Plugin {
    /// `funnel-NAME`, as users see it in messages.
    pub fn program(&self) -> String {
        format!("{PREFIX}{}", self.name)
    }
}

/// One analysis `funnel report` runs: built in, or a plugin.
pub enum Selected {
    Builtin(&'static dyn Analysis),
    Plugin(Plugin),
}

impl Selected {
    pub fn name(&self) -> &str {
        match self {
            Selected::Builtin(analysis) => analysis.name(),
            Selected::Plugin(plugin) => &plugin.name,
        }
    }

    /// Runs the analysis. Only a plugin can fail.
    pub fn run(&self, run: &Run<'_>, timeout: Duration) -> Result<Report, PluginError> {
        match self {
            Selected::Builtin(analysis) => Ok(analysis.run(run)),
            Selected::Plugin(plugin) => report(plugin, run, timeout),
        }
    }
}

/// Runs a plugin for `funnel report` and returns its report. Diagnostics
/// it also returns are not shown here, only counted in a note.
pub fn report(plugin: &Plugin, run: &Run<'_>, timeout: Duration) -> Result<Report, PluginError> {
    let output = self::run(plugin, run, timeout)?;
    if output.report.is_some() && !output.diagnostics.is_empty() {
        let n = output.diagnostics.len();
        eprintln!(
            "note: `{}` also reported {n} diagnostic{}; `funnel check --plugin {}` shows {}",
            plugin.program(),
            if n == 1 { "" } else { "s" },
            plugin.name,
            if n == 1 { "it" } else { "them" }
        );
    }
    output.report.ok_or_else(|| PluginError::NoReport {
        program: plugin.program(),
        name: plugin.name.clone(),
    })
}

/// Runs a plugin with the ledger document on its standard input and reads
/// its answer. What it prints on standard error is passed on, each line
/// prefixed with its name.
pub fn run(plugin: &Plugin, run: &Run<'_>, timeout: Duration) -> Result<Output, PluginError> {
    let input = document::document(run).to_json();
    let finished = execute(plugin, input.into_bytes(), timeout)?;
    let stderr = String::from_utf8_lossy(&finished.stderr);
    for line in stderr.lines() {
        eprintln!("{}: {line}", plugin.program());
    }
    // JSON is UTF-8 (RFC 8259): other bytes would become U+FFFD in the
    // report's names without a word, so they are an error.
    let stdout = String::from_utf8(finished.stdout).map_err(|err| {
        let at = err.utf8_error().valid_up_to();
        PluginError::NotUtf8 {
            program: plugin.program(),
            byte: err.as_bytes()[at],
            offset: at,
        }
    })?;
    external::parse(&plugin.name, &stdout, run.ctx()).map_err(|error| PluginError::Output {
        program: plugin.program(),
        beginning: beginning(&stdout),
        error,
    })
}

/// Why a plugin's run gave nothing usable.
#[derive(Debug)]
pub enum PluginError {
    /// The executable could not be started.
    Spawn {
        program: String,
        path: PathBuf,
        error: std::io::Error,
    },
    /// It exited with a non-zero code or was killed by a signal.
    Failed {
        program: String,
        status: String,
        stderr: String,
    },
    /// It ran past the timeout and was killed.
    Timeout {
        program: String,
        after: Duration,
        stderr: String,
    },
    /// Its standard output is not a report funnel can read.
    Output {
        program: String,
        beginning: Option<String>,
        error: OutputError,
    },
    /// It answered with diagnostics only, where a report was needed.
    NoReport { program: String, name: String },
    /// It printed more than a report can be (it is stopped at once).
    TooLarge { program: String, limit: usize },
    /// Its standard output is not UTF-8.
    NotUtf8 {
        program: String,
        byte: u8,
        offset: usize,
    },
    /// A diagnostic names a place that is not in the ledger.
    Location { program: String, message: String },
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginError::Spawn { program, path, error } => {
                write!(f, "cannot run plugin `{program}` ({}): {error}", path.display())?;
                if error.kind() == std::io::ErrorKind::NotFound {
                    // The file exists (it was found on PATH): its `#!` line
                    // names an interpreter that does not.
                    write!(f, "\n  hint: is the interpreter on its `#!` line installed?")?;
                }
                Ok(())
            }
            PluginError::Failed { program, status, stderr } => {
                write!(f, "plugin `{program}` failed ({status})")?;
                write_stderr(f, stderr)
            }
            PluginError::Timeout { program, after, stderr } => {
                write!(
                    f,
                    "plugin `{program}` did not finish within {} and was stopped; \
                     if it needs longer, raise `--plugin-timeout SECONDS`",
                    seconds(*after)
                )?;
                write_stderr(f, stderr)
            }
            PluginError::Output { program, beginning, error } => {
                write!(f, "plugin `{program}` {error}")?;
                if let (OutputError::NotJson(_), Some(beginning)) = (error, beginning) {
                    write!(f, "\n  its output began: {beginning}")?;
                }
                Ok(())
            }
            PluginError::NoReport { program, name } => write!(
                f,
                "plugin `{program}` answered with diagnostics but no report (no `columns` and `rows`); \
                 `funnel check --plugin {name}` shows its diagnostics"
            ),
            PluginError::TooLarge { program, limit } => write!(
                f,
                "plugin `{program}` printed more than {} MiB on standard output and was stopped: \
                 a report is never that big",
                limit >> 20
            ),
            PluginError::NotUtf8 { program, byte, offset } => write!(
                f,
                "plugin `{program}` printed output that is not UTF-8 (byte 0x{byte:02X} at offset {offset}): \
                 a report is UTF-8 JSON"
            ),
            PluginError::Location { program, message } => write!(f, "plugin `{program}` {message}"),
        }
    }
}

impl std::error::Error for PluginError {}

/// The last lines of a plugin's standard error, indented under the message.
fn write_stderr(f: &mut fmt::Formatter<'_>, stderr: &str) -> fmt::Result {
    const SHOWN: usize = 20;
    let lines: Vec<&str> = stderr.lines().collect();
    if lines.iter().all(|l| l.trim().is_empty()) {
        return write!(f, "\n  it printed nothing on standard error");
    }
    write!(f, "\n  its standard error")?;
    if lines.len() > SHOWN {
        write!(f, " (the last {SHOWN} of {} lines)", lines.len())?;
    }
    write!(f, ":")?;
    for line in &lines[lines.len().saturating_sub(SHOWN)..] {
        write!(f, "\n  | {line}")?;
    }
    Ok(())
}

/// `30 s`, `0.25 s`: `f64`'s shortest text, without a trailing `.0`.
fn seconds(duration: Duration) -> String {
    format!("{} s", duration.as_secs_f64())
}

/// The start of a plugin's output, on one line, for "not JSON" errors.
fn beginning(stdout: &str) -> Option<String> {
    let text = stdout.trim();
    if text.is_empty() {
        return None;
    }
    let one_line: String = text
        .chars()
        .take(80)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let more = if text.chars().count() > 80 { "…" } else { "" };
    Some(format!("`{one_line}{more}`"))
}

/// What a plugin printed, once it exited with code 0.
struct Finished {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs `plugin` with `input` on standard input, no arguments, until it
/// exits or `timeout` passes (then it is killed).
fn execute(plugin: &Plugin, input: Vec<u8>, timeout: Duration) -> Result<Finished, PluginError> {
    let program = plugin.program();
    let mut child = Command::new(&plugin.path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("FUNNEL_FILE")
        .spawn()
        .map_err(|error| PluginError::Spawn {
            program: program.clone(),
            path: plugin.path.clone(),
            error,
        })?;
    let deadline = Instant::now() + timeout;
    // Standard input is written from its own thread, so a plugin that
    // prints before it has read everything cannot deadlock with us. A
    // plugin that does not read it at all closes the pipe: not an error.
    if let Some(mut stdin) = child.stdin.take() {
        std::thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let (done_sender, done) = mpsc::channel();
    let stdout = Collector::start(
        child.stdout.take(),
        MAX_STDOUT,
        Past::Stop,
        done_sender.clone(),
    );
    let stderr = Collector::start(child.stderr.take(), MAX_STDERR, Past::Drop, done_sender);

    // A plugin that prints without end is stopped as soon as it passes the
    // limit, not at the timeout.
    let status = wait_until(&mut child, deadline, || stdout.overflowed());
    // The pipes reach their end when every process holding them is gone;
    // one the plugin left running in the background could hold them for
    // ever, so the deadline applies to them too.
    let closed = status.is_some()
        && (0..2).all(|_| {
            done.recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .is_ok()
        });
    if stdout.overflowed() {
        return Err(PluginError::TooLarge {
            program,
            limit: MAX_STDOUT,
        });
    }
    let Some(status) = status.filter(|_| closed) else {
        // Whatever it printed so far helps to see where it hung.
        std::thread::sleep(Duration::from_millis(50));
        return Err(PluginError::Timeout {
            program,
            after: timeout,
            stderr: String::from_utf8_lossy(&stderr.take()).into_owned(),
        });
    };
    if !status.success() {
        return Err(PluginError::Failed {
            program,
            status: describe_status(status),
            stderr: String::from_utf8_lossy(&stderr.take()).into_owned(),
        });
    }
    Ok(Finished {
        stdout: stdout.take(),
        stderr: stderr.take(),
    })
}

/// Waits for the child until the deadline or until `stop` says so; then
/// kills it and returns `None`.
fn wait_until(child: &mut Child, deadline: Instant, stop: impl Fn() -> bool) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline && !stop() => {
                let left = deadline.saturating_duration_since(Instant::now());
                std::thread::sleep(left.min(Duration::from_millis(5)));
            }
            // Past the deadline, told to stop, or waiting failed: stop it.
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exit code {code}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("killed by signal {signal}");
        }
    }
    status.to_string()
}

/// More standard output than this is a runaway plugin, not a report.
const MAX_STDOUT: usize = 64 << 20;
/// Standard error is for messages; more than this is not kept.
const MAX_STDERR: usize = 1 << 20;

/// Reads a pipe to its end on its own thread, keeping what arrived so far
/// readable at any time, up to a limit: memory stays bounded whatever the
/// plugin prints.
struct Collector {
    bytes: Arc<Mutex<Vec<u8>>>,
    overflowed: Arc<AtomicBool>,
}

/// What a [`Collector`] does past its limit.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Past {
    /// Stop reading and close the pipe: the output is useless now (the
    /// plugin's next write fails, and the runner kills it).
    Stop,
    /// Read on and drop the rest, so the plugin never blocks on a full
    /// pipe (standard error: its messages are not worth a failure).
    Drop,
}

impl Collector {
    fn start(
        pipe: Option<impl Read + Send + 'static>,
        limit: usize,
        past: Past,
        done: mpsc::Sender<()>,
    ) -> Collector {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let overflowed = Arc::new(AtomicBool::new(false));
        let (sink, overflow) = (Arc::clone(&bytes), Arc::clone(&overflowed));
        std::thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                let mut chunk = [0u8; 8192];
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if let Ok(mut kept) = sink.lock() {
                                let room = limit.saturating_sub(kept.len());
                                kept.extend_from_slice(&chunk[..n.min(room)]);
                                if n > room {
                                    overflow.store(true, Ordering::Relaxed);
                                    if past == Past::Stop {
                                        break;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            let _ = done.send(());
        });
        Collector { bytes, overflowed }
    }

    fn take(&self) -> Vec<u8> {
        self.bytes
            .lock()
            .map(|mut b| std::mem::take(&mut *b))
            .unwrap_or_default()
    }

    fn overflowed(&self) -> bool {
        self.overflowed.load(Ordering::Relaxed)
    }
}

// ---------------------------------------------------------------------------
// Finding plugins

/// Whether `name` can name a plugin: an ident of the ledger language
/// (letters, digits, `_`, `.`, `-`; no path separator), so `funnel report
/// ../x` can never reach outside `PATH`.
pub fn valid_name(name: &str) -> bool {
    is_ident(name)
}

/// The plugin `funnel-NAME` that `PATH` finds first, like a shell would.
pub fn find(name: &str) -> Option<Plugin> {
    if !valid_name(name) {
        return None;
    }
    let path_var = std::env::var_os("PATH")?;
    std::env::split_paths(&path_var).find_map(|dir| {
        candidates(&dir, name)
            .into_iter()
            .find(|p| is_executable(p))
            .map(|path| Plugin {
                name: name.to_owned(),
                path,
            })
    })
}

/// Every plugin on `PATH`, sorted by name; where two folders hold the same
/// name, the first on `PATH` wins. A name that a built-in analysis has is
/// left out: the built-in wins.
pub fn discover() -> Vec<Plugin> {
    let Some(path_var) = std::env::var_os("PATH") else {
        return Vec::new();
    };
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in std::env::split_paths(&path_var) {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut here: Vec<(String, PathBuf)> = Vec::new();
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(name) = file_name.to_str().and_then(plugin_name) else {
                continue;
            };
            if valid_name(name)
                && funnel_analysis::find(name).is_none()
                && is_executable(&entry.path())
            {
                here.push((name.to_owned(), entry.path()));
            }
        }
        for (name, path) in here {
            found.entry(name).or_insert(path);
        }
    }
    found
        .into_iter()
        .map(|(name, path)| Plugin { name, path })
        .collect()
}

/// `NAME` of a file named `funnel-NAME` (on Windows, with an executable
/// extension).
fn plugin_name(file_name: &str) -> Option<&str> {
    let rest = file_name.strip_prefix(PREFIX)?;
    if cfg!(windows) {
        let lower = rest.to_ascii_lowercase();
        for ext in [".exe", ".cmd", ".bat", ".com"] {
            if lower.ends_with(ext) {
                return Some(&rest[..rest.len() - ext.len()]);
            }
        }
        None
    } else {
        Some(rest)
    }
}

fn candidates(dir: &Path, name: &str) -> Vec<PathBuf> {
    let base = format!("{PREFIX}{name}");
    if cfg!(windows) {
        [".exe", ".cmd", ".bat", ".com"]
            .iter()
            .map(|ext| dir.join(format!("{base}{ext}")))
            .collect()
    } else {
        vec![dir.join(base)]
    }
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The one line a plugin prints for `funnel-NAME --describe`, or why there
/// is none. Describes every plugin at once, so a slow one costs the time of
/// one.
pub fn describe_all(plugins: &[Plugin]) -> Vec<Result<String, String>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = plugins
            .iter()
            .map(|plugin| scope.spawn(move || describe(plugin)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err("its description could not be read".to_owned()))
            })
            .collect()
    })
}

fn describe(plugin: &Plugin) -> Result<String, String> {
    let failed = |why: String| format!("no description: `{} --describe` {why}", plugin.program());
    let mut child = Command::new(&plugin.path)
        .arg("--describe")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .env_remove("FUNNEL_FILE")
        .spawn()
        .map_err(|err| failed(format!("cannot run: {err}")))?;
    let (done_sender, done) = mpsc::channel();
    let stdout = Collector::start(child.stdout.take(), MAX_STDERR, Past::Stop, done_sender);
    let deadline = Instant::now() + DESCRIBE_TIMEOUT;
    let status = wait_until(&mut child, deadline, || stdout.overflowed());
    let closed = status.is_some()
        && done
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .is_ok();
    let status = status
        .filter(|_| closed)
        .ok_or_else(|| failed(format!("took longer than {}", seconds(DESCRIBE_TIMEOUT))))?;
    if !status.success() {
        return Err(failed(format!("failed ({})", describe_status(status))));
    }
    let text = String::from_utf8_lossy(&stdout.take()).into_owned();
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .ok_or_else(|| failed("printed nothing".to_owned()))?;
    // A plugin that does not know `--describe` runs as usual, reads an
    // empty standard input and prints JSON or an error: not a description.
    if line.starts_with(['{', '[']) {
        return Err(failed("printed JSON, not a line of text".to_owned()));
    }
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    Ok(match line.char_indices().nth(DESCRIPTION_MAX) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line,
    })
}

/// Longer descriptions are cut (with `…`): one line each in the list.
const DESCRIPTION_MAX: usize = 120;

/// "unknown analysis `x`; did you mean `y`?" with the list of built-in
/// analyses and the plugins on `PATH`.
pub fn unknown_analysis(name: &str) -> String {
    let plugins = discover();
    let known = ANALYSES
        .iter()
        .map(|a| a.name())
        .chain(plugins.iter().map(|p| p.name.as_str()));
    let mut message = format!("unknown analysis `{name}`");
    if let Some(best) = closest(name, known) {
        message.push_str(&format!("; did you mean `{best}`?"));
    } else if name.contains(['/', '\\', '.']) {
        message.push_str("; to read a ledger file, name it with `-f FILE`");
    }
    message.push_str("\n\nthe analyses are:\n");
    let width = ANALYSES.iter().map(|a| a.name().len()).max().unwrap_or(0);
    for a in ANALYSES {
        message.push_str(&format!("  {:width$}  {}\n", a.name(), a.description()));
    }
    message.push('\n');
    message.push_str(&plugins_found(&plugins));
    message
}

/// "plugins on PATH: a, b", or how to add one.
fn plugins_found(plugins: &[Plugin]) -> String {
    if plugins.is_empty() {
        format!("no plugins on PATH: an executable named `{PREFIX}NAME` there adds the analysis NAME (docs/plugins.md)")
    } else {
        let names: Vec<&str> = plugins.iter().map(|p| p.name.as_str()).collect();
        format!("plugins on PATH: {}", names.join(", "))
    }
}

/// The plugin for `funnel check --plugin NAME`, or a usage message.
pub fn resolve_plugin(name: &str) -> Result<Plugin, String> {
    if funnel_analysis::find(name).is_some() {
        return Err(format!(
            "`{name}` is a built-in analysis, not a plugin: `--plugin NAME` runs an executable named `{PREFIX}NAME`"
        ));
    }
    if let Some(plugin) = find(name) {
        return Ok(plugin);
    }
    let plugins = discover();
    let mut message = format!("no plugin `{PREFIX}{name}` on PATH");
    if let Some(best) = closest(name, plugins.iter().map(|p| p.name.as_str())) {
        message.push_str(&format!("; did you mean `{best}`?"));
    }
    message.push('\n');
    message.push_str(&plugins_found(&plugins));
    Err(message)
}

/// `--plugin-timeout SECONDS`: a positive number of seconds (`0.5` too).
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    if !(secs.is_finite() && secs > 0.0 && secs <= 86_400.0 * 365.0) {
        return Err(format!("`{text}`: the timeout must be more than 0 seconds"));
    }
    Ok(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_timeouts() {
        assert!(valid_name("concentration"));
        assert!(valid_name("tax-year"));
        assert!(!valid_name("../x"));
        assert!(!valid_name("a/b"));
        assert!(!valid_name(""));
        assert_eq!(
            plugin_name("funnel-count"),
            (!cfg!(windows)).then_some("count")
        );
        assert_eq!(plugin_name("funnelcount"), None);
        assert_eq!(parse_timeout("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_timeout("0.25"), Ok(Duration::from_millis(250)));
        assert!(parse_timeout("0").is_err());
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("soon").is_err());
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
    }
}
