//! The event-time estimators side by side: each one's row of the Robustness table
//! (`CheckShown`), and the overlay of TWFE, Callaway–Sant'Anna, Sun–Abraham and imputation on
//! one months-since-start axis with the overall ATT by estimator. The dashboard's overlay
//! view, its export and the CLI read these values and compute nothing themselves.

use super::format::{fixed, interval, signed};
use super::robust::{CheckShown, Interval, full, num, table};
use super::table::{Cell, TableData};
use crate::core::robust::cohort_panel::EventTimeEstimate;
use crate::core::robust::{Imputation, Staggered, SunAbraham};

fn estimate_row(label: String, e: &EventTimeEstimate) -> Vec<Cell> {
    vec![
        Cell::text(label),
        e.event_time
            .map_or(Cell::text("overall"), |l| Cell::int(i64::from(l))),
        full(e.estimate),
        full(e.std_error),
        full(e.ci_low),
        full(e.ci_high),
        Cell::int(e.observations as i64),
    ]
}

const HEADER: &[&str] = &[
    "estimator",
    "event_time",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "observations",
];

fn cohorts_line(cohorts: &[(crate::core::period::Month, usize)]) -> String {
    cohorts
        .iter()
        .map(|(m, n)| format!("{m} ({n})"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn overall_fields(o: &EventTimeEstimate) -> (String, String, Option<Interval>) {
    (
        format!("ATT {} ({})", signed(o.estimate, 3), fixed(o.std_error, 3)),
        format!("95% {}", interval(Some(o.ci_low), Some(o.ci_high), 2)),
        Some(Interval {
            low: Some(o.ci_low),
            high: Some(o.ci_high),
        }),
    )
}

/// Sun–Abraham's row: the overall ATT, beside it the static TWFE coefficient.
pub fn sun_abraham_shown(r: &SunAbraham) -> CheckShown {
    let o = &r.overall;
    let (headline, inference, interval) = overall_fields(o);
    let gap = o.estimate - r.twfe.overall.estimate;
    let mut rows: Vec<Vec<Cell>> = r
        .event_time
        .iter()
        .chain([&r.overall])
        .map(|e| estimate_row("sun-abraham".into(), e))
        .collect();
    rows.extend(
        r.twfe
            .event_time
            .iter()
            .chain([&r.twfe.overall])
            .map(|e| estimate_row("twfe".into(), e)),
    );
    CheckShown {
        statistic: format!("overall ATT (Sun–Abraham, {}), 95%", r.weighting),
        headline,
        inference,
        estimate: num(o.estimate, 3),
        std_error: Some(o.std_error),
        interval,
        p_value: None,
        draws: None,
        reading: format!(
            "{} cohorts vs last-started {}; TWFE {} ({})",
            r.cohorts.len(),
            r.control_cohort,
            signed(r.twfe.overall.estimate, 3),
            signed(gap, 3)
        ),
        flagged: false,
        warnings: few_controls(r.control_units),
        details: vec![
            format!(
                "{} districts, {} – {}, {}; control: the {} districts starting {} (last cohort, untreated in the window)",
                r.units,
                r.first_month,
                r.last_month,
                r.weighting,
                r.control_units,
                r.control_cohort
            ),
            format!("cohorts: {}", cohorts_line(&r.cohorts)),
            format!(
                "static TWFE {} (SE {}); Sun–Abraham minus TWFE {}",
                signed(r.twfe.overall.estimate, 3),
                fixed(r.twfe.overall.std_error, 3),
                signed(gap, 3)
            ),
            format!("SE: {}", r.variance),
        ],
        table: table("Sun–Abraham and TWFE by months since start", HEADER, rows),
        chart: None,
    }
}

fn few_controls(control_units: usize) -> Vec<String> {
    if control_units == 1 {
        vec!["only one district in the control cohort: every comparison leans on it".into()]
    } else if control_units < 5 {
        vec![format!(
            "only {control_units} districts in the control cohort: every comparison leans on them"
        )]
    } else {
        Vec::new()
    }
}

/// The imputation (or two-stage) row: the overall ATT over every treated district-month.
pub fn imputation_shown(r: &Imputation) -> CheckShown {
    let o = &r.overall;
    let (headline, inference, interval) = overall_fields(o);
    let (id, title) = match r.variance_kind {
        crate::core::robust::imputation::ImputationVariance::Conservative => (
            "imputation",
            "Imputation (Borusyak–Jaravel–Spiess) by months since start",
        ),
        crate::core::robust::imputation::ImputationVariance::TwoStageGmm => {
            ("two-stage", "Two-stage DiD (Gardner) by months since start")
        }
    };
    CheckShown {
        statistic: format!("overall ATT ({id}, {}), 95%", r.weighting),
        headline,
        inference,
        estimate: num(o.estimate, 3),
        std_error: Some(o.std_error),
        interval,
        p_value: None,
        draws: None,
        reading: format!(
            "{} treated district-months imputed from {} untreated",
            r.treated_observations, r.untreated_observations
        ),
        flagged: false,
        warnings: few_controls(r.control_units),
        details: vec![
            format!(
                "{} districts, {} – {}, {}; unit and month effects from months before start and the {} districts starting {}",
                r.units,
                r.first_month,
                r.last_month,
                r.weighting,
                r.control_units,
                r.control_cohort
            ),
            format!("cohorts: {}", cohorts_line(&r.cohorts)),
            format!("SE: {}", r.variance),
        ],
        table: table(
            title,
            HEADER,
            r.event_time
                .iter()
                .chain([&r.overall])
                .map(|e| estimate_row(id.into(), e))
                .collect(),
        ),
        chart: None,
    }
}

/// The estimators of the overlay, in drawing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Estimator {
    Twfe,
    CallawaySantAnna,
    SunAbraham,
    Imputation,
}

impl Estimator {
    pub const ALL: [Estimator; 4] = [
        Estimator::Twfe,
        Estimator::CallawaySantAnna,
        Estimator::SunAbraham,
        Estimator::Imputation,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Estimator::Twfe => "TWFE",
            Estimator::CallawaySantAnna => "Callaway-Sant'Anna",
            Estimator::SunAbraham => "Sun-Abraham",
            Estimator::Imputation => "Imputation",
        }
    }

    /// A marker that tells the estimators apart without colour (terminal and chart alike).
    pub fn marker(self) -> char {
        match self {
            Estimator::Twfe => 'o',
            Estimator::CallawaySantAnna => 'x',
            Estimator::SunAbraham => '+',
            Estimator::Imputation => '*',
        }
    }
}

/// One estimate on the event-time axis with its 95% band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OverlayPoint {
    pub event_time: i32,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// One estimator's curve, or why it has none.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlaySeries {
    pub estimator: Estimator,
    pub shown: bool,
    pub points: Result<Vec<OverlayPoint>, String>,
}

