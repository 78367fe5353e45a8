//! Staffing of refugee counselling before and after IM (report 3, Tab. 5, Abb. 6 and
//! Abb. 43): what the dashboard's staffing page shows, computed without any terminal code.

use super::{Measures, UnitMeasure, capacity};
use crate::core::bundle::Bundle;
use serde::Serialize;
use std::collections::HashMap;

/// Direction of a funded municipality's change in counselling FTE (rows of Tab. 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaffingChange {
    Decrease,
    NoChange,
    Increase,
    /// No staffing row, or `fte_before` / `fte_after` missing.
    NoAnswer,
}

impl StaffingChange {
    /// The rows of Tab. 5, in the report's order.
    pub const ALL: [StaffingChange; 4] = [
        StaffingChange::Decrease,
        StaffingChange::NoChange,
        StaffingChange::Increase,
        StaffingChange::NoAnswer,
    ];

    /// Row label as people read it.
    pub fn label(self) -> &'static str {
        match self {
            StaffingChange::Decrease => "Decrease",
            StaffingChange::NoChange => "No change",
            StaffingChange::Increase => "Increase",
            StaffingChange::NoAnswer => "No answer",
        }
    }
}

/// One row of Tab. 5.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingRow {
    pub change: StaffingChange,
    pub municipalities: usize,
    /// Share of all funded municipalities, 0–1.
    pub share: f64,
    /// Share weighted by refugees on 15 Sep 2017 (`refugees_2017`), 0–1.
    pub refugee_weighted_share: f64,
}

/// Tab. 5: funded municipalities by direction of the FTE change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StaffingTable {
    pub rows: Vec<StaffingRow>,
    /// Funded municipalities (the table's total).
    pub total: usize,
    /// Funded municipalities without `refugees_2017`; they count in the plain shares and get
    /// weight 0 in the refugee-weighted ones.
    pub without_refugee_count: usize,
}

/// Classifies every funded municipality by its FTE change (report Tab. 5).
pub fn staffing_table(bundle: &Bundle) -> StaffingTable {
    let survey: HashMap<&str, (Option<f64>, Option<f64>)> = bundle
        .staffing
        .iter()
        .map(|s| (s.municipality_id.as_str(), (s.fte_before, s.fte_after)))
        .collect();
    let mut counts: HashMap<StaffingChange, (usize, f64)> = HashMap::new();
    let (mut total, mut total_refugees, mut without_refugee_count) = (0usize, 0.0f64, 0usize);
    for m in bundle.municipalities.iter().filter(|m| m.funded) {
        let change = match survey.get(m.municipality_id.as_str()) {
            Some((Some(before), Some(after))) => classify(after - before),
            _ => StaffingChange::NoAnswer,
        };
        let refugees = match m.refugees_2017 {
            Some(r) => r as f64,
            None => {
                without_refugee_count += 1;
                0.0
            }
        };
        let entry = counts.entry(change).or_default();
        entry.0 += 1;
        entry.1 += refugees;
        total += 1;
        total_refugees += refugees;
    }
    let rows = StaffingChange::ALL
        .into_iter()
        .map(|change| {
            let (n, refugees) = counts.get(&change).copied().unwrap_or_default();
            StaffingRow {
                change,
                municipalities: n,
                share: ratio(n as f64, total as f64),
                refugee_weighted_share: ratio(refugees, total_refugees),
            }
        })
        .collect();
    StaffingTable {
        rows,
        total,
        without_refugee_count,
    }
}

/// FTE are reported to two decimals; a change smaller than half a hundredth is no change.
fn classify(delta: f64) -> StaffingChange {
    if delta > 0.005 {
        StaffingChange::Increase
    } else if delta < -0.005 {
        StaffingChange::Decrease
    } else {
        StaffingChange::NoChange
    }
}

fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 { part / whole } else { 0.0 }
}

