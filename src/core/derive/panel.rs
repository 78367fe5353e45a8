//! The analysis panel of one comparison: one row per unit used, plus the units excluded.

use super::employment::{Employed, employment_outcomes};
use super::housing::{district_housing, municipality_housing};
use super::start::district_starts;
use super::{
    ClusterBy, Comparison, ControlSelection, DeriveError, Measures, Outcome, PanelSpec,
    TREATED_STATE, capacity, check_supported, median, organisation, plan_b, topics,
};
use crate::core::bundle::{Bundle, ControlSpec, Level, Rules, Table, Topic};
use serde::Serialize;
use std::collections::BTreeMap;

/// One unit (district or municipality) in the regression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelRow {
    pub unit_id: String,
    pub name: String,
    pub treated: bool,
    /// The value split at the median (capacity change, plan-B share, talk share); `None` for
    /// comparisons without a median split.
    pub measure: Option<f64>,
    pub outcome_base: f64,
    pub outcome_end: f64,
    /// Estimation weight (HHL persons at base; target persons at the housing base wave).
    pub weight: f64,
    /// Values of `Panel::control_names`, in that order.
    pub controls: Vec<f64>,
    /// The unit's state or government region (`Panel::cluster_by`), if the districts table
    /// gives one: the cluster of CR1 standard errors and the wild bootstrap.
    pub cluster: Option<String>,
}

impl PanelRow {
    /// Outcome at end − outcome at base: the dependent variable of equation 1.
    pub fn outcome_change(&self) -> f64 {
        self.outcome_end - self.outcome_base
    }
}

/// A unit left out of the comparison, with the reason in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exclusion {
    pub unit: String,
    pub reason: String,
}

/// The regression data of one comparison, with the units excluded and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub spec: PanelSpec,
    pub rows: Vec<PanelRow>,
    /// Column names of the selected controls.
    pub control_names: Vec<String>,
    /// Labels of the selected controls, for people.
    pub control_labels: Vec<String>,
    /// Unweighted median of the measure over all units of the comparison that have it.
    pub median: Option<f64>,
    pub excluded: Vec<Exclusion>,
    /// What `PanelRow::cluster` holds.
    pub cluster_by: ClusterBy,
}

/// A unit's group in a comparison, decided before any outcome is looked at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Assignment {
    pub treated: bool,
    /// The value split at the median, for median-split comparisons.
    pub measure: Option<f64>,
}

/// The units of a comparison and their groups (bundle-format.md, "Units" and "Median splits").
#[derive(Debug, Clone, PartialEq)]
pub struct Groups {
    /// Every unit of the comparison, `(id, name)`, sorted by id.
    pub units: Vec<(String, String)>,
    /// The units with a group.
    pub assigned: BTreeMap<String, Assignment>,
    /// Median of the measure over all units that have it (median-split comparisons only).
    pub median: Option<f64>,
    /// Units without a group, and why.
    pub excluded: Vec<Exclusion>,
}

/// `MissingTable` naming `needed_for` when `table` could not be read.
pub fn require(bundle: &Bundle, table: Table, needed_for: &str) -> Result<(), DeriveError> {
    if bundle.has(table) {
        Ok(())
    } else {
        Err(DeriveError::MissingTable {
            table,
            needed_for: needed_for.to_string(),
        })
    }
}

/// Fails with the first missing table that the outcome, the comparison or the level needs.
pub fn require_tables(
    bundle: &Bundle,
    outcome: Option<Outcome>,
    comparison: Comparison,
    level: Level,
) -> Result<(), DeriveError> {
    require(bundle, Table::Districts, "every comparison")?;
    if level == Level::Municipality {
        require(bundle, Table::Municipalities, "the municipality level")?;
    }
    match outcome {
        Some(Outcome::Employment | Outcome::EmploymentSv) => {
            require(bundle, Table::Employment, "the employment outcome")?;
            require(bundle, Table::Population, "the employment outcome")?;
        }
        Some(Outcome::Housing) => {
            require(bundle, Table::Municipalities, "the housing outcome")?;
            require(bundle, Table::TargetGroup, "the housing outcome")?;
        }
        None => {}
    }
    let tables: &[Table] = match comparison {
        Comparison::BwVsNeighbours => &[],
        Comparison::EarlyStart => &[Table::Municipalities, Table::Grants],
        Comparison::Capacity => &[Table::Municipalities, Table::Staffing, Table::TargetGroup],
        Comparison::PlanB => &[Table::Municipalities, Table::ManagerSurvey],
        Comparison::LabourTalks | Comparison::HousingTalks => {
            &[Table::Municipalities, Table::Activity]
        }
        Comparison::DistrictOffice => &[Table::Municipalities],
    };
    let needed_for = format!("the {} comparison", comparison.id());
    tables
        .iter()
        .try_for_each(|t| require(bundle, *t, &needed_for))
}

