//! Finding a table's file in the bundle and reading it into a polars frame (read only).

use super::Finding;
use super::collect::Collector;
use super::finding::{echo, echo_raw};
use super::manifest::Manifest;
use super::model::Table;
use super::sandbox::{self, PathProblem};
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
        // xlsx: `file.xlsx#Sheet` names a sheet; the path keeps the suffix for read_frame.
        let message = match sandbox::resolve_inside(dir, super::xlsx::split_sheet(file).0) {
            Ok(p) if p.exists() => return Some(dir.join(file)),
            Ok(_) | Err(PathProblem::Missing) => format!(
                "file {} named for this table in bundle.toml [tables] does not exist",
                echo(file)
            ),
            Err(e) => format!("bundle.toml [tables] {name} = {}: {e}", echo(file)),
        };
        out.push(Finding::error(name, None, None, message));
        return None;
    }
    // The default names may be symlinks too; they obey the same sandbox. `exists` (not
    // `is_file`) so that a directory or pipe under the name is reported as what it is.
    let mut refused = false;
    let mut candidate = |file: String| match sandbox::resolve_inside(dir, &file) {
        Ok(p) if p.exists() => Some(p),
        Ok(_) | Err(PathProblem::Missing) => None,
        Err(e) => {
            out.push(Finding::error(name, None, None, format!("{file}: {e}")));
            refused = true;
            None
        }
    };
    let parquet = candidate(format!("{name}.parquet"));
    let csv = candidate(format!("{name}.csv"));
    let xlsx = candidate(format!("{name}.xlsx"));
    match (parquet, csv) {
        (Some(parquet), Some(_)) => {
            out.push(Finding::warning(
                name,
                None,
                None,
                format!("both {name}.parquet and {name}.csv exist; reading {name}.parquet"),
            ));
            Some(parquet)
        }
        (Some(parquet), None) => Some(parquet),
        (None, Some(csv)) => Some(csv),
        // xlsx (xlsx.rs): tried only when neither Parquet nor CSV is there.
        (None, None) if xlsx.is_some() => xlsx,
        (None, None) if refused => None,
        (None, None) => {
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
    /// Not opened at all: not a regular file, or larger than the limit.
    #[error("the file {0}")]
    Refused(#[source] PathProblem),
    /// A line longer than any table row: a file that is not a table (or has no line breaks).
    #[error(
        "line {line} is longer than {limit} bytes (no line break): not a table in CSV form; it starts {start}"
    )]
    LineTooLong {
        line: usize,
        limit: usize,
        start: String,
    },
    /// A Parquet column the table needs is of a type wirkung does not read.
    #[error("column '{column}' is stored as {dtype}, which wirkung does not read{hint}")]
    UnreadableColumnType {
        column: String,
        dtype: String,
        hint: &'static str,
    },
    /// The reader broke down on the file (a panic inside polars or calamine, caught).
    #[error("the file could not be read (the reader failed: {0})")]
    ReaderFailed(String),
    /// The header names one column twice: which values are meant cannot be known.
    #[error(
        "column '{column}' appears twice in the header (fields {first} and {second}); the table cannot be used until one is renamed or removed"
    )]
    DuplicateHeader {
        column: String,
        first: usize,
        second: usize,
    },
    /// An .xlsx sheet too large to read (dimension or uncompressed size).
    #[error("{0}")]
    SheetTooLarge(String),
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

/// A table file read into a frame, with what the reader set aside.
pub(super) struct Frame {
    pub df: DataFrame,
    /// Parquet columns of a type wirkung does not read: (column, type). They are left out of
    /// the frame; a table that needs one reports it by name, every other table ignores it.
    pub skipped: Vec<(String, String)>,
    /// How the file was read when it was not plain UTF-8 CSV with commas (a German
    /// spreadsheet export), for a note in `check`.
    pub notes: Vec<String>,
}

/// Reads a CSV (every column as text, so that values are parsed and reported here),
/// Parquet or .xlsx file (`file.xlsx#Sheet` names the sheet).
pub(super) fn read_frame(path: &Path) -> Result<DataFrame, TableFileError> {
    read_frame_full(path).map(|f| f.df)
}

/// What a reader's panic said, as a problem of the file it was reading.
pub(super) fn reader_panicked(panic: &(dyn std::any::Any + Send)) -> TableFileProblem {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    TableFileProblem::ReaderFailed(echo_raw(&what))
}

