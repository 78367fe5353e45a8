//! clap subcommands -> core -> report -> stdout. No terminal set-up here.

mod check;
mod common;
mod diff;
mod district;
mod estimate;
mod exhibit;
mod export;
mod import;
mod panel;
mod power;
mod robustness;
mod sample;
mod trends;

pub use crate::core::bundle::SAMPLE_BUNDLE;
pub use common::{CliError, EXIT_FAILURE, EXIT_USAGE, open_error};

use crate::tui::DashboardArgs;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

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
    /// Write a page as a chart (svg, png) or table (md, tex, csv, xlsx) for slides.
    Export(export::ExportArgs),
    /// What changed between two versions of a bundle, estimates before and after.
    Diff(diff::DiffArgs),
    /// Merge per-IM key-figure workbooks into a bundle's activity table.
    Import(import::ImportArgs),
    /// Power: the smallest effect a comparison can detect, and the units a pilot would need
    /// to detect a given effect (--effect, pp), at district and municipality level.
    Power(power::PowerArgs),
    /// The report's tables and figures as numbers (--list names them).
    Exhibit(exhibit::ExhibitArgs),
    /// Robustness checks: event study, placebo, randomization inference, wild bootstrap,
    /// leave-one-out, dose response, staggered adoption.
    Robustness(robustness::RobustnessArgs),
    /// Write the shipped synthetic sample (built into this binary) into a directory.
    Sample(sample::SampleArgs),
    /// One district in detail, as the dashboard's Enter shows it: start date, group, staffing,
    /// talk shares, municipalities, its employment series against its group's, and why it is
    /// left out where it is.
    District(district::DistrictArgs),
}

/// Runs the parsed command line. A subcommand's failure is its message on stderr and its
/// exit status (cli.md); color-eyre reports only what is a bug (or the dashboard's terminal).
pub fn run(cli: Cli) -> color_eyre::Result<ExitCode> {
    let result = match cli.command {
        Some(Command::Check(a)) => check::run(a),
        Some(Command::Panel(a)) => panel::run(a),
        Some(Command::Estimate(a)) => estimate::run(a),
        Some(Command::Trends(a)) => trends::run(a),
        Some(Command::Export(a)) => export::run(a),
        Some(Command::Diff(a)) => diff::run(a),
        Some(Command::Import(a)) => import::run(a),
        Some(Command::Power(a)) => power::run(a),
        Some(Command::Robustness(a)) => robustness::run(a),
        Some(Command::Exhibit(a)) => exhibit::run(a),
        Some(Command::Sample(a)) => sample::run(a),
        Some(Command::District(a)) => district::run(a),
        None => match misspelt_command(cli.bundle.as_deref()) {
            Some(e) => Err(e),
            None => return crate::tui::run(cli.bundle, cli.dashboard),
        },
    };
    Ok(result.unwrap_or_else(|e| e.report()))
}

/// `wirkung estmate …` parses as a bundle path; when no such path exists and the word is one
/// or two letters from a subcommand, the user meant the subcommand.
fn misspelt_command(bundle: Option<&std::path::Path>) -> Option<CliError> {
    use clap::CommandFactory;
    let word = bundle?.to_str()?;
    if std::path::Path::new(word).exists() || word.contains(std::path::MAIN_SEPARATOR) {
        return None;
    }
    let command = Cli::command();
    let closest = command
        .get_subcommands()
        .map(|c| c.get_name())
        .min_by_key(|name| edit_distance(word, name))?;
    (edit_distance(word, closest) <= 2).then(|| {
        CliError::usage(format!(
            "{word} is neither a bundle directory nor a command; did you mean `wirkung {closest}`?\n  `wirkung --help` lists the commands."
        ))
    })
}

/// Levenshtein distance (insertions, deletions, substitutions), on characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(super::edit_distance("estmate", "estimate"), 1);
        assert_eq!(super::edit_distance("chekc", "check"), 2);
        assert_eq!(super::edit_distance("", "diff"), 4);
    }
}
