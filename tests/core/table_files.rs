//! Reading one table file (`bundle::read_table_file`, as `wirkung import` merges with it):
//! what went wrong is a typed problem, and the error names the file it came from.

use rust_xlsxwriter::Workbook;
use std::path::PathBuf;
use wirkung::core::bundle::{TableFileProblem, read_table_file};

fn bad(case: &str, file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bad")
        .join(case)
        .join(file)
}

#[test]
fn a_missing_file_cannot_be_opened_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activity.csv");
    let e = read_table_file(&path).unwrap_err();
    assert_eq!(e.path, path);
    assert!(
        matches!(&e.problem, TableFileProblem::Open(io) if io.kind() == std::io::ErrorKind::NotFound),
        "{e:?}"
    );
    let message = e.to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("cannot open"), "{message}");
}

#[test]
fn csv_problems_say_which_and_where() {
    let e = read_table_file(&bad("ragged_csv", "staffing.csv")).unwrap_err();
    assert!(
        matches!(
            e.problem,
            TableFileProblem::Ragged {
                row: 4,
                fields: 6,
                header: 4
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.problem.row(), Some(4));
    let e = read_table_file(&bad("empty_file", "population.csv")).unwrap_err();
    assert!(matches!(e.problem, TableFileProblem::Empty), "{e:?}");
    assert_eq!(e.problem.row(), None);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("activity.txt");
    std::fs::write(&path, "a,b\n1,2\n").unwrap();
    let e = read_table_file(&path).unwrap_err();
    assert!(
        matches!(&e.problem, TableFileProblem::UnknownExtension { extension } if extension == "txt"),
        "{e:?}"
    );
}

#[test]
fn a_missing_sheet_names_the_workbook_and_its_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let workbook = dir.path().join("register.xlsx");
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("Register").unwrap();
    wb.save(&workbook).unwrap();
    let e = read_table_file(&dir.path().join("register.xlsx#Bestand")).unwrap_err();
    // The sheet is in the problem, so the path is the file as opened.
    assert_eq!(e.path, workbook);
    match &e.problem {
        TableFileProblem::SheetNotFound { sheet, available } => {
            assert_eq!(sheet, "Bestand");
            assert_eq!(available, &["Register".to_string()]);
        }
        other => panic!("expected SheetNotFound, got {other:?}"),
    }
}
