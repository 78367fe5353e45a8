//! Every check for one set of choices, each as its result or the one-line reason it cannot
//! be shown. The dashboard's Robustness page and `wirkung export --page robustness` hold the
//! same value, so a page and its export can never disagree.

use super::{Check, CheckResult, EventStudy, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::Bundle;
use crate::core::derive::{PanelSpec, check_supported};
use rayon::prelude::*;

/// Every check of core::robust for one set of choices, in `Check::ALL` order, each as its
/// result or why it cannot be shown; or, when the combination is not supported at all, why.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustSuite {
    /// Why no check applies to these choices (housing by start date ...), said once.
    unsupported: Option<RobustError>,
    results: Vec<(Check, Result<CheckResult, RobustError>)>,
}

impl RobustSuite {
    /// Runs every check on `spec` (the slow part of the Robustness page), side by side on
    /// all cores.
    pub fn compute(bundle: &Bundle, spec: &PanelSpec, options: &RobustOptions) -> RobustSuite {
        // An unsupported combination (housing by start date ...) is said once, as the
        // Estimate page says it, instead of once per check in different words.
        if let Err(e) = check_supported(spec.outcome, spec.comparison, spec.level) {
            return RobustSuite::unsupported(RobustError::Derive(e));
        }
        // The panel, the groups and the pre-trend event study are derived once, before the
        // checks that read them run side by side.
        let shared = SharedInputs::new(bundle, spec, options);
        shared.prepare();
        let results = Check::ALL
            .par_iter()
            .map(|&c| (c, super::run_in(c, &shared)))
            .collect();
        RobustSuite {
            unsupported: None,
            results,
        }
    }

    /// No check applies, for one reason.
    pub fn unsupported(why: RobustError) -> RobustSuite {
        RobustSuite {
            results: Check::ALL.iter().map(|&c| (c, Err(why.clone()))).collect(),
            unsupported: Some(why),
        }
    }

    /// Why no check applies to these choices, if none does.
    pub fn unsupported_reason(&self) -> Option<&RobustError> {
        self.unsupported.as_ref()
    }

    /// The result of `check`, or why it has none.
    pub fn get(&self, check: Check) -> Result<&CheckResult, &RobustError> {
        match self.results.iter().find(|(c, _)| *c == check) {
            Some((_, r)) => r.as_ref(),
            None => Err(&NOT_COMPUTED),
        }
    }

    /// The event study (its coefficients are the page's chart).
    pub fn event_study(&self) -> Result<&EventStudy, &RobustError> {
        match self.get(Check::EventStudy)? {
            CheckResult::EventStudy(e) => Ok(e),
            _ => Err(&NOT_COMPUTED),
        }
    }
}

/// A check missing from a suite (cannot happen for suites built here; said, not a panic).
static NOT_COMPUTED: RobustError = RobustError::NotComputed;
