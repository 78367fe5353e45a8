//! Refugee-situation survey waves (Dec 2018, Jan 2020): target persons and housing. End-wave
//! decentral shares are solved so that the housing regressions at district level (pooled
//! shares, Tab. 17) and municipality level (Tab. 18) come out as published.

use crate::calibrate::{
    Constraint, FitStats, column1_targets, correct, correct_boxed, fit, regression_constraints,
    round_counts, round_counts_sequential,
};
use crate::design::{self as dsn, Published};
use crate::district_controls::column;
use crate::frame::{District, Municipality};
use crate::housing_spec::Spec;
use crate::municipal_controls::TAB_18;
use crate::util::{Rng, normal, uniform};
use crate::waves::{Outcomes, WaveRow, outcomes, rows};
use nalgebra::DVector;
use std::collections::BTreeMap;
use wirkung::core::derive::Comparison;

mod shape;
mod shape_municipalities;
use shape::shape_districts;
use shape_municipalities::{SHAPED, shape_municipalities};

pub struct Inputs<'a> {
    pub ds: &'a [District],
    /// Tab. 12–16 on the employment outcome as written: the district stage holds them while
    /// it moves the controls they share with Tab. 17.
    pub employment: &'a crate::employment::Written,
    pub munis: &'a [Municipality],
    pub tp_base: &'a [i64],
    pub missing: &'a [bool],
    pub capacity: &'a BTreeMap<usize, bool>,
    pub plan_b: &'a BTreeMap<usize, bool>,
    pub talks: &'a BTreeMap<usize, bool>,
    pub muni_capacity: &'a BTreeMap<usize, bool>,
    pub muni_plan_b: &'a BTreeMap<usize, bool>,
}

fn stats(o: &Outcomes, s: &Spec, x: &[f64]) -> (FitStats, FitStats) {
    let y = o.y(s, x);
    (fit(&y, &s.x(false), &s.w), fit(&y, &s.x(true), &s.w))
}

fn district_spec(
    name: &'static str,
    g: &BTreeMap<usize, bool>,
    p: &Published,
    units: &[usize],
    inp: &Inputs,
    dw: &[f64],
    se: [f64; 2],
    r2: f64,
) -> Spec {
    let treated: Vec<f64> = units.iter().map(|u| if g[u] { 1.0 } else { 0.0 }).collect();
    let w: Vec<f64> = units.iter().map(|&u| dw[u]).collect();
    let share = treated.iter().zip(&w).map(|(t, w)| t * w).sum::<f64>() / w.iter().sum::<f64>();
    let (t1, c1) = column1_targets(p.treat1, p.const1, share, dsn::HOUSING_MEAN);
    let controls = dsn::housing_controls(inp.ds)
        .iter()
        .map(|c| units.iter().map(|&u| c[u]).collect())
        .collect();
    Spec {
        name,
        district_level: true,
        units: units.to_vec(),
        treated,
        w,
        controls,
        col1: vec![Some(t1), Some(c1)],
        col2: vec![Some(p.treat2), Some(p.const2)],
        soft: vec![None; 8],
        soft_se: vec![],
        se,
        r2,
        centres: vec![p.treat1, p.const1, p.treat2, p.const2],
    }
}

fn muni_spec(
    name: &'static str,
    g: &BTreeMap<usize, bool>,
    inp: &Inputs,
    complete: &[bool],
    col2: Vec<Option<f64>>,
    soft: Vec<Option<f64>>,
    se: f64,
) -> Spec {
    let units: Vec<usize> = g.keys().copied().filter(|&m| complete[m]).collect();
    let m = inp.munis;
    let capacity_se: Vec<f64> = TAB_18[0].terms.iter().map(|t| t.1).collect();
    let controls = vec![
        units.iter().map(|&u| m[u].refugees_per_pop).collect(),
        units.iter().map(|&u| m[u].tax_revenue).collect(),
        units.iter().map(|&u| m[u].sv_2015).collect(),
        units
            .iter()
            .map(|&u| if m[u].urban { 1.0 } else { 0.0 })
            .collect(),
        units.iter().map(|&u| m[u].dwellings).collect(),
        units.iter().map(|&u| m[u].new_dwellings).collect(),
    ];
    Spec {
        name,
        district_level: false,
        treated: units.iter().map(|u| if g[u] { 1.0 } else { 0.0 }).collect(),
        w: units.iter().map(|&u| inp.tp_base[u] as f64).collect(),
        units,
        controls,
        col1: vec![None, None],
        // Tab. 18's capacity column as printed: the six controls' SEs.
        soft_se: half(&capacity_se[2..]),
        soft,
        se: [f64::NAN, se],
        r2: 0.06,
        centres: col2.iter().flatten().copied().collect(),
        col2,
    }
}

