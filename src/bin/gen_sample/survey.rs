//! IM survey (Nov 2019): 1,666 responses from 1,776 IMs; plan A often 38%, plan B 31% with
//! designed district shares, the answers inside each district placed for chapters 3 and 4
//! (`shape`).

mod shape;

use crate::design::Design;
use crate::frame::Municipality;
use crate::programme::{Grant, Staffing};
use crate::util::{Rng, chance, mean, median, normal, round_to, shuffle, uniform, weighted};
use rand::{RngExt, SeedableRng};
use std::collections::BTreeMap;

pub const N_RESPONSES: usize = 1666;

#[derive(Debug, Clone)]
pub struct Response {
    pub id: String,
    pub municipality: usize,
    pub plan_a: Option<u8>,
    pub plan_b: Option<u8>,
    pub clients: Option<i64>,
    pub hours: [Option<f64>; 4],
}

/// The responses and a line for the generator log.
pub fn responses(
    rng: &mut Rng,
    munis: &[Municipality],
    grants: &[Grant],
    dz: &Design,
    housing_missing: &[bool],
    staff: &[Staffing],
) -> (Vec<Response>, String) {
    // The placement draws from a stream of its own, seeded without advancing the main one:
    // the draft below keeps its draws so activity and outcomes, drawn later from the main
    // stream, stay as they were.
    let mut own = Rng::seed_from_u64(rng.clone().random::<u64>());
    let mut out = draft(rng, munis, grants, dz, housing_missing);
    let log = shape::shape(&mut own, &mut out, munis, staff);
    (out, log)
}

/// Who responds, who skips the plan-B question and how many IMs per district use plan B often
/// (the DiD's district plan-B shares); its other answers are replaced by `shape`.
fn draft(
    rng: &mut Rng,
    munis: &[Municipality],
    grants: &[Grant],
    dz: &Design,
    housing_missing: &[bool],
) -> Vec<Response> {
    let mut per_muni: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (g, gr) in grants.iter().enumerate() {
        per_muni.entry(gr.municipality).or_default().push(g);
    }
    // Non-respondents: exactly two housing-complete single-IM municipalities lose their only
    // answer (Tab. 18: 731 of 733); the rest come from IMs whose municipality still answers.
    let mut silent = vec![false; grants.len()];
    let mut singles: Vec<usize> = per_muni
        .iter()
        .filter(|(m, g)| g.len() == 1 && !housing_missing[**m] && !munis[**m].urban)
        .map(|(m, _)| *m)
        .collect();
    shuffle(rng, &mut singles);
    for m in singles.iter().take(2) {
        silent[per_muni[m][0]] = true;
    }
    let mut multi: Vec<usize> = per_muni
        .values()
        .filter(|g| g.len() >= 2)
        .flat_map(|g| g[1..].to_vec())
        .collect();
    shuffle(rng, &mut multi);
    for &g in multi.iter().take(grants.len() - N_RESPONSES - 2) {
        silent[g] = true;
    }
    let mut out: Vec<Response> = Vec::new();
    for (m, gs) in &per_muni {
        for &g in gs {
            if silent[g] {
                continue;
            }
            out.push(Response {
                id: String::new(),
                municipality: *m,
                plan_a: None,
                plan_b: None,
                clients: None,
                hours: [None; 4],
            });
        }
    }
    // A few IMs skip the plan-B question (only where a colleague in the municipality answers).
    let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
    for r in &out {
        *counts.entry(r.municipality).or_default() += 1;
    }
    let mut answered = vec![true; out.len()];
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, r) in out.iter().enumerate() {
        let k = seen.entry(r.municipality).or_default();
        *k += 1;
        if *k >= 2 && chance(rng, 0.04) {
            answered[i] = false;
        }
    }
    // Plan B often: per district, the designed share of answering IMs, filled municipality by
    // municipality so users cluster (the report's municipality median share is 0).
    let mut often = vec![false; out.len()];
    let answering: BTreeMap<usize, usize> = dz
        .bw
        .iter()
        .map(|&d| {
            let n = (0..out.len())
                .filter(|&i| answered[i] && munis[out[i].municipality].district == d)
                .count();
            (d, n)
        })
        .collect();
    let targets = weighted_targets(dz, &answering);
    let often_counts = district_counts(dz, &targets, &answering);
    for &d in &dz.bw {
        let idx: Vec<usize> = (0..out.len())
            .filter(|&i| answered[i] && munis[out[i].municipality].district == d)
            .collect();
        let k = often_counts[&d];
        let mut ms: Vec<usize> = idx.iter().map(|&i| out[i].municipality).collect();
        ms.dedup();
        shuffle(rng, &mut ms);
        let mut left = k;
        for m in ms {
            for &i in idx.iter().filter(|&&i| out[i].municipality == m) {
                if left > 0 {
                    often[i] = true;
                    left -= 1;
                }
            }
        }
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.id = format!("R-{:04}", i + 1);
        if answered[i] {
            r.plan_b = Some(if often[i] {
                3 + weighted(rng, &[0.6, 0.4]) as u8
            } else {
                1 + weighted(rng, &[0.45, 0.55]) as u8
            });
        }
        // Plan A is used more widely, and mostly by the plan-B users (38% often overall).
        let a_often = if often[i] {
            chance(rng, 0.8)
        } else {
            chance(rng, 0.19)
        };
        r.plan_a = if chance(rng, 0.02) {
            None
        } else if a_often {
            Some(3 + weighted(rng, &[0.55, 0.45]) as u8)
        } else {
            Some(1 + weighted(rng, &[0.35, 0.65]) as u8)
        };
        // Abb. 22: up to 79 clients 34%, 80–120 35%, more than 120 31%.
        let band = weighted(rng, &[0.34, 0.35, 0.31]);
        r.clients = if chance(rng, 0.03) {
            None
        } else {
            Some(match band {
                0 => uniform(rng, 15.0, 79.0),
                1 => uniform(rng, 80.0, 120.0),
                _ => 121.0 + 80.0 * uniform(rng, 0.0, 1.0).powi(2),
            } as i64)
        };
        let h = |rng: &mut Rng, mu: f64| {
            if chance(rng, 0.04) {
                None
            } else {
                Some(round_to((mu + mu * 0.4 * normal(rng)).max(0.0), 1))
            }
        };
        r.hours = [h(rng, 6.0), h(rng, 9.0), h(rng, 3.0), h(rng, 5.0)];
    }
    out
}

