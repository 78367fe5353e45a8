//! Typed access to the columns of one table file, with a finding for every value that
//! cannot be read (bundle-format.md, "Reading rules").
//!
//! CSV tables arrive with every column as text, so the values are parsed here and a bad
//! value is reported with its exact row and column. Parquet columns may also carry native
//! types (integers, floats, booleans, dates); those are accepted where they cannot lose
//! information. Identifiers must be text: a Parquet integer column would have dropped the
//! leading zero of `08111`, so it is a type error rather than a silent conversion.

use super::collect::Collector;
use super::collect::RowProblem;
use super::finding::echo;
use super::model::Table;
use super::source::ParquetColumns;
use crate::core::period::Month;
use chrono::NaiveDate;
use polars::prelude::*;

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01 (Arrow's day 0).
const EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// One value as read: present, missing (empty CSV field, Parquet null) or unreadable.
pub(super) enum Cell<T> {
    Value(T),
    Missing,
    Invalid { kind: RowProblem, message: String },
}

/// What `Value::dense` hands on: a chunk's values and, when some are absent, which are there.
pub(super) type DenseChunk<'f, T> = dyn FnMut(&[T], Option<&dyn Fn(usize) -> bool>) + 'f;

/// A value type a column can be read as.
pub(super) trait Value: Sized {
    /// What a good value looks like, for messages ("a whole number").
    const EXPECTED: &'static str;
    /// Reads a text value (already trimmed, not empty).
    fn parse(s: &str) -> Result<Self, (RowProblem, String)>;
    /// Reads a column of a native (non-text) type cell by cell into `each`; false when the
    /// type cannot hold this value.
    fn native(series: &Series, each: &mut dyn FnMut(Cell<Self>)) -> bool;
    /// Reads a native column a chunk of values at a time into `each(values, present)` when
    /// every present cell is readable as it is (the Parquet file of a large table):
    /// `present(k)` tells whether the chunk's `k`-th cell is there (`None`: all are). False,
    /// with nothing read, when `native` must look at each cell.
    fn dense(_series: &Series, _each: &mut DenseChunk<'_, Self>) -> bool {
        false
    }
}

const WRONG_TYPE: RowProblem = RowProblem::WrongType;
const IMPOSSIBLE_DATE: RowProblem = RowProblem::ImpossibleCalendarDate;

fn wrong(expected: &str, found: &str) -> (RowProblem, String) {
    (
        WRONG_TYPE,
        format!("expected {expected}, found {}", echo(found)),
    )
}

fn casted<T: PolarsNumericType>(series: &Series) -> Option<ChunkedArray<T>> {
    let s = series.cast(&T::get_static_dtype()).ok()?;
    s.unpack::<T>().ok().cloned()
}

impl Value for i64 {
    const EXPECTED: &'static str = "a whole number";
    fn parse(s: &str) -> Result<i64, (RowProblem, String)> {
        if let Ok(v) = s.parse::<i64>() {
            return Ok(v);
        }
        // Spreadsheets and pandas write whole numbers of a column with gaps as `12.0`.
        match s.parse::<f64>() {
            Ok(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
            _ => Err(wrong(Self::EXPECTED, s)),
        }
    }
    fn native(series: &Series, each: &mut dyn FnMut(Cell<i64>)) -> bool {
        let dtype = series.dtype();
        if dtype.is_integer() {
            let Some(ca) = casted::<Int64Type>(series) else {
                return false;
            };
            ca.iter()
                .for_each(|v| each(v.map_or(Cell::Missing, Cell::Value)));
            return true;
        }
        if dtype.is_float() {
            let Some(ca) = casted::<Float64Type>(series) else {
                return false;
            };
            ca.iter().for_each(|v| {
                each(match v {
                    None => Cell::Missing,
                    Some(f) if f.is_nan() => Cell::Missing,
                    Some(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                        Cell::Value(f as i64)
                    }
                    Some(f) => Cell::Invalid {
                        kind: WRONG_TYPE,
                        message: format!("expected a whole number, found {f}"),
                    },
                })
            });
            return true;
        }
        false
    }
    fn dense(series: &Series, each: &mut DenseChunk<'_, i64>) -> bool {
        if !series.dtype().is_integer() {
            return false;
        }
        // As in `native`, an unsigned value beyond i64 casts to an absent one.
        let Some(ca) = casted::<Int64Type>(series) else {
            return false;
        };
        for chunk in ca.downcast_iter() {
            let values = &chunk.values()[..];
            match chunk.validity().filter(|bits| bits.unset_bits() > 0) {
                None => each(values, None),
                Some(bits) => each(values, Some(&|k| bits.get_bit(k))),
            }
        }
        true
    }
}

impl Value for f64 {
    const EXPECTED: &'static str = "a number";
    fn parse(s: &str) -> Result<f64, (RowProblem, String)> {
        match s.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(f),
            _ if s.contains(',') && s.replace(',', ".").parse::<f64>().is_ok() => Err((
                WRONG_TYPE,
                format!(
                    "expected a number with a decimal point, found {} (decimal comma?)",
                    echo(s)
                ),
            )),
            _ => Err(wrong(Self::EXPECTED, s)),
        }
    }
    fn native(series: &Series, each: &mut dyn FnMut(Cell<f64>)) -> bool {
        if !(series.dtype().is_integer() || series.dtype().is_float()) {
            return false;
        }
        let Some(ca) = casted::<Float64Type>(series) else {
            return false;
        };
        ca.iter().for_each(|v| {
            each(match v {
                Some(f) if f.is_finite() => Cell::Value(f),
                // NaN is how pandas writes a missing float.
                Some(f) if f.is_nan() => Cell::Missing,
                Some(f) => Cell::Invalid {
                    kind: WRONG_TYPE,
                    message: format!("expected a finite number, found {f}"),
                },
                None => Cell::Missing,
            })
        });
        true
    }
}

impl Value for bool {
    const EXPECTED: &'static str = "true/false or 1/0";
    fn parse(s: &str) -> Result<bool, (RowProblem, String)> {
        // bundle-format.md: `true`/`false` in any case; `1`/`0` are accepted too.
        if s.eq_ignore_ascii_case("true") || s == "1" {
            Ok(true)
        } else if s.eq_ignore_ascii_case("false") || s == "0" {
            Ok(false)
        } else {
            Err(wrong(Self::EXPECTED, s))
        }
    }
    fn native(series: &Series, each: &mut dyn FnMut(Cell<bool>)) -> bool {
        if let Ok(ca) = series.bool() {
            ca.iter()
                .for_each(|v| each(v.map_or(Cell::Missing, Cell::Value)));
            return true;
        }
        if !series.dtype().is_integer() {
            return false;
        }
        let Some(ca) = casted::<Int64Type>(series) else {
            return false;
        };
        ca.iter().for_each(|v| {
            each(match v {
                None => Cell::Missing,
                Some(0) => Cell::Value(false),
                Some(1) => Cell::Value(true),
                Some(n) => Cell::Invalid {
                    kind: WRONG_TYPE,
                    message: format!("expected true/false or 1/0, found {n}"),
                },
            })
        });
        true
    }
}

/// Parses `YYYY-MM-DD` without chrono's format machinery (the activity table has ~300k dates).
pub(super) fn parse_iso_date(s: &str) -> Result<NaiveDate, (RowProblem, String)> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    let parts = if shaped {
        digits(0..4).zip(digits(5..7)).zip(digits(8..10))
    } else {
        None
    };
    let Some(((y, m), d)) = parts else {
        return Err(wrong("a date YYYY-MM-DD", s));
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| {
        (
            IMPOSSIBLE_DATE,
            format!("{} is not a real calendar date", echo(s)),
        )
    })
}

