//! Find, read and validate a dataset bundle (bundle-format.md, format 1).
//!
//! `load` never writes into the bundle directory. It returns the typed tables together
//! with every finding; only a bundle that cannot be read at all (no directory, no or an
//! unreadable `bundle.toml`) is a `BundleError`.

mod activity;
mod activity_days;
mod collect;
mod columns;
mod coverage;
pub mod finding;
mod ids;
mod labels;
pub mod manifest;
pub mod model;
mod plausible;
mod read;
mod rules;
pub mod sandbox;
mod slices;
mod source;
mod tables;
mod validate;
pub mod xlsx;

pub(crate) use activity_days::IdTable;
pub use activity_days::{ActivityDays, ActivityRow};
pub use finding::{Finding, Findings, Severity};
pub use slices::{Pass, TableSlices};
pub use source::{TableFileError, TableFileProblem};

/// The shipped synthetic sample, opened when no bundle is given.
pub const SAMPLE_BUNDLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/sample-data/bw-integration");
pub use manifest::{
    CapacityDenominator, CapacityExclude, ControlSpec, Level, Manifest, MunicipalCapacity,
    OutcomeFamily, Rules,
};
pub use model::*;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A bundle that could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{path}: not a bundle directory ({reason})")]
    NotADirectory { path: PathBuf, reason: String },
    #[error("{path}: cannot read bundle.toml: {reason}")]
    Manifest { path: PathBuf, reason: String },
    #[error("{path}: bundle format {found} is not supported (this wirkung reads format 1)")]
    UnsupportedFormat { path: PathBuf, found: u32 },
}

/// A loaded bundle: manifest, typed tables and what validation found.
#[derive(Debug, Clone)]
pub struct Bundle {
    pub dir: PathBuf,
    pub manifest: Manifest,
    pub districts: Vec<District>,
    pub municipalities: Vec<Municipality>,
    pub grants: Vec<Grant>,
    pub staffing: Vec<Staffing>,
    pub target_group: Vec<TargetGroup>,
    pub employment: Vec<Employment>,
    pub population: Vec<Population>,
    /// The IM key figures after the reading rules, as compact columns.
    pub activity: ActivityDays,
    pub manager_survey: Vec<SurveyResponse>,
    pub activity_cleaning: ActivityCleaning,
    /// Tables that were found and read (possibly with row-level findings).
    pub sources: BTreeMap<Table, TableSource>,
    /// Tables that are missing or unreadable as a whole (missing file or required column).
    pub unreadable: BTreeSet<Table>,
    pub findings: Findings,
}

impl Bundle {
    /// Whether a table could be read; derived quantities that need an unreadable table fail
    /// with a message naming it, and never because of an unrelated problem.
    pub fn has(&self, table: Table) -> bool {
        !self.unreadable.contains(&table)
    }

    pub fn is_synthetic(&self) -> bool {
        self.manifest.bundle.synthetic
    }
}

/// Reads and validates the bundle in `dir`.
pub fn load(dir: &Path) -> Result<Bundle, BundleError> {
    read::load(dir, None)
}

/// `load` without reading one table (treated as missing): `import` needs the manifest and
/// the municipalities, not the activity table it reads itself.
pub fn load_without(dir: &Path, table: Table) -> Result<Bundle, BundleError> {
    read::load(dir, Some(table))
}

/// Reads one table file (CSV, Parquet, or .xlsx with an optional `#Sheet`) into a frame, as
/// `load` does; `wirkung import` uses it to merge new deliveries with the existing table.
pub fn read_table_file(path: &Path) -> Result<polars::prelude::DataFrame, TableFileError> {
    source::read_frame(path)
}

/// `read_table_file`, with the Parquet columns left out for their type: (column, type).
/// `import` refuses to rewrite a table it could not carry over whole.
pub fn read_table_file_with_skipped(
    path: &Path,
) -> Result<(polars::prelude::DataFrame, Vec<(String, String)>), TableFileError> {
    source::read_frame_full(path).map(|f| (f.df, f.skipped))
}

/// The known id that `id` stands for once the leading zeros a spreadsheet dropped are back
/// (`8111000` -> `08111000` for `digits` 8), if `id` is unknown as written.
pub fn known_id_with_zeros(
    id: &str,
    digits: usize,
    known: &std::collections::HashSet<String>,
) -> Option<String> {
    ids::with_zeros(id, digits, known)
}

/// The file a table is read from (bundle.toml `[tables]`, `<name>.parquet`, `.csv`, `.xlsx`),
/// or `None` when the bundle has none.
pub fn table_file(dir: &Path, manifest: &Manifest, table: Table) -> Option<PathBuf> {
    let mut ignored = collect::Collector::default();
    source::locate(dir, manifest, table, &mut ignored)
}
