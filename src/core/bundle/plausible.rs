//! Impossible values and implausible dates, row by row (cli.md, "Exit status": a negative
//! count or FTE, employed > persons, a date outside the possible period are errors).
//!
//! Rows stay in the tables as delivered: derived quantities never guess a correction
//! (bundle-format.md, "Reading rules"); `check` names each row so the owner can fix it.

use super::activity_days::ABSENT;
use super::collect::Collector;
use super::collect::RowNumbers;
use super::collect::RowProblem;
use super::model::Table;
use super::{Bundle, Finding};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap, HashSet};

/// IM funding reached back to January 2017 at the earliest (retroactive funding, report
/// section 3); a grant or working day before that is a typo, not programme data.
fn programme_earliest() -> NaiveDate {
    NaiveDate::from_ymd_opt(2017, 1, 1).unwrap_or_default()
}

const IMPOSSIBLE: RowProblem = RowProblem::ImpossibleValue;
const IMPLAUSIBLE_DATE: RowProblem = RowProblem::DateOutsideThePossiblePeriod;

/// A date that cannot be programme data: before the programme or after today (data cannot
/// record days that have not happened yet).
fn date_window(
    out: &mut Collector,
    table: &str,
    column: &str,
    row: usize,
    date: NaiveDate,
    today: NaiveDate,
) {
    if date < programme_earliest() {
        let msg = format!("{date} is before IM funding could begin (January 2017); a typo?");
        out.error(IMPLAUSIBLE_DATE, table, column, row, msg);
    } else if date > today {
        out.error(
            IMPLAUSIBLE_DATE,
            table,
            column,
            row,
            format!("{date} lies in the future"),
        );
    }
}

fn negative(
    out: &mut Collector,
    table: &str,
    column: &str,
    row: usize,
    value: Option<f64>,
    what: &str,
) {
    if let Some(v) = value.filter(|v| *v < 0.0) {
        out.error(
            IMPOSSIBLE,
            table,
            column,
            row,
            format!("negative {what}: {v}"),
        );
    }
}

/// Official codes (AGS): districts have 5 digits, municipalities 8, and a municipality's
/// code begins with its district's. A shorter code usually lost its leading zero in a
/// spreadsheet; joins still work if every table lost it, so this is a warning.
fn id_shape(out: &mut Collector, table: &str, column: &str, row: usize, id: &str, digits: usize) {
    if id.len() != digits || !id.bytes().all(|c| c.is_ascii_digit()) {
        let msg = format!(
            "{} is not an official code (AGS) of {digits} digits; a lost leading zero?",
            super::finding::echo(id)
        );
        out.warning(RowProblem::IdFormat, table, column, row, msg);
    }
}

pub(super) fn values(b: &Bundle, r: &RowNumbers, out: &mut Collector) {
    let today = chrono::Utc::now().date_naive();
    units(b, r, out);
    for (g, &row) in b.grants.iter().zip(&r.grants) {
        date_window(out, "grants", "issued", row, g.issued, today);
        date_window(out, "grants", "start", row, g.start, today);
        negative(out, "grants", "fte", row, Some(g.fte), "FTE");
        if g.fte == 0.0 {
            out.warning(
                RowProblem::ZeroFTE,
                "grants",
                "fte",
                row,
                "the grant funds 0 FTE".into(),
            );
        }
        // A start before the grant was issued is not flagged: retroactive funding from
        // January 2017 is documented (report section 3).
    }
    for (s, &row) in b.staffing.iter().zip(&r.staffing) {
        negative(out, "staffing", "fte_before", row, s.fte_before, "FTE");
        negative(out, "staffing", "fte_after", row, s.fte_after, "FTE");
        if s.nobody_before == Some(true) && s.fte_before.is_some_and(|f| f > 0.0) {
            let msg = format!(
                "nobody_before is true but fte_before is {}",
                s.fte_before.unwrap_or_default()
            );
            out.warning(
                RowProblem::Contradiction,
                "staffing",
                "nobody_before",
                row,
                msg,
            );
        }
    }
    target_group(b, r, out, today);
    employment(b, r, out, today);
    activity(b, r, out, today);
    for (s, &row) in b.manager_survey.iter().zip(&r.manager_survey) {
        negative(
            out,
            "manager_survey",
            "clients",
            row,
            s.clients.map(|c| c as f64),
            "number of clients",
        );
        let hours = [
            ("hours_open_office", s.hours_open_office),
            ("hours_appointments", s.hours_appointments),
            ("hours_outreach", s.hours_outreach),
            ("hours_documentation", s.hours_documentation),
        ];
        for (col, h) in hours {
            negative(out, "manager_survey", col, row, h, "hours");
        }
        // A week has 168 hours.
        let total: f64 = hours
            .iter()
            .filter_map(|(_, h)| *h)
            .filter(|h| *h > 0.0)
            .sum();
        if total > 168.0 {
            let msg = format!(
                "the four hours columns add up to {total} hours in a week, more than a week has (168)"
            );
            out.row(
                IMPOSSIBLE,
                Finding::error("manager_survey", None, Some(row), msg),
            );
        }
    }
}

