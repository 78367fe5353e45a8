//! What the Goodman-Bacon decomposition and the synthetic DiD show: their rows of the
//! Robustness page (`CheckShown`) and their own charts, the scatter of 2×2 weights against
//! estimates and BW's path against its synthetic control.

use super::format::{fixed, interval, percent, signed};
use super::robust::{CheckChart, CheckShown, Interval, Number};
use super::table::{Cell, TableData};
use crate::core::period::Month;
use crate::core::robust::bacon::{BaconDecomposition, ComparisonKind};
use crate::core::robust::sdid::SyntheticDid;

/// The decomposition as a scatter: one point per 2×2, its weight against its estimate, the
/// kind by marker; the TWFE coefficient as a reference line.
#[derive(Debug, Clone, PartialEq)]
pub struct BaconScatter {
    pub points: Vec<BaconPoint>,
    pub twfe: f64,
    pub weighted: bool,
}

/// One 2×2 of the scatter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaconPoint {
    pub kind: ComparisonKind,
    pub weight: f64,
    pub estimate: f64,
}

impl BaconScatter {
    /// The largest weight and the estimate range (zero and TWFE included), for the axes.
    pub fn bounds(&self) -> (f64, f64, f64) {
        let w = self.points.iter().map(|p| p.weight).fold(0.0, f64::max);
        let (lo, hi) = self
            .points
            .iter()
            .map(|p| p.estimate)
            .filter(|e| e.is_finite())
            .fold(
                (0.0_f64.min(self.twfe), 0.0_f64.max(self.twfe)),
                |(l, h), e| (l.min(e), h.max(e)),
            );
        (w, lo, hi)
    }
}

/// BW's monthly path against the synthetic control's, the latter shifted by the
/// λ-weighted pre-period gap so the two run level before the programme.
#[derive(Debug, Clone, PartialEq)]
pub struct SdidTrend {
    /// (month, BW, synthetic control + offset)
    pub points: Vec<(Month, f64, f64)>,
    /// The last pre-period month (the base month), drawn as a marker.
    pub base: Month,
    pub offset: f64,
    pub att: f64,
    pub weighted: bool,
}

impl SdidTrend {
    /// The lowest and highest value drawn.
    pub fn value_range(&self) -> (f64, f64) {
        self.points
            .iter()
            .flat_map(|&(_, a, b)| [a, b])
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
                (l.min(v), h.max(v))
            })
    }
}

fn weighting(weighted: bool) -> &'static str {
    if weighted {
        "weighted by persons at the base month"
    } else {
        "unweighted (every district once)"
    }
}

fn full(v: f64) -> Cell {
    Cell::Number {
        value: v,
        decimals: 3,
    }
}

/// Short kind names for narrow tables.
fn kind_id(kind: ComparisonKind) -> &'static str {
    match kind {
        ComparisonKind::TreatedVsNever => "treated_vs_never",
        ComparisonKind::EarlierVsLater => "earlier_vs_later",
        ComparisonKind::LaterVsEarlier => "later_vs_earlier",
    }
}

/// The decomposition's row.
pub fn bacon(r: &BaconDecomposition) -> CheckShown {
    let forbidden = r
        .by_kind
        .iter()
        .find(|k| k.kind == ComparisonKind::LaterVsEarlier);
    let forbidden_weight = forbidden.map_or(0.0, |k| k.weight);
    let cohorts = r.cohorts.len();
    let mut warnings = Vec::new();
    if !r.excluded.is_empty() {
        warnings.push(format!(
            "{} districts dropped (balanced panel required): see the list below",
            r.excluded.len()
        ));
    }
    let mut details = vec![
        format!(
            "{} districts {} – {} (monthly panel of the event study), {}; {cohorts} start cohorts, {} never-treated neighbouring districts",
            r.units,
            r.first_month,
            r.last_month,
            weighting(r.weighted),
            r.never_treated_units
        ),
        format!(
            "Σ weight × estimate = {} ; TWFE = {} (difference {:.1e})",
            signed(r.weighted_sum, 6),
            signed(r.twfe, 6),
            r.weighted_sum - r.twfe
        ),
    ];
    details.extend(r.by_kind.iter().map(|k| {
        format!(
            "{}: {} comparisons, weight {}, average {}",
            k.kind.label(),
            k.comparisons,
            fixed(k.weight, 3),
            k.average.map_or("n/a".into(), |a| signed(a, 3))
        )
    }));
    details.extend(
        r.excluded
            .iter()
            .map(|e| format!("dropped {}: {}", e.unit, e.reason)),
    );
    CheckShown {
        statistic: format!(
            "TWFE DiD = Σ weight × 2×2 DiD (Goodman-Bacon), monthly, {}",
            weighting(r.weighted)
        ),
        headline: format!("TWFE {}", signed(r.twfe, 3)),
        inference: format!("forbidden weight {}", percent(forbidden_weight)),
        estimate: Some(Number {
            value: r.twfe,
            decimals: 3,
        }),
        std_error: None,
        interval: None,
        p_value: None,
        draws: None,
        reading: format!(
            "{} comparisons; later-vs-earlier average {}",
            r.comparisons.len(),
            forbidden
                .and_then(|k| k.average)
                .map_or("n/a".into(), |a| signed(a, 3))
        ),
        flagged: false,
        warnings,
        details,
        table: TableData {
            title: "Goodman-Bacon decomposition: every 2×2 DiD".into(),
            header: [
                "kind",
                "treated_cohort",
                "control_cohort",
                "weight",
                "estimate",
                "treated_units",
                "control_units",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: r
                .comparisons
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(kind_id(c.kind)),
                        Cell::text(c.treated_cohort.to_string()),
                        Cell::text(
                            c.control_cohort
                                .map_or("never treated".into(), |m| m.to_string()),
                        ),
                        Cell::Number {
                            value: c.weight,
                            decimals: 4,
                        },
                        full(c.estimate),
                        Cell::int(c.treated_units as i64),
                        Cell::int(c.control_units as i64),
                    ]
                })
                .collect(),
        },
        chart: Some(CheckChart::Bacon(BaconScatter {
            points: r
                .comparisons
                .iter()
                .map(|c| BaconPoint {
                    kind: c.kind,
                    weight: c.weight,
                    estimate: c.estimate,
                })
                .collect(),
            twfe: r.twfe,
            weighted: r.weighted,
        })),
    }
}

