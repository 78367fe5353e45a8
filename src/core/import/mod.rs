//! `wirkung import activity`: merges per-IM key-figure workbooks (one .xlsx per IM, as the
//! evaluators received them) into the bundle's `activity` table, written as Parquet.
//!
//! The import adds to the table as delivered: every existing row and column is kept (its
//! duplicates and bad rows are the analysis's business, flagged by `check`, never deleted),
//! read with the same reader as `check`. Imported rows that exactly repeat a row already
//! there (or another imported one) are dropped and listed, imported rows of the same IM and
//! date with different counts are kept and flagged, and cells that cannot be read are
//! reported with file, sheet and cell. The import refuses, writing nothing, when nothing
//! could be imported, when the existing table cannot be carried over whole, and when
//! another import holds the bundle's lock. The new table is written to a temporary file
//! (with the old file's permissions) and renamed into place, so an interrupted import
//! leaves the bundle as it was; the replaced file is kept beside it as
//! `<name>.before-import` until the next successful import. An existing file is replaced
//! only with `force`; `dry_run` reports what would be written and writes nothing.
//!
//! Memory does not grow with the text of the existing table: it is read a slice of rows at
//! a time, each readable row kept as its IM-day and a fingerprint (`existing.rs`), and
//! copied into the new file a slice at a time (`write.rs`), the imported rows after it.

mod existing;
mod write;

pub use write::backup_path;

use crate::core::bundle::sandbox::{self, PathProblem};
use crate::core::bundle::xlsx::{self, cell_ref, read_sheet};
use crate::core::bundle::{self, IdTable, Pass, Table, Topic};
use crate::core::period::parse_date;
use chrono::NaiveDate;
use polars::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const IDS: [&str; 3] = ["manager_id", "alliance_id", "municipality_id"];
const PLACES: [&str; 3] = ["talks_office", "talks_onsite", "talks_accompanying"];

/// Options of an import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Replace an existing `activity.parquet`.
    pub force: bool,
    /// Report what would be written, and write nothing.
    pub dry_run: bool,
    /// Test hook: abort after this many bytes of the new file were written.
    pub fail_after_bytes: Option<usize>,
    /// Test hook: rows of the existing table read and copied at a time (default 65,536).
    pub slice_rows: Option<usize>,
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
    /// Nothing was written (`--dry-run`): the report says what would have been.
    pub dry_run: bool,
    /// Where the replaced file was kept (until the next successful import).
    pub backup: Option<PathBuf>,
    /// The columns of the new table: the existing table's, in its order, and any activity
    /// column the imported rows add.
    pub columns: Vec<String>,
    /// Imported municipality ids that a spreadsheet turned into numbers (`8111000`), read as
    /// the bundle's municipality they match once the leading zero is back (`08111000`), and
    /// manager ids likewise (`1` for the alliance's `01`).
    pub repaired_ids: Vec<RepairedId>,
}

/// One imported id read with its lost leading zeros put back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepairedId {
    pub file: String,
    pub row: usize,
    /// `municipality_id` or `manager_id`.
    pub column: &'static str,
    pub was: String,
    pub now: String,
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
    /// The `[tables]` entry points outside the bundle.
    #[error(
        "bundle.toml [tables] activity = {entry:?}: {problem}; import writes only inside the bundle"
    )]
    Outside { entry: String, problem: PathProblem },
    /// Another import holds the bundle's lock.
    #[error(
        "another import into {} is running (it holds the bundle's lock); nothing was written: try again when it has finished",
        dir.display()
    )]
    Locked { dir: PathBuf },
    /// An imported manager id matches more than one of its alliance's ids once zeros are put
    /// back (`1` for both `01` and `001`): which unit it is cannot be told.
    #[error(
        "{file} row {row}: manager_id {id} of alliance {alliance} is unknown as written and could be any of {} once leading zeros are put back (a spreadsheet drops them); nothing was written: store the ids as text in the workbook",
        candidates.join(", ")
    )]
    AmbiguousManager {
        file: String,
        row: usize,
        id: String,
        alliance: String,
        candidates: Vec<String>,
    },
    /// Not one row could be imported: nothing is written.
    #[error("nothing could be imported, so nothing was written:\n{}", list_unparsed(.unparsed))]
    NothingImported { unparsed: Vec<Unparsed> },
    /// The existing table cannot be read whole, so rewriting it would lose data.
    #[error("the existing activity table {} cannot be carried over whole ({why}); nothing was written", file.display())]
    ExistingUnreadable { file: PathBuf, why: String },
    /// The new table would hold fewer rows or columns than the existing one (not expected).
    #[error(
        "the new table would hold {rows} rows and {columns} columns, fewer than the existing {old_rows} rows and {old_columns} columns; nothing was written"
    )]
    WouldLose {
        rows: usize,
        columns: usize,
        old_rows: usize,
        old_columns: usize,
    },
    #[error(transparent)]
    Write(#[from] crate::core::export::WriteError),
}

