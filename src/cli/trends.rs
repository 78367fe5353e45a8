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
    let _ = args;
    color_eyre::eyre::bail!("trends not written yet")
}
