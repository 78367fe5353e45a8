//! The report's equation 1: change in outcome on treatment and controls, weighted, robust SE.

use super::wls::wls_labelled;
use super::{EstimateError, Fit, VarianceType};
use crate::core::derive::{Panel, PanelRow};
use serde::Serialize;

/// The user's estimation choices besides the panel: variance estimator and weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EstimateOptions {
    pub variance: VarianceType,
    pub weighted: bool,
}

impl Default for EstimateOptions {
    fn default() -> Self {
        EstimateOptions {
            variance: VarianceType::Hc1,
            weighted: true,
        }
    }
}

/// Units and weighted mean outcomes of one group at base and end (report Tab. 11).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMeans {
    pub n: usize,
    pub base: f64,
    pub end: f64,
}

/// A fitted DiD with the group means behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct DidEstimate {
    /// Terms: `treated`, `const`, then the control columns.
    pub fit: Fit,
    pub options: EstimateOptions,
    pub treated: GroupMeans,
    pub control: GroupMeans,
}

/// Estimates the DiD on `panel` (report eq. 1): regresses outcome_end − outcome_base on
/// `treated`, `const` and the panel's controls, weighted unless `options.weighted` is false.
pub fn estimate_did(panel: &Panel, options: EstimateOptions) -> Result<DidEstimate, EstimateError> {
    check_panel(panel, options.weighted)?;
    let weights: Option<Vec<f64>> = options
        .weighted
        .then(|| panel.rows.iter().map(|r| r.weight).collect());
    let change: Vec<f64> = panel.rows.iter().map(PanelRow::outcome_change).collect();
    let treated: Vec<f64> = panel
        .rows
        .iter()
        .map(|r| if r.treated { 1.0 } else { 0.0 })
        .collect();
    let constant = vec![1.0; panel.rows.len()];
    let controls: Vec<Vec<f64>> = (0..panel.control_names.len())
        .map(|j| panel.rows.iter().map(|r| r.controls[j]).collect())
        .collect();
    let mut columns: Vec<(&str, &[f64])> = vec![("treated", &treated), ("const", &constant)];
    columns.extend(
        panel
            .control_names
            .iter()
            .map(String::as_str)
            .zip(controls.iter().map(Vec::as_slice)),
    );
    let unit = |row: usize| {
        let r = &panel.rows[row];
        format!("unit {} ({})", r.unit_id, r.name)
    };
    let fit = wls_labelled(
        &change,
        &columns,
        weights.as_deref(),
        options.variance,
        &unit,
    )?;
    Ok(DidEstimate {
        fit,
        options,
        treated: group_means(panel, true, options.weighted),
        control: group_means(panel, false, options.weighted),
    })
}

/// Every unit needs finite outcomes, a positive weight and one value per control; the message
/// names the unit, since the regression's row numbers mean nothing to the user.
fn check_panel(panel: &Panel, weighted: bool) -> Result<(), EstimateError> {
    let invalid = |m: String| Err(EstimateError::InvalidInput(m));
    if panel.rows.is_empty() {
        return invalid("the panel has no units".into());
    }
    if !panel.rows.iter().any(|r| r.treated) {
        return invalid(format!(
            "no treated unit in the panel ({} units, all in the control group)",
            panel.rows.len()
        ));
    }
    if panel.rows.iter().all(|r| r.treated) {
        return invalid(format!(
            "no control unit in the panel ({} units, all treated)",
            panel.rows.len()
        ));
    }
    for row in &panel.rows {
        let unit = || format!("unit {} ({})", row.unit_id, row.name);
        if row.controls.len() != panel.control_names.len() {
            return invalid(format!(
                "{} has {} control values but the panel has {} controls",
                unit(),
                row.controls.len(),
                panel.control_names.len()
            ));
        }
        if weighted && !(row.weight > 0.0 && row.weight.is_finite()) {
            return invalid(format!(
                "{}: weight is {} (must be a positive number)",
                unit(),
                row.weight
            ));
        }
        let values = [
            ("outcome_base", row.outcome_base),
            ("outcome_end", row.outcome_end),
        ];
        let controls = panel
            .control_names
            .iter()
            .map(String::as_str)
            .zip(row.controls.iter().copied());
        if let Some((column, value)) = values
            .into_iter()
            .chain(controls)
            .find(|(_, v)| !v.is_finite())
        {
            return invalid(format!(
                "{}: {column} is {value} (must be a finite number)",
                unit()
            ));
        }
    }
    Ok(())
}

/// Units and mean outcomes of one group, weighted by the estimation weights when the
/// regression is, so that without controls `treated` equals the difference of the groups'
/// mean changes (cli.md, `groups`).
fn group_means(panel: &Panel, treated: bool, weighted: bool) -> GroupMeans {
    let rows: Vec<&PanelRow> = panel.rows.iter().filter(|r| r.treated == treated).collect();
    let weight = |r: &PanelRow| if weighted { r.weight } else { 1.0 };
    let total: f64 = rows.iter().map(|r| weight(r)).sum();
    let mean = |value: fn(&PanelRow) -> f64| {
        rows.iter().map(|r| weight(r) * value(r)).sum::<f64>() / total
    };
    GroupMeans {
        n: rows.len(),
        base: mean(|r| r.outcome_base),
        end: mean(|r| r.outcome_end),
    }
}
