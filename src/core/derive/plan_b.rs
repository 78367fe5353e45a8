//! Share of IMs using plan B often or very often (report 5, comparison 4).

use super::{Exclusion, Measures, UnitMeasure, municipality_districts, treated_state_districts};
use crate::core::bundle::{Bundle, Level};
use std::collections::HashMap;

/// Answers 3 (often) and 4 (very often) count as frequent use (report Abb. 25).
const OFTEN: u8 = 3;

/// Plan-B share (0–1) per district or municipality; units without an answer are excluded.
pub fn plan_b_shares(bundle: &Bundle, level: Level) -> Measures {
    let district_of = municipality_districts(bundle);
    // (answers, frequent answers) per unit; responses without a plan-B answer do not count.
    let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
    for r in &bundle.manager_survey {
        let Some(answer) = r.plan_b_use else { continue };
        let unit = match level {
            Level::Municipality => Some(r.municipality_id.as_str()),
            Level::District => district_of.get(r.municipality_id.as_str()).copied(),
        };
        if let Some(unit) = unit {
            let c = counts.entry(unit).or_insert((0, 0));
            c.0 += 1;
            c.1 += usize::from(answer >= OFTEN);
        }
    }
    let units: Vec<(&str, &str)> = match level {
        Level::District => treated_state_districts(bundle)
            .map(|d| (d.district_id.as_str(), d.name.as_str()))
            .collect(),
        Level::Municipality => bundle
            .municipalities
            .iter()
            .map(|m| (m.municipality_id.as_str(), m.name.as_str()))
            .collect(),
    };
    let mut out = Measures::default();
    for (id, name) in units {
        match counts.get(id) {
            Some(&(answered, often)) => out.values.push(UnitMeasure {
                unit_id: id.to_string(),
                name: name.to_string(),
                value: often as f64 / answered as f64,
            }),
            None => out.excluded.push(Exclusion {
                unit: id.to_string(),
                reason: "no manager-survey response answered plan_b_use".into(),
            }),
        }
    }
    out
}
