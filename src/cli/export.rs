use super::EXIT_FAILURE;
use super::EXIT_USAGE;
use super::common::{derive_failure, fail, open, parse_choices, spec};
use crate::core::estimate::{EstimateOptions, VarianceType};
use crate::core::export::{self, ExportError, ExportFormat, ExportRequest, Page};
use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct ExportArgs {
    pub bundle: PathBuf,
    /// trends, estimate, start-times, topics, staffing, overview or robustness (the checks
    /// run with `wirkung robustness`'s defaults: 9,999 draws, seed 20171211).
    #[arg(long)]
    pub page: String,
    #[arg(long, default_value = "employment")]
    pub outcome: String,
    #[arg(long, default_value = "bw-vs-neighbours")]
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
    /// svg, png, md, tex or csv.
    #[arg(long)]
    pub format: String,
    /// File to write (never overwritten: -1, -2 ... is added), or a directory.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: ExportArgs) -> color_eyre::Result<ExitCode> {
    let page: Page = match args.page.parse() {
        Ok(p) => p,
        Err(e) => return Ok(fail(EXIT_USAGE, e)),
    };
    let format: ExportFormat = match args.format.parse() {
        Ok(f) => f,
        Err(e) => return Ok(fail(EXIT_USAGE, e)),
    };
    let variance: VarianceType = match args.se.parse() {
        Ok(v) => v,
        Err(e) => return Ok(fail(EXIT_USAGE, e)),
    };
    let choices = match parse_choices(&args.outcome, &args.comparison, &args.level, &args.controls)
    {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let bundle = match open(&args.bundle) {
        Ok(b) => b,
        Err(code) => return Ok(code),
    };
    let req = ExportRequest {
        page,
        spec: spec(&bundle, choices),
        options: EstimateOptions {
            variance,
            weighted: !args.unweighted,
        },
        format,
        date: chrono::Local::now().date_naive(),
    };
    match export::export_to(&bundle, &req, &args.out) {
        Ok(path) => {
            println!("{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(ExportError::Derive(e)) => Ok(derive_failure(e)),
        Err(e) => Ok(fail(EXIT_FAILURE, e)),
    }
}
