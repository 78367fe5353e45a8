//! Shaping of the municipal housing outcomes and controls (Tab. 18). The two municipal
//! regressions share outcome, weights and controls and differ only in the treatment dummy,
//! so their 16 printed coefficients are functions of the outcome's projection on a
//! 9-dimensional span: with the controls fixed they over-determine it. The BW
//! municipalities' controls are synthetic, so they move jointly with the outcome changes;
//! the constants' SEs (an extrapolation to zero dwellings) depend on the controls' levels
//! and spreads too.

use crate::calibrate::{Constraint, fit, levenberg_marquardt_sparse_prior};
use crate::housing_spec::Spec;
use crate::municipal_controls::{FREE, TAB_18};
use crate::printed::Boxes;

/// The shaped control columns of a municipal spec (refugees per population, tax revenue,
/// SV employees, dwellings, new dwellings); urban (column 3) is a fact of the frame.
pub(super) const SHAPED: [usize; 5] = [0, 1, 2, 4, 5];
/// Slower progress than this (a share of the cost per step) no longer moves a printed figure.
const MIN_GAIN: f64 = 1e-5;
/// How far inside each one-decimal box (±0.05) the shaping aims: what rounding the controls
/// and whole persons later move must not carry a figure out.
const SAFE: f64 = 0.015;
/// The same for R² (±0.005 box).
const SAFE_R2: f64 = 0.0015;

/// What the shaping returns: outcome changes (full length), the shaped controls per
/// municipality (in `SHAPED` order, unrounded) and the 16 coefficients it reached.
pub(super) struct Shaped {
    pub y: Vec<f64>,
    pub controls: Vec<(usize, [f64; 5])>,
    pub coef: Vec<Vec<f64>>,
}

