//! An early-start exchange (`--exchange LATE,EARLY`): district LATE, which starts on or before
//! the cut-off, and district EARLY, which starts after it, swap their start dates.
//!
//! It is applied once steps 1-15 have calibrated the bundle, to the grants and the activity
//! as written, so that a stage after it starts from the calibrated state with only the two
//! memberships changed (`scripts/refit_whole_persons.py` measured that an exchange drawn into
//! the design, before the calibration, leaves Tab. 17 (6)'s SV coefficient out of reach;
//! from the calibrated state with the two memberships exchanged, every figure of Tab. 11-17
//! can print).
//!
//! Swapping the two dates (rather than moving each just across the cut-off) keeps both
//! groups' sizes and mean start dates exactly (Abb. 4; the sample tests hold them within
//! three days). Each grant of a district moves by the same number of days, so its rule start
//! (the day half its grants have started) moves by exactly that; issue dates stay, so the
//! grants counted by the rule stay too. An IM of LATE that reported days before its new
//! start has those days moved, with their talks, to weekdays after it on which it reported
//! nothing: the talks total, the district's topic shares and the count of exact duplicates
//! and conflicting rows all stay (a duplicate or conflicting copy moves with its row). The
//! IMs of EARLY simply have no reports in their first weeks.

use crate::activity::{Activity, last_day};
use crate::derive::district_starts;
use crate::frame::{District, Municipality};
use crate::programme::{Grant, day};
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// Two BW districts whose early-start memberships change places (positions in the frame).
#[derive(Clone, Copy)]
pub struct Exchange {
    pub late: usize,
    pub early: usize,
}

/// Resolves `LATE,EARLY` against the groups `early` the drawn grants give; a message naming
/// the district when an id is not in BW or not in the group it should leave.
pub fn resolve(
    ds: &[District],
    early: &BTreeMap<usize, bool>,
    late_id: &str,
    early_id: &str,
) -> Result<Exchange, String> {
    let mut found = [0; 2];
    for (slot, (id, was_early)) in [(late_id, true), (early_id, false)].into_iter().enumerate() {
        let k = (0..ds.len())
            .find(|&k| ds[k].id == id)
            .filter(|k| early.contains_key(k))
            .ok_or_else(|| format!("--exchange: {id} is not a BW district"))?;
        if early[&k] != was_early {
            let group = if was_early { "early" } else { "late" };
            return Err(format!(
                "--exchange: {id} ({}) does not start {group} in the seed's design",
                ds[k].name
            ));
        }
        found[slot] = k;
    }
    Ok(Exchange {
        late: found[0],
        early: found[1],
    })
}

/// Swaps the two districts' start dates in `grants` and moves LATE's activity days that now
/// fall before their IM's start; returns the log line.
pub fn apply(
    ex: Exchange,
    ds: &[District],
    munis: &[Municipality],
    grants: &mut [Grant],
    act: &mut Activity,
) -> Result<String, String> {
    let before = district_starts(munis, grants);
    let (s_late, s_early) = (before[&ex.late], before[&ex.early]);
    let shift = s_early - s_late;
    let (lo, hi) = (day(2017, 1, 1), day(2018, 10, 31));
    for g in grants.iter_mut() {
        let d = munis[g.municipality].district;
        if d == ex.late {
            g.start = (g.start + shift).clamp(lo, hi);
        } else if d == ex.early {
            g.start = (g.start - shift).clamp(lo, hi);
        }
    }
    let after = district_starts(munis, grants);
    if after[&ex.late] != s_early || after[&ex.early] != s_late {
        // Only a grant held at the programme's first or last possible start could do this.
        return Err(format!(
            "--exchange: {} and {} cannot swap their starts ({s_late} and {s_early}) within 2017-01 to 2018-10",
            ds[ex.late].id, ds[ex.early].id
        ));
    }
    let moved = move_days_after_starts(ex.late, munis, grants, act)?;
    Ok(format!(
        "early-start exchange after the calibration: {} ({}) starts {s_early} ({:+} days), {} ({}) {s_late}; {moved} activity days of {}'s IMs moved after their new starts",
        ds[ex.late].id,
        ds[ex.late].name,
        shift.num_days(),
        ds[ex.early].id,
        ds[ex.early].name,
        ds[ex.late].id,
    ))
}

