//! `--comparison district-office` end to end (cli.md): estimate, panel, robustness and diff
//! pick the comparison up; the numbers are those of statsmodels
//! (tests/reference/organisation/reference.json, checked in full in tests/core).

use serde_json::Value;
use std::process::{Command, Output};
use wirkung::cli::SAMPLE_BUNDLE;

const FIXTURE: &str = "tests/reference/organisation/bundle";

fn wirkung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(o: &Output) -> Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/organisation/reference.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn estimate_by_district_share_and_by_municipality() {
    let reference = reference();
    for (outcome, level, key) in [
        ("employment", "district", "employment_district"),
        ("housing", "municipality", "housing_municipality"),
    ] {
        let v = json(&wirkung(&[
            "estimate",
            SAMPLE_BUNDLE,
            "--outcome",
            outcome,
            "--comparison",
            "district-office",
            "--level",
            level,
            "--format",
            "json",
        ]));
        assert_eq!(v["comparison"], "district-office");
        let r = &reference["sample"][key]["all"]["hc1_weighted"];
        assert_eq!(v["n"], r["n"]);
        let (actual, expected) = (
            v["coefficients"][0]["estimate"].as_f64().unwrap(),
            r["estimate"].as_f64().unwrap(),
        );
        assert_eq!(v["coefficients"][0]["term"], "treated");
        assert!(
            (actual - expected).abs() < 1e-9,
            "{key}: {actual} vs {expected}"
        );
    }
    let text = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "district-office",
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("IM via the district office vs not (districts)"),
        "{text}"
    );
    assert!(text.contains("More via district office (n = 21)"), "{text}");
    // By municipality there is no "more": the municipality's IM is via the office or not.
    let text = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "housing",
        "--comparison",
        "district-office",
        "--level",
        "municipality",
    ]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Via district office (n = 474)"), "{text}");
    assert!(text.contains("Not via district office (n = 244)"), "{text}");
}

#[test]
fn districts_without_organisation_are_excluded_with_the_reason() {
    let v = json(&wirkung(&[
        "panel",
        FIXTURE,
        "--outcome",
        "employment",
        "--comparison",
        "district-office",
        "--format",
        "json",
    ]));
    assert_eq!(v["median"], 0.5);
    let excluded: Vec<(&str, &str)> = v["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["unit"].as_str().unwrap(), e["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        excluded,
        [
            ("08116", "no population for 2017"),
            (
                "08122",
                "no organisation of IM (municipalities.organisation) for any of its 3 funded municipalities"
            ),
            ("08123", "no funded municipality, so no IM to organise"),
        ]
    );
    assert_eq!(v["rows"].as_array().unwrap().len(), 10);
}

#[test]
fn unsupported_combinations_and_checks_say_why() {
    let o = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "district-office",
        "--level",
        "municipality",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("employment statistics exist per district only")
    );
    let o = wirkung(&[
        "robustness",
        SAMPLE_BUNDLE,
        "--check",
        "dose",
        "--outcome",
        "housing",
        "--comparison",
        "district-office",
        "--level",
        "municipality",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("own organisation (0 or 1)"), "{err}");
    let v = json(&wirkung(&[
        "robustness",
        SAMPLE_BUNDLE,
        "--check",
        "dose",
        "--outcome",
        "employment",
        "--comparison",
        "district-office",
        "--format",
        "json",
    ]));
    assert!(
        v["measure_unit"]
            .as_str()
            .unwrap()
            .contains("via the district office"),
        "{v}"
    );
}

#[test]
fn diff_lists_the_comparison_among_the_headline_estimates() {
    let v = json(&wirkung(&[
        "diff",
        SAMPLE_BUNDLE,
        SAMPLE_BUNDLE,
        "--format",
        "json",
    ]));
    let ours: Vec<&Value> = v["estimates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["comparison"] == "district-office")
        .collect();
    // Employment and SV-only by district; housing by district and by municipality; each
    // with all controls and none.
    assert_eq!(ours.len(), 8, "{ours:?}");
    assert!(ours.iter().all(|e| e["estimate_change"] == 0.0));
}

#[test]
fn the_robustness_export_has_a_row_for_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let o = wirkung(&[
        "export",
        SAMPLE_BUNDLE,
        "--page",
        "robustness",
        "--outcome",
        "employment",
        "--comparison",
        "district-office",
        "--format",
        "csv",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("robustness-district-office.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), wirkung::core::robust::Check::ALL.len(), "{csv}");
    // Each row is a result or says why not; only the spillover (BW vs neighbours) says why.
    let not_applicable: Vec<&&str> = rows
        .iter()
        .filter(|r| r.contains("not applicable"))
        .collect();
    assert_eq!(not_applicable.len(), 1, "{csv}");
    assert!(not_applicable[0].starts_with("Spillover"), "{csv}");
    assert!(
        csv.contains("slope per share of funded municipalities with IM via the district office"),
        "{csv}"
    );
}
