//! Pure functions from loaded tables to the report's analysis panels
//! (bundle-format.md, "Derived quantities"; one file per quantity).

pub mod capacity;
pub mod employment;
pub mod housing;
pub mod organisation;
pub mod panel;
pub mod plan_b;
pub mod staffing;
pub mod start;
pub mod topics;
pub mod trends;

pub use panel::{Exclusion, Panel, PanelRow, panel};
pub use trends::{TrendPoint, Trends, trends};

use crate::core::bundle::{Level, Rules, Table};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The outcome whose change between two periods is the DiD's dependent variable.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum_macros::Display,
    strum_macros::EnumString,
    strum_macros::IntoStaticStr,
    strum_macros::VariantArray,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Outcome {
    /// Social-security plus exclusively marginal employment rate of HHL nationals, %.
    Employment,
    /// Social-security employment only, %.
    EmploymentSv,
    /// Share of target persons in decentralised housing, %.
    Housing,
}

/// Treatment versus control contrast (report section 5, comparisons 1–5 and housing talks;
/// `DistrictOffice` tests the report's organisational finding, Abb. 9).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum_macros::Display,
    strum_macros::EnumString,
    strum_macros::IntoStaticStr,
    strum_macros::VariantArray,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Comparison {
    BwVsNeighbours,
    EarlyStart,
    Capacity,
    PlanB,
    LabourTalks,
    HousingTalks,
    // IM via the district office vs not: a median split of the district's share of funded
    // municipalities so organised; at municipality level the municipality's own organisation.
    // (A plain comment: clap would show a doc comment as this value's help, and only this one's.)
    DistrictOffice,
}

/// Which declared controls enter the regression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ControlSelection {
    /// The manifest's controls for the outcome family and level.
    All,
    None,
    /// These columns, in this order.
    Named(Vec<String>),
}

/// Everything that decides a panel: the user's choices plus the (possibly moved) rules.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelSpec {
    pub outcome: Outcome,
    pub comparison: Comparison,
    pub level: Level,
    pub controls: ControlSelection,
    pub rules: Rules,
}

/// Why a panel cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DeriveError {
    /// The combination is not supported by the data (cli.md: exit status 2).
    #[error("{0}")]
    Unsupported(String),
    #[error("table '{}' is missing or unreadable, and {needed_for} needs it", table.name())]
    MissingTable { table: Table, needed_for: String },
    #[error("unknown control '{0}': not declared in bundle.toml for this outcome and level")]
    UnknownControl(String),
    #[error("no unit is left in the comparison: {0}")]
    Empty(String),
}

impl Outcome {
    /// Every outcome, in the dashboard's cycling order.
    pub const ALL: &'static [Outcome] = <Outcome as strum::VariantArray>::VARIANTS;

    /// The outcome as the CLI spells it (`employment-sv`).
    pub fn id(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Employment => "Employment rate (SV + marginal), %",
            Outcome::EmploymentSv => "Employment rate (SV only), %",
            Outcome::Housing => "Decentralised housing share, %",
        }
    }
    pub fn family(self) -> crate::core::bundle::OutcomeFamily {
        match self {
            Outcome::Employment | Outcome::EmploymentSv => {
                crate::core::bundle::OutcomeFamily::Employment
            }
            Outcome::Housing => crate::core::bundle::OutcomeFamily::Housing,
        }
    }
}

impl Comparison {
    /// Every comparison, in the report's order (the dashboard cycles through them).
    pub const ALL: &'static [Comparison] = <Comparison as strum::VariantArray>::VARIANTS;

