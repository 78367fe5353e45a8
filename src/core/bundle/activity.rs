//! The IM key figures (`activity`) and their reading rules (bundle-format.md, "Reading
//! rules"; report section 2: 2.5% exact duplicates removed, date typos).
//!
//! Exact duplicate rows are dropped (one copy kept) and counted; rows whose date is not a
//! real calendar date are left out; rows of the same IM and date with different counts are
//! kept and flagged, since the tool never guesses which copy is right.

use super::Finding;
use super::activity_days::{self, ABSENT, ActivityDays, COUNTS, WIDE};
use super::collect::RowProblem;
use super::columns::TableReader;
use super::model::{ActivityCleaning, Topic};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

const LOCATIONS: [&str; 3] = ["talks_office", "talks_onsite", "talks_accompanying"];

/// An id that was missing or unreadable (the row is left out).
const NO_ID: u32 = u32::MAX;

/// Reads `activity`, applies the reading rules and reports what they did.
///
/// Each column is read and folded into compact columns before the next one is read (with a
/// Parquet file, straight from the file), so memory holds one raw column at a time beside
/// about 60 bytes a row, never every raw row (issue: memory that grows with the data).
pub(super) fn activity(r: &mut TableReader) -> (ActivityDays, Vec<u32>, ActivityCleaning) {
    require_columns(r);
    let mut fold = Fold::default();
    fold.grow(r.height);
    fold.read(r);
    fold.finish(r)
}

/// Reports the absent columns of `activity` (once, for a table read in chunks).
pub(super) fn require_columns(r: &mut TableReader) {
    let mut required = vec!["manager_id", "alliance_id", "municipality_id", "date"];
    required.extend(Topic::ALL.map(Topic::column));
    r.require_columns(&required, &LOCATIONS);
}

/// The columns of `activity` as read, by file row (`NO_ID`, `None`, `ABSENT`: missing or
/// unreadable), filled a table or a chunk of rows at a time.
#[derive(Default)]
pub(super) struct Fold {
    /// The id table and the counts outside `i32` (by file row).
    days: ActivityDays,
    ids: [Vec<u32>; 3],
    date: Vec<Option<NaiveDate>>,
    counts: [Vec<i32>; COUNTS],
}

impl Fold {
    /// Room for `rows` rows in all (a table read in chunks: its estimated size, so that
    /// the columns are not copied as they grow).
    pub fn reserve(&mut self, rows: usize) {
        let more = rows.saturating_sub(self.date.len());
        self.ids.iter_mut().for_each(|c| c.reserve_exact(more));
        self.counts.iter_mut().for_each(|c| c.reserve_exact(more));
        self.date.reserve_exact(more);
    }

    /// `rows` more rows, every value missing until read.
    pub fn grow(&mut self, rows: usize) {
        let n = self.date.len() + rows;
        self.ids.iter_mut().for_each(|c| c.resize(n, NO_ID));
        self.counts.iter_mut().for_each(|c| c.resize(n, ABSENT));
        self.date.resize(n, None);
    }

    /// Reads the columns of `r` (the whole table, or the chunk after the rows read before)
    /// into the rows made room for by `grow`.
    pub fn read(&mut self, r: &mut TableReader) {
        let days = &mut self.days;
        for (col, values) in ["manager_id", "alliance_id", "municipality_id"]
            .iter()
            .zip(self.ids.iter_mut())
        {
            let table = &mut days.ids;
            r.each_id(
                col,
                true,
                |v| table.intern(v),
                |i, v| {
                    if let Some(v) = v {
                        values[i] = v;
                    }
                },
            );
        }
        let date = &mut self.date;
        r.each::<NaiveDate>("date", true, |i, v| date[i] = v);
        // Counts: the eight topics (required), then the three places (nullable); a value
        // outside i32 goes to the side table under its file row.
        let columns = Topic::ALL.map(Topic::column).into_iter().chain(LOCATIONS);
        for (k, (col, column)) in columns.zip(self.counts.iter_mut()).enumerate() {
            let wide = &mut days.wide;
            r.each::<i64>(col, k < 8, |i, v| {
                if let Some(v) = v {
                    let stored = activity_days::narrow(v);
                    if stored == WIDE {
                        wide.insert((i as u32, k as u8), v);
                    }
                    column[i] = stored;
                }
            });
        }
    }

