//! Honest inference: no p-value finer than its draws, no verdict stronger than its power, and
//! a visible warning where few units or one treated cluster make the usual standard errors
//! unreliable. Reference values: tests/reference/robust/make_sample_reference.py (wildboottest)
//! and make_pretrend_power_reference.py (pyfixest covariances, scipy multivariate normal).

use nalgebra::DMatrix;
use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::did::{HIGH_LEVERAGE, SmallSampleWarning};
use wirkung::core::estimate::{EstimateOptions, VarianceType, estimate_did};
use wirkung::core::robust::pretrend_power::LinearPretest;
use wirkung::core::robust::wild::{WEBB_BELOW_CLUSTERS, multipliers};
use wirkung::core::robust::{self, BootstrapWeights, Frequency, PretrendVariance, RobustOptions};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> Bundle {
    bundle::load(&root().join("sample-data/bw-integration")).expect("the sample loads")
}

fn fixture() -> Bundle {
    bundle::load(&root().join("tests/reference/robust/bundle")).expect("the fixture loads")
}

fn json(name: &str) -> Value {
    let path = root().join("tests/reference/robust").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect(name)).expect("JSON")
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

// --- wild cluster bootstrap ----------------------------------------------------------------

#[test]
fn webb_weights_are_the_default_below_twelve_clusters_and_enumerated_when_they_fit() {
    assert_eq!(
        RobustOptions::default().bootstrap_weights,
        BootstrapWeights::Auto
    );
    assert_eq!(WEBB_BELOW_CLUSTERS, 12);
    assert_eq!(BootstrapWeights::Auto.resolve(11), BootstrapWeights::Webb);
    assert_eq!(
        BootstrapWeights::Auto.resolve(12),
        BootstrapWeights::Rademacher
    );
    assert_eq!(
        BootstrapWeights::Rademacher.resolve(4),
        BootstrapWeights::Rademacher,
        "an explicit choice stays"
    );
    // The CLI's spellings, parsed by clap as `--weights` parses them.
    for s in ["auto", "rademacher", "webb"] {
        assert!(
            <BootstrapWeights as clap::ValueEnum>::from_str(s, false).is_ok(),
            "{s}"
        );
    }
    assert!(<BootstrapWeights as clap::ValueEnum>::from_str("mammen", false).is_err());

    let (v, enumerated) = multipliers(BootstrapWeights::Auto, 4, 9_999, 1);
    assert!(enumerated);
    assert_eq!(v.len(), 1296);
    let mut distinct: Vec<String> = v.iter().map(|d| format!("{d:?}")).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 1296, "every Webb vector once");
    let points = [1.5f64.sqrt(), 1.0, 0.5f64.sqrt()];
    assert!(
        v.iter()
            .flatten()
            .all(|x| points.iter().any(|p| (x.abs() - p).abs() < 1e-15))
    );
    // 6^G <= draws enumerates; one draw fewer samples.
    assert!(multipliers(BootstrapWeights::Webb, 4, 1296, 1).1);
    let (drawn, enumerated) = multipliers(BootstrapWeights::Webb, 4, 1295, 1);
    assert!(!enumerated && drawn.len() == 1295);
    // Rademacher as wildboottest: enumerated when 2^G < draws.
    assert_eq!(
        multipliers(BootstrapWeights::Rademacher, 4, 17, 1).0.len(),
        16
    );
    assert!(!multipliers(BootstrapWeights::Rademacher, 4, 16, 1).1);
    // Twelve clusters: Rademacher, all 4096 sign vectors within 9,999 draws.
    let (v, enumerated) = multipliers(BootstrapWeights::Auto, 12, 9_999, 1);
    assert!(enumerated && v.len() == 4096);
}

