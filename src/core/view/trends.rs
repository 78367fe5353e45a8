//! Page 5, Trends: monthly employment rate of the comparison's two groups (report
//! Abb. 41–46), the month the figure marks, and the difference between the groups.

use crate::core::bundle::{Bundle, Level};
use crate::core::choices::{Choices, trend_outcome};
use crate::core::derive::trends::Group;
use crate::core::derive::{
    self, Comparison, ControlSelection, DeriveError, Outcome, PanelSpec, Trends, check_supported,
};
use crate::core::period::Month;
use crate::core::view::table::{Cell, TableData};
use std::collections::BTreeMap;

/// One group's line: its legend and the rate (%) by month.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendLine {
    pub legend: &'static str,
    pub points: Vec<(Month, f64)>,
}

/// What the Trends page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendsView {
    /// The outcome of the lines: employment also when housing is chosen (the report's trend
    /// figures exist for employment only).
    pub outcome: Outcome,
    pub comparison: Comparison,
    /// Set when the lines show another outcome than the one chosen.
    pub note: Option<&'static str>,
    /// `<outcome> – <comparison>`.
    pub title: String,
    /// The y axis of the rates.
    pub unit: &'static str,
    pub treated: TrendLine,
    pub control: TrendLine,
    /// Treated − control in percentage points, in months where both groups have a rate.
    pub difference: Vec<(Month, f64)>,
    pub difference_title: &'static str,
    pub difference_legend: &'static str,
    /// The vertical line: the base month, or the early-start cutoff's month.
    pub marker: Month,
    /// What the vertical line marks, for its legend entry: `cutoff 2018-02-15` (the exact
    /// date, which may lie inside the month the line is drawn at) or `base month 2017-12`.
    pub marker_legend: String,
    /// First and last month with a rate (the x axis).
    pub first: Month,
    pub last: Month,
    /// The derived lines, for the CSV and JSON writers (full precision, persons).
    pub trends: Trends,
}

impl TrendsView {
    /// The trends for `choices`: district level, no controls, employment outcome.
    pub fn build(bundle: &Bundle, choices: &Choices) -> Result<TrendsView, DeriveError> {
        let outcome = trend_outcome(choices.outcome);
        check_supported(outcome, choices.comparison, Level::District)?;
        let spec = PanelSpec {
            outcome,
            comparison: choices.comparison,
            level: Level::District,
            controls: ControlSelection::None,
            rules: choices.rules(bundle),
        };
        let trends = derive::trends(bundle, &spec)?;
        Ok(TrendsView::new(choices, outcome, trends))
    }

    fn new(choices: &Choices, outcome: Outcome, trends: Trends) -> TrendsView {
        let line = |group: Group| -> BTreeMap<Month, f64> {
            trends
                .points
                .iter()
                .filter(|p| p.group == group)
                .map(|p| (p.month, p.rate))
                .collect()
        };
        let (treated, control) = (line(Group::Treated), line(Group::Control));
        let difference = treated
            .iter()
            .filter_map(|(m, t)| control.get(m).map(|c| (*m, t - c)))
            .collect();
        let months = || trends.points.iter().map(|p| p.month);
        let (treated_name, control_name) = choices.comparison.group_labels();
        TrendsView {
            outcome,
            comparison: choices.comparison,
            note: (outcome != choices.outcome).then_some("trend figures exist for employment only"),
            title: format!("{} – {}", outcome.label(), choices.comparison.label()),
            unit: "Employment rate, %",
            treated: TrendLine {
                legend: treated_name,
                points: treated.into_iter().collect(),
            },
            control: TrendLine {
                legend: control_name,
                points: control.into_iter().collect(),
            },
            difference,
            difference_title: "Difference between the groups, percentage points",
            difference_legend: "treated − control",
            marker: trends.marker,
            marker_legend: match choices.comparison {
                Comparison::EarlyStart => format!("cutoff {}", choices.cutoff),
                _ => format!("base month {}", trends.marker),
            },
            first: months().min().unwrap_or(trends.marker),
            last: months().max().unwrap_or(trends.marker),
            trends,
        }
    }

    /// Month by month, the two groups' rates (one decimal; empty where a group has none).
    pub fn table(&self) -> TableData {
        let mut by_month: BTreeMap<Month, [Cell; 2]> = BTreeMap::new();
        for (k, line) in [&self.treated, &self.control].into_iter().enumerate() {
            for (m, rate) in &line.points {
                by_month.entry(*m).or_insert([Cell::Missing, Cell::Missing])[k] = Cell::num(*rate);
            }
        }
        TableData {
            title: self.title.clone(),
            header: vec![
                "month".into(),
                self.treated.legend.into(),
                self.control.legend.into(),
            ],
            rows: by_month
                .into_iter()
                .map(|(m, [t, c])| vec![Cell::text(m.to_string()), t, c])
                .collect(),
        }
    }
}
