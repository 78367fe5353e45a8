//! Reading each table of format 1 into its typed rows (bundle-format.md, "Tables").
//!
//! A row whose required field cannot be read is left out (the reader reported why); every
//! other row is kept as delivered. Each function returns the rows with their data-row
//! numbers in the file (1-based, header excluded), so that validation can name them.

use super::Finding;
use super::collect::RowProblem;
use super::columns::TableReader;
use super::manifest::{ControlSpec, Level};
use super::model::*;
use crate::core::period::Month;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Typed rows and the file row each came from.
pub(super) type Rows<T> = (Vec<T>, Vec<usize>);

fn control_columns(controls: &[ControlSpec], level: Level) -> Vec<&str> {
    let mut cols: Vec<&str> = controls
        .iter()
        .filter(|c| c.level == level)
        .map(|c| c.column.as_str())
        .collect();
    cols.dedup();
    cols
}

fn read_controls(r: &mut TableReader, cols: &[&str]) -> Vec<(String, Vec<Option<f64>>)> {
    cols.iter()
        .map(|col| {
            if r.has_column(col) {
                (col.to_string(), r.control(col))
            } else if let Some(why) = r.skipped_type(col) {
                let msg = format!("control {why}; it counts as missing for every unit");
                r.out.push(Finding::error(r.table.name(), Some(col), None, msg));
                (col.to_string(), vec![None; r.height])
            } else {
                let msg = format!("control column '{col}' is declared in bundle.toml [[controls]] but missing from this table; it counts as missing for every unit");
                r.out.push(Finding::error(r.table.name(), Some(col), None, msg));
                (col.to_string(), vec![None; r.height])
            }
        })
        .collect()
}

fn controls_at(values: &[(String, Vec<Option<f64>>)], i: usize) -> BTreeMap<String, Option<f64>> {
    values.iter().map(|(c, v)| (c.clone(), v[i])).collect()
}

pub(super) fn districts(r: &mut TableReader, controls: &[ControlSpec]) -> Rows<District> {
    r.require_columns(
        &["district_id", "name", "state", "urban", "population"],
        &["region"],
    );
    let id = r.req_text("district_id");
    let name = r.req_text("name");
    let state = r.req_text("state");
    let region = r.opt_text("region");
    let urban = r.req::<bool>("urban");
    let population = r.req::<i64>("population");
    // Optional: a bundle without the column is valid (the spillover check then says why it
    // cannot run).
    let borders_bw = if r.has_column("borders_bw") {
        r.opt::<bool>("borders_bw")
    } else {
        vec![None; r.height]
    };
    let ctl = read_controls(r, &control_columns(controls, Level::District));
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(id), Some(name), Some(state), Some(urban), Some(population)) =
            (id[i], name[i], state[i], urban[i], population[i])
        else {
            continue;
        };
        rows.0.push(District {
            district_id: id.to_string(),
            name: name.to_string(),
            state: state.to_string(),
            region: region[i].map(str::to_string),
            urban,
            population,
            borders_bw: borders_bw[i],
            controls: controls_at(&ctl, i),
        });
        rows.1.push(i + 1);
    }
    rows
}

pub(super) fn municipalities(r: &mut TableReader, controls: &[ControlSpec]) -> Rows<Municipality> {
    r.require_columns(
        &[
            "municipality_id",
            "name",
            "district_id",
            "alliance_id",
            "funded",
        ],
        &["refugees_2017", "organisation"],
    );
    let id = r.req_text("municipality_id");
    let name = r.req_text("name");
    let district = r.req_text("district_id");
    let alliance = r.req_text("alliance_id");
    let funded = r.req::<bool>("funded");
    let refugees = r.opt::<i64>("refugees_2017");
    let organisation = r.opt_text("organisation");
    let ctl = read_controls(r, &control_columns(controls, Level::Municipality));
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(id), Some(name), Some(district), Some(alliance), Some(funded)) =
            (id[i], name[i], district[i], alliance[i], funded[i])
        else {
            continue;
        };
        // An unknown organisation is a warning: the value counts as missing (Abb. 9 knows
        // four forms), but nothing else about the municipality is wrong.
        let org = organisation[i].and_then(|o| {
            let parsed = Organisation::parse(o);
            if parsed.is_none() {
                let msg = format!("unknown organisation {} (expected district_office, municipal, external_municipal or external_district); counts as missing", super::finding::echo(o));
                r.out.warning(RowProblem::UnknownOrganisation, "municipalities", "organisation", i + 1, msg);
            }
            parsed
        });
        rows.0.push(Municipality {
            municipality_id: id.to_string(),
            name: name.to_string(),
            district_id: district.to_string(),
            alliance_id: alliance.to_string(),
            funded,
            refugees_2017: refugees[i],
            organisation: org,
            controls: controls_at(&ctl, i),
        });
        rows.1.push(i + 1);
    }
    rows
}

pub(super) fn grants(r: &mut TableReader) -> Rows<Grant> {
    r.require_columns(
        &["grant_id", "municipality_id", "issued", "start", "fte"],
        &[],
    );
    let id = r.req_text("grant_id");
    let municipality = r.req_text("municipality_id");
    let issued = r.req::<NaiveDate>("issued");
    let start = r.req::<NaiveDate>("start");
    let fte = r.req::<f64>("fte");
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(id), Some(m), Some(issued), Some(start), Some(fte)) =
            (id[i], municipality[i], issued[i], start[i], fte[i])
        else {
            continue;
        };
        rows.0.push(Grant {
            grant_id: id.to_string(),
            municipality_id: m.to_string(),
            issued,
            start,
            fte,
        });
        rows.1.push(i + 1);
    }
    rows
}

