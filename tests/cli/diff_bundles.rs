//! `wirkung diff`: a copy of a bundle with one revised month reports that month, the revised
//! values and the estimates that moved.

use crate::common::{copy_bundle, hand_dir, revised_hand_copy};
use std::path::PathBuf;
use wirkung::core::bundle;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::diff::{self, Controls, Headline};
use wirkung::core::period::Month;

#[test]
fn identical_bundles_have_no_changes() {
    let b = bundle::load(&hand_dir()).unwrap();
    let d = diff::diff(&b, &b);
    assert_eq!(d.revisions_total, 0);
    assert!(d.new_months.is_empty() && d.new_waves.is_empty());
    assert!(d.tables.iter().all(|t| t.old == t.new));
    assert!(
        d.estimates
            .iter()
            .all(|e| e.estimate_change.is_none_or(|c| c == 0.0))
    );
    assert!(d.estimates.iter().any(|e| e.estimate_change.is_some()));
}

#[test]
fn one_revised_month_is_reported_with_the_moved_estimates() {
    let old = bundle::load(&hand_dir()).unwrap();
    let copy = revised_hand_copy();
    let new = bundle::load(copy.path()).unwrap();
    let d = diff::diff(&old, &new);
    assert_eq!(d.revised_months, vec![Month::new(2019, 9).unwrap()]);
    assert_eq!(d.revisions_total, 2);
    // Largest change first: employed_total +75, then employed_sv +25.
    let r = &d.revisions[0];
    assert_eq!(
        (r.table.as_str(), r.key.as_str(), r.column.as_str()),
        ("employment", "08111 2019-09", "employed_total")
    );
    assert_eq!((r.old, r.new, r.change), (825.0, 900.0, 75.0));
    assert_eq!(d.revisions[1].change, 25.0);
    assert!(d.new_months.is_empty());
    // Stuttgart is treated in bw-vs-neighbours: a higher end rate raises the estimate. (The
    // hand bundle is too small for the estimate with controls: both versions say so.)
    let with_controls = d
        .estimates
        .iter()
        .find(|e| e.comparison == Comparison::BwVsNeighbours && e.outcome == Outcome::Employment)
        .unwrap();
    assert_eq!(with_controls.controls, Controls::All);
    assert!(matches!(with_controls.new, Headline::Failed { .. }));
    let e = d
        .estimates
        .iter()
        .find(|e| {
            e.comparison == Comparison::BwVsNeighbours
                && e.outcome == Outcome::Employment
                && e.controls == Controls::None
        })
        .unwrap();
    let (Headline::Estimate { estimate: a, .. }, Headline::Estimate { estimate: b, .. }) =
        (&e.old, &e.new)
    else {
        panic!("both estimates exist: {e:?}");
    };
    assert!(b > a, "{a} -> {b}");
    assert_eq!(e.estimate_change, Some(b - a));
    // Housing does not use employment, so it did not move.
    for e in d.estimates.iter().filter(|e| e.outcome == Outcome::Housing) {
        assert!(e.estimate_change.is_none_or(|c| c == 0.0), "{e:?}");
    }
    let text = diff::diff_text(&d);
    assert!(
        text.contains("employment months revised: 2019-09"),
        "{text}"
    );
    assert!(
        text.contains("bw-vs-neighbours / employment, controls none"),
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(&diff::diff_json(&d)).unwrap();
    assert_eq!(json["revisions_total"], 2);
    assert_eq!(json["revised_months"][0], "2019-09");
}

#[test]
fn new_month_and_vanished_unit_are_listed() {
    let old = bundle::load(&hand_dir()).unwrap();
    let copy = revised_hand_copy();
    let emp = copy.path().join("employment.csv");
    let mut text = std::fs::read_to_string(&emp).unwrap();
    text.push_str("08111,2019-10,830,500\n");
    std::fs::write(&emp, text).unwrap();
    let new = bundle::load(copy.path()).unwrap();
    let d = diff::diff(&old, &new);
    assert_eq!(d.new_months, vec![Month::new(2019, 10).unwrap()]);
    let t = d.tables.iter().find(|t| t.table == "employment").unwrap();
    assert_eq!(t.new, t.old.map(|n| n + 1));
    let d = diff::diff(&new, &old);
    assert_eq!(d.vanished_months, vec![Month::new(2019, 10).unwrap()]);
}

#[test]
fn cli_diff_prints_text_and_json() {
    let copy = revised_hand_copy();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .arg("diff")
        .arg(hand_dir())
        .arg(copy.path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["revisions"][0]["change"], 75.0);
    assert!(json["estimates"].as_array().unwrap().len() >= 10);
}

/// The shipped sample against a copy in which Stuttgart's September 2019 employment was
/// revised: `diff` names that month and shows the headline estimates (with the report's
/// controls) that moved, and leaves the housing estimates alone.
#[test]
fn the_sample_with_one_revised_month_reports_it_and_the_changed_estimates() {
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data/bw-integration");
    let copy = tempfile::tempdir().unwrap();
    copy_bundle(&sample, copy.path());
    let path = copy.path().join("employment.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    // Whatever the sample holds for that month, 300 more employed (100 of them SV).
    let row = text
        .lines()
        .find(|l| l.starts_with("08111,2019-09,"))
        .expect("Stuttgart, Sep 2019")
        .to_string();
    let counts: Vec<i64> = row.split(',').skip(2).map(|c| c.parse().unwrap()).collect();
    let revised = format!("08111,2019-09,{},{}", counts[0] + 300, counts[1] + 100);
    std::fs::write(
        &path,
        text.replace(&format!("\n{row}\n"), &format!("\n{revised}\n")),
    )
    .unwrap();

    let old = bundle::load(&sample).unwrap();
    let new = bundle::load(copy.path()).unwrap();
    let d = diff::diff(&old, &new);
    assert_eq!(d.revised_months, vec![Month::new(2019, 9).unwrap()]);
    assert_eq!(d.revisions_total, 2);
    assert_eq!(d.revisions[0].change, 300.0);

    // Stuttgart is a BW district: with the report's controls, BW vs neighbours moves up.
    let headline = |comparison, outcome| {
        d.estimates
            .iter()
            .find(|e| {
                e.comparison == comparison && e.outcome == outcome && e.controls == Controls::All
            })
            .unwrap()
    };
    let bw = headline(Comparison::BwVsNeighbours, Outcome::Employment);
    let (Headline::Estimate { estimate: a, .. }, Headline::Estimate { estimate: b, .. }) =
        (&bw.old, &bw.new)
    else {
        panic!("both estimates exist: {bw:?}");
    };
    assert!(b > a, "{a} -> {b}");
    assert!(bw.p_value_change.is_some_and(|c| c != 0.0));
    // Social-security employment was revised too; housing does not use employment at all.
    assert!(
        headline(Comparison::BwVsNeighbours, Outcome::EmploymentSv)
            .estimate_change
            .is_some_and(|c| c > 0.0)
    );
    for e in d.estimates.iter().filter(|e| e.outcome == Outcome::Housing) {
        assert!(e.estimate_change.is_none_or(|c| c == 0.0), "{e:?}");
    }
    assert!(diff::diff_text(&d).contains("employment months revised: 2019-09"));
}

/// A moved cutoff in bundle.toml is reported first, as a manifest change, and the estimates
/// it moves are marked as explained by it (no data was revised).
#[test]
fn manifest_changes_come_first_and_explain_the_estimates() {
    let old = bundle::load(&hand_dir()).unwrap();
    let same = diff::diff_text(&diff::diff(&old, &old));
    assert!(
        same.starts_with("Manifest (bundle.toml): unchanged"),
        "{same}"
    );

    let dir = tempfile::tempdir().unwrap();
    copy_bundle(&hand_dir(), dir.path());
    let toml = dir.path().join("bundle.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let moved = text.replace(
        "early_cutoff        = \"2018-02-15\"",
        "early_cutoff        = \"2018-06-15\"",
    );
    assert_ne!(moved, text);
    std::fs::write(&toml, moved).unwrap();
    let new = bundle::load(dir.path()).unwrap();
    let d = diff::diff(&old, &new);
    assert_eq!(d.revisions_total, 0);
    assert_eq!(d.manifest.len(), 1, "{:?}", d.manifest);
    let c = &d.manifest[0];
    assert_eq!(c.setting, "rules.early_cutoff");
    assert_eq!(
        (c.old.as_deref(), c.new.as_deref()),
        (Some("2018-02-15"), Some("2018-06-15"))
    );
    let text = diff::diff_text(&d);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Manifest (bundle.toml) changed"),
        "{text}"
    );
    assert!(
        text.lines()
            .nth(1)
            .unwrap()
            .contains("rules.early_cutoff          2018-02-15 -> 2018-06-15   (moves the early-start estimates)"),
        "{text}"
    );
    // The moved cutoff leaves too few early districts: the estimate fails, and the manifest
    // says why; estimates of other comparisons are not attributed to it.
    let line = |start: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(start))
            .unwrap()
            .trim_end()
            .to_string()
    };
    assert!(
        line("early-start / employment, controls none").ends_with("(manifest)"),
        "{text}"
    );
    assert!(
        text.lines()
            .filter(|l| l.trim_start().starts_with("bw-vs-neighbours"))
            .all(|l| !l.contains("(manifest)")),
        "{text}"
    );
    assert!(diff::diff_json(&d).contains("\"setting\": \"rules.early_cutoff\""));
}

