use super::common::{CliResult, emit, open};
use crate::core::diff;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier version of the bundle.
    pub old: PathBuf,
    /// The newer version of the bundle.
    pub new: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiffFormat {
    Text,
    Json,
}

pub fn run(args: DiffArgs) -> CliResult {
    let old = open(&args.old)?;
    let new = open(&args.new)?;
    let d = diff::diff(&old, &new);
    emit(&match args.format {
        DiffFormat::Text => diff::diff_text(&d),
        DiffFormat::Json => format!("{}\n", diff::diff_json(&d)),
    })
}
