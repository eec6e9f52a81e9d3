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
            clap_mangen::Man::new(cmd.disable_help_subcommand(true)).render(&mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create `{}`", dir.display()))?;
            clap_mangen::generate_to(cmd, dir)
                .with_context(|| format!("cannot write man pages to `{}`", dir.display()))?;
            eprintln!(
                "wrote funnel.1 and a page per subcommand to {}",
                dir.display()
            );
        }
    }
    Ok(exit::OK)
}
