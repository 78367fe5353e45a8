//! IM key figures (Kennzahlen): one row per IM and working day, with the topic mix of
//! Abb. 34/35, designed district labour and housing shares, 2.5% exact duplicate rows and a
//! few conflicting rows (same IM and day, different counts).

use crate::design::Design;
use crate::frame::Municipality;
use crate::programme::{Grant, day};
use crate::util::{Rng, apportion, below, chance, poisson, shuffle, weighted};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Working days and talks after cleaning (report section 2 and Abb. 34).
pub const WORKING_DAYS: usize = 300_724;
pub const TALKS: i64 = 2_035_789;
/// Exact duplicates are 2.5% of the delivered rows: 300,724 × 0.025 / 0.975.
pub const DUPLICATES: usize = 7_711;
pub const CONFLICTS: usize = 12;

/// Activity ends with the last day counted for topic shares.
pub fn last_day() -> NaiveDate {
    day(2019, 6, 30)
}

/// Topic shares (%) in the first and the last quarter (Q1 2017, Q2 2019), topic order as in
/// `Topic::ALL`; "other" takes the rest.
const FIRST: [f64; 7] = [26.0, 10.0, 4.0, 13.0, 8.0, 6.0, 5.0];
const LAST: [f64; 7] = [11.0, 8.5, 4.0, 13.0, 9.0, 10.0, 13.0];
/// Labour-market share falls fast in 2017 and slowly afterwards (Abb. 35).
const LABOUR: [f64; 10] = [26.0, 19.5, 15.5, 13.2, 12.4, 12.0, 11.7, 11.4, 11.2, 11.0];

/// Weight of the district factors per quarter (0 = Q1 2017).
const RAMP: [f64; 3] = [0.0, 0.5, 1.0];

fn quarter_index(d: NaiveDate) -> usize {
    (((d.year() - 2017) * 4) as usize + (d.month0() / 3) as usize).min(9)
}

/// Topic probabilities in quarter q (0 = Q1 2017 … 9 = Q2 2019).
pub fn topic_mix(q: usize, labour_factor: f64, housing_factor: f64) -> [f64; 8] {
    // The other topics move in step with the labour-market decline (most of it in 2017), so
    // "other" stays near 30% throughout instead of bulging while labour has fallen and the
    // rest has not yet grown (Abb. 34: ~30% overall, Abb. 35: 31% in Q2 2019).
    let t = (LABOUR[0] - LABOUR[q]) / (LABOUR[0] - LABOUR[9]);
    let mut p = [0.0; 8];
    for i in 0..7 {
        p[i] = (FIRST[i] + (LAST[i] - FIRST[i]) * t) / 100.0;
    }
    // District differences phase in over 2017: the first quarters hold only the few
    // retroactively funded municipalities, and their districts must not set the state's
    // Q1 2017 mix (Abb. 35 starts at 26% labour-market talks).
    let phase = RAMP[q.min(RAMP.len() - 1)];
    p[0] = LABOUR[q] / 100.0 * (1.0 + (labour_factor - 1.0) * phase);
    p[3] *= 1.0 + (housing_factor - 1.0) * phase;
    p[7] = 1.0 - p[..7].iter().sum::<f64>();
    p
}

/// Columnar activity table as delivered (duplicates and conflicts included).
#[derive(Default)]
pub struct Activity {
    pub manager_id: Vec<String>,
    pub alliance_id: Vec<String>,
    pub municipality_id: Vec<String>,
    pub date: Vec<NaiveDate>,
    pub talks: [Vec<i64>; 8],
    pub location: [Vec<Option<i64>>; 3],
}

struct Day {
    grant: usize,
    date: NaiveDate,
}

