//! The pre-trend test with its power (Roth 2022, "Pretest with Caution"; the `pretrends`
//! package). The main test is the district-clustered one on the frequency where it can be
//! estimated (quarterly by default: monthly there are more pre-periods than districts, and
//! the clustered covariance is singular); HC1 is shown beside it.
//!
//! The conventional pre-test rejects when any pre-period coefficient is individually
//! significant: |β̂_e/σ_e| > z_{1−α/2}. Against a linear violation δ_e = γ·e (e counts periods
//! from the base, e = −1 the one before it) its power is 1 − P(all |β̂_e/σ_e| ≤ z) with
//! β̂ ~ N(δ, Σ): a rectangle probability of the multivariate normal, computed here by Genz's
//! separation of variables with a randomised rank-1 lattice (quasi-Monte Carlo, fixed seed).
//! The spread over the random shifts gives the standard error of every power, and it is
//! reported (`power_std_error`, typically below 1e-3).

use super::event_study::{EventStudy, Frequency, WaldTest};
use super::{Check, RobustError, RobustOptions};
use crate::core::bundle::Bundle;
use crate::core::derive::PanelSpec;
use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use statrs::function::erf::{erfc, erfc_inv};
use std::collections::BTreeMap;

/// Level of the pre-test (two-sided, per coefficient).
pub const PRETEST_ALPHA: f64 = 0.05;
/// Powers whose slopes are reported, as the keys of `slope_for_power`.
pub const POWER_TARGETS: [(f64, &str); 2] = [(0.5, "0.5"), (0.8, "0.8")];
/// Random shifts of the lattice and points per shift (each used with its antithetic point).
const SHIFTS: usize = 16;
const POINTS: usize = 512;
/// Shifts used while searching for a slope: one. The search only locates the root on a
/// smooth curve (one shifted lattice is as smooth in the slope as sixteen); the slope's
/// precision comes from the secant step with the power from all shifts (`solve`), and with
/// one shift instead of four the slopes on the sample move by less than 1e-3 of themselves.
const SEARCH_SHIFTS: usize = 1;
/// Seed of the lattice shifts, so that a power is the same number on every run.
const SEED: u64 = 20_171_211;

/// Which covariance the pre-test uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PretrendVariance {
    /// District-clustered (CRV1): allows serial correlation within a district.
    Cluster,
    /// Heteroskedasticity-robust only: used when the clustered covariance of the
    /// pre-periods is singular (more pre-periods than districts − 1).
    Hc1,
}

/// The power of the pre-test against one slope of the linear violation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PowerPoint {
    /// γ in δ_e = γ·e, in percentage points per period.
    pub slope: f64,
    pub power: f64,
}

/// A power with its quasi-Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerEstimate {
    pub power: f64,
    pub std_error: f64,
}

/// The pre-trend test and its power against linear violations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PretrendPower {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub variance: PretrendVariance,
    pub frequency: Frequency,
    pub base_period: String,
    /// Level of each individual pre-period test.
    pub alpha: f64,
    /// z_{1−α/2}: the pre-test rejects when some |β̂_e/σ_e| exceeds it.
    pub critical_value: f64,
    pub units: usize,
    /// Pre-period coefficients tested (e = −1 … −pre_periods).
    pub pre_periods: usize,
    /// Largest |β̂_e/σ_e| over the pre-periods, and whether the pre-test rejects.
    pub max_abs_t: f64,
    pub rejects: bool,
    /// Joint Wald tests of all pre-period coefficients: the clustered one (`None` when its
    /// covariance is singular) and HC1 beside it.
    pub joint_cluster: Option<WaldTest>,
    pub joint_hc1: Option<WaldTest>,
    /// The unit of a slope: "pp per quarter" or "pp per month".
    pub slope_unit: &'static str,
    /// Slopes γ > 0 that the pre-test detects with 50% and 80% power (keys "0.5", "0.8");
    /// the power of −γ is the same.
    pub slope_for_power: BTreeMap<String, f64>,
    /// Power at a few slopes, from 0 (the pre-test's size, above α since it tests several
    /// coefficients) up to beyond the 80% slope.
    pub power_against_linear: Vec<PowerPoint>,
    /// Largest quasi-Monte Carlo standard error of the powers above.
    pub power_std_error: f64,
    /// The power at slope 0: how often the pre-test rejects under parallel trends. Above α,
    /// since each of the pre-periods is tested at α.
    pub size: f64,
    /// One or two sentences: what the test found and what drift it could have seen.
    pub reading: String,
    pub notes: Vec<String>,
}

