//! The spillover check (BW vs neighbours without the control districts bordering BW) on the
//! shipped sample against statsmodels; tests/reference/spillover/make_spillover_reference.py
//! rebuilt the panel from the sample's CSVs and wrote spillover_reference.json.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::Coefficient;
use wirkung::core::robust::{self, Check, CheckResult, RobustError, RobustOptions};

fn sample() -> Bundle {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    bundle::load(&root.join("sample-data/bw-integration")).expect("sample loads")
}

fn spec(bundle: &Bundle, comparison: Comparison) -> PanelSpec {
    PanelSpec {
        outcome: Outcome::Employment,
        comparison,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    }
}

fn reference() -> Value {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let text =
        std::fs::read_to_string(root.join("tests/reference/spillover/spillover_reference.json"))
            .expect("spillover_reference.json");
    serde_json::from_str(&text).expect("JSON")
}

#[track_caller]
fn agrees(c: &Coefficient, n: usize, r: &Value, what: &str) {
    assert_eq!(n as u64, r["n"].as_u64().unwrap(), "{what}: n");
    for (name, actual) in [
        ("estimate", c.estimate),
        ("std_error", c.std_error),
        ("p_value", c.p_value),
        ("ci_low", c.ci_low),
        ("ci_high", c.ci_high),
    ] {
        let expected = r[name].as_f64().unwrap();
        let tol = 1e-8 * expected.abs().max(1.0);
        assert!(
            (actual - expected).abs() <= tol,
            "{what} {name}: {actual} vs statsmodels {expected}"
        );
    }
}

#[test]
fn spillover_on_the_sample_matches_statsmodels_weighted_and_unweighted() {
    let bundle = sample();
    let spec = spec(&bundle, Comparison::BwVsNeighbours);
    let reference = reference();
    for (key, weighted) in [("weighted", true), ("unweighted", false)] {
        let r = robust::spillover(&bundle, &spec, &RobustOptions::weighted(weighted)).unwrap();
        assert_eq!(r.weighted, weighted);
        agrees(&r.full, r.n_full, &reference[key]["full"], key);
        agrees(
            &r.without_border,
            r.n_without_border,
            &reference[key]["without_border"],
            key,
        );
        assert!((r.shift - (r.without_border.estimate - r.full.estimate)).abs() < 1e-15);
        let dropped: Vec<&str> = r.dropped.iter().map(|d| d.unit_id.as_str()).collect();
        let expected: Vec<&str> = reference["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(dropped, expected);
        assert!(r.dropped.iter().all(|d| d.state != "BW"));
    }
}

#[test]
fn spillover_through_run_is_the_same_check() {
    let bundle = sample();
    let spec = spec(&bundle, Comparison::BwVsNeighbours);
    let options = RobustOptions::default();
    let direct = robust::spillover(&bundle, &spec, &options).unwrap();
    match robust::run(Check::Spillover, &bundle, &spec, &options).unwrap() {
        CheckResult::Spillover(s) => assert_eq!(s, direct),
        other => panic!("expected the spillover result, got {other:?}"),
    }
}

#[test]
fn spillover_within_bw_is_not_applicable() {
    let bundle = sample();
    let spec = spec(&bundle, Comparison::EarlyStart);
    let err = robust::spillover(&bundle, &spec, &RobustOptions::default()).unwrap_err();
    assert!(matches!(err, RobustError::Unsupported(_)), "{err:?}");
    assert!(err.is_usage());
}

#[test]
fn spillover_without_the_border_column_says_so() {
    let mut bundle = sample();
    for d in &mut bundle.districts {
        d.borders_bw = None;
    }
    let spec = spec(&bundle, Comparison::BwVsNeighbours);
    let err = robust::spillover(&bundle, &spec, &RobustOptions::default()).unwrap_err();
    assert!(err.to_string().contains("borders_bw"), "{err}");
}

#[test]
fn spillover_with_a_gap_in_the_border_column_names_the_district() {
    let mut bundle = sample();
    let gap = bundle
        .districts
        .iter_mut()
        .find(|d| d.district_id == "09571")
        .unwrap();
    gap.borders_bw = None;
    let spec = spec(&bundle, Comparison::BwVsNeighbours);
    let err = robust::spillover(&bundle, &spec, &RobustOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("09571") && msg.contains("borders_bw"), "{msg}");
}
