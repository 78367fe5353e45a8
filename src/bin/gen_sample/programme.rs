//! The programme: grants (IM positions) with issue and start dates, the framework survey on
//! staffing (Tab. 5) and which municipalities miss a housing wave.

use crate::design::Design;
use crate::frame::{District, Municipality};
use crate::util::{Rng, apportion, chance, normal, round_to, shuffle, uniform, weighted};
use chrono::{Duration, NaiveDate};

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

#[derive(Debug, Clone)]
pub struct Staffing {
    pub municipality: usize,
    pub fte_before: Option<f64>,
    pub fte_after: Option<f64>,
    pub nobody_before: Option<bool>,
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

/// Framework survey (Tab. 5): decrease 97, no change 162, increase 736, no answer 83. District
/// sums of the changes meet the designed capacity change per 100 target persons.
pub fn staffing(
    rng: &mut Rng,
    munis: &[Municipality],
    tp: &[i64],
    dz: &Design,
    missing: &[bool],
) -> Vec<Staffing> {
    let funded: Vec<usize> = (0..munis.len()).filter(|&m| munis[m].funded).collect();
    // No answer: fte_before missing in a few municipalities of the two capacity-excluded
    // districts; otherwise fte_after missing. Five of them have both housing waves.
    let mut no_answer = vec![0u8; munis.len()]; // 0 answered, 1 before missing, 2 after missing
    let mut pool_missing: Vec<usize> = funded.iter().copied().filter(|&m| missing[m]).collect();
    shuffle(rng, &mut pool_missing);
    let mut n = 0;
    for &d in &dz.capacity_excluded {
        for &m in pool_missing
            .iter()
            .filter(|&&m| munis[m].district == d)
            .take(3)
        {
            no_answer[m] = 1;
            n += 1;
        }
    }
    for &m in &pool_missing {
        if n >= 78 {
            break;
        }
        if no_answer[m] == 0 {
            no_answer[m] = 2;
            n += 1;
        }
    }
    let mut pool_complete: Vec<usize> = funded
        .iter()
        .copied()
        .filter(|&m| !missing[m] && !munis[m].urban)
        .collect();
    shuffle(rng, &mut pool_complete);
    for &m in pool_complete.iter().take(5) {
        no_answer[m] = 2;
    }
    // Categories among the 995 answering: larger municipalities decreased more often, small
    // ones more often kept their staff (refugee-weighted shares 12/7/75 %).
    let answering: Vec<usize> = funded
        .iter()
        .copied()
        .filter(|&m| no_answer[m] == 0)
        .collect();
    let mut cat = vec![2u8; munis.len()]; // 0 decrease, 1 no change, 2 increase
    let mut pool = answering.clone();
    for (c, count, power) in [(0u8, 97usize, 0.3), (1u8, 162usize, -0.5)] {
        for _ in 0..count {
            let w: Vec<f64> = pool
                .iter()
                .map(|&m| (munis[m].refugees_2017 as f64).powf(power))
                .collect();
            let i = weighted(rng, &w);
            cat[pool[i]] = c;
            pool.remove(i);
        }
    }
    // A district designed to grow needs an increase (a Stadtkreis is a single municipality);
    // one designed to shrink needs decreases. Categories are swapped with other districts so
    // the Tab. 5 counts stay exact.
    let d_of = |m: usize| munis[m].district;
    for (&d, &target) in &dz.capacity_target {
        let want = if target > 0.0 { 2u8 } else { 0u8 };
        let local: Vec<usize> = answering
            .iter()
            .copied()
            .filter(|&m| d_of(m) == d)
            .collect();
        let need = if want == 2 {
            1
        } else {
            (local.len() / 2).max(1)
        };
        let have = local.iter().filter(|&&m| cat[m] == want).count();
        let change: Vec<usize> = local
            .iter()
            .copied()
            .filter(|&m| cat[m] != want)
            .take(need.saturating_sub(have))
            .collect();
        for m in change {
            let donor = answering.iter().copied().find(|&o| {
                let od = d_of(o);
                cat[o] == want
                    && od != d
                    && answering
                        .iter()
                        .filter(|&&x| d_of(x) == od && cat[x] == want)
                        .count()
                        >= 3
                    && dz
                        .capacity_target
                        .get(&od)
                        .is_none_or(|t| (*t > 0.0) == (want == 2) || want == 2)
            });
            if let Some(o) = donor {
                cat[o] = cat[m];
                cat[m] = want;
            }
        }
    }
    let mut before = vec![0.0; munis.len()];
    let mut change = vec![0.0; munis.len()];
    for &m in &funded {
        let size = (munis[m].population as f64 / 10_000.0)
            .ln()
            .clamp(-2.0, 4.5);
        let nobody = cat[m] == 2 && chance(rng, 0.36);
        before[m] = if nobody {
            0.0
        } else {
            round_to(
                ((-1.25 + 0.6 * size) + 1.0 * normal(rng))
                    .exp()
                    .clamp(0.05, 12.0),
                2,
            )
        };
        change[m] = match cat[m] {
            0 => -before[m] * uniform(rng, 0.2, 0.8),
            1 => 0.0,
            _ => (-1.0 + 0.35 * size + 0.5 * normal(rng)).exp(),
        };
    }
    // Scale increases (or decreases, in shrinking districts) to the district's designed sum.
    for (&d, &target) in &dz.capacity_target {
        let dsum: f64 = funded
            .iter()
            .filter(|&&m| d_of(m) == d)
            .map(|&m| tp[m] as f64)
            .sum();
        let want = target * dsum / 100.0;
        let local: Vec<usize> = answering
            .iter()
            .copied()
            .filter(|&m| d_of(m) == d)
            .collect();
        let inc: f64 = local
            .iter()
            .filter(|&&m| cat[m] == 2)
            .map(|&m| change[m])
            .sum();
        let dec: f64 = local
            .iter()
            .filter(|&&m| cat[m] == 0)
            .map(|&m| -change[m])
            .sum();
        if want > 0.05 - dec && inc > 0.0 {
            let s = (want + dec) / inc;
            for &m in local.iter().filter(|&&m| cat[m] == 2) {
                change[m] *= s;
            }
        } else {
            for &m in local.iter().filter(|&&m| cat[m] == 2) {
                change[m] = 0.02;
            }
            let inc2 = 0.02 * local.iter().filter(|&&m| cat[m] == 2).count() as f64;
            let need = inc2 - want;
            let room: f64 = local
                .iter()
                .filter(|&&m| cat[m] == 0)
                .map(|&m| before[m])
                .sum();
            for &m in local.iter().filter(|&&m| cat[m] == 0) {
                change[m] = -before[m] * (need / room).min(0.95);
            }
        }
    }
    funded
        .iter()
        .map(|&m| {
            let b = round_to(before[m], 2);
            let a = round_to((before[m] + change[m]).max(0.0), 2);
            let a = match cat[m] {
                2 if a <= b => b + 0.01,
                0 if a >= b => (b - 0.01).max(0.0),
                _ => a,
            };
            match no_answer[m] {
                1 => Staffing {
                    municipality: m,
                    fte_before: None,
                    fte_after: Some(a),
                    nobody_before: None,
                },
                2 => Staffing {
                    municipality: m,
                    fte_before: Some(b),
                    fte_after: None,
                    nobody_before: Some(b == 0.0),
                },
                _ => Staffing {
                    municipality: m,
                    fte_before: Some(b),
                    fte_after: Some(round_to(a, 2)),
                    nobody_before: Some(b == 0.0),
                },
            }
        })
        .collect()
}