fn units(b: &Bundle, r: &RowNumbers, out: &mut Collector) {
    let mut state_of: HashMap<&str, &str> = HashMap::new();
    for (d, &row) in b.districts.iter().zip(&r.districts) {
        id_shape(out, "districts", "district_id", row, &d.district_id, 5);
        negative(
            out,
            "districts",
            "population",
            row,
            Some(d.population as f64),
            "population",
        );
        if !["BW", "BY", "HE", "RP"].contains(&d.state.as_str()) {
            let msg = format!(
                "unknown state {} (format 1 knows BW, BY, HE, RP); the district counts as a non-BW comparison unit",
                super::finding::echo(&d.state)
            );
            out.warning(RowProblem::UnknownState, "districts", "state", row, msg);
        }
        // The first row of a duplicated id counts, as everywhere else in `check`.
        state_of.entry(&d.district_id).or_insert(&d.state);
    }
    let mut alliance_districts: BTreeMap<&str, (usize, HashSet<&str>)> = BTreeMap::new();
    for (m, &row) in b.municipalities.iter().zip(&r.municipalities) {
        id_shape(
            out,
            "municipalities",
            "municipality_id",
            row,
            &m.municipality_id,
            8,
        );
        negative(
            out,
            "municipalities",
            "refugees_2017",
            row,
            m.refugees_2017.map(|v| v as f64),
            "number of refugees",
        );
        if !m.municipality_id.starts_with(&m.district_id) {
            let msg = format!(
                "municipality {} does not begin with its district_id {} (official codes nest)",
                m.municipality_id, m.district_id
            );
            out.warning(
                RowProblem::CodeMismatch,
                "municipalities",
                "district_id",
                row,
                msg,
            );
        }
        if let Some(state) = state_of.get(m.district_id.as_str()).filter(|s| **s != "BW") {
            let msg = format!(
                "municipality {} lies in district {} of state {state}; municipalities are BW only",
                m.municipality_id, m.district_id
            );
            out.warning(
                RowProblem::NonBWMunicipality,
                "municipalities",
                "district_id",
                row,
                msg,
            );
        }
        alliance_districts
            .entry(&m.alliance_id)
            .or_insert((row, HashSet::new()))
            .1
            .insert(&m.district_id);
    }
    // Application alliances never cross district borders (report section 1).
    for (alliance, (row, districts)) in alliance_districts
        .into_iter()
        .filter(|(_, (_, d))| d.len() > 1)
    {
        let mut ds: Vec<&str> = districts.into_iter().collect();
        ds.sort_unstable();
        let msg = format!(
            "alliance {alliance} spans several districts ({}); alliances never cross district borders",
            ds.join(", ")
        );
        out.warning(
            RowProblem::AllianceAcrossDistricts,
            "municipalities",
            "alliance_id",
            row,
            msg,
        );
    }
    if b.has(Table::Districts) && b.has(Table::Municipalities) {
        let with_municipalities: HashSet<&str> = b
            .municipalities
            .iter()
            .map(|m| m.district_id.as_str())
            .collect();
        for (d, &row) in b
            .districts
            .iter()
            .zip(&r.districts)
            .filter(|(d, _)| d.state == "BW")
        {
            if !with_municipalities.contains(d.district_id.as_str()) {
                let msg = format!(
                    "BW district {} has no municipalities; it has no grants, start date or survey measures",
                    d.district_id
                );
                out.warning(
                    RowProblem::BWDistrictWithoutMunicipalities,
                    "districts",
                    "district_id",
                    row,
                    msg,
                );
            }
        }
    }
}

