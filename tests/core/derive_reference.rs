//! Panels and trends of the hand fixture against an independent Python implementation of
//! bundle-format.md (tests/fixtures/hand/reference/derive.py → panels.json).

use crate::common;

use serde_json::Value;
use wirkung::core::bundle::Bundle;
use wirkung::core::derive::{self, ControlSelection, Outcome, PanelSpec, parse_level};

fn reference() -> Value {
    let path = common::hand_dir().join("reference/panels.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn spec(b: &Bundle, v: &Value) -> PanelSpec {
    PanelSpec {
        outcome: v["outcome"].as_str().unwrap().parse().unwrap(),
        comparison: v["comparison"].as_str().unwrap().parse().unwrap(),
        level: parse_level(v["level"].as_str().unwrap_or("district")).unwrap(),
        controls: v["controls"]
            .as_str()
            .unwrap_or("none")
            .parse::<ControlSelection>()
            .unwrap(),
        rules: b.manifest.rules.clone(),
    }
}

fn close(a: f64, b: &Value) -> bool {
    (a - b.as_f64().unwrap()).abs() < 1e-9
}

fn check_panels(b: &Bundle) {
    for expected in reference()["panels"].as_array().unwrap() {
        let s = spec(b, expected);
        let what = format!("{} / {} / {}", s.outcome, s.comparison, expected["level"]);
        let p = derive::panel(b, &s).unwrap_or_else(|e| panic!("{what}: {e}"));
        match (p.median, expected["median"].as_f64()) {
            (Some(m), Some(e)) => assert!((m - e).abs() < 1e-9, "{what}: median {m} vs {e}"),
            (m, e) => assert_eq!(m, e, "{what}: median"),
        }
        let rows = expected["rows"].as_array().unwrap();
        assert_eq!(p.rows.len(), rows.len(), "{what}: rows {:?}", p.rows);
        for (got, want) in p.rows.iter().zip(rows) {
            assert_eq!(got.unit_id, want["unit_id"].as_str().unwrap(), "{what}");
            assert_eq!(
                got.treated,
                want["treated"].as_bool().unwrap(),
                "{what}: {}",
                got.unit_id
            );
            assert!(
                close(got.outcome_base, &want["outcome_base"]),
                "{what}: {} base",
                got.unit_id
            );
            assert!(
                close(got.outcome_end, &want["outcome_end"]),
                "{what}: {} end",
                got.unit_id
            );
            assert!(
                close(got.weight, &want["weight"]),
                "{what}: {} weight",
                got.unit_id
            );
            match (got.measure, &want["measure"]) {
                (None, Value::Null) => {}
                (Some(m), w) => assert!(close(m, w), "{what}: {} measure", got.unit_id),
                (None, w) => panic!("{what}: {} measure None vs {w}", got.unit_id),
            }
            let controls: Vec<f64> = want["controls"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_f64().unwrap())
                .collect();
            assert_eq!(got.controls, controls, "{what}: {} controls", got.unit_id);
        }
        let excluded: Vec<&str> = p.excluded.iter().map(|e| e.unit.as_str()).collect();
        let want: Vec<&str> = expected["excluded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert_eq!(excluded, want, "{what}: excluded");
        assert!(p.excluded.iter().all(|e| !e.reason.is_empty()));
    }
}

fn check_trends(b: &Bundle) {
    for expected in reference()["trends"].as_array().unwrap() {
        let s = spec(b, expected);
        assert!(matches!(
            s.outcome,
            Outcome::Employment | Outcome::EmploymentSv
        ));
        let t = derive::trends(b, &s).unwrap();
        let points = expected["points"].as_array().unwrap();
        assert_eq!(t.points.len(), points.len());
        for (got, want) in t.points.iter().zip(points) {
            assert_eq!(got.month.to_string(), want["month"].as_str().unwrap());
            assert_eq!(got.group.id(), want["group"].as_str().unwrap());
            assert!(
                close(got.rate, &want["rate"]),
                "{} {:?} rate",
                got.month,
                got.group
            );
            assert!(
                close(got.persons, &want["persons"]),
                "{} {:?} persons",
                got.month,
                got.group
            );
        }
    }
}

#[test]
fn panels_match_the_python_reference() {
    for b in common::hand() {
        check_panels(&b);
    }
}

#[test]
fn trends_match_the_python_reference() {
    for b in common::hand() {
        check_trends(&b);
    }
}
