//! Coverage: units lacking the rows an analysis needs, and the manifest's periods against
//! the data. Missing rows are warnings (the derived panels exclude such a unit by a stated
//! rule and list it); a period the data do not contain at all is an error (cli.md: "a month
//! outside the data's range").

use super::collect::Collector;
use super::collect::RowProblem;
use super::collect::{MANIFEST, RowNumbers};
use super::model::Table;
use super::{Bundle, Finding};
use std::collections::{BTreeMap, HashSet};

/// Units lacking the rows an analysis needs: warnings, since the derived panels exclude such
/// a unit by a stated rule and list it.
pub(super) fn coverage(b: &Bundle, r: &RowNumbers, out: &mut Collector) {
    let funded: Vec<&str> = b
        .municipalities
        .iter()
        .filter(|m| m.funded)
        .map(|m| m.municipality_id.as_str())
        .collect();
    if b.has(Table::Municipalities) && b.has(Table::TargetGroup) {
        let p = &b.manifest.periods;
        let waves: HashSet<(&str, chrono::NaiveDate)> = b
            .target_group
            .iter()
            .map(|t| (t.municipality_id.as_str(), t.wave))
            .collect();
        for (label, wave) in [
            ("housing_base", p.housing_base),
            ("housing_end", p.housing_end),
        ] {
            for m in &funded {
                if !waves.contains(&(*m, wave)) {
                    let msg = format!(
                        "funded municipality {m} has no row for the {label} wave {wave}; it counts as missing for housing"
                    );
                    out.row(
                        RowProblem::MissingSurveyWave,
                        Finding::warning("target_group", Some("wave"), None, msg),
                    );
                }
            }
        }
    }
    if b.has(Table::Municipalities) && b.has(Table::Staffing) {
        let staffed: HashSet<&str> = b
            .staffing
            .iter()
            .map(|s| s.municipality_id.as_str())
            .collect();
        for m in funded.iter().filter(|m| !staffed.contains(**m)) {
            let msg = format!(
                "funded municipality {m} has no staffing row; its district has no capacity change"
            );
            out.row(
                RowProblem::MissingStaffingRow,
                Finding::warning("staffing", Some("municipality_id"), None, msg),
            );
        }
        // The framework survey asked funded municipalities only (report section 2).
        let unfunded: HashSet<&str> = b
            .municipalities
            .iter()
            .filter(|m| !m.funded)
            .map(|m| m.municipality_id.as_str())
            .collect();
        for (s, &row) in b.staffing.iter().zip(&r.staffing) {
            if unfunded.contains(s.municipality_id.as_str()) {
                let msg = format!(
                    "municipality {} is marked not funded but has a staffing row; the row is not used",
                    s.municipality_id
                );
                out.warning(
                    RowProblem::StaffingOfUnfunded,
                    "staffing",
                    "municipality_id",
                    row,
                    msg,
                );
            }
        }
    }
    if b.has(Table::Municipalities) && b.has(Table::Grants) {
        let granted: HashSet<&str> = b
            .grants
            .iter()
            .map(|g| g.municipality_id.as_str())
            .collect();
        for m in funded.iter().filter(|m| !granted.contains(**m)) {
            let msg = format!("municipality {m} is marked funded but has no grant");
            out.row(
                RowProblem::FundedWithoutGrant,
                Finding::warning("grants", Some("municipality_id"), None, msg),
            );
        }
        let unfunded: HashSet<&str> = b
            .municipalities
            .iter()
            .filter(|m| !m.funded)
            .map(|m| m.municipality_id.as_str())
            .collect();
        for m in granted.iter().filter(|m| unfunded.contains(**m)) {
            let msg = format!("municipality {m} has grants but is marked not funded");
            out.row(
                RowProblem::GrantWithoutFunding,
                Finding::warning("municipalities", Some("funded"), None, msg),
            );
        }
    }
    if b.has(Table::Districts) {
        for (table, present) in [
            (
                Table::Employment,
                b.employment
                    .iter()
                    .map(|e| e.district_id.as_str())
                    .collect::<HashSet<_>>(),
            ),
            (
                Table::Population,
                b.population
                    .iter()
                    .map(|p| p.district_id.as_str())
                    .collect(),
            ),
        ] {
            if !b.has(table) {
                continue;
            }
            for d in b
                .districts
                .iter()
                .filter(|d| !present.contains(d.district_id.as_str()))
            {
                let msg = format!(
                    "district {} ({}) has no rows; it has no employment rate",
                    d.district_id, d.name
                );
                out.row(
                    RowProblem::DistrictWithoutRows,
                    Finding::warning(table.name(), Some("district_id"), None, msg),
                );
            }
        }
    }
}

