//! Typed tables of a loaded bundle (bundle-format.md, "Tables").
//!
//! Rows whose required fields could not be read are left out (and reported as findings);
//! every other row is kept as delivered, since derived quantities never guess a correction.

use crate::core::period::Month;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// The nine tables of format 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Table {
    Districts,
    Municipalities,
    Grants,
    Staffing,
    TargetGroup,
    Employment,
    Population,
    Activity,
    ManagerSurvey,
}

impl Table {
    pub const ALL: [Table; 9] = [
        Table::Districts,
        Table::Municipalities,
        Table::Grants,
        Table::Staffing,
        Table::TargetGroup,
        Table::Employment,
        Table::Population,
        Table::Activity,
        Table::ManagerSurvey,
    ];

    /// The table's name in the bundle (file stem).
    pub fn name(self) -> &'static str {
        match self {
            Table::Districts => "districts",
            Table::Municipalities => "municipalities",
            Table::Grants => "grants",
            Table::Staffing => "staffing",
            Table::TargetGroup => "target_group",
            Table::Employment => "employment",
            Table::Population => "population",
            Table::Activity => "activity",
            Table::ManagerSurvey => "manager_survey",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct District {
    pub district_id: String,
    pub name: String,
    /// `BW`, `BY`, `HE`, `RP`; the treated state is `BW`.
    pub state: String,
    pub region: Option<String>,
    pub urban: bool,
    pub population: i64,
    /// Outside BW and sharing a boundary segment with BW (optional column; `None` when the
    /// bundle does not say). The spillover check drops these controls.
    pub borders_bw: Option<bool>,
    /// Declared district-level controls by column name; `None` where missing or unreadable.
    pub controls: BTreeMap<String, Option<f64>>,
}

/// How a municipality's integration management is organised (report Abb. 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Organisation {
    DistrictOffice,
    Municipal,
    ExternalMunicipal,
    ExternalDistrict,
}

impl Organisation {
    pub fn parse(s: &str) -> Option<Organisation> {
        match s.trim() {
            "district_office" => Some(Organisation::DistrictOffice),
            "municipal" => Some(Organisation::Municipal),
            "external_municipal" => Some(Organisation::ExternalMunicipal),
            "external_district" => Some(Organisation::ExternalDistrict),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Organisation::DistrictOffice => "district_office",
            Organisation::Municipal => "municipal",
            Organisation::ExternalMunicipal => "external_municipal",
            Organisation::ExternalDistrict => "external_district",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Municipality {
    pub municipality_id: String,
    pub name: String,
    pub district_id: String,
    pub alliance_id: String,
    pub funded: bool,
    pub refugees_2017: Option<i64>,
    pub organisation: Option<Organisation>,
    /// Declared municipality-level controls by column name.
    pub controls: BTreeMap<String, Option<f64>>,
}

/// One funded IM position (Förderbescheid).
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub grant_id: String,
    pub municipality_id: String,
    pub issued: NaiveDate,
    pub start: NaiveDate,
    pub fte: f64,
}

/// Framework survey (May/Jun 2019), one row per funded municipality.
#[derive(Debug, Clone, PartialEq)]
pub struct Staffing {
    pub municipality_id: String,
    pub fte_before: Option<f64>,
    pub fte_after: Option<f64>,
    pub nobody_before: Option<bool>,
}

/// Refugee-situation survey, one row per municipality and wave.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetGroup {
    pub municipality_id: String,
    pub wave: NaiveDate,
    pub target_persons: Option<i64>,
    pub housing_decentral: Option<i64>,
    pub housing_shared: Option<i64>,
    pub housing_unknown: Option<i64>,
    pub with_plan: Option<i64>,
}

/// Monthly BA statistics for HHL nationals, by district of residence.
#[derive(Debug, Clone, PartialEq)]
pub struct Employment {
    pub district_id: String,
    pub month: Month,
    pub employed_total: i64,
    pub employed_sv: i64,
}

/// Foreigners' register: HHL nationals aged 15–64 on 31 Dec of `year`.
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    pub district_id: String,
    pub year: i32,
    pub persons_15_64: i64,
}

/// The eight talk topics of the IM key figures, in the report's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    Labour,
    Language,
    Education,
    Housing,
    Health,
    Participation,
    Children,
    Other,
}

impl Topic {
    pub const ALL: [Topic; 8] = [
        Topic::Labour,
        Topic::Language,
        Topic::Education,
        Topic::Housing,
        Topic::Health,
        Topic::Participation,
        Topic::Children,
        Topic::Other,
    ];
    /// Column name in `activity`.
    pub fn column(self) -> &'static str {
        match self {
            Topic::Labour => "talks_labour",
            Topic::Language => "talks_language",
            Topic::Education => "talks_education",
            Topic::Housing => "talks_housing",
            Topic::Health => "talks_health",
            Topic::Participation => "talks_participation",
            Topic::Children => "talks_children",
            Topic::Other => "talks_other",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Topic::Labour => "Labour market",
            Topic::Language => "Language",
            Topic::Education => "Education",
            Topic::Housing => "Housing",
            Topic::Health => "Health",
            Topic::Participation => "Participation",
            Topic::Children => "Children",
            Topic::Other => "Other",
        }
    }
}

/// One IM working day of key figures, after the reading rules (exact duplicates dropped,
/// impossible dates left out).
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityDay {
    pub manager_id: String,
    pub alliance_id: String,
    pub municipality_id: String,
    pub date: NaiveDate,
    /// Talks per topic, indexed like `Topic::ALL`.
    pub talks: [i64; 8],
    pub talks_office: Option<i64>,
    pub talks_onsite: Option<i64>,
    pub talks_accompanying: Option<i64>,
    /// Another row has the same IM and date with different counts (kept, flagged).
    pub conflicting: bool,
}

/// One response of the IM survey (Nov 2019).
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyResponse {
    pub response_id: String,
    pub municipality_id: String,
    /// 1 very rarely, 2 rarely, 3 often, 4 very often.
    pub plan_a_use: Option<u8>,
    pub plan_b_use: Option<u8>,
    pub clients: Option<i64>,
    pub hours_open_office: Option<f64>,
    pub hours_appointments: Option<f64>,
    pub hours_outreach: Option<f64>,
    pub hours_documentation: Option<f64>,
}

/// What the reading rules did to `activity` (reported by `check`, shown on the Overview).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityCleaning {
    pub rows_read: usize,
    pub exact_duplicates_dropped: usize,
    pub conflicting_rows: usize,
    pub impossible_dates: usize,
}

/// Where a table came from and how many data rows it had.
#[derive(Debug, Clone, PartialEq)]
pub struct TableSource {
    pub file: std::path::PathBuf,
    pub rows: usize,
}