/// Manager ids have no official length, so the existing rows of the same alliance say which
/// ids exist: an imported id unknown there as written (`1`) that matches exactly one of them
/// once leading zeros are put back (`01`) is read as that manager, as a spreadsheet turned it
/// into a number; one that matches several (`01` and `001`) is refused, since reading it as
/// either could add its days to the wrong person.
fn repair_manager_ids(
    imported: &mut [(Row, Origin)],
    known: &BTreeMap<String, BTreeSet<String>>,
    repaired: &mut Vec<RepairedId>,
) -> Result<(), ImportError> {
    for (row, origin) in imported.iter_mut() {
        let [manager, alliance, _] = &mut row.ids;
        let Some(ids) = known.get(alliance.as_str()) else {
            continue;
        };
        let numeric = !manager.is_empty() && manager.bytes().all(|c| c.is_ascii_digit());
        if !numeric || ids.contains(manager.as_str()) {
            continue;
        }
        let candidates: Vec<String> = ids
            .iter()
            .filter(|id| {
                id.len() > manager.len()
                    && id.ends_with(manager.as_str())
                    && id[..id.len() - manager.len()].bytes().all(|c| c == b'0')
            })
            .cloned()
            .collect();
        match candidates.as_slice() {
            [] => {}
            [now] => repaired.push(RepairedId {
                file: origin.file.clone(),
                row: origin.row,
                column: IDS[0],
                was: std::mem::replace(manager, now.clone()),
                now: now.clone(),
            }),
            _ => {
                return Err(ImportError::AmbiguousManager {
                    file: origin.file.clone(),
                    row: origin.row,
                    id: manager.clone(),
                    alliance: alliance.clone(),
                    candidates,
                });
            }
        }
    }
    Ok(())
}

