//! What each robustness check shows, once: its row (what the numbers are, the headline, the
//! inference, the one-line reading, whether it flags a problem), a few detail lines and its
//! numbers in full as a table. The Robustness page, its export and `wirkung robustness` all
//! render these values and nothing else, so they cannot disagree.
//!
//! A new check needs its result type in `core::robust`, a variant of `CheckResult`, and one
//! function here that turns the result into a `CheckShown`.

use super::format::{PValue, count, fixed, interval, signed};
use super::table::{Cell, TableData};
use crate::core::robust::{
    BootstrapWeights, Check, CheckResult, DoseResult, EventStudy, Frequency, LeaveOneOut,
    PlaceboResult, PretrendPower, PretrendVariance, RandomizationInference, RobustError,
    RobustSuite, Staggered, WildBootstrap,
};

/// Significance level at which a reading flags a problem.
pub const ALPHA: f64 = 0.05;

/// One check as every front-end shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckView {
    pub check: Check,
    /// Short name ("Pre-trends").
    pub name: &'static str,
    /// One line: the threat to the DiD the check addresses.
    pub question: &'static str,
    /// One line: how to read the result.
    pub how_to_read: &'static str,
    /// The numbers, or why the check does not apply to these choices.
    pub shown: Result<CheckShown, RobustError>,
}

/// A number shown with a fixed count of decimals (CSV keeps full precision).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub decimals: usize,
}

/// An interval whose bounds may be missing: `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// What a check found, in the words and numbers every front-end uses.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckShown {
    /// What the numbers are, in words (the export's `statistic` column).
    pub statistic: String,
    /// The result in a few characters: "F(15, 43) = 2.18", "+0.125 (SE 0.300)".
    pub headline: String,
    /// Its inference in a few characters: "p = 0.761 (HC1)", "p = 0.125, (−∞, +∞)".
    pub inference: String,
    pub estimate: Option<Number>,
    pub std_error: Option<f64>,
    pub interval: Option<Interval>,
    pub p_value: Option<PValue>,
    /// Draws or enumerated assignments behind a resampling p-value.
    pub draws: Option<usize>,
    /// One line: what the result means for the DiD, never more than the check can tell.
    pub reading: String,
    /// Whether the reading flags a problem for the DiD (drawn as a warning).
    pub flagged: bool,
    /// What limits the result (few clusters, few draws, dropped units), one line each.
    pub warnings: Vec<String>,
    /// More of what the check found than a table row has room for, one line each.
    pub details: Vec<String>,
    /// The check's numbers in full (coefficients, dropped units, group-time ATTs): the CLI's
    /// CSV and text table.
    pub table: TableData,
    /// The chart of a check that has one of its own beyond the event study's (HonestDiD's
    /// intervals against M̄), for the page and the export alike.
    pub chart: Option<CheckChart>,
}

/// A check's own chart, shown instead of the event study while its row is selected.
#[derive(Debug, Clone, PartialEq)]
pub enum CheckChart {
    Sensitivity(SensitivityChart),
    Bacon(super::robust_staggered::BaconScatter),
    Sdid(super::robust_staggered::SdidTrend),
}

/// HonestDiD's robust confidence set for each M̄ (or M) on the grid, beside the original
/// interval, with the breakdown value: the page draws it as bars, the export as a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityChart {
    /// The bound on the violation: "M̄" (relative magnitudes) or "M" (smoothness).
    pub parameter: &'static str,
    /// The target of the analysis ("average" or "e=K").
    pub target: String,
    /// The original 95% interval (parallel trends exactly).
    pub original: Interval,
    pub estimate: f64,
    /// One bar per M on the grid, in grid order.
    pub bars: Vec<SensitivityBar>,
    /// The smallest M whose set includes zero; `None` when none on the grid does.
    pub breakdown: Option<f64>,
}

