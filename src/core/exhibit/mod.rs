//! The report's tables and figures as numbers: one typed `Exhibit` per published table or
//! figure (`tab5`, `abb22`, …), shared by `wirkung exhibit`, the dashboard's pages and the
//! exports, so every number on screen can also be printed headless.
//!
//! One file per family: `programme` (chapter 3's start, staffing and topic figures that
//! the Start times, Staffing and Topics pages already show), `implementation` (chapter 3's
//! organisation, survey and working-time figures), `best_practice` (chapter 4).

pub mod best_practice;
pub mod implementation;
pub mod programme;
pub mod proportion_test;
pub mod render;

use crate::core::bundle::{Bundle, Table};
use crate::core::choices::Choices;
use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

/// One column of an exhibit: its key (CSV header, JSON key) and the decimals people read.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub key: String,
    pub decimals: usize,
}

impl Column {
    pub fn new(key: impl Into<String>, decimals: usize) -> Column {
        Column {
            key: key.into(),
            decimals,
        }
    }
}

/// One row: a label and one value per column (`None` where nothing can be computed, e.g. a
/// share of an empty group).
#[derive(Debug, Clone, PartialEq)]
pub struct ExhibitRow {
    pub label: String,
    pub values: Vec<Option<f64>>,
    /// Significance stars of a test shown in the row (`***`), empty when not significant.
    pub stars: Option<String>,
}

impl ExhibitRow {
    pub fn new(label: impl Into<String>, values: Vec<Option<f64>>) -> ExhibitRow {
        ExhibitRow {
            label: label.into(),
            values,
            stars: None,
        }
    }
}

/// A table or figure of the report as numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Exhibit {
    /// The report's numbering: `tab5`, `abb22`; `abb5-regions`, `abb33-location` and
    /// `staffing-before` for exhibits the report prints as text or beside a figure.
    pub id: &'static str,
    pub title: String,
    /// What the values are: `% of municipalities`, `municipalities`, `hours per week`.
    pub unit: String,
    /// The units the exhibit counts (municipalities, IMs, talks, districts).
    pub n: usize,
    pub columns: Vec<Column>,
    pub rows: Vec<ExhibitRow>,
    /// Definitions, conventions and what the data lack.
    pub notes: Vec<String>,
}

impl Exhibit {
    /// The value of `column` in the row labelled `label`.
    pub fn value(&self, label: &str, column: &str) -> Option<f64> {
        let c = self.columns.iter().position(|c| c.key == column)?;
        self.rows
            .iter()
            .find(|r| r.label == label)
            .and_then(|r| r.values.get(c).copied().flatten())
    }

    /// The row labelled `label`.
    pub fn row(&self, label: &str) -> Option<&ExhibitRow> {
        self.rows.iter().find(|r| r.label == label)
    }
}

/// JSON as `wirkung exhibit --format json` writes it:
/// `{"id", "title", "unit", "n", "rows": [{"label", "values": {column: value}}], "notes"}`,
/// values in column order, a missing value `null`.
impl Serialize for Exhibit {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Row<'a>(&'a ExhibitRow, &'a [Column]);
        struct Values<'a>(&'a ExhibitRow, &'a [Column]);
        impl Serialize for Values<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.1.len()))?;
                for (c, v) in self.1.iter().zip(&self.0.values) {
                    m.serialize_entry(&c.key, &v.filter(|x| x.is_finite()))?;
                }
                m.end()
            }
        }
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let n = if self.0.stars.is_some() { 3 } else { 2 };
                let mut r = s.serialize_struct("Row", n)?;
                r.serialize_field("label", &self.0.label)?;
                r.serialize_field("values", &Values(self.0, self.1))?;
                if let Some(stars) = &self.0.stars {
                    r.serialize_field("stars", stars)?;
                }
                r.end()
            }
        }
        let rows: Vec<Row> = self.rows.iter().map(|r| Row(r, &self.columns)).collect();
        let mut e = s.serialize_struct("Exhibit", 6)?;
        e.serialize_field("id", self.id)?;
        e.serialize_field("title", &self.title)?;
        e.serialize_field("unit", &self.unit)?;
        e.serialize_field("n", &self.n)?;
        e.serialize_field("rows", &rows)?;
        e.serialize_field("notes", &self.notes)?;
        e.end()
    }
}

