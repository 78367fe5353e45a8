//! Sensitivity of an event study to violations of parallel trends (Rambachan & Roth 2023,
//! "A More Credible Approach to Parallel Trends"), as the HonestDiD packages compute it.
//!
//! Input: the event-study coefficients β̂ (pre periods first, chronologically, the base period
//! left out, so the last pre coefficient is e = −1 and the first post one e = 1), their
//! covariance Σ and the number of pre and post periods. The target is θ = l'τ_post: the average
//! of the post coefficients or one horizon e = K.
//!
//! * Relative magnitudes Δ^RM(M̄): every post-period change of the bias is at most M̄ times the
//!   largest pre-period change. Confidence set: the conditional-least-favourable hybrid of
//!   Andrews, Roth & Pakes (the packages' default `C-LF`), a union over which pre-period change
//!   is the largest and its sign. The test's linear program has a closed form here (see
//!   [`RmMoments`]), so the whole set costs microseconds per value of θ instead of an LP each.
//! * Smoothness Δ^SD(M): the second difference of the bias is at most M. Confidence set: the
//!   optimal fixed-length interval of Armstrong & Kolesár (the packages' default `FLCI`); its
//!   worst-case-bias programme is a second-order cone programme, solved with clarabel.
//!
//! Where the packages simulate, this module computes or draws reproducibly: the folded-normal
//! quantile of the FLCI is computed exactly (the packages simulate 10^6 draws), and the
//! least-favourable critical value uses `lf_draws` normal draws from SplitMix64 (seed
//! `seed`) through the inverse normal CDF, factored with the moments' Cholesky factor —
//! tests/reference/honest/make_honest_reference.py draws the same numbers in the package.
//!
//! The original interval is l'β̂ ± z_{1−α/2}·se with the normal quantile, as the packages show
//! it; the event study's own intervals use t(G − 1).

use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};
use nalgebra::{DMatrix, DVector};
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use statrs::distribution::{ContinuousCDF, Normal};
use std::fmt;
use std::str::FromStr;

/// Which restriction on the violation of parallel trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
pub enum Restriction {
    /// Δ^RM(M̄): post-period changes at most M̄ × the largest pre-period change.
    #[default]
    #[serde(rename = "rm")]
    RelativeMagnitudes,
    /// Δ^SD(M): second differences of the violation at most M (in outcome units).
    #[serde(rename = "sd")]
    Smoothness,
}

impl Restriction {
    pub const ALL: [Restriction; 2] = [Restriction::RelativeMagnitudes, Restriction::Smoothness];
    pub fn id(self) -> &'static str {
        match self {
            Restriction::RelativeMagnitudes => "rm",
            Restriction::Smoothness => "sd",
        }
    }
    /// The name of the grid parameter: M̄ is a ratio, M a slope change in outcome units.
    pub fn parameter(self) -> &'static str {
        match self {
            Restriction::RelativeMagnitudes => "M̄",
            Restriction::Smoothness => "M",
        }
    }
    /// The confidence set the packages use by default for this restriction.
    pub fn method(self) -> &'static str {
        match self {
            Restriction::RelativeMagnitudes => "conditional-least-favourable hybrid (C-LF)",
            Restriction::Smoothness => "fixed-length confidence interval (FLCI)",
        }
    }
}

impl fmt::Display for Restriction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Restriction {
    type Err = HonestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Restriction::ALL
            .into_iter()
            .find(|r| r.id() == s)
            .ok_or_else(|| HonestError::UnknownRestriction(s.to_string()))
    }
}

/// The parameter whose interval is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Target {
    /// The average of the post-period coefficients.
    #[default]
    Average,
    /// The coefficient `K` periods after the base (1 = the first post period).
    Horizon(usize),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Average => f.write_str("average"),
            Target::Horizon(k) => write!(f, "e={k}"),
        }
    }
}

impl Serialize for Target {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for Target {
    type Err = HonestError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s == "average" {
            return Ok(Target::Average);
        }
        s.strip_prefix("e=")
            .and_then(|k| k.parse::<usize>().ok())
            .filter(|&k| k >= 1)
            .map(Target::Horizon)
            .ok_or_else(|| HonestError::UnknownTarget(s.to_string()))
    }
}

/// Why the sensitivity analysis cannot be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HonestError {
    #[error("{betas} coefficients but a {rows}×{cols} covariance matrix")]
    Covariance {
        betas: usize,
        rows: usize,
        cols: usize,
    },
    #[error("{num_pre} pre + {num_post} post periods, but {betas} coefficients")]
    Periods {
        num_pre: usize,
        num_post: usize,
        betas: usize,
    },
    #[error("{restriction} needs at least {needed} pre-period coefficient(s); there are {got}")]
    TooFewPrePeriods {
        restriction: Restriction,
        needed: usize,
        got: usize,
    },
    #[error("there is no post-period coefficient")]
    NoPostPeriod,
    #[error("horizon e={horizon} lies outside the {num_post} post periods")]
    Horizon { horizon: usize, num_post: usize },
    #[error(
        "the event periods must run -{num_pre}..-1 and 1..{num_post} around the base period; found {found}"
    )]
    NotContiguous {
        num_pre: usize,
        num_post: usize,
        found: String,
    },
    #[error(
        "the covariance matrix has a non-finite entry, is not symmetric or has a negative variance"
    )]
    BadCovariance,
    #[error("a coefficient is not finite")]
    BadCoefficient,
    #[error("grid values must be finite and non-negative; got {0}")]
    BadGrid(f64),
    #[error("unknown restriction {0:?} (rm or sd)")]
    UnknownRestriction(String),
    #[error("unknown target {0:?} (average or e=K)")]
    UnknownTarget(String),
    #[error("the worst-case-bias programme of the fixed-length interval failed ({0})")]
    Solver(String),
}

