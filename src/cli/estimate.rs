use super::common::{ChoiceArgs, CliError, CliResult, emit, open};
use crate::core::derive;
use crate::core::estimate::estimate_did;
use crate::core::report::{self, EstimateReport};
use crate::core::view::AnalysisError;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct EstimateArgs {
    pub bundle: PathBuf,
    #[command(flatten)]
    pub choices: ChoiceArgs,
    #[command(flatten)]
    pub estimate: super::common::EstimateArgs,
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

pub fn run(args: EstimateArgs) -> CliResult {
    args.choices.supported()?;
    let bundle = open(&args.bundle)?;
    let mut choices = args.choices.choices(&bundle)?;
    choices.variance = args.estimate.se;
    choices.weighted = !args.estimate.unweighted;
    let estimation_failed = |e| CliError::failure(format!("estimation failed: {e}"));
    emit(&match args.format {
        // The report's table: (1) without and (2) with the chosen controls.
        EstimateFormat::Text | EstimateFormat::Markdown | EstimateFormat::Latex => {
            let columns = report::estimate_columns(&bundle, &choices).map_err(|e| match e {
                AnalysisError::Derive(d) => CliError::from(d),
                e => estimation_failed(e.to_string()),
            })?;
            match args.format {
                EstimateFormat::Markdown => report::estimate_markdown(&columns),
                EstimateFormat::Latex => {
                    // A table pasted into a paper keeps its provenance as visible text.
                    let synthetic = if bundle.is_synthetic() {
                        " [SYNTHETIC]"
                    } else {
                        ""
                    };
                    let provenance: Vec<String> =
                        [format!("{}{synthetic}", bundle.manifest.bundle.name)]
                            .into_iter()
                            .chain(crate::core::export::source_note(&bundle))
                            .collect();
                    report::estimate_latex(&columns, &provenance)
                }
                _ => report::estimate_text(&columns),
            }
        }
        // One model, chosen by --controls; `report_column` says which column it is.
        EstimateFormat::Csv | EstimateFormat::Json => {
            let panel = derive::panel(&bundle, &choices.spec(&bundle))?;
            let estimate = estimate_did(&panel, choices.options())
                .map_err(|e| estimation_failed(e.to_string()))?;
            let r = EstimateReport::new(&bundle.manifest, &panel, &estimate);
            match args.format {
                EstimateFormat::Csv => report::estimate_csv(&r),
                _ => report::estimate_json(&r) + "\n",
            }
        }
    })
}