impl Value for NaiveDate {
    const EXPECTED: &'static str = "a date YYYY-MM-DD";
    fn parse(s: &str) -> Result<NaiveDate, (RowProblem, String)> {
        parse_iso_date(s)
    }
    fn native(series: &Series, each: &mut dyn FnMut(Cell<NaiveDate>)) -> bool {
        // pandas writes dates as timestamps at midnight; they are read as their day.
        let as_dates;
        let series = if matches!(series.dtype(), DataType::Datetime(..)) {
            match series.cast(&DataType::Date) {
                Ok(s) => {
                    as_dates = s;
                    &as_dates
                }
                Err(_) => return false,
            }
        } else {
            series
        };
        let Ok(ca) = series.date() else { return false };
        ca.physical().iter().for_each(|v| {
            each(match v {
                None => Cell::Missing,
                Some(days) => match NaiveDate::from_num_days_from_ce_opt(
                    days.saturating_add(EPOCH_DAYS_FROM_CE),
                ) {
                    Some(d) => Cell::Value(d),
                    None => Cell::Invalid {
                        kind: IMPOSSIBLE_DATE,
                        message: format!("date {days} days after 1970-01-01 is out of range"),
                    },
                },
            })
        });
        true
    }
    fn dense(series: &Series, each: &mut DenseChunk<'_, NaiveDate>) -> bool {
        let Ok(ca) = series.date() else { return false };
        let days = ca.physical();
        let day =
            |d: i32| NaiveDate::from_num_days_from_ce_opt(d.saturating_add(EPOCH_DAYS_FROM_CE));
        // Every day between two dates in range is in range.
        let in_range = |d: Option<i32>| d.and_then(day).is_some();
        if days.null_count() > 0 || !in_range(days.min()) || !in_range(days.max()) {
            return false;
        }
        let mut dates = Vec::new();
        for chunk in days.downcast_iter() {
            dates.clear();
            dates.extend(chunk.values().iter().map(|&d| day(d).unwrap_or_default()));
            each(&dates, None);
        }
        true
    }
}

