//! The Robustness page as an export: one table row per check with what the page shows
//! (statistic, interval, p-value, draws, the one-line reading), and the event-study
//! coefficients with their 95% intervals as a chart. The checks come in as data (a
//! `RobustSuite`), so the dashboard exports what it already computed and the CLI what it
//! computes with `wirkung robustness`'s defaults.

use super::chart::{Chart, ChartBody, IntervalPoint};
use super::table::{Cell, TableData};
use super::{ExportRequest, PageContent, caption, controls_label};
use crate::core::bundle::{Bundle, Level};
use crate::core::robust::{
    Check, DoseResult, EventStudy, LeaveOneOut, PlaceboResult, PretrendPower, PretrendVariance,
    RandomizationInference, RobustOptions, RobustSuite, Staggered, SuiteResult, WildBootstrap,
};

/// Significance level at which a reading flags a problem (as on the page).
pub const ALPHA: f64 = 0.05;

/// The checks' options for an export request: `wirkung robustness`'s defaults (9,999 draws,
/// seed 20171211, placebo Dec 2015 → Sep 2017, monthly event study) with the request's
/// weighting, as the dashboard runs them.
pub fn robust_options(req: &ExportRequest) -> RobustOptions {
    RobustOptions::weighted(req.options.weighted)
}

/// The page's short name of each check.
pub fn check_name(check: Check) -> &'static str {
    match check {
        Check::EventStudy => "Pre-trends",
        Check::Placebo => "Placebo timing",
        Check::Ri => "Permutation",
        Check::Wild => "Wild bootstrap",
        Check::Loo => "Leave-one-out",
        Check::Dose => "Dose-response",
        Check::Staggered => "Staggered (CS)",
        Check::PretrendPower => "Pre-trend power",
    }
}

/// The table columns; a check fills those that apply to it.
const HEADER: [&str; 9] = [
    "check",
    "statistic",
    "estimate",
    "std_error",
    "low",
    "high",
    "p_value",
    "draws",
    "reading",
];

/// What one check contributes to its row (before the name).
struct Row {
    statistic: String,
    estimate: Cell,
    std_error: Cell,
    low: Cell,
    high: Cell,
    p_value: Cell,
    draws: Cell,
    reading: String,
}

fn est(v: f64) -> Cell {
    Cell::Number {
        value: v,
        decimals: 3,
    }
}

fn pval(v: f64) -> Cell {
    Cell::Number {
        value: v,
        decimals: 4,
    }
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Missing, est)
}

/// A count with thousands separators, as the page prints draws (9,999).
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

fn event_study_row(e: &EventStudy) -> Result<Row, String> {
    let w = e
        .pre_trend_hc1
        .as_ref()
        .ok_or_else(|| "no pre-period coefficient to test".to_string())?;
    let reading = if w.p_value < ALPHA {
        "pre-trend found: groups drifted apart before the base"
    } else {
        "no pre-trend: parallel trends plausible"
    };
    Ok(Row {
        statistic: format!(
            "joint pre-trend F({}, {}), HC1, base {}",
            w.df_num, w.df_den, e.base_period
        ),
        estimate: Cell::Number {
            value: w.f,
            decimals: 2,
        },
        std_error: Cell::Missing,
        low: Cell::Missing,
        high: Cell::Missing,
        p_value: pval(w.p_value),
        draws: Cell::Missing,
        reading: reading.into(),
    })
}

fn placebo_row(r: &PlaceboResult) -> Result<Row, String> {
    let c = &r.placebo;
    let (b, e) = (r.placebo_base, r.placebo_end);
    let reading = if c.p_value < ALPHA {
        format!("placebo effect {b} → {e}: trends differ anyway")
    } else {
        format!("no placebo effect {b} → {e}: reassuring")
    };
    Ok(Row {
        statistic: format!("placebo DiD {b} → {e}, HC1, 95%"),
        estimate: est(c.estimate),
        std_error: est(c.std_error),
        low: est(c.ci_low),
        high: est(c.ci_high),
        p_value: pval(c.p_value),
        draws: Cell::Missing,
        reading,
    })
}

fn ri_row(r: &RandomizationInference) -> Result<Row, String> {
    let of = format!(
        "{} of {} as extreme",
        count(r.at_least_as_extreme),
        count(r.draws)
    );
    let reading = if r.p_value < ALPHA {
        format!("unusual among re-assignments ({of})")
    } else {
        format!("ordinary among re-assignments ({of})")
    };
    let how = if r.exact {
        "all assignments"
    } else {
        "seeded draws"
    };
    Ok(Row {
        statistic: format!("DiD, permutation p of |t| ({how}), t {:+.2}", r.t),
        estimate: est(r.estimate),
        std_error: Cell::Missing,
        low: Cell::Missing,
        high: Cell::Missing,
        p_value: pval(r.p_value),
        draws: Cell::int(r.draws as i64),
        reading,
    })
}

