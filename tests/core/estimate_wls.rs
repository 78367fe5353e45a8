//! Behaviour of `wls` on small hand-made designs: errors name what is wrong, results are never
//! NaN, and weights act as frequency weights on the coefficients.

use wirkung::core::estimate::{EstimateError, VarianceType, wls};

const X1: [f64; 8] = [1.0, 2.0, 4.0, 3.0, 5.0, 7.0, 6.0, 8.0];
const X2: [f64; 8] = [0.5, -1.0, 2.0, 0.0, 1.5, -0.5, 3.0, 1.0];
const Y: [f64; 8] = [2.1, 3.9, 8.2, 5.8, 10.5, 13.1, 12.9, 15.8];
const ONES: [f64; 8] = [1.0; 8];

fn collinear_terms(result: Result<wirkung::core::estimate::Fit, EstimateError>) -> Vec<String> {
    match result {
        Err(EstimateError::Collinear { terms }) => terms,
        other => panic!("expected Collinear, got {other:?}"),
    }
}

fn invalid_message(result: Result<wirkung::core::estimate::Fit, EstimateError>) -> String {
    match result {
        Err(EstimateError::InvalidInput(message)) => message,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

#[test]
fn constant_control_is_named_collinear() {
    let urban = [1.0; 8];
    let result = wls(
        &Y,
        &[("const", &ONES), ("x1", &X1), ("urban", &urban)],
        None,
        VarianceType::Hc1,
    );
    assert_eq!(collinear_terms(result), ["urban"]);
}

#[test]
fn constant_control_is_collinear_under_weights_too() {
    let urban = [3.5; 8];
    let w = [1.0, 2.0, 0.5, 4.0, 1.0, 3.0, 2.0, 1.5];
    let result = wls(
        &Y,
        &[("const", &ONES), ("urban", &urban), ("x1", &X1)],
        Some(&w),
        VarianceType::Hc1,
    );
    assert_eq!(collinear_terms(result), ["urban"]);
}

#[test]
fn duplicated_column_names_the_later_copy() {
    let copy = X1;
    let result = wls(
        &Y,
        &[
            ("const", &ONES),
            ("x1", &X1),
            ("x1_again", &copy),
            ("x2", &X2),
        ],
        None,
        VarianceType::Hc1,
    );
    assert_eq!(collinear_terms(result), ["x1_again"]);
}

#[test]
fn linear_combination_and_zero_column_are_both_named() {
    let combo: Vec<f64> = X1
        .iter()
        .zip(X2)
        .map(|(a, b)| 0.3 * a - 2.0 * b + 1.0)
        .collect();
    let zeros = [0.0; 8];
    let columns: [(&str, &[f64]); 5] = [
        ("const", &ONES),
        ("x1", &X1),
        ("combo", &combo),
        ("x2", &X2),
        ("nothing", &zeros),
    ];
    let result = wls(&Y, &columns, None, VarianceType::Classical);
    // combo needs x2 to be explained, so the term that is a combination of those before it is
    // x2 = (0.3 x1 + 1 − combo) / 2; the all-zero column is named as well.
    assert_eq!(collinear_terms(result), ["x2", "nothing"]);
}

#[test]
fn collinear_message_names_the_terms() {
    let err = EstimateError::Collinear {
        terms: vec!["urban".into(), "gdp".into()],
    };
    assert!(err.to_string().contains("urban, gdp"), "{err}");
}

#[test]
fn too_few_observations() {
    let y = [1.0, 2.0, 3.0];
    let ones = [1.0; 3];
    let x = [1.0, 2.0, 4.0];
    let z = [0.0, 1.0, 0.0];
    let result = wls(
        &y,
        &[("const", &ones), ("x", &x), ("z", &z)],
        None,
        VarianceType::Hc1,
    );
    assert_eq!(
        result.unwrap_err(),
        EstimateError::TooFewObservations { n: 3, k: 3 }
    );
    let result = wls(&[], &[("const", &[])], None, VarianceType::Hc1);
    assert_eq!(
        result.unwrap_err(),
        EstimateError::TooFewObservations { n: 0, k: 1 }
    );
}

#[test]
fn mismatched_lengths_are_invalid() {
    let short = [1.0; 7];
    let message = invalid_message(wls(
        &Y,
        &[("const", &ONES), ("x1", &short)],
        None,
        VarianceType::Hc1,
    ));
    assert!(
        message.contains("'x1'") && message.contains("7") && message.contains("8"),
        "{message}"
    );
    let w = [1.0; 5];
    let message = invalid_message(wls(&Y, &[("const", &ONES)], Some(&w), VarianceType::Hc1));
    assert!(message.contains("weights"), "{message}");
}

#[test]
fn non_finite_values_name_column_and_row() {
    let mut x = X1;
    x[2] = f64::NAN;
    let message = invalid_message(wls(
        &Y,
        &[("const", &ONES), ("x1", &x)],
        None,
        VarianceType::Hc1,
    ));
    assert!(
        message.contains("'x1'") && message.contains("row 3"),
        "{message}"
    );
    let mut y = Y;
    y[7] = f64::INFINITY;
    let message = invalid_message(wls(
        &y,
        &[("const", &ONES), ("x1", &X1)],
        None,
        VarianceType::Hc1,
    ));
    assert!(
        message.starts_with("y") && message.contains("row 8"),
        "{message}"
    );
}

#[test]
fn weights_must_be_positive() {
    let mut w = [1.0; 8];
    w[4] = -2.0;
    let message = invalid_message(wls(
        &Y,
        &[("const", &ONES), ("x1", &X1)],
        Some(&w),
        VarianceType::Hc1,
    ));
    assert!(
        message.contains("weights") && message.contains("row 5"),
        "{message}"
    );
    let zeros = [0.0; 8];
    let message = invalid_message(wls(
        &Y,
        &[("const", &ONES), ("x1", &X1)],
        Some(&zeros),
        VarianceType::Hc1,
    ));
    assert!(message.contains("weights"), "{message}");
    w[4] = f64::NAN;
    invalid_message(wls(
        &Y,
        &[("const", &ONES), ("x1", &X1)],
        Some(&w),
        VarianceType::Hc1,
    ));
}

#[test]
fn no_regressor_and_repeated_name_are_invalid() {
    invalid_message(wls(&Y, &[], None, VarianceType::Hc1));
    let message = invalid_message(wls(&Y, &[("x", &X1), ("x", &X2)], None, VarianceType::Hc1));
    assert!(message.contains("'x'"), "{message}");
}

#[test]
fn overflowing_values_are_invalid_not_nan() {
    let huge: Vec<f64> = X1.iter().map(|v| v * 1e300).collect();
    invalid_message(wls(
        &Y,
        &[("const", &ONES), ("huge", &huge)],
        None,
        VarianceType::Hc1,
    ));
}

#[test]
fn exact_fit_is_an_error_not_nan() {
    let y: Vec<f64> = X1.iter().map(|x| 2.0 * x + 1.0).collect();
    for &variance in VarianceType::UNCLUSTERED {
        match wls(&y, &[("const", &ONES), ("x1", &X1)], None, variance) {
            Err(EstimateError::InvalidInput(m)) => assert!(m.contains("exactly"), "{m}"),
            Ok(fit) => {
                // Rounding may leave tiny residuals; then every number must still be finite.
                for c in &fit.coefficients {
                    assert!(
                        [c.estimate, c.std_error, c.t, c.p_value, c.ci_low, c.ci_high]
                            .iter()
                            .all(|v| v.is_finite())
                    );
                }
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
}

#[test]
fn leverage_one_makes_hc2_hc3_invalid_but_hc1_works() {
    // Only row 4 has the dummy set, so it alone determines the dummy's coefficient.
    let dummy = [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0];
    let columns: [(&str, &[f64]); 3] = [("const", &ONES), ("x1", &X1), ("dummy", &dummy)];
    for variance in [VarianceType::Hc2, VarianceType::Hc3] {
        let message = invalid_message(wls(&Y, &columns, None, variance));
        assert!(
            message.contains("row 4") && message.contains("leverage"),
            "{message}"
        );
    }
    let fit = wls(&Y, &columns, None, VarianceType::Hc1).expect("HC1 is defined");
    assert!(fit.coefficients.iter().all(|c| c.std_error.is_finite()));
}

#[test]
fn integer_weights_equal_repeated_rows() {
    let w = [1.0, 2.0, 3.0, 1.0, 2.0, 1.0, 4.0, 1.0];
    let weighted = wls(
        &Y,
        &[("const", &ONES), ("x1", &X1), ("x2", &X2)],
        Some(&w),
        VarianceType::Hc1,
    )
    .unwrap();
    let repeat = |v: &[f64]| -> Vec<f64> {
        v.iter()
            .zip(w)
            .flat_map(|(&x, times)| std::iter::repeat_n(x, times as usize))
            .collect()
    };
    let (y, ones, x1, x2) = (repeat(&Y), repeat(&ONES), repeat(&X1), repeat(&X2));
    let repeated = wls(
        &y,
        &[("const", &ones), ("x1", &x1), ("x2", &x2)],
        None,
        VarianceType::Hc1,
    )
    .unwrap();
    for (a, b) in weighted.coefficients.iter().zip(&repeated.coefficients) {
        assert!(
            (a.estimate - b.estimate).abs() < 1e-10 * b.estimate.abs().max(1.0),
            "{a:?} vs {b:?}"
        );
    }
    assert!((weighted.r2 - repeated.r2).abs() < 1e-12);
}

#[test]
fn simple_regression_matches_closed_form() {
    // Slope = cov(x, y)/var(x), intercept = ȳ − slope x̄, classical se² = s²/Σ(x − x̄)².
    let n = X1.len() as f64;
    let (mx, my) = (X1.iter().sum::<f64>() / n, Y.iter().sum::<f64>() / n);
    let sxx: f64 = X1.iter().map(|x| (x - mx).powi(2)).sum();
    let sxy: f64 = X1.iter().zip(Y).map(|(x, y)| (x - mx) * (y - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let ssr: f64 = X1
        .iter()
        .zip(Y)
        .map(|(x, y)| (y - intercept - slope * x).powi(2))
        .sum();
    let se_slope = (ssr / (n - 2.0) / sxx).sqrt();
    let fit = wls(
        &Y,
        &[("const", &ONES), ("x1", &X1)],
        None,
        VarianceType::Classical,
    )
    .unwrap();
    let c = fit.by_name("x1").unwrap();
    assert!(
        (c.estimate - slope).abs() < 1e-12 && (c.std_error - se_slope).abs() < 1e-12,
        "{c:?}"
    );
    assert!((fit.by_name("const").unwrap().estimate - intercept).abs() < 1e-12);
    assert_eq!((fit.n, fit.df_resid), (8, 6));
    let residual_3 = Y[2] - intercept - slope * X1[2];
    assert!((fit.residuals[2] - residual_3).abs() < 1e-12);
}