/// The shipped sample's default Robustness page (early vs late start, four government
/// regions): the p-value is a multiple of 1/1296 and at least 6/1296, the JSON says so, and
/// with Rademacher weights (16 draws) no p below 2/16 and no bounded interval is possible.
#[test]
fn the_default_page_shows_no_p_value_finer_than_its_draws() {
    let bundle = sample();
    let s = spec(&bundle, Comparison::EarlyStart);
    let reference = json("sample_reference.json");
    let w = robust::wild_bootstrap(&bundle, &s, &RobustOptions::default()).unwrap();
    assert_eq!(w.weights, BootstrapWeights::Webb);
    assert!(w.enumerated && w.draws == 1296);
    assert_eq!(w.p_resolution, 1.0 / 1296.0);
    let steps = w.p_value / w.p_resolution;
    assert!(
        (steps - steps.round()).abs() < 1e-9,
        "p = {} is k/1296",
        w.p_value
    );
    assert!(w.p_value >= 6.0 / 1296.0);
    assert_eq!(
        Some(w.p_value),
        reference["wild"]["early-start webb"]["p_value"].as_f64()
    );
    assert!(!w.one_treated_cluster && w.treated_clusters > 1);
    let value = serde_json::to_value(&w).unwrap();
    assert_eq!(value["weights"], "webb");
    assert_eq!(value["p_resolution"], 1.0 / 1296.0);
    assert_eq!(value["ci_bounded"], w.ci_bounded);

    let rademacher = RobustOptions {
        bootstrap_weights: BootstrapWeights::Rademacher,
        ..RobustOptions::default()
    };
    let w = robust::wild_bootstrap(&bundle, &s, &rademacher).unwrap();
    assert_eq!(w.draws, 16);
    assert!(w.p_value >= 2.0 / 16.0, "p = {}", w.p_value);
    // p(beta0) >= 2/16 > 0.05 for every beta0: the interval is the whole line.
    assert_eq!((w.ci_low, w.ci_high, w.ci_bounded), (None, None, false));
    let value = serde_json::to_value(&w).unwrap();
    assert!(value["ci_low"].is_null() && value["ci_high"].is_null());
    assert_eq!(value["ci_bounded"], false);
    assert!(w.notes.iter().any(|n| n.contains("steps of 1/16")));
    assert!(w.notes.iter().any(|n| n.contains("unbounded")));
}

#[test]
fn bw_as_one_state_among_four_is_one_treated_cluster() {
    let bundle = sample();
    let w = robust::wild_bootstrap(
        &bundle,
        &spec(&bundle, Comparison::BwVsNeighbours),
        &RobustOptions::default(),
    )
    .unwrap();
    assert_eq!(w.cluster_by, "state");
    assert_eq!((w.treated_clusters, w.control_clusters), (1, 3));
    assert!(w.one_treated_cluster);
    let note = w
        .notes
        .iter()
        .find(|n| n.contains("MacKinnon and Webb"))
        .expect("a note on the one treated cluster");
    assert!(
        note.contains("(BW)") && note.contains("permutation"),
        "{note}"
    );
    assert_eq!(
        serde_json::to_value(&w).unwrap()["one_treated_cluster"],
        true
    );
}

// --- event-study covariance and the pre-test's power ----------------------------------------

fn pretrend_case(key: &str) -> (Bundle, PanelSpec, Frequency, Value) {
    let reference = json("pretrend_power_reference.json");
    let r = reference[key].clone();
    assert!(r.is_object(), "no reference case {key}");
    let bundle = if key.starts_with("sample") {
        sample()
    } else {
        fixture()
    };
    let comparison = if key.contains("bw-vs-neighbours") {
        Comparison::BwVsNeighbours
    } else {
        Comparison::EarlyStart
    };
    let frequency = if key.ends_with("monthly") {
        Frequency::Monthly
    } else {
        Frequency::Quarterly
    };
    let s = spec(&bundle, comparison);
    (bundle, s, frequency, r)
}

#[track_caller]
fn matrix_close(actual: &[Vec<f64>], expected: &Value, what: &str) {
    let rows = expected.as_array().unwrap();
    assert_eq!(actual.len(), rows.len(), "{what}: rows");
    let scale = rows
        .iter()
        .flat_map(|r| r.as_array().unwrap().iter().map(num))
        .fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, row) in rows.iter().enumerate() {
        for (j, v) in row.as_array().unwrap().iter().enumerate() {
            let (a, e) = (actual[i][j], num(v));
            assert!(
                (a - e).abs() <= 1e-8 * scale,
                "{what}[{i}][{j}]: {a} vs pyfixest {e}"
            );
        }
    }
}

