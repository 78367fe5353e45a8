//! NIST StRD linear regression (tests/reference/nist/): `wls` against certified values. Reports
//! the log relative error (LRE, "significant digits") the way the StRD literature does:
//! −log10(|ours − certified| / |certified|), capped at 15, minimum over terms.
//! Run with `cargo test --release --test core estimate_nist -- --nocapture` to see the digits.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::estimate::{Fit, VarianceType, wls};

struct Digits {
    estimates: f64,
    std_errors: f64,
    residual_sd: f64,
    r2: f64,
}

fn certified(value: &Value) -> f64 {
    value
        .as_str()
        .expect("decimal string")
        .parse()
        .expect("certified number")
}

fn significant_digits(ours: f64, certified: f64) -> f64 {
    let relative = ((ours - certified) / certified).abs();
    if relative == 0.0 {
        15.0
    } else {
        (-relative.log10()).min(15.0)
    }
}

fn min_digits(ours: impl Iterator<Item = f64>, certified_values: &Value) -> f64 {
    ours.zip(certified_values.as_array().unwrap())
        .map(|(o, c)| significant_digits(o, certified(c)))
        .fold(15.0, f64::min)
}

fn fit_and_measure(name: &str) -> Digits {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/nist")
        .join(format!("{name}.json"));
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let y: Vec<f64> = doc["y"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let rows: Vec<Vec<f64>> = doc["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        })
        .collect();
    let terms: Vec<&str> = doc["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let mut data = vec![vec![1.0; y.len()]];
    data.extend((0..terms.len() - 1).map(|j| rows.iter().map(|r| r[j]).collect::<Vec<f64>>()));
    let columns: Vec<(&str, &[f64])> = terms
        .iter()
        .copied()
        .zip(data.iter().map(Vec::as_slice))
        .collect();
    let fit: Fit =
        wls(&y, &columns, None, VarianceType::Classical).unwrap_or_else(|e| panic!("{name}: {e}"));
    let residual_sd =
        (fit.residuals.iter().map(|e| e * e).sum::<f64>() / fit.df_resid as f64).sqrt();
    let digits = Digits {
        estimates: min_digits(
            fit.coefficients.iter().map(|c| c.estimate),
            &doc["estimate"],
        ),
        std_errors: min_digits(
            fit.coefficients.iter().map(|c| c.std_error),
            &doc["std_error"],
        ),
        residual_sd: significant_digits(residual_sd, certified(&doc["residual_sd"])),
        r2: significant_digits(fit.r2, certified(&doc["r2"])),
    };
    println!(
        "NIST {name}: significant digits (min over terms) coefficients {:.1}, standard errors {:.1}, residual SD {:.1}, R² {:.1}",
        digits.estimates, digits.std_errors, digits.residual_sd, digits.r2
    );
    digits
}

#[test]
fn longley_reaches_ten_digits() {
    let d = fit_and_measure("longley");
    assert!(
        d.estimates >= 10.0,
        "Longley coefficients: {:.1} digits",
        d.estimates
    );
    assert!(
        d.std_errors >= 10.0,
        "Longley standard errors: {:.1} digits",
        d.std_errors
    );
    assert!(
        d.residual_sd >= 10.0 && d.r2 >= 10.0,
        "Longley residual SD {:.1}, R² {:.1}",
        d.residual_sd,
        d.r2
    );
}

#[test]
fn norris_reaches_ten_digits() {
    let d = fit_and_measure("norris");
    assert!(
        d.estimates >= 10.0 && d.std_errors >= 10.0,
        "Norris: {:.1} / {:.1} digits",
        d.estimates,
        d.std_errors
    );
    assert!(
        d.residual_sd >= 10.0 && d.r2 >= 10.0,
        "Norris residual SD {:.1}, R² {:.1}",
        d.residual_sd,
        d.r2
    );
}

#[test]
fn pontius_reaches_eight_digits() {
    // x reaches 3e6 and x² 9e12: the design's columns differ in scale by thirteen orders.
    let d = fit_and_measure("pontius");
    assert!(
        d.estimates >= 8.0 && d.std_errors >= 8.0,
        "Pontius: {:.1} / {:.1} digits",
        d.estimates,
        d.std_errors
    );
    assert!(
        d.residual_sd >= 8.0 && d.r2 >= 8.0,
        "Pontius residual SD {:.1}, R² {:.1}",
        d.residual_sd,
        d.r2
    );
}
