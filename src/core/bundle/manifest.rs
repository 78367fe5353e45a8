//! `bundle.toml`: name, periods, rules and declared controls (bundle-format.md).

use crate::core::period::Month;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub bundle: BundleInfo,
    pub periods: Periods,
    pub rules: Rules,
    #[serde(default)]
    pub controls: Vec<ControlSpec>,
    /// Optional file name per table (`activity = "kennzahlen-2019.parquet"`).
    #[serde(default)]
    pub tables: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BundleInfo {
    pub format: u32,
    pub name: String,
    #[serde(default)]
    pub synthetic: bool,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Periods {
    pub employment_base: Month,
    pub employment_end: Month,
    pub housing_base: NaiveDate,
    pub housing_end: NaiveDate,
    pub topics_until: NaiveDate,
}

/// The report's rules for start dates and housing aggregation; the dashboard may move
/// `early_cutoff`, so derived panels take a `Rules` value rather than the manifest.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rules {
    pub start_share: f64,
    pub grants_issued_by: NaiveDate,
    pub early_cutoff: NaiveDate,
    pub housing_max_missing: f64,
    /// When a district has no capacity change (docs/bundle-format.md, "Method readings").
    #[serde(default)]
    pub capacity_exclude: CapacityExclude,
    /// Which municipalities the district capacity's target persons are summed over.
    #[serde(default)]
    pub capacity_denominator: CapacityDenominator,
    /// The municipality-level capacity measure.
    #[serde(default)]
    pub municipal_capacity: MunicipalCapacity,
}

/// A district lacks the capacity change when any funded municipality lacks `fte_before`
/// (the default, which gives the report's 42 districts on the shipped sample), or only when
/// none has it (the report's words: two districts "without information").
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CapacityExclude {
    #[default]
    AnyMissing,
    AllMissing,
}

/// D, the target persons of the district capacity: over every municipality of the district
/// that reports them (the default), or over the municipalities whose FTE change is summed.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum CapacityDenominator {
    #[default]
    AllMunicipalities,
    SameMunicipalities,
}

/// Municipality-level capacity: the absolute FTE change (the default) or the change per 100
/// target persons at the housing base wave (the unit of the report's footnote 39).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum MunicipalCapacity {
    #[default]
    Fte,
    #[serde(rename = "per_100_target_persons")]
    Per100TargetPersons,
}

/// The unit of analysis: districts (Landkreise) or municipalities (Gemeinden).
#[derive(
    Debug,
    Clone,
    Copy,
    Serialize,
    Deserialize,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum_macros::Display,
    strum_macros::IntoStaticStr,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Level {
    District,
    Municipality,
}

/// Outcome families a control can be declared for.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum OutcomeFamily {
    Employment,
    Housing,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ControlSpec {
    /// Column name in `districts` or `municipalities`.
    pub column: String,
    #[serde(default)]
    pub label: String,
    pub level: Level,
    pub outcomes: Vec<OutcomeFamily>,
}

impl ControlSpec {
    /// The label shown to people; the column name when the manifest gives none.
    pub fn display_label(&self) -> &str {
        if self.label.is_empty() {
            &self.column
        } else {
            &self.label
        }
    }
}
