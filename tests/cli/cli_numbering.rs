//! One numbering everywhere (issue "In front of an audience", point 2): the report's (1)
//! without and (2) with controls in `estimate` text, markdown and LaTeX and in the estimate
//! export; JSON and CSV keep one model and say which column it is; chart titles name the
//! model whose number they print. Also the export captions and file names of a moved cutoff.

use std::path::{Path, PathBuf};
use std::process::Command;
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::core::report::{one_decimal, stars};

fn wirkung(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const CHOICE: [&str; 4] = ["--outcome", "employment", "--comparison", "early-start"];

fn estimate(extra: &[&str]) -> String {
    let mut args = vec!["estimate", SAMPLE_BUNDLE];
    args.extend(CHOICE);
    args.extend(extra);
    wirkung(&args)
}

/// The treated coefficient of `--format json` with `controls`, as the tables print it.
fn json_treated(controls: &str) -> (String, serde_json::Value) {
    let v: serde_json::Value =
        serde_json::from_str(&estimate(&["--controls", controls, "--format", "json"])).unwrap();
    let c = v["coefficients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["term"] == "treated")
        .unwrap()
        .clone();
    let shown = format!(
        "{}{}",
        one_decimal(c["estimate"].as_f64().unwrap()),
        stars(c["p_value"].as_f64().unwrap())
    );
    (shown, v)
}

#[test]
fn estimate_prints_both_columns_as_the_report_numbers_them() {
    let (without, v1) = json_treated("none");
    let (with, v2) = json_treated("all");
    assert_eq!(v1["report_column"], "(1)");
    assert_eq!(v2["report_column"], "(2)");
    assert_ne!(without, with, "the sample's columns differ (-0.9 and -0.5)");

    let text = estimate(&[]);
    let header = text.lines().find(|l| l.contains("(1)")).unwrap();
    assert!(
        header.contains("(2)") && header.find("(1)") < header.find("(2)"),
        "{text}"
    );
    let treated = text
        .lines()
        .find(|l| l.starts_with("Early start "))
        .unwrap();
    let cells: Vec<&str> = treated.split_whitespace().skip(2).collect();
    assert_eq!(cells, [without.as_str(), with.as_str()], "{text}");
    assert!(
        text.contains("(1) without controls; (2) with controls"),
        "{text}"
    );

    let md = estimate(&["--format", "markdown"]);
    assert!(md.contains("| | (1) | (2) |"), "{md}");
    let md_row = md
        .lines()
        .find(|l| l.starts_with("| Early start |"))
        .unwrap();
    assert_eq!(
        md_row,
        format!(
            "| Early start | {} | {} |",
            without.replace('*', "\\*"),
            with.replace('*', "\\*")
        )
    );
    let tex = estimate(&["--format", "latex"]);
    assert!(tex.contains(" & (1) & (2) \\\\"), "{tex}");

    // --controls none: column (1) alone, numbered as the report numbers it.
    let text = estimate(&["--controls", "none"]);
    let header = text.lines().find(|l| l.contains("(1)")).unwrap();
    assert!(!header.contains("(2)"), "{text}");

    let csv = estimate(&["--format", "csv"]);
    assert!(csv.lines().next().unwrap().ends_with(",report_column"));
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",(2)")), "{csv}");
}

fn export(out: &Path, format: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec!["export", SAMPLE_BUNDLE, "--page", "estimate"];
    args.extend(CHOICE);
    args.extend(extra);
    args.extend(["--format", format, "--out", out.to_str().unwrap()]);
    wirkung(&args);
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == format))
        .collect();
    files.sort();
    files.pop().unwrap()
}

#[test]
fn the_estimate_export_numbers_its_columns_and_its_chart_title_matches_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (without, _) = json_treated("none");
    let md = std::fs::read_to_string(export(dir.path(), "md", &[])).unwrap();
    assert!(md.contains("| | (1) | (2) |"), "{md}");
    let svg = std::fs::read_to_string(export(dir.path(), "svg", &[])).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let title = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .find(|t| t.contains("group means"))
        .unwrap()
        .to_string();
    // The lines are the group means; their difference in differences is column (1)'s.
    assert!(
        title.contains(&format!("(1) without controls: DiD {without}")),
        "{title}"
    );
}

#[test]
fn a_moved_cutoff_is_in_the_caption_and_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let path = export(dir.path(), "md", &["--cutoff", "2018-03-15", "--se", "hc3"]);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(name, "estimate-early-start-cutoff-2018-03-15.md");
    let md = std::fs::read_to_string(&path).unwrap();
    let caption = md.lines().find(|l| l.contains("[SYNTHETIC] ·")).unwrap();
    assert!(caption.contains("cutoff 2018-03-15 (changed)"), "{caption}");
    assert!(caption.contains("se hc3 (changed)"), "{caption}");
    // The bundle's own cutoff is named, unmarked, and the file name stays as it was.
    let plain = export(dir.path(), "tex", &[]);
    assert_eq!(
        plain.file_name().unwrap().to_string_lossy(),
        "estimate-early-start.tex"
    );
    let tex = std::fs::read_to_string(&plain).unwrap();
    assert!(tex.contains("cutoff 2018-02-15 $\\cdot$"), "{tex}");
    assert!(!tex.contains("(changed)"), "{tex}");
}