/// Share of all answering IMs who use plan B often (Abb. 25).
const PLAN_B_OVERALL: f64 = 0.31;

/// The designed district shares, swapped among districts of the same group (so the median
/// and both group means stay) until the IM-weighted share of all answers is the published
/// 31%: which districts are large decides it, not the district figures.
fn weighted_targets(dz: &Design, answering: &BTreeMap<usize, usize>) -> BTreeMap<usize, f64> {
    let mut t = dz.plan_b_target.clone();
    let total: f64 = answering.values().map(|&n| n as f64).sum();
    let overall = |t: &BTreeMap<usize, f64>| {
        answering.iter().map(|(d, &n)| t[d] * n as f64).sum::<f64>() / total
    };
    let ds: Vec<usize> = answering.keys().copied().collect();
    let mut best = (overall(&t) - PLAN_B_OVERALL).abs();
    loop {
        let mut improved = false;
        for (i, &a) in ds.iter().enumerate() {
            for &b in &ds[i + 1..] {
                if dz.plan_b.get(&a) != dz.plan_b.get(&b) {
                    continue;
                }
                let (ta, tb) = (t[&a], t[&b]);
                t.insert(a, tb);
                t.insert(b, ta);
                let now = (overall(&t) - PLAN_B_OVERALL).abs();
                if now < best - 1e-9 {
                    best = now;
                    improved = true;
                } else {
                    t.insert(a, ta);
                    t.insert(b, tb);
                }
            }
        }
        if !improved {
            break;
        }
    }
    t
}

/// Published district plan-B figures (section 5, comparison 4): median share and the means of
/// the rare and frequent users.
const PLAN_B_MEDIAN: f64 = 0.26;
const PLAN_B_MEANS: (f64, f64) = (0.12, 0.52);

/// How many answering IMs per district say "often": the designed share rounded to whole IMs,
/// kept on the designed side of the median (a district with four IMs can only hold 0, 25,
/// 50 … %), then moved by single IMs while that brings the median and both group means
/// closer to the published ones.
fn district_counts(
    dz: &Design,
    targets: &BTreeMap<usize, f64>,
    answering: &BTreeMap<usize, usize>,
) -> BTreeMap<usize, usize> {
    let high = |d: &usize| dz.plan_b.get(d) == Some(&true);
    let mut k: BTreeMap<usize, usize> = BTreeMap::new();
    for (&d, &n) in answering {
        let nf = n.max(1) as f64;
        let mut c = (targets[&d] * nf).round() as usize;
        if high(&d) && c as f64 / nf <= PLAN_B_MEDIAN {
            c = ((PLAN_B_MEDIAN * nf).floor() as usize + 1).min(n);
        } else if !high(&d) && c as f64 / nf >= PLAN_B_MEDIAN {
            c = ((PLAN_B_MEDIAN * nf).ceil() as usize).saturating_sub(1);
        }
        k.insert(d, c);
    }
    let share = |k: &BTreeMap<usize, usize>, d: usize| k[&d] as f64 / answering[&d].max(1) as f64;
    let miss = |k: &BTreeMap<usize, usize>| {
        let (mut lo, mut hi): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for &d in answering.keys() {
            if high(&d) {
                hi.push(share(k, d))
            } else {
                lo.push(share(k, d))
            }
        }
        // Designed sides must hold: every frequent user above every rare one.
        let gap = hi.iter().copied().fold(f64::MAX, f64::min)
            - lo.iter().copied().fold(f64::MIN, f64::max);
        if gap <= 0.0 {
            return f64::MAX;
        }
        let all: Vec<f64> = lo.iter().chain(&hi).copied().collect();
        (median(&all) - PLAN_B_MEDIAN).powi(2)
            + (mean(&lo) - PLAN_B_MEANS.0).powi(2)
            + (mean(&hi) - PLAN_B_MEANS.1).powi(2)
    };
    let mut best = miss(&k);
    loop {
        let mut improved = false;
        for &d in answering.keys() {
            for up in [true, false] {
                let c = k[&d];
                if (up && c >= answering[&d]) || (!up && c == 0) {
                    continue;
                }
                k.insert(d, if up { c + 1 } else { c - 1 });
                let now = miss(&k);
                if now < best - 1e-12 {
                    best = now;
                    improved = true;
                } else {
                    k.insert(d, c);
                }
            }
        }
        if !improved {
            break;
        }
    }
    k
}
