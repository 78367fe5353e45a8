//! Staggered adoption: Callaway and Sant'Anna (2021) group-time ATTs on the monthly
//! employment panel of BW districts, cohorts by district start month, not-yet-treated
//! controls, no covariates and no weights (csdid/R `did` defaults for a balanced panel:
//! `control_group = "notyettreated"`, `base_period = "varying"`, analytic influence functions).

use super::{Check, RobustError, RobustOptions};
use crate::core::bundle::Bundle;
use crate::core::derive::employment::{Employed, EmploymentData, MissingFigure};
use crate::core::derive::panel::require_tables;
use crate::core::derive::start::district_starts;
use crate::core::derive::{Comparison, Exclusion, PanelSpec, treated_state_districts};
use crate::core::period::Month;
use serde::Serialize;
use std::collections::BTreeMap;

/// ATT(g, t): cohort g (start month) at month t against the districts not yet started at t.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTimeAtt {
    pub cohort: Month,
    pub month: Month,
    /// The month the change is measured from: t − 1 before the start, g − 1 from the start on.
    pub base: Month,
    pub event_time: i32,
    pub att: f64,
    /// Analytic standard error from the influence function.
    pub std_error: f64,
    pub cohort_units: usize,
    pub control_units: usize,
}

/// One aggregate with its influence-function standard error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Aggregate {
    pub estimate: f64,
    pub std_error: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// θ(e): cohort-size-weighted mean of ATT(g, g + e).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventTimeAtt {
    pub event_time: i32,
    #[serde(flatten)]
    pub aggregate: Aggregate,
}

/// The Callaway–Sant'Anna result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staggered {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub units: usize,
    /// Cohorts estimated (the last cohort only serves as control, as in csdid).
    pub cohorts: Vec<(Month, usize)>,
    /// Months used: the data's first month up to the month before the last cohort starts.
    pub first_month: Month,
    pub last_month: Month,
    pub group_time: Vec<GroupTimeAtt>,
    pub event_time: Vec<EventTimeAtt>,
    /// Cohort-size-weighted mean of all post-start ATT(g, t) (csdid `aggte(type="simple")`).
    pub overall: Aggregate,
    pub excluded: Vec<Exclusion>,
}

const Z_975: f64 = 1.959_963_984_540_054;

fn aggregate(estimate: f64, influence: &[f64]) -> Aggregate {
    let n = influence.len() as f64;
    let std_error = influence.iter().map(|x| x * x).sum::<f64>().sqrt() / n;
    Aggregate {
        estimate,
        std_error,
        ci_low: estimate - Z_975 * std_error,
        ci_high: estimate + Z_975 * std_error,
    }
}

/// ATT(g,t) cells with their influence functions (one value per unit).
struct Cell {
    att: GroupTimeAtt,
    cohort_index: usize,
    influence: Vec<f64>,
}

/// Aggregates `cells` with weights ∝ cohort share, including the estimation effect of the
/// weights (R `did`'s `get_agg_inf_func` with `wif`).
fn weighted_aggregate(cells: &[&Cell], cohort_of: &[Option<usize>], shares: &[f64]) -> Aggregate {
    let n = cohort_of.len();
    let total: f64 = cells.iter().map(|c| shares[c.cohort_index]).sum();
    let estimate: f64 = cells
        .iter()
        .map(|c| shares[c.cohort_index] / total * c.att.att)
        .sum();
    let mut influence = vec![0.0; n];
    for c in cells {
        let w = shares[c.cohort_index] / total;
        for (total_i, cell_i) in influence.iter_mut().zip(&c.influence) {
            *total_i += w * cell_i;
        }
    }
    // wif: if1 − if2, then times the ATTs.
    for (i, inf) in influence.iter_mut().enumerate() {
        let in_cohort = |k: usize| f64::from(u8::from(cohort_of[i] == Some(k)));
        let sum_dev: f64 = cells
            .iter()
            .map(|c| in_cohort(c.cohort_index) - shares[c.cohort_index])
            .sum();
        for c in cells {
            let pg = shares[c.cohort_index];
            let if1 = (in_cohort(c.cohort_index) - pg) / total;
            let if2 = sum_dev * pg / (total * total);
            *inf += (if1 - if2) * c.att.att;
        }
    }
    aggregate(estimate, &influence)
}

