//! Spillover to the neighbours: BW vs neighbours re-estimated without the control districts
//! that border BW, whose labour markets the programme may reach (commuting, moves).

use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::{Bundle, Level};
use crate::core::derive::{Comparison, PanelSpec};
use crate::core::estimate::{Coefficient, EstimateOptions, VarianceType, estimate_did};
use serde::Serialize;
use std::collections::HashMap;

/// Which districts count as bordering, in words (the export and the JSON say it).
pub const BORDER_RULE: &str = "control districts with districts.borders_bw = true: outside BW and sharing a boundary segment (not only a point) with a BW district";

/// A control district left out because it borders BW.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BorderDistrict {
    pub unit_id: String,
    pub name: String,
    pub state: String,
}

/// The DiD with and without the bordering control districts, side by side.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spillover {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub rule: &'static str,
    /// Always HC1 (Stata's `vce(robust)`), as the report's DiD.
    pub variance: &'static str,
    pub weighted: bool,
    pub n_full: usize,
    /// Treatment coefficient on every unit of the comparison.
    pub full: Coefficient,
    pub n_without_border: usize,
    /// Treatment coefficient without the bordering control districts.
    pub without_border: Coefficient,
    /// without_border − full.
    pub shift: f64,
    /// The control districts left out, in panel order.
    pub dropped: Vec<BorderDistrict>,
}

/// Runs the check on `spec` alone.
pub fn spillover(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<Spillover, RobustError> {
    spillover_in(&SharedInputs::new(bundle, spec, options))
}

/// `spillover` on inputs shared with the other checks of a suite.
pub(crate) fn spillover_in(shared: &SharedInputs) -> Result<Spillover, RobustError> {
    let (bundle, spec, options) = (shared.bundle, shared.spec, shared.options);
    if spec.comparison != Comparison::BwVsNeighbours || spec.level != Level::District {
        return Err(RobustError::Unsupported(
            "the spillover check applies to BW vs neighbours at district level, where the controls are the neighbouring states' districts".into(),
        ));
    }
    if bundle.districts.iter().all(|d| d.borders_bw.is_none()) {
        return Err(RobustError::Unsupported(
            "the bundle's districts table has no borders_bw column, so the districts bordering BW are unknown".into(),
        ));
    }
    let districts: HashMap<&str, _> = bundle
        .districts
        .iter()
        .map(|d| (d.district_id.as_str(), d))
        .collect();
    let panel = shared.panel()?;
    let mut unknown = Vec::new();
    let mut dropped = Vec::new();
    let mut smaller = panel.clone();
    smaller.rows.retain(|row| {
        if row.treated {
            return true;
        }
        match districts
            .get(row.unit_id.as_str())
            .and_then(|d| d.borders_bw.map(|b| (b, d)))
        {
            Some((true, d)) => {
                dropped.push(BorderDistrict {
                    unit_id: row.unit_id.clone(),
                    name: row.name.clone(),
                    state: d.state.clone(),
                });
                false
            }
            Some((false, _)) => true,
            None => {
                unknown.push(row.unit_id.clone());
                true
            }
        }
    });
    if !unknown.is_empty() {
        return Err(RobustError::Data(format!(
            "districts.csv: column borders_bw is empty for control district(s) {}; fill it for every district or for none",
            unknown.join(", ")
        )));
    }
    let est_options = EstimateOptions {
        variance: VarianceType::Hc1,
        weighted: options.weighted,
    };
    let treated = |panel| -> Result<Coefficient, RobustError> {
        estimate_did(panel, est_options)?
            .fit
            .treated()
            .cloned()
            .ok_or_else(|| RobustError::Data("the DiD has no treatment coefficient".into()))
    };
    let full = treated(panel)?;
    let without_border = treated(&smaller)?;
    Ok(Spillover {
        what_it_tests: Check::Spillover.what_it_tests(),
        how_to_read: Check::Spillover.how_to_read(),
        rule: BORDER_RULE,
        variance: "HC1",
        weighted: options.weighted,
        n_full: panel.rows.len(),
        shift: without_border.estimate - full.estimate,
        full,
        n_without_border: smaller.rows.len(),
        without_border,
        dropped,
    })
}
