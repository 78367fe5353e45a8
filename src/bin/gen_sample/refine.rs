//! Joint choice of group memberships so that ALL published figures of a family (treatment,
//! constant and control coefficients of columns (1) and (2)) are consistent with one outcome
//! vector. With four comparisons on the same 44 districts, the asserted figures over-determine
//! the outcome's projection on the design; what makes them consistent in the report is how the
//! groups relate to the controls (e.g. which groups are more urban). Swaps of memberships
//! minimise the least-squares inconsistency of the stacked constraints, with the column (1)
//! rows weighted most: they depend on the weighted treated shares alone, which nothing after
//! this search can change, while the shaping in `employment::shape` and `housing::shape` can
//! still move the controls for column (2).

use crate::calibrate::{coefficient_rows, design};
use crate::design::{self as dsn, Design, Published};
use crate::district_controls::column;
use crate::frame::District;
use crate::printed::Column;
use crate::util::{Rng, below};
use nalgebra::{DMatrix, DVector};
use std::collections::BTreeMap;
use wirkung::core::derive::Comparison;

struct Rows {
    a: Vec<DVector<f64>>,
    b: Vec<f64>,
}

impl Rows {
    fn push(&mut self, row: DVector<f64>, target: f64, tol: f64) {
        self.a.push(row / tol);
        self.b.push(target / tol);
    }
    /// Squared residual of the best least-squares fit.
    fn inconsistency(&self) -> f64 {
        let n = self.a[0].len();
        let a = DMatrix::from_fn(self.a.len(), n, |i, j| self.a[i][j]);
        let b = DVector::from_column_slice(&self.b);
        let Ok(p) = a.clone().pseudo_inverse(1e-10) else {
            return f64::MAX;
        };
        let r = &b - &a * (p * &b);
        r.norm_squared()
    }
}

/// Adds the constraints of one comparison on `units` (positions in `all`).
#[allow(clippy::too_many_arguments)]
fn add(
    rows: &mut Rows,
    all: &[usize],
    units: &[usize],
    groups: &BTreeMap<usize, bool>,
    z: &[Vec<f64>],
    w: &[f64],
    p: &Published,
    col1: bool,
    controls: Option<&Column>,
) {
    let t: Vec<f64> = units
        .iter()
        .map(|u| if groups[u] { 1.0 } else { 0.0 })
        .collect();
    let ww: Vec<f64> = units.iter().map(|&u| w[u]).collect();
    let pos: Vec<usize> = units
        .iter()
        .map(|u| all.iter().position(|x| x == u).expect("unit in family"))
        .collect();
    let mut emit = |m: &DMatrix<f64>, j: usize, target: f64, tol: f64| {
        let mut row = DVector::zeros(all.len());
        for (i, &p) in pos.iter().enumerate() {
            row[p] = m[(j, i)];
        }
        rows.push(row, target, tol);
    };
    if col1 {
        let x1 = design(&[t.clone(), vec![1.0; units.len()]]);
        let r1 = coefficient_rows(&x1, &ww);
        // Column (1) only depends on the weighted treated share, which nothing after the
        // membership search can change (the controls and the outcome's shape can absorb
        // what column (2) needs): these rows dominate.
        emit(&r1, 0, p.treat1, 0.005);
        emit(&r1, 1, p.const1, 0.005);
    }
    let mut cols = vec![t, vec![1.0; units.len()]];
    for c in z {
        cols.push(units.iter().map(|&u| c[u]).collect());
    }
    let r2 = coefficient_rows(&design(&cols), &ww);
    emit(&r2, 0, p.treat2, 0.03);
    emit(&r2, 1, p.const2, 0.03);
    if let Some(column) = controls {
        for (j, &(coef, se, _)) in column.terms[2..].iter().enumerate() {
            emit(&r2, 2 + j, coef, (0.5 * se).max(0.03));
        }
    }
}