/// Settings of the sensitivity analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct HonestOptions {
    pub restriction: Restriction,
    pub target: Target,
    /// Values of M̄ (or M); `None` takes [`default_grid`].
    pub grid: Option<Vec<f64>>,
    /// Size of the test; the intervals have coverage 1 − alpha.
    pub alpha: f64,
    /// Draws for the least-favourable critical value (the packages use 1000).
    pub lf_draws: usize,
    pub seed: u64,
}

impl Default for HonestOptions {
    fn default() -> Self {
        HonestOptions {
            restriction: Restriction::RelativeMagnitudes,
            target: Target::Average,
            grid: None,
            alpha: 0.05,
            lf_draws: 1000,
            seed: 0,
        }
    }
}

/// The robust confidence set for one value of M̄ (or M). A `None` end with `empty == false`
/// means the set reaches the edge of the searched range (±20 standard errors of the target
/// around zero and around the estimate): unbounded as far as searched, never a made-up number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensitivityRow {
    pub m: f64,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// The test rejects every value of the target: the data contradict the restriction itself.
    pub empty: bool,
}

impl SensitivityRow {
    /// Whether zero lies in the set (unbounded ends included).
    pub fn includes_zero(&self) -> bool {
        !self.empty && self.ci_low.is_none_or(|l| l <= 0.0) && self.ci_high.is_none_or(|h| h >= 0.0)
    }
}

/// The interval under exact parallel trends, l'β̂ ± z_{1−α/2}·se.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OriginalInterval {
    pub estimate: f64,
    pub std_error: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// The sensitivity analysis, serialisable to the CLI's JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HonestDid {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub restriction: Restriction,
    /// M̄ or M.
    pub parameter: &'static str,
    pub method: &'static str,
    pub target: Target,
    pub alpha: f64,
    pub num_pre: usize,
    pub num_post: usize,
    pub rows: Vec<SensitivityRow>,
    pub original: OriginalInterval,
    /// The smallest grid value whose robust set includes zero; `None` when no grid value does.
    /// 0 means the set includes zero even without any violation allowed.
    pub breakdown: Option<f64>,
}

pub const WHAT_IT_TESTS: &str = "Parallel trends, relaxed: how large may the violation be (relative to the pre-period drift, or as a change of slope) before the effect is no longer distinguishable from zero?";
pub const HOW_TO_READ: &str = "Each row is a confidence set that stays valid if the violation is at most M̄ (or M); the breakdown value is the smallest one at which the set includes zero. A small breakdown value means the conclusion rests on parallel trends holding almost exactly.";

/// M̄ = 0, 0.25, …, 2 for relative magnitudes (the packages use 10 points on [0, 2]); for
/// smoothness ten points from 0 to the packages' upper bound on M: the largest pre-period
/// second difference plus z_{1−α}·its SE (`DeltaSD_upperBound_Mpre`), or the first
/// coefficient's SE with one pre period.
pub fn default_grid(
    restriction: Restriction,
    betas: &[f64],
    sigma: &DMatrix<f64>,
    num_pre: usize,
    alpha: f64,
) -> Vec<f64> {
    match restriction {
        Restriction::RelativeMagnitudes => (0..=8).map(|i| i as f64 * 0.25).collect(),
        Restriction::Smoothness => {
            let upper = if num_pre < 2 {
                sigma[(0, 0)].max(0.0).sqrt()
            } else {
                let z = std_normal().inverse_cdf(1.0 - alpha);
                // Second differences of (β_{-num_pre}, …, β_{-1}, 0).
                (0..num_pre - 1)
                    .map(|r| {
                        let mut a = vec![0.0; num_pre];
                        a[r] = 1.0;
                        a[r + 1] = -2.0;
                        if r + 2 < num_pre {
                            a[r + 2] = 1.0;
                        }
                        let diff: f64 = a.iter().zip(betas).map(|(x, b)| x * b).sum();
                        let var = quad(&a, sigma, 0);
                        (diff, var.max(0.0).sqrt())
                    })
                    .flat_map(|(d, se)| [d + z * se, -d + z * se])
                    .fold(f64::NEG_INFINITY, f64::max)
            };
            let upper = if upper.is_finite() && upper > 0.0 {
                upper
            } else {
                0.0
            };
            (0..10).map(|i| upper * i as f64 / 9.0).collect()
        }
    }
}

/// `sigma` from rows (as in JSON), checked square.
pub fn sigma_from_rows(rows: &[Vec<f64>]) -> Result<DMatrix<f64>, HonestError> {
    let n = rows.len();
    if let Some(bad) = rows.iter().find(|r| r.len() != n) {
        return Err(HonestError::Covariance {
            betas: n,
            rows: n,
            cols: bad.len(),
        });
    }
    Ok(DMatrix::from_fn(n, n, |i, j| rows[i][j]))
}

/// The sensitivity analysis from event-study coefficients ordered by their period relative to
/// the base (`relative` < 0 before it, > 0 after it; the base itself is not a coefficient) and
/// the covariance in the same order, e.g. `EventStudy::coefficients` and its `vcov_cluster`.
pub fn honest_did_event_study(
    relative: &[i32],
    estimates: &[f64],
    sigma: &DMatrix<f64>,
    options: &HonestOptions,
) -> Result<HonestDid, HonestError> {
    let num_pre = relative.iter().filter(|&&r| r < 0).count();
    let num_post = relative.len() - num_pre;
    let expected = (-(num_pre as i32)..0).chain(1..=num_post as i32);
    if !relative.iter().copied().eq(expected) {
        return Err(HonestError::NotContiguous {
            num_pre,
            num_post,
            found: format!("{relative:?}"),
        });
    }
    honest_did(estimates, sigma, num_pre, num_post, options)
}

