//! The IM key figures (`activity`) and their reading rules (bundle-format.md, "Reading
//! rules"; report section 2: 2.5% exact duplicates removed, date typos).
//!
//! Exact duplicate rows are dropped (one copy kept) and counted; rows whose date is not a
//! real calendar date are left out; rows of the same IM and date with different counts are
//! kept and flagged, since the tool never guesses which copy is right.

use super::Finding;
use super::activity_days::{self, ABSENT, ActivityDays, COUNTS, Counts, WIDE};
use super::collect::RowProblem;
use super::columns::TableReader;
use super::model::{ActivityCleaning, Topic};
use chrono::{Datelike, NaiveDate};

const LOCATIONS: [&str; 3] = ["talks_office", "talks_onsite", "talks_accompanying"];

/// An id that was missing or unreadable (the row is left out).
const NO_ID: u32 = u32::MAX;

/// Reads `activity`, applies the reading rules and reports what they did.
///
/// Each column is read and folded into compact columns before the next one is read (with a
/// Parquet file, straight from the file), so memory holds one raw column at a time beside
/// about 60 bytes a row, never every raw row (issue: memory that grows with the data).
pub(super) fn activity(r: &mut TableReader) -> (ActivityDays, Vec<u32>, ActivityCleaning) {
    let mut required = vec!["manager_id", "alliance_id", "municipality_id", "date"];
    required.extend(Topic::ALL.map(Topic::column));
    r.require_columns(&required, &LOCATIONS);
    let height = r.height;
    let mut days = ActivityDays::default();
    let mut ids = [
        vec![NO_ID; height],
        vec![NO_ID; height],
        vec![NO_ID; height],
    ];
    for (col, values) in ["manager_id", "alliance_id", "municipality_id"]
        .iter()
        .zip(ids.iter_mut())
    {
        // Rows of one IM come together: the previous row's id usually repeats.
        let mut last = NO_ID;
        r.each_text(col, true, |i, v| {
            if let Some(v) = v {
                if last == NO_ID || days.ids.name(last) != v {
                    last = days.ids.intern(v);
                }
                values[i] = last;
            }
        });
    }
    let mut date: Vec<Option<NaiveDate>> = vec![None; height];
    r.each::<NaiveDate>("date", true, |i, v| date[i] = v);
    // Counts: the eight topics (required), then the three places (nullable); a value
    // outside i32 goes to the side table under its file row.
    let mut counts: Vec<Counts> = vec![[ABSENT; COUNTS]; height];
    let columns = Topic::ALL.map(Topic::column).into_iter().chain(LOCATIONS);
    for (k, col) in columns.enumerate() {
        let wide = &mut days.wide;
        r.each::<i64>(col, k < 8, |i, v| {
            if let Some(v) = v {
                let stored = activity_days::narrow(v);
                if stored == WIDE {
                    wide.insert((i as u32, k as u8), v);
                }
                counts[i][k] = stored;
            }
        });
    }
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
    // Rows whose every required field could be read; the others were reported.
    let readable: Vec<u32> = (0..height)
        .filter(|&i| {
            date[i].is_some()
                && manager[i] != NO_ID
                && alliance[i] != NO_ID
                && municipality[i] != NO_ID
                && counts[i][..8].iter().all(|&c| c != ABSENT)
        })
        .map(|i| i as u32)
        .collect();
    let (kept, conflicting) = {
        let cols = Columns {
            days: &days,
            manager: &manager,
            alliance: &alliance,
            municipality: &municipality,
            date: &date,
            counts: &counts,
        };
        clean(r, &cols, &readable, &mut cleaning)
    };
    drop(readable);

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
    for (w, &row) in rows.iter().enumerate() {
        let i = row as usize - 1;
        days.manager[w] = days.manager[i];
        days.alliance[w] = days.alliance[i];
        days.municipality[w] = days.municipality[i];
        days.counts[w] = days.counts[i];
        if wide.is_empty() {
            continue;
        }
        for k in 0..COUNTS {
            if let Some(v) = wide.remove(&(i as u32, k as u8)) {
                days.wide.insert((w as u32, k as u8), v);
            }
        }
    }
    let n = rows.len();
    for column in [
        &mut days.manager,
        &mut days.alliance,
        &mut days.municipality,
    ] {
        column.truncate(n);
        column.shrink_to_fit();
    }
    days.counts.truncate(n);
    days.counts.shrink_to_fit();
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

/// The columns of `activity` as read, by file row (`NO_ID`, `None`, `ABSENT`: missing or
/// unreadable).
struct Columns<'c> {
    days: &'c ActivityDays,
    manager: &'c [u32],
    alliance: &'c [u32],
    municipality: &'c [u32],
    date: &'c [Option<NaiveDate>],
    counts: &'c [Counts],
}

