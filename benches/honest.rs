//! HonestDiD on the shipped sample's quarterly event study (15 pre, 7 post quarters, clustered
//! covariance, as committed in tests/reference/honest/honest_reference.json): relative
//! magnitudes on the default 9-point M̄ grid and smoothness (FLCI) on a 10-point M grid, for the
//! average of the post periods. The Robustness page recomputes one of them on each toggle.

use criterion::{Criterion, criterion_group, criterion_main};
use nalgebra::DMatrix;
use serde_json::Value;
use std::hint::black_box;
use std::time::Duration;
use wirkung::core::robust::honest::{HonestOptions, Restriction, honest_did};

fn sample() -> (Vec<f64>, DMatrix<f64>, usize, usize) {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/honest/honest_reference.json"
    ))
    .expect("honest_reference.json");
    let json: Value = serde_json::from_str(&text).expect("JSON");
    let case = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "sample_quarterly_cluster")
        .expect("sample case");
    let num = |v: &Value| v.as_f64().unwrap();
    let betas: Vec<f64> = case["betahat"]
        .as_array()
        .unwrap()
        .iter()
        .map(num)
        .collect();
    let rows: Vec<Vec<f64>> = case["sigma"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(num).collect())
        .collect();
    let n = betas.len();
    let sigma = DMatrix::from_fn(n, n, |i, j| rows[i][j]);
    let pre = case["num_pre"].as_u64().unwrap() as usize;
    (betas, sigma, pre, n - pre)
}

fn bench(c: &mut Criterion) {
    let (betas, sigma, pre, post) = sample();
    let mut group = c.benchmark_group("honest did, sample quarterly");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(5));
    for (name, restriction, grid) in [
        ("rm, 9 values of M̄", Restriction::RelativeMagnitudes, None),
        (
            "sd, 10 values of M",
            Restriction::Smoothness,
            Some((0..10).map(|i| 0.02 * i as f64).collect::<Vec<_>>()),
        ),
    ] {
        let options = HonestOptions {
            restriction,
            grid,
            ..HonestOptions::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| honest_did(black_box(&betas), &sigma, pre, post, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