    /// The comparison as the CLI spells it (`bw-vs-neighbours`).
    pub fn id(self) -> &'static str {
        self.into()
    }
    pub fn label(self) -> &'static str {
        match self {
            Comparison::BwVsNeighbours => "BW vs neighbouring states",
            Comparison::EarlyStart => "Early vs late start",
            Comparison::Capacity => "Stronger vs weaker capacity expansion",
            Comparison::PlanB => "Frequent vs rare plan-B use",
            Comparison::LabourTalks => "More vs fewer labour-market talks",
            Comparison::HousingTalks => "More vs fewer housing talks",
            Comparison::DistrictOffice => "IM via the district office vs not",
        }
    }
    /// Names of the treated and the control group, as the report labels them.
    pub fn group_labels(self) -> (&'static str, &'static str) {
        match self {
            Comparison::BwVsNeighbours => ("Baden-Württemberg", "Neighbouring states"),
            Comparison::EarlyStart => ("Early start", "Late start"),
            Comparison::Capacity => ("Stronger expansion", "Weaker expansion"),
            Comparison::PlanB => ("Frequent plan B", "Rare plan B"),
            Comparison::LabourTalks => ("More labour talks", "Fewer labour talks"),
            Comparison::HousingTalks => ("More housing talks", "Fewer housing talks"),
            Comparison::DistrictOffice => ("More via district office", "Less via district office"),
        }
    }
    /// `group_labels` for the units of `level`: a municipality's IM is via the district
    /// office or not, there is no "more" (`district-office` at municipality level).
    pub fn group_labels_at(self, level: Level) -> (&'static str, &'static str) {
        match (self, level) {
            (Comparison::DistrictOffice, Level::Municipality) => {
                ("Via district office", "Not via district office")
            }
            _ => self.group_labels(),
        }
    }
    /// What the units are clustered by for cluster-robust inference (CR1, the wild bootstrap):
    /// the state when BW is compared with its neighbours, else the government region.
    pub fn cluster_by(self) -> ClusterBy {
        match self {
            Comparison::BwVsNeighbours => ClusterBy::State,
            _ => ClusterBy::Region,
        }
    }
    /// Whether treatment is a median split of a measure at `level` (all but the first two;
    /// `district-office` at municipality level is the municipality's own organisation).
    pub fn is_median_split(self, level: Level) -> bool {
        match self {
            Comparison::BwVsNeighbours | Comparison::EarlyStart => false,
            Comparison::DistrictOffice => level == Level::District,
            _ => true,
        }
    }
}

/// The clusters of cluster-robust inference: treatment and shocks are shared within a state
/// (BW vs neighbours) or a government region (within BW), so residuals are correlated there.
/// Municipalities belong to their district's cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterBy {
    State,
    Region,
}

impl ClusterBy {
    /// The districts column that holds the cluster (also its name in JSON).
    pub fn column(self) -> &'static str {
        match self {
            ClusterBy::State => "state",
            ClusterBy::Region => "region",
        }
    }
    /// The clusters in words, plural.
    pub fn plural(self) -> &'static str {
        match self {
            ClusterBy::State => "states",
            ClusterBy::Region => "government regions",
        }
    }
    /// `plural` for narrow places ("4 regions").
    pub fn short_plural(self) -> &'static str {
        match self {
            ClusterBy::State => "states",
            ClusterBy::Region => "regions",
        }
    }
}

/// Checks the combinations the report (and the data) can support; the error says why.
pub fn check_supported(
    outcome: Outcome,
    comparison: Comparison,
    level: Level,
) -> Result<(), DeriveError> {
    use Comparison::*;
    match (outcome, comparison, level) {
        (Outcome::Housing, BwVsNeighbours, _) => Err(DeriveError::Unsupported(
            "housing cannot be compared with the neighbouring states: their municipalities have no refugee-situation survey".into(),
        )),
        (Outcome::Housing, EarlyStart, _) => Err(DeriveError::Unsupported(
            "housing cannot be compared by start date: the first housing wave (Dec 2018) lies after every district had started".into(),
        )),
        (Outcome::Employment | Outcome::EmploymentSv, _, Level::Municipality) => Err(DeriveError::Unsupported(
            "employment statistics exist per district only; use --level district".into(),
        )),
        (_, LabourTalks | HousingTalks, Level::Municipality) => Err(DeriveError::Unsupported(
            "talk shares exist per district only: IM numbers belong to alliances, not municipalities".into(),
        )),
        _ => Ok(()),
    }
}

