//! Event study: the monthly (or quarterly) rate on group × period indicators with district and
//! period fixed effects, base period = the comparison's base month, and a joint test of the
//! pre-period coefficients (parallel trends).
//!
//! The base period is `employment_base` for every comparison, early-start included: the
//! early-start cutoff (mid-Feb 2018) lies after many districts had started, so using it would
//! put treated months into the "pre" period; the report's DiD also measures from Dec 2017.

use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::{Bundle, Level};
use crate::core::derive::employment::{Employed, EmploymentData, MissingFigure};
use crate::core::derive::panel::require_tables;
use crate::core::derive::{Exclusion, PanelSpec, check_supported};
use crate::core::estimate::{Heteroskedastic, LeastSquares, TInference};
use crate::core::period::Month;
use nalgebra::{DMatrix, DVector};
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, FisherSnedecor};

/// Period length of the event-study panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    #[default]
    Monthly,
    /// The rate in each quarter's last month (Mar, Jun, Sep, Dec), so a December base month is
    /// exactly the base quarter.
    Quarterly,
}

/// The group × period coefficient of one period, with HC1 and district-clustered inference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventCoefficient {
    /// `YYYY-MM`, or `YYYYQn` for quarters.
    pub period: String,
    /// Periods relative to the base (negative before it).
    pub relative: i32,
    pub estimate: f64,
    pub std_error_hc1: f64,
    pub ci_low_hc1: f64,
    pub ci_high_hc1: f64,
    pub std_error_cluster: f64,
    pub ci_low_cluster: f64,
    pub ci_high_cluster: f64,
}

/// Joint F test that all pre-period coefficients are zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaldTest {
    pub f: f64,
    pub df_num: usize,
    pub df_den: usize,
    pub p_value: f64,
}

/// A district-clustered joint pre-trend test at another frequency than the event study's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClusteredPretrend {
    pub frequency: Frequency,
    pub base_period: String,
    pub pre_periods: usize,
    pub test: WaldTest,
}

/// The event-study result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventStudy {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub frequency: Frequency,
    pub base_period: String,
    pub weighted: bool,
    pub units: usize,
    pub periods: usize,
    pub observations: usize,
    /// Residual df of HC1 inference: N − (K + units + periods − 1) (pyfixest `hetero`).
    pub df_hc1: usize,
    /// Clusters (districts); clustered inference uses G − 1 df and the factor
    /// G/(G−1)·(N−1)/(N−K−periods) (pyfixest `CRV1`, district FE nested in clusters).
    pub clusters: usize,
    pub coefficients: Vec<EventCoefficient>,
    pub pre_trend_hc1: Option<WaldTest>,
    /// `None` when there are more pre-period coefficients than clusters − 1 (the clustered
    /// covariance of the pre-periods is then singular).
    pub pre_trend_cluster: Option<WaldTest>,
    /// The main pre-trend test when the event study is at another frequency than the
    /// pre-trend checks: the district-clustered joint test at the pre-trend frequency
    /// (quarterly by default: monthly, most comparisons have more pre-periods than
    /// districts). Set by the check, not by the estimation, so that the page leads with the
    /// same clustered test as the pre-trend power whatever frequency its plot shows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_trend_clustered_at: Option<ClusteredPretrend>,
    /// Covariance of the coefficients, HC1 and district-clustered (CRV1), rows and columns in
    /// the order of `coefficients`, so the estimates can be taken elsewhere (HonestDiD,
    /// pretrends).
    pub vcov_hc1: Vec<Vec<f64>>,
    pub vcov_cluster: Vec<Vec<f64>>,
    pub excluded: Vec<Exclusion>,
}

fn label(frequency: Frequency, m: Month) -> String {
    match frequency {
        Frequency::Monthly => m.to_string(),
        Frequency::Quarterly => format!("{}Q{}", m.year, m.quarter()),
    }
}

