//! The programme: grants (IM positions) with issue and start dates, the framework survey on
//! staffing (Tab. 5, in `staffing`) and which municipalities miss a housing wave.

use crate::design::Design;
use crate::frame::{District, Municipality};
use crate::util::{Rng, apportion, normal, shuffle, uniform, weighted};
use chrono::{Duration, NaiveDate};
use rand::{RngExt, SeedableRng};

mod staffing;
pub use staffing::{Staffing, staffing};

pub const N_GRANTS: usize = 1776;
/// Municipalities with both housing waves (report: "about 730 of 1,078").
pub const N_HOUSING_COMPLETE: usize = 733;
/// Municipalities that started in June–September 2018 (Abb. 4: ~95% had started by May 2018).
const N_SUMMER_STARTERS: usize = 44;

#[derive(Debug, Clone)]
pub struct Grant {
    pub id: String,
    pub municipality: usize,
    pub issued: NaiveDate,
    pub start: NaiveDate,
    pub fte: f64,
    /// IM number within the alliance (manager numbers restart in every alliance).
    pub manager_id: String,
}

/// A stream of its own for one programme table, seeded by a single draw of the main stream, so
/// the later tables (survey, activity, outcomes) do not move when this one changes its draws.
pub fn substream(rng: &mut Rng) -> Rng {
    Rng::seed_from_u64(rng.random::<u64>())
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn grants_issued_by() -> NaiveDate {
    day(2018, 9, 30)
}

/// Target persons at the Dec 2018 wave, per municipality (0 for municipalities not funded).
pub fn target_persons(rng: &mut Rng, munis: &[Municipality]) -> Vec<i64> {
    munis
        .iter()
        .map(|m| {
            if m.funded {
                ((m.refugees_2017 as f64 * uniform(rng, 0.74, 0.98)).round() as i64).max(1)
            } else {
                0
            }
        })
        .collect()
}

/// The rule of bundle-format.md: first day on which at least half of the grants have started.
pub fn rule_start(mut starts: Vec<NaiveDate>) -> Option<NaiveDate> {
    if starts.is_empty() {
        return None;
    }
    starts.sort();
    let need = (0.5 * starts.len() as f64).ceil().max(1.0) as usize;
    Some(starts[need - 1])
}

pub fn grants(rng: &mut Rng, ds: &[District], munis: &[Municipality], dz: &Design) -> Vec<Grant> {
    let rng = &mut substream(rng);
    let funded: Vec<usize> = (0..munis.len()).filter(|&m| munis[m].funded).collect();
    let w: Vec<f64> = funded
        .iter()
        .map(|&m| (munis[m].refugees_2017 as f64).powf(1.15))
        .collect();
    let extra = apportion(N_GRANTS - funded.len(), &w, 0);
    let lo = day(2017, 1, 1);
    let hi = day(2018, 10, 31);
    // A few municipalities had counsellors already and were funded retroactively from
    // Jan 2017; a few started only in Oct 2018 (Abb. 4).
    let mut early_pool: Vec<usize> = funded
        .iter()
        .copied()
        .filter(|&m| dz.early.get(&munis[m].district) == Some(&true))
        .collect();
    let mut late_pool: Vec<usize> = funded
        .iter()
        .copied()
        .filter(|&m| dz.early.get(&munis[m].district) == Some(&false))
        .collect();
    shuffle(rng, &mut early_pool);
    shuffle(rng, &mut late_pool);
    // About one municipality in twenty started only in summer 2018 (Abb. 4: ~95% by May):
    // small ones (a single IM) in late districts, which do not decide their district's date.
    let summer: Vec<usize> = late_pool[3..]
        .iter()
        .copied()
        .filter(|m| {
            funded
                .iter()
                .position(|f| f == m)
                .is_some_and(|i| extra[i] == 0)
        })
        .take(N_SUMMER_STARTERS)
        .collect();
    let anchored = |m: usize| {
        early_pool[..4].contains(&m) || late_pool[..3].contains(&m) || summer.contains(&m)
    };
    let mut out: Vec<Grant> = Vec::new();
    for (i, &m) in funded.iter().enumerate() {
        let d = munis[m].district;
        let target = dz.start_target[&d];
        // Small municipalities (one IM) tended to start before the big ones, whose many
        // grants decide the district date; so more municipalities than grants start early.
        let muni_offset = 20.0 * normal(rng) + 44.0 * ((1 + extra[i]) as f64).ln() - 75.0;
        for _ in 0..(1 + extra[i]) {
            let mut start = if early_pool[..4].contains(&m) {
                day(2017, 1, 2) + Duration::days((uniform(rng, 0.0, 20.0)) as i64)
            } else if late_pool[..3].contains(&m) {
                day(2018, 10, 1) + Duration::days((uniform(rng, 0.0, 25.0)) as i64)
            } else if summer.contains(&m) {
                day(2018, 6, 1) + Duration::days((uniform(rng, 0.0, 115.0)) as i64)
            } else {
                target + Duration::days((muni_offset + 14.0 * normal(rng)).round() as i64)
            };
            start = start.clamp(lo, hi);
            let u: f64 = uniform(rng, 0.0, 1.0);
            let fte = [0.25, 0.5, 0.75, 1.0][weighted(rng, &[0.3, 0.5, 0.05, 0.15])];
            let _ = u;
            out.push(Grant {
                id: String::new(),
                municipality: m,
                issued: start,
                start,
                fte,
                manager_id: String::new(),
            });
        }
    }
    // Shift each district's grants so its rule start is exactly the designed date; the fixed
    // early, summer and October anchors above stay where they are.
    for _ in 0..4 {
        for g in out.iter_mut() {
            g.issued = issue_date(g.start, rng);
        }
        for &d in &dz.bw {
            let idx: Vec<usize> = (0..out.len())
                .filter(|&g| munis[out[g].municipality].district == d)
                .collect();
            let starts: Vec<NaiveDate> = idx
                .iter()
                .filter(|&&g| out[g].issued <= grants_issued_by())
                .map(|&g| out[g].start)
                .collect();
            let Some(now) = rule_start(starts) else {
                continue;
            };
            let shift = dz.start_target[&d] - now;
            for &g in &idx {
                if anchored(out[g].municipality) {
                    continue;
                }
                out[g].start = (out[g].start + shift).clamp(lo, hi);
            }
        }
    }
    // Ids: grant numbers in municipality order; manager numbers count up per alliance.
    let mut per_alliance: std::collections::BTreeMap<String, usize> = Default::default();
    for (i, g) in out.iter_mut().enumerate() {
        g.id = format!("FB-{:04}", i + 1);
        let n = per_alliance
            .entry(munis[g.municipality].alliance.clone())
            .or_insert(0);
        *n += 1;
        g.manager_id = format!("{}", n);
    }
    let _ = ds;
    out
}

/// Grants were issued from the regulation (11 Dec 2017) on; earlier starts are retroactive.
fn issue_date(start: NaiveDate, rng: &mut Rng) -> NaiveDate {
    let vwv = day(2017, 12, 11);
    if start < vwv + Duration::days(20) {
        vwv + Duration::days(uniform(rng, 0.0, 90.0) as i64)
    } else if start >= day(2018, 10, 1) {
        // Late starters: some grants were issued only after the September cut-off.
        start - Duration::days(uniform(rng, 8.0, 40.0) as i64)
    } else {
        (start - Duration::days(uniform(rng, 3.0, 50.0) as i64)).max(vwv)
    }
}

/// Which funded municipalities miss a housing wave: in the housing-excluded districts more
/// than 40%, elsewhere at most 40%, 345 in total (1,078 − 733).
pub fn housing_missing(rng: &mut Rng, munis: &[Municipality], dz: &Design) -> Vec<bool> {
    let mut missing = vec![false; munis.len()];
    let mut left = munis.iter().filter(|m| m.funded).count() - N_HOUSING_COMPLETE;
    let mut room: Vec<(usize, usize)> = Vec::new();
    for &d in &dz.bw {
        let mut ms: Vec<usize> = (0..munis.len())
            .filter(|&m| munis[m].funded && munis[m].district == d)
            .collect();
        shuffle(rng, &mut ms);
        if dz.housing_excluded.contains(&d) {
            let k = (0.62 * ms.len() as f64).ceil() as usize;
            for &m in &ms[..k] {
                missing[m] = true;
            }
            left -= k;
        } else {
            room.push((d, (0.4 * ms.len() as f64).floor() as usize));
        }
    }
    // Spread the rest over the kept districts, each below its 40% limit.
    let cap: Vec<f64> = room.iter().map(|r| r.1 as f64).collect();
    let mut take = apportion(left, &cap, 0);
    for (i, t) in take.iter_mut().enumerate() {
        *t = (*t).min(room[i].1);
    }
    let mut short = left - take.iter().sum::<usize>();
    for (i, t) in take.iter_mut().enumerate() {
        let add = short.min(room[i].1 - *t);
        *t += add;
        short -= add;
    }
    for (i, (d, _)) in room.iter().enumerate() {
        let mut ms: Vec<usize> = (0..munis.len())
            .filter(|&m| munis[m].funded && munis[m].district == *d)
            .collect();
        // The biggest municipality of a district keeps its data (cities answer reliably).
        ms.sort_by_key(|&m| munis[m].population);
        ms.pop();
        shuffle(rng, &mut ms);
        for &m in ms.iter().take(take[i]) {
            missing[m] = true;
        }
    }
    missing
}