/// One robust confidence set of the grid.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensitivityBar {
    pub m: f64,
    /// `None` on a side: unbounded there. Empty sets (the data contradict the restriction)
    /// have no interval.
    pub interval: Option<Interval>,
}

impl SensitivityChart {
    /// The lowest and highest finite value the chart shows, zero included.
    pub fn value_range(&self) -> (f64, f64) {
        let ends = self
            .bars
            .iter()
            .filter_map(|b| b.interval)
            .chain([self.original])
            .flat_map(|i| [i.low, i.high])
            .flatten()
            .filter(|v| v.is_finite());
        ends.fold((0.0_f64, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)))
    }
}

impl CheckView {
    /// The view of `check`, from its result or the reason it has none.
    pub fn new(check: Check, result: Result<&CheckResult, &RobustError>) -> CheckView {
        let shown = match result {
            Ok(CheckResult::EventStudy(r)) => event_study(r),
            Ok(CheckResult::Placebo(r)) => Ok(placebo(r)),
            Ok(CheckResult::Ri(r)) => Ok(ri(r)),
            Ok(CheckResult::Wild(r)) => Ok(wild(r)),
            Ok(CheckResult::Loo(r)) => Ok(loo(r)),
            Ok(CheckResult::Dose(r)) => Ok(dose(r)),
            Ok(CheckResult::Staggered(r)) => Ok(staggered(r)),
            Ok(CheckResult::PretrendPower(r)) => Ok(pretrend_power(r)),
            Ok(CheckResult::Honest(r)) => Ok(honest(r)),
            Ok(CheckResult::SunAbraham(r)) => Ok(super::event_time::sun_abraham_shown(r)),
            Ok(CheckResult::Imputation(r) | CheckResult::TwoStage(r)) => {
                Ok(super::event_time::imputation_shown(r))
            }
            Ok(CheckResult::Bacon(r)) => Ok(super::robust_staggered::bacon(r)),
            Ok(CheckResult::Sdid(r)) => Ok(super::robust_staggered::sdid(r)),
            Ok(CheckResult::Spillover(r)) => Ok(spillover(r)),
            Err(why) => Err(why.clone()),
        };
        CheckView {
            check,
            name: name(check),
            question: check.what_it_tests(),
            how_to_read: check.how_to_read(),
            shown,
        }
    }
}

/// Every check of a suite, in `Check::ALL` order (the page's order).
pub fn suite_views(suite: &RobustSuite) -> Vec<CheckView> {
    Check::ALL
        .iter()
        .map(|&c| CheckView::new(c, suite.get(c)))
        .collect()
}

/// Why no check applies to these choices (an unsupported combination), so a front-end says
/// it once.
pub fn one_reason(suite: &RobustSuite) -> Option<String> {
    suite.unsupported_reason().map(|e| e.to_string())
}

/// The page's short name of each check.
pub fn name(check: Check) -> &'static str {
    match check {
        Check::EventStudy => "Pre-trends",
        Check::Placebo => "Placebo timing",
        Check::Ri => "Permutation",
        Check::Wild => "Wild bootstrap",
        Check::Loo => "Leave-one-out",
        Check::Dose => "Dose-response",
        Check::Staggered => "Staggered (CS)",
        Check::PretrendPower => "Pre-trend power",
        Check::Honest => "HonestDiD",
        Check::SunAbraham => "Sun-Abraham",
        Check::Imputation => "Imputation (BJS)",
        Check::TwoStage => "Two-stage DiD",
        Check::Bacon => "Goodman-Bacon",
        Check::Sdid => "Synthetic DiD",
        Check::Spillover => "Spillover",
    }
}

pub(super) fn num(value: f64, decimals: usize) -> Option<Number> {
    Some(Number { value, decimals })
}

pub(super) fn table(title: &str, header: &[&str], rows: Vec<Vec<Cell>>) -> TableData {
    TableData {
        title: title.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows,
    }
}