impl Value for Month {
    const EXPECTED: &'static str = "a month YYYY-MM";
    fn parse(s: &str) -> Result<Month, (RowProblem, String)> {
        s.parse::<Month>().map_err(|e| (WRONG_TYPE, e.to_string()))
    }
    fn native(series: &Series, each: &mut dyn FnMut(Cell<Month>)) -> bool {
        NaiveDate::native(series, &mut |c| {
            each(match c {
                Cell::Value(d) => Cell::Value(Month::of_date(d)),
                Cell::Missing => Cell::Missing,
                Cell::Invalid { kind, message } => Cell::Invalid { kind, message },
            })
        })
    }
}

/// Where a reader's columns come from: a frame read whole, or a Parquet file read one
/// column at a time (`activity`, whose raw rows need not all be in memory at once).
#[derive(Clone, Copy)]
enum Source<'a> {
    Frame(&'a DataFrame),
    Parquet(&'a ParquetColumns),
}

/// Reads the columns of one table file, reporting into the collector.
pub(super) struct TableReader<'a, 'c> {
    pub table: Table,
    src: Source<'a>,
    /// A column of a Parquet file read column by column could not be read: the caller
    /// reads the file whole instead, which reports the damage.
    pub failed: bool,
    pub height: usize,
    pub out: &'c mut Collector,
    /// A required column is missing or of an unusable type: the table cannot be used.
    pub unreadable: bool,
    /// Unreadable (present but invalid) values per column.
    invalid: std::collections::HashMap<String, usize>,
    /// Parquet columns set aside for their type (source.rs): (column, type).
    skipped: Vec<(String, String)>,
    /// Reading one chunk of a table read in chunks: what earlier chunks left.
    chunks: Option<&'c mut Chunks>,
}

/// What reading a table in chunks (a large CSV `activity`) carries from one chunk to the
/// next: rows read so far and, per column, its reporting so far, whose findings are held
/// back and given out column by column at the end, in the order of a table read whole.
#[derive(Default)]
pub(super) struct Chunks {
    /// Rows in the chunks read so far.
    pub rows: usize,
    /// A required column is missing (found in the first chunk's header).
    pub unreadable: bool,
    /// Each column's reporting, in the order the columns were first read.
    columns: Vec<(String, Option<Gather>)>,
}

impl<'a, 'c> TableReader<'a, 'c> {
    pub fn new(table: Table, df: &'a DataFrame, out: &'c mut Collector) -> Self {
        TableReader {
            table,
            src: Source::Frame(df),
            failed: false,
            height: df.height(),
            out,
            unreadable: false,
            invalid: Default::default(),
            skipped: Vec::new(),
            chunks: None,
        }
    }

    /// A reader of one chunk of a table read in chunks: row numbers continue from the
    /// earlier chunks and findings are held in `chunks` (`finish_chunks` gives them out).
    pub fn in_chunks(mut self, chunks: &'c mut Chunks) -> Self {
        self.chunks = Some(chunks);
        self
    }

    /// After the last chunk: the held findings of each column in turn, each followed by its
    /// summary of missing values, as `each` reports a table read whole; this reader then
    /// stands for the whole table (`height`, `unreadable`, `invalid_count`).
    pub fn finish_chunks(&mut self, chunks: Chunks) {
        self.height = chunks.rows;
        self.unreadable |= chunks.unreadable;
        for (_, g) in chunks.columns {
            let Some(mut g) = g else { continue };
            for (kind, finding) in g.held.take().unwrap_or_default() {
                self.out.row(kind, finding);
            }
            self.finish(g);
        }
    }

    /// The reporting of a column about to be read: new, or carried over from the chunks
    /// before.
    fn begin(&mut self, col: &str, required: bool) -> Gather {
        let table = self.name();
        let Some(chunks) = self.chunks.as_deref_mut() else {
            return Gather::new(table, col, required);
        };
        let carried = chunks.columns.iter_mut().find(|(c, _)| c == col);
        match carried.and_then(|(_, g)| g.take()) {
            Some(g) => g,
            None => {
                let g = Gather {
                    row: chunks.rows,
                    held: Some(Vec::new()),
                    ..Gather::new(table, col, required)
                };
                if !chunks.columns.iter().any(|(c, _)| c == col) {
                    chunks.columns.push((col.to_string(), None));
                }
                g
            }
        }
    }

    /// A column read: reported now, or kept for the next chunk.
    fn end(&mut self, g: Gather) {
        let Some(chunks) = self.chunks.as_deref_mut() else {
            return self.finish(g);
        };
        if let Some((_, slot)) = chunks.columns.iter_mut().find(|(c, _)| *c == g.column) {
            *slot = Some(g);
        }
    }

    /// A reader of a Parquet file's columns, one at a time.
    pub fn parquet(table: Table, file: &'a ParquetColumns, out: &'c mut Collector) -> Self {
        TableReader {
            table,
            src: Source::Parquet(file),
            failed: false,
            height: file.height,
            out,
            unreadable: false,
            invalid: Default::default(),
            skipped: file.skipped.clone(),
            chunks: None,
        }
    }

    /// Parquet columns the file has but the reader set aside for their type.
    pub fn with_skipped(mut self, skipped: Vec<(String, String)>) -> Self {
        self.skipped = skipped;
        self
    }

    /// Why a column that the file has is not in the frame: its unreadable Parquet type.
    pub fn skipped_type(&self, col: &str) -> Option<String> {
        self.skipped.iter().find(|(c, _)| c == col).map(|(_, t)| {
            format!(
                "column '{col}' is stored as {t}, which wirkung does not read{}",
                super::source::parquet_type_hint(t)
            )
        })
    }

    fn name(&self) -> &'static str {
        self.table.name()
    }

    /// Reports every absent column; an absent required column makes the table unreadable.
    pub fn require_columns(&mut self, required: &[&str], nullable: &[&str]) {
        let present: Vec<String> = match self.src {
            Source::Frame(df) => df
                .get_column_names()
                .iter()
                .map(|c| c.to_string())
                .collect(),
            Source::Parquet(file) => file.columns.clone(),
        };
        for (col, is_required) in required
            .iter()
            .map(|c| (c, true))
            .chain(nullable.iter().map(|c| (c, false)))
        {
            if present.iter().any(|p| p == col) {
                continue;
            }
            let consequence = if is_required {
                "; the table cannot be used"
            } else {
                "; its values count as missing"
            };
            if let Some(why) = self.skipped_type(col) {
                let msg = format!("{why}{consequence}");
                self.out
                    .push(super::Finding::error(self.name(), Some(col), None, msg));
                self.unreadable |= is_required;
                continue;
            }
            let near = present.iter().find(|p| p.trim().eq_ignore_ascii_case(col));
            let hint = match near {
                Some(p) => format!(
                    " (found {}: column names are case-sensitive and exact)",
                    echo(p)
                ),
                None if present.len() == 1 && present[0].contains(';') => {
                    " (the file seems to be separated by semicolons; format 1 expects commas)"
                        .to_string()
                }
                None => format!(" (columns found: {})", found_list(&present)),
            };
            let what = if is_required {
                "required column"
            } else {
                "column"
            };
            self.out.push(super::Finding::error(
                self.name(),
                Some(col),
                None,
                format!("{what} '{col}' is missing{hint}{consequence}"),
            ));
            self.unreadable |= is_required;
        }
    }

    /// How many values of `col` were present but unreadable.
    pub fn invalid_count(&self, col: &str) -> usize {
        self.invalid.get(col).copied().unwrap_or(0)
    }

    pub fn has_column(&self, col: &str) -> bool {
        match self.src {
            Source::Frame(df) => df.column(col).is_ok(),
            Source::Parquet(file) => file.columns.iter().any(|c| c == col),
        }
    }

    /// A column of a frame read whole (`None` for a Parquet file read column by column:
    /// its readers use `each` and `each_id`).
    fn series(&self, col: &str) -> Option<&'a Series> {
        match self.src {
            Source::Frame(df) => df.column(col).ok().map(|c| c.as_materialized_series()),
            Source::Parquet(_) => None,
        }
    }

    /// A column, from the frame or read from the file now.
    fn owned_series(&mut self, col: &str) -> Option<Series> {
        match self.src {
            Source::Frame(df) => df
                .column(col)
                .ok()
                .map(|c| c.as_materialized_series().clone()),
            Source::Parquet(file) => {
                if !self.has_column(col) {
                    return None;
                }
                let series = file.column(col);
                self.failed |= series.is_none();
                series
            }
        }
    }

    /// Reads every cell of a column into `each(row index, value)`, reporting as `req`
    /// (`required`) or `opt` do; nothing is called when the column is absent or of a type
    /// that cannot hold the values (reported, and unreadable when required).
    pub fn each<T: Value + Clone>(
        &mut self,
        col: &str,
        required: bool,
        mut each: impl FnMut(usize, Option<T>),
    ) {
        let Some(series) = self.owned_series(col) else {
            return;
        };
        let mut g = self.begin(col, required);
        let out = &mut *self.out;
        // Only an absent cell needs a report: the others need no bookkeeping.
        let dense = T::dense(&series, &mut |values, present| {
            for (k, v) in values.iter().enumerate() {
                let i = g.row;
                if present.is_none_or(|present| present(k)) {
                    g.row += 1;
                    each(i, Some(v.clone()));
                } else {
                    each(i, g.push(out, Cell::Missing));
                }
            }
        });
        if dense {
            self.end(g);
            return;
        }
        let mut put = |g: &mut Gather, out: &mut Collector, cell: Cell<T>| {
            let i = g.row;
            each(i, g.push(out, cell));
        };
        if series.dtype() == &DataType::Null {
            (0..self.height).for_each(|_| put(&mut g, out, Cell::Missing));
        } else if let Ok(ca) = series.str() {
            for v in ca.iter() {
                let cell = match v.map(str::trim) {
                    None | Some("") => Cell::Missing,
                    Some(s) => match T::parse(s) {
                        Ok(v) => Cell::Value(v),
                        Err((kind, message)) => Cell::Invalid { kind, message },
                    },
                };
                put(&mut g, out, cell);
            }
        } else if !T::native(&series, &mut |cell| put(&mut g, out, cell)) {
            let msg = format!(
                "expected {}, found a column of type {}",
                T::EXPECTED,
                series.dtype()
            );
            self.column_type_error(col, msg, required);
            return;
        }
        self.end(g);
    }

    /// An id column interned by `intern` into `each(row index, id)`, trimmed as `req_text`
    /// reads it; reported like `each`.
    pub fn each_id(
        &mut self,
        col: &str,
        required: bool,
        mut intern: impl FnMut(&str) -> u32,
        mut each: impl FnMut(usize, Option<u32>),
    ) {
        let Some(series) = self.owned_series(col) else {
            return;
        };
        let Some(ca) = series.str().ok().filter(|ca| ca.null_count() == 0) else {
            return self.each_text_of(&series, col, required, |i, v| each(i, v.map(&mut intern)));
        };
        let mut g = self.begin(col, required);
        let out = &mut *self.out;
        for chunk in ca.downcast_iter() {
            // Rows of one IM come together: a cell whose view (its bytes, or where in this
            // chunk's buffers they lie) equals the previous cell's holds the same text, and
            // is neither trimmed nor looked up again.
            let mut last: Option<(u128, Option<u32>)> = None;
            for (k, view) in chunk.views().iter().enumerate() {
                let view = view.as_u128();
                let id = match last {
                    Some((v, id)) if v == view => id,
                    _ => {
                        let s = chunk.value(k).trim();
                        let id = (!s.is_empty()).then(|| intern(s));
                        last = Some((view, id));
                        id
                    }
                };
                let i = g.row;
                each(i, g.push(out, id.map_or(Cell::Missing, Cell::Value)));
            }
        }
        self.end(g);
    }

    /// `each` for a text column, trimmed as `req_text` reads it.
    fn each_text_of(
        &mut self,
        series: &Series,
        col: &str,
        required: bool,
        mut each: impl FnMut(usize, Option<&str>),
    ) {
        let mut g = self.begin(col, required);
        let out = &mut *self.out;
        if series.dtype() == &DataType::Null {
            for _ in 0..self.height {
                let i = g.row;
                each(i, g.push(out, Cell::Missing));
            }
        } else if let Ok(ca) = series.str() {
            for v in ca.iter() {
                let cell = v
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map_or(Cell::Missing, Cell::Value);
                let i = g.row;
                each(i, g.push(out, cell));
            }
        } else {
            let msg = format!(
                "expected text, found a column of type {}; identifiers and names must be stored as text (so that leading zeros survive)",
                series.dtype()
            );
            self.column_type_error(col, msg, required);
            return;
        }
        self.end(g);
    }

    fn column_type_error(&mut self, col: &str, message: String, required: bool) {
        let consequence = if required {
            "; the table cannot be used"
        } else {
            "; its values count as missing"
        };
        self.out.push(super::Finding::error(
            self.name(),
            Some(col),
            None,
            format!("{message}{consequence}"),
        ));
        self.unreadable |= required;
    }

    /// Reads every cell of a column; `None` when the column is absent or of a type that
    /// cannot hold the values (reported, and unreadable when required).
    fn gather<T: Value>(&mut self, col: &str, required: bool) -> Option<Vec<Option<T>>> {
        let series = self.series(col)?;
        let mut g = Gather::new(self.name(), col, required);
        let mut values = Vec::with_capacity(self.height);
        let out = &mut *self.out;
        if series.dtype() == &DataType::Null {
            (0..self.height).for_each(|_| values.push(g.push(out, Cell::Missing)));
        } else if let Ok(ca) = series.str() {
            for v in ca.iter() {
                let cell = match v.map(str::trim) {
                    None | Some("") => Cell::Missing,
                    Some(s) => match T::parse(s) {
                        Ok(v) => Cell::Value(v),
                        Err((kind, message)) => Cell::Invalid { kind, message },
                    },
                };
                values.push(g.push(out, cell));
            }
        } else if !T::native(series, &mut |cell| values.push(g.push(out, cell))) {
            let msg = format!(
                "expected {}, found a column of type {}",
                T::EXPECTED,
                series.dtype()
            );
            self.column_type_error(col, msg, required);
            return None;
        }
        self.finish(g);
        Some(values)
    }

    fn gather_text(&mut self, col: &str, required: bool) -> Option<Vec<Option<&'a str>>> {
        let series = self.series(col)?;
        let mut g = Gather::new(self.name(), col, required);
        let mut values = Vec::with_capacity(self.height);
        let out = &mut *self.out;
        if series.dtype() == &DataType::Null {
            (0..self.height).for_each(|_| values.push(g.push(out, Cell::Missing)));
        } else if let Ok(ca) = series.str() {
            for v in ca.iter() {
                values.push(
                    g.push(
                        out,
                        v.map(str::trim)
                            .filter(|s| !s.is_empty())
                            .map_or(Cell::Missing, Cell::Value),
                    ),
                );
            }
        } else {
            let msg = format!(
                "expected text, found a column of type {}; identifiers and names must be stored as text (so that leading zeros survive)",
                series.dtype()
            );
            self.column_type_error(col, msg, required);
            return None;
        }
        self.finish(g);
        Some(values)
    }

    fn finish(&mut self, g: Gather) {
        if g.invalid > 0 {
            self.invalid.insert(g.column.to_string(), g.invalid);
        }
        if !g.missing_rows.is_empty() {
            let msg = missing_summary(&g.missing_rows, self.height);
            self.out.push(super::Finding::warning(
                g.table,
                Some(g.column.as_str()),
                None,
                msg,
            ));
        }
    }

    fn none<T>(&self) -> Vec<Option<T>> {
        (0..self.height).map(|_| None).collect()
    }

    /// Required column: a missing or unreadable value is an error and the row is left out
    /// (`None` here).
    pub fn req_text(&mut self, col: &str) -> Vec<Option<&'a str>> {
        self.gather_text(col, true).unwrap_or_else(|| self.none())
    }

    /// Nullable column: missing values are counted in one warning per column; an unreadable
    /// value is an error and counts as missing.
    pub fn opt_text(&mut self, col: &str) -> Vec<Option<&'a str>> {
        self.gather_text(col, false).unwrap_or_else(|| self.none())
    }

    pub fn req<T: Value>(&mut self, col: &str) -> Vec<Option<T>> {
        self.gather(col, true).unwrap_or_else(|| self.none())
    }

    pub fn opt<T: Value>(&mut self, col: &str) -> Vec<Option<T>> {
        self.gather(col, false).unwrap_or_else(|| self.none())
    }

    /// A declared control: a number, or a boolean that enters the regression as 1.0/0.0.
    pub fn control(&mut self, col: &str) -> Vec<Option<f64>> {
        if self
            .series(col)
            .is_some_and(|s| s.dtype() == &DataType::Boolean)
        {
            let flags = self.opt::<bool>(col);
            return flags
                .into_iter()
                .map(|b| b.map(|b| if b { 1.0 } else { 0.0 }))
                .collect();
        }
        self.opt::<Control>(col)
            .into_iter()
            .map(|c| c.map(|c| c.0))
            .collect()
    }
}

