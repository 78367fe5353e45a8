//! The imputation estimator (Borusyak, Jaravel & Spiess 2024) and Gardner's (2022) two-stage
//! DiD on the staggered-start panel. Both fit district and month effects on the untreated
//! district-months only (every month before a district's start, and the control cohort
//! throughout), impute the untreated rate of every treated district-month, and average
//! y − ŷ(0) by months since start and overall; their point estimates are the same numbers.
//! They differ in the standard error: BJS's conservative variance (Theorem 3, auxiliary
//! effects by cohort × month since start) and the two-stage GMM sandwich (Butts & Gardner's
//! did2s), which corrects the second stage for the first.
//!
//! Both variances are Σ_i ψ_i² over districts with ψ_i = Σ_t v_it ε̃_it: v_it is the weight
//! of y_it in the estimate (the target weights on treated months, −W X₀(X₀'WX₀)⁻¹X₁'v₁ on
//! untreated ones), ε̃ the first-stage residual on untreated months and τ̂_it − τ̃ on treated
//! ones, with τ̃ the auxiliary (BJS) or second-stage (two-stage) fit.

use super::cohort_panel::{CohortPanel, EventTimeEstimate, clustered_se, cohort_panel};
use super::{Check, RobustError, RobustOptions};
use crate::core::bundle::Bundle;
use crate::core::derive::{Exclusion, PanelSpec};
use crate::core::estimate::{LeastSquares, TInference};
use crate::core::period::Month;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which standard error accompanies the imputed effects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImputationVariance {
    /// BJS Theorem 3, auxiliary effects by cohort × months since start.
    Conservative,
    /// Gardner's two-stage GMM correction (did2s).
    TwoStageGmm,
}

impl ImputationVariance {
    fn describe(self) -> &'static str {
        match self {
            ImputationVariance::Conservative => {
                "district-clustered, Borusyak-Jaravel-Spiess conservative variance (Theorem 3; auxiliary effects by cohort x months since start), no small-sample factor; 95% intervals t(G-1)"
            }
            ImputationVariance::TwoStageGmm => {
                "district-clustered, two-stage GMM sandwich correcting for the first stage (Gardner 2022, did2s), no small-sample factor; 95% intervals t(G-1)"
            }
        }
    }
}

/// The imputation or two-stage result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imputation {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub variance_kind: ImputationVariance,
    pub weighted: bool,
    pub weighting: &'static str,
    pub variance: &'static str,
    pub units: usize,
    pub clusters: usize,
    pub first_month: Month,
    pub last_month: Month,
    /// The last-treated cohort: untreated in every month of the window.
    pub control_cohort: Month,
    pub control_units: usize,
    pub cohorts: Vec<(Month, usize)>,
    /// District-months the unit and month effects are fitted on.
    pub untreated_observations: usize,
    pub treated_observations: usize,
    /// Mean imputed effect at each month since start (0, 1, …).
    pub event_time: Vec<EventTimeEstimate>,
    /// Mean imputed effect over every treated district-month.
    pub overall: EventTimeEstimate,
    pub excluded: Vec<Exclusion>,
}

