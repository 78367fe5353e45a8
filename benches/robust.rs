//! Timing of the resampling checks: randomization inference with 9,999 draws on the 44-district
//! within-BW panel with four controls must stay well under 200 ms (release), and the whole
//! wild bootstrap (p-value and test-inversion interval) likewise.

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::hint::black_box;
use wirkung::core::robust::design::DidDesign;
use wirkung::core::robust::ri::permutation_test;
use wirkung::core::robust::wild::{BootstrapWeights, wild_bootstrap_design};

const UNITS: usize = 44;

/// A within-BW-sized design: 44 districts, 22 treated, constant plus four controls, weights.
fn design() -> DidDesign {
    let mut rng = ChaCha8Rng::seed_from_u64(44);
    let treated: Vec<f64> = (0..UNITS)
        .map(|i| f64::from(u8::from(i % 2 == 0)))
        .collect();
    let mut control =
        |lo: f64, hi: f64| -> Vec<f64> { (0..UNITS).map(|_| rng.random_range(lo..hi)).collect() };
    let others = vec![
        vec![1.0; UNITS],
        control(0.5, 3.0),
        control(25.0, 80.0),
        control(25.0, 50.0),
        (0..UNITS)
            .map(|i| f64::from(u8::from(i % 5 == 0)))
            .collect(),
    ];
    let y = control(8.0, 18.0);
    let weights = control(200.0, 20_000.0);
    DidDesign {
        unit_ids: (0..UNITS).map(|i| format!("{i:05}")).collect(),
        names: (0..UNITS).map(|i| format!("District {i}")).collect(),
        y,
        treated,
        others,
        other_names: ["const", "protection", "gdp", "sv", "urban"]
            .map(String::from)
            .to_vec(),
        weights,
    }
}

fn bench(c: &mut Criterion) {
    let d = design();
    c.bench_function("ri 9999 draws, 44 units, 4 controls", |b| {
        b.iter(|| permutation_test(black_box(&d), 9_999, 1).expect("ri"))
    });
    let regions: Vec<String> = (0..UNITS).map(|i| format!("R{}", i % 4)).collect();
    c.bench_function("wild webb 9999 draws, 4 clusters, with interval", |b| {
        b.iter(|| {
            wild_bootstrap_design(black_box(&d), &regions, BootstrapWeights::Webb, 9_999, 1)
                .expect("wild")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
