//! t statistics, p-values and 95% intervals from Student's t with n − k degrees of freedom
//! (statsmodels `use_t=True`; Stata `regress`).

use super::{Coefficient, EstimateError};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Student's t with the residual degrees of freedom of one fit.
pub(super) struct TInference {
    distribution: StudentsT,
    /// Two-sided 97.5% quantile: the half-width of the 95% interval in standard errors.
    critical: f64,
}

impl TInference {
    pub(super) fn new(df_resid: usize) -> Result<Self, EstimateError> {
        let distribution = StudentsT::new(0.0, 1.0, df_resid as f64).map_err(|e| {
            EstimateError::InvalidInput(format!("t distribution with {df_resid} df: {e}"))
        })?;
        let critical = distribution.inverse_cdf(0.975);
        Ok(TInference {
            distribution,
            critical,
        })
    }

    /// Coefficient with t = b/se, p = 2·P(T > |t|), CI = b ± t_{0.975} se. Fails rather than
    /// returning NaN or infinity when se is zero (an exact fit).
    pub(super) fn coefficient(
        &self,
        term: &str,
        estimate: f64,
        variance: f64,
    ) -> Result<Coefficient, EstimateError> {
        let std_error = variance.max(0.0).sqrt();
        if !(std_error > 0.0 && std_error.is_finite()) {
            return Err(EstimateError::InvalidInput(format!(
                "the standard error of '{term}' is {std_error}: the regressors fit y exactly (or the \
                 residuals are all zero), so t and p are undefined"
            )));
        }
        let t = estimate / std_error;
        let p_value = (2.0 * self.distribution.sf(t.abs())).min(1.0);
        let half_width = self.critical * std_error;
        Ok(Coefficient {
            term: term.to_string(),
            estimate,
            std_error,
            t,
            p_value,
            ci_low: estimate - half_width,
            ci_high: estimate + half_width,
        })
    }
}
