//! `estimate_did` on hand-made panels: regressor order, group means, and errors that name units.

use chrono::NaiveDate;
use wirkung::core::bundle::{Level, Rules};
use wirkung::core::derive::{
    ClusterBy, Comparison, ControlSelection, Outcome, Panel, PanelRow, PanelSpec,
};
use wirkung::core::estimate::{EstimateError, EstimateOptions, VarianceType, estimate_did};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn panel(rows: Vec<PanelRow>, control_names: &[&str]) -> Panel {
    Panel {
        spec: PanelSpec {
            outcome: Outcome::Employment,
            comparison: Comparison::EarlyStart,
            level: Level::District,
            controls: ControlSelection::All,
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
        control_names: control_names.iter().map(|s| s.to_string()).collect(),
        control_labels: control_names.iter().map(|s| s.to_string()).collect(),
        median: None,
        excluded: vec![],
        cluster_by: ClusterBy::Region,
    }
}

/// (treated, base, end, weight, controls)
fn row(i: usize, treated: bool, base: f64, end: f64, weight: f64, controls: &[f64]) -> PanelRow {
    PanelRow {
        unit_id: format!("08{i:03}"),
        name: format!("District {i}"),
        treated,
        measure: None,
        outcome_base: base,
        outcome_end: end,
        weight,
        controls: controls.to_vec(),
        cluster: Some(format!("cluster {}", i % 3)),
    }
}

fn small_panel(controls: &[&str], control_values: impl Fn(usize) -> Vec<f64>) -> Panel {
    let data = [
        (true, 30.0, 44.0, 100.0),
        (true, 28.0, 40.5, 300.0),
        (true, 33.0, 45.0, 50.0),
        (true, 29.5, 43.0, 120.0),
        (false, 31.0, 43.0, 200.0),
        (false, 27.0, 38.0, 80.0),
        (false, 30.5, 44.5, 150.0),
        (false, 29.0, 40.0, 60.0),
        (false, 32.0, 45.5, 90.0),
    ];
    let rows = data
        .iter()
        .enumerate()
        .map(|(i, &(t, b, e, w))| row(i, t, b, e, w, &control_values(i)))
        .collect();
    panel(rows, controls)
}

fn weighted_mean(pairs: &[(f64, f64)]) -> f64 {
    pairs.iter().map(|(v, w)| v * w).sum::<f64>() / pairs.iter().map(|(_, w)| w).sum::<f64>()
}

#[test]
fn without_controls_treated_is_the_difference_of_weighted_mean_changes() {
    let panel = small_panel(&[], |_| vec![]);
    let estimate = estimate_did(&panel, EstimateOptions::default()).unwrap();
    let terms: Vec<&str> = estimate
        .fit
        .coefficients
        .iter()
        .map(|c| c.term.name())
        .collect();
    assert_eq!(terms, ["treated", "const"]);
    // By hand: treated end 44·100 + 40.5·300 + 45·50 + 43·120 over 570 ...
    let group = |treated: bool, end: bool| {
        let pairs: Vec<(f64, f64)> = panel
            .rows
            .iter()
            .filter(|r| r.treated == treated)
            .map(|r| (if end { r.outcome_end } else { r.outcome_base }, r.weight))
            .collect();
        weighted_mean(&pairs)
    };
    let did = (group(true, true) - group(true, false)) - (group(false, true) - group(false, false));
    let treated = estimate.fit.treated().unwrap().estimate;
    assert!((treated - did).abs() < 1e-12, "{treated} vs {did}");
    assert_eq!(estimate.treated.n, 4);
    assert_eq!(estimate.control.n, 5);
    assert!(
        (estimate.treated.end - (44.0 * 100.0 + 40.5 * 300.0 + 45.0 * 50.0 + 43.0 * 120.0) / 570.0)
            .abs()
            < 1e-12
    );
    let from_means = (estimate.treated.end - estimate.treated.base)
        - (estimate.control.end - estimate.control.base);
    assert!((treated - from_means).abs() < 1e-12);
    assert_eq!(estimate.options, EstimateOptions::default());
}

#[test]
fn unweighted_uses_plain_means_and_ignores_weights() {
    let mut panel = small_panel(&[], |_| vec![]);
    panel.rows[0].weight = 0.0; // irrelevant when unweighted
    let options = EstimateOptions {
        variance: VarianceType::Hc3,
        weighted: false,
    };
    let estimate = estimate_did(&panel, options).unwrap();
    let treated_change = (14.0 + 12.5 + 12.0 + 13.5) / 4.0;
    let control_change = (12.0 + 11.0 + 14.0 + 11.0 + 13.5) / 5.0;
    let treated = estimate.fit.treated().unwrap();
    assert!((treated.estimate - (treated_change - control_change)).abs() < 1e-12);
    assert!((estimate.control.base - (31.0 + 27.0 + 30.5 + 29.0 + 32.0) / 5.0).abs() < 1e-12);
    assert_eq!(estimate.fit.variance, VarianceType::Hc3);
    // With weights the estimate differs, so the flag really switches them off.
    let weighted = estimate_did(&small_panel(&[], |_| vec![]), EstimateOptions::default()).unwrap();
    assert!((weighted.fit.treated().unwrap().estimate - treated.estimate).abs() > 1e-3);
}

#[test]
fn controls_follow_treated_and_const_in_panel_order() {
    let panel = small_panel(&["gdp", "urban"], |i| {
        vec![30.0 + (i * i) as f64 % 7.0, (i % 3 == 0) as u8 as f64]
    });
    let estimate = estimate_did(&panel, EstimateOptions::default()).unwrap();
    let terms: Vec<&str> = estimate
        .fit
        .coefficients
        .iter()
        .map(|c| c.term.name())
        .collect();
    assert_eq!(terms, ["treated", "const", "gdp", "urban"]);
    assert_eq!((estimate.fit.n, estimate.fit.df_resid), (9, 5));
}

#[test]
fn control_constant_within_the_sample_is_named() {
    let panel = small_panel(&["gdp", "urban"], |i| vec![30.0 + i as f64, 0.0]);
    match estimate_did(&panel, EstimateOptions::default()) {
        Err(EstimateError::Collinear { terms }) => assert_eq!(terms, ["urban"]),
        other => panic!("expected Collinear, got {other:?}"),
    }
}

#[test]
fn one_sided_panels_are_invalid_with_a_clear_message() {
    let mut panel = small_panel(&[], |_| vec![]);
    panel.rows.iter_mut().for_each(|r| r.treated = false);
    match estimate_did(&panel, EstimateOptions::default()) {
        Err(EstimateError::InvalidInput(m)) => assert!(m.contains("no treated unit"), "{m}"),
        other => panic!("{other:?}"),
    }
    panel.rows.iter_mut().for_each(|r| r.treated = true);
    match estimate_did(&panel, EstimateOptions::default()) {
        Err(EstimateError::InvalidInput(m)) => assert!(m.contains("no control unit"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_values_name_the_unit() {
    let mut panel = small_panel(&["gdp"], |i| vec![i as f64]);
    panel.rows[2].controls[0] = f64::NAN;
    match estimate_did(&panel, EstimateOptions::default()) {
        Err(EstimateError::InvalidInput(m)) => {
            assert!(m.contains("08002") && m.contains("gdp"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    let mut panel = small_panel(&[], |_| vec![]);
    panel.rows[5].weight = -1.0;
    match estimate_did(&panel, EstimateOptions::default()) {
        Err(EstimateError::InvalidInput(m)) => {
            assert!(m.contains("08005") && m.contains("weight"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    let mut panel = small_panel(&["gdp"], |i| vec![i as f64]);
    panel.rows[1].controls.clear();
    assert!(matches!(
        estimate_did(&panel, EstimateOptions::default()),
        Err(EstimateError::InvalidInput(_))
    ));
}

#[test]
fn hc3_names_the_unit_that_alone_sets_a_dummy() {
    let panel = small_panel(&["urban"], |i| vec![(i == 6) as u8 as f64]);
    let options = EstimateOptions {
        variance: VarianceType::Hc3,
        weighted: true,
    };
    match estimate_did(&panel, options) {
        Err(EstimateError::InvalidInput(m)) => {
            assert!(m.contains("unit 08006 (District 6)"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert!(estimate_did(&panel, EstimateOptions::default()).is_ok());
}
