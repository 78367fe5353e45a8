//! The existing activity table as the import needs it: read a slice of rows at a time,
//! each readable row kept only as its IM-day, its row number and a fingerprint of all its
//! values (32 bytes), never as text; re-imported rows are recognised against those.

use super::{Conflict, ImportError, Origin, Row, file_name, parse_row};
use crate::core::bundle::{IdTable, Pass, TableSlices};
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::path::{Path, PathBuf};

/// Rows of the existing table read (and written) at a time: a few MB of values.
pub(super) const SLICE_ROWS: usize = 65_536;

/// Rows are told apart by two independent keyed 64-bit hashes of every value (128 bits,
/// keys drawn afresh for each run): two different rows of one IM-day agree by chance with a
/// probability of about 2^-128, so no delivered file can be built to collide.
pub(super) struct Fingerprint(RandomState, RandomState);

impl Fingerprint {
    pub fn new() -> Self {
        Fingerprint(RandomState::new(), RandomState::new())
    }

    fn of(&self, ids: [u32; 3], row: &Row) -> u128 {
        let values = (ids, row.date, row.talks, row.places);
        (u128::from(self.0.hash_one(values)) << 64) | u128::from(self.1.hash_one(values))
    }
}

/// An IM-day: alliance, manager (numbers restart in every alliance) and date.
type ImDay = (u32, u32, NaiveDate);

/// One readable row of the existing table.
#[derive(Clone, Copy)]
struct Seen {
    alliance: u32,
    manager: u32,
    date: NaiveDate,
    /// Data row counted from 1.
    row: u32,
    print: u128,
}

impl Seen {
    fn im_day(&self) -> ImDay {
        (self.alliance, self.manager, self.date)
    }
}

/// The bundle's current activity table: where it is, how to read it again for copying,
/// and its readable rows for recognising re-imported ones.
pub(super) struct Existing {
    pub path: PathBuf,
    pub slices: TableSlices,
    file: String,
    seen: Vec<Seen>,
}

/// The columns the import reads to recognise rows.
fn activity_columns() -> Vec<&'static str> {
    super::columns()
}

/// Reads the table at `path` with the loader's reader, a slice of rows at a time. Rows
/// that do not parse stay in the table as they are (`check` reports them) and are not
/// recognised against.
pub(super) fn read_existing(
    path: &Path,
    slice_rows: usize,
    ids: &mut IdTable,
    print: &Fingerprint,
) -> Result<Existing, ImportError> {
    let unreadable = |why: String| ImportError::ExistingUnreadable {
        file: path.to_path_buf(),
        why,
    };
    let mut slices = TableSlices::open(path).map_err(|e| unreadable(e.problem.to_string()))?;
    if let Some((column, dtype)) = slices.skipped().first() {
        return Err(unreadable(format!(
            "its column '{column}' is stored as {dtype}, which wirkung cannot carry over"
        )));
    }
    let wanted = activity_columns();
    let mut seen: Vec<Seen> = Vec::new();
    loop {
        // At its final size from the start: a vector grown by doubling holds up to twice
        // that while it is copied.
        seen.clear();
        let mut offset = 0;
        let pass = slices.pass(slice_rows, Some(&wanted), |df, expected| {
            if seen.capacity() < expected {
                seen.reserve_exact(expected - seen.len());
            }
            read_rows(&df, offset, ids, print, &mut seen);
            offset += df.height();
            true
        });
        // Again: a CSV or sheet that did not split into chunks is now read whole.
        match pass.map_err(|e| unreadable(e.problem.to_string()))? {
            Pass::Again => continue,
            _ => break,
        }
    }
    Ok(Existing {
        path: path.to_path_buf(),
        file: file_name(path),
        slices,
        seen,
    })
}

/// A column of the existing table as read for recognising rows.
enum Cells {
    Text(StringChunked),
    Whole(Int64Chunked),
}

/// The readable rows of one slice (its first row is data row `offset + 1`).
fn read_rows(
    df: &DataFrame,
    offset: usize,
    ids: &mut IdTable,
    print: &Fingerprint,
    seen: &mut Vec<Seen>,
) {
    // Each cell is read as the text a CSV file would hold; integer columns (the counts)
    // are printed a cell at a time from their values, as the cast to text prints them.
    let columns: HashMap<String, Cells> = df
        .columns()
        .iter()
        .filter_map(|c| {
            let s = c.as_materialized_series();
            let cells = if matches!(
                s.dtype(),
                DataType::Int8
                    | DataType::Int16
                    | DataType::Int32
                    | DataType::Int64
                    | DataType::UInt8
                    | DataType::UInt16
                    | DataType::UInt32
            ) {
                Cells::Whole(s.cast(&DataType::Int64).ok()?.i64().ok()?.clone())
            } else {
                let s = s.cast(&DataType::String).ok()?;
                Cells::Text(s.str().ok()?.clone())
            };
            Some((c.name().to_string(), cells))
        })
        .collect();
    for r in 0..df.height() {
        // Timestamps (pandas' dates) print with a time of day; the day is what counts.
        let get = |c: &str| {
            let v = match columns.get(c)? {
                Cells::Text(v) => v.get(r)?.to_string(),
                Cells::Whole(v) => v.get(r)?.to_string(),
            };
            Some(match (c, v.get(..10)) {
                ("date", Some(day)) if v.len() > 10 => day.to_string(),
                _ => v,
            })
        };
        let Ok(row) = parse_row(get, |_| None) else {
            continue;
        };
        let interned = [
            ids.intern(&row.ids[0]),
            ids.intern(&row.ids[1]),
            ids.intern(&row.ids[2]),
        ];
        seen.push(Seen {
            manager: interned[0],
            alliance: interned[1],
            date: row.date,
            row: u32::try_from(offset + r + 1).unwrap_or(u32::MAX),
            print: print.of(interned, &row),
        });
    }
}