/// `read_frame`, with the Parquet columns that were set aside.
///
/// A panic inside a reader (polars, calamine) on a malformed file is caught and becomes a
/// problem of that file, so one bad table never takes the whole program down.
pub(super) fn read_frame_full(path: &Path) -> Result<Frame, TableFileError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_frame_unguarded(path)))
        .unwrap_or_else(|panic| Err(reader_panicked(panic.as_ref()).at(path)))
}

fn read_frame_unguarded(path: &Path) -> Result<Frame, TableFileError> {
    let plain = |df| Frame {
        df,
        skipped: Vec::new(),
        notes: Vec::new(),
    };
    if super::xlsx::is_xlsx(path) {
        return super::xlsx::read_frame(path).map(plain);
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "csv" | "parquet" | "pq") {
        return Err(TableFileProblem::UnknownExtension {
            extension: echo_raw(&ext),
        }
        .at(path));
    }
    // Before opening: a named pipe would block the open, a device never ends. A missing
    // file keeps the system's own message.
    std::fs::metadata(path).map_err(|e| TableFileProblem::Open(e).at(path))?;
    sandbox::check_table_file(path).map_err(|e| TableFileProblem::Refused(e).at(path))?;
    let frame = match ext.as_str() {
        // polars says only that some row has more fields than the header; name the first one.
        "csv" => read_csv(path)
            .map_err(|problem| match problem {
                TableFileProblem::Csv(_) => ragged_row(path).unwrap_or(problem),
                other => other,
            })
            .map(|(df, notes)| Frame { notes, ..plain(df) }),
        _ => read_parquet(path),
    };
    frame.map_err(|problem| problem.at(path))
}

/// Parquet types the column readers understand (columns.rs); anything else is set aside
/// before polars decodes it, since polars (built without those types) refuses the whole file.
pub(super) fn readable_parquet_type(dtype: &ArrowDataType) -> bool {
    use ArrowDataType as A;
    matches!(
        dtype,
        A::Null
            | A::Boolean
            | A::Int32
            | A::Int64
            | A::UInt32
            | A::UInt64
            | A::Float32
            | A::Float64
            | A::Utf8
            | A::LargeUtf8
            | A::Utf8View
            | A::Date32
            | A::Date64
            | A::Timestamp(..)
    )
}

/// The Parquet type as a person would name it.
pub(super) fn parquet_type_name(dtype: &ArrowDataType) -> String {
    use ArrowDataType as A;
    match dtype {
        A::Decimal(p, s) => format!("decimal128({p}, {s})"),
        A::Decimal256(p, s) => format!("decimal256({p}, {s})"),
        A::Decimal32(p, s) | A::Decimal64(p, s) => format!("decimal({p}, {s})"),
        A::Dictionary(..) => "a dictionary (a pandas category)".into(),
        A::Map(..) => "a map".into(),
        // Parquet's MAP arrives as a list of key/value structs.
        A::List(f) | A::LargeList(f)
            if matches!(&f.dtype, A::Struct(fields) if fields.len() == 2)
                && matches!(f.name.as_str(), "key_value" | "entries" | "map") =>
        {
            "a map".into()
        }
        A::Struct(..) => "a struct".into(),
        A::List(..) | A::LargeList(..) | A::FixedSizeList(..) => "a list".into(),
        other => {
            let s = format!("{other:?}").to_ascii_lowercase();
            echo_raw(&s)
        }
    }
}

/// What to do instead, for a Parquet type that is set aside.
pub(super) fn parquet_type_hint(dtype: &str) -> &'static str {
    if dtype.starts_with("decimal") {
        " (write it as float64, or as text)"
    } else if dtype.contains("dictionary") {
        " (write it as plain text, e.g. pandas .astype(str))"
    } else if dtype.starts_with("int") || dtype.starts_with("uint") || dtype.starts_with("float") {
        " (write it as int64 or float64)"
    } else {
        " (write it as text, a number, a boolean or a date)"
    }
}

fn read_parquet(path: &Path) -> Result<Frame, TableFileProblem> {
    let file = File::open(path).map_err(TableFileProblem::Open)?;
    let mut reader = ParquetReader::new(file);
    let schema = reader.schema().map_err(TableFileProblem::Parquet)?;
    let (mut keep, mut skipped) = (Vec::new(), Vec::new());
    for field in schema.iter_values() {
        if readable_parquet_type(&field.dtype) {
            keep.push(field.name.to_string());
        } else {
            skipped.push((field.name.to_string(), parquet_type_name(&field.dtype)));
        }
    }
    let df = if keep.is_empty() {
        DataFrame::empty()
    } else {
        reader
            .with_columns(Some(keep))
            .finish()
            .map_err(TableFileProblem::Parquet)?
    };
    Ok(Frame {
        df,
        skipped,
        notes: Vec::new(),
    })
}

