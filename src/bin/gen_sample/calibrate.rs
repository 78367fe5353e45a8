//! Calibration by construction: every WLS coefficient is linear in the outcome,
//! b = (X'WX)⁻¹X'W y, so published coefficients are linear equality constraints on y.
//! A "natural" draw y0 is moved by the minimum-norm correction that meets them. What is not
//! linear in y (standard errors, R²) is reached afterwards by nonlinear least squares
//! (`levenberg_marquardt`), and whole persons by `round_counts` / `round_counts_sequential`.

use nalgebra::{DMatrix, DVector};

/// A design matrix from columns (include the constant yourself).
pub fn design(columns: &[Vec<f64>]) -> DMatrix<f64> {
    let n = columns[0].len();
    DMatrix::from_fn(n, columns.len(), |i, j| columns[j][i])
}

/// (X'WX)⁻¹X'W: row j maps the outcome vector to coefficient j.
pub fn coefficient_rows(x: &DMatrix<f64>, w: &[f64]) -> DMatrix<f64> {
    let wx = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] * w[i]);
    let xtwx = x.transpose() * &wx;
    let inv = xtwx
        .try_inverse()
        .expect("calibration design has full rank");
    inv * wx.transpose()
}

/// Coefficients, HC1 standard errors and weighted R² — the statistics the report prints.
#[derive(Debug, Clone)]
pub struct FitStats {
    pub coef: Vec<f64>,
    pub se: Vec<f64>,
    pub r2: f64,
}

pub fn fit(y: &[f64], x: &DMatrix<f64>, w: &[f64]) -> FitStats {
    Prepared::new(x.clone(), w.to_vec()).fit(y)
}

/// A regression's design and weights with what does not depend on the outcome computed once,
/// for searches that refit the same design on many outcomes.
pub struct Prepared {
    x: DMatrix<f64>,
    w: Vec<f64>,
    /// (X'WX)⁻¹X'W.
    rows: DMatrix<f64>,
    /// (X'WX)⁻¹.
    bread: DMatrix<f64>,
    /// X(X'WX)⁻¹: row i is observation i's share of every coefficient's sandwich. Only
    /// `fit_quick` needs it (`for_quick_fits`), so `fit` on a design used once skips it.
    z: Option<DMatrix<f64>>,
}

impl Prepared {
    pub fn new(x: DMatrix<f64>, w: Vec<f64>) -> Self {
        let wx = DMatrix::from_fn(x.nrows(), x.ncols(), |i, j| x[(i, j)] * w[i]);
        let bread = (x.transpose() * &wx).try_inverse().expect("full rank");
        let rows = &bread * wx.transpose();
        Prepared {
            x,
            w,
            rows,
            bread,
            z: None,
        }
    }

    /// `new` ready for `fit_quick`.
    pub fn for_quick_fits(x: DMatrix<f64>, w: Vec<f64>) -> Self {
        let mut p = Prepared::new(x, w);
        p.z = Some(&p.x * &p.bread);
        p
    }

    /// Coefficients and residuals on outcome `y`.
    fn solve(&self, y: &[f64]) -> (DVector<f64>, DVector<f64>) {
        let yv = DVector::from_column_slice(y);
        let b = &self.rows * &yv;
        let e = &yv - &self.x * &b;
        (b, e)
    }

    /// The statistics of a fit with coefficients `b`, residuals `e` and coefficient
    /// variances `var`.
    fn stats(&self, y: &[f64], b: &DVector<f64>, e: &DVector<f64>, var: &[f64]) -> FitStats {
        let w = &self.w;
        let n = w.len();
        let wsum: f64 = w.iter().sum();
        let ybar: f64 = (0..n).map(|i| w[i] * y[i]).sum::<f64>() / wsum;
        let sst: f64 = (0..n).map(|i| w[i] * (y[i] - ybar).powi(2)).sum();
        let ssr: f64 = (0..n).map(|i| w[i] * e[i].powi(2)).sum();
        FitStats {
            coef: b.iter().copied().collect(),
            se: var.iter().map(|v| v.max(0.0).sqrt()).collect(),
            r2: 1.0 - ssr / sst,
        }
    }

