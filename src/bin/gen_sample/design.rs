//! Everything that defines groups and weights is fixed first (before any outcome is drawn):
//! which districts start early, expand capacity more, use plan B often, hold more labour or
//! housing talks, and which lack staffing or housing data. Group memberships are chosen so the
//! weighted group shares make the published figures mutually consistent (see README).

use crate::frame::{District, Municipality};
use crate::util::{Rng, below, mean, normal, shuffle, uniform};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Published employment figures, column (1) and (2), per within-BW comparison (Tab. 13–16).
pub struct Published {
    pub treat1: f64,
    pub const1: f64,
    pub treat2: f64,
    pub const2: f64,
}

pub const EARLY: Published = Published {
    treat1: -0.9,
    const1: 13.7,
    treat2: -0.5,
    const2: 11.3,
};
pub const CAPACITY: Published = Published {
    treat1: 1.2,
    const1: 12.8,
    treat2: 0.6,
    const2: 9.9,
};
pub const PLAN_B: Published = Published {
    treat1: 0.7,
    const1: 12.9,
    treat2: 0.7,
    const2: 11.5,
};
pub const LABOUR: Published = Published {
    treat1: 0.6,
    const1: 12.9,
    treat2: -0.9,
    const2: 11.7,
};
/// Tab. 17 housing (districts): capacity, plan B, housing talks.
pub const H_CAPACITY: Published = Published {
    treat1: 1.1,
    const1: 2.2,
    treat2: 1.6,
    const2: 12.0,
};
pub const H_PLAN_B: Published = Published {
    treat1: -2.5,
    const1: 4.0,
    treat2: -2.2,
    const2: 14.6,
};
pub const H_TALKS: Published = Published {
    treat1: -0.4,
    const1: 2.9,
    treat2: 0.4,
    const2: 9.3,
};
/// BW weighted mean change (Tab. 11: 43.4 − 30.1) and the district housing mean chosen so
/// that the three housing columns (1) agree.
pub const BW_CHANGE: f64 = 13.3;
pub const HOUSING_MEAN: f64 = 2.7;
/// Share of funded municipalities that lie in early-start districts.
pub const EARLY_MUNICIPALITIES: f64 = 0.66;

#[derive(Debug, Clone, Default)]
pub struct Design {
    pub bw: Vec<usize>,
    /// BW districts in which a funded municipality lacks `fte_before` (capacity excluded).
    pub capacity_excluded: Vec<usize>,
    /// BW districts with more than 40% of municipalities missing a housing wave.
    pub housing_excluded: Vec<usize>,
    pub early: BTreeMap<usize, bool>,
    pub capacity: BTreeMap<usize, bool>,
    pub plan_b: BTreeMap<usize, bool>,
    pub labour: BTreeMap<usize, bool>,
    pub housing_talks: BTreeMap<usize, bool>,
    pub start_target: BTreeMap<usize, NaiveDate>,
    pub capacity_target: BTreeMap<usize, f64>,
    pub plan_b_target: BTreeMap<usize, f64>,
    pub labour_target: BTreeMap<usize, f64>,
    pub housing_target: BTreeMap<usize, f64>,
    pub log: Vec<String>,
}

/// Target persons at the housing base wave per district (the capacity and housing weight D).
pub fn district_target_persons(
    munis: &[Municipality],
    tp_base: &[i64],
    n_districts: usize,
) -> Vec<f64> {
    let mut d = vec![0.0; n_districts];
    for (m, mu) in munis.iter().enumerate() {
        d[mu.district] += tp_base[m] as f64;
    }
    d
}

pub fn share(units: &[usize], treated: &BTreeMap<usize, bool>, w: &[f64]) -> f64 {
    let tot: f64 = units.iter().map(|&u| w[u]).sum();
    units
        .iter()
        .filter(|u| treated[u])
        .map(|&u| w[u])
        .sum::<f64>()
        / tot
}

/// Employment control columns indexed by district.
pub fn employment_controls(ds: &[District]) -> Vec<Vec<f64>> {
    vec![
        ds.iter().map(|d| d.protection_pct).collect(),
        ds.iter().map(|d| d.gdp).collect(),
        ds.iter().map(|d| d.sv_per_100).collect(),
        ds.iter().map(|d| if d.urban { 1.0 } else { 0.0 }).collect(),
    ]
}

