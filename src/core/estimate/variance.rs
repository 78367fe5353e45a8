//! Covariance matrices of the WLS coefficients from the QR factors of the weighted design.
//!
//! With X_w = √W X = Q R, (X'WX)^-1 = R^-1 R^-T. The robust variances are the sandwich
//! (X_w'X_w)^-1 X_w' diag(s) X_w (X_w'X_w)^-1 of statsmodels `_HCCM` (`pinv_wexog` = R^-1 Q'),
//! so the meat is R^-1 [Q' diag(s) Q] R^-T with s built from the weighted residuals
//! e_w = √w e. For HC0 this is Stata's Σ w_i² e_i² x_i x_i'.

use super::{EstimateError, VarianceType};
use nalgebra::{DMatrix, DVector};

/// Leverages of 1 − h below this make HC2/HC3 undefined (0/0: the row is fitted exactly).
const LEVERAGE_ONE_TOLERANCE: f64 = 1e-10;

/// Covariance of the coefficients for `variance`, given the thin Q (n × k), R^-1 and the
/// weighted residuals; `row_label` names a row in an error ("row 4", "unit 08111 (Stuttgart)").
pub(super) fn covariance(
    variance: VarianceType,
    q: &DMatrix<f64>,
    r_inv: &DMatrix<f64>,
    weighted_residuals: &DVector<f64>,
    row_label: &dyn Fn(usize) -> String,
) -> Result<DMatrix<f64>, EstimateError> {
    let (n, k) = q.shape();
    let df_resid = (n - k) as f64;
    match variance {
        // σ² (X'WX)^-1 with σ² = Σ w e² / (n − k).
        VarianceType::Classical => {
            Ok(r_inv * r_inv.transpose() * (weighted_residuals.norm_squared() / df_resid))
        }
        VarianceType::Hc0 => Ok(sandwich(q, r_inv, &squared(weighted_residuals))),
        // Stata `vce(robust)`: HC0 × n/(n − k).
        VarianceType::Hc1 => {
            Ok(sandwich(q, r_inv, &squared(weighted_residuals)) * (n as f64 / df_resid))
        }
        // statsmodels HC2: e_w² / (1 − h_ii); HC3: e_w² / (1 − h_ii)².
        VarianceType::Hc2 => Ok(sandwich(
            q,
            r_inv,
            &leverage_scaled(q, weighted_residuals, 1, row_label)?,
        )),
        VarianceType::Hc3 => Ok(sandwich(
            q,
            r_inv,
            &leverage_scaled(q, weighted_residuals, 2, row_label)?,
        )),
    }
}

fn squared(weighted_residuals: &DVector<f64>) -> DVector<f64> {
    weighted_residuals.map(|e| e * e)
}

/// R^-1 [Q' diag(s) Q] R^-T.
fn sandwich(q: &DMatrix<f64>, r_inv: &DMatrix<f64>, scale: &DVector<f64>) -> DMatrix<f64> {
    let mut scaled_q = q.clone();
    for (i, mut row) in scaled_q.row_iter_mut().enumerate() {
        row *= scale[i];
    }
    let meat = q.tr_mul(&scaled_q);
    r_inv * meat * r_inv.transpose()
}

/// Leverages h_ii of the weighted design: the diagonal of the hat matrix Q Q'.
pub(super) fn leverages(q: &DMatrix<f64>) -> DVector<f64> {
    DVector::from_fn(q.nrows(), |i, _| q.row(i).norm_squared())
}

fn leverage_scaled(
    q: &DMatrix<f64>,
    weighted_residuals: &DVector<f64>,
    power: i32,
    row_label: &dyn Fn(usize) -> String,
) -> Result<DVector<f64>, EstimateError> {
    let h = leverages(q);
    if let Some(row) = h.iter().position(|&h| 1.0 - h < LEVERAGE_ONE_TOLERANCE) {
        return Err(EstimateError::InvalidInput(format!(
            "{} has leverage 1 (it alone determines a coefficient, e.g. the only unit with a \
             dummy set), so HC2/HC3 are undefined; use hc1 or hc0",
            row_label(row)
        )));
    }
    Ok(DVector::from_fn(q.nrows(), |i, _| {
        weighted_residuals[i].powi(2) / (1.0 - h[i]).powi(power)
    }))
}
