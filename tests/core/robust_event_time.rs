//! The event-time estimators (Sun–Abraham with the TWFE event study beside it, imputation,
//! two-stage) against pyfixest and diff-diff, on the fixture with cohort-specific effects
//! (tests/reference/staggered/bundle) and on the shipped sample;
//! tests/reference/staggered/make_reference.py produced the JSON from the bundles' CSVs.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::robust::cohort_panel::EventTimeEstimate;
use wirkung::core::robust::{self, Imputation, RobustOptions, SunAbraham};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(bundle_dir: &str, reference: &str) -> (Bundle, PanelSpec, Value) {
    let bundle = bundle::load(&root().join(bundle_dir)).expect("bundle loads");
    let text = std::fs::read_to_string(root().join("tests/reference/staggered").join(reference))
        .expect("reference JSON");
    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::EarlyStart,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    };
    (bundle, spec, serde_json::from_str(&text).expect("JSON"))
}

fn fixture() -> (Bundle, PanelSpec, Value) {
    load("tests/reference/staggered/bundle", "reference.json")
}

fn sample() -> (Bundle, PanelSpec, Value) {
    load("sample-data/bw-integration", "sample_reference.json")
}

fn options(weighted: bool) -> RobustOptions {
    RobustOptions::weighted(weighted)
}

#[track_caller]
fn close(actual: f64, expected: f64, rel: f64, what: &str) {
    let tol = rel * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs reference {expected} (tolerance {tol:e})"
    );
}

/// Every event time of the reference (`{"l": [estimate, se]}`) against ours, and the overall.
#[track_caller]
fn check_curve(
    ours: &[EventTimeEstimate],
    overall: &EventTimeEstimate,
    reference: &Value,
    point_tol: f64,
    se_tol: Option<f64>,
    what: &str,
) {
    let curve = reference["event_time"].as_object().expect("event_time");
    assert!(!curve.is_empty(), "{what}: empty reference");
    for (l, pair) in curve {
        let l: i32 = l.parse().unwrap();
        let e = ours
            .iter()
            .find(|e| e.event_time == Some(l))
            .unwrap_or_else(|| panic!("{what}: no estimate at event time {l}"));
        close(
            e.estimate,
            pair[0].as_f64().unwrap(),
            point_tol,
            &format!("{what} e={l}"),
        );
        if let Some(tol) = se_tol {
            close(
                e.std_error,
                pair[1].as_f64().unwrap(),
                tol,
                &format!("{what} SE e={l}"),
            );
        }
    }
    assert_eq!(ours.len(), curve.len(), "{what}: event times");
    let o = &reference["overall"];
    close(
        overall.estimate,
        o[0].as_f64().unwrap(),
        point_tol,
        &format!("{what} overall"),
    );
    if let Some(tol) = se_tol {
        close(
            overall.std_error,
            o[1].as_f64().unwrap(),
            tol,
            &format!("{what} overall SE"),
        );
    }
}

fn check_sun_abraham(sa: &SunAbraham, reference: &Value, key: &str) {
    let r = &reference[key];
    check_curve(
        &sa.event_time,
        &sa.overall,
        &r["sun_abraham"],
        1e-6,
        Some(1e-4),
        &format!("Sun-Abraham {key}"),
    );
    check_curve(
        &sa.twfe.event_time,
        &sa.twfe.overall,
        &r["twfe"],
        1e-6,
        Some(1e-4),
        &format!("TWFE {key}"),
    );
    let cells = r["sun_abraham"]["cohort_effects"].as_object().unwrap();
    assert_eq!(cells.len(), sa.cohort_effects.len());
    for c in &sa.cohort_effects {
        let pair = &cells[&format!("{} {}", c.cohort, c.event_time)];
        close(c.estimate, pair[0].as_f64().unwrap(), 1e-6, "delta(g,l)");
        close(
            c.std_error,
            pair[1].as_f64().unwrap(),
            1e-4,
            "delta(g,l) SE",
        );
    }
    assert_eq!(sa.units as u64, reference["units"].as_u64().unwrap());
    assert_eq!(
        sa.control_cohort.to_string(),
        reference["control_cohort"].as_str().unwrap()
    );
}

#[test]
fn sun_abraham_and_twfe_match_pyfixest_on_the_fixture() {
    let (bundle, spec, reference) = fixture();
    for (weighted, key) in [(false, "unweighted"), (true, "weighted")] {
        let sa = robust::sun_abraham(&bundle, &spec, &options(weighted)).unwrap();
        assert_eq!(sa.weighted, weighted);
        check_sun_abraham(&sa, &reference, key);
    }
    // diff-diff's SunAbraham gives the same points (its SEs use its own small-sample factor).
    let sa = robust::sun_abraham(&bundle, &spec, &options(false)).unwrap();
    check_curve(
        &sa.event_time,
        &sa.overall,
        &reference["diff_diff_unweighted"]["sun_abraham"],
        1e-6,
        None,
        "diff-diff SA",
    );
}

#[test]
fn twfe_is_visibly_biased_where_effects_differ_by_cohort() {
    let (bundle, spec, _) = fixture();
    let sa = robust::sun_abraham(&bundle, &spec, &options(false)).unwrap();
    let imp = robust::imputation(&bundle, &spec, &options(false)).unwrap();
    // Early cohorts gain most and longest: TWFE uses them as controls for later cohorts and
    // falls well below both heterogeneity-robust estimates: by more than 0.5 pp, 15% and one
    // and a half of its own standard errors.
    let twfe = &sa.twfe.overall;
    for robust_att in [sa.overall.estimate, imp.overall.estimate] {
        let gap = robust_att - twfe.estimate;
        assert!(
            gap > 0.5 && gap > 0.15 * robust_att && gap > 1.5 * twfe.std_error,
            "{robust_att} vs TWFE {} (SE {})",
            twfe.estimate,
            twfe.std_error
        );
    }
}