/// A unit's value of a measure (capacity change, plan-B share, topic share ...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitMeasure {
    pub unit_id: String,
    pub name: String,
    pub value: f64,
}

/// A measure over all units that have it, and the units that lack it and why.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Measures {
    pub values: Vec<UnitMeasure>,
    pub excluded: Vec<Exclusion>,
}

/// Why a choice as the CLI spells it cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChoiceParseError {
    #[error("empty control name in '{0}' (expected all, none or c1,c2)")]
    EmptyControlName(String),
    #[error("unknown level '{0}' (expected district or municipality)")]
    UnknownLevel(String),
}

impl FromStr for ControlSelection {
    type Err = ChoiceParseError;
    /// `all`, `none`, or a comma-separated list of control columns (cli.md).
    fn from_str(s: &str) -> Result<Self, ChoiceParseError> {
        match s.trim() {
            "all" => Ok(ControlSelection::All),
            "none" => Ok(ControlSelection::None),
            list => {
                let mut names: Vec<String> = Vec::new();
                for name in list.split(',').map(str::trim) {
                    if name.is_empty() {
                        return Err(ChoiceParseError::EmptyControlName(s.to_string()));
                    }
                    if !names.iter().any(|n| n == name) {
                        names.push(name.to_string());
                    }
                }
                Ok(ControlSelection::Named(names))
            }
        }
    }
}

/// Parses an analysis level as the CLI spells it (`district`, `municipality`).
pub fn parse_level(s: &str) -> Result<Level, ChoiceParseError> {
    match s.trim() {
        "district" => Ok(Level::District),
        "municipality" => Ok(Level::Municipality),
        other => Err(ChoiceParseError::UnknownLevel(other.to_string())),
    }
}

/// The treated state of the report (bundle-format.md, districts.state).
pub const TREATED_STATE: &str = "BW";

/// Unweighted median; the mean of the two middle values for an even count.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    })
}

/// The districts of the treated state, the units of every within-BW comparison.
pub(crate) fn treated_state_districts(
    bundle: &crate::core::bundle::Bundle,
) -> impl Iterator<Item = &crate::core::bundle::District> {
    bundle.districts.iter().filter(|d| d.state == TREATED_STATE)
}

/// municipality_id → district_id for municipalities whose district exists; rows of ids unknown
/// to the unit tables belong to no unit (bundle-format.md, "Reading rules").
pub(crate) fn municipality_districts(
    bundle: &crate::core::bundle::Bundle,
) -> std::collections::HashMap<&str, &str> {
    let known: std::collections::HashSet<&str> = bundle
        .districts
        .iter()
        .map(|d| d.district_id.as_str())
        .collect();
    bundle
        .municipalities
        .iter()
        .filter(|m| known.contains(m.district_id.as_str()))
        .map(|m| (m.municipality_id.as_str(), m.district_id.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[0.7, 1.0, 0.8]), Some(0.8));
        // Even count: mean of the two middle values, 0.25 and 0.3.
        assert_eq!(median(&[0.3, 0.25, 0.5, 1.0 / 9.0]), Some(0.275));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn control_selection_parses_the_cli_spelling() {
        assert_eq!("all".parse(), Ok(ControlSelection::All));
        assert_eq!("none".parse(), Ok(ControlSelection::None));
        assert_eq!(
            "gdp, urban,gdp".parse(),
            Ok(ControlSelection::Named(vec!["gdp".into(), "urban".into()]))
        );
        assert!("gdp,,urban".parse::<ControlSelection>().is_err());
        assert!("".parse::<ControlSelection>().is_err());
        assert_eq!(parse_level("municipality"), Ok(Level::Municipality));
        assert!(parse_level("state").is_err());
    }
}