    /// Coefficients, HC1 standard errors and weighted R² on outcome `y`.
    pub fn fit(&self, y: &[f64]) -> FitStats {
        let (x, w) = (&self.x, &self.w);
        let n = x.nrows();
        let k = x.ncols();
        let (b, e) = self.solve(y);
        let mut meat = DMatrix::<f64>::zeros(k, k);
        for i in 0..n {
            let s = (w[i] * e[i]).powi(2);
            for a in 0..k {
                for c in 0..k {
                    meat[(a, c)] += s * x[(i, a)] * x[(i, c)];
                }
            }
        }
        let v = &self.bread * meat * &self.bread * (n as f64 / (n - k) as f64);
        let var: Vec<f64> = (0..k).map(|j| v[(j, j)]).collect();
        self.stats(y, &b, &e, &var)
    }

    /// `fit` with only the sandwich's diagonal, Σᵢ (wᵢeᵢ)² zᵢⱼ², in O(nk) instead of O(nk²):
    /// the same statistics up to floating-point rounding, for searches that refit thousands of
    /// times. `fit` keeps the full sandwich, so that the stages before such a search follow
    /// the same path to the last bit.
    pub fn fit_quick(&self, y: &[f64]) -> FitStats {
        let z = self.z.as_ref().expect("prepared by for_quick_fits");
        let (x, w) = (&self.x, &self.w);
        let (n, k) = (x.nrows(), x.ncols());
        let (b, e) = self.solve(y);
        let mut v = vec![0.0; k];
        for i in 0..n {
            let s = (w[i] * e[i]).powi(2);
            for (j, vj) in v.iter_mut().enumerate() {
                *vj += s * z[(i, j)] * z[(i, j)];
            }
        }
        let scale = n as f64 / (n - k) as f64;
        let var: Vec<f64> = v.iter().map(|vj| vj * scale).collect();
        self.stats(y, &b, &e, &var)
    }
}

/// One linear constraint `row · y = target` on the full outcome vector.
#[derive(Debug, Clone)]
pub struct Constraint {
    pub row: DVector<f64>,
    pub target: f64,
}

/// Constraints that regression `x` (on the units `units`, weights `w`) has coefficient j
/// equal to `targets[j]` (None = unconstrained); `n` is the length of the full outcome vector.
pub fn regression_constraints(
    n: usize,
    units: &[usize],
    x: &DMatrix<f64>,
    w: &[f64],
    targets: &[Option<f64>],
) -> Vec<Constraint> {
    let rows = coefficient_rows(x, w);
    let mut out = Vec::new();
    for (j, t) in targets.iter().enumerate() {
        if let Some(t) = t {
            let mut row = DVector::zeros(n);
            for (i, &u) in units.iter().enumerate() {
                row[u] += rows[(j, i)];
            }
            out.push(Constraint { row, target: *t });
        }
    }
    out
}

fn stack(cs: &[Constraint], n: usize) -> (DMatrix<f64>, DVector<f64>) {
    let a = DMatrix::from_fn(cs.len(), n, |i, j| cs[i].row[j]);
    let b = DVector::from_iterator(cs.len(), cs.iter().map(|c| c.target));
    (a, b)
}

