//! .xlsx tables: a workbook bundle equal in content to a CSV bundle gives identical tables,
//! panels and estimates; malformed workbooks give findings with sheet and cell.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};
use wirkung::core::bundle::{self, Bundle, Level};
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::{EstimateOptions, estimate_did};

fn hand_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand")
}

/// Writes a CSV file (no quoting in the fixtures) as a one-sheet workbook the way a
/// spreadsheet user would have it: numbers as numbers, dates as Excel dates, codes with a
/// leading zero as text.
fn csv_to_xlsx(csv: &Path, xlsx: &Path, sheet: &str) {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet).unwrap();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (r, line) in text.lines().enumerate() {
        for (c, field) in line.split(',').enumerate() {
            let (r, c) = (r as u32, c as u16);
            // Impossible dates (2019-02-30) stay text, as a spreadsheet would keep them.
            let real_date = chrono::NaiveDate::parse_from_str(field, "%Y-%m-%d").is_ok();
            let date = (real_date && r > 0)
                .then(|| ExcelDateTime::parse_from_str(field).ok())
                .flatten();
            if field.is_empty() {
                continue;
            } else if let Some(d) = date {
                ws.write_datetime_with_format(r, c, &d, &date_format)
                    .unwrap();
            } else if r > 0 && !field.starts_with('0') && field.parse::<f64>().is_ok() {
                ws.write_number(r, c, field.parse::<f64>().unwrap())
                    .unwrap();
            } else {
                ws.write_string(r, c, field).unwrap();
            }
        }
    }
    wb.save(xlsx).unwrap();
}

/// The hand bundle with every table as .xlsx (and bundle.toml unchanged).
fn xlsx_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(hand_dir()).unwrap() {
        let p = entry.unwrap().path();
        match p.extension().and_then(|e| e.to_str()) {
            Some("csv") => {
                let stem = p.file_stem().unwrap().to_str().unwrap().to_string();
                csv_to_xlsx(&p, &dir.path().join(format!("{stem}.xlsx")), "Daten");
            }
            Some("toml") => {
                std::fs::copy(&p, dir.path().join("bundle.toml")).unwrap();
            }
            _ => {}
        }
    }
    dir
}

fn assert_same_tables(a: &Bundle, b: &Bundle) {
    assert_eq!(a.districts, b.districts);
    assert_eq!(a.municipalities, b.municipalities);
    assert_eq!(a.grants, b.grants);
    assert_eq!(a.staffing, b.staffing);
    assert_eq!(a.target_group, b.target_group);
    assert_eq!(a.employment, b.employment);
    assert_eq!(a.population, b.population);
    assert_eq!(a.activity, b.activity);
    assert_eq!(a.manager_survey, b.manager_survey);
    assert_eq!(a.activity_cleaning, b.activity_cleaning);
}

#[test]
fn xlsx_bundle_gives_identical_tables_panels_and_estimates() {
    let csv = bundle::load(&hand_dir()).unwrap();
    let copy = xlsx_copy();
    let xlsx = bundle::load(copy.path()).unwrap();
    assert!(
        xlsx.sources
            .values()
            .all(|s| s.file.extension().unwrap() == "xlsx"),
        "{:?}",
        xlsx.sources
    );
    assert_same_tables(&csv, &xlsx);
    let messages = |b: &Bundle| {
        b.findings
            .items
            .iter()
            .map(|f| (f.table.clone(), f.column.clone(), f.row))
            .collect::<Vec<_>>()
    };
    assert_eq!(messages(&csv), messages(&xlsx));
    let mut compared = 0;
    for &outcome in Outcome::ALL {
        for &comparison in Comparison::ALL {
            for level in [Level::District, Level::Municipality] {
                if derive::check_supported(outcome, comparison, level).is_err() {
                    continue;
                }
                let spec = PanelSpec {
                    outcome,
                    comparison,
                    level,
                    controls: ControlSelection::All,
                    rules: csv.manifest.rules.clone(),
                };
                let (p1, p2) = (derive::panel(&csv, &spec), derive::panel(&xlsx, &spec));
                assert_eq!(p1, p2, "{outcome} {comparison}");
                if let (Ok(p1), Ok(p2)) = (p1, p2) {
                    let e1 = estimate_did(&p1, EstimateOptions::default());
                    let e2 = estimate_did(&p2, EstimateOptions::default());
                    assert_eq!(format!("{e1:?}"), format!("{e2:?}"));
                    compared += 1;
                }
            }
        }
    }
    assert!(compared >= 5, "only {compared} estimates compared");
}

