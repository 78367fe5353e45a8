//! Everything a user chooses that decides what a page, a check or an export shows: one typed
//! value for the CLI (clap parses straight into its enums), the dashboard, the export and the
//! dashboard's caches (its parts are the cache keys; no hashes of tuples).

use crate::core::bundle::{Bundle, ControlSpec, Level, Rules};
use crate::core::derive::{Comparison, ControlSelection, DeriveError, Outcome, PanelSpec};
use crate::core::estimate::{EstimateOptions, VarianceType};
use crate::core::robust::RobustOptions;
use crate::core::view::Page;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// The user's analysis choices.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Choices {
    pub comparison: Comparison,
    pub outcome: Outcome,
    pub level: Level,
    /// The controls of column (2), as `--controls` names them. A list may name declared
    /// controls of another level (switched off on the Estimate page before the level was
    /// changed); `control_selection` resolves it for the current level.
    pub controls: ControlSelection,
    pub variance: VarianceType,
    pub weighted: bool,
    /// The early-start cutoff (the bundle's `rules.early_cutoff` unless moved).
    pub cutoff: NaiveDate,
    /// Draws, seed, bootstrap weights, placebo months and event-study frequency of the
    /// robustness checks; their weighting is `weighted` (see `robust_options`).
    pub robust: RobustOptions,
}

/// What decides a comparison's panels before any control is switched: the choices minus
/// controls, variance, weights and the checks' options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PanelKey {
    pub comparison: Comparison,
    pub outcome: Outcome,
    pub level: Level,
    pub cutoff: NaiveDate,
}

/// What decides the trend lines: employment trends only (housing shows employment, as the
/// report's Abb. 41–46 do), at district level, without controls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrendKey {
    pub comparison: Comparison,
    pub outcome: Outcome,
    pub cutoff: NaiveDate,
}

impl Choices {
    /// The report's defaults for `bundle`: all declared controls, HC1, weighted, the bundle's
    /// cutoff and the checks' default options.
    pub fn new(bundle: &Bundle, outcome: Outcome, comparison: Comparison) -> Choices {
        Choices {
            comparison,
            outcome,
            level: Level::District,
            controls: ControlSelection::All,
            variance: VarianceType::default(),
            weighted: true,
            cutoff: bundle.manifest.rules.early_cutoff,
            robust: RobustOptions::default(),
        }
    }

    /// Takes the CLI's `--controls`; a name the bundle does not declare at this level is an
    /// error (a declared control of no outcome may be named: `all` never picks it).
    pub fn select_controls(
        &mut self,
        bundle: &Bundle,
        selection: &ControlSelection,
    ) -> Result<(), DeriveError> {
        if let ControlSelection::Named(names) = selection
            && let Some(unknown) = names
                .iter()
                .find(|n| !declared_at(bundle, self.level).any(|c| &c.column == *n))
        {
            return Err(DeriveError::UnknownControl(unknown.clone()));
        }
        self.controls = selection.clone();
        Ok(())
    }

