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

/// Reads a CSV (every column as text, so that values are parsed and reported here) or
/// Parquet file.
pub(super) fn read_frame(path: &Path) -> Result<DataFrame, ReadError> {
    if super::xlsx::is_xlsx(path) {
        return Ok(super::xlsx::read_frame(path)?);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "csv" => {
            read_csv(path).map_err(|reason| ReadError { row: None, reason }.locate_ragged(path))
        }
        "parquet" | "pq" => {
            let file = File::open(path).map_err(|e| format!("cannot open: {e}"))?;
            let df = ParquetReader::new(file).finish();
            Ok(df.map_err(|e| format!("not a readable Parquet file: {e}"))?)
        }
        other => {
            Err(format!("unknown file type {other:?}: expected .csv, .parquet or .xlsx").into())
        }
    }
}

/// Why a table file could not be read, with the data row where that can be told.
pub(super) struct ReadError {
    pub reason: String,
    pub row: Option<usize>,
}

impl From<String> for ReadError {
    fn from(reason: String) -> Self {
        ReadError { reason, row: None }
    }
}

impl ReadError {
    /// polars says only that some row has more fields than the header; name the first one.
    fn locate_ragged(self, path: &Path) -> ReadError {
        let Some((row, fields, header)) =
            std::fs::read(path).ok().and_then(|b| first_ragged_row(&b))
        else {
            return self;
        };
        let reason = format!(
            "data row {row} has {fields} fields but the header has {header}; the table cannot be used"
        );
        ReadError {
            reason,
            row: Some(row),
        }
    }
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

fn read_csv(path: &Path) -> Result<DataFrame, String> {
    // Opening first gives a plain "No such file" / permission message instead of polars'.
    File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let empty = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(false);
    if empty {
        return Err("the file is empty (not even a header row)".into());
    }
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(|e| {
            format!("not a readable CSV file (UTF-8, comma-separated, header row): {e}")
        })?;
    // Spreadsheet programs write UTF-8 with a byte-order mark; it is not part of the name.
    let first = df.get_column_names().first().map(|c| c.to_string());
    if let Some(first) = first.filter(|c| c.starts_with('\u{feff}')) {
        let clean = first.trim_start_matches('\u{feff}').to_string();
        df.rename(&first, clean.into()).map_err(|e| e.to_string())?;
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
