//! `wirkung check` end to end: exit status 0/1 and the JSON shape of cli.md.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn check(bundle: &Path, format: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(["check", &bundle.display().to_string(), "--format", format])
        .output()
        .expect("the binary runs")
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn a_valid_bundle_exits_0_with_the_documented_json_shape() {
    let out = check(&fixtures().join("valid"), "json");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert_eq!(v["errors"], Value::Array(vec![]));
    assert_eq!(v["warnings"], Value::Array(vec![]));
    let tables = v["tables"].as_object().unwrap();
    assert_eq!(tables.len(), 9);
    assert_eq!(tables["employment"]["rows"], 144);
    assert_eq!(tables["employment"]["file"], "employment.csv");
    assert_eq!(tables["activity"]["used"], 20);
}

#[test]
fn a_bundle_with_errors_exits_1_and_each_finding_has_four_fields() {
    let out = check(&fixtures().join("bad/activity_dirty"), "json");
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let errors = v["errors"].as_array().unwrap();
    let warnings = v["warnings"].as_array().unwrap();
    assert!(!errors.is_empty() && !warnings.is_empty());
    for f in errors.iter().chain(warnings) {
        let mut keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["column", "message", "row", "table"]);
    }
    let bad_date = errors
        .iter()
        .find(|f| f["row"] == 24)
        .expect("the impossible date");
    assert_eq!(bad_date["table"], "activity");
    assert_eq!(bad_date["column"], "date");
    let dup = warnings
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("exact duplicate"))
        .unwrap();
    assert_eq!(dup["row"], Value::Null);
    assert_eq!(dup["column"], Value::Null);
    assert_eq!(v["tables"]["activity"]["rows"], 25);
    assert_eq!(v["tables"]["activity"]["used"], 22);
}

#[test]
fn warnings_never_change_the_exit_status() {
    let out = check(&fixtures().join("bad/missing_wave"), "text");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 errors"), "{text}");
    assert!(
        text.contains("warning target_group, column 'wave': funded municipality 08115003"),
        "{text}"
    );
}

#[test]
fn text_lists_errors_with_location_then_warnings_then_tables() {
    let out = check(&fixtures().join("bad/wrong_type"), "text");
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let error = text
        .find("error   grants, column 'fte', row 2: expected a number")
        .expect(&text);
    let warnings = text.find("0 warnings").expect(&text);
    let tables = text.find("table ").expect(&text);
    assert!(error < warnings && warnings < tables, "{text}");
    assert!(text.contains("grants.csv"), "{text}");
}

#[test]
fn a_bundle_that_cannot_be_opened_exits_1_with_a_message() {
    let out = check(&fixtures().join("bad/format_2"), "text");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("format 2 is not supported"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    let out = check(&fixtures().join("does-not-exist"), "json");
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not a bundle directory")
    );
}

#[test]
fn a_missing_table_is_reported_as_unreadable() {
    let out = check(&fixtures().join("bad/missing_table"), "json");
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["tables"]["grants"]["rows"], Value::Null);
    assert_eq!(v["tables"]["grants"]["readable"], false);
    assert_eq!(v["tables"]["districts"]["readable"], true);
}

#[test]
fn bad_usage_exits_2() {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(["check", "x", "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
