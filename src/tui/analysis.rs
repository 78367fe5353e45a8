//! What the pages show, fetched from `core` and kept read-only for drawing: results that
//! depend on the user's choices (`Analysis`, `StartTimes`) and those that depend only on the
//! bundle (`BundleFacts`). Nothing here computes a statistic; it calls core and keeps results.

use crate::core::bundle::{Bundle, ControlSpec, Level, Rules, Topic};
use crate::core::derive::staffing::{self, Bin, CapacitySplit, StaffingTable};
use crate::core::derive::start::{self, DistrictStart};
use crate::core::derive::{
    self, Comparison, ControlSelection, Outcome, Panel, PanelSpec, Trends, check_supported, topics,
};
use crate::core::estimate::{DidEstimate, EstimateOptions, VarianceType, estimate_did};
use crate::core::period::Month;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Everything the user chose that decides an estimate; its hash is the cache key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Choices {
    pub comparison: Comparison,
    pub outcome: Outcome,
    pub level: Level,
    /// Declared controls switched off, by column name.
    pub disabled_controls: BTreeSet<String>,
    pub variance: VarianceType,
    pub weighted: bool,
    pub cutoff: NaiveDate,
}

impl Choices {
    /// The manifest's controls for this outcome and level (bundle-format.md, "Controls all").
    pub fn available_controls<'a>(&self, bundle: &'a Bundle) -> Vec<&'a ControlSpec> {
        bundle
            .manifest
            .controls
            .iter()
            .filter(|c| c.level == self.level && c.outcomes.contains(&self.outcome.family()))
            .collect()
    }

    /// The controls that enter column (2), as the CLI's `--controls` would name them
    /// (`none` when every declared control is switched off).
    pub fn control_selection(&self, bundle: &Bundle) -> ControlSelection {
        let available = self.available_controls(bundle);
        if available
            .iter()
            .all(|c| !self.disabled_controls.contains(&c.column))
        {
            return ControlSelection::All;
        }
        if available
            .iter()
            .all(|c| self.disabled_controls.contains(&c.column))
        {
            return ControlSelection::None;
        }
        ControlSelection::Named(
            available
                .into_iter()
                .filter(|c| !self.disabled_controls.contains(&c.column))
                .map(|c| c.column.clone())
                .collect(),
        )
    }

    /// The panel spec of the current choices, with column (2)'s controls.
    pub fn spec(&self, bundle: &Bundle) -> PanelSpec {
        PanelSpec {
            outcome: self.outcome,
            comparison: self.comparison,
            level: self.level,
            controls: self.control_selection(bundle),
            rules: self.rules(bundle),
        }
    }

    /// The bundle's rules with the (possibly moved) early-start cutoff.
    pub fn rules(&self, bundle: &Bundle) -> Rules {
        Rules {
            early_cutoff: self.cutoff,
            ..bundle.manifest.rules.clone()
        }
    }

    pub fn options(&self) -> EstimateOptions {
        EstimateOptions {
            variance: self.variance,
            weighted: self.weighted,
        }
    }
}

/// The two panels a comparison needs before any control is switched: with every declared
/// control and with none. Built once per comparison, outcome, level and cutoff.
#[derive(Debug)]
pub struct PanelPair {
    pub without_controls: Result<Panel, String>,
    pub all_controls: Result<Panel, String>,
}

/// What decides a `PanelPair`: the choices minus controls, variance and weights.
pub fn panel_key(choices: &Choices) -> u64 {
    super::cache::key_of(&(
        choices.comparison,
        choices.outcome,
        choices.level,
        choices.cutoff,
    ))
}

impl PanelPair {
    pub fn compute(bundle: &Bundle, choices: &Choices) -> PanelPair {
        PanelPair {
            without_controls: build_panel(bundle, choices, ControlSelection::None),
            all_controls: build_panel(bundle, choices, ControlSelection::All),
        }
    }

    /// The panel for `selection`. A subset of the controls is the all-controls panel with
    /// fewer columns whenever no unit was dropped for a missing control value (then every
    /// subset keeps exactly the same units, the same median split and the same exclusions);
    /// otherwise core builds it. `tests/tui_update.rs` checks this against core.
    pub fn panel(
        &self,
        bundle: &Bundle,
        choices: &Choices,
        selection: ControlSelection,
    ) -> Result<Panel, String> {
        match &selection {
            ControlSelection::None => return self.without_controls.clone(),
            ControlSelection::All => return self.all_controls.clone(),
            ControlSelection::Named(columns) => {
                if self.subsets_share_units()
                    && let Ok(all) = &self.all_controls
                    && let Some(p) = select_controls(all, columns)
                {
                    return Ok(p);
                }
            }
        }
        build_panel(bundle, choices, selection)
    }
}

impl PanelPair {
    /// Whether no unit was dropped for a missing control value, so that every subset of
    /// the controls is the all-controls panel with fewer columns.
    pub fn subsets_share_units(&self) -> bool {
        matches!((&self.without_controls, &self.all_controls), (Ok(n), Ok(a)) if same_units(n, a))
    }
}

fn build_panel(
    bundle: &Bundle,
    choices: &Choices,
    controls: ControlSelection,
) -> Result<Panel, String> {
    check_supported(choices.outcome, choices.comparison, choices.level)
        .map_err(|e| e.to_string())?;
    let spec = PanelSpec {
        controls,
        ..choices.spec(bundle)
    };
    derive::panel(bundle, &spec).map_err(|e| e.to_string())
}

