//! Weighted least squares with named terms and inference, on the least-squares kernel.

use super::Term;
use super::design::{check_inputs, collinear_terms};
use super::inference::TInference;
use super::kernel::{Heteroskedastic, KernelError, LeastSquares, cr1_factor, dot};
use super::{EstimateError, VarianceType};
use serde::Serialize;
use std::cell::RefCell;

/// One estimated coefficient with its inference (t distribution, n − k df).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficient {
    pub term: Term,
    pub estimate: f64,
    pub std_error: f64,
    pub t: f64,
    pub p_value: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// A fitted regression.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub coefficients: Vec<Coefficient>,
    pub n: usize,
    pub df_resid: usize,
    /// Degrees of freedom of the t distribution behind p-values and intervals: n − k, or
    /// G − 1 for cluster-robust variance.
    pub df_inference: usize,
    /// Number of clusters G (CR1 only).
    pub clusters: Option<usize>,
    /// Weighted R² around the weighted mean (as Stata and statsmodels report it).
    pub r2: f64,
    pub variance: VarianceType,
    /// Residuals y − Xb, in input order.
    pub residuals: Vec<f64>,
}

impl Fit {
    /// The coefficient of `term`, if the fit has it.
    pub fn coefficient(&self, term: &Term) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.term == *term)
    }

    /// The coefficient of the treatment dummy, if the fit has it.
    pub fn treated(&self) -> Option<&Coefficient> {
        self.coefficient(&Term::Treated)
    }

    /// The coefficient of the column called `name` (a control's column name, or `treated`,
    /// `measure`, `const`).
    pub fn by_name(&self, name: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.term.name() == name)
    }
}

/// The cluster of each row as an index 0..G, clusters numbered in sorted order of their labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterIndex {
    /// `of_row[i]` < `labels.len()`: the cluster of row i.
    pub of_row: Vec<usize>,
    /// The clusters' labels, sorted.
    pub labels: Vec<String>,
}

impl ClusterIndex {
    /// Numbers the distinct `labels` in sorted order.
    pub fn new<S: AsRef<str>>(labels: &[S]) -> ClusterIndex {
        let mut distinct: Vec<&str> = labels.iter().map(AsRef::as_ref).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let of_row = labels
            .iter()
            .map(|l| distinct.binary_search(&l.as_ref()).unwrap_or(0))
            .collect();
        ClusterIndex {
            of_row,
            labels: distinct.into_iter().map(str::to_string).collect(),
        }
    }

    /// The number of clusters G.
    pub fn count(&self) -> usize {
        self.labels.len()
    }
}

/// Regresses `y` on the named `columns` (include a constant column yourself) with optional
/// analytic weights, and the requested variance estimator (not [`VarianceType::Cr1`], which
/// needs clusters: [`wls_clustered`]).
pub fn wls(
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    variance: VarianceType,
) -> Result<Fit, EstimateError> {
    wls_labelled(y, columns, weights, variance, None, &|row| {
        format!("row {}", row + 1)
    })
}

/// `wls` with cluster-robust CR1 standard errors, `clusters[i]` the cluster label of row i,
/// and t inference on G − 1 degrees of freedom.
pub fn wls_clustered<S: AsRef<str>>(
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    clusters: &[S],
) -> Result<Fit, EstimateError> {
    if clusters.len() != y.len() {
        return Err(EstimateError::InvalidInput(format!(
            "clusters have {} values but y has {}",
            clusters.len(),
            y.len()
        )));
    }
    let index = ClusterIndex::new(clusters);
    wls_labelled(
        y,
        columns,
        weights,
        VarianceType::Cr1,
        Some(&index),
        &|row| format!("row {}", row + 1),
    )
}

thread_local! {
    /// One kernel workspace and √w buffer per thread: repeated fits (the dashboard's
    /// re-estimation, leave-one-out, the placebo) reuse their buffers instead of allocating.
    static WORKSPACE: RefCell<(LeastSquares, Vec<f64>)> = RefCell::new(Default::default());
}

/// `wls`, with `row_label` naming a row in errors that concern one observation (the DiD names
/// the unit instead of its row number).
pub(super) fn wls_labelled(
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    variance: VarianceType,
    clusters: Option<&ClusterIndex>,
    row_label: &dyn Fn(usize) -> String,
) -> Result<Fit, EstimateError> {
    WORKSPACE.with_borrow_mut(|(ls, sqrt_w)| {
        #[cfg(target_arch = "x86_64")]
        if super::kernel::has_avx2_fma() {
            // SAFETY: the CPU has AVX2 and FMA, checked on the line above.
            return unsafe {
                wls_in_avx2(
                    ls, sqrt_w, y, columns, weights, variance, clusters, row_label,
                )
            };
        }
        wls_in(
            ls, sqrt_w, y, columns, weights, variance, clusters, row_label,
        )
    })
}