/// Moves `y0` by the smallest correction that meets `hard` exactly (least squares where they
/// are inconsistent), then, within the null space of `hard`, as close as possible to `soft`.
/// `scale` (per unit, > 0) makes corrections proportionally larger where it is larger.
pub fn correct(y0: &[f64], hard: &[Constraint], soft: &[Constraint], scale: &[f64]) -> Vec<f64> {
    let n = y0.len();
    let s = DVector::from_column_slice(scale);
    // Work in z = y / s so the minimum-norm step is a weighted one.
    let rescale = |cs: &[Constraint]| -> Vec<Constraint> {
        cs.iter()
            .map(|c| Constraint {
                row: c.row.component_mul(&s),
                target: c.target,
            })
            .collect()
    };
    let (a, b) = stack(&rescale(hard), n);
    let z0 = DVector::from_iterator(n, (0..n).map(|i| y0[i] / scale[i]));
    // Relative truncation: published figures tie some constraints together (identities),
    // and near-dependent rows must not produce huge corrections.
    let svd = a.clone().svd(true, true);
    let smax = svd.singular_values.max();
    let a_pinv = svd.pseudo_inverse(smax * 1e-6).expect("svd");
    let z1 = &z0 + &a_pinv * (&b - &a * &z0);
    let mut z = z1.clone();
    if !soft.is_empty() {
        let null = DMatrix::<f64>::identity(n, n) - &a_pinv * &a;
        let (sa, sb) = stack(&rescale(soft), n);
        let sn = &sa * &null;
        // Truncated SVD: soft targets nearly implied by the hard ones would otherwise get
        // enormous steps along almost-singular directions.
        let svd = sn.svd(true, true);
        let smax = svd.singular_values.max();
        let step = svd.pseudo_inverse(smax * 1e-6).expect("svd") * (&sb - &sa * &z1);
        z = z1 + &null * step;
    }
    (0..n).map(|i| z[i] * scale[i]).collect()
}

