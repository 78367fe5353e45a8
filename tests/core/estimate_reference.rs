//! `wls` against statsmodels (tests/reference/make_reference.py): every coefficient, standard
//! error, t, p, interval bound and R², for each variance type, to 1e-8 relative.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::estimate::{Coefficient, EstimateError, Fit, VarianceType, wls};

const RELATIVE: f64 = 1e-8;
/// Below this magnitude a value is compared absolutely (a p-value of 1e-15 or an estimate of
/// exactly zero has no meaningful relative error at 1e-8).
const ABSOLUTE_FLOOR: f64 = 1e-12;

struct Fixture {
    name: String,
    y: Vec<f64>,
    columns: Vec<(String, Vec<f64>)>,
    weights: Option<Vec<f64>>,
    doc: Value,
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_f64().expect("number"))
        .collect()
}

fn load(name: &str) -> Fixture {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("valid JSON");
    let columns = doc["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| {
            (
                c["name"].as_str().expect("name").to_string(),
                numbers(&c["values"]),
            )
        })
        .collect();
    let weights = if doc["weights"].is_null() {
        None
    } else {
        Some(numbers(&doc["weights"]))
    };
    Fixture {
        name: name.to_string(),
        y: numbers(&doc["y"]),
        columns,
        weights,
        doc,
    }
}

fn fit(fixture: &Fixture, variance: VarianceType) -> Result<Fit, EstimateError> {
    let columns: Vec<(&str, &[f64])> = fixture
        .columns
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_slice()))
        .collect();
    wls(&fixture.y, &columns, fixture.weights.as_deref(), variance)
}

/// Returns the relative error, after asserting it is within tolerance.
fn assert_close(what: &str, ours: f64, theirs: f64) -> f64 {
    let tolerance = RELATIVE * theirs.abs().max(ABSOLUTE_FLOOR);
    assert!(
        (ours - theirs).abs() <= tolerance,
        "{what}: ours {ours:e}, statsmodels {theirs:e}, relative error {:e}",
        ((ours - theirs) / theirs).abs()
    );
    (ours - theirs).abs() / theirs.abs().max(ABSOLUTE_FLOOR)
}

fn compare_coefficient(context: &str, ours: &Coefficient, theirs: &Value) -> f64 {
    assert_eq!(
        ours.term.name(),
        theirs["term"].as_str().unwrap(),
        "{context}: term order"
    );
    let fields = [
        ("estimate", ours.estimate),
        ("std_error", ours.std_error),
        ("t", ours.t),
        ("p_value", ours.p_value),
        ("ci_low", ours.ci_low),
        ("ci_high", ours.ci_high),
    ];
    fields
        .into_iter()
        .map(|(field, value)| {
            assert_close(
                &format!("{context} {} {field}", ours.term),
                value,
                theirs[field].as_f64().unwrap(),
            )
        })
        .fold(0.0, f64::max)
}

fn compare_all_variances(name: &str) {
    let fixture = load(name);
    let mut worst: f64 = 0.0;
    for &variance in VarianceType::UNCLUSTERED {
        let context = format!("{} {variance}", fixture.name);
        let expected = &fixture.doc["results"][variance.id()];
        let ours = fit(&fixture, variance).unwrap_or_else(|e| panic!("{context}: {e}"));
        assert_eq!(
            ours.n as u64,
            expected["n"].as_u64().unwrap(),
            "{context}: n"
        );
        assert_eq!(
            ours.df_resid as u64,
            expected["df_resid"].as_u64().unwrap(),
            "{context}: df_resid"
        );
        assert_eq!(ours.variance, variance);
        worst = worst.max(assert_close(
            &format!("{context} r2"),
            ours.r2,
            expected["r2"].as_f64().unwrap(),
        ));
        let coefficients = expected["coefficients"].as_array().unwrap();
        assert_eq!(
            ours.coefficients.len(),
            coefficients.len(),
            "{context}: number of terms"
        );
        for (c, theirs) in ours.coefficients.iter().zip(coefficients) {
            worst = worst.max(compare_coefficient(&context, c, theirs));
        }
    }
    println!("{name}: largest relative difference from statsmodels {worst:.1e}");
}

/// HC1 against Stata's `vce(robust)` formula with aweights rescaled to sum to n, written out in
/// numpy by make_reference.py.
fn compare_stata_robust(name: &str) {
    let fixture = load(name);
    let ours = fit(&fixture, VarianceType::Hc1).unwrap();
    let stata = numbers(&fixture.doc["stata_robust_se"]);
    assert_eq!(ours.coefficients.len(), stata.len());
    for (c, se) in ours.coefficients.iter().zip(stata) {
        assert_close(
            &format!("{name} {} Stata robust se", c.term),
            c.std_error,
            se,
        );
    }
}

#[test]
fn hc1_equals_stata_robust_with_aweights() {
    for name in ["wls_unweighted", "wls_weighted", "wls_near_k"] {
        compare_stata_robust(name);
    }
}

#[test]
fn unweighted_matches_statsmodels_ols() {
    compare_all_variances("wls_unweighted");
}

#[test]
fn weighted_matches_statsmodels_wls() {
    compare_all_variances("wls_weighted");
}

#[test]
fn near_saturated_matches_statsmodels_wls() {
    compare_all_variances("wls_near_k");
}

#[test]
fn collinear_design_is_refused_where_statsmodels_uses_pinv() {
    let fixture = load("wls_collinear");
    let expected: Vec<String> = fixture.doc["expected_error"]["collinear"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    assert!(fixture.doc["statsmodels_rank"].as_u64().unwrap() < fixture.columns.len() as u64);
    for &variance in VarianceType::UNCLUSTERED {
        match fit(&fixture, variance) {
            Err(EstimateError::Collinear { terms }) => assert_eq!(terms, expected),
            other => panic!("{variance}: expected Collinear {expected:?}, got {other:?}"),
        }
    }
}