/// One row of the overall-ATT table.
#[derive(Debug, Clone, PartialEq)]
pub struct OverallRow {
    pub estimator: &'static str,
    pub marker: Option<char>,
    pub estimate: Option<f64>,
    pub std_error: Option<f64>,
    pub interval: Option<Interval>,
    /// Weights and variance convention, or why there is no number.
    pub convention: String,
    /// The same in a few words, for narrow screens.
    pub short_convention: String,
}

fn short_weighting(weighted: bool) -> &'static str {
    if weighted { "persons" } else { "unweighted" }
}

/// The overlay of the event-time estimators, for the dashboard and the export.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTimeOverlay {
    pub title: String,
    /// The event-time window drawn (months since start, inclusive).
    pub window: (i32, i32),
    pub series: Vec<OverlaySeries>,
    pub overall: Vec<OverallRow>,
    /// What the reader must know: bases, weights, control cohort.
    pub notes: Vec<String>,
    /// The weights in a few words ("persons-weighted; CS unweighted"), for a chart's axis.
    pub weighting_short: String,
    /// The control cohort in a few words, for a chart's caption.
    pub control_note: Option<String>,
}

/// Months before start drawn: a year of leads shows pre-trends without crowding the lags.
pub const LEADS_SHOWN: i32 = 12;

/// What the overlay is built from: each estimator's result or the reason it has none.
pub struct OverlayInputs<'a> {
    pub sun_abraham: Result<&'a SunAbraham, String>,
    pub staggered: Result<&'a Staggered, String>,
    pub imputation: Result<&'a Imputation, String>,
    pub two_stage: Result<&'a Imputation, String>,
}

fn points(estimates: &[EventTimeEstimate]) -> Vec<OverlayPoint> {
    estimates
        .iter()
        .filter_map(|e| {
            Some(OverlayPoint {
                event_time: e.event_time?,
                estimate: e.estimate,
                low: e.ci_low,
                high: e.ci_high,
            })
        })
        .collect()
}

