//! Excel tables (.xlsx): administrative deliveries come as workbooks. A sheet is read into
//! the same all-text frame as a CSV file, so the same validation and findings apply; the
//! findings of an .xlsx table then get the sheet and cell reference (`C17`) added.
//!
//! The sheet is the first one, or the one named after `#` in bundle.toml's `[tables]`
//! (`activity = "kennzahlen.xlsx#Kennzahlen"`). The first non-empty row is the header.

use super::finding::{Finding, echo, echo_raw};
use super::sandbox;
use super::source::{TableFileError, TableFileProblem};
use calamine::{Data, Reader, Xlsx, open_workbook};
use polars::prelude::*;
use std::path::Path;

/// Separates the sheet name from a `[tables]` entry: `file.xlsx#Sheet` -> (`file.xlsx`,
/// `Some("Sheet")`). Entries of other files are returned unchanged.
pub(super) fn split_sheet(entry: &str) -> (&str, Option<&str>) {
    match entry.rsplit_once('#') {
        Some((file, sheet)) if file.to_ascii_lowercase().ends_with(".xlsx") => (file, Some(sheet)),
        _ => (entry, None),
    }
}

/// Whether `path` (possibly with a `#Sheet` suffix) names an .xlsx file.
pub(super) fn is_xlsx(path: &Path) -> bool {
    let s = path.to_string_lossy();
    split_sheet(&s).0.to_ascii_lowercase().ends_with(".xlsx")
}

/// Spreadsheet column letters of a 0-based column index: 0 -> `A`, 26 -> `AA`.
pub fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell reference such as `C17` from 0-based row and column.
pub fn cell_ref(row: u32, col: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

/// A sheet read as text: its name, the header row's position and the columns.
pub struct Sheet {
    pub name: String,
    /// 0-based absolute row of the header.
    pub header_row: u32,
    /// (column name, 0-based absolute column) in sheet order.
    pub columns: Vec<(String, u32)>,
    /// One entry per data row and column: `None` for an empty cell.
    pub cells: Vec<Vec<Option<String>>>,
}

/// Opens the workbook and reads the sheet; errors name the file, sheet and cell.
pub fn read_sheet(path: &Path, sheet: Option<&str>) -> Result<Sheet, TableFileError> {
    read_sheet_at(path, sheet).map_err(|problem| problem.at(path))
}

/// Cells of the area a sheet's values span (header to last row, first to last column) that
/// wirkung reads; a sheet's most is 1,048,576 rows, so this allows any table with up to 23
/// columns filled to the last row. One stray value in XFD1048576 would otherwise span 17
/// billion cells (a 512 GiB allocation).
pub const MAX_SHEET_CELLS: u64 = 24 << 20;

/// The workbook's parts (XML inside the zip) as their uncompressed sizes are declared,
/// checked before calamine inflates anything: a few MB of zip can inflate to gigabytes.
fn check_inflated_size(path: &Path) -> Result<(), TableFileProblem> {
    let limit = sandbox::table_max_bytes();
    let file = std::fs::File::open(path).map_err(TableFileProblem::Open)?;
    // Not a zip at all: calamine names that below.
    let Ok(mut zip) = ::zip::ZipArchive::new(file) else {
        return Ok(());
    };
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_raw(i) else {
            continue;
        };
        total = total.saturating_add(entry.size());
        if total > limit {
            return Err(TableFileProblem::SheetTooLarge(format!(
                "the workbook inflates to more than {limit} bytes (its part {} alone declares {} bytes); set WIRKUNG_MAX_TABLE_MB to read larger tables",
                echo(entry.name()),
                entry.size()
            )));
        }
    }
    Ok(())
}

