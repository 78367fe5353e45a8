//! `wirkung import activity`: several per-IM workbooks with planted duplicates, conflicts and
//! bad cells give exact counts; an interrupted import leaves the bundle byte-identical.

use rust_xlsxwriter::Workbook;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use wirkung::core::bundle;
use wirkung::core::import::{ImportError, ImportOptions, import_activity};

const HEADER: [&str; 15] = [
    "manager_id",
    "alliance_id",
    "municipality_id",
    "date",
    "talks_labour",
    "talks_language",
    "talks_education",
    "talks_housing",
    "talks_health",
    "talks_participation",
    "talks_children",
    "talks_other",
    "talks_office",
    "talks_onsite",
    "talks_accompanying",
];

fn hand_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand")
}

fn example_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsx/kennzahlen-A1-1.xlsx")
}

/// Writes a key-figure workbook: the header, then rows given as CSV lines (counts as
/// numbers, everything else as text).
fn workbook(path: &Path, header: &[&str], rows: &[&str]) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Kennzahlen").unwrap();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, line) in rows.iter().enumerate() {
        for (c, field) in line.split(',').enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            if field.is_empty() {
                continue;
            }
            match field.parse::<f64>() {
                Ok(v) if c >= 4 => ws.write_number(r, c, v).unwrap(),
                _ => ws.write_string(r, c, field).unwrap(),
            };
        }
    }
    wb.save(path).unwrap();
}

/// The example workbook shipped in tests/fixtures/xlsx (one IM, one month of key figures).
const EXAMPLE_ROWS: [&str; 4] = [
    "1,A1,08111001,2019-09-02,2,1,0,1,0,0,1,0,4,1,0",
    "1,A1,08111001,2019-09-03,0,2,1,0,1,0,0,1,3,2,0",
    "1,A1,08111001,2019-09-04,3,0,0,2,0,1,0,0,5,0,1",
    "1,A1,08111001,2019-09-05,1,1,1,1,0,0,0,0,4,0,0",
];

fn copy_hand() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(hand_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    dir
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let bytes = if p.is_file() {
                std::fs::read(&p).unwrap()
            } else {
                Vec::new()
            };
            (p.file_name().unwrap().to_string_lossy().into_owned(), bytes)
        })
        .collect()
}

/// Three workbooks with planted problems (see the counts in the test below).
fn planted(dir: &Path) -> Vec<PathBuf> {
    let a = dir.join("im-A1-1.xlsx");
    workbook(
        &a,
        &HEADER,
        &[
            // Exact duplicate of the bundle's first activity row.
            "1,A1,08111001,2019-03-01,2,1,0,1,0,0,0,1,4,1,0",
            "1,A1,08111001,2019-08-01,1,1,0,0,0,0,0,0,2,0,0",
            // Sent twice.
            "1,A1,08111001,2019-08-01,1,1,0,0,0,0,0,0,2,0,0",
            // Text in talks_health (column I, sheet row 5).
            "1,A1,08111001,2019-08-02,1,0,0,0,x,0,0,0,1,0,0",
        ],
    );
    let b = dir.join("im-B1-1.xlsx");
    workbook(
        &b,
        &HEADER,
        &[
            "1,B1,08115001,2019-08-05,2,0,0,0,0,0,0,0,2,0,0",
            // Same IM and day, different counts: kept and flagged.
            "1,B1,08115001,2019-08-05,3,0,0,0,0,0,0,0,3,0,0",
            "1,B1,08115001,2019-08-06,0,0,0,1,0,0,0,0,,,",
        ],
    );
    let broken = dir.join("broken.xlsx");
    workbook(
        &broken,
        &HEADER[..11],
        &["1,C1,08116001,2019-08-01,1,0,0,0,0,0,0"],
    );
    vec![a, b, broken]
}