fn list_unparsed(unparsed: &[Unparsed]) -> String {
    let lines: Vec<String> = unparsed
        .iter()
        .map(|u| {
            let sheet = u
                .sheet
                .as_ref()
                .map(|s| format!(", sheet '{s}'"))
                .unwrap_or_default();
            let cell = u
                .cell
                .as_ref()
                .map(|c| format!(", {c}"))
                .unwrap_or_default();
            format!("  {}{sheet}{cell}: {}", u.file, u.message)
        })
        .collect();
    if lines.is_empty() {
        "  (no files given)".into()
    } else {
        lines.join("\n")
    }
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
    if stream_workbook(path, out, unparsed) {
        return;
    }
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

/// Reads the workbook's first sheet a chunk of rows at a time (`xlsx::sheet_chunks`), so
/// that only its rows are held, never the sheet's cells; false, with nothing added, when the
/// sheet cannot be streamed or lacks a column: `read_workbook` then reads it whole, which
/// reports why in the same words as before.
fn stream_workbook(
    path: &Path,
    out: &mut Vec<(Row, Origin)>,
    unparsed: &mut Vec<Unparsed>,
) -> bool {
    // `file.xlsx#Sheet` names a sheet in bundle.toml; a workbook's own name is taken as is.
    if path.to_string_lossy().contains('#') {
        return false;
    }
    let Some(header) = xlsx::read_header(path, None) else {
        return false;
    };
    let file = file_name(path);
    let (rows_before, unparsed_before) = (out.len(), unparsed.len());
    let position: HashMap<&str, u32> = header
        .columns
        .iter()
        .map(|(n, c)| (n.as_str(), *c))
        .collect();
    let mut k = 0u32;
    let streamed = xlsx::sheet_chunks(path, |df, _| {
        let lacks = |c: &&str| !PLACES.contains(c) && df.column(c).is_err();
        if columns().iter().any(lacks) {
            return false;
        }
        let text: Vec<(&str, &StringChunked)> = df
            .columns()
            .iter()
            .filter_map(|c| Some((c.name().as_str(), c.str().ok()?)))
            .collect();
        for r in 0..df.height() {
            let sheet_row = header.row + 1 + k;
            k += 1;
            if text.iter().all(|(_, v)| v.get(r).is_none()) {
                continue;
            }
            let get = |c: &str| {
                let (_, v) = text.iter().find(|(n, _)| *n == c)?;
                v.get(r).map(str::to_string)
            };
            let cell = |c: &str| position.get(c).map(|&col| cell_ref(sheet_row, col));
            match parse_row(get, cell) {
                Ok(row) => out.push((
                    row,
                    Origin {
                        file: file.clone(),
                        sheet: Some(header.name.clone()),
                        row: sheet_row as usize + 1,
                    },
                )),
                Err((cell, message)) => unparsed.push(Unparsed {
                    file: file.clone(),
                    sheet: Some(header.name.clone()),
                    cell,
                    message: format!("{message}; the row was left out"),
                }),
            }
        }
        true
    });
    if streamed.is_none() {
        out.truncate(rows_before);
        unparsed.truncate(unparsed_before);
        return false;
    }
    true
}

/// The imported rows as a frame of the format's native types.
fn rows_frame(rows: &[Row]) -> Result<DataFrame, PolarsError> {
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
    DataFrame::new(rows.len(), cols)
}

/// The existing table with the imported rows below it: every existing column in its order
/// and type (imported values are cast to it; columns the imports do not have are empty for
/// their rows), plus any activity column only the imports have.
fn append(existing: &DataFrame, new: &DataFrame) -> Result<DataFrame, PolarsError> {
    let mut old = existing.clone();
    for c in new.columns() {
        if old.column(c.name()).is_err() {
            let empty = Column::full_null(c.name().clone(), old.height(), c.dtype());
            old.with_column(empty)?;
        }
    }
    let cols: Vec<Column> = old
        .columns()
        .iter()
        .map(|c| match new.column(c.name()) {
            Ok(n) if n.dtype() == c.dtype() => Ok(n.clone()),
            Ok(n) => n.strict_cast(c.dtype()),
            Err(_) => Ok(Column::full_null(c.name().clone(), new.height(), c.dtype())),
        })
        .collect::<Result<_, _>>()?;
    let added = DataFrame::new(new.height(), cols)?;
    old.vstack(&added)
}

/// Merges `files` into the activity table of the bundle in `dir`.
pub fn import_activity(
    dir: &Path,
    files: &[PathBuf],
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    // Only the manifest and the municipalities are needed here; the existing table is read
    // below as delivered (duplicates and all).
    let loaded = bundle::load_without(dir, Table::Activity)?;
    let current = bundle::table_file(dir, &loaded.manifest, Table::Activity);
    // Write where the loader will read: the [tables] entry if it is Parquet, else
    // activity.parquet (which the loader prefers over activity.csv); never outside.
    let entry = match loaded.manifest.tables.get(Table::Activity.name()) {
        Some(f) if f.to_ascii_lowercase().ends_with(".parquet") => f.clone(),
        Some(f) => {
            return Err(ImportError::NotParquetEntry { entry: f.clone() });
        }
        None => "activity.parquet".to_string(),
    };
    let target = sandbox::resolve_inside(dir, &entry).map_err(|problem| ImportError::Outside {
        entry: entry.clone(),
        problem,
    })?;
    if target.exists() && !options.force {
        return Err(ImportError::TargetExists { target });
    }
    // The lock is the bundle directory itself (flock), so taking it writes nothing; it is
    // held until this function returns.
    let _lock = if options.dry_run {
        None
    } else {
        Some(write::lock_bundle(dir)?)
    };
    if !options.dry_run {
        write::remove_stale_temp_files(dir);
    }
    let slice_rows = options.slice_rows.unwrap_or(existing::SLICE_ROWS);
    let mut ids = IdTable::default();
    let print = existing::Fingerprint::new();
    let mut existing = match &current {
        Some(path) => Some(existing::read_existing(path, slice_rows, &mut ids, &print)?),
        None => None,
    };
    let existing_rows = existing.as_ref().map_or(0, existing::Existing::height);
    let mut unparsed = Vec::new();
    let mut imported = Vec::new();
    for f in files {
        read_workbook(f, &mut imported, &mut unparsed);
    }
    let imported_rows = imported.len();
    // Excel drops the leading zero of 08111000; the bundle's municipalities say which id
    // was meant (only an id unknown as written and known once the zeros are back).
    let known: std::collections::HashSet<String> = loaded
        .municipalities
        .iter()
        .map(|m| m.municipality_id.clone())
        .collect();
    let mut repaired_ids = Vec::new();
    for (row, origin) in &mut imported {
        let id = &mut row.ids[2];
        if let Some(now) = bundle::known_id_with_zeros(id, 8, &known) {
            repaired_ids.push(RepairedId {
                file: origin.file.clone(),
                row: origin.row,
                column: IDS[2],
                was: std::mem::replace(id, now.clone()),
                now,
            });
        }
    }
    let managers = existing
        .as_ref()
        .map(|e| e.managers(&ids))
        .unwrap_or_default();
    repair_manager_ids(&mut imported, &managers, &mut repaired_ids)?;
    if imported_rows == 0 {
        return Err(ImportError::NothingImported { unparsed });
    }
    // Existing rows are never dropped; they only let re-imported rows be recognised.
    let existing::Recognised {
        mut new_rows,
        dropped_duplicates,
        conflicts,
    } = existing::recognise(existing.as_mut(), &imported, &mut ids, &print);
    drop(imported);
    new_rows.sort_by(|a, b| (&a.ids[1], &a.ids[0], a.date).cmp(&(&b.ids[1], &b.ids[0], b.date)));
    let added = rows_frame(&new_rows).map_err(ImportError::Encode)?;
    drop(new_rows);
    // The new rows in the new table's columns and types: every existing column in its order
    // and type, then any activity column only the imports have.
    let added = match &existing {
        Some(old) => {
            let empty = DataFrame::empty_with_schema(old.slices.schema());
            append(&empty, &added).map_err(|e| ImportError::ExistingUnreadable {
                file: old.path.clone(),
                why: format!("the imported rows do not fit its column types: {e}"),
            })?
        }
        None => added,
    };
    let schema = added.schema().as_ref().clone();
    let columns: Vec<String> = schema.iter_names().map(|c| c.to_string()).collect();
    let rows_written = existing_rows + added.height();
    let mut backup = None;
    if !options.dry_run {
        let copy = |sink: &mut write::Sink| {
            write_new_table(sink, existing.as_mut(), &added, &schema, slice_rows)
        };
        backup = write::write_table(dir, &target, options.fail_after_bytes, copy)?;
    }
    Ok(ImportReport {
        shadowed: current.filter(|c| *c != target),
        target,
        existing_rows,
        imported_rows,
        dropped_duplicates,
        conflicts,
        unparsed,
        rows_written,
        dry_run: options.dry_run,
        backup,
        columns,
        repaired_ids,
    })
}

/// Streams the new table into `sink`: the existing table a slice at a time (widened by the
/// columns only the imports have, empty for its rows), then the new rows. Refuses when the
/// copy came out shorter or narrower than the existing table.
fn write_new_table(
    sink: &mut write::Sink,
    existing: Option<&mut existing::Existing>,
    added: &DataFrame,
    schema: &Schema,
    slice_rows: usize,
) -> Result<(), ImportError> {
    let mut writer = ParquetWriter::new(sink)
        .batched(schema)
        .map_err(ImportError::Encode)?;
    let mut rows = 0;
    if let Some(old) = existing {
        let (old_rows, old_columns) = (old.height(), old.slices.schema().len());
        let mut failed = None;
        let pass = old.slices.pass(slice_rows, None, |slice, _| {
            let written = widen(slice, schema).and_then(|slice| {
                rows += slice.height();
                writer.write_batch(&slice)
            });
            written.map_err(|e| failed = Some(e)).is_ok()
        });
        if let Some(e) = failed {
            return Err(ImportError::Encode(e));
        }
        let unreadable = |why: String| ImportError::ExistingUnreadable {
            file: old.path.clone(),
            why,
        };
        match pass.map_err(|e| unreadable(e.problem.to_string()))? {
            Pass::Done => {}
            _ => return Err(unreadable("it changed while it was copied".into())),
        }
        if rows < old_rows || schema.len() < old_columns {
            return Err(ImportError::WouldLose {
                rows: rows + added.height(),
                columns: schema.len(),
                old_rows,
                old_columns,
            });
        }
    }
    let mut added = added.clone();
    added.rechunk_mut();
    writer.write_batch(&added).map_err(ImportError::Encode)?;
    writer.finish().map_err(ImportError::Encode)?;
    Ok(())
}

/// A slice of the existing table in the new table's columns: those only the imports have
/// are added, empty. One chunk per column, so that the slice is one row group.
fn widen(mut slice: DataFrame, schema: &Schema) -> Result<DataFrame, PolarsError> {
    let height = slice.height();
    for (name, dtype) in schema.iter() {
        if slice.column(name).is_err() {
            slice.with_column(Column::full_null(name.clone(), height, dtype))?;
        }
    }
    slice.rechunk_mut();
    Ok(slice)
}
