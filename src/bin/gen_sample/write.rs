//! Writes the bundle: `bundle.toml`, CSV for the small tables and Parquet for `activity`.
//! Floats are written with Rust's shortest round-trip form, so the files hold exactly the
//! values the generator calibrated on; nothing is iterated from a hash map.

use crate::activity::Activity;
use crate::frame::{District, Municipality};
use crate::paths::EmploymentRow;
use crate::programme::{Grant, Staffing};
use crate::survey::Response;
use crate::waves::WaveRow;
use polars::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// A CSV field, quoted when it holds a comma or a quote.
pub fn field(s: &str) -> String {
    if s.contains(',') || s.contains('"') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn save(dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    std::fs::write(dir.join(name), text)
}

pub fn districts(dir: &Path, ds: &[District]) -> std::io::Result<()> {
    let mut s = String::from(
        "district_id,name,state,region,urban,population,protection_seekers_pct_2017,gdp_per_capita_2017,sv_employees_per_100_2019,dwellings_per_100_2018,new_dwellings_per_100_2018,borders_bw\n",
    );
    for d in ds {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            d.id,
            field(&d.name),
            d.state,
            d.region.unwrap_or(""),
            d.urban,
            d.population,
            d.protection_pct,
            d.gdp,
            d.sv_per_100,
            d.dwellings,
            d.new_dwellings,
            d.borders_bw
        );
    }
    save(dir, "districts.csv", &s)
}

pub fn municipalities(dir: &Path, ds: &[District], ms: &[Municipality]) -> std::io::Result<()> {
    let mut s = String::from(
        "municipality_id,name,district_id,alliance_id,funded,refugees_2017,organisation,population,refugees_2017_per_pop_2015,tax_revenue_per_capita_2016,sv_employees_2015,urban,dwellings_per_100_2018,new_dwellings_per_100_2018\n",
    );
    for m in ms {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            m.id,
            field(&m.name),
            ds[m.district].id,
            m.alliance,
            m.funded,
            m.refugees_2017,
            m.organisation.unwrap_or(""),
            m.population,
            m.refugees_per_pop,
            m.tax_revenue,
            m.sv_2015,
            m.urban,
            m.dwellings,
            m.new_dwellings
        );
    }
    save(dir, "municipalities.csv", &s)
}

pub fn grants(dir: &Path, ms: &[Municipality], gs: &[Grant]) -> std::io::Result<()> {
    let mut s = String::from("grant_id,municipality_id,issued,start,fte\n");
    for g in gs {
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            g.id, ms[g.municipality].id, g.issued, g.start, g.fte
        );
    }
    save(dir, "grants.csv", &s)
}

pub fn staffing(dir: &Path, ms: &[Municipality], st: &[Staffing]) -> std::io::Result<()> {
    let mut s = String::from("municipality_id,fte_before,fte_after,nobody_before\n");
    for r in st {
        let _ = writeln!(
            s,
            "{},{},{},{}",
            ms[r.municipality].id,
            opt(&r.fte_before),
            opt(&r.fte_after),
            opt(&r.nobody_before)
        );
    }
    save(dir, "staffing.csv", &s)
}

pub fn target_group(dir: &Path, ms: &[Municipality], rows: &[WaveRow]) -> std::io::Result<()> {
    let mut s = String::from(
        "municipality_id,wave,target_persons,housing_decentral,housing_shared,housing_unknown,with_plan\n",
    );
    for r in rows {
        let wave = if r.end_wave {
            "2020-01-31"
        } else {
            "2018-12-15"
        };
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{}",
            ms[r.municipality].id,
            wave,
            opt(&r.target_persons),
            opt(&r.decentral),
            opt(&r.shared),
            opt(&r.unknown),
            opt(&r.with_plan)
        );
    }
    save(dir, "target_group.csv", &s)
}

pub fn employment(dir: &Path, ds: &[District], rows: &[EmploymentRow]) -> std::io::Result<()> {
    let mut s = String::from("district_id,month,employed_total,employed_sv\n");
    for r in rows {
        let _ = writeln!(
            s,
            "{},{:04}-{:02},{},{}",
            ds[r.district].id, r.year, r.month, r.total, r.sv
        );
    }
    save(dir, "employment.csv", &s)
}

pub fn population(dir: &Path, ds: &[District]) -> std::io::Result<()> {
    let mut s = String::from("district_id,year,persons_15_64\n");
    for d in ds {
        for (i, p) in d.persons.iter().enumerate() {
            let _ = writeln!(s, "{},{},{}", d.id, 2013 + i, p);
        }
    }
    save(dir, "population.csv", &s)
}

