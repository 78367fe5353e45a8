//! The Robustness page's words for each check's result: one table row (statistic, p-value or
//! interval, reading) and a few detail lines for the check under the cursor. Formatting
//! only; the numbers come from core::robust unchanged.

use super::robust_table::{CheckRow, RowResult};
use crate::core::export::robustness;
use crate::core::robust::{
    Check, DoseResult, EventStudy, LeaveOneOut, PlaceboResult, PretrendPower,
    RandomizationInference, Staggered, WildBootstrap,
};
use crate::tui::robust_results::{CheckResult, RobustSuite};

/// Significance level at which a reading flags a problem (the export's).
use robustness::{ALPHA, count};

/// The page's short name of each check (core's, so the export names rows the same).
pub fn name(check: Check) -> &'static str {
    robustness::check_name(check)
}

/// The reason when every check failed for the same one (an unsupported combination).
pub fn one_reason(s: &RobustSuite) -> Option<&str> {
    let why = s.event_study.as_ref().err()?;
    let same = |r: Option<&String>| r == Some(why);
    (same(s.placebo.as_ref().err())
        && same(s.ri.as_ref().err())
        && same(s.wild.as_ref().err())
        && same(s.loo.as_ref().err())
        && same(s.dose.as_ref().err())
        && same(s.staggered.as_ref().err())
        && same(s.pretrend_power.as_ref().err()))
    .then_some(why.as_str())
}

/// A p-value with three decimals, or "< 0.001".
fn p(value: f64) -> String {
    if value < 0.001 {
        "< 0.001".into()
    } else {
        format!("{value:.3}")
    }
}

/// An interval bound; `None` is unbounded on that side.
fn bound(b: Option<f64>, infinity: &str) -> String {
    b.map_or(infinity.to_string(), |v| format!("{v:.2}"))
}

/// The table rows of a suite, in `Check::ALL` order; the readings are core's, the same
/// words as the export.
pub fn rows(s: &RobustSuite) -> Vec<CheckRow> {
    Check::ALL
        .into_iter()
        .map(|check| {
            let shown = match check {
                Check::EventStudy => shown(&s.event_study, event_study_row),
                Check::Placebo => shown(&s.placebo, placebo_row),
                Check::Ri => shown(&s.ri, ri_row),
                Check::Wild => shown(&s.wild, wild_row),
                Check::Loo => shown(&s.loo, loo_row),
                Check::Dose => shown(&s.dose, dose_row),
                Check::Staggered => shown(&s.staggered, staggered_row),
                Check::PretrendPower => shown(&s.pretrend_power, pretrend_power_row),
            };
            let result = match (shown, robustness::reading(check, s)) {
                (Ok((statistic, inference, flagged)), Ok(reading)) => RowResult::Shown {
                    statistic,
                    inference,
                    reading,
                    flagged,
                },
                (Err(why), _) | (_, Err(why)) => RowResult::Unavailable(why),
            };
            CheckRow {
                name: name(check),
                question: check.what_it_tests(),
                result,
            }
        })
        .collect()
}

/// A check's statistic, its inference and whether the reading flags a problem.
type Shown = Result<(String, String, bool), String>;

fn shown<T>(r: &CheckResult<T>, f: fn(&T) -> Shown) -> Shown {
    r.as_ref().map_err(Clone::clone).and_then(f)
}

fn event_study_row(e: &EventStudy) -> Shown {
    let w = e
        .pre_trend_hc1
        .as_ref()
        .ok_or_else(|| "no pre-period coefficient to test".to_string())?;
    Ok((
        format!("F({}, {}) = {:.2}", w.df_num, w.df_den, w.f),
        format!("p = {} (HC1)", p(w.p_value)),
        w.p_value < ALPHA,
    ))
}

fn placebo_row(r: &PlaceboResult) -> Shown {
    let c = &r.placebo;
    Ok((
        format!("{:+.3} (SE {:.3})", c.estimate, c.std_error),
        format!("p = {} (HC1)", p(c.p_value)),
        c.p_value < ALPHA,
    ))
}

fn ri_row(r: &RandomizationInference) -> Shown {
    let how = if r.exact {
        format!("all {}", count(r.draws))
    } else {
        format!("{} draws", count(r.draws))
    };
    Ok((
        format!("{:+.3} (t {:+.2})", r.estimate, r.t),
        format!("p = {}, {how}", p(r.p_value)),
        false,
    ))
}

fn wild_row(r: &WildBootstrap) -> Shown {
    Ok((
        format!("{:+.3} (SE {:.3})", r.estimate, r.std_error_cr1),
        format!(
            "p = {} [{}, {}]",
            p(r.p_value),
            bound(r.ci_low, "−∞"),
            bound(r.ci_high, "+∞")
        ),
        false,
    ))
}