/// Joint least squares over the municipal outcome changes and the five continuous controls
/// of the regression municipalities towards every printed figure of Tab. 18 columns (2) and
/// (4): each coefficient and SE inside its one-decimal box (zero cost within `SAFE` of the
/// edges' inside), each |t| inside its printed star class, each R² inside its two-decimal box,
/// and the pooled district means of stage 1 held (stiff residuals; the caller meets them
/// exactly afterwards). Priors keep the changes near the linear solution and the controls
/// near their draws and inside plausible ranges. Changes already at ±80 points or beyond
/// stay (their base share is pinned to the edge).
pub(super) fn shape_municipalities(
    specs: &[Spec],
    y: &[f64],
    pooled: &[Constraint],
    complete: &[bool],
    log: &mut Vec<String>,
) -> Shaped {
    let muni: Vec<&Spec> = specs.iter().filter(|s| !s.district_level).collect();
    let free: Vec<usize> = (0..y.len())
        .filter(|&m| complete[m] && y[m].abs() < 80.0)
        .collect();
    let ny = free.len();
    // Municipalities in either regression, with their drawn controls.
    let mut members: Vec<usize> = muni.iter().flat_map(|s| s.units.iter().copied()).collect();
    members.sort_unstable();
    members.dedup();
    let mut z0 = vec![[0.0; 5]; members.len()];
    for s in &muni {
        for (i, u) in s.units.iter().enumerate() {
            let k = members.binary_search(u).expect("member");
            for (c, &col) in SHAPED.iter().enumerate() {
                z0[k][c] = s.controls[col][i];
            }
        }
    }
    let mut p0: Vec<f64> = free.iter().map(|&m| y[m]).collect();
    for z in &z0 {
        p0.extend_from_slice(z);
    }
    let pos_y: Vec<Option<usize>> = {
        let mut v = vec![None; y.len()];
        for (i, &m) in free.iter().enumerate() {
            v[m] = Some(i);
        }
        v
    };
    let spec_members: Vec<Vec<usize>> = muni
        .iter()
        .map(|s| {
            s.units
                .iter()
                .map(|u| members.binary_search(u).expect("member"))
                .collect()
        })
        .collect();
    // Pooled rows over the free changes; what held units contribute is fixed.
    let pooled_sparse: Vec<(Vec<(usize, f64)>, f64)> = pooled
        .iter()
        .map(|c| {
            let mut row = Vec::new();
            let mut held = 0.0;
            for m in (0..y.len()).filter(|&m| c.row[m] != 0.0) {
                match pos_y[m] {
                    Some(i) => row.push((i, c.row[m])),
                    None => held += c.row[m] * y[m],
                }
            }
            (row, c.target - held)
        })
        .collect();
    let boxes: Vec<Boxes> = muni
        .iter()
        .zip(&TAB_18)
        .map(|(s, column)| Boxes::new(column, (s.units.len() - 8) as f64, SAFE, SAFE_R2, 0.005))
        .collect();
    let fits = |p: &[f64]| -> Vec<crate::calibrate::FitStats> {
        let mut full = y.to_vec();
        for (i, &m) in free.iter().enumerate() {
            full[m] = p[i];
        }
        muni.iter()
            .zip(&spec_members)
            .map(|(s, ks)| {
                let yy: Vec<f64> = s.units.iter().map(|&u| full[u]).collect();
                let mut controls = s.controls.clone();
                for (i, &k) in ks.iter().enumerate() {
                    for (c, &col) in SHAPED.iter().enumerate() {
                        controls[col][i] = p[ny + 5 * k + c];
                    }
                }
                fit(&yy, &s.x_with(&controls), &s.w)
            })
            .collect()
    };
    // The residuals that couple many unknowns: the printed figures and the pooled means.
    let dense = |p: &[f64]| -> Vec<f64> {
        let mut r = Vec::with_capacity(60 + pooled_sparse.len());
        for (b, bx) in fits(p).iter().zip(&boxes) {
            bx.residuals(b, &mut r);
        }
        for (row, target) in &pooled_sparse {
            let v: f64 = row.iter().map(|&(i, a)| a * p[i]).sum();
            r.push((v - target) / 0.01);
        }
        r
    };
    // The residuals of one unknown alone: its prior and its range.
    let own = |j: usize, v: f64| -> [f64; 2] {
        if j < ny {
            [(v - p0[j]) / 60.0, (v.abs() - 80.0).max(0.0) / 0.5]
        } else {
            let c = (j - ny) % 5;
            let (_, _, (lo, hi), prior) = FREE[c];
            [
                (v - p0[j]) / prior,
                ((lo - v).max(0.0) + (v - hi).max(0.0)) / 0.01,
            ]
        }
    };
    let cost_of = |p: &[f64]| -> (f64, f64) {
        let d: f64 = dense(p).iter().map(|v| v * v).sum();
        let o: f64 = p
            .iter()
            .enumerate()
            .map(|(j, &v)| own(j, v).iter().map(|x| x * x).sum::<f64>())
            .sum();
        (d, o)
    };
    let before = cost_of(&p0);
    let (p, iterations) = levenberg_marquardt_sparse_prior(&p0, &dense, &own, 1e-6, 200, MIN_GAIN);
    let after = cost_of(&p);
    log.push(format!(
        "housing municipality shaping (outcome changes and controls jointly, {iterations} iterations): cost figures {:.1} + priors {:.1} -> {:.1} + {:.1}",
        before.0, before.1, after.0, after.1
    ));
    let coef = fits(&p).into_iter().map(|f| f.coef).collect();
    // The ranges are soft in the search, and a few controls end a hair outside them (new
    // dwellings of -0.01): they go back inside. The coefficients reached above are held
    // afterwards on the written controls, so this moves no coefficient, only the outcome.
    let mut p = p;
    for (j, v) in p.iter_mut().enumerate().skip(ny) {
        let (_, _, (lo, hi), _) = FREE[(j - ny) % 5];
        *v = v.clamp(lo, hi);
    }
    let mut out = y.to_vec();
    for (i, &m) in free.iter().enumerate() {
        out[m] = p[i];
    }
    let controls = members
        .iter()
        .enumerate()
        .map(|(k, &m)| {
            let mut z = [0.0; 5];
            z.copy_from_slice(&p[ny + 5 * k..ny + 5 * k + 5]);
            (m, z)
        })
        .collect();
    Shaped {
        y: out,
        controls,
        coef,
    }
}
