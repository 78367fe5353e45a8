//! Every check for one set of choices, each as its result or the one-line reason it cannot
//! be shown. The dashboard's Robustness page and `wirkung export --page robustness` hold the
//! same value, so a page and its export can never disagree.

use super::{
    DoseResult, EventStudy, LeaveOneOut, PlaceboResult, PretrendPower, RandomizationInference,
    RobustError, RobustOptions, Staggered, WildBootstrap,
};
use crate::core::bundle::Bundle;
use crate::core::derive::{PanelSpec, check_supported};

/// One check's result, or why it cannot be shown (the core error, in one line).
pub type SuiteResult<T> = Result<T, String>;

/// Every check of core::robust for one set of choices.
#[derive(Debug, Clone, PartialEq)]
pub struct RobustSuite {
    pub event_study: SuiteResult<EventStudy>,
    pub placebo: SuiteResult<PlaceboResult>,
    pub ri: SuiteResult<RandomizationInference>,
    pub wild: SuiteResult<WildBootstrap>,
    pub loo: SuiteResult<LeaveOneOut>,
    pub dose: SuiteResult<DoseResult>,
    pub staggered: SuiteResult<Staggered>,
    pub pretrend_power: SuiteResult<PretrendPower>,
}

fn run<T>(f: impl FnOnce() -> Result<T, RobustError>) -> SuiteResult<T> {
    f().map_err(|e| e.to_string())
}

impl RobustSuite {
    /// Runs every check on `spec` (the slow part of the Robustness page).
    pub fn compute(bundle: &Bundle, spec: &PanelSpec, options: &RobustOptions) -> RobustSuite {
        // An unsupported combination (housing by start date ...) is said once, as the
        // Estimate page says it, instead of eight different ways.
        if let Err(e) = check_supported(spec.outcome, spec.comparison, spec.level) {
            return RobustSuite::unavailable(&e.to_string());
        }
        let (b, s, o) = (bundle, spec, options);
        // The two resampling checks are the slow ones; they run next to the rest.
        let ((wild, ri, pretrend_power), (event_study, placebo, loo, dose, staggered)) =
            rayon::join(
                || {
                    (
                        run(|| super::wild_bootstrap(b, s, o)),
                        run(|| super::randomization_inference(b, s, o)),
                        run(|| super::pretrend_power(b, s, o)),
                    )
                },
                || {
                    (
                        run(|| super::event_study(b, s, o)),
                        run(|| super::placebo(b, s, o)),
                        run(|| super::leave_one_out(b, s, o)),
                        run(|| super::dose(b, s, o)),
                        run(|| super::staggered(b, s, o)),
                    )
                },
            );
        RobustSuite {
            event_study,
            placebo,
            ri,
            wild,
            loo,
            dose,
            staggered,
            pretrend_power,
        }
    }

    /// Every check fails for the same reason.
    pub fn unavailable(why: &str) -> RobustSuite {
        RobustSuite {
            event_study: Err(why.to_string()),
            placebo: Err(why.to_string()),
            ri: Err(why.to_string()),
            wild: Err(why.to_string()),
            loo: Err(why.to_string()),
            dose: Err(why.to_string()),
            staggered: Err(why.to_string()),
            pretrend_power: Err(why.to_string()),
        }
    }
}