/// Rounds `x` (a rate or share per unit, %) to integer counts `count = x · base / 100` for the
/// units marked `active`, choosing floor or ceiling (and ±1 more) greedily so that the
/// constraints, each scaled by its tolerance, stay as close as possible to their targets.
pub fn round_counts(
    x: &[f64],
    base: &[f64],
    active: &[bool],
    cs: &[(Constraint, f64)],
) -> Vec<i64> {
    let n = x.len();
    let mut counts: Vec<i64> = (0..n)
        .map(|k| {
            if active[k] {
                ((x[k] * base[k] / 100.0).round() as i64).clamp(0, base[k].floor() as i64)
            } else {
                0
            }
        })
        .collect();
    let xr = |counts: &[i64], k: usize| {
        if active[k] {
            counts[k] as f64 * 100.0 / base[k]
        } else {
            x[k]
        }
    };
    let xv: Vec<f64> = (0..n).map(|k| xr(&counts, k)).collect();
    let mut res: Vec<f64> = cs
        .iter()
        .map(|(c, tol)| (c.row.iter().zip(&xv).map(|(a, b)| a * b).sum::<f64>() - c.target) / tol)
        .collect();
    let cost = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    for _ in 0..300 {
        let mut improved = false;
        for k in (0..n).filter(|&k| active[k]) {
            for delta in [-1i64, 1] {
                // Counts stay within 0..=base (no more employed than persons).
                if counts[k] + delta < 0 || (counts[k] + delta) as f64 > base[k] {
                    continue;
                }
                let step = delta as f64 * 100.0 / base[k];
                let trial: Vec<f64> = res
                    .iter()
                    .zip(cs)
                    .map(|(r, (c, tol))| r + c.row[k] * step / tol)
                    .collect();
                if cost(&trial) < cost(&res) - 1e-12 {
                    res = trial;
                    counts[k] += delta;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
    counts
}

/// Column (1) targets for a comparison on the same units as the overall mean `m`:
/// const + treat · share = m must hold, so pick the pair inside the rounding boxes of the
/// published values (±0.045) that satisfies it best.
pub fn column1_targets(treat: f64, konst: f64, share: f64, m: f64) -> (f64, f64) {
    let mut best = (f64::MAX, treat, konst);
    for i in -45..=45 {
        let c = konst + i as f64 * 0.001;
        let t = ((m - c) / share).clamp(treat - 0.045, treat + 0.045);
        let miss = (c + t * share - m).abs() * 100.0 + (t - treat).abs() + (c - konst).abs();
        if miss < best.0 {
            best = (miss, t, c);
        }
    }
    (best.1, best.2)
}

/// Like `correct`, but each hard constraint only has to land within `half` of its centre
/// (the published value's rounding box): alternating projections between the targets the
/// design can reach exactly and the boxes.
pub fn correct_boxed(
    y0: &[f64],
    hard: &[Constraint],
    centres: &[f64],
    halves: &[f64],
    soft: &[Constraint],
    scale: &[f64],
) -> Vec<f64> {
    let mut targets: Vec<Constraint> = hard.to_vec();
    let mut y = correct(y0, &targets, soft, scale);
    for _ in 0..80 {
        let yv = DVector::from_column_slice(&y);
        let mut worst: f64 = 0.0;
        for ((t, c), half) in targets.iter_mut().zip(centres).zip(halves) {
            let v = t.row.dot(&yv);
            worst = worst.max((v - c).abs() - half);
            t.target = c + (v - c).clamp(-half, *half);
        }
        y = correct(y0, &targets, soft, scale);
        if worst <= 1e-9 {
            break;
        }
    }
    y
}

/// Nonlinear least squares (Levenberg–Marquardt, forward-difference Jacobian): moves `p0` to
/// reduce Σ r(p)². Used where the published figures are not linear in what the generator
/// chooses: standard errors and R² depend on the residuals' shape, and every coefficient
/// depends on the synthetic control values. `steps` are the difference steps per parameter.
/// Jacobian columns are independent, so they are computed in parallel without changing the
/// result (the same seed still writes the same bytes).
pub fn levenberg_marquardt(
    p0: &[f64],
    residuals: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    steps: &[f64],
    iterations: usize,
) -> Vec<f64> {
    levenberg_marquardt_within(p0, residuals, steps, iterations, None)
}

/// Like `levenberg_marquardt`, but every step lies in the range of `projector` (an orthogonal
/// projector onto the null space of linear constraints `p0` already meets), so those
/// constraints hold exactly throughout instead of being stiff residuals.
pub fn levenberg_marquardt_within(
    p0: &[f64],
    residuals: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    steps: &[f64],
    iterations: usize,
    projector: Option<&DMatrix<f64>>,
) -> Vec<f64> {
    use rayon::prelude::*;
    let cost = |r: &[f64]| r.iter().map(|v| v * v).sum::<f64>();
    let mut p = p0.to_vec();
    let mut r = residuals(&p);
    let mut lambda = 1e-3;
    for _ in 0..iterations {
        let cols: Vec<Vec<f64>> = (0..p.len())
            .into_par_iter()
            .map(|j| {
                let mut q = p.clone();
                q[j] += steps[j];
                residuals(&q)
                    .iter()
                    .zip(&r)
                    .map(|(a, b)| (a - b) / steps[j])
                    .collect()
            })
            .collect();
        let mut jac = DMatrix::from_fn(r.len(), p.len(), |i, j| cols[j][i]);
        if let Some(proj) = projector {
            jac *= proj;
        }
        let jtj = jac.transpose() * &jac;
        let g = jac.transpose() * DVector::from_column_slice(&r);
        let mut accepted = false;
        for _ in 0..12 {
            // Marquardt's scaling: damp each direction by its own curvature.
            let mut a = jtj.clone();
            for j in 0..p.len() {
                a[(j, j)] += lambda * (jtj[(j, j)] + 1e-9);
            }
            let Some(chol) = a.cholesky() else {
                lambda *= 10.0;
                continue;
            };
            let mut step = chol.solve(&(-&g));
            if let Some(proj) = projector {
                step = proj * step;
            }
            let q: Vec<f64> = p.iter().zip(step.iter()).map(|(a, b)| a + b).collect();
            let rq = residuals(&q);
            if cost(&rq) < cost(&r) {
                p = q;
                r = rq;
                lambda = (lambda * 0.3).max(1e-9);
                accepted = true;
                break;
            }
            lambda *= 10.0;
        }
        if !accepted {
            break;
        }
    }
    p
}

/// Levenberg–Marquardt for residuals made of a few rows `dense(p)` that couple all unknowns
/// (forward-difference Jacobian, columns in parallel) and rows `own(j, p[j])` that depend on
/// one unknown alone (priors, ranges). Their Gauss–Newton matrix is a diagonal plus a
/// low-rank term, so each step solves a system of the dense rows' size (Woodbury) instead
/// of one per unknown: thousands of unknowns stay cheap.
/// It stops after `iterations`, or once a step gains less than `min_gain` of the cost.
pub fn levenberg_marquardt_sparse_prior(
    p0: &[f64],
    dense: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    own: &(dyn Fn(usize, f64) -> [f64; 2] + Sync),
    h: f64,
    iterations: usize,
    min_gain: f64,
) -> (Vec<f64>, usize) {
    use rayon::prelude::*;
    let cost = |p: &[f64], r: &[f64]| -> f64 {
        r.iter().map(|v| v * v).sum::<f64>()
            + p.iter()
                .enumerate()
                .map(|(j, &v)| own(j, v).iter().map(|x| x * x).sum::<f64>())
                .sum::<f64>()
    };
    let n = p0.len();
    let mut p = p0.to_vec();
    let mut r = dense(&p);
    let mut c = cost(&p, &r);
    let mut lambda = 1e-3;
    let mut done = 0;
    for _ in 0..iterations {
        done += 1;
        let m = r.len();
        let cols: Vec<Vec<f64>> = (0..n)
            .into_par_iter()
            .map(|j| {
                let mut q = p.clone();
                q[j] += h;
                dense(&q).iter().zip(&r).map(|(a, b)| (a - b) / h).collect()
            })
            .collect();
        let jac = DMatrix::from_fn(m, n, |i, j| cols[j][i]);
        let rv = DVector::from_column_slice(&r);
        let mut g: Vec<f64> = (0..n).map(|j| jac.column(j).dot(&rv)).collect();
        let jd: Vec<f64> = (0..n).map(|j| jac.column(j).norm_squared()).collect();
        let mut dd = vec![0.0; n];
        for j in 0..n {
            let o = own(j, p[j]);
            let o2 = own(j, p[j] + h);
            for k in 0..2 {
                let d = (o2[k] - o[k]) / h;
                dd[j] += d * d;
                g[j] += d * o[k];
            }
        }
        let mut accepted = false;
        for _ in 0..12 {
            let a: Vec<f64> = (0..n)
                .map(|j| dd[j] + lambda * (dd[j] + jd[j] + 1e-9) + 1e-12)
                .collect();
            // (diag(a) + J'J)⁻¹ g = a⁻¹g − a⁻¹J'(I + J a⁻¹ J')⁻¹ J a⁻¹ g
            let aig = DVector::from_iterator(n, (0..n).map(|j| g[j] / a[j]));
            let aijt = DMatrix::from_fn(n, m, |j, i| jac[(i, j)] / a[j]);
            let k = DMatrix::<f64>::identity(m, m) + &jac * &aijt;
            let Some(chol) = k.cholesky() else {
                lambda *= 10.0;
                continue;
            };
            let step = &aig - &aijt * chol.solve(&(&jac * &aig));
            let q: Vec<f64> = p.iter().zip(step.iter()).map(|(a, b)| a - b).collect();
            let rq = dense(&q);
            let cq = cost(&q, &rq);
            if cq < c {
                let gain = (c - cq) / c.max(1e-300);
                p = q;
                r = rq;
                c = cq;
                lambda = (lambda * 0.3).max(1e-9);
                accepted = gain > min_gain;
                break;
            }
            lambda *= 10.0;
        }
        if !accepted {
            break;
        }
    }
    (p, done)
}

/// Rounds like `round_counts`, but one unit at a time, coarsest step first, and after each
/// unit moves the still-continuous ones by the minimum-norm step that meets every
/// constraint again. Where a few high-leverage units decide a published figure, single-count
/// moves (the greedy `round_counts`) cannot reach it; here the rounding error of each unit
/// is absorbed by the others as it happens, and only the last, finest units carry any.
/// Returns shares (x space), whole counts per unit: pass them to `round_counts` to polish.
pub fn round_counts_sequential(
    x: &[f64],
    base: &[f64],
    active: &[bool],
    cs: &[(Constraint, f64)],
) -> Vec<f64> {
    let n = x.len();
    let mut x = x.to_vec();
    let mut order: Vec<usize> = (0..n).filter(|&k| active[k]).collect();
    // Coarsest first: a unit with a small base moves its share in large steps.
    order.sort_by(|&a, &b| base[a].total_cmp(&base[b]).then(a.cmp(&b)));
    let a = DMatrix::from_fn(cs.len(), n, |i, j| cs[i].0.row[j] / cs[i].1);
    let b = DVector::from_iterator(cs.len(), cs.iter().map(|(c, tol)| c.target / tol));
    let mut free = vec![false; n];
    for &k in &order {
        free[k] = true;
    }
    const BLOCK: usize = 8;
    for chunk in order.chunks(BLOCK) {
        for &k in chunk {
            let count = (x[k] * base[k] / 100.0).round().clamp(0.0, base[k].floor());
            x[k] = count * 100.0 / base[k];
            free[k] = false;
        }
        let cols: Vec<usize> = (0..n).filter(|&j| free[j]).collect();
        if cols.is_empty() {
            break;
        }
        let xv = DVector::from_column_slice(&x);
        let miss = &b - &a * &xv;
        let af = DMatrix::from_fn(cs.len(), cols.len(), |i, j| a[(i, cols[j])]);
        let svd = af.svd(true, true);
        let smax = svd.singular_values.max();
        let Ok(pinv) = svd.pseudo_inverse(smax * 1e-9) else {
            continue;
        };
        let step = pinv * miss;
        for (j, &c) in cols.iter().enumerate() {
            x[c] = (x[c] + step[j]).clamp(0.0, 100.0);
        }
    }
    x
}

/// A coefficient as the report prints it: value and SE to one decimal, stars from the
/// two-sided p-value of Student's t with `df` degrees of freedom (0 = none, 3 = ***).
#[derive(Debug, Clone, Copy)]
pub struct Printed {
    pub coef: f64,
    pub se: f64,
    pub stars: usize,
}

/// |t| bounds of each star class for `df`: none below q(.95), * up to q(.975), ** up to
/// q(.995), *** beyond.
pub fn star_band(stars: usize, df: f64) -> (f64, f64) {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let t = StudentsT::new(0.0, 1.0, df).expect("positive df");
    let q = [
        0.0,
        t.inverse_cdf(0.95),
        t.inverse_cdf(0.975),
        t.inverse_cdf(0.995),
        f64::INFINITY,
    ];
    (q[stars], q[stars + 1])
}

/// The (coefficient, SE) the shaping aims at for a printed coefficient: of the points inside
/// both one-decimal rounding boxes whose t lies in the printed star class, the one farthest
/// from every edge (box edges in units of the box width, star edges as log-ratios of t).
/// Aiming at the published value itself would put many targets on an edge: a printed
/// −0.1* (0.0) needs |b| ≥ 0.05 and SE < 0.05 at once. `fixed` pins the coefficient (the
/// linear step already met it).
pub fn printed_target(p: Printed, df: f64, fixed: Option<f64>) -> (f64, f64) {
    let (tlo, thi) = star_band(p.stars, df);
    let (clo, chi) = (p.coef - 0.05, p.coef + 0.05);
    let (slo, shi) = ((p.se - 0.05).max(0.0), p.se + 0.05);
    let coefs: Vec<f64> = match fixed {
        Some(c) => vec![c],
        None => (1..80)
            .map(|i| clo + (chi - clo) * i as f64 / 80.0)
            .collect(),
    };
    let mut best = (f64::MIN, p.coef, p.se);
    for &c in &coefs {
        for j in 1..80 {
            let s = slo + (shi - slo) * j as f64 / 80.0;
            let t = (c / s).abs();
            let td = (t.ln() - tlo.max(1e-12).ln()).min(thi.ln() - t.ln());
            let cd = if fixed.is_some() {
                f64::INFINITY
            } else {
                (c - clo).min(chi - c) / 0.1
            };
            let sd = (s - slo).min(shi - s) / 0.1;
            let score = cd.min(sd).min(td / 2.0);
            if score > best.0 {
                best = (score, c, s);
            }
        }
    }
    (best.1, best.2)
}

/// The print box of an R² (two decimals), as a residual that is zero well inside it.
pub fn r2_residual(got: f64, printed: f64) -> f64 {
    (got - printed) / 0.0015
}
