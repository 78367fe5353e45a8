//! Synthetic difference-in-differences (Arkhangelsky, Athey, Hirshberg, Imbens and Wager
//! 2021) for BW against the districts of the neighbouring states: unit weights that make the
//! weighted neighbours' pre-period path parallel to BW's, time weights that make the
//! weighted pre-period months resemble the post period, and the weighted DiD between them.
//! The algorithm is R `synthdid`'s (`sc.weight.fw` by Frank–Wolfe, 100 iterations, then
//! sparsified and iterated to convergence; ζ_ω = (N_tr·T_post)^¼·σ, ζ_λ = 10⁻⁶·σ with σ the
//! SD of the controls' monthly first differences before the programme), computed on the
//! outcome centred and scaled by the controls' pre-period mean and SD as diff-diff does
//! (τ is unchanged; the scaling only keeps the double difference precise).
//!
//! Standard error: the placebo variance (Algorithm 4): neighbours are split at random into
//! pseudo-treated (as many as BW districts) and pseudo-controls, both weights re-estimated
//! (warm-started from the fitted weights, as R and diff-diff do), SE = √((r−1)/r)·sd of the
//! placebo estimates. The draws are seeded (the options' seed), so a result is reproducible;
//! their number is `RobustOptions::sdid_placebos` (50 by default, `PLACEBOS`).
//!
//! Weighted: BW's path is the persons-weighted mean and the synthetic control's unit
//! weights are multiplied by the neighbours' persons and renormalised (diff-diff's survey
//! `pweight` form); synthdid itself has no weighted form.

use super::bacon::{monthly_series, sorted_districts, unit_weight};
use super::{Check, RobustError, SharedInputs};
use crate::core::bundle::Level;
use crate::core::derive::employment::{Employed, EmploymentData};
use crate::core::derive::panel::require_tables;
use crate::core::derive::{Comparison, Exclusion, TREATED_STATE};
use crate::core::period::Month;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Placebo draws behind the standard error by default. R `synthdid` draws 200; each draw
/// re-solves both weight problems (often all 10,000 Frank–Wolfe steps), so 50 keep the
/// Robustness page's refresh within its budget; `--placebos 200` matches R's default.
pub const PLACEBOS: usize = 50;
/// Frank–Wolfe iterations before sparsifying, and at most after (R's defaults).
const ITER_PRE_SPARSIFY: usize = 100;
const MAX_ITER: usize = 10_000;
const Z_975: f64 = 1.959_963_984_540_054;

/// The outcome matrix of a block design: `controls` row-major, one row of `periods` values
/// per control; `treated` the treated units' (weighted) mean path; the first `pre` periods
/// are before treatment.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockPanel {
    pub controls: Vec<f64>,
    pub control_units: usize,
    pub periods: usize,
    pub pre: usize,
    pub treated: Vec<f64>,
    pub treated_units: usize,
    /// Persons of each control (weighted form); `None`: unweighted.
    pub control_weights: Option<Vec<f64>>,
}

/// A fitted synthetic DiD, in the outcome's units.
#[derive(Debug, Clone, PartialEq)]
pub struct SdidFit {
    pub att: f64,
    /// Unit weights as fitted (before the persons' composition).
    pub omega: Vec<f64>,
    /// Unit weights that form the synthetic control (= omega unweighted).
    pub omega_effective: Vec<f64>,
    pub lambda: Vec<f64>,
    pub noise_level: f64,
    pub zeta_omega: f64,
    pub zeta_lambda: f64,
    /// The estimation constants on the normalised scale (for the placebos).
    shift: f64,
    scale: f64,
    zeta_omega_n: f64,
    zeta_lambda_n: f64,
    min_decrease: f64,
}

/// Reusable buffers of one Frank–Wolfe solve, so the placebo loop does not allocate.
#[derive(Default)]
struct Workspace {
    /// Column-centred design, one column of `rows` values after another.
    a: Vec<f64>,
    b: Vec<f64>,
    /// AᵀA (column-major), Aᵀb, and A x kept as Aᵀ(A x) = G x.
    gram: Vec<f64>,
    atb: Vec<f64>,
    gx: Vec<f64>,
    grad: Vec<f64>,
    pre_treated: Vec<f64>,
    post_treated: Vec<f64>,
    omega: Vec<f64>,
    omega_eff: Vec<f64>,
    lambda: Vec<f64>,
}