/// The measure a median-split comparison splits, over its units' universe.
fn measures(bundle: &Bundle, comparison: Comparison, level: Level) -> Option<Measures> {
    Some(match comparison {
        Comparison::BwVsNeighbours | Comparison::EarlyStart => return None,
        Comparison::Capacity if level == Level::Municipality => {
            capacity::municipality_capacity_change(bundle)
        }
        Comparison::Capacity => capacity::district_capacity_change(bundle),
        Comparison::PlanB => plan_b::plan_b_shares(bundle, level),
        Comparison::LabourTalks => topics::district_topic_shares(bundle, Topic::Labour),
        Comparison::HousingTalks => topics::district_topic_shares(bundle, Topic::Housing),
        Comparison::DistrictOffice => organisation::district_office_shares(bundle),
    })
}

/// Units and groups of `comparison` at `level` under `rules`; needs only the tables the
/// comparison itself reads.
pub fn assign_groups(
    bundle: &Bundle,
    comparison: Comparison,
    level: Level,
    rules: &Rules,
) -> Result<Groups, DeriveError> {
    require_tables(bundle, None, comparison, level)?;
    let mut units: Vec<(String, String)> = match (comparison, level) {
        (Comparison::BwVsNeighbours, _) => bundle
            .districts
            .iter()
            .map(|d| (d.district_id.clone(), d.name.clone()))
            .collect(),
        (_, Level::District) => bundle
            .districts
            .iter()
            .filter(|d| d.state == TREATED_STATE)
            .map(|d| (d.district_id.clone(), d.name.clone()))
            .collect(),
        (_, Level::Municipality) => bundle
            .municipalities
            .iter()
            .map(|m| (m.municipality_id.clone(), m.name.clone()))
            .collect(),
    };
    units.sort();
    units.dedup_by(|a, b| a.0 == b.0);
    let mut assigned = BTreeMap::new();
    let mut excluded = Vec::new();
    let mut median_value = None;
    match comparison {
        Comparison::BwVsNeighbours => {
            let state: BTreeMap<&str, &str> = bundle
                .districts
                .iter()
                .map(|d| (d.district_id.as_str(), d.state.as_str()))
                .collect();
            for (id, _) in &units {
                let treated = state.get(id.as_str()) == Some(&TREATED_STATE);
                assigned.insert(
                    id.clone(),
                    Assignment {
                        treated,
                        measure: None,
                    },
                );
            }
        }
        Comparison::EarlyStart => {
            let starts: BTreeMap<String, bool> = district_starts(bundle, rules)
                .into_iter()
                .map(|s| (s.district_id, s.early))
                .collect();
            for (id, _) in &units {
                match starts.get(id) {
                    Some(&early) => {
                        assigned.insert(
                            id.clone(),
                            Assignment {
                                treated: early,
                                measure: None,
                            },
                        );
                    }
                    None => excluded.push(Exclusion {
                        unit: id.clone(),
                        reason: format!(
                            "no start date: no grant issued on or before {}",
                            rules.grants_issued_by
                        ),
                    }),
                }
            }
        }
        // No median split of a 0/1 indicator (its median is 0 or 1, leaving a group empty):
        // the municipality's own organisation decides its group.
        Comparison::DistrictOffice if level == Level::Municipality => {
            let (via, reasons) = organisation::municipality_via_district_office(bundle);
            let via: BTreeMap<String, bool> = via.into_iter().collect();
            let reasons: BTreeMap<String, String> =
                reasons.into_iter().map(|e| (e.unit, e.reason)).collect();
            for (id, _) in &units {
                match via.get(id) {
                    Some(&treated) => {
                        assigned.insert(
                            id.clone(),
                            Assignment {
                                treated,
                                measure: None,
                            },
                        );
                    }
                    None => excluded.push(Exclusion {
                        unit: id.clone(),
                        reason: reasons
                            .get(id)
                            .cloned()
                            .unwrap_or_else(|| "no organisation of IM".into()),
                    }),
                }
            }
        }
        _ => {
            let m = measures(bundle, comparison, level).unwrap_or_default();
            let values: BTreeMap<&str, f64> = m
                .values
                .iter()
                .map(|v| (v.unit_id.as_str(), v.value))
                .collect();
            let reasons: BTreeMap<&str, &str> = m
                .excluded
                .iter()
                .map(|e| (e.unit.as_str(), e.reason.as_str()))
                .collect();
            // Median over all units of the comparison that have the measure, before any unit
            // is dropped for a missing outcome (bundle-format.md, "Median splits").
            let in_comparison: Vec<f64> = units
                .iter()
                .filter_map(|(id, _)| values.get(id.as_str()).copied())
                .collect();
            median_value = median(&in_comparison);
            for (id, _) in &units {
                match (values.get(id.as_str()), median_value) {
                    (Some(&v), Some(med)) => {
                        assigned.insert(
                            id.clone(),
                            Assignment {
                                treated: v > med,
                                measure: Some(v),
                            },
                        );
                    }
                    _ => excluded.push(Exclusion {
                        unit: id.clone(),
                        reason: reasons
                            .get(id.as_str())
                            .map(|r| r.to_string())
                            .unwrap_or_else(|| {
                                format!("no value for the {} comparison", comparison.id())
                            }),
                    }),
                }
            }
        }
    }
    Ok(Groups {
        units,
        assigned,
        median: median_value,
        excluded,
    })
}

