//! A table file read a slice of rows at a time, for `wirkung import`, which copies the
//! existing `activity` table into the new file: a Parquet table is read from the file one
//! slice at a time (every column of a few thousand rows), a plain CSV table in the loader's
//! chunks of 8 MB and an `.xlsx` sheet in its chunks of rows (`xlsx::sheet_chunks`), so
//! that copying a state's delivery never holds it whole. Anything else (a German
//! spreadsheet export, a file that does not split safely) is read whole, as the loader
//! reads it, and handed out in slices of that frame.

use super::sandbox;
use super::source::{self, TableFileError, TableFileProblem};
use polars::prelude::*;
use std::fs::File;
use std::path::{Path, PathBuf};

/// A table file as `read_table_file_with_skipped` reads it, given out in slices of rows.
pub struct TableSlices {
    path: PathBuf,
    kind: Kind,
    /// Known once the table was gone through (at once for Parquet and a frame read whole).
    height: usize,
    /// Parquet columns left out for their type: (column, type).
    skipped: Vec<(String, String)>,
    schema: Schema,
}

enum Kind {
    /// Read from the file a slice at a time.
    Parquet,
    /// In the CSV reader's chunks; `true` once gone through whole.
    Csv(bool),
    /// In chunks of sheet rows; `true` once gone through whole.
    Sheet(bool),
    Whole(DataFrame),
}

/// How a pass over the table ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Every row was handed out.
    Done,
    /// The callback asked to stop.
    Stopped,
    /// The file could not be read in chunks after all; it is now read whole, and the pass
    /// must be made again from the start (only the first pass can end so).
    Again,
}

impl TableSlices {
    /// Opens `path` with the checks of `read_table_file` (a Parquet file, a plain CSV file,
    /// an `.xlsx` sheet), or reads it whole with that reader (anything else).
    pub fn open(path: &Path) -> Result<Self, TableFileError> {
        if let Some(slices) = open_parquet(path)? {
            return Ok(slices);
        }
        let streamed = |kind| TableSlices {
            path: path.to_path_buf(),
            kind,
            height: 0,
            skipped: Vec::new(),
            schema: Schema::default(),
        };
        if super::xlsx::is_xlsx(path) {
            return Ok(streamed(Kind::Sheet(false)));
        }
        if source::csv_chunks(path).is_some() {
            return Ok(streamed(Kind::Csv(false)));
        }
        Self::whole(path)
    }

    fn whole(path: &Path) -> Result<Self, TableFileError> {
        let frame = source::read_frame_full(path)?;
        Ok(TableSlices {
            path: path.to_path_buf(),
            height: frame.df.height(),
            schema: frame.df.schema().as_ref().clone(),
            skipped: frame.skipped,
            kind: Kind::Whole(frame.df),
        })
    }

    /// Data rows; for a CSV or sheet read in chunks, known after the first pass.
    pub fn height(&self) -> usize {
        self.height
    }

    /// The columns read, with the types the whole file is read with (after the first pass).
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    pub fn skipped(&self) -> &[(String, String)] {
        &self.skipped
    }

    /// Hands the table to `each` in order, a slice of about `rows` rows at a time (a CSV
    /// or sheet: its own chunks) with the named columns (all when `None`; a name the table
    /// lacks is left out), with the number of rows the table is expected to have. `each`
    /// returns false to stop.
    pub fn pass(
        &mut self,
        rows: usize,
        columns: Option<&[&str]>,
        mut each: impl FnMut(DataFrame, usize) -> bool,
    ) -> Result<Pass, TableFileError> {
        let rows = rows.max(1);
        let select = |df: DataFrame| -> Result<DataFrame, TableFileError> {
            match columns {
                None => Ok(df),
                Some(c) => {
                    let wanted: Vec<String> = df
                        .get_column_names()
                        .iter()
                        .filter(|n| c.contains(&n.as_str()))
                        .map(|n| n.to_string())
                        .collect();
                    df.select(wanted)
                        .map_err(|e| TableFileProblem::Frame(e).at(&self.path))
                }
            }
        };
        match &self.kind {
            Kind::Whole(df) => {
                let df = select(df.clone())?;
                for offset in (0..self.height).step_by(rows) {
                    if !each(df.slice(offset as i64, rows), self.height) {
                        return Ok(Pass::Stopped);
                    }
                }
                Ok(Pass::Done)
            }
            Kind::Parquet => {
                for offset in (0..self.height).step_by(rows) {
                    let len = rows.min(self.height - offset);
                    let slice = guarded(&self.path, || {
                        let file = File::open(&self.path).map_err(TableFileProblem::Open)?;
                        ParquetReader::new(file)
                            .with_columns(Some(
                                self.schema.iter_names().map(|n| n.to_string()).collect(),
                            ))
                            .with_slice(Some((offset, len)))
                            .finish()
                            .map_err(TableFileProblem::Parquet)
                    })?;
                    if !each(select(slice)?, self.height) {
                        return Ok(Pass::Stopped);
                    }
                }
                Ok(Pass::Done)
            }
            Kind::Csv(known) | Kind::Sheet(known) => {
                let known = *known;
                let sheet = matches!(self.kind, Kind::Sheet(_));
                let (mut height, mut schema, mut stopped, mut failed) = (0, None, false, None);
                let mut take = |df: DataFrame, estimated: usize| -> bool {
                    height += df.height();
                    schema.get_or_insert_with(|| df.schema().as_ref().clone());
                    let expected = if known { self.height } else { estimated };
                    match select(df) {
                        Ok(df) => {
                            stopped = !each(df, expected);
                            !stopped
                        }
                        Err(e) => {
                            failed = Some(e);
                            false
                        }
                    }
                };
                let complete = if sheet {
                    super::xlsx::sheet_chunks(&self.path, &mut take).is_some()
                } else {
                    source::csv_chunks(&self.path).is_some_and(|chunks| {
                        for chunk in chunks {
                            let Some(c) = chunk else {
                                return false;
                            };
                            if !take(c.df, c.estimated_rows) {
                                return false;
                            }
                        }
                        true
                    })
                };
                if let Some(e) = failed {
                    return Err(e);
                }
                if stopped {
                    return Ok(Pass::Stopped);
                }
                match (complete && height > 0, known) {
                    (true, _) => {
                        self.height = height;
                        self.schema = schema.unwrap_or_default();
                        self.kind = if sheet {
                            Kind::Sheet(true)
                        } else {
                            Kind::Csv(true)
                        };
                        Ok(Pass::Done)
                    }
                    // Read whole from now on; the whole read reports what it finds.
                    (false, false) => {
                        *self = Self::whole(&self.path)?;
                        Ok(Pass::Again)
                    }
                    (false, true) => Err(TableFileProblem::ReaderFailed(
                        "the file changed while it was read".into(),
                    )
                    .at(&self.path)),
                }
            }
        }
    }
}

/// The Parquet file's schema and height, or `None` for anything else.
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
            .with_columns(Some(keep))
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
        .unwrap_or_else(|panic| Err(source::reader_panicked(panic.as_ref())))
        .map_err(|problem| problem.at(path))
}
