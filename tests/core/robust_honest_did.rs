//! HonestDiD sensitivity analysis against the `honestdid` Python package (a port of the R
//! package by Rambachan & Roth): tests/reference/honest/make_honest_reference.py ran it on a
//! synthetic event study (4 pre, 3 post) and on the shipped sample's quarterly event study with
//! its district-clustered covariance, and wrote honest_reference.json. Interval ends agree to
//! 1e-3 (the reference refines the package's grid to below that).

use nalgebra::DMatrix;
use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::robust::honest::{
    HonestError, HonestOptions, Restriction, SensitivityRow, Target, honest_did,
    honest_did_event_study, sigma_from_rows,
};
use wirkung::core::robust::{self, Frequency, RobustOptions};

const TOL: f64 = 1e-3;

fn reference() -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/reference/honest/honest_reference.json"))
        .expect("honest_reference.json");
    serde_json::from_str(&text).expect("JSON")
}

fn numbers(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

fn sigma(case: &Value) -> DMatrix<f64> {
    let rows: Vec<Vec<f64>> = case["sigma"]
        .as_array()
        .unwrap()
        .iter()
        .map(numbers)
        .collect();
    sigma_from_rows(&rows).unwrap()
}

#[track_caller]
fn end_matches(actual: Option<f64>, expected: &Value, what: &str) {
    match (actual, expected.as_f64()) {
        (Some(a), Some(e)) => assert!((a - e).abs() <= TOL, "{what}: {a} vs reference {e}"),
        (None, None) => {}
        (a, e) => panic!("{what}: {a:?} vs reference {e:?}"),
    }
}

fn compare(rows: &[SensitivityRow], expected: &Value, what: &str) {
    let expected = expected.as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{what}: rows");
    for (row, e) in rows.iter().zip(expected) {
        let label = format!("{what} m={}", row.m);
        assert!((row.m - e["m"].as_f64().unwrap()).abs() < 1e-12, "{label}");
        assert_eq!(
            row.empty,
            e["empty"].as_bool().unwrap_or(false),
            "{label}: empty"
        );
        end_matches(row.ci_low, &e["ci_low"], &format!("{label} low"));
        end_matches(row.ci_high, &e["ci_high"], &format!("{label} high"));
    }
}

fn check_case(case: &Value) {
    let betas = numbers(&case["betahat"]);
    let sigma = sigma(case);
    let (num_pre, num_post) = (
        case["num_pre"].as_u64().unwrap() as usize,
        case["num_post"].as_u64().unwrap() as usize,
    );
    let name = case["name"].as_str().unwrap();
    for analysis in case["analyses"].as_array().unwrap() {
        let target: Target = analysis["target"].as_str().unwrap().parse().unwrap();
        for (restriction, key) in [
            (Restriction::RelativeMagnitudes, "rm"),
            (Restriction::Smoothness, "sd"),
        ] {
            let expected = &analysis[key];
            let grid: Vec<f64> = expected["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["m"].as_f64().unwrap())
                .collect();
            let options = HonestOptions {
                restriction,
                target,
                grid: Some(grid),
                ..HonestOptions::default()
            };
            let result = honest_did(&betas, &sigma, num_pre, num_post, &options).unwrap();
            let what = format!("{name} {target} {key}");
            compare(&result.rows, &expected["rows"], &what);
            assert_eq!(
                result.breakdown,
                expected["breakdown"].as_f64(),
                "{what}: breakdown"
            );
            let o = &analysis["original"];
            assert!((result.original.ci_low - o["ci_low"].as_f64().unwrap()).abs() < 1e-9);
            assert!((result.original.ci_high - o["ci_high"].as_f64().unwrap()).abs() < 1e-9);
        }
    }
}

fn case<'a>(reference: &'a Value, name: &str) -> &'a Value {
    reference["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("case {name}"))
}

#[test]
fn synthetic_event_study_matches_the_honestdid_package() {
    check_case(case(&reference(), "synthetic"));
}

#[test]
fn sample_quarterly_event_study_matches_the_honestdid_package() {
    check_case(case(&reference(), "sample_quarterly_cluster"));
}

/// The reference ran on the same coefficients the Rust event study estimates.
#[test]
fn the_reference_coefficients_are_the_sample_quarterly_event_study() {
    let reference = reference();
    let case = case(&reference, "sample_quarterly_cluster");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bundle = bundle::load(&root.join("sample-data/bw-integration")).expect("sample loads");
    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::BwVsNeighbours,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    };
    let options = RobustOptions {
        frequency: Frequency::Quarterly,
        ..RobustOptions::default()
    };
    let es = robust::event_study(&bundle, &spec, &options).unwrap();
    let betas = numbers(&case["betahat"]);
    let ses = numbers(&case["std_error_cluster"]);
    assert_eq!(es.coefficients.len(), betas.len());
    for (i, c) in es.coefficients.iter().enumerate() {
        assert_eq!(c.period, case["periods"][i].as_str().unwrap());
        assert!((c.estimate - betas[i]).abs() <= 1e-8 * betas[i].abs().max(1.0));
        assert!((c.std_error_cluster - ses[i]).abs() <= 1e-8 * ses[i].max(1.0));
        let s = sigma(case);
        assert!((s[(i, i)].sqrt() - ses[i]).abs() <= 1e-10 * ses[i].max(1.0));
    }
    // The event study's relative periods give the split into pre and post.
    let relative: Vec<i32> = es.coefficients.iter().map(|c| c.relative).collect();
    let estimates: Vec<f64> = es.coefficients.iter().map(|c| c.estimate).collect();
    let r = honest_did_event_study(
        &relative,
        &estimates,
        &sigma(case),
        &HonestOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (r.num_pre, r.num_post),
        (
            case["num_pre"].as_u64().unwrap() as usize,
            case["num_post"].as_u64().unwrap() as usize
        )
    );
}

