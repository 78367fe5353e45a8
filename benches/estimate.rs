//! Timing of one re-estimation: the dashboard re-runs `estimate_did` whenever the user changes
//! a choice, so one fit on the largest district panel (201 units) must stay far below a frame.

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use wirkung::core::bundle::{Level, Rules};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, Panel, PanelRow, PanelSpec};
use wirkung::core::estimate::{EstimateOptions, VarianceType, estimate_did, wls};

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
            },
        },
        rows,
        control_names: CONTROLS.iter().map(|s| s.to_string()).collect(),
        control_labels: CONTROLS.iter().map(|s| s.to_string()).collect(),
        median: None,
        excluded: vec![],
    }
}

fn bench_estimate(c: &mut Criterion) {
    let panel = synthetic_panel();
    let y: Vec<f64> = panel.rows.iter().map(PanelRow::outcome_change).collect();
    let treated: Vec<f64> = panel.rows.iter().map(|r| r.treated as u8 as f64).collect();
    let ones = vec![1.0; UNITS];
    let controls: Vec<Vec<f64>> = (0..CONTROLS.len())
        .map(|j| panel.rows.iter().map(|r| r.controls[j]).collect())
        .collect();
    let weights: Vec<f64> = panel.rows.iter().map(|r| r.weight).collect();
    let mut columns: Vec<(&str, &[f64])> = vec![("treated", &treated), ("const", &ones)];
    columns.extend(
        CONTROLS
            .iter()
            .copied()
            .zip(controls.iter().map(Vec::as_slice)),
    );

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
criterion_main!(benches);