/// The manifest's periods must lie inside the data (cli.md: "a month outside the data's
/// range" is an error), and every district should have both employment months.
pub(super) fn periods(b: &Bundle, out: &mut Collector) {
    let p = &b.manifest.periods;
    if b.has(Table::Employment) && !b.employment.is_empty() {
        let first = b.employment.iter().map(|e| e.month).min();
        let last = b.employment.iter().map(|e| e.month).max();
        if let (Some(first), Some(last)) = (first, last) {
            for (label, month) in [
                ("employment_base", p.employment_base),
                ("employment_end", p.employment_end),
            ] {
                if month < first || month > last {
                    let msg = format!(
                        "{label} {month} is outside the employment data ({first} to {last})"
                    );
                    out.push(Finding::error(
                        MANIFEST,
                        Some(format!("periods.{label}").as_str()),
                        None,
                        msg,
                    ));
                }
            }
            let months: HashSet<(&str, crate::core::period::Month)> = b
                .employment
                .iter()
                .map(|e| (e.district_id.as_str(), e.month))
                .collect();
            let with_rows: HashSet<&str> = months.iter().map(|(id, _)| *id).collect();
            for d in b
                .districts
                .iter()
                .filter(|d| with_rows.contains(d.district_id.as_str()))
            {
                for (label, month) in [
                    ("employment_base", p.employment_base),
                    ("employment_end", p.employment_end),
                ] {
                    let present = months.contains(&(d.district_id.as_str(), month));
                    if !present && month >= first && month <= last {
                        let msg = format!(
                            "district {} has no row for {label} {month}; it has no employment outcome",
                            d.district_id
                        );
                        out.row(
                            RowProblem::MissingPeriodMonth,
                            Finding::warning("employment", Some("month"), None, msg),
                        );
                    }
                }
            }
            gaps(b, out);
        }
    }
    if b.has(Table::TargetGroup) && !b.target_group.is_empty() {
        for (label, wave) in [
            ("housing_base", p.housing_base),
            ("housing_end", p.housing_end),
        ] {
            if !b.target_group.iter().any(|t| t.wave == wave) {
                let msg = format!(
                    "{label} {wave} is not a wave of target_group; the housing outcome cannot be computed"
                );
                out.push(Finding::error(
                    MANIFEST,
                    Some(format!("periods.{label}").as_str()),
                    None,
                    msg,
                ));
            }
        }
        let mut other: BTreeMap<chrono::NaiveDate, usize> = BTreeMap::new();
        for t in b
            .target_group
            .iter()
            .filter(|t| t.wave != p.housing_base && t.wave != p.housing_end)
        {
            *other.entry(t.wave).or_insert(0) += 1;
        }
        for (wave, n) in other {
            let msg = format!(
                "{n} rows of wave {wave}, which bundle.toml does not name as housing_base or housing_end; they are not used"
            );
            out.push(Finding::warning("target_group", Some("wave"), None, msg));
        }
    }
}

/// Months missing inside a district's employment series (the trend lines would jump).
fn gaps(b: &Bundle, out: &mut Collector) {
    let mut by_district: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for e in &b.employment {
        by_district
            .entry(&e.district_id)
            .or_default()
            .push(e.month.index());
    }
    for (district, mut months) in by_district {
        months.sort_unstable();
        months.dedup();
        let (Some(&first), Some(&last)) = (months.first(), months.last()) else {
            continue;
        };
        let missing = (last - first + 1) as usize - months.len();
        if missing > 0 {
            let set: HashSet<i32> = months.iter().copied().collect();
            let gap = (first..=last)
                .find(|m| !set.contains(m))
                .map(crate::core::period::Month::from_index);
            let (from, to) = (
                crate::core::period::Month::from_index(first),
                crate::core::period::Month::from_index(last),
            );
            let first_gap = gap.map(|g| g.to_string()).unwrap_or_default();
            let msg = format!(
                "district {district} lacks {missing} months between {from} and {to} (the first is {first_gap})"
            );
            out.row(
                RowProblem::MonthsMissing,
                Finding::warning("employment", Some("month"), None, msg),
            );
        }
    }
}