/// `wirkung diff` names the units beside their ids: the revised district, and new or
/// vanished districts and municipalities (text and JSON).
#[test]
fn diff_names_units_beside_their_ids() {
    let old = bundle::load(&hand_dir()).unwrap();
    let copy = revised_hand_copy();
    let new = bundle::load(copy.path()).unwrap();
    let name = new
        .districts
        .iter()
        .find(|d| d.district_id == "08111")
        .unwrap()
        .name
        .clone();
    let d = diff::diff(&old, &new);
    assert_eq!(d.revisions[0].name.as_deref(), Some(name.as_str()));
    let text = diff::diff_text(&d);
    assert!(
        text.lines()
            .any(|l| l.contains("08111 2019-09") && l.contains(&name)),
        "{text}"
    );
    // The other way round, a district that only the old bundle has is named too.
    let fewer = tempfile::tempdir().unwrap();
    copy_bundle(copy.path(), fewer.path());
    let municipalities = fewer.path().join("municipalities.csv");
    let text = std::fs::read_to_string(&municipalities).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().to_string();
    let dropped = lines.next().unwrap().to_string();
    let rest: Vec<&str> = lines.collect();
    std::fs::write(
        &municipalities,
        [header.as_str()]
            .iter()
            .chain(rest.iter())
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    )
    .unwrap();
    let fewer_bundle = bundle::load(fewer.path()).unwrap();
    let d = diff::diff(&new, &fewer_bundle);
    let id = dropped.split(',').next().unwrap();
    let muni_name = dropped.split(',').nth(1).unwrap();
    assert_eq!(d.units.vanished_municipalities, vec![id.to_string()]);
    assert!(
        diff::diff_text(&d).contains(&format!("vanished {id} {muni_name}")),
        "{}",
        diff::diff_text(&d)
    );
    let json: serde_json::Value = serde_json::from_str(&diff::diff_json(&d)).unwrap();
    assert!(
        json["units"]["names"][id]
            .as_str()
            .is_some_and(|n| n.starts_with(muni_name))
    );
}
