//! One fixture per class of bad input (tests/fixtures/bad/<case>, written by
//! tests/fixtures/make_bad.py from the valid bundle): each gives its specific finding, with
//! table, column and row, and none panics.

use std::path::{Path, PathBuf};
use wirkung::core::bundle::{self, Bundle, Finding, Severity, Table};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(case)
}

fn load(case: &str) -> Bundle {
    bundle::load(&fixture(case)).unwrap_or_else(|e| panic!("{case}: {e}"))
}

fn listing(b: &Bundle) -> String {
    b.findings
        .items
        .iter()
        .map(|f| format!("  {:?} {}: {}\n", f.severity, f.location(), f.message))
        .collect()
}

/// The finding of `case` at exactly this place whose message contains `fragment`.
fn expect<'a>(
    b: &'a Bundle,
    severity: Severity,
    table: &str,
    column: Option<&str>,
    row: Option<usize>,
    fragment: &str,
) -> &'a Finding {
    b.findings
        .items
        .iter()
        .find(|f| {
            f.severity == severity
                && f.table.as_deref() == Some(table)
                && f.column.as_deref() == column
                && f.row == row
                && f.message.contains(fragment)
        })
        .unwrap_or_else(|| {
            panic!(
                "no {severity:?} {table}/{column:?}/{row:?} containing {fragment:?}; found:\n{}",
                listing(b)
            )
        })
}

fn error(
    case: &str,
    table: &str,
    column: Option<&str>,
    row: Option<usize>,
    fragment: &str,
) -> Bundle {
    let b = load(case);
    expect(&b, Severity::Error, table, column, row, fragment);
    b
}

#[test]
fn every_bad_fixture_loads_or_fails_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        match bundle::load(&path) {
            Ok(b) => assert!(
                !b.findings.items.is_empty(),
                "{} gave no finding",
                path.display()
            ),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        n += 1;
    }
    assert!(n >= 25, "only {n} bad fixtures");
}