fn finding_messages(b: &Bundle, table: &str) -> Vec<String> {
    b.findings
        .items
        .iter()
        .filter(|f| f.table.as_deref() == Some(table))
        .map(|f| format!("{}: {}", f.location(), f.message))
        .collect()
}

#[test]
fn text_in_a_numeric_cell_names_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(hand_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    // employment row 3 (sheet row 4), employed_total (column C) holds text.
    let csv = dir.path().join("employment.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let mut fields: Vec<String> = lines[3].split(',').map(String::from).collect();
    fields[2] = "n/a".into();
    lines[3] = fields.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    csv_to_xlsx(&csv, &dir.path().join("employment.xlsx"), "BA");
    std::fs::remove_file(&csv).unwrap();
    let b = bundle::load(dir.path()).unwrap();
    let msgs = finding_messages(&b, "employment");
    assert!(
        msgs.iter().any(|m| m.contains("row 3")
            && m.contains("employed_total")
            && m.contains("\"n/a\"")
            && m.contains("(sheet 'BA', cell C4)")),
        "{msgs:?}"
    );
}

fn hand_with(dir: &Path, table_entry: Option<(&str, &str)>) {
    for entry in std::fs::read_dir(hand_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    if let Some((table, file)) = table_entry {
        let toml = dir.join("bundle.toml");
        let mut text = std::fs::read_to_string(&toml).unwrap();
        assert!(!text.contains("[tables]"));
        text.push_str(&format!("\n[tables]\n{table} = \"{file}\"\n"));
        std::fs::write(&toml, text).unwrap();
    }
}

#[test]
fn named_sheet_is_read_and_missing_sheet_is_a_finding() {
    let dir = tempfile::tempdir().unwrap();
    hand_with(dir.path(), Some(("population", "register.xlsx#Register")));
    let csv = dir.path().join("population.csv");
    csv_to_xlsx(&csv, &dir.path().join("register.xlsx"), "Register");
    std::fs::remove_file(&csv).unwrap();
    let b = bundle::load(dir.path()).unwrap();
    assert_eq!(b.population, bundle::load(&hand_dir()).unwrap().population);

    let dir = tempfile::tempdir().unwrap();
    hand_with(dir.path(), Some(("population", "register.xlsx#Bestand")));
    let csv = dir.path().join("population.csv");
    csv_to_xlsx(&csv, &dir.path().join("register.xlsx"), "Register");
    std::fs::remove_file(&csv).unwrap();
    let b = bundle::load(dir.path()).unwrap();
    assert!(!b.has(bundle::Table::Population));
    let msgs = finding_messages(&b, "population");
    assert!(
        msgs.iter()
            .any(|m| m.contains("sheet 'Bestand' not found") && m.contains("Register")),
        "{msgs:?}"
    );
}

#[test]
fn merged_header_names_the_empty_header_cell() {
    let dir = tempfile::tempdir().unwrap();
    hand_with(dir.path(), None);
    std::fs::remove_file(dir.path().join("population.csv")).unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "district_id").unwrap();
    // "year" and "persons_15_64" under one merged header cell B1:C1.
    ws.merge_range(0, 1, 0, 2, "year / persons", &Format::new())
        .unwrap();
    ws.write_string(1, 0, "08111").unwrap();
    ws.write_number(1, 1, 2017).unwrap();
    ws.write_number(1, 2, 5000).unwrap();
    wb.save(dir.path().join("population.xlsx")).unwrap();
    let b = bundle::load(dir.path()).unwrap();
    let msgs = finding_messages(&b, "population");
    assert!(
        msgs.iter()
            .any(|m| m.contains("cell C1") && m.contains("merged header")),
        "{msgs:?}"
    );
    assert!(!b.has(bundle::Table::Population));
}

#[test]
fn column_letters_follow_spreadsheet_convention() {
    use wirkung::core::bundle::xlsx::{cell_ref, column_letters};
    assert_eq!(column_letters(0), "A");
    assert_eq!(column_letters(25), "Z");
    assert_eq!(column_letters(26), "AA");
    assert_eq!(column_letters(701), "ZZ");
    assert_eq!(column_letters(702), "AAA");
    assert_eq!(cell_ref(16, 2), "C17");
}