pub(super) fn full(v: f64) -> Cell {
    Cell::Number {
        value: v,
        decimals: 3,
    }
}

fn full_opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Missing, full)
}

fn event_study(e: &EventStudy) -> Result<CheckShown, RobustError> {
    let hc1 = e
        .pre_trend_hc1
        .as_ref()
        .ok_or_else(|| RobustError::Data("no pre-period coefficient to test".into()))?;
    let frequency = |f: Frequency| match f {
        Frequency::Monthly => "monthly",
        Frequency::Quarterly => "quarterly",
    };
    let test_text = |w: &crate::core::robust::event_study::WaldTest| {
        format!(
            "F({}, {}) = {:.2}, {}",
            w.df_num,
            w.df_den,
            w.f,
            PValue::analytic(w.p_value).stated()
        )
    };
    // The main pre-trend test is the district-clustered one, on the frequency where it can
    // be estimated (issue: quarterly by default); HC1, which ignores serial correlation
    // within a district, only beside it, or alone where no clustered test exists.
    let (main, clustered, at, mut details) = match (&e.pre_trend_clustered_at, &e.pre_trend_cluster)
    {
        (Some(q), own) => (
            &q.test,
            true,
            format!("{}, base {}", frequency(q.frequency), q.base_period),
            vec![
                format!(
                    "{} pre-period {} tested; beside it, the {} event study ({} units × {} periods, base {}): clustered {}",
                    q.pre_periods,
                    match q.frequency {
                        Frequency::Monthly => "months",
                        Frequency::Quarterly => "quarters",
                    },
                    frequency(e.frequency),
                    e.units,
                    e.periods,
                    e.base_period,
                    own.as_ref().map_or(
                        "not available (more pre-periods than clusters − 1)".to_string(),
                        test_text
                    ),
                ),
                format!(
                    "HC1 beside it ({}): {}",
                    frequency(e.frequency),
                    test_text(hc1)
                ),
            ],
        ),
        (None, Some(c)) => (
            c,
            true,
            format!("{}, base {}", frequency(e.frequency), e.base_period),
            vec![format!(
                "{} units × {} periods, base {}; HC1 beside it: {}",
                e.units,
                e.periods,
                e.base_period,
                test_text(hc1)
            )],
        ),
        (None, None) => (
            hc1,
            false,
            format!("{}, base {}", frequency(e.frequency), e.base_period),
            vec![format!(
                "{} units × {} periods, base {}; clustered pre-trend test: not available (more pre-periods than clusters − 1)",
                e.units, e.periods, e.base_period
            )],
        ),
    };
    let p = PValue::analytic(main.p_value);
    let kind = if clustered { "clustered" } else { "HC1" };
    // A non-rejection is no evidence of parallel trends (Roth 2022): the reading says only
    // what the test did or did not see.
    let reading = if main.p_value < ALPHA {
        "pre-trend found: groups drifted apart before the base"
    } else {
        "no pre-trend detected; not proof of parallel trends"
    };
    if !clustered {
        details.push(
            "HC1 ignores serial correlation within a district and so overstates the test's precision".into(),
        );
    }
    let rows = e
        .coefficients
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.period),
                Cell::int(i64::from(c.relative)),
                full(c.estimate),
                full(c.std_error_hc1),
                full(c.ci_low_hc1),
                full(c.ci_high_hc1),
                full(c.std_error_cluster),
                full(c.ci_low_cluster),
                full(c.ci_high_cluster),
            ]
        })
        .collect();
    Ok(CheckShown {
        statistic: format!(
            "joint pre-trend F({}, {}), {}, {at}",
            main.df_num,
            main.df_den,
            if clustered {
                "district-clustered"
            } else {
                "HC1"
            }
        ),
        headline: format!("F({}, {}) = {:.2}", main.df_num, main.df_den, main.f),
        inference: format!("{} ({kind})", p.stated()),
        estimate: num(main.f, 2),
        std_error: None,
        interval: None,
        p_value: Some(p),
        draws: None,
        reading: reading.into(),
        flagged: main.p_value < ALPHA,
        warnings: Vec::new(),
        details,
        table: table(
            &format!("Event study ({:?}, base {})", e.frequency, e.base_period),
            &[
                "period",
                "relative",
                "estimate",
                "std_error_hc1",
                "ci_low_hc1",
                "ci_high_hc1",
                "std_error_cluster",
                "ci_low_cluster",
                "ci_high_cluster",
            ],
            rows,
        ),
        chart: None,
    })
}

