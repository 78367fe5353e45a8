//! The way `activity` is read (compact columns, grouping by IM, CSV in chunks) changed no
//! output: `check --format json` on the sample and on fixtures (every finding, row numbers
//! included), and the estimates, robustness checks and exhibits that read activity, are
//! byte for byte what the release binary printed before the last such change
//! (tests/reference/identity/make_identity.sh says which binary and how).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected(name: &str) -> String {
    let path = root().join("tests/reference/identity").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .current_dir(root())
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn assert_same(name: &str, args: &[&str]) {
    let now = run(args);
    let before = expected(name);
    if now != before {
        let first = now
            .lines()
            .zip(before.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(now.lines().count().min(before.lines().count()));
        panic!(
            "{name}: output differs from before, first at line {}:\n now:    {:?}\n before: {:?}",
            first + 1,
            now.lines().nth(first),
            before.lines().nth(first)
        );
    }
}

const SAMPLE: &str = "sample-data/bw-integration";

#[test]
fn check_json_of_the_sample_is_unchanged() {
    assert!(Path::new(&root().join(SAMPLE).join("activity.parquet")).exists());
    assert_same("check-sample.json", &["check", SAMPLE, "--format", "json"]);
}

#[test]
fn check_json_of_fixtures_is_unchanged() {
    for f in [
        "activity_dirty",
        "alliance_mismatch",
        "negative_talks",
        "impossible_date",
        "future_date",
        "unknown_municipality",
        "missing_required_value",
        "wrong_type",
    ] {
        let dir = format!("tests/fixtures/bad/{f}");
        assert_same(
            &format!("check-{f}.json"),
            &["check", &dir, "--format", "json"],
        );
    }
    assert_same(
        "check-valid.json",
        &["check", "tests/fixtures/valid", "--format", "json"],
    );
}

/// A CSV `activity` larger than one chunk of the chunked reader (8 MB): findings keep their
/// file row numbers across chunks, come out column by column as before, and exact
/// duplicates are found across chunks (rows 220,026 = 1 and the like).
#[test]
fn check_json_of_a_csv_read_in_chunks_is_unchanged() {
    check_chunked_csv("");
}

/// A blank first line (which the CSV reader skips to find the header) must not become the
/// header of every chunk after the first: such a file is read whole, with the same findings.
#[test]
fn a_csv_with_a_blank_first_line_reads_as_without_it() {
    check_chunked_csv("\n");
}

fn check_chunked_csv(before_header: &str) {
    use std::fmt::Write;
    let fixture = root().join("tests/fixtures/bad/activity_dirty");
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    std::fs::create_dir(&bundle).unwrap();
    for entry in std::fs::read_dir(&fixture).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, bundle.join(path.file_name().unwrap())).unwrap();
    }
    let dirty = std::fs::read_to_string(fixture.join("activity.csv")).unwrap();
    let (header, rows) = dirty.split_once('\n').unwrap();
    let mut text = format!("{before_header}{header}\n");
    for block in 0..3 {
        text.push_str(rows);
        if block < 2 {
            for k in 0..220_000 {
                let manager = 100_000 + k + block * 220_000;
                writeln!(
                    text,
                    "{manager},A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,1,0,0"
                )
                .unwrap();
            }
        }
    }
    assert!(text.len() > 20 << 20, "three chunks or more");
    std::fs::write(bundle.join("activity.csv"), text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .current_dir(tmp.path())
        .args(["check", "b", "--format", "json"])
        .output()
        .unwrap();
    let now = String::from_utf8(out.stdout).unwrap();
    let before = expected("check-activity_dirty-chunks.json");
    assert!(
        now.contains("\"row\": 440074"),
        "a finding in the third chunk"
    );
    assert_eq!(now, before, "check of the chunked CSV differs from before");
}

#[test]
fn estimates_and_exhibits_from_activity_are_unchanged() {
    for c in ["early-start", "labour-talks", "housing-talks"] {
        let args = [
            "estimate",
            SAMPLE,
            "--outcome",
            "employment",
            "--comparison",
            c,
            "--format",
            "json",
        ];
        assert_same(&format!("estimate-{c}.json"), &args);
    }
    for id in ["abb34", "abb35", "abb33-location"] {
        let args = ["exhibit", SAMPLE, "--id", id, "--format", "json"];
        assert_same(&format!("exhibit-{id}.json"), &args);
    }
}

#[test]
fn robustness_checks_on_talk_shares_are_unchanged() {
    for (check, comparison) in [("dose", "labour-talks"), ("event-study", "housing-talks")] {
        let args = [
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
        ];
        assert_same(&format!("robustness-{check}-{comparison}.json"), &args);
    }
}

/// An `.xlsx` `activity` (tests/reference/identity/make_sheet.py: a table starting in B3,
/// blank rows inside it, text, negative and fractional counts, a date cell, an impossible
/// date) read a chunk of rows at a time, with chunks down to one row and whole (`0`): every
/// finding, row number and cell reference is what the binary that read the sheet whole
/// printed (make_sheet.sh).
#[test]
fn check_json_of_an_xlsx_activity_read_in_chunks_is_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("b");
    std::fs::create_dir(&bundle).unwrap();
    let from = root().join("tests/fixtures/bad/activity_dirty");
    for entry in std::fs::read_dir(&from).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() && p.file_name().unwrap() != "activity.csv" {
            std::fs::copy(&p, bundle.join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::copy(
        root().join("tests/reference/identity/activity-sheet.xlsx"),
        bundle.join("activity.xlsx"),
    )
    .unwrap();
    let before = expected("check-activity-sheet.json");
    for rows in [None, Some("1"), Some("2"), Some("5"), Some("0")] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirkung"));
        cmd.current_dir(tmp.path())
            .args(["check", "b", "--format", "json"]);
        if let Some(rows) = rows {
            cmd.env("WIRKUNG_SHEET_CHUNK_ROWS", rows);
        }
        let now = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
        assert_eq!(now, before, "chunks of {rows:?} rows");
    }
}