fn employment_inconsistency(dz: &Design, z: &[Vec<f64>], w: &[f64]) -> f64 {
    let bw = &dz.bw;
    let mut rows = Rows {
        a: Vec::new(),
        b: Vec::new(),
    };
    let tot: f64 = bw.iter().map(|&u| w[u]).sum();
    rows.push(
        DVector::from_iterator(bw.len(), bw.iter().map(|&u| w[u] / tot)),
        dsn::BW_CHANGE,
        0.005,
    );
    let cap_units: Vec<usize> = dz.capacity.keys().copied().collect();
    add(
        &mut rows,
        bw,
        bw,
        &dz.early,
        z,
        w,
        &dsn::EARLY,
        true,
        Some(column("Tab. 13", Comparison::EarlyStart)),
    );
    add(
        &mut rows,
        bw,
        &cap_units,
        &dz.capacity,
        z,
        w,
        &dsn::CAPACITY,
        true,
        Some(column("Tab. 14", Comparison::Capacity)),
    );
    add(
        &mut rows,
        bw,
        bw,
        &dz.plan_b,
        z,
        w,
        &dsn::PLAN_B,
        true,
        Some(column("Tab. 15", Comparison::PlanB)),
    );
    add(
        &mut rows,
        bw,
        bw,
        &dz.labour,
        z,
        w,
        &dsn::LABOUR,
        true,
        Some(column("Tab. 16", Comparison::LabourTalks)),
    );
    rows.inconsistency()
}

fn housing_inconsistency(dz: &Design, z: &[Vec<f64>], w: &[f64]) -> f64 {
    let kept: Vec<usize> = dz
        .bw
        .iter()
        .copied()
        .filter(|d| !dz.housing_excluded.contains(d))
        .collect();
    let mut rows = Rows {
        a: Vec::new(),
        b: Vec::new(),
    };
    add(
        &mut rows,
        &kept,
        &kept,
        &dz.capacity,
        z,
        w,
        &dsn::H_CAPACITY,
        true,
        Some(column("Tab. 17", Comparison::Capacity)),
    );
    add(
        &mut rows,
        &kept,
        &kept,
        &dz.plan_b,
        z,
        w,
        &dsn::H_PLAN_B,
        true,
        None,
    );
    add(
        &mut rows,
        &kept,
        &kept,
        &dz.housing_talks,
        z,
        w,
        &dsn::H_TALKS,
        true,
        None,
    );
    rows.inconsistency()
}

/// Swap search over the five memberships.
pub fn refine(
    rng: &mut Rng,
    dz: &mut Design,
    ds: &[District],
    dw: &[f64],
    munis_per_district: &[f64],
    iterations: usize,
) -> ((f64, f64), (f64, f64)) {
    let persons: Vec<f64> = ds.iter().map(|d| d.persons_2017() as f64).collect();
    let ez = dsn::employment_controls(ds);
    let hz = dsn::housing_controls(ds);
    let score = |dz: &Design| {
        (
            employment_inconsistency(dz, &ez, &persons),
            housing_inconsistency(dz, &hz, dw),
        )
    };
    let start = score(dz);
    let mut best = start;
    for _ in 0..iterations {
        let which = below(rng, 5);
        let set: &mut BTreeMap<usize, bool> = match which {
            0 => &mut dz.early,
            1 => &mut dz.capacity,
            2 => &mut dz.plan_b,
            3 => &mut dz.labour,
            _ => &mut dz.housing_talks,
        };
        let keys: Vec<usize> = set.keys().copied().collect();
        let a = keys[below(rng, keys.len())];
        let b = keys[below(rng, keys.len())];
        if set[&a] == set[&b] {
            continue;
        }
        let flip = |s: &mut BTreeMap<usize, bool>| {
            let (va, vb) = (s[&a], s[&b]);
            s.insert(a, vb);
            s.insert(b, va);
        };
        flip(set);
        // Early districts keep enough municipalities for Abb. 4.
        let early_ok = which != 0
            || dsn::share(&dz.bw, &dz.early, munis_per_district)
                >= dsn::EARLY_MUNICIPALITIES - 0.005;
        let now = if early_ok {
            score(dz)
        } else {
            (f64::MAX / 4.0, 0.0)
        };
        if now.0 + now.1 < best.0 + best.1 {
            best = now;
        } else {
            let set: &mut BTreeMap<usize, bool> = match which {
                0 => &mut dz.early,
                1 => &mut dz.capacity,
                2 => &mut dz.plan_b,
                3 => &mut dz.labour,
                _ => &mut dz.housing_talks,
            };
            flip(set);
        }
    }
    (start, best)
}

