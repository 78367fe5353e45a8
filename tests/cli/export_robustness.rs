//! `wirkung export --page robustness` on the shipped sample: one table row per check with the
//! very numbers `wirkung robustness --format json` prints, checks that do not apply listed
//! with their reason, and the event-study chart with one point per coefficient.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");

/// The page's row names in `Check::ALL` order, with the CLI's check ids.
const CHECKS: [(&str, &str); 15] = [
    ("Pre-trends", "event-study"),
    ("Placebo timing", "placebo"),
    ("Permutation", "ri"),
    ("Wild bootstrap", "wild"),
    ("Leave-one-out", "loo"),
    ("Dose-response", "dose"),
    ("Staggered (CS)", "staggered"),
    ("Pre-trend power", "pretrend-power"),
    ("HonestDiD", "honest"),
    ("Sun-Abraham", "sun-abraham"),
    ("Imputation (BJS)", "imputation"),
    ("Two-stage DiD", "two-stage"),
    ("Goodman-Bacon", "bacon"),
    ("Synthetic DiD", "sdid"),
    ("Spillover", "spillover"),
];

fn wirkung(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Exports the page for `comparison` (employment, district level) and returns the file.
fn export(dir: &Path, comparison: &str, format: &str) -> PathBuf {
    let out = dir.to_string_lossy().into_owned();
    let (code, stdout, err) = wirkung(&[
        "export",
        SAMPLE,
        "--page",
        "robustness",
        "--outcome",
        "employment",
        "--comparison",
        comparison,
        "--format",
        format,
        "--out",
        &out,
    ]);
    assert_eq!(code, 0, "{err}");
    PathBuf::from(stdout.trim())
}

/// `wirkung robustness --format json` for one check, or its error message.
fn robustness(check: &str, comparison: &str) -> Result<Value, String> {
    let (code, out, err) = wirkung(&[
        "robustness",
        SAMPLE,
        "--check",
        check,
        "--outcome",
        "employment",
        "--comparison",
        comparison,
        "--format",
        "json",
    ]);
    match code {
        0 => Ok(serde_json::from_str(&out).expect("JSON output")),
        _ => Err(err),
    }
}

/// A CSV parser enough for the export (quoted fields with commas, "" escapes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|line| {
            let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
            let mut chars = line.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' if quoted && chars.peek() == Some(&'"') => {
                        field.push('"');
                        chars.next();
                    }
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut field)),
                    c => field.push(c),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

/// The pre-trend test the row leads with: the district-clustered one at the pre-trend
/// frequency (quarterly), else at the event study's; HC1 only where neither exists.
fn main_pretrend(j: &Value) -> &Value {
    if let Some(test) = j.get("pre_trend_clustered_at") {
        &test["test"]
    } else if !j["pre_trend_cluster"].is_null() {
        &j["pre_trend_cluster"]
    } else {
        &j["pre_trend_hc1"]
    }
}