impl Workspace {
    /// G = AᵀA and Aᵀb of the `cols` columns in `a`.
    fn gram(&mut self, rows: usize, cols: usize) {
        let column = |j: usize| &self.a[j * rows..(j + 1) * rows];
        let dot = |p: &[f64], q: &[f64]| p.iter().zip(q).map(|(x, y)| x * y).sum::<f64>();
        self.gram.clear();
        self.gram.resize(cols * cols, 0.0);
        for j in 0..cols {
            for k in 0..=j {
                let v = dot(column(j), column(k));
                self.gram[j * cols + k] = v;
                self.gram[k * cols + j] = v;
            }
        }
        self.atb.clear();
        self.atb.extend((0..cols).map(|j| dot(column(j), &self.b)));
    }
}

/// Frank–Wolfe on the simplex for min ζ²‖x‖² + ‖A x − b‖²/rows (R `sc.weight.fw`), from
/// `x`, until a step lowers the objective by less than `min_decrease²` or after `max_iter`
/// steps. Works on G = AᵀA: a step moves x towards a vertex, so G x is updated in O(cols)
/// and an iteration costs O(cols) instead of O(rows·cols); the decrease of a step is
/// computed exactly from the line search instead of as a difference of two objectives.
#[allow(clippy::too_many_arguments)]
fn frank_wolfe(
    gram: &[f64],
    atb: &[f64],
    rows: usize,
    zeta: f64,
    x: &mut [f64],
    min_decrease: f64,
    max_iter: usize,
    gx: &mut Vec<f64>,
    grad: &mut Vec<f64>,
) {
    let cols = x.len();
    let eta = rows as f64 * zeta * zeta;
    let column = |j: usize| &gram[j * cols..(j + 1) * cols];
    gx.clear();
    gx.resize(cols, 0.0);
    for (j, &xj) in x.iter().enumerate() {
        if xj != 0.0 {
            for (v, c) in gx.iter_mut().zip(column(j)) {
                *v += xj * c;
            }
        }
    }
    grad.clear();
    grad.resize(cols, 0.0);
    // x·Gx, ‖x‖² and x·Aᵀb follow each step in O(1) (x moves towards a vertex), so an
    // iteration is one pass for the gradient's minimum and one to move x and G x; they are
    // recomputed exactly every 64 steps so that rounding cannot drift.
    let (mut x_gx, mut sum_sq, mut x_atb) = (0.0, 0.0, 0.0);
    for t in 0..max_iter {
        if t % 64 == 0 {
            x_gx = x.iter().zip(gx.iter()).map(|(p, q)| p * q).sum();
            sum_sq = x.iter().map(|v| v * v).sum();
            x_atb = x.iter().zip(atb).map(|(p, q)| p * q).sum();
        }
        // Half the gradient, Aᵀ(A x − b) + η x, and its smallest coordinate.
        let (mut i, mut g_min) = (0, f64::INFINITY);
        for (j, g) in grad.iter_mut().enumerate() {
            *g = gx[j] - atb[j] + eta * x[j];
            if *g < g_min {
                (i, g_min) = (j, *g);
            }
        }
        // d = e_i − x; numpy's allclose(d, 0): x is already the vertex.
        let at_vertex = (1.0 - x[i]).abs() <= 1e-8
            && x.iter()
                .enumerate()
                .all(|(j, &v)| j == i || v.abs() <= 1e-8);
        let mut decrease = 0.0;
        if !at_vertex {
            let (xi, gxi, gii) = (x[i], gx[i], gram[i * cols + i]);
            // ‖A e_i − A x‖², ‖e_i − x‖² and the gradient along d.
            let d_err = gii - 2.0 * gxi + x_gx;
            let d_norm = sum_sq - xi * xi + (1.0 - xi) * (1.0 - xi);
            let grad_x = x_gx - x_atb + eta * sum_sq;
            let grad_d = g_min - grad_x;
            let denom = d_err + eta * d_norm;
            if denom > 0.0 {
                let step = (-grad_d / denom).clamp(0.0, 1.0);
                let keep = 1.0 - step;
                decrease = -(2.0 * step * grad_d + step * step * denom) / rows as f64;
                for ((v, p), c) in x.iter_mut().zip(gx.iter_mut()).zip(column(i)) {
                    *v *= keep;
                    *p = keep * *p + step * c;
                }
                x[i] += step;
                x_gx = keep * keep * x_gx + 2.0 * step * keep * gxi + step * step * gii;
                sum_sq = keep * keep * sum_sq + 2.0 * step * keep * xi + step * step;
                x_atb = keep * x_atb + step * atb[i];
            }
        }
        if t >= 1 && decrease < min_decrease * min_decrease {
            return;
        }
    }
}