/// Group-time ATTs, their event-time aggregation and the overall ATT for the BW districts.
/// The cohorts replace the comparison's two groups, so `spec.comparison` is not used; the
/// start rule comes from `spec.rules`. A district's cohort is the month of its start date.
pub fn staggered(
    bundle: &Bundle,
    spec: &PanelSpec,
    _options: &RobustOptions,
) -> Result<Staggered, RobustError> {
    let StartCohorts {
        which,
        data,
        first,
        last_data,
        candidates,
        mut excluded,
    } = StartCohorts::read(bundle, spec, "staggered adoption needs")?;
    let latest = last_start(&candidates)?;
    // Without never-treated units only months before the last cohort's start have controls.
    let last = last_data.min(latest.plus(-1));
    let months: Vec<Month> = first.through(last).collect();
    let mut ids = Vec::new();
    let mut cohort_month = Vec::new();
    let mut y: Vec<Vec<f64>> = Vec::new();
    for (id, g) in candidates {
        let series: Result<Vec<f64>, MissingFigure> = months
            .iter()
            .map(|&m| data.rate(&id, m, which).map(|r| r.rate_pct))
            .collect();
        match series {
            Ok(s) => {
                ids.push(id);
                cohort_month.push(g);
                y.push(s);
            }
            Err(reason) => excluded.push(Exclusion {
                unit: id,
                reason: format!("not in every month of the panel: {reason}"),
            }),
        }
    }
    let n = ids.len();
    let cohorts: Vec<Month> = {
        let mut c: Vec<Month> = cohort_month
            .iter()
            .copied()
            .filter(|&g| g < latest)
            .collect();
        c.sort();
        c.dedup();
        c
    };
    if cohorts.is_empty() {
        return Err(RobustError::Data(
            "all districts start in the same month: no not-yet-treated comparison".into(),
        ));
    }
    let cohort_of: Vec<Option<usize>> = cohort_month
        .iter()
        .map(|g| cohorts.iter().position(|c| c == g))
        .collect();
    let shares: Vec<f64> = (0..cohorts.len())
        .map(|k| cohort_of.iter().filter(|&&c| c == Some(k)).count() as f64 / n as f64)
        .collect();
    let index = |m: Month| (m.index() - first.index()) as usize;
    let mut cells = Vec::new();
    for (k, &g) in cohorts.iter().enumerate() {
        let g_base = g.plus(-1);
        for &t in &months[1..] {
            let base = if t >= g { g_base } else { t.plus(-1) };
            let treated: Vec<usize> = (0..n).filter(|&i| cohort_of[i] == Some(k)).collect();
            let control: Vec<usize> = (0..n)
                .filter(|&i| cohort_month[i] > t && cohort_month[i] != g)
                .collect();
            if treated.is_empty() || control.is_empty() {
                continue;
            }
            let change = |i: usize| y[i][index(t)] - y[i][index(base)];
            let mean =
                |set: &[usize]| set.iter().map(|&i| change(i)).sum::<f64>() / set.len() as f64;
            let (mt, mc) = (mean(&treated), mean(&control));
            let (pt, pc) = (
                treated.len() as f64 / n as f64,
                control.len() as f64 / n as f64,
            );
            let mut influence = vec![0.0; n];
            for &i in &treated {
                influence[i] = (change(i) - mt) / pt;
            }
            for &i in &control {
                influence[i] = -(change(i) - mc) / pc;
            }
            let se = aggregate(0.0, &influence).std_error;
            cells.push(Cell {
                att: GroupTimeAtt {
                    cohort: g,
                    month: t,
                    base,
                    event_time: t.index() - g.index(),
                    att: mt - mc,
                    std_error: se,
                    cohort_units: treated.len(),
                    control_units: control.len(),
                },
                cohort_index: k,
                influence,
            });
        }
    }
    let mut event_times: Vec<i32> = cells.iter().map(|c| c.att.event_time).collect();
    event_times.sort();
    event_times.dedup();
    let event_time = event_times
        .iter()
        .map(|&e| {
            let these: Vec<&Cell> = cells.iter().filter(|c| c.att.event_time == e).collect();
            EventTimeAtt {
                event_time: e,
                aggregate: weighted_aggregate(&these, &cohort_of, &shares),
            }
        })
        .collect();
    let post: Vec<&Cell> = cells.iter().filter(|c| c.att.event_time >= 0).collect();
    if post.is_empty() {
        return Err(RobustError::Data(
            "no cohort has a post-start month with not-yet-treated controls".into(),
        ));
    }
    let overall = weighted_aggregate(&post, &cohort_of, &shares);
    let cohort_sizes = (0..cohorts.len())
        .map(|k| {
            (
                cohorts[k],
                cohort_of.iter().filter(|&&c| c == Some(k)).count(),
            )
        })
        .collect();
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(Staggered {
        what_it_tests: Check::Staggered.what_it_tests(),
        how_to_read: Check::Staggered.how_to_read(),
        units: n,
        cohorts: cohort_sizes,
        first_month: first,
        last_month: last,
        group_time: cells.into_iter().map(|c| c.att).collect(),
        event_time,
        overall,
        excluded,
    })
}

