//! What every subcommand shares: the typed choices, opening the bundle, exit statuses
//! (cli.md, "Exit status") as one error type, and writing the output.

use crate::core::bundle::{self, Bundle, BundleError, Level};
use crate::core::choices::Choices;
use crate::core::derive::{
    self, ChoiceParseError, Comparison, ControlSelection, DeriveError, Outcome,
};
use crate::core::estimate::VarianceType;
use crate::core::export::{ChartError, ExportError};
use crate::core::robust::RobustError;
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

/// Exit status 2: bad usage or a combination the data cannot support (cli.md).
pub const EXIT_USAGE: u8 = 2;
/// Exit status 1: the bundle has errors, or estimation failed.
pub const EXIT_FAILURE: u8 = 1;

/// A command that failed: what to print on stderr and the exit status (cli.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// Bad usage or a combination the data cannot support (exit status 2).
    pub fn usage(message: impl std::fmt::Display) -> CliError {
        CliError {
            code: EXIT_USAGE,
            message: message.to_string(),
        }
    }

    /// The bundle cannot be read, or estimation failed (exit status 1).
    pub fn failure(message: impl std::fmt::Display) -> CliError {
        CliError {
            code: EXIT_FAILURE,
            message: message.to_string(),
        }
    }

    /// Prints the message on stderr and gives the exit status.
    pub fn report(&self) -> ExitCode {
        eprintln!("wirkung: {}", self.message);
        ExitCode::from(self.code)
    }
}

/// A panel that cannot be built: a bad choice is usage (2), missing or empty data is 1.
impl From<DeriveError> for CliError {
    fn from(e: DeriveError) -> CliError {
        match e {
            DeriveError::Unsupported(_) | DeriveError::UnknownControl(_) => CliError::usage(e),
            DeriveError::MissingTable { .. } | DeriveError::Empty(_) => CliError::failure(e),
        }
    }
}

impl From<RobustError> for CliError {
    fn from(e: RobustError) -> CliError {
        match e {
            RobustError::Derive(d) => d.into(),
            e if e.is_usage() => CliError::usage(e),
            e => CliError::failure(e),
        }
    }
}

impl From<ExportError> for CliError {
    fn from(e: ExportError) -> CliError {
        match e {
            ExportError::Derive(d) => d.into(),
            // Nothing to draw (a check that does not apply) or a --scale out of range: the
            // request, not the program, is at fault.
            e @ ExportError::Render(ChartError::NothingToDraw(_) | ChartError::Scale(_)) => {
                CliError::usage(e)
            }
            e => CliError::failure(e),
        }
    }
}

/// What a command gives back: an exit status (0 or `check`'s 1) or the error to report.
pub type CliResult = Result<ExitCode, CliError>;

/// The analysis choices of `panel`, `estimate`, `trends` and `robustness` (cli.md), parsed by
/// clap into core's types: a misspelt value is clap's usage error (exit status 2).
#[derive(Debug, Clone, clap::Args)]
pub struct ChoiceArgs {
    #[arg(long, value_enum)]
    pub outcome: Outcome,
    #[arg(long, value_enum)]
    pub comparison: Comparison,
    #[arg(long, value_enum, default_value_t = Level::District)]
    pub level: Level,
    /// all, none, or a comma-separated list of control columns.
    #[arg(long, default_value = "all", value_parser = parse_controls)]
    pub controls: ControlSelection,
    /// Early-start cutoff (default: the bundle's rule), as the dashboard's `[` and `]` move it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<NaiveDate>,
}

/// The estimate's own options beside the choices.
#[derive(Debug, Clone, clap::Args)]
pub struct EstimateArgs {
    #[arg(long, value_enum, default_value_t = VarianceType::Hc1)]
    pub se: VarianceType,
    #[arg(long)]
    pub unweighted: bool,
}

fn parse_controls(s: &str) -> Result<ControlSelection, ChoiceParseError> {
    s.parse()
}

impl ChoiceArgs {
    /// Whether the data can support the combination at all (checked before the bundle is
    /// read, so a bad combination is a usage error whatever the bundle).
    pub fn supported(&self) -> Result<(), CliError> {
        supported(self.outcome, self.comparison, self.level)
    }

    /// The choices for `bundle`.
    pub fn choices(&self, bundle: &Bundle) -> Result<Choices, CliError> {
        choices(
            bundle,
            (self.outcome, self.comparison, self.level),
            &self.controls,
            self.cutoff,
        )
    }
}

/// A combination the data cannot support is a usage error naming why.
pub fn supported(outcome: Outcome, comparison: Comparison, level: Level) -> Result<(), CliError> {
    derive::check_supported(outcome, comparison, level).map_err(|e| {
        CliError::usage(format!(
            "{outcome} with {comparison} at {level} level is not supported: {e}"
        ))
    })
}

/// Choices from the parsed arguments; every named control must be declared (usage error).
pub fn choices(
    bundle: &Bundle,
    (outcome, comparison, level): (Outcome, Comparison, Level),
    controls: &ControlSelection,
    cutoff: Option<NaiveDate>,
) -> Result<Choices, CliError> {
    let mut choices = Choices {
        level,
        ..Choices::new(bundle, outcome, comparison)
    };
    choices.select_controls(bundle, controls)?;
    if let Some(c) = cutoff {
        choices.cutoff = c;
    }
    Ok(choices)
}

/// Opens the bundle: a path that is no bundle is usage (2), a bundle whose `bundle.toml`
/// cannot be read is 1 (see `open_error`).
pub fn open(path: &Path) -> Result<Bundle, CliError> {
    bundle::load(path).map_err(|e| open_error(path, e, WHAT_TO_DO))
}

/// What a user can do when a subcommand's path is no bundle.
const WHAT_TO_DO: &str = "Give the path of a bundle directory (one holding bundle.toml); `wirkung sample --out DIR` writes the shipped sample.";

/// Why `path` cannot be opened, in one or two plain lines that name it and say what to do
/// (`what_to_do` differs between the dashboard and the subcommands). A path that is not a
/// bundle at all is a usage error (2); a bundle whose manifest is broken is 1, with a pointer
/// to `wirkung check`.
pub fn open_error(path: &Path, e: BundleError, what_to_do: &str) -> CliError {
    let shown = path.display();
    match e {
        BundleError::NotADirectory { .. } if path.is_file() => CliError::usage(format!(
            "{shown} is a file, not a bundle (a bundle is a directory holding bundle.toml).\n  {what_to_do}"
        )),
        BundleError::NotADirectory { .. } => {
            CliError::usage(format!("{shown}: no such directory.\n  {what_to_do}"))
        }
        BundleError::Manifest { .. } if !path.join("bundle.toml").exists() => CliError::usage(
            format!("{shown} is not a bundle: it holds no bundle.toml.\n  {what_to_do}"),
        ),
        e => CliError::failure(format!(
            "{e}\n  `wirkung check {shown}` lists what is wrong."
        )),
    }
}

/// Writes the command's output; a reader that went away (`| head`) ends the command quietly
/// instead of a panic, and any other write error is reported (exit 1).
pub fn emit(text: &str) -> CliResult {
    emit_bytes(text.as_bytes())
}

/// `emit` for bytes (an exported PNG on standard output).
pub fn emit_bytes(bytes: &[u8]) -> CliResult {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(CliError::failure(format!("cannot write the output: {e}"))),
    }
}
