//! Loading the small valid fixture bundle (tests/fixtures/valid, written by
//! tests/fixtures/make_valid.py): every table typed as the contract says, no finding.

use std::path::{Path, PathBuf};
use wirkung::core::bundle::{self, Organisation, Table};

fn valid() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

fn findings_text(b: &bundle::Bundle) -> String {
    b.findings
        .items
        .iter()
        .map(|f| format!("{:?} {}: {}\n", f.severity, f.location(), f.message))
        .collect()
}

#[test]
fn the_valid_fixture_loads_without_findings() {
    let b = bundle::load(&valid()).expect("valid bundle opens");
    assert!(
        b.findings.items.is_empty(),
        "unexpected findings:\n{}",
        findings_text(&b)
    );
    assert!(b.unreadable.is_empty());
    assert_eq!(b.districts.len(), 4);
    assert_eq!(b.municipalities.len(), 4);
    assert_eq!(b.grants.len(), 4);
    assert_eq!(b.staffing.len(), 3);
    assert_eq!(b.target_group.len(), 6);
    assert_eq!(b.employment.len(), 4 * 36);
    assert_eq!(b.population.len(), 16);
    assert_eq!(b.activity.len(), 20);
    assert_eq!(b.manager_survey.len(), 4);
    assert_eq!(b.sources[&Table::Activity].rows, 20);
    assert!(b.sources[&Table::Districts].file.ends_with("districts.csv"));
    assert_eq!(b.activity_cleaning.rows_read, 20);
    assert_eq!(b.activity_cleaning.exact_duplicates_dropped, 0);
    assert!(b.is_synthetic());
}

#[test]
fn values_are_typed_as_the_contract_says() {
    let b = bundle::load(&valid()).expect("valid bundle opens");
    // Identifiers keep their leading zeros.
    assert_eq!(b.districts[0].district_id, "08111");
    assert_eq!(b.municipalities[1].municipality_id, "08115001");
    // Booleans: true/false in any case, 1/0 too.
    let urban: Vec<bool> = b.districts.iter().map(|d| d.urban).collect();
    assert_eq!(urban, [true, false, true, true]);
    assert!(b.municipalities[2].funded);
    // Declared controls, a boolean one as 1.0/0.0; undeclared extra columns are ignored.
    assert_eq!(
        b.districts[0].controls["protection_seekers_pct_2017"],
        Some(2.1)
    );
    assert_eq!(b.districts[0].controls["urban"], Some(1.0));
    assert_eq!(b.districts[1].controls["urban"], Some(0.0));
    assert_eq!(b.districts[0].controls.len(), 2);
    assert_eq!(
        b.municipalities[0].controls["tax_revenue_pc_2016"],
        Some(1.62)
    );
    assert_eq!(
        b.municipalities[0].organisation,
        Some(Organisation::Municipal)
    );
    assert_eq!(b.grants[3].start.to_string(), "2018-01-15");
    assert_eq!(b.employment[11].month.to_string(), "2017-12");
    assert_eq!(b.population[1].year, 2017);
    assert_eq!(b.staffing[1].nobody_before, Some(true));
    assert_eq!(b.target_group[1].wave.to_string(), "2020-01-31");
    let first = b.activity.get(0).unwrap();
    assert_eq!(first.talks, [0, 1, 2, 3, 0, 1, 2, 3]);
    assert_eq!(first.talks_office, Some(9));
    assert_eq!(b.manager_survey[0].plan_b_use, Some(4));
    assert_eq!(b.manager_survey[0].hours_appointments, Some(12.5));
}

#[test]
fn a_missing_directory_or_manifest_is_a_readable_error() {
    let err = bundle::load(Path::new("/nonexistent/bundle"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/nonexistent/bundle") && err.contains("not a bundle directory"),
        "{err}"
    );
    let file = valid().join("districts.csv");
    let err = bundle::load(&file).unwrap_err().to_string();
    assert!(err.contains("is a file"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let err = bundle::load(empty.path()).unwrap_err().to_string();
    assert!(err.contains("bundle.toml"), "{err}");
}

fn copy_of_valid() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(valid()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn a_byte_order_mark_from_a_spreadsheet_is_not_part_of_the_first_column_name() {
    let dir = copy_of_valid();
    let path = dir.path().join("districts.csv");
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(std::fs::read(&path).unwrap());
    std::fs::write(&path, bytes).unwrap();
    let b = bundle::load(dir.path()).unwrap();
    assert!(b.findings.items.is_empty(), "{}", findings_text(&b));
    assert_eq!(b.districts[0].district_id, "08111");
}

#[test]
fn a_semicolon_separated_file_is_read_as_a_german_export_and_noted() {
    let dir = copy_of_valid();
    let original = bundle::load(dir.path()).unwrap();
    let path = dir.path().join("grants.csv");
    let text = std::fs::read_to_string(&path).unwrap().replace(',', ";");
    std::fs::write(&path, text).unwrap();
    let b = bundle::load(dir.path()).unwrap();
    assert!(b.has(Table::Grants));
    assert_eq!(b.grants, original.grants);
    let note = b
        .findings
        .warnings()
        .find(|f| f.table.as_deref() == Some("grants"))
        .expect("a note on the grants table");
    assert!(
        note.message.contains("German spreadsheet export")
            && note.message.contains("separated by ';'"),
        "{}",
        note.message
    );
}

#[test]
fn duplicates_and_conflicts_within_one_im_day() {
    let dir = copy_of_valid();
    let header = "manager_id,alliance_id,municipality_id,date,talks_labour,talks_language,talks_education,talks_housing,talks_health,talks_participation,talks_children,talks_other,talks_office,talks_onsite,talks_accompanying\n";
    let rows = [
        "1,A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,1,0,0", // row 1
        "1,A01,08111000,2018-03-05,2,0,0,0,0,0,0,0,2,0,0", // row 2: conflicts with 1
        "1,A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,1,0,0", // row 3: exact copy of 1, dropped
        "1,A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,,,",    // row 4: differs only by gaps: conflicts
        "1,A02,08115001,2018-03-05,1,0,0,0,0,0,0,0,1,0,0", // row 5: another alliance's IM 1
    ];
    std::fs::write(
        dir.path().join("activity.csv"),
        format!("{header}{}\n", rows.join("\n")),
    )
    .unwrap();
    let b = bundle::load(dir.path()).unwrap();
    let c = &b.activity_cleaning;
    assert_eq!(
        (c.rows_read, c.exact_duplicates_dropped, c.conflicting_rows),
        (5, 1, 3)
    );
    let flags: Vec<bool> = b.activity.iter().map(|a| a.conflicting).collect();
    assert_eq!(flags, [true, true, true, false]);
    assert_eq!(b.activity.get(2).unwrap().talks_office, None);
    let dropped = b
        .findings
        .warnings()
        .find(|f| f.message.contains("exact duplicate"))
        .unwrap();
    assert!(
        dropped
            .message
            .contains("1 exact duplicate rows dropped (20.0%)")
            && dropped.message.contains("row 3 = row 1"),
        "{}",
        dropped.message
    );
    let conflict_rows: Vec<Option<usize>> = b
        .findings
        .warnings()
        .filter(|f| f.message.contains("with different counts"))
        .map(|f| f.row)
        .collect();
    assert_eq!(conflict_rows, [Some(2), Some(4)]);
}