/// Which district control a polishing step moves, and on which grid.
pub struct Knob {
    pub get: fn(&mut District) -> &mut f64,
    pub decimals: i32,
    pub range: (f64, f64),
    pub steps: [f64; 3],
}

/// Coordinate descent on synthetic control values (on their written grid, within a plausible
/// range) to remove what the membership search left of the inconsistency.
pub fn polish(
    ds: &mut [District],
    units: &[usize],
    knobs: &[Knob],
    score: &dyn Fn(&[District]) -> f64,
) -> (f64, f64) {
    let start = score(ds);
    let mut best = start;
    for knob in knobs {
        for step in knob.steps {
            for _pass in 0..6 {
                let mut improved = false;
                for &u in units {
                    for dir in [-1.0, 1.0] {
                        let old = *(knob.get)(&mut ds[u]);
                        let new = crate::util::round_to(old + dir * step, knob.decimals);
                        if new < knob.range.0 || new > knob.range.1 {
                            continue;
                        }
                        *(knob.get)(&mut ds[u]) = new;
                        let s = score(ds);
                        if s < best - 1e-9 {
                            best = s;
                            improved = true;
                        } else {
                            *(knob.get)(&mut ds[u]) = old;
                        }
                    }
                }
                if !improved {
                    break;
                }
            }
        }
    }
    (start, best)
}

/// Inconsistency of the employment families on the given memberships.
pub fn employment_score(dz: &Design) -> impl Fn(&[District]) -> f64 + '_ {
    move |ds: &[District]| {
        let persons: Vec<f64> = ds.iter().map(|d| d.persons_2017() as f64).collect();
        employment_inconsistency(dz, &dsn::employment_controls(ds), &persons)
    }
}

/// Inconsistency of the district housing family.
pub fn housing_score<'a>(dz: &'a Design, dw: &'a [f64]) -> impl Fn(&[District]) -> f64 + 'a {
    move |ds: &[District]| housing_inconsistency(dz, &dsn::housing_controls(ds), dw)
}

/// Tab. 12 alone (BW vs neighbours, 201 districts): its controls are pinned by its treatment
/// and constant figures unless the neighbours' controls are shaped to fit.
pub fn neighbours_score(ds: &[District]) -> f64 {
    let all: Vec<usize> = (0..ds.len())
        .filter(|&k| ds[k].id != crate::frame::DROPPED_DISTRICT)
        .collect();
    let groups: BTreeMap<usize, bool> = all.iter().map(|&k| (k, ds[k].is_bw())).collect();
    let persons: Vec<f64> = ds.iter().map(|d| d.persons_2017() as f64).collect();
    let mut rows = Rows {
        a: Vec::new(),
        b: Vec::new(),
    };
    let z = dsn::employment_controls(ds);
    add(
        &mut rows,
        &all,
        &all,
        &groups,
        &z,
        &persons,
        &NEIGHBOURS,
        true,
        Some(column("Tab. 12", Comparison::BwVsNeighbours)),
    );
    // Keep the BW indicator from becoming predictable by the controls (that would inflate the
    // treatment SE of column (2)): penalise the R² of BW on the controls.
    let mut cols = vec![vec![1.0; all.len()]];
    cols.extend(
        z.iter()
            .map(|c| all.iter().map(|&u| c[u]).collect::<Vec<f64>>()),
    );
    let t: Vec<f64> = all
        .iter()
        .map(|&u| if ds[u].is_bw() { 1.0 } else { 0.0 })
        .collect();
    let w: Vec<f64> = all.iter().map(|&u| persons[u]).collect();
    let aux = crate::calibrate::fit(&t, &design(&cols), &w);
    rows.inconsistency() + 60.0 * aux.r2
}

/// Tab. 12's treatments and constants as a `Published` (its controls: `COLUMNS`).
pub const NEIGHBOURS: Published = Published {
    treat1: 0.9,
    const1: 12.4,
    treat2: 0.1,
    const2: 14.8,
};