/// Precision of the shaped municipal controls from here to the last stage, which writes
/// them finer (`municipal_controls::FREE`). The linear correction and the rounding to whole
/// persons below are held to the coefficients on these values; the searches after them are
/// sensitive to their path, and this one leaves more printed figures in reach.
const SHAPED_DECIMALS: [i32; 5] = [3, 3, 2, 2, 2];

/// Half of each published SE: how far a soft target may miss at one unit of cost.
fn half(se: &[f64]) -> Vec<f64> {
    se.iter().map(|s| 0.5 * s).collect()
}

/// What the housing calibration writes: the waves, and the shaped synthetic controls the
/// caller writes back into the frame.
pub struct Generated {
    pub waves: Vec<WaveRow>,
    /// Every BW district and its five written synthetic controls, in
    /// `district_controls::FREE` order (Tab. 12–17).
    pub district_controls: Vec<(usize, [f64; 5])>,
    /// Municipality and its written refugees per population, tax revenue, SV employees,
    /// dwellings and new dwellings (Tab. 18).
    pub municipal_controls: Vec<(usize, [f64; 5])>,
}

pub fn generate(rng: &mut Rng, inp: &Inputs, log: &mut Vec<String>) -> Generated {
    let draws = draw_waves(rng, inp);
    let dw: Vec<f64> = dsn::district_target_persons(inp.munis, inp.tp_base, inp.ds.len());
    let kept = kept_districts(inp, &draws.complete);
    let mut specs = specs(inp, &draws.complete, &kept, &dw);
    let (yd, district_controls) = stage1_districts(rng, &mut specs, &kept, inp, log);
    let (y, hard, municipal_controls) =
        stage2_municipalities(rng, &mut specs, inp, &draws, &kept, &yd, log);
    let dec_base = base_shares(inp, &draws, &y);
    let dec_end = end_counts(inp, &specs, &draws, &dec_base, &kept, &yd, &y, &hard, log);
    Generated {
        waves: rows(
            rng,
            inp.munis,
            inp.tp_base,
            &draws.complete,
            &draws.tp_end,
            &dec_base,
            &dec_end,
        ),
        district_controls,
        municipal_controls,
    }
}

/// What is drawn per municipality before any calibration.
struct Draws {
    /// Funded and reporting both waves.
    complete: Vec<bool>,
    /// Target persons at the end wave.
    tp_end: Vec<i64>,
    /// Decentrally housed persons at the base wave, as first drawn.
    dec_base: Vec<i64>,
}

fn draw_waves(rng: &mut Rng, inp: &Inputs) -> Draws {
    let munis = inp.munis;
    let n = munis.len();
    let complete: Vec<bool> = (0..n).map(|m| munis[m].funded && !inp.missing[m]).collect();
    // Municipalities with both waves report the same target group in both (so pooled
    // district changes are weighted means of municipal changes); the others drift.
    let tp_end: Vec<i64> = (0..n)
        .map(|m| {
            let drift = uniform(rng, 0.9, 1.08);
            if !munis[m].funded {
                0
            } else if complete[m] {
                inp.tp_base[m]
            } else {
                ((inp.tp_base[m] as f64 * drift).round() as i64).max(1)
            }
        })
        .collect();
    // Base-wave decentral shares (rounded to whole persons, so calibrate on the real share).
    let dec_base: Vec<i64> = (0..n)
        .map(|m| {
            ((50.0 + 14.0 * normal(rng)).clamp(5.0, 95.0) * inp.tp_base[m] as f64 / 100.0).round()
                as i64
        })
        .collect();
    Draws {
        complete,
        tp_end,
        dec_base,
    }
}

/// Districts kept: at most 40% of their funded municipalities miss a wave.
fn kept_districts(inp: &Inputs, complete: &[bool]) -> Vec<usize> {
    let munis = inp.munis;
    let n = munis.len();
    let bw: Vec<usize> = (0..inp.ds.len()).filter(|&k| inp.ds[k].is_bw()).collect();
    bw.iter()
        .copied()
        .filter(|&k| {
            let f: Vec<usize> = (0..n)
                .filter(|&m| munis[m].funded && munis[m].district == k)
                .collect();
            f.iter().filter(|&&m| !complete[m]).count() as f64 <= 0.4 * f.len() as f64
        })
        .collect()
}

