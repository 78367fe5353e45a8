//! The Goodman-Bacon decomposition and synthetic DiD against diff-diff
//! (`BaconDecomposition`, `SyntheticDiD`): tests/reference/staggered_bacon/make_reference.py
//! wrote the two synthetic fixtures and reference.json, including the placebo permutations
//! it fed to diff-diff, which these tests feed to wirkung. Point estimates and 2×2 weights to
//! 1e-6, placebo standard errors to 1e-4; and the Bacon identity on random panels nobody tuned.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::robust::bacon::{ComparisonKind, decompose};
use wirkung::core::robust::sdid::{BlockPanel, placebo_se, sdid_with};
use wirkung::core::robust::{self, Check, CheckResult, RobustOptions, SharedInputs};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/reference/staggered_bacon")
}

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("reference.json")).expect("reference.json");
    serde_json::from_str(&text).expect("JSON")
}

/// Rows of a fixture CSV as column → value maps (numbers only, no quoting).
fn csv(name: &str) -> Vec<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(root().join(name)).expect("fixture");
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(|v| v.parse::<f64>().expect("number")))
                .collect()
        })
        .collect()
}

#[track_caller]
fn close(actual: f64, expected: &Value, tol: f64, what: &str) {
    let expected = expected
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: not a number"));
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs reference {expected} (tolerance {tol:e})"
    );
}

fn kind(id: &str) -> ComparisonKind {
    match id {
        "treated_vs_never" => ComparisonKind::TreatedVsNever,
        "earlier_vs_later" => ComparisonKind::EarlierVsLater,
        "later_vs_earlier" => ComparisonKind::LaterVsEarlier,
        other => panic!("unknown kind {other}"),
    }
}

/// (kind, treated, control) → (estimate, weight) of diff-diff's comparisons; periods as
/// diff-diff's time values.
fn reference_comparisons(r: &Value) -> BTreeMap<(ComparisonKind, i64, Option<i64>), (f64, f64)> {
    r["comparisons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (
                    kind(c["kind"].as_str().unwrap()),
                    c["treated"].as_i64().unwrap(),
                    c["control"].as_i64(),
                ),
                (
                    c["estimate"].as_f64().unwrap(),
                    c["weight"].as_f64().unwrap(),
                ),
            )
        })
        .collect()
}

#[test]
fn bacon_on_the_heterogeneous_fixture_matches_diff_diff() {
    let rows = csv("fixture_bacon.csv");
    let mut units: BTreeMap<i64, (Vec<f64>, f64, f64)> = BTreeMap::new();
    for r in &rows {
        let u = units
            .entry(r["unit"] as i64)
            .or_insert((Vec::new(), r["first_treat"], r["w"]));
        u.0.push(r["y"]);
    }
    let y: Vec<Vec<f64>> = units.values().map(|u| u.0.clone()).collect();
    // diff-diff's time runs 1..T; wirkung's periods 0..T.
    let start: Vec<Option<usize>> = units
        .values()
        .map(|u| (u.1 > 0.0).then(|| u.1 as usize - 1))
        .collect();
    let reference = reference();
    for (variant, weights) in [
        ("unweighted", vec![1.0; y.len()]),
        ("weighted", units.values().map(|u| u.2).collect()),
    ] {
        let r = &reference["fixture_bacon"][variant];
        let d = decompose(&y, &start, &weights).unwrap();
        close(d.twfe, &r["twfe"], 1e-6, &format!("{variant} TWFE"));
        let expected = reference_comparisons(r);
        assert_eq!(d.comparisons.len(), expected.len(), "{variant}");
        for c in &d.comparisons {
            let key = (
                c.kind,
                c.treated as i64 + 1,
                c.control.map(|g| g as i64 + 1),
            );
            let (estimate, weight) = expected[&key];
            assert!(
                (c.estimate - estimate).abs() < 1e-6,
                "{variant} {key:?}: estimate {} vs {estimate}",
                c.estimate
            );
            assert!(
                (c.weight - weight).abs() < 1e-6,
                "{variant} {key:?}: weight {} vs {weight}",
                c.weight
            );
        }
    }
}

fn sample() -> (Bundle, PanelSpec) {
    let bundle =
        bundle::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration"))
            .expect("sample loads");
    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::BwVsNeighbours,
        level: Level::District,
        controls: ControlSelection::All,
        rules: bundle.manifest.rules.clone(),
    };
    (bundle, spec)
}

