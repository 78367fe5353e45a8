//! The analysis panel of one comparison: one row per unit used, plus the units excluded.

use super::{DeriveError, PanelSpec};
use crate::core::bundle::Bundle;
use serde::Serialize;

/// One unit (district or municipality) in the regression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelRow {
    pub unit_id: String,
    pub name: String,
    pub treated: bool,
    /// The value split at the median (capacity change, plan-B share, talk share); `None` for
    /// comparisons without a median split.
    pub measure: Option<f64>,
    pub outcome_base: f64,
    pub outcome_end: f64,
    /// Estimation weight (HHL persons at base; target persons at the housing base wave).
    pub weight: f64,
    /// Values of `Panel::control_names`, in that order.
    pub controls: Vec<f64>,
}

impl PanelRow {
    pub fn outcome_change(&self) -> f64 {
        self.outcome_end - self.outcome_base
    }
}

/// A unit left out of the comparison, with the reason in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exclusion {
    pub unit: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub spec: PanelSpec,
    pub rows: Vec<PanelRow>,
    /// Column names of the selected controls.
    pub control_names: Vec<String>,
    /// Labels of the selected controls, for people.
    pub control_labels: Vec<String>,
    /// Unweighted median of the measure over all units of the comparison that have it.
    pub median: Option<f64>,
    pub excluded: Vec<Exclusion>,
}

/// Builds the panel for `spec`.
pub fn panel(bundle: &Bundle, spec: &PanelSpec) -> Result<Panel, DeriveError> {
    let _ = (bundle, spec);
    Err(DeriveError::Empty("panel not written yet".into()))
}
