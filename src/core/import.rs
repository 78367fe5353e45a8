//! `wirkung import activity`: merges per-IM key-figure workbooks (one .xlsx per IM, as the
//! evaluators received them) into the bundle's `activity` table, written as Parquet.
//!
//! The reading rules of bundle-format.md apply while merging: exact duplicate rows are
//! dropped (and listed), rows of the same IM and date with different counts are kept and
//! flagged, and cells that cannot be read are reported with file, sheet and cell. The new
//! table is written to a temporary file and renamed into place, so an interrupted import
//! leaves the bundle as it was; an existing file is replaced only with `force`.

use crate::core::bundle::xlsx::{cell_ref, read_sheet};
use crate::core::bundle::{self, Table, Topic};
use crate::core::export::write_atomic;
use crate::core::period::parse_date;
use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

const IDS: [&str; 3] = ["manager_id", "alliance_id", "municipality_id"];
const PLACES: [&str; 3] = ["talks_office", "talks_onsite", "talks_accompanying"];

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Replace an existing `activity.parquet`.
    pub force: bool,
    /// Test hook: abort after this many bytes of the new file were written.
    pub fail_after_bytes: Option<usize>,
}

/// Where a row came from: file, sheet (for workbooks) and sheet row or data row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Origin {
    pub file: String,
    pub sheet: Option<String>,
    /// The sheet row (workbooks) or data row counted from 1 (existing table).
    pub row: usize,
}

/// A cell or file that could not be read; the row is left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unparsed {
    pub file: String,
    pub sheet: Option<String>,
    /// `C17` for a cell, `None` when the whole file or sheet is unreadable.
    pub cell: Option<String>,
    pub message: String,
}

/// Two or more rows of one IM and day with different counts (all kept).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub alliance_id: String,
    pub manager_id: String,
    pub date: NaiveDate,
    pub rows: Vec<Origin>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub target: PathBuf,
    pub existing_rows: usize,
    pub imported_rows: usize,
    /// Exact duplicates dropped (the first copy is kept), each with where it came from.
    pub dropped_duplicates: Vec<Origin>,
    pub conflicts: Vec<Conflict>,
    pub unparsed: Vec<Unparsed>,
    pub rows_written: usize,
    /// A CSV or workbook activity table that the new Parquet file now takes precedence over.
    pub shadowed: Option<PathBuf>,
}

/// Why an import did not write anything.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Bundle(#[from] bundle::BundleError),
    /// bundle.toml names a table file the import cannot write (it writes Parquet only).
    #[error(
        "bundle.toml [tables] names {entry:?} for activity; import writes Parquet, so name a .parquet file there or remove the entry"
    )]
    NotParquetEntry { entry: String },
    /// The table to write exists and `force` was not given.
    #[error(
        "{} exists; it is replaced only with --force (a new file is written and renamed into place)",
        target.display()
    )]
    TargetExists { target: PathBuf },
    /// The new table could not be encoded as Parquet.
    #[error("cannot encode the new activity table as Parquet: {0}")]
    Encode(#[source] PolarsError),
    #[error(transparent)]
    Write(#[from] crate::core::export::WriteError),
}

#[derive(Debug, Clone, PartialEq)]
struct Row {
    ids: [String; 3],
    date: NaiveDate,
    talks: [i64; 8],
    places: [Option<i64>; 3],
}

fn columns() -> Vec<&'static str> {
    let mut c: Vec<&str> = IDS.to_vec();
    c.push("date");
    c.extend(Topic::ALL.iter().map(|t| t.column()));
    c.extend(PLACES);
    c
}

