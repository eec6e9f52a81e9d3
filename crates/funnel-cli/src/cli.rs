//! The command line: every subcommand and flag, for clap.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use funnel_analysis::PeriodSpec;

use crate::output::FileKind;

#[derive(Parser, Debug)]
#[command(
    name = "funnel",
    version,
    about = "A plain-text ledger for a freelancer's sales funnel",
    long_about = "funnel reads a hand-written ledger (`pipeline.funnel`) of leads, calls, proposals, \
                  contracts, time and money spent per channel, and the assumptions you held, and \
                  checks it, analyses it and exports it.",
    arg_required_else_help = true,
    after_help = "Examples:\n  funnel check                      check ./pipeline.funnel\n  \
                  funnel check -f examples/freelancer.funnel --format short\n  \
                  FUNNEL_FILE=~/work/pipeline.funnel funnel check --strict\n  \
                  funnel report -f examples/freelancer.funnel --as-of 2026-11-26"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to colour the output: `auto` colours a terminal unless
    /// NO_COLOR is set (CLICOLOR_FORCE colours a pipe too; TERM=dumb never)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--color`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour a terminal, following NO_COLOR, CLICOLOR_FORCE and TERM
    Auto,
    /// Always colour, even into a pipe or a file
    Always,
    /// Never colour
    Never,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check the ledger: report every problem in one run
    #[command(after_help = "Examples:\n  funnel check\n  \
                            funnel check -f pipeline.funnel --strict --deny-warnings\n  \
                            funnel check --format github      # annotations in GitHub Actions\n  \
                            cat pipeline.funnel | funnel check -")]
    Check(CheckArgs),

    /// Analyse the ledger: the funnel, channel ROI, assumptions, runway, trends and more
    #[command(
        after_help = "Examples:\n  funnel report                                  every analysis, as tables\n  \
                            funnel report channels --period 2026-Q1\n  \
                            funnel report funnel --channel platform --depth 1\n  \
                            funnel report surprises --format json\n  \
                            funnel report channels --format csv > channels.csv\n  \
                            funnel report -o report.ods                    a sheet per analysis, typed cells\n  \
                            funnel report trends --interval week --period \"last 3 months\"\n\n\
                            Run `funnel analyses` for the list of analyses."
    )]
    Report(ReportArgs),

    /// List the analyses `funnel report` can run: built in, and plugins on PATH
    Analyses,

    /// The last 12 months on one page, built from the analyses of `funnel report`
    #[command(
        after_help = "Every number comes from one of the analyses of `funnel report`, run over the same \
                            period and as-of date; each section names its analysis.\n\n\
                            Examples:\n  funnel review                                  the last 12 months\n  \
                            funnel review --period 2026\n  \
                            funnel review --format markdown > review-2026.md\n  \
                            funnel review -o review.html                   with charts, for a browser or a printer\n  \
                            funnel review --share -o me.summary.json     anonymised, for `funnel compare`"
    )]
    Review(ReviewArgs),

    /// Put peers' review summaries side by side (written by `funnel review --share`)
    #[command(
        after_help = "Each FILE is a summary that `funnel review --share` wrote; its column is named \
                            by the file's stem (without `.summary`). Every figure gets the group's median \
                            and, for each person, where they stand (\"2nd of 3\").\n\n\
                            Examples:\n  funnel review --share -o me.summary.json      each person, on their own ledger\n  \
                            funnel compare alice.summary.json bob.summary.json me.summary.json\n  \
                            funnel compare *.summary.json --format csv > group.csv"
    )]
    Compare(CompareArgs),

    /// Rewrite the ledger's files in their canonical layout, keeping every comment
    #[command(
        after_help = "Examples:\n  funnel fmt                        format ./pipeline.funnel and its includes\n  \
                            funnel fmt --check                exit 1 if a file is not formatted (CI, pre-commit)\n  \
                            funnel fmt --diff                 show what would change\n  \
                            funnel fmt - < in.funnel > out.funnel"
    )]
    Fmt(FmtArgs),

    /// Write the ledger's data as CSV, JSON, xlsx or ods: one row per deal, entry, channel or contact
    #[command(
        after_help = "Examples:\n  funnel export deals -o deals.csv               one row per deal, for a spreadsheet\n  \
                            funnel export entries --period 2026 --format json\n  \
                            funnel export channels --channel platform\n  \
                            funnel export deals -o deals.ods               typed cells for LibreOffice\n  \
                            funnel export all -o ledger.xlsx               every table, a sheet each\n\n\
                            Column names are documented in docs/export.md."
    )]
    Export(ExportArgs),

    /// Start a ledger: write a commented starter file with an example of every entry
    #[command(
        after_help = "Examples:\n  funnel init                       write ./pipeline.funnel\n  \
                            funnel init ~/work/pipeline.funnel\n  \
                            funnel init sales/                a folder gets sales/pipeline.funnel"
    )]
    Init(InitArgs),

    /// Append one entry, dated today, after checking it with the whole ledger
    #[command(
        after_help = "The entry is checked with the whole ledger first: one that would bring a new \
                            error is not written, and the diagnostic says why. It is appended to the end of \
                            the file, which is otherwise left byte for byte as it was. A date as the first \
                            word is the entry's date, like `--date`.\n\n\
                            Quoting: the shell removes your quotes, so funnel puts them back. A word with \
                            spaces or a `\"` is written as a quoted string (`\"` and `\\` escaped); so is a \
                            single word where the entry needs a string (a title, reason or note), unless it \
                            looks like a misspelt keyword. Every other word is written as it is.\n\n\
                            Examples:\n  \
                            funnel add lead acme \"Rust backend\" via platform:upwork\n  \
                            funnel add proposed acme 12000 EUR at 800 EUR/day\n  \
                            funnel add --date 2026-11-20 spent 1.5h on acme \"call prep\"\n  \
                            funnel add --to 2026.funnel lost acme budget"
    )]
    Add(AddArgs),

    /// Print a static shell completion script (subcommands, flags, analysis names)
    #[command(
        after_help = "For completion of the ledger's own words (deal ids, channels, contacts), \
                            source the script the binary writes itself instead: \
                            `source <(COMPLETE=bash funnel)` (or zsh; fish: `COMPLETE=fish funnel | source`).\n\n\
                            Examples:\n  \
                            funnel completions bash > ~/.local/share/bash-completion/completions/funnel\n  \
                            funnel completions zsh > ~/.zfunc/_funnel        # with fpath+=~/.zfunc before compinit\n  \
                            funnel completions fish > ~/.config/fish/completions/funnel.fish\n  \
                            funnel completions powershell >> $PROFILE"
    )]
    Completions(CompletionsArgs),

    /// Print the man page (roff), or write one page per command to a folder
    #[command(after_help = "Examples:\n  funnel man | man -l -\n  \
                            funnel man --out ~/.local/share/man/man1    then `man funnel`, `man funnel-add`")]
    Man(ManArgs),

    /// Serve the Language Server Protocol on standard input and output: diagnostics as you type in any editor
    #[command(
        after_help = "Editors start it themselves; docs/editors.md has the set-up for Neovim, \
                            VS Code, Helix and Emacs.\n\n\
                            Examples:\n  funnel lsp\n  \
                            funnel lsp --strict"
    )]
    Lsp(LspArgs),
}