fn placebo(r: &PlaceboResult) -> CheckShown {
    let c = &r.placebo;
    let (b, e) = (r.placebo_base, r.placebo_end);
    let p = PValue::analytic(c.p_value);
    let flagged = c.p_value < ALPHA;
    CheckShown {
        statistic: format!("placebo DiD {b} → {e}, HC1, 95%"),
        headline: format!("{} (SE {})", signed(c.estimate, 3), fixed(c.std_error, 3)),
        inference: format!("{} (HC1)", p.stated()),
        estimate: num(c.estimate, 3),
        std_error: Some(c.std_error),
        interval: Some(Interval {
            low: Some(c.ci_low),
            high: Some(c.ci_high),
        }),
        p_value: Some(p),
        draws: None,
        reading: if flagged {
            format!("placebo effect {b} → {e}: trends differ anyway")
        } else {
            format!("no placebo effect {b} → {e}: reassuring")
        },
        flagged,
        warnings: Vec::new(),
        details: vec![format!(
            "Actual DiD on the same units: {} ({}); placebo n = {}",
            signed(r.actual.estimate, 3),
            PValue::analytic(r.actual.p_value).stated(),
            r.n
        )],
        table: table(
            "Placebo and actual DiD",
            &[
                "which",
                "base",
                "end",
                "n",
                "estimate",
                "std_error",
                "p_value",
            ],
            vec![vec![
                Cell::text("placebo"),
                Cell::text(b.to_string()),
                Cell::text(e.to_string()),
                Cell::int(r.n as i64),
                full(c.estimate),
                full(c.std_error),
                full(c.p_value),
            ]],
        ),
        chart: None,
    }
}

fn ri(r: &RandomizationInference) -> CheckShown {
    let p = PValue::from_draws(r.p_value, r.draws);
    let of = format!(
        "{} of {} as extreme",
        count(r.at_least_as_extreme),
        count(r.draws)
    );
    let how = if r.exact {
        format!("all {}", count(r.draws))
    } else {
        format!("{} draws", count(r.draws))
    };
    CheckShown {
        statistic: format!(
            "DiD, permutation p of |t| ({}), t {:+.2}",
            if r.exact {
                "all assignments"
            } else {
                "seeded draws"
            },
            r.t
        ),
        headline: format!("{} (t {:+.2})", signed(r.estimate, 3), r.t),
        inference: format!("{}, {how}", p.stated()),
        estimate: num(r.estimate, 3),
        std_error: None,
        interval: None,
        p_value: Some(p),
        draws: Some(r.draws),
        reading: if r.p_value < ALPHA {
            format!("unusual among re-assignments ({of})")
        } else {
            format!("ordinary among re-assignments ({of})")
        },
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "{} of {} assignments at least as extreme; {} of {} units treated{}",
            count(r.at_least_as_extreme),
            count(r.draws),
            r.treated_units,
            r.n,
            if r.exact {
                String::new()
            } else {
                format!("; seed {}", r.seed)
            }
        )],
        table: table(
            "Randomization inference",
            &[
                "n",
                "treated",
                "estimate",
                "t",
                "p_value",
                "exact",
                "draws",
                "at_least_as_extreme",
            ],
            vec![vec![
                Cell::int(r.n as i64),
                Cell::int(r.treated_units as i64),
                full(r.estimate),
                full(r.t),
                full(r.p_value),
                Cell::text(r.exact.to_string()),
                Cell::int(r.draws as i64),
                Cell::int(r.at_least_as_extreme as i64),
            ]],
        ),
        chart: None,
    }
}