/// The sensitivity analysis of `betas` (pre then post) with covariance `sigma`.
pub fn honest_did(
    betas: &[f64],
    sigma: &DMatrix<f64>,
    num_pre: usize,
    num_post: usize,
    options: &HonestOptions,
) -> Result<HonestDid, HonestError> {
    let n = betas.len();
    if sigma.nrows() != n || sigma.ncols() != n {
        return Err(HonestError::Covariance {
            betas: n,
            rows: sigma.nrows(),
            cols: sigma.ncols(),
        });
    }
    if num_pre + num_post != n {
        return Err(HonestError::Periods {
            num_pre,
            num_post,
            betas: n,
        });
    }
    if num_post == 0 {
        return Err(HonestError::NoPostPeriod);
    }
    // Both restrictions bound the violation by what the pre periods show.
    if num_pre == 0 {
        return Err(HonestError::TooFewPrePeriods {
            restriction: options.restriction,
            needed: 1,
            got: 0,
        });
    }
    if betas.iter().any(|b| !b.is_finite()) {
        return Err(HonestError::BadCoefficient);
    }
    let scale = (0..n).map(|i| sigma[(i, i)].abs()).fold(0.0, f64::max);
    let symmetric = (0..n).all(|i| {
        (0..n).all(|j| (sigma[(i, j)] - sigma[(j, i)]).abs() <= 1e-10 * scale.max(1e-300))
    });
    if sigma.iter().any(|v| !v.is_finite()) || !symmetric || (0..n).any(|i| sigma[(i, i)] < 0.0) {
        return Err(HonestError::BadCovariance);
    }
    let l = match options.target {
        Target::Average => vec![1.0 / num_post as f64; num_post],
        Target::Horizon(k) if (1..=num_post).contains(&k) => {
            let mut l = vec![0.0; num_post];
            l[k - 1] = 1.0;
            l
        }
        Target::Horizon(k) => {
            return Err(HonestError::Horizon {
                horizon: k,
                num_post,
            });
        }
    };
    let grid = match &options.grid {
        Some(g) => g.clone(),
        None => default_grid(options.restriction, betas, sigma, num_pre, options.alpha),
    };
    if let Some(&bad) = grid.iter().find(|m| !m.is_finite() || **m < 0.0) {
        return Err(HonestError::BadGrid(bad));
    }
    let original = original_interval(betas, sigma, num_pre, &l, options.alpha);
    let problem = Problem {
        betas,
        sigma,
        num_pre,
        num_post,
        l: &l,
        alpha: options.alpha,
    };
    let rows = match options.restriction {
        Restriction::RelativeMagnitudes => {
            let normals = splitmix_normals(options.lf_draws * 2 * num_post, options.seed);
            grid.par_iter()
                .map(|&m| problem.rm_row(m, &normals, options.lf_draws, &original))
                .collect::<Vec<_>>()
        }
        Restriction::Smoothness => {
            let flci = Flci::new(&problem)?;
            grid.par_iter()
                .map(|&m| flci.row(&problem, m))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    let breakdown = rows.iter().find(|r| r.includes_zero()).map(|r| r.m);
    Ok(HonestDid {
        what_it_tests: WHAT_IT_TESTS,
        how_to_read: HOW_TO_READ,
        restriction: options.restriction,
        parameter: options.restriction.parameter(),
        method: options.restriction.method(),
        target: options.target,
        alpha: options.alpha,
        num_pre,
        num_post,
        rows,
        original,
        breakdown,
    })
}

fn std_normal() -> Normal {
    Normal::standard()
}

/// a'Σa over the block of Σ starting at `offset`.
fn quad(a: &[f64], sigma: &DMatrix<f64>, offset: usize) -> f64 {
    let mut s = 0.0;
    for (i, ai) in a.iter().enumerate() {
        for (j, aj) in a.iter().enumerate() {
            s += ai * sigma[(offset + i, offset + j)] * aj;
        }
    }
    s
}

fn original_interval(
    betas: &[f64],
    sigma: &DMatrix<f64>,
    num_pre: usize,
    l: &[f64],
    alpha: f64,
) -> OriginalInterval {
    let estimate: f64 = l.iter().zip(&betas[num_pre..]).map(|(a, b)| a * b).sum();
    let std_error = quad(l, sigma, num_pre).max(0.0).sqrt();
    let z = std_normal().inverse_cdf(1.0 - alpha / 2.0);
    OriginalInterval {
        estimate,
        std_error,
        ci_low: estimate - z * std_error,
        ci_high: estimate + z * std_error,
    }
}

struct Problem<'a> {
    betas: &'a [f64],
    sigma: &'a DMatrix<f64>,
    num_pre: usize,
    num_post: usize,
    l: &'a [f64],
    alpha: f64,
}

// ------------------------------------------------------------------------------------------
// Random source shared with the reference script.

/// Standard normal draws: SplitMix64 → uniform (k + 0.5)/2^53 → inverse normal CDF.
fn splitmix_normals(count: usize, seed: u64) -> Vec<f64> {
    let normal = std_normal();
    let mut x = seed;
    (0..count)
        .map(|_| {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            normal.inverse_cdf(((z >> 11) as f64 + 0.5) / (1u64 << 53) as f64)
        })
        .collect()
}

/// Cholesky factor of a positive semi-definite matrix; a column whose pivot is not above
/// 1e-12 × the largest variance is set to zero (the moments' covariance of Δ^RM is singular by
/// construction: the upper and lower row of each post period sum to the same vector).
fn psd_cholesky(s: &DMatrix<f64>) -> DMatrix<f64> {
    let n = s.nrows();
    let mut l = DMatrix::zeros(n, n);
    let tol = 1e-12 * (0..n).map(|i| s[(i, i)]).fold(0.0, f64::max);
    for j in 0..n {
        let d = s[(j, j)] - (0..j).map(|k| l[(j, k)] * l[(j, k)]).sum::<f64>();
        if d <= tol {
            continue;
        }
        let pivot = d.sqrt();
        l[(j, j)] = pivot;
        for i in j + 1..n {
            let dot: f64 = (0..j).map(|k| l[(i, k)] * l[(j, k)]).sum();
            l[(i, j)] = (s[(i, j)] - dot) / pivot;
        }
    }
    l
}

// ------------------------------------------------------------------------------------------
// Relative magnitudes: the conditional-least-favourable hybrid test.

/// The post-period moments of Δ^RM for one choice of the largest pre-period change (period s,
/// sign), as the packages build them (`.create_A_RM`, rows that involve a post period).
///
/// Each post period j has two rows, an upper and a lower one: ±(δ_j − δ_{j−1}) −
/// M̄·(δ_s − δ_{s−1}) ≤ 0 with δ = β − τ. Profiling out the nuisance directions of τ (all τ with
/// l'τ = θ) leaves the test statistic η(y) = min_{η,t} η s.t. each row's moment minus its
/// nuisance t_j is ≤ η·σ_row, with t in the hyperplane c't = 0, c_j = Σ_{k≥j} l_k. For a given
/// η the feasible t_j form a box, so η(y) is the smallest η at which (i) every box is non-empty
/// and (ii) the hyperplane meets the box: the maximum of numPost + 2 linear functions v_k'y.
/// These v_k are the vertices of the dual polytope {λ ≥ 0, σ'λ = 1, X'λ = 0}, which makes the
/// dual solution, the conditioning set [vlo, vup] of the conditional test and each draw of the
/// least-favourable critical value closed-form.
struct RmMoments {
    /// v_k'Y (Y = the moments at θ = 0) and v_k'd (d = their change per unit of θ).
    p: Vec<f64>,
    q: Vec<f64>,
    /// V'Σ_Y V.
    g: DMatrix<f64>,
    lf_cv: f64,
    mod_size: f64,
}

impl Problem<'_> {
    fn rm_moments(
        &self,
        mbar: f64,
        s: i64,
        max_positive: bool,
        normals: &[f64],
        draws: usize,
        c: &[f64],
    ) -> RmMoments {
        let (num_pre, num_post) = (self.num_pre, self.num_post);
        let n = num_pre + num_post;
        // Rows over periods t = −num_pre..num_post including t = 0 (column num_pre).
        let mut v_max = vec![0.0; n + 1];
        let idx = (num_pre as i64 + s - 1) as usize;
        let sign = if max_positive { 1.0 } else { -1.0 };
        v_max[idx] = -sign;
        v_max[idx + 1] = sign;
        let mut rows: Vec<Vec<f64>> = Vec::with_capacity(2 * n);
        for side in [1.0, -1.0] {
            for r in 0..n {
                let bound = if r < num_pre { 1.0 } else { mbar };
                let mut row: Vec<f64> = v_max.iter().map(|v| -bound * v).collect();
                row[r] -= side;
                row[r + 1] += side;
                if row.iter().map(|v| v * v).sum::<f64>() > 1e-10 {
                    row.remove(num_pre);
                    rows.push(row);
                }
            }
        }
        // Keep the rows that involve a post period, in order (the packages' rowsForARP).
        let rows: Vec<Vec<f64>> = rows
            .into_iter()
            .filter(|r| r[num_pre..].iter().any(|&v| v != 0.0))
            .collect();
        let m = rows.len();
        let a = DMatrix::from_fn(m, n, |i, j| rows[i][j]);
        let beta = DVector::from_column_slice(self.betas);
        let y0 = &a * &beta;
        // τ^θ = l/(l'l) has l'τ^θ = 1; any such τ gives the same test (the rest is nuisance).
        let ll: f64 = self.l.iter().map(|v| v * v).sum();
        let dir = DVector::from_fn(m, |i, _| {
            (0..num_post)
                .map(|j| rows[i][num_pre + j] * self.l[j] / ll)
                .sum()
        });
        let sigma_y = &a * self.sigma * a.transpose();
        let sd: Vec<f64> = (0..m).map(|i| sigma_y[(i, i)].max(0.0).sqrt()).collect();
        // For each post period j its lower-bound row (coefficient +1 on δ_j: the nuisance
        // enters with −1) and its upper-bound row.
        let mut lower = vec![usize::MAX; num_post];
        let mut upper = vec![usize::MAX; num_post];
        for (i, row) in rows.iter().enumerate() {
            let j = (0..num_post)
                .rev()
                .find(|&j| row[num_pre + j] != 0.0)
                .expect("post rows only");
            if row[num_pre + j] > 0.0 {
                lower[j] = i;
            } else {
                upper[j] = i;
            }
        }
        let cmax = c.iter().fold(0.0f64, |a, v| a.max(v.abs()));
        let mut vertices: Vec<DVector<f64>> = Vec::with_capacity(num_post + 2);
        for j in 0..num_post {
            let mut v = DVector::zeros(m);
            let w = 1.0 / (sd[lower[j]] + sd[upper[j]]);
            v[lower[j]] = w;
            v[upper[j]] = w;
            vertices.push(v);
        }
        for flip in [false, true] {
            let mut v = DVector::zeros(m);
            for (j, &cj) in c.iter().enumerate() {
                if cj.abs() <= 1e-12 * cmax {
                    continue;
                }
                let row = if (cj > 0.0) != flip {
                    lower[j]
                } else {
                    upper[j]
                };
                v[row] = cj.abs();
            }
            let b: f64 = v.iter().zip(&sd).map(|(x, s)| x * s).sum();
            if b > 0.0 {
                vertices.push(v / b);
            }
        }
        let k = vertices.len();
        let vmat = DMatrix::from_columns(&vertices);
        let p: Vec<f64> = vertices.iter().map(|v| v.dot(&y0)).collect();
        let q: Vec<f64> = vertices.iter().map(|v| v.dot(&dir)).collect();
        let g = vmat.transpose() * &sigma_y * &vmat;
        // Least-favourable critical value: the 1 − κ quantile of η(ξ), ξ = F z.
        let kappa = self.alpha / 10.0;
        let f = psd_cholesky(&sigma_y);
        let w = f.transpose() * &vmat; // m × k: η(Fz) = max_k (F'v_k)'z
        let mut etas: Vec<f64> = normals
            .chunks_exact(m)
            .take(draws)
            .map(|z| {
                (0..k)
                    .map(|col| (0..m).map(|r| w[(r, col)] * z[r]).sum::<f64>())
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect();
        etas.sort_by(f64::total_cmp);
        let lf_cv = quantile_linear(&etas, 1.0 - kappa);
        RmMoments {
            p,
            q,
            g,
            lf_cv,
            mod_size: (self.alpha - kappa) / (1.0 - kappa),
        }
    }

    fn rm_row(
        &self,
        mbar: f64,
        normals: &[f64],
        draws: usize,
        original: &OriginalInterval,
    ) -> SensitivityRow {
        let mut c = vec![0.0; self.num_post];
        let mut acc = 0.0;
        for j in (0..self.num_post).rev() {
            acc += self.l[j];
            c[j] = acc;
        }
        let moments: Vec<RmMoments> = (-(self.num_pre as i64 - 1)..=0)
            .flat_map(|s| [(s, true), (s, false)])
            .map(|(s, pos)| self.rm_moments(mbar, s, pos, normals, draws, &c))
            .collect();
        let accepts = |theta: f64| moments.iter().any(|mo| mo.accepts(theta));
        let sd = original.std_error.max(1e-300);
        let lo = (-20.0 * sd).min(original.estimate - 20.0 * sd);
        let hi = (20.0 * sd).max(original.estimate + 20.0 * sd);
        search_interval(mbar, lo, hi, accepts)
    }
}

impl RmMoments {
    /// The C-LF hybrid test of H0: θ is the target (Andrews, Roth & Pakes, as in the packages'
    /// `.lp_conditional_test_fn` with `hybrid_flag = "LF"`).
    fn accepts(&self, theta: f64) -> bool {
        let (mut kstar, mut eta) = (0, f64::NEG_INFINITY);
        for (k, (p, q)) in self.p.iter().zip(&self.q).enumerate() {
            let v = p - theta * q;
            if v > eta {
                (kstar, eta) = (k, v);
            }
        }
        if eta > self.lf_cv {
            return false;
        }
        let sb2 = self.g[(kstar, kstar)];
        if sb2 < f64::EPSILON {
            return eta <= 0.0;
        }
        let sb = sb2.sqrt();
        // Conditioning set: the values c of the statistic along Σλ/σ² at which λ stays optimal.
        let (mut vlo, mut vup) = (f64::NEG_INFINITY, f64::INFINITY);
        for k in 0..self.p.len() {
            if k == kstar {
                continue;
            }
            let r = self.g[(k, kstar)] / sb2;
            let vs = (self.p[k] - theta * self.q[k]) - r * eta;
            let slope = 1.0 - r;
            if slope > 1e-12 {
                vlo = vlo.max(vs / slope);
            } else if slope < -1e-12 {
                vup = vup.min(vs / slope);
            }
        }
        let (zlo, zup, stat) = (vlo / sb, vup.min(self.lf_cv) / sb, eta / sb);
        // The packages accept when the statistic falls outside its conditioning set (which
        // only rounding can cause here).
        let inside = zlo <= stat && stat <= zup;
        if !inside {
            return true;
        }
        let cval = truncated_normal_quantile(1.0 - self.mod_size, zlo, zup).max(0.0);
        stat <= cval
    }
}

/// numpy's default (linear) quantile of sorted values.
fn quantile_linear(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::INFINITY;
    }
    let pos = (sorted.len() - 1) as f64 * q;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    if i + 1 >= sorted.len() {
        sorted[sorted.len() - 1]
    } else {
        sorted[i] + frac * (sorted[i + 1] - sorted[i])
    }
}

/// The accepted set of a test over [lo, hi]: a grid of 200 points (a step of 0.2 SE of the
/// target; the packages use 1000 over ±20 SE), then bisection at the outermost changes to 1e-8
/// of the range. An end accepted at the edge of the range is `None`.
fn search_interval(m: f64, lo: f64, hi: f64, accepts: impl Fn(f64) -> bool) -> SensitivityRow {
    const POINTS: usize = 200;
    let at = |i: usize| lo + (hi - lo) * i as f64 / (POINTS - 1) as f64;
    let accepted: Vec<usize> = (0..POINTS).filter(|&i| accepts(at(i))).collect();
    let (Some(&first), Some(&last)) = (accepted.first(), accepted.last()) else {
        return SensitivityRow {
            m,
            ci_low: None,
            ci_high: None,
            empty: true,
        };
    };
    let tol = 1e-8 * (hi - lo);
    let bisect = |mut rejected: f64, mut accepted: f64| {
        while (accepted - rejected).abs() > tol {
            let mid = 0.5 * (rejected + accepted);
            if accepts(mid) {
                accepted = mid;
            } else {
                rejected = mid;
            }
        }
        accepted
    };
    SensitivityRow {
        m,
        ci_low: (first > 0).then(|| bisect(at(first - 1), at(first))),
        ci_high: (last < POINTS - 1).then(|| bisect(at(last + 1), at(last))),
        empty: false,
    }
}

/// Quantile p of the standard normal truncated to [a, b] (scipy's `truncnorm.ppf`), computed
/// on the side of the distribution where it does not lose precision.
fn truncated_normal_quantile(p: f64, a: f64, b: f64) -> f64 {
    if a >= b {
        return a;
    }
    let normal = std_normal();
    if a.is_infinite() && b.is_infinite() {
        return normal.inverse_cdf(p);
    }
    if a >= 0.0 {
        // Upper tail: S(x) = S(a) − p·(S(a) − S(b)).
        let (sa, sb) = (normal.sf(a), normal.sf(b));
        if sa > 0.0 {
            let s = sa - p * (sa - sb);
            return (-normal.inverse_cdf(s)).clamp(a, b);
        }
        // Far in the tail the truncated normal is a + Exp(a) truncated at b − a.
        let width = b - a;
        return a - (1.0 - p * (1.0 - (-a * width).exp())).ln() / a;
    }
    if b <= 0.0 {
        return -truncated_normal_quantile(1.0 - p, -b, -a);
    }
    let (fa, fb) = (normal.cdf(a), normal.cdf(b));
    normal.inverse_cdf(fa + p * (fb - fa)).clamp(a, b)
}

// ------------------------------------------------------------------------------------------
// Smoothness: the optimal fixed-length confidence interval.

/// The FLCI θ̂ = l_pre'β̂_pre + l'β̂_post ± half-length, with l_pre chosen to minimise the
/// half-length cv_α(max bias / sd)·sd over Δ^SD(M) (the packages' `findOptimalFLCI`). In the
/// packages' parametrisation, l_pre = w_1, w_2 − w_1, …; the bias is finite only if
/// Σ w = Σ_t t·l_t, and then max bias = M·(constant + Σ_i |Σ_{j≤i} w_j|). For each bound h on the
/// sd the minimal bias is a second-order cone programme; the half-length is minimised over h in
/// [h_min, h_0] (h_min: the least variance; h_0: all weight on the last pre period) by Brent's
/// method.
struct Flci {
    k: usize,
    /// Σ_t t·l_t.
    target_sum: f64,
    constant: f64,
    /// Upper Cholesky factor R with R'R = Σ.
    r: DMatrix<f64>,
    h_min: f64,
    w_min: Vec<f64>,
    h0: f64,
}

impl Flci {
    fn new(p: &Problem) -> Result<Flci, HonestError> {
        let k = p.num_pre;
        let t_l: f64 =
            p.l.iter()
                .enumerate()
                .map(|(t, v)| (t + 1) as f64 * v)
                .sum();
        let mut constant = -t_l;
        let np = p.num_post;
        for s in 1..=np {
            let inner: f64 = (1..=s).map(|j| j as f64 * p.l[np - s + j - 1]).sum();
            constant += inner.abs();
        }
        let r = psd_cholesky(p.sigma).transpose();
        // Least variance: min (Pw + z0)'Σ(Pw + z0) s.t. Σw = t_l, by its KKT system.
        let n = p.num_pre + p.num_post;
        let pmat = DMatrix::from_fn(n, k, |i, j| {
            if i == j {
                1.0
            } else if i == j + 1 && i < k {
                -1.0
            } else {
                0.0
            }
        });
        let z0 = DVector::from_fn(n, |i, _| if i >= k { p.l[i - k] } else { 0.0 });
        let h = pmat.transpose() * p.sigma * &pmat;
        let g = pmat.transpose() * p.sigma * &z0;
        let mut kkt = DMatrix::zeros(k + 1, k + 1);
        kkt.view_mut((0, 0), (k, k)).copy_from(&(&h * 2.0));
        for i in 0..k {
            kkt[(i, k)] = 1.0;
            kkt[(k, i)] = 1.0;
        }
        let mut rhs = DVector::zeros(k + 1);
        for i in 0..k {
            rhs[i] = -2.0 * g[i];
        }
        rhs[k] = t_l;
        let sol = kkt
            .clone()
            .svd(true, true)
            .solve(&rhs, 1e-12)
            .map_err(|e| HonestError::Solver(e.to_string()))?;
        let w_min: Vec<f64> = sol.iter().take(k).copied().collect();
        let variance = |w: &[f64]| {
            let full = &pmat * DVector::from_column_slice(w) + &z0;
            (full.transpose() * p.sigma * &full)[(0, 0)].max(0.0)
        };
        let h_min = variance(&w_min).sqrt();
        let mut w0 = vec![0.0; k];
        w0[k - 1] = t_l;
        let h0 = variance(&w0).sqrt();
        Ok(Flci {
            k,
            target_sum: t_l,
            constant,
            r,
            h_min,
            w_min,
            h0,
        })
    }

    /// The estimator's full weight vector (l_pre, l) from w.
    fn weights(&self, w: &[f64], l: &[f64]) -> Vec<f64> {
        (0..self.k)
            .map(|i| if i == 0 { w[0] } else { w[i] - w[i - 1] })
            .chain(l.iter().copied())
            .collect()
    }

    /// Least worst-case bias (per unit of M) among estimators with sd ≤ h, and its w.
    fn min_bias(&self, l: &[f64], h: f64) -> Result<Option<(f64, Vec<f64>)>, HonestError> {
        let k = self.k;
        let n = self.r.nrows();
        let nvar = 2 * k; // (U, W)
        // Rows: 1 equality, 2k inequalities, 1 + n second-order cone.
        let mrows = 1 + 2 * k + 1 + n;
        let mut dense = DMatrix::<f64>::zeros(mrows, nvar);
        let mut b = vec![0.0; mrows];
        for j in 0..k {
            dense[(0, k + j)] = 1.0;
        }
        b[0] = self.target_sum;
        for i in 0..k {
            // ±cumsum(W)_i − U_i ≤ 0
            dense[(1 + i, i)] = -1.0;
            dense[(1 + k + i, i)] = -1.0;
            for j in 0..=i {
                dense[(1 + i, k + j)] = 1.0;
                dense[(1 + k + i, k + j)] = -1.0;
            }
        }
        // (h, R(Pw + z0)) in the cone: s = b − A x with A = −R P on W, b = (h, R z0).
        let soc = 1 + 2 * k;
        b[soc] = h;
        for row in 0..n {
            // R P: column j of P has +1 at j and −1 at j + 1 (when j + 1 < k).
            for j in 0..k {
                let mut v = self.r[(row, j)];
                if j + 1 < k {
                    v -= self.r[(row, j + 1)];
                }
                dense[(soc + 1 + row, k + j)] = -v;
            }
            b[soc + 1 + row] = (0..l.len()).map(|t| self.r[(row, k + t)] * l[t]).sum();
        }
        let a = csc(&dense);
        let pzero = CscMatrix::<f64>::zeros((nvar, nvar));
        let mut q = vec![0.0; nvar];
        q[..k].fill(1.0);
        let cones = [
            SupportedConeT::ZeroConeT(1),
            SupportedConeT::NonnegativeConeT(2 * k),
            SupportedConeT::SecondOrderConeT(1 + n),
        ];
        let settings = DefaultSettingsBuilder::default()
            .verbose(false)
            .build()
            .map_err(|e| HonestError::Solver(format!("{e:?}")))?;
        let mut solver = DefaultSolver::new(&pzero, &q, &a, &b, &cones, settings)
            .map_err(|e| HonestError::Solver(format!("{e:?}")))?;
        solver.solve();
        match solver.solution.status {
            SolverStatus::Solved | SolverStatus::AlmostSolved => {
                let x = &solver.solution.x;
                let bias = self.constant + x[..k].iter().sum::<f64>();
                Ok(Some((bias, x[k..].to_vec())))
            }
            _ => Ok(None),
        }
    }

    fn row(&self, p: &Problem, m: f64) -> Result<SensitivityRow, HonestError> {
        let alpha = p.alpha;
        let half = |h: f64| -> Result<Option<(f64, Vec<f64>)>, HonestError> {
            Ok(self
                .min_bias(p.l, h)?
                .map(|(bias, w)| (folded_normal_quantile(1.0 - alpha, m * bias / h) * h, w)))
        };
        let (half_length, w) = if m == 0.0 || self.h0 - self.h_min <= 1e-12 * self.h0 {
            // Without bias the least-variance estimator is optimal.
            let z = std_normal().inverse_cdf(1.0 - alpha / 2.0);
            if m == 0.0 {
                (z * self.h_min, self.w_min.clone())
            } else {
                half(self.h0)?.ok_or_else(|| HonestError::Solver("h0 infeasible".into()))?
            }
        } else {
            let f = |h: f64| -> Result<f64, HonestError> {
                Ok(half(h)?.map_or(f64::INFINITY, |(hl, _)| hl))
            };
            // h to 1e-7 of h_0: the half-length is flat at its minimum and the centre moves
            // by far less than the 1e-3 the reference checks.
            let h = brent_minimise(&f, self.h_min, self.h0, 1e-7 * self.h0)?;
            half(h)?.ok_or_else(|| HonestError::Solver("the optimal h is infeasible".into()))?
        };
        let weights = self.weights(&w, p.l);
        let centre: f64 = weights.iter().zip(p.betas).map(|(a, b)| a * b).sum();
        Ok(SensitivityRow {
            m,
            ci_low: Some(centre - half_length),
            ci_high: Some(centre + half_length),
            empty: false,
        })
    }
}

fn csc(dense: &DMatrix<f64>) -> CscMatrix<f64> {
    let (m, n) = dense.shape();
    let mut colptr = Vec::with_capacity(n + 1);
    let mut rowval = Vec::new();
    let mut nzval = Vec::new();
    colptr.push(0);
    for j in 0..n {
        for i in 0..m {
            let v = dense[(i, j)];
            if v != 0.0 {
                rowval.push(i);
                nzval.push(v);
            }
        }
        colptr.push(rowval.len());
    }
    CscMatrix::new(m, n, colptr, rowval, nzval)
}

/// Quantile p of |N(mu, 1)|: the root of Φ(x − mu) − Φ(−x − mu) = p.
fn folded_normal_quantile(p: f64, mu: f64) -> f64 {
    let mu = mu.abs();
    let normal = std_normal();
    let cdf = |x: f64| normal.cdf(x - mu) - normal.cdf(-x - mu);
    let (mut lo, mut hi) = (0.0, mu + 12.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-15 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// Brent's minimisation of a unimodal function on [a, b] (golden section with parabolic steps).
fn brent_minimise(
    f: &impl Fn(f64) -> Result<f64, HonestError>,
    a: f64,
    b: f64,
    tol: f64,
) -> Result<f64, HonestError> {
    const GOLD: f64 = 0.381_966_011_250_105_1;
    let (start, end) = (a, b);
    let (mut a, mut b) = (a, b);
    let mut x = a + GOLD * (b - a);
    let (mut w, mut v) = (x, x);
    let mut fx = f(x)?;
    let (mut fw, mut fv) = (fx, fx);
    let (mut d, mut e) = (0.0f64, 0.0f64);
    for _ in 0..200 {
        let xm = 0.5 * (a + b);
        let tol1 = tol + 1e-10 * x.abs();
        let tol2 = 2.0 * tol1;
        if (x - xm).abs() <= tol2 - 0.5 * (b - a) {
            break;
        }
        let mut golden = true;
        if e.abs() > tol1 {
            let r = (x - w) * (fx - fv);
            let mut q = (x - v) * (fx - fw);
            let mut p = (x - v) * q - (x - w) * r;
            q = 2.0 * (q - r);
            if q > 0.0 {
                p = -p;
            }
            q = q.abs();
            if p.abs() < (0.5 * q * e).abs() && p > q * (a - x) && p < q * (b - x) {
                e = d;
                d = p / q;
                let u = x + d;
                if u - a < tol2 || b - u < tol2 {
                    d = if xm >= x { tol1 } else { -tol1 };
                }
                golden = false;
            }
        }
        if golden {
            e = if x >= xm { a - x } else { b - x };
            d = GOLD * e;
        }
        let u = if d.abs() >= tol1 {
            x + d
        } else {
            x + tol1.copysign(d)
        };
        let fu = f(u)?;
        if fu <= fx {
            if u >= x {
                a = x;
            } else {
                b = x;
            }
            (v, fv, w, fw, x, fx) = (w, fw, x, fx, u, fu);
        } else {
            if u < x {
                a = u;
            } else {
                b = u;
            }
            if fu <= fw || w == x {
                (v, fv, w, fw) = (w, fw, u, fu);
            } else if fu <= fv || v == x || v == w {
                (v, fv) = (u, fu);
            }
        }
    }
    // The half-length is often decreasing right up to h_0 (or increasing from h_min):
    // check the ends too.
    let best = [(x, fx), (start, f(start)?), (end, f(end)?)]
        .into_iter()
        .min_by(|p, q| p.1.total_cmp(&q.1))
        .map(|p| p.0)
        .unwrap_or(x);
    Ok(best)
}

/// The check of the Robustness page: the sensitivity analysis of the comparison's event study
/// at the pre-trend check's frequency (quarterly by default: few enough pre-periods for the
/// district-clustered covariance to be estimable), with that clustered covariance.
pub fn honest_check(
    bundle: &crate::core::bundle::Bundle,
    spec: &crate::core::derive::PanelSpec,
    options: &super::RobustOptions,
) -> Result<HonestDid, super::RobustError> {
    let shared = super::SharedInputs::new(bundle, spec, options);
    honest_of(shared.pretrend_event_study()?, options)
}

/// The sensitivity analysis of a computed event study (the suite's, shared with the
/// pre-trend power), with its clustered covariance.
pub fn honest_of(
    es: &super::EventStudy,
    options: &super::RobustOptions,
) -> Result<HonestDid, super::RobustError> {
    let relative: Vec<i32> = es.coefficients.iter().map(|c| c.relative).collect();
    let estimates: Vec<f64> = es.coefficients.iter().map(|c| c.estimate).collect();
    let data = |e: HonestError| super::RobustError::Data(e.to_string());
    let sigma = sigma_from_rows(&es.vcov_cluster).map_err(data)?;
    honest_did_event_study(
        &relative,
        &estimates,
        &sigma,
        &HonestOptions {
            restriction: options.honest_restriction,
            target: options.honest_target,
            ..HonestOptions::default()
        },
    )
    .map_err(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncated_normal_quantile_matches_the_untruncated_one_and_stays_inside() {
        let n = std_normal();
        for p in [0.01, 0.5, 0.975] {
            let q = truncated_normal_quantile(p, f64::NEG_INFINITY, f64::INFINITY);
            assert!((q - n.inverse_cdf(p)).abs() < 1e-12);
        }
        // Truncated to [1, 2]: the median solves Φ(x) = (Φ(1) + Φ(2))/2.
        let med = truncated_normal_quantile(0.5, 1.0, 2.0);
        let gap = n.cdf(med) - 0.5 * (n.cdf(1.0) + n.cdf(2.0));
        assert!(gap.abs() < 1e-10, "{med} {gap}");
        let far = truncated_normal_quantile(0.9, 40.0, 41.0);
        assert!((40.0..=41.0).contains(&far) && far > 40.0);
        let neg = truncated_normal_quantile(0.5, -2.0, -1.0);
        assert!((neg + med).abs() < 1e-12);
    }

    #[test]
    fn folded_normal_quantile_is_the_normal_one_at_zero_mean() {
        let z = std_normal().inverse_cdf(0.975);
        let f = folded_normal_quantile(0.95, 0.0);
        assert!((f - z).abs() < 1e-9, "{f} vs {z}");
        // Far from zero the fold hardly matters: mu + z_{0.95}.
        let z95 = std_normal().inverse_cdf(0.95);
        assert!((folded_normal_quantile(0.95, 10.0) - (10.0 + z95)).abs() < 1e-9);
    }

    #[test]
    fn psd_cholesky_reproduces_a_singular_matrix() {
        let a = DMatrix::from_row_slice(3, 2, &[1.0, 0.5, -0.2, 1.0, 0.8, 1.3]);
        let s = &a * a.transpose();
        let l = psd_cholesky(&s);
        assert!((&l * l.transpose() - &s).abs().max() < 1e-12);
    }

    #[test]
    fn target_parses_and_prints() {
        assert_eq!("average".parse::<Target>().unwrap(), Target::Average);
        assert_eq!("e=3".parse::<Target>().unwrap(), Target::Horizon(3));
        assert!("e=0".parse::<Target>().is_err());
        assert_eq!(Target::Horizon(2).to_string(), "e=2");
        assert_eq!(
            serde_json::to_string(&Restriction::Smoothness).unwrap(),
            "\"sd\""
        );
    }
}
