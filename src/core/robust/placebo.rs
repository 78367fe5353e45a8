//! Placebo timing: the same two-period DiD between two months before the programme.

use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::Bundle;
use crate::core::derive::employment::{Employed, employment_outcomes};
use crate::core::derive::{Exclusion, PanelSpec};
use crate::core::estimate::{Coefficient, EstimateOptions, VarianceType, estimate_did};
use crate::core::period::Month;
use serde::Serialize;

/// The placebo DiD next to the real one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceboResult {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub placebo_base: Month,
    pub placebo_end: Month,
    pub n: usize,
    /// Treatment coefficient between the fake months (HC1).
    pub placebo: Coefficient,
    /// Treatment coefficient of the report's DiD on the same comparison (HC1).
    pub actual: Coefficient,
    /// Units of the comparison without a rate in a placebo month.
    pub excluded: Vec<Exclusion>,
}

/// The DiD with outcome = rate(placebo_end) − rate(placebo_base) and weight = persons at
/// placebo_base (the report's weighting rule moved to the fake base); groups and controls are
/// those of the comparison.
pub fn placebo(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<PlaceboResult, RobustError> {
    placebo_in(&SharedInputs::new(bundle, spec, options))
}

/// `placebo` on inputs shared with the other checks of a suite.
pub(crate) fn placebo_in(shared: &SharedInputs) -> Result<PlaceboResult, RobustError> {
    let (bundle, spec, options) = (shared.bundle, shared.spec, shared.options);
    let which = Employed::for_outcome(spec.outcome).ok_or_else(|| {
        RobustError::Unsupported(
            "the placebo needs monthly data before the programme; housing has only two survey waves, both after the start".into(),
        )
    })?;
    let (base, end) = (options.placebo_base, options.placebo_end);
    let programme_base = bundle.manifest.periods.employment_base;
    if base >= end || end > programme_base {
        return Err(RobustError::Unsupported(format!(
            "placebo months must satisfy base < end <= {programme_base} (the real base month); got {base} -> {end}"
        )));
    }
    let actual_panel = shared.panel()?;
    let est_options = EstimateOptions {
        variance: VarianceType::Hc1,
        weighted: options.weighted,
    };
    let actual = estimate_did(actual_panel, est_options)?;
    let outcomes = employment_outcomes(bundle, which, base, end);
    let mut panel = actual_panel.clone();
    let mut excluded = Vec::new();
    panel
        .rows
        .retain_mut(|row| match outcomes.get(&row.unit_id) {
            Some(Ok(o)) => {
                row.outcome_base = o.base_pct;
                row.outcome_end = o.end_pct;
                row.weight = o.weight_persons;
                true
            }
            Some(Err(reason)) => {
                excluded.push(Exclusion {
                    unit: row.unit_id.clone(),
                    reason: reason.to_string(),
                });
                false
            }
            None => {
                excluded.push(Exclusion {
                    unit: row.unit_id.clone(),
                    reason: "no employment outcome".into(),
                });
                false
            }
        });
    let estimate = estimate_did(&panel, est_options)?;
    let coef = |e: &crate::core::estimate::DidEstimate| {
        e.fit
            .treated()
            .cloned()
            .ok_or_else(|| RobustError::Data("the DiD has no treatment coefficient".into()))
    };
    Ok(PlaceboResult {
        what_it_tests: Check::Placebo.what_it_tests(),
        how_to_read: Check::Placebo.how_to_read(),
        placebo_base: base,
        placebo_end: end,
        n: panel.rows.len(),
        placebo: coef(&estimate)?,
        actual: coef(&actual)?,
        excluded,
    })
}