/// The three district regressions of Tab. 17 and the two municipal ones of Tab. 18.
fn specs(inp: &Inputs, complete: &[bool], kept: &[usize], dw: &[f64]) -> Vec<Spec> {
    let mut specs = vec![
        district_spec(
            "housing capacity",
            inp.capacity,
            &dsn::H_CAPACITY,
            &kept
                .iter()
                .copied()
                .filter(|k| inp.capacity.contains_key(k))
                .collect::<Vec<_>>(),
            inp,
            dw,
            [2.6, 2.6],
            0.15,
        ),
        district_spec(
            "housing plan-b",
            inp.plan_b,
            &dsn::H_PLAN_B,
            kept,
            inp,
            dw,
            [2.5, 3.0],
            0.16,
        ),
        district_spec(
            "housing talks",
            inp.talks,
            &dsn::H_TALKS,
            kept,
            inp,
            dw,
            [2.7, 2.8],
            0.14,
        ),
        muni_spec(
            "municipal capacity",
            inp.muni_capacity,
            inp,
            complete,
            vec![Some(3.7), Some(-3.4)],
            vec![
                None,
                None,
                Some(8.1),
                Some(4.5),
                Some(-0.2),
                Some(15.4),
                Some(0.0),
                Some(-8.7),
            ],
            4.7,
        ),
        muni_spec(
            "municipal plan-b",
            inp.muni_plan_b,
            inp,
            complete,
            vec![Some(4.2)],
            vec![],
            4.8,
        ),
    ];
    // Tab. 17 column (2) capacity: the controls' published coefficients, each within half its
    // published SE.
    let (coef, se): (Vec<f64>, Vec<f64>) = column("Tab. 17", Comparison::Capacity).terms[2..]
        .iter()
        .map(|&(c, s, _)| (c, s))
        .unzip();
    specs[0].soft = [None, None]
        .into_iter()
        .chain(coef.into_iter().map(Some))
        .collect();
    specs[0].soft_se = half(&se);
    specs
}

/// Columns (1) and (2) of a district spec on district outcome changes `yd`.
fn district_stats(yd: &[f64], sp: &Spec) -> (FitStats, FitStats) {
    let y: Vec<f64> = sp.units.iter().map(|&u| yd[u]).collect();
    (fit(&y, &sp.x(false), &sp.w), fit(&y, &sp.x(true), &sp.w))
}

/// Stage 1, districts: outcome changes of the kept districts that meet Tab. 17 (within the
/// rounding boxes) with controls near the published ones; noise level by SE fit. Returns the
/// changes and the shaped dwelling controls.
fn stage1_districts(
    rng: &mut Rng,
    specs: &mut [Spec],
    kept: &[usize],
    inp: &Inputs,
    log: &mut Vec<String>,
) -> (Vec<f64>, Vec<(usize, [f64; 5])>) {
    let nd = inp.ds.len();
    let (d_hard, d_centres, d_soft) = district_constraints(specs, nd);
    let eps_d: Vec<f64> = (0..nd).map(|_| normal(rng)).collect();
    let d_scale: Vec<f64> = (0..nd)
        .map(|k| if kept.contains(&k) { 1.0 } else { 1e-4 })
        .collect();
    let solve_d = |sd: f64| -> Vec<f64> {
        let y0: Vec<f64> = (0..nd).map(|k| dsn::HOUSING_MEAN + sd * eps_d[k]).collect();
        correct_boxed(
            &y0,
            &d_hard,
            &d_centres,
            &vec![0.035; d_hard.len()],
            &d_soft,
            &d_scale,
        )
    };
    let mut best = (f64::MAX, 1.0);
    for sd in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0] {
        let yd = solve_d(sd);
        let e: f64 = specs
            .iter()
            .filter(|s| s.district_level)
            .map(|sp| {
                let (a, b) = district_stats(&yd, sp);
                (a.se[0] / sp.se[0]).ln().powi(2)
                    + (b.se[0] / sp.se[1]).ln().powi(2)
                    + ((b.r2 - sp.r2) / 0.05).powi(2) * 0.3
            })
            .sum();
        if e < best.0 {
            best = (e, sd);
        }
    }
    let yd = solve_d(best.1);
    log.push(format!("housing district noise sd {:.0}", best.1));
    // Standard errors, R² and control coefficients depend on the residuals' shape and on the
    // synthetic controls: move both jointly, then meet the boxes again on the written
    // (rounded) controls.
    let (yd, controls) = shape_districts(specs, &yd, kept, inp.ds, inp.employment, log);
    let (d_hard, d_centres, _) = district_constraints(specs, nd);
    let yd = correct_boxed(
        &yd,
        &d_hard,
        &d_centres,
        &vec![0.035; d_hard.len()],
        &[],
        &d_scale,
    );
    for sp in specs.iter().filter(|s| s.district_level) {
        let (a, b) = district_stats(&yd, sp);
        log.push(format!(
            "  stage 1 {}: (1) {:.3} {:.3} (2) {:.3} {:.3}",
            sp.name, a.coef[0], a.coef[1], b.coef[0], b.coef[1]
        ));
    }
    (yd, controls)
}