/// Two-way within transformation for a balanced panel with unit-constant weights: the unit and
/// period subspaces are orthogonal under Σ_i w_i Σ_t, so one pass is exact:
/// x − x̄_i − x̄^w_t + x̄^w.
pub(super) fn demean(x: &[f64], units: usize, periods: usize, w: &[f64]) -> Vec<f64> {
    let total_w: f64 = w.iter().sum();
    let unit_mean: Vec<f64> = (0..units)
        .map(|i| x[i * periods..(i + 1) * periods].iter().sum::<f64>() / periods as f64)
        .collect();
    let period_mean: Vec<f64> = (0..periods)
        .map(|t| (0..units).map(|i| w[i] * x[i * periods + t]).sum::<f64>() / total_w)
        .collect();
    let grand: f64 = (0..units).map(|i| w[i] * unit_mean[i]).sum::<f64>() / total_w;
    (0..units * periods)
        .map(|j| x[j] - unit_mean[j / periods] - period_mean[j % periods] + grand)
        .collect()
}

fn rows(m: &DMatrix<f64>) -> Vec<Vec<f64>> {
    m.row_iter().map(|r| r.iter().copied().collect()).collect()
}

fn wald(beta: &DVector<f64>, v: &DMatrix<f64>, pre: &[usize], df_den: usize) -> Option<WaldTest> {
    let q = pre.len();
    if q == 0 || df_den == 0 {
        return None;
    }
    let b = DVector::from_iterator(q, pre.iter().map(|&j| beta[j]));
    let vr = DMatrix::from_fn(q, q, |a, c| v[(pre[a], pre[c])]);
    let chol = vr.cholesky()?;
    let w = b.dot(&chol.solve(&b));
    let f = w / q as f64;
    let dist = FisherSnedecor::new(q as f64, df_den as f64).ok()?;
    Some(WaldTest {
        f,
        df_num: q,
        df_den,
        p_value: dist.sf(f),
    })
}

