//! Shared helpers of the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use wirkung::core::bundle::*;
use wirkung::core::period::{Month, parse_date};

/// The hand-worked bundle in tests/fixtures/hand.
pub fn hand_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand")
}

/// Reads a fixture CSV (no quoting in these files) into header-keyed rows.
fn rows(table: &str) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(hand_dir().join(format!("{table}.csv"))).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn opt<T: std::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() { None } else { s.parse().ok() }
}

/// The hand bundle read by a minimal reader of this fixture only, so that derivations can be
/// tested independently of the bundle loader.
pub fn hand_bundle_in_code() -> Bundle {
    let manifest: Manifest =
        toml::from_str(&std::fs::read_to_string(hand_dir().join("bundle.toml")).unwrap()).unwrap();
    let controls_of = |r: &std::collections::HashMap<String, String>, level: Level| {
        manifest
            .controls
            .iter()
            .filter(|c| c.level == level)
            .map(|c| (c.column.clone(), opt::<f64>(&r[&c.column])))
            .collect()
    };
    let districts = rows("districts")
        .iter()
        .map(|r| District {
            district_id: r["district_id"].clone(),
            name: r["name"].clone(),
            state: r["state"].clone(),
            region: opt(&r["region"]),
            urban: r["urban"] == "true",
            population: r["population"].parse().unwrap(),
            borders_bw: r.get("borders_bw").and_then(|s| opt(s)),
            controls: controls_of(r, Level::District),
        })
        .collect();
    let municipalities = rows("municipalities")
        .iter()
        .map(|r| Municipality {
            municipality_id: r["municipality_id"].clone(),
            name: r["name"].clone(),
            district_id: r["district_id"].clone(),
            alliance_id: r["alliance_id"].clone(),
            funded: r["funded"] == "true",
            refugees_2017: opt(&r["refugees_2017"]),
            organisation: Organisation::parse(&r["organisation"]),
            controls: controls_of(r, Level::Municipality),
        })
        .collect();
    let grants = rows("grants")
        .iter()
        .map(|r| Grant {
            grant_id: r["grant_id"].clone(),
            municipality_id: r["municipality_id"].clone(),
            issued: parse_date(&r["issued"]).unwrap(),
            start: parse_date(&r["start"]).unwrap(),
            fte: r["fte"].parse().unwrap(),
        })
        .collect();
    let staffing = rows("staffing")
        .iter()
        .map(|r| Staffing {
            municipality_id: r["municipality_id"].clone(),
            fte_before: opt(&r["fte_before"]),
            fte_after: opt(&r["fte_after"]),
            nobody_before: opt(&r["nobody_before"]),
        })
        .collect();
    let target_group = rows("target_group")
        .iter()
        .map(|r| TargetGroup {
            municipality_id: r["municipality_id"].clone(),
            wave: parse_date(&r["wave"]).unwrap(),
            target_persons: opt(&r["target_persons"]),
            housing_decentral: opt(&r["housing_decentral"]),
            housing_shared: opt(&r["housing_shared"]),
            housing_unknown: opt(&r["housing_unknown"]),
            with_plan: opt(&r["with_plan"]),
        })
        .collect();
    let employment = rows("employment")
        .iter()
        .map(|r| Employment {
            district_id: r["district_id"].clone(),
            month: r["month"].parse::<Month>().unwrap(),
            employed_total: r["employed_total"].parse().unwrap(),
            employed_sv: r["employed_sv"].parse().unwrap(),
        })
        .collect();
    let population = rows("population")
        .iter()
        .map(|r| Population {
            district_id: r["district_id"].clone(),
            year: r["year"].parse().unwrap(),
            persons_15_64: r["persons_15_64"].parse().unwrap(),
        })
        .collect();
    // The reading rules: exact duplicates dropped, impossible dates left out, conflicts kept.
    let mut activity: Vec<ActivityDay> = Vec::new();
    for r in rows("activity") {
        let Ok(date) = parse_date(&r["date"]) else {
            continue;
        };
        let talks = Topic::ALL.map(|t| r[t.column()].parse().unwrap());
        let day = ActivityDay {
            manager_id: r["manager_id"].clone(),
            alliance_id: r["alliance_id"].clone(),
            municipality_id: r["municipality_id"].clone(),
            date,
            talks,
            talks_office: opt(&r["talks_office"]),
            talks_onsite: opt(&r["talks_onsite"]),
            talks_accompanying: opt(&r["talks_accompanying"]),
            conflicting: false,
        };
        if !activity.contains(&day) {
            activity.push(day);
        }
    }
    let manager_survey = rows("manager_survey")
        .iter()
        .map(|r| SurveyResponse {
            response_id: r["response_id"].clone(),
            municipality_id: r["municipality_id"].clone(),
            plan_a_use: opt(&r["plan_a_use"]),
            plan_b_use: opt(&r["plan_b_use"]),
            clients: opt(&r["clients"]),
            hours_open_office: opt(&r["hours_open_office"]),
            hours_appointments: opt(&r["hours_appointments"]),
            hours_outreach: opt(&r["hours_outreach"]),
            hours_documentation: opt(&r["hours_documentation"]),
        })
        .collect();
    Bundle {
        dir: hand_dir(),
        manifest,
        districts,
        municipalities,
        grants,
        staffing,
        target_group,
        employment,
        population,
        activity: activity.into(),
        manager_survey,
        activity_cleaning: ActivityCleaning::default(),
        sources: Default::default(),
        unreadable: Default::default(),
        findings: Findings::default(),
    }
}

