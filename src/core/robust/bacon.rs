//! Goodman-Bacon (2021) decomposition of the two-way fixed-effects DiD with the staggered
//! start: the TWFE coefficient of the monthly district panel (the monthly event study's
//! panel: every month with employment figures) is a weighted mean of every 2×2 DiD between
//! start cohorts and the never-treated districts of the neighbouring states. Theorem 1 of the
//! paper: the weights are positive, sum to one, and Σ weight × estimate = TWFE exactly on a
//! balanced panel, so districts missing a month are dropped first (and listed).
//!
//! Weighted: every unit keeps its estimation weight (persons at the base month) in all
//! periods, so the panel is a frequency-weighted balanced panel and the theorem holds with
//! group shares measured in persons (diff-diff's `BaconDecomposition` with survey weights).

use super::{Check, RobustError, SharedInputs};
use crate::core::bundle::{Bundle, Level};
use crate::core::derive::employment::{Employed, EmploymentData};
use crate::core::derive::panel::require_tables;
use crate::core::derive::start::district_starts;
use crate::core::derive::{Comparison, Exclusion, TREATED_STATE};
use crate::core::estimate::LeastSquares;
use crate::core::period::Month;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which 2×2 DiD: the paper's three kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonKind {
    /// A cohort against the never-treated districts: a clean comparison.
    TreatedVsNever,
    /// An earlier cohort against a later one before the later starts: clean.
    EarlierVsLater,
    /// A later cohort against an earlier one already treated: "forbidden", its control
    /// group's own effect changes over the window and enters with a minus sign.
    LaterVsEarlier,
}

impl ComparisonKind {
    pub const ALL: [ComparisonKind; 3] = [
        ComparisonKind::TreatedVsNever,
        ComparisonKind::EarlierVsLater,
        ComparisonKind::LaterVsEarlier,
    ];

    /// The kind in words, for tables and legends.
    pub fn label(self) -> &'static str {
        match self {
            ComparisonKind::TreatedVsNever => "treated vs never treated",
            ComparisonKind::EarlierVsLater => "earlier vs later treated",
            ComparisonKind::LaterVsEarlier => "later vs earlier treated (forbidden)",
        }
    }
}

/// One 2×2 DiD of a balanced panel, periods as indices (see `decompose`).
#[derive(Debug, Clone, PartialEq)]
pub struct TwoByTwo {
    pub kind: ComparisonKind,
    /// First treated period of the cohort treated in this 2×2.
    pub treated: usize,
    /// First treated period of the control cohort; `None` for the never treated.
    pub control: Option<usize>,
    pub estimate: f64,
    /// Normalised: the weights of all 2×2s sum to one.
    pub weight: f64,
    pub treated_units: usize,
    pub control_units: usize,
}

/// TWFE coefficient and its decomposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Decomposition {
    pub twfe: f64,
    pub comparisons: Vec<TwoByTwo>,
}

