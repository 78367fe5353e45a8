//! `wirkung exhibit` end to end: the list, each format, and bad usage (cli.md). The numbers
//! are checked against pandas in tests/core/view_exhibits.rs.

use serde_json::Value;
use std::process::{Command, Output};
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::core::exhibit::EXHIBITS;

fn wirkung(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn list_names_every_exhibit_without_a_bundle() {
    let out = stdout(&wirkung(&["exhibit", "--list"]));
    for s in EXHIBITS {
        assert!(
            out.lines().any(|l| l.starts_with(&format!("{} ", s.id))),
            "{} missing from\n{out}",
            s.id
        );
    }
}

#[test]
fn every_format_of_one_exhibit() {
    let run = |f: &str| {
        stdout(&wirkung(&[
            "exhibit",
            SAMPLE_BUNDLE,
            "--id",
            "tab5",
            "--format",
            f,
        ]))
    };
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json["id"], "tab5");
    assert_eq!(json["n"], 1078);
    assert_eq!(json["rows"][0]["label"], "Decrease");
    assert_eq!(json["rows"][0]["values"]["municipalities"], 97.0);
    let csv = run("csv");
    assert!(csv.starts_with("label,municipalities,share_pct,refugee_weighted_pct\n"));
    assert!(csv.contains("\nDecrease,97,"));
    let text = run("text");
    assert!(
        text.contains("[tab5]") && text.contains("[SYNTHETIC]"),
        "{text}"
    );
    let md = run("md");
    assert!(md.contains("| Decrease | 97 | 9.0 | 12.0 |"), "{md}");
    assert!(md.contains("N = 1,078"));
    let tex = run("tex");
    assert!(tex.contains("\\begin{tabular}{lrrr}"), "{tex}");
}

#[test]
fn tested_rows_carry_their_stars_column() {
    let csv = stdout(&wirkung(&[
        "exhibit",
        SAMPLE_BUNDLE,
        "--id",
        "tab10",
        "--format",
        "csv",
    ]));
    assert!(
        csv.starts_with("label,low_ratio_pct,others_pct,z,p_value,sig\n"),
        "{csv}"
    );
}

#[test]
fn unknown_id_and_missing_arguments_are_usage_errors() {
    let o = wirkung(&["exhibit", SAMPLE_BUNDLE, "--id", "abb99"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown exhibit 'abb99'"));
    let o = wirkung(&["exhibit", SAMPLE_BUNDLE]);
    assert_eq!(o.status.code(), Some(2));
    // No such bundle is a user error, as for every subcommand.
    let o = wirkung(&["exhibit", "/nonexistent/bundle", "--id", "tab5"]);
    assert_eq!(o.status.code(), Some(2));
}
