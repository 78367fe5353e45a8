//! Page 2, Start times: municipality start months with the cumulative share (Abb. 4),
//! districts ordered by start date around the movable early-start cutoff, the split by
//! government region (Abb. 5), and districts starting per month (the exported chart).

use crate::core::bundle::Bundle;
use crate::core::choices::Choices;
use crate::core::derive::start::{self, DistrictStart};
use crate::core::period::Month;
use crate::core::view::format;
use crate::core::view::table::{Cell, TableData};
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Abb. 4's axis: retroactive funding from Jan 2017 to the last start in Oct 2018.
pub const AXIS_FIRST: Month = Month {
    year: 2017,
    month: 1,
};
pub const AXIS_LAST: Month = Month {
    year: 2018,
    month: 10,
};

/// One month of Abb. 4.
#[derive(Debug, Clone, PartialEq)]
pub struct StartMonthBar {
    /// `1/17`, as the report's axis writes it.
    pub label: String,
    pub municipalities: usize,
    /// Share of all municipalities with a start month that started by the end of this one.
    pub cumulative_share: f64,
}

/// Abb. 4: municipalities by start month.
#[derive(Debug, Clone, PartialEq)]
pub struct StartMonths {
    /// `Start months (Abb. 4), N = 1,029`.
    pub heading: String,
    pub bars: Vec<StartMonthBar>,
    /// Municipalities with a start month.
    pub total: usize,
    /// Municipalities whose start month lies outside the axis.
    pub outside_axis: usize,
    /// The month label by which half of them had started.
    pub half_by: Option<String>,
}

/// One government region's districts (Abb. 5).
#[derive(Debug, Clone, PartialEq)]
pub struct RegionRow {
    pub region: String,
    pub total: usize,
    pub early: usize,
    pub late: usize,
    /// Share of early starters, `48.3%`.
    pub early_share: String,
}

/// Districts starting in one month, for the exported bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictMonth {
    pub month: Month,
    pub districts: usize,
    /// Whether the month's starts are early (on or before the cutoff).
    pub early: bool,
}

/// What the Start times page shows for one cutoff.
#[derive(Debug, Clone, PartialEq)]
pub struct StartTimesView {
    pub cutoff: NaiveDate,
    pub municipality_months: StartMonths,
    pub regions: Vec<RegionRow>,
    /// Districts in order of their start date.
    pub districts: Vec<DistrictStart>,
    pub early: usize,
    pub late: usize,
    /// `Districts: 17 early, 27 late`.
    pub districts_heading: String,
    /// `District start of integration management (cutoff 2018-02-15)`.
    pub title: String,
    /// Every month from the first to the last district start.
    pub district_months: Vec<DistrictMonth>,
}

impl StartTimesView {
    /// The page for the cutoff in `choices` (the only choice it depends on).
    pub fn build(bundle: &Bundle, choices: &Choices) -> StartTimesView {
        let rules = choices.rules(bundle);
        let districts = start::district_starts(bundle, &rules);
        let months = start::municipality_start_months(bundle, &rules);
        let early = districts.iter().filter(|d| d.early).count();
        let late = districts.len() - early;
        StartTimesView {
            cutoff: choices.cutoff,
            municipality_months: start_months(&months),
            regions: regions(&districts),
            district_months: district_months(&districts),
            early,
            late,
            districts_heading: format!(
                "Districts: {} early, {} late",
                format::count(early),
                format::count(late)
            ),
            title: format!(
                "District start of integration management (cutoff {})",
                choices.cutoff
            ),
            districts,
        }
    }

    /// One row per district: id, name, start date, early or not, grants counted.
    pub fn table(&self) -> TableData {
        TableData {
            title: self.title.clone(),
            header: vec![
                "district_id".into(),
                "name".into(),
                "start".into(),
                "early".into(),
                "grants".into(),
            ],
            rows: self
                .districts
                .iter()
                .map(|s| {
                    vec![
                        Cell::text(&s.district_id),
                        Cell::text(&s.name),
                        Cell::text(s.start.to_string()),
                        Cell::text(if s.early { "yes" } else { "no" }),
                        Cell::int(s.grants as i64),
                    ]
                })
                .collect(),
        }
    }
}

fn start_months(months: &BTreeMap<String, Month>) -> StartMonths {
    let mut counts: BTreeMap<Month, usize> =
        AXIS_FIRST.through(AXIS_LAST).map(|m| (m, 0)).collect();
    let mut outside_axis = 0;
    for m in months.values() {
        match counts.get_mut(m) {
            Some(c) => *c += 1,
            None => outside_axis += 1,
        }
    }
    let total = months.len();
    let mut running = 0usize;
    let bars: Vec<StartMonthBar> = counts
        .iter()
        .map(|(m, n)| {
            running += n;
            StartMonthBar {
                label: format!("{}/{:02}", m.month, m.year % 100),
                municipalities: *n,
                cumulative_share: running as f64 / total.max(1) as f64,
            }
        })
        .collect();
    let half_by = bars
        .iter()
        .find(|b| b.cumulative_share >= 0.5)
        .map(|b| b.label.clone());
    StartMonths {
        heading: format!("Start months (Abb. 4), N = {}", format::count(total)),
        bars,
        total,
        outside_axis,
        half_by,
    }
}

fn regions(districts: &[DistrictStart]) -> Vec<RegionRow> {
    let mut by_region: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for d in districts {
        let entry = by_region
            .entry(d.region.clone().unwrap_or_else(|| "(no region)".into()))
            .or_default();
        if d.early { entry.0 += 1 } else { entry.1 += 1 }
    }
    by_region
        .into_iter()
        .map(|(region, (early, late))| RegionRow {
            region,
            total: early + late,
            early,
            late,
            early_share: format::share_percent(early as f64 / (early + late).max(1) as f64),
        })
        .collect()
}

/// Districts per start month; a month counts as early when its starts are early.
fn district_months(districts: &[DistrictStart]) -> Vec<DistrictMonth> {
    let mut per_month: BTreeMap<Month, (usize, bool)> = BTreeMap::new();
    for s in districts {
        let e = per_month
            .entry(Month::of_date(s.start))
            .or_insert((0, false));
        e.0 += 1;
        e.1 |= s.early;
    }
    match (per_month.keys().next(), per_month.keys().last()) {
        (Some(&first), Some(&last)) => first
            .through(last)
            .map(|month| {
                let (districts, early) = per_month.get(&month).copied().unwrap_or((0, false));
                DistrictMonth {
                    month,
                    districts,
                    early,
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}