#[test]
fn bundles_that_cannot_be_opened() {
    let e = bundle::load(&fixture("no_manifest"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bundle.toml"), "{e}");
    let e = bundle::load(&fixture("format_2")).unwrap_err().to_string();
    assert!(e.contains("format 2 is not supported"), "{e}");
    let e = bundle::load(&fixture("manifest_broken"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("cannot read bundle.toml") && e.contains("employment_base"),
        "{e}"
    );
}

#[test]
fn missing_table_file_or_column_makes_the_table_unreadable() {
    let b = error(
        "missing_table",
        "grants",
        None,
        None,
        "table file is missing",
    );
    assert!(!b.has(Table::Grants) && b.has(Table::Districts));
    let b = error(
        "missing_column",
        "districts",
        Some("population"),
        None,
        "required column 'population' is missing",
    );
    assert!(!b.has(Table::Districts) && b.districts.is_empty());
    let b = error(
        "named_file_missing",
        "activity",
        None,
        None,
        "kennzahlen-2019.parquet",
    );
    assert!(!b.has(Table::Activity));
    let b = error("empty_file", "population", None, None, "empty");
    assert!(!b.has(Table::Population));
    let b = error(
        "ragged_csv",
        "staffing",
        None,
        Some(4),
        "staffing.csv: data row 4 has 6 fields but the header has 4",
    );
    assert!(!b.has(Table::Staffing));
}

#[test]
fn values_of_the_wrong_type_name_their_row() {
    let b = error(
        "wrong_type",
        "grants",
        Some("fte"),
        Some(2),
        "expected a number, found \"one\"",
    );
    assert_eq!(b.grants.len(), 3, "the unreadable row is left out");
    error(
        "bad_boolean",
        "municipalities",
        Some("funded"),
        Some(2),
        "expected true/false or 1/0, found \"yes\"",
    );
    error(
        "decimal_comma",
        "staffing",
        Some("fte_after"),
        Some(2),
        "decimal comma",
    );
    let b = error(
        "missing_required_value",
        "employment",
        Some("employed_total"),
        Some(3),
        "required value is missing",
    );
    assert_eq!(b.employment.len(), 4 * 36 - 1);
}

#[test]
fn impossible_calendar_dates() {
    let b = error(
        "impossible_date",
        "grants",
        Some("start"),
        Some(1),
        "\"2018-02-30\" is not a real calendar date",
    );
    assert_eq!(b.grants.len(), 3);
}

#[test]
fn duplicate_keys() {
    error(
        "duplicate_key",
        "grants",
        Some("grant_id"),
        Some(2),
        "duplicate key G001: row 1 has the same",
    );
    error(
        "duplicate_month",
        "employment",
        Some("month"),
        Some(6),
        "duplicate key (08111, 2017-05): row 5",
    );
}

#[test]
fn ids_that_point_nowhere() {
    error(
        "unknown_municipality",
        "grants",
        Some("municipality_id"),
        Some(3),
        "08115999 points nowhere: it is not in municipalities",
    );
    error(
        "unknown_district",
        "municipalities",
        Some("district_id"),
        Some(4),
        "08116 points nowhere: it is not in districts",
    );
}

#[test]
fn impossible_values() {
    error(
        "negative_fte",
        "staffing",
        Some("fte_before"),
        Some(1),
        "negative FTE: -0.5",
    );
    error(
        "sv_above_total",
        "employment",
        Some("employed_sv"),
        Some(5),
        "employed_sv 99999 exceeds employed_total",
    );
    error(
        "employed_above_persons",
        "employment",
        Some("employed_total"),
        Some(7),
        "exceeds the 5233 persons aged 15–64 interpolated for 2017-07",
    );
    let b = error(
        "plan_out_of_range",
        "manager_survey",
        Some("plan_b_use"),
        Some(2),
        "plan use 5 is outside the scale 1–4",
    );
    assert_eq!(
        b.manager_survey[1].plan_b_use, None,
        "an impossible answer counts as missing"
    );
    error(
        "housing_parts",
        "target_group",
        Some("target_persons"),
        Some(1),
        "more than the 900 target persons",
    );
}

#[test]
fn months_outside_the_data() {
    // 06411 is the fourth district: its employment rows are 109..=144, 2019 is 133..=144.
    let b = error(
        "population_coverage",
        "employment",
        Some("month"),
        Some(133),
        "2019-01 is outside the population data",
    );
    let coverage = b
        .findings
        .errors()
        .filter(|f| f.message.contains("outside the population data"))
        .count();
    assert_eq!(coverage, 12);
    error(
        "period_outside_data",
        "bundle.toml",
        Some("periods.employment_end"),
        None,
        "2020-09 is outside the employment data (2017-01 to 2019-12)",
    );
}

#[test]
fn activity_reading_rules() {
    let b = load("activity_dirty");
    let c = &b.activity_cleaning;
    assert_eq!(c.rows_read, 25);
    assert_eq!(c.exact_duplicates_dropped, 2);
    assert_eq!(c.impossible_dates, 1);
    assert_eq!(c.conflicting_rows, 2);
    // 25 read - 1 impossible date - 2 duplicates; the early row is kept as delivered.
    assert_eq!(b.activity.len(), 22);
    assert_eq!(b.activity.iter().filter(|a| a.conflicting).count(), 2);
    expect(
        &b,
        Severity::Warning,
        "activity",
        None,
        None,
        "2 exact duplicate rows dropped (8.0%)",
    );
    expect(
        &b,
        Severity::Warning,
        "activity",
        Some("date"),
        Some(23),
        "has another row for 2018-03-05 (row 6) with different counts",
    );
    expect(
        &b,
        Severity::Error,
        "activity",
        Some("date"),
        Some(24),
        "\"2019-02-29\" is not a real calendar date",
    );
    expect(
        &b,
        Severity::Error,
        "activity",
        Some("date"),
        Some(25),
        "before IM funding could begin",
    );
}

#[test]
fn routine_gaps_are_warnings() {
    let b = load("missing_values");
    expect(
        &b,
        Severity::Warning,
        "municipalities",
        Some("refugees_2017"),
        None,
        "1 of 4 values missing (25.0%), at rows 2",
    );
    expect(
        &b,
        Severity::Warning,
        "staffing",
        Some("fte_after"),
        None,
        "1 of 3 values missing",
    );
    // fte is required: a missing value is an error and the row is left out.
    expect(
        &b,
        Severity::Error,
        "grants",
        Some("fte"),
        Some(4),
        "required value is missing",
    );
    assert!(
        !b.findings
            .errors()
            .any(|f| f.table.as_deref() == Some("municipalities"))
    );

    let b = load("missing_wave");
    assert!(!b.findings.has_errors(), "{}", listing(&b));
    expect(
        &b,
        Severity::Warning,
        "target_group",
        Some("wave"),
        None,
        "08115003 has no row for the housing_end wave 2020-01-31",
    );

    let b = load("unknown_organisation");
    assert!(!b.findings.has_errors(), "{}", listing(&b));
    expect(
        &b,
        Severity::Warning,
        "municipalities",
        Some("organisation"),
        Some(3),
        "unknown organisation \"county\"",
    );
    assert_eq!(b.municipalities[2].organisation, None);
}

#[test]
fn a_table_named_in_the_manifest_is_read_from_that_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/named_tables");
    let b = bundle::load(&dir).unwrap();
    assert!(b.findings.items.is_empty(), "{}", listing(&b));
    assert!(
        b.sources[&Table::Activity]
            .file
            .ends_with("kennzahlen-2019.csv")
    );
    assert_eq!(b.activity.len(), 20);
}

#[test]
fn dates_and_values_that_cannot_be_real() {
    error(
        "future_date",
        "grants",
        Some("issued"),
        Some(2),
        "2031-01-15 lies in the future",
    );
    error(
        "plan_above_target",
        "target_group",
        Some("with_plan"),
        Some(2),
        "2000 persons with a plan, more than the 990 target persons",
    );
    error(
        "negative_talks",
        "activity",
        Some("talks_health"),
        Some(5),
        "negative number of talks: -2",
    );
    error(
        "hours_beyond_week",
        "manager_survey",
        None,
        Some(3),
        "add up to 173.5 hours in a week",
    );
    error(
        "duplicate_district",
        "districts",
        Some("district_id"),
        Some(4),
        "duplicate key 08111: row 1 has the same",
    );
}

#[test]
fn manifest_settings_are_checked_against_the_data() {
    error(
        "bad_rule",
        "bundle.toml",
        Some("rules.start_share"),
        None,
        "start_share 1.5 must be a share in (0, 1]",
    );
    let b = error(
        "wave_not_in_data",
        "bundle.toml",
        Some("periods.housing_end"),
        None,
        "2020-02-01 is not a wave of target_group",
    );
    expect(
        &b,
        Severity::Warning,
        "target_group",
        Some("wave"),
        None,
        "3 rows of wave 2020-01-31, which bundle.toml does not name",
    );
}

#[test]
fn inconsistencies_the_tool_handles_by_rule_are_warnings() {
    for (case, table, column, row, fragment) in [
        (
            "alliance_mismatch",
            "activity",
            "alliance_id",
            11,
            "alliance A03 report under municipality 08115001, which belongs to alliance A02",
        ),
        (
            "unfunded_staffing",
            "staffing",
            "municipality_id",
            4,
            "08115004 is marked not funded but has a staffing row",
        ),
        (
            "id_shape",
            "municipalities",
            "municipality_id",
            4,
            "\"8115004\" is not an official code (AGS) of 8 digits",
        ),
    ] {
        let b = load(case);
        assert!(!b.findings.has_errors(), "{case}:\n{}", listing(&b));
        expect(
            &b,
            Severity::Warning,
            table,
            Some(column),
            Some(row),
            fragment,
        );
    }
}
