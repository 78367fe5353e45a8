//! The report's equation 1 as plain arrays, shared by the checks that refit it many times.
//! Built by the one panel → design builder of core::estimate ([`PanelDesign`]) and scaled by √w
//! into the least-squares kernel.

use super::RobustError;
use crate::core::derive::Panel;
use crate::core::estimate::{LeastSquares, PanelDesign, Regressor};

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
        let PanelDesign {
            y,
            mut terms,
            mut columns,
            weights,
        } = PanelDesign::from_panel(panel, Regressor::Treated, weighted)
            .map_err(|e| RobustError::Data(e.to_string()))?;
        let others = columns.split_off(1);
        let treated = columns.pop().unwrap_or_default();
        Ok(DidDesign {
            unit_ids: rows.iter().map(|r| r.unit_id.clone()).collect(),
            names: rows.iter().map(|r| r.name.clone()).collect(),
            y,
            treated,
            others,
            other_names: terms.split_off(1),
            weights: weights.unwrap_or_else(|| vec![1.0; rows.len()]),
        })
    }

    pub fn n(&self) -> usize {
        self.y.len()
    }

    /// Number of coefficients of the full model (treatment plus Z).
    pub fn k(&self) -> usize {
        1 + self.others.len()
    }

    /// √w per unit.
    pub fn sqrt_weights(&self) -> Vec<f64> {
        self.weights.iter().map(|w| w.sqrt()).collect()
    }

    /// √w·y on √w·[d, Z] (treatment first) into the kernel: weighted least squares as
    /// ordinary least squares.
    pub fn load_full(&self, ls: &mut LeastSquares, sqrt_w: &[f64]) {
        let columns = std::iter::once(self.treated.as_slice())
            .chain(self.others.iter().map(Vec::as_slice))
            .collect::<Vec<_>>();
        ls.load(&self.y, columns.into_iter(), Some(sqrt_w), None);
    }

    /// √w·y on √w·Z (the controls alone: the model under β_treated = 0) into the kernel.
    pub fn load_controls(&self, ls: &mut LeastSquares, sqrt_w: &[f64]) {
        ls.load(
            &self.y,
            self.others.iter().map(Vec::as_slice),
            Some(sqrt_w),
            None,
        );
    }
}