#[test]
fn imputation_and_two_stage_match_diff_diff_on_the_fixture() {
    let (bundle, spec, reference) = fixture();
    let dd = &reference["diff_diff_unweighted"];
    let imp = robust::imputation(&bundle, &spec, &options(false)).unwrap();
    check_curve(
        &imp.event_time,
        &imp.overall,
        &dd["imputation"],
        1e-6,
        Some(1e-4),
        "imputation",
    );
    let two = robust::two_stage(&bundle, &spec, &options(false)).unwrap();
    check_curve(
        &two.event_time,
        &two.overall,
        &dd["two_stage"],
        1e-6,
        Some(1e-4),
        "two-stage",
    );
    // pyfixest's did2s: the same GMM SEs; its points come from iterated demeaning (tolerance
    // 1e-8), so they sit ~1e-6 from the exact ones.
    check_curve(
        &two.event_time,
        &two.overall,
        &reference["unweighted"]["two_stage"],
        1e-5,
        Some(1e-4),
        "did2s",
    );
}

#[test]
fn weighted_imputation_and_two_stage_match_diff_diff_and_did2s() {
    let (bundle, spec, reference) = fixture();
    let dd = &reference["diff_diff_weighted"];
    let imp = robust::imputation(&bundle, &spec, &options(true)).unwrap();
    assert!(imp.weighted && imp.weighting.contains("persons"));
    // diff-diff takes weights only as a survey design, whose linearised variance is another
    // convention (about G/(G-1) larger): points only.
    check_curve(
        &imp.event_time,
        &imp.overall,
        &dd["imputation"],
        1e-6,
        None,
        "imputation weighted",
    );
    let two = robust::two_stage(&bundle, &spec, &options(true)).unwrap();
    check_curve(
        &two.event_time,
        &two.overall,
        &dd["two_stage"],
        1e-6,
        Some(1e-4),
        "two-stage weighted",
    );
    // did2s with weights: its iterated first stage leaves its points ~1e-5 off.
    check_curve(
        &two.event_time,
        &two.overall,
        &reference["weighted"]["two_stage"],
        1e-4,
        Some(1e-4),
        "did2s weighted",
    );
}

#[track_caller]
fn same_points(a: &Imputation, b: &Imputation) {
    assert_eq!(a.event_time.len(), b.event_time.len());
    for (x, y) in a
        .event_time
        .iter()
        .zip(&b.event_time)
        .chain([(&a.overall, &b.overall)])
    {
        assert_eq!(x.event_time, y.event_time);
        close(x.estimate, y.estimate, 1e-10, "imputation = two-stage");
    }
}

#[test]
fn imputation_equals_two_stage_on_bundles_not_tuned_for_it() {
    // The robustness checks' fixture and the shipped sample were made for other tests.
    for dir in [
        "tests/reference/robust/bundle",
        "sample-data/bw-integration",
    ] {
        let (bundle, spec, _) = load(dir, "reference.json");
        for weighted in [false, true] {
            let imp = robust::imputation(&bundle, &spec, &options(weighted)).unwrap();
            let two = robust::two_stage(&bundle, &spec, &options(weighted)).unwrap();
            same_points(&imp, &two);
            // Same points, different variance conventions: the SEs must not coincide.
            assert!((imp.overall.std_error - two.overall.std_error).abs() > 1e-9);
        }
    }
}

#[test]
fn event_time_estimators_match_on_the_sample() {
    let (bundle, spec, reference) = sample();
    for (weighted, key) in [(false, "unweighted"), (true, "weighted")] {
        let sa = robust::sun_abraham(&bundle, &spec, &options(weighted)).unwrap();
        check_sun_abraham(&sa, &reference, key);
    }
    let dd = &reference["diff_diff_unweighted"];
    let imp = robust::imputation(&bundle, &spec, &options(false)).unwrap();
    check_curve(
        &imp.event_time,
        &imp.overall,
        &dd["imputation"],
        1e-6,
        Some(1e-4),
        "imputation (sample)",
    );
    let two = robust::two_stage(&bundle, &spec, &options(false)).unwrap();
    check_curve(
        &two.event_time,
        &two.overall,
        &dd["two_stage"],
        1e-6,
        Some(1e-4),
        "two-stage (sample)",
    );
    // The sample's control cohort is a single district: the result says so.
    let sa = robust::sun_abraham(&bundle, &spec, &options(true)).unwrap();
    assert_eq!(sa.control_units, 1);
    let shown = wirkung::core::view::event_time::sun_abraham_shown(&sa);
    assert!(
        shown
            .warnings
            .iter()
            .any(|w| w.contains("only one district")),
        "{:?}",
        shown.warnings
    );
}

#[test]
fn housing_is_not_supported() {
    let (bundle, mut spec, _) = sample();
    spec.outcome = Outcome::Housing;
    for check in [
        robust::Check::SunAbraham,
        robust::Check::Imputation,
        robust::Check::TwoStage,
    ] {
        let err = robust::run(check, &bundle, &spec, &options(true)).unwrap_err();
        assert!(err.is_usage(), "{check}: {err}");
    }
}