fn overall_row(
    estimator: &'static str,
    marker: Option<char>,
    e: Result<(EventTimeEstimate, String, String), String>,
) -> OverallRow {
    match e {
        Ok((o, convention, short_convention)) => OverallRow {
            estimator,
            marker,
            estimate: Some(o.estimate),
            std_error: Some(o.std_error),
            interval: Some(Interval {
                low: Some(o.ci_low),
                high: Some(o.ci_high),
            }),
            convention,
            short_convention,
        },
        Err(why) => OverallRow {
            estimator,
            marker,
            estimate: None,
            std_error: None,
            interval: None,
            short_convention: "not available".into(),
            convention: format!("not available: {why}"),
        },
    }
}

impl EventTimeOverlay {
    /// The overlay with the estimators in `shown` drawn (all of them are in the table).
    pub fn new(inputs: &OverlayInputs, shown: &[Estimator]) -> EventTimeOverlay {
        let cs = inputs.staggered.as_ref().map_err(Clone::clone);
        let sa = inputs.sun_abraham.as_ref().map_err(Clone::clone);
        let imp = inputs.imputation.as_ref().map_err(Clone::clone);
        let two = inputs.two_stage.as_ref().map_err(Clone::clone);
        let cs_points = |s: &Staggered| -> Vec<OverlayPoint> {
            s.event_time
                .iter()
                .map(|e| OverlayPoint {
                    event_time: e.event_time,
                    estimate: e.aggregate.estimate,
                    low: e.aggregate.ci_low,
                    high: e.aggregate.ci_high,
                })
                .collect()
        };
        let series: Vec<OverlaySeries> = Estimator::ALL
            .iter()
            .map(|&estimator| OverlaySeries {
                estimator,
                shown: shown.contains(&estimator),
                points: match estimator {
                    Estimator::Twfe => sa.clone().map(|r| points(&r.twfe.event_time)),
                    Estimator::CallawaySantAnna => cs.clone().map(|r| cs_points(r)),
                    Estimator::SunAbraham => sa.clone().map(|r| points(&r.event_time)),
                    Estimator::Imputation => imp.clone().map(|r| points(&r.event_time)),
                },
            })
            .collect();
        let last = series
            .iter()
            .filter_map(|s| s.points.as_ref().ok())
            .flatten()
            .map(|p| p.event_time)
            .max()
            .unwrap_or(0);
        let weighting = sa
            .as_ref()
            .map(|r| r.weighting)
            .or(imp.as_ref().map(|r| r.weighting))
            .unwrap_or("unweighted");
        let overall = vec![
            overall_row(
                "TWFE (static)",
                Some(Estimator::Twfe.marker()),
                sa.clone().map(|r| {
                    (
                        r.twfe.overall.clone(),
                        format!("{}; CR1 by district", r.weighting),
                        format!("{}; CR1", short_weighting(r.weighted)),
                    )
                }),
            ),
            overall_row(
                "Callaway-Sant'Anna",
                Some(Estimator::CallawaySantAnna.marker()),
                cs.clone().map(|r| {
                    (
                        EventTimeEstimate {
                            event_time: None,
                            estimate: r.overall.estimate,
                            std_error: r.overall.std_error,
                            ci_low: r.overall.ci_low,
                            ci_high: r.overall.ci_high,
                            observations: 0,
                        },
                        "unweighted; not-yet-started controls; influence-function SE, normal 95%"
                            .to_string(),
                        "unweighted; IF SE".to_string(),
                    )
                }),
            ),
            overall_row(
                "Sun-Abraham",
                Some(Estimator::SunAbraham.marker()),
                sa.clone().map(|r| {
                    (
                        r.overall.clone(),
                        format!("{}; CR1 by district, shares fixed", r.weighting),
                        format!("{}; CR1", short_weighting(r.weighted)),
                    )
                }),
            ),
            overall_row(
                "Imputation (BJS)",
                Some(Estimator::Imputation.marker()),
                imp.clone().map(|r| {
                    (
                        r.overall.clone(),
                        format!("{}; BJS conservative SE", r.weighting),
                        format!("{}; BJS SE", short_weighting(r.weighted)),
                    )
                }),
            ),
            overall_row(
                "Two-stage (Gardner)",
                None,
                two.clone().map(|r| {
                    (
                        r.overall.clone(),
                        format!("{}; GMM two-stage SE", r.weighting),
                        format!("{}; GMM SE", short_weighting(r.weighted)),
                    )
                }),
            ),
        ];
        let mut notes = vec![format!(
            "Months since start; TWFE and Sun-Abraham against month -1, {weighting}; Callaway-Sant'Anna unweighted, pre-start points are month-on-month changes; imputation from month 0"
        )];
        if let Ok(r) = &sa {
            notes.push(format!(
                "BW districts, cohorts by start month, {} – {}; control: last cohort ({}, {} districts); 95% bands",
                r.first_month, r.last_month, r.control_cohort, r.control_units
            ));
        }
        let weighting_short = match sa.as_ref().map(|r| r.weighted) {
            Ok(true) => "persons-weighted (CS unweighted)",
            _ => "unweighted",
        }
        .to_string();
        let control_note = sa.as_ref().ok().map(|r| {
            format!(
                "control: last cohort {} ({} districts)",
                r.control_cohort, r.control_units
            )
        });
        EventTimeOverlay {
            weighting_short,
            control_note,
            title:
                "Effect by months since start: TWFE, Callaway-Sant'Anna, Sun-Abraham, imputation"
                    .into(),
            window: (-LEADS_SHOWN, last),
            series,
            overall,
            notes,
        }
    }

