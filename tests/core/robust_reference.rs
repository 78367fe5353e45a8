//! The robustness checks against independent implementations (pyfixest, statsmodels,
//! wildboottest, csdid) on the synthetic bundle in tests/reference/robust; the script
//! tests/reference/robust/make_reference.py produced reference.json.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::period::Month;
use wirkung::core::robust::{self, BootstrapWeights, Frequency, RobustOptions};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/robust")
}

fn load() -> (Bundle, Value) {
    let bundle = bundle::load(&dir().join("bundle")).expect("robust bundle loads");
    let text = std::fs::read_to_string(dir().join("reference.json")).expect("reference.json");
    (
        bundle,
        serde_json::from_str(&text).expect("reference is JSON"),
    )
}

fn spec(bundle: &Bundle, comparison: Comparison) -> PanelSpec {
    PanelSpec {
        outcome: Outcome::Employment,
        comparison,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    }
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[track_caller]
fn close(actual: f64, expected: f64, rel: f64, what: &str) {
    let tol = rel * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs reference {expected} (tolerance {tol:e})"
    );
}

fn check_event_study(comparison: Comparison, frequency: Frequency, key: &str) {
    let (bundle, reference) = load();
    let r = &reference["event_study"][key];
    let options = RobustOptions {
        frequency,
        ..RobustOptions::default()
    };
    let es = robust::event_study(&bundle, &spec(&bundle, comparison), &options).unwrap();
    let periods = r["periods"].as_array().unwrap();
    assert_eq!(
        es.coefficients.len(),
        periods.len(),
        "{key}: number of coefficients"
    );
    for (i, c) in es.coefficients.iter().enumerate() {
        let expected_label = periods[i].as_str().unwrap();
        let label = match frequency {
            Frequency::Monthly => expected_label.to_string(),
            Frequency::Quarterly => {
                let m: Month = expected_label.parse().unwrap();
                format!("{}Q{}", m.year, m.quarter())
            }
        };
        assert_eq!(c.period, label);
        close(
            c.estimate,
            num(&r["estimate"][i]),
            1e-8,
            &format!("{key} {label} estimate"),
        );
        close(
            c.std_error_hc1,
            num(&r["std_error_hc1"][i]),
            1e-8,
            &format!("{key} {label} HC1 SE"),
        );
        close(
            c.std_error_cluster,
            num(&r["std_error_cluster"][i]),
            1e-8,
            &format!("{key} {label} CRV1 SE"),
        );
    }
    let hc1 = es.pre_trend_hc1.as_ref().expect("HC1 pre-trend test");
    close(hc1.f, num(&r["pre_trend_hc1"]["f"]), 1e-7, "HC1 Wald F");
    assert_eq!(hc1.df_den as f64, num(&r["pre_trend_hc1"]["df_den"]));
    close(
        hc1.p_value,
        num(&r["pre_trend_hc1"]["p_value"]),
        1e-7,
        "HC1 Wald p",
    );
    match (&es.pre_trend_cluster, r.get("pre_trend_cluster")) {
        (Some(w), Some(expected)) => {
            close(w.f, num(&expected["f"]), 1e-6, "clustered Wald F");
            close(
                w.p_value,
                num(&expected["p_value"]),
                1e-6,
                "clustered Wald p",
            );
        }
        (None, None) => {}
        (mine, theirs) => panic!("clustered Wald: {mine:?} vs {theirs:?}"),
    }
}

#[test]
fn event_study_monthly_matches_pyfixest_hetero_and_crv1() {
    check_event_study(
        Comparison::BwVsNeighbours,
        Frequency::Monthly,
        "bw-vs-neighbours monthly",
    );
}

#[test]
fn event_study_quarterly_matches_pyfixest_with_clustered_pre_trend_test() {
    check_event_study(
        Comparison::EarlyStart,
        Frequency::Quarterly,
        "early-start quarterly",
    );
}

