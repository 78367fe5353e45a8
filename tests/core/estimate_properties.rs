//! Properties of `wls` and `estimate_did` that hold for any data (proptest).

use chrono::NaiveDate;
use proptest::prelude::*;
use wirkung::core::bundle::{Level, Rules};
use wirkung::core::derive::{
    ClusterBy, Comparison, ControlSelection, Outcome, Panel, PanelRow, PanelSpec,
};
use wirkung::core::estimate::{
    EstimateError, EstimateOptions, Fit, VarianceType, estimate_did, wls,
};

/// One observation: outcome, dummy, two continuous regressors, weight.
type Observation = (f64, bool, f64, f64, f64);

fn observations() -> impl Strategy<Value = Vec<Observation>> {
    prop::collection::vec(
        (
            -50.0..50.0f64,
            any::<bool>(),
            -10.0..10.0f64,
            0.0..1000.0f64,
            0.05..500.0f64,
        ),
        6..60,
    )
}

/// Ordinary numbers mixed with the values that break naive code: zeros, repeats, NaN,
/// infinities, negatives and magnitudes whose squares overflow.
fn awkward_value() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -100.0..100.0f64,
        1 => Just(0.0),
        1 => Just(1.0),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1e200),
        1 => Just(1e300),
        1 => Just(1e-300),
    ]
}

fn fit(
    data: &[Observation],
    weight_scale: f64,
    variance: VarianceType,
) -> Result<Fit, EstimateError> {
    let y: Vec<f64> = data.iter().map(|o| o.0).collect();
    let ones = vec![1.0; data.len()];
    let dummy: Vec<f64> = data.iter().map(|o| o.1 as u8 as f64).collect();
    let x1: Vec<f64> = data.iter().map(|o| o.2).collect();
    let x2: Vec<f64> = data.iter().map(|o| o.3).collect();
    let w: Vec<f64> = data.iter().map(|o| o.4 * weight_scale).collect();
    wls(
        &y,
        &[
            ("dummy", &dummy),
            ("const", &ones),
            ("x1", &x1),
            ("x2", &x2),
        ],
        Some(&w),
        variance,
    )
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * a.abs().max(b.abs()).max(1e-12)
}

