//! `wirkung import activity` reads the existing table a slice at a time, recognises
//! re-imported rows by fingerprint and streams the new Parquet file; the table it writes
//! (columns, order, types, rows) and its report (dropped duplicates, conflicts with their
//! rows, unreadable cells, repaired ids) are those the import wrote when it held the whole
//! table in memory (tests/reference/import/make_reference.sh says which binary and how),
//! however small the slices.

use polars::prelude::*;
use std::path::{Path, PathBuf};
use wirkung::core::import::{ImportOptions, import_activity};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reference(name: &str) -> PathBuf {
    root().join("tests/reference/import").join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
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
    setup: |b| copy_dir(&root().join("tests/fixtures/hand"), b),
    files: &["im-A1-1.xlsx", "im-B1-1.xlsx", "broken.xlsx"],
    force: false,
    reference: "hand",
};

const PARQUET_WITH_DUPLICATES: Case = Case {
    bundle: "p",
    setup: |b| {
        copy_dir(&root().join("tests/fixtures/hand"), b);
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
    copy_dir(&root().join("sample-data/bw-integration"), &bundle);
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
