//! `--format xlsx`: every table export as a workbook, read back with calamine: the title,
//! the SYNTHETIC badge, the caption and the source with its licence are in the sheet, the
//! header is there (bold), and every number is a number (not text) equal to the table's
//! value at full precision, shown with the screen's decimals.

use calamine::{Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use std::io::{Cursor, Read as _};
use std::path::Path;
use std::process::Command;
use wirkung::core::bundle::{self, Bundle};
use wirkung::core::choices::Choices;
use wirkung::core::derive::{Comparison, Outcome};
use wirkung::core::export::{self, Cell, ExportFormat, ExportRequest, Page, TableData};
use wirkung::core::report;
use wirkung::core::robust::{self, Check};

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");

fn sample() -> Bundle {
    bundle::load(Path::new(SAMPLE)).expect("the sample loads")
}

fn request(bundle: &Bundle, page: Page, format: ExportFormat) -> ExportRequest {
    ExportRequest {
        page,
        choices: Choices::new(bundle, Outcome::Employment, Comparison::EarlyStart),
        format,
        date: NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(),
        scale: 1.0,
    }
}

fn sheet(bytes: &[u8]) -> Range<Data> {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook");
    book.worksheet_range_at(0)
        .expect("one sheet")
        .expect("the sheet reads")
}

fn strings(range: &Range<Data>) -> Vec<String> {
    range
        .rows()
        .flat_map(|r| r.iter())
        .filter_map(|c| match c {
            Data::String(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The workbook's styles part, where number formats and bold fonts are declared.
fn styles(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut part = zip.by_name("xl/styles.xml").unwrap();
    let mut xml = String::new();
    part.read_to_string(&mut xml).unwrap();
    xml
}

/// The sheet holds `table`: its header row, and under it each row with numbers as numbers
/// equal to the table's (text as text, missing as empty).
fn assert_holds(name: &str, range: &Range<Data>, table: &TableData) {
    let rows: Vec<&[Data]> = range.rows().collect();
    let at = rows
        .iter()
        .position(|r| {
            table
                .header
                .iter()
                .enumerate()
                .all(|(i, h)| r.get(i) == Some(&Data::String(h.clone())))
        })
        .unwrap_or_else(|| panic!("{name}: no header row {:?}", table.header));
    for (k, want) in table.rows.iter().enumerate() {
        let got = rows
            .get(at + 1 + k)
            .unwrap_or_else(|| panic!("{name}: row {k}"));
        for (i, cell) in want.iter().enumerate() {
            let have = got.get(i).cloned().unwrap_or(Data::Empty);
            match cell {
                Cell::Number { value, .. } if value.is_finite() => {
                    assert_eq!(have, Data::Float(*value), "{name}: row {k} column {i}")
                }
                Cell::Number { .. } => assert!(matches!(have, Data::String(_))),
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => assert_eq!(have, Data::String(s.clone()), "{name}: row {k}"),
                Cell::Missing => assert_eq!(have, Data::Empty, "{name}: row {k} column {i}"),
            }
        }
    }
}

/// Title first, then the badge and the caption; the source line with its licence below.
fn assert_provenance(name: &str, range: &Range<Data>, title: &str) {
    let all = strings(range);
    assert_eq!(all.first().map(String::as_str), Some(title), "{name}");
    assert!(
        all.iter().any(|s| s.starts_with("[SYNTHETIC]")),
        "{name}: no badge row"
    );
    assert!(
        all.iter()
            .any(|s| s.contains("[SYNTHETIC] ·") && s.ends_with("2026-01-02")),
        "{name}: no caption"
    );
    let source = all
        .iter()
        .find(|s| s.starts_with("Source: District frame"))
        .unwrap_or_else(|| panic!("{name}: no source line"));
    assert!(source.contains("CC BY 4.0"), "{name}: {source}");
}

#[test]
fn every_page_exports_a_workbook_with_provenance_and_numbers_as_numbers() {
    let b = sample();
    for &page in Page::ALL {
        let req = request(&b, page, ExportFormat::Xlsx);
        let bytes = export::render(&b, &req).unwrap_or_else(|e| panic!("{page}: {e}"));
        let range = sheet(&bytes);
        let content = export::page_content(&b, &req).unwrap();
        let name = page.to_string();
        if page == Page::Estimate {
            let columns = report::estimate_columns(&b, &req.choices).unwrap();
            let tables = report::estimate_tables(&columns);
            assert_provenance(&name, &range, &tables[0].table.title);
            for t in &tables {
                assert_holds(&name, &range, &t.table);
            }
            // The group means the Markdown shows, and the regression's notes.
            assert!(
                strings(&range).iter().any(|s| s == "Group means, %"),
                "{name}"
            );
            assert!(
                strings(&range)
                    .iter()
                    .any(|s| s == "* p<0.10, ** p<0.05, *** p<0.01"),
                "{name}"
            );
        } else {
            assert_provenance(&name, &range, &content.table.title);
            assert_holds(&name, &range, &content.table);
        }
        let xml = styles(&bytes);
        assert!(xml.contains("<b/>"), "{name}: no bold font (header)");
        // Numbers are shown as the screen rounds them.
        let decimals: Vec<usize> = content
            .table
            .rows
            .iter()
            .flatten()
            .filter_map(|c| match c {
                Cell::Number { decimals, .. } if *decimals > 0 => Some(*decimals),
                _ => None,
            })
            .collect();
        for d in decimals {
            let code = format!("formatCode=\"0.{}\"", "0".repeat(d));
            assert!(xml.contains(&code), "{name}: no number format {code}");
        }
    }
}

#[test]
fn a_robustness_check_and_the_event_time_view_export_workbooks() {
    let b = sample();
    let req = request(&b, Page::Robustness, ExportFormat::Xlsx);
    let spec = req.choices.spec(&b);
    let options = req.choices.robust_options();
    let result = robust::run(Check::Placebo, &b, &spec, &options);
    let (bytes, _) =
        export::robustness::export_check(&b, &req, Check::Placebo, result.as_ref(), None).unwrap();
    let content = export::robustness::check_content(&b, &req, Check::Placebo, result.as_ref());
    let range = sheet(&bytes);
    assert_provenance("placebo", &range, &content.table.title);
    assert_holds("placebo", &range, &content.table);
}

#[test]
fn exhibit_format_xlsx_writes_a_workbook_to_standard_output() {
    let out = Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args(["exhibit", SAMPLE, "--id", "tab5", "--format", "xlsx"])
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let range = sheet(&out.stdout);
    let all = strings(&range);
    assert!(all[0].contains("(Tab. 5)"), "{all:?}");
    assert!(all.iter().any(|s| s.starts_with("[SYNTHETIC]")), "{all:?}");
    assert!(
        all.iter()
            .any(|s| s.starts_with("Source: District frame") && s.contains("CC BY 4.0")),
        "{all:?}"
    );
    let b = sample();
    let choices = Choices::new(&b, Outcome::Employment, Comparison::EarlyStart);
    let exhibit = wirkung::core::exhibit::build("tab5", &b, &choices).unwrap();
    assert_holds("tab5", &range, &exhibit.table());
}