#[test]
fn bacon_on_the_sample_matches_diff_diff_weighted_and_unweighted() {
    let (bundle, spec) = sample();
    let reference = reference();
    let r = &reference["sample_bacon"];
    for variant in ["unweighted", "weighted"] {
        let options = RobustOptions::weighted(variant == "weighted");
        let Ok(CheckResult::Bacon(b)) = robust::run(Check::Bacon, &bundle, &spec, &options) else {
            panic!("the decomposition runs on the sample");
        };
        assert_eq!(b.weighted, variant == "weighted");
        assert_eq!(b.units as u64, r["units"].as_u64().unwrap());
        let dropped: Vec<&str> = b.excluded.iter().map(|e| e.unit.as_str()).collect();
        let expected: Vec<&str> = r["dropped"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(dropped, expected, "the units dropped to balance the panel");
        close(b.twfe, &r[variant]["twfe"], 1e-6, variant);
        assert!((b.weighted_sum - b.twfe).abs() < 1e-10);
        let expected = reference_comparisons(&r[variant]);
        assert_eq!(b.comparisons.len(), expected.len());
        let time =
            |m: wirkung::core::period::Month| i64::from((m.year - 2014) * 12) + i64::from(m.month);
        for c in &b.comparisons {
            let key = (c.kind, time(c.treated_cohort), c.control_cohort.map(time));
            let (estimate, weight) = expected[&key];
            assert!((c.estimate - estimate).abs() < 1e-6, "{variant} {key:?}");
            assert!((c.weight - weight).abs() < 1e-6, "{variant} {key:?}");
        }
    }
}

/// Theorem 1 of Goodman-Bacon (2021) on balanced panels drawn at random: any number of
/// periods and cohorts, with or without never-treated units, weighted or not.
#[test]
fn bacon_weights_sum_to_one_and_reproduce_twfe_on_random_panels() {
    let mut rng = ChaCha8Rng::seed_from_u64(4_2021);
    let mut checked = 0;
    for _ in 0..300 {
        let periods = rng.random_range(2..30usize);
        let units = rng.random_range(2..40usize);
        let never_share: f64 = if rng.random_bool(0.3) {
            0.0
        } else {
            rng.random()
        };
        let weighted = rng.random_bool(0.5);
        let start: Vec<Option<usize>> = (0..units)
            .map(|_| (rng.random::<f64>() >= never_share).then(|| rng.random_range(1..periods)))
            .collect();
        let weights: Vec<f64> = (0..units)
            .map(|_| {
                if weighted {
                    rng.random_range(0.1..50.0)
                } else {
                    1.0
                }
            })
            .collect();
        let y: Vec<Vec<f64>> = (0..units)
            .map(|i| {
                let unit_effect = rng.random_range(-5.0..5.0);
                (0..periods)
                    .map(|t| {
                        let effect = start[i].map_or(0.0, |s| {
                            if t >= s {
                                rng.random_range(-2.0..4.0) + 0.3 * (t - s) as f64
                            } else {
                                0.0
                            }
                        });
                        unit_effect + 0.1 * t as f64 + effect + rng.random_range(-1.0..1.0)
                    })
                    .collect()
            })
            .collect();
        let Ok(d) = decompose(&y, &start, &weights) else {
            // One cohort and no never-treated units: nothing to decompose (said, not faked).
            continue;
        };
        let total: f64 = d.comparisons.iter().map(|c| c.weight).sum();
        let sum: f64 = d.comparisons.iter().map(|c| c.weight * c.estimate).sum();
        assert!((total - 1.0).abs() < 1e-12, "weights sum to {total}");
        assert!(d.comparisons.iter().all(|c| c.weight >= 0.0));
        assert!(
            (sum - d.twfe).abs() < 1e-9 * d.twfe.abs().max(1.0),
            "Σ w·β = {sum}, TWFE = {}",
            d.twfe
        );
        checked += 1;
    }
    assert!(checked > 200, "only {checked} panels could be decomposed");
}

fn block_fixture(weighted: bool) -> BlockPanel {
    let rows = csv("fixture_sdid.csv");
    let mut units: BTreeMap<i64, (Vec<f64>, bool, f64)> = BTreeMap::new();
    for r in &rows {
        let u = units
            .entry(r["unit"] as i64)
            .or_insert((Vec::new(), r["treated"] > 0.5, r["w"]));
        u.0.push(r["y"]);
    }
    let controls: Vec<&(Vec<f64>, bool, f64)> = units.values().filter(|u| !u.1).collect();
    let treated: Vec<&(Vec<f64>, bool, f64)> = units.values().filter(|u| u.1).collect();
    let periods = controls[0].0.len();
    let mass: f64 = treated
        .iter()
        .map(|u| if weighted { u.2 } else { 1.0 })
        .sum();
    BlockPanel {
        controls: controls.iter().flat_map(|u| u.0.iter().copied()).collect(),
        control_units: controls.len(),
        periods,
        pre: 14,
        treated: (0..periods)
            .map(|t| {
                treated
                    .iter()
                    .map(|u| if weighted { u.2 } else { 1.0 } * u.0[t])
                    .sum::<f64>()
                    / mass
            })
            .collect(),
        treated_units: treated.len(),
        control_weights: weighted.then(|| controls.iter().map(|u| u.2).collect()),
    }
}

fn permutations(r: &Value) -> Vec<Vec<usize>> {
    r["permutations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_array()
                .unwrap()
                .iter()
                .map(|i| i.as_u64().unwrap() as usize)
                .collect()
        })
        .collect()
}