/// Stage 2, municipalities: changes whose pooled district means equal stage 1 (disjoint,
/// well-conditioned constraints) and that meet Tab. 18; base shares are chosen afterwards
/// so both waves lie within 0–100. Returns the changes, the hard constraints they meet and
/// the shaped municipal controls as written (the municipal specs carry them too).
#[allow(clippy::type_complexity)]
fn stage2_municipalities(
    rng: &mut Rng,
    specs: &mut [Spec],
    inp: &Inputs,
    draws: &Draws,
    kept: &[usize],
    yd: &[f64],
    log: &mut Vec<String>,
) -> (Vec<f64>, Vec<Constraint>, Vec<(usize, [f64; 5])>) {
    let munis = inp.munis;
    let n = munis.len();
    let complete = &draws.complete;
    let zero = vec![0i64; n];
    let o_change = outcomes(munis, inp.tp_base, &draws.tp_end, &zero, complete);
    let mut hard: Vec<Constraint> = Vec::new();
    for &k in kept {
        let mut row = DVector::zeros(n);
        for (m, a) in &o_change.district[&k] {
            row[*m] = *a;
        }
        hard.push(Constraint { row, target: yd[k] });
    }
    let mut soft = Vec::new();
    for sp in specs.iter().filter(|s| !s.district_level) {
        hard.extend(o_change.constraints(sp, true, &sp.col2, n));
        for (c, tol) in o_change
            .constraints(sp, true, &sp.soft, n)
            .into_iter()
            .zip(sp.soft_se.iter())
        {
            soft.push(Constraint {
                row: c.row / *tol,
                target: c.target / *tol,
            });
        }
    }
    let structure: Vec<f64> = (0..n)
        .map(|m| {
            let mu = &munis[m];
            let t = if inp.muni_capacity.get(&m) == Some(&true) {
                3.7
            } else {
                0.0
            };
            -3.4 + t + 8.1 * mu.refugees_per_pop + 4.5 * mu.tax_revenue - 0.2 * mu.sv_2015
                + if mu.urban { 15.4 } else { 0.0 }
                - 8.7 * mu.new_dwellings
        })
        .collect();
    let eps_m: Vec<f64> = (0..n).map(|_| normal(rng)).collect();
    let solve_m = |sm: f64| -> Vec<f64> {
        let scale: Vec<f64> = (0..n)
            .map(|m| {
                if complete[m] {
                    sm * (30.0 / inp.tp_base[m].max(1) as f64).sqrt().clamp(0.3, 3.0)
                } else {
                    1.0
                }
            })
            .collect();
        let y0: Vec<f64> = (0..n)
            .map(|m| {
                if complete[m] {
                    (structure[m] + scale[m] * eps_m[m]).clamp(-45.0, 45.0)
                } else {
                    0.0
                }
            })
            .collect();
        held_at_bounds(&y0, &hard, &soft, &scale, complete)
    };
    let mut best_m = (f64::MAX, 1.0);
    for sm in [2.0, 4.0, 6.0, 8.0, 11.0, 14.0, 18.0] {
        let y = solve_m(sm);
        if (0..n).any(|m| complete[m] && y[m].abs() > 90.0) {
            continue;
        }
        let e: f64 = specs
            .iter()
            .filter(|s| !s.district_level)
            .map(|sp| {
                let (_, b) = stats(&o_change, sp, &y);
                (b.se[0] / sp.se[1]).ln().powi(2) + ((b.r2 - sp.r2) / 0.05).powi(2) * 0.3
            })
            .sum();
        if e < best_m.0 {
            best_m = (e, sm);
        }
    }
    let y = solve_m(best_m.1);
    // The linear step met the pooled means and Tab. 18's treatments and capacity constant;
    // the shaping moves the changes and the controls towards every printed figure, holding
    // the pooled means.
    let shaped = shape_municipalities(specs, &y, &hard[..kept.len()], complete, log);
    let written: Vec<(usize, [f64; 5])> = shaped
        .controls
        .iter()
        .map(|(m, z)| {
            let mut v = *z;
            for (c, decimals) in SHAPED_DECIMALS.iter().enumerate() {
                v[c] = crate::util::round_to(z[c], *decimals);
            }
            (*m, v)
        })
        .collect();
    let by_muni: BTreeMap<usize, [f64; 5]> = written.iter().copied().collect();
    for sp in specs.iter_mut().filter(|s| !s.district_level) {
        for (i, u) in sp.units.iter().enumerate() {
            for (c, &col) in SHAPED.iter().enumerate() {
                sp.controls[col][i] = by_muni[u][c];
            }
        }
    }
    // Every coefficient the shaping reached is held from here on (on the written controls),
    // through the linear correction and the rounding to whole persons.
    hard.truncate(kept.len());
    for (sp, coef) in specs.iter().filter(|s| !s.district_level).zip(&shaped.coef) {
        let targets: Vec<Option<f64>> = coef.iter().map(|&c| Some(c)).collect();
        hard.extend(o_change.constraints(sp, true, &targets, n));
    }
    let y = correct(&shaped.y, &hard, &[], &vec![1.0; n]);
    for sp in specs.iter().filter(|s| !s.district_level) {
        let (_, b) = stats(&o_change, sp, &y);
        log.push(format!(
            "  shaped {}: {}, R² {:.4}",
            sp.name,
            (0..b.coef.len())
                .map(|j| format!("{:.3} ({:.3})", b.coef[j], b.se[j]))
                .collect::<Vec<_>>()
                .join(" "),
            b.r2
        ));
    }
    log.push(format!(
        "housing municipality noise sd {:.0}, largest change {:.0} pp",
        best_m.1,
        (0..n)
            .filter(|&m| complete[m])
            .map(|m| y[m].abs())
            .fold(0.0, f64::max)
    ));
    (y, hard, written)
}