/// Decomposes the TWFE DiD of a balanced panel: `y[i]` is unit i's series (all of equal
/// length T), `start[i]` its first treated period (`None`: never treated; a start must lie
/// in 1..T), `weights[i]` its unit weight (all ones: unweighted).
pub fn decompose(
    y: &[Vec<f64>],
    start: &[Option<usize>],
    weights: &[f64],
) -> Result<Decomposition, RobustError> {
    let units = y.len();
    let periods = y.first().map_or(0, Vec::len);
    if units == 0 || periods < 2 || start.len() != units || weights.len() != units {
        return Err(RobustError::Data(
            "the decomposition needs at least two periods and one start per unit".into(),
        ));
    }
    if y.iter().any(|s| s.len() != periods) {
        return Err(RobustError::Data("the panel is not balanced".into()));
    }
    if let Some(s) = start.iter().flatten().find(|&&s| s == 0 || s >= periods) {
        return Err(RobustError::Data(format!(
            "a cohort starting in period {s} of {periods} has no untreated or no treated period"
        )));
    }
    if weights.iter().any(|w| !(w.is_finite() && *w > 0.0)) {
        return Err(RobustError::Data("unit weights must be positive".into()));
    }
    let mut cohorts: Vec<usize> = start.iter().flatten().copied().collect();
    cohorts.sort_unstable();
    cohorts.dedup();
    let has_never = start.iter().any(Option::is_none);
    if cohorts.is_empty() || (cohorts.len() == 1 && !has_never) {
        return Err(RobustError::Data(
            "the decomposition needs two start cohorts, or one and never-treated units".into(),
        ));
    }
    let total_mass: f64 = weights.iter().sum();
    // Weighted mean series and unit count of a group (cohort start or never treated).
    let group = |g: Option<usize>| {
        let members: Vec<usize> = (0..units).filter(|&i| start[i] == g).collect();
        let mass: f64 = members.iter().map(|&i| weights[i]).sum();
        let series: Vec<f64> = (0..periods)
            .map(|t| members.iter().map(|&i| weights[i] * y[i][t]).sum::<f64>() / mass)
            .collect();
        (series, mass / total_mass, members.len())
    };
    let never = has_never.then(|| group(None));
    let groups: Vec<(Vec<f64>, f64, usize)> = cohorts.iter().map(|&g| group(Some(g))).collect();
    let mean = |s: &[f64], a: usize, b: usize| s[a..b].iter().sum::<f64>() / (b - a) as f64;
    // Change of a group's mean from [a, m) to [m, b).
    let change = |s: &[f64], a: usize, m: usize, b: usize| mean(s, m, b) - mean(s, a, m);
    let share = |g: usize| (periods - g) as f64 / periods as f64;
    let mut comparisons = Vec::new();
    for (k, &gk) in cohorts.iter().enumerate() {
        let (sk, nk, uk) = &groups[k];
        let dk = share(gk);
        if let Some((su, nu, uu)) = &never {
            let nku = nk / (nk + nu);
            comparisons.push(TwoByTwo {
                kind: ComparisonKind::TreatedVsNever,
                treated: gk,
                control: None,
                estimate: change(sk, 0, gk, periods) - change(su, 0, gk, periods),
                // Eq. 10e with 7.
                weight: (nk + nu).powi(2) * nku * (1.0 - nku) * dk * (1.0 - dk),
                treated_units: *uk,
                control_units: *uu,
            });
        }
        for (l, &gl) in cohorts.iter().enumerate().skip(k + 1) {
            let (sl, nl, ul) = &groups[l];
            let dl = share(gl);
            let nkl = nk / (nk + nl);
            let v = nkl * (1.0 - nkl);
            comparisons.push(TwoByTwo {
                kind: ComparisonKind::EarlierVsLater,
                treated: gk,
                control: Some(gl),
                estimate: change(sk, 0, gk, gl) - change(sl, 0, gk, gl),
                // Eq. 10f with 8.
                weight: ((nk + nl) * (1.0 - dl)).powi(2) * v * (dk - dl) / (1.0 - dl) * (1.0 - dk)
                    / (1.0 - dl),
                treated_units: *uk,
                control_units: *ul,
            });
            comparisons.push(TwoByTwo {
                kind: ComparisonKind::LaterVsEarlier,
                treated: gl,
                control: Some(gk),
                estimate: change(sl, gk, gl, periods) - change(sk, gk, gl, periods),
                // Eq. 10g with 9.
                weight: ((nk + nl) * dk).powi(2) * v * dl / dk * (dk - dl) / dk,
                treated_units: *ul,
                control_units: *uk,
            });
        }
    }
    let total: f64 = comparisons.iter().map(|c| c.weight).sum();
    for c in &mut comparisons {
        c.weight /= total;
    }
    Ok(Decomposition {
        twfe: twfe(y, start, weights)?,
        comparisons,
    })
}