    /// Applies the reading rules to every row read (`r` stands for the whole table).
    pub fn finish(self, r: &mut TableReader) -> (ActivityDays, Vec<u32>, ActivityCleaning) {
        let Fold {
            mut days,
            ids,
            date,
            counts,
        } = self;
        let height = r.height;
        debug_assert_eq!(date.len(), height);
        // Malformed dates (`31.12.2019`) count with impossible ones (`2019-02-30`): neither is a
        // real calendar date, and both rows are left out.
        let mut cleaning = ActivityCleaning {
            rows_read: height,
            impossible_dates: r.invalid_count("date"),
            ..Default::default()
        };
        if r.unreadable || r.failed {
            return (ActivityDays::default(), Vec::new(), cleaning);
        }
        let [manager, alliance, municipality] = ids;
        // Rows whose every required field could be read; the others were reported. Worked
        // out a column at a time, the way the columns lie in memory.
        let mut readable: Vec<bool> = date.iter().map(Option::is_some).collect();
        for column in [&manager, &alliance, &municipality] {
            for (r, &id) in readable.iter_mut().zip(column) {
                *r &= id != NO_ID;
            }
        }
        for column in &counts[..8] {
            for (r, &c) in readable.iter_mut().zip(column) {
                *r &= c != ABSENT;
            }
        }
        let (kept, conflicting) = {
            let cols = Columns {
                readable: &readable,
                days: &days,
                manager: &manager,
                alliance: &alliance,
                municipality: &municipality,
                date: &date,
                counts: &counts,
            };
            clean(r, &cols, &mut cleaning)
        };

        // Keep the rows in file order, moved down in place.
        let rows: Vec<u32> = (0..height)
            .filter(|&i| kept[i])
            .map(|i| i as u32 + 1)
            .collect();
        let mut wide = std::mem::take(&mut days.wide);
        days.manager = manager;
        days.alliance = alliance;
        days.municipality = municipality;
        days.counts = counts;
        // Each column moved down in turn, so that one pass reads and writes one column.
        let columns = [
            &mut days.manager,
            &mut days.alliance,
            &mut days.municipality,
        ];
        for column in columns {
            keep_rows(column, &rows);
        }
        for column in &mut days.counts {
            keep_rows(column, &rows);
        }
        if !wide.is_empty() {
            for (w, &row) in rows.iter().enumerate() {
                let i = row as usize - 1;
                for k in 0..COUNTS {
                    if let Some(v) = wide.remove(&(i as u32, k as u8)) {
                        days.wide.insert((w as u32, k as u8), v);
                    }
                }
            }
        }
        days.date = rows
            .iter()
            .map(|&row| date[row as usize - 1].unwrap_or_default())
            .collect();
        days.conflicting = rows
            .iter()
            .map(|&row| conflicting[row as usize - 1])
            .collect();
        (days, rows, cleaning)
    }
}

/// Moves the values of the kept file `rows` (1-based, ascending) down in place and frees
/// the rest.
fn keep_rows<T: Copy>(column: &mut Vec<T>, rows: &[u32]) {
    for (w, &row) in rows.iter().enumerate() {
        column[w] = column[row as usize - 1];
    }
    column.truncate(rows.len());
    column.shrink_to_fit();
}

/// The columns of `activity` as read, by file row (`NO_ID`, `None`, `ABSENT`: missing or
/// unreadable).
struct Columns<'c> {
    readable: &'c [bool],
    days: &'c ActivityDays,
    manager: &'c [u32],
    alliance: &'c [u32],
    municipality: &'c [u32],
    date: &'c [Option<NaiveDate>],
    counts: &'c [Vec<i32>; COUNTS],
}

impl Columns<'_> {
    /// The IM-day of a row: (alliance_id, manager_id, date), since manager numbers restart
    /// in every alliance.
    fn im_day(&self, i: usize) -> (u32, u32, i32) {
        let days = self.date[i].map_or(0, |d| d.num_days_from_ce());
        (self.alliance[i], self.manager[i], days)
    }

    /// The readable rows grouped by IM (alliance and manager), each IM's rows in (date,
    /// file row) order, and where each IM's rows begin and end in them. The rows of each IM
    /// are counted first, so that one pass puts every row in place (one index a row, where
    /// sorting (key, row) pairs took four times as much); a delivery that keeps each IM's
    /// rows in date order needs no sorting beyond checking that it is in order.
    fn by_im(&self) -> (Vec<u32>, Vec<usize>) {
        let height = self.date.len();
        let mut ims: HashMap<(u32, u32), usize> = HashMap::new();
        // Rows of one IM come together: the previous row's IM usually repeats.
        let mut last: Option<((u32, u32), usize)> = None;
        let mut im_of = |i: usize| {
            let pair = (self.alliance[i], self.manager[i]);
            match last {
                Some((p, im)) if p == pair => im,
                _ => {
                    let next = ims.len();
                    let im = *ims.entry(pair).or_insert(next);
                    last = Some((pair, im));
                    im
                }
            }
        };
        let mut bounds: Vec<usize> = vec![0];
        for i in (0..height).filter(|&i| self.readable[i]) {
            let im = im_of(i) + 1;
            if im == bounds.len() {
                bounds.push(0);
            }
            bounds[im] += 1;
        }
        for k in 1..bounds.len() {
            bounds[k] += bounds[k - 1];
        }
        let mut next = bounds.clone();
        let mut rows = vec![0u32; bounds[bounds.len() - 1]];
        for i in (0..height).filter(|&i| self.readable[i]) {
            let at = &mut next[im_of(i)];
            rows[*at] = i as u32;
            *at += 1;
        }
        for im in bounds.windows(2) {
            // Already in order in a delivery sorted by date: then a linear check.
            rows[im[0]..im[1]].sort_unstable_by_key(|&i| (self.date[i as usize], i));
        }
        (rows, bounds)
    }

    fn same_im_day(&self, i: usize, j: usize) -> bool {
        self.im_day(i) == self.im_day(j)
    }

    /// Equal in every column of the format (the definition of an exact duplicate).
    fn same_row(&self, i: usize, j: usize) -> bool {
        self.same_im_day(i, j)
            && self.municipality[i] == self.municipality[j]
            && self.counts.iter().enumerate().all(|(k, c)| {
                c[i] == c[j]
                    && (c[i] != WIDE
                        || self.days.wide.get(&(i as u32, k as u8))
                            == self.days.wide.get(&(j as u32, k as u8)))
            })
    }

    fn describe(&self, i: usize) -> String {
        let date = self.date[i].map(|d| d.to_string()).unwrap_or_default();
        format!(
            "IM {} of alliance {} has another row for {date}",
            self.days.ids.name(self.manager[i]),
            self.days.ids.name(self.alliance[i])
        )
    }
}

