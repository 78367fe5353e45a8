//! The IM key figures (`activity`) and their reading rules (bundle-format.md, "Reading
//! rules"; report section 2: 2.5% exact duplicates removed, date typos).
//!
//! Exact duplicate rows are dropped (one copy kept) and counted; rows whose date is not a
//! real calendar date are left out; rows of the same IM and date with different counts are
//! kept and flagged, since the tool never guesses which copy is right.

use super::Finding;
use super::columns::TableReader;
use super::model::{ActivityCleaning, ActivityDay, Topic};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

const LOCATIONS: [&str; 3] = ["talks_office", "talks_onsite", "talks_accompanying"];

/// Everything that makes two rows exact duplicates: all columns of the format.
type RowKey<'a> = (
    &'a str,
    &'a str,
    &'a str,
    NaiveDate,
    [i64; 8],
    [Option<i64>; 3],
);

fn row_key(d: &ActivityDay) -> RowKey<'_> {
    (
        &d.manager_id,
        &d.alliance_id,
        &d.municipality_id,
        d.date,
        d.talks,
        [d.talks_office, d.talks_onsite, d.talks_accompanying],
    )
}

/// Reads `activity`, applies the reading rules and reports what they did.
pub(super) fn activity(r: &mut TableReader) -> (Vec<ActivityDay>, Vec<usize>, ActivityCleaning) {
    let mut required = vec!["manager_id", "alliance_id", "municipality_id", "date"];
    required.extend(Topic::ALL.map(Topic::column));
    r.require_columns(&required, &LOCATIONS);
    let manager = r.req_text("manager_id");
    let alliance = r.req_text("alliance_id");
    let municipality = r.req_text("municipality_id");
    let date = r.req::<NaiveDate>("date");
    let talks: Vec<Vec<Option<i64>>> = Topic::ALL
        .iter()
        .map(|t| r.req::<i64>(t.column()))
        .collect();
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

    let mut days = Vec::with_capacity(r.height);
    let mut rows = Vec::with_capacity(r.height);
    'rows: for i in 0..r.height {
        let Some(d) = date[i] else { continue };
        let (Some(m), Some(a), Some(mu)) = (manager[i], alliance[i], municipality[i]) else {
            continue;
        };
        let mut counts = [0i64; 8];
        for (slot, column) in counts.iter_mut().zip(&talks) {
            match column[i] {
                Some(v) => *slot = v,
                None => continue 'rows,
            }
        }
        days.push(ActivityDay {
            manager_id: m.to_string(),
            alliance_id: a.to_string(),
            municipality_id: mu.to_string(),
            date: d,
            talks: counts,
            talks_office: office[i],
            talks_onsite: onsite[i],
            talks_accompanying: accompanying[i],
            conflicting: false,
        });
        rows.push(i + 1);
    }

    drop_exact_duplicates(r, &mut days, &mut rows, &mut cleaning);
    flag_conflicts(r, &mut days, &rows, &mut cleaning);
    (days, rows, cleaning)
}

fn drop_exact_duplicates(
    r: &mut TableReader,
    days: &mut Vec<ActivityDay>,
    rows: &mut Vec<usize>,
    cleaning: &mut ActivityCleaning,
) {
    let mut keep = vec![true; days.len()];
    let mut examples = Vec::new();
    {
        let mut first: HashMap<RowKey, usize> = HashMap::with_capacity(days.len());
        for (i, d) in days.iter().enumerate() {
            match first.entry(row_key(d)) {
                Entry::Vacant(v) => {
                    v.insert(i);
                }
                Entry::Occupied(o) => {
                    keep[i] = false;
                    if examples.len() < 5 {
                        examples.push(format!("row {} = row {}", rows[i], rows[*o.get()]));
                    }
                }
            }
        }
    }
    let dropped = keep.iter().filter(|k| !**k).count();
    cleaning.exact_duplicates_dropped = dropped;
    if dropped == 0 {
        return;
    }
    let mut flags = keep.iter();
    days.retain(|_| *flags.next().unwrap_or(&true));
    let mut flags = keep.iter();
    rows.retain(|_| *flags.next().unwrap_or(&true));
    let share = 100.0 * dropped as f64 / cleaning.rows_read.max(1) as f64;
    let msg = format!(
        "{dropped} exact duplicate rows dropped ({share:.1}%), one copy of each kept (e.g. {}{})",
        examples.join(", "),
        if dropped > examples.len() {
            ", ..."
        } else {
            ""
        }
    );
    r.out.push(Finding::warning("activity", None, None, msg));
}

fn flag_conflicts(
    r: &mut TableReader,
    days: &mut [ActivityDay],
    rows: &[usize],
    cleaning: &mut ActivityCleaning,
) {
    // An IM is (alliance_id, manager_id): manager numbers restart in every alliance.
    let mut conflicts: Vec<(usize, usize)> = Vec::new();
    {
        let mut first: HashMap<(&str, &str, NaiveDate), usize> = HashMap::with_capacity(days.len());
        for (i, d) in days.iter().enumerate() {
            match first.entry((d.alliance_id.as_str(), d.manager_id.as_str(), d.date)) {
                Entry::Vacant(v) => {
                    v.insert(i);
                }
                Entry::Occupied(o) => conflicts.push((*o.get(), i)),
            }
        }
    }
    if conflicts.is_empty() {
        return;
    }
    let mut groups = 0;
    for &(first, other) in &conflicts {
        if !days[first].conflicting {
            groups += 1;
        }
        days[first].conflicting = true;
        days[other].conflicting = true;
        let d = &days[other];
        let msg = format!(
            "IM {} of alliance {} has another row for {} (row {}) with different counts; both are kept and flagged",
            d.manager_id, d.alliance_id, d.date, rows[first]
        );
        r.out
            .warning("conflicting rows", "activity", "date", rows[other], msg);
    }
    cleaning.conflicting_rows = days.iter().filter(|d| d.conflicting).count();
    let msg = format!(
        "{} rows in {groups} groups share IM and date but differ in their counts; all are kept and flagged as conflicting",
        cleaning.conflicting_rows
    );
    r.out.push(Finding::warning("activity", None, None, msg));
}