pub fn generate(rng: &mut Rng, munis: &[Municipality], grants: &[Grant], dz: &Design) -> Activity {
    // Weekdays each IM could report, from its start to the end of Jun 2019.
    let weekdays: Vec<Vec<NaiveDate>> = grants
        .iter()
        .map(|g| {
            let mut v = Vec::new();
            let mut d = g.start;
            while d <= last_day() {
                if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                    v.push(d);
                }
                d += Duration::days(1);
            }
            v
        })
        .collect();
    let w: Vec<f64> = grants
        .iter()
        .zip(&weekdays)
        .map(|(g, v)| v.len() as f64 * (0.6 + g.fte))
        .collect();
    let mut per_im = apportion(WORKING_DAYS - CONFLICTS, &w, 0);
    for (k, v) in per_im.iter_mut().zip(&weekdays) {
        *k = (*k).min(v.len());
    }
    // Whatever the caps cut off goes to IMs with room left.
    let mut short = WORKING_DAYS - CONFLICTS - per_im.iter().sum::<usize>();
    while short > 0 {
        let g = below(rng, grants.len());
        if per_im[g] < weekdays[g].len() {
            per_im[g] += 1;
            short -= 1;
        }
    }
    let mut days: Vec<Day> = Vec::with_capacity(WORKING_DAYS);
    for (g, v) in weekdays.iter().enumerate() {
        let mut pick = v.clone();
        shuffle(rng, &mut pick);
        pick.truncate(per_im[g]);
        pick.sort();
        days.extend(pick.into_iter().map(|date| Day { grant: g, date }));
    }
    // District factors so that each district's labour and housing shares meet the design:
    // first the share each district would have with factor 1, given when its IMs worked.
    let n_d = munis.iter().map(|m| m.district).max().unwrap_or(0) + 1;
    // A share is linear in the factor f: base + (f − 1) · slope, summed over the days.
    let mut base = vec![[0.0f64; 2]; n_d];
    let mut slope = vec![[0.0f64; 2]; n_d];
    let mut cnt = vec![0.0f64; n_d];
    for d in &days {
        let k = munis[grants[d.grant].municipality].district;
        let q = quarter_index(d.date);
        let (p1, p2) = (topic_mix(q, 1.0, 1.0), topic_mix(q, 2.0, 2.0));
        base[k][0] += p1[0];
        base[k][1] += p1[3];
        slope[k][0] += p2[0] - p1[0];
        slope[k][1] += p2[3] - p1[3];
        cnt[k] += 1.0;
    }
    let factor = |k: usize| -> (f64, f64) {
        match (dz.labour_target.get(&k), dz.housing_target.get(&k)) {
            (Some(l), Some(h)) if slope[k][0] > 0.0 && slope[k][1] > 0.0 => {
                // Summed over the district's days: target · days = base + (f − 1) · slope.
                (
                    1.0 + (l * cnt[k] - base[k][0]) / slope[k][0],
                    1.0 + (h * cnt[k] - base[k][1]) / slope[k][1],
                )
            }
            _ => (1.0, 1.0),
        }
    };
    // Which rows get an exact duplicate, which a conflicting second version (one more
    // "other" talk, so cleaned totals count it).
    let mut order: Vec<usize> = (0..days.len()).collect();
    shuffle(rng, &mut order);
    let conflict: std::collections::BTreeSet<usize> = order[..CONFLICTS].iter().copied().collect();
    let dup: std::collections::BTreeSet<usize> = order[CONFLICTS..CONFLICTS + DUPLICATES]
        .iter()
        .copied()
        .collect();
    // Talks per day: 1 + Poisson, then nudged to the exact published total after cleaning.
    let mean = TALKS as f64 / WORKING_DAYS as f64;
    let mut totals: Vec<i64> = days.iter().map(|_| 1 + poisson(rng, mean - 1.0)).collect();
    let cleaned =
        |t: &[i64]| t.iter().sum::<i64>() + conflict.iter().map(|&i| t[i] + 1).sum::<i64>();
    let mut diff = TALKS - cleaned(&totals);
    while diff != 0 {
        let i = below(rng, totals.len());
        if conflict.contains(&i) {
            continue;
        }
        if diff > 0 {
            totals[i] += 1;
            diff -= 1;
        } else if totals[i] > 1 {
            totals[i] -= 1;
            diff += 1;
        }
    }
    let mut rows: Vec<([i64; 8], [Option<i64>; 3])> = Vec::with_capacity(days.len());
    for (d, &total) in days.iter().zip(&totals) {
        let k = munis[grants[d.grant].municipality].district;
        let (fl, fh) = factor(k);
        let p = topic_mix(quarter_index(d.date), fl, fh);
        let mut t = [0i64; 8];
        for _ in 0..total {
            t[weighted(rng, &p)] += 1;
        }
        let loc = if chance(rng, 0.02) {
            [None; 3]
        } else {
            let mut l = [0i64; 3];
            for _ in 0..total {
                l[weighted(rng, &[0.75, 0.21, 0.04])] += 1;
            }
            [Some(l[0]), Some(l[1]), Some(l[2])]
        };
        rows.push((t, loc));
    }
    let mut out = Activity::default();
    let push = |out: &mut Activity, i: usize, t: &[i64; 8], loc: &[Option<i64>; 3]| {
        let g = &grants[days[i].grant];
        out.manager_id.push(g.manager_id.clone());
        out.alliance_id.push(munis[g.municipality].alliance.clone());
        out.municipality_id.push(munis[g.municipality].id.clone());
        out.date.push(days[i].date);
        for k in 0..8 {
            out.talks[k].push(t[k]);
        }
        for k in 0..3 {
            out.location[k].push(loc[k]);
        }
    };
    for i in 0..days.len() {
        let (t, loc) = rows[i];
        push(&mut out, i, &t, &loc);
        if dup.contains(&i) {
            push(&mut out, i, &t, &loc);
        }
        if conflict.contains(&i) {
            // The same IM and day delivered twice with one more "other" talk in the second copy.
            let mut t2 = t;
            t2[7] += 1;
            push(&mut out, i, &t2, &[None; 3]);
        }
    }
    out
}