/// The JSON numbers each row must carry: (column, value); `None` = empty cell.
fn expected(check: &str, j: &Value) -> Vec<(&'static str, Option<f64>)> {
    let f = |v: &Value| v.as_f64();
    match check {
        "event-study" => vec![
            ("estimate", f(&main_pretrend(j)["f"])),
            ("std_error", None),
            ("p_value", f(&main_pretrend(j)["p_value"])),
        ],
        "placebo" | "dose" => {
            let c = if check == "placebo" {
                &j["placebo"]
            } else {
                &j["dose"]
            };
            vec![
                ("estimate", f(&c["estimate"])),
                ("std_error", f(&c["std_error"])),
                ("low", f(&c["ci_low"])),
                ("high", f(&c["ci_high"])),
                ("p_value", f(&c["p_value"])),
                ("draws", None),
            ]
        }
        "ri" => vec![
            ("estimate", f(&j["estimate"])),
            ("p_value", f(&j["p_value"])),
            ("draws", f(&j["draws"])),
        ],
        "wild" => vec![
            ("estimate", f(&j["estimate"])),
            ("std_error", f(&j["std_error_cr1"])),
            ("low", f(&j["ci_low"])),
            ("high", f(&j["ci_high"])),
            ("p_value", f(&j["p_value"])),
            ("draws", f(&j["draws"])),
        ],
        "loo" => vec![
            ("estimate", f(&j["estimate"])),
            ("std_error", f(&j["std_error"])),
            ("low", f(&j["min"])),
            ("high", f(&j["max"])),
            ("p_value", None),
        ],
        "staggered" | "sun-abraham" | "imputation" | "two-stage" => vec![
            ("estimate", f(&j["overall"]["estimate"])),
            ("std_error", f(&j["overall"]["std_error"])),
            ("low", f(&j["overall"]["ci_low"])),
            ("high", f(&j["overall"]["ci_high"])),
            ("p_value", None),
        ],
        "pretrend-power" => vec![
            ("estimate", f(&j["slope_for_power"]["0.8"])),
            ("std_error", None),
            ("p_value", f(&j["joint_cluster"]["p_value"])),
        ],
        // The row carries the original interval; the robust sets are the check's own table.
        "honest" => vec![
            ("estimate", f(&j["original"]["estimate"])),
            ("std_error", f(&j["original"]["std_error"])),
            ("low", f(&j["original"]["ci_low"])),
            ("high", f(&j["original"]["ci_high"])),
            ("p_value", None),
        ],
        // The decomposition has no inference of its own: the TWFE coefficient it decomposes.
        "bacon" => vec![
            ("estimate", f(&j["twfe"])),
            ("std_error", None),
            ("low", None),
            ("high", None),
            ("p_value", None),
        ],
        "sdid" => vec![
            ("estimate", f(&j["att"])),
            ("std_error", f(&j["std_error"])),
            ("low", f(&j["ci_low"])),
            ("high", f(&j["ci_high"])),
            ("p_value", None),
        ],
        // The row carries the estimate without the bordering controls.
        "spillover" => vec![
            ("estimate", f(&j["without_border"]["estimate"])),
            ("std_error", f(&j["without_border"]["std_error"])),
            ("low", f(&j["without_border"]["ci_low"])),
            ("high", f(&j["without_border"]["ci_high"])),
            ("p_value", f(&j["without_border"]["p_value"])),
        ],
        other => panic!("unknown check {other}"),
    }
}

#[test]
fn csv_has_a_row_per_check_with_the_numbers_of_wirkung_robustness() {
    let dir = tempfile::tempdir().unwrap();
    // Capacity: every check but the spillover (BW vs neighbours only) applies to it.
    let path = export(dir.path(), "capacity", "csv");
    assert_eq!(
        path.file_name().unwrap().to_string_lossy(),
        "robustness-capacity.csv"
    );
    let rows = parse_csv(&std::fs::read_to_string(&path).unwrap());
    let header = &rows[0];
    assert_eq!(
        header,
        &[
            "check",
            "statistic",
            "estimate",
            "std_error",
            "low",
            "high",
            "p_value",
            "draws",
            "reading"
        ]
    );
    assert_eq!(rows.len(), 1 + CHECKS.len(), "{rows:?}");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for ((name, check), row) in CHECKS.iter().zip(&rows[1..]) {
        assert_eq!(&row[0], name);
        if *check == "spillover" {
            assert!(row[col("reading")].starts_with("not applicable"), "{row:?}");
            continue;
        }
        let json = robustness(check, "capacity").unwrap_or_else(|e| panic!("{check}: {e}"));
        for (column, value) in expected(check, &json) {
            let cell = &row[col(column)];
            match value {
                // Full precision: the same digits as the JSON, not merely close. The cell is
                // read by the same parser as the JSON (serde_json's fast float parsing may
                // miss the nearest f64 by one ulp; applied to both it compares the digits).
                Some(v) => assert_eq!(
                    serde_json::from_str::<f64>(cell).ok(),
                    Some(v),
                    "{check} {column}: '{cell}' vs {v}"
                ),
                None => assert_eq!(cell, "", "{check} {column}"),
            }
        }
        assert!(!row[col("reading")].is_empty(), "{check} has a reading");
    }
}