/// Zeroes weights at or below a quarter of the largest and renormalises (R `sparsify`).
fn sparsify(v: &mut [f64]) {
    let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if max <= 0.0 {
        v.fill(1.0 / v.len() as f64);
        return;
    }
    for x in v.iter_mut() {
        if *x <= max / 4.0 {
            *x = 0.0;
        }
    }
    sum_normalize(v);
}

fn sum_normalize(v: &mut [f64]) {
    let s: f64 = v.iter().sum();
    if s > 0.0 {
        v.iter_mut().for_each(|x| *x /= s);
    } else {
        v.fill(1.0 / v.len() as f64);
    }
}

/// The two Frank–Wolfe passes of synthdid: 100 steps, sparsify, then to convergence.
fn two_pass(ws: &mut Workspace, rows: usize, zeta: f64, min_decrease: f64, x: &mut [f64]) {
    ws.gram(rows, x.len());
    let Workspace {
        gram,
        atb,
        gx,
        grad,
        ..
    } = ws;
    frank_wolfe(
        gram,
        atb,
        rows,
        zeta,
        x,
        min_decrease,
        ITER_PRE_SPARSIFY,
        gx,
        grad,
    );
    sparsify(x);
    frank_wolfe(gram, atb, rows, zeta, x, min_decrease, MAX_ITER, gx, grad);
}

/// Centres `values` in place and returns nothing: the intercept of `sc.weight.fw`.
fn centre(values: &mut [f64]) {
    let m = values.iter().sum::<f64>() / values.len() as f64;
    values.iter_mut().for_each(|v| *v -= m);
}

/// The (normalised) outcome matrix, row-major, one row of `periods` per control, and the
/// controls `idx` in use (all of them, or a placebo's pseudo-controls).
#[derive(Clone, Copy)]
struct Controls<'a> {
    y: &'a [f64],
    periods: usize,
    pre: usize,
    idx: &'a [usize],
}

/// Unit weights over the controls `idx` of `y` (normalised, row-major), matching the
/// treated pre-period path `target`; `x` holds the start and receives the weights.
fn unit_weights(ws: &mut Workspace, c: &Controls, zeta: f64, min_decrease: f64, x: &mut [f64]) {
    let Controls {
        y,
        periods,
        pre,
        idx,
    } = *c;
    if idx.len() == 1 {
        x[0] = 1.0;
        return;
    }
    ws.a.clear();
    for &j in idx {
        let start = ws.a.len();
        ws.a.extend_from_slice(&y[j * periods..j * periods + pre]);
        centre(&mut ws.a[start..]);
    }
    ws.b.clear();
    ws.b.extend_from_slice(&ws.pre_treated);
    centre(&mut ws.b);
    two_pass(ws, pre, zeta, min_decrease, x);
}

