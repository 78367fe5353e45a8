//! The district detail's model (`core::view::district`) against values computed from the
//! sample's files with pandas (tests/reference/district/make_district_reference.py), and its
//! reasons for leaving a district out.

use crate::common::assert_close;
use std::path::PathBuf;
use wirkung::core::bundle;
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::view::district::{DistrictView, Membership, find_district};

fn sample() -> wirkung::core::bundle::Bundle {
    bundle::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration"))
        .unwrap()
}

fn reference() -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/district/district_reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_detail_matches_the_pandas_reference() {
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    let reference = reference();
    for (id, r) in reference.as_object().unwrap() {
        let v = DistrictView::build(&b, &choices, id).unwrap();
        for (month, rate) in r["rates"].as_object().unwrap() {
            let got = v
                .series
                .iter()
                .find(|(m, _)| m.to_string() == *month)
                .unwrap_or_else(|| panic!("{id} has no rate in {month}"))
                .1;
            assert_close(got, rate.as_f64().unwrap());
        }
        assert_eq!(
            v.start.map(|s| s.to_string()),
            r["start"].as_str().map(str::to_string),
            "{id}"
        );
        assert_eq!(
            v.municipalities.len() as u64,
            r["municipalities"].as_u64().unwrap()
        );
        match (&v.staffing, r["staffing"].as_object()) {
            (Some(s), Some(e)) => {
                assert_eq!(s.funded as u64, e["funded"].as_u64().unwrap(), "{id}");
                assert_eq!(
                    s.reporting_both as u64,
                    e["reporting_both"].as_u64().unwrap()
                );
                assert_close(s.fte_before, e["fte_before"].as_f64().unwrap());
                assert_close(s.fte_after, e["fte_after"].as_f64().unwrap());
            }
            (None, None) => {}
            other => panic!("{id}: staffing {other:?}"),
        }
        match r["talk_shares"].as_object() {
            Some(e) => {
                assert_close(v.talks[0].share.unwrap(), e["labour"].as_f64().unwrap());
                assert_close(v.talks[1].share.unwrap(), e["housing"].as_f64().unwrap());
            }
            None => assert!(v.talks.is_empty(), "{id}"),
        }
    }
}

/// The group's series is the Trends page's line of the district's group.
#[test]
fn the_group_series_is_the_trends_line_of_its_group() {
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    let trends = wirkung::core::view::trends::TrendsView::build(&b, &choices).unwrap();
    let late = DistrictView::build(&b, &choices, "08326").unwrap();
    assert!(matches!(late.membership, Membership::Control { .. }));
    assert_eq!(late.group_series, trends.control.points);
    let early = DistrictView::build(&b, &choices, "08215").unwrap();
    assert!(matches!(early.membership, Membership::Treated { .. }));
    assert_eq!(early.group_series, trends.treated.points);
}

/// Where a district is left out, the detail says why: a neighbouring state's district is no
/// unit of the comparisons within BW, and a district without grants has no start date.
#[test]
fn the_detail_says_why_a_district_is_left_out() {
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    let munich = DistrictView::build(&b, &choices, "09162").unwrap();
    assert!(matches!(munich.membership, Membership::NotAUnit { .. }));
    assert!(munich.membership_line().contains("not a unit"));
    assert!(munich.estimate_line().is_none());
    assert!(munich.staffing_line().contains("outside BW"));

    // Without grants a BW district has no start and no group.
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_bundle(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration"),
        dir.path(),
    );
    let grants = dir.path().join("grants.csv");
    let text = std::fs::read_to_string(&grants).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains(",08111000,")).collect();
    std::fs::write(&grants, kept.join("\n") + "\n").unwrap();
    let b = bundle::load(dir.path()).unwrap();
    let v = DistrictView::build(&b, &choices, "08111").unwrap();
    assert_eq!(v.start, None);
    let Membership::Excluded { reason } = &v.membership else {
        panic!("{:?}", v.membership);
    };
    assert!(reason.contains("no start date"), "{reason}");
    assert!(v.text().contains("early-start: excluded, no start date"));
}

#[test]
fn districts_are_found_by_id_or_by_their_label() {
    let b = sample();
    assert_eq!(find_district(&b, "08111").unwrap(), "08111");
    assert_eq!(find_district(&b, "stuttgart").unwrap(), "08111");
    assert_eq!(find_district(&b, "Karlsruhe (Landkreis)").unwrap(), "08215");
    let err = find_district(&b, "Karlsruhe").unwrap_err().to_string();
    assert!(err.contains("08212") && err.contains("08215"), "{err}");
    assert!(find_district(&b, "Atlantis").is_err());
}