/// The TWFE coefficient of D_it = [t ≥ start_i] with unit and period fixed effects, by the
/// one least-squares kernel on the two-way demeaned data (exact in one pass: balanced, unit
/// weights constant over time).
fn twfe(y: &[Vec<f64>], start: &[Option<usize>], weights: &[f64]) -> Result<f64, RobustError> {
    let (units, periods) = (y.len(), y[0].len());
    let n = units * periods;
    let flat_y: Vec<f64> = y.iter().flatten().copied().collect();
    let flat_d: Vec<f64> = (0..n)
        .map(|j| {
            f64::from(u8::from(
                start[j / periods].is_some_and(|s| j % periods >= s),
            ))
        })
        .collect();
    let sqrt_w: Vec<f64> = (0..n).map(|j| weights[j / periods].sqrt()).collect();
    let ys = super::event_study::demean(&flat_y, units, periods, weights);
    let ds = super::event_study::demean(&flat_d, units, periods, weights);
    let mut ls = LeastSquares::new();
    ls.load(&ys, std::iter::once(ds.as_slice()), Some(&sqrt_w), None);
    ls.fit().map_err(|_| {
        RobustError::Data("the treatment is collinear with the fixed effects".into())
    })?;
    Ok(ls.coefficients()[0])
}

/// One 2×2 of the decomposition, cohorts named by their start month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaconComparison {
    pub kind: ComparisonKind,
    pub treated_cohort: Month,
    /// `None`: the never-treated districts.
    pub control_cohort: Option<Month>,
    pub estimate: f64,
    pub weight: f64,
    pub treated_units: usize,
    pub control_units: usize,
}

/// Total weight and weighted mean estimate of one kind of comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindSummary {
    pub kind: ComparisonKind,
    pub comparisons: usize,
    pub weight: f64,
    /// `None` when the kind has no comparison.
    pub average: Option<f64>,
}

/// The Goodman-Bacon decomposition result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaconDecomposition {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    /// Units weighted by persons at the base month (false: every district counts once).
    pub weighted: bool,
    /// Always monthly: the monthly event study's panel.
    pub frequency: &'static str,
    pub first_month: Month,
    pub last_month: Month,
    pub units: usize,
    pub never_treated_units: usize,
    /// Start cohorts (first treated month) with their district counts.
    pub cohorts: Vec<(Month, usize)>,
    /// The TWFE DiD coefficient (pp).
    pub twfe: f64,
    /// Σ weight × estimate over all comparisons.
    pub weighted_sum: f64,
    pub comparisons: Vec<BaconComparison>,
    pub by_kind: Vec<KindSummary>,
    /// Units dropped, and why (most to balance the panel).
    pub excluded: Vec<Exclusion>,
}

/// The monthly rate series of `id` over `months`, or why it has none.
pub(super) fn monthly_series(
    data: &EmploymentData,
    id: &str,
    months: &[Month],
    which: Employed,
) -> Result<Vec<f64>, String> {
    months
        .iter()
        .map(|&m| data.rate(id, m, which).map(|r| r.rate_pct))
        .collect::<Result<Vec<f64>, _>>()
        .map_err(|reason| format!("dropped to balance the panel: {reason}"))
}

/// A unit's weight: persons at the base month when weighted, else one.
pub(super) fn unit_weight(
    data: &EmploymentData,
    id: &str,
    base: Month,
    weighted: bool,
) -> Result<f64, String> {
    if !weighted {
        return Ok(1.0);
    }
    match data.persons(id, base) {
        Ok(w) if w > 0.0 => Ok(w),
        Ok(w) => Err(format!("persons at the base month {base} are {w}")),
        Err(reason) => Err(format!("no weight at the base month: {reason}")),
    }
}