/// What was reported about one column's values as they are read.
struct Gather {
    table: &'static str,
    column: String,
    required: bool,
    /// Cells read so far (the 0-based index of the next one).
    row: usize,
    missing_rows: Vec<usize>,
    invalid: usize,
    /// Reading a table in chunks: the row findings, held back (`TableReader::finish_chunks`).
    held: Option<Vec<(RowProblem, super::Finding)>>,
}

impl Gather {
    fn new(table: &'static str, column: &str, required: bool) -> Self {
        Gather {
            table,
            column: column.to_string(),
            required,
            row: 0,
            missing_rows: Vec::new(),
            invalid: 0,
            held: None,
        }
    }

    /// Reports a cell where needed; its value, or `None` when missing or unreadable.
    fn push<T>(&mut self, out: &mut Collector, cell: Cell<T>) -> Option<T> {
        self.row += 1;
        let row = self.row;
        let (table, col) = (self.table, self.column.as_str());
        match cell {
            Cell::Value(v) => Some(v),
            Cell::Missing if self.required => {
                let msg = "required value is missing; the row is left out".to_string();
                let finding = super::Finding::error(table, Some(col), Some(row), msg);
                match &mut self.held {
                    Some(held) => held.push((RowProblem::MissingRequiredValue, finding)),
                    None => out.row(RowProblem::MissingRequiredValue, finding),
                }
                None
            }
            Cell::Missing => {
                self.missing_rows.push(row);
                None
            }
            Cell::Invalid { kind, message } => {
                self.invalid += 1;
                let consequence = if self.required {
                    "the row is left out"
                } else {
                    "the value counts as missing"
                };
                let msg = format!("{message}; {consequence}");
                let finding = super::Finding::error(table, Some(col), Some(row), msg);
                match &mut self.held {
                    Some(held) => held.push((kind, finding)),
                    None => out.row(kind, finding),
                }
                None
            }
        }
    }
}

