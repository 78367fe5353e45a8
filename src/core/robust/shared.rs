//! What several checks derive alike from one set of choices: the comparison's panel, its
//! district groups and the event study of the pre-trend checks. A suite derives each once
//! and every check reads it; a check run alone derives what it needs on first use.

use super::cohort_panel::{CohortPanel, cohort_panel};
use super::event_study::{EventStudy, event_study_in};
use super::imputation::{Imputation, ImputationVariance, imputations_of};
use super::{RobustError, RobustOptions};
use crate::core::bundle::{Bundle, Level};
use crate::core::derive::panel::{Groups, assign_groups, panel_with};
use crate::core::derive::{DeriveError, Panel, PanelSpec};
use std::sync::OnceLock;

/// The inputs of the checks for one set of choices, each derived at most once.
pub struct SharedInputs<'a> {
    pub bundle: &'a Bundle,
    pub spec: &'a PanelSpec,
    pub options: &'a RobustOptions,
    /// Groups at the district level: the event studies' units, and the panel's at that
    /// level. A median split by talk shares reads every counselling talk to assign them.
    district_groups: OnceLock<Result<Groups, DeriveError>>,
    panel: OnceLock<Result<Panel, DeriveError>>,
    /// The event study at the pre-trend frequency, with its clustered covariance: the
    /// pre-trend power and HonestDiD both start from it.
    pretrend_event_study: OnceLock<Result<EventStudy, RobustError>>,
    /// The staggered-start panel of the event-time estimators, and the imputation fit with
    /// both its variances (the imputation and two-stage checks share one first stage).
    cohort_panel: OnceLock<Result<CohortPanel, RobustError>>,
    imputations: OnceLock<Result<(Imputation, Imputation), RobustError>>,
}

impl<'a> SharedInputs<'a> {
    /// Nothing derived yet.
    pub fn new(bundle: &'a Bundle, spec: &'a PanelSpec, options: &'a RobustOptions) -> Self {
        SharedInputs {
            bundle,
            spec,
            options,
            district_groups: OnceLock::new(),
            panel: OnceLock::new(),
            pretrend_event_study: OnceLock::new(),
            cohort_panel: OnceLock::new(),
            imputations: OnceLock::new(),
        }
    }

    /// Derives every input now, the panel and the pre-trend event study side by side, so
    /// that checks running in parallel afterwards only read them. (Deriving on first use
    /// inside the thread pool could block a worker on an input another worker derives,
    /// and a blocked worker may steal the very check that waits for it.)
    pub fn prepare(&self) {
        // Both the panel and the event study need the groups: assigned first, once.
        let _ = self.district_groups();
        rayon::join(
            || {
                let _ = self.panel();
            },
            || {
                rayon::join(
                    || {
                        let _ = self.pretrend_event_study();
                    },
                    || {
                        let _ = self.imputations();
                    },
                )
            },
        );
    }

    /// The comparison's groups of districts.
    pub fn district_groups(&self) -> Result<&Groups, RobustError> {
        self.groups().map_err(|e| RobustError::Derive(e.clone()))
    }

    fn groups(&self) -> Result<&Groups, &DeriveError> {
        self.district_groups
            .get_or_init(|| {
                assign_groups(
                    self.bundle,
                    self.spec.comparison,
                    Level::District,
                    &self.spec.rules,
                )
            })
            .as_ref()
    }

    /// The comparison's panel (the report's DiD data) at the chosen level.
    pub fn panel(&self) -> Result<&Panel, RobustError> {
        self.panel
            .get_or_init(|| {
                panel_with(self.bundle, self.spec, |spec| match spec.level {
                    Level::District => self
                        .groups()
                        .map(std::borrow::Cow::Borrowed)
                        .map_err(Clone::clone),
                    Level::Municipality => {
                        assign_groups(self.bundle, spec.comparison, spec.level, &spec.rules)
                            .map(std::borrow::Cow::Owned)
                    }
                })
            })
            .as_ref()
            .map_err(|e| RobustError::Derive(e.clone()))
    }

    /// The staggered-start panel (BW districts, cohorts by start month).
    pub fn cohort_panel(&self) -> Result<&CohortPanel, RobustError> {
        self.cohort_panel
            .get_or_init(|| cohort_panel(self.bundle, self.spec, self.options.weighted))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Imputation with the BJS conservative variance and with the two-stage GMM one.
    pub fn imputations(&self) -> Result<&(Imputation, Imputation), RobustError> {
        self.imputations
            .get_or_init(|| {
                let mut both = imputations_of(
                    self.cohort_panel()?,
                    &[
                        ImputationVariance::Conservative,
                        ImputationVariance::TwoStageGmm,
                    ],
                )?;
                let two_stage = both.pop().expect("two results");
                Ok((both.pop().expect("two results"), two_stage))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The event study at the pre-trend frequency (quarterly by default).
    pub fn pretrend_event_study(&self) -> Result<&EventStudy, RobustError> {
        self.pretrend_event_study
            .get_or_init(|| event_study_in(self, self.options.pretrend_frequency))
            .as_ref()
            .map_err(Clone::clone)
    }
}