pub fn housing_controls(ds: &[District]) -> Vec<Vec<f64>> {
    let mut c = employment_controls(ds);
    c.push(ds.iter().map(|d| d.dwellings).collect());
    c.push(ds.iter().map(|d| d.new_dwellings).collect());
    c
}

/// Local search over k-of-n memberships by swaps, minimising `objective`.
fn choose(
    rng: &mut Rng,
    pool: &[usize],
    k: usize,
    iters: usize,
    start: Option<&BTreeMap<usize, bool>>,
    objective: &dyn Fn(&BTreeMap<usize, bool>) -> f64,
) -> BTreeMap<usize, bool> {
    let mut set: BTreeMap<usize, bool> = match start {
        Some(s) => s.clone(),
        None => {
            let mut p = pool.to_vec();
            shuffle(rng, &mut p);
            p.iter().enumerate().map(|(i, &u)| (u, i < k)).collect()
        }
    };
    let mut best = objective(&set);
    for _ in 0..iters {
        let a = pool[below(rng, pool.len())];
        let b = pool[below(rng, pool.len())];
        if set[&a] == set[&b] {
            continue;
        }
        set.insert(a, !set[&a]);
        set.insert(b, !set[&b]);
        let v = objective(&set);
        if v <= best {
            best = v;
        } else {
            set.insert(a, !set[&a]);
            set.insert(b, !set[&b]);
        }
    }
    set
}

/// First memberships of the five groups, each chosen alone for its column (1) identity;
/// `refine::refine` then searches them jointly, and `set_targets` fills in the per-district
/// targets. `munis_per_district` counts funded municipalities: early districts must hold
/// enough of them for more than half of all municipalities to start by Jan 2018 (Abb. 4).
pub fn memberships(
    rng: &mut Rng,
    ds: &[District],
    d_weight: &[f64],
    munis_per_district: &[f64],
) -> Design {
    let bw: Vec<usize> = (0..ds.len()).filter(|&i| ds[i].is_bw()).collect();
    let persons: Vec<f64> = ds.iter().map(|d| d.persons_2017() as f64).collect();
    let mut landkreise: Vec<usize> = bw.iter().copied().filter(|&i| !ds[i].urban).collect();
    shuffle(rng, &mut landkreise);
    let capacity_excluded: Vec<usize> = landkreise[..2].to_vec();
    let housing_excluded: Vec<usize> = landkreise[..7].to_vec();
    let cap_units: Vec<usize> = bw
        .iter()
        .copied()
        .filter(|u| !capacity_excluded.contains(u))
        .collect();
    let h_units: Vec<usize> = bw
        .iter()
        .copied()
        .filter(|u| !housing_excluded.contains(u))
        .collect();

    // Column (1) identities: const + treat · (weighted treated share) = BW mean change.
    let target_share = |p: &Published, m: f64| (m - p.const1) / p.treat1;
    let early = choose(rng, &bw, 28, 4000, None, &|s| {
        let short = (EARLY_MUNICIPALITIES - share(&bw, s, munis_per_district)).max(0.0);
        (share(&bw, s, &persons) - target_share(&EARLY, BW_CHANGE)).powi(2) + short * short
    });
    let labour = choose(rng, &bw, 22, 4000, None, &|s| {
        (share(&bw, s, &persons) - target_share(&LABOUR, BW_CHANGE)).powi(2)
    });
    let capacity = choose(rng, &cap_units, 21, 4000, None, &|s| {
        (share(&h_units, s, d_weight) - target_share(&H_CAPACITY, HOUSING_MEAN)).powi(2)
    });
    let housing_talks = choose(rng, &bw, 22, 4000, None, &|s| {
        (share(&h_units, s, d_weight) - target_share(&H_TALKS, HOUSING_MEAN)).powi(2)
    });
    let plan_b = choose(rng, &bw, 22, 4000, None, &|s| {
        let a = share(&bw, s, &persons) - target_share(&PLAN_B, BW_CHANGE);
        let b = share(&h_units, s, d_weight) - target_share(&H_PLAN_B, HOUSING_MEAN);
        a * a + b * b
    });

    Design {
        bw,
        capacity_excluded,
        housing_excluded,
        early,
        capacity,
        plan_b,
        labour,
        housing_talks,
        ..Default::default()
    }
}

