//! Weighted least squares by a QR decomposition of the weighted design.

use super::{EstimateError, VarianceType};
use serde::Serialize;

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
    let _ = (y, columns, weights, variance);
    Err(EstimateError::InvalidInput("wls not written yet".into()))
}