/// A Parquet table file read one column at a time, so that only one column's values are
/// in memory beside what the reader keeps of them (`activity`: tens of millions of rows).
pub(super) struct ParquetColumns {
    path: PathBuf,
    /// Columns of a type the readers understand, in file order.
    pub columns: Vec<String>,
    /// Columns set aside for their type, as `read_parquet` reports them.
    pub skipped: Vec<(String, String)>,
    pub height: usize,
}

/// Opens `path` for reading column by column when it is a Parquet file that passes the same
/// checks as `read_frame_full`; `None` for anything else, which is then read whole and
/// reported as before.
pub(super) fn parquet_columns(path: &Path) -> Option<ParquetColumns> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())?
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "parquet" | "pq") || super::xlsx::is_xlsx(path) {
        return None;
    }
    std::fs::metadata(path).ok()?;
    sandbox::check_table_file(path).ok()?;
    let open = || -> Option<ParquetColumns> {
        let mut reader = ParquetReader::new(File::open(path).ok()?);
        let schema = reader.schema().ok()?;
        let height = reader.num_rows().ok()?;
        let (mut columns, mut skipped) = (Vec::new(), Vec::new());
        for field in schema.iter_values() {
            if readable_parquet_type(&field.dtype) {
                columns.push(field.name.to_string());
            } else {
                skipped.push((field.name.to_string(), parquet_type_name(&field.dtype)));
            }
        }
        // A file without a readable column is read whole and reported as before.
        if columns.is_empty() {
            return None;
        }
        Some(ParquetColumns {
            path: path.to_path_buf(),
            columns,
            skipped,
            height,
        })
    };
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(open))
        .ok()
        .flatten()
}

impl ParquetColumns {
    /// One column's values; `None` when the reader fails on it (a damaged file), and the
    /// caller reads the file whole to report it as `read_frame_full` does.
    pub fn column(&self, name: &str) -> Option<Series> {
        let read = || -> Option<Series> {
            let file = File::open(&self.path).ok()?;
            let df = ParquetReader::new(file)
                .with_columns(Some(vec![name.to_string()]))
                .finish()
                .ok()?;
            let series = df.column(name).ok()?.as_materialized_series().clone();
            (series.len() == self.height).then_some(series)
        };
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
            .ok()
            .flatten()
    }
}

/// Bytes of CSV text handed to the CSV reader at a time (about 130,000 activity rows).
const CHUNK_BYTES: usize = 8 << 20;

/// One chunk of a CSV table: its rows as text columns, as `read_csv` reads a whole file.
pub(super) struct CsvChunk {
    pub df: DataFrame,
    /// The rows of the whole file, estimated from the first chunk's bytes per row.
    pub estimated_rows: usize,
}

/// A plain CSV table (UTF-8 or ASCII, commas, the checks of `read_csv` passed) read a chunk
/// of rows at a time, each chunk parsed by the same reader with the header before it.
/// `None` for any other file, and an item `None` when a chunk cannot be read or the file
/// cannot be split safely: the caller then reads the file whole, which reports why.
pub(super) fn csv_chunks(path: &Path) -> Option<impl Iterator<Item = Option<CsvChunk>>> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())?
        .to_ascii_lowercase();
    if ext != "csv" || super::xlsx::is_xlsx(path) {
        return None;
    }
    let size = std::fs::metadata(path).ok()?.len();
    sandbox::check_table_file(path).ok()?;
    if size == 0 || overlong_line(path).ok()?.is_some() {
        return None;
    }
    let header = header_line(path).ok()?;
    let semicolons = header.contains(&b';') && !header.contains(&b',');
    if semicolons || duplicate_header(&header, b',').is_some() {
        return None;
    }
    let mut split = RecordSplit {
        file: File::open(path).ok()?,
        text: Vec::new(),
        scanned: 0,
        quotes: Quotes::default(),
        header: None,
        last_end: None,
        eof: false,
    };
    let mut estimated_rows = None;
    let mut names: Option<Vec<String>> = None;
    Some(std::iter::from_fn(move || {
        let Some(text) = split.next_chunk()? else {
            return Some(None);
        };
        let bytes = text.len() as f64;
        let read = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(Some(0))
            .into_reader_with_file_handle(std::io::Cursor::new(text))
            .finish();
        let Ok(mut df) = read else {
            return Some(None);
        };
        if strip_bom(&mut df).is_err() {
            return Some(None);
        }
        // Every chunk must have been read under the same header as the first.
        let columns: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|c| c.to_string())
            .collect();
        if *names.get_or_insert_with(|| columns.clone()) != columns {
            return Some(None);
        }
        let per_row = bytes / df.height().max(1) as f64;
        let estimate = *estimated_rows.get_or_insert((size as f64 / per_row * 1.02) as usize);
        Some(Some(CsvChunk {
            df,
            estimated_rows: estimate,
        }))
    }))
}