fn wild_row(r: &WildBootstrap) -> Result<Row, String> {
    let draws = if r.enumerated {
        format!("all {} sign vectors", r.draws)
    } else {
        format!("{} draws", count(r.draws))
    };
    Ok(Row {
        statistic:
            "DiD, CR1 SE; wild cluster bootstrap p, 95% by test inversion (empty: unbounded)".into(),
        estimate: est(r.estimate),
        std_error: est(r.std_error_cr1),
        low: opt(r.ci_low),
        high: opt(r.ci_high),
        p_value: pval(r.p_value),
        draws: Cell::int(r.draws as i64),
        reading: format!("{} {} clusters, {draws}", r.clusters.len(), r.cluster_by),
    })
}

fn loo_row(r: &LeaveOneOut) -> Result<Row, String> {
    let movers: Vec<String> = r
        .most_influential
        .iter()
        .take(3)
        .filter_map(|d| d.shift.map(|s| format!("{} {s:+.2}", d.name)))
        .collect();
    Ok(Row {
        statistic: format!("DiD on all {} units; low/high: range without one unit", r.n),
        estimate: est(r.estimate),
        std_error: est(r.std_error),
        low: est(r.min),
        high: est(r.max),
        p_value: Cell::Missing,
        draws: Cell::Missing,
        reading: format!("most: {}", movers.join(", ")),
    })
}

fn dose_row(r: &DoseResult) -> Result<Row, String> {
    let d = &r.dose;
    Ok(Row {
        statistic: format!("slope per {}, HC1, 95%", r.measure_unit),
        estimate: est(d.estimate),
        std_error: est(d.std_error),
        low: est(d.ci_low),
        high: est(d.ci_high),
        p_value: pval(d.p_value),
        draws: Cell::Missing,
        reading: format!(
            "per {}; split {:+.3}",
            r.measure_unit, r.median_split.estimate
        ),
    })
}

fn staggered_row(r: &Staggered) -> Result<Row, String> {
    let o = &r.overall;
    Ok(Row {
        statistic: "overall ATT (Callaway–Sant'Anna), 95%".into(),
        estimate: est(o.estimate),
        std_error: est(o.std_error),
        low: est(o.ci_low),
        high: est(o.ci_high),
        p_value: Cell::Missing,
        draws: Cell::Missing,
        reading: format!(
            "{} cohorts vs not-yet-started, {} – {}",
            r.cohorts.len(),
            r.first_month,
            r.last_month
        ),
    })
}

/// The slope of a linear pre-trend detected with 80% power, and the pre-test's joint p.
fn pretrend_power_row(r: &PretrendPower) -> Result<Row, String> {
    let s80 = r.slope_for_power.get("0.8").copied().unwrap_or(f64::NAN);
    let joint = match r.variance {
        PretrendVariance::Cluster => r.joint_cluster.as_ref(),
        PretrendVariance::Hc1 => r.joint_hc1.as_ref(),
    };
    Ok(Row {
        statistic: format!("slope with 80% power, {}", r.slope_unit),
        estimate: est(s80),
        std_error: Cell::Missing,
        low: Cell::Missing,
        high: Cell::Missing,
        p_value: joint.map_or(Cell::Missing, |w| pval(w.p_value)),
        draws: Cell::Missing,
        reading: if r.rejects {
            format!("pre-trend found; 80% power from {s80:.2} {}", r.slope_unit)
        } else {
            format!(
                "no pre-trend found, but 80% power only from {s80:.2} {}",
                r.slope_unit
            )
        },
    })
}

fn result<T: Clone>(r: &SuiteResult<T>) -> Result<&T, String> {
    r.as_ref().map_err(Clone::clone)
}

/// What the page shows for `check`, or why the check does not apply.
fn row_of(check: Check, s: &RobustSuite) -> Result<Row, String> {
    match check {
        Check::EventStudy => result(&s.event_study).and_then(event_study_row),
        Check::Placebo => result(&s.placebo).and_then(placebo_row),
        Check::Ri => result(&s.ri).and_then(ri_row),
        Check::Wild => result(&s.wild).and_then(wild_row),
        Check::Loo => result(&s.loo).and_then(loo_row),
        Check::Dose => result(&s.dose).and_then(dose_row),
        Check::Staggered => result(&s.staggered).and_then(staggered_row),
        Check::PretrendPower => result(&s.pretrend_power).and_then(pretrend_power_row),
    }
}

