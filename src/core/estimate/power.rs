//! Power and minimum detectable effects (MDE): what an estimate could have found, and how many
//! units a pilot would need.
//!
//! * [`mde_80`]: the MDE at 80% power of a two-sided 5% t test from an estimate's SE and df,
//!   (t_{1−α/2,df} + t_{power,df})·se. This is the textbook approximation (e.g. Bloom 1995): it
//!   treats the test statistic under the alternative as a shifted central t and ignores
//!   rejections in the wrong tail. The exact MDE solves P(|T| > t_{1−α/2}) = power for a
//!   noncentral t (nc = MDE/se); [`mde_exact`] computes that, and the two differ by 0.02% on
//!   43 df and by 2% on 3 df (tests/reference/power).
//! * [`design_power`]: from a two-group panel of outcome changes Δy (one value per unit,
//!   district or municipality alike), the residual variance of Δy around its group means gives
//!   the units needed to detect an effect E with 80% power in the two-sample t test at the
//!   panel's treated share, and the MDE with the current number of units — the computation of
//!   statsmodels' `TTestIndPower` (pooled variance, noncentral t with n − 2 df).

use crate::core::derive::Panel;
use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal, StudentsT};
use statrs::function::gamma::ln_gamma;

/// Why a power calculation cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PowerError {
    #[error("the standard error must be positive and finite; got {0}")]
    StdError(f64),
    #[error("the t distribution needs positive degrees of freedom; got {0}")]
    Df(f64),
    #[error(
        "power needs at least 2 treated and 2 control units; there are {treated} and {control}"
    )]
    TooFewUnits { treated: usize, control: usize },
    #[error("a unit's outcome change or weight is not finite, or a weight is not positive")]
    BadUnit,
    #[error("the outcome change does not vary around the group means: nothing to scale power by")]
    NoVariance,
    #[error("the effect to detect must be non-zero and finite; got {0}")]
    Effect(f64),
    #[error("alpha and power must lie strictly between 0 and 1; got {alpha} and {power}")]
    Levels { alpha: f64, power: f64 },
}

/// Two-sided 5% and 80% power, the conventions every MDE here uses.
pub const ALPHA: f64 = 0.05;
pub const POWER: f64 = 0.8;

/// MDE at 80% power, 5% two-sided: (t_{0.975,df} + t_{0.8,df})·se. See the module docs for
/// what the approximation leaves out.
pub fn mde_80(se: f64, df: f64) -> Result<f64, PowerError> {
    mde_approx(se, df, ALPHA, POWER)
}

/// (t_{1−α/2,df} + t_{power,df})·se.
pub fn mde_approx(se: f64, df: f64, alpha: f64, power: f64) -> Result<f64, PowerError> {
    check(se, df, alpha, power)?;
    let t = StudentsT::new(0.0, 1.0, df).map_err(|_| PowerError::Df(df))?;
    Ok((t.inverse_cdf(1.0 - alpha / 2.0) + t.inverse_cdf(power)) * se)
}

/// The exact MDE: the effect δ at which a two-sided level-α t test on an estimate with standard
/// error `se` and `df` degrees of freedom rejects with probability `power` (noncentral t with
/// nc = δ/se).
pub fn mde_exact(se: f64, df: f64, alpha: f64, power: f64) -> Result<f64, PowerError> {
    check(se, df, alpha, power)?;
    let crit = StudentsT::new(0.0, 1.0, df)
        .map_err(|_| PowerError::Df(df))?
        .inverse_cdf(1.0 - alpha / 2.0);
    let nc = solve_increasing(|nc| two_sided_power(nc, df, crit) - power, 0.0, 1.0);
    Ok(nc * se)
}

fn check(se: f64, df: f64, alpha: f64, power: f64) -> Result<(), PowerError> {
    if !(se.is_finite() && se > 0.0) {
        return Err(PowerError::StdError(se));
    }
    if !(df.is_finite() && df > 0.0) {
        return Err(PowerError::Df(df));
    }
    if !(alpha > 0.0 && alpha < 1.0 && power > 0.0 && power < 1.0) {
        return Err(PowerError::Levels { alpha, power });
    }
    Ok(())
}