#[test]
fn dose_matches_pyfixest() {
    let (bundle, reference) = load();
    let r = &reference["dose capacity"];
    let d = robust::dose(
        &bundle,
        &spec(&bundle, Comparison::Capacity),
        &RobustOptions::default(),
    )
    .unwrap();
    close(d.dose.estimate, num(&r["estimate"]), 1e-8, "dose slope");
    close(d.dose.std_error, num(&r["std_error"]), 1e-8, "dose SE");
    close(d.dose.p_value, num(&r["p_value"]), 1e-7, "dose p");
}

#[test]
fn placebo_matches_statsmodels() {
    let (bundle, reference) = load();
    let r = &reference["placebo early-start"];
    let p = robust::placebo(
        &bundle,
        &spec(&bundle, Comparison::EarlyStart),
        &RobustOptions::default(),
    )
    .unwrap();
    assert_eq!(p.placebo_base.to_string(), "2015-12");
    close(
        p.placebo.estimate,
        num(&r["estimate"]),
        1e-8,
        "placebo estimate",
    );
    close(
        p.placebo.std_error,
        num(&r["std_error"]),
        1e-8,
        "placebo SE",
    );
    close(p.placebo.p_value, num(&r["p_value"]), 1e-7, "placebo p");
}

#[test]
fn leave_one_out_matches_statsmodels_for_every_unit() {
    let (bundle, reference) = load();
    let r = &reference["loo bw-vs-neighbours"];
    let l = robust::leave_one_out(
        &bundle,
        &spec(&bundle, Comparison::BwVsNeighbours),
        &RobustOptions::default(),
    )
    .unwrap();
    close(l.estimate, num(&r["full"]), 1e-8, "full estimate");
    assert_eq!(l.drops.len(), r["drops"].as_object().unwrap().len());
    for d in &l.drops {
        close(
            d.estimate.unwrap(),
            num(&r["drops"][&d.unit_id]),
            1e-8,
            &d.unit_id,
        );
    }
    let biggest = l
        .drops
        .iter()
        .map(|d| d.shift.unwrap().abs())
        .fold(0.0, f64::max);
    assert_eq!(l.most_influential[0].shift.unwrap().abs(), biggest);
    assert!(l.min <= l.estimate.min(l.max) && l.max >= l.min);
}

fn wild(comparison: Comparison, weights: BootstrapWeights, draws: usize) -> robust::WildBootstrap {
    let (bundle, _) = load();
    let options = RobustOptions {
        bootstrap_weights: weights,
        draws,
        ..RobustOptions::default()
    };
    robust::wild_bootstrap(&bundle, &spec(&bundle, comparison), &options).unwrap()
}

#[test]
fn wild_rademacher_with_four_regions_enumerates_and_equals_wildboottest() {
    let (_, reference) = load();
    for (comparison, key, by) in [
        (Comparison::Capacity, "capacity rademacher", "region"),
        (
            Comparison::BwVsNeighbours,
            "bw-vs-neighbours rademacher",
            "state",
        ),
    ] {
        let r = &reference["wild"][key];
        let w = wild(comparison, BootstrapWeights::Rademacher, 9_999);
        assert!(w.enumerated, "{key}: 2^4 sign vectors are enumerated");
        assert_eq!(w.draws, 16);
        assert_eq!(w.cluster_by, by);
        assert_eq!(w.clusters.len(), 4);
        close(w.t_cr1, num(&r["t"]), 1e-8, &format!("{key} t"));
        assert_eq!(
            w.p_value,
            num(&r["p_value"]),
            "{key}: enumerated p-values agree exactly"
        );
    }
}