    /// The manifest's controls for this outcome and level (bundle-format.md, "Controls all").
    pub fn available_controls<'a>(&self, bundle: &'a Bundle) -> Vec<&'a ControlSpec> {
        bundle
            .manifest
            .controls
            .iter()
            .filter(|c| c.level == self.level && c.outcomes.contains(&self.outcome.family()))
            .collect()
    }

    /// Whether `column` enters column (2).
    pub fn is_control_on(&self, bundle: &Bundle, column: &str) -> bool {
        match self.control_selection(bundle) {
            ControlSelection::All => self
                .available_controls(bundle)
                .iter()
                .any(|c| c.column == column),
            ControlSelection::None => false,
            ControlSelection::Named(names) => names.iter().any(|n| n == column),
        }
    }

    /// The declared controls of this outcome and level that are switched off (what the
    /// dashboard remembers).
    pub fn disabled_controls(&self, bundle: &Bundle) -> BTreeSet<String> {
        self.available_controls(bundle)
            .into_iter()
            .filter(|c| !self.is_control_on(bundle, &c.column))
            .map(|c| c.column.clone())
            .collect()
    }

    /// Switches off the declared controls of this outcome and level named in `disabled`.
    pub fn disable_controls(&mut self, bundle: &Bundle, disabled: &BTreeSet<String>) {
        let on = self
            .available_controls(bundle)
            .into_iter()
            .filter(|c| !disabled.contains(&c.column))
            .map(|c| c.column.clone())
            .collect();
        self.controls = self.normalised(bundle, on);
    }

    /// Switches a control of this outcome and level on or off (the Estimate page's space).
    pub fn toggle_control(&mut self, bundle: &Bundle, column: &str) {
        let mut disabled = self.disabled_controls(bundle);
        if !disabled.remove(column) {
            disabled.insert(column.to_string());
        }
        self.disable_controls(bundle, &disabled);
    }

    /// `All` when `on` is every available control, `None` when empty, else the list.
    fn normalised(&self, bundle: &Bundle, on: Vec<String>) -> ControlSelection {
        if on.is_empty() {
            ControlSelection::None
        } else if on.len() == self.available_controls(bundle).len() {
            ControlSelection::All
        } else {
            ControlSelection::Named(on)
        }
    }

    /// The controls that enter column (2) at the current level: a list keeps the names
    /// declared at this level; a list with none of them (made at the other level) means every
    /// control of this level; a list naming every available control in order is `All`.
    pub fn control_selection(&self, bundle: &Bundle) -> ControlSelection {
        match &self.controls {
            ControlSelection::Named(names) => {
                let here: Vec<String> = names
                    .iter()
                    .filter(|n| declared_at(bundle, self.level).any(|c| &c.column == *n))
                    .cloned()
                    .collect();
                let available: Vec<String> = self
                    .available_controls(bundle)
                    .iter()
                    .map(|c| c.column.clone())
                    .collect();
                if here.is_empty() || here == available {
                    ControlSelection::All
                } else {
                    ControlSelection::Named(here)
                }
            }
            other => other.clone(),
        }
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

    /// The checks' options, weighted as the estimate is.
    pub fn robust_options(&self) -> RobustOptions {
        RobustOptions {
            weighted: self.weighted,
            ..self.robust.clone()
        }
    }

    pub fn panel_key(&self) -> PanelKey {
        PanelKey {
            comparison: self.comparison,
            outcome: self.outcome,
            level: self.level,
            cutoff: self.cutoff,
        }
    }

    pub fn trend_key(&self) -> TrendKey {
        TrendKey {
            comparison: self.comparison,
            outcome: trend_outcome(self.outcome),
            cutoff: self.cutoff,
        }
    }

    /// The choices that decide the robustness checks: all but the variance type (each check
    /// has its own inference: HC1, district clusters, permutations or the bootstrap).
    pub fn robust_key(&self) -> Choices {
        Choices {
            variance: VarianceType::default(),
            ..self.clone()
        }
    }

    /// Whether the cutoff differs from the bundle's rule (said wherever the choices are shown).
    pub fn cutoff_moved(&self, bundle: &Bundle) -> bool {
        self.cutoff != bundle.manifest.rules.early_cutoff
    }

    /// The choices beside comparison and outcome, each marked where it differs from the
    /// bundle's defaults (`Choices::new`): the Choices panel, the status bar and every export
    /// caption name them, so that a shown number can be reproduced.
    pub fn settings(&self, bundle: &Bundle) -> Vec<Setting> {
        let defaults = Choices::new(bundle, self.outcome, self.comparison);
        let controls = match self.control_selection(bundle) {
            ControlSelection::All => "all".to_string(),
            ControlSelection::None => "none".to_string(),
            ControlSelection::Named(names) => names.join(","),
        };
        vec![
            Setting {
                kind: SettingKind::Level,
                value: self.level.to_string(),
                changed: self.level != defaults.level,
            },
            Setting {
                kind: SettingKind::Controls,
                value: controls,
                changed: self.control_selection(bundle) != ControlSelection::All,
            },
            Setting {
                kind: SettingKind::Se,
                value: self.variance.id().to_string(),
                changed: self.variance != defaults.variance,
            },
            Setting {
                kind: SettingKind::Weights,
                value: if self.weighted {
                    "weighted"
                } else {
                    "unweighted"
                }
                .to_string(),
                changed: self.weighted != defaults.weighted,
            },
            Setting {
                kind: SettingKind::Cutoff,
                value: self.cutoff.to_string(),
                changed: self.cutoff_moved(bundle),
            },
        ]
    }

    /// The choices reset to the bundle's defaults, keeping comparison and outcome (what
    /// the dashboard's reset key does).
    pub fn reset(&self, bundle: &Bundle) -> Choices {
        Choices::new(bundle, self.outcome, self.comparison)
    }

    /// The cutoff held inside the range of the districts' start dates: outside it one group
    /// would be empty and every page would only say so.
    pub fn clamp_cutoff(&self, bundle: &Bundle, cutoff: NaiveDate) -> NaiveDate {
        match start_date_range(bundle) {
            Some((first, last)) => cutoff.clamp(first, last),
            None => cutoff,
        }
    }
}

