use super::common::{derive_failure, emit, fail, open, spec};
use super::{EXIT_FAILURE, EXIT_USAGE};
use crate::core::derive;
use crate::core::estimate::{EstimateOptions, VarianceType, estimate_did};
use crate::core::report::{self, EstimateReport};
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct EstimateArgs {
    pub bundle: PathBuf,
    #[command(flatten)]
    pub choices: super::ChoiceArgs,
    #[arg(long, default_value = "hc1")]
    pub se: String,
    #[arg(long)]
    pub unweighted: bool,
    #[arg(long, value_enum, default_value_t = EstimateFormat::Text)]
    pub format: EstimateFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EstimateFormat {
    Text,
    Markdown,
    Latex,
    Csv,
    Json,
}

pub fn run(args: EstimateArgs) -> color_eyre::Result<ExitCode> {
    let choices = match args.choices.parse() {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let variance: VarianceType = match args.se.parse() {
        Ok(v) => v,
        Err(e) => return Ok(fail(EXIT_USAGE, e)),
    };
    let bundle = match open(&args.bundle) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let panel = match derive::panel(&bundle, &spec(&bundle, choices)) {
        Ok(p) => p,
        Err(e) => return Ok(derive_failure(e)),
    };
    let options = EstimateOptions {
        variance,
        weighted: !args.unweighted,
    };
    let estimate = match estimate_did(&panel, options) {
        Ok(e) => e,
        Err(e) => return Ok(fail(EXIT_FAILURE, format!("estimation failed: {e}"))),
    };
    let r = EstimateReport::new(&bundle.manifest, &panel, &estimate);
    let text = match args.format {
        EstimateFormat::Text => report::estimate_text(&r),
        EstimateFormat::Markdown => report::estimate_markdown(&r),
        EstimateFormat::Latex => report::estimate_latex(&r),
        EstimateFormat::Csv => report::estimate_csv(&r),
        EstimateFormat::Json => report::estimate_json(&r) + "\n",
    };
    Ok(emit(&text))
}