/// Φ, the standard normal distribution function.
fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / std::f64::consts::SQRT_2)
}

/// Φ⁻¹, kept finite at the ends (a probability of exactly 0 or 1 from rounding).
fn normal_quantile(u: f64) -> f64 {
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    -std::f64::consts::SQRT_2 * erfc_inv(2.0 * u)
}

/// Φ⁻¹ by Acklam's rational approximation (relative error below 1.2e-9), several times faster
/// than `normal_quantile`: it runs inside the integrand, where errors far below the
/// quasi-Monte Carlo error do not matter.
fn fast_normal_quantile(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if u < LOW {
        tail((-2.0 * u.ln()).sqrt())
    } else if u > 1.0 - LOW {
        -tail((-2.0 * (1.0 - u).ln()).sqrt())
    } else {
        let q = u - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Φ for the integrand: Zelen & Severo's approximation (Abramowitz & Stegun 26.2.17,
/// absolute error below 7.5e-8), several times faster than `normal_cdf`. Over the 15 or so
/// factors of one integrand value the errors add to about 1e-6 of probability, two orders
/// below the quasi-Monte Carlo error that is reported.
fn fast_normal_cdf(x: f64) -> f64 {
    const P: f64 = 0.231_641_9;
    const B: [f64; 5] = [
        0.319_381_530,
        -0.356_563_782,
        1.781_477_937,
        -1.821_255_978,
        1.330_274_429,
    ];
    if x.is_nan() {
        return x;
    }
    let t = 1.0 / (1.0 + P * x.abs());
    let poly = t * (B[0] + t * (B[1] + t * (B[2] + t * (B[3] + t * B[4]))));
    let upper_tail = 0.398_942_280_401_432_7 * (-0.5 * x * x).exp() * poly;
    if x >= 0.0 {
        1.0 - upper_tail
    } else {
        upper_tail
    }
}

/// The conventional pre-test on given pre-period coefficients: their covariance Σ and
/// relative periods e (all negative). Holds the Cholesky factor of the correlation matrix and
/// the lattice, so that many slopes are evaluated with the same points (their powers are then
/// a smooth function of the slope, which the slope search needs).
#[derive(Debug, Clone)]
pub struct LinearPretest {
    relative: Vec<f64>,
    sd: Vec<f64>,
    /// Lower Cholesky factor of the correlation matrix of β̂_e/σ_e, row-major m×m.
    chol: Vec<f64>,
    critical: f64,
    /// Lattice generator per dimension after the first, and the random shifts.
    generator: Vec<f64>,
    shifts: Vec<Vec<f64>>,
}

/// A slope found by the search: the slope, and the full-precision power at the search's own
/// root (one of the reported points, so that evaluation is not repeated).
#[derive(Debug, Clone, Copy)]
struct Solved {
    slope: f64,
    root: f64,
    at_root: PowerEstimate,
    /// The search shifts' power at the root and, when the search started from 0, at 0:
    /// a bracket for the next search.
    search_at_root: f64,
    search_at_zero: Option<f64>,
}

impl LinearPretest {
    /// Fails when Σ is not positive definite or a relative period is not negative.
    pub fn new(cov: &DMatrix<f64>, relative: &[i32], alpha: f64) -> Result<Self, RobustError> {
        let m = relative.len();
        if m == 0 || cov.shape() != (m, m) {
            return Err(RobustError::Data(format!(
                "the pre-test needs pre-period coefficients and their {m}×{m} covariance"
            )));
        }
        if relative.iter().any(|&e| e >= 0) {
            return Err(RobustError::Data(
                "pre-period coefficients must lie before the base period".into(),
            ));
        }
        let sd: Vec<f64> = (0..m).map(|i| cov[(i, i)].sqrt()).collect();
        if sd.iter().any(|s| !(s.is_finite() && *s > 0.0)) {
            return Err(RobustError::Data(
                "a pre-period coefficient has no positive standard error".into(),
            ));
        }
        let corr = DMatrix::from_fn(m, m, |i, j| cov[(i, j)] / (sd[i] * sd[j]));
        let l = corr
            .cholesky()
            .ok_or_else(|| {
                RobustError::Data(
                    "the covariance of the pre-period coefficients is singular".into(),
                )
            })?
            .l();
        // Richtmyer's lattice: fractional parts of √p for the first primes.
        let generator = primes(m.saturating_sub(1))
            .into_iter()
            .map(|p| (p as f64).sqrt().fract())
            .collect();
        let mut rng = ChaCha8Rng::seed_from_u64(SEED);
        let shifts = (0..SHIFTS)
            .map(|_| (1..m).map(|_| rng.random::<f64>()).collect())
            .collect();
        Ok(LinearPretest {
            relative: relative.iter().map(|&e| f64::from(e)).collect(),
            sd,
            chol: (0..m * m).map(|k| l[(k / m, k % m)]).collect(),
            critical: normal_quantile(1.0 - alpha / 2.0),
            generator,
            shifts,
        })
    }

    /// z_{1−α/2}.
    pub fn critical_value(&self) -> f64 {
        self.critical
    }

    /// Power against δ_e = slope·e, from all the lattice shifts.
    pub fn power(&self, slope: f64) -> PowerEstimate {
        self.power_with(slope, self.shifts.len())
    }

    /// Power from the first `shifts` lattice shifts: the slope search uses one (its steps
    /// need a smooth curve, not the last digit), the reported powers all.
    fn power_with(&self, slope: f64, shifts: usize) -> PowerEstimate {
        let m = self.relative.len();
        // Standardised limits of the centred Z = β̂/σ − δ/σ: |Z + μ| ≤ z.
        let mu: Vec<f64> = (0..m)
            .map(|i| slope * self.relative[i] / self.sd[i])
            .collect();
        let lower: Vec<f64> = mu.iter().map(|u| -self.critical - u).collect();
        let upper: Vec<f64> = mu.iter().map(|u| self.critical - u).collect();
        // The shifts are independent replicates: they run in parallel.
        let estimates: Vec<f64> = self.shifts[..shifts.clamp(1, self.shifts.len())]
            .par_iter()
            .map(|shift| self.inside(&lower, &upper, shift))
            .collect();
        let n = estimates.len() as f64;
        let mean = estimates.iter().sum::<f64>() / n;
        // One shift (the search) has no spread to estimate an error from.
        let std_error = if estimates.len() > 1 {
            let var = estimates.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (n - 1.0);
            (var / n).sqrt()
        } else {
            f64::NAN
        };
        PowerEstimate {
            power: (1.0 - mean).clamp(0.0, 1.0),
            std_error,
        }
    }

    /// P(all coordinates inside) by Genz's separation of variables, averaged over one
    /// shifted lattice (each point with its antithetic one).
    fn inside(&self, lower: &[f64], upper: &[f64], shift: &[f64]) -> f64 {
        let m = lower.len();
        let c = &self.chol;
        // The first coordinate does not depend on the point: exact Φ, once.
        let (d0, e0) = (normal_cdf(lower[0] / c[0]), normal_cdf(upper[0] / c[0]));
        if m == 1 || e0 - d0 <= 0.0 {
            return (e0 - d0).max(0.0);
        }
        let mut y = vec![0.0; m];
        let mut w = vec![0.0; m - 1];
        let mut sum = 0.0;
        for j in 1..=POINTS {
            for (k, g) in self.generator.iter().enumerate() {
                // Baker's transform |2x − 1| makes the integrand periodic.
                let x = (j as f64 * g + shift[k]).fract();
                w[k] = (2.0 * x - 1.0).abs();
            }
            for antithetic in [false, true] {
                let (mut d, mut e) = (d0, e0);
                let mut f = e - d;
                for i in 1..m {
                    if f <= 0.0 {
                        break;
                    }
                    let u = if antithetic { 1.0 - w[i - 1] } else { w[i - 1] };
                    y[i - 1] = fast_normal_quantile(d + u * (e - d));
                    let row = &c[i * m..i * m + i];
                    let s: f64 = row.iter().zip(&y[..i]).map(|(c, y)| c * y).sum();
                    let cii = c[i * m + i];
                    d = fast_normal_cdf((lower[i] - s) / cii);
                    e = fast_normal_cdf((upper[i] - s) / cii);
                    f *= (e - d).max(0.0);
                }
                sum += f.max(0.0);
            }
        }
        sum / (2 * POINTS) as f64
    }

    /// The slope γ > 0 with power `target` (between the size at 0 and 1).
    pub fn slope_for_power(&self, target: f64) -> f64 {
        self.solve(target, None).slope
    }

    /// The slope with power `target`. The search runs on the search shifts: the Illinois
    /// variant of regula falsi on the probit of the power, Φ⁻¹(power), which is nearly
    /// linear in the slope (exactly so for one coefficient far from zero), stopped at 1e-3 of
    /// the slope. Its root is then corrected by one secant step with the power at the root
    /// from all shifts, so that the slope carries the reported power's precision, not the
    /// search's (one shift has four times the error, which near the size would move the
    /// 50% slope by several per cent). `known` is a bracket already evaluated on the search
    /// shifts: (slope, power) below and at or above the target.
    fn solve(&self, target: f64, known: Option<[(f64, f64); 2]>) -> Solved {
        let goal = normal_quantile(target);
        let probit = |p: f64| normal_quantile(p) - goal;
        let f = |g: f64| probit(self.power_with(g, SEARCH_SHIFTS).power);
        let mut search_at_zero = None;
        let (mut lo, mut f_lo, mut hi, mut f_hi) = match known {
            Some([(lo, p_lo), (hi, p_hi)]) => (lo, probit(p_lo), hi, probit(p_hi)),
            None => {
                let p0 = self.power_with(0.0, SEARCH_SHIFTS).power;
                search_at_zero = Some(p0);
                // One coefficient alone has about 80% power at (z + 0.84)·σ_e/|e|; more
                // coefficients only add power, so that is an upper bracket for 80% (doubled
                // until it is one).
                let hi = (0..self.sd.len())
                    .map(|i| (self.critical + 0.85) * self.sd[i] / self.relative[i].abs())
                    .fold(f64::INFINITY, f64::min);
                (0.0, probit(p0), hi, f(hi))
            }
        };
        if f_lo >= 0.0 && lo == 0.0 {
            let at_root = self.power(0.0);
            return Solved {
                slope: 0.0,
                root: 0.0,
                at_root,
                search_at_root: normal_cdf(f_lo + goal),
                search_at_zero,
            };
        }
        while f_hi < 0.0 {
            (lo, f_lo) = (hi, f_hi);
            hi *= 2.0;
            f_hi = f(hi);
        }
        // Illinois halves the value kept at a stale end; the unhalved values give the
        // slope of the probit for the correction below.
        let (mut probit_lo, mut probit_hi) = (f_lo, f_hi);
        let mut side = 0;
        let mut root = 0.5 * (lo + hi);
        let mut at_search = f64::NAN;
        for _ in 0..100 {
            let x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
            let fx = f(x);
            (root, at_search) = (x, fx);
            if fx < 0.0 {
                (lo, f_lo, probit_lo) = (x, fx, fx);
                if side == -1 {
                    f_hi /= 2.0;
                }
                side = -1;
            } else {
                (hi, f_hi, probit_hi) = (x, fx, fx);
                if side == 1 {
                    f_lo /= 2.0;
                }
                side = 1;
            }
            if hi - lo <= 1e-3 * hi || fx.abs() < 1e-3 {
                break;
            }
        }
        // The secant correction: the search curve's slope of the probit over the final
        // bracket (smooth, as all its points share one lattice), the full-precision probit
        // at the root.
        let at_root = self.power(root);
        let dprobit = (probit_hi - probit_lo) / (hi - lo);
        let slope = if dprobit.is_finite() && dprobit > 0.0 {
            (root - probit(at_root.power) / dprobit).max(0.0)
        } else {
            root
        };
        Solved {
            slope,
            root,
            at_root,
            search_at_root: normal_cdf(at_search + goal),
            search_at_zero,
        }
    }
}

/// The first `count` primes.
fn primes(count: usize) -> Vec<u64> {
    let mut found: Vec<u64> = Vec::with_capacity(count);
    let mut candidate = 2u64;
    while found.len() < count {
        if found
            .iter()
            .take_while(|&&p| p * p <= candidate)
            .all(|&p| !candidate.is_multiple_of(p))
        {
            found.push(candidate);
        }
        candidate += 1;
    }
    found
}

/// The pre-period coefficients of an event study: positions in `coefficients`, relative
/// periods, and their covariance (`variance`'s).
fn pre_periods(
    es: &EventStudy,
    variance: PretrendVariance,
) -> (Vec<usize>, Vec<i32>, DMatrix<f64>) {
    let pre: Vec<usize> = (0..es.coefficients.len())
        .filter(|&c| es.coefficients[c].relative < 0)
        .collect();
    let relative = pre.iter().map(|&c| es.coefficients[c].relative).collect();
    let full = match variance {
        PretrendVariance::Cluster => &es.vcov_cluster,
        PretrendVariance::Hc1 => &es.vcov_hc1,
    };
    let cov = DMatrix::from_fn(pre.len(), pre.len(), |a, b| full[pre[a]][pre[b]]);
    (pre, relative, cov)
}

/// A slope with two significant digits (slopes of 0.006 pp per quarter occur).
fn slope_text(x: f64) -> String {
    if !(x.is_finite() && x != 0.0) {
        return format!("{x}");
    }
    let decimals = (1 - x.abs().log10().floor() as i32).clamp(2, 8) as usize;
    format!("{x:.decimals$}")
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else {
        format!("{p:.3}")
    }
}

/// The pre-test and its power on `spec`'s event study at `options.pretrend_frequency`.
pub fn pretrend_power(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<PretrendPower, RobustError> {
    let shared = super::SharedInputs::new(bundle, spec, options);
    pretrend_power_of(shared.pretrend_event_study()?)
}

/// The pre-test and its power on a computed event study.
pub fn pretrend_power_of(es: &EventStudy) -> Result<PretrendPower, RobustError> {
    let period = match es.frequency {
        Frequency::Monthly => "month",
        Frequency::Quarterly => "quarter",
    };
    let slope_unit = match es.frequency {
        Frequency::Monthly => "pp per month",
        Frequency::Quarterly => "pp per quarter",
    };
    let mut notes = Vec::new();
    // Clustered when its covariance of the pre-periods is estimable (the event study's joint
    // test says so), else HC1, which ignores serial correlation within districts.
    let clustered = es.pre_trend_cluster.is_some().then(|| {
        let (pre, relative, cov) = pre_periods(es, PretrendVariance::Cluster);
        LinearPretest::new(&cov, &relative, PRETEST_ALPHA).map(|t| (pre, t))
    });
    let (variance, pre, test) = match clustered {
        Some(Ok((pre, test))) => (PretrendVariance::Cluster, pre, test),
        _ => {
            let (pre, relative, cov) = pre_periods(es, PretrendVariance::Hc1);
            notes.push(format!(
                "{} pre-period {period}s but {} districts: the clustered covariance of the \
                 pre-periods is singular, so HC1 is used; it ignores serial correlation within \
                 a district and so overstates both the test's precision and its power{}",
                pre.len(),
                es.clusters,
                match es.frequency {
                    Frequency::Monthly => " (the quarterly test can be clustered)",
                    Frequency::Quarterly => "",
                }
            ));
            let test = LinearPretest::new(&cov, &relative, PRETEST_ALPHA)?;
            (PretrendVariance::Hc1, pre, test)
        }
    };
    let z = test.critical_value();
    let max_abs_t = pre
        .iter()
        .enumerate()
        .map(|(i, &c)| (es.coefficients[c].estimate / test.sd[i]).abs())
        .fold(0.0, f64::max);
    let significant = pre
        .iter()
        .enumerate()
        .filter(|&(i, &c)| (es.coefficients[c].estimate / test.sd[i]).abs() > z)
        .count();
    let rejects = significant > 0;
    // 80% first: its search brackets the 50% one, which then starts from the size (the
    // power at 0) and the 80% root, both already evaluated.
    let s80 = test.solve(0.8, None);
    let size = test.power(0.0);
    let s50 = if size.power >= 0.5 {
        Solved {
            slope: 0.0,
            root: 0.0,
            at_root: size,
            search_at_root: size.power,
            search_at_zero: Some(size.power),
        }
    } else {
        test.solve(
            0.5,
            Some([
                (
                    0.0,
                    s80.search_at_zero
                        .unwrap_or_else(|| test.power_with(0.0, SEARCH_SHIFTS).power),
                ),
                (s80.root, s80.search_at_root),
            ]),
        )
    };
    let slope_for_power: BTreeMap<String, f64> =
        [(&POWER_TARGETS[0], s50), (&POWER_TARGETS[1], s80)]
            .into_iter()
            .map(|(&(_, key), solved)| (key.to_string(), solved.slope))
            .collect();
    // The powers reported: the size, two slopes between it and the 80% slope, the searches'
    // roots (powers from all shifts, computed by the searches) and beyond the 80% slope.
    let at = |slope: f64| (slope, test.power(slope));
    let mut points = vec![
        (0.0, size),
        at(0.25 * s80.slope),
        at(0.5 * s80.slope),
        (s50.root, s50.at_root),
        (s80.root, s80.at_root),
        at(1.5 * s80.slope),
    ];
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let std_error = points.iter().map(|p| p.1.std_error).fold(0.0, f64::max);
    let power_against_linear: Vec<PowerPoint> = points
        .into_iter()
        .map(|(slope, p)| PowerPoint {
            slope,
            power: p.power,
        })
        .collect();
    let (s50, s80) = (s50.slope, s80.slope);
    let joint = match variance {
        PretrendVariance::Cluster => es.pre_trend_cluster.as_ref(),
        PretrendVariance::Hc1 => es.pre_trend_hc1.as_ref(),
    };
    let se_kind = match variance {
        PretrendVariance::Cluster => "district-clustered",
        PretrendVariance::Hc1 => "HC1",
    };
    let joint_text = joint.map_or(String::new(), |w| {
        format!(
            "; joint F({}, {}) = {:.2}, p = {}",
            w.df_num,
            w.df_den,
            w.f,
            p_text(w.p_value)
        )
    });
    let half = if s50 > 0.0 {
        format!("{} with 50%", slope_text(s50))
    } else {
        "50% already without any drift".into()
    };
    let power_text = format!(
        "it could detect a linear drift of {} {slope_unit} with 80% power ({half})",
        slope_text(s80)
    );
    let size = size.power;
    let size_text = if size > 2.0 * PRETEST_ALPHA {
        format!(
            " Even with parallel trends this pre-test rejects {:.0}% of the time ({} separate 5% tests).",
            100.0 * size,
            pre.len()
        )
    } else {
        String::new()
    };
    let reading = if rejects {
        format!(
            "The pre-test rejects: {significant} of {} pre-period {period}s differ significantly at 5% ({se_kind} SEs{joint_text}), so the groups may have drifted apart before the programme; {power_text}.{size_text}",
            pre.len()
        )
    } else {
        format!(
            "No pre-period {period} differs significantly at 5% ({se_kind} SEs{joint_text}). That does not show parallel trends: {power_text}, and smaller drifts would likely go unnoticed.{size_text}"
        )
    };
    Ok(PretrendPower {
        what_it_tests: Check::PretrendPower.what_it_tests(),
        how_to_read: Check::PretrendPower.how_to_read(),
        variance,
        frequency: es.frequency,
        base_period: es.base_period.clone(),
        alpha: PRETEST_ALPHA,
        critical_value: z,
        units: es.units,
        pre_periods: pre.len(),
        max_abs_t,
        rejects,
        joint_cluster: es.pre_trend_cluster.clone(),
        joint_hc1: es.pre_trend_hc1.clone(),
        slope_unit,
        slope_for_power,
        power_against_linear,
        power_std_error: std_error,
        size,
        reading,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One coefficient: the power is a two-sided normal tail, known in closed form.
    #[test]
    fn one_pre_period_power_is_the_normal_tail() {
        let cov = DMatrix::from_element(1, 1, 0.04);
        let test = LinearPretest::new(&cov, &[-1], 0.05).unwrap();
        for slope in [0.0, 0.1, 0.3, 0.6] {
            let mu = slope / 0.2;
            let z = test.critical_value();
            let exact = 1.0 - (normal_cdf(z - mu) - normal_cdf(-z - mu));
            let p = test.power(slope);
            assert!(
                (p.power - exact).abs() < 1e-12,
                "{slope}: {} vs {exact}",
                p.power
            );
        }
        let size = test.power(0.0).power;
        // z comes from statrs' erfc_inv, good to about 1e-11 in probability.
        assert!((size - 0.05).abs() < 1e-10, "size {size}");
    }

    /// Independent coefficients: P(all inside) is a product of one-dimensional terms.
    #[test]
    fn independent_pre_periods_multiply() {
        let sd = [0.1, 0.2, 0.15, 0.3];
        let cov = DMatrix::from_fn(4, 4, |i, j| if i == j { sd[i] * sd[i] } else { 0.0 });
        let relative = [-4, -3, -2, -1];
        let test = LinearPretest::new(&cov, &relative, 0.05).unwrap();
        let z = test.critical_value();
        for slope in [0.0, 0.02, 0.05, 0.1] {
            let inside: f64 = (0..4)
                .map(|i| {
                    let mu = slope * f64::from(relative[i]) / sd[i];
                    normal_cdf(z - mu) - normal_cdf(-z - mu)
                })
                .product();
            let p = test.power(slope);
            assert!(
                (p.power - (1.0 - inside)).abs() < 2e-4,
                "{slope}: {} vs {}",
                p.power,
                1.0 - inside
            );
        }
        let s80 = test.slope_for_power(0.8);
        // Searched on one shift, then corrected with all: equal within the QMC error.
        assert!((test.power(s80).power - 0.8).abs() < 2e-3);
        assert!(test.slope_for_power(0.5) < s80);
    }

    #[test]
    fn the_fast_quantile_agrees_with_statrs() {
        for u in [1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.5, 0.7, 0.975, 0.999_999] {
            let (fast, exact) = (fast_normal_quantile(u), normal_quantile(u));
            assert!(
                (fast - exact).abs() <= 1e-8 * exact.abs().max(1.0),
                "{u}: {fast} vs {exact}"
            );
        }
    }

    #[test]
    fn a_singular_covariance_is_an_error() {
        let cov = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 1.0, 1.0]);
        assert!(LinearPretest::new(&cov, &[-2, -1], 0.05).is_err());
        assert!(LinearPretest::new(&DMatrix::identity(1, 1), &[0], 0.05).is_err());
    }
}
