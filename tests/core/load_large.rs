//! Load time on an activity table the size of the report's (300,724 working days after
//! cleaning, 2.5% exact duplicates before): ~310k rows × 15 columns, as Parquet with native
//! types and as all-text CSV. The budget (load + validate of the whole sample well under
//! 300 ms in release) is asserted loosely here (2 s: a guard against a quadratic slip, not
//! a benchmark; benches/pipeline.rs measures) so that a busy machine does not fail the
//! test; the measured time is printed (`cargo test --release --test core load_large -- --nocapture`).

use chrono::{Datelike, NaiveDate, Weekday};
use polars::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};
use wirkung::core::bundle::{self, Table};

const IMS_PER_ALLIANCE: usize = 200;

/// Working days of 2017–2019 for 400 IMs, with every 40th row repeated (2.5% duplicates).
fn activity_frame() -> (DataFrame, usize) {
    let mut days = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(2017, 1, 2).unwrap();
    while d.year() < 2020 {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(d);
        }
        d = d.succ_opt().unwrap();
    }
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
    let (mut manager, mut alliance, mut municipality, mut date) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut talks: Vec<Vec<i64>> = vec![Vec::new(); 11];
    let mut push = |m: usize, a: &'static str, mu: &'static str, day: NaiveDate, seed: usize| {
        manager.push(m.to_string());
        alliance.push(a);
        municipality.push(mu);
        date.push((day - epoch).num_days() as i32);
        for (j, col) in talks.iter_mut().enumerate() {
            col.push(((seed * 7 + j * 13) % 5) as i64);
        }
    };
    let (mut n, mut repeated) = (0, 0);
    for (a, mu) in [("A01", "08111000"), ("A02", "08115001")] {
        for m in 1..=IMS_PER_ALLIANCE {
            for &day in &days {
                push(m, a, mu, day, n);
                if n % 40 == 0 {
                    push(m, a, mu, day, n);
                    repeated += 1;
                }
                n += 1;
            }
        }
    }
    let mut columns: Vec<Column> = vec![
        Series::new("manager_id".into(), manager).into(),
        Series::new("alliance_id".into(), alliance).into(),
        Series::new("municipality_id".into(), municipality).into(),
        Series::new("date".into(), date).into_date().into(),
    ];
    let names = bundle::Topic::ALL.map(|t| t.column()).into_iter().chain([
        "talks_office",
        "talks_onsite",
        "talks_accompanying",
    ]);
    for (name, values) in names.zip(talks) {
        columns.push(Series::new(name.into(), values).into());
    }
    (DataFrame::new_infer_height(columns).unwrap(), repeated)
}

fn copy_valid_without_activity(to: &Path) {
    let valid = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
    for entry in std::fs::read_dir(&valid).unwrap() {
        let path = entry.unwrap().path();
        if !path.ends_with("activity.csv") {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

/// CPU time of this process (all threads) from /proc, in milliseconds, where available: on
/// a busy machine it shows what the load costs apart from waiting for a core. The process is
/// the whole `core` test binary, so tests running beside this one count too (an upper bound).
fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10) // USER_HZ is 100 on Linux
}

/// Best of three loads (after one that warms the file cache): wall time and CPU time.
fn timed_load(dir: &Path) -> (bundle::Bundle, Duration, Option<u64>) {
    let mut b = bundle::load(dir).unwrap();
    let (mut best, mut best_cpu) = (Duration::MAX, None);
    for _ in 0..3 {
        let (start, cpu) = (Instant::now(), cpu_ms());
        b = bundle::load(dir).unwrap();
        let elapsed = start.elapsed();
        if elapsed < best {
            best = elapsed;
            best_cpu = cpu.zip(cpu_ms()).map(|(a, z)| z - a);
        }
    }
    (b, best, best_cpu)
}

#[test]
fn a_report_sized_activity_table_loads_quickly() {
    let (mut df, repeated) = activity_frame();
    let rows = df.height();

    let parquet = tempfile::tempdir().unwrap();
    copy_valid_without_activity(parquet.path());
    ParquetWriter::new(std::fs::File::create(parquet.path().join("activity.parquet")).unwrap())
        .finish(&mut df)
        .unwrap();
    let (b, parquet_time, parquet_cpu) = timed_load(parquet.path());
    assert_eq!(b.activity_cleaning.rows_read, rows);
    assert_eq!(b.activity_cleaning.exact_duplicates_dropped, repeated);
    assert_eq!(b.activity.len() + repeated, rows);
    assert_eq!(b.activity_cleaning.conflicting_rows, 0);
    assert!(
        !b.findings.has_errors(),
        "{:?}",
        b.findings.errors().take(3).collect::<Vec<_>>()
    );

    let csv = tempfile::tempdir().unwrap();
    copy_valid_without_activity(csv.path());
    let mut text = df.clone();
    let as_text: Vec<Column> = text
        .columns()
        .iter()
        .map(|c| c.cast(&DataType::String).unwrap())
        .collect();
    text = DataFrame::new_infer_height(as_text).unwrap();
    CsvWriter::new(std::fs::File::create(csv.path().join("activity.csv")).unwrap())
        .finish(&mut text)
        .unwrap();
    let (c, csv_time, csv_cpu) = timed_load(csv.path());
    assert_eq!(c.activity, b.activity, "CSV and Parquet give the same rows");
    assert!(c.sources[&Table::Activity].file.ends_with("activity.csv"));

    println!(
        "activity {rows} rows x 15 columns, load+validate (best of 3): Parquet {parquet_time:?} (CPU {parquet_cpu:?} ms), CSV {csv_time:?} (CPU {csv_cpu:?} ms)"
    );
    if !cfg!(debug_assertions) {
        assert!(
            parquet_time < Duration::from_millis(2000),
            "Parquet load took {parquet_time:?}"
        );
    }
}
