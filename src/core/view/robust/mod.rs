//! What each robustness check shows, once: its row (what the numbers are, the headline, the
//! inference, the one-line reading, whether it flags a problem), a few detail lines and its
//! numbers in full as a table. The Robustness page, its export and `wirkung robustness` all
//! render these values and nothing else, so they cannot disagree.
//!
//! A new check needs its result type in `core::robust`, a variant of `CheckResult`, and one
//! file here (one per check) whose function turns the result into a `CheckShown`.

use super::format::PValue;
use super::table::{Cell, TableData};
use crate::core::robust::{Check, CheckResult, RobustError, RobustSuite};

mod callaway_santanna;
mod dose;
mod honest;
mod leave_one_out;
mod permutation;
mod placebo;
mod pretrend_power;
mod pretrends;
mod spillover;
mod wild_bootstrap;

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
            Ok(CheckResult::EventStudy(r)) => pretrends::event_study(r),
            Ok(CheckResult::Placebo(r)) => Ok(placebo::placebo(r)),
            Ok(CheckResult::Ri(r)) => Ok(permutation::ri(r)),
            Ok(CheckResult::Wild(r)) => Ok(wild_bootstrap::wild(r)),
            Ok(CheckResult::Loo(r)) => Ok(leave_one_out::loo(r)),
            Ok(CheckResult::Dose(r)) => Ok(dose::dose(r)),
            Ok(CheckResult::Staggered(r)) => Ok(callaway_santanna::staggered(r)),
            Ok(CheckResult::PretrendPower(r)) => Ok(pretrend_power::pretrend_power(r)),
            Ok(CheckResult::Honest(r)) => Ok(honest::honest(r)),
            Ok(CheckResult::SunAbraham(r)) => Ok(super::event_time::sun_abraham_shown(r)),
            Ok(CheckResult::Imputation(r) | CheckResult::TwoStage(r)) => {
                Ok(super::event_time::imputation_shown(r))
            }
            Ok(CheckResult::Bacon(r)) => Ok(super::robust_staggered::bacon(r)),
            Ok(CheckResult::Sdid(r)) => Ok(super::robust_staggered::sdid(r)),
            Ok(CheckResult::Spillover(r)) => Ok(spillover::spillover(r)),
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
