//! End-to-end output of `panel`, `estimate` and `trends` on tests/fixtures/hand (cli.md,
//! "JSON shapes"); the expected numbers are worked out by hand in the comments.

use crate::common;

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn run_in(bundle: &Path, args: &[&str]) -> Output {
    let mut all: Vec<String> = vec![args[0].to_string(), bundle.display().to_string()];
    all.extend(args[1..].iter().map(|a| a.to_string()));
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(&all)
        .output()
        .expect("the binary runs")
}

fn run(args: &[&str]) -> Output {
    run_in(&common::hand_dir(), args)
}

fn ok(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap()
}

fn close(v: &Value, expected: f64) -> bool {
    (v.as_f64().unwrap() - expected).abs() < 1e-9
}

#[test]
fn panel_csv_has_the_documented_columns() {
    let out = ok(&run(&[
        "panel",
        "--outcome",
        "employment",
        "--comparison",
        "capacity",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "unit_id,name,treated,measure,outcome_base,outcome_end,outcome_change,weight,\
         protection_seekers_pct_2017,gdp_per_capita_2017"
    );
    // Capacity 0.8 (Stuttgart, on the median: control) and 1.0 (Esslingen: treated).
    // Stuttgart's 0.8 is 2.0 / 2.5 up to the rounding of 0.7 − 0.2, so it is compared loosely.
    let stuttgart: Vec<&str> = lines[1].split(',').collect();
    assert_eq!(stuttgart[..3], ["08111", "Stuttgart", "false"]);
    assert!((stuttgart[3].parse::<f64>().unwrap() - 0.8).abs() < 1e-9);
    assert_eq!(stuttgart[4..], ["30", "50", "20", "1200", "1.2", "50"]);
    assert_eq!(lines[2], "08116,Esslingen,true,1,30,40,10,400,1,35");
    assert_eq!(lines.len(), 3);
}

#[test]
fn panel_json_has_rows_median_and_excluded() {
    let v = json(&run(&[
        "panel",
        "--outcome",
        "housing",
        "--comparison",
        "plan-b",
        "--format",
        "json",
    ]));
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["excluded", "median", "rows"]);
    // Plan-B shares 0.75, 0, 0.5 → median 0.5.
    assert!(close(&v["median"], 0.5));
    let row = &v["rows"][0];
    assert_eq!(row["unit_id"], "08111");
    assert_eq!(row["treated"], true);
    // Pooled 35 % → 100/210 %.
    assert!(close(&row["outcome_change"], 100.0 / 210.0 * 100.0 - 35.0));
    assert!(close(&row["dwellings_per_100_2018"], 45.0));
    let excluded: Vec<&str> = v["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["unit"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, ["08115", "08117"]);
}

#[test]
fn estimate_json_reproduces_the_hand_worked_did() {
    let v = json(&run(&[
        "estimate",
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--controls",
        "none",
        "--format",
        "json",
    ]));
    // Early: Stuttgart (weight 1200, 30 → 50) and Esslingen (400, 30 → 40);
    // late: Böblingen (600, 25 → 40). Weighted treated change (1200·20 + 400·10) / 1600 = 17.5,
    // control 15 → treated coefficient 2.5, constant 15.
    assert_eq!(v["outcome"], "employment");
    assert_eq!(v["comparison"], "early-start");
    assert_eq!(v["level"], "district");
    assert_eq!(v["weighted"], true);
    assert_eq!(v["se"], "hc1");
    assert_eq!(v["n"], 3);
    assert_eq!(v["df_resid"], 1);
    let coefficients = v["coefficients"].as_array().unwrap();
    assert_eq!(coefficients[0]["term"], "treated");
    assert!(close(&coefficients[0]["estimate"], 2.5));
    assert_eq!(coefficients[1]["term"], "const");
    assert!(close(&coefficients[1]["estimate"], 15.0));
    // Group means: treated base (1200·30 + 400·30) / 1600 = 30, end (1200·50 + 400·40) / 1600
    // = 47.5; control 25 → 40.
    assert_eq!(v["groups"]["treated"]["n"], 2);
    assert!(close(&v["groups"]["treated"]["base"], 30.0));
    assert!(close(&v["groups"]["treated"]["end"], 47.5));
    assert!(close(&v["groups"]["control"]["end"], 40.0));
    assert_eq!(v["excluded"][0]["unit"], "08117");

    // Unweighted: treated change (20 + 10) / 2 = 15 = control → 0.
    let v = json(&run(&[
        "estimate",
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--controls",
        "none",
        "--unweighted",
        "--format",
        "json",
    ]));
    assert_eq!(v["weighted"], false);
    assert!(close(&v["coefficients"][0]["estimate"], 0.0));
}

#[test]
fn every_estimate_format_prints() {
    let base = [
        "estimate",
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--controls",
        "none",
    ];
    let with = |format: &str| {
        let mut a = base.to_vec();
        a.extend(["--format", format]);
        ok(&run(&a))
    };
    let text = with("text");
    assert!(
        text.contains("Early start") && text.contains("Constant") && text.contains("15.0"),
        "{text}"
    );
    assert!(text.contains("08117"));
    assert!(with("markdown").contains("| Constant |"));
    assert!(with("latex").contains("\\begin{tabular}"));
    let csv = with("csv");
    assert_eq!(
        csv.lines().next().unwrap(),
        "term,label,estimate,std_error,t,p_value,ci_low,ci_high,report_column"
    );
    assert_eq!(csv.lines().count(), 3);
}

#[test]
fn estimation_failures_exit_1_naming_the_cause() {
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    // `constant_one` is 1 in every district: collinear with the constant (5 districts).
    let o = run(&[
        "estimate",
        "--outcome",
        "employment",
        "--comparison",
        "bw-vs-neighbours",
        "--controls",
        "constant_one",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("constant_one"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    // Three early-start districts cannot carry three terms.
    let o = run(&[
        "estimate",
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--controls",
        "constant_one",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("n = 3"), "{}", stderr(&o));
}

#[test]
fn unknown_controls_exit_2() {
    let o = run(&[
        "estimate",
        "--outcome",
        "employment",
        "--comparison",
        "plan-b",
        "--controls",
        "tax_revenue_per_capita_2016",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tax_revenue_per_capita_2016"));
}

#[test]
fn trends_csv_and_json() {
    let out = ok(&run(&[
        "trends",
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "month,group,rate,persons");
    // Dec 2017: (360 + 120) / (1200 + 400) = 30 %; control 150 / 600 = 25 %.
    assert!(lines.contains(&"2017-12,treated,30,1600"), "{out}");
    assert!(lines.contains(&"2017-12,control,25,600"), "{out}");
    assert_eq!(lines.len(), 7);
    let v = json(&run(&[
        "trends",
        "--outcome",
        "employment",
        "--comparison",
        "early-start",
        "--format",
        "json",
    ]));
    assert_eq!(v["marker"], "2018-02");
    assert_eq!(v["points"].as_array().unwrap().len(), 6);
    assert_eq!(v["points"][0]["group"], "treated");
}

#[test]
fn a_missing_table_fails_only_the_comparisons_that_need_it() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(common::hand_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() && path.file_name().unwrap() != "grants.csv" {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let o = run_in(
        dir.path(),
        &[
            "panel",
            "--outcome",
            "employment",
            "--comparison",
            "early-start",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("grants"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    ok(&run_in(
        dir.path(),
        &["panel", "--outcome", "employment", "--comparison", "plan-b"],
    ));
}