/// `wls_in` compiled for AVX2 and FMA: the checks, the √w scaling, R² and the unweighted
/// residuals around the kernel then use the wide registers too (a closure, such as the one
/// borrowing the thread's workspace, would not inherit them, hence the workspace is passed
/// in). Every sum there keeps its explicit order, so the results are those of the baseline.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
#[allow(clippy::too_many_arguments)]
unsafe fn wls_in_avx2(
    ls: &mut LeastSquares,
    sqrt_w_buffer: &mut Vec<f64>,
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    variance: VarianceType,
    clusters: Option<&ClusterIndex>,
    row_label: &dyn Fn(usize) -> String,
) -> Result<Fit, EstimateError> {
    wls_in(
        ls,
        sqrt_w_buffer,
        y,
        columns,
        weights,
        variance,
        clusters,
        row_label,
    )
}

/// The fit in the given workspace, √w kept in `sqrt_w_buffer`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn wls_in(
    ls: &mut LeastSquares,
    sqrt_w_buffer: &mut Vec<f64>,
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    variance: VarianceType,
    clusters: Option<&ClusterIndex>,
    row_label: &dyn Fn(usize) -> String,
) -> Result<Fit, EstimateError> {
    check_inputs(y, columns, weights)?;
    check_clusters(variance, clusters)?;
    let sqrt_w = weights.map(|w| {
        sqrt_w_buffer.clear();
        sqrt_w_buffer.extend(w.iter().map(|v| v.sqrt()));
        sqrt_w_buffer.as_slice()
    });
    ls.load(y, columns.iter().map(|(_, c)| *c), sqrt_w, None);
    let weights = LoadedWeights {
        raw: weights,
        sqrt: sqrt_w,
    };
    fit_loaded(ls, y, columns, weights, variance, clusters, row_label)
}

/// The analytic weights of a fit and their square roots (what the design was scaled by).
#[derive(Clone, Copy)]
struct LoadedWeights<'a> {
    raw: Option<&'a [f64]>,
    sqrt: Option<&'a [f64]>,
}

/// The fit of the design already loaded into `ls` (the √w-scaled `columns` and `y`).
#[inline(always)]
fn fit_loaded(
    ls: &mut LeastSquares,
    y: &[f64],
    columns: &[(&str, &[f64])],
    LoadedWeights {
        raw: weights,
        sqrt: sqrt_w,
    }: LoadedWeights,
    variance: VarianceType,
    clusters: Option<&ClusterIndex>,
    row_label: &dyn Fn(usize) -> String,
) -> Result<Fit, EstimateError> {
    let kernel_error = |e: KernelError| match e {
        KernelError::Dependent { .. } => EstimateError::Collinear {
            terms: collinear_terms(y, columns, sqrt_w),
        },
        KernelError::TooFewRows { n, k } => EstimateError::TooFewObservations { n, k },
        KernelError::NotFinite => EstimateError::InvalidInput(
            "values too large to square in double precision; rescale the data".into(),
        ),
        KernelError::LeverageOne { row } => EstimateError::InvalidInput(format!(
            "{} has leverage 1 (it alone determines a coefficient, e.g. the only unit with a \
             dummy set), so HC2/HC3 are undefined; use hc1 or hc0",
            row_label(row)
        )),
        KernelError::NoClusters => EstimateError::InvalidInput(
            "cluster-robust (CR1) standard errors need the cluster of every row".into(),
        ),
    };
    // Classical, HC0 and HC1 need only R⁻¹ and the residuals; HC2, HC3 and CR1 need Q.
    let needs_q = matches!(
        variance,
        VarianceType::Hc2 | VarianceType::Hc3 | VarianceType::Cr1
    );
    ls.fit_lean(needs_q).map_err(kernel_error)?;
    let (n, k) = (ls.n(), ls.k());
    let df_resid = n - k;
    covariance(ls, variance, clusters).map_err(kernel_error)?;
    // Residuals that are zero up to rounding (their norm a 1e-12 part of the outcome's) are an
    // exact fit: no variance, no inference. Two vectorised dot products, not a search.
    let residual_ss = dot(ls.residuals(), ls.residuals());
    if residual_ss <= 1e-24 * dot(ls.outcome(), ls.outcome()) {
        return Err(EstimateError::InvalidInput(
            "the regressors fit y exactly (the residuals are all zero), so standard errors, t and p are undefined".into(),
        ));
    }
    let df_inference = match (variance, clusters) {
        (VarianceType::Cr1, Some(c)) => c.count() - 1,
        _ => df_resid,
    };
    let inference = TInference::new(df_inference)?;
    let (estimates, covariance) = (ls.coefficients(), ls.covariance());
    let coefficients = columns
        .iter()
        .enumerate()
        .map(|(j, (name, _))| {
            inference.coefficient(Term::from_name(name), estimates[j], covariance[j * k + j])
        })
        .collect::<Result<Vec<_>, _>>()?;
    let weighted_residuals = ls.residuals();
    let residuals = match sqrt_w {
        Some(s) => weighted_residuals
            .iter()
            .zip(s)
            .map(|(e, s)| e / s)
            .collect(),
        None => weighted_residuals.to_vec(),
    };
    Ok(Fit {
        coefficients,
        n,
        df_resid,
        df_inference,
        clusters: clusters
            .filter(|_| variance == VarianceType::Cr1)
            .map(ClusterIndex::count),
        r2: weighted_r2(y, weights, weighted_residuals, None)?,
        variance,
        residuals,
    })
}

