//! Opening a bundle: `bundle.toml`, then every table file (CSV or Parquet through polars)
//! into the typed model, then validation. Nothing in the bundle directory is written.

use super::collect::RowNumbers;
use super::collect::{Collector, MANIFEST};
use super::columns::{Chunks, TableReader};
use super::manifest::Manifest;
use super::model::{Table, TableSource};
use super::validate;
use super::{
    ActivityCleaning, ActivityDays, Bundle, BundleError, Finding, activity, source, tables,
};
use polars::prelude::DataFrame;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The only format this loader reads (bundle-format.md, "Dataset bundle, format 1").
const FORMAT: u32 = 1;

pub(super) fn load(dir: &Path, without: Option<Table>) -> Result<Bundle, BundleError> {
    let meta = std::fs::metadata(dir).map_err(|e| BundleError::NotADirectory {
        path: dir.to_path_buf(),
        reason: e.to_string(),
    })?;
    if !meta.is_dir() {
        return Err(BundleError::NotADirectory {
            path: dir.to_path_buf(),
            reason: "it is a file; a bundle is a directory holding bundle.toml".into(),
        });
    }
    let mut manifest = read_manifest(dir)?;
    let mut out = Collector::default();
    for field in escape_control_characters(&mut manifest) {
        let msg = format!(
            "{field} holds control characters (a line break, ESC or the like); they are shown escaped (\\u{{1b}}) wherever the text appears: in the terminal, charts, tables and exports"
        );
        out.push(Finding::warning(MANIFEST, Some(field), None, msg));
    }
    let mut bundle = Bundle {
        dir: dir.to_path_buf(),
        manifest,
        districts: Vec::new(),
        municipalities: Vec::new(),
        grants: Vec::new(),
        staffing: Vec::new(),
        target_group: Vec::new(),
        employment: Vec::new(),
        population: Vec::new(),
        activity: Default::default(),
        manager_survey: Vec::new(),
        activity_cleaning: Default::default(),
        sources: BTreeMap::new(),
        unreadable: BTreeSet::new(),
        findings: Default::default(),
    };
    let mut rows = RowNumbers::default();
    for table in Table::ALL {
        if without == Some(table) {
            bundle.unreadable.insert(table);
            continue;
        }
        let Some(path) = source::locate(dir, &bundle.manifest, table, &mut out) else {
            bundle.unreadable.insert(table);
            continue;
        };
        if table == Table::Activity
            && (read_activity_by_column(&mut bundle, &mut rows, &path, &mut out)
                || read_activity_in_chunks(&mut bundle, &mut rows, &path, &mut out)
                || read_activity_from_sheet(&mut bundle, &mut rows, &path, &mut out))
        {
            continue;
        }
        let frame = match source::read_frame_full(&path) {
            Ok(f) => f,
            Err(e) => {
                let file = path
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let msg = format!("{file}: {}", e.problem);
                out.push(Finding::error(table.name(), None, e.problem.row(), msg));
                bundle.unreadable.insert(table);
                continue;
            }
        };
        let df = frame.df;
        let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
        let file = file.as_deref().unwrap_or_default();
        for note in &frame.notes {
            out.push(Finding::warning(
                table.name(),
                None,
                None,
                format!("{file}: {note}"),
            ));
        }
        if df.height() == 0 {
            let msg = format!(
                "{file}: the table has a header but no data rows; nothing derived from {} can be computed",
                table.name()
            );
            out.push(Finding::error(table.name(), None, None, msg));
        }
        bundle.sources.insert(
            table,
            TableSource {
                file: path,
                rows: df.height(),
            },
        );
        if !read_table(&mut bundle, &mut rows, table, &df, frame.skipped, &mut out) {
            bundle.unreadable.insert(table);
        }
    }
    super::ids::repair_lost_zeros(&mut bundle, &rows, &mut out);
    validate::validate(&bundle, &rows, &mut out);
    bundle.findings = out.finish();
    // .xlsx tables: findings also name the sheet and cell (xlsx.rs).
    for (table, src) in &bundle.sources {
        super::xlsx::add_cell_references(&mut bundle.findings.items, table.name(), &src.file);
    }
    Ok(bundle)
}