#[test]
fn planted_duplicates_conflicts_and_bad_cells_are_counted_exactly() {
    let bundle_dir = copy_hand();
    let inputs = tempfile::tempdir().unwrap();
    let files = planted(inputs.path());
    let r = import_activity(bundle_dir.path(), &files, &ImportOptions::default()).unwrap();
    // The bundle's activity.csv: 10 rows, one with the impossible date 2019-02-30 and one
    // exact duplicate; both stay in the table as delivered (check flags them).
    assert_eq!(r.existing_rows, 10);
    assert_eq!(r.imported_rows, 6);
    let dropped: Vec<(String, usize)> = r
        .dropped_duplicates
        .iter()
        .map(|o| (o.file.clone(), o.row))
        .collect();
    assert_eq!(
        dropped,
        vec![
            ("im-A1-1.xlsx".to_string(), 2),
            ("im-A1-1.xlsx".to_string(), 4),
        ]
    );
    let conflicts: Vec<(String, String)> = r
        .conflicts
        .iter()
        .map(|c| (c.alliance_id.clone(), c.date.to_string()))
        .collect();
    assert_eq!(
        conflicts,
        vec![
            ("B1".to_string(), "2019-08-05".to_string()),
            ("D1".to_string(), "2019-05-02".to_string())
        ]
    );
    assert_eq!(r.unparsed.len(), 2, "{:?}", r.unparsed);
    let cell = r
        .unparsed
        .iter()
        .find(|u| u.file == "im-A1-1.xlsx")
        .unwrap();
    assert_eq!(cell.cell.as_deref(), Some("I5"));
    assert_eq!(cell.sheet.as_deref(), Some("Kennzahlen"));
    assert!(cell.message.contains("\"x\""), "{}", cell.message);
    let broken = r.unparsed.iter().find(|u| u.file == "broken.xlsx").unwrap();
    assert!(broken.message.contains("talks_other"), "{}", broken.message);
    assert!(r.unparsed.iter().all(|u| u.file != "activity.csv"));
    assert_eq!(r.rows_written, 14);
    assert_eq!(r.target, bundle_dir.path().join("activity.parquet"));
    assert_eq!(r.shadowed, Some(bundle_dir.path().join("activity.csv")));

    // The loader reads the new Parquet table as it read the CSV: the delivered duplicate
    // and the impossible date are still there for check to flag; both conflicts flagged.
    let b = bundle::load(bundle_dir.path()).unwrap();
    assert_eq!(b.activity.len(), 12);
    assert_eq!(b.activity_cleaning.exact_duplicates_dropped, 1);
    assert!(
        b.findings
            .errors()
            .any(|f| f.message.contains("2019-02-30")),
        "{:?}",
        b.findings
    );
    assert_eq!(b.activity.iter().filter(|a| a.conflicting).count(), 4);
    assert_eq!(
        std::fs::read(bundle_dir.path().join("activity.csv")).unwrap(),
        std::fs::read(hand_dir().join("activity.csv")).unwrap(),
        "the user's CSV is untouched"
    );
}

#[test]
fn existing_parquet_is_replaced_only_with_force() {
    let bundle_dir = copy_hand();
    let inputs = tempfile::tempdir().unwrap();
    let files = planted(inputs.path());
    import_activity(bundle_dir.path(), &files, &ImportOptions::default()).unwrap();
    let before = snapshot(bundle_dir.path());
    let err = import_activity(bundle_dir.path(), &files, &ImportOptions::default()).unwrap_err();
    assert!(
        matches!(&err, ImportError::TargetExists { target } if *target == bundle_dir.path().join("activity.parquet")),
        "{err}"
    );
    assert_eq!(snapshot(bundle_dir.path()), before);
    let force = ImportOptions {
        force: true,
        ..Default::default()
    };
    let r = import_activity(bundle_dir.path(), &files, &force).unwrap();
    // Every imported row is now already in the table.
    assert_eq!(r.existing_rows, 14);
    assert_eq!(r.dropped_duplicates.len(), 6);
    assert_eq!(r.rows_written, 14);
}

#[test]
fn interrupted_import_leaves_the_bundle_byte_identical() {
    let inputs = tempfile::tempdir().unwrap();
    let files = planted(inputs.path());
    // Once with no activity.parquet yet, once replacing one with --force.
    let bundle_dir = copy_hand();
    let before = snapshot(bundle_dir.path());
    let failing = ImportOptions {
        force: false,
        fail_after_bytes: Some(300),
        ..Default::default()
    };
    let err = import_activity(bundle_dir.path(), &files, &failing).unwrap_err();
    assert!(err.to_string().contains("interrupted"), "{err}");
    assert_eq!(snapshot(bundle_dir.path()), before);

    import_activity(bundle_dir.path(), &files[..1], &ImportOptions::default()).unwrap();
    let before = snapshot(bundle_dir.path());
    let failing = ImportOptions {
        force: true,
        fail_after_bytes: Some(300),
        ..Default::default()
    };
    assert!(import_activity(bundle_dir.path(), &files, &failing).is_err());
    assert_eq!(snapshot(bundle_dir.path()), before);
}

#[test]
fn shipped_example_workbook_imports() {
    // Regenerate with: WIRKUNG_WRITE_FIXTURES=1 cargo test --release --test cli import_activity
    if std::env::var_os("WIRKUNG_WRITE_FIXTURES").is_some() {
        workbook(&example_path(), &HEADER, &EXAMPLE_ROWS);
    }
    let bundle_dir = copy_hand();
    let r = import_activity(
        bundle_dir.path(),
        &[example_path()],
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(r.imported_rows, EXAMPLE_ROWS.len());
    assert!(r.unparsed.is_empty(), "{:?}", r.unparsed);
    let b = bundle::load(bundle_dir.path()).unwrap();
    let sept: Vec<_> = b
        .activity
        .iter()
        .filter(|a| a.date.to_string().starts_with("2019-09"))
        .collect();
    assert_eq!(sept.len(), 4);
    assert_eq!(sept[2].talks, [3, 0, 0, 2, 0, 1, 0, 0]);
    assert_eq!(sept[2].talks_accompanying, Some(1));
}

#[test]
fn cli_import_reports_and_refuses_to_overwrite() {
    let bundle_dir = copy_hand();
    let inputs = tempfile::tempdir().unwrap();
    let files = planted(inputs.path());
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
            .args(["import", "activity"])
            .args(&files)
            .arg("--into")
            .arg(bundle_dir.path())
            .output()
            .unwrap()
    };
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Dropped exact duplicates (imported rows already in the table): 2"),
        "{text}"
    );
    assert!(
        text.contains("im-A1-1.xlsx, sheet 'Kennzahlen', I5"),
        "{text}"
    );
    let again = run();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
}
