//! The controls only the employment tables see, moved together with the employment outcome.
//!
//! A few BW districts enter Tab. 12–16 but no housing column (Tab. 17, and Tab. 18's district
//! columns that repeat it, count only districts with a housing count): their protection
//! seekers, GDP and SV employees reach the employment tables alone. The control stage
//! (`district_controls`) moves them with every other BW district towards the centres of all
//! printed columns, with the outcome fixed; the count stage (`employment_counts`) moves the
//! outcome with the controls fixed. Neither alone brings Tab. 13–15's SV-employee
//! coefficients below the 10% line the report prints them at (t 1.80–1.87 where it prints no
//! star; the count stage's continuous solve stopped at p 0.090–0.098), but the two moved
//! together can.
//!
//! So this stage, on the bundle as written, moves these districts' three controls and every
//! district's employment rate change at once, by sequential linear programming: each step
//! linearises every figure of Tab. 11–16 (finite differences through the regressions), and a
//! linear programme (clarabel) finds the smallest move (in units of each parameter's prior,
//! within a trust region) that keeps every figure in print inside its box and brings the
//! figures out of print into theirs, each box shrunk by a margin, whatever cannot be met
//! costing a penalty (a figure in print ten times one out of print). A trust-region least
//! squares on the same figures (tried while building this stage) hardly moved the
//! controls: many figures in print sit on their boxes' edges, and every step that helps
//! one figure pushes another out first; the linear programme sees the edges and takes steps
//! of a tenth of a prior. The step with the most figures in print wins.
//!
//! Only the controls are written (to their decimals); the rate changes found are handed to the
//! count stage, run next on these controls, as one more start for its whole persons. The
//! caller keeps the controls only if the count stage then prints more.

use crate::calibrate::{FitStats, star_band};
use crate::district_controls::{COLUMNS, EMPLOYMENT_COLUMN_1, FREE, set_values, values};
use crate::employment_counts::{TAB_11_CHANGE, TAB_11_END, tab_11_base};
use crate::frame::District;
use crate::printed::{Cell, Column, Regression, regression};
use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};
use nalgebra::DMatrix;
use std::collections::{BTreeSet, HashMap};
use wirkung::core::bundle::{Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, Panel, PanelSpec, panel};

/// The controls moved, as slots of `district_controls::FREE`: protection seekers, GDP, SV
/// employees (the two dwelling controls enter Tab. 17 only).
const SLOTS: [usize; 3] = [0, 1, 2];

/// How far (percentage points) a district's rate change may move before that costs as much
/// as a control moving by its prior (`FREE`); as in the count stage.
const RATE_PRIOR: f64 = 0.5;

/// Steps of the sequential linear programme, and each step's trust region (in priors).
const STEPS: usize = 30;
const TRUST: f64 = 0.1;

/// Margins inside a print box a figure is aimed at: coefficients and SEs (and Tab. 11's
/// means and the SV-only coefficients), |t| (as a log-ratio), R². The count stage rounds
/// the solve to whole persons, which moves the figures: at 0.004 (the count stage's own
/// margin) the rounding took Tab. 14 (2)'s constant SE 0.0004 past its edge.
const MARGIN: f64 = 0.008;
const MARGIN_T: f64 = 0.01;
const MARGIN_R2: f64 = 0.0005;

/// What one margin's shortfall costs, against a move of one prior: for a figure out of print
/// and for one in print.
const AIMED: f64 = 1e4;
const KEPT: f64 = 1e5;

/// A figure of Tab. 11–16: its print box and how its margin applies.
struct Figure {
    lo: f64,
    hi: f64,
    kind: Kind,
    /// Out of print, whether this stage aims at it (Tab. 12 (2)'s controls hinge on the
    /// neighbouring districts, which this stage does not move).
    reachable: bool,
}

#[derive(Clone, Copy)]
enum Kind {
    Plain,
    T,
    R2,
}

impl Figure {
    fn in_print(&self, v: f64) -> bool {
        v >= self.lo && v < self.hi
    }

    /// The box shrunk by the margin.
    fn inside(&self) -> (f64, f64) {
        match self.kind {
            Kind::Plain => (self.lo + MARGIN, self.hi - MARGIN),
            Kind::R2 => (self.lo + MARGIN_R2, self.hi - MARGIN_R2),
            Kind::T => (self.lo * MARGIN_T.exp(), self.hi / MARGIN_T.exp()),
        }
    }