/// Text of bundle.toml goes into terminals, SVG (where a control character is not even
/// allowed), LaTeX, Markdown and CSV: its control characters are replaced by their escaped
/// form once, here, so that no writer can pass one on. Returns the fields changed.
fn escape_control_characters(m: &mut Manifest) -> Vec<&'static str> {
    let escape = |s: &mut String| {
        if !s.chars().any(char::is_control) {
            return false;
        }
        *s = s
            .chars()
            .flat_map(|c| {
                if c.is_control() {
                    c.escape_default().collect::<Vec<_>>()
                } else {
                    vec![c]
                }
            })
            .collect();
        true
    };
    let mut changed = Vec::new();
    let b = &mut m.bundle;
    for (field, text) in [
        ("bundle.name", &mut b.name),
        ("bundle.description", &mut b.description),
        ("bundle.source", &mut b.source),
    ] {
        if escape(text) {
            changed.push(field);
        }
    }
    let mut labels = false;
    for c in &mut m.controls {
        labels |= escape(&mut c.label);
    }
    if labels {
        changed.push("controls.label");
    }
    changed
}

/// Reads a Parquet `activity` column by column (only one raw column in memory at a time);
/// false when the file is not such a table or a column could not be read, and nothing was
/// reported: the caller then reads it whole, as every other table, and reports why.
fn read_activity_by_column(
    bundle: &mut Bundle,
    rows: &mut RowNumbers,
    path: &Path,
    out: &mut Collector,
) -> bool {
    let Some(columns) = source::parquet_columns(path) else {
        return false;
    };
    if columns.height == 0 {
        return false;
    }
    let mark = out.mark();
    let mut r = TableReader::parquet(Table::Activity, &columns, out);
    let (days, kept, cleaning) = activity::activity(&mut r);
    let (failed, unreadable) = (r.failed, r.unreadable);
    if failed {
        out.rollback(mark);
        return false;
    }
    keep_activity(
        bundle,
        rows,
        path,
        columns.height,
        (days, kept, cleaning),
        unreadable,
    );
    true
}

/// Reads a CSV `activity` a chunk of rows at a time into the compact columns (only one
/// chunk's text in memory at a time); false when the file is not a plain CSV table that
/// splits safely into chunks, or a chunk could not be read, and nothing was reported: the
/// caller then reads it whole, as every other table, and reports what it finds.
fn read_activity_in_chunks(
    bundle: &mut Bundle,
    rows: &mut RowNumbers,
    path: &Path,
    out: &mut Collector,
) -> bool {
    let Some(chunks) = source::csv_chunks(path) else {
        return false;
    };
    let mark = out.mark();
    let mut carried = Chunks::default();
    let mut fold = activity::Fold::default();
    let mut first = true;
    for chunk in chunks {
        let Some(chunk) = chunk else {
            out.rollback(mark);
            return false;
        };
        fold_chunk(
            &chunk.df,
            chunk.estimated_rows,
            &mut first,
            out,
            &mut carried,
            &mut fold,
        );
    }
    if carried.rows == 0 {
        out.rollback(mark);
        return false;
    }
    finish_chunked(bundle, rows, path, out, carried, fold)
}

/// Reads an `.xlsx` `activity` sheet a chunk of rows at a time into the compact columns, as
/// a CSV table in chunks (only one chunk's text in memory, never the sheet); false when the
/// sheet cannot be streamed, and nothing was reported: the caller then reads it whole.
fn read_activity_from_sheet(
    bundle: &mut Bundle,
    rows: &mut RowNumbers,
    path: &Path,
    out: &mut Collector,
) -> bool {
    let mark = out.mark();
    let mut carried = Chunks::default();
    let mut fold = activity::Fold::default();
    let mut first = true;
    let streamed = super::xlsx::sheet_chunks(path, |df, estimated_rows| {
        fold_chunk(
            &df,
            estimated_rows,
            &mut first,
            out,
            &mut carried,
            &mut fold,
        );
        true
    });
    if streamed.is_none() || carried.rows == 0 {
        out.rollback(mark);
        return false;
    }
    finish_chunked(bundle, rows, path, out, carried, fold)
}

/// Folds one chunk of `activity` rows (CSV or sheet) into the compact columns; the first
/// chunk's header says whether the required columns are there.
fn fold_chunk(
    df: &DataFrame,
    estimated_rows: usize,
    first: &mut bool,
    out: &mut Collector,
    carried: &mut Chunks,
    fold: &mut activity::Fold,
) {
    let mut r = TableReader::new(Table::Activity, df, out);
    if std::mem::take(first) {
        activity::require_columns(&mut r);
        carried.unreadable = r.unreadable;
        fold.reserve(estimated_rows);
    }
    let mut r = r.in_chunks(carried);
    fold.grow(df.height());
    fold.read(&mut r);
    carried.rows += df.height();
}