fn target_group(b: &Bundle, r: &RowNumbers, out: &mut Collector, today: NaiveDate) {
    for (t, &row) in b.target_group.iter().zip(&r.target_group) {
        if t.wave > today {
            out.error(
                IMPLAUSIBLE_DATE,
                "target_group",
                "wave",
                row,
                format!("survey wave {} lies in the future", t.wave),
            );
        }
        let counts = [
            ("target_persons", t.target_persons),
            ("housing_decentral", t.housing_decentral),
            ("housing_shared", t.housing_shared),
            ("housing_unknown", t.housing_unknown),
            ("with_plan", t.with_plan),
        ];
        for (col, v) in counts {
            negative(
                out,
                "target_group",
                col,
                row,
                v.map(|v| v as f64),
                "number of persons",
            );
        }
        let Some(target) = t.target_persons else {
            continue;
        };
        // The housing parts split the target group, so together they cannot exceed it.
        let parts: i64 = [t.housing_decentral, t.housing_shared, t.housing_unknown]
            .iter()
            .flatten()
            .filter(|v| **v > 0)
            .fold(0i64, |sum, v| sum.saturating_add(*v));
        if parts > target {
            let msg = format!(
                "housing parts add up to {parts} persons, more than the {target} target persons"
            );
            out.error(IMPOSSIBLE, "target_group", "target_persons", row, msg);
        }
        if let Some(plan) = t.with_plan.filter(|p| *p > target) {
            out.error(
                IMPOSSIBLE,
                "target_group",
                "with_plan",
                row,
                format!("{plan} persons with a plan, more than the {target} target persons"),
            );
        }
    }
}

/// Employment counts against themselves and against the interpolated population
/// (bundle-format.md, "Derived quantities": month m of year y has
/// P(y−1) + (P(y) − P(y−1)) × m / 12 persons; December is the year-end figure).
fn employment(b: &Bundle, r: &RowNumbers, out: &mut Collector, today: NaiveDate) {
    let this_year = chrono::Datelike::year(&today);
    let mut persons: HashMap<(&str, i32), i64> = HashMap::new();
    for (p, &row) in b.population.iter().zip(&r.population) {
        negative(
            out,
            "population",
            "persons_15_64",
            row,
            Some(p.persons_15_64 as f64),
            "number of persons",
        );
        if p.persons_15_64 == 0 {
            out.warning(
                RowProblem::ZeroPersons,
                "population",
                "persons_15_64",
                row,
                "0 persons: employment rates of this year are undefined".into(),
            );
        }
        if p.year > this_year || p.year < 1950 {
            out.error(
                IMPOSSIBLE,
                "population",
                "year",
                row,
                format!("year {} is not a possible year-end of the register", p.year),
            );
        }
        persons
            .entry((&p.district_id, p.year))
            .or_insert(p.persons_15_64);
    }
    let with_population: HashSet<&str> = b
        .population
        .iter()
        .map(|p| p.district_id.as_str())
        .collect();
    let check_persons = b.has(Table::Population);
    for (e, &row) in b.employment.iter().zip(&r.employment) {
        if e.employed_total < 0 {
            out.error(
                IMPOSSIBLE,
                "employment",
                "employed_total",
                row,
                format!("negative number employed: {}", e.employed_total),
            );
        }
        if e.employed_sv < 0 {
            out.error(
                IMPOSSIBLE,
                "employment",
                "employed_sv",
                row,
                format!("negative number employed: {}", e.employed_sv),
            );
        }
        if e.employed_sv > e.employed_total {
            let msg = format!(
                "employed_sv {} exceeds employed_total {} (social-security employment is part of the total)",
                e.employed_sv, e.employed_total
            );
            out.error(IMPOSSIBLE, "employment", "employed_sv", row, msg);
        }
        if e.month.first_day() > today {
            out.error(
                IMPLAUSIBLE_DATE,
                "employment",
                "month",
                row,
                format!("month {} lies in the future", e.month),
            );
        }
        // A district without any population row is reported once, in validate's coverage.
        if !check_persons || !with_population.contains(e.district_id.as_str()) {
            continue;
        }
        let (y, m) = (e.month.year, e.month.month);
        let end = persons.get(&(e.district_id.as_str(), y)).copied();
        let start = if m == 12 {
            end
        } else {
            persons.get(&(e.district_id.as_str(), y - 1)).copied()
        };
        let (Some(p0), Some(p1)) = (start, end) else {
            let need = if m == 12 {
                format!("{y}")
            } else {
                format!("{} and {y}", y - 1)
            };
            let msg = format!(
                "month {} is outside the population data: its persons need the year-end figures {need} of district {}",
                e.month, e.district_id
            );
            out.error(
                RowProblem::MonthOutsidePopulationCoverage,
                "employment",
                "month",
                row,
                msg,
            );
            continue;
        };
        let interpolated = p0 as f64 + (p1 as f64 - p0 as f64) * f64::from(m) / 12.0;
        if e.employed_total as f64 > interpolated {
            let msg = format!(
                "employed_total {} exceeds the {interpolated:.0} persons aged 15–64 interpolated for {}",
                e.employed_total, e.month
            );
            out.error(IMPOSSIBLE, "employment", "employed_total", row, msg);
        }
    }
}