/// P(|T| > crit) for T noncentral t with `df` and noncentrality `nc`:
/// T = (Z + nc)/S with S² ~ χ²_df/df, so P(T > c) = E[Φ(nc − c·S)] — one integral over the
/// density of S (composite Simpson over the range that holds all but 1e-14 of it).
fn two_sided_power(nc: f64, df: f64, crit: f64) -> f64 {
    let normal = Normal::standard();
    let chi = ChiSquared::new(df).expect("df > 0 checked");
    let s_max = (chi.inverse_cdf(1.0 - 1e-14) / df).sqrt();
    let s_min = (chi.inverse_cdf(1e-14) / df).sqrt();
    let log_norm = std::f64::consts::LN_2 + 0.5 * df * (0.5 * df).ln() - ln_gamma(0.5 * df);
    let density = |s: f64| {
        if s <= 0.0 {
            0.0
        } else {
            (log_norm + (df - 1.0) * s.ln() - 0.5 * df * s * s).exp()
        }
    };
    let integrand = |s: f64| density(s) * (normal.cdf(nc - crit * s) + normal.cdf(-nc - crit * s));
    const INTERVALS: usize = 4000;
    let h = (s_max - s_min) / INTERVALS as f64;
    let mut sum = integrand(s_min) + integrand(s_max);
    for i in 1..INTERVALS {
        let weight = if i % 2 == 1 { 4.0 } else { 2.0 };
        sum += weight * integrand(s_min + i as f64 * h);
    }
    sum * h / 3.0
}

/// The root of an increasing function on (lo, ∞), doubling `hi` until it brackets.
fn solve_increasing(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    while f(hi) < 0.0 && hi < 1e12 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-13 * hi.abs().max(1e-300) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// One unit of a design panel: its outcome change over the evaluation window (pp), its weight
/// and whether it is treated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DesignUnit {
    pub delta_y: f64,
    pub weight: f64,
    pub treated: bool,
}

impl DesignUnit {
    /// The units of an analysis panel: outcome change, estimation weight (1 when unweighted)
    /// and group.
    pub fn from_panel(panel: &Panel, weighted: bool) -> Vec<DesignUnit> {
        panel
            .rows
            .iter()
            .map(|r| DesignUnit {
                delta_y: r.outcome_change(),
                weight: if weighted { r.weight } else { 1.0 },
                treated: r.treated,
            })
            .collect()
    }
}

/// Units needed to detect the effect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitsNeeded {
    /// The smallest whole number of units, split at the panel's treated share, whose power
    /// reaches the target (treated and control rounded up separately).
    pub total: usize,
    pub treated: usize,
    pub control: usize,
    /// The continuous solution (statsmodels' `nobs1 · (1 + ratio)`).
    pub exact: f64,
}

/// The design helper's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignPower {
    pub what_it_tests: &'static str,
    pub units: usize,
    pub treated: usize,
    pub control: usize,
    pub treated_share: f64,
    /// Residual SD of Δy around the group means (weights scaled to mean 1, n − 2 df): the SD of
    /// a unit of average weight.
    pub residual_sd: f64,
    pub alpha: f64,
    pub power: f64,
    /// The smallest effect (pp) the current units detect with `power`.
    pub mde_current: f64,
    /// The effect asked about (pp), if any, and the units it needs.
    pub effect: Option<f64>,
    pub units_needed: Option<UnitsNeeded>,
}

pub const DESIGN_WHAT_IT_TESTS: &str = "Could the comparison have found an effect? The smallest effect detectable with 80% power at 5% (two-sided) with the current units, and the units a pilot would need for a given effect, from the spread of the outcome change in the data.";

/// Power of the two-sample t test (pooled variance) for `effect` with `n1` treated and `n2`
/// control units of residual SD `sd`.
fn two_sample_power(effect: f64, sd: f64, n1: f64, n2: f64, alpha: f64) -> f64 {
    let df = n1 + n2 - 2.0;
    let crit = StudentsT::new(0.0, 1.0, df)
        .map(|t| t.inverse_cdf(1.0 - alpha / 2.0))
        .unwrap_or(f64::INFINITY);
    let nc = effect.abs() / (sd * (1.0 / n1 + 1.0 / n2).sqrt());
    two_sided_power(nc, df, crit)
}

