//! Input checks and the √w-scaled design that weighted least squares factors.

use super::EstimateError;
use nalgebra::{DMatrix, DVector};

/// Checks lengths, finiteness and weights before any arithmetic, so that every error names
/// the offending column and row (rows count from 1, as in a spreadsheet).
pub(super) fn check_inputs(
    y: &[f64],
    columns: &[(&str, &[f64])],
    weights: Option<&[f64]>,
) -> Result<(), EstimateError> {
    let n = y.len();
    if columns.is_empty() {
        return Err(invalid(
            "no regressors given (add a constant column for an intercept)",
        ));
    }
    for (i, (name, values)) in columns.iter().enumerate() {
        if name.is_empty() {
            return Err(invalid(format!("regressor {} has an empty name", i + 1)));
        }
        if columns[..i].iter().any(|(earlier, _)| earlier == name) {
            return Err(invalid(format!(
                "term '{name}' appears twice among the regressors"
            )));
        }
        if values.len() != n {
            return Err(invalid(format!(
                "column '{name}' has {} values but y has {n}",
                values.len()
            )));
        }
    }
    if let Some(w) = weights
        && w.len() != n
    {
        return Err(invalid(format!(
            "weights have {} values but y has {n}",
            w.len()
        )));
    }
    if n <= columns.len() {
        return Err(EstimateError::TooFewObservations {
            n,
            k: columns.len(),
        });
    }
    check_finite("y", y)?;
    for (name, values) in columns {
        check_finite(&format!("column '{name}'"), values)?;
    }
    if let Some(w) = weights {
        check_weights(w)?;
    }
    Ok(())
}

fn check_finite(what: &str, values: &[f64]) -> Result<(), EstimateError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(invalid(format!(
            "{what}: value in row {} is {} (must be a finite number)",
            row + 1,
            values[row]
        ))),
        None => Ok(()),
    }
}

/// Analytic weights must be positive: Stata drops zero-weight rows from n while statsmodels
/// keeps them in n − k, so a zero weight has no single meaning and is refused.
fn check_weights(w: &[f64]) -> Result<(), EstimateError> {
    check_finite("weights", w)?;
    if let Some(row) = w.iter().position(|&v| v <= 0.0) {
        return Err(invalid(format!(
            "weights: value in row {} is {} (weights must be positive; drop the row instead)",
            row + 1,
            w[row]
        )));
    }
    if w.iter().sum::<f64>() <= 0.0 {
        return Err(invalid("weights sum to zero"));
    }
    Ok(())
}

fn invalid(message: impl Into<String>) -> EstimateError {
    EstimateError::InvalidInput(message.into())
}

/// The regression after multiplying every row by √w (statsmodels `wexog`, `wendog`): OLS on
/// it is WLS on the original data.
pub(super) struct WeightedDesign {
    /// Unweighted regressors, n × k, for residuals y − Xb.
    pub x: DMatrix<f64>,
    /// √w-scaled regressors.
    pub xw: DMatrix<f64>,
    /// √w-scaled outcome.
    pub yw: DVector<f64>,
    pub sqrt_w: DVector<f64>,
}

impl WeightedDesign {
    pub(super) fn new(y: &[f64], columns: &[(&str, &[f64])], weights: Option<&[f64]>) -> Self {
        let n = y.len();
        let x = DMatrix::from_fn(n, columns.len(), |i, j| columns[j].1[i]);
        let sqrt_w = DVector::from_fn(n, |i, _| weights.map_or(1.0, |w| w[i].sqrt()));
        let xw = DMatrix::from_fn(n, columns.len(), |i, j| sqrt_w[i] * x[(i, j)]);
        let yw = DVector::from_fn(n, |i, _| sqrt_w[i] * y[i]);
        WeightedDesign { x, xw, yw, sqrt_w }
    }
}

/// Relative size of |R_jj| against the norm of column j below which column j counts as a linear
/// combination of the columns before it; the tolerance R's `lm` uses (LINPACK dqrdc2, 1e-7),
/// loose enough that Longley's near-collinear design still passes.
const COLLINEAR_TOLERANCE: f64 = 1e-7;

/// Names the terms that are (numerically) linear combinations of the terms before them. Drops
/// one such column at a time and factors again, so that a dropped column's rounding noise
/// cannot hide or invent a later one.
pub(super) fn collinear_terms(xw: &DMatrix<f64>, names: &[&str]) -> Vec<String> {
    let mut kept: Vec<usize> = (0..xw.ncols()).collect();
    let mut collinear = Vec::new();
    while !kept.is_empty() {
        let columns = xw.select_columns(kept.iter());
        match first_dependent_column(&columns.clone().qr().unpack_r(), &columns) {
            Some(position) => collinear.push(kept.remove(position)),
            None => break,
        }
    }
    collinear.sort_unstable();
    collinear
        .into_iter()
        .map(|j| names[j].to_string())
        .collect()
}

/// The first column j whose |R_jj| is negligible against its own norm, given R of `xw`'s QR.
pub(super) fn first_dependent_column(r: &DMatrix<f64>, xw: &DMatrix<f64>) -> Option<usize> {
    (0..xw.ncols()).find(|&j| {
        let diagonal = r[(j, j)].abs();
        diagonal.is_nan() || diagonal <= COLLINEAR_TOLERANCE * xw.column(j).norm()
    })
}