fn activity(b: &Bundle, r: &RowNumbers, out: &mut Collector, today: NaiveDate) {
    let alliance_of: HashMap<&str, &str> = b
        .municipalities
        .iter()
        .map(|m| (m.municipality_id.as_str(), m.alliance_id.as_str()))
        .collect();
    let mut mismatched: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let earliest = programme_earliest();
    let days = &b.activity;
    let mut last_matching: Option<(u32, u32)> = None;
    // Read from the compact columns, a column at a time where it can be: a state's
    // delivery has tens of millions of days. A stored count below zero is a negative one,
    // one outside i32 or an absent one; the rows with one of the first two are looked at.
    let mut negative: Vec<usize> = (days.counts.iter())
        .flat_map(|c| c.iter().enumerate())
        .filter(|&(_, &c)| c < 0 && c != ABSENT)
        .map(|(i, _)| i)
        .collect();
    negative.sort_unstable();
    negative.dedup();
    let mut negative = negative.into_iter().peekable();
    for (i, &row) in r.activity.iter().take(days.len()).enumerate() {
        let row = row as usize;
        let date = days.date[i];
        if date < earliest || date > today {
            date_window(out, "activity", "date", row, date, today);
        }
        if negative.next_if_eq(&i).is_some() {
            for (k, topic) in super::Topic::ALL.into_iter().enumerate() {
                let talks = days.count(i, k).unwrap_or_default();
                if talks < 0 {
                    out.error(
                        IMPOSSIBLE,
                        "activity",
                        topic.column(),
                        row,
                        format!("negative number of talks: {talks}"),
                    );
                }
            }
            let places = ["talks_office", "talks_onsite", "talks_accompanying"];
            for (k, col) in places.into_iter().enumerate() {
                if let Some(v) = days.count(i, 8 + k).filter(|v| *v < 0) {
                    out.error(
                        IMPOSSIBLE,
                        "activity",
                        col,
                        row,
                        format!("negative number of talks: {v}"),
                    );
                }
            }
        }
        // Rows of one IM come together, so the previous row's answer usually holds.
        let ids = (days.municipality[i], days.alliance[i]);
        if last_matching == Some(ids) {
            continue;
        }
        let pair = (days.ids.name(ids.0), days.ids.name(ids.1));
        match alliance_of.get(pair.0) {
            Some(own) if *own == pair.1 => last_matching = Some(ids),
            Some(_) => {
                last_matching = None;
                mismatched.entry(pair).or_insert((row, 0)).1 += 1;
            }
            None => last_matching = None,
        }
    }
    for ((municipality, alliance), (row, n)) in mismatched {
        let own = alliance_of.get(municipality).copied().unwrap_or_default();
        let msg = format!(
            "{n} row(s) of alliance {alliance} report under municipality {municipality}, which belongs to alliance {own}; their talks count for that municipality's district"
        );
        out.row(
            RowProblem::AllianceMismatch,
            Finding::warning("activity", Some("alliance_id"), Some(row), msg),
        );
    }
}