#[derive(Args, Debug)]
pub struct FmtArgs {
    #[command(flatten)]
    pub ledger: LedgerArgs,

    /// Write nothing; exit 1 and list the files that are not formatted
    #[arg(long)]
    pub check: bool,

    /// Write nothing; print a unified diff of what would change
    #[arg(long)]
    pub diff: bool,
}

/// Which ledger to read, shared by every subcommand that reads one.
#[derive(Args, Debug, Clone)]
pub struct LedgerArgs {
    /// The ledger file (repeatable); `-` reads standard input. Default:
    /// $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Ledger files, as an alternative to `-f`
    #[arg(value_name = "FILE")]
    pub positional: Vec<PathBuf>,

    /// Judge the ledger as of this date (YYYY-MM-DD); later entries have
    /// not happened yet. Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub ledger: LedgerArgs,

    /// Require every channel and contact to be declared (as `option strict true`)
    #[arg(long)]
    pub strict: bool,

    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,

    /// How to print diagnostics
    #[arg(long, value_enum, default_value_t = DiagnosticFormat::Human)]
    pub format: DiagnosticFormat,

    /// Check again whenever a file of the ledger changes (Ctrl-C to stop)
    #[arg(long)]
    pub watch: bool,

    /// Also run the plugin `funnel-NAME` from PATH and show its diagnostics
    /// (repeatable; see docs/plugins.md)
    #[arg(long = "plugin", value_name = "NAME")]
    pub plugins: Vec<String>,

    /// Stop a plugin that runs longer than this many seconds
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = crate::plugin::parse_timeout)]
    pub plugin_timeout: std::time::Duration,
}