/// Where a CSV record may end, by RFC 4180 quoting: a quote opens a field or closes it
/// (doubled inside one). A quote anywhere else, which readers take in different ways,
/// makes the file unsafe to split.
#[derive(Default)]
struct Quotes {
    in_quotes: bool,
    /// Inside quotes, a quote was just seen: it closes the field unless another follows.
    quote_seen: bool,
    /// Not at the start of a field (a quote here is not RFC 4180).
    in_field: bool,
}

impl Quotes {
    /// Takes one byte; `Some(true)` at a line break that ends a record, `None` at a quote
    /// that is not RFC 4180.
    fn take(&mut self, b: u8) -> Option<bool> {
        if self.quote_seen {
            self.quote_seen = false;
            if b == b'"' {
                return Some(false);
            }
            self.in_quotes = false;
            if !matches!(b, b',' | b'\r' | b'\n') {
                return None;
            }
        }
        if self.in_quotes {
            self.quote_seen = b == b'"';
            return Some(false);
        }
        match b {
            b'"' if self.in_field => None,
            b'"' => {
                (self.in_quotes, self.in_field) = (true, true);
                Some(false)
            }
            b',' => {
                self.in_field = false;
                Some(false)
            }
            b'\n' => {
                self.in_field = false;
                Some(true)
            }
            _ => {
                self.in_field = true;
                Some(false)
            }
        }
    }
}

/// A CSV file cut at record ends into chunks of about `CHUNK_BYTES`, each with the header
/// record before it.
struct RecordSplit {
    file: File,
    /// Read but not yet handed out (from the start of a record).
    text: Vec<u8>,
    /// How much of `text` the quote state has seen.
    scanned: usize,
    quotes: Quotes,
    /// The header record, with its line break.
    header: Option<Vec<u8>>,
    /// The end of the last complete record in `text`.
    last_end: Option<usize>,
    eof: bool,
}

impl RecordSplit {
    /// The next chunk (`Some(None)`: the file cannot be split safely), `None` at the end.
    fn next_chunk(&mut self) -> Option<Option<Vec<u8>>> {
        use std::io::Read;
        'read: loop {
            let mut k = self.scanned;
            while k < self.text.len() {
                match self.quotes.take(self.text[k]) {
                    None => return self.give_up(),
                    Some(true) if self.header.is_none() => {
                        // The header goes before every chunk; the scan goes on after it. A
                        // blank first line (which a reader may skip to find the header) is
                        // left to the whole read.
                        let line = &self.text[..=k];
                        let line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
                        if line.iter().all(u8::is_ascii_whitespace) {
                            return self.give_up();
                        }
                        self.header = Some(self.text.drain(..=k).collect());
                        self.scanned = 0;
                        continue 'read;
                    }
                    Some(true) => self.last_end = Some(k + 1),
                    Some(false) => {}
                }
                k += 1;
            }
            self.scanned = self.text.len();
            if self.eof || (self.text.len() >= CHUNK_BYTES && self.last_end.is_some()) {
                break;
            }
            let had = self.text.len();
            self.text.resize(had + CHUNK_BYTES / 4, 0);
            let Ok(n) = self.file.read(&mut self.text[had..]) else {
                return self.give_up();
            };
            self.text.truncate(had + n);
            self.eof = n == 0;
        }
        // The end of the file ends the last record; a quote left open does not.
        if self.eof && self.quotes.in_quotes && !self.quotes.quote_seen {
            return self.give_up();
        }
        let end = if self.eof {
            self.text.len()
        } else {
            self.last_end.take()?
        };
        let header = self.header.as_ref()?;
        if end == 0 {
            return None;
        }
        let mut chunk = Vec::with_capacity(header.len() + end);
        chunk.extend_from_slice(header);
        chunk.extend(self.text.drain(..end));
        self.scanned -= end;
        self.last_end = None;
        Some(Some(chunk))
    }

    fn give_up(&mut self) -> Option<Option<Vec<u8>>> {
        (self.eof, self.text) = (true, Vec::new());
        self.header = None;
        Some(None)
    }
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

