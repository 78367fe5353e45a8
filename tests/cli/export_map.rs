//! `wirkung export --page start-times --map ...`: the district map as SVG (parsed back: one
//! path per district, control districts hatched, legend and attribution) and as CSV, and the
//! usage errors of `--map`.

use std::path::PathBuf;
use std::process::{Command, Output};

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration")
}

fn export(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .arg("export")
        .arg(sample())
        .args(args)
        .output()
        .expect("the binary runs")
}

#[test]
fn map_svg_of_bw_vs_neighbours_draws_every_district_with_its_group_and_source() {
    let dir = tempfile::tempdir().unwrap();
    let o = export(&[
        "--page",
        "start-times",
        "--comparison",
        "bw-vs-neighbours",
        "--map",
        "start-date",
        "--format",
        "svg",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let path = dir.path().join("map-bw-vs-neighbours-start-date.svg");
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim(),
        path.display().to_string()
    );
    let svg = std::fs::read_to_string(&path).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    let paths: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .collect();
    let districts = paths
        .iter()
        .filter(|n| n.attribute("fill") != Some("url(#control-hatch)"))
        .count();
    let hatched = paths.len() - districts;
    // All 202 districts of the frame have a polygon.
    assert_eq!(districts, 202);
    // The 158 neighbouring districts.
    assert_eq!(hatched, 158);
    let texts: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    let all = texts.join("\n");
    for needle in [
        "Districts by start quarter – BW vs neighbouring states",
        "Baden-Württemberg (treated): solid",
        "Neighbouring states (control): hatched",
        "2017 Q4",
        "[SYNTHETIC]",
        "© GeoBasis-DE / BKG 2021 (Daten verändert)",
        "dl-de/by-2-0",
        "Stand 01.01.2021",
    ] {
        assert!(all.contains(needle), "{needle:?} missing in {all}");
    }
    assert!(!all.contains("Not on the map"), "{all}");
}

#[test]
fn map_csv_lists_the_districts_drawn_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map.csv");
    for expected in ["map.csv", "map-1.csv"] {
        let o = export(&[
            "--page",
            "start-times",
            "--comparison",
            "capacity",
            "--map",
            "measure",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(dir.path().join(expected).exists());
    }
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("district_id,name,group,value,class"));
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 44, "the BW districts");
    assert!(rows.iter().any(|r| r.contains(",treated,")));
    assert!(rows.iter().any(|r| r.contains(",control,")));
}

#[test]
fn map_needs_the_start_times_page_and_svg_or_csv() {
    let o = export(&[
        "--page", "trends", "--map", "measure", "--format", "svg", "--out", "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--page start-times"));
    let o = export(&[
        "--page",
        "start-times",
        "--map",
        "measure",
        "--format",
        "md",
        "--out",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("svg"));
}
