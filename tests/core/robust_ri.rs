//! Randomization inference against brute force: every assignment refitted from scratch with
//! the estimator of core::estimate (no Frisch–Waugh shortcut).

use std::path::PathBuf;
use wirkung::core::bundle::{self, Level};
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::{EstimateOptions, VarianceType, estimate_did, wls};
use wirkung::core::robust::design::DidDesign;
use wirkung::core::robust::ri::{binomial, permutation_test};
use wirkung::core::robust::{RobustOptions, randomization_inference};

/// A small design with two controls and uneven weights; values from a fixed LCG so the test
/// needs no RNG crate and never changes.
fn design(n: usize, n1: usize) -> DidDesign {
    let mut state: u64 = 42;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let c1: Vec<f64> = (0..n).map(|_| next() * 3.0).collect();
    let c2: Vec<f64> = (0..n).map(|_| 20.0 + next() * 40.0).collect();
    let treated: Vec<f64> = (0..n)
        .map(|i| f64::from(u8::from(i % 2 == 0 && i / 2 < n1)))
        .collect();
    let y: Vec<f64> = (0..n)
        .map(|i| 1.0 + 0.6 * treated[i] - 0.4 * c1[i] + 0.02 * c2[i] + next() * 2.0)
        .collect();
    DidDesign {
        unit_ids: (0..n).map(|i| format!("u{i}")).collect(),
        names: (0..n).map(|i| format!("Unit {i}")).collect(),
        y,
        treated,
        others: vec![vec![1.0; n], c1, c2],
        other_names: vec!["const".into(), "c1".into(), "c2".into()],
        weights: (0..n).map(|_| 500.0 + next() * 4000.0).collect(),
    }
}

/// HC1 t of the treatment when exactly `set` is treated, by a full weighted refit.
fn refit_t(d: &DidDesign, set: &[usize]) -> f64 {
    let treated: Vec<f64> = (0..d.n())
        .map(|i| f64::from(u8::from(set.contains(&i))))
        .collect();
    let mut columns: Vec<(&str, &[f64])> = vec![("treated", &treated)];
    columns.extend(
        d.other_names
            .iter()
            .map(String::as_str)
            .zip(d.others.iter().map(Vec::as_slice)),
    );
    wls(&d.y, &columns, Some(&d.weights), VarianceType::Hc1)
        .unwrap()
        .treated()
        .unwrap()
        .t
}

/// Exact permutation p-value by brute force over every k-subset.
fn brute_force_p(d: &DidDesign) -> (f64, usize) {
    let n = d.n();
    let observed: Vec<usize> = (0..n).filter(|&i| d.treated[i] == 1.0).collect();
    let t_obs = refit_t(d, &observed).abs();
    let k = observed.len();
    let (mut extreme, mut total) = (0, 0);
    for mask in 0u32..(1 << n) {
        if mask.count_ones() as usize != k {
            continue;
        }
        let set: Vec<usize> = (0..n).filter(|&i| mask >> i & 1 == 1).collect();
        total += 1;
        if refit_t(d, &set).abs() >= t_obs * (1.0 - 1e-9) {
            extreme += 1;
        }
    }
    (extreme as f64 / total as f64, total)
}

#[test]
fn exact_enumeration_equals_brute_force_refits() {
    let d = design(12, 5);
    let (p, total) = brute_force_p(&d);
    assert_eq!(total, 792);
    let ri = permutation_test(&d, 9_999, 1).unwrap();
    assert!(ri.exact);
    assert_eq!(ri.draws, 792);
    assert_eq!(ri.assignments, 792);
    assert_eq!(
        ri.p_value, p,
        "shortcut and brute force count the same assignments"
    );
    assert!((ri.t - refit_t(&d, &[0, 2, 4, 6, 8])).abs() < 1e-9);
}

#[test]
fn seeded_draws_approximate_the_exact_p_value() {
    let d = design(16, 8);
    let (p, total) = brute_force_p(&d);
    assert_eq!(total as u64, binomial(16, 8));
    let ri = permutation_test(&d, 9_999, 7).unwrap();
    assert!(!ri.exact, "12,870 assignments exceed 9,999 draws");
    // Monte Carlo SD is at most 0.005 with 9,999 draws.
    assert!(
        (ri.p_value - p).abs() < 0.02,
        "sampled {} vs exact {p}",
        ri.p_value
    );
    let again = permutation_test(&d, 9_999, 7).unwrap();
    assert_eq!(ri, again, "same seed, same result");
}

#[test]
fn observed_t_is_the_reports_hc1_t() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/robust/bundle");
    let bundle = bundle::load(&dir).unwrap();
    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::Capacity,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    };
    let ri = randomization_inference(&bundle, &spec, &RobustOptions::default()).unwrap();
    let panel = derive::panel(&bundle, &spec).unwrap();
    let did = estimate_did(&panel, EstimateOptions::default()).unwrap();
    let treated = did.fit.treated().unwrap();
    assert!((ri.estimate - treated.estimate).abs() < 1e-9);
    assert!((ri.t - treated.t).abs() < 1e-9);
    assert_eq!(ri.draws, 9_999);
    assert!(ri.p_value > 0.0 && ri.p_value <= 1.0);
}

#[test]
fn binomial_counts_and_saturates() {
    assert_eq!(binomial(44, 22), 2_104_098_963_720);
    assert_eq!(binomial(5, 0), 1);
    assert_eq!(binomial(200, 100), u64::MAX);
}

#[test]
fn a_collinear_control_is_an_error_not_a_p_value() {
    let mut d = design(12, 5);
    d.others.push(d.others[1].iter().map(|x| 2.0 * x).collect());
    d.other_names.push("c1_twice".into());
    let err = permutation_test(&d, 999, 1).unwrap_err().to_string();
    assert!(
        err.contains("collinear") && err.contains("c1_twice"),
        "{err}"
    );
}