/// Time weights over the pre-period months, matching the controls' post-period means.
fn time_weights(ws: &mut Workspace, c: &Controls, zeta: f64, min_decrease: f64, x: &mut [f64]) {
    let Controls {
        y,
        periods,
        pre,
        idx,
    } = *c;
    if pre <= 1 {
        x.fill(1.0);
        return;
    }
    let rows = idx.len();
    ws.a.clear();
    for t in 0..pre {
        let start = ws.a.len();
        ws.a.extend(idx.iter().map(|&j| y[j * periods + t]));
        centre(&mut ws.a[start..]);
    }
    ws.b.clear();
    let post = (periods - pre) as f64;
    ws.b.extend(
        idx.iter()
            .map(|&j| y[j * periods + pre..(j + 1) * periods].iter().sum::<f64>() / post),
    );
    centre(&mut ws.b);
    two_pass(ws, rows, zeta, min_decrease, x);
}

/// τ = (post mean − λ·pre of the treated) − Σ ω_j (post mean − λ·pre of control j).
fn estimate(
    c: &Controls,
    omega: &[f64],
    lambda: &[f64],
    pre_treated: &[f64],
    post_treated: &[f64],
) -> f64 {
    let Controls {
        y,
        periods,
        pre,
        idx,
    } = *c;
    let post = (periods - pre) as f64;
    let did = |pre_path: &[f64], post_path: &[f64]| {
        post_path.iter().sum::<f64>() / post
            - lambda.iter().zip(pre_path).map(|(l, v)| l * v).sum::<f64>()
    };
    let control: f64 = idx
        .iter()
        .zip(omega)
        .map(|(&j, w)| {
            let row = &y[j * periods..(j + 1) * periods];
            w * did(&row[..pre], &row[pre..])
        })
        .sum();
    did(pre_treated, post_treated) - control
}

/// Composes the fitted unit weights with the controls' persons (weighted form).
fn compose(omega: &[f64], weights: Option<&[f64]>, idx: &[usize], out: &mut Vec<f64>) {
    out.clear();
    match weights {
        Some(w) => {
            out.extend(omega.iter().zip(idx).map(|(o, &j)| o * w[j]));
            let s: f64 = out.iter().sum();
            out.iter_mut().for_each(|v| *v /= s);
        }
        None => out.extend_from_slice(omega),
    }
}

impl BlockPanel {
    /// The synthetic DiD point estimate with its unit and time weights.
    pub fn fit(&self) -> Result<SdidFit, RobustError> {
        let (n0, periods, pre) = (self.control_units, self.periods, self.pre);
        if n0 == 0 || pre == 0 || pre >= periods || self.treated.len() != periods {
            return Err(RobustError::Data(
                "synthetic DiD needs controls and both pre- and post-period months".into(),
            ));
        }
        let pre_values = || (0..n0).flat_map(|j| &self.controls[j * periods..j * periods + pre]);
        let count = (n0 * pre) as f64;
        let shift = pre_values().sum::<f64>() / count;
        let sd = (pre_values().map(|v| (v - shift) * (v - shift)).sum::<f64>() / count).sqrt();
        // diff-diff's floor: a near-constant outcome is left unscaled.
        let scale = if sd.is_finite() && sd > 1e-12 * shift.abs().max(1.0) {
            sd
        } else {
            1.0
        };
        let y: Vec<f64> = self.controls.iter().map(|v| (v - shift) / scale).collect();
        let treated: Vec<f64> = self.treated.iter().map(|v| (v - shift) / scale).collect();
        let noise = noise_level(&y, n0, periods, pre);
        let zeta_omega_n = ((self.treated_units * (periods - pre)) as f64).powf(0.25) * noise;
        let zeta_lambda_n = 1e-6 * noise;
        let min_decrease = if noise > 0.0 { 1e-5 * noise } else { 1e-5 };
        let idx: Vec<usize> = (0..n0).collect();
        let mut ws = Workspace::default();
        ws.pre_treated.extend_from_slice(&treated[..pre]);
        ws.post_treated.extend_from_slice(&treated[pre..]);
        let all = Controls {
            y: &y,
            periods,
            pre,
            idx: &idx,
        };
        let mut omega = vec![1.0 / n0 as f64; n0];
        unit_weights(&mut ws, &all, zeta_omega_n, min_decrease, &mut omega);
        let mut lambda = vec![1.0 / pre as f64; pre];
        time_weights(&mut ws, &all, zeta_lambda_n, min_decrease, &mut lambda);
        let mut omega_effective = Vec::new();
        compose(
            &omega,
            self.control_weights.as_deref(),
            &idx,
            &mut omega_effective,
        );
        let att_n = estimate(
            &all,
            &omega_effective,
            &lambda,
            &ws.pre_treated,
            &ws.post_treated,
        );
        if !att_n.is_finite() {
            return Err(RobustError::Data(
                "synthetic DiD: the estimate is not finite".into(),
            ));
        }
        Ok(SdidFit {
            att: att_n * scale,
            omega,
            omega_effective,
            lambda,
            noise_level: noise * scale,
            zeta_omega: zeta_omega_n * scale,
            zeta_lambda: zeta_lambda_n * scale,
            shift,
            scale,
            zeta_omega_n,
            zeta_lambda_n,
            min_decrease,
        })
    }

