//! Start of integration management: municipality start months (Abb. 4) and district start
//! dates with the early/late split (report 5, comparison 2).

use crate::core::bundle::{Bundle, Rules};
use crate::core::period::Month;
use chrono::NaiveDate;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct DistrictStart {
    pub district_id: String,
    pub name: String,
    pub region: Option<String>,
    /// First day on which at least `start_share` of the district's grants had started.
    pub start: NaiveDate,
    /// Start on or before `early_cutoff`.
    pub early: bool,
    /// Grants issued by `grants_issued_by` (the set G of the rule).
    pub grants: usize,
}

/// Start month per municipality (same rule as districts, per municipality).
pub fn municipality_start_months(bundle: &Bundle, rules: &Rules) -> BTreeMap<String, Month> {
    let _ = (bundle, rules);
    unimplemented!("municipality_start_months")
}

/// Start date per district with at least one grant in G, ordered by start date.
pub fn district_starts(bundle: &Bundle, rules: &Rules) -> Vec<DistrictStart> {
    let _ = (bundle, rules);
    unimplemented!("district_starts")
}