/// The decomposition for the employment outcome of `shared.spec`: BW districts by start
/// month (the start rule of `spec.rules`), the neighbouring states' districts never treated.
/// The comparison's own two groups are not used.
pub fn bacon_in(shared: &SharedInputs) -> Result<BaconDecomposition, RobustError> {
    let (bundle, spec, options) = (shared.bundle, shared.spec, shared.options);
    let which = Employed::for_outcome(spec.outcome).ok_or_else(|| {
        RobustError::Unsupported(
            "the Goodman-Bacon decomposition needs the monthly employment outcome; housing has only two survey waves".into(),
        )
    })?;
    require_tables(
        bundle,
        Some(spec.outcome),
        Comparison::EarlyStart,
        Level::District,
    )?;
    let data = EmploymentData::new(bundle);
    let (first, last) = data
        .month_range()
        .ok_or_else(|| RobustError::Data("employment: the table has no rows".into()))?;
    let months: Vec<Month> = first.through(last).collect();
    let base = bundle.manifest.periods.employment_base;
    let starts: BTreeMap<String, Month> = district_starts(bundle, &spec.rules)
        .into_iter()
        .map(|s| (s.district_id, Month::of_date(s.start)))
        .collect();
    let mut excluded = Vec::new();
    let mut ids = Vec::new();
    let (mut y, mut start, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    for d in sorted_districts(bundle) {
        let cohort = if d.state == TREATED_STATE {
            match starts.get(&d.district_id) {
                Some(&g) if g <= first => {
                    excluded.push(Exclusion {
                        unit: d.district_id.clone(),
                        reason: format!(
                            "started in {g}, not after the first month with data ({first}): never untreated in the panel"
                        ),
                    });
                    continue;
                }
                // A start after the data ends is untreated throughout: never treated here.
                Some(&g) => (g <= last).then(|| (g.index() - first.index()) as usize),
                None => {
                    excluded.push(Exclusion {
                        unit: d.district_id.clone(),
                        reason: format!(
                            "no start date: no grant issued on or before {}",
                            spec.rules.grants_issued_by
                        ),
                    });
                    continue;
                }
            }
        } else {
            None
        };
        let series = monthly_series(&data, &d.district_id, &months, which);
        let weight = unit_weight(&data, &d.district_id, base, options.weighted);
        match (series, weight) {
            (Ok(s), Ok(w)) => {
                ids.push(d.district_id.clone());
                y.push(s);
                start.push(cohort);
                weights.push(w);
            }
            (Err(reason), _) | (_, Err(reason)) => excluded.push(Exclusion {
                unit: d.district_id.clone(),
                reason,
            }),
        }
    }
    let decomposition = decompose(&y, &start, &weights)?;
    let month_of = |p: usize| months[p];
    let comparisons: Vec<BaconComparison> = decomposition
        .comparisons
        .iter()
        .map(|c| BaconComparison {
            kind: c.kind,
            treated_cohort: month_of(c.treated),
            control_cohort: c.control.map(month_of),
            estimate: c.estimate,
            weight: c.weight,
            treated_units: c.treated_units,
            control_units: c.control_units,
        })
        .collect();
    let by_kind = ComparisonKind::ALL
        .iter()
        .map(|&kind| {
            let these: Vec<&BaconComparison> =
                comparisons.iter().filter(|c| c.kind == kind).collect();
            let weight: f64 = these.iter().map(|c| c.weight).sum();
            KindSummary {
                kind,
                comparisons: these.len(),
                weight,
                average: (weight > 0.0)
                    .then(|| these.iter().map(|c| c.weight * c.estimate).sum::<f64>() / weight),
            }
        })
        .collect();
    let mut cohorts: BTreeMap<Month, usize> = BTreeMap::new();
    for s in start.iter().flatten() {
        *cohorts.entry(months[*s]).or_default() += 1;
    }
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    Ok(BaconDecomposition {
        what_it_tests: Check::Bacon.what_it_tests(),
        how_to_read: Check::Bacon.how_to_read(),
        weighted: options.weighted,
        frequency: "monthly",
        first_month: first,
        last_month: last,
        units: ids.len(),
        never_treated_units: start.iter().filter(|s| s.is_none()).count(),
        cohorts: cohorts.into_iter().collect(),
        twfe: decomposition.twfe,
        weighted_sum: comparisons.iter().map(|c| c.weight * c.estimate).sum(),
        comparisons,
        by_kind,
        excluded,
    })
}

/// The bundle's districts in id order (the order of every table and reference script).
pub(super) fn sorted_districts(bundle: &Bundle) -> Vec<&crate::core::bundle::District> {
    let mut d: Vec<_> = bundle.districts.iter().collect();
    d.sort_by(|a, b| a.district_id.cmp(&b.district_id));
    d.dedup_by(|a, b| a.district_id == b.district_id);
    d
}