/// After the last chunk: the findings held per column given out, the days kept.
fn finish_chunked(
    bundle: &mut Bundle,
    rows: &mut RowNumbers,
    path: &Path,
    out: &mut Collector,
    carried: Chunks,
    fold: activity::Fold,
) -> bool {
    let total = carried.rows;
    let none = DataFrame::empty();
    let mut r = TableReader::new(Table::Activity, &none, out);
    r.finish_chunks(carried);
    let read = fold.finish(&mut r);
    let unreadable = r.unreadable;
    keep_activity(bundle, rows, path, total, read, unreadable);
    true
}

/// The bundle takes the `activity` days read from `path` (`total` rows in the file).
fn keep_activity(
    bundle: &mut Bundle,
    rows: &mut RowNumbers,
    path: &Path,
    total: usize,
    (days, kept, cleaning): (ActivityDays, Vec<u32>, ActivityCleaning),
    unreadable: bool,
) {
    bundle.sources.insert(
        Table::Activity,
        TableSource {
            file: path.to_path_buf(),
            rows: total,
        },
    );
    (bundle.activity, rows.activity, bundle.activity_cleaning) = (days, kept, cleaning);
    if unreadable {
        bundle.unreadable.insert(Table::Activity);
    }
}

/// Fills one typed table; false when the table cannot be used (missing required column).
fn read_table(
    bundle: &mut Bundle,
    rows: &mut RowNumbers,
    table: Table,
    df: &DataFrame,
    skipped: Vec<(String, String)>,
    out: &mut Collector,
) -> bool {
    let controls = bundle.manifest.controls.clone();
    let mut r = TableReader::new(table, df, out).with_skipped(skipped);
    match table {
        Table::Districts => {
            (bundle.districts, rows.districts) = tables::districts(&mut r, &controls);
            super::labels::label_repeated_names(&mut bundle.districts);
        }
        Table::Municipalities => {
            (bundle.municipalities, rows.municipalities) = tables::municipalities(&mut r, &controls)
        }
        Table::Grants => (bundle.grants, rows.grants) = tables::grants(&mut r),
        Table::Staffing => (bundle.staffing, rows.staffing) = tables::staffing(&mut r),
        Table::TargetGroup => {
            (bundle.target_group, rows.target_group) = tables::target_group(&mut r)
        }
        Table::Employment => (bundle.employment, rows.employment) = tables::employment(&mut r),
        Table::Population => (bundle.population, rows.population) = tables::population(&mut r),
        Table::Activity => {
            (bundle.activity, rows.activity, bundle.activity_cleaning) = activity::activity(&mut r)
        }
        Table::ManagerSurvey => {
            (bundle.manager_survey, rows.manager_survey) = tables::manager_survey(&mut r)
        }
    }
    !r.unreadable
}

/// Reads `bundle.toml`; the format is checked before the rest so that a newer bundle gets
/// "format 2 is not supported" rather than a complaint about a field it renamed.
fn read_manifest(dir: &Path) -> Result<Manifest, BundleError> {
    let path = dir.join("bundle.toml");
    let err = |reason: String| BundleError::Manifest {
        path: dir.to_path_buf(),
        reason,
    };
    // Bounded, and only a regular file: a named pipe or /dev/zero as bundle.toml must not
    // block or fill memory.
    let bytes = super::sandbox::read_bounded(&path, super::sandbox::MANIFEST_MAX_BYTES)
        .map_err(|e| err(format!("bundle.toml {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| err(format!("bundle.toml is not UTF-8 text ({e})")))?;
    let value: toml::Table = toml::from_str(&text).map_err(|e| err(e.to_string()))?;
    let format = value.get("bundle").and_then(|b| b.get("format"));
    match format.and_then(toml::Value::as_integer) {
        Some(f) if f == i64::from(FORMAT) => {}
        Some(f) => {
            return Err(BundleError::UnsupportedFormat {
                path: dir.to_path_buf(),
                found: u32::try_from(f).unwrap_or(u32::MAX),
            });
        }
        None => {
            return Err(err(
                "[bundle] format is missing or not a whole number (this wirkung reads format = 1)"
                    .into(),
            ));
        }
    }
    toml::from_str(&text).map_err(|e| err(e.to_string()))
}
