//! `wirkung exhibit BUNDLE --id ID [--format …]` and `wirkung exhibit --list`: every table
//! and figure of the report the bundle can fill, as numbers (cli.md).

use super::common::{CliError, CliResult, emit, emit_bytes, open};
use crate::core::choices::Choices;
use crate::core::derive::{Comparison, Outcome};
use crate::core::exhibit::render::ExhibitFormat;
use crate::core::exhibit::{self, EXHIBITS, ExhibitError};
use chrono::NaiveDate;
use clap::Args;
use std::io::IsTerminal as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExhibitArgs {
    /// The bundle (not needed with --list).
    #[arg(required_unless_present = "list")]
    pub bundle: Option<PathBuf>,
    /// The report's numbering: tab5, abb4, abb22, … (--list names them).
    #[arg(long, required_unless_present = "list")]
    pub id: Option<String>,
    /// List the exhibits, their ids and the tables they read.
    #[arg(long, conflicts_with_all = ["id"])]
    pub list: bool,
    #[arg(long, value_enum, default_value_t = ExhibitFormat::Text)]
    pub format: ExhibitFormat,
    /// Early-start cutoff for abb5-regions (default: the bundle's rule).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::core::period::parse_date)]
    pub cutoff: Option<NaiveDate>,
}

pub fn run(args: ExhibitArgs) -> CliResult {
    if args.list {
        let mut out = String::new();
        for s in EXHIBITS {
            let tables: Vec<&str> = s.tables.iter().map(|t| t.name()).collect();
            out.push_str(&format!(
                "{:<16} {}  [{}]\n",
                s.id,
                s.title,
                tables.join(", ")
            ));
        }
        return emit(&out);
    }
    let (Some(path), Some(id)) = (args.bundle, args.id) else {
        return Err(CliError::usage(
            "exhibit needs BUNDLE and --id ID, or --list",
        ));
    };
    if !EXHIBITS.iter().any(|s| s.id == id) {
        return Err(CliError::usage(ExhibitError::Unknown(id)));
    }
    let bundle = open(&path)?;
    let mut choices = Choices::new(&bundle, Outcome::Employment, Comparison::EarlyStart);
    if let Some(c) = args.cutoff {
        choices.cutoff = c;
    }
    let exhibit = exhibit::build(&id, &bundle, &choices).map_err(CliError::failure)?;
    let synthetic = if bundle.is_synthetic() {
        " [SYNTHETIC]"
    } else {
        ""
    };
    let name = format!("{}{synthetic}.", bundle.manifest.bundle.name);
    let licence = crate::core::export::source_note(&bundle);
    if args.format == ExhibitFormat::Xlsx {
        if std::io::stdout().is_terminal() {
            return Err(CliError::usage(
                "--format xlsx writes a workbook to standard output: redirect it to a file (> tab5.xlsx)",
            ));
        }
        let bytes = exhibit
            .xlsx(&name, bundle.is_synthetic(), licence.as_deref())
            .map_err(|e| CliError::failure(format!("writing the workbook failed: {e}")))?;
        return emit_bytes(&bytes);
    }
    // The data's source and licence travel with every format people read.
    let source = match &licence {
        Some(l) => format!("{name} {l}"),
        None => name,
    };
    emit(&exhibit.render(args.format, &source))
}
