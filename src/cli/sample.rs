//! `wirkung sample --out DIR`: writes the shipped synthetic sample, which is compiled into the
//! binary, into DIR for people who want to look at its files or edit a copy.

use super::common::{CliError, CliResult};
use crate::core::sample::{self, SampleError};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Directory to write the sample bundle into (created if missing; no file is replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: SampleArgs) -> CliResult {
    sample::write_to(&args.out).map_err(|e| match e {
        SampleError::Exists { .. } => {
            CliError::usage(format!("{e}.\n  Give a new or empty directory with --out."))
        }
        SampleError::Io { .. } => CliError::failure(e),
    })?;
    println!(
        "wrote the synthetic sample ({} files) to {}; open it with `wirkung {}`",
        sample::FILES.len(),
        args.out.display(),
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}