/// One bin of a histogram: `low <= value < high`; the outer bins are open-ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: usize,
    /// Whether this is the first bin, which also holds every value below `low`.
    pub open_below: bool,
    /// Whether this is the last bin, which also holds every value at or above `high`.
    pub open_above: bool,
}

/// Counts `values` in bins of `width` from `low` to `high`; values outside fall into the
/// outer bins, so no municipality disappears from Abb. 6 because of an extreme change.
pub fn histogram(values: &[f64], low: f64, high: f64, width: f64) -> Vec<Bin> {
    // NaN bounds fail these comparisons too.
    let usable = width > 0.0 && high > low;
    if !usable {
        return Vec::new();
    }
    let n_bins = ((high - low) / width).ceil() as usize;
    let mut bins: Vec<Bin> = (0..n_bins)
        .map(|i| Bin {
            low: low + width * i as f64,
            high: (low + width * (i + 1) as f64).min(high),
            count: 0,
            open_below: i == 0,
            open_above: i + 1 == n_bins,
        })
        .collect();
    for &v in values.iter().filter(|v| v.is_finite()) {
        // Small epsilon so that 0.3 lands in [0.3, 0.4) despite binary rounding.
        let i = ((v - low) / width + 1e-9).floor();
        let i = if i < 0.0 {
            0
        } else {
            (i as usize).min(n_bins - 1)
        };
        bins[i].count += 1;
    }
    bins
}

/// Change in paid refugee-counselling FTE per funded municipality reporting both values
/// (Abb. 6, N = 995 in the report).
pub fn fte_change_per_municipality(bundle: &Bundle) -> Measures {
    capacity::municipality_fte_change(bundle)
}

/// Abb. 43: districts' capacity change per 100 target persons, sorted ascending, with the
/// median that splits them into stronger and weaker expansion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapacitySplit {
    /// (district, stronger expansion = value strictly above the median), ascending by value.
    pub districts: Vec<(UnitMeasure, bool)>,
    pub median: Option<f64>,
    pub excluded: Vec<super::Exclusion>,
}

/// Sorts a district measure and marks the units strictly above its unweighted median
/// (bundle-format.md, "Median splits").
pub fn median_split(measures: Measures) -> CapacitySplit {
    let mut values = measures.values;
    values.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then_with(|| a.unit_id.cmp(&b.unit_id))
    });
    let median = median(&values.iter().map(|v| v.value).collect::<Vec<_>>());
    let districts = values
        .into_iter()
        .map(|v| {
            let above = median.is_some_and(|m| v.value > m);
            (v, above)
        })
        .collect();
    CapacitySplit {
        districts,
        median,
        excluded: measures.excluded,
    }
}

/// Capacity change per district (comparison 3) with its median split (Abb. 43).
pub fn district_capacity_split(bundle: &Bundle) -> CapacitySplit {
    median_split(capacity::district_capacity_change(bundle))
}

