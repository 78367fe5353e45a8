//! `wirkung import activity` reads the existing table a slice at a time, recognises
//! re-imported rows by fingerprint and streams the new Parquet file; the table it writes
//! (columns, order, types, rows) and its report (dropped duplicates, conflicts with their
//! rows, unreadable cells, repaired ids) are those the import wrote when it held the whole
//! table in memory (tests/reference/import/make_reference.sh says which binary and how),
//! however small the slices.

use crate::common::copy_bundle;
use polars::prelude::*;
use std::path::{Path, PathBuf};
use wirkung::core::import::{ImportOptions, import_activity};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reference(name: &str) -> PathBuf {
    root().join("tests/reference/import").join(name)
}

fn parquet(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

/// One case of make_reference.sh: the bundle `name` in a fresh directory, built by `setup`.
struct Case {
    bundle: &'static str,
    setup: fn(&Path),
    files: &'static [&'static str],
    force: bool,
    reference: &'static str,
}

const HAND: Case = Case {
    bundle: "b",
    setup: |b| copy_bundle(&root().join("tests/fixtures/hand"), b),
    files: &["im-A1-1.xlsx", "im-B1-1.xlsx", "broken.xlsx"],
    force: false,
    reference: "hand",
};

const PARQUET_WITH_DUPLICATES: Case = Case {
    bundle: "p",
    setup: |b| {
        copy_bundle(&root().join("tests/fixtures/hand"), b);
        std::fs::remove_file(b.join("activity.csv")).unwrap();
        std::fs::copy(
            reference("existing-dups.parquet"),
            b.join("activity.parquet"),
        )
        .unwrap();
    },
    files: &["im-parquet.xlsx"],
    force: true,
    reference: "parquet-dups",
};

/// The sheet of tests/reference/identity/activity-sheet.xlsx as the bundle's activity, and
/// the same workbook imported into it.
const SHEET: Case = Case {
    bundle: "s",
    setup: |b| {
        copy_bundle(&root().join("tests/fixtures/bad/activity_dirty"), b);
        std::fs::remove_file(b.join("activity.csv")).unwrap();
        std::fs::copy(
            root().join("tests/reference/identity/activity-sheet.xlsx"),
            b.join("activity.xlsx"),
        )
        .unwrap();
    },
    files: &["../identity/activity-sheet.xlsx"],
    force: false,
    reference: "sheet",
};

fn assert_case(case: &Case, slice_rows: Option<usize>) {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join(case.bundle);
    (case.setup)(&bundle);
    let files: Vec<PathBuf> = case.files.iter().map(|f| reference(f)).collect();
    let options = ImportOptions {
        force: case.force,
        slice_rows,
        ..Default::default()
    };
    let report = import_activity(&bundle, &files, &options).unwrap();
    // As the command prints it from inside the temporary directory.
    let json = format!("{}\n", serde_json::to_string_pretty(&report).unwrap())
        .replace(&format!("{}/", tmp.path().display()), "");
    let expected = std::fs::read_to_string(reference(&format!("{}.json", case.reference))).unwrap();
    assert_eq!(
        json, expected,
        "{}: report differs (slices of {slice_rows:?} rows)",
        case.reference
    );
    let now = parquet(&bundle.join("activity.parquet"));
    let before = parquet(&reference(&format!("{}.parquet", case.reference)));
    assert_eq!(now.schema(), before.schema(), "{}: columns", case.reference);
    assert!(
        now.equals_missing(&before),
        "{}: rows differ (slices of {slice_rows:?} rows)\nnow: {now}\nbefore: {before}",
        case.reference
    );
}

#[test]
fn import_into_a_csv_table_writes_what_it_wrote_before() {
    // A CSV table is read whole, then copied in slices.
    for rows in [None, Some(1), Some(3)] {
        assert_case(&HAND, rows);
    }
}

#[test]
fn import_into_a_parquet_table_with_its_own_duplicates_writes_what_it_wrote_before() {
    // Slices inside, across and along the file's row groups of 16 rows.
    for rows in [None, Some(1), Some(7), Some(16), Some(50)] {
        assert_case(&PARQUET_WITH_DUPLICATES, rows);
    }
}

#[test]
fn import_into_an_xlsx_table_writes_what_it_wrote_before() {
    assert_case(&SHEET, None);
}

