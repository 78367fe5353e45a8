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

type Book = Xlsx<std::io::BufReader<std::fs::File>>;

/// Opens the workbook after the checks (regular file, size, declared inflated size) and
/// names the sheet to read: `sheet`, or the first.
fn open_sheet(path: &Path, sheet: Option<&str>) -> Result<(Book, String), TableFileProblem> {
    std::fs::metadata(path).map_err(TableFileProblem::Open)?;
    sandbox::check_table_file(path).map_err(TableFileProblem::Refused)?;
    check_inflated_size(path)?;
    let book: Book = open_workbook(path).map_err(TableFileProblem::Workbook)?;
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
    Ok((book, name))
}

fn unreadable(name: &str) -> impl FnOnce(calamine::XlsxError) -> TableFileProblem {
    let name = name.to_string();
    move |source| TableFileProblem::SheetUnreadable {
        sheet: name,
        source,
    }
}

fn read_sheet_at(path: &Path, sheet: Option<&str>) -> Result<Sheet, TableFileProblem> {
    let (mut book, name) = open_sheet(path, sheet)?;
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
    let columns = header_columns(&rows[0].1, row0, col0, &name)?;
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

/// The column names of the header row (`header`: its cells from column `col0` on), each
/// with its 0-based absolute column.
fn header_columns(
    header: &[Data],
    row0: u32,
    col0: u32,
    name: &str,
) -> Result<Vec<(String, u32)>, TableFileProblem> {
    let mut columns: Vec<(String, u32)> = Vec::with_capacity(header.len());
    for (i, cell) in header.iter().enumerate() {
        let col = col0 + i as u32;
        let text = match cell {
            Data::String(s) => s.trim().to_string(),
            Data::Empty => String::new(),
            other => other.to_string(),
        };
        if text.is_empty() {
            return Err(TableFileProblem::EmptyHeaderCell {
                sheet: name.to_string(),
                cell: cell_ref(row0, col),
            });
        }
        if columns.iter().any(|(c, _)| *c == text) {
            return Err(TableFileProblem::DuplicateColumn {
                sheet: name.to_string(),
                cell: cell_ref(row0, col),
                column: text,
            });
        }
        columns.push((text, col));
    }
    Ok(columns)
}

/// Data rows handed on at a time when a sheet is streamed. `WIRKUNG_SHEET_CHUNK_ROWS`
/// (a test hook) sets it; `0` reads every sheet whole.
fn sheet_chunk_rows() -> usize {
    std::env::var("WIRKUNG_SHEET_CHUNK_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(65_536)
}

/// Streams the sheet of `path` (`file.xlsx#Sheet`) to `each` a chunk of data rows at a
/// time, as all-text frames with the header's columns, the rows numbered as `read_frame`
/// numbers them (blank rows inside the table count); only one chunk's text is held, never
/// the sheet. Two passes over the sheet's cells: the first checks what `read_sheet` checks
/// from the whole sheet (its span, its cell count) and that the cells come in row order,
/// the second hands out the rows. `None` when the sheet cannot be streamed so (a problem
/// `read_frame` reports, cells out of order, no data row, or a chunk `each` refuses):
/// the caller then reads it whole, which reports what it finds. Returns the data rows.
pub fn sheet_chunks(path: &Path, mut each: impl FnMut(DataFrame, usize) -> bool) -> Option<usize> {
    let chunk_rows = sheet_chunk_rows();
    if !is_xlsx(path) || chunk_rows == 0 {
        return None;
    }
    let s = path.to_string_lossy();
    let (file, sheet) = split_sheet(&s);
    let stream = || -> Option<usize> {
        let (mut book, name) = open_sheet(Path::new(file), sheet).ok()?;
        // Pass 1: the span and order of the filled cells.
        let mut reader = book.worksheet_cells_reader(&name).ok()?;
        let (mut first, mut last): (Option<(u32, u32)>, (u32, u32)) = (None, (0, 0));
        let (mut col0, mut last_col, mut filled) = (u32::MAX, 0u32, 0u64);
        while let Some(cell) = reader.next_cell().ok()? {
            if matches!(Data::from(cell.get_value().clone()), Data::Empty) {
                continue;
            }
            let at = cell.get_position();
            if first.is_some() && at <= last {
                return None;
            }
            first.get_or_insert(at);
            last = at;
            col0 = col0.min(at.1);
            last_col = last_col.max(at.1);
            filled += 1;
            if filled > MAX_SHEET_CELLS {
                return None;
            }
        }
        drop(reader);
        let row0 = first?.0;
        let width = u64::from(last_col - col0) + 1;
        let height = u64::from(last.0 - row0) + 1;
        if width * height > MAX_SHEET_CELLS || height < 2 {
            return None;
        }
        // Pass 2: the header, then the data rows a chunk at a time.
        let mut reader = book.worksheet_cells_reader(&name).ok()?;
        let mut header = vec![Data::Empty; width as usize];
        let mut pending: Option<(u32, u32, Data)> = None;
        while let Some(cell) = reader.next_cell().ok()? {
            let value = Data::from(cell.get_value().clone());
            if matches!(value, Data::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            if r != row0 {
                pending = Some((r, c, value));
                break;
            }
            header[(c - col0) as usize] = value;
        }
        let columns = header_columns(&header, row0, col0, &name).ok()?;
        let estimated = (height - 1) as usize;
        let mut chunk = Chunk::new(&columns, chunk_rows.min(estimated));
        let mut next = row0 + 1;
        let mut rows = 0;
        let mut cell = pending;
        while let Some((r, c, value)) = cell {
            // Blank rows inside the table still count, so row numbers match the sheet.
            while next <= r {
                if chunk.rows == chunk_rows {
                    rows += chunk.rows;
                    if !each(chunk.frame(&columns)?, estimated) {
                        return None;
                    }
                    chunk = Chunk::new(&columns, chunk_rows.min(estimated - rows));
                }
                chunk.push_row();
                next += 1;
            }
            chunk.set(
                (c - col0) as usize,
                text_of(&value, &columns[(c - col0) as usize].0),
            );
            cell = loop {
                let Some(next_cell) = reader.next_cell().ok()? else {
                    break None;
                };
                let value = Data::from(next_cell.get_value().clone());
                if !matches!(value, Data::Empty) {
                    let (r, c) = next_cell.get_position();
                    break Some((r, c, value));
                }
            };
        }
        rows += chunk.rows;
        if chunk.rows > 0 && !each(chunk.frame(&columns)?, estimated) {
            return None;
        }
        Some(rows)
    };
    // A panic inside calamine on a malformed file: read whole, which reports it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(stream))
        .ok()
        .flatten()
}

/// The text cells of a chunk of data rows, by column.
struct Chunk {
    cells: Vec<Vec<Option<String>>>,
    rows: usize,
}

impl Chunk {
    fn new(columns: &[(String, u32)], rows: usize) -> Self {
        Chunk {
            cells: columns.iter().map(|_| Vec::with_capacity(rows)).collect(),
            rows: 0,
        }
    }

    fn push_row(&mut self) {
        self.cells.iter_mut().for_each(|c| c.push(None));
        self.rows += 1;
    }

    /// Sets column `i` of the last row.
    fn set(&mut self, i: usize, value: Option<String>) {
        if let Some(cell) = self.cells.get_mut(i).and_then(|c| c.last_mut()) {
            *cell = value;
        }
    }

    fn frame(self, columns: &[(String, u32)]) -> Option<DataFrame> {
        let rows = self.rows;
        let cols: Vec<Column> = columns
            .iter()
            .zip(self.cells)
            .map(|((name, _), values)| Column::new(name.as_str().into(), values))
            .collect();
        DataFrame::new(rows, cols).ok()
    }
}

/// A sheet's name, header row (0-based) and columns as `Sheet` has them.
pub struct Header {
    pub name: String,
    pub row: u32,
    pub columns: Vec<(String, u32)>,
}

/// The sheet's header, read from its first filled row only: once the table was read (every
/// column of its span named in the header), it is that of `read_sheet`.
pub fn read_header(path: &Path, sheet: Option<&str>) -> Option<Header> {
    let (mut book, name) = open_sheet(path, sheet).ok()?;
    let mut reader = book.worksheet_cells_reader(&name).ok()?;
    let mut cells: Vec<(u32, Data)> = Vec::new();
    let mut row0 = None;
    while let Some(cell) = reader.next_cell().ok()? {
        let value = Data::from(cell.get_value().clone());
        if matches!(value, Data::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
        if *row0.get_or_insert(r) != r {
            break;
        }
        cells.push((c, value));
    }
    drop(reader);
    let row0 = row0?;
    let col0 = cells.iter().map(|c| c.0).min()?;
    let last = cells.iter().map(|c| c.0).max()?;
    let mut header = vec![Data::Empty; (last - col0) as usize + 1];
    for (c, v) in cells {
        header[(c - col0) as usize] = v;
    }
    let columns = header_columns(&header, row0, col0, &name).ok()?;
    Some(Header {
        name,
        row: row0,
        columns,
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
    // The header is all the references need; the sheet is not read again.
    let Some(Header {
        name,
        row: header_row,
        columns,
    }) = read_header(Path::new(file), sheet)
    else {
        return;
    };
    for f in findings
        .iter_mut()
        .filter(|f| f.table.as_deref() == Some(table))
    {
        let col = f
            .column
            .as_ref()
            .and_then(|c| columns.iter().find(|(n, _)| n == c))
            .map(|(_, i)| *i);
        let place = match (f.row, col) {
            (Some(r), Some(c)) => {
                format!("cell {}", cell_ref(header_row + r as u32, c))
            }
            (Some(r), None) => format!("row {}", header_row + r as u32 + 1),
            (None, Some(c)) => format!("column {}", column_letters(c)),
            (None, None) => continue,
        };
        f.message = format!("{} (sheet '{}', {place})", f.message, name);
    }
}
