//! Finding a table's file in the bundle and reading it into a polars frame (read only).

use super::Finding;
use super::collect::Collector;
use super::manifest::Manifest;
use super::model::Table;
use polars::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Where a table's data comes from (bundle-format.md, "Reading rules": `[tables]` in
/// `bundle.toml`, else `<name>.parquet`, else `<name>.csv`).
pub(super) fn locate(
    dir: &Path,
    manifest: &Manifest,
    table: Table,
    out: &mut Collector,
) -> Option<PathBuf> {
    let name = table.name();
    if let Some(file) = manifest.tables.get(name) {
        let path = dir.join(file);
        // xlsx: `file.xlsx#Sheet` names a sheet; the path keeps the suffix for read_frame.
        if dir.join(super::xlsx::split_sheet(file).0).is_file() {
            return Some(path);
        }
        out.push(Finding::error(
            name,
            None,
            None,
            format!("file {file:?} named for this table in bundle.toml [tables] does not exist"),
        ));
        return None;
    }
    let parquet = dir.join(format!("{name}.parquet"));
    let csv = dir.join(format!("{name}.csv"));
    match (parquet.is_file(), csv.is_file()) {
        (true, true) => {
            out.push(Finding::warning(
                name,
                None,
                None,
                format!("both {name}.parquet and {name}.csv exist; reading {name}.parquet"),
            ));
            Some(parquet)
        }
        (true, false) => Some(parquet),
        (false, true) => Some(csv),
        // xlsx (xlsx.rs): tried only when neither Parquet nor CSV is there.
        (false, false) if dir.join(format!("{name}.xlsx")).is_file() => {
            Some(dir.join(format!("{name}.xlsx")))
        }
        (false, false) => {
            let msg = format!(
                "table file is missing: neither {name}.parquet nor {name}.csv is in the bundle, and bundle.toml [tables] names none"
            );
            out.push(Finding::error(name, None, None, msg));
            None
        }
    }
}

/// Why a table file could not be read: the file, and what was wrong with it.
///
/// Displayed with the full path. Findings print `problem` after the bare file name instead,
/// so that `check` output does not depend on where the bundle lies.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", path.display())]
pub struct TableFileError {
    /// The file as opened (for a workbook without the `#Sheet` suffix).
    pub path: PathBuf,
    pub problem: TableFileProblem,
}

/// What was wrong with a table file, with the sheet, cell or data row where known.
#[derive(Debug, thiserror::Error)]
pub enum TableFileProblem {
    /// The file could not be opened (missing, no permission, a directory ...).
    #[error("cannot open: {0}")]
    Open(#[source] std::io::Error),
    #[error("the file is empty (not even a header row)")]
    Empty,
    #[error("not a readable CSV file (UTF-8, comma-separated, header row): {0}")]
    Csv(#[source] PolarsError),
    /// A data row (1-based, header excluded) whose number of fields is not the header's.
    #[error(
        "data row {row} has {fields} fields but the header has {header}; the table cannot be used"
    )]
    Ragged {
        row: usize,
        fields: usize,
        header: usize,
    },
    #[error("not a readable Parquet file: {0}")]
    Parquet(#[source] PolarsError),
    #[error("unknown file type {extension:?}: expected .csv, .parquet or .xlsx")]
    UnknownExtension { extension: String },
    #[error("not a readable .xlsx workbook: {0}")]
    Workbook(#[source] calamine::XlsxError),
    #[error("the workbook has no sheets")]
    NoSheets,
    #[error("sheet '{sheet}' not found (the workbook has: {})", available.join(", "))]
    SheetNotFound {
        sheet: String,
        available: Vec<String>,
    },
    #[error("sheet '{sheet}': cannot be read: {source}")]
    SheetUnreadable {
        sheet: String,
        source: calamine::XlsxError,
    },
    #[error("sheet '{sheet}' is empty (not even a header row)")]
    EmptySheet { sheet: String },
    #[error(
        "sheet '{sheet}', cell {cell}: the header cell is empty (merged header cells are not supported: one column name per cell)"
    )]
    EmptyHeaderCell { sheet: String, cell: String },
    #[error("sheet '{sheet}', cell {cell}: column name '{column}' appears twice in the header")]
    DuplicateColumn {
        sheet: String,
        cell: String,
        column: String,
    },
    /// The values were read but polars would not hold them as a table (not expected).
    #[error("cannot build the table: {0}")]
    Frame(#[source] PolarsError),
}

impl TableFileProblem {
    /// The data row (1-based, header excluded) the problem lies in, where it is one row.
    pub fn row(&self) -> Option<usize> {
        match self {
            TableFileProblem::Ragged { row, .. } => Some(*row),
            _ => None,
        }
    }