    /// The margin's size near `v`, to measure shortfalls in margins.
    fn margin(&self, v: f64) -> f64 {
        match self.kind {
            Kind::Plain => MARGIN,
            Kind::R2 => MARGIN_R2,
            Kind::T => MARGIN_T * v.abs().max(0.1),
        }
    }
}

/// A printed column's regression on the stage's parameters, with its SV-only twin (whose
/// outcome stays; its controls move) where the report prints one with controls.
struct Fitted {
    column: &'static Column,
    regression: Regression,
    sv_only: Option<Regression>,
}

/// The stage on the bundle `b` as written: moves the controls of the BW districts that only
/// the employment tables see, in `ds` (rounded as written), if more figures print at the
/// solve with the controls as written; then returns the rate changes solved (per district
/// id), for the count stage to start from.
pub fn shape(
    b: &Bundle,
    ds: &mut [District],
    log: &mut Vec<String>,
) -> Result<Option<HashMap<String, f64>>, String> {
    let get = |outcome, comparison, controls| -> Result<Panel, String> {
        panel(
            b,
            &PanelSpec {
                outcome,
                comparison,
                level: Level::District,
                controls,
                rules: b.manifest.rules.clone(),
            },
        )
        .map_err(|e| format!("{outcome} {comparison}: {e}"))
    };
    // The districts some housing column sees.
    let mut housing = BTreeSet::new();
    for c in &COLUMNS[5..] {
        for r in get(Outcome::Housing, c.comparison, ControlSelection::All)?.rows {
            housing.insert(r.unit_id);
        }
    }
    let mut panels: Vec<(&'static Column, Panel, Option<Panel>)> = Vec::new();
    for c in &EMPLOYMENT_COLUMN_1 {
        panels.push((
            c,
            get(Outcome::Employment, c.comparison, ControlSelection::None)?,
            None,
        ));
    }
    for c in &COLUMNS[..5] {
        let sv = get(Outcome::EmploymentSv, c.comparison, ControlSelection::All)?;
        panels.push((
            c,
            get(Outcome::Employment, c.comparison, ControlSelection::All)?,
            c.sv_only.map(|_| sv),
        ));
    }

    // Parameters: the free districts' three controls, then every district's rate change.
    let free: Vec<usize> = (0..ds.len())
        .filter(|&k| ds[k].is_bw() && !housing.contains(&ds[k].id))
        .filter(|&k| {
            panels
                .iter()
                .any(|(_, p, _)| p.rows.iter().any(|r| r.unit_id == ds[k].id))
        })
        .collect();
    let mut p0: Vec<f64> = Vec::new();
    let mut prior: Vec<f64> = Vec::new();
    let mut range: Vec<(f64, f64)> = Vec::new();
    let mut control_param: HashMap<(&str, usize), usize> = HashMap::new();
    for &k in &free {
        let v = values(&ds[k]);
        for s in SLOTS {
            control_param.insert((ds[k].id.as_str(), s), p0.len());
            p0.push(v[s]);
            prior.push(FREE[s].3);
            range.push(FREE[s].2);
        }
    }
    let controls = p0.len();
    let mut rate_param: HashMap<String, usize> = HashMap::new();
    for row in panels.iter().flat_map(|(_, p, _)| &p.rows) {
        if !rate_param.contains_key(&row.unit_id) {
            rate_param.insert(row.unit_id.clone(), p0.len());
            p0.push(row.outcome_change());
            prior.push(RATE_PRIOR);
            range.push((f64::NEG_INFINITY, f64::INFINITY));
        }
    }
    let to_regression = |p: &Panel, rate_free: bool| -> Result<Regression, String> {
        let mut r = regression(p, &|unit, control, v| {
            let slot = FREE.iter().position(|f| f.0 == control);
            Ok(match slot.and_then(|s| control_param.get(&(unit, s))) {
                Some(&i) => Cell::Free(i),
                None => Cell::Fixed(v),
            })
        })?;
        if rate_free {
            r.y = p
                .rows
                .iter()
                .map(|row| Cell::Free(rate_param[&row.unit_id]))
                .collect();
        }
        Ok(r)
    };
    let mut fitted = Vec::new();
    let mut figures = Vec::new();
    for (c, p, sv) in &panels {
        let df = (p.rows.len() - c.terms.len()) as f64;
        let reachable = !(c.comparison == Comparison::BwVsNeighbours && c.terms.len() > 2);
        for &(coef, se, stars) in c.terms {
            let (tlo, thi) = star_band(stars, df);
            let plain = |v: f64| Figure {
                lo: v - 0.05,
                hi: v + 0.05,
                kind: Kind::Plain,
                reachable,
            };
            figures.push(plain(coef));
            figures.push(plain(se));
            figures.push(Figure {
                lo: tlo,
                hi: thi,
                kind: Kind::T,
                reachable,
            });
        }
        figures.push(Figure {
            lo: c.r2 - 0.005,
            hi: c.r2 + 0.005,
            kind: Kind::R2,
            reachable,
        });
        if let Some(want) = c.sv_only
            && sv.is_some()
        {
            figures.push(Figure {
                lo: want - 0.05,
                hi: want + 0.05,
                kind: Kind::Plain,
                reachable: true,
            });
        }
        fitted.push(Fitted {
            column: c,
            regression: to_regression(p, true)?,
            sv_only: sv.as_ref().map(|s| to_regression(s, false)).transpose()?,
        });
    }
    // Tab. 11 from Tab. 12 (1) (the first column), as in the count stage: the groups' Dec
    // 2017 means stay, their Sep 2019 means are those plus the fitted changes.
    let base = tab_11_base(&panels[0].1);
    for g in 0..2 {
        for want in [TAB_11_END[g], TAB_11_CHANGE[g]] {
            figures.push(Figure {
                lo: want - 0.05,
                hi: want + 0.05,
                kind: Kind::Plain,
                reachable: true,
            });
        }
    }

    // Every figure's value at `p`, in the order of `figures`.
    let measure = |p: &[f64]| -> Vec<f64> {
        let mut out = Vec::with_capacity(figures.len());
        let mut tab_12_fit: Option<FitStats> = None;
        for f in &fitted {
            let fit = f.regression.fit(p);
            for j in 0..f.column.terms.len() {
                out.extend([fit.coef[j], fit.se[j], (fit.coef[j] / fit.se[j]).abs()]);
            }
            out.push(fit.r2);
            if let Some(sv) = &f.sv_only {
                out.push(sv.fit(p).coef[0]);
            }
            tab_12_fit.get_or_insert(fit);
        }
        let fit = tab_12_fit.expect("Tab. 12 (1) is the first column");
        let change = [fit.coef[0] + fit.coef[1], fit.coef[1]];
        for g in 0..2 {
            out.extend([base[g] + change[g], change[g]]);
        }
        out
    };
    let count = |v: &[f64]| {
        figures
            .iter()
            .zip(v)
            .filter(|(f, v)| f.in_print(**v))
            .count()
    };
    let start = measure(&p0);
    let start_print = count(&start);
    let kept: Vec<bool> = figures
        .iter()
        .zip(&start)
        .map(|(f, v)| f.in_print(*v))
        .collect();

    let mut p = p0.clone();
    let mut best = (start_print, p0.clone());
    for _ in 0..STEPS {
        let v = measure(&p);
        let jac = jacobian(&measure, &p, &v, &prior);
        // The figures' rows: in print at the start, held inside their shrunk boxes; out of
        // print and reachable, aimed into them; the rest left.
        let rows: Vec<Row> = figures
            .iter()
            .enumerate()
            .filter(|(k, f)| kept[*k] || f.reachable)
            .map(|(k, f)| {
                let (lo, hi) = f.inside();
                let m = f.margin(v[k]);
                Row {
                    figure: k,
                    lo: (lo - v[k]) / m,
                    hi: (hi - v[k]) / m,
                    scale: m,
                    penalty: if kept[k] { KEPT } else { AIMED },
                }
            })
            .collect();
        let bounds: Vec<(f64, f64)> = (0..p.len())
            .map(|i| {
                (
                    (-TRUST).max((range[i].0 - p[i]) / prior[i]),
                    TRUST.min((range[i].1 - p[i]) / prior[i]),
                )
            })
            .collect();
        let Some(z) = linear_step(&jac, &rows, &bounds) else {
            break;
        };
        for i in 0..p.len() {
            p[i] += z[i] * prior[i];
        }
        let now = count(&measure(&p));
        if now > best.0 {
            best = (now, p.clone());
        }
    }

    // The controls as written (rounded to their decimals), with the rate changes solved.
    let mut solved = best.1;
    for (i, v) in solved.iter_mut().enumerate().take(controls) {
        let (_, decimals, (lo, hi), _) = FREE[SLOTS[i % SLOTS.len()]];
        *v = crate::util::round_to(v.clamp(lo, hi), decimals);
    }
    let end = measure(&solved);
    let end_print = count(&end);
    let lost = figures
        .iter()
        .zip(&end)
        .zip(&kept)
        .filter(|((f, v), k)| **k && !f.in_print(**v))
        .count();
    let moved = end_print > start_print && lost == 0;
    let rms = |slot: usize| -> f64 {
        let d: Vec<f64> = (0..controls)
            .filter(|i| SLOTS[i % SLOTS.len()] == slot)
            .map(|i| solved[i] - p0[i])
            .collect();
        (d.iter().map(|x| x * x).sum::<f64>() / d.len().max(1) as f64).sqrt()
    };
    let rates: Vec<f64> = (controls..p0.len()).map(|i| solved[i] - p0[i]).collect();
    log.push(format!(
        "controls of the {} BW districts no housing column sees, with the employment rate changes: figures of Tab. 11-16 in print {start_print} -> {end_print} of {} ({lost} lost), controls moved by a root mean square of {:.2} points, {:.0} EUR, {:.1} per 100; rate changes by {:.2} points; {}",
        free.len(),
        figures.len(),
        rms(0),
        rms(1) * 1000.0,
        rms(2),
        (rates.iter().map(|x| x * x).sum::<f64>() / rates.len().max(1) as f64).sqrt(),
        if moved { "controls kept" } else { "not kept" }
    ));
    if !moved {
        return Ok(None);
    }
    for (i, &k) in free.iter().enumerate() {
        let mut v = values(&ds[k]);
        for (j, &s) in SLOTS.iter().enumerate() {
            v[s] = solved[SLOTS.len() * i + j];
        }
        set_values(&mut ds[k], v);
    }
    Ok(Some(
        rate_param
            .into_iter()
            .map(|(id, i)| (id, solved[i]))
            .collect(),
    ))
}

/// d figure / d parameter at `p`, per prior of the parameter (finite differences).
fn jacobian(
    measure: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    p: &[f64],
    v: &[f64],
    prior: &[f64],
) -> DMatrix<f64> {
    use rayon::prelude::*;
    let cols: Vec<Vec<f64>> = (0..p.len())
        .into_par_iter()
        .map(|j| {
            let h = 1e-6 * prior[j];
            let mut q = p.to_vec();
            q[j] += h;
            measure(&q)
                .iter()
                .zip(v)
                .map(|(a, b)| (a - b) / h * prior[j])
                .collect()
        })
        .collect();
    DMatrix::from_fn(v.len(), p.len(), |i, j| cols[j][i])
}

/// One figure's row of the linear programme: the change it may make (in margins), the
/// margin's size, and what a margin's shortfall costs.
struct Row {
    figure: usize,
    lo: f64,
    hi: f64,
    scale: f64,
    penalty: f64,
}

/// The linear programme of one step: the move z (in priors, within `bounds`) minimising
/// Σ|z| plus each row's penalty times its shortfall (in margins), the figures linearised by
/// `jac` (per prior). `None` if the solver fails.
fn linear_step(jac: &DMatrix<f64>, rows: &[Row], bounds: &[(f64, f64)]) -> Option<Vec<f64>> {
    let n = bounds.len();
    let m = rows.len();
    // Variables: z (n), |z| (n), shortfalls (m). Constraints A x ≤ b, all in one cone.
    let vars = 2 * n + m;
    let mut triplets: Vec<(usize, usize, f64)> = Vec::new();
    let mut b = Vec::new();
    let mut row = 0;
    for (r, fig) in rows.iter().enumerate() {
        for (sign, edge) in [(1.0, fig.hi), (-1.0, -fig.lo)] {
            for j in 0..n {
                let a = jac[(fig.figure, j)] / fig.scale;
                if a != 0.0 {
                    triplets.push((row, j, sign * a));
                }
            }
            triplets.push((row, 2 * n + r, -1.0));
            b.push(edge);
            row += 1;
        }
    }
    for (j, &(lo, hi)) in bounds.iter().enumerate() {
        for (entries, rhs) in [
            (vec![(j, 1.0), (n + j, -1.0)], 0.0),
            (vec![(j, -1.0), (n + j, -1.0)], 0.0),
            (vec![(j, 1.0)], hi),
            (vec![(j, -1.0)], -lo),
        ] {
            for (c, a) in entries {
                triplets.push((row, c, a));
            }
            b.push(rhs);
            row += 1;
        }
    }
    for r in 0..m {
        triplets.push((row, 2 * n + r, -1.0));
        b.push(0.0);
        row += 1;
    }
    let a = csc(row, vars, &triplets);
    let mut q = vec![0.0; vars];
    q[n..2 * n].fill(1.0);
    for (r, fig) in rows.iter().enumerate() {
        q[2 * n + r] = fig.penalty;
    }
    let cones = [SupportedConeT::NonnegativeConeT(row)];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .build()
        .ok()?;
    let zero = CscMatrix::<f64>::zeros((vars, vars));
    let mut solver = DefaultSolver::new(&zero, &q, &a, &b, &cones, settings).ok()?;
    solver.solve();
    match solver.solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => Some(solver.solution.x[..n].to_vec()),
        _ => None,
    }
}

