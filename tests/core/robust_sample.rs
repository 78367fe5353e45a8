//! The robustness checks on the shipped sample bundle: they run on every employment comparison,
//! and the event study agrees with the report's DiD where theory says it must.

use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::{EstimateOptions, estimate_did};
use wirkung::core::robust::{self, RobustOptions};

fn sample() -> Bundle {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
    bundle::load(&dir).expect("the shipped sample loads")
}

fn spec(bundle: &Bundle, comparison: Comparison, controls: ControlSelection) -> PanelSpec {
    PanelSpec {
        outcome: Outcome::Employment,
        comparison,
        level: Level::District,
        controls,
        rules: bundle.manifest.rules.clone(),
    }
}

/// With unit and period fixed effects and a full set of group × period terms, the coefficient
/// of the end month is exactly the weighted two-period DiD without controls (same units,
/// weights = persons at the base month).
#[test]
fn event_study_end_coefficient_is_the_uncontrolled_did() {
    let bundle = sample();
    for comparison in [
        Comparison::BwVsNeighbours,
        Comparison::Capacity,
        Comparison::EarlyStart,
    ] {
        let es = robust::event_study(
            &bundle,
            &spec(&bundle, comparison, ControlSelection::All),
            &RobustOptions::default(),
        )
        .unwrap();
        let panel =
            derive::panel(&bundle, &spec(&bundle, comparison, ControlSelection::None)).unwrap();
        assert_eq!(es.units, panel.rows.len(), "{comparison}: same districts");
        let did = estimate_did(&panel, EstimateOptions::default()).unwrap();
        let end = bundle.manifest.periods.employment_end.to_string();
        let coefficient = es.coefficients.iter().find(|c| c.period == end).unwrap();
        let expected = did.fit.treated().unwrap().estimate;
        assert!(
            (coefficient.estimate - expected).abs() < 1e-9,
            "{comparison}: event study {} vs DiD {expected}",
            coefficient.estimate
        );
        assert_eq!(
            es.coefficients.len(),
            es.periods - 1,
            "no coefficient for the base"
        );
        assert!(es.coefficients.iter().all(|c| c.period != es.base_period));
    }
}

#[test]
fn every_check_runs_on_the_sample() {
    let bundle = sample();
    let options = RobustOptions {
        draws: 999,
        ..RobustOptions::default()
    };
    let s = spec(&bundle, Comparison::PlanB, ControlSelection::All);
    let loo = robust::leave_one_out(&bundle, &s, &options).unwrap();
    assert_eq!(loo.drops.len(), loo.n);
    assert!(loo.min <= loo.max);
    let ri = robust::randomization_inference(&bundle, &s, &options).unwrap();
    assert_eq!(ri.draws, 999);
    let wild = robust::wild_bootstrap(&bundle, &s, &options).unwrap();
    assert_eq!(wild.cluster_by, "region");
    // Four regions: Webb weights by default, and 999 draws are fewer than their 6^4 vectors.
    assert_eq!(wild.weights, robust::BootstrapWeights::Webb);
    assert!(!wild.enumerated && wild.draws == 999);
    let dose = robust::dose(&bundle, &s, &options).unwrap();
    assert_eq!(dose.n, loo.n);
    let placebo = robust::placebo(&bundle, &s, &options).unwrap();
    assert!(placebo.placebo.std_error > 0.0);
    let staggered = robust::staggered(&bundle, &s, &options).unwrap();
    assert!(staggered.cohorts.len() > 1);
    assert!(staggered.group_time.iter().all(|c| c.control_units > 0));
    // The dispatcher the dashboard uses gives the same results, each with its reading guide.
    // The spillover applies to BW vs neighbours only, so it runs on that comparison.
    let bw = spec(&bundle, Comparison::BwVsNeighbours, ControlSelection::All);
    for &check in robust::Check::ALL {
        let on = if check == robust::Check::Spillover {
            &bw
        } else {
            &s
        };
        let result = robust::run(check, &bundle, on, &options).unwrap();
        let json = serde_json::to_value(&result).unwrap();
        assert_eq!(json["what_it_tests"], check.what_it_tests(), "{check}");
        assert_eq!(json["how_to_read"], check.how_to_read(), "{check}");
    }
    let again = robust::run(robust::Check::Ri, &bundle, &s, &options).unwrap();
    assert_eq!(
        again,
        robust::CheckResult::Ri(ri),
        "seeded: the same draws every time"
    );
}