/// Why an exhibit cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExhibitError {
    #[error("unknown exhibit '{0}' (wirkung exhibit --list names them)")]
    Unknown(String),
    #[error("{id} needs the table '{table}', which could not be read (wirkung check names why)")]
    MissingTable {
        id: &'static str,
        table: &'static str,
    },
}

/// Every exhibit: id, title, the tables it reads, and how it is built.
pub struct ExhibitSpec {
    pub id: &'static str,
    pub title: &'static str,
    pub tables: &'static [Table],
    build: fn(&Bundle, &Choices) -> Exhibit,
}

use Table::*;

/// The exhibits in the report's order.
pub const EXHIBITS: &[ExhibitSpec] = &[
    spec(
        "abb4",
        programme::ABB4,
        &[Municipalities, Grants],
        programme::abb4,
    ),
    spec(
        "abb5-regions",
        programme::REGIONS,
        &[Districts, Municipalities, Grants],
        programme::regions,
    ),
    spec(
        "tab5",
        programme::TAB5,
        &[Municipalities, Staffing],
        programme::tab5,
    ),
    spec(
        "staffing-before",
        implementation::STAFFING_BEFORE,
        &[Municipalities, Staffing],
        implementation::staffing_before,
    ),
    spec(
        "abb6",
        programme::ABB6,
        &[Municipalities, Staffing],
        programme::abb6,
    ),
    spec(
        "abb7",
        implementation::ABB7,
        &[Municipalities, Grants],
        implementation::abb7,
    ),
    spec(
        "abb9",
        implementation::ABB9,
        &[Municipalities],
        implementation::abb9,
    ),
    spec(
        "abb22",
        implementation::ABB22,
        &[ManagerSurvey],
        implementation::abb22,
    ),
    spec(
        "abb25",
        implementation::ABB25,
        &[ManagerSurvey],
        implementation::abb25,
    ),
    spec(
        "abb26",
        implementation::ABB26,
        &[Municipalities, TargetGroup],
        implementation::abb26,
    ),
    spec(
        "abb33",
        implementation::ABB33,
        &[ManagerSurvey],
        implementation::abb33,
    ),
    spec(
        "abb33-location",
        implementation::ABB33_LOCATION,
        &[Activity],
        implementation::abb33_location,
    ),
    spec("abb34", programme::ABB34, &[Activity], programme::abb34),
    spec("abb35", programme::ABB35, &[Activity], programme::abb35),
    spec(
        "abb39",
        best_practice::ABB39,
        &[Municipalities, ManagerSurvey],
        best_practice::abb39,
    ),
    spec(
        "tab7",
        best_practice::TAB7,
        &[Municipalities, ManagerSurvey],
        best_practice::tab7,
    ),
    spec(
        "tab9",
        best_practice::TAB9,
        &[Municipalities, ManagerSurvey, Staffing],
        best_practice::tab9,
    ),
    spec(
        "tab10",
        best_practice::TAB10,
        &[Municipalities, ManagerSurvey],
        best_practice::tab10,
    ),
    spec(
        "abb43",
        programme::ABB43,
        &[Districts, Municipalities, Staffing, TargetGroup],
        programme::abb43,
    ),
];

const fn spec(
    id: &'static str,
    title: &'static str,
    tables: &'static [Table],
    build: fn(&Bundle, &Choices) -> Exhibit,
) -> ExhibitSpec {
    ExhibitSpec {
        id,
        title,
        tables,
        build,
    }
}

/// The exhibit `id` of `bundle` under `choices` (only `abb5-regions` depends on a choice: the
/// early-start cutoff).
pub fn build(id: &str, bundle: &Bundle, choices: &Choices) -> Result<Exhibit, ExhibitError> {
    let spec = EXHIBITS
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| ExhibitError::Unknown(id.to_string()))?;
    if let Some(t) = spec.tables.iter().find(|t| !bundle.has(**t)) {
        return Err(ExhibitError::MissingTable {
            id: spec.id,
            table: t.name(),
        });
    }
    Ok((spec.build)(bundle, choices))
}

/// A share in percent, `None` of an empty whole.
pub(crate) fn pct(part: usize, whole: usize) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// A count as an exhibit value.
pub(crate) fn count(n: usize) -> Option<f64> {
    Some(n as f64)
}
