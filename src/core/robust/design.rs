//! The report's equation 1 as plain arrays, shared by the checks that refit it many times.

use super::RobustError;
use crate::core::derive::Panel;
use nalgebra::{DMatrix, DVector};

/// y = outcome change, d = treatment, Z = [const, controls], w = weights (1 when unweighted).
#[derive(Debug, Clone, PartialEq)]
pub struct DidDesign {
    pub unit_ids: Vec<String>,
    pub names: Vec<String>,
    pub y: Vec<f64>,
    pub treated: Vec<f64>,
    /// Columns of Z: `const`, then the controls.
    pub others: Vec<Vec<f64>>,
    pub other_names: Vec<String>,
    pub weights: Vec<f64>,
}

impl DidDesign {
    /// The design of `panel`; fails with the unit's name on a non-finite value or weight.
    pub fn from_panel(panel: &Panel, weighted: bool) -> Result<DidDesign, RobustError> {
        let rows = &panel.rows;
        let mut others = vec![vec![1.0; rows.len()]];
        others.extend(
            (0..panel.control_names.len()).map(|j| rows.iter().map(|r| r.controls[j]).collect()),
        );
        let mut other_names = vec!["const".to_string()];
        other_names.extend(panel.control_names.iter().cloned());
        for r in rows {
            let bad_weight = weighted && !(r.weight > 0.0 && r.weight.is_finite());
            if bad_weight || !r.outcome_change().is_finite() {
                return Err(RobustError::Data(format!(
                    "unit {} ({}): outcome change {} / weight {} must be finite and the weight positive",
                    r.unit_id,
                    r.name,
                    r.outcome_change(),
                    r.weight
                )));
            }
        }
        Ok(DidDesign {
            unit_ids: rows.iter().map(|r| r.unit_id.clone()).collect(),
            names: rows.iter().map(|r| r.name.clone()).collect(),
            y: rows.iter().map(|r| r.outcome_change()).collect(),
            treated: rows
                .iter()
                .map(|r| if r.treated { 1.0 } else { 0.0 })
                .collect(),
            others,
            other_names,
            weights: rows
                .iter()
                .map(|r| if weighted { r.weight } else { 1.0 })
                .collect(),
        })
    }

    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Number of coefficients of the full model (treatment plus Z).
    pub fn k(&self) -> usize {
        1 + self.others.len()
    }

    /// √w·y, √w·d and √w·Z: weighted least squares as ordinary least squares.
    pub fn scaled(&self) -> (DVector<f64>, DVector<f64>, DMatrix<f64>) {
        let s: Vec<f64> = self.weights.iter().map(|w| w.sqrt()).collect();
        let n = self.n();
        let y = DVector::from_iterator(n, (0..n).map(|i| s[i] * self.y[i]));
        let d = DVector::from_iterator(n, (0..n).map(|i| s[i] * self.treated[i]));
        let z = DMatrix::from_fn(n, self.others.len(), |i, j| s[i] * self.others[j][i]);
        (y, d, z)
    }

    /// √w·[d, Z] (treatment first).
    pub fn scaled_full(&self) -> (DVector<f64>, DMatrix<f64>) {
        let (y, d, z) = self.scaled();
        let mut x = DMatrix::zeros(self.n(), self.k());
        x.set_column(0, &d);
        x.view_mut((0, 1), (self.n(), self.k() - 1)).copy_from(&z);
        (y, x)
    }
}
