use super::common::{derive_failure, emit, open, spec};
use crate::core::derive;
use crate::core::report;
use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct PanelArgs {
    pub bundle: PathBuf,
    #[command(flatten)]
    pub choices: super::ChoiceArgs,
    #[arg(long, value_enum, default_value_t = PanelFormat::Csv)]
    pub format: PanelFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PanelFormat {
    Csv,
    Json,
}

pub fn run(args: PanelArgs) -> color_eyre::Result<ExitCode> {
    let choices = match args.choices.parse() {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let bundle = match open(&args.bundle) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let panel = match derive::panel(&bundle, &spec(&bundle, choices)) {
        Ok(p) => p,
        Err(e) => return Ok(derive_failure(e)),
    };
    let text = match args.format {
        PanelFormat::Csv => report::panel_csv(&panel),
        PanelFormat::Json => report::panel_json(&panel) + "\n",
    };
    Ok(emit(&text))
}
