//! The robustness checks on the shipped sample (BW vs neighbours with the report's controls;
//! Callaway-Sant'Anna on the BW districts)
//! against pyfixest, statsmodels, wildboottest and csdid; tests/reference/robust/make_sample_reference.py
//! produced sample_reference.json from the sample's CSVs.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::robust::{self, RobustOptions};

fn load() -> (Bundle, PanelSpec, Value) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let bundle = bundle::load(&root.join("sample-data/bw-integration")).expect("sample loads");
    let text = std::fs::read_to_string(root.join("tests/reference/robust/sample_reference.json"))
        .expect("sample_reference.json");
    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::BwVsNeighbours,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    };
    (bundle, spec, serde_json::from_str(&text).expect("JSON"))
}

#[track_caller]
fn close(actual: f64, expected: &Value, rel: f64, what: &str) {
    let expected = expected
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number"));
    let tol = rel * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs reference {expected} (tolerance {tol:e})"
    );
}

#[test]
fn monthly_event_study_on_the_sample_matches_pyfixest() {
    let (bundle, spec, reference) = load();
    let r = &reference["event_study"];
    let es = robust::event_study(&bundle, &spec, &RobustOptions::default()).unwrap();
    assert_eq!(es.units as u64, reference["units"].as_u64().unwrap());
    let periods = r["periods"].as_array().unwrap();
    assert_eq!(es.coefficients.len(), periods.len());
    for (i, c) in es.coefficients.iter().enumerate() {
        assert_eq!(c.period, periods[i].as_str().unwrap());
        close(c.estimate, &r["estimate"][i], 1e-8, &c.period);
        close(c.std_error_hc1, &r["std_error_hc1"][i], 1e-8, &c.period);
        close(
            c.std_error_cluster,
            &r["std_error_cluster"][i],
            1e-8,
            &c.period,
        );
    }
}

#[test]
fn placebo_and_leave_one_out_on_the_sample_match_statsmodels() {
    let (bundle, spec, reference) = load();
    let p = robust::placebo(&bundle, &spec, &RobustOptions::default()).unwrap();
    close(
        p.placebo.estimate,
        &reference["placebo"]["estimate"],
        1e-8,
        "placebo",
    );
    close(
        p.placebo.std_error,
        &reference["placebo"]["std_error"],
        1e-8,
        "placebo SE",
    );
    close(
        p.placebo.p_value,
        &reference["placebo"]["p_value"],
        1e-7,
        "placebo p",
    );

    let l = robust::leave_one_out(&bundle, &spec, &RobustOptions::default()).unwrap();
    let r = &reference["loo"];
    close(l.estimate, &r["full"], 1e-8, "full estimate");
    assert_eq!(l.drops.len(), r["drops"].as_object().unwrap().len());
    for d in &l.drops {
        close(
            d.estimate.unwrap(),
            &r["drops"][&d.unit_id],
            1e-8,
            &d.unit_id,
        );
    }
}

/// Enumerated p-values are exact fractions: equal to wildboottest's with the same tie rule.
#[test]
fn wild_bootstrap_on_the_sample_equals_wildboottest_for_both_weights_and_comparisons() {
    let (bundle, spec, reference) = load();
    for (comparison, weights, key, draws) in [
        (
            Comparison::BwVsNeighbours,
            robust::BootstrapWeights::Rademacher,
            "bw-vs-neighbours rademacher",
            16,
        ),
        (
            Comparison::BwVsNeighbours,
            robust::BootstrapWeights::Auto,
            "bw-vs-neighbours webb",
            1296,
        ),
        (
            Comparison::EarlyStart,
            robust::BootstrapWeights::Auto,
            "early-start webb",
            1296,
        ),
        (
            Comparison::EarlyStart,
            robust::BootstrapWeights::Rademacher,
            "early-start rademacher",
            16,
        ),
    ] {
        let spec = PanelSpec {
            comparison,
            ..spec.clone()
        };
        let options = RobustOptions {
            bootstrap_weights: weights,
            ..RobustOptions::default()
        };
        let w = robust::wild_bootstrap(&bundle, &spec, &options).unwrap();
        let r = &reference["wild"][key];
        assert!(
            w.enumerated && w.draws == draws,
            "{key}: all {draws} vectors"
        );
        assert_eq!(r["draws"].as_u64(), Some(draws as u64), "{key}");
        close(w.t_cr1, &r["t"], 1e-8, &format!("{key}: t (CR1)"));
        assert_eq!(Some(w.p_value), r["p_value"].as_f64(), "{key}: p");
        // Ties count: the constant vectors always reproduce |t|.
        let constant = if draws == 16 { 2.0 } else { 6.0 };
        assert!(
            w.p_value >= constant / draws as f64,
            "{key}: p = {}",
            w.p_value
        );
        assert_eq!(w.p_resolution, 1.0 / draws as f64);
    }
}

#[test]
fn callaway_santanna_overall_att_on_the_sample_matches_csdid() {
    let (bundle, spec, reference) = load();
    let spec = PanelSpec {
        comparison: Comparison::EarlyStart,
        ..spec
    };
    let s = robust::staggered(&bundle, &spec, &RobustOptions::default()).unwrap();
    let r = &reference["staggered"];
    assert!((s.overall.estimate - r["estimate"].as_f64().unwrap()).abs() < 1e-6);
    close(s.overall.std_error, &r["std_error"], 1e-6, "overall SE");
}