/// Every IM of district `district` with days reported before its grant's start gets them on
/// weekdays after it on which it reported nothing, spread evenly over them and in the same
/// order. Each IM's rows stay one block, sorted by date as written.
fn move_days_after_starts(
    district: usize,
    munis: &[Municipality],
    grants: &[Grant],
    act: &mut Activity,
) -> Result<usize, String> {
    // An IM is (alliance, manager number); its rows are one block (activity.rs).
    let starts: BTreeMap<(&str, &str), NaiveDate> = grants
        .iter()
        .filter(|g| munis[g.municipality].district == district)
        .map(|g| {
            (
                (
                    munis[g.municipality].alliance.as_str(),
                    g.manager_id.as_str(),
                ),
                g.start,
            )
        })
        .collect();
    let mut blocks: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for i in 0..act.date.len() {
        let key = (act.alliance_id[i].clone(), act.manager_id[i].clone());
        if starts.contains_key(&(key.0.as_str(), key.1.as_str())) {
            let e = blocks.entry(key).or_insert((i, i));
            if e.1 + 1 < i {
                return Err(format!(
                    "activity: the rows of IM {} in {} are not one block",
                    act.manager_id[i], act.alliance_id[i]
                ));
            }
            e.1 = i;
        }
    }
    let mut moved = 0;
    for ((alliance, manager), (first, last)) in blocks {
        let start = starts[&(alliance.as_str(), manager.as_str())];
        let rows = first..last + 1;
        let used: BTreeSet<NaiveDate> = act.date[rows.clone()].iter().copied().collect();
        let early: Vec<NaiveDate> = used.iter().copied().filter(|&d| d < start).collect();
        if early.is_empty() {
            continue;
        }
        let free: Vec<NaiveDate> = start
            .iter_days()
            .take_while(|&d| d <= last_day())
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .filter(|d| !used.contains(d))
            .collect();
        if free.len() < early.len() {
            return Err(format!(
                "activity: IM {manager} in {alliance} reported {} days before its new start {start} and has only {} free weekdays after it",
                early.len(),
                free.len()
            ));
        }
        // The k-th early day goes to the middle of the k-th of equal stretches of free days.
        let to: BTreeMap<NaiveDate, NaiveDate> = early
            .iter()
            .enumerate()
            .map(|(k, &d)| (d, free[(2 * k + 1) * free.len() / (2 * early.len())]))
            .collect();
        for i in rows.clone() {
            if let Some(&d) = to.get(&act.date[i]) {
                act.date[i] = d;
            }
        }
        moved += early.len();
        // Sort the block by date again; rows of one day keep their order (a duplicate or a
        // conflicting copy stays right after its row).
        let mut order: Vec<usize> = rows.collect();
        order.sort_by_key(|&i| act.date[i]);
        permute(act, first, &order);
    }
    Ok(moved)
}

