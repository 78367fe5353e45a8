//! The exhibits (`wirkung exhibit`) against an independent pandas implementation:
//! tests/reference/exhibits/make_reference.py computes every exhibit from the raw tables of
//! the synthetic fixture tests/fixtures/exhibits/ (drawn by make_fixture.py); every value,
//! label, N and significance mark must agree (to 1e-9: the sums run in another order).

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Table};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::exhibit::{self, EXHIBITS, ExhibitError};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> Bundle {
    bundle::load(&root().join("tests/fixtures/exhibits")).expect("the exhibit fixture loads")
}

fn reference() -> serde_json::Map<String, Value> {
    let text =
        std::fs::read_to_string(root().join("tests/reference/exhibits/reference.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

#[test]
fn every_exhibit_matches_the_pandas_reference() {
    let b = fixture();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    let reference = reference();
    let mut compared = 0;
    for spec in EXHIBITS {
        let Some(want) = reference.get(spec.id) else {
            // Capacity per district: checked against tests/fixtures/hand/reference/derive.py.
            assert_eq!(spec.id, "abb43", "{} has no reference values", spec.id);
            continue;
        };
        let got = exhibit::build(spec.id, &b, &choices).unwrap();
        assert_eq!(got.n as u64, want["n"].as_u64().unwrap(), "{} N", spec.id);
        let rows = want["rows"].as_array().unwrap();
        let labels: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
        let got_labels: Vec<&str> = got.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(got_labels, labels, "{} rows", spec.id);
        for (row, want_row) in got.rows.iter().zip(rows) {
            let values = want_row["values"].as_object().unwrap();
            let keys: Vec<&str> = got.columns.iter().map(|c| c.key.as_str()).collect();
            let want_keys: Vec<&str> = values.keys().map(String::as_str).collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(sorted, want_keys, "{} columns", spec.id);
            for (key, value) in keys.iter().zip(&row.values) {
                let want = values[*key].as_f64();
                match (value, want) {
                    (Some(v), Some(w)) => assert!(
                        (v - w).abs() <= 1e-9 * w.abs().max(1.0),
                        "{} / {} / {key}: {v} vs pandas {w}",
                        spec.id,
                        row.label
                    ),
                    (None, None) => {}
                    _ => panic!("{} / {} / {key}: {value:?} vs {want:?}", spec.id, row.label),
                }
                compared += 1;
            }
            if let Some(stars) = want_row.get("stars") {
                assert_eq!(row.stars.as_deref(), stars.as_str(), "{} stars", row.label);
            }
        }
    }
    assert!(compared > 300, "only {compared} values compared");
}

#[test]
fn json_has_the_documented_shape_with_values_in_column_order() {
    let b = fixture();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    let e = exhibit::build("tab9", &b, &choices).unwrap();
    let text = serde_json::to_string(&e).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 6);
    for k in ["id", "title", "unit", "n", "rows", "notes"] {
        assert!(v.get(k).is_some(), "{k} missing");
    }
    assert!(text.contains(r#""values":{"nobody_before_pct":"#));
    assert!(
        v["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("two-proportion z test"))
    );
}

#[test]
fn an_unknown_id_or_a_missing_table_is_an_error_that_says_so() {
    let mut b = fixture();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    assert_eq!(
        exhibit::build("abb99", &b, &choices),
        Err(ExhibitError::Unknown("abb99".into()))
    );
    b.unreadable.insert(Table::ManagerSurvey);
    let err = exhibit::build("tab10", &b, &choices).unwrap_err();
    assert!(err.to_string().contains("manager_survey"), "{err}");
}

#[test]
fn empty_tables_give_missing_values_not_nan_or_a_panic() {
    let mut b = fixture();
    b.manager_survey.clear();
    b.activity.clear();
    b.staffing.clear();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    for spec in EXHIBITS {
        let e = exhibit::build(spec.id, &b, &choices).unwrap();
        for r in &e.rows {
            assert!(
                r.values.iter().flatten().all(|v| v.is_finite()),
                "{} {}",
                spec.id,
                r.label
            );
        }
        let json = serde_json::to_string(&e).unwrap();
        assert!(!json.contains("NaN"));
    }
    let abb39 = exhibit::build("abb39", &b, &choices).unwrap();
    assert_eq!(abb39.n, 0);
    assert_eq!(abb39.value("plan B", "pct"), None);
}