fn read_sheet_at(path: &Path, sheet: Option<&str>) -> Result<Sheet, TableFileProblem> {
    std::fs::metadata(path).map_err(TableFileProblem::Open)?;
    sandbox::check_table_file(path).map_err(TableFileProblem::Refused)?;
    check_inflated_size(path)?;
    let mut book: Xlsx<_> = open_workbook(path).map_err(TableFileProblem::Workbook)?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(TableFileProblem::SheetNotFound {
                sheet: s.to_string(),
                available: names,
            });
        }
        None => names.first().cloned().ok_or(TableFileProblem::NoSheets)?,
    };
    let unreadable = |name: &str| {
        let name = name.to_string();
        move |source| TableFileProblem::SheetUnreadable {
            sheet: name,
            source,
        }
    };
    // The cells one by one (never calamine's dense Range, which allocates the whole span
    // before anything can be checked).
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(unreadable(&name))?;
    let mut filled: Vec<(u32, u32, Data)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(unreadable(&name))? {
        let value = Data::from(cell.get_value().clone());
        if matches!(value, Data::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        filled.push((r, c, value));
        if filled.len() as u64 > MAX_SHEET_CELLS {
            return Err(TableFileProblem::SheetTooLarge(format!(
                "sheet '{}' has more than {MAX_SHEET_CELLS} filled cells, more than wirkung reads",
                echo_raw(&name)
            )));
        }
    }
    drop(reader);
    if filled.is_empty() {
        return Err(TableFileProblem::EmptySheet { sheet: name });
    }
    filled.sort_by_key(|&(r, c, _)| (r, c));
    let row0 = filled[0].0;
    let col0 = filled.iter().map(|f| f.1).min().unwrap_or(0);
    let (last_row, last_col) = filled
        .iter()
        .fold((0, 0), |(r, c), f| (r.max(f.0), c.max(f.1)));
    let width = u64::from(last_col - col0) + 1;
    let height = u64::from(last_row - row0) + 1;
    if width * height > MAX_SHEET_CELLS {
        let far = filled
            .iter()
            .max_by_key(|f| (u64::from(f.0 - row0) + 1) * (u64::from(f.1 - col0) + 1))
            .map(|f| cell_ref(f.0, f.1))
            .unwrap_or_default();
        return Err(TableFileProblem::SheetTooLarge(format!(
            "sheet '{}' spans {}:{} ({width} columns × {height} rows), more than the {MAX_SHEET_CELLS} cells wirkung reads; a stray value far from the table (cell {far})?",
            echo_raw(&name),
            cell_ref(row0, col0),
            cell_ref(last_row, last_col),
        )));
    }
    let width = width as usize;
    // Row by row as a dense slice of `width` cells, as the Range had them.
    let mut rows: Vec<(u32, Vec<Data>)> = Vec::new();
    for (r, c, v) in filled {
        if rows.last().is_none_or(|(lr, _)| *lr != r) {
            rows.push((r, vec![Data::Empty; width]));
        }
        if let Some((_, cells)) = rows.last_mut() {
            cells[(c - col0) as usize] = v;
        }
    }
    let header = &rows[0].1;
    let mut columns = Vec::with_capacity(width);
    for (i, cell) in header.iter().enumerate() {
        let col = col0 + i as u32;
        let text = match cell {
            Data::String(s) => s.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        };
        if text.is_empty() {
            return Err(TableFileProblem::EmptyHeaderCell {
                sheet: name,
                cell: cell_ref(row0, col),
            });
        }
        if columns.iter().any(|(c, _)| *c == text) {
            return Err(TableFileProblem::DuplicateColumn {
                sheet: name,
                cell: cell_ref(row0, col),
                column: text,
            });
        }
        columns.push((text, col));
    }
    // Blank rows inside the table still count, so row numbers keep matching the sheet;
    // blank rows at the end are formatting and are not there (only filled cells were read).
    let mut cells = Vec::new();
    let mut next = row0 + 1;
    for (r, row) in rows.into_iter().skip(1) {
        while next < r {
            cells.push(vec![None; columns.len()]);
            next += 1;
        }
        let values = columns
            .iter()
            .enumerate()
            .map(|(i, (column, _))| row.get(i).and_then(|c| text_of(c, column)))
            .collect();
        cells.push(values);
        next = r + 1;
    }
    Ok(Sheet {
        name,
        header_row: row0,
        columns,
        cells,
    })
}

/// A cell as the text a CSV file would hold.
fn text_of(cell: &Data, column: &str) -> Option<String> {
    match cell {
        Data::Empty => None,
        Data::String(s) if s.trim().is_empty() => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        // Whole numbers print without ".0", like the CSV form.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(format!("{}", *f as i64)),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(b.to_string()),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            // A `month` column formatted as a date in Excel means that month.
            Some(if column == "month" {
                format!("{y:04}-{m:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02}")
            })
        }
        Data::DateTimeIso(s) => Some(s.get(..10).unwrap_or(s).to_string()),
        Data::DurationIso(s) => Some(s.clone()),
        // "#DIV/0!" and friends: kept as text, so the column's reader reports the cell.
        Data::Error(e) => Some(format!("{e}")),
    }
}

/// Reads the sheet into an all-text frame, as the CSV reader does.
pub(super) fn read_frame(path: &Path) -> Result<DataFrame, TableFileError> {
    let s = path.to_string_lossy();
    let (file, sheet) = split_sheet(&s);
    let file = Path::new(file);
    let sheet = read_sheet(file, sheet)?;
    let columns: Vec<Column> = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(i, (name, _))| {
            let values: Vec<Option<&str>> = sheet.cells.iter().map(|r| r[i].as_deref()).collect();
            Column::new(name.as_str().into(), values)
        })
        .collect();
    DataFrame::new(sheet.cells.len(), columns).map_err(|e| TableFileProblem::Frame(e).at(file))
}

/// Adds `(sheet 'X', cell C17)` to every finding of a table read from an .xlsx file, so a
/// spreadsheet user finds the cell directly (data row n is sheet row header + n).
pub(super) fn add_cell_references(findings: &mut [Finding], table: &str, source: &Path) {
    if !is_xlsx(source) {
        return;
    }
    let s = source.to_string_lossy();
    let (file, sheet) = split_sheet(&s);
    let Ok(sheet) = read_sheet(Path::new(file), sheet) else {
        return;
    };
    for f in findings
        .iter_mut()
        .filter(|f| f.table.as_deref() == Some(table))
    {
        let col = f
            .column
            .as_ref()
            .and_then(|c| sheet.columns.iter().find(|(n, _)| n == c))
            .map(|(_, i)| *i);
        let place = match (f.row, col) {
            (Some(r), Some(c)) => {
                format!("cell {}", cell_ref(sheet.header_row + r as u32, c))
            }
            (Some(r), None) => format!("row {}", sheet.header_row + r as u32 + 1),
            (None, Some(c)) => format!("column {}", column_letters(c)),
            (None, None) => continue,
        };
        f.message = format!("{} (sheet '{}', {place})", f.message, sheet.name);
    }
}
