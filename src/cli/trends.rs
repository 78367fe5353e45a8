use super::common::{derive_failure, emit, open, parse_choices, spec};
use crate::core::derive;
use crate::core::report;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct TrendsArgs {
    pub bundle: PathBuf,
    #[arg(long)]
    pub outcome: String,
    #[arg(long)]
    pub comparison: String,
    #[arg(long, value_enum, default_value_t = TrendsFormat::Csv)]
    pub format: TrendsFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TrendsFormat {
    Csv,
    Json,
}

pub fn run(args: TrendsArgs) -> color_eyre::Result<ExitCode> {
    // Trends are district lines; controls do not enter them.
    let choices = match parse_choices(&args.outcome, &args.comparison, "district", "none") {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let (outcome, comparison) = (choices.0, choices.1);
    let bundle = match open(&args.bundle) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let trends = match derive::trends(&bundle, &spec(&bundle, choices)) {
        Ok(t) => t,
        Err(e) => return Ok(derive_failure(e)),
    };
    let text = match args.format {
        TrendsFormat::Csv => report::trends_csv(&trends),
        TrendsFormat::Json => report::trends_json(&trends, outcome, comparison) + "\n",
    };
    Ok(emit(&text))
}
