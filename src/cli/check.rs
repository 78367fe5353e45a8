use clap::{Args, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct CheckArgs {
    pub bundle: PathBuf,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

pub fn run(args: CheckArgs) -> color_eyre::Result<ExitCode> {
    let _ = args;
    color_eyre::eyre::bail!("check not written yet")
}