/// Power and sample size for a pilot like the comparison in `units` (see the module docs);
/// `effect` in the outcome's units (pp).
pub fn design_power(
    units: &[DesignUnit],
    effect: Option<f64>,
    alpha: f64,
    power: f64,
) -> Result<DesignPower, PowerError> {
    if !(alpha > 0.0 && alpha < 1.0 && power > 0.0 && power < 1.0) {
        return Err(PowerError::Levels { alpha, power });
    }
    if units
        .iter()
        .any(|u| !u.delta_y.is_finite() || !u.weight.is_finite() || u.weight <= 0.0)
    {
        return Err(PowerError::BadUnit);
    }
    if let Some(e) = effect
        && !(e.is_finite() && e != 0.0)
    {
        return Err(PowerError::Effect(e));
    }
    let treated = units.iter().filter(|u| u.treated).count();
    let control = units.len() - treated;
    if treated < 2 || control < 2 {
        return Err(PowerError::TooFewUnits { treated, control });
    }
    let n = units.len() as f64;
    let total_w: f64 = units.iter().map(|u| u.weight).sum();
    let scale = n / total_w;
    let mean = |t: bool| {
        let (s, w) = units
            .iter()
            .filter(|u| u.treated == t)
            .fold((0.0, 0.0), |(s, w), u| {
                (s + u.weight * u.delta_y, w + u.weight)
            });
        s / w
    };
    let (m1, m0) = (mean(true), mean(false));
    let ssr: f64 = units
        .iter()
        .map(|u| {
            let e = u.delta_y - if u.treated { m1 } else { m0 };
            u.weight * scale * e * e
        })
        .sum();
    let variance = ssr / (n - 2.0);
    if variance.is_nan() || variance <= 0.0 {
        return Err(PowerError::NoVariance);
    }
    let sd = variance.sqrt();
    let share = treated as f64 / n;
    let (n1, n0) = (treated as f64, control as f64);
    let mde_current = solve_increasing(|e| two_sample_power(e, sd, n1, n0, alpha) - power, 0.0, sd);
    let units_needed = effect.map(|e| {
        // Total n with n·share treated; the power is increasing in n. Start the bracket at the
        // smallest total that leaves one residual df.
        let min_total = 3.0_f64.max(2.0 / share.min(1.0 - share));
        let exact = solve_increasing(
            |t| two_sample_power(e, sd, t * share, t * (1.0 - share), alpha) - power,
            min_total,
            min_total * 2.0,
        );
        let treated_needed = (exact * share - 1e-9).ceil().max(2.0) as usize;
        let control_needed = (exact * (1.0 - share) - 1e-9).ceil().max(2.0) as usize;
        UnitsNeeded {
            total: treated_needed + control_needed,
            treated: treated_needed,
            control: control_needed,
            exact,
        }
    });
    Ok(DesignPower {
        what_it_tests: DESIGN_WHAT_IT_TESTS,
        units: units.len(),
        treated,
        control,
        treated_share: share,
        residual_sd: sd,
        alpha,
        power,
        mde_current,
        effect,
        units_needed,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noncentral_power_is_alpha_at_zero_and_grows() {
        let crit = StudentsT::new(0.0, 1.0, 20.0).unwrap().inverse_cdf(0.975);
        assert!((two_sided_power(0.0, 20.0, crit) - 0.05).abs() < 1e-9);
        assert!(two_sided_power(2.0, 20.0, crit) < two_sided_power(3.0, 20.0, crit));
    }

    #[test]
    fn the_approximation_is_close_to_the_exact_mde_with_many_df() {
        let approx = mde_80(1.0, 1000.0).unwrap();
        let exact = mde_exact(1.0, 1000.0, ALPHA, POWER).unwrap();
        // Normal limit: 1.96 + 0.8416 = 2.8016.
        assert!((approx - 2.8016).abs() < 1e-2 && (approx - exact).abs() < 1e-3);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        assert_eq!(mde_80(0.0, 10.0), Err(PowerError::StdError(0.0)));
        assert_eq!(mde_80(1.0, 0.0), Err(PowerError::Df(0.0)));
        let one = [
            DesignUnit {
                delta_y: 1.0,
                weight: 1.0,
                treated: true,
            },
            DesignUnit {
                delta_y: 2.0,
                weight: 1.0,
                treated: false,
            },
            DesignUnit {
                delta_y: 3.0,
                weight: 1.0,
                treated: false,
            },
        ];
        assert_eq!(
            design_power(&one, None, ALPHA, POWER),
            Err(PowerError::TooFewUnits {
                treated: 1,
                control: 2
            })
        );
    }
}
