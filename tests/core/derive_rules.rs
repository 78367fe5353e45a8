//! The method readings of `[rules]` (docs/bundle-format.md, "Method readings"): parsed from
//! bundle.toml with their defaults, and each changing the capacity measures as documented.

use std::collections::HashMap;
use wirkung::core::bundle::{
    self, CapacityDenominator, CapacityExclude, Manifest, MunicipalCapacity,
};
use wirkung::core::derive::capacity;

fn fixture() -> bundle::Bundle {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exhibits");
    bundle::load(&dir).unwrap()
}

#[test]
fn readings_parse_with_defaults_and_reject_unknown_values() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exhibits");
    let text = std::fs::read_to_string(dir.join("bundle.toml")).unwrap();
    let m: Manifest = toml::from_str(&text).unwrap();
    assert_eq!(m.rules.capacity_exclude, CapacityExclude::AnyMissing);
    assert_eq!(
        m.rules.capacity_denominator,
        CapacityDenominator::AllMunicipalities
    );
    assert_eq!(m.rules.municipal_capacity, MunicipalCapacity::Fte);
    let set = text.replace(
        "housing_max_missing = 0.4",
        "housing_max_missing = 0.4\ncapacity_exclude = \"all_missing\"\nmunicipal_capacity = \"per_100_target_persons\"\ncapacity_denominator = \"same_municipalities\"",
    );
    let m: Manifest = toml::from_str(&set).unwrap();
    assert_eq!(m.rules.capacity_exclude, CapacityExclude::AllMissing);
    assert_eq!(
        m.rules.capacity_denominator,
        CapacityDenominator::SameMunicipalities
    );
    assert_eq!(
        m.rules.municipal_capacity,
        MunicipalCapacity::Per100TargetPersons
    );
    let bad = text.replace(
        "housing_max_missing = 0.4",
        "housing_max_missing = 0.4\nmunicipal_capacity = \"hours\"",
    );
    let err = toml::from_str::<Manifest>(&bad).unwrap_err().to_string();
    assert!(
        err.contains("municipal_capacity") || err.contains("hours"),
        "{err}"
    );
}

#[test]
fn per_100_divides_each_change_by_its_target_persons() {
    let mut b = fixture();
    let fte: HashMap<String, f64> = capacity::municipality_capacity_change(&b)
        .values
        .into_iter()
        .map(|v| (v.unit_id, v.value))
        .collect();
    b.manifest.rules.municipal_capacity = MunicipalCapacity::Per100TargetPersons;
    let per_100 = capacity::municipality_capacity_change(&b);
    let base = b.manifest.periods.housing_base;
    assert!(!per_100.values.is_empty());
    for v in &per_100.values {
        let t = b
            .target_group
            .iter()
            .find(|r| r.municipality_id == v.unit_id && r.wave == base)
            .and_then(|r| r.target_persons)
            .unwrap() as f64;
        assert!((v.value - fte[&v.unit_id] / (t / 100.0)).abs() < 1e-12);
    }
    // Every municipality with an FTE change is either measured or excluded for lacking
    // target persons.
    let dropped = per_100
        .excluded
        .iter()
        .filter(|e| e.reason.starts_with("no target persons"))
        .count();
    assert_eq!(per_100.values.len() + dropped, fte.len());
}

#[test]
fn all_missing_keeps_districts_that_any_missing_drops() {
    let mut b = fixture();
    let any = capacity::district_capacity_change(&b);
    b.manifest.rules.capacity_exclude = CapacityExclude::AllMissing;
    let all = capacity::district_capacity_change(&b);
    assert!(all.values.len() >= any.values.len());
    for v in &any.values {
        let same = all.values.iter().find(|w| w.unit_id == v.unit_id).unwrap();
        assert_eq!(same.value, v.value, "a complete district keeps its value");
    }
}