fn two_sided(data: &[Observation]) -> bool {
    data.iter().any(|o| o.1) && data.iter().any(|o| !o.1)
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn scaling_weights_changes_neither_estimates_nor_hc1(data in observations(), c in 1e-3..1e3f64) {
        prop_assume!(two_sided(&data));
        let original = fit(&data, 1.0, VarianceType::Hc1);
        prop_assume!(original.is_ok());
        let (original, scaled) = (original.unwrap(), fit(&data, c, VarianceType::Hc1).unwrap());
        for (a, b) in original.coefficients.iter().zip(&scaled.coefficients) {
            prop_assert!(close(a.estimate, b.estimate, 1e-8) || (a.estimate - b.estimate).abs() < 1e-8 * a.std_error,
                "{}: {} vs {}", a.term, a.estimate, b.estimate);
            prop_assert!(close(a.std_error, b.std_error, 1e-8), "{}: se {} vs {}", a.term, a.std_error, b.std_error);
        }
        prop_assert!(close(original.r2, scaled.r2, 1e-8) || (original.r2 - scaled.r2).abs() < 1e-10);
    }

    #[test]
    fn any_input_gives_finite_numbers_or_an_error(
        rows in prop::collection::vec((awkward_value(), awkward_value(), awkward_value(), awkward_value()), 0..12),
        variance in prop::sample::select(VarianceType::ALL.to_vec()),
    ) {
        let y: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let x: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let z: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let w: Vec<f64> = rows.iter().map(|r| r.3).collect();
        let ones = vec![1.0; rows.len()];
        if let Ok(fit) = wls(&y, &[("const", &ones), ("x", &x), ("z", &z)], Some(&w), variance) {
            prop_assert!(fit.r2.is_finite());
            for c in &fit.coefficients {
                let values = [c.estimate, c.std_error, c.t, c.p_value, c.ci_low, c.ci_high];
                prop_assert!(values.iter().all(|v| v.is_finite()), "{:?}", c);
            }
        }
    }

    #[test]
    fn hc1_is_hc0_times_small_sample_factor(data in observations()) {
        prop_assume!(two_sided(&data));
        let hc0 = fit(&data, 1.0, VarianceType::Hc0);
        prop_assume!(hc0.is_ok());
        let (hc0, hc1) = (hc0.unwrap(), fit(&data, 1.0, VarianceType::Hc1).unwrap());
        let factor = (hc0.n as f64 / hc0.df_resid as f64).sqrt();
        for (a, b) in hc0.coefficients.iter().zip(&hc1.coefficients) {
            prop_assert_eq!(a.estimate, b.estimate);
            prop_assert!(close(a.std_error * factor, b.std_error, 1e-12), "{}: {} × {} vs {}", a.term, a.std_error, factor, b.std_error);
        }
    }

    #[test]
    fn without_controls_treated_is_difference_of_mean_changes(
        units in prop::collection::vec((any::<bool>(), 0.0..100.0f64, -20.0..20.0f64, 0.01..5000.0f64), 3..80),
        weighted in any::<bool>(),
    ) {
        prop_assume!(units.iter().any(|u| u.0) && units.iter().any(|u| !u.0));
        let rows = units.iter().enumerate().map(|(i, &(treated, base, change, weight))| PanelRow {
            unit_id: format!("{i:05}"),
            name: format!("unit {i}"),
            treated,
            measure: None,
            outcome_base: base,
            outcome_end: base + change,
            weight,
            controls: vec![],
            cluster: None,
        });
        let panel = empty_panel(rows.collect());
        let result = estimate_did(&panel, EstimateOptions { variance: VarianceType::Hc1, weighted });
        // Every change equal within both groups is an exact fit: refused, never NaN.
        prop_assume!(!matches!(result, Err(EstimateError::InvalidInput(ref m)) if m.contains("exactly")));
        let estimate = result.unwrap();
        let mean_change = |treated: bool| {
            let group: Vec<_> = units.iter().filter(|u| u.0 == treated).collect();
            let w = |u: &&(bool, f64, f64, f64)| if weighted { u.3 } else { 1.0 };
            group.iter().map(|u| w(u) * u.2).sum::<f64>() / group.iter().map(w).sum::<f64>()
        };
        let expected = mean_change(true) - mean_change(false);
        let treated = estimate.fit.treated().unwrap();
        prop_assert!((treated.estimate - expected).abs() <= 1e-9 * (1.0 + expected.abs()), "{} vs {}", treated.estimate, expected);
        let from_means = (estimate.treated.end - estimate.treated.base) - (estimate.control.end - estimate.control.base);
        prop_assert!((treated.estimate - from_means).abs() <= 1e-9 * (1.0 + expected.abs()));
        prop_assert_eq!(estimate.treated.n + estimate.control.n, units.len());
    }
}

fn empty_panel(rows: Vec<PanelRow>) -> Panel {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    Panel {
        spec: PanelSpec {
            outcome: Outcome::Employment,
            comparison: Comparison::BwVsNeighbours,
            level: Level::District,
            controls: ControlSelection::None,
            rules: Rules {
                start_share: 0.5,
                grants_issued_by: date(2018, 9, 30),
                early_cutoff: date(2018, 3, 1),
                housing_max_missing: 0.1,
                capacity_exclude: Default::default(),
                capacity_denominator: Default::default(),
                municipal_capacity: Default::default(),
            },
        },
        rows,
        control_names: vec![],
        control_labels: vec![],
        median: None,
        excluded: vec![],
        cluster_by: ClusterBy::State,
    }
}