#[test]
fn markdown_and_latex_have_a_row_per_check_with_the_rounded_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let md = std::fs::read_to_string(export(dir.path(), "capacity", "md")).unwrap();
    let tex = std::fs::read_to_string(export(dir.path(), "capacity", "tex")).unwrap();
    assert!(md.contains("[SYNTHETIC]") && md.contains("controls: all declared"));
    assert!(tex.contains("\\begin{tabular}"));
    // The spillover applies to BW vs neighbours only (its row says so).
    for (name, check) in CHECKS.iter().filter(|(_, c)| *c != "spillover") {
        let json = robustness(check, "capacity").unwrap();
        let estimate = match *check {
            "event-study" => format!("{:.2}", main_pretrend(&json)["f"].as_f64().unwrap()),
            "placebo" => format!("{:.3}", json["placebo"]["estimate"].as_f64().unwrap()),
            "dose" => format!("{:.3}", json["dose"]["estimate"].as_f64().unwrap()),
            "staggered" | "sun-abraham" | "imputation" | "two-stage" => {
                format!("{:.3}", json["overall"]["estimate"].as_f64().unwrap())
            }
            "pretrend-power" => format!("{:.3}", json["slope_for_power"]["0.8"].as_f64().unwrap()),
            "honest" => format!("{:.3}", json["original"]["estimate"].as_f64().unwrap()),
            "bacon" => format!("{:.3}", json["twfe"].as_f64().unwrap()),
            "sdid" => format!("{:.3}", json["att"].as_f64().unwrap()),
            _ => format!("{:.3}", json["estimate"].as_f64().unwrap()),
        };
        let md_rows: Vec<&str> = md
            .lines()
            .filter(|l| l.starts_with(&format!("| {name} |")))
            .collect();
        assert_eq!(md_rows.len(), 1, "one Markdown row for {name}:\n{md}");
        let cells: Vec<&str> = md_rows[0].split(" | ").collect();
        assert_eq!(cells[2], estimate, "{name}: {}", md_rows[0]);
        let latex_name = name.replace('&', "\\&");
        let tex_rows: Vec<&str> = tex
            .lines()
            .filter(|l| l.starts_with(&format!("{latex_name} &")))
            .collect();
        // Nine columns do not fit a page: the numbers, then the statistic and the reading,
        // each beside the check's name.
        assert_eq!(tex_rows.len(), 2, "two LaTeX rows for {name}:\n{tex}");
        let cells: Vec<&str> = tex_rows[0].split(" & ").collect();
        assert_eq!(cells[1], estimate, "{name}: {}", tex_rows[0]);
    }
    // A second export never overwrites the first.
    let again = export(dir.path(), "capacity", "md");
    assert_eq!(
        again.file_name().unwrap().to_string_lossy(),
        "robustness-capacity-1.md"
    );
}

#[test]
fn a_check_that_does_not_apply_is_a_row_saying_why_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rows =
        parse_csv(&std::fs::read_to_string(export(dir.path(), "bw-vs-neighbours", "csv")).unwrap());
    assert_eq!(rows.len(), 1 + CHECKS.len());
    let dose = rows
        .iter()
        .find(|r| r[0] == "Dose-response")
        .expect("the dose row is listed");
    let why = robustness("dose", "bw-vs-neighbours").expect_err("dose needs a measure");
    let reading = dose.last().unwrap();
    let reason = reading
        .strip_prefix("not applicable: ")
        .unwrap_or_else(|| panic!("'{reading}'"));
    assert!(why.contains(reason), "{why} vs {reason}");
    assert!(
        dose[1..dose.len() - 1].iter().all(String::is_empty),
        "{dose:?}"
    );
    // The checks that do apply still carry numbers.
    let placebo = rows.iter().find(|r| r[0] == "Placebo timing").unwrap();
    assert!(placebo[2].parse::<f64>().is_ok(), "{placebo:?}");
    // The spillover applies here only, with the numbers of `wirkung robustness`.
    let spillover = rows.iter().find(|r| r[0] == "Spillover").unwrap();
    let json = robustness("spillover", "bw-vs-neighbours").unwrap();
    for (column, value) in expected("spillover", &json) {
        let i = rows[0].iter().position(|h| h == column).unwrap();
        assert_eq!(
            serde_json::from_str::<f64>(&spillover[i]).ok(),
            value,
            "spillover {column}"
        );
    }
}

