//! `wirkung district BUNDLE ID`: the dashboard's district detail, headless.

use std::process::Command;
use wirkung::cli::SAMPLE_BUNDLE;

fn wirkung(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn district_prints_text_and_json_for_an_id_or_a_name() {
    let text = wirkung(&["district", SAMPLE_BUNDLE, "08111"]);
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.starts_with("Stuttgart · 08111 · Stadtkreis BW"),
        "{text}"
    );
    assert!(
        text.contains("early-start: treated (Early start)"),
        "{text}"
    );
    assert!(text.contains("66.16 FTE before, 108.17 after"), "{text}");
    let by_name = wirkung(&["district", SAMPLE_BUNDLE, "stuttgart"]);
    assert_eq!(String::from_utf8(by_name.stdout).unwrap(), text);

    // A moved cutoff regroups the district, as `[` does on screen: Stuttgart starts on
    // 2018-01-23, so a cutoff at the turn of the year puts it in the late group.
    let moved = wirkung(&[
        "district",
        SAMPLE_BUNDLE,
        "08111",
        "--cutoff",
        "2018-01-01",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&moved.stdout).unwrap();
    assert_eq!(json["membership"]["status"], "control");
    assert_eq!(json["cutoff"], "2018-01-01");
    assert_eq!(json["early"], false);
}

#[test]
fn an_unknown_or_ambiguous_district_is_a_usage_error() {
    let out = wirkung(&["district", SAMPLE_BUNDLE, "Atlantis"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("no district 'Atlantis'"), "{err}");
    let out = wirkung(&["district", SAMPLE_BUNDLE, "Karlsruhe"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("08212") && err.contains("08215"), "{err}");
}