/// No row of a table is near this long; a longer line means the file is not a table.
pub(super) const MAX_LINE_BYTES: usize = 1 << 20;

/// The first line longer than `MAX_LINE_BYTES`, found in one linear pass (polars' reader
/// takes time quadratic in the length of a line without breaks).
fn overlong_line(path: &Path) -> Result<Option<TableFileProblem>, std::io::Error> {
    use std::io::Read;
    let mut file = File::open(path)?;
    let mut buf = vec![0u8; 1 << 16];
    let (mut line, mut len, mut start) = (1usize, 0usize, Vec::new());
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        for &b in &buf[..n] {
            if b == b'\n' {
                (line, len) = (line + 1, 0);
                start.clear();
                continue;
            }
            len += 1;
            if start.len() < 60 {
                start.push(b);
            }
            if len > MAX_LINE_BYTES {
                return Ok(Some(TableFileProblem::LineTooLong {
                    line,
                    limit: MAX_LINE_BYTES,
                    start: echo(&String::from_utf8_lossy(&start)),
                }));
            }
        }
    }
}

fn read_csv(path: &Path) -> Result<(DataFrame, Vec<String>), TableFileProblem> {
    // Opening first gives a plain "No such file" / permission message instead of polars'.
    File::open(path).map_err(TableFileProblem::Open)?;
    let empty = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(false);
    if empty {
        return Err(TableFileProblem::Empty);
    }
    if let Some(problem) = overlong_line(path).map_err(TableFileProblem::Open)? {
        return Err(problem);
    }
    // What Excel writes in a German locale: `;` between fields (the comma is the decimal
    // sign), often Windows-1252. Such a file is read as it is meant, and `check` says so.
    let header = header_line(path).map_err(TableFileProblem::Open)?;
    let semicolons = header.contains(&b';') && !header.contains(&b',');
    let separator = if semicolons { b';' } else { b',' };
    if let Some(problem) = duplicate_header(&header, separator) {
        return Err(problem);
    }
    if semicolons {
        return read_german(path, b';');
    }
    let read = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .and_then(|r| r.finish());
    let mut df = match read {
        Ok(df) => df,
        Err(e) if e.to_string().to_ascii_lowercase().contains("utf") => {
            return read_german(path, b',');
        }
        Err(e) => return Err(TableFileProblem::Csv(e)),
    };
    strip_bom(&mut df)?;
    Ok((df, Vec::new()))
}

/// Spreadsheet programs write UTF-8 with a byte-order mark; it is not part of the name.
fn strip_bom(df: &mut DataFrame) -> Result<(), TableFileProblem> {
    let first = df.get_column_names().first().map(|c| c.to_string());
    if let Some(first) = first.filter(|c| c.starts_with('\u{feff}')) {
        let clean = first.trim_start_matches('\u{feff}').to_string();
        df.rename(&first, clean.into())
            .map_err(TableFileProblem::Frame)?;
    }
    Ok(())
}

/// The first line of the file (at most `MAX_LINE_BYTES`, checked before).
fn header_line(path: &Path) -> Result<Vec<u8>, std::io::Error> {
    use std::io::Read;
    let mut head = Vec::new();
    File::open(path)?
        .take(MAX_LINE_BYTES as u64 + 1)
        .read_to_end(&mut head)?;
    let end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    head.truncate(end);
    Ok(head)
}

