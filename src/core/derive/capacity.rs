//! Change in counselling capacity (report 5, comparison 3).

use super::housing::district_target_persons;
use super::{Exclusion, Measures, UnitMeasure, treated_state_districts};
use crate::core::bundle::{
    Bundle, CapacityDenominator, CapacityExclude, MunicipalCapacity, Staffing,
};
use std::collections::HashMap;

/// The staffing rows by municipality; the first row counts for a duplicated key.
fn staffing_rows(bundle: &Bundle) -> HashMap<&str, &Staffing> {
    let mut rows = HashMap::new();
    for s in &bundle.staffing {
        rows.entry(s.municipality_id.as_str()).or_insert(s);
    }
    rows
}

/// Target persons at the housing base wave per municipality that reports them.
fn municipal_target_persons(bundle: &Bundle) -> HashMap<&str, f64> {
    let base = bundle.manifest.periods.housing_base;
    let mut t = HashMap::new();
    for r in bundle.target_group.iter().filter(|r| r.wave == base) {
        if let Some(n) = r.target_persons {
            t.entry(r.municipality_id.as_str()).or_insert(n as f64);
        }
    }
    t
}

/// FTE change per 100 target persons, per district, by the bundle's `[rules]`
/// (`capacity_exclude`, `capacity_denominator`; docs/bundle-format.md, "Method readings").
pub fn district_capacity_change(bundle: &Bundle) -> Measures {
    let rules = &bundle.manifest.rules;
    let staffing = staffing_rows(bundle);
    let target_persons = district_target_persons(bundle);
    let municipal_targets = municipal_target_persons(bundle);
    let base = bundle.manifest.periods.housing_base;
    let mut out = Measures::default();
    for d in treated_state_districts(bundle) {
        let funded: Vec<_> = bundle
            .municipalities
            .iter()
            .filter(|m| m.funded && m.district_id == d.district_id)
            .collect();
        let mut change = 0.0;
        // Target persons of the municipalities whose change is summed (`same_municipalities`).
        let mut same_targets = 0.0;
        let mut lacking: Vec<&str> = Vec::new();
        for m in &funded {
            match staffing.get(m.municipality_id.as_str()) {
                Some(Staffing {
                    fte_before: Some(before),
                    fte_after,
                    ..
                }) => {
                    // Municipalities that report both count; a missing `fte_after` alone does
                    // not exclude the district (bundle-format.md, "Capacity change").
                    if let Some(after) = fte_after {
                        change += after - before;
                        same_targets += municipal_targets
                            .get(m.municipality_id.as_str())
                            .copied()
                            .unwrap_or(0.0);
                    }
                }
                _ => lacking.push(&m.municipality_id),
            }
        }
        let excluded = |reason: String| Exclusion {
            unit: d.district_id.clone(),
            reason,
        };
        let exclude = match rules.capacity_exclude {
            CapacityExclude::AnyMissing => !lacking.is_empty(),
            CapacityExclude::AllMissing => lacking.len() == funded.len(),
        };
        if exclude {
            out.excluded.push(excluded(format!(
                "no staff count before IM (fte_before) for funded municipality {}",
                lacking.join(", ")
            )));
            continue;
        }
        let denominator = match rules.capacity_denominator {
            CapacityDenominator::AllMunicipalities => target_persons.get(&d.district_id).copied(),
            CapacityDenominator::SameMunicipalities => Some(same_targets),
        };
        match denominator.filter(|t| *t > 0.0) {
            Some(t) => out.values.push(UnitMeasure {
                unit_id: d.district_id.clone(),
                name: d.name.clone(),
                value: change / (t / 100.0),
            }),
            None => out
                .excluded
                .push(excluded(format!("no target persons reported for {base}"))),
        }
    }
    out
}

/// The municipality-level capacity measure of comparison 3 by the bundle's
/// `municipal_capacity` rule: the FTE change, or the change per 100 target persons at the
/// housing base wave (a municipality without them is excluded).
pub fn municipality_capacity_change(bundle: &Bundle) -> Measures {
    let fte = municipality_fte_change(bundle);
    match bundle.manifest.rules.municipal_capacity {
        MunicipalCapacity::Fte => fte,
        MunicipalCapacity::Per100TargetPersons => {
            let targets = municipal_target_persons(bundle);
            let base = bundle.manifest.periods.housing_base;
            let mut out = Measures {
                values: Vec::new(),
                excluded: fte.excluded,
            };
            for v in fte.values {
                match targets
                    .get(v.unit_id.as_str())
                    .copied()
                    .filter(|t| *t > 0.0)
                {
                    Some(t) => out.values.push(UnitMeasure {
                        value: v.value / (t / 100.0),
                        ..v
                    }),
                    None => out.excluded.push(Exclusion {
                        unit: v.unit_id,
                        reason: format!("no target persons reported for {base}"),
                    }),
                }
            }
            out
        }
    }
}

/// `fte_after − fte_before` per funded municipality reporting both.
pub fn municipality_fte_change(bundle: &Bundle) -> Measures {
    let staffing = staffing_rows(bundle);
    let mut out = Measures::default();
    for m in &bundle.municipalities {
        let reason = if !m.funded {
            "not funded, so not in the staffing survey".to_string()
        } else {
            match staffing.get(m.municipality_id.as_str()) {
                None => "no staffing row".to_string(),
                Some(Staffing {
                    fte_before: Some(before),
                    fte_after: Some(after),
                    ..
                }) => {
                    out.values.push(UnitMeasure {
                        unit_id: m.municipality_id.clone(),
                        name: m.name.clone(),
                        value: after - before,
                    });
                    continue;
                }
                Some(Staffing {
                    fte_before: None, ..
                }) => "fte_before missing".to_string(),
                Some(_) => "fte_after missing".to_string(),
            }
        };
        out.excluded.push(Exclusion {
            unit: m.municipality_id.clone(),
            reason,
        });
    }
    out
}
