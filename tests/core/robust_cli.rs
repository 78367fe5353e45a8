//! `wirkung robustness` end to end: output formats and exit codes (cli.md).

use std::process::Command;

const BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/robust/bundle");

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .arg("robustness")
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ri_json_has_the_result_and_its_reading_guide() {
    let (code, out, err) = run(&[
        BUNDLE,
        "--check",
        "ri",
        "--outcome",
        "employment",
        "--comparison",
        "plan-b",
        "--draws",
        "999",
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["draws"], 999);
    assert!(v["p_value"].as_f64().unwrap() > 0.0);
    assert!(
        v["what_it_tests"]
            .as_str()
            .unwrap()
            .contains("re-assignments")
    );
    assert!(v["how_to_read"].as_str().unwrap().contains("p-value"));
}

#[test]
fn event_study_csv_has_one_row_per_non_base_quarter() {
    let (code, out, err) = run(&[
        BUNDLE,
        "--check",
        "event-study",
        "--outcome",
        "employment-sv",
        "--comparison",
        "early-start",
        "--quarterly",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("period,relative,estimate"));
    // 2014Q1..2019Q3 = 23 quarters, minus the base 2017Q4.
    assert_eq!(lines.len() - 1, 22);
    assert!(!out.contains("2017Q4,"));
}

#[test]
fn text_output_of_every_check_runs() {
    for (check, comparison) in [
        ("loo", "early-start"),
        ("dose", "plan-b"),
        ("placebo", "bw-vs-neighbours"),
        ("wild", "bw-vs-neighbours"),
        ("staggered", "early-start"),
    ] {
        let (code, out, err) = run(&[
            BUNDLE,
            "--check",
            check,
            "--outcome",
            "employment",
            "--comparison",
            comparison,
            "--draws",
            "199",
        ]);
        assert_eq!(code, 0, "{check}: {err}");
        assert!(out.contains("How to read:"), "{check}: {out}");
    }
}

#[test]
fn unsupported_combinations_exit_2_with_the_reason() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "--check",
                "ri",
                "--outcome",
                "employment",
                "--comparison",
                "capacity",
                "--draws",
                "0",
            ],
            "--draws must be between",
        ),
        (
            &[
                "--check",
                "event-study",
                "--outcome",
                "housing",
                "--comparison",
                "capacity",
            ],
            "two survey waves",
        ),
        (
            &[
                "--check",
                "dose",
                "--outcome",
                "employment",
                "--comparison",
                "early-start",
            ],
            "no continuous measure",
        ),
        (
            &[
                "--check",
                "placebo",
                "--outcome",
                "employment",
                "--comparison",
                "capacity",
                "--placebo-base",
                "2018-01",
                "--placebo-end",
                "2018-06",
            ],
            "placebo months",
        ),
        (
            &[
                "--check",
                "nonsense",
                "--outcome",
                "employment",
                "--comparison",
                "capacity",
            ],
            "invalid value 'nonsense' for '--check <CHECK>'",
        ),
        (
            &[
                "--check",
                "wild",
                "--outcome",
                "employment",
                "--comparison",
                "capacity",
                "--weights",
                "mammen",
            ],
            "[possible values: auto, rademacher, webb]",
        ),
    ];
    for (args, reason) in cases {
        let mut all = vec![BUNDLE];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(reason), "{args:?}: {err}");
    }
}

#[test]
fn a_missing_bundle_exits_2() {
    let (code, _, err) = run(&[
        "/nonexistent/bundle",
        "--check",
        "loo",
        "--outcome",
        "employment",
        "--comparison",
        "capacity",
    ]);
    // A path that is no bundle is bad usage (cli.md, "Exit status").
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent/bundle"), "{err}");
}

/// District names with commas ("Frankfurt am Main, Stadt") stay one field: the CSV is written
/// by one RFC 4180 writer, and every row has as many fields as the header.
#[test]
fn leave_one_out_csv_quotes_names_with_commas() {
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");
    let (code, out, err) = run(&[
        sample,
        "--check",
        "loo",
        "--outcome",
        "employment",
        "--comparison",
        "bw-vs-neighbours",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    // Read back by polars' CSV reader, an implementation independent of the writer.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("loo.csv");
    std::fs::write(&file, &out).unwrap();
    use polars::prelude::SerReader as _;
    let df = polars::prelude::CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(Some(0))
        .try_into_reader_with_file_path(Some(file))
        .and_then(|r| r.finish())
        .expect("the CSV reads back");
    let names: Vec<&str> = df.get_column_names().iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "unit_id",
            "name",
            "treated",
            "estimate",
            "std_error",
            "shift"
        ]
    );
    assert!(df.height() > 100, "one row per district: {}", df.height());
    let name = df.column("name").unwrap().str().unwrap();
    assert!(
        (0..name.len()).any(|i| name.get(i) == Some("Frankfurt am Main, Stadt")),
        "the comma stays inside the name field"
    );
}

/// The text output says what the page says: a p-value from enumerated sign vectors is never
/// finer than one vector can move it.
#[test]
fn wild_text_never_shows_a_p_value_finer_than_its_draws() {
    let (code, out, err) = run(&[
        BUNDLE,
        "--check",
        "wild",
        "--outcome",
        "employment",
        "--comparison",
        "bw-vs-neighbours",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("< 0.001"), "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("Wild bootstrap:"))
        .unwrap_or_else(|| panic!("no headline in {out}"));
    assert!(line.contains("p = ") || line.contains("p < 1/"), "{line}");
}