/// A control value read from text: a number, or `true`/`false` as 1.0/0.0.
struct Control(f64);

impl Value for Control {
    const EXPECTED: &'static str = "a number (or true/false)";
    fn parse(s: &str) -> Result<Control, (RowProblem, String)> {
        match f64::parse(s) {
            Ok(f) => Ok(Control(f)),
            Err(e) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => {
                bool::parse(s)
                    .map(|b| Control(if b { 1.0 } else { 0.0 }))
                    .map_err(|_| e)
            }
            Err(e) => Err(e),
        }
    }
    fn native(series: &Series, each: &mut dyn FnMut(Cell<Control>)) -> bool {
        f64::native(series, &mut |c| {
            each(match c {
                Cell::Value(v) => Cell::Value(Control(v)),
                Cell::Missing => Cell::Missing,
                Cell::Invalid { kind, message } => Cell::Invalid { kind, message },
            })
        })
    }
}

/// The header's column names for a message: each echoed, at most 12 of them.
fn found_list(present: &[String]) -> String {
    let mut names: Vec<String> = present.iter().take(12).map(|p| echo(p)).collect();
    if present.len() > 12 {
        names.push(format!("… {} in all", present.len()));
    }
    names.join(", ")
}

/// "12 of 300 values missing (4.0%), first at rows 3, 7, 9, 12, 15".
pub(super) fn missing_summary(rows: &[usize], total: usize) -> String {
    let share = 100.0 * rows.len() as f64 / total.max(1) as f64;
    let first: Vec<String> = rows.iter().take(5).map(usize::to_string).collect();
    let more = if rows.len() > 5 { ", ..." } else { "" };
    format!(
        "{} of {total} values missing ({share:.1}%), at rows {}{more}",
        rows.len(),
        first.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_parse_like_the_contract_says() {
        assert_eq!(i64::parse("12").unwrap(), 12);
        assert_eq!(i64::parse("12.0").unwrap(), 12);
        assert!(i64::parse("12.5").is_err());
        assert!(f64::parse("NaN").is_err());
        assert!(f64::parse("0,5").unwrap_err().1.contains("decimal comma"));
        assert!(bool::parse("TRUE").unwrap());
        assert!(!bool::parse("0").unwrap());
        assert!(bool::parse("yes").is_err());
        assert_eq!(
            parse_iso_date("2020-02-29").unwrap().to_string(),
            "2020-02-29"
        );
        assert_eq!(parse_iso_date("2019-02-29").unwrap_err().0, IMPOSSIBLE_DATE);
        assert_eq!(parse_iso_date("29.02.2019").unwrap_err().0, WRONG_TYPE);
        assert!(Control::parse("true").is_ok_and(|c| c.0 == 1.0));
    }
}