    /// The placebo estimates for the given permutations of the controls (each: the first
    /// N_co − N_tr are pseudo-controls, the last N_tr pseudo-treated), computed side by side;
    /// each worker reuses its buffers, so the Frank–Wolfe iterations do not allocate.
    pub fn placebo_estimates(&self, fit: &SdidFit, permutations: &[Vec<usize>]) -> Vec<f64> {
        let (n0, periods, pre) = (self.control_units, self.periods, self.pre);
        let n1 = self.treated_units;
        if n0 <= n1 {
            return Vec::new();
        }
        let y: Vec<f64> = self
            .controls
            .iter()
            .map(|v| (v - fit.shift) / fit.scale)
            .collect();
        let weights = self.control_weights.as_deref();
        permutations
            .par_iter()
            .map_init(Workspace::default, |ws, perm| {
                let (controls, treated) = perm.split_at(n0 - n1);
                let total: f64 = treated.iter().map(|&j| weights.map_or(1.0, |w| w[j])).sum();
                ws.pre_treated.clear();
                ws.post_treated.clear();
                for t in 0..periods {
                    let v = treated
                        .iter()
                        .map(|&j| weights.map_or(1.0, |w| w[j]) * y[j * periods + t])
                        .sum::<f64>()
                        / total;
                    if t < pre {
                        ws.pre_treated.push(v);
                    } else {
                        ws.post_treated.push(v);
                    }
                }
                let pseudo = Controls {
                    y: &y,
                    periods,
                    pre,
                    idx: controls,
                };
                let mut omega = std::mem::take(&mut ws.omega);
                omega.clear();
                omega.extend(controls.iter().map(|&j| fit.omega[j]));
                sum_normalize(&mut omega);
                unit_weights(ws, &pseudo, fit.zeta_omega_n, fit.min_decrease, &mut omega);
                let mut lambda = std::mem::take(&mut ws.lambda);
                lambda.clear();
                lambda.extend_from_slice(&fit.lambda);
                time_weights(
                    ws,
                    &pseudo,
                    fit.zeta_lambda_n,
                    fit.min_decrease,
                    &mut lambda,
                );
                let mut omega_eff = std::mem::take(&mut ws.omega_eff);
                compose(&omega, weights, controls, &mut omega_eff);
                let tau = estimate(
                    &pseudo,
                    &omega_eff,
                    &lambda,
                    &ws.pre_treated,
                    &ws.post_treated,
                );
                (ws.omega, ws.lambda, ws.omega_eff) = (omega, lambda, omega_eff);
                tau * fit.scale
            })
            .filter(|t| t.is_finite())
            .collect()
    }

    /// `count` permutations of the controls from `seed` (Fisher–Yates), drawn one after the
    /// other so that the result does not depend on the number of threads.
    pub fn permutations(&self, count: usize, seed: u64) -> Vec<Vec<usize>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..count)
            .map(|_| {
                let mut p: Vec<usize> = (0..self.control_units).collect();
                for i in (1..p.len()).rev() {
                    let j = rng.random_range(0..=i);
                    p.swap(i, j);
                }
                p
            })
            .collect()
    }
}

