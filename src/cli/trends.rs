use super::common::{CliResult, choices, emit, open, supported};
use crate::core::bundle::Level;
use crate::core::derive::{self, Comparison, ControlSelection, Outcome};
use crate::core::report;
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct TrendsArgs {
    pub bundle: PathBuf,
    #[arg(long, value_enum)]
    pub outcome: Outcome,
    #[arg(long, value_enum)]
    pub comparison: Comparison,
    /// Early-start cutoff (default: the bundle's rule).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = TrendsFormat::Csv)]
    pub format: TrendsFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TrendsFormat {
    Csv,
    Json,
}

pub fn run(args: TrendsArgs) -> CliResult {
    supported(args.outcome, args.comparison, Level::District)?;
    let bundle = open(&args.bundle)?;
    // Trends are district lines; controls do not enter them.
    let choices = choices(
        &bundle,
        (args.outcome, args.comparison, Level::District),
        &ControlSelection::None,
        args.cutoff,
    )?;
    let trends = derive::trends(&bundle, &choices.spec(&bundle))?;
    emit(&match args.format {
        TrendsFormat::Csv => report::trends_csv(&trends),
        TrendsFormat::Json => report::trends_json(&trends, args.outcome, args.comparison) + "\n",
    })
}