/// The hand fixture as every derivation test sees it.
/// Both the bundle loader's reading of the fixture and the minimal reader above, so that
/// every hand-worked number is checked through the real loader too.
pub fn hand() -> Vec<Bundle> {
    vec![hand_bundle_loaded(), hand_bundle_in_code()]
}

/// The fixture as `wirkung::core::bundle::load` reads it. Its only errors are the two it
/// was written to contain: an impossible activity date (left out) and Göppingen's Dec 2017
/// employment row without a 2017 population figure (Göppingen is then excluded).
pub fn hand_bundle_loaded() -> Bundle {
    let b = load(&hand_dir()).expect("the hand fixture opens");
    let errors: Vec<(Option<&str>, Option<&str>, Option<usize>)> = b
        .findings
        .errors()
        .map(|f| (f.table.as_deref(), f.column.as_deref(), f.row))
        .collect();
    assert_eq!(
        errors,
        [
            (Some("activity"), Some("date"), Some(6)),
            (Some("employment"), Some("month"), Some(10))
        ],
        "{:#?}",
        b.findings
    );
    b
}

/// Equal up to rounding of the last digits (the hand values are exact fractions).
#[track_caller]
pub fn assert_close(got: f64, expected: f64) {
    assert!(
        (got - expected).abs() < 1e-9,
        "got {got}, expected {expected}"
    );
}

pub fn month(s: &str) -> Month {
    s.parse().unwrap()
}

/// The reason `unit` was excluded; fails the test when it was not.
#[track_caller]
pub fn reason<'a>(excluded: &'a [wirkung::core::derive::Exclusion], unit: &str) -> &'a str {
    match excluded.iter().find(|e| e.unit == unit) {
        Some(e) => e.reason.as_str(),
        None => panic!("{unit} not excluded: {excluded:?}"),
    }
}

/// Copies the files of a bundle directory (bundles are flat) into `to`, created if needed.
pub fn copy_bundle(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The hand bundle with Stuttgart's September 2019 employment revised upwards (a newer
/// delivery for `diff` and the dashboard's `--compare`).
pub fn revised_hand_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_bundle(&hand_dir(), dir.path());
    let path = dir.path().join("employment.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("08111,2019-09,825,495\n"));
    let text = text.replace("08111,2019-09,825,495\n", "08111,2019-09,900,520\n");
    std::fs::write(&path, text).unwrap();
    dir
}