    /// The drawn points inside the window, per shown estimator.
    pub fn visible(&self) -> impl Iterator<Item = (Estimator, Vec<OverlayPoint>)> + '_ {
        let (lo, hi) = self.window;
        self.series.iter().filter(|s| s.shown).filter_map(move |s| {
            let pts = s.points.as_ref().ok()?;
            Some((
                s.estimator,
                pts.iter()
                    .copied()
                    .filter(|p| p.event_time >= lo && p.event_time <= hi)
                    .collect(),
            ))
        })
    }

    /// The lowest and highest value the drawn bands reach, zero included.
    pub fn value_range(&self) -> (f64, f64) {
        self.visible()
            .flat_map(|(_, pts)| pts.into_iter().flat_map(|p| [p.low, p.high]))
            .filter(|v| v.is_finite())
            .fold((0.0_f64, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)))
    }

    /// The overall-ATT table (Markdown, LaTeX, CSV).
    pub fn table(&self) -> TableData {
        table(
            "Overall ATT by estimator",
            &[
                "estimator",
                "marker",
                "att",
                "std_error",
                "ci_low",
                "ci_high",
                "convention",
            ],
            self.overall
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(r.estimator),
                        Cell::text(r.marker.map(String::from).unwrap_or_default()),
                        r.estimate.map_or(Cell::Missing, full),
                        r.std_error.map_or(Cell::Missing, full),
                        r.interval.and_then(|i| i.low).map_or(Cell::Missing, full),
                        r.interval.and_then(|i| i.high).map_or(Cell::Missing, full),
                        Cell::text(r.convention.clone()),
                    ]
                })
                .collect(),
        )
    }
}

/// The overlay for the results of a suite (what the dashboard and the export hold).
pub fn overlay_of(
    suite: &crate::core::robust::RobustSuite,
    shown: &[Estimator],
) -> EventTimeOverlay {
    use crate::core::robust::{Check, CheckResult};
    let why = |e: &crate::core::robust::RobustError| e.to_string();
    let sun_abraham = match suite.get(Check::SunAbraham) {
        Ok(CheckResult::SunAbraham(r)) => Ok(r),
        Ok(_) => Err("not computed".into()),
        Err(e) => Err(why(e)),
    };
    let staggered = match suite.get(Check::Staggered) {
        Ok(CheckResult::Staggered(r)) => Ok(r),
        Ok(_) => Err("not computed".into()),
        Err(e) => Err(why(e)),
    };
    let imputation = match suite.get(Check::Imputation) {
        Ok(CheckResult::Imputation(r)) => Ok(r),
        Ok(_) => Err("not computed".into()),
        Err(e) => Err(why(e)),
    };
    let two_stage = match suite.get(Check::TwoStage) {
        Ok(CheckResult::TwoStage(r)) => Ok(r),
        Ok(_) => Err("not computed".into()),
        Err(e) => Err(why(e)),
    };
    EventTimeOverlay::new(
        &OverlayInputs {
            sun_abraham,
            staggered,
            imputation,
            two_stage,
        },
        shown,
    )
}
