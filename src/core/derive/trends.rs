//! Monthly employment rate of the two groups of a comparison (report Abb. 41–46).

use super::{DeriveError, PanelSpec};
use crate::core::bundle::Bundle;
use crate::core::period::Month;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    Treated,
    Control,
}

/// Rate = sum employed / sum interpolated persons × 100 over the group's units that month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    pub month: Month,
    pub group: Group,
    pub rate: f64,
    pub persons: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    pub points: Vec<TrendPoint>,
    /// The month marked by the vertical line: the base month, or the early-start cutoff.
    pub marker: Month,
}

pub fn trends(bundle: &Bundle, spec: &PanelSpec) -> Result<Trends, DeriveError> {
    let _ = (bundle, spec);
    Err(DeriveError::Empty("trends not written yet".into()))
}
