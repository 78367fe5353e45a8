//! Timing of one re-estimation: the dashboard re-runs `estimate_did` whenever the user changes
//! a choice, so one fit on the largest district panel (201 units) must stay far below a frame.
//!
//! `wls_hc1_201x6` fits benches/data/wls_201x6.csv, the file `python3 benches/statsmodels_wls.py`
//! times statsmodels on, so the two medians compare the same regression on the same doubles.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::hint::black_box;
use wirkung::core::bundle::{Level, Rules};
use wirkung::core::derive::{
    ClusterBy, Comparison, ControlSelection, Outcome, Panel, PanelRow, PanelSpec,
};
use wirkung::core::estimate::{
    EstimateOptions, Heteroskedastic, LeastSquares, TwoSidedTail, VarianceType, estimate_did, wls,
};

const UNITS: usize = 201;
const CONTROLS: [&str; 4] = ["protection_share", "gdp_per_capita", "sv_per_100", "urban"];

/// A BW-vs-neighbours-sized panel: 201 districts, four controls, HHL persons as weights.
fn synthetic_panel() -> Panel {
    let mut rng = ChaCha8Rng::seed_from_u64(201);
    let rows = (0..UNITS)
        .map(|i| {
            let base = rng.random_range(20.0..40.0);
            PanelRow {
                unit_id: format!("{i:05}"),
                name: format!("District {i}"),
                treated: i < 44,
                measure: None,
                outcome_base: base,
                outcome_end: base + rng.random_range(8.0..18.0),
                weight: rng.random_range(200.0..20_000.0),
                controls: vec![
                    rng.random_range(0.5..3.0),
                    rng.random_range(25.0..80.0),
                    rng.random_range(25.0..50.0),
                    if rng.random_bool(0.2) { 1.0 } else { 0.0 },
                ],
                cluster: Some(format!("state {}", i % 4)),
            }
        })
        .collect();
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid date");
    Panel {
        spec: PanelSpec {
            outcome: Outcome::Employment,
            comparison: Comparison::BwVsNeighbours,
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
        control_names: CONTROLS.iter().map(|s| s.to_string()).collect(),
        control_labels: CONTROLS.iter().map(|s| s.to_string()).collect(),
        median: None,
        excluded: vec![],
        cluster_by: ClusterBy::State,
    }
}

/// The 201 × 6 regression shared with the statsmodels timing script.
struct SharedData {
    y: Vec<f64>,
    /// (term, values) in the file's column order.
    regressors: Vec<(String, Vec<f64>)>,
    weights: Vec<f64>,
}

fn shared_data() -> SharedData {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/wls_201x6.csv");
    let text = std::fs::read_to_string(path).expect("benches/data/wls_201x6.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); header.len()];
    for line in lines {
        for (column, cell) in values.iter_mut().zip(line.split(',')) {
            column.push(cell.parse().expect("number"));
        }
    }
    let take = |name: &str| values[header.iter().position(|h| *h == name).expect(name)].clone();
    let regressors = header
        .iter()
        .filter(|h| !matches!(**h, "y" | "weight"))
        .map(|h| (h.to_string(), take(h)))
        .collect();
    SharedData {
        y: take("y"),
        regressors,
        weights: take("weight"),
    }
}

fn bench_estimate(c: &mut Criterion) {
    let panel = synthetic_panel();
    let SharedData {
        y,
        regressors,
        weights,
    } = shared_data();
    assert_eq!((y.len(), regressors.len()), (UNITS, 6));
    let columns: Vec<(&str, &[f64])> = regressors
        .iter()
        .map(|(name, values)| (name.as_str(), values.as_slice()))
        .collect();

    c.bench_function("wls_hc1_201x6", |b| {
        b.iter(|| {
            wls(
                black_box(&y),
                black_box(&columns),
                Some(black_box(&weights)),
                VarianceType::Hc1,
            )
            .expect("fit")
        })
    });
    c.bench_function("estimate_did_201_units_4_controls", |b| {
        b.iter(|| estimate_did(black_box(&panel), EstimateOptions::default()).expect("estimate"))
    });
}

criterion_group!(benches, bench_estimate);
criterion_main!(benches, parts);

/// Where the time of `wls_hc1_201x6` goes: the kernel alone (load, QR, HC0 sandwich, in a
/// reused workspace) and one p-value (the fit computes six), by statrs' general incomplete beta
/// and by the fit's own `TwoSidedTail`.
fn bench_parts(c: &mut Criterion) {
    let SharedData {
        y,
        regressors,
        weights,
    } = shared_data();
    let sqrt_w: Vec<f64> = weights.iter().map(|w| w.sqrt()).collect();
    let mut ls = LeastSquares::new();
    c.bench_function("kernel_hc1_201x6", |b| {
        b.iter(|| {
            ls.load(
                black_box(&y),
                regressors.iter().map(|(_, v)| v.as_slice()),
                Some(&sqrt_w),
                None,
            );
            ls.fit().unwrap();
            ls.heteroskedastic(Heteroskedastic::Hc0, 1.0).unwrap()[0]
        })
    });
    let t = StudentsT::new(0.0, 1.0, 195.0).unwrap();
    c.bench_function("statrs_t_sf_195_df", |b| b.iter(|| t.sf(black_box(1.37))));
    let tail = TwoSidedTail::new(195.0);
    c.bench_function("t_tail_195_df", |b| {
        b.iter(|| tail.p_value(black_box(1.37)))
    });
}

criterion_group!(parts, bench_parts);