/// `funnel report`. The ledger flags are those of [`LedgerArgs`] without its
/// positional files: here positional words name analyses.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The analyses to run, in this order: built-in ones, or NAME for a
    /// plugin `funnel-NAME` on PATH. Default: every built-in analysis
    #[arg(value_name = "ANALYSIS")]
    pub analyses: Vec<String>,

    /// The ledger file (repeatable); `-` reads standard input. Default:
    /// $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Judge the ledger as of this date (YYYY-MM-DD); later entries have
    /// not happened yet. Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,

    /// First day of the period (inclusive). Default: the beginning
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "period")]
    pub from: Option<NaiveDate>,

    /// Last day of the period (inclusive). Default: the as-of date
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "period")]
    pub to: Option<NaiveDate>,

    /// The period: `2026`, `2026-Q1`, `2026-03`, or `last N days|weeks|months|years`
    /// (ending on the as-of date)
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    pub period: Option<PeriodSpec>,

    /// Keep only this channel and its sub-channels
    #[arg(long, value_name = "CHANNEL", value_hint = ValueHint::Other)]
    pub channel: Option<String>,

    /// Group channels by their first N segments (`platform:upwork` at depth 1 is `platform`)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub depth: Option<u16>,

    /// The length of a row of `trends`
    #[arg(long, value_enum, default_value_t = TrendInterval::Month)]
    pub interval: TrendInterval,

    /// How to print the reports (`csv` takes exactly one analysis).
    /// Default: from the extension of `-o FILE` (`.csv`, `.json`, `.xlsx`,
    /// `.ods`, `.html`, `.txt`), else `table`
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,

    /// Write to this file (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Run the analyses again whenever a file of the ledger changes (Ctrl-C to stop)
    #[arg(long)]
    pub watch: bool,

    /// Stop an external analysis (`funnel-NAME`) that runs longer than this many seconds
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = crate::plugin::parse_timeout)]
    pub plugin_timeout: std::time::Duration,
}

impl ReportArgs {
    /// `--format`, else the one `-o FILE`'s extension names, else a table;
    /// `Err` says why `--format` and the extension cannot both hold.
    pub fn format(&self) -> Result<ReportFormat, String> {
        crate::output::pick_format(
            "funnel report",
            self.format,
            self.output.as_deref(),
            ReportFormat::Table,
            |kind| match kind {
                FileKind::Csv => Some(ReportFormat::Csv),
                FileKind::Json => Some(ReportFormat::Json),
                FileKind::Xlsx => Some(ReportFormat::Xlsx),
                FileKind::Ods => Some(ReportFormat::Ods),
                FileKind::Html => Some(ReportFormat::Html),
                FileKind::Text => Some(ReportFormat::Table),
                FileKind::Markdown => None,
            },
        )
    }

    /// The ledger to read, as the shared [`LedgerArgs`].
    pub fn ledger(&self) -> LedgerArgs {
        LedgerArgs {
            files: self.files.clone(),
            positional: Vec::new(),
            as_of: self.as_of,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// Aligned columns with units, findings underneath, for people
    Table,
    /// One analysis as RFC 4180 CSV, for spreadsheets
    Csv,
    /// An array of reports, for scripts
    Json,
    /// One self-contained page with charts, for a browser or a printer
    Html,
    /// An Excel workbook: a sheet per analysis and one of findings, typed cells (needs `-o FILE` or a pipe)
    Xlsx,
    /// An OpenDocument spreadsheet, laid out as `xlsx` (needs `-o FILE` or a pipe)
    Ods,
}

impl ReportFormat {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ReportFormat::Table => "table",
            ReportFormat::Csv => "csv",
            ReportFormat::Json => "json",
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Ods => "ods",
            ReportFormat::Html => "html",
        }
    }
}

/// `--interval` of `funnel report trends`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrendInterval {
    /// ISO weeks, Monday to Sunday
    Week,
    Month,
    Quarter,
}

impl TrendInterval {
    pub fn interval(self) -> funnel_analysis::Interval {
        match self {
            TrendInterval::Week => funnel_analysis::Interval::Week,
            TrendInterval::Month => funnel_analysis::Interval::Month,
            TrendInterval::Quarter => funnel_analysis::Interval::Quarter,
        }
    }
}