#[test]
fn json_has_the_issue_shape_and_never_invents_ends() {
    let reference = reference();
    let case = case(&reference, "synthetic");
    let betas = numbers(&case["betahat"]);
    let options = HonestOptions {
        grid: Some(vec![0.0, 1.0, 50.0]),
        ..HonestOptions::default()
    };
    let r = honest_did(&betas, &sigma(case), 4, 3, &options).unwrap();
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["restriction"], "rm");
    assert_eq!(json["target"], "average");
    assert!(json["original"]["ci_low"].is_number());
    // M̄ = 50 allows a violation far beyond the searched range: the ends are null, not numbers.
    let wide = &json["rows"][2];
    assert!(wide["ci_low"].is_null() && wide["ci_high"].is_null());
    assert_eq!(wide["empty"], false);
    // The sets grow with M̄.
    let (a, b) = (&r.rows[0], &r.rows[1]);
    assert!(b.ci_low.unwrap() <= a.ci_low.unwrap() && b.ci_high.unwrap() >= a.ci_high.unwrap());
}

#[test]
fn inconsistent_inputs_are_typed_errors() {
    let s = DMatrix::<f64>::identity(3, 3);
    let o = HonestOptions::default();
    assert!(matches!(
        honest_did(&[0.0, 1.0], &s, 1, 1, &o),
        Err(HonestError::Covariance { .. })
    ));
    assert!(matches!(
        honest_did(&[0.0, 1.0, 2.0], &s, 1, 1, &o),
        Err(HonestError::Periods { .. })
    ));
    let horizon = HonestOptions {
        target: Target::Horizon(3),
        ..HonestOptions::default()
    };
    assert!(matches!(
        honest_did(&[0.0, 1.0, 2.0], &s, 1, 2, &horizon),
        Err(HonestError::Horizon { .. })
    ));
    assert!(matches!(
        honest_did_event_study(&[-2, 1, 2], &[0.0, 1.0, 2.0], &s, &o),
        Err(HonestError::NotContiguous { .. })
    ));
}
