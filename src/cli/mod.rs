//! clap subcommands -> core -> report -> stdout. No terminal set-up here.

mod check;
mod common;
mod diff;
mod estimate;
mod export;
mod import;
mod panel;
mod robustness;
mod trends;

use crate::core::bundle::Level;
use crate::core::derive::{Comparison, ControlSelection, Outcome};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit status 2: bad usage or a combination the data cannot support (cli.md).
pub const EXIT_USAGE: u8 = 2;
/// Exit status 1: the bundle has errors, or estimation failed.
pub const EXIT_FAILURE: u8 = 1;

/// The shipped synthetic sample, opened when no bundle is given.
pub const SAMPLE_BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");

#[derive(Debug, Parser)]
#[command(
    name = "wirkung",
    version,
    about = "Difference-in-differences for programme evaluators: dashboard and headless CLI"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Bundle to open in the dashboard (default: the shipped synthetic sample).
    pub bundle: Option<PathBuf>,
    #[command(flatten)]
    pub dashboard: DashboardArgs,
}

#[derive(Debug, Clone, clap::Args, Default)]
pub struct DashboardArgs {
    /// Forget the remembered bundle and choices.
    #[arg(long)]
    pub reset: bool,
    /// Colour theme: full colour, 16 colours, or none (NO_COLOR is honoured too).
    #[arg(long, value_enum, default_value_t = ThemeArg::Full)]
    pub theme: ThemeArg,
    /// A second (older) bundle: the Overview lists what changed since it (`x`), as `wirkung diff`.
    #[arg(long, value_name = "OLD_BUNDLE")]
    pub compare: Option<PathBuf>,
    /// Directory for `e` exports (default: the user's data directory, exports/).
    #[arg(long)]
    pub export_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ThemeArg {
    #[default]
    Full,
    #[value(name = "16")]
    Sixteen,
    Mono,
}

/// The analysis choices of `panel`, `estimate` and `robustness` (cli.md).
#[derive(Debug, Clone, clap::Args)]
pub struct ChoiceArgs {
    /// employment, employment-sv or housing.
    #[arg(long)]
    pub outcome: String,
    /// bw-vs-neighbours, early-start, capacity, plan-b, labour-talks or housing-talks.
    #[arg(long)]
    pub comparison: String,
    /// district or municipality.
    #[arg(long, default_value = "district")]
    pub level: String,
    /// all, none, or a comma-separated list of control columns.
    #[arg(long, default_value = "all")]
    pub controls: String,
}

impl ChoiceArgs {
    /// Parsed and checked against what the data can support; `Err` is the exit code after
    /// the message was printed.
    fn parse(&self) -> Result<(Outcome, Comparison, Level, ControlSelection), ExitCode> {
        common::parse_choices(&self.outcome, &self.comparison, &self.level, &self.controls)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate a bundle and list every finding (table, column, row).
    Check(check::CheckArgs),
    /// Print the analysis panel of a comparison, with the units excluded and why.
    Panel(panel::PanelArgs),
    /// Estimate the two-period difference-in-differences.
    Estimate(estimate::EstimateArgs),
    /// Monthly employment rate of the two groups of a comparison.
    Trends(trends::TrendsArgs),
    /// Write a page as a chart (svg, png) or table (md, tex, csv) for slides.
    Export(export::ExportArgs),
    /// What changed between two versions of a bundle, estimates before and after.
    Diff(diff::DiffArgs),
    /// Merge per-IM key-figure workbooks into a bundle's activity table.
    Import(import::ImportArgs),
    /// Robustness checks: event study, placebo, randomization inference, wild bootstrap,
    /// leave-one-out, dose response, staggered adoption.
    Robustness(robustness::RobustnessArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> color_eyre::Result<ExitCode> {
    match cli.command {
        Some(Command::Check(a)) => check::run(a),
        Some(Command::Panel(a)) => panel::run(a),
        Some(Command::Estimate(a)) => estimate::run(a),
        Some(Command::Trends(a)) => trends::run(a),
        Some(Command::Export(a)) => export::run(a),
        Some(Command::Diff(a)) => diff::run(a),
        Some(Command::Import(a)) => import::run(a),
        Some(Command::Robustness(a)) => robustness::run(a),
        None => crate::tui::run(cli.bundle, cli.dashboard),
    }
}