/// `funnel review`: the ledger flags of `report`, a period that defaults to
/// the last 12 months, and a format.
#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The ledger file (repeatable); `-` reads standard input. Default:
    /// $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Judge the ledger as of this date (YYYY-MM-DD); later entries have
    /// not happened yet. Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,

    /// The period under review: `2026`, `2026-Q1`, `2026-03`, or `last N
    /// days|weeks|months|years` (ending on the as-of date)
    #[arg(long, value_name = "PERIOD", value_parser = parse_period, default_value = "last 12 months")]
    pub period: PeriodSpec,

    /// How to print the review. Default: from the extension of `-o FILE`
    /// (`.md`, `.html`, `.txt`), else `table`
    #[arg(long, value_enum)]
    pub format: Option<ReviewFormat>,

    /// Write an anonymised summary of the period instead (`funnel.summary/1`
    /// JSON: figures only, no names of deals, clients, contacts or
    /// sub-channels), to compare with peers' (`funnel compare`)
    #[arg(long, conflicts_with = "format")]
    pub share: bool,

    /// With `--share`: leave out the currency and every amount (counts,
    /// ratios, days and months stay)
    #[arg(long, requires = "share")]
    pub no_money: bool,

    /// Write to this file (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Words after `review` (it takes none): caught to say how to name a
    /// ledger when one is a file or `-`
    #[arg(value_name = "WORD", hide = true)]
    pub stray: Vec<String>,
}

impl ReviewArgs {
    /// `--format`, else the one `-o FILE`'s extension names, else text;
    /// `Err` says why `--format` and the extension cannot both hold.
    pub fn format(&self) -> Result<ReviewFormat, String> {
        crate::output::pick_format(
            "funnel review",
            self.format,
            self.output.as_deref(),
            ReviewFormat::Table,
            |kind| match kind {
                FileKind::Markdown => Some(ReviewFormat::Markdown),
                FileKind::Html => Some(ReviewFormat::Html),
                FileKind::Text => Some(ReviewFormat::Table),
                FileKind::Csv | FileKind::Json | FileKind::Xlsx | FileKind::Ods => None,
            },
        )
    }

    /// The ledger to read, as the shared [`LedgerArgs`].
    pub fn ledger(&self) -> LedgerArgs {
        LedgerArgs {
            files: self.files.clone(),
            positional: Vec::new(),
            as_of: self.as_of,
        }
    }
}

/// `funnel compare`: summaries, a format and where to write.
#[derive(Args, Debug)]
pub struct CompareArgs {
    /// The summaries to compare, one column each (`funnel review --share`
    /// writes them)
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,

    /// How to print the comparison. Default: from the extension of `-o
    /// FILE` (`.csv`, `.json`, `.txt`), else `table`
    #[arg(long, value_enum)]
    pub format: Option<CompareFormat>,

    /// Write to this file (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `--format` of `funnel compare`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompareFormat {
    /// A column per person and the group's median, with standings, for people
    Table,
    /// One row per figure, RFC 4180, for spreadsheets
    Csv,
    /// The comparison as one object, for scripts
    Json,
}