/// The controls `selection` names for `outcome` at `level`, as declared in the manifest.
pub fn select_controls<'a>(
    declared: &'a [ControlSpec],
    selection: &ControlSelection,
    outcome: Outcome,
    level: Level,
) -> Result<Vec<&'a ControlSpec>, DeriveError> {
    match selection {
        ControlSelection::None => Ok(Vec::new()),
        ControlSelection::All => Ok(declared
            .iter()
            .filter(|c| c.level == level && c.outcomes.contains(&outcome.family()))
            .collect()),
        ControlSelection::Named(names) => names
            .iter()
            .map(|n| {
                declared
                    .iter()
                    .find(|c| &c.column == n && c.level == level)
                    .ok_or_else(|| DeriveError::UnknownControl(n.clone()))
            })
            .collect(),
    }
}

/// Outcome base, end and weight per unit, or why a unit has none.
type Outcomes = BTreeMap<String, Result<(f64, f64, f64), String>>;

fn outcomes(bundle: &Bundle, spec: &PanelSpec) -> Outcomes {
    let periods = &bundle.manifest.periods;
    match Employed::for_outcome(spec.outcome) {
        Some(which) => employment_outcomes(
            bundle,
            which,
            periods.employment_base,
            periods.employment_end,
        )
        .into_iter()
        .map(|(id, o)| {
            let o = o
                .map(|o| (o.base_pct, o.end_pct, o.weight_persons))
                .map_err(|e| e.to_string());
            (id, o)
        })
        .collect(),
        None => {
            let by_unit = match spec.level {
                Level::District => district_housing(bundle, &spec.rules),
                Level::Municipality => municipality_housing(bundle),
            };
            // The reason becomes the exclusion's sentence.
            by_unit
                .into_iter()
                .map(|(id, o)| {
                    let o = o
                        .map(|o| (o.base_pct, o.end_pct, o.weight))
                        .map_err(|e| e.to_string());
                    (id, o)
                })
                .collect()
        }
    }
}

/// Builds the panel for `spec`.
pub fn panel(bundle: &Bundle, spec: &PanelSpec) -> Result<Panel, DeriveError> {
    panel_with(bundle, spec, |_| {
        assign_groups(bundle, spec.comparison, spec.level, &spec.rules)
    })
}