/// Parses one record of text cells; `cell(i)` names the cell of column i for messages.
fn parse_row(
    get: impl Fn(&str) -> Option<String>,
    cell: impl Fn(&str) -> Option<String>,
) -> Result<Row, (Option<String>, String)> {
    let text = |c: &str| {
        get(c)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| (cell(c), format!("{c}: value is missing")))
    };
    let count = |c: &str, v: &str| -> Result<i64, (Option<String>, String)> {
        let n = v.parse::<i64>().ok().or_else(|| {
            v.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
        });
        match n {
            Some(n) if n >= 0 => Ok(n),
            Some(n) => Err((cell(c), format!("{c}: negative count {n}"))),
            None => Err((
                cell(c),
                format!("{c}: expected a whole number, found {v:?}"),
            )),
        }
    };
    let ids = [text(IDS[0])?, text(IDS[1])?, text(IDS[2])?];
    let date = parse_date(&text("date")?).map_err(|e| (cell("date"), format!("date: {e}")))?;
    let mut talks = [0i64; 8];
    for (t, topic) in talks.iter_mut().zip(Topic::ALL) {
        *t = count(topic.column(), &text(topic.column())?)?;
    }
    let mut places = [None; 3];
    for (p, c) in places.iter_mut().zip(PLACES) {
        if let Some(v) = get(c)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
        {
            *p = Some(count(c, &v)?);
        }
    }
    Ok(Row {
        ids,
        date,
        talks,
        places,
    })
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Rows of one workbook (first sheet), or what could not be read.
fn read_workbook(path: &Path, out: &mut Vec<(Row, Origin)>, unparsed: &mut Vec<Unparsed>) {
    let file = file_name(path);
    let sheet = match read_sheet(path, None) {
        Ok(s) => s,
        Err(e) => {
            unparsed.push(Unparsed {
                file,
                sheet: None,
                cell: None,
                message: e.problem.to_string(),
            });
            return;
        }
    };
    let missing: Vec<&str> = columns()
        .into_iter()
        .filter(|c| !PLACES.contains(c) && !sheet.columns.iter().any(|(n, _)| n == c))
        .collect();
    if !missing.is_empty() {
        unparsed.push(Unparsed {
            file,
            sheet: Some(sheet.name.clone()),
            cell: Some(format!("row {}", sheet.header_row + 1)),
            message: format!(
                "the header lacks column(s) {}; the file was skipped",
                missing.join(", ")
            ),
        });
        return;
    }
    let index: HashMap<&str, usize> = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.as_str(), i))
        .collect();
    for (k, values) in sheet.cells.iter().enumerate() {
        if values.iter().all(Option::is_none) {
            continue;
        }
        let sheet_row = sheet.header_row + 1 + k as u32;
        let get = |c: &str| index.get(c).and_then(|&i| values[i].clone());
        let cell = |c: &str| {
            index
                .get(c)
                .map(|&i| cell_ref(sheet_row, sheet.columns[i].1))
        };
        match parse_row(get, cell) {
            Ok(row) => out.push((
                row,
                Origin {
                    file: file.clone(),
                    sheet: Some(sheet.name.clone()),
                    row: sheet_row as usize + 1,
                },
            )),
            Err((cell, message)) => unparsed.push(Unparsed {
                file: file.clone(),
                sheet: Some(sheet.name.clone()),
                cell,
                message: format!("{message}; the row was left out"),
            }),
        }
    }
}

/// Rows of the bundle's current activity table (any format the loader reads).
fn read_existing(path: &Path, out: &mut Vec<(Row, Origin)>, unparsed: &mut Vec<Unparsed>) {
    let file = file_name(path);
    let df = match bundle::read_table_file(path) {
        Ok(df) => df,
        Err(e) => {
            unparsed.push(Unparsed {
                file,
                sheet: None,
                cell: None,
                message: format!("existing activity table: {}", e.problem),
            });
            return;
        }
    };
    let text_columns: HashMap<String, Vec<Option<String>>> = df
        .columns()
        .iter()
        .filter_map(|c| {
            let s = c.as_materialized_series().cast(&DataType::String).ok()?;
            let ca = s.str().ok()?.clone();
            Some((
                c.name().to_string(),
                ca.iter().map(|v| v.map(str::to_string)).collect(),
            ))
        })
        .collect();
    for r in 0..df.height() {
        let get = |c: &str| text_columns.get(c).and_then(|v| v[r].clone());
        let cell = |c: &str| Some(format!("column {c}, row {}", r + 1));
        match parse_row(get, cell) {
            Ok(row) => out.push((
                row,
                Origin {
                    file: file.clone(),
                    sheet: None,
                    row: r + 1,
                },
            )),
            Err((cell, message)) => unparsed.push(Unparsed {
                file: file.clone(),
                sheet: None,
                cell,
                message: format!("{message}; the row was left out of the new table"),
            }),
        }
    }
}