pub(super) fn staffing(r: &mut TableReader) -> Rows<Staffing> {
    r.require_columns(
        &["municipality_id"],
        &["fte_before", "fte_after", "nobody_before"],
    );
    let municipality = r.req_text("municipality_id");
    let before = r.opt::<f64>("fte_before");
    let after = r.opt::<f64>("fte_after");
    let nobody = r.opt::<bool>("nobody_before");
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let Some(m) = municipality[i] else { continue };
        rows.0.push(Staffing {
            municipality_id: m.to_string(),
            fte_before: before[i],
            fte_after: after[i],
            nobody_before: nobody[i],
        });
        rows.1.push(i + 1);
    }
    rows
}

pub(super) fn target_group(r: &mut TableReader) -> Rows<TargetGroup> {
    let counts = [
        "target_persons",
        "housing_decentral",
        "housing_shared",
        "housing_unknown",
        "with_plan",
    ];
    r.require_columns(&["municipality_id", "wave"], &counts);
    let municipality = r.req_text("municipality_id");
    let wave = r.req::<NaiveDate>("wave");
    let [target, decentral, shared, unknown, plan] = counts.map(|c| r.opt::<i64>(c));
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(m), Some(wave)) = (municipality[i], wave[i]) else {
            continue;
        };
        rows.0.push(TargetGroup {
            municipality_id: m.to_string(),
            wave,
            target_persons: target[i],
            housing_decentral: decentral[i],
            housing_shared: shared[i],
            housing_unknown: unknown[i],
            with_plan: plan[i],
        });
        rows.1.push(i + 1);
    }
    rows
}

pub(super) fn employment(r: &mut TableReader) -> Rows<Employment> {
    r.require_columns(
        &["district_id", "month", "employed_total", "employed_sv"],
        &[],
    );
    let district = r.req_text("district_id");
    let month = r.req::<Month>("month");
    let total = r.req::<i64>("employed_total");
    let sv = r.req::<i64>("employed_sv");
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(d), Some(month), Some(total), Some(sv)) =
            (district[i], month[i], total[i], sv[i])
        else {
            continue;
        };
        rows.0.push(Employment {
            district_id: d.to_string(),
            month,
            employed_total: total,
            employed_sv: sv,
        });
        rows.1.push(i + 1);
    }
    rows
}

pub(super) fn population(r: &mut TableReader) -> Rows<Population> {
    r.require_columns(&["district_id", "year", "persons_15_64"], &[]);
    let district = r.req_text("district_id");
    let year = r.req::<i64>("year");
    let persons = r.req::<i64>("persons_15_64");
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(d), Some(year), Some(persons)) = (district[i], year[i], persons[i]) else {
            continue;
        };
        let Ok(year) = i32::try_from(year) else {
            r.out.error(
                RowProblem::ImpossibleValue,
                "population",
                "year",
                i + 1,
                format!("year {year} is out of range; the row is left out"),
            );
            continue;
        };
        rows.0.push(Population {
            district_id: d.to_string(),
            year,
            persons_15_64: persons,
        });
        rows.1.push(i + 1);
    }
    rows
}

/// A plan-use answer on the survey's 4-point scale; anything else is an impossible value
/// that counts as missing (the derived plan-B share must not see a 5).
fn plan_use(r: &mut TableReader, col: &str, values: Vec<Option<i64>>) -> Vec<Option<u8>> {
    values
        .into_iter()
        .enumerate()
        .map(|(i, v)| match v {
            Some(n @ 1..=4) => Some(n as u8),
            Some(n) => {
                let msg = format!("plan use {n} is outside the scale 1–4 (1 very rarely … 4 very often); counts as missing");
                r.out.error(RowProblem::ImpossibleValue, "manager_survey", col, i + 1, msg);
                None
            }
            None => None,
        })
        .collect()
}

pub(super) fn manager_survey(r: &mut TableReader) -> Rows<SurveyResponse> {
    let hours = [
        "hours_open_office",
        "hours_appointments",
        "hours_outreach",
        "hours_documentation",
    ];
    let mut nullable = vec!["plan_a_use", "plan_b_use", "clients"];
    nullable.extend(hours);
    r.require_columns(&["response_id", "municipality_id"], &nullable);
    let id = r.req_text("response_id");
    let municipality = r.req_text("municipality_id");
    let plan_a = r.opt::<i64>("plan_a_use");
    let plan_a = plan_use(r, "plan_a_use", plan_a);
    let plan_b = r.opt::<i64>("plan_b_use");
    let plan_b = plan_use(r, "plan_b_use", plan_b);
    let clients = r.opt::<i64>("clients");
    let [open, appointments, outreach, documentation] = hours.map(|c| r.opt::<f64>(c));
    let mut rows = (Vec::new(), Vec::new());
    if r.unreadable {
        return rows;
    }
    for i in 0..r.height {
        let (Some(id), Some(m)) = (id[i], municipality[i]) else {
            continue;
        };
        rows.0.push(SurveyResponse {
            response_id: id.to_string(),
            municipality_id: m.to_string(),
            plan_a_use: plan_a[i],
            plan_b_use: plan_b[i],
            clients: clients[i],
            hours_open_office: open[i],
            hours_appointments: appointments[i],
            hours_outreach: outreach[i],
            hours_documentation: documentation[i],
        });
        rows.1.push(i + 1);
    }
    rows
}
