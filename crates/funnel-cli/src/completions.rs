//! `funnel completions` and `funnel man`: shell completion scripts and the
//! man page, both generated from the clap definitions in [`crate::cli`], so
//! they never fall behind the commands.

use std::io::Write;

use anyhow::{Context, Result};
use clap::builder::PossibleValuesParser;
use clap::CommandFactory;
use clap_complete::Shell;
use funnel_analysis::ANALYSES;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::exit;

/// The command line as clap sees it, with the analysis names attached to
/// `funnel report`'s positional argument so that shells complete them. The
/// names are attached here only: `report` itself keeps its own message for
/// an unknown analysis.
pub fn command() -> clap::Command {
    let names: Vec<&'static str> = ANALYSES.iter().map(|a| a.name()).collect();
    let mut cmd = Cli::command();
    if cmd
        .find_subcommand("report")
        .is_some_and(|report| report.get_arguments().any(|a| a.get_id() == "analyses"))
    {
        cmd = cmd.mut_subcommand("report", |report| {
            report.mut_arg("analyses", |arg| {
                arg.value_parser(PossibleValuesParser::new(names))
            })
        });
    }
    cmd
}

pub fn completions(args: &CompletionsArgs) -> Result<u8> {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "funnel", &mut script);
    let script = with_analysis_names(args.shell, String::from_utf8_lossy(&script).into_owned());
    let mut out = std::io::stdout().lock();
    out.write_all(script.as_bytes())?;
    out.flush()?;
    Ok(exit::OK)
}

/// Bash and zsh scripts complete the analysis names from the possible
/// values of [`command`]; clap_complete leaves the values of positional
/// arguments out of the fish, PowerShell and Elvish scripts, so they are
/// added here, each with its description.
fn with_analysis_names(shell: Shell, mut script: String) -> String {
    let analyses = || ANALYSES.iter().map(|a| (a.name(), a.description()));
    match shell {
        Shell::Fish => {
            for (name, description) in analyses() {
                script.push_str(&format!(
                    "complete -c funnel -n \"__fish_funnel_using_subcommand report\" -f -a \"{name}\" -d '{}'\n",
                    description.replace('\\', "\\\\").replace('\'', "\\'")
                ));
            }
        }
        Shell::PowerShell => {
            let lines: String = analyses()
                .map(|(name, description)| {
                    format!(
                        "            [CompletionResult]::new('{name}', '{name}', [CompletionResultType]::ParameterValue, '{}')\n",
                        description.replace('\'', "''")
                    )
                })
                .collect();
            insert_into_block(
                &mut script,
                "        'funnel;report' {\n",
                "            break\n",
                &lines,
            );
        }
        Shell::Elvish => {
            let lines: String = analyses()
                .map(|(name, description)| {
                    format!(
                        "            cand {name} '{}'\n",
                        description.replace('\'', "''")
                    )
                })
                .collect();
            insert_into_block(
                &mut script,
                "        &'funnel;report'= {\n",
                "        }\n",
                &lines,
            );
        }
        _ => {}
    }
    script
}

/// Inserts `lines` before the first `end` after `start` in `script`; leaves
/// the script alone if the generator's layout has changed.
fn insert_into_block(script: &mut String, start: &str, end: &str, lines: &str) {
    if let Some(block) = script.find(start) {
        if let Some(at) = script[block..].find(end) {
            script.insert_str(block + at, lines);
        }
    }
}

pub fn man(args: &ManArgs) -> Result<u8> {
    let cmd = command();
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            // `funnel help` is no page of its own (as in `generate_to`).
            render_main_page(cmd.disable_help_subcommand(true), &mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            clap_mangen::generate_to(cmd.clone(), dir)
                .with_context(|| format!("cannot write man pages to `{}`", dir.display()))?;
            // `funnel.1` again, with the sections clap_mangen does not write.
            let main = dir.join("funnel.1");
            crate::fmt::write_atomically_with(&main, |out| {
                render_main_page(cmd.disable_help_subcommand(true), out)
            })
            .with_context(|| format!("cannot write `{}`", main.display()))?;
            eprintln!(
                "wrote funnel.1 and a page per subcommand to {}",
                dir.display()
            );
        }
    }
    Ok(exit::OK)
}