/// One pass over the readable rows grouped by IM-day: a row equal in every column to an
/// earlier row of its IM-day is an exact duplicate and dropped; a row that differs from an
/// earlier one of its IM-day makes both conflicting (kept, flagged). Returns the file
/// indices of the rows kept and the conflict flag of every file row.
fn clean(
    r: &mut TableReader,
    c: &Columns,
    cleaning: &mut ActivityCleaning,
) -> (Vec<bool>, Vec<bool>) {
    let mut conflicting = vec![false; c.date.len()];
    let mut kept = vec![false; c.date.len()];
    let (rows, bounds) = c.by_im();
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    let mut conflicts: Vec<(usize, usize)> = Vec::new();
    let mut group_kept: Vec<usize> = Vec::new();
    let days = bounds.windows(2).flat_map(|im| {
        rows[im[0]..im[1]].chunk_by(move |&i, &j| c.date[i as usize] == c.date[j as usize])
    });
    for group in days {
        if let [only] = group {
            kept[*only as usize] = true;
            continue;
        }
        group_kept.clear();
        for &i in group {
            let i = i as usize;
            if let Some(&j) = group_kept.iter().find(|&&j| c.same_row(j, i)) {
                duplicates.push((i, j));
                continue;
            }
            // Every row of the group is of the same IM-day: the first kept one is the
            // one this row differs from.
            if let Some(&j) = group_kept.first() {
                conflicts.push((j, i));
                conflicting[i] = true;
                conflicting[j] = true;
            }
            group_kept.push(i);
            kept[i] = true;
        }
    }
    drop(rows);
    duplicates.sort_unstable();
    conflicts.sort_unstable_by_key(|&(_, i)| i);
    let dropped = duplicates.len();
    let duplicate_examples: Vec<String> = duplicates
        .iter()
        .take(5)
        .map(|(i, j)| format!("row {} = row {}", i + 1, j + 1))
        .collect();
    report_conflicts(r, c, &conflicts, &conflicting, cleaning);
    cleaning.exact_duplicates_dropped = dropped;
    if dropped > 0 {
        let share = 100.0 * dropped as f64 / cleaning.rows_read.max(1) as f64;
        let more = if dropped > duplicate_examples.len() {
            ", ..."
        } else {
            ""
        };
        let msg = format!(
            "{dropped} exact duplicate rows dropped ({share:.1}%), one copy of each kept (e.g. {}{more})",
            duplicate_examples.join(", ")
        );
        r.out.push(Finding::warning("activity", None, None, msg));
    }
    (kept, conflicting)
}

fn report_conflicts(
    r: &mut TableReader,
    c: &Columns,
    conflicts: &[(usize, usize)],
    conflicting: &[bool],
    cleaning: &mut ActivityCleaning,
) {
    if conflicts.is_empty() {
        return;
    }
    for &(first, other) in conflicts {
        let msg = format!(
            "{} (row {}) with different counts; both are kept and flagged",
            c.describe(other),
            first + 1
        );
        r.out.warning(
            RowProblem::ConflictingRows,
            "activity",
            "date",
            other + 1,
            msg,
        );
    }
    let flagged: Vec<usize> = (0..conflicting.len()).filter(|&i| conflicting[i]).collect();
    cleaning.conflicting_rows = flagged.len();
    let groups = flagged
        .iter()
        .map(|&i| c.im_day(i))
        .collect::<std::collections::HashSet<_>>()
        .len();
    let msg = format!(
        "{} rows on {groups} IM-day(s) (same IM and date) differ in their counts; all are kept and flagged as conflicting",
        cleaning.conflicting_rows
    );
    r.out.push(Finding::warning("activity", None, None, msg));
}