impl Columns<'_> {
    /// The IM-day of a row: (alliance_id, manager_id, date), since manager numbers restart
    /// in every alliance.
    fn im_day(&self, i: usize) -> (u32, u32, i32) {
        let days = self.date[i].map_or(0, |d| d.num_days_from_ce());
        (self.alliance[i], self.manager[i], days)
    }

    fn im_day_hash(&self, i: usize) -> u64 {
        let (alliance, manager, days) = self.im_day(i);
        mix(
            mix(mix(0, u64::from(alliance)), u64::from(manager)),
            days as u64,
        )
    }

    fn same_im_day(&self, i: usize, j: usize) -> bool {
        self.im_day(i) == self.im_day(j)
    }

    /// Equal in every column of the format (the definition of an exact duplicate).
    fn same_row(&self, i: usize, j: usize) -> bool {
        self.same_im_day(i, j)
            && self.municipality[i] == self.municipality[j]
            && self.counts[i] == self.counts[j]
            && (0..COUNTS).all(|k| {
                self.counts[i][k] != WIDE
                    || self.days.wide.get(&(i as u32, k as u8))
                        == self.days.wide.get(&(j as u32, k as u8))
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

/// rustc's Fx mixing step: fast and well spread in the high bits, which is all a grouping
/// of one local file needs (no untrusted input to defend against hash flooding).
fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// One pass over the readable rows grouped by IM-day: a row equal in every column to an
/// earlier row of its IM-day is an exact duplicate and dropped; a row that differs from an
/// earlier one of its IM-day makes both conflicting (kept, flagged). Returns the file
/// indices of the rows kept and the conflict flag of every file row.
fn clean(
    r: &mut TableReader,
    c: &Columns,
    readable: &[u32],
    cleaning: &mut ActivityCleaning,
) -> (Vec<bool>, Vec<bool>) {
    let mut conflicting = vec![false; c.date.len()];
    let mut kept = vec![false; c.date.len()];
    // Sorting by (IM-day hash, row) puts each IM-day's rows together in file order; a
    // sort walks memory in order, where a hash table of 300k rows misses the cache on
    // nearly every insert.
    let mut order: Vec<(u64, u32)> = readable
        .iter()
        .map(|&i| (c.im_day_hash(i as usize), i))
        .collect();
    order.sort_unstable();
    let mut duplicates: Vec<(usize, usize)> = Vec::new();
    let mut conflicts: Vec<(usize, usize)> = Vec::new();
    let mut group_kept: Vec<usize> = Vec::new();
    for group in order.chunk_by(|a, b| a.0 == b.0) {
        if let [(_, only)] = group {
            kept[*only as usize] = true;
            continue;
        }
        group_kept.clear();
        for &(_, i) in group {
            let i = i as usize;
            if let Some(&j) = group_kept.iter().find(|&&j| c.same_row(j, i)) {
                duplicates.push((i, j));
                continue;
            }
            if let Some(&j) = group_kept.iter().find(|&&j| c.same_im_day(j, i)) {
                conflicts.push((j, i));
                conflicting[i] = true;
                conflicting[j] = true;
            }
            group_kept.push(i);
            kept[i] = true;
        }
    }
    drop(order);
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
