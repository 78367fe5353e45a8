//! The Parquet form of the valid fixture (written here with native column types: dates,
//! booleans, integers of several widths, floats) loads exactly like the CSV form; and
//! loading never touches the bundle's files.

use polars::prelude::*;
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use wirkung::core::bundle::{self, Table};

fn valid() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid")
}

const DATES: [&str; 4] = ["issued", "start", "wave", "date"];
const BOOLS: [&str; 3] = ["urban", "funded", "nobody_before"];
const TEXT: [&str; 10] = [
    "district_id",
    "municipality_id",
    "alliance_id",
    "grant_id",
    "response_id",
    "manager_id",
    "name",
    "state",
    "region",
    "organisation",
];

/// Converts one all-text CSV column into the native type a Parquet writer would use.
fn native(name: &str, ca: &StringChunked) -> Column {
    let name_s = PlSmallStr::from(name);
    let values: Vec<Option<&str>> = ca.iter().collect();
    if TEXT.contains(&name) || name == "month" || name == "extra_note" {
        return Series::new(name_s, values).into();
    }
    if DATES.contains(&name) {
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let days: Vec<Option<i32>> = values
            .iter()
            .map(|v| {
                v.map(|s| {
                    (chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap() - epoch).num_days()
                        as i32
                })
            })
            .collect();
        return Series::new(name_s, days).into_date().into();
    }
    if BOOLS.contains(&name) {
        let b: Vec<Option<bool>> = values
            .iter()
            .map(|v| v.map(|s| s.eq_ignore_ascii_case("true") || s == "1"))
            .collect();
        return Series::new(name_s, b).into();
    }
    let is_int = values.iter().flatten().all(|s| s.parse::<i64>().is_ok());
    if name == "refugees_2017" {
        // pandas writes an integer column with gaps as float64.
        let f: Vec<Option<f64>> = values
            .iter()
            .map(|v| v.map(|s| s.parse().unwrap()))
            .collect();
        return Series::new(name_s, f).into();
    }
    if is_int && name.starts_with("talks_") {
        let i: Vec<Option<i32>> = values
            .iter()
            .map(|v| v.map(|s| s.parse().unwrap()))
            .collect();
        return Series::new(name_s, i).into();
    }
    if is_int
        && !name.starts_with("fte")
        && !name.starts_with("hours")
        && !name.contains("pct")
        && !name.contains("pc_")
    {
        let i: Vec<Option<i64>> = values
            .iter()
            .map(|v| v.map(|s| s.parse().unwrap()))
            .collect();
        return Series::new(name_s, i).into();
    }
    let f: Vec<Option<f64>> = values
        .iter()
        .map(|v| v.map(|s| s.parse().unwrap()))
        .collect();
    Series::new(name_s, f).into()
}

fn write_parquet_copy(to: &Path) {
    std::fs::copy(valid().join("bundle.toml"), to.join("bundle.toml")).unwrap();
    for t in Table::ALL {
        let csv = valid().join(format!("{}.csv", t.name()));
        let df = CsvReadOptions::default()
            .with_infer_schema_length(Some(0))
            .try_into_reader_with_file_path(Some(csv))
            .unwrap()
            .finish()
            .unwrap();
        let columns: Vec<Column> = df
            .columns()
            .iter()
            .map(|c| native(c.name(), c.str().unwrap()))
            .collect();
        let mut out = DataFrame::new_infer_height(columns).unwrap();
        let file = std::fs::File::create(to.join(format!("{}.parquet", t.name()))).unwrap();
        ParquetWriter::new(file).finish(&mut out).unwrap();
    }
}

#[test]
fn parquet_with_native_types_loads_like_csv() {
    let dir = tempfile::tempdir().unwrap();
    write_parquet_copy(dir.path());
    let from_csv = bundle::load(&valid()).unwrap();
    let from_parquet = bundle::load(dir.path()).unwrap();
    let listed: Vec<String> = from_parquet
        .findings
        .items
        .iter()
        .map(|f| format!("{}: {}", f.location(), f.message))
        .collect();
    assert!(listed.is_empty(), "{listed:#?}");
    assert!(
        from_parquet.sources[&Table::Grants]
            .file
            .ends_with("grants.parquet")
    );
    assert_eq!(from_csv.districts, from_parquet.districts);
    assert_eq!(from_csv.municipalities, from_parquet.municipalities);
    assert_eq!(from_csv.grants, from_parquet.grants);
    assert_eq!(from_csv.staffing, from_parquet.staffing);
    assert_eq!(from_csv.target_group, from_parquet.target_group);
    assert_eq!(from_csv.employment, from_parquet.employment);
    assert_eq!(from_csv.population, from_parquet.population);
    assert_eq!(from_csv.activity, from_parquet.activity);
    assert_eq!(from_csv.manager_survey, from_parquet.manager_survey);
    assert_eq!(from_csv.activity_cleaning, from_parquet.activity_cleaning);
}

#[test]
fn an_integer_id_column_in_parquet_is_a_type_error() {
    let dir = tempfile::tempdir().unwrap();
    write_parquet_copy(dir.path());
    // district_id as integers: 08111 would have become 8111.
    let mut df =
        df!("district_id" => [8111i64, 8115], "name" => ["a", "b"], "state" => ["BW", "BW"],
        "region" => ["x", "y"], "urban" => [true, false], "population" => [1i64, 2])
        .unwrap();
    ParquetWriter::new(std::fs::File::create(dir.path().join("districts.parquet")).unwrap())
        .finish(&mut df)
        .unwrap();
    let b = bundle::load(dir.path()).unwrap();
    assert!(!b.has(Table::Districts));
    let f = b.findings.errors().find(|f| {
        f.table.as_deref() == Some("districts") && f.column.as_deref() == Some("district_id")
    });
    let f = f.expect("a type error for district_id");
    assert!(
        f.message.contains("expected text") && f.message.contains("leading zeros"),
        "{}",
        f.message
    );
}

/// Content hash and length of every file under `dir`.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (u64, u64)> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let mut h = DefaultHasher::new();
        bytes.hash(&mut h);
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        let mut m = DefaultHasher::new();
        modified.hash(&mut m);
        files.insert(path, (h.finish() ^ m.finish(), bytes.len() as u64));
    }
    files
}

#[test]
fn loading_never_modifies_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    write_parquet_copy(dir.path());
    for bundle_dir in [
        valid(),
        dir.path().to_path_buf(),
        valid().join("../bad/activity_dirty"),
    ] {
        if !bundle_dir.exists() {
            continue;
        }
        let before = snapshot(&bundle_dir);
        let _ = bundle::load(&bundle_dir).unwrap();
        assert_eq!(
            before,
            snapshot(&bundle_dir),
            "{} changed",
            bundle_dir.display()
        );
    }
}
