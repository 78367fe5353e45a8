use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct EstimateArgs {
    pub bundle: PathBuf,
    #[arg(long)]
    pub outcome: String,
    #[arg(long)]
    pub comparison: String,
    #[arg(long, default_value = "district")]
    pub level: String,
    /// all, none, or a comma-separated list of control columns.
    #[arg(long, default_value = "all")]
    pub controls: String,
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
    let _ = args;
    color_eyre::eyre::bail!("estimate not written yet")
}
