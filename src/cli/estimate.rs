use super::common::{ChoiceArgs, CliError, CliResult, emit, open};
use crate::core::derive;
use crate::core::estimate::estimate_did;
use crate::core::report::{self, EstimateReport};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct EstimateArgs {
    pub bundle: PathBuf,
    #[command(flatten)]
    pub choices: ChoiceArgs,
    #[command(flatten)]
    pub estimate: super::common::EstimateArgs,
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

pub fn run(args: EstimateArgs) -> CliResult {
    args.choices.supported()?;
    let bundle = open(&args.bundle)?;
    let mut choices = args.choices.choices(&bundle)?;
    choices.variance = args.estimate.se;
    choices.weighted = !args.estimate.unweighted;
    let panel = derive::panel(&bundle, &choices.spec(&bundle))?;
    let estimate = estimate_did(&panel, choices.options())
        .map_err(|e| CliError::failure(format!("estimation failed: {e}")))?;
    let r = EstimateReport::new(&bundle.manifest, &panel, &estimate);
    emit(&match args.format {
        EstimateFormat::Text => report::estimate_text(&r),
        EstimateFormat::Markdown => report::estimate_markdown(&r),
        EstimateFormat::Latex => report::estimate_latex(&r),
        EstimateFormat::Csv => report::estimate_csv(&r),
        EstimateFormat::Json => report::estimate_json(&r) + "\n",
    })
}