    pub(super) fn at(self, path: &Path) -> TableFileError {
        TableFileError {
            path: path.to_path_buf(),
            problem: self,
        }
    }
}

/// Reads a CSV (every column as text, so that values are parsed and reported here),
/// Parquet or .xlsx file (`file.xlsx#Sheet` names the sheet).
pub(super) fn read_frame(path: &Path) -> Result<DataFrame, TableFileError> {
    if super::xlsx::is_xlsx(path) {
        return super::xlsx::read_frame(path);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let frame = match ext.as_str() {
        // polars says only that some row has more fields than the header; name the first one.
        "csv" => read_csv(path).map_err(|problem| ragged_row(path).unwrap_or(problem)),
        "parquet" | "pq" => File::open(path)
            .map_err(TableFileProblem::Open)
            .and_then(|file| {
                ParquetReader::new(file)
                    .finish()
                    .map_err(TableFileProblem::Parquet)
            }),
        _ => Err(TableFileProblem::UnknownExtension { extension: ext }),
    };
    frame.map_err(|problem| problem.at(path))
}

/// The first ragged data row of a CSV file, if there is one.
fn ragged_row(path: &Path) -> Option<TableFileProblem> {
    let (row, fields, header) = std::fs::read(path)
        .ok()
        .and_then(|b| first_ragged_row(&b))?;
    Some(TableFileProblem::Ragged {
        row,
        fields,
        header,
    })
}

/// The first data row (1-based) whose number of fields differs from the header's, counting
/// commas outside double quotes; blank lines are skipped like the reader does.
fn first_ragged_row(bytes: &[u8]) -> Option<(usize, usize, usize)> {
    let (mut in_quotes, mut fields, mut empty_line) = (false, 1, true);
    let (mut header, mut row) = (None, 0);
    for &c in bytes.iter().chain(std::iter::once(&b'\n')) {
        match c {
            b'"' => in_quotes = !in_quotes,
            b',' if !in_quotes => fields += 1,
            b'\n' if !in_quotes => {
                if !empty_line {
                    match header {
                        None => header = Some(fields),
                        Some(h) => {
                            row += 1;
                            if fields != h {
                                return Some((row, fields, h));
                            }
                        }
                    }
                }
                (fields, empty_line) = (1, true);
                continue;
            }
            b'\r' => continue,
            _ => {}
        }
        empty_line = false;
    }
    None
}

fn read_csv(path: &Path) -> Result<DataFrame, TableFileProblem> {
    // Opening first gives a plain "No such file" / permission message instead of polars'.
    File::open(path).map_err(TableFileProblem::Open)?;
    let empty = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(false);
    if empty {
        return Err(TableFileProblem::Empty);
    }
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(TableFileProblem::Csv)?;
    // Spreadsheet programs write UTF-8 with a byte-order mark; it is not part of the name.
    let first = df.get_column_names().first().map(|c| c.to_string());
    if let Some(first) = first.filter(|c| c.starts_with('\u{feff}')) {
        let clean = first.trim_start_matches('\u{feff}').to_string();
        df.rename(&first, clean.into())
            .map_err(TableFileProblem::Frame)?;
    }
    Ok(df)
}

#[cfg(test)]
mod tests {
    use super::first_ragged_row;

    #[test]
    fn ragged_rows_are_found_outside_quotes_only() {
        let ok = b"a,b\r\n\"x,1\",2\n\n\"multi\nline\",3\n";
        assert_eq!(first_ragged_row(ok), None);
        let bad = b"a,b\n1,2\n\"q,q\",2\n1,2,3\n";
        assert_eq!(first_ragged_row(bad), Some((3, 3, 2)));
        assert_eq!(first_ragged_row(b"a,b\n1,2\n1"), Some((2, 1, 2)));
    }
}