#[test]
fn sdid_on_the_block_fixture_matches_diff_diff() {
    let reference = reference();
    for variant in ["unweighted", "weighted"] {
        let r = &reference["fixture_sdid"][variant];
        let panel = block_fixture(variant == "weighted");
        let fit = panel.fit().unwrap();
        close(fit.att, &r["att"], 1e-6, &format!("{variant} ATT"));
        // diff-diff reports the synthetic control's weights (weighted: after the persons'
        // composition) by unit id 0..N0.
        for (j, w) in fit.omega_effective.iter().enumerate() {
            close(
                *w,
                &r["unit_weights"][j.to_string()],
                1e-6,
                &format!("{variant} ω_{j}"),
            );
        }
        for (t, l) in fit.lambda.iter().enumerate() {
            close(
                *l,
                &r["time_weights"][t.to_string()],
                1e-6,
                &format!("{variant} λ_{t}"),
            );
        }
        let placebos = panel.placebo_estimates(&fit, &permutations(r));
        assert_eq!(placebos.len(), 200);
        close(
            placebo_se(&placebos).unwrap(),
            &r["se"],
            1e-4,
            &format!("{variant} placebo SE"),
        );
    }
}

#[test]
fn sdid_on_the_sample_matches_diff_diff_weighted_and_unweighted() {
    let (bundle, spec) = sample();
    let reference = reference();
    for variant in ["unweighted", "weighted"] {
        let r = &reference["sample_sdid"][variant];
        let options = RobustOptions::weighted(variant == "weighted");
        let shared = SharedInputs::new(&bundle, &spec, &options);
        let s = sdid_with(&shared, Some(&permutations(r))).unwrap();
        assert_eq!(s.weighted, variant == "weighted");
        assert_eq!((s.treated_units, s.control_units), (44, 157));
        close(s.att, &r["att"], 1e-6, &format!("{variant} ATT"));
        close(
            s.std_error.unwrap(),
            &r["se"],
            1e-4,
            &format!("{variant} SE"),
        );
        // The synthetic path shifted by the offset: its post-period gap to BW is the ATT.
        let post: Vec<_> = s.trend.iter().filter(|p| p.month > s.pre_last).collect();
        let gap = post
            .iter()
            .map(|p| p.bw - (p.synthetic + s.offset))
            .sum::<f64>()
            / post.len() as f64;
        assert!((gap - s.att).abs() < 1e-9, "{gap} vs {}", s.att);
        let total: f64 = s.unit_weights.iter().map(|u| u.weight).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }
}

#[test]
fn sdid_draws_are_seeded_and_housing_is_refused() {
    let (bundle, mut spec) = sample();
    let options = RobustOptions::default();
    let run = || robust::run(Check::Sdid, &bundle, &spec, &options).unwrap();
    assert_eq!(run(), run(), "same seed, same placebo SE");
    spec.outcome = Outcome::Housing;
    let err = robust::run(Check::Sdid, &bundle, &spec, &options).unwrap_err();
    assert!(err.is_usage(), "{err}");
    let err = robust::run(Check::Bacon, &bundle, &spec, &options).unwrap_err();
    assert!(err.is_usage(), "{err}");
}
