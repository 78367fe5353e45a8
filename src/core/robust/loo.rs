//! Leave-one-out: the treatment coefficient with each unit dropped in turn.

use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::Bundle;
use crate::core::derive::PanelSpec;
use crate::core::estimate::{
    EstimateOptions, LeastSquares, PanelDesign, Regressor, VarianceType, estimate_did,
    treated_without,
};
use serde::Serialize;

/// The estimate without one unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LooDrop {
    pub unit_id: String,
    pub name: String,
    pub treated: bool,
    /// Treatment coefficient without this unit; `None` when the smaller panel cannot be
    /// estimated (then `error` says why).
    pub estimate: Option<f64>,
    pub std_error: Option<f64>,
    /// estimate − full-sample estimate.
    pub shift: Option<f64>,
    pub error: Option<String>,
}

/// A unit whose removal leaves a panel that cannot be estimated (the only treated unit, a
/// control level held by that unit alone ...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InestimableDrop {
    pub unit_id: String,
    pub name: String,
    pub treated: bool,
    /// Why the smaller panel cannot be estimated.
    pub reason: String,
}

/// Leave-one-out result: every drop, the range, and the most influential units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaveOneOut {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub n: usize,
    pub estimate: f64,
    pub std_error: f64,
    /// Range of the estimates over the units whose removal can be estimated; the units in
    /// `inestimable` are not in it.
    pub min: f64,
    pub max: f64,
    /// Units whose removal makes the model inestimable, in panel order: the range above says
    /// nothing about them (without the only treated unit there is no DiD at all).
    pub inestimable: Vec<InestimableDrop>,
    /// Up to five units with the largest |shift|, largest first.
    pub most_influential: Vec<LooDrop>,
    /// One entry per unit, in panel order.
    pub drops: Vec<LooDrop>,
}

/// Re-estimates the DiD (HC1) once per unit of the panel, leaving that unit out.
pub fn leave_one_out(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<LeaveOneOut, RobustError> {
    leave_one_out_in(&SharedInputs::new(bundle, spec, options))
}

/// `leave_one_out` on inputs shared with the other checks of a suite.
pub(crate) fn leave_one_out_in(shared: &SharedInputs) -> Result<LeaveOneOut, RobustError> {
    let options = shared.options;
    let panel = shared.panel()?;
    let est_options = EstimateOptions {
        variance: VarianceType::Hc1,
        weighted: options.weighted,
    };
    let full = estimate_did(panel, est_options)?;
    let treated = full
        .fit
        .treated()
        .ok_or_else(|| RobustError::Data("the DiD has no treatment coefficient".into()))?;
    // Every refit runs in one kernel workspace; only a panel the kernel path refuses is
    // cloned and estimated in full, to report estimate_did's own reason.
    let design = PanelDesign::from_panel(panel, Regressor::Treated, options.weighted)
        .map_err(|e| RobustError::Data(e.to_string()))?;
    let sqrt_w = design.sqrt_weights();
    let mut ls = LeastSquares::new();
    let drops: Vec<LooDrop> = panel
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let (coef, error) =
                match treated_without(&design, sqrt_w.as_deref(), i, VarianceType::Hc1, &mut ls) {
                    Some(numbers) => (Some(numbers), None),
                    None => {
                        let mut smaller = panel.clone();
                        smaller.rows.remove(i);
                        match estimate_did(&smaller, est_options) {
                            Ok(fit) => (fit.fit.treated().map(|c| (c.estimate, c.std_error)), None),
                            Err(e) => (None, Some(e.to_string())),
                        }
                    }
                };
            LooDrop {
                unit_id: row.unit_id.clone(),
                name: row.name.clone(),
                treated: row.treated,
                estimate: coef.map(|c| c.0),
                std_error: coef.map(|c| c.1),
                shift: coef.map(|c| c.0 - treated.estimate),
                error,
            }
        })
        .collect();
    let estimates: Vec<f64> = drops.iter().filter_map(|d| d.estimate).collect();
    let inestimable = drops
        .iter()
        .filter(|d| d.estimate.is_none())
        .map(|d| InestimableDrop {
            unit_id: d.unit_id.clone(),
            name: d.name.clone(),
            treated: d.treated,
            reason: d
                .error
                .clone()
                .unwrap_or_else(|| "the smaller panel has no treatment coefficient".into()),
        })
        .collect();
    if estimates.is_empty() {
        return Err(RobustError::Data(
            "no leave-one-out panel could be estimated".into(),
        ));
    }
    let mut ranked: Vec<LooDrop> = drops
        .iter()
        .filter(|d| d.shift.is_some())
        .cloned()
        .collect();
    ranked.sort_by(|a, b| {
        let key = |d: &LooDrop| d.shift.map_or(0.0, f64::abs);
        key(b).total_cmp(&key(a))
    });
    ranked.truncate(5);
    Ok(LeaveOneOut {
        what_it_tests: Check::Loo.what_it_tests(),
        how_to_read: Check::Loo.how_to_read(),
        n: panel.rows.len(),
        estimate: treated.estimate,
        std_error: treated.std_error,
        min: estimates.iter().copied().fold(f64::INFINITY, f64::min),
        max: estimates.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        inestimable,
        most_influential: ranked,
        drops,
    })
}