/// The one-line reading of a check's result, or why it does not apply; the dashboard's table
/// shows the same words, so the page and its export never disagree.
pub fn reading(check: Check, s: &RobustSuite) -> Result<String, String> {
    row_of(check, s).map(|r| r.reading)
}

fn cells(check: Check, s: &RobustSuite) -> Vec<Cell> {
    let name = Cell::text(check_name(check));
    match row_of(check, s) {
        Ok(r) => vec![
            name,
            Cell::Text(r.statistic),
            r.estimate,
            r.std_error,
            r.low,
            r.high,
            r.p_value,
            r.draws,
            Cell::Text(r.reading),
        ],
        // As the page does: the check is listed, with why it does not apply.
        Err(why) => {
            let mut v = vec![name];
            v.extend(std::iter::repeat_n(Cell::Missing, HEADER.len() - 2));
            v.push(Cell::Text(format!("not applicable: {why}")));
            v
        }
    }
}

/// One row per check, in `Check::ALL` order (the page's order).
pub fn suite_table(title: String, s: &RobustSuite) -> TableData {
    TableData {
        title,
        header: HEADER.iter().map(|h| h.to_string()).collect(),
        rows: Check::ALL.into_iter().map(|c| cells(c, s)).collect(),
    }
}

/// The event-study coefficients over event time, 95% HC1 intervals, base period marked.
fn event_chart(req: &ExportRequest, study: &SuiteResult<EventStudy>, cap: String) -> Chart {
    let what = format!(
        "{} ({})",
        req.spec.comparison.label(),
        req.spec.outcome.id()
    );
    let (title, points, x_labels, marker) = match study {
        Ok(e) => {
            let points = e
                .coefficients
                .iter()
                .map(|c| IntervalPoint {
                    x: f64::from(c.relative),
                    estimate: c.estimate,
                    low: c.ci_low_hc1,
                    high: c.ci_high_hc1,
                })
                .collect();
            let mut labels: Vec<(f64, String)> = e
                .coefficients
                .iter()
                .map(|c| (f64::from(c.relative), c.period.clone()))
                .collect();
            labels.push((0.0, e.base_period.clone()));
            (
                format!("Event study, base {}: {what}", e.base_period),
                points,
                labels,
                Some(0.0),
            )
        }
        Err(why) => (
            format!("Event study not applicable: {why}"),
            Vec::new(),
            Vec::new(),
            None,
        ),
    };
    Chart {
        title,
        y_label: "Coefficient, pp (95% HC1 interval)".into(),
        caption: cap,
        source: None,
        body: ChartBody::Intervals {
            points,
            x_labels,
            marker,
        },
    }
}

/// The Robustness page's table and chart for `suite`, computed for the request's choices.
pub fn robustness_content(
    bundle: &Bundle,
    req: &ExportRequest,
    suite: &RobustSuite,
) -> PageContent {
    let cap = caption(bundle, req, &controls_label(&req.spec.controls));
    let options = robust_options(req);
    let level = match req.spec.level {
        Level::District => "districts",
        Level::Municipality => "municipalities",
    };
    let title = format!(
        "Robustness checks: {}, {}, {level} ({}; seed {})",
        req.spec.outcome.label(),
        req.spec.comparison.label(),
        if options.weighted {
            "weighted"
        } else {
            "unweighted"
        },
        options.seed
    );
    PageContent {
        table: suite_table(title, suite),
        chart: event_chart(req, &suite.event_study, cap),
        markdown: None,
        latex: None,
        csv: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_is_a_row_even_when_none_applies() {
        let t = suite_table(
            "t".into(),
            &RobustSuite::unavailable("housing has two waves"),
        );
        assert_eq!(t.rows.len(), Check::ALL.len());
        for (row, check) in t.rows.iter().zip(Check::ALL) {
            assert_eq!(row.len(), HEADER.len());
            assert_eq!(row[0], Cell::text(check_name(check)));
            assert_eq!(
                row[HEADER.len() - 1],
                Cell::text("not applicable: housing has two waves")
            );
            assert!(row[1..HEADER.len() - 1].iter().all(|c| *c == Cell::Missing));
        }
    }

    #[test]
    fn counts_read_with_thousands_separators() {
        assert_eq!(count(16), "16");
        assert_eq!(count(9_999), "9,999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(1_029_530_696_964), "1,029,530,696,964");
    }
}