/// The event study of `spec`'s employment comparison (districts; controls are absorbed by
/// the district fixed effects and ignored). Districts without a rate in every period are
/// excluded, so the panel is balanced.
pub fn event_study(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<EventStudy, RobustError> {
    event_study_in(&SharedInputs::new(bundle, spec, options), options.frequency)
}

/// `event_study` at `frequency` on inputs shared with the other checks of a suite (the
/// monthly event study and the quarterly one of the pre-trend checks share the groups).
pub(crate) fn event_study_in(
    shared: &SharedInputs,
    frequency: Frequency,
) -> Result<EventStudy, RobustError> {
    let (bundle, spec, options) = (shared.bundle, shared.spec, shared.options);
    let which = Employed::for_outcome(spec.outcome).ok_or_else(|| {
        RobustError::Unsupported(
            "the event study needs a monthly outcome; housing has only two survey waves".into(),
        )
    })?;
    check_supported(spec.outcome, spec.comparison, spec.level)?;
    require_tables(bundle, Some(spec.outcome), spec.comparison, Level::District)?;
    let groups = shared.district_groups()?;
    let data = EmploymentData::new(bundle);
    let (first, last) = data
        .month_range()
        .ok_or_else(|| RobustError::Data("employment: the table has no rows".into()))?;
    let base_month = bundle.manifest.periods.employment_base;
    let months: Vec<Month> = first
        .through(last)
        .filter(|m| frequency == Frequency::Monthly || m.month % 3 == 0)
        .collect();
    let base = match frequency {
        Frequency::Monthly => base_month,
        Frequency::Quarterly => Month {
            year: base_month.year,
            month: base_month.quarter() * 3,
        },
    };
    let base_index = months.iter().position(|&m| m == base).ok_or_else(|| {
        RobustError::Data(format!(
            "employment: the base period {} lies outside the data ({first} to {last})",
            label(frequency, base)
        ))
    })?;
    let mut excluded = groups.excluded.clone();
    let mut rates: Vec<f64> = Vec::new();
    let mut weights = Vec::new();
    let mut treated = Vec::new();
    for (id, _) in &groups.units {
        let Some(assignment) = groups.assigned.get(id) else {
            continue;
        };
        let series: Result<Vec<f64>, MissingFigure> = months
            .iter()
            .map(|&m| data.rate(id, m, which).map(|r| r.rate_pct))
            .collect();
        let weight = data.persons(id, base_month);
        match (series, weight) {
            (Ok(s), Ok(w)) if w > 0.0 => {
                rates.extend(s);
                weights.push(if options.weighted { w } else { 1.0 });
                treated.push(assignment.treated);
            }
            (Err(reason), _) | (_, Err(reason)) => excluded.push(Exclusion {
                unit: id.clone(),
                reason: format!("not in every period of the event study: {reason}"),
            }),
            (Ok(_), Ok(w)) => excluded.push(Exclusion {
                unit: id.clone(),
                reason: format!("persons at the base month are {w}"),
            }),
        }
    }
    let (units, periods) = (weights.len(), months.len());
    if !treated.iter().any(|&t| t) || treated.iter().all(|&t| t) || periods < 2 {
        return Err(RobustError::Data(format!(
            "the event study needs treated and control districts with a rate in all {periods} periods; {units} districts qualify"
        )));
    }
    let n = units * periods;
    let event_periods: Vec<usize> = (0..periods).filter(|&t| t != base_index).collect();
    let k = event_periods.len();
    let sqrt_w: Vec<f64> = (0..n).map(|j| weights[j / periods].sqrt()).collect();
    let mut ls = LeastSquares::new();
    {
        let (x, y) = ls.design_mut(n, k);
        for ((y, v), s) in y
            .iter_mut()
            .zip(demean(&rates, units, periods, &weights))
            .zip(&sqrt_w)
        {
            *y = v * s;
        }
        for (c, &s) in event_periods.iter().enumerate() {
            let raw: Vec<f64> = (0..n)
                .map(|j| f64::from(u8::from(treated[j / periods] && j % periods == s)))
                .collect();
            let column = &mut x[c * n..(c + 1) * n];
            for ((x, v), w) in column
                .iter_mut()
                .zip(demean(&raw, units, periods, &weights))
                .zip(&sqrt_w)
            {
                *x = v * w;
            }
        }
    }
    let singular = || RobustError::Data("the event-study design is singular".into());
    ls.fit().map_err(|_| singular())?;
    let df_hc1 = n
        .checked_sub(k + units + periods - 1)
        .filter(|&d| d > 0)
        .ok_or_else(|| RobustError::Data("too few observations for the fixed effects".into()))?;
    let hc1_factor = n as f64 / df_hc1 as f64;
    ls.heteroskedastic(Heteroskedastic::Hc0, hc1_factor)
        .map_err(|_| singular())?;
    let hetero = ls.covariance_matrix();
    let unit_of: Vec<usize> = (0..n).map(|j| j / periods).collect();
    let g = units;
    let cluster_factor = g as f64 / (g - 1) as f64 * (n - 1) as f64 / (n - k - periods) as f64;
    ls.clustered(&unit_of, g, cluster_factor);
    let cluster = ls.covariance_matrix();
    let beta = ls.coefficient_vector();
    let t_crit = |df: usize| TInference::new(df).map_or(f64::NAN, |t| t.critical());
    let (c_hc1, c_cl) = (t_crit(df_hc1), t_crit(g - 1));
    let coefficients = event_periods
        .iter()
        .enumerate()
        .map(|(c, &t)| {
            let (b, s1, s2) = (
                beta[c],
                hetero[(c, c)].max(0.0).sqrt(),
                cluster[(c, c)].max(0.0).sqrt(),
            );
            EventCoefficient {
                period: label(frequency, months[t]),
                relative: t as i32 - base_index as i32,
                estimate: b,
                std_error_hc1: s1,
                ci_low_hc1: b - c_hc1 * s1,
                ci_high_hc1: b + c_hc1 * s1,
                std_error_cluster: s2,
                ci_low_cluster: b - c_cl * s2,
                ci_high_cluster: b + c_cl * s2,
            }
        })
        .collect();
    let pre: Vec<usize> = (0..k).filter(|&c| event_periods[c] < base_index).collect();
    let pre_trend_cluster = if pre.len() < g {
        wald(&beta, &cluster, &pre, g - 1)
    } else {
        None
    };
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(EventStudy {
        what_it_tests: Check::EventStudy.what_it_tests(),
        how_to_read: Check::EventStudy.how_to_read(),
        frequency,
        base_period: label(frequency, base),
        weighted: options.weighted,
        units,
        periods,
        observations: n,
        df_hc1,
        clusters: g,
        coefficients,
        pre_trend_hc1: wald(&beta, &hetero, &pre, df_hc1),
        pre_trend_cluster,
        pre_trend_clustered_at: None,
        vcov_hc1: rows(&hetero),
        vcov_cluster: rows(&cluster),
        excluded,
    })
}
