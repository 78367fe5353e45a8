use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct PanelArgs {
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
    #[arg(long, value_enum, default_value_t = PanelFormat::Csv)]
    pub format: PanelFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PanelFormat {
    Csv,
    Json,
}

pub fn run(args: PanelArgs) -> color_eyre::Result<ExitCode> {
    let _ = args;
    color_eyre::eyre::bail!("panel not written yet")
}