#[test]
fn svg_has_one_point_per_event_study_coefficient_and_the_caption() {
    let dir = tempfile::tempdir().unwrap();
    let svg = std::fs::read_to_string(export(dir.path(), "capacity", "svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("SVG is well-formed XML");
    let json = robustness("event-study", "capacity").unwrap();
    let coefficients = json["coefficients"].as_array().unwrap();
    assert!(coefficients.len() > 10);
    let points = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(points, coefficients.len());
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect();
    let base = json["base_period"].as_str().unwrap();
    assert!(
        texts.iter().any(|t| t == &format!("base period {base}")),
        "base period labelled"
    );
    let caption = texts
        .iter()
        .find(|t| t.contains("[SYNTHETIC]"))
        .expect("the caption marks the synthetic sample");
    assert!(
        caption.contains("Stronger vs weaker capacity expansion")
            && caption.contains("controls: all declared"),
        "{caption}"
    );
}

/// `--event-time`: the overlay of the event-time estimators as a chart with one marker per
/// estimate and a table of the overall ATT by estimator with the checks' own numbers.
#[test]
fn event_time_view_exports_chart_and_overall_att_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_string_lossy().into_owned();
    let run = |format: &str| {
        let (code, stdout, err) = wirkung(&[
            "export",
            SAMPLE,
            "--page",
            "robustness",
            "--event-time",
            "--outcome",
            "employment",
            "--comparison",
            "early-start",
            "--format",
            format,
            "--out",
            &out,
        ]);
        assert_eq!(code, 0, "{err}");
        PathBuf::from(stdout.trim())
    };
    let csv = run("csv");
    assert_eq!(
        csv.file_name().unwrap().to_string_lossy(),
        "robustness-event-time-early-start.csv"
    );
    let rows = parse_csv(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(rows[0][0], "estimator");
    assert_eq!(rows.len(), 1 + 5, "{rows:?}");
    let sa = robustness("sun-abraham", "early-start").unwrap();
    let two = robustness("two-stage", "early-start").unwrap();
    let att = |row: usize| serde_json::from_str::<f64>(&rows[row][2]).unwrap();
    assert_eq!(att(1), sa["twfe"]["overall"]["estimate"].as_f64().unwrap());
    assert_eq!(att(3), sa["overall"]["estimate"].as_f64().unwrap());
    assert_eq!(att(5), two["overall"]["estimate"].as_f64().unwrap());
    assert!(rows[3][6].contains("weighted by persons"), "{:?}", rows[3]);
    let svg = std::fs::read_to_string(run("svg")).unwrap();
    for name in [
        "TWFE",
        "Callaway-Sant&apos;Anna",
        "Sun-Abraham",
        "Imputation",
    ] {
        assert!(
            svg.contains(name) || svg.contains(&name.replace("&apos;", "'")),
            "{name}"
        );
    }
    // Not a view of any other page.
    let (code, _, err) = wirkung(&[
        "export",
        SAMPLE,
        "--page",
        "trends",
        "--event-time",
        "--format",
        "csv",
        "--out",
        &out,
    ]);
    assert_eq!(code, 2, "{err}");
}

// ---- One check's own table and chart: --check bacon|sdid ----

fn export_check(dir: &std::path::Path, check: &str, format: &str) -> PathBuf {
    let (code, out, err) = wirkung(&[
        "export",
        SAMPLE,
        "--page",
        "robustness",
        "--check",
        check,
        "--format",
        format,
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    PathBuf::from(out.trim())
}

#[test]
fn bacon_export_is_its_table_and_a_scatter_with_one_marker_per_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let json = robustness("bacon", "bw-vs-neighbours").unwrap();
    let comparisons = json["comparisons"].as_array().unwrap();
    let csv = export_check(dir.path(), "bacon", "csv");
    assert_eq!(
        csv.file_name().unwrap().to_string_lossy(),
        "robustness-bacon-bw-vs-neighbours.csv"
    );
    let rows = parse_csv(&std::fs::read_to_string(&csv).unwrap());
    assert_eq!(rows.len(), 1 + comparisons.len());
    assert_eq!(rows[0][0], "kind");
    let svg = std::fs::read_to_string(export_check(dir.path(), "bacon", "svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("SVG is well-formed XML");
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect();
    for label in [
        "treated vs never treated",
        "earlier vs later treated",
        "later vs earlier treated (forbidden)",
        "TWFE coefficient",
    ] {
        assert!(texts.iter().any(|t| t == label), "legend names {label}");
    }
    // Treated vs never treated are circles (plus one in the legend).
    let never = comparisons
        .iter()
        .filter(|c| c["kind"] == "treated_vs_never")
        .count();
    let circles = doc
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .count();
    assert_eq!(circles, never + 1);
    let png = std::fs::read(export_check(dir.path(), "sdid", "png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn check_needs_the_robustness_page() {
    let (code, _, err) = wirkung(&[
        "export", SAMPLE, "--page", "trends", "--check", "bacon", "--format", "svg", "--out", "-",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--check needs --page robustness"), "{err}");
    let (code, _, err) = wirkung(&[
        "robustness",
        SAMPLE,
        "--check",
        "sdid",
        "--outcome",
        "employment",
        "--comparison",
        "bw-vs-neighbours",
        "--placebos",
        "1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--placebos must be between 2 and"), "{err}");
}