/// Builds the panel for `spec` with the groups `groups` gives at the point where the panel
/// needs them: the robustness checks assign the groups once and share them (a median split
/// by talk shares reads every counselling talk).
pub fn panel_with<G: std::borrow::Borrow<Groups>>(
    bundle: &Bundle,
    spec: &PanelSpec,
    groups: impl FnOnce(&PanelSpec) -> Result<G, DeriveError>,
) -> Result<Panel, DeriveError> {
    check_supported(spec.outcome, spec.comparison, spec.level)?;
    require_tables(bundle, Some(spec.outcome), spec.comparison, spec.level)?;
    let controls = select_controls(
        &bundle.manifest.controls,
        &spec.controls,
        spec.outcome,
        spec.level,
    )?;
    let groups = groups(spec)?;
    let groups = groups.borrow();
    let outcomes = outcomes(bundle, spec);
    let control_values: BTreeMap<&str, &BTreeMap<String, Option<f64>>> = match spec.level {
        Level::District => bundle
            .districts
            .iter()
            .map(|d| (d.district_id.as_str(), &d.controls))
            .collect(),
        Level::Municipality => bundle
            .municipalities
            .iter()
            .map(|m| (m.municipality_id.as_str(), &m.controls))
            .collect(),
    };
    let cluster_by = spec.comparison.cluster_by();
    let cluster_of_district: BTreeMap<&str, Option<&str>> = bundle
        .districts
        .iter()
        .map(|d| {
            let label = match cluster_by {
                ClusterBy::State => Some(d.state.as_str()),
                ClusterBy::Region => d.region.as_deref(),
            };
            (
                d.district_id.as_str(),
                label.filter(|l| !l.trim().is_empty()),
            )
        })
        .collect();
    let district_of: BTreeMap<&str, &str> = match spec.level {
        Level::District => BTreeMap::new(),
        Level::Municipality => bundle
            .municipalities
            .iter()
            .map(|m| (m.municipality_id.as_str(), m.district_id.as_str()))
            .collect(),
    };
    let cluster = |unit: &str| {
        let district = match spec.level {
            Level::District => Some(unit),
            Level::Municipality => district_of.get(unit).copied(),
        };
        district
            .and_then(|d| cluster_of_district.get(d).copied().flatten())
            .map(str::to_string)
    };
    let mut rows = Vec::new();
    let mut excluded = groups.excluded.clone();
    for (id, name) in &groups.units {
        let Some(assignment) = groups.assigned.get(id) else {
            continue;
        };
        let mut reasons: Vec<String> = Vec::new();
        let outcome = match outcomes.get(id) {
            Some(Ok(o)) => Some(*o),
            Some(Err(reason)) => {
                reasons.push(reason.clone());
                None
            }
            None => {
                reasons.push(format!("no {} outcome", spec.outcome.id()));
                None
            }
        };
        let mut values = Vec::with_capacity(controls.len());
        for c in &controls {
            match control_values
                .get(id.as_str())
                .and_then(|cs| cs.get(&c.column))
                .copied()
                .flatten()
            {
                Some(v) if v.is_finite() => values.push(v),
                _ => reasons.push(format!("missing control {}", c.column)),
            }
        }
        match outcome {
            Some((base, end, weight)) if reasons.is_empty() => rows.push(PanelRow {
                unit_id: id.clone(),
                name: name.clone(),
                treated: assignment.treated,
                measure: assignment.measure,
                outcome_base: base,
                outcome_end: end,
                weight,
                controls: values,
                cluster: cluster(id),
            }),
            _ => excluded.push(Exclusion {
                unit: id.clone(),
                reason: reasons.join("; "),
            }),
        }
    }
    excluded.sort_by(|a, b| a.unit.cmp(&b.unit));
    if rows.is_empty() {
        return Err(DeriveError::Empty(format!(
            "all {} units of the {} comparison were excluded",
            groups.units.len(),
            spec.comparison.id()
        )));
    }
    Ok(Panel {
        spec: spec.clone(),
        rows,
        control_names: controls.iter().map(|c| c.column.clone()).collect(),
        control_labels: controls
            .iter()
            .map(|c| c.display_label().to_string())
            .collect(),
        median: groups.median,
        excluded,
        cluster_by,
    })
}
