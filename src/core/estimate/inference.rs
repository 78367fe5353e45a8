//! t statistics, p-values and 95% intervals from Student's t with n − k degrees of freedom
//! (statsmodels `use_t=True`; Stata `regress`), or G − 1 for cluster-robust variances.

use super::{Coefficient, EstimateError};
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::cell::RefCell;

/// Distinct degrees of freedom whose 97.5% quantile is remembered per thread; a handful occur
/// in practice (one per panel size), so a short list searched linearly is enough.
const CACHED_QUANTILES: usize = 64;

thread_local! {
    /// (df, t_{0.975}(df)): the quantile is an iterative inversion of the incomplete beta
    /// function, by far the most expensive step of a small fit, and depends on df alone.
    static CRITICAL: RefCell<Vec<(usize, f64)>> = const { RefCell::new(Vec::new()) };
}

/// Student's t with the residual degrees of freedom of one fit.
pub struct TInference {
    distribution: StudentsT,
    /// Two-sided 97.5% quantile: the half-width of the 95% interval in standard errors.
    critical: f64,
}

impl TInference {
    pub fn new(df: usize) -> Result<Self, EstimateError> {
        let distribution = StudentsT::new(0.0, 1.0, df as f64).map_err(|e| {
            EstimateError::InvalidInput(format!("t distribution with {df} df: {e}"))
        })?;
        let critical = CRITICAL.with_borrow_mut(|cache| {
            if let Some(&(_, q)) = cache.iter().find(|(d, _)| *d == df) {
                return q;
            }
            let q = distribution.inverse_cdf(0.975);
            if cache.len() == CACHED_QUANTILES {
                cache.clear();
            }
            cache.push((df, q));
            q
        });
        Ok(TInference {
            distribution,
            critical,
        })
    }

    /// The half-width of the 95% interval in standard errors, t_{0.975}(df).
    pub fn critical(&self) -> f64 {
        self.critical
    }

    /// Two-sided p-value 2·P(T > |t|), capped at 1.
    pub fn p_value(&self, t: f64) -> f64 {
        (2.0 * self.distribution.sf(t.abs())).min(1.0)
    }

    /// Coefficient with t = b/se, p = 2·P(T > |t|), CI = b ± t_{0.975} se. A standard error of
    /// exactly zero (one unit alone determines the term, and its residual is zero) leaves t, p
    /// and the interval undefined: NaN here, `null` in JSON, never a spurious p = 1e-16. A
    /// non-finite one is an error.
    pub(super) fn coefficient(
        &self,
        term: &str,
        estimate: f64,
        variance: f64,
    ) -> Result<Coefficient, EstimateError> {
        let std_error = variance.max(0.0).sqrt();
        if std_error == 0.0 && estimate.is_finite() {
            return Ok(Coefficient {
                term: term.to_string(),
                estimate,
                std_error,
                t: f64::NAN,
                p_value: f64::NAN,
                ci_low: f64::NAN,
                ci_high: f64::NAN,
            });
        }
        if !std_error.is_finite() {
            return Err(EstimateError::InvalidInput(format!(
                "the standard error of '{term}' is {std_error}: the regressors fit y exactly (or the \
                 residuals are all zero), so t and p are undefined"
            )));
        }
        let t = estimate / std_error;
        let half_width = self.critical * std_error;
        Ok(Coefficient {
            term: term.to_string(),
            estimate,
            std_error,
            t,
            p_value: self.p_value(t),
            ci_low: estimate - half_width,
            ci_high: estimate + half_width,
        })
    }
}