/// Unweighted median of already sorted values.
fn median(sorted: &[f64]) -> Option<f64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::bundle::{Municipality, Staffing};

    fn unit(id: &str, value: f64) -> UnitMeasure {
        UnitMeasure {
            unit_id: id.into(),
            name: id.into(),
            value,
        }
    }

    #[test]
    fn histogram_keeps_outliers_in_the_outer_bins() {
        let bins = histogram(&[-3.0, -0.1, 0.0, 0.3, 0.49, 0.5, 9.0], -0.5, 1.0, 0.5);
        let counts: Vec<usize> = bins.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![2, 3, 2]);
        assert!(bins[0].open_below && bins[2].open_above);
        assert_eq!(bins.iter().map(|b| b.count).sum::<usize>(), 7);
    }

    #[test]
    fn histogram_rejects_degenerate_ranges() {
        assert!(histogram(&[1.0], 1.0, 1.0, 0.5).is_empty());
        assert!(histogram(&[1.0], 0.0, 1.0, 0.0).is_empty());
    }

    #[test]
    fn median_split_marks_strictly_above() {
        let m = Measures {
            values: vec![
                unit("c", 3.0),
                unit("a", 1.0),
                unit("b", 2.0),
                unit("d", 2.0),
            ],
            excluded: vec![],
        };
        let split = median_split(m);
        assert_eq!(split.median, Some(2.0));
        let flags: Vec<(&str, bool)> = split
            .districts
            .iter()
            .map(|(u, t)| (u.unit_id.as_str(), *t))
            .collect();
        assert_eq!(
            flags,
            vec![("a", false), ("b", false), ("d", false), ("c", true)]
        );
    }

    fn bundle() -> Bundle {
        let manifest = toml::from_str(
            r#"
            [bundle]
            format = 1
            name = "t"
            [periods]
            employment_base = "2017-12"
            employment_end = "2019-09"
            housing_base = "2018-12-15"
            housing_end = "2020-01-31"
            topics_until = "2019-06-30"
            [rules]
            start_share = 0.5
            grants_issued_by = "2018-09-30"
            early_cutoff = "2018-02-15"
            housing_max_missing = 0.4
            "#,
        )
        .unwrap();
        let municipality = |id: &str, funded: bool, refugees: Option<i64>| Municipality {
            municipality_id: id.into(),
            name: id.into(),
            district_id: "08111".into(),
            alliance_id: "A".into(),
            funded,
            refugees_2017: refugees,
            organisation: None,
            controls: Default::default(),
        };
        let staffing = |id: &str, before: Option<f64>, after: Option<f64>| Staffing {
            municipality_id: id.into(),
            fte_before: before,
            fte_after: after,
            nobody_before: None,
        };
        Bundle {
            dir: "t".into(),
            manifest,
            districts: vec![],
            municipalities: vec![
                municipality("1", true, Some(100)),
                municipality("2", true, Some(300)),
                municipality("3", true, None),
                municipality("4", true, Some(100)),
                municipality("5", false, Some(1000)),
            ],
            grants: vec![],
            staffing: vec![
                staffing("1", Some(1.0), Some(0.5)),
                staffing("2", Some(0.0), Some(0.5)),
                staffing("3", Some(1.0), Some(1.0)),
                staffing("4", None, Some(1.0)),
                staffing("5", Some(0.0), Some(9.0)),
            ],
            target_group: vec![],
            employment: vec![],
            population: vec![],
            activity: Default::default(),
            manager_survey: vec![],
            activity_cleaning: Default::default(),
            sources: Default::default(),
            unreadable: Default::default(),
            findings: Default::default(),
        }
    }

    #[test]
    fn tab5_counts_funded_municipalities_and_weights_by_refugees() {
        let table = staffing_table(&bundle());
        assert_eq!(table.total, 4, "the unfunded municipality is not in Tab. 5");
        assert_eq!(table.without_refugee_count, 1);
        let row = |c: StaffingChange| table.rows.iter().find(|r| r.change == c).unwrap().clone();
        assert_eq!(row(StaffingChange::Decrease).municipalities, 1);
        assert_eq!(row(StaffingChange::Increase).municipalities, 1);
        assert_eq!(row(StaffingChange::NoChange).municipalities, 1);
        assert_eq!(row(StaffingChange::NoAnswer).municipalities, 1);
        assert_eq!(row(StaffingChange::Increase).share, 0.25);
        // Refugees: decrease 100, increase 300, no change none (weight 0), no answer 100.
        assert!((row(StaffingChange::Increase).refugee_weighted_share - 0.6).abs() < 1e-12);
        assert_eq!(row(StaffingChange::NoChange).refugee_weighted_share, 0.0);
        let shares: f64 = table.rows.iter().map(|r| r.refugee_weighted_share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }

    #[test]
    fn tiny_changes_count_as_no_change() {
        assert_eq!(classify(0.001), StaffingChange::NoChange);
        assert_eq!(classify(0.25), StaffingChange::Increase);
        assert_eq!(classify(-0.5), StaffingChange::Decrease);
    }
}
