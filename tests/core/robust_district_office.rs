//! The robustness suite on the "IM via the district office vs not" comparison of the shipped
//! sample: every check gives a result or one sentence why it does not apply, and the dose
//! slope (the share instead of the split) matches statsmodels
//! (tests/reference/organisation/make_reference.py).

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, ControlSelection, Outcome};
use wirkung::core::robust::{self, Check, RobustOptions, RobustSuite};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> Bundle {
    bundle::load(&root().join(bundle::SAMPLE_BUNDLE)).expect("the shipped sample loads")
}

fn options() -> RobustOptions {
    RobustOptions {
        draws: 199,
        ..RobustOptions::default()
    }
}

#[test]
fn every_check_answers_for_employment_by_district_share() {
    let bundle = sample();
    let choices = Choices::new(&bundle, Outcome::Employment, Comparison::DistrictOffice);
    let suite = RobustSuite::compute(&bundle, &choices.spec(&bundle), &options());
    assert!(suite.unsupported_reason().is_none());
    for &check in Check::ALL {
        match suite.get(check) {
            Ok(_) => assert_ne!(check, Check::Spillover),
            // Only the spillover is BW vs neighbours' own; it says so.
            Err(e) => {
                assert_eq!(check, Check::Spillover, "{check}: {e}");
                assert!(e.to_string().contains("BW vs neighbours"), "{e}");
            }
        }
    }
}

#[test]
fn every_check_answers_for_housing_by_municipality() {
    let bundle = sample();
    let mut choices = Choices::new(&bundle, Outcome::Housing, Comparison::DistrictOffice);
    choices.level = Level::Municipality;
    let suite = RobustSuite::compute(&bundle, &choices.spec(&bundle), &options());
    assert!(suite.unsupported_reason().is_none());
    let applies: Vec<Check> = Check::ALL
        .iter()
        .copied()
        .filter(|c| suite.get(*c).is_ok())
        .collect();
    // Two survey waves: only the checks of the two-period DiD itself apply.
    assert_eq!(applies, [Check::Ri, Check::Wild, Check::Loo]);
    for &check in Check::ALL {
        if let Err(e) = suite.get(check) {
            assert!(!e.to_string().is_empty(), "{check}");
        }
    }
    let dose = suite.get(Check::Dose).unwrap_err().to_string();
    assert!(dose.contains("own organisation (0 or 1)"), "{dose}");
}

#[test]
fn the_dose_slope_matches_statsmodels() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/reference/organisation/reference.json"))
            .unwrap(),
    )
    .unwrap();
    let bundle = sample();
    for (controls, selection) in [
        ("none", ControlSelection::None),
        ("all", ControlSelection::All),
    ] {
        for (key, weighted) in [("dose_hc1_weighted", true), ("dose_hc1_unweighted", false)] {
            let mut choices =
                Choices::new(&bundle, Outcome::Employment, Comparison::DistrictOffice);
            choices.controls = selection.clone();
            choices.weighted = weighted;
            let r = &reference["sample"]["employment_district"][controls][key];
            let d =
                robust::dose(&bundle, &choices.spec(&bundle), &choices.robust_options()).unwrap();
            let what = format!("{controls} {key}");
            assert_eq!(d.n as u64, r["n"].as_u64().unwrap(), "{what}");
            for (actual, name) in [
                (d.dose.estimate, "estimate"),
                (d.dose.std_error, "std_error"),
                (d.dose.p_value, "p_value"),
                (d.dose.ci_low, "ci_low"),
                (d.dose.ci_high, "ci_high"),
            ] {
                let expected = r[name].as_f64().unwrap();
                assert!(
                    (actual - expected).abs() <= 1e-8 * expected.abs().max(1.0),
                    "{what} {name}: {actual} vs statsmodels {expected}"
                );
            }
        }
    }
}
