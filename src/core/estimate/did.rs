//! The report's equation 1: change in outcome on treatment and controls, weighted, robust SE.

use super::{EstimateError, Fit, VarianceType};
use crate::core::derive::Panel;
use serde::Serialize;

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

#[derive(Debug, Clone, PartialEq)]
pub struct DidEstimate {
    /// Terms: `treated`, `const`, then the control columns.
    pub fit: Fit,
    pub options: EstimateOptions,
    pub treated: GroupMeans,
    pub control: GroupMeans,
}

/// Estimates the DiD on `panel`.
pub fn estimate_did(panel: &Panel, options: EstimateOptions) -> Result<DidEstimate, EstimateError> {
    let _ = (panel, options);
    Err(EstimateError::InvalidInput("did not written yet".into()))
}
