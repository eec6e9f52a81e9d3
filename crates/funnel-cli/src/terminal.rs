//! What the terminal is like: whether to colour, and how wide to lay out.
//! The one place that reads `--color`, `NO_COLOR`, `CLICOLOR_FORCE`,
//! `TERM` and `COLUMNS`, and asks whether a stream is a terminal.
//!
//! `--color` is a global flag read once in `main`; it is kept in a
//! process-wide cell rather than passed down because the renderers that
//! need it (diagnostics, tables, the review) are reached from every
//! command, and it never changes during a run.

use std::io::IsTerminal;
use std::sync::OnceLock;

use crate::cli::ColorChoice;

static CHOICE: OnceLock<ColorChoice> = OnceLock::new();

/// Records `--color` for the rest of the run (the first call wins).
pub fn set_choice(choice: ColorChoice) {
    let _ = CHOICE.set(choice);
}

/// Whether to colour what goes to standard output.
pub fn colour_stdout() -> bool {
    colour(std::io::stdout().is_terminal())
}

/// Whether to colour what goes to standard error.
pub fn colour_stderr() -> bool {
    colour(std::io::stderr().is_terminal())
}

/// Whether to colour a stream that is (or is not) a terminal, by
/// [`decide`] over `--color` and the environment.
pub fn colour(terminal: bool) -> bool {
    let choice = CHOICE.get().copied().unwrap_or(ColorChoice::Auto);
    decide(choice, &Env::read(), terminal)
}

/// The environment variables that bear on colour.
#[derive(Clone, Copy, Debug, Default)]
pub struct Env {
    /// `NO_COLOR` is set to something other than the empty string.
    pub no_color: bool,
    /// `CLICOLOR_FORCE` is set to something other than the empty string
    /// and `0`.
    pub clicolor_force: bool,
    /// `TERM` is set and is not `dumb`.
    pub term_supports_colour: bool,
}

impl Env {
    pub fn read() -> Env {
        // anstyle-query's `clicolor_force` counts `CLICOLOR_FORCE=0` as
        // forcing colour; the convention (bixense.com/clicolors) is that
        // `0` does not.
        let clicolor_force =
            std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
        Env {
            no_color: anstyle_query::no_color(),
            clicolor_force,
            term_supports_colour: anstyle_query::term_supports_color(),
        }
    }
}

/// ripgrep's order: `--color never`, then `--color always`, then
/// `NO_COLOR`, then `CLICOLOR_FORCE`, then a terminal whose `TERM` is set
/// and not `dumb`.
pub fn decide(choice: ColorChoice, env: &Env, terminal: bool) -> bool {
    match choice {
        ColorChoice::Never => false,
        ColorChoice::Always => true,
        ColorChoice::Auto if env.no_color => false,
        ColorChoice::Auto if env.clicolor_force => true,
        ColorChoice::Auto => terminal && env.term_supports_colour,
    }
}

/// The width to lay out standard output in: `COLUMNS` when it is set to a
/// number (tests and scripts fix it this way), else the terminal's width
/// when standard output is one, else 100.
pub fn width() -> usize {
    columns()
        .or_else(|| {
            let stdout = std::io::stdout();
            if !stdout.is_terminal() {
                return None;
            }
            terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0))
        })
        .unwrap_or(100)
}

/// The width to lay out a file in (`-o FILE`): `COLUMNS` when it is set,
/// else 100, whatever the terminal.
pub fn file_width() -> usize {
    columns().unwrap_or(100)
}

fn columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules_in_ripgreps_order() {
        let plain = Env {
            term_supports_colour: true,
            ..Env::default()
        };
        let no_color = Env {
            no_color: true,
            ..plain
        };
        let force = Env {
            clicolor_force: true,
            ..plain
        };
        let both = Env {
            no_color: true,
            clicolor_force: true,
            ..plain
        };
        let dumb = Env {
            term_supports_colour: false,
            ..Env::default()
        };
        use ColorChoice::{Always, Auto, Never};
        // `never` beats everything, `always` everything else.
        assert!(!decide(Never, &force, true));
        assert!(decide(Always, &no_color, false));
        assert!(decide(Always, &dumb, false));
        // NO_COLOR beats CLICOLOR_FORCE, which beats a pipe.
        assert!(!decide(Auto, &both, true));
        assert!(!decide(Auto, &no_color, true));
        assert!(decide(Auto, &force, false));
        // Otherwise: a terminal whose TERM is not `dumb`.
        assert!(decide(Auto, &plain, true));
        assert!(!decide(Auto, &plain, false));
        assert!(!decide(Auto, &dumb, true));
    }
}
