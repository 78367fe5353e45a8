use super::common::{ChoiceArgs, CliResult, emit, open};
use crate::core::derive;
use crate::core::report;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct PanelArgs {
    pub bundle: PathBuf,
    #[command(flatten)]
    pub choices: ChoiceArgs,
    #[arg(long, value_enum, default_value_t = PanelFormat::Csv)]
    pub format: PanelFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PanelFormat {
    Csv,
    Json,
}

pub fn run(args: PanelArgs) -> CliResult {
    args.choices.supported()?;
    let bundle = open(&args.bundle)?;
    let choices = args.choices.choices(&bundle)?;
    let panel = derive::panel(&bundle, &choices.spec(&bundle))?;
    emit(&match args.format {
        PanelFormat::Csv => report::panel_csv(&panel),
        PanelFormat::Json => report::panel_json(&panel) + "\n",
    })
}
