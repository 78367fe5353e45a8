//! A table file read a slice of rows at a time, for `wirkung import`, which copies the
//! existing `activity` table into the new file: a Parquet table is read from the file one
//! slice at a time (every column of a few thousand rows), so that copying a state's
//! delivery never holds it whole; a CSV or .xlsx table is read whole, as the loader reads
//! it, and handed out in slices of that frame.

use super::finding::echo_raw;
use super::sandbox;
use super::source::{self, TableFileError, TableFileProblem};
use polars::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A table file as `read_table_file_with_skipped` reads it, given out in slices of rows.
pub struct TableSlices {
    path: PathBuf,
    kind: Kind,
    height: usize,
    /// Parquet columns left out for their type: (column, type).
    skipped: Vec<(String, String)>,
    schema: Schema,
}

enum Kind {
    /// Read from the file a slice at a time.
    Parquet,
    Whole(DataFrame),
}

impl TableSlices {
    /// Opens `path` with the checks of `read_table_file` (a Parquet file), or reads it
    /// whole with that reader (anything else).
    pub fn open(path: &Path) -> Result<Self, TableFileError> {
        if let Some(slices) = open_parquet(path)? {
            return Ok(slices);
        }
        let frame = source::read_frame_full(path)?;
        Ok(TableSlices {
            path: path.to_path_buf(),
            height: frame.df.height(),
            schema: frame.df.schema().as_ref().clone(),
            skipped: frame.skipped,
            kind: Kind::Whole(frame.df),
        })
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// The columns read, with the types the whole file is read with.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn skipped(&self) -> &[(String, String)] {
        &self.skipped
    }

    /// Rows `offset..offset + len` (fewer at the end) of the named columns (all when
    /// `None`; a name the table lacks is left out).
    pub fn read(
        &self,
        offset: usize,
        len: usize,
        columns: Option<&[&str]>,
    ) -> Result<DataFrame, TableFileError> {
        let len = len.min(self.height.saturating_sub(offset));
        let wanted: Vec<String> = self
            .schema
            .iter_names()
            .filter(|n| columns.is_none_or(|c| c.contains(&n.as_str())))
            .map(|n| n.to_string())
            .collect();
        match &self.kind {
            Kind::Whole(df) => df
                .select(wanted)
                .map(|d| d.slice(offset as i64, len))
                .map_err(|e| TableFileProblem::Frame(e).at(&self.path)),
            Kind::Parquet => guarded(&self.path, || {
                let file = File::open(&self.path).map_err(TableFileProblem::Open)?;
                ParquetReader::new(file)
                    .with_columns(Some(wanted))
                    .with_slice(Some((offset, len)))
                    .finish()
                    .map_err(TableFileProblem::Parquet)
            }),
        }
    }
}

/// The Parquet file's schema and height, or `None` for anything else (read whole).
fn open_parquet(path: &Path) -> Result<Option<TableSlices>, TableFileError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(ext.as_str(), "parquet" | "pq") || super::xlsx::is_xlsx(path) {
        return Ok(None);
    }
    std::fs::metadata(path).map_err(|e| TableFileProblem::Open(e).at(path))?;
    sandbox::check_table_file(path).map_err(|e| TableFileProblem::Refused(e).at(path))?;
    guarded(path, || {
        let mut reader = ParquetReader::new(File::open(path).map_err(TableFileProblem::Open)?);
        let arrow = reader.schema().map_err(TableFileProblem::Parquet)?;
        let height = reader.num_rows().map_err(TableFileProblem::Parquet)?;
        let (mut keep, mut skipped) = (Vec::new(), Vec::new());
        for field in arrow.iter_values() {
            if source::readable_parquet_type(&field.dtype) {
                keep.push(field.name.to_string());
            } else {
                skipped.push((
                    field.name.to_string(),
                    source::parquet_type_name(&field.dtype),
                ));
            }
        }
        if keep.is_empty() {
            return Ok(None);
        }
        // The types as the reader gives them (no rows decoded).
        let empty = ParquetReader::new(File::open(path).map_err(TableFileProblem::Open)?)
            .with_columns(Some(keep.clone()))
            .with_slice(Some((0, 0)))
            .finish()
            .map_err(TableFileProblem::Parquet)?;
        Ok(Some(TableSlices {
            path: path.to_path_buf(),
            schema: empty.schema().as_ref().clone(),
            kind: Kind::Parquet,
            height,
            skipped,
        }))
    })
}

/// A panic inside the reader on a malformed file becomes a problem of that file, as in
/// `read_frame_full`.
fn guarded<T>(
    path: &Path,
    read: impl FnOnce() -> Result<T, TableFileProblem>,
) -> Result<T, TableFileError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(TableFileProblem::ReaderFailed(echo_raw(&what)))
        })
        .map_err(|problem| problem.at(path))
}