#[test]
fn wild_webb_with_four_regions_enumerates_all_1296_vectors_and_equals_wildboottest() {
    let (_, reference) = load();
    let r = &reference["wild"]["early-start webb"];
    assert_eq!(r["draws"].as_u64(), Some(1296));
    let w = wild(Comparison::EarlyStart, BootstrapWeights::Webb, 9_999);
    assert!(w.enumerated, "6^4 = 1296 <= 9999 draws: enumerated");
    assert_eq!(w.draws, 1296);
    assert_eq!(w.p_resolution, 1.0 / 1296.0);
    close(w.t_cr1, num(&r["t"]), 1e-8, "t");
    assert_eq!(
        w.p_value,
        num(&r["p_value"]),
        "enumerated p-values agree exactly"
    );
    // The interval is the hull of the accepted nulls: it holds the estimate, and 0 when
    // H0: beta = 0 is accepted (p just above 0.05 here).
    let lo = w.ci_low.unwrap_or(f64::NEG_INFINITY);
    let hi = w.ci_high.unwrap_or(f64::INFINITY);
    assert_eq!(w.ci_bounded, w.ci_low.is_some() && w.ci_high.is_some());
    assert!(lo < w.estimate && w.estimate < hi);
    if w.p_value >= 0.05 {
        assert!(
            lo <= 0.0 && 0.0 <= hi,
            "0 accepted (p = {}) but outside [{lo}, {hi}]",
            w.p_value
        );
    }
}

#[test]
fn wild_webb_drawn_at_random_is_within_monte_carlo_error_of_wildboottest() {
    let (_, reference) = load();
    let r = &reference["wild"]["early-start webb drawn"];
    let w = wild(Comparison::EarlyStart, BootstrapWeights::Webb, 999);
    assert!(!w.enumerated, "999 < 6^4 draws: drawn at random");
    assert_eq!(w.draws, 999);
    close(w.t_cr1, num(&r["t"]), 1e-8, "t");
    // Different random draws on each side: the difference of two p-values near 0.05 from 999
    // draws each has a standard deviation of about 0.01; four of them is the tolerance.
    let expected = num(&r["p_value"]);
    assert!(
        (w.p_value - expected).abs() < 0.04,
        "Webb p {} vs wildboottest {expected}",
        w.p_value
    );
    // And both are near the exact (enumerated) p-value.
    let exact = num(&reference["wild"]["early-start webb"]["p_value"]);
    assert!(
        (w.p_value - exact).abs() < 0.04,
        "{} vs exact {exact}",
        w.p_value
    );
}

#[test]
fn staggered_group_time_atts_match_csdid() {
    let (bundle, reference) = load();
    let r = &reference["staggered"];
    let s = robust::staggered(
        &bundle,
        &spec(&bundle, Comparison::EarlyStart),
        &RobustOptions::default(),
    )
    .unwrap();
    let expected = r["group_time"].as_array().unwrap();
    let finite: Vec<&Value> = expected.iter().filter(|c| c["att"].is_f64()).collect();
    assert_eq!(s.group_time.len(), finite.len(), "number of ATT(g,t) cells");
    for e in finite {
        let cell = s
            .group_time
            .iter()
            .find(|c| {
                c.cohort.to_string() == e["cohort"].as_str().unwrap()
                    && c.month.to_string() == e["month"].as_str().unwrap()
            })
            .unwrap_or_else(|| panic!("no cell for {e}"));
        assert!(
            (cell.att - num(&e["att"])).abs() < 1e-6,
            "ATT {e} vs {}",
            cell.att
        );
        close(cell.std_error, num(&e["std_error"]), 1e-6, "ATT(g,t) SE");
    }
    for e in &s.event_time {
        let x = &r["event_time"][e.event_time.to_string()];
        assert!(
            (e.aggregate.estimate - num(&x[0])).abs() < 1e-6,
            "theta({})",
            e.event_time
        );
        close(e.aggregate.std_error, num(&x[1]), 1e-6, "theta SE");
    }
    assert!((s.overall.estimate - num(&r["overall"]["estimate"])).abs() < 1e-6);
    close(
        s.overall.std_error,
        num(&r["overall"]["std_error"]),
        1e-6,
        "overall SE",
    );
}
