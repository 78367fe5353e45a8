//! The staggered-start panel the event-time estimators share (Sun–Abraham, imputation, the
//! two-stage DiD and the dynamic two-way FE they are compared with): the BW districts' monthly
//! employment rate, each district's cohort = the month of its start date, balanced over the
//! months from the data's first month to the month before the last cohort starts.
//!
//! BW has no never-treated district: every district started between 2017 and 2018. Inside
//! this window the last cohort is untreated throughout, so it is the control cohort
//! (Sun & Abraham's "last-treated cohort as control"); Callaway–Sant'Anna
//! (`staggered`) uses the same window.

use super::RobustError;
use super::staggered::{StartCohorts, last_start};
use crate::core::bundle::Bundle;
use crate::core::derive::employment::MissingFigure;
use crate::core::derive::{Exclusion, PanelSpec};
use crate::core::period::Month;
use std::collections::BTreeMap;

/// A balanced district × month panel with one start month per district.
#[derive(Debug, Clone, PartialEq)]
pub struct CohortPanel {
    pub ids: Vec<String>,
    pub months: Vec<Month>,
    /// Rate in %, row-major: unit i, month t at `i * months.len() + t`.
    pub rate: Vec<f64>,
    /// Start month (cohort) per unit.
    pub start: Vec<Month>,
    /// The last cohort: untreated in every month of the window.
    pub control_cohort: Month,
    /// Persons aged 15–64 at the bundle's base month when weighted, else 1.
    pub weights: Vec<f64>,
    pub weighted: bool,
    pub excluded: Vec<Exclusion>,
}

impl CohortPanel {
    pub fn units(&self) -> usize {
        self.ids.len()
    }

    pub fn periods(&self) -> usize {
        self.months.len()
    }

    pub fn y(&self, unit: usize, period: usize) -> f64 {
        self.rate[unit * self.periods() + period]
    }

    pub fn is_control(&self, unit: usize) -> bool {
        self.start[unit] == self.control_cohort
    }

    /// Months since the unit's start (0 = start month; negative before).
    pub fn event_time(&self, unit: usize, period: usize) -> i32 {
        self.months[period].index() - self.start[unit].index()
    }

    /// Whether the unit is treated in this month (the control cohort never is in the window).
    pub fn treated(&self, unit: usize, period: usize) -> bool {
        !self.is_control(unit) && self.event_time(unit, period) >= 0
    }

    /// The treated cohorts in order, with their units.
    pub fn cohorts(&self) -> Vec<(Month, Vec<usize>)> {
        let mut by: BTreeMap<Month, Vec<usize>> = BTreeMap::new();
        for (i, &g) in self.start.iter().enumerate() {
            if g != self.control_cohort {
                by.entry(g).or_default().push(i);
            }
        }
        by.into_iter().collect()
    }

    /// Units of the control cohort.
    pub fn control_units(&self) -> Vec<usize> {
        (0..self.units()).filter(|&i| self.is_control(i)).collect()
    }

    /// What the weights are, for every place a number is shown.
    pub fn weighting(&self) -> &'static str {
        if self.weighted {
            "weighted by persons aged 15-64 at the base month"
        } else {
            "unweighted"
        }
    }
}

/// The panel of `spec`'s employment outcome (its comparison is not used: the cohorts replace
/// the two groups). Districts without a start date, starting before the first month with
/// data, or missing a month of the window are excluded, each with its reason.
pub fn cohort_panel(
    bundle: &Bundle,
    spec: &PanelSpec,
    weighted: bool,
) -> Result<CohortPanel, RobustError> {
    let StartCohorts {
        which,
        data,
        first,
        last_data,
        candidates,
        mut excluded,
    } = StartCohorts::read(bundle, spec, "the event-time estimators need")?;
    let base_month = bundle.manifest.periods.employment_base;
    let control_cohort = last_start(&candidates)?;
    let last = last_data.min(control_cohort.plus(-1));
    let months: Vec<Month> = first.through(last).collect();
    let mut panel = CohortPanel {
        ids: Vec::new(),
        months,
        rate: Vec::new(),
        start: Vec::new(),
        control_cohort,
        weights: Vec::new(),
        weighted,
        excluded: Vec::new(),
    };
    for (id, g) in candidates {
        let series: Result<Vec<f64>, MissingFigure> = panel
            .months
            .iter()
            .map(|&m| data.rate(&id, m, which).map(|r| r.rate_pct))
            .collect();
        let persons = if weighted {
            data.persons(&id, base_month)
        } else {
            Ok(1.0)
        };
        match (series, persons) {
            (Ok(s), Ok(w)) if w > 0.0 && w.is_finite() => {
                panel.ids.push(id);
                panel.start.push(g);
                panel.rate.extend(s);
                panel.weights.push(w);
            }
            (Err(reason), _) | (_, Err(reason)) => excluded.push(Exclusion {
                unit: id,
                reason: format!("not in every month of {first} to {last}: {reason}"),
            }),
            (Ok(_), Ok(w)) => excluded.push(Exclusion {
                unit: id,
                reason: format!("persons at the base month {base_month} are {w}"),
            }),
        }
    }
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    panel.excluded = excluded;
    let treated_cohorts = panel.cohorts().len();
    if treated_cohorts == 0 || panel.control_units().is_empty() {
        return Err(RobustError::Data(format!(
            "the event-time estimators need at least two start cohorts with a rate in every month of {first} to {last}; {} districts qualify",
            panel.units()
        )));
    }
    if panel.periods() < 2 {
        return Err(RobustError::Data(
            "the last cohort starts in the data's second month: no pre-period".into(),
        ));
    }
    Ok(panel)
}

/// One event-time (or overall) estimate with its district-clustered standard error.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EventTimeEstimate {
    /// Months since start; `None` for the overall ATT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_time: Option<i32>,
    pub estimate: f64,
    pub std_error: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    /// District-months that enter the estimate (treated ones after start).
    pub observations: usize,
}

impl EventTimeEstimate {
    /// Estimate ± `critical` × SE.
    pub fn new(
        event_time: Option<i32>,
        estimate: f64,
        std_error: f64,
        critical: f64,
        observations: usize,
    ) -> Self {
        EventTimeEstimate {
            event_time,
            estimate,
            std_error,
            ci_low: estimate - critical * std_error,
            ci_high: estimate + critical * std_error,
            observations,
        }
    }
}

/// √(Σ_i ψ_i²) · √factor from per-unit influence values (ψ_i = the unit's score).
pub fn clustered_se(influence: &[f64], factor: f64) -> f64 {
    (factor * influence.iter().map(|x| x * x).sum::<f64>()).sqrt()
}