/// `funnel.1`: clap_mangen's sections, then ENVIRONMENT, EXIT STATUS and
/// EXAMPLES (in place of the help's "Examples:" text, which clap_mangen
/// would put under EXTRA).
fn render_main_page(cmd: clap::Command, out: &mut dyn Write) -> Result<()> {
    use clap_mangen::roff::{bold, roman, Roff};
    let man = clap_mangen::Man::new(cmd);
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;

    let mut roff = Roff::new();
    let tagged = |roff: &mut Roff, tag: &str, text: &str| {
        roff.control("TP", []).text([bold(tag)]).text([roman(text)]);
    };
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, text) in ENVIRONMENT {
        tagged(&mut roff, name, text);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, text) in EXIT_STATUS {
        tagged(&mut roff, code, text);
    }
    roff.control("SH", ["EXAMPLES"]);
    for (command, text) in EXAMPLES {
        tagged(&mut roff, command, text);
    }
    roff.to_writer(out)?;
    man.render_version_section(out)?;
    Ok(())
}

/// The environment variables funnel reads, for the man page.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "FUNNEL_FILE",
        "The ledger to read when no -f FILE is given (else ./pipeline.funnel).",
    ),
    (
        "NO_COLOR",
        "Set to anything but the empty string: no colour, unless --color always.",
    ),
    (
        "CLICOLOR_FORCE",
        "Set to anything but the empty string or 0: colour even when the output is not a terminal, \
         unless NO_COLOR is set or --color never.",
    ),
    (
        "TERM",
        "dumb (or unset): no colour with --color auto.",
    ),
    (
        "COLUMNS",
        "The width of tables and diagnostics; else the terminal's width, else 100 when the output is not a terminal.",
    ),
    (
        "COMPLETE",
        "Set to bash, zsh, fish, elvish or powershell: funnel prints the shell's completion script \
         (source <(COMPLETE=bash funnel)), or, called by that script, the candidates for the word \
         being completed, taken from the ledger on the line, and exits.",
    ),
    (
        "FUNNEL_TIMINGS",
        "Set to 1: print the time of each phase of reading the ledger and of each analysis to standard error.",
    ),
];

/// The exit codes of [`crate::exit`], and a crash's.
const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "Success: no errors (warnings allowed). Also when the reader of the output closes it early (funnel ... | head).",
    ),
    (
        "1",
        "The ledger has errors (or warnings, with --deny-warnings), so nothing was analysed, exported or written; \
         or fmt --check found files that are not formatted.",
    ),
    (
        "2",
        "A usage or I/O problem: a bad flag or argument, a file that cannot be read or written.",
    ),
    (
        "3",
        "A plugin (funnel-NAME on PATH) failed, hung or answered with something funnel cannot read.",
    ),
    (
        "101",
        "funnel crashed: a bug in funnel, never a problem of the ledger; please report it with the ledger that caused it.",
    ),
];

const EXAMPLES: &[(&str, &str)] = &[
    (
        "funnel check",
        "Check ./pipeline.funnel: every problem at once, with source snippets.",
    ),
    (
        "funnel check --format github",
        "Annotations on a pull request in GitHub Actions, then a summary notice.",
    ),
    (
        "funnel report -f examples/freelancer.funnel --as-of 2026-11-26",
        "Every analysis of the example ledger as tables, judged as of a fixed day.",
    ),
    (
        "funnel report channels --period 2026-Q1 -o channels.csv",
        "One analysis as CSV, the format taken from the file's extension.",
    ),
    (
        "funnel review -o review.md",
        "The last 12 months on one page, as Markdown.",
    ),
    (
        "funnel export deals -o deals.json",
        "One JSON object per deal.",
    ),
    (
        "funnel fmt --check",
        "Exit 1 when a file of the ledger is not in its canonical layout.",
    ),
    (
        "cat pipeline.funnel | funnel check -f -",
        "Read the ledger from standard input.",
    ),
];