#[test]
fn event_study_covariances_equal_pyfixest_in_the_order_of_the_coefficients() {
    for key in [
        "sample early-start quarterly",
        "fixture early-start quarterly",
    ] {
        let (bundle, s, frequency, r) = pretrend_case(key);
        let options = RobustOptions {
            frequency,
            ..RobustOptions::default()
        };
        let es = robust::event_study(&bundle, &s, &options).unwrap();
        let relative: Vec<i64> = es
            .coefficients
            .iter()
            .map(|c| i64::from(c.relative))
            .collect();
        let expected: Vec<i64> = r["relative"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_i64().unwrap())
            .collect();
        assert_eq!(relative, expected, "{key}: coefficient order");
        let k = es.coefficients.len();
        assert!(es.vcov_hc1.len() == k && es.vcov_cluster.iter().all(|r| r.len() == k));
        matrix_close(
            &es.vcov_cluster,
            &r["vcov_cluster"],
            &format!("{key} cluster"),
        );
        matrix_close(&es.vcov_hc1, &r["vcov_hc1"], &format!("{key} hc1"));
        for (i, c) in es.coefficients.iter().enumerate() {
            assert!((es.vcov_cluster[i][i].sqrt() - c.std_error_cluster).abs() < 1e-12);
            assert!((es.vcov_hc1[i][i].sqrt() - c.std_error_hc1).abs() < 1e-12);
        }
        let value = serde_json::to_value(&es).unwrap();
        assert_eq!(value["vcov_cluster"].as_array().unwrap().len(), k);
    }
}

/// Power at the reference's slopes within 1e-3 of scipy's multivariate normal, on the same
/// coefficients and covariance, and the slopes for 50% and 80% power within 2%.
#[test]
fn pretest_power_equals_scipy_multivariate_normal() {
    for key in [
        "sample early-start quarterly",
        "sample bw-vs-neighbours quarterly",
        "fixture early-start quarterly",
        "sample early-start monthly",
    ] {
        let (bundle, s, frequency, r) = pretrend_case(key);
        let options = RobustOptions {
            pretrend_frequency: frequency,
            ..RobustOptions::default()
        };
        let result = robust::pretrend_power(&bundle, &s, &options).unwrap();
        let variance = match result.variance {
            PretrendVariance::Cluster => "cluster",
            PretrendVariance::Hc1 => "hc1",
        };
        assert_eq!(variance, r["variance"], "{key}: variance");
        assert_eq!(result.frequency, frequency);
        assert_eq!(Value::Bool(result.rejects), r["rejects"], "{key}: rejects");
        // The accuracy the result states: quasi-Monte Carlo standard error (16 random shifts).
        assert!(
            result.power_std_error < 1e-3,
            "{key}: {}",
            result.power_std_error
        );
        let tolerance = 1e-3f64.max(3.0 * result.power_std_error);

        // The same test on pyfixest's covariance of the pre-periods.
        let pre: Vec<usize> = r["relative"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .filter(|(_, e)| e.as_i64().unwrap() < 0)
            .map(|(i, _)| i)
            .collect();
        let full = &r[format!("vcov_{variance}")];
        let cov = DMatrix::from_fn(pre.len(), pre.len(), |a, b| num(&full[pre[a]][pre[b]]));
        let relative: Vec<i32> = r["pre_relative"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_i64().unwrap() as i32)
            .collect();
        let test = LinearPretest::new(&cov, &relative, 0.05).unwrap();
        for point in r["power_against_linear"].as_array().unwrap() {
            let slope = num(&point["slope"]);
            let power = test.power(slope).power;
            assert!(
                (power - num(&point["power"])).abs() < tolerance,
                "{key}: power at {slope}: {power} vs scipy {}",
                point["power"]
            );
        }
        if let Some(slopes) = r.get("slope_for_power") {
            for target in ["0.5", "0.8"] {
                let (mine, theirs) = (result.slope_for_power[target], num(&slopes[target]));
                assert!(
                    (mine - theirs).abs() <= 0.02 * theirs,
                    "{key}: slope for {target}: {mine} vs scipy {theirs}"
                );
            }
        }
    }
}

#[test]
fn pretest_json_has_the_documented_shape_and_never_claims_parallel_trends() {
    let bundle = sample();
    for comparison in [
        Comparison::EarlyStart,
        Comparison::BwVsNeighbours,
        Comparison::Capacity,
    ] {
        let r = robust::run(
            robust::Check::PretrendPower,
            &bundle,
            &spec(&bundle, comparison),
            &RobustOptions::default(),
        )
        .unwrap();
        let value = serde_json::to_value(&r).unwrap();
        assert_eq!(
            value["variance"], "cluster",
            "{comparison}: quarterly is clustered"
        );
        assert_eq!(value["frequency"], "quarterly");
        assert_eq!(value["alpha"], 0.05);
        let s50 = num(&value["slope_for_power"]["0.5"]);
        let s80 = num(&value["slope_for_power"]["0.8"]);
        assert!(0.0 <= s50 && s50 < s80, "{comparison}: {s50} < {s80}");
        let curve = value["power_against_linear"].as_array().unwrap();
        assert!(curve.len() >= 4);
        let mut pairs: Vec<(f64, f64)> = curve
            .iter()
            .map(|p| (num(&p["slope"]), num(&p["power"])))
            .collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            pairs.windows(2).all(|w| w[0].1 <= w[1].1 + 1e-9),
            "{comparison}: power rises with the slope: {pairs:?}"
        );
        let reading = value["reading"].as_str().unwrap().to_lowercase();
        assert!(reading.contains("80% power"), "{reading}");
        assert!(
            !reading.contains("parallel trends hold") && !reading.contains("plausible"),
            "{reading}"
        );
        if value["rejects"] == false {
            assert!(
                reading.contains("does not show parallel trends"),
                "{reading}"
            );
        }
    }
    // The event study's own guide no longer reads a non-rejection as support.
    assert!(
        !robust::Check::EventStudy
            .how_to_read()
            .contains("support parallel trends")
    );
}

