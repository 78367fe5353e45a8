//! What every subcommand shares: opening the bundle, parsing the choices, exit statuses
//! (cli.md, "Exit status") and writing the output.

use super::{EXIT_FAILURE, EXIT_USAGE};
use crate::core::bundle::{self, Bundle, Level};
use crate::core::derive::{self, Comparison, ControlSelection, DeriveError, Outcome, PanelSpec};
use std::path::Path;
use std::process::ExitCode;

/// Prints `message` on stderr and returns `code` (cli.md, "Exit status").
pub(super) fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("wirkung: {message}");
    ExitCode::from(code)
}

/// Writes the command's output; a reader that went away (`| head`) ends the command quietly
/// instead of a panic, and any other write error is reported (exit 1).
pub(super) fn emit(text: &str) -> ExitCode {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(EXIT_FAILURE, format!("cannot write the output: {e}")),
    }
}

/// The user's choices, parsed and checked against what the data can support; `Err` is the
/// exit code after the message was printed.
pub(super) fn parse_choices(
    outcome: &str,
    comparison: &str,
    level: &str,
    controls: &str,
) -> Result<(Outcome, Comparison, Level, ControlSelection), ExitCode> {
    let usage = |e: String| fail(EXIT_USAGE, e);
    let outcome: Outcome = outcome.parse().map_err(usage)?;
    let comparison: Comparison = comparison.parse().map_err(usage)?;
    let level = derive::parse_level(level).map_err(usage)?;
    let controls: ControlSelection = controls.parse().map_err(usage)?;
    derive::check_supported(outcome, comparison, level).map_err(|e| {
        fail(
            EXIT_USAGE,
            format!(
                "{} with {} at {} level is not supported: {e}",
                outcome,
                comparison,
                level_id(level)
            ),
        )
    })?;
    Ok((outcome, comparison, level, controls))
}

fn level_id(level: Level) -> &'static str {
    match level {
        Level::District => "district",
        Level::Municipality => "municipality",
    }
}

/// Opens the bundle; a bundle that cannot be opened is exit status 1.
pub(super) fn open(path: &Path) -> Result<Bundle, ExitCode> {
    bundle::load(path).map_err(|e| fail(EXIT_FAILURE, e))
}

/// A panel that cannot be built: a bad choice is usage (2), missing or empty data is 1.
pub(super) fn derive_failure(e: DeriveError) -> ExitCode {
    match e {
        DeriveError::Unsupported(_) | DeriveError::UnknownControl(_) => fail(EXIT_USAGE, e),
        DeriveError::MissingTable { .. } | DeriveError::Empty(_) => fail(EXIT_FAILURE, e),
    }
}

/// The panel spec for the parsed choices, with the manifest's rules.
pub(super) fn spec(
    bundle: &Bundle,
    choices: (Outcome, Comparison, Level, ControlSelection),
) -> PanelSpec {
    let (outcome, comparison, level, controls) = choices;
    PanelSpec {
        outcome,
        comparison,
        level,
        controls,
        rules: bundle.manifest.rules.clone(),
    }
}
