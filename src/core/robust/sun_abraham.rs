//! Sun & Abraham (2021) interaction-weighted event study on the staggered-start panel, and
//! the dynamic two-way FE event study it corrects, on the same panel and axis.
//!
//! The saturated regression y_it = α_i + λ_t + Σ_{g,l≠−1} δ_{g,l} 1[E_i = g, t − g = l] + ε
//! (every treated cohort × every month since start but the reference l = −1; the last cohort,
//! untreated in the window, has no interactions) fits each treated cohort exactly by its own
//! two-way model, so its period effects are those of the control cohort and, in a balanced
//! panel with unit-constant weights,
//! δ_{g,l} = [ȳ_g(g+l) − ȳ_g(g−1)] − [ȳ_C(g+l) − ȳ_C(g−1)] (weighted means).
//! That closed form is the regression's coefficient, and its district-clustered sandwich
//! needs only the coefficient's weights on each district's residuals, so no
//! (cohorts × months)-column design is factorised.

use super::cohort_panel::{CohortPanel, EventTimeEstimate, clustered_se, cohort_panel};
use super::event_study::demean;
use super::{Check, RobustError, RobustOptions};
use crate::core::bundle::Bundle;
use crate::core::derive::{Exclusion, PanelSpec};
use crate::core::estimate::{LeastSquares, TInference};
use crate::core::period::Month;
use serde::Serialize;
use std::collections::BTreeMap;

/// δ_{g,l}: cohort g, l months since its start, against the control cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortEffect {
    pub cohort: Month,
    pub event_time: i32,
    pub estimate: f64,
    pub std_error: f64,
}

/// The dynamic two-way FE event study on the same panel: one coefficient per month since
/// start (l ≠ −1) pooled over cohorts, and the static TWFE coefficient on "started".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TwfeEventTime {
    pub event_time: Vec<EventTimeEstimate>,
    pub overall: EventTimeEstimate,
}

/// The Sun–Abraham result, with the TWFE event study it is read against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SunAbraham {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub weighted: bool,
    pub weighting: &'static str,
    pub variance: &'static str,
    pub units: usize,
    pub clusters: usize,
    pub first_month: Month,
    pub last_month: Month,
    /// The last-treated cohort, the control: untreated in every month of the window.
    pub control_cohort: Month,
    pub control_units: usize,
    /// Treated cohorts (start month) and their districts.
    pub cohorts: Vec<(Month, usize)>,
    /// θ_l = Σ_g share_{g|l} δ_{g,l}, shares of the cohorts observed at l (by persons when
    /// weighted); l = −1 is the reference and not listed.
    pub event_time: Vec<EventTimeEstimate>,
    /// Σ over l ≥ 0 cells, each δ_{g,l} weighted by its treated district-months (persons).
    pub overall: EventTimeEstimate,
    pub cohort_effects: Vec<CohortEffect>,
    pub twfe: TwfeEventTime,
    pub excluded: Vec<Exclusion>,
}

pub const VARIANCE: &str = "district-clustered CR1 (G/(G-1)·(N-1)/(N-K), district FE nested), cohort shares taken as fixed; 95% intervals t(G-1)";