#[test]
fn monthly_pretest_uses_hc1_and_says_why() {
    let bundle = sample();
    let options = RobustOptions {
        pretrend_frequency: Frequency::Monthly,
        ..RobustOptions::default()
    };
    let r =
        robust::pretrend_power(&bundle, &spec(&bundle, Comparison::EarlyStart), &options).unwrap();
    assert_eq!(r.variance, PretrendVariance::Hc1);
    assert!(r.joint_cluster.is_none() && r.joint_hc1.is_some());
    assert!(
        r.pre_periods >= r.units,
        "{} months, {} districts",
        r.pre_periods,
        r.units
    );
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("singular") && n.contains("HC1"))
    );
}

// --- small-sample guards -------------------------------------------------------------------

/// The fixture with every BW district but one moved to Bavaria: BW vs neighbours (without
/// controls) then has one treated unit, the BW district whose outcome change lies farthest
/// from the neighbours' mean, as a lone unit that "looks treated" would.
fn one_treated_unit() -> (Bundle, PanelSpec, String) {
    let mut bundle = fixture();
    let s = PanelSpec {
        controls: ControlSelection::None,
        ..spec(&bundle, Comparison::BwVsNeighbours)
    };
    let panel = derive::panel(&bundle, &s).unwrap();
    let controls: Vec<f64> = panel
        .rows
        .iter()
        .filter(|r| !r.treated)
        .map(|r| r.outcome_change())
        .collect();
    let mean = controls.iter().sum::<f64>() / controls.len() as f64;
    let kept = panel
        .rows
        .iter()
        .filter(|r| r.treated)
        .max_by(|a, b| {
            (a.outcome_change() - mean)
                .abs()
                .total_cmp(&(b.outcome_change() - mean).abs())
        })
        .unwrap()
        .unit_id
        .clone();
    for d in bundle.districts.iter_mut() {
        if d.state == "BW" && d.district_id != kept {
            d.state = "BY".into();
            d.region = None;
        }
    }
    (bundle, s, kept)
}

#[test]
fn a_single_treated_unit_gets_a_tiny_hc1_p_value_and_the_warnings() {
    let (bundle, s, treated) = one_treated_unit();
    let panel = derive::panel(&bundle, &s).unwrap();
    assert_eq!(panel.rows.iter().filter(|r| r.treated).count(), 1);
    let did = estimate_did(&panel, EstimateOptions::default()).unwrap();
    let p = did.fit.treated().unwrap().p_value;
    assert!(
        p < 0.01,
        "HC1 p = {p}: tiny, though one unit cannot show that"
    );
    assert!(
        did.warnings
            .contains(&SmallSampleWarning::FewTreatedUnits { units: 1 })
    );
    let leverage = did
        .warnings
        .iter()
        .find_map(|w| match w {
            SmallSampleWarning::HighLeverage { unit, leverage } => Some((unit, *leverage)),
            _ => None,
        })
        .expect("the treated unit's leverage is 1");
    assert!(leverage.0.starts_with(&treated) && leverage.1 >= HIGH_LEVERAGE);
    // Serialised as sentences that name the reference.
    let text = serde_json::to_value(&did.warnings).unwrap();
    let first = text[0].as_str().unwrap();
    assert!(
        first.contains("1 treated unit") && first.contains("permutation"),
        "{first}"
    );
}