/// CR1 needs a cluster for every row and at least two clusters (G − 1 degrees of freedom).
fn check_clusters(
    variance: VarianceType,
    clusters: Option<&ClusterIndex>,
) -> Result<(), EstimateError> {
    if variance != VarianceType::Cr1 {
        return Ok(());
    }
    match clusters {
        None => Err(EstimateError::InvalidInput(
            "cluster-robust (CR1) standard errors need the cluster of every row".into(),
        )),
        Some(c) if c.count() < 2 => Err(EstimateError::InvalidInput(format!(
            "cluster-robust (CR1) standard errors need at least 2 clusters; all rows are in {}",
            c.labels.first().map_or("none", String::as_str)
        ))),
        Some(_) => Ok(()),
    }
}

/// The covariance of the fitted coefficients in `ls` for `variance` (`clusters` for CR1).
pub(super) fn covariance(
    ls: &mut LeastSquares,
    variance: VarianceType,
    clusters: Option<&ClusterIndex>,
) -> Result<(), KernelError> {
    let df_resid = (ls.n() - ls.k()) as f64;
    match variance {
        VarianceType::Classical => {
            ls.xtx_inverse(true);
        }
        VarianceType::Hc0 => {
            ls.heteroskedastic(Heteroskedastic::Hc0, 1.0)?;
        }
        // Stata `vce(robust)`: HC0 × n/(n − k).
        VarianceType::Hc1 => {
            ls.heteroskedastic(Heteroskedastic::Hc0, ls.n() as f64 / df_resid)?;
        }
        // statsmodels HC2: e_w² / (1 − h_ii); HC3: e_w² / (1 − h_ii)².
        VarianceType::Hc2 => {
            ls.heteroskedastic(Heteroskedastic::Hc2, 1.0)?;
        }
        VarianceType::Hc3 => {
            ls.heteroskedastic(Heteroskedastic::Hc3, 1.0)?;
        }
        VarianceType::Cr1 => {
            let clusters = clusters.ok_or(KernelError::NoClusters)?;
            let factor = cr1_factor(clusters.count(), ls.n(), ls.k());
            ls.clustered(&clusters.of_row, clusters.count(), factor);
        }
    }
    Ok(())
}

/// 1 − Σ w e² / Σ w (y − ȳ_w)², centred on the weighted mean ȳ_w (statsmodels WLS `rsquared`
/// for a model with a constant; Stata `regress [aw=w]`), over the rows other than `skip`.
#[inline(always)]
pub(super) fn weighted_r2(
    y: &[f64],
    weights: Option<&[f64]>,
    weighted_residuals: &[f64],
    skip: Option<usize>,
) -> Result<f64, EstimateError> {
    // The rows other than `skip`, as (up to) two contiguous runs, so the sums below work on
    // slices and can keep several partial sums (a running sum over a filtered index waits on
    // each addition in turn).
    let runs = |v: &'_ [f64]| -> [std::ops::Range<usize>; 2] {
        match skip {
            Some(s) if s < v.len() => [0..s, s + 1..v.len()],
            _ => [0..v.len(), 0..0],
        }
    };
    let (mut total_weight, mut weighted_sum) = (0.0, 0.0);
    for run in runs(y) {
        let ys = &y[run.clone()];
        match weights {
            Some(w) => {
                let ws = &w[run];
                total_weight += sum_lanes(ws.len(), |i| ws[i]);
                weighted_sum += dot(ws, ys);
            }
            None => {
                total_weight += ys.len() as f64;
                weighted_sum += sum_lanes(ys.len(), |i| ys[i]);
            }
        }
    }
    let mean = weighted_sum / total_weight;
    let mut total_ss = 0.0;
    for run in runs(y) {
        let ys = &y[run.clone()];
        total_ss += match weights {
            Some(w) => {
                let ws = &w[run];
                sum_lanes(ys.len(), |i| ws[i] * (ys[i] - mean) * (ys[i] - mean))
            }
            None => sum_lanes(ys.len(), |i| (ys[i] - mean) * (ys[i] - mean)),
        };
    }
    if !(total_ss > 0.0 && total_ss.is_finite()) {
        return Err(EstimateError::InvalidInput(
            "y does not vary, so R² is undefined".into(),
        ));
    }
    Ok(1.0 - dot(weighted_residuals, weighted_residuals) / total_ss)
}

/// Σ term(i) for i in 0..len with four partial sums, combined pairwise.
#[inline(always)]
fn sum_lanes(len: usize, term: impl Fn(usize) -> f64) -> f64 {
    let mut lanes = [0.0f64; 4];
    let whole = len / 4 * 4;
    for i in (0..whole).step_by(4) {
        for (l, lane) in lanes.iter_mut().enumerate() {
            *lane += term(i + l);
        }
    }
    let tail: f64 = (whole..len).map(term).sum();
    ((lanes[0] + lanes[2]) + (lanes[1] + lanes[3])) + tail
}
