use super::common::{CliError, CliResult, emit};
use crate::core::import::{self, ImportError, ImportOptions, ImportReport};
use clap::{Args, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The table to import into (only `activity`: the IM key figures).
    #[arg(value_enum)]
    pub table: ImportTable,
    /// Key-figure workbooks (.xlsx), one per IM.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The bundle whose activity table receives the rows.
    #[arg(long)]
    pub into: PathBuf,
    /// Replace an existing activity.parquet (the replaced file is kept as
    /// activity.parquet.before-import until the next successful import).
    #[arg(long)]
    pub force: bool,
    /// Show what would be written, and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, value_enum, default_value_t = ImportFormat::Text)]
    pub format: ImportFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportTable {
    Activity,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    Text,
    Json,
}

fn text(r: &ImportReport) -> String {
    let mut out = String::new();
    let verb = if r.dry_run {
        "Dry run, nothing written. Would write"
    } else {
        "Wrote"
    };
    let _ = writeln!(
        out,
        "{verb} {} ({} rows: {} existing + {} imported − {} exact duplicates)",
        r.target.display(),
        r.rows_written,
        r.existing_rows,
        r.imported_rows,
        r.dropped_duplicates.len()
    );
    let _ = writeln!(out, "Columns: {}", r.columns.join(", "));
    if let Some(b) = &r.backup {
        let _ = writeln!(
            out,
            "The replaced file is kept as {} until the next successful import.",
            b.display()
        );
    }
    if let Some(s) = &r.shadowed {
        let _ = writeln!(
            out,
            "Note: {} is left untouched; the new Parquet file takes precedence over it.",
            s.display()
        );
    }
    let _ = writeln!(
        out,
        "\nDropped exact duplicates (imported rows already in the table): {}",
        r.dropped_duplicates.len()
    );
    for o in &r.dropped_duplicates {
        let sheet = o
            .sheet
            .as_deref()
            .map(|s| format!(" sheet '{s}'"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {}{sheet} row {}", o.file, o.row);
    }
    if !r.repaired_ids.is_empty() {
        let _ = writeln!(
            out,
            "\nIds that lost their leading zero (read as the bundle's id): {}",
            r.repaired_ids.len()
        );
        for x in &r.repaired_ids {
            let _ = writeln!(
                out,
                "  {} row {}: {} {} → {}",
                x.file, x.row, x.column, x.was, x.now
            );
        }
    }
    let _ = writeln!(
        out,
        "\nFlagged (same IM and date, different counts; all kept): {}",
        r.conflicts.len()
    );
    for c in &r.conflicts {
        let rows: Vec<String> = c
            .rows
            .iter()
            .map(|o| format!("{} row {}", o.file, o.row))
            .collect();
        let _ = writeln!(
            out,
            "  alliance {} IM {} on {}: {}",
            c.alliance_id,
            c.manager_id,
            c.date,
            rows.join("; ")
        );
    }
    let _ = writeln!(out, "\nCould not parse: {}", r.unparsed.len());
    for u in &r.unparsed {
        let mut place = u.file.clone();
        if let Some(s) = &u.sheet {
            let _ = write!(place, ", sheet '{s}'");
        }
        if let Some(c) = &u.cell {
            let _ = write!(place, ", {c}");
        }
        let _ = writeln!(out, "  {place}: {}", u.message);
    }
    out
}

pub fn run(args: ImportArgs) -> CliResult {
    let ImportTable::Activity = args.table;
    let options = ImportOptions {
        force: args.force,
        dry_run: args.dry_run,
        fail_after_bytes: None,
        slice_rows: None,
    };
    match import::import_activity(&args.into, &args.files, &options) {
        Ok(r) => emit(&match args.format {
            ImportFormat::Text => text(&r),
            ImportFormat::Json => format!(
                "{}\n",
                serde_json::to_string_pretty(&r).map_err(CliError::failure)?
            ),
        }),
        // Refusals are about how it was called (the bundle's [tables] entry, --force).
        Err(e @ (ImportError::NotParquetEntry { .. } | ImportError::TargetExists { .. })) => {
            Err(CliError::usage(e))
        }
        Err(e) => Err(CliError::failure(e)),
    }
}
