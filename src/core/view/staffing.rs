//! Page 3, Staffing: Tab. 5 (direction of the FTE change, plain and refugee-weighted
//! shares), the FTE change per municipality (Abb. 6), and the capacity change ranked and
//! split at the median (Abb. 43, comparison 3) at the chosen level.

use crate::core::bundle::{Bundle, Level};
use crate::core::choices::Choices;
use crate::core::derive::staffing::{self, Bin, StaffingTable};
use crate::core::derive::{Comparison, capacity};
use crate::core::view::format;
use crate::core::view::ranking::{MeasureFormat, Ranking};
use crate::core::view::table::{Cell, TableData};

/// Abb. 6 bins: 0.25 FTE wide from −1 to +3 FTE; the outer bins hold everything beyond.
const FTE_BINS: (f64, f64, f64) = (-1.0, 3.0, 0.25);

/// One row of Tab. 5, written as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRow {
    pub label: &'static str,
    pub municipalities: String,
    pub share: String,
    pub refugee_weighted_share: String,
}

/// Tab. 5.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeTable {
    pub heading: &'static str,
    pub header: [&'static str; 4],
    pub rows: Vec<ChangeRow>,
    /// The total row's count of funded municipalities.
    pub total: String,
    /// `2 without refugee count: weight 0`, when some lack it.
    pub warning: Option<String>,
}

/// Abb. 6.
#[derive(Debug, Clone, PartialEq)]
pub struct FteHistogram {
    /// `FTE change per municipality (Abb. 6), N = 995`.
    pub heading: String,
    /// (bin label, municipalities).
    pub bars: Vec<(String, usize)>,
    pub n: usize,
    pub legend: &'static str,
}

/// What the Staffing page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffingView {
    pub changes: ChangeTable,
    pub fte_change: FteHistogram,
    /// Capacity change per unit of the chosen level, split at the median.
    pub capacity: Ranking,
    /// What the ranking's panel says when no unit has the measure.
    pub capacity_empty: &'static str,
}

impl StaffingView {
    /// The page at the level in `choices` (the only choice it depends on).
    pub fn build(bundle: &Bundle, choices: &Choices) -> StaffingView {
        StaffingView {
            changes: change_table(&staffing::staffing_table(bundle)),
            fte_change: fte_histogram(bundle),
            capacity: capacity_ranking(bundle, choices.level),
            capacity_empty: match choices.level {
                Level::District => "No district has a capacity change.",
                Level::Municipality => "No municipality has a capacity change.",
            },
        }
    }

    /// The capacity ranking, highest first (the exported table).
    pub fn table(&self) -> TableData {
        let r = &self.capacity;
        TableData {
            title: r.title.clone(),
            header: vec!["unit_id".into(), "name".into(), r.column.into()],
            rows: r
                .highest_first()
                .map(|(v, _)| {
                    vec![
                        Cell::text(&v.unit_id),
                        Cell::text(&v.name),
                        Cell::Number {
                            value: r.format.in_column_unit(v.value),
                            decimals: r.format.decimals(),
                        },
                    ]
                })
                .collect(),
        }
    }
}

fn change_table(s: &StaffingTable) -> ChangeTable {
    ChangeTable {
        heading: "Staffing change (Tab. 5)",
        header: ["FTE change", "Munic.", "Share", "Refugee-w."],
        rows: s
            .rows
            .iter()
            .map(|r| ChangeRow {
                label: r.change.label(),
                municipalities: format::count(r.municipalities),
                share: format::share_percent(r.share),
                refugee_weighted_share: format::share_percent(r.refugee_weighted_share),
            })
            .collect(),
        total: format::count(s.total),
        warning: (s.without_refugee_count > 0).then(|| {
            format!(
                "{} without refugee count: weight 0",
                format::count(s.without_refugee_count)
            )
        }),
    }
}

fn fte_histogram(bundle: &Bundle) -> FteHistogram {
    let values: Vec<f64> = staffing::fte_change_per_municipality(bundle)
        .values
        .iter()
        .map(|v| v.value)
        .collect();
    let bins = staffing::histogram(&values, FTE_BINS.0, FTE_BINS.1, FTE_BINS.2);
    FteHistogram {
        heading: format!(
            "FTE change per municipality (Abb. 6), N = {}",
            format::count(values.len())
        ),
        bars: bins.iter().map(|b| (bin_label(b), b.count)).collect(),
        n: values.len(),
        legend: "per 0.25 FTE; the outer bins hold the rest",
    }
}

/// A bin by its lower edge; the first, open bin by what it holds (`<-0.75`).
fn bin_label(b: &Bin) -> String {
    if b.open_below {
        format!("<{}", b.high)
    } else {
        format!("{}", b.low)
    }
}

fn capacity_ranking(bundle: &Bundle, level: Level) -> Ranking {
    match level {
        Level::District => Ranking::new(
            staffing::district_capacity_split(bundle),
            Comparison::Capacity,
            "Capacity change (Abb. 43)",
            "Change in IM staff (FTE) per 100 target persons, by district",
            "fte_change_per_100",
            Some("no pre-IM staffing"),
            MeasureFormat::Fixed2,
        ),
        Level::Municipality => Ranking::new(
            staffing::median_split(capacity::municipality_capacity_change(bundle)),
            Comparison::Capacity,
            "Capacity change by municipality",
            "Change in IM staff (FTE), by municipality",
            "fte_change",
            None,
            MeasureFormat::Fixed2,
        ),
    }
}