/// Sun–Abraham on `spec`'s employment outcome (BW districts, cohorts by start month).
pub fn sun_abraham(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<SunAbraham, RobustError> {
    sun_abraham_of(&cohort_panel(bundle, spec, options.weighted)?)
}

/// Sun–Abraham and the dynamic TWFE on a prepared panel.
pub fn sun_abraham_of(panel: &CohortPanel) -> Result<SunAbraham, RobustError> {
    let (units, periods) = (panel.units(), panel.periods());
    let g = units;
    if g < 2 {
        return Err(RobustError::Data("fewer than two districts".into()));
    }
    let critical = TInference::new(g - 1)
        .map(|t| t.critical())
        .map_err(RobustError::Estimate)?;
    let cohorts = panel.cohorts();
    let control = panel.control_units();
    let w = &panel.weights;
    let mass = |set: &[usize]| set.iter().map(|&i| w[i]).sum::<f64>();
    let mean_at = |set: &[usize], t: usize| {
        set.iter().map(|&i| w[i] * panel.y(i, t)).sum::<f64>() / mass(set)
    };
    // Two-way residuals within each cohort (the control cohort included): the saturated
    // model fits every cohort by its own unit and period effects.
    let residual = within_cohort_residuals(panel, &cohorts, &control);
    let position = |m: Month| (m.index() - panel.months[0].index()) as usize;

    struct Cell {
        cohort: usize,
        event_time: i32,
        estimate: f64,
        /// ψ_i for every unit (zero outside the cohort and the control).
        influence: Vec<f64>,
    }
    let mut cells = Vec::new();
    let w_control = mass(&control);
    for (k, (start, members)) in cohorts.iter().enumerate() {
        let r = position(start.plus(-1));
        let w_cohort = mass(members);
        for t in (0..periods).filter(|&t| t != r) {
            let estimate = (mean_at(members, t) - mean_at(members, r))
                - (mean_at(&control, t) - mean_at(&control, r));
            let mut influence = vec![0.0; units];
            let delta_e = |i: usize| residual[i * periods + t] - residual[i * periods + r];
            for &i in members {
                influence[i] = w[i] / w_cohort * delta_e(i);
            }
            for &i in &control {
                influence[i] = -w[i] / w_control * delta_e(i);
            }
            cells.push(Cell {
                cohort: k,
                event_time: panel.months[t].index() - start.index(),
                estimate,
                influence,
            });
        }
    }
    let n = units * periods;
    let k_sat = cells.len() + periods;
    if n <= k_sat + 1 {
        return Err(RobustError::Data(
            "too few district-months for the saturated Sun-Abraham regression".into(),
        ));
    }
    let factor = cr1(g, n, k_sat);
    let combine = |these: &[(&Cell, f64)], event_time: Option<i32>, observations: usize| {
        let mut psi = vec![0.0; units];
        let mut estimate = 0.0;
        for (cell, c) in these {
            estimate += c * cell.estimate;
            for (p, v) in psi.iter_mut().zip(&cell.influence) {
                *p += c * v;
            }
        }
        EventTimeEstimate::new(
            event_time,
            estimate,
            clustered_se(&psi, factor),
            critical,
            observations,
        )
    };
    let cohort_mass: Vec<f64> = cohorts.iter().map(|(_, m)| mass(m)).collect();
    let cohort_size: Vec<usize> = cohorts.iter().map(|(_, m)| m.len()).collect();
    let mut by_event: BTreeMap<i32, Vec<&Cell>> = BTreeMap::new();
    for c in &cells {
        by_event.entry(c.event_time).or_default().push(c);
    }
    let event_time = by_event
        .iter()
        .map(|(&l, these)| {
            let total: f64 = these.iter().map(|c| cohort_mass[c.cohort]).sum();
            let weighted: Vec<(&Cell, f64)> = these
                .iter()
                .map(|&c| (c, cohort_mass[c.cohort] / total))
                .collect();
            let obs = these.iter().map(|c| cohort_size[c.cohort]).sum();
            combine(&weighted, Some(l), obs)
        })
        .collect();
    let post: Vec<&Cell> = cells.iter().filter(|c| c.event_time >= 0).collect();
    let total: f64 = post.iter().map(|c| cohort_mass[c.cohort]).sum();
    let overall = combine(
        &post
            .iter()
            .map(|&c| (c, cohort_mass[c.cohort] / total))
            .collect::<Vec<_>>(),
        None,
        post.iter().map(|c| cohort_size[c.cohort]).sum(),
    );
    let cohort_effects = cells
        .iter()
        .map(|c| CohortEffect {
            cohort: cohorts[c.cohort].0,
            event_time: c.event_time,
            estimate: c.estimate,
            std_error: clustered_se(&c.influence, factor),
        })
        .collect();
    let twfe = twfe_event_time(panel, critical)?;
    Ok(SunAbraham {
        what_it_tests: Check::SunAbraham.what_it_tests(),
        how_to_read: Check::SunAbraham.how_to_read(),
        weighted: panel.weighted,
        weighting: panel.weighting(),
        variance: VARIANCE,
        units,
        clusters: g,
        first_month: panel.months[0],
        last_month: panel.months[periods - 1],
        control_cohort: panel.control_cohort,
        control_units: control.len(),
        cohorts: cohorts.iter().map(|(m, u)| (*m, u.len())).collect(),
        event_time,
        overall,
        cohort_effects,
        twfe,
        excluded: panel.excluded.clone(),
    })
}

/// Stata/fixest CR1 with the district FE nested in the clusters: G/(G−1)·(N−1)/(N−K), K = the
/// coefficients plus the period effects (the event study's convention, pyfixest `CRV1`).
fn cr1(g: usize, n: usize, k: usize) -> f64 {
    g as f64 / (g - 1) as f64 * (n - 1) as f64 / (n - k) as f64
}

/// y_it − ȳ_i − ȳ^w_{c,t} + ȳ^w_c within each cohort c (treated cohorts and the control).
fn within_cohort_residuals(
    panel: &CohortPanel,
    cohorts: &[(Month, Vec<usize>)],
    control: &[usize],
) -> Vec<f64> {
    let periods = panel.periods();
    let mut residual = vec![0.0; panel.units() * periods];
    let groups = cohorts
        .iter()
        .map(|(_, m)| m.as_slice())
        .chain(std::iter::once(control));
    for members in groups {
        let rate: Vec<f64> = members
            .iter()
            .flat_map(|&i| (0..periods).map(move |t| panel.y(i, t)))
            .collect();
        let w: Vec<f64> = members.iter().map(|&i| panel.weights[i]).collect();
        let within = demean(&rate, members.len(), periods, &w);
        for (a, &i) in members.iter().enumerate() {
            residual[i * periods..(i + 1) * periods]
                .copy_from_slice(&within[a * periods..(a + 1) * periods]);
        }
    }
    residual
}

/// The dynamic TWFE event study (one dummy per month since start, l = −1 omitted, the control
/// cohort without dummies) and the static TWFE "started" coefficient, unit and month FE
/// absorbed by the exact two-way within transformation of a balanced panel.
fn twfe_event_time(panel: &CohortPanel, critical: f64) -> Result<TwfeEventTime, RobustError> {
    let (units, periods) = (panel.units(), panel.periods());
    let n = units * periods;
    let mut leads_lags: Vec<i32> = (0..units)
        .filter(|&i| !panel.is_control(i))
        .flat_map(|i| (0..periods).map(move |t| panel.event_time(i, t)))
        .filter(|&l| l != -1)
        .collect();
    leads_lags.sort();
    leads_lags.dedup();
    let dummy = |l: Option<i32>| -> Vec<f64> {
        (0..n)
            .map(|j| {
                let (i, t) = (j / periods, j % periods);
                let on = !panel.is_control(i)
                    && match l {
                        Some(l) => panel.event_time(i, t) == l,
                        None => panel.treated(i, t),
                    };
                f64::from(u8::from(on))
            })
            .collect()
    };
    let sqrt_w: Vec<f64> = (0..n).map(|j| panel.weights[j / periods].sqrt()).collect();
    let unit_of: Vec<usize> = (0..n).map(|j| j / periods).collect();
    let y = demean(&panel.rate, units, periods, &panel.weights);
    let fit = |columns: &[Vec<f64>]| -> Result<(Vec<f64>, Vec<f64>), RobustError> {
        let k = columns.len();
        if n <= k + periods {
            return Err(RobustError::Data(
                "too few district-months for the TWFE event study".into(),
            ));
        }
        let mut ls = LeastSquares::new();
        {
            let (x, yw) = ls.design_mut(n, k);
            for ((o, v), s) in yw.iter_mut().zip(&y).zip(&sqrt_w) {
                *o = v * s;
            }
            for (c, raw) in columns.iter().enumerate() {
                let within = demean(raw, units, periods, &panel.weights);
                for ((o, v), s) in x[c * n..(c + 1) * n].iter_mut().zip(within).zip(&sqrt_w) {
                    *o = v * s;
                }
            }
        }
        ls.fit().map_err(|e| {
            RobustError::Data(format!("the TWFE event-study design is singular: {e}"))
        })?;
        ls.clustered(&unit_of, units, cr1(units, n, k + periods));
        let se = (0..k)
            .map(|c| ls.covariance()[c * k + c].max(0.0).sqrt())
            .collect();
        Ok((ls.coefficients().to_vec(), se))
    };
    let columns: Vec<Vec<f64>> = leads_lags.iter().map(|&l| dummy(Some(l))).collect();
    let (beta, se) = fit(&columns)?;
    let event_time = leads_lags
        .iter()
        .zip(beta.iter().zip(&se))
        .zip(&columns)
        .map(|((&l, (&b, &s)), col)| {
            let obs = col.iter().filter(|&&v| v > 0.0).count();
            EventTimeEstimate::new(Some(l), b, s, critical, obs)
        })
        .collect();
    let started = dummy(None);
    let treated_obs = started.iter().filter(|&&v| v > 0.0).count();
    let (b, s) = fit(std::slice::from_ref(&started))?;
    Ok(TwfeEventTime {
        event_time,
        overall: EventTimeEstimate::new(None, b[0], s[0], critical, treated_obs),
    })
}