fn same_units(a: &Panel, b: &Panel) -> bool {
    a.rows.len() == b.rows.len()
        && a.excluded == b.excluded
        && a.rows
            .iter()
            .zip(&b.rows)
            .all(|(x, y)| x.unit_id == y.unit_id)
}

/// `all` restricted to the control `columns`, in their order; `None` if one is not in it.
fn select_controls(all: &Panel, columns: &[String]) -> Option<Panel> {
    let idx: Vec<usize> = columns
        .iter()
        .map(|c| all.control_names.iter().position(|n| n == c))
        .collect::<Option<_>>()?;
    let mut p = all.clone();
    p.spec.controls = ControlSelection::Named(columns.to_vec());
    p.control_names = idx.iter().map(|&i| all.control_names[i].clone()).collect();
    p.control_labels = idx
        .iter()
        .filter_map(|&i| all.control_labels.get(i).cloned())
        .collect();
    for (row, orig) in p.rows.iter_mut().zip(&all.rows) {
        row.controls = idx.iter().map(|&i| orig.controls[i]).collect();
    }
    Some(p)
}

/// A panel and the two regressions of the report's tables: (1) without, (2) with controls.
#[derive(Debug)]
pub struct Analysis {
    pub without_controls: Result<(Panel, DidEstimate), String>,
    pub with_controls: Result<(Panel, DidEstimate), String>,
}

impl Analysis {
    /// Estimates both columns from the comparison's panels; every failure becomes the
    /// message core gives.
    pub fn compute(bundle: &Bundle, choices: &Choices, panels: &PanelPair) -> Analysis {
        let run = |controls: ControlSelection| -> Result<(Panel, DidEstimate), String> {
            let panel = panels.panel(bundle, choices, controls)?;
            let estimate = estimate_did(&panel, choices.options()).map_err(|e| e.to_string())?;
            Ok((panel, estimate))
        };
        let selection = choices.control_selection(bundle);
        let none_left = selection == ControlSelection::None;
        Analysis {
            without_controls: run(ControlSelection::None),
            with_controls: if none_left {
                Err("every control is switched off".into())
            } else {
                run(selection)
            },
        }
    }
}

/// The outcome the trend figures use: employment only (Abb. 41–46), SV-only on request.
pub fn trend_outcome(outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Housing => Outcome::Employment,
        o => o,
    }
}

/// Monthly employment rates of the comparison's two groups (the trends page).
pub fn compute_trends(bundle: &Bundle, choices: &Choices) -> Result<Trends, String> {
    let outcome = trend_outcome(choices.outcome);
    check_supported(outcome, choices.comparison, Level::District).map_err(|e| e.to_string())?;
    let spec = PanelSpec {
        outcome,
        comparison: choices.comparison,
        level: Level::District,
        controls: ControlSelection::None,
        rules: choices.rules(bundle),
    };
    derive::trends(bundle, &spec).map_err(|e| e.to_string())
}

/// District start dates for one cutoff (the start-times page).
pub fn compute_starts(bundle: &Bundle, choices: &Choices) -> Vec<DistrictStart> {
    start::district_starts(bundle, &choices.rules(bundle))
}

/// Quantities that depend on the bundle alone, computed once when it is opened.
#[derive(Debug, Clone)]
pub struct BundleFacts {
    pub municipality_start_months: BTreeMap<String, Month>,
    pub staffing: StaffingTable,
    /// Abb. 6 bins of the FTE change per municipality, and how many municipalities it counts.
    pub fte_change_bins: Vec<Bin>,
    pub fte_change_n: usize,
    /// Abb. 43.
    pub capacity: CapacitySplit,
    /// Abb. 34, indexed like `Topic::ALL`.
    pub topic_totals: [i64; 8],
    /// Abb. 35.
    pub quarterly_topics: Vec<(i32, u32, [f64; 8])>,
    /// District shares of labour-market and housing talks with their median splits.
    pub labour_talks: CapacitySplit,
    pub housing_talks: CapacitySplit,
}

/// Abb. 6 bins: 0.25 FTE wide from −1 to +3 FTE; the outer bins hold everything beyond.
const FTE_BINS: (f64, f64, f64) = (-1.0, 3.0, 0.25);

impl BundleFacts {
    pub fn compute(bundle: &Bundle) -> BundleFacts {
        let rules = &bundle.manifest.rules;
        let fte = staffing::fte_change_per_municipality(bundle);
        let fte_values: Vec<f64> = fte.values.iter().map(|v| v.value).collect();
        BundleFacts {
            municipality_start_months: start::municipality_start_months(bundle, rules),
            staffing: staffing::staffing_table(bundle),
            fte_change_bins: staffing::histogram(&fte_values, FTE_BINS.0, FTE_BINS.1, FTE_BINS.2),
            fte_change_n: fte_values.len(),
            capacity: staffing::district_capacity_split(bundle),
            topic_totals: topics::topic_totals(bundle),
            quarterly_topics: topics::quarterly_topic_shares(bundle),
            labour_talks: staffing::median_split(topics::district_topic_shares(
                bundle,
                Topic::Labour,
            )),
            housing_talks: staffing::median_split(topics::district_topic_shares(
                bundle,
                Topic::Housing,
            )),
        }
    }
}
