//! The dashboard: ratatui + crossterm. Arranges what `core` computes; computes nothing itself.

use crate::cli::DashboardArgs;
use std::path::PathBuf;
use std::process::ExitCode;

pub fn run(bundle: Option<PathBuf>, args: DashboardArgs) -> color_eyre::Result<ExitCode> {
    let _ = (bundle, args);
    color_eyre::eyre::bail!("dashboard not written yet")
}
