//! Start of integration management: municipality start months (Abb. 4) and district start
//! dates with the early/late split (report 5, comparison 2).

use super::municipality_districts;
use crate::core::bundle::{Bundle, Rules};
use crate::core::period::Month;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// A district's start date and whether it started early.
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

/// First day d on which at least `share` × |G| of the start days are ≤ d
/// (bundle-format.md, "District start date"); `None` for an empty G or a share above 1.
pub fn start_day(mut starts: Vec<NaiveDate>, share: f64) -> Option<NaiveDate> {
    if starts.is_empty() {
        return None;
    }
    starts.sort();
    // #{start ≤ d} first reaches j at the j-th earliest start, so the answer is the
    // ceil(share × |G|)-th start. The tolerance keeps 0.3 × 10 from becoming 4.
    let needed = (share * starts.len() as f64 - 1e-9).ceil().max(1.0) as usize;
    starts.get(needed - 1).copied()
}

/// The grants of G (issued on or before `grants_issued_by`) grouped by `key`.
fn starts_by<'a>(
    bundle: &'a Bundle,
    rules: &Rules,
    key: impl Fn(&'a str) -> Option<&'a str>,
) -> HashMap<&'a str, Vec<NaiveDate>> {
    let mut by: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for g in bundle
        .grants
        .iter()
        .filter(|g| g.issued <= rules.grants_issued_by)
    {
        if let Some(k) = key(g.municipality_id.as_str()) {
            by.entry(k).or_default().push(g.start);
        }
    }
    by
}

/// Start month per municipality (same rule as districts, per municipality).
pub fn municipality_start_months(bundle: &Bundle, rules: &Rules) -> BTreeMap<String, Month> {
    let known: std::collections::HashSet<&str> = bundle
        .municipalities
        .iter()
        .map(|m| m.municipality_id.as_str())
        .collect();
    starts_by(bundle, rules, |m| known.contains(m).then_some(m))
        .into_iter()
        .filter_map(|(m, starts)| {
            Some((
                m.to_string(),
                Month::of_date(start_day(starts, rules.start_share)?),
            ))
        })
        .collect()
}

/// Start date per district with at least one grant in G, ordered by start date.
pub fn district_starts(bundle: &Bundle, rules: &Rules) -> Vec<DistrictStart> {
    let district_of = municipality_districts(bundle);
    let by_district = starts_by(bundle, rules, |m| district_of.get(m).copied());
    let mut starts: Vec<DistrictStart> = bundle
        .districts
        .iter()
        .filter_map(|d| {
            let grants = by_district.get(d.district_id.as_str())?;
            let start = start_day(grants.clone(), rules.start_share)?;
            Some(DistrictStart {
                district_id: d.district_id.clone(),
                name: d.name.clone(),
                region: d.region.clone(),
                start,
                early: start <= rules.early_cutoff,
                grants: grants.len(),
            })
        })
        .collect();
    starts.sort_by(|a, b| (a.start, &a.district_id).cmp(&(b.start, &b.district_id)));
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::core::period::parse_date(s).unwrap()
    }

    #[test]
    fn half_of_an_even_count_is_reached_at_the_middle_start() {
        // Four grants, share 0.5: 2 must have started; the 2nd earliest start is the day.
        let starts = vec![
            day("2018-03-01"),
            day("2018-01-01"),
            day("2018-05-01"),
            day("2018-02-01"),
        ];
        assert_eq!(start_day(starts, 0.5), Some(day("2018-02-01")));
        // Three grants: 1.5 rounds up to 2.
        let starts = vec![day("2018-03-01"), day("2018-01-01"), day("2018-05-01")];
        assert_eq!(start_day(starts, 0.5), Some(day("2018-03-01")));
        assert_eq!(start_day(vec![], 0.5), None);
        assert_eq!(start_day(vec![day("2018-01-01")], 1.5), None);
    }

    #[test]
    fn float_products_do_not_round_up_past_an_exact_count() {
        let starts: Vec<NaiveDate> = (1..=10).map(|d| day(&format!("2018-01-{d:02}"))).collect();
        assert_eq!(start_day(starts, 0.3), Some(day("2018-01-03")));
    }
}