fn wild(r: &WildBootstrap) -> CheckShown {
    let p = PValue::from_draws(r.p_value, r.draws);
    let weights = match r.weights {
        BootstrapWeights::Webb => "Webb",
        _ => "Rademacher",
    };
    let draws = if r.enumerated {
        format!("all {} {weights} vectors", count(r.draws))
    } else {
        format!("{} {weights} draws", count(r.draws))
    };
    let ci = interval(r.ci_low, r.ci_high, 2);
    // The notes say what limits the result: the p-value's step, one treated cluster, an
    // unbounded interval.
    let warnings = r.notes.clone();
    CheckShown {
        statistic:
            "DiD, CR1 SE; wild cluster bootstrap p, 95% by test inversion (empty: unbounded)".into(),
        headline: format!(
            "{} (SE {})",
            signed(r.estimate, 3),
            fixed(r.std_error_cr1, 3)
        ),
        inference: format!("{} {ci}", p.stated()),
        estimate: num(r.estimate, 3),
        std_error: Some(r.std_error_cr1),
        interval: Some(Interval {
            low: r.ci_low,
            high: r.ci_high,
        }),
        p_value: Some(p),
        draws: Some(r.draws),
        reading: format!("{} {} clusters, {draws}", r.clusters.len(), r.cluster_by),
        flagged: false,
        warnings,
        details: vec![format!(
            "Clusters: {}. CR1 SE {}, t-test with G − 1 df: {}; 95% interval by test inversion",
            r.clusters.join(", "),
            fixed(r.std_error_cr1, 3),
            PValue::analytic(r.p_value_cr1).stated()
        )],
        table: table(
            "Wild cluster bootstrap",
            &[
                "clusters",
                "draws",
                "estimate",
                "std_error_cr1",
                "t_cr1",
                "p_value",
                "ci_low",
                "ci_high",
            ],
            vec![vec![
                Cell::int(r.clusters.len() as i64),
                Cell::int(r.draws as i64),
                full(r.estimate),
                full(r.std_error_cr1),
                full(r.t_cr1),
                full(r.p_value),
                full_opt(r.ci_low),
                full_opt(r.ci_high),
            ]],
        ),
        chart: None,
    }
}

