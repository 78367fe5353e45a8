//! Input checks, and the one panel → design builder of the report's equation 1.

use super::EstimateError;
use super::kernel::{KernelError, LeastSquares};
use crate::core::derive::{Panel, PanelRow};

/// Checks lengths, finiteness and weights before any arithmetic, so that every error names
/// the offending column and row (rows count from 1, as in a spreadsheet).
#[inline(always)]
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
    check_finite(&|| "y".into(), y)?;
    for (name, values) in columns {
        check_finite(&|| format!("column '{name}'"), values)?;
    }
    if let Some(w) = weights {
        check_weights(w)?;
    }
    Ok(())
}

/// `what` names the values only when they fail, so a valid fit formats nothing.
#[inline(always)]
fn check_finite(what: &dyn Fn() -> String, values: &[f64]) -> Result<(), EstimateError> {
    // A branch-free pass first (it vectorises; an early-exit search does not), the search for
    // the row only when something is wrong.
    if !values.iter().fold(false, |bad, v| bad | !v.is_finite()) {
        return Ok(());
    }
    match values.iter().position(|v| !v.is_finite()) {
        Some(row) => Err(invalid(format!(
            "{}: value in row {} is {} (must be a finite number)",
            what(),
            row + 1,
            values[row]
        ))),
        None => Ok(()),
    }
}

/// Analytic weights must be positive: Stata drops zero-weight rows from n while statsmodels
/// keeps them in n − k, so a zero weight has no single meaning and is refused.
#[inline(always)]
fn check_weights(w: &[f64]) -> Result<(), EstimateError> {
    check_finite(&|| "weights".into(), w)?;
    // Finite and positive weights have a positive sum, so no separate check of the sum.
    if !w.iter().fold(false, |bad, &v| bad | (v <= 0.0)) {
        return Ok(());
    }
    match w.iter().position(|&v| v <= 0.0) {
        Some(row) => Err(invalid(format!(
            "weights: value in row {} is {} (weights must be positive; drop the row instead)",
            row + 1,
            w[row]
        ))),
        None => Ok(()),
    }
}

fn invalid(message: impl Into<String>) -> EstimateError {
    EstimateError::InvalidInput(message.into())
}

/// Names the terms that are (numerically) linear combinations of the terms before them, under
/// the kernel's rank rule. Drops one such column at a time and factors again, so that a dropped
/// column's rounding noise cannot hide or invent a later one.
pub(super) fn collinear_terms(
    y: &[f64],
    columns: &[(&str, &[f64])],
    sqrt_w: Option<&[f64]>,
) -> Vec<String> {
    let mut kept: Vec<usize> = (0..columns.len()).collect();
    let mut collinear = Vec::new();
    let mut ls = LeastSquares::new();
    while !kept.is_empty() {
        ls.load(y, kept.iter().map(|&j| columns[j].1), sqrt_w, None);
        match ls.factor() {
            Err(KernelError::Dependent { column }) => collinear.push(kept.remove(column)),
            _ => break,
        }
    }
    collinear.sort_unstable();
    collinear
        .into_iter()
        .map(|j| columns[j].0.to_string())
        .collect()
}

/// The first regressor of the report's equation 1: the treatment dummy of the comparison, or
/// the measure behind a median split (the dose model).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Regressor {
    Treated,
    Measure,
}

impl Regressor {
    /// The term's name in fits and exports.
    pub fn term(self) -> &'static str {
        match self {
            Regressor::Treated => "treated",
            Regressor::Measure => "measure",
        }
    }
}

/// A unit of a median-split panel without its measure (the dose model cannot use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("row {row} of the panel has no measure")]
pub struct MissingMeasure {
    /// Index into `Panel::rows`.
    pub row: usize,
}

/// The report's equation 1 on a panel as named columns: y = outcome change, regressors =
/// [treated | measure, const, controls …], and the estimation weights. The DiD, the dose model
/// and the robustness checks all build their regression here, so they cannot disagree on the
/// design; the kernel scales it by √w ([`PanelDesign::load`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelDesign {
    pub y: Vec<f64>,
    /// `treated` or `measure`, `const`, then the panel's control names.
    pub terms: Vec<String>,
    /// Unweighted regressors, one per term.
    pub columns: Vec<Vec<f64>>,
    /// The panel's weights, `None` when the regression is unweighted.
    pub weights: Option<Vec<f64>>,
}

impl PanelDesign {
    pub fn from_panel(
        panel: &Panel,
        regressor: Regressor,
        weighted: bool,
    ) -> Result<PanelDesign, MissingMeasure> {
        let rows = &panel.rows;
        let first: Vec<f64> = match regressor {
            Regressor::Treated => rows
                .iter()
                .map(|r| f64::from(u8::from(r.treated)))
                .collect(),
            Regressor::Measure => rows
                .iter()
                .enumerate()
                .map(|(row, r)| r.measure.ok_or(MissingMeasure { row }))
                .collect::<Result<_, _>>()?,
        };
        let mut columns = vec![first, vec![1.0; rows.len()]];
        columns.extend(
            (0..panel.control_names.len()).map(|j| rows.iter().map(|r| r.controls[j]).collect()),
        );
        let mut terms = vec![regressor.term().to_string(), "const".to_string()];
        terms.extend(panel.control_names.iter().cloned());
        Ok(PanelDesign {
            y: rows.iter().map(PanelRow::outcome_change).collect(),
            terms,
            columns,
            weights: weighted.then(|| rows.iter().map(|r| r.weight).collect()),
        })
    }

    /// (term, column) pairs, the input of [`super::wls`].
    pub fn named_columns(&self) -> Vec<(&str, &[f64])> {
        self.terms
            .iter()
            .map(String::as_str)
            .zip(self.columns.iter().map(Vec::as_slice))
            .collect()
    }

    /// √w per unit; `None` when unweighted.
    pub fn sqrt_weights(&self) -> Option<Vec<f64>> {
        self.weights
            .as_ref()
            .map(|w| w.iter().map(|v| v.sqrt()).collect())
    }

    /// Loads √w·y and √w·X into the kernel (`sqrt_w` from [`PanelDesign::sqrt_weights`]),
    /// without row `skip` if given.
    pub fn load(&self, ls: &mut LeastSquares, sqrt_w: Option<&[f64]>, skip: Option<usize>) {
        ls.load(
            &self.y,
            self.columns.iter().map(Vec::as_slice),
            sqrt_w,
            skip,
        );
    }
}