/// The synthetic DiD's row.
pub fn sdid(r: &SyntheticDid) -> CheckShown {
    let mut warnings = Vec::new();
    if r.weighted {
        warnings.push(
            "synthdid has no weighted form: persons weight BW's mean and the synthetic control's composition (diff-diff's pweights)".into(),
        );
    }
    if r.std_error.is_none() {
        warnings.push(format!(
            "no placebo SE: {} neighbouring districts are too few for {} pseudo-treated",
            r.control_units, r.treated_units
        ));
    }
    if !r.excluded.is_empty() {
        warnings.push(format!(
            "{} districts dropped for a missing month or weight",
            r.excluded.len()
        ));
    }
    let top: Vec<String> = r
        .unit_weights
        .iter()
        .take(5)
        .map(|u| format!("{} {}", u.name, fixed(u.weight, 3)))
        .collect();
    let mut details = vec![
        format!(
            "{} BW vs {} neighbouring districts, {}; pre {} – {}, post {} – {}",
            r.treated_units,
            r.control_units,
            weighting(r.weighted),
            r.pre_first,
            r.pre_last,
            r.post_first,
            r.post_last
        ),
        format!(
            "{} neighbours carry weight; largest: {}",
            r.unit_weights.len(),
            top.join(", ")
        ),
        format!(
            "{} pre months carry weight: {}",
            r.time_weights.len(),
            r.time_weights
                .iter()
                .map(|t| format!("{} {}", t.month, fixed(t.weight, 2)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "placebo SE from {} draws (seed {}); ζ_ω = {}, ζ_λ = {:.2e}, noise σ = {}",
            r.placebos,
            r.seed,
            fixed(r.zeta_omega, 3),
            r.zeta_lambda,
            fixed(r.noise_level, 3)
        ),
    ];
    details.extend(
        r.excluded
            .iter()
            .map(|e| format!("dropped {}: {}", e.unit, e.reason)),
    );
    let mut rows: Vec<Vec<Cell>> = r
        .unit_weights
        .iter()
        .map(|u| {
            vec![
                Cell::text("unit"),
                Cell::text(u.unit.clone()),
                Cell::text(u.name.clone()),
                Cell::Number {
                    value: u.weight,
                    decimals: 4,
                },
            ]
        })
        .collect();
    rows.extend(r.time_weights.iter().map(|t| {
        vec![
            Cell::text("month"),
            Cell::text(t.month.to_string()),
            Cell::Missing,
            Cell::Number {
                value: t.weight,
                decimals: 4,
            },
        ]
    }));
    CheckShown {
        statistic: format!(
            "synthetic DiD ATT (Arkhangelsky et al.), BW vs neighbours, placebo SE, normal 95%, {}",
            weighting(r.weighted)
        ),
        headline: format!(
            "ATT {} ({})",
            signed(r.att, 3),
            r.std_error.map_or("no SE".into(), |s| fixed(s, 3))
        ),
        inference: match (r.ci_low, r.ci_high) {
            (Some(l), Some(h)) => format!("95% {}", interval(Some(l), Some(h), 2)),
            _ => "no placebo SE".into(),
        },
        estimate: Some(Number {
            value: r.att,
            decimals: 3,
        }),
        std_error: r.std_error,
        interval: r.ci_low.zip(r.ci_high).map(|(l, h)| Interval {
            low: Some(l),
            high: Some(h),
        }),
        p_value: None,
        draws: Some(r.placebos),
        reading: format!(
            "synthetic control of {} neighbours, {} – {}",
            r.unit_weights.len(),
            r.post_first,
            r.post_last
        ),
        flagged: false,
        warnings,
        details,
        table: TableData {
            title: "Synthetic DiD: unit weights (neighbouring districts) and time weights (pre-period months)".into(),
            header: ["weight_of", "unit_or_month", "name", "weight"]
                .iter()
                .map(|h| h.to_string())
                .collect(),
            rows,
        },
        chart: Some(CheckChart::Sdid(SdidTrend {
            points: r
                .trend
                .iter()
                .map(|p| (p.month, p.bw, p.synthetic + r.offset))
                .collect(),
            base: r.pre_last,
            offset: r.offset,
            att: r.att,
            weighted: r.weighted,
        })),
    }
}