/// The corrected changes, with municipalities whose change lies beyond ±85 points held at
/// the bound (such a change cannot be realised next to a base share) while the others solve
/// again: an active set.
fn held_at_bounds(
    y0: &[f64],
    hard: &[Constraint],
    soft: &[Constraint],
    scale: &[f64],
    complete: &[bool],
) -> Vec<f64> {
    let n = y0.len();
    let mut held: Vec<Option<f64>> = vec![None; n];
    let mut y = y0.to_vec();
    for _round in 0..40 {
        let hold = |cs: &[Constraint]| -> Vec<Constraint> {
            cs.iter()
                .map(|c| {
                    let mut row = c.row.clone();
                    let mut target = c.target;
                    for m in 0..n {
                        if let Some(v) = held[m] {
                            target -= row[m] * v;
                            row[m] = 0.0;
                        }
                    }
                    Constraint { row, target }
                })
                .collect()
        };
        y = correct(y0, &hold(hard), &hold(soft), scale);
        let mut moved = false;
        for m in 0..n {
            if let Some(v) = held[m] {
                y[m] = v;
            } else if complete[m] && y[m].abs() > 85.0 {
                held[m] = Some(y[m].clamp(-85.0, 85.0));
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
    y
}

/// Base shares: the natural draw moved into the range that keeps the end share (base share
/// plus change `y`) in 1–99.
fn base_shares(inp: &Inputs, draws: &Draws, y: &[f64]) -> Vec<i64> {
    let mut dec_base = draws.dec_base.clone();
    for m in (0..dec_base.len()).filter(|&m| draws.complete[m]) {
        let tp = inp.tp_base[m] as f64;
        let s0 = dec_base[m] as f64 / tp * 100.0;
        let lo = 1.0f64.max(1.0 - y[m]);
        let hi = 99.0f64.min(99.0 - y[m]);
        let sb = if lo <= hi { s0.clamp(lo, hi) } else { 50.0 };
        dec_base[m] = (sb * tp / 100.0).round() as i64;
    }
    dec_base
}

/// Whole persons decentrally housed at the end wave: x = end share, the constraints shift by
/// the base shares. Where shares had to be held inside 0–100 the constraints cannot all hold;
/// `housing_counts` moves these counts once more on the written bundle.
fn end_counts(
    inp: &Inputs,
    specs: &[Spec],
    draws: &Draws,
    dec_base: &[i64],
    kept: &[usize],
    yd: &[f64],
    y: &[f64],
    hard: &[Constraint],
    log: &mut Vec<String>,
) -> Vec<i64> {
    let munis = inp.munis;
    let n = munis.len();
    let complete = &draws.complete;
    let o = outcomes(munis, inp.tp_base, &draws.tp_end, dec_base, complete);
    let shift = |c: &Constraint| -> Constraint {
        Constraint {
            target: c.target + (0..n).map(|m| c.row[m] * o.muni_base[m]).sum::<f64>(),
            row: c.row.clone(),
        }
    };
    let yv = DVector::from_column_slice(y);
    // The first rows pool municipalities into district means: they only tie the two stages
    // together, so they may give way (loose) to the published district coefficients below,
    // which high-leverage districts would otherwise move by more than their rounding box.
    let mut cs: Vec<(Constraint, f64)> = hard
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                shift(&Constraint {
                    row: c.row.clone(),
                    target: c.row.dot(&yv),
                }),
                if i < kept.len() { 0.05 } else { 0.005 },
            )
        })
        .collect();
    // The district regressions themselves (constants of column (2) are very sensitive to
    // single persons): their stage-1 coefficients, in end-share space.
    for sp in specs.iter().filter(|s| s.district_level) {
        let (a, b) = district_stats(yd, sp);
        let t1 = [Some(a.coef[0]), Some(a.coef[1])];
        let t2 = [Some(b.coef[0]), Some(b.coef[1])];
        for c in o
            .constraints(sp, false, &t1, n)
            .into_iter()
            .chain(o.constraints(sp, true, &t2, n))
        {
            cs.push((c, 0.003));
        }
    }
    let xs: Vec<f64> = (0..n)
        .map(|m| (o.muni_base[m] + y[m]).clamp(0.0, 100.0))
        .collect();
    let tpe: Vec<f64> = draws.tp_end.iter().map(|&t| t.max(1) as f64).collect();
    let xs = round_counts_sequential(&xs, &tpe, complete, &cs);
    let dec_end = round_counts(&xs, &tpe, complete, &cs);
    let xr: Vec<f64> = (0..n)
        .map(|m| {
            if complete[m] {
                dec_end[m] as f64 * 100.0 / tpe[m]
            } else {
                0.0
            }
        })
        .collect();
    for s in specs {
        let (a, b) = stats(&o, s, &xr);
        log.push(format!(
            "{:<18} N {} (1) treat {:.3} ({:.2}) const {:.3} ({:.2}) R² {:.2} | (2) treat {:.3} ({:.2}) const {:.3} ({:.2}) R² {:.2} controls {}",
            s.name, s.units.len(), a.coef[0], a.se[0], a.coef[1], a.se[1], a.r2, b.coef[0], b.se[0], b.coef[1], b.se[1], b.r2,
            (2..b.coef.len()).map(|j| format!("{:.2} ({:.2})", b.coef[j], b.se[j])).collect::<Vec<_>>().join(" ")
        ));
    }
    dec_end
}

/// Hard constraints (columns (1) and (2) treatment and constant), their published centres
/// and the soft control targets of the district-level specs.
fn district_constraints(specs: &[Spec], nd: usize) -> (Vec<Constraint>, Vec<f64>, Vec<Constraint>) {
    let mut d_hard = Vec::new();
    let mut d_centres = Vec::new();
    let mut d_soft = Vec::new();
    for sp in specs.iter().filter(|s| s.district_level) {
        for (controls, targets) in [(false, &sp.col1), (true, &sp.col2)] {
            let cs = regression_constraints(nd, &sp.units, &sp.x(controls), &sp.w, targets);
            d_hard.extend(cs);
        }
        d_centres.extend(sp.centres.iter().copied());
        let soft = regression_constraints(nd, &sp.units, &sp.x(true), &sp.w, &sp.soft);
        for (c, tol) in soft.into_iter().zip(sp.soft_se.iter()) {
            d_soft.push(Constraint {
                row: c.row / *tol,
                target: c.target / *tol,
            });
        }
    }
    (d_hard, d_centres, d_soft)
}
