//! The IM key figures (`activity`) and their reading rules (bundle-format.md, "Reading
//! rules"; report section 2: 2.5% exact duplicates removed, date typos).
//!
//! Exact duplicate rows are dropped (one copy kept) and counted; rows whose date is not a
//! real calendar date are left out; rows of the same IM and date with different counts are
//! kept and flagged, since the tool never guesses which copy is right.

use super::Finding;
use super::columns::TableReader;
use super::model::{ActivityCleaning, ActivityDay, Topic};
use chrono::{Datelike, NaiveDate};

const LOCATIONS: [&str; 3] = ["talks_office", "talks_onsite", "talks_accompanying"];

/// Reads `activity`, applies the reading rules and reports what they did.
pub(super) fn activity(r: &mut TableReader) -> (Vec<ActivityDay>, Vec<usize>, ActivityCleaning) {
    let mut required = vec!["manager_id", "alliance_id", "municipality_id", "date"];
    required.extend(Topic::ALL.map(Topic::column));
    r.require_columns(&required, &LOCATIONS);
    let manager = r.req_text("manager_id");
    let alliance = r.req_text("alliance_id");
    let municipality = r.req_text("municipality_id");
    let date = r.req::<NaiveDate>("date");
    // One row of eight counts per data row; each topic column is read and folded in before
    // the next, so only one column's cells are held at a time.
    let mut talks = vec![[0i64; 8]; r.height];
    let mut talks_read = vec![true; r.height];
    for (t, topic) in Topic::ALL.iter().enumerate() {
        for (i, v) in r.req::<i64>(topic.column()).into_iter().enumerate() {
            match v {
                Some(v) => talks[i][t] = v,
                None => talks_read[i] = false,
            }
        }
    }
    let [office, onsite, accompanying] = LOCATIONS.map(|c| r.opt::<i64>(c));
    // Malformed dates (`31.12.2019`) count with impossible ones (`2019-02-30`): neither is a
    // real calendar date, and both rows are left out.
    let mut cleaning = ActivityCleaning {
        rows_read: r.height,
        impossible_dates: r.invalid_count("date"),
        ..Default::default()
    };
    if r.unreadable {
        return (Vec::new(), Vec::new(), cleaning);
    }

    // Rows whose every required field could be read; the others were reported.
    let readable: Vec<usize> = (0..r.height)
        .filter(|&i| {
            date[i].is_some()
                && manager[i].is_some()
                && alliance[i].is_some()
                && municipality[i].is_some()
                && talks_read[i]
        })
        .collect();
    let cols = Columns {
        manager: &manager,
        alliance: &alliance,
        municipality: &municipality,
        date: &date,
        talks: &talks,
        places: [&office, &onsite, &accompanying],
    };
    let (keep, conflicting) = clean(r, &cols, &readable, &mut cleaning);

    let mut days = Vec::with_capacity(keep.len());
    for &i in &keep {
        let text = |c: &[Option<&str>]| c[i].unwrap_or_default().to_string();
        days.push(ActivityDay {
            manager_id: text(&manager),
            alliance_id: text(&alliance),
            municipality_id: text(&municipality),
            date: date[i].unwrap_or_default(),
            talks: talks[i],
            talks_office: office[i],
            talks_onsite: onsite[i],
            talks_accompanying: accompanying[i],
            conflicting: conflicting[i],
        });
    }
    let rows = keep.iter().map(|i| i + 1).collect();
    (days, rows, cleaning)
}

/// The columns of `activity` as read (`None`: missing or unreadable).
struct Columns<'c, 'a> {
    manager: &'c [Option<&'a str>],
    alliance: &'c [Option<&'a str>],
    municipality: &'c [Option<&'a str>],
    date: &'c [Option<NaiveDate>],
    talks: &'c [[i64; 8]],
    places: [&'c [Option<i64>]; 3],
}

impl Columns<'_, '_> {
    /// The IM-day of a row: (alliance_id, manager_id, date), since manager numbers restart
    /// in every alliance.
    fn im_day_hash(&self, i: usize) -> u64 {
        let days = self.date[i].map_or(0, |d| d.num_days_from_ce() as u64);
        let h = mix_str(0, self.alliance[i].unwrap_or_default());
        mix(mix_str(h, self.manager[i].unwrap_or_default()), days)
    }

    fn same_im_day(&self, i: usize, j: usize) -> bool {
        self.date[i] == self.date[j]
            && self.manager[i] == self.manager[j]
            && self.alliance[i] == self.alliance[j]
    }

    /// Equal in every column of the format (the definition of an exact duplicate).
    fn same_row(&self, i: usize, j: usize) -> bool {
        self.same_im_day(i, j)
            && self.municipality[i] == self.municipality[j]
            && self.talks[i] == self.talks[j]
            && self.places.iter().all(|p| p[i] == p[j])
    }

    fn describe(&self, i: usize) -> String {
        let text = |c: &[Option<&str>]| c[i].unwrap_or_default().to_string();
        let date = self.date[i].map(|d| d.to_string()).unwrap_or_default();
        format!(
            "IM {} of alliance {} has another row for {date}",
            text(self.manager),
            text(self.alliance)
        )
    }
}

/// rustc's Fx mixing step: fast and well spread in the high bits, which is all a grouping
/// of one local file needs (no untrusted input to defend against hash flooding).
fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

fn mix_str(mut h: u64, s: &str) -> u64 {
    let mut chunks = s.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        h = mix(
            h,
            u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        );
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    mix(mix(h, u64::from_le_bytes(tail)), s.len() as u64)
}

/// One pass over the readable rows grouped by IM-day: a row equal in every column to an
/// earlier row of its IM-day is an exact duplicate and dropped; a row that differs from an
/// earlier one of its IM-day makes both conflicting (kept, flagged). Returns the file
/// indices of the rows kept and the conflict flag of every file row.
fn clean(
    r: &mut TableReader,
    c: &Columns,
    readable: &[usize],
    cleaning: &mut ActivityCleaning,
) -> (Vec<usize>, Vec<bool>) {
    let mut conflicting = vec![false; c.date.len()];
    let mut kept = vec![false; c.date.len()];
    // Sorting by (IM-day hash, row) puts each IM-day's rows together in file order; a
    // sort walks memory in order, where a hash table of 300k rows misses the cache on
    // nearly every insert.
    let mut order: Vec<(u64, u32)> = readable
        .iter()
        .map(|&i| (c.im_day_hash(i), i as u32))
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
    duplicates.sort_unstable();
    conflicts.sort_unstable_by_key(|&(_, i)| i);
    let keep: Vec<usize> = readable.iter().copied().filter(|&i| kept[i]).collect();
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
    (keep, conflicting)
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
        r.out
            .warning("conflicting rows", "activity", "date", other + 1, msg);
    }
    let flagged: Vec<usize> = (0..conflicting.len()).filter(|&i| conflicting[i]).collect();
    cleaning.conflicting_rows = flagged.len();
    let groups = flagged
        .iter()
        .map(|&i| c.im_day_hash(i))
        .collect::<std::collections::HashSet<_>>()
        .len();
    let msg = format!(
        "{} rows on {groups} IM-day(s) (same IM and date) differ in their counts; all are kept and flagged as conflicting",
        cleaning.conflicting_rows
    );
    r.out.push(Finding::warning("activity", None, None, msg));
}