/// A column named twice in the header (polars would rename the second copy, and the
/// reader would silently use the first).
fn duplicate_header(line: &[u8], separator: u8) -> Option<TableFileProblem> {
    let text = String::from_utf8_lossy(line);
    let names: Vec<String> = text
        .split(char::from(separator))
        .map(|n| {
            n.trim_start_matches('\u{feff}')
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .collect();
    for (i, name) in names.iter().enumerate() {
        if let Some(j) = names[i + 1..].iter().position(|n| n == name) {
            return Some(TableFileProblem::DuplicateHeader {
                column: echo_raw(name),
                first: i + 1,
                second: i + 2 + j,
            });
        }
    }
    None
}

/// Windows-1252's characters at 0x80–0x9F (the rest of its upper half is Latin-1).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// Text of a file that is not UTF-8, read as Windows-1252.
fn from_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// A German decimal number (`0,5`, `-12,25`): digits, one comma, digits.
fn decimal_comma(s: &str) -> Option<String> {
    let t = s.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let (a, b) = digits.split_once(',')?;
    let ok = |p: &str| !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit());
    (ok(a) && ok(b)).then(|| t.replacen(',', ".", 1))
}

/// Reads a CSV file the way a German spreadsheet export is meant: UTF-8 (with or without a
/// byte-order mark) or else Windows-1252, fields separated by `separator`, and with `;`
/// decimal commas in numbers read as points (ids and names never match the pattern).
fn read_german(path: &Path, separator: u8) -> Result<(DataFrame, Vec<String>), TableFileProblem> {
    let bytes = std::fs::read(path).map_err(TableFileProblem::Open)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let mut how = Vec::new();
    if separator == b';' {
        how.push("fields separated by ';'");
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => {
            how.push("Windows-1252 text (not UTF-8)");
            from_cp1252(bytes)
        }
    };
    let mut df = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .map_parse_options(|p| p.with_separator(separator))
        .into_reader_with_file_handle(std::io::Cursor::new(text.into_bytes()))
        .finish()
        .map_err(TableFileProblem::Csv)?;
    let mut commas = 0usize;
    if separator == b';' {
        let mut columns = Vec::with_capacity(df.width());
        for c in df.columns() {
            let Ok(ca) = c.as_materialized_series().str() else {
                columns.push(c.clone());
                continue;
            };
            let values: Vec<Option<String>> = ca
                .iter()
                .map(|v| {
                    v.map(|v| match decimal_comma(v) {
                        Some(point) => {
                            commas += 1;
                            point
                        }
                        None => v.to_string(),
                    })
                })
                .collect();
            columns.push(Column::new(c.name().clone(), values));
        }
        df = DataFrame::new(df.height(), columns).map_err(TableFileProblem::Frame)?;
    }
    if commas > 0 {
        how.push("decimal commas read as decimal points");
    }
    let note = format!("read as a German spreadsheet export: {}", how.join(", "));
    Ok((df, vec![note]))
}

#[cfg(test)]
mod tests {
    use super::first_ragged_row;

    #[test]
    fn german_numbers_and_windows_1252() {
        use super::{decimal_comma, from_cp1252};
        assert_eq!(decimal_comma("0,5").as_deref(), Some("0.5"));
        assert_eq!(decimal_comma(" -12,25").as_deref(), Some("-12.25"));
        assert_eq!(decimal_comma("1.234,5"), None);
        assert_eq!(decimal_comma("Müller, Hans"), None);
        assert_eq!(decimal_comma("08111"), None);
        assert_eq!(from_cp1252(b"M\xfcller \x80 \x84x\x93"), "Müller € „x“");
    }

    #[test]
    fn csv_records_end_only_outside_rfc_4180_quotes() {
        use super::Quotes;
        let ends = |text: &[u8]| -> Option<Vec<usize>> {
            let mut q = Quotes::default();
            let mut ends = Vec::new();
            for (k, &b) in text.iter().enumerate() {
                if q.take(b)? {
                    ends.push(k + 1);
                }
            }
            Some(ends)
        };
        assert_eq!(ends(b"a,b\r\n1,2\n"), Some(vec![5, 9]));
        assert_eq!(ends(b"\"x\ny\",\"a\"\"b\"\n1,2\n"), Some(vec![13, 17]));
        assert_eq!(ends(b"\"\",1\n"), Some(vec![5]));
        // A quote inside a field, or text after a closing quote: not split.
        assert_eq!(ends(b"a,b\"c\n"), None);
        assert_eq!(ends(b"\"a\"b,1\n"), None);
    }

    #[test]
    fn ragged_rows_are_found_outside_quotes_only() {
        let ok = b"a,b\r\n\"x,1\",2\n\n\"multi\nline\",3\n";
        assert_eq!(first_ragged_row(ok), None);
        let bad = b"a,b\n1,2\n\"q,q\",2\n1,2,3\n";
        assert_eq!(first_ragged_row(bad), Some((3, 3, 2)));
        assert_eq!(first_ragged_row(b"a,b\n1,2\n1"), Some((2, 1, 2)));
    }
}
