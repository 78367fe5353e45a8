//! The report's equation 1: change in outcome on treatment and controls, weighted, robust SE.

use super::design::{PanelDesign, Regressor};
use super::kernel::LeastSquares;
use super::wls::{covariance, weighted_r2, wls_labelled};
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
    let design = PanelDesign::from_panel(panel, Regressor::Treated, options.weighted)
        .map_err(|e| EstimateError::InvalidInput(e.to_string()))?;
    let unit = |row: usize| {
        let r = &panel.rows[row];
        format!("unit {} ({})", r.unit_id, r.name)
    };
    let fit = wls_labelled(
        &design.y,
        &design.named_columns(),
        design.weights.as_deref(),
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

/// The treatment coefficient and its standard error of the DiD on `design` without unit
/// `skip`, computed in `ls` without allocating (leave-one-out refits it once per unit).
/// `None` when `estimate_did` would refuse that smaller panel, which then says why; otherwise
/// the numbers are those of `estimate_did`, bit for bit, since both run the same kernel on the
/// same values in the same order. `sqrt_w` is [`PanelDesign::sqrt_weights`].
pub fn treated_without(
    design: &PanelDesign,
    sqrt_w: Option<&[f64]>,
    skip: usize,
    variance: VarianceType,
    ls: &mut LeastSquares,
) -> Option<(f64, f64)> {
    let treated = &design.columns[0];
    let treated_left = treated.iter().filter(|&&d| d == 1.0).count()
        - usize::from(treated.get(skip) == Some(&1.0));
    if treated_left == 0 || treated_left + 1 == treated.len() {
        return None;
    }
    design.load(ls, sqrt_w, Some(skip));
    ls.fit().ok()?;
    covariance(ls, variance).ok()?;
    let k = ls.k();
    let valid = |v: f64| {
        let se = v.max(0.0).sqrt();
        se > 0.0 && se.is_finite()
    };
    let covariance = ls.covariance();
    if !(0..k).all(|j| valid(covariance[j * k + j])) {
        return None;
    }
    weighted_r2(
        &design.y,
        design.weights.as_deref(),
        ls.residuals(),
        Some(skip),
    )
    .ok()?;
    Some((ls.coefficients()[0], covariance[0].max(0.0).sqrt()))
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