fn pretrend_power_row(r: &PretrendPower) -> Shown {
    let slope = |key: &str| r.slope_for_power.get(key).copied().unwrap_or(f64::NAN);
    Ok((
        format!("80% power: {:.2} {}", slope("0.8"), r.slope_unit),
        format!("50%: {:.2}", slope("0.5")),
        r.rejects,
    ))
}

fn loo_row(r: &LeaveOneOut) -> Shown {
    Ok((
        format!("[{:+.3}, {:+.3}]", r.min, r.max),
        format!("all {} units: {:+.3}", r.n, r.estimate),
        false,
    ))
}

fn dose_row(r: &DoseResult) -> Shown {
    let d = &r.dose;
    Ok((
        format!("{:+.3} (SE {:.3})", d.estimate, d.std_error),
        format!("p = {} (HC1)", p(d.p_value)),
        false,
    ))
}

fn staggered_row(r: &Staggered) -> Shown {
    let o = &r.overall;
    Ok((
        format!("ATT {:+.3} ({:.3})", o.estimate, o.std_error),
        format!("95% [{:.2}, {:.2}]", o.ci_low, o.ci_high),
        false,
    ))
}

/// More of what the check under the cursor found (one line each).
pub fn details(check: Check, s: &RobustSuite) -> Vec<String> {
    let why = |e: &String| vec![format!("Not available here: {e}")];
    match check {
        Check::EventStudy => match &s.event_study {
            Ok(e) => vec![format!(
                "{} units × {} periods, base {}; clustered pre-trend test: {}",
                e.units,
                e.periods,
                e.base_period,
                e.pre_trend_cluster.as_ref().map_or(
                    "not available (more pre-periods than clusters − 1)".into(),
                    |w| format!("F = {:.2}, p = {}", w.f, p(w.p_value))
                )
            )],
            Err(e) => why(e),
        },
        Check::Placebo => match &s.placebo {
            Ok(r) => vec![format!(
                "Actual DiD on the same units: {:+.3} (p = {}); placebo n = {}",
                r.actual.estimate,
                p(r.actual.p_value),
                r.n
            )],
            Err(e) => why(e),
        },
        Check::Ri => match &s.ri {
            Ok(r) => vec![format!(
                "{} of {} assignments at least as extreme; {} of {} units treated",
                count(r.at_least_as_extreme),
                count(r.draws),
                r.treated_units,
                r.n
            )],
            Err(e) => why(e),
        },
        Check::Wild => match &s.wild {
            Ok(r) => vec![format!(
                "Clusters: {}. CR1 SE {:.3}, t-test with G − 1 df: p = {}; 95% interval by test inversion",
                r.clusters.join(", "),
                r.std_error_cr1,
                p(r.p_value_cr1)
            )],
            Err(e) => why(e),
        },
        Check::Loo => match &s.loo {
            Ok(r) => r
                .most_influential
                .iter()
                .map(|d| match (d.shift, d.estimate) {
                    (Some(sh), Some(est)) => format!("{} {sh:+.3} → {est:+.3}", d.name),
                    _ => format!("{}: {}", d.name, d.error.as_deref().unwrap_or("")),
                })
                .collect(),
            Err(e) => why(e),
        },
        Check::Dose => match &s.dose {
            Ok(r) => vec![format!(
                "n = {}, R² = {:.3}; median split {:+.3} (p = {})",
                r.n,
                r.r2,
                r.median_split.estimate,
                p(r.median_split.p_value)
            )],
            Err(e) => why(e),
        },
        Check::PretrendPower => match &s.pretrend_power {
            Ok(r) => vec![r.reading.clone()],
            Err(e) => why(e),
        },
        Check::Staggered => match &s.staggered {
            Ok(r) => vec![format!(
                "{} districts; cohorts: {}",
                r.units,
                r.cohorts
                    .iter()
                    .map(|(m, n)| format!("{m} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
            Err(e) => why(e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p_values_and_bounds_read_as_printed() {
        assert_eq!(p(0.0004), "< 0.001");
        assert_eq!(p(0.7609), "0.761");
        assert_eq!(bound(None, "−∞"), "−∞");
        assert_eq!(bound(Some(6.057), "+∞"), "6.06");
    }

    #[test]
    fn one_reason_only_when_every_check_gives_it() {
        let all = RobustSuite::unavailable("housing cannot be compared by start date");
        assert_eq!(
            one_reason(&all),
            Some("housing cannot be compared by start date")
        );
        let mut some = RobustSuite::unavailable("x");
        some.dose = Err("y".into());
        assert_eq!(one_reason(&some), None);
    }
}
