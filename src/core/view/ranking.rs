//! Units ranked by a measure and split at its median (the Staffing page's capacity change,
//! the Topics page's talk shares): one shape, so both pages and their exports rank, split and
//! write values the same way.

use crate::core::derive::staffing::CapacitySplit;
use crate::core::derive::{Comparison, UnitMeasure};
use crate::core::view::format;

/// How a ranked measure is written for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeasureFormat {
    /// Two decimals (FTE changes).
    Fixed2,
    /// A share 0–1 as a percentage with one decimal (talk shares).
    SharePercent,
}

impl MeasureFormat {
    /// The value as the page shows it.
    pub fn show(self, v: f64) -> String {
        match self {
            MeasureFormat::Fixed2 => format::fixed(v, 2),
            MeasureFormat::SharePercent => format::share_percent(v),
        }
    }

    /// The value in the unit of a table column (`share_pct` is in percent).
    pub fn in_column_unit(self, v: f64) -> f64 {
        match self {
            MeasureFormat::Fixed2 => v,
            MeasureFormat::SharePercent => v * 100.0,
        }
    }

    /// Decimals of the value in its table column.
    pub fn decimals(self) -> usize {
        match self {
            MeasureFormat::Fixed2 => 2,
            MeasureFormat::SharePercent => 1,
        }
    }
}

/// A median split of a measure, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranking {
    /// Short heading for a panel (`Capacity change (Abb. 43)`).
    pub heading: String,
    /// Full title for a chart or table.
    pub title: String,
    /// The measure's column name in tables and CSV.
    pub column: &'static str,
    /// (unit, strictly above the median), ascending by value.
    pub items: Vec<(UnitMeasure, bool)>,
    pub median: Option<f64>,
    /// Names of the groups above and below (or at) the median.
    pub groups: (&'static str, &'static str),
    pub above: usize,
    pub below: usize,
    /// Units without the measure, said in one line (`3 excluded: no pre-IM staffing`).
    pub excluded_note: Option<String>,
    pub format: MeasureFormat,
}

impl Ranking {
    /// A split with the group names of `comparison`; `why_excluded` completes the note on
    /// units that lack the measure.
    pub fn new(
        split: CapacitySplit,
        comparison: Comparison,
        heading: impl Into<String>,
        title: impl Into<String>,
        column: &'static str,
        why_excluded: Option<&str>,
        format: MeasureFormat,
    ) -> Ranking {
        let above = split.districts.iter().filter(|(_, a)| *a).count();
        let below = split.districts.len() - above;
        let excluded_note = (!split.excluded.is_empty()).then(|| {
            let n = format::count(split.excluded.len());
            match why_excluded {
                Some(why) => format!("{n} excluded: {why}"),
                None => format!("{n} excluded"),
            }
        });
        Ranking {
            heading: heading.into(),
            title: title.into(),
            column,
            items: split.districts,
            median: split.median,
            groups: comparison.group_labels(),
            above,
            below,
            excluded_note,
            format,
        }
    }

    /// The median as the page writes it; `–` when there is none.
    pub fn median_text(&self) -> String {
        self.median
            .map(|m| self.format.show(m))
            .unwrap_or_else(|| "–".into())
    }

    /// The units highest first (the order of the page, the table and the chart).
    pub fn highest_first(&self) -> impl Iterator<Item = &(UnitMeasure, bool)> {
        self.items.iter().rev()
    }
}