pub fn manager_survey(dir: &Path, ms: &[Municipality], rs: &[Response]) -> std::io::Result<()> {
    let mut s = String::from(
        "response_id,municipality_id,plan_a_use,plan_b_use,clients,hours_open_office,hours_appointments,hours_outreach,hours_documentation\n",
    );
    for r in rs {
        let h: Vec<String> = r.hours.iter().map(opt).collect();
        let _ = writeln!(
            s,
            "{},{},{},{},{},{}",
            r.id,
            ms[r.municipality].id,
            opt(&r.plan_a),
            opt(&r.plan_b),
            opt(&r.clients),
            h.join(",")
        );
    }
    save(dir, "manager_survey.csv", &s)
}

pub fn activity(dir: &Path, a: &Activity) -> PolarsResult<()> {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch");
    let days: Vec<i32> = a
        .date
        .iter()
        .map(|d| (*d - epoch).num_days() as i32)
        .collect();
    let topics = [
        "talks_labour",
        "talks_language",
        "talks_education",
        "talks_housing",
        "talks_health",
        "talks_participation",
        "talks_children",
        "talks_other",
    ];
    let places = ["talks_office", "talks_onsite", "talks_accompanying"];
    let mut cols = vec![
        Column::new("manager_id".into(), &a.manager_id),
        Column::new("alliance_id".into(), &a.alliance_id),
        Column::new("municipality_id".into(), &a.municipality_id),
        Series::new("date".into(), days)
            .cast(&DataType::Date)?
            .into(),
    ];
    for (name, v) in topics.iter().zip(&a.talks) {
        cols.push(Column::new((*name).into(), v));
    }
    for (name, v) in places.iter().zip(&a.location) {
        cols.push(Column::new((*name).into(), v));
    }
    let mut df = DataFrame::new(a.date.len(), cols)?;
    let file = std::fs::File::create(dir.join("activity.parquet"))?;
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .finish(&mut df)?;
    Ok(())
}

pub const MANIFEST: &str = r#"[bundle]
format = 1
name = "Integration management, Baden-Württemberg (synthetic sample)"
synthetic = true
description = "SYNTHETIC data calibrated to published aggregates of the 2020 evaluation report on Integrationsmanagement in Baden-Württemberg (ifm Universität Mannheim). Not the real evaluation data: every municipality, grant, survey answer, working day and employment count is generated (see sample-data/README.md)."
source = "District frame: Destatis GV-ISys via npm landkreise-deutschland, licence CC BY 4.0. All else synthetic (gen-sample --seed SEED)."

[periods]
employment_base = "2017-12"
employment_end  = "2019-09"
housing_base    = "2018-12-15"
housing_end     = "2020-01-31"
topics_until    = "2019-06-30"

[rules]
start_share       = 0.5
grants_issued_by  = "2018-09-30"
early_cutoff      = "2018-02-15"
housing_max_missing = 0.4

[[controls]]
column = "protection_seekers_pct_2017"
label  = "Protection seekers, % of population 2017"
level  = "district"
outcomes = ["employment", "housing"]

[[controls]]
column = "gdp_per_capita_2017"
label  = "GDP per capita 2017, 1,000 EUR"
level  = "district"
outcomes = ["employment", "housing"]

[[controls]]
column = "sv_employees_per_100_2019"
label  = "Social-security employees per 100 inhabitants 2019"
level  = "district"
outcomes = ["employment", "housing"]

[[controls]]
column = "urban"
label  = "Urban district (Stadtkreis)"
level  = "district"
outcomes = ["employment", "housing"]

[[controls]]
column = "dwellings_per_100_2018"
label  = "Dwellings per 100 inhabitants 2018"
level  = "district"
outcomes = ["housing"]

[[controls]]
column = "new_dwellings_per_100_2018"
label  = "Completed new dwellings per 100 inhabitants 2018"
level  = "district"
outcomes = ["housing"]

[[controls]]
column = "refugees_2017_per_pop_2015"
label  = "Refugees 15 Sep 2017, % of population end 2015"
level  = "municipality"
outcomes = ["housing"]

[[controls]]
column = "tax_revenue_per_capita_2016"
label  = "Tax revenue per capita 2016, 1,000 EUR"
level  = "municipality"
outcomes = ["housing"]

[[controls]]
column = "sv_employees_2015"
label  = "Social-security employees per 100 inhabitants 2015"
level  = "municipality"
outcomes = ["housing"]

[[controls]]
column = "urban"
label  = "Urban municipality (Stadtkreis or at least 20,000 inhabitants)"
level  = "municipality"
outcomes = ["housing"]

[[controls]]
column = "dwellings_per_100_2018"
label  = "Dwellings per 100 inhabitants 2018"
level  = "municipality"
outcomes = ["housing"]

[[controls]]
column = "new_dwellings_per_100_2018"
label  = "Completed new dwellings per 100 inhabitants 2018"
level  = "municipality"
outcomes = ["housing"]
"#;

pub fn manifest(dir: &Path, seed: u64) -> std::io::Result<()> {
    let text = MANIFEST.replace("--seed SEED", &format!("--seed {seed}"));
    save(dir, "bundle.toml", &text)
}