/// The sheet read in chunks down to one row, and whole (`0`), by the command.
#[test]
fn import_into_an_xlsx_table_read_in_chunks_writes_what_it_wrote_before() {
    for rows in ["1", "4", "0"] {
        let tmp = tempfile::tempdir().unwrap();
        (SHEET.setup)(&tmp.path().join("s"));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
            .current_dir(tmp.path())
            .env("WIRKUNG_SHEET_CHUNK_ROWS", rows)
            .args(["import", "activity"])
            .arg(reference(SHEET.files[0]))
            .args(["--into", "s", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            std::fs::read_to_string(reference("sheet.json")).unwrap(),
            "chunks of {rows} rows"
        );
        let now = parquet(&tmp.path().join("s/activity.parquet"));
        let before = parquet(&reference("sheet.parquet"));
        assert_eq!(now.schema(), before.schema());
        assert!(now.equals_missing(&before), "chunks of {rows} rows");
    }
}

/// A CSV table of 23 MB, read in three chunks of the CSV reader: the new table is the
/// table as read whole, in order, then the imported rows.
#[test]
fn import_into_a_csv_table_read_in_chunks_copies_every_row_unchanged() {
    use std::fmt::Write as _;
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("c");
    copy_bundle(&root().join("tests/fixtures/bad/activity_dirty"), &bundle);
    let delivered =
        std::fs::read_to_string(root().join("tests/fixtures/bad/activity_dirty/activity.csv"))
            .unwrap();
    let (header, rows) = delivered.split_once('\n').unwrap();
    let mut csv = format!("{header}\n");
    for block in 0..3 {
        csv.push_str(rows);
        for k in 0..220_000 {
            let _ = writeln!(
                csv,
                "{},A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,1,0,0",
                100_000 + k + block * 220_000
            );
        }
    }
    std::fs::write(bundle.join("activity.csv"), &csv).unwrap();
    assert!(csv.len() > 2 * (8 << 20));
    let whole = wirkung::core::bundle::read_table_file(&bundle.join("activity.csv")).unwrap();
    let workbook = root().join("tests/fixtures/xlsx/kennzahlen-A1-1.xlsx");
    let r = import_activity(&bundle, &[workbook], &ImportOptions::default()).unwrap();
    assert_eq!(r.existing_rows, whole.height());
    let now = parquet(&bundle.join("activity.parquet"));
    assert_eq!(now.height(), whole.height() + 4);
    assert_eq!(now.schema(), whole.schema());
    assert!(now.slice(0, whole.height()).equals_missing(&whole));
}

/// Rows of the last chunk of a CSV table read in chunks are recognised: a copy of the
/// table's last row is dropped, another version of it is a conflict naming its file row.
#[test]
fn import_recognises_rows_of_the_last_chunk_of_a_csv_table() {
    use std::fmt::Write as _;
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("c");
    copy_bundle(&root().join("tests/fixtures/bad/activity_dirty"), &bundle);
    let delivered =
        std::fs::read_to_string(root().join("tests/fixtures/bad/activity_dirty/activity.csv"))
            .unwrap();
    let header = delivered.lines().next().unwrap();
    let mut csv = format!("{header}\n");
    for k in 0..660_000 {
        let _ = writeln!(csv, "{k},A01,08111000,2018-03-05,1,0,0,0,0,0,0,0,1,0,0");
    }
    std::fs::write(bundle.join("activity.csv"), &csv).unwrap();
    assert!(csv.len() > 2 * (8 << 20));
    let inputs = tempfile::tempdir().unwrap();
    let wb = inputs.path().join("im.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in header.split(',').enumerate() {
        sheet.write_string(0, c as u16, name).unwrap();
    }
    for (r, labour) in [(1u32, 1.0), (2, 2.0)] {
        for (c, v) in ["659999", "A01", "08111000", "2018-03-05"]
            .iter()
            .enumerate()
        {
            sheet.write_string(r, c as u16, *v).unwrap();
        }
        sheet.write_number(r, 4, labour).unwrap();
        for c in 5..12 {
            sheet.write_number(r, c, 0.0).unwrap();
        }
        sheet.write_number(r, 12, 1.0).unwrap();
        sheet.write_number(r, 13, 0.0).unwrap();
        sheet.write_number(r, 14, 0.0).unwrap();
    }
    book.save(&wb).unwrap();
    let r = import_activity(&bundle, &[wb], &ImportOptions::default()).unwrap();
    assert_eq!(r.existing_rows, 660_000);
    let dropped: Vec<usize> = r.dropped_duplicates.iter().map(|o| o.row).collect();
    assert_eq!(dropped, vec![2]);
    assert_eq!(r.conflicts.len(), 1, "{:?}", r.conflicts);
    let rows: Vec<(String, usize)> = r.conflicts[0]
        .rows
        .iter()
        .map(|o| (o.file.clone(), o.row))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("activity.csv".to_string(), 660_000),
            ("im.xlsx".to_string(), 3)
        ]
    );
}

#[test]
fn the_command_prints_the_report_it_printed_before() {
    let tmp = tempfile::tempdir().unwrap();
    (HAND.setup)(&tmp.path().join("b"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .current_dir(tmp.path())
        .args(["import", "activity"])
        .args(HAND.files.iter().map(|f| reference(f)))
        .args(["--into", "b", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(reference("hand.json")).unwrap()
    );
}

/// The shipped sample (308,435 rows, five slices of the default size): the new table is
/// the sample's rows as they were, in order, then the imported ones.
#[test]
fn import_into_the_sample_copies_every_row_of_it_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let bundle = tmp.path().join("s");
    copy_bundle(&root().join("sample-data/bw-integration"), &bundle);
    let before = parquet(&bundle.join("activity.parquet"));
    let workbook = root().join("tests/fixtures/xlsx/kennzahlen-A1-1.xlsx");
    let options = ImportOptions {
        force: true,
        ..Default::default()
    };
    let r = import_activity(&bundle, &[workbook], &options).unwrap();
    assert!(before.height() > 4 * 65_536);
    assert_eq!(r.existing_rows, before.height());
    let now = parquet(&bundle.join("activity.parquet"));
    assert_eq!(
        now.height(),
        before.height() + 4 - r.dropped_duplicates.len()
    );
    assert_eq!(now.schema(), before.schema());
    assert!(now.slice(0, before.height()).equals_missing(&before));
    let dates = now.column("date").unwrap().slice(before.height() as i64, 4);
    assert_eq!(
        dates.cast(&DataType::String).unwrap().str().unwrap().get(0),
        Some("2019-09-02")
    );
}