/// √((r−1)/r)·sd of the placebo estimates (R `synthdid::vcov(method = "placebo")`).
pub fn placebo_se(estimates: &[f64]) -> Option<f64> {
    let r = estimates.len();
    if r < 2 {
        return None;
    }
    let mean = estimates.iter().sum::<f64>() / r as f64;
    let var = estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (r - 1) as f64;
    Some(((r - 1) as f64 / r as f64).sqrt() * var.sqrt())
}

/// SD (n − 1) of every control's month-to-month change before treatment.
fn noise_level(y: &[f64], n0: usize, periods: usize, pre: usize) -> f64 {
    let diffs: Vec<f64> = (0..n0)
        .flat_map(|j| {
            let row = &y[j * periods..j * periods + pre];
            row.windows(2).map(|w| w[1] - w[0]).collect::<Vec<_>>()
        })
        .collect();
    if diffs.len() < 2 {
        return 0.0;
    }
    let m = diffs.iter().sum::<f64>() / diffs.len() as f64;
    (diffs.iter().map(|d| (d - m).powi(2)).sum::<f64>() / (diffs.len() - 1) as f64).sqrt()
}

/// One neighbouring district's weight in the synthetic control.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitWeight {
    pub unit: String,
    pub name: String,
    pub weight: f64,
}

/// One pre-period month's weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeWeight {
    pub month: Month,
    pub weight: f64,
}

/// BW's path and the synthetic control's in one month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub month: Month,
    pub bw: f64,
    /// Σ ω_j y_jt over the neighbours.
    pub synthetic: f64,
}

/// The synthetic DiD result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyntheticDid {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub weighted: bool,
    pub pre_first: Month,
    pub pre_last: Month,
    pub post_first: Month,
    pub post_last: Month,
    pub treated_units: usize,
    pub control_units: usize,
    pub att: f64,
    /// Placebo standard error; `None` with fewer neighbours than BW districts + 1.
    pub std_error: Option<f64>,
    /// att ± 1.96·SE (synthdid's normal interval).
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub placebos: usize,
    pub seed: u64,
    pub noise_level: f64,
    pub zeta_omega: f64,
    pub zeta_lambda: f64,
    /// Neighbours with a positive weight, largest first.
    pub unit_weights: Vec<UnitWeight>,
    pub time_weights: Vec<TimeWeight>,
    /// λ-weighted pre-period gap between BW and the synthetic control: the synthetic path
    /// shifted by it runs level with BW before the programme, and its post-period gap is τ.
    pub offset: f64,
    pub trend: Vec<TrendPoint>,
    pub excluded: Vec<Exclusion>,
}

/// Synthetic DiD for `spec`'s employment outcome, BW districts against the neighbouring
/// states' districts, pre-period = the data's first month to the base month, post = the
/// month after the base to the end month (the report's DiD window). The comparison's own
/// groups are not used.
pub fn sdid_in(shared: &SharedInputs) -> Result<SyntheticDid, RobustError> {
    sdid_with(shared, None)
}