/// Per-district targets on the final memberships: start dates, and the values behind each
/// median split (capacity, plan B, labour and housing talks).
pub fn set_targets(rng: &mut Rng, dz: &mut Design) {
    dz.start_target = start_targets(rng, &dz.early);
    dz.capacity_target = split_values(rng, &dz.capacity, 0.55, 0.27, 0.83, 0.04, Some(3));
    dz.plan_b_target = split_values(rng, &dz.plan_b, 0.26, 0.12, 0.52, 0.03, None);
    dz.labour_target = split_values(rng, &dz.labour, 0.109, 0.09, 0.13, 0.004, None);
    dz.housing_target = split_values(rng, &dz.housing_talks, 0.13, 0.105, 0.16, 0.005, None);
}

/// District start dates: early group around 1 Jan 2018 (all on or before 15 Feb), late group
/// around 1 Apr 2018.
fn start_targets(rng: &mut Rng, early: &BTreeMap<usize, bool>) -> BTreeMap<usize, NaiveDate> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    let mut out = BTreeMap::new();
    for (want_early, centre, lo, hi) in [
        (true, day(2018, 1, 1), day(2017, 10, 20), day(2018, 2, 12)),
        (false, day(2018, 4, 1), day(2018, 2, 20), day(2018, 7, 10)),
    ] {
        let units: Vec<usize> = early
            .iter()
            .filter(|(_, e)| **e == want_early)
            .map(|(u, _)| *u)
            .collect();
        let span = ((hi - lo).num_days() as f64).min(2.0 * (centre - lo).num_days() as f64);
        let mut offs: Vec<f64> = units
            .iter()
            .map(|_| uniform(rng, -0.5, 0.5) * span * 0.9 + 8.0 * normal(rng))
            .collect();
        let m = mean(&offs);
        for o in &mut offs {
            *o -= m;
        }
        for (u, o) in units.iter().zip(offs) {
            let d = centre + chrono::Duration::days(o.round() as i64);
            out.insert(*u, d.clamp(lo, hi));
        }
    }
    out
}

/// Values for a median split: treated units get values above `median`, the others below,
/// with the given group means; `gap` keeps the two middle values apart so sampling noise
/// cannot move a unit across the median. `nonpositive` forces that many lowest values ≤ 0.
fn split_values(
    rng: &mut Rng,
    groups: &BTreeMap<usize, bool>,
    median: f64,
    low_mean: f64,
    high_mean: f64,
    gap: f64,
    nonpositive: Option<usize>,
) -> BTreeMap<usize, f64> {
    let mut out = BTreeMap::new();
    for (treated, m, edge) in [
        (false, low_mean, median - gap),
        (true, high_mean, median + gap),
    ] {
        let mut units: Vec<usize> = groups
            .iter()
            .filter(|(_, t)| **t == treated)
            .map(|(u, _)| *u)
            .collect();
        shuffle(rng, &mut units);
        let h = units.len() as f64;
        // Evenly spread ranks with jitter, then an affine map so the group mean is exact and
        // the value nearest the median sits at `edge`.
        let mut z: Vec<f64> = (0..units.len())
            .map(|i| (i as f64 + 0.5) / h + uniform(rng, -0.3, 0.3) / h)
            .collect();
        z.sort_by(f64::total_cmp);
        let zm = mean(&z);
        let zedge = if treated { z[0] } else { z[z.len() - 1] };
        let scale = (edge - m) / (zedge - zm);
        let mut v: Vec<f64> = z.iter().map(|zi| m + (zi - zm) * scale).collect();
        if !treated && let Some(k) = nonpositive {
            // Shift the k lowest to ≤ 0 and spread the difference over the rest (keeps the mean).
            let mut moved = 0.0;
            for x in v.iter_mut().take(k) {
                if *x > 0.0 {
                    moved += *x + 0.02;
                    *x = -0.02;
                }
            }
            let rest = (v.len() - k) as f64;
            let len = v.len();
            for x in v.iter_mut().skip(k).take(len - k - 1) {
                *x += moved / (rest - 1.0);
            }
        }
        for (u, x) in units.iter().zip(v) {
            out.insert(*u, x);
        }
    }
    out
}