fn to_parquet(rows: &[Row]) -> Result<Vec<u8>, PolarsError> {
    let mut cols: Vec<Column> = Vec::new();
    for (i, name) in IDS.iter().enumerate() {
        let v: Vec<&str> = rows.iter().map(|r| r.ids[i].as_str()).collect();
        cols.push(Column::new((*name).into(), v));
    }
    // Arrow dates count days from 1970-01-01.
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let days: Vec<i32> = rows
        .iter()
        .map(|r| (r.date - epoch).num_days() as i32)
        .collect();
    let date = Column::new("date".into(), days).cast(&DataType::Date)?;
    cols.push(date);
    for (i, topic) in Topic::ALL.iter().enumerate() {
        let v: Vec<i64> = rows.iter().map(|r| r.talks[i]).collect();
        cols.push(Column::new(topic.column().into(), v));
    }
    for (i, name) in PLACES.iter().enumerate() {
        let v: Vec<Option<i64>> = rows.iter().map(|r| r.places[i]).collect();
        cols.push(Column::new((*name).into(), v));
    }
    let mut df = DataFrame::new(rows.len(), cols)?;
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(&mut df)?;
    Ok(bytes)
}

/// Merges `files` into the activity table of the bundle in `dir`.
pub fn import_activity(
    dir: &Path,
    files: &[PathBuf],
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let loaded = bundle::load(dir)?;
    let current = bundle::table_file(dir, &loaded.manifest, Table::Activity);
    // Write where the loader will read: the [tables] entry if it is Parquet, else
    // activity.parquet (which the loader prefers over activity.csv).
    let target = match loaded.manifest.tables.get(Table::Activity.name()) {
        Some(f) if f.to_ascii_lowercase().ends_with(".parquet") => dir.join(f),
        Some(f) => {
            return Err(ImportError::NotParquetEntry { entry: f.clone() });
        }
        None => dir.join("activity.parquet"),
    };
    if target.exists() && !options.force {
        return Err(ImportError::TargetExists { target });
    }
    let mut rows: Vec<(Row, Origin)> = Vec::new();
    let mut unparsed = Vec::new();
    if let Some(path) = &current {
        read_existing(path, &mut rows, &mut unparsed);
    }
    let existing_rows = rows.len();
    for f in files {
        read_workbook(f, &mut rows, &mut unparsed);
    }
    let imported_rows = rows.len() - existing_rows;
    let mut kept: Vec<(Row, Origin)> = Vec::new();
    let mut dropped_duplicates = Vec::new();
    let mut by_day: BTreeMap<(String, String, NaiveDate), Vec<usize>> = BTreeMap::new();
    for (row, origin) in rows {
        let key = (row.ids[1].clone(), row.ids[0].clone(), row.date);
        let same_day = by_day.entry(key).or_default();
        if same_day.iter().any(|&i| kept[i].0 == row) {
            dropped_duplicates.push(origin);
        } else {
            same_day.push(kept.len());
            kept.push((row, origin));
        }
    }
    let conflicts: Vec<Conflict> = by_day
        .iter()
        .filter(|(_, idx)| idx.len() > 1)
        .map(|((alliance, manager, date), idx)| Conflict {
            alliance_id: alliance.clone(),
            manager_id: manager.clone(),
            date: *date,
            rows: idx.iter().map(|&i| kept[i].1.clone()).collect(),
        })
        .collect();
    kept.sort_by(|a, b| {
        (&a.0.ids[1], &a.0.ids[0], a.0.date).cmp(&(&b.0.ids[1], &b.0.ids[0], b.0.date))
    });
    let out_rows: Vec<Row> = kept.into_iter().map(|(r, _)| r).collect();
    let bytes = to_parquet(&out_rows).map_err(ImportError::Encode)?;
    write_atomic(&target, &bytes, options.force, options.fail_after_bytes)?;
    Ok(ImportReport {
        shadowed: current.filter(|c| *c != target),
        target,
        existing_rows,
        imported_rows,
        dropped_duplicates,
        conflicts,
        unparsed,
        rows_written: out_rows.len(),
    })
}