/// What both staggered estimators (this check and `cohort_panel`) start from: the monthly
/// employment data, its month range, and the BW districts by start month.
pub(super) struct StartCohorts {
    pub which: Employed,
    pub data: EmploymentData,
    /// The first and last month with data.
    pub first: Month,
    pub last_data: Month,
    /// Districts with a start month after `first`, and that month.
    pub candidates: Vec<(String, Month)>,
    /// The other BW districts, with why they are left out.
    pub excluded: Vec<Exclusion>,
}

impl StartCohorts {
    /// `needs` opens the message for a housing outcome ("staggered adoption needs").
    pub(super) fn read(
        bundle: &Bundle,
        spec: &PanelSpec,
        needs: &str,
    ) -> Result<Self, RobustError> {
        let which = Employed::for_outcome(spec.outcome).ok_or_else(|| {
            RobustError::Unsupported(format!(
                "{needs} the monthly employment outcome; housing has only two survey waves"
            ))
        })?;
        require_tables(
            bundle,
            Some(spec.outcome),
            Comparison::EarlyStart,
            spec.level,
        )?;
        let data = EmploymentData::new(bundle);
        let (first, last_data) = data
            .month_range()
            .ok_or_else(|| RobustError::Data("employment: the table has no rows".into()))?;
        let (candidates, excluded) = start_cohorts(bundle, spec, first);
        Ok(Self {
            which,
            data,
            first,
            last_data,
            candidates,
            excluded,
        })
    }
}

/// The last start month among the cohorts: the control cohort of the event-time estimators,
/// and the end of the months with not-yet-started controls here.
pub(super) fn last_start(candidates: &[(String, Month)]) -> Result<Month, RobustError> {
    candidates
        .iter()
        .map(|c| c.1)
        .max()
        .ok_or_else(|| RobustError::Data("no BW district has a start month".into()))
}

/// The BW districts with a start month after `first` (the first month with data) and their
/// start months, and the others with why they are left out.
fn start_cohorts(
    bundle: &Bundle,
    spec: &PanelSpec,
    first: Month,
) -> (Vec<(String, Month)>, Vec<Exclusion>) {
    let starts: BTreeMap<String, Month> = district_starts(bundle, &spec.rules)
        .into_iter()
        .map(|s| (s.district_id, Month::of_date(s.start)))
        .collect();
    let mut excluded = Vec::new();
    let mut candidates: Vec<(String, Month)> = Vec::new();
    for d in treated_state_districts(bundle) {
        match starts.get(&d.district_id) {
            Some(&g) if g > first => candidates.push((d.district_id.clone(), g)),
            Some(&g) => excluded.push(Exclusion {
                unit: d.district_id.clone(),
                reason: format!("started in {g}, before any month with data: no pre-period"),
            }),
            None => excluded.push(Exclusion {
                unit: d.district_id.clone(),
                reason: format!(
                    "no start date: no grant issued on or before {}",
                    spec.rules.grants_issued_by
                ),
            }),
        }
    }
    (candidates, excluded)
}
