//! Monthly employment rate of the two groups of a comparison (report Abb. 41–46).

use super::employment::{Employed, EmploymentData};
use super::panel::{assign_groups, require_tables};
use super::{Comparison, DeriveError, PanelSpec, check_supported};
use crate::core::bundle::Bundle;
use crate::core::period::Month;
use serde::Serialize;

/// Treated or control group of a comparison.
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

/// The two groups' monthly lines and the month the figure marks.
#[derive(Debug, Clone, PartialEq)]
pub struct Trends {
    pub points: Vec<TrendPoint>,
    /// The month marked by the vertical line: the base month, or the early-start cutoff.
    pub marker: Month,
}

impl Group {
    /// `treated` or `control`, as the CSV and JSON spell it.
    pub fn id(self) -> &'static str {
        match self {
            Group::Treated => "treated",
            Group::Control => "control",
        }
    }
}

/// Monthly rates of both groups over the employment table's full month range; a month in
/// which no unit of a group has both an employment figure and persons has no point.
pub fn trends(bundle: &Bundle, spec: &PanelSpec) -> Result<Trends, DeriveError> {
    let Some(which) = Employed::for_outcome(spec.outcome) else {
        return Err(DeriveError::Unsupported(
            "trends are monthly employment rates; housing has only two survey waves".into(),
        ));
    };
    check_supported(spec.outcome, spec.comparison, spec.level)?;
    require_tables(bundle, Some(spec.outcome), spec.comparison, spec.level)?;
    let groups = assign_groups(bundle, spec.comparison, spec.level, &spec.rules)?;
    let data = EmploymentData::new(bundle);
    let (first, last) = data
        .month_range()
        .ok_or_else(|| DeriveError::Empty("the employment table has no rows".into()))?;
    let mut points = Vec::new();
    for month in first.through(last) {
        for group in [Group::Treated, Group::Control] {
            let (employed, persons) = groups
                .assigned
                .iter()
                .filter(|(_, a)| a.treated == (group == Group::Treated))
                .filter_map(|(id, _)| data.rate(id, month, which).ok())
                .fold((0i64, 0.0), |(e, p), r| (e + r.employed, p + r.persons));
            if persons > 0.0 {
                points.push(TrendPoint {
                    month,
                    group,
                    rate: employed as f64 * 100.0 / persons,
                    persons,
                });
            }
        }
    }
    let marker = match spec.comparison {
        Comparison::EarlyStart => Month::of_date(spec.rules.early_cutoff),
        _ => bundle.manifest.periods.employment_base,
    };
    Ok(Trends { points, marker })
}
