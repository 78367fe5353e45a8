//! The estimates behind the Estimate and Overview pages, fetched from `core` and kept
//! read-only for drawing (the other pages' models are `core::view`'s, cached in `app`).
//! Nothing here computes a statistic; it calls core and keeps results.

use crate::core::bundle::Bundle;
pub use crate::core::choices::Choices;
use crate::core::derive::{self, ControlSelection, DeriveError, Panel, PanelSpec, check_supported};
use crate::core::estimate::{DidEstimate, estimate_did};
pub use crate::core::view::AnalysisError;

/// The two panels a comparison needs before any control is switched: with every declared
/// control and with none. Built once per comparison, outcome, level and cutoff.
#[derive(Debug)]
pub struct PanelPair {
    pub without_controls: Result<Panel, DeriveError>,
    pub all_controls: Result<Panel, DeriveError>,
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
    /// otherwise core builds it. `tests/tui/tui_update.rs` checks this against core.
    pub fn panel(
        &self,
        bundle: &Bundle,
        choices: &Choices,
        selection: ControlSelection,
    ) -> Result<Panel, DeriveError> {
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
) -> Result<Panel, DeriveError> {
    check_supported(choices.outcome, choices.comparison, choices.level)?;
    let spec = PanelSpec {
        controls,
        ..choices.spec(bundle)
    };
    derive::panel(bundle, &spec)
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
    pub without_controls: Result<(Panel, DidEstimate), AnalysisError>,
    pub with_controls: Result<(Panel, DidEstimate), AnalysisError>,
}

impl Analysis {
    /// Estimates both columns from the comparison's panels; every failure becomes the
    /// message core gives.
    pub fn compute(bundle: &Bundle, choices: &Choices, panels: &PanelPair) -> Analysis {
        let run = |controls: ControlSelection| -> Result<(Panel, DidEstimate), AnalysisError> {
            let panel = panels.panel(bundle, choices, controls)?;
            let estimate = estimate_did(&panel, choices.options())?;
            Ok((panel, estimate))
        };
        let selection = choices.control_selection(bundle);
        let none_left = selection == ControlSelection::None;
        Analysis {
            without_controls: run(ControlSelection::None),
            with_controls: if none_left {
                Err(AnalysisError::NoControls)
            } else {
                run(selection)
            },
        }
    }
}
