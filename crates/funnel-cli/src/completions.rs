//! `funnel completions` and `funnel man`: shell completion scripts and the
//! man page, both generated from the clap definitions in [`crate::cli`], so
//! they never fall behind the commands.

use std::io::Write;

use anyhow::{Context, Result};
use clap::builder::PossibleValuesParser;
use clap::CommandFactory;
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
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "funnel", &mut out);
    out.flush()?;
    Ok(exit::OK)
}

pub fn man(args: &ManArgs) -> Result<u8> {
    let cmd = command();
    match &args.out {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
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
