//! The "IM via the district office vs not" comparison (`--comparison district-office`): the
//! split and the DiD against pandas + statsmodels (tests/reference/organisation/
//! make_reference.py, on the synthetic fixture of make_fixture.py and on the shipped sample).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::choices::Choices;
use wirkung::core::derive::panel::assign_groups;
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome};
use wirkung::core::estimate::{EstimateOptions, VarianceType, estimate_did};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reference() -> Value {
    let path = root().join("tests/reference/organisation/reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("reference.json")).expect("JSON")
}

fn load(which: &str) -> Bundle {
    let path = match which {
        "fixture" => root().join("tests/reference/organisation/bundle"),
        _ => root().join(bundle::SAMPLE_BUNDLE),
    };
    bundle::load(&path).expect("bundle loads")
}

#[track_caller]
fn close(actual: f64, expected: &Value, what: &str) {
    let expected = expected.as_f64().expect("a number");
    let tol = 1e-8 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs statsmodels {expected}"
    );
}

fn ids(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("ids")
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_district_split_matches_pandas() {
    let reference = reference();
    for which in ["fixture", "sample"] {
        let bundle = load(which);
        let r = &reference[which]["split"];
        let groups = assign_groups(
            &bundle,
            Comparison::DistrictOffice,
            Level::District,
            &bundle.manifest.rules,
        )
        .unwrap();
        close(groups.median.unwrap(), &r["median"], "median");
        let shares = r["shares"].as_object().unwrap();
        assert_eq!(groups.assigned.len(), shares.len(), "{which}");
        for (id, share) in shares {
            let a = &groups.assigned[id];
            close(a.measure.unwrap(), share, &format!("{which} share {id}"));
        }
        let treated: BTreeSet<String> = groups
            .assigned
            .iter()
            .filter(|(_, a)| a.treated)
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(treated, ids(&r["treated"]), "{which}");
        let excluded: BTreeSet<String> = groups.excluded.iter().map(|e| e.unit.clone()).collect();
        assert_eq!(excluded, ids(&r["excluded"]), "{which}");
    }
}

#[test]
fn ties_at_the_median_and_districts_without_organisation_are_handled_and_said() {
    let bundle = load("fixture");
    let groups = assign_groups(
        &bundle,
        Comparison::DistrictOffice,
        Level::District,
        &bundle.manifest.rules,
    )
    .unwrap();
    // Three districts sit exactly at the median 1/2: "above the median" leaves them control.
    assert_eq!(groups.median, Some(0.5));
    let at_median: Vec<_> = groups
        .assigned
        .values()
        .filter(|a| a.measure == Some(0.5))
        .collect();
    assert_eq!(at_median.len(), 3);
    assert!(at_median.iter().all(|a| !a.treated));
    let reason = |unit: &str| {
        groups
            .excluded
            .iter()
            .find(|e| e.unit == unit)
            .map(|e| e.reason.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        reason("08122"),
        "no organisation of IM (municipalities.organisation) for any of its 3 funded municipalities"
    );
    assert_eq!(
        reason("08123"),
        "no funded municipality, so no IM to organise"
    );
    // At municipality level the municipality's own organisation decides; no median.
    let m = assign_groups(
        &bundle,
        Comparison::DistrictOffice,
        Level::Municipality,
        &bundle.manifest.rules,
    )
    .unwrap();
    assert_eq!(m.median, None);
    assert!(m.assigned.values().all(|a| a.measure.is_none()));
    let reasons: BTreeSet<&str> = m.excluded.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        BTreeSet::from([
            "no organisation of IM (municipalities.organisation is empty)",
            "not funded, so no IM to organise",
        ])
    );
    assert_eq!(m.units.len(), m.assigned.len() + m.excluded.len());
}

#[test]
fn the_estimates_match_statsmodels_weighted_unweighted_and_clustered() {
    let reference = reference();
    for which in ["fixture", "sample"] {
        let bundle = load(which);
        for (key, outcome, level) in [
            ("employment_district", Outcome::Employment, Level::District),
            (
                "housing_municipality",
                Outcome::Housing,
                Level::Municipality,
            ),
        ] {
            for (controls, selection) in [
                ("none", ControlSelection::None),
                ("all", ControlSelection::All),
            ] {
                let r = &reference[which][key][controls];
                let mut choices = Choices::new(&bundle, outcome, Comparison::DistrictOffice);
                choices.level = level;
                choices.controls = selection.clone();
                let panel = derive::panel(&bundle, &choices.spec(&bundle)).unwrap();
                let units: BTreeSet<String> =
                    panel.rows.iter().map(|r| r.unit_id.clone()).collect();
                assert_eq!(units, ids(&r["units"]), "{which} {key} {controls}");
                for (conv, variance, weighted) in [
                    ("hc1_weighted", VarianceType::Hc1, true),
                    ("hc1_unweighted", VarianceType::Hc1, false),
                    ("cr1_weighted", VarianceType::Cr1, true),
                ] {
                    let what = format!("{which} {key} {controls} {conv}");
                    let e = estimate_did(&panel, EstimateOptions { variance, weighted })
                        .unwrap_or_else(|err| panic!("{what}: {err}"));
                    let x = &r[conv];
                    let c = e.fit.treated().unwrap();
                    assert_eq!(e.fit.n as u64, x["n"].as_u64().unwrap(), "{what}");
                    close(c.estimate, &x["estimate"], &format!("{what} estimate"));
                    close(c.std_error, &x["std_error"], &format!("{what} SE"));
                    close(c.p_value, &x["p_value"], &format!("{what} p"));
                    close(c.ci_low, &x["ci_low"], &format!("{what} CI low"));
                    close(c.ci_high, &x["ci_high"], &format!("{what} CI high"));
                    close(e.fit.r2, &x["r2"], &format!("{what} R²"));
                }
            }
        }
    }
}