/// A sparse matrix of `rows` × `cols` from (row, column, value) entries, each position once.
fn csc(rows: usize, cols: usize, triplets: &[(usize, usize, f64)]) -> CscMatrix<f64> {
    let mut sorted = triplets.to_vec();
    sorted.sort_by_key(|&(r, c, _)| (c, r));
    let mut colptr = vec![0; cols + 1];
    for &(_, c, _) in &sorted {
        colptr[c + 1] += 1;
    }
    for c in 0..cols {
        colptr[c + 1] += colptr[c];
    }
    CscMatrix::new(
        rows,
        cols,
        colptr,
        sorted.iter().map(|t| t.0).collect(),
        sorted.iter().map(|t| t.2).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(figure: usize, lo: f64, hi: f64, penalty: f64) -> Row {
        Row {
            figure,
            lo,
            hi,
            scale: 1.0,
            penalty,
        }
    }

    #[test]
    fn the_step_is_the_smallest_move_into_every_box() {
        // Figure 0 moves with z0 + z1 and must gain 1–2 margins; figure 1 moves with z1
        // alone and may not move at all: the step moves z0 only, by the least it must.
        let jac = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 0.0, 1.0]);
        let rows = [row(0, 1.0, 2.0, AIMED), row(1, 0.0, 0.0, KEPT)];
        let z = linear_step(&jac, &rows, &[(-5.0, 5.0); 2]).expect("solved");
        assert!((z[0] - 1.0).abs() < 1e-6, "{z:?}");
        assert!(z[1].abs() < 1e-6, "{z:?}");
    }

    #[test]
    fn what_the_trust_region_cannot_reach_is_left_short_and_the_kept_figure_wins() {
        // Figure 0 (aimed) wants z0 ≥ 1, figure 1 (kept) wants z0 ≤ 0.2: the kept figure's
        // penalty is the larger, so z0 stops at 0.2; and a reachable aim stops at the trust
        // region's edge (0.5).
        let jac = DMatrix::from_row_slice(2, 1, &[1.0, 1.0]);
        let rows = [row(0, 1.0, 2.0, AIMED), row(1, -1.0, 0.2, KEPT)];
        let z = linear_step(&jac, &rows, &[(-5.0, 5.0)]).expect("solved");
        assert!((z[0] - 0.2).abs() < 1e-6, "{z:?}");
        let z = linear_step(&jac, &rows[..1], &[(-0.5, 0.5)]).expect("solved");
        assert!((z[0] - 0.5).abs() < 1e-6, "{z:?}");
    }
}