impl CompareArgs {
    /// `--format`, else the one `-o FILE`'s extension names, else a table;
    /// `Err` says why `--format` and the extension cannot both hold.
    pub fn format(&self) -> Result<CompareFormat, String> {
        crate::output::pick_format(
            "funnel compare",
            self.format,
            self.output.as_deref(),
            CompareFormat::Table,
            |kind| match kind {
                FileKind::Csv => Some(CompareFormat::Csv),
                FileKind::Json => Some(CompareFormat::Json),
                FileKind::Text => Some(CompareFormat::Table),
                FileKind::Markdown | FileKind::Xlsx | FileKind::Ods | FileKind::Html => None,
            },
        )
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewFormat {
    /// Plain text with sparklines, for the terminal
    Table,
    /// The same as Markdown, to paste into notes or a repository
    Markdown,
    /// One self-contained page with charts, for a browser or a printer
    Html,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiagnosticFormat {
    /// Source snippets with labels and help, for people
    Human,
    /// One line each: `file:line:col: severity[code]: message`, for editors
    Short,
    /// A JSON array, for scripts
    Json,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// What to export: one row per deal, dated entry, channel or contact
    #[arg(value_enum, value_name = "WHAT")]
    pub what: ExportWhat,

    /// The ledger file (repeatable); `-` reads standard input. Default:
    /// $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Judge the ledger as of this date (YYYY-MM-DD); later entries have
    /// not happened yet. Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,

    /// First day of the period (inclusive): deals by lead date, entries by date
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "period")]
    pub from: Option<NaiveDate>,

    /// Last day of the period (inclusive). Default: the as-of date
    #[arg(long, value_name = "DATE", value_parser = parse_date, conflicts_with = "period")]
    pub to: Option<NaiveDate>,

    /// The period: `2026`, `2026-Q1`, `2026-03`, or `last N days|weeks|months|years`
    #[arg(long, value_name = "PERIOD", value_parser = parse_period)]
    pub period: Option<PeriodSpec>,

    /// Keep only this channel and its sub-channels
    #[arg(long, value_name = "CHANNEL", value_hint = ValueHint::Other)]
    pub channel: Option<String>,

    /// CSV (RFC 4180), JSON (an array of objects with the same keys), or a
    /// typed spreadsheet (xlsx, ods). Default: from the extension of `-o
    /// FILE` (`.csv`, `.json`, `.xlsx`, `.ods`), else CSV for the tables
    /// and JSON for `ledger`
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,

    /// Write to this file (atomically) instead of standard output
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl ExportArgs {
    /// The format asked for, else the one `-o FILE`'s extension names, else
    /// the natural one for what is exported; `Err` says why `--format` and
    /// the extension cannot both hold.
    pub fn format(&self) -> Result<ExportFormat, String> {
        let natural = if self.what == ExportWhat::Ledger {
            ExportFormat::Json
        } else {
            ExportFormat::Csv
        };
        crate::output::pick_format(
            "funnel export",
            self.format,
            self.output.as_deref(),
            natural,
            |kind| match kind {
                FileKind::Csv => Some(ExportFormat::Csv),
                FileKind::Json => Some(ExportFormat::Json),
                FileKind::Xlsx => Some(ExportFormat::Xlsx),
                FileKind::Ods => Some(ExportFormat::Ods),
                FileKind::Markdown | FileKind::Html | FileKind::Text => None,
            },
        )
    }

    /// The ledger to read, as the shared [`LedgerArgs`].
    pub fn ledger(&self) -> LedgerArgs {
        LedgerArgs {
            files: self.files.clone(),
            positional: Vec::new(),
            as_of: self.as_of,
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportWhat {
    Deals,
    Entries,
    Channels,
    Contacts,
    /// The whole ledger as one JSON document (`funnel.ledger/1`), as plugins read it (`--format json` only)
    Ledger,
    /// The four tables as the sheets of one workbook (`--format xlsx` or `ods` only)
    All,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
    /// An Excel workbook with typed cells (needs `-o FILE` or a pipe)
    Xlsx,
    /// An OpenDocument spreadsheet with typed cells (needs `-o FILE` or a pipe)
    Ods,
}

impl ExportFormat {
    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Ods => "ods",
        }
    }

    /// Whether the format is a binary spreadsheet.
    pub fn is_sheet(self) -> bool {
        matches!(self, ExportFormat::Xlsx | ExportFormat::Ods)
    }
}

pub fn parse_period(text: &str) -> Result<PeriodSpec, String> {
    PeriodSpec::parse(text).map_err(|err| err.to_string())
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("`{text}` is not a date: expected YYYY-MM-DD"))
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Where to write the starter ledger (a folder gets `pipeline.funnel`
    /// in it). Default: $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
}

/// `funnel add`. The ledger flags are those of [`LedgerArgs`] without its
/// positional files: here positional words make the entry.
#[derive(Args, Debug)]
pub struct AddArgs {
    /// The entry without its date: a verb and its words, as in the file
    #[arg(value_name = "ENTRY", required = true, num_args = 1.., allow_negative_numbers = true)]
    pub words: Vec<String>,

    /// The entry's date (YYYY-MM-DD). Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<NaiveDate>,

    /// Append to this file of the ledger (one it includes) instead of the
    /// top-level file
    #[arg(long, value_name = "FILE")]
    pub to: Option<PathBuf>,

    /// A metadata line under the entry (repeatable), like `--meta rating=4`
    /// or `--meta lesson="ask for a notice period"`; `KEY: VALUE` words
    /// after the entry do the same
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,

    /// The ledger file (repeatable; the entry goes to the first). Default:
    /// $FUNNEL_FILE, else ./pipeline.funnel
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Check the ledger as of this date (YYYY-MM-DD). Default: today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}

impl AddArgs {
    /// The ledger to read, as the shared [`LedgerArgs`].
    pub fn ledger(&self) -> LedgerArgs {
        LedgerArgs {
            files: self.files.clone(),
            positional: Vec::new(),
            as_of: self.as_of,
        }
    }
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct ManArgs {
    /// Write `funnel.1` and a page per subcommand (`funnel-add.1`, …) into
    /// this folder instead of printing `funnel.1`
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct LspArgs {
    /// Require every channel and contact to be declared (as `option strict true`)
    #[arg(long)]
    pub strict: bool,

    /// Judge the ledgers as of this date (YYYY-MM-DD). Default: today, at
    /// each check
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
}
