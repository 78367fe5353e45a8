//! `wirkung robustness`: one check of core::robust, rendered from its view (`core::view::
//! robust`) as text or CSV, or its result as JSON (cli.md).

use super::common::{ChoiceArgs, CliError, CliResult, emit, open};
use crate::core::period::Month;
use crate::core::robust::honest::{Restriction, Target};
use crate::core::robust::{self, BootstrapWeights, Check, Frequency, RobustOptions};
use crate::core::view::robust::CheckView;
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RobustnessArgs {
    pub bundle: PathBuf,
    #[arg(long, value_enum)]
    pub check: Check,
    #[command(flatten)]
    pub choices: ChoiceArgs,
    /// Draw budget of randomization inference and the wild bootstrap.
    #[arg(long, default_value_t = RobustOptions::default().draws)]
    pub draws: usize,
    #[arg(long, default_value_t = RobustOptions::default().seed)]
    pub seed: u64,
    /// Wild bootstrap multipliers: auto (Webb below 12 clusters, else Rademacher).
    #[arg(long, value_enum, default_value_t = RobustOptions::default().bootstrap_weights)]
    pub weights: BootstrapWeights,
    /// Placebo base month (YYYY-MM).
    #[arg(long, default_value_t = RobustOptions::default().placebo_base)]
    pub placebo_base: Month,
    /// Placebo end month (YYYY-MM).
    #[arg(long, default_value_t = RobustOptions::default().placebo_end)]
    pub placebo_end: Month,
    /// Event study in quarters instead of months.
    #[arg(long)]
    pub quarterly: bool,
    /// Frequency of the pre-trend power check's event study (quarterly: clustered test
    /// estimable with few districts).
    #[arg(long, value_enum, default_value_t = RobustOptions::default().pretrend_frequency)]
    pub pretrend_frequency: Frequency,
    /// HonestDiD restriction: rm (relative magnitudes) or sd (smoothness).
    #[arg(long, default_value = "rm", value_parser = |s: &str| s.parse::<Restriction>().map_err(|e| e.to_string()))]
    pub restriction: Restriction,
    /// HonestDiD target: average (of the post-period coefficients) or e=K.
    #[arg(long, default_value = "average", value_parser = |s: &str| s.parse::<Target>().map_err(|e| e.to_string()))]
    pub target: Target,
    /// Placebo draws behind the synthetic DiD's standard error (R synthdid draws 200).
    #[arg(long, default_value_t = RobustOptions::default().sdid_placebos)]
    pub placebos: usize,
    #[arg(long)]
    pub unweighted: bool,
    #[arg(long, value_enum, default_value_t = RobustFormat::Text)]
    pub format: RobustFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RobustFormat {
    Text,
    Json,
    Csv,
}

/// Upper bound of --draws: beyond it the Monte Carlo error is far below anything the data can
/// tell, and the wild bootstrap keeps all multipliers in memory.
const MAX_DRAWS: usize = 1_000_000;
/// Upper bound of --placebos: each re-solves two weight problems (seconds per hundred).
const MAX_PLACEBOS: usize = 10_000;

fn options(args: &RobustnessArgs) -> Result<RobustOptions, CliError> {
    if !(1..=MAX_DRAWS).contains(&args.draws) {
        return Err(CliError::usage(format!(
            "--draws must be between 1 and {MAX_DRAWS} (got {})",
            args.draws
        )));
    }
    if !(2..=MAX_PLACEBOS).contains(&args.placebos) {
        return Err(CliError::usage(format!(
            "--placebos must be between 2 and {MAX_PLACEBOS} (got {})",
            args.placebos
        )));
    }
    Ok(RobustOptions {
        weighted: !args.unweighted,
        draws: args.draws,
        seed: args.seed,
        bootstrap_weights: args.weights,
        placebo_base: args.placebo_base,
        placebo_end: args.placebo_end,
        frequency: if args.quarterly {
            Frequency::Quarterly
        } else {
            Frequency::Monthly
        },
        pretrend_frequency: args.pretrend_frequency,
        honest_restriction: args.restriction,
        honest_target: args.target,
        sdid_placebos: args.placebos,
    })
}

pub fn run(args: RobustnessArgs) -> CliResult {
    let options = options(&args)?;
    args.choices.supported()?;
    let bundle = open(&args.bundle)?;
    let mut choices = args.choices.choices(&bundle)?;
    choices.weighted = options.weighted;
    choices.robust = options;
    let result = robust::run(
        args.check,
        &bundle,
        &choices.spec(&bundle),
        &choices.robust_options(),
    )
    .map_err(|e| match CliError::from(e) {
        CliError { code, message } if code == super::EXIT_USAGE => CliError::usage(format!(
            "{} with {} is not supported: {message}",
            args.check, choices.outcome
        )),
        CliError { message, .. } => CliError::failure(format!("{}: {message}", args.check)),
    })?;
    let view = CheckView::new(args.check, Ok(&result));
    emit(&match args.format {
        RobustFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&result).map_err(CliError::failure)?
        ),
        RobustFormat::Csv => view
            .shown
            .map(|s| s.table.csv())
            .map_err(CliError::failure)?,
        RobustFormat::Text => text(&view),
    })
}

/// The check as the page shows it, then its numbers in full.
fn text(view: &CheckView) -> String {
    let mut out = format!("{}\nHow to read: {}\n\n", view.question, view.how_to_read);
    match &view.shown {
        Ok(s) => {
            let _ = writeln!(out, "{}: {}; {}", view.name, s.headline, s.inference);
            let _ = writeln!(out, "{}", s.statistic);
            let _ = writeln!(out, "Reading: {}", s.reading);
            for w in &s.warnings {
                let _ = writeln!(out, "note: {w}");
            }
            for d in &s.details {
                let _ = writeln!(out, "{d}");
            }
            let _ = writeln!(out, "\n{}", s.table.title);
            out.push_str(&s.table.text());
        }
        Err(why) => {
            let _ = writeln!(out, "{}: not applicable: {why}", view.name);
        }
    }
    out
}