/// BJS imputation with its conservative variance.
pub fn imputation(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<Imputation, RobustError> {
    imputation_of(
        &cohort_panel(bundle, spec, options.weighted)?,
        ImputationVariance::Conservative,
    )
}

/// Gardner's two-stage DiD with its GMM variance.
pub fn two_stage(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<Imputation, RobustError> {
    imputation_of(
        &cohort_panel(bundle, spec, options.weighted)?,
        ImputationVariance::TwoStageGmm,
    )
}

/// A treated district-month with its imputed effect.
struct Treated {
    unit: usize,
    period: usize,
    cohort: Month,
    event_time: i32,
    effect: f64,
}

/// Imputation on a prepared panel with the chosen variance.
pub fn imputation_of(
    panel: &CohortPanel,
    variance: ImputationVariance,
) -> Result<Imputation, RobustError> {
    let mut one = imputations_of(panel, &[variance])?;
    Ok(one.remove(0))
}

/// Imputation on a prepared panel, one result per variance, from one first-stage fit (the
/// imputation and two-stage checks share it).
pub fn imputations_of(
    panel: &CohortPanel,
    variances: &[ImputationVariance],
) -> Result<Vec<Imputation>, RobustError> {
    let (units, periods) = (panel.units(), panel.periods());
    if units < 2 {
        return Err(RobustError::Data("fewer than two districts".into()));
    }
    let critical = TInference::new(units - 1)
        .map(|t| t.critical())
        .map_err(RobustError::Estimate)?;
    let untreated: Vec<(usize, usize)> = (0..units)
        .flat_map(|i| (0..periods).map(move |t| (i, t)))
        .filter(|&(i, t)| !panel.treated(i, t))
        .collect();
    // Stage 1: y = α_i + λ_t on untreated months; columns: one per district, one per month
    // but the first. Every district has untreated months (it starts after the first month)
    // and every month has the control cohort, so the design has full rank.
    let k = units + periods - 1;
    let n0 = untreated.len();
    if n0 <= k {
        return Err(RobustError::Data(format!(
            "{n0} untreated district-months are too few for {units} district and {periods} month effects"
        )));
    }
    let column_of_period = |t: usize| (t > 0).then(|| units + t - 1);
    let mut ls = LeastSquares::new();
    {
        let (x, y) = ls.design_mut(n0, k);
        x.fill(0.0);
        for (r, &(i, t)) in untreated.iter().enumerate() {
            let s = panel.weights[i].sqrt();
            y[r] = s * panel.y(i, t);
            x[i * n0 + r] = s;
            if let Some(c) = column_of_period(t) {
                x[c * n0 + r] = s;
            }
        }
    }
    ls.fit().map_err(|e| {
        RobustError::Data(format!(
            "the untreated months do not identify every district and month effect: {e}"
        ))
    })?;
    let beta = ls.coefficients().to_vec();
    let xtx_inv = ls.xtx_inverse(false).to_vec();
    let fitted = |i: usize, t: usize| beta[i] + column_of_period(t).map_or(0.0, |c| beta[c]);
    let first_stage_residual: Vec<f64> = untreated
        .iter()
        .map(|&(i, t)| panel.y(i, t) - fitted(i, t))
        .collect();
    let treated: Vec<Treated> = (0..units)
        .flat_map(|i| (0..periods).map(move |t| (i, t)))
        .filter(|&(i, t)| panel.treated(i, t))
        .map(|(i, t)| Treated {
            unit: i,
            period: t,
            cohort: panel.start[i],
            event_time: panel.event_time(i, t),
            effect: panel.y(i, t) - fitted(i, t),
        })
        .collect();
    if treated.is_empty() {
        return Err(RobustError::Data(
            "no treated district-month in the window".into(),
        ));
    }
    let w = &panel.weights;
    // BJS's auxiliary τ̃ by cohort × month since start: Σ v² τ̂ / Σ v², v ∝ the weight.
    let mut auxiliary: BTreeMap<(Month, i32), (f64, f64)> = BTreeMap::new();
    for o in &treated {
        let e = auxiliary.entry((o.cohort, o.event_time)).or_default();
        e.0 += w[o.unit] * w[o.unit] * o.effect;
        e.1 += w[o.unit] * w[o.unit];
    }
    // The influence of one target: `v1[j]` = weight of treated obs j in the estimate.
    let estimate_of =
        |v1: &[f64], event_time: Option<i32>, variance: ImputationVariance| -> EventTimeEstimate {
            let estimate: f64 = v1.iter().zip(&treated).map(|(v, o)| v * o.effect).sum();
            let mut psi = vec![0.0; units];
            // b = X₁'v₁, c = (X₀'WX₀)⁻¹ b; then v0_it = −w_i x_it'c.
            let mut b = vec![0.0; k];
            for (v, o) in v1.iter().zip(&treated) {
                if *v == 0.0 {
                    continue;
                }
                b[o.unit] += v;
                if let Some(c) = column_of_period(o.period) {
                    b[c] += v;
                }
                let tilde = match variance {
                    ImputationVariance::Conservative => {
                        let (num, den) = auxiliary[&(o.cohort, o.event_time)];
                        num / den
                    }
                    ImputationVariance::TwoStageGmm => estimate,
                };
                psi[o.unit] += v * (o.effect - tilde);
            }
            let c: Vec<f64> = (0..k)
                .map(|a| (0..k).map(|j| xtx_inv[j * k + a] * b[j]).sum())
                .collect();
            for (&(i, t), e) in untreated.iter().zip(&first_stage_residual) {
                let xc = c[i] + column_of_period(t).map_or(0.0, |j| c[j]);
                psi[i] -= w[i] * xc * e;
            }
            let observations = v1.iter().filter(|&&v| v != 0.0).count();
            EventTimeEstimate::new(
                event_time,
                estimate,
                clustered_se(&psi, 1.0),
                critical,
                observations,
            )
        };
    let target = |include: &dyn Fn(&Treated) -> bool| -> Vec<f64> {
        let total: f64 = treated
            .iter()
            .filter(|o| include(o))
            .map(|o| w[o.unit])
            .sum();
        treated
            .iter()
            .map(|o| if include(o) { w[o.unit] / total } else { 0.0 })
            .collect()
    };
    let mut horizons: Vec<i32> = treated.iter().map(|o| o.event_time).collect();
    horizons.sort();
    horizons.dedup();
    let targets: Vec<(Option<i32>, Vec<f64>)> = horizons
        .iter()
        .map(|&l| (Some(l), target(&|o| o.event_time == l)))
        .chain([(None, target(&|_| true))])
        .collect();
    let result = |variance: ImputationVariance| {
        let mut estimates: Vec<EventTimeEstimate> = targets
            .iter()
            .map(|(l, v1)| estimate_of(v1, *l, variance))
            .collect();
        let overall = estimates.pop().expect("the overall target");
        let event_time = estimates;
        let check = match variance {
            ImputationVariance::Conservative => Check::Imputation,
            ImputationVariance::TwoStageGmm => Check::TwoStage,
        };
        Imputation {
            what_it_tests: check.what_it_tests(),
            how_to_read: check.how_to_read(),
            variance_kind: variance,
            weighted: panel.weighted,
            weighting: panel.weighting(),
            variance: variance.describe(),
            units,
            clusters: units,
            first_month: panel.months[0],
            last_month: panel.months[periods - 1],
            control_cohort: panel.control_cohort,
            control_units: panel.control_units().len(),
            cohorts: panel.cohorts().iter().map(|(m, u)| (*m, u.len())).collect(),
            untreated_observations: n0,
            treated_observations: treated.len(),
            event_time,
            overall,
            excluded: panel.excluded.clone(),
        }
    };
    Ok(variances.iter().map(|&v| result(v)).collect())
}
