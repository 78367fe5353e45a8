//! Cluster-robust CR1 standard errors (`estimate --se cr1`) against statsmodels
//! `WLS(...).fit(cov_type="cluster", use_t=True)`: a synthetic fixture with seven clusters of
//! unequal size, and the shipped sample's DiD clustered by state (BW vs neighbours) and by
//! government region (early vs late start). tests/reference/cr1/make_cr1_reference.py wrote
//! fixture.csv and cr1_reference.json.

use serde_json::Value;
use std::path::PathBuf;
use wirkung::core::bundle;
use wirkung::core::choices::Choices;
use wirkung::core::derive::{self, Comparison, Outcome};
use wirkung::core::estimate::did::SmallSampleWarning;
use wirkung::core::estimate::{EstimateOptions, Fit, VarianceType, estimate_did, wls_clustered};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reference() -> Value {
    let text = std::fs::read_to_string(root().join("tests/reference/cr1/cr1_reference.json"))
        .expect("cr1_reference.json");
    serde_json::from_str(&text).expect("JSON")
}

#[track_caller]
fn close(actual: f64, expected: &Value, what: &str) {
    let expected = expected.as_f64().expect("a number");
    let tol = 1e-8 * expected.abs().max(1.0);
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: {actual} vs statsmodels {expected}"
    );
}

/// Every coefficient, SE, p-value and interval end of `fit` against the reference block `r`,
/// matched by term name; also G and the t distribution's df.
fn assert_matches(fit: &Fit, r: &Value) {
    let terms = r["terms"].as_array().expect("terms");
    assert_eq!(fit.coefficients.len(), terms.len());
    assert_eq!(Some(r["clusters"].as_u64().unwrap() as usize), fit.clusters);
    assert_eq!(
        r["df_inference"].as_u64().unwrap() as usize,
        fit.df_inference
    );
    for (i, term) in terms.iter().enumerate() {
        let term = term.as_str().unwrap();
        let c = fit.by_name(term).unwrap_or_else(|| panic!("term {term}"));
        close(c.estimate, &r["estimate"][i], &format!("{term} estimate"));
        close(c.std_error, &r["std_error"][i], &format!("{term} SE"));
        close(c.p_value, &r["p_value"][i], &format!("{term} p"));
        close(c.ci_low, &r["ci_low"][i], &format!("{term} CI low"));
        close(c.ci_high, &r["ci_high"][i], &format!("{term} CI high"));
    }
}

#[test]
fn cr1_on_a_synthetic_fixture_matches_statsmodels() {
    let text = std::fs::read_to_string(root().join("tests/reference/cr1/fixture.csv"))
        .expect("fixture.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let column = |name: &str| -> Vec<f64> {
        let j = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(|r| r[j].parse().unwrap()).collect()
    };
    let j = header.iter().position(|h| *h == "cluster").unwrap();
    let clusters: Vec<&str> = rows.iter().map(|r| r[j]).collect();
    let (y, weight) = (column("y"), column("weight"));
    let regressors: Vec<(&str, Vec<f64>)> = ["treated", "const", "x1", "x2"]
        .into_iter()
        .map(|t| (t, column(t)))
        .collect();
    let columns: Vec<(&str, &[f64])> = regressors.iter().map(|(t, v)| (*t, &v[..])).collect();
    let fit = wls_clustered(&y, &columns, Some(&weight), &clusters).unwrap();
    assert_eq!(fit.variance, VarianceType::Cr1);
    assert_matches(&fit, &reference()["fixture"]);
}

#[test]
fn cr1_on_the_sample_matches_statsmodels_by_state_and_by_region() {
    let bundle = bundle::load(&root().join(bundle::SAMPLE_BUNDLE)).expect("sample loads");
    let reference = reference();
    for (comparison, key) in [
        (Comparison::BwVsNeighbours, "bw-vs-neighbours"),
        (Comparison::EarlyStart, "early-start"),
    ] {
        let choices = Choices::new(&bundle, Outcome::Employment, comparison);
        let panel = derive::panel(&bundle, &choices.spec(&bundle)).unwrap();
        let options = EstimateOptions {
            variance: VarianceType::Cr1,
            weighted: true,
        };
        let estimate = estimate_did(&panel, options).unwrap();
        assert_matches(&estimate.fit, &reference[key]);
        // Four clusters either way: the few-clusters warning is always there.
        assert!(
            estimate
                .warnings
                .iter()
                .any(|w| matches!(w, SmallSampleWarning::FewClusters { clusters: 4, .. })),
            "{key}: {:?}",
            estimate.warnings
        );
        // BW is one state: a single treated cluster, said plainly; within BW both groups
        // spread over the regions.
        let one_treated = estimate
            .warnings
            .iter()
            .any(|w| matches!(w, SmallSampleWarning::OneTreatedCluster { .. }));
        assert_eq!(
            one_treated,
            comparison == Comparison::BwVsNeighbours,
            "{key}"
        );
        assert!(
            estimate.se_label().contains("CR1, 4 "),
            "{}",
            estimate.se_label()
        );
    }
}

#[test]
fn cr1_without_a_cluster_per_row_or_with_one_cluster_is_refused() {
    let y = [1.0, 2.0, 4.0, 3.0, 5.0];
    let x = [0.0, 1.0, 0.0, 1.0, 1.0];
    let one = [1.0; 5];
    let columns: Vec<(&str, &[f64])> = vec![("treated", &x), ("const", &one)];
    assert!(wls_clustered(&y, &columns, None, &["a"; 4]).is_err());
    let err = wls_clustered(&y, &columns, None, &["a"; 5]).unwrap_err();
    assert!(err.to_string().contains("at least 2 clusters"), "{err}");
    let err = wirkung::core::estimate::wls(&y, &columns, None, VarianceType::Cr1).unwrap_err();
    assert!(err.to_string().contains("cluster"), "{err}");
}
