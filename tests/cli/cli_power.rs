//! `estimate --se cr1` and `power` on the shipped sample, end to end (cli.md). The numbers
//! behind them are checked against statsmodels in tests/core (estimate_cr1, power); here the
//! wiring: the fields, the clusters, the warnings, the MDE from the estimate's own SE and df.

use serde_json::Value;
use std::process::{Command, Output};
use wirkung::cli::SAMPLE_BUNDLE;

fn wirkung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn json(o: &Output) -> Value {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON")
}

#[test]
fn estimate_with_cr1_names_its_clusters_df_and_mde() {
    let v = json(&wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--se",
        "cr1",
        "--format",
        "json",
    ]));
    assert_eq!(v["se"], "cr1");
    assert_eq!(v["clusters"]["by"], "region");
    assert_eq!(v["clusters"]["count"], 4);
    assert_eq!(v["df_inference"], 3);
    // MDE = (t_0.975(3) + t_0.8(3)) · SE, quantiles from scipy.stats.t.ppf.
    let se = v["coefficients"][0]["std_error"].as_f64().unwrap();
    let mde = v["mde_80"].as_f64().unwrap();
    assert!((mde - (3.182_446_305_284_263 + 0.978_472_312_406_530_5) * se).abs() < 1e-6 * mde);
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("only 4 clusters"), "{warnings}");

    let hc1 = json(&wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "bw-vs-neighbours",
        "--format",
        "json",
    ]));
    assert_eq!(hc1["clusters"], Value::Null);
    assert_eq!(hc1["df_inference"], hc1["df_resid"]);
    assert!(hc1["mde_80"].as_f64().unwrap() > 0.0);

    let text = wirkung(&[
        "estimate",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "bw-vs-neighbours",
        "--se",
        "cr1",
    ]);
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("CR1, 4 states, t(3)"), "{text}");
    assert!(
        text.contains("MDE (80% power, 5% two-sided, t(3))"),
        "{text}"
    );
    assert!(
        text.contains("every treated unit is in one cluster"),
        "{text}"
    );

    // The markdown and LaTeX tables (what `export --page estimate` writes) carry the warnings.
    for format in ["markdown", "latex"] {
        let out = wirkung(&[
            "estimate",
            SAMPLE_BUNDLE,
            "--outcome",
            "employment",
            "--comparison",
            "bw-vs-neighbours",
            "--se",
            "cr1",
            "--format",
            format,
        ]);
        let out = String::from_utf8(out.stdout).unwrap();
        assert!(out.contains("single treated cluster"), "{format}: {out}");
        assert!(out.contains("MDE (80"), "{format}: {out}");
    }
}

#[test]
fn power_answers_at_both_levels_and_refuses_a_zero_effect() {
    let args = |effect: &str| {
        wirkung(&[
            "power",
            SAMPLE_BUNDLE,
            "--outcome",
            "housing",
            "--comparison",
            "capacity",
            "--effect",
            effect,
            "--format",
            "json",
        ])
    };
    let v = json(&args("5"));
    let levels = v["levels"].as_array().unwrap();
    assert_eq!(levels.len(), 2);
    for level in levels {
        let d = &level["design"];
        let (now, needed) = (
            d["mde_current"].as_f64().unwrap(),
            d["units_needed"]["total"].as_u64().unwrap(),
        );
        // A 5 pp effect above what the units detect now needs fewer units, below it more.
        let units = d["units"].as_u64().unwrap();
        assert_eq!(needed < units, now < 5.0, "{level}");
    }
    // Employment exists per district only: the municipality level says why.
    let emp = json(&wirkung(&[
        "power",
        SAMPLE_BUNDLE,
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--format",
        "json",
    ]));
    assert_eq!(emp["levels"][0]["design"]["units"], 44);
    assert!(emp["levels"][1]["not_available"].is_string());
    assert_eq!(args("0").status.code(), Some(2));
}

/// `--out -` is standard output (a file literally named `-` is never meant).
#[test]
fn export_to_dash_writes_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args([
            "export",
            SAMPLE_BUNDLE,
            "--page",
            "estimate",
            "--format",
            "csv",
            "--out",
            "-",
        ])
        .current_dir(dir.path())
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("term,label,estimate"), "{csv}");
    assert!(!dir.path().join("-").exists());
}
