//! Continuous treatment: the measure behind a median split as the regressor.

use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::Bundle;
use crate::core::derive::{Comparison, PanelSpec};
use crate::core::estimate::{
    Coefficient, EstimateOptions, MissingMeasure, PanelDesign, Regressor, Term, VarianceType,
    estimate_did, wls,
};
use serde::Serialize;

/// The dose-response slope next to the median-split estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DoseResult {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    /// What one unit of the measure is.
    pub measure_unit: &'static str,
    pub n: usize,
    pub weighted: bool,
    /// Coefficient of the measure (term `measure`), HC1.
    pub dose: Coefficient,
    /// The report's median-split coefficient on the same panel, HC1.
    pub median_split: Coefficient,
    pub r2: f64,
    /// All coefficients of the dose regression: `measure`, `const`, controls.
    pub coefficients: Vec<Coefficient>,
}

/// What the measure of a median-split comparison counts (bundle-format.md, derived quantities).
pub fn measure_unit(comparison: Comparison) -> Option<&'static str> {
    match comparison {
        Comparison::Capacity => Some("FTE per 100 target persons"),
        Comparison::PlanB => Some("share of IMs using plan B often (0-1)"),
        Comparison::LabourTalks => Some("share of talks on the labour market (0-1)"),
        Comparison::HousingTalks => Some("share of talks on housing (0-1)"),
        Comparison::DistrictOffice => {
            Some("share of funded municipalities with IM via the district office (0-1)")
        }
        Comparison::BwVsNeighbours | Comparison::EarlyStart => None,
    }
}

/// Regresses the outcome change on the measure, a constant and the panel's controls, with the
/// panel's weights and HC1 standard errors.
pub fn dose(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<DoseResult, RobustError> {
    dose_in(&SharedInputs::new(bundle, spec, options))
}

/// `dose` on inputs shared with the other checks of a suite.
pub(crate) fn dose_in(shared: &SharedInputs) -> Result<DoseResult, RobustError> {
    let (spec, options) = (shared.spec, shared.options);
    let unit = measure_unit(spec.comparison).ok_or_else(|| {
        RobustError::Unsupported(format!(
            "the {} comparison has no continuous measure (it is not a median split); the dose check needs capacity, plan-b, labour-talks, housing-talks or district-office",
            spec.comparison
        ))
    })?;
    if !spec.comparison.is_median_split(spec.level) {
        return Err(RobustError::Unsupported(format!(
            "the {} comparison at {} level is each unit's own organisation (0 or 1), not a median split: the dose slope would be the split itself; use --level district for the share",
            spec.comparison, spec.level
        )));
    }
    let panel = shared.panel()?;
    let design = PanelDesign::from_panel(panel, Regressor::Measure, options.weighted).map_err(
        |MissingMeasure { row }| {
            let r = &panel.rows[row];
            RobustError::Data(format!("unit {} ({}) has no measure", r.unit_id, r.name))
        },
    )?;
    let fit = wls(
        &design.y,
        &design.named_columns(),
        design.weights.as_deref(),
        VarianceType::Hc1,
    )?;
    let split = estimate_did(
        panel,
        EstimateOptions {
            variance: VarianceType::Hc1,
            weighted: options.weighted,
        },
    )?;
    let find = |coefs: &[Coefficient], term: Term| {
        coefs
            .iter()
            .find(|c| c.term == term)
            .cloned()
            .ok_or_else(|| RobustError::Data(format!("no coefficient '{term}'")))
    };
    Ok(DoseResult {
        what_it_tests: Check::Dose.what_it_tests(),
        how_to_read: Check::Dose.how_to_read(),
        measure_unit: unit,
        n: fit.n,
        weighted: options.weighted,
        dose: find(&fit.coefficients, Term::Measure)?,
        median_split: find(&split.fit.coefficients, Term::Treated)?,
        r2: fit.r2,
        coefficients: fit.coefficients,
    })
}