impl Existing {
    /// Data rows of the table (readable or not).
    pub fn height(&self) -> usize {
        self.slices.height()
    }

    /// The manager ids of each alliance among the readable rows.
    pub fn managers(&self, ids: &IdTable) -> BTreeMap<String, BTreeSet<String>> {
        let pairs: HashSet<(u32, u32)> =
            self.seen.iter().map(|s| (s.alliance, s.manager)).collect();
        let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (alliance, manager) in pairs {
            known
                .entry(ids.name(alliance).to_string())
                .or_default()
                .insert(ids.name(manager).to_string());
        }
        known
    }
}

/// Where a distinct row of an IM-day came from.
#[derive(Clone, Copy)]
enum Source {
    /// Data row of the existing table.
    Existing(u32),
    /// Index into the imported rows.
    Imported(usize),
}

/// What recognition found.
pub(super) struct Recognised {
    /// Imported rows that are not exact copies of an earlier row, in import order.
    pub new_rows: Vec<Row>,
    pub dropped_duplicates: Vec<Origin>,
    pub conflicts: Vec<Conflict>,
}

/// The existing rows first (file order), then the imported ones (in order): a row equal in
/// every column to an earlier row of its IM-day is an exact duplicate (an imported one is
/// dropped; an existing one stays in the table as delivered), and an IM-day with two or
/// more distinct rows is a conflict listing where each distinct row first appeared.
pub(super) fn recognise(
    existing: Option<&mut Existing>,
    imported: &[(Row, Origin)],
    ids: &mut IdTable,
    print: &Fingerprint,
) -> Recognised {
    let imported: Vec<(ImDay, u128, &Row, &Origin)> = imported
        .iter()
        .map(|(row, origin)| {
            let interned = [
                ids.intern(&row.ids[0]),
                ids.intern(&row.ids[1]),
                ids.intern(&row.ids[2]),
            ];
            let day = (interned[1], interned[0], row.date);
            (day, print.of(interned, row), row, origin)
        })
        .collect();
    let touched: HashSet<ImDay> = imported.iter().map(|i| i.0).collect();
    // Only the IM-days that conflict already or that an imported row falls on are kept
    // with their distinct rows; every other existing row is let go here.
    let mut groups: HashMap<ImDay, Vec<(u128, Source)>> = HashMap::new();
    let mut file = String::new();
    if let Some(existing) = existing {
        file.clone_from(&existing.file);
        let mut seen = std::mem::take(&mut existing.seen);
        seen.sort_unstable_by_key(|s| (s.im_day(), s.row));
        for group in seen.chunk_by(|a, b| a.im_day() == b.im_day()) {
            let day = group[0].im_day();
            if group.len() == 1 && !touched.contains(&day) {
                continue;
            }
            let mut distinct: Vec<(u128, Source)> = Vec::new();
            for s in group {
                if !distinct.iter().any(|(p, _)| *p == s.print) {
                    distinct.push((s.print, Source::Existing(s.row)));
                }
            }
            if distinct.len() > 1 || touched.contains(&day) {
                groups.insert(day, distinct);
            }
        }
    }
    let mut new_rows = Vec::new();
    let mut dropped_duplicates = Vec::new();
    for (k, (day, p, row, origin)) in imported.iter().enumerate() {
        let distinct = groups.entry(*day).or_default();
        if distinct.iter().any(|(q, _)| q == p) {
            dropped_duplicates.push((*origin).clone());
        } else {
            distinct.push((*p, Source::Imported(k)));
            new_rows.push((*row).clone());
        }
    }
    let mut conflicts: Vec<Conflict> = groups
        .into_iter()
        .filter(|(_, distinct)| distinct.len() > 1)
        .map(|((alliance, manager, date), distinct)| Conflict {
            alliance_id: ids.name(alliance).to_string(),
            manager_id: ids.name(manager).to_string(),
            date,
            rows: distinct
                .iter()
                .map(|(_, from)| match *from {
                    Source::Existing(row) => Origin {
                        file: file.clone(),
                        sheet: None,
                        row: row as usize,
                    },
                    Source::Imported(k) => imported[k].3.clone(),
                })
                .collect(),
        })
        .collect();
    conflicts.sort_by(|a, b| {
        (&a.alliance_id, &a.manager_id, a.date).cmp(&(&b.alliance_id, &b.manager_id, b.date))
    });
    Recognised {
        new_rows,
        dropped_duplicates,
        conflicts,
    }
}