/// As `sdid_in`, with the placebo permutations given (reference tests) instead of drawn.
pub fn sdid_with(
    shared: &SharedInputs,
    permutations: Option<&[Vec<usize>]>,
) -> Result<SyntheticDid, RobustError> {
    let (bundle, spec, options) = (shared.bundle, shared.spec, shared.options);
    let which = Employed::for_outcome(spec.outcome).ok_or_else(|| {
        RobustError::Unsupported(
            "synthetic DiD needs the monthly employment outcome; housing has only two survey waves"
                .into(),
        )
    })?;
    require_tables(
        bundle,
        Some(spec.outcome),
        Comparison::BwVsNeighbours,
        Level::District,
    )?;
    let data = EmploymentData::new(bundle);
    let (first, _) = data
        .month_range()
        .ok_or_else(|| RobustError::Data("employment: the table has no rows".into()))?;
    let periods = &bundle.manifest.periods;
    let (base, end) = (periods.employment_base, periods.employment_end);
    if base < first || end <= base {
        return Err(RobustError::Data(format!(
            "synthetic DiD needs months before and after the base month {base} (data from {first}, end {end})"
        )));
    }
    let months: Vec<Month> = first.through(end).collect();
    let pre = months.iter().filter(|&&m| m <= base).count();
    let mut excluded = Vec::new();
    let (mut treated, mut controls) = (Vec::new(), Vec::new());
    for d in sorted_districts(bundle) {
        let series = monthly_series(&data, &d.district_id, &months, which);
        let weight = unit_weight(&data, &d.district_id, base, options.weighted);
        match (series, weight) {
            (Ok(s), Ok(w)) => {
                let unit = (d.district_id.clone(), d.name.clone(), s, w);
                if d.state == TREATED_STATE {
                    treated.push(unit);
                } else {
                    controls.push(unit);
                }
            }
            (Err(reason), _) | (_, Err(reason)) => excluded.push(Exclusion {
                unit: d.district_id.clone(),
                reason,
            }),
        }
    }
    if treated.is_empty() || controls.is_empty() {
        return Err(RobustError::Data(format!(
            "synthetic DiD needs BW and neighbouring districts with every month {first} – {end}; {} and {} qualify",
            treated.len(),
            controls.len()
        )));
    }
    let total: f64 = treated.iter().map(|u| u.3).sum();
    let bw: Vec<f64> = (0..months.len())
        .map(|t| treated.iter().map(|u| u.3 * u.2[t]).sum::<f64>() / total)
        .collect();
    let panel = BlockPanel {
        controls: controls.iter().flat_map(|u| u.2.iter().copied()).collect(),
        control_units: controls.len(),
        periods: months.len(),
        pre,
        treated: bw.clone(),
        treated_units: treated.len(),
        control_weights: options
            .weighted
            .then(|| controls.iter().map(|u| u.3).collect()),
    };
    let fit = panel.fit()?;
    let drawn;
    let permutations = match permutations {
        Some(p) => p,
        None => {
            drawn = panel.permutations(options.sdid_placebos, options.seed);
            &drawn
        }
    };
    let placebo = panel.placebo_estimates(&fit, permutations);
    let std_error = placebo_se(&placebo);
    let synthetic: Vec<f64> = (0..months.len())
        .map(|t| {
            controls
                .iter()
                .zip(&fit.omega_effective)
                .map(|(u, w)| w * u.2[t])
                .sum()
        })
        .collect();
    let lambda_dot = |path: &[f64]| fit.lambda.iter().zip(path).map(|(l, v)| l * v).sum::<f64>();
    let offset = lambda_dot(&bw[..pre]) - lambda_dot(&synthetic[..pre]);
    let mut unit_weights: Vec<UnitWeight> = controls
        .iter()
        .zip(&fit.omega_effective)
        .filter(|(_, w)| **w > 0.0)
        .map(|(u, &weight)| UnitWeight {
            unit: u.0.clone(),
            name: u.1.clone(),
            weight,
        })
        .collect();
    unit_weights.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(SyntheticDid {
        what_it_tests: Check::Sdid.what_it_tests(),
        how_to_read: Check::Sdid.how_to_read(),
        weighted: options.weighted,
        pre_first: first,
        pre_last: base,
        post_first: base.plus(1),
        post_last: end,
        treated_units: treated.len(),
        control_units: controls.len(),
        att: fit.att,
        std_error,
        ci_low: std_error.map(|s| fit.att - Z_975 * s),
        ci_high: std_error.map(|s| fit.att + Z_975 * s),
        placebos: placebo.len(),
        seed: options.seed,
        noise_level: fit.noise_level,
        zeta_omega: fit.zeta_omega,
        zeta_lambda: fit.zeta_lambda,
        unit_weights,
        time_weights: months[..pre]
            .iter()
            .zip(&fit.lambda)
            .filter(|(_, w)| **w > 0.0)
            .map(|(&month, &weight)| TimeWeight { month, weight })
            .collect(),
        offset,
        trend: months
            .iter()
            .zip(bw.iter().zip(&synthetic))
            .map(|(&month, (&bw, &synthetic))| TrendPoint {
                month,
                bw,
                synthetic,
            })
            .collect(),
        excluded,
    })
}
