//! Weighted least squares with named terms and inference, on the least-squares kernel.

use super::design::{check_inputs, collinear_terms};
use super::inference::TInference;
use super::kernel::{Heteroskedastic, KernelError, LeastSquares, dot};
use super::{EstimateError, VarianceType};
use serde::Serialize;
use std::cell::RefCell;

/// One estimated coefficient with its inference (t distribution, n − k df).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coefficient {
    pub term: String,
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
    /// Weighted R² around the weighted mean (as Stata and statsmodels report it).
    pub r2: f64,
    pub variance: VarianceType,
    /// Residuals y − Xb, in input order.
    pub residuals: Vec<f64>,
}

impl Fit {
    /// The coefficient of `term`, if the fit has it.
    pub fn coefficient(&self, term: &str) -> Option<&Coefficient> {
        self.coefficients.iter().find(|c| c.term == term)
    }
}

/// Regresses `y` on the named `columns` (include a constant column yourself) with optional
/// analytic weights, and the requested variance estimator.
pub fn wls(
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    variance: VarianceType,
) -> Result<Fit, EstimateError> {
    wls_labelled(y, columns, weights, variance, &|row| {
        format!("row {}", row + 1)
    })
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
    row_label: &dyn Fn(usize) -> String,
) -> Result<Fit, EstimateError> {
    check_inputs(y, columns, weights)?;
    WORKSPACE.with_borrow_mut(|(ls, sqrt_w)| {
        let sqrt_w = weights.map(|w| {
            sqrt_w.clear();
            sqrt_w.extend(w.iter().map(|v| v.sqrt()));
            sqrt_w.as_slice()
        });
        ls.load(y, columns.iter().map(|(_, c)| *c), sqrt_w, None);
        fit_loaded(ls, y, columns, weights, sqrt_w, variance, row_label)
    })
}

/// The fit of the design already loaded into `ls` (the √w-scaled `columns` and `y`).
fn fit_loaded(
    ls: &mut LeastSquares,
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
    sqrt_w: Option<&[f64]>,
    variance: VarianceType,
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
    };
    ls.fit().map_err(kernel_error)?;
    let (n, k) = (ls.n(), ls.k());
    let df_resid = n - k;
    covariance(ls, variance).map_err(kernel_error)?;
    // Residuals that are all zero (up to rounding) are an exact fit: no variance, no inference.
    let max_sqrt_w = sqrt_w.map_or(1.0, |s| s.iter().fold(0.0_f64, |m, v| m.max(*v)));
    let y_scale = y
        .iter()
        .fold(0.0_f64, |m, v| m.max(v.abs()))
        .max(f64::MIN_POSITIVE)
        * max_sqrt_w;
    if ls.residuals().iter().all(|e| e.abs() <= 1e-12 * y_scale) {
        return Err(EstimateError::InvalidInput(
            "the regressors fit y exactly (the residuals are all zero), so standard errors, t and p are undefined".into(),
        ));
    }
    let inference = TInference::new(df_resid)?;
    let (estimates, covariance) = (ls.coefficients(), ls.covariance());
    let coefficients = columns
        .iter()
        .enumerate()
        .map(|(j, (term, _))| inference.coefficient(term, estimates[j], covariance[j * k + j]))
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
        r2: weighted_r2(y, weights, weighted_residuals, None)?,
        variance,
        residuals,
    })
}

/// The covariance of the fitted coefficients in `ls` for `variance`.
pub(super) fn covariance(ls: &mut LeastSquares, variance: VarianceType) -> Result<(), KernelError> {
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
    }
    Ok(())
}

/// 1 − Σ w e² / Σ w (y − ȳ_w)², centred on the weighted mean ȳ_w (statsmodels WLS `rsquared`
/// for a model with a constant; Stata `regress [aw=w]`), over the rows other than `skip`.
pub(super) fn weighted_r2(
    y: &[f64],
    weights: Option<&[f64]>,
    weighted_residuals: &[f64],
    skip: Option<usize>,
) -> Result<f64, EstimateError> {
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    let rows = || (0..y.len()).filter(|&i| Some(i) != skip);
    let total_weight: f64 = rows().map(weight).sum();
    let mean = rows().map(|i| weight(i) * y[i]).sum::<f64>() / total_weight;
    let total_ss: f64 = rows().map(|i| weight(i) * (y[i] - mean).powi(2)).sum();
    if !(total_ss > 0.0 && total_ss.is_finite()) {
        return Err(EstimateError::InvalidInput(
            "y does not vary, so R² is undefined".into(),
        ));
    }
    Ok(1.0 - dot(weighted_residuals, weighted_residuals) / total_ss)
}
