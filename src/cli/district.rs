//! `wirkung district BUNDLE ID [--comparison C] [--outcome O] [--cutoff D] [--format text|json]`:
//! the dashboard's district detail (Enter on a district), printed headless (cli.md).

use super::common::{CliError, CliResult, emit, open};
use crate::core::choices::Choices;
use crate::core::derive::{Comparison, Outcome};
use crate::core::view::district::{DistrictView, find_district};
use chrono::NaiveDate;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct DistrictArgs {
    pub bundle: PathBuf,
    /// The district: its district_id (08111), or its name as the dashboard shows it.
    pub district: String,
    #[arg(long, value_enum, default_value_t = Comparison::EarlyStart)]
    pub comparison: Comparison,
    #[arg(long, value_enum, default_value_t = Outcome::Employment)]
    pub outcome: Outcome,
    /// Early-start cutoff (default: the bundle's rule), as the dashboard's `[` and `]` move it.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<NaiveDate>,
    #[arg(long, value_enum, default_value_t = DistrictFormat::Text)]
    pub format: DistrictFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DistrictFormat {
    Text,
    Json,
}

pub fn run(args: DistrictArgs) -> CliResult {
    let bundle = open(&args.bundle)?;
    let id = find_district(&bundle, &args.district).map_err(CliError::usage)?;
    let mut choices = Choices::new(&bundle, args.outcome, args.comparison);
    if let Some(c) = args.cutoff {
        choices.cutoff = c;
    }
    let view = DistrictView::build(&bundle, &choices, id)
        .ok_or_else(|| CliError::usage(format!("no district '{}'", args.district)))?;
    emit(&match args.format {
        DistrictFormat::Text => view.text(),
        DistrictFormat::Json => view.json() + "\n",
    })
}