/// At leverage 1, HC0/HC1 return a number with the warning; HC2/HC3 refuse with an error
/// naming the unit, never a NaN or infinite SE.
#[test]
fn hc2_and_hc3_refuse_leverage_one_while_hc0_and_hc1_warn() {
    let (bundle, s, treated) = one_treated_unit();
    let panel = derive::panel(&bundle, &s).unwrap();
    for variance in [
        VarianceType::Classical,
        VarianceType::Hc0,
        VarianceType::Hc1,
    ] {
        let did = estimate_did(
            &panel,
            EstimateOptions {
                variance,
                weighted: true,
            },
        )
        .unwrap();
        let se = did.fit.treated().unwrap().std_error;
        assert!(se.is_finite() && se > 0.0, "{variance}: {se}");
        assert!(
            did.warnings
                .iter()
                .any(|w| matches!(w, SmallSampleWarning::HighLeverage { .. }))
        );
    }
    for variance in [VarianceType::Hc2, VarianceType::Hc3] {
        let e = estimate_did(
            &panel,
            EstimateOptions {
                variance,
                weighted: true,
            },
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("leverage 1") && e.contains(&treated),
            "{variance}: {e}"
        );
    }
}

#[test]
fn the_sample_estimate_has_enough_units_for_no_warning() {
    let bundle = sample();
    let panel = derive::panel(&bundle, &spec(&bundle, Comparison::BwVsNeighbours)).unwrap();
    let did = estimate_did(&panel, EstimateOptions::default()).unwrap();
    assert!(did.warnings.is_empty(), "{:?}", did.warnings);
}

#[test]
fn leave_one_out_lists_the_unit_whose_removal_is_inestimable() {
    let (bundle, s, treated) = one_treated_unit();
    let l = robust::leave_one_out(&bundle, &s, &RobustOptions::default()).unwrap();
    assert_eq!(l.inestimable.len(), 1);
    let gone = &l.inestimable[0];
    assert_eq!(gone.unit_id, treated);
    assert!(
        gone.treated && gone.reason.contains("no treated unit"),
        "{}",
        gone.reason
    );
    assert_eq!(l.drops.iter().filter(|d| d.estimate.is_none()).count(), 1);
    let value = serde_json::to_value(&l).unwrap();
    assert_eq!(value["inestimable"][0]["unit_id"], treated.as_str());
    // On the sample every unit can be left out.
    let bundle = sample();
    let l = robust::leave_one_out(
        &bundle,
        &spec(&bundle, Comparison::EarlyStart),
        &RobustOptions::default(),
    )
    .unwrap();
    assert!(l.inestimable.is_empty());
}

/// With one treated unit the wild bootstrap has one treated cluster and says so.
#[test]
fn one_treated_unit_is_one_treated_cluster_for_the_wild_bootstrap() {
    let (bundle, s, _) = one_treated_unit();
    let w = robust::wild_bootstrap(&bundle, &s, &RobustOptions::default()).unwrap();
    assert!(w.one_treated_cluster && w.treated_clusters == 1);
}

/// The Pre-trends row leads with the district-clustered joint test where it can be
/// estimated (quarterly: the monthly event study has more pre-periods than districts), the
/// same test the pre-trend power row reports, with HC1 beside it; its reading never reads a
/// non-rejection as parallel trends.
#[test]
fn the_pre_trends_row_leads_with_the_clustered_quarterly_test() {
    use wirkung::core::view::robust::CheckView;
    let bundle = sample();
    for comparison in [Comparison::EarlyStart, Comparison::BwVsNeighbours] {
        let s = spec(&bundle, comparison);
        let options = RobustOptions::default();
        let es = robust::run(robust::Check::EventStudy, &bundle, &s, &options).unwrap();
        let shown = CheckView::new(robust::Check::EventStudy, Ok(&es))
            .shown
            .unwrap();
        assert!(
            shown.statistic.contains("district-clustered") && shown.statistic.contains("quarterly"),
            "{comparison}: {}",
            shown.statistic
        );
        assert!(
            shown.inference.ends_with("(clustered)"),
            "{}",
            shown.inference
        );
        assert!(shown.details.iter().any(|d| d.contains("HC1 beside it")));
        let power = robust::pretrend_power(&bundle, &s, &options).unwrap();
        let joint = power.joint_cluster.expect("quarterly is clustered");
        assert_eq!(shown.p_value.unwrap().value, joint.p_value);
        assert_eq!(
            shown.headline,
            format!("F({}, {}) = {:.2}", joint.df_num, joint.df_den, joint.f)
        );
        assert!(
            !shown.reading.contains("parallel trends hold"),
            "{}",
            shown.reading
        );
        if joint.p_value >= 0.05 {
            assert!(shown.reading.contains("not proof of parallel trends"));
        }
    }
}