fn loo(r: &LeaveOneOut) -> CheckShown {
    let movers: Vec<String> = r
        .most_influential
        .iter()
        .take(3)
        .filter_map(|d| d.shift.map(|s| format!("{} {s:+.2}", d.name)))
        .collect();
    let inestimable: Vec<&str> = r
        .drops
        .iter()
        .filter(|d| d.estimate.is_none())
        .map(|d| d.name.as_str())
        .collect();
    let mut warnings = Vec::new();
    if !inestimable.is_empty() {
        warnings.push(format!(
            "not estimable without: {} (outside the range)",
            inestimable.join(", ")
        ));
    }
    CheckShown {
        statistic: format!("DiD on all {} units; low/high: range without one unit", r.n),
        headline: format!("[{}, {}]", signed(r.min, 3), signed(r.max, 3)),
        inference: format!("all {} units: {}", r.n, signed(r.estimate, 3)),
        estimate: num(r.estimate, 3),
        std_error: Some(r.std_error),
        interval: Some(Interval {
            low: Some(r.min),
            high: Some(r.max),
        }),
        p_value: None,
        draws: None,
        reading: format!("most: {}", movers.join(", ")),
        flagged: false,
        warnings,
        details: r
            .most_influential
            .iter()
            .map(|d| match (d.shift, d.estimate) {
                (Some(sh), Some(est)) => format!("{} {sh:+.3} → {est:+.3}", d.name),
                _ => format!("{}: {}", d.name, d.error.as_deref().unwrap_or("")),
            })
            .collect(),
        table: table(
            "Leave-one-out",
            &[
                "unit_id",
                "name",
                "treated",
                "estimate",
                "std_error",
                "shift",
            ],
            r.drops
                .iter()
                .map(|d| {
                    vec![
                        Cell::text(&d.unit_id),
                        Cell::text(&d.name),
                        Cell::text(d.treated.to_string()),
                        full_opt(d.estimate),
                        full_opt(d.std_error),
                        full_opt(d.shift),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}

fn dose(r: &DoseResult) -> CheckShown {
    let d = &r.dose;
    let p = PValue::analytic(d.p_value);
    CheckShown {
        statistic: format!("slope per {}, HC1, 95%", r.measure_unit),
        headline: format!("{} (SE {})", signed(d.estimate, 3), fixed(d.std_error, 3)),
        inference: format!("{} (HC1)", p.stated()),
        estimate: num(d.estimate, 3),
        std_error: Some(d.std_error),
        interval: Some(Interval {
            low: Some(d.ci_low),
            high: Some(d.ci_high),
        }),
        p_value: Some(p),
        draws: None,
        reading: format!(
            "per {}; split {}",
            r.measure_unit,
            signed(r.median_split.estimate, 3)
        ),
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "n = {}, R² = {:.3}; median split {} ({})",
            r.n,
            r.r2,
            signed(r.median_split.estimate, 3),
            PValue::analytic(r.median_split.p_value).stated()
        )],
        table: table(
            "Dose response",
            &[
                "term",
                "estimate",
                "std_error",
                "t",
                "p_value",
                "ci_low",
                "ci_high",
            ],
            r.coefficients
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.term.name()),
                        full(c.estimate),
                        full(c.std_error),
                        full(c.t),
                        full(c.p_value),
                        full(c.ci_low),
                        full(c.ci_high),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}

fn staggered(r: &Staggered) -> CheckShown {
    let o = &r.overall;
    CheckShown {
        statistic: "overall ATT (Callaway–Sant'Anna), 95%".into(),
        headline: format!("ATT {} ({})", signed(o.estimate, 3), fixed(o.std_error, 3)),
        inference: format!("95% {}", interval(Some(o.ci_low), Some(o.ci_high), 2)),
        estimate: num(o.estimate, 3),
        std_error: Some(o.std_error),
        interval: Some(Interval {
            low: Some(o.ci_low),
            high: Some(o.ci_high),
        }),
        p_value: None,
        draws: None,
        reading: format!(
            "{} cohorts vs not-yet-started, {} – {}",
            r.cohorts.len(),
            r.first_month,
            r.last_month
        ),
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "{} districts; cohorts: {}",
            r.units,
            r.cohorts
                .iter()
                .map(|(m, n)| format!("{m} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        table: table(
            "Callaway–Sant'Anna group-time ATTs",
            &[
                "cohort",
                "month",
                "base",
                "event_time",
                "att",
                "std_error",
                "cohort_units",
                "control_units",
            ],
            r.group_time
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.cohort.to_string()),
                        Cell::text(c.month.to_string()),
                        Cell::text(c.base.to_string()),
                        Cell::int(i64::from(c.event_time)),
                        full(c.att),
                        full(c.std_error),
                        Cell::int(c.cohort_units as i64),
                        Cell::int(c.control_units as i64),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}

fn pretrend_power(r: &PretrendPower) -> CheckShown {
    let s80 = r.slope_for_power.get("0.8").copied();
    let s50 = r.slope_for_power.get("0.5").copied();
    let (joint, variance) = match r.variance {
        PretrendVariance::Cluster => (r.joint_cluster.as_ref(), "district-clustered"),
        PretrendVariance::Hc1 => (r.joint_hc1.as_ref(), "HC1"),
    };
    let p = joint.map(|w| PValue::analytic(w.p_value));
    let slope = |v: Option<f64>| v.map_or("n/a".to_string(), |v| fixed(v, 3));
    let mut details = vec![format!(
        "{} pre-periods, base {}; largest |t| {:.2} against {:.2}; 50% power at {} {}; rejects {} of the time with no drift",
        r.pre_periods,
        r.base_period,
        r.max_abs_t,
        r.critical_value,
        slope(s50),
        r.slope_unit,
        crate::core::view::format::percent(r.size)
    )];
    if let Some(hc1) = &r.joint_hc1 {
        details.push(format!(
            "joint HC1 test beside it: F({}, {}) = {:.2}, {}",
            hc1.df_num,
            hc1.df_den,
            hc1.f,
            PValue::analytic(hc1.p_value).stated()
        ));
    }
    CheckShown {
        statistic: format!(
            "slope with 80% power, {} ({variance} pre-test, {:?})",
            r.slope_unit, r.frequency
        ),
        // "80%: 0.006 pp/qtr": fits the narrowest statistic column (18), so the number is
        // never cut; the statistic column of the export names the unit in full.
        headline: format!(
            "80%: {} pp/{}",
            slope(s80),
            match r.frequency {
                Frequency::Quarterly => "qtr",
                Frequency::Monthly => "mo",
            }
        ),
        inference: match (joint, p) {
            (Some(w), Some(p)) => format!("F({}, {}): {}", w.df_num, w.df_den, p.stated()),
            _ => "joint test n/a".into(),
        },
        estimate: s80.and_then(|v| num(v, 3)),
        std_error: None,
        interval: None,
        p_value: p,
        draws: None,
        reading: r.reading.clone(),
        flagged: r.rejects,
        warnings: r.notes.clone(),
        details,
        table: table(
            "Power of the pre-test against a linear drift",
            &["slope", "power"],
            r.power_against_linear
                .iter()
                .map(|pt| {
                    vec![
                        Cell::Number {
                            value: pt.slope,
                            decimals: 4,
                        },
                        full(pt.power),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}

fn honest(r: &crate::core::robust::honest::HonestDid) -> CheckShown {
    let o = &r.original;
    let breakdown = match r.breakdown {
        Some(0.0) => "the interval includes 0 without any violation".to_string(),
        Some(b) => format!("includes 0 from {} = {}", r.parameter, fixed(b, 2)),
        None => format!("excludes 0 on the whole {} grid", r.parameter),
    };
    let last = r.rows.last();
    CheckShown {
        statistic: format!(
            "HonestDiD, {} ({}), target {}, original 95% beside robust sets",
            r.restriction, r.method, r.target
        ),
        headline: match r.breakdown {
            // Short enough for the 80-column table, so the number is never cut.
            Some(b) => format!("breakdown {}={}", r.parameter, fixed(b, 2)),
            None => format!("no breakdown on the {} grid", r.parameter),
        },
        inference: format!("original {}", interval(Some(o.ci_low), Some(o.ci_high), 2)),
        estimate: num(o.estimate, 3),
        std_error: Some(o.std_error),
        interval: Some(Interval {
            low: Some(o.ci_low),
            high: Some(o.ci_high),
        }),
        p_value: None,
        draws: None,
        reading: breakdown,
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "{} pre and {} post periods; at {} = {}: {}",
            r.num_pre,
            r.num_post,
            r.parameter,
            last.map_or("n/a".into(), |l| fixed(l.m, 2)),
            last.map_or("n/a".into(), |l| if l.empty {
                "empty (the data contradict the restriction)".into()
            } else {
                interval(l.ci_low, l.ci_high, 2)
            })
        )],
        table: table(
            "HonestDiD robust confidence sets",
            &["m", "ci_low", "ci_high", "empty"],
            r.rows
                .iter()
                .map(|row| {
                    vec![
                        Cell::Number {
                            value: row.m,
                            decimals: 2,
                        },
                        full_opt(row.ci_low),
                        full_opt(row.ci_high),
                        Cell::text(row.empty.to_string()),
                    ]
                })
                .collect(),
        ),
        chart: Some(CheckChart::Sensitivity(SensitivityChart {
            parameter: r.parameter,
            target: r.target.to_string(),
            original: Interval {
                low: Some(o.ci_low),
                high: Some(o.ci_high),
            },
            estimate: o.estimate,
            bars: r
                .rows
                .iter()
                .map(|row| SensitivityBar {
                    m: row.m,
                    interval: (!row.empty).then_some(Interval {
                        low: row.ci_low,
                        high: row.ci_high,
                    }),
                })
                .collect(),
            breakdown: r.breakdown,
        })),
    }
}

use crate::core::robust::Spillover;

fn spillover(r: &Spillover) -> CheckShown {
    let (f, w) = (&r.full, &r.without_border);
    let p = PValue::analytic(w.p_value);
    let weights = if r.weighted { "weighted" } else { "unweighted" };
    // Flag only a shift larger than the full estimate's own standard error: smaller moves
    // are within what dropping any few controls does.
    let flagged = r.shift.abs() > f.std_error;
    let coef_row = |which: &str, n: usize, c: &crate::core::estimate::Coefficient| {
        vec![
            Cell::text(which),
            Cell::int(n as i64),
            full(c.estimate),
            full(c.std_error),
            full(c.p_value),
            full(c.ci_low),
            full(c.ci_high),
        ]
    };
    let mut rows = vec![
        coef_row("all districts", r.n_full, f),
        coef_row("without bordering controls", r.n_without_border, w),
    ];
    rows.extend(r.dropped.iter().map(|d| {
        vec![
            Cell::text(format!("dropped: {} {} ({})", d.unit_id, d.name, d.state)),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
        ]
    }));
    CheckShown {
        statistic: format!(
            "DiD without the {} bordering control districts, HC1, {weights}, 95%",
            r.dropped.len()
        ),
        headline: format!(
            "{} vs {} (SE {})",
            signed(w.estimate, 3),
            signed(f.estimate, 3),
            fixed(w.std_error, 3)
        ),
        inference: format!("{} (HC1)", p.stated()),
        estimate: num(w.estimate, 3),
        std_error: Some(w.std_error),
        interval: Some(Interval {
            low: Some(w.ci_low),
            high: Some(w.ci_high),
        }),
        p_value: Some(p),
        draws: None,
        reading: if flagged {
            format!(
                "dropping the border districts moves the DiD by {} (more than its SE): possible spillover",
                signed(r.shift, 3)
            )
        } else {
            format!(
                "dropping the border districts moves the DiD by {} (within its SE)",
                signed(r.shift, 3)
            )
        },
        flagged,
        warnings: Vec::new(),
        details: vec![
            format!(
                "All districts: {} (SE {}), n = {}; without bordering controls: n = {}",
                signed(f.estimate, 3),
                fixed(f.std_error, 3),
                r.n_full,
                r.n_without_border
            ),
            format!(
                "Dropped ({}): {}",
                r.dropped.len(),
                r.dropped
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            format!("Rule: {}", r.rule),
        ],
        table: table(
            "DiD with and without the control districts bordering BW",
            &[
                "sample",
                "n",
                "estimate",
                "std_error",
                "p_value",
                "ci_low",
                "ci_high",
            ],
            rows,
        ),
        chart: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_reason_only_when_every_check_gives_it() {
        let all = RobustSuite::unsupported(RobustError::Unsupported(
            "housing cannot be compared by start date".into(),
        ));
        assert_eq!(
            one_reason(&all).as_deref(),
            Some("housing cannot be compared by start date")
        );
        let views = suite_views(&all);
        assert_eq!(views.len(), Check::ALL.len());
        assert!(views.iter().all(|v| v.shown.is_err()));
    }
}