/// Rows `first..` of every column take the rows `order` names, in that order.
fn permute(act: &mut Activity, first: usize, order: &[usize]) {
    fn take<T: Clone>(v: &mut [T], first: usize, order: &[usize]) {
        let picked: Vec<T> = order.iter().map(|&i| v[i].clone()).collect();
        v[first..first + order.len()].clone_from_slice(&picked);
    }
    take(&mut act.manager_id, first, order);
    take(&mut act.alliance_id, first, order);
    take(&mut act.municipality_id, first, order);
    take(&mut act.date, first, order);
    for t in act.talks.iter_mut() {
        take(t, first, order);
    }
    for l in act.location.iter_mut() {
        take(l, first, order);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derive::same_row;
    use crate::frame::testing::{district, municipality};

    fn grant(m: usize, manager: &str, start: NaiveDate) -> Grant {
        Grant {
            id: String::new(),
            municipality: m,
            issued: day(2017, 12, 20),
            start,
            fte: 0.5,
            manager_id: manager.to_string(),
        }
    }

    /// One IM's rows on every other weekday from `from` to `to`, talks numbered so every row
    /// differs; the third row duplicated exactly and the fifth delivered again with one more
    /// "other" talk (activity.rs writes both right after their row).
    fn report(act: &mut Activity, m: &Municipality, manager: &str, from: NaiveDate, to: NaiveDate) {
        let days: Vec<NaiveDate> = from
            .iter_days()
            .take_while(|&d| d <= to)
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .step_by(2)
            .collect();
        let mut push = |d: NaiveDate, other: i64, n: i64| {
            act.manager_id.push(manager.to_string());
            act.alliance_id.push(m.alliance.clone());
            act.municipality_id.push(m.id.clone());
            act.date.push(d);
            for k in 0..8 {
                act.talks[k].push(if k == 7 { other } else { n % 5 + k as i64 });
            }
            for k in 0..3 {
                act.location[k].push(Some(n % 3));
            }
        };
        for (n, &d) in days.iter().enumerate() {
            push(d, n as i64, n as i64);
            if n == 2 {
                push(d, n as i64, n as i64);
            }
            if n == 4 {
                push(d, n as i64 + 1, n as i64);
            }
        }
    }

    fn exact_duplicates(a: &Activity) -> usize {
        (1..a.date.len()).filter(|&i| same_row(a, i, i - 1)).count()
    }

    #[test]
    fn an_exchange_swaps_the_two_starts_and_moves_only_days_before_the_new_starts() {
        let ds = vec![district("08001"), district("08002"), district("08003")];
        let munis = vec![
            municipality("08001001", 0),
            municipality("08001002", 0),
            municipality("08002001", 1),
            municipality("08003001", 2),
        ];
        let mut grants = vec![
            grant(0, "1", day(2017, 12, 4)),
            grant(0, "2", day(2018, 1, 8)),
            grant(1, "1", day(2018, 2, 1)),
            grant(2, "1", day(2018, 4, 16)),
            grant(3, "1", day(2018, 3, 1)),
        ];
        let mut act = Activity::default();
        for g in &grants {
            report(
                &mut act,
                &munis[g.municipality],
                &g.manager_id,
                g.start,
                last_day(),
            );
        }
        let before = district_starts(&munis, &grants);
        assert_eq!(
            (before[&0], before[&1]),
            (day(2018, 1, 8), day(2018, 4, 16))
        );
        let talks: i64 = act.talks.iter().flatten().sum();
        let rows = act.date.len();
        let duplicates = exact_duplicates(&act);
        let other = |a: &Activity| -> Vec<NaiveDate> {
            (0..a.date.len())
                .filter(|&i| {
                    a.municipality_id[i] != "08001001" && a.municipality_id[i] != "08001002"
                })
                .map(|i| a.date[i])
                .collect()
        };
        let untouched = other(&act);

        let line = apply(
            Exchange { late: 0, early: 1 },
            &ds,
            &munis,
            &mut grants,
            &mut act,
        )
        .expect("exchange");
        let after = district_starts(&munis, &grants);
        assert_eq!((after[&0], after[&1]), (day(2018, 4, 16), day(2018, 1, 8)));
        assert_eq!(after[&2], day(2018, 3, 1), "a third district stays");
        assert_eq!(
            grants[0].start,
            day(2018, 3, 12),
            "each grant moved by 98 days"
        );
        assert_eq!(grants[0].issued, day(2017, 12, 20), "issue dates stay");
        assert!(line.contains("+98 days"), "{line}");

        // The rows, their talks, their duplicates and conflicts all stay; no IM of the
        // district that starts late now reports before its grant, or twice on a day but for
        // the duplicate and the conflicting copy; each IM's rows are still sorted by date.
        assert_eq!(act.date.len(), rows);
        assert_eq!(act.talks.iter().flatten().sum::<i64>(), talks);
        assert_eq!(exact_duplicates(&act), duplicates);
        assert_eq!(other(&act), untouched, "the other districts' rows stay");
        for g in grants
            .iter()
            .filter(|g| munis[g.municipality].district == 0)
        {
            let m = &munis[g.municipality];
            let dates: Vec<NaiveDate> = (0..act.date.len())
                .filter(|&i| act.alliance_id[i] == m.alliance && act.manager_id[i] == g.manager_id)
                .map(|i| act.date[i])
                .collect();
            assert!(dates.iter().all(|&d| d >= g.start && d <= last_day()));
            assert!(dates.windows(2).all(|w| w[0] <= w[1]), "sorted");
            let repeats = dates.windows(2).filter(|w| w[0] == w[1]).count();
            assert_eq!(repeats, 2, "the duplicate and the conflicting copy only");
        }
        assert!(
            line.contains("activity days of 08001's IMs moved"),
            "{line}"
        );
    }
}
