//! `wirkung check BUNDLE [--format text|json]`: every finding with its location, then a
//! summary of the tables (cli.md, "Exit status" and "JSON shapes").

use super::common::{CliError, CliResult, emit};
use crate::core::bundle::{self, Bundle, Finding, Severity, Table, finding::echo_raw};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::collections::BTreeMap;
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

/// The JSON shape of cli.md: `{"errors": [...], "warnings": [...], "tables": {...}}`.
#[derive(Debug, Serialize)]
struct CheckReport<'a> {
    errors: Vec<&'a Finding>,
    warnings: Vec<&'a Finding>,
    tables: BTreeMap<&'static str, TableSummary>,
}

/// One table in the summary: data rows in its file, rows used after the reading rules.
#[derive(Debug, Serialize)]
struct TableSummary {
    /// Data rows in the file; null when the file is missing or unreadable.
    rows: Option<usize>,
    /// Rows in the typed table (after unreadable rows and, for activity, duplicates).
    used: usize,
    /// File name relative to the bundle when it lies inside it.
    file: Option<String>,
    readable: bool,
}

fn summaries(b: &Bundle) -> BTreeMap<&'static str, TableSummary> {
    Table::ALL
        .iter()
        .map(|&t| {
            let source = b.sources.get(&t);
            let file = source.map(|s| {
                s.file
                    .strip_prefix(&b.dir)
                    .unwrap_or(&s.file)
                    .display()
                    .to_string()
            });
            let summary = TableSummary {
                rows: source.map(|s| s.rows),
                used: used_rows(b, t),
                file,
                readable: b.has(t),
            };
            (t.name(), summary)
        })
        .collect()
}

fn used_rows(b: &Bundle, t: Table) -> usize {
    match t {
        Table::Districts => b.districts.len(),
        Table::Municipalities => b.municipalities.len(),
        Table::Grants => b.grants.len(),
        Table::Staffing => b.staffing.len(),
        Table::TargetGroup => b.target_group.len(),
        Table::Employment => b.employment.len(),
        Table::Population => b.population.len(),
        Table::Activity => b.activity.len(),
        Table::ManagerSurvey => b.manager_survey.len(),
    }
}

/// JSON of a plain report struct; serialising these cannot fail but is reported, not a panic.
fn to_json<T: Serialize>(value: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(value).map_err(CliError::failure)
}

pub fn run(args: CheckArgs) -> CliResult {
    let failure = ExitCode::from(super::EXIT_FAILURE);
    let bundle = match bundle::load(&args.bundle) {
        Ok(b) => b,
        Err(e) => {
            // A bundle that cannot be opened is an error of `check`, not a crash: exit 1.
            if let CheckFormat::Json = args.format {
                let finding = serde_json::json!({"table": null, "column": null, "row": null, "message": e.to_string()});
                let report = serde_json::json!({"errors": [finding], "warnings": [], "tables": {}});
                emit(&format!("{}\n", to_json(&report)?))?;
            }
            eprintln!("error: {e}");
            return Ok(failure);
        }
    };
    let report = CheckReport {
        errors: bundle.findings.errors().collect(),
        warnings: bundle.findings.warnings().collect(),
        tables: summaries(&bundle),
    };
    let output = match args.format {
        // JSON is for programs: every finding, none summarised.
        CheckFormat::Json => {
            let of = |s: Severity| {
                let all = bundle.findings.complete();
                all.filter(|f| f.severity == s).collect::<Vec<_>>()
            };
            let complete = CheckReport {
                errors: of(Severity::Error),
                warnings: of(Severity::Warning),
                tables: summaries(&bundle),
            };
            format!("{}\n", to_json(&complete)?)
        }
        CheckFormat::Text => text(&bundle, &report),
    };
    // Through the CLI's one writer: `check … | head` ends quietly on a closed pipe.
    let written = emit(&output)?;
    Ok(if !report.errors.is_empty() {
        failure
    } else {
        written
    })
}

fn text(b: &Bundle, report: &CheckReport) -> String {
    let mut s = String::new();
    let synthetic = if b.is_synthetic() {
        "  [SYNTHETIC data]"
    } else {
        ""
    };
    s += &format!(
        "Bundle: {} ({}){synthetic}\n\n",
        echo_raw(&b.manifest.bundle.name),
        b.dir.display()
    );
    for (label, list) in [("error", &report.errors), ("warning", &report.warnings)] {
        let plural = if list.len() == 1 { "" } else { "s" };
        s += &format!("{} {label}{plural}\n", list.len());
        for f in list {
            let loc = f.location();
            let sep = if loc.is_empty() { "" } else { ": " };
            // Messages quote cells and names from the data: no control character may reach
            // the terminal raw (an ESC sequence could clear it or retitle the window).
            let message = terminal_safe(&f.message);
            s += &format!("  {label:<7} {}{sep}{message}\n", terminal_safe(&loc));
        }
        s += "\n";
    }
    s += &format!("{:<16} {:>9} {:>9}  file\n", "table", "rows", "used");
    for (name, t) in &report.tables {
        let rows = t.rows.map_or("-".to_string(), |r| r.to_string());
        let file = t.file.clone().unwrap_or_else(|| "(missing)".into());
        let state = if t.readable { "" } else { "  UNREADABLE" };
        s += &format!("{name:<16} {rows:>9} {:>9}  {file}{state}\n", t.used);
    }
    let verdict = if report.errors.is_empty() {
        "no errors"
    } else {
        "the bundle has errors (exit status 1)"
    };
    s += &format!(
        "\n{} errors, {} warnings: {verdict}\n",
        report.errors.len(),
        report.warnings.len()
    );
    s
}

/// Text with every control character except the line break escaped (`\u{1b}`).
fn terminal_safe(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() && c != '\n' {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}