/// The `wirkung …` command that prints what `page` shows for these choices (the dashboard's
/// `y`): the page's own subcommand where there is one, else `export --format md --out -`.
/// Flags are given where they differ from the subcommand's defaults, and the cutoff whenever
/// the early-start groups depend on it. `check` is the Robustness page's selected check.
pub fn command(
    choices: &Choices,
    bundle: &Bundle,
    bundle_arg: &str,
    page: Page,
    check: Option<&str>,
) -> String {
    let c = choices;
    let mut words: Vec<String> = vec!["wirkung".into()];
    let choice_flags = |words: &mut Vec<String>, level_and_controls: bool| {
        words.extend(["--outcome".into(), c.outcome.id().to_string()]);
        words.extend(["--comparison".into(), c.comparison.id().to_string()]);
        if level_and_controls && c.level != Level::District {
            words.extend(["--level".into(), c.level.to_string()]);
        }
        if level_and_controls {
            match c.control_selection(bundle) {
                ControlSelection::All => {}
                ControlSelection::None => words.extend(["--controls".into(), "none".into()]),
                ControlSelection::Named(names) => {
                    words.extend(["--controls".into(), names.join(",")])
                }
            }
        }
        if c.comparison == Comparison::EarlyStart || c.cutoff_moved(bundle) {
            words.extend(["--cutoff".into(), c.cutoff.to_string()]);
        }
    };
    let se_and_weights = |words: &mut Vec<String>, se: bool| {
        if se && c.variance != VarianceType::default() {
            words.extend(["--se".into(), c.variance.id().to_string()]);
        }
        if !c.weighted {
            words.push("--unweighted".into());
        }
    };
    match (page, check) {
        (Page::Estimate, _) => {
            words.extend(["estimate".into(), shell_word(bundle_arg)]);
            choice_flags(&mut words, true);
            se_and_weights(&mut words, true);
        }
        (Page::Trends, _) => {
            words.extend(["trends".into(), shell_word(bundle_arg)]);
            choice_flags(&mut words, false);
        }
        (Page::Robustness, Some(check)) => {
            words.extend(["robustness".into(), shell_word(bundle_arg)]);
            words.extend(["--check".into(), check.to_string()]);
            choice_flags(&mut words, true);
            se_and_weights(&mut words, false);
        }
        (page, _) => {
            words.extend(["export".into(), shell_word(bundle_arg)]);
            words.extend(["--page".into(), page.id().to_string()]);
            choice_flags(&mut words, true);
            se_and_weights(&mut words, true);
            words.extend(["--format", "md", "--out", "-"].map(String::from));
        }
    }
    words.join(" ")
}

/// A word for a POSIX shell: as it is when it holds only safe characters, else in single
/// quotes.
fn shell_word(s: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c);
    if !s.is_empty() && s.chars().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Which choice a [`Setting`] is; shown as its `--flag` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum_macros::Display, strum_macros::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum SettingKind {
    Level,
    Controls,
    Se,
    Weights,
    Cutoff,
}

/// One choice as it is shown: its `--flag` name, its value, and whether it differs from the
/// bundle's default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub kind: SettingKind,
    pub value: String,
    pub changed: bool,
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.value)?;
        if self.changed {
            write!(f, " (changed)")?;
        }
        Ok(())
    }
}

/// The cutoffs that leave both early-start groups non-empty: from the first district start
/// (early: start ≤ cutoff) to the day before the last one; `None` when fewer than two
/// distinct start dates exist.
pub fn start_date_range(bundle: &Bundle) -> Option<(NaiveDate, NaiveDate)> {
    let starts = crate::core::derive::start::district_starts(bundle, &bundle.manifest.rules);
    let first = starts.iter().map(|s| s.start).min()?;
    let last = starts.iter().map(|s| s.start).max()?.pred_opt()?;
    (first <= last).then_some((first, last))
}

/// The controls the manifest declares at `level`, for any outcome.
fn declared_at(bundle: &Bundle, level: Level) -> impl Iterator<Item = &ControlSpec> {
    bundle
        .manifest
        .controls
        .iter()
        .filter(move |c| c.level == level)
}

/// The outcome the trend figures use: employment only (Abb. 41–46), SV-only on request.
pub fn trend_outcome(outcome: Outcome) -> Outcome {
    match outcome {
        Outcome::Housing => Outcome::Employment,
        o => o,
    }
}
