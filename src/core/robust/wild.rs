//! Wild cluster bootstrap with the null imposed (WCR; Cameron, Gelbach and Miller 2008;
//! the fast algebra of Roodman et al. 2019), for the few clusters of the report's data:
//! states for BW vs neighbours, government regions within BW.

use super::design::DidDesign;
use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::Bundle;
use crate::core::derive::PanelSpec;
use crate::core::estimate::{LeastSquares, cr1_factor};
use nalgebra::DMatrix;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::collections::BTreeMap;

/// Below this many clusters the default multipliers are Webb's six-point weights: with G
/// clusters Rademacher weights give only 2^G distinct draws (16 for four states), Webb's 6^G
/// (MacKinnon and Webb 2017; Webb 2014; boottest's advice for G < 12).
pub const WEBB_BELOW_CLUSTERS: usize = 12;

/// A |t*| within this relative distance of |t| is a tie and counts as an exceedance
/// (boottest's convention): the constant multiplier vectors reproduce the observed t exactly in
/// theory, and rounding must not decide whether they count.
pub const TIE_TOLERANCE: f64 = 1e-9;

/// Distribution of the cluster multipliers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum BootstrapWeights {
    /// Webb below `WEBB_BELOW_CLUSTERS` clusters, else Rademacher; a result always names the
    /// weights it used, never `auto`.
    #[default]
    Auto,
    /// ±1 with probability ½; enumerated when 2^G < draws (as wildboottest does).
    Rademacher,
    /// Six points ±√(1/2), ±1, ±√(3/2) (Webb 2014), better with very few clusters; enumerated
    /// when 6^G ≤ draws.
    Webb,
}

impl BootstrapWeights {
    /// The weights used with `clusters` clusters (`Auto` resolved).
    pub fn resolve(self, clusters: usize) -> BootstrapWeights {
        match self {
            BootstrapWeights::Auto if clusters < WEBB_BELOW_CLUSTERS => BootstrapWeights::Webb,
            BootstrapWeights::Auto => BootstrapWeights::Rademacher,
            chosen => chosen,
        }
    }
}

/// The wild cluster bootstrap result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WildBootstrap {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub n: usize,
    /// What the clusters are: `state` or `region` (`cluster` for labels given directly).
    pub cluster_by: &'static str,
    pub clusters: Vec<String>,
    /// The multipliers used (`Auto` resolved to Webb or Rademacher).
    pub weights: BootstrapWeights,
    /// Bootstrap draws used (2^G or 6^G when enumerated).
    pub draws: usize,
    pub enumerated: bool,
    pub seed: u64,
    pub estimate: f64,
    /// CR1 standard error, G/(G−1)·(N−1)/(N−K), and its t.
    pub std_error_cr1: f64,
    pub t_cr1: f64,
    /// p from Student's t with G − 1 df, for comparison.
    pub p_value_cr1: f64,
    /// Bootstrap p-value: share of draws with |t*| ≥ |t|, ties within a relative
    /// `TIE_TOLERANCE` counted (boottest's convention). A multiple of `p_resolution`.
    pub p_value: f64,
    /// The step in which the p-value moves, 1/draws: "16 draws: p moves in steps of 1/16".
    /// A p-value of 0 never occurs with enumerated draws (the constant vectors tie).
    pub p_resolution: f64,
    /// 95% interval by test inversion with the same draws: the convex hull of the β₀ whose
    /// bootstrap p-value is at least 0.05; `None` (JSON null) on a side where β₀ at 1000 SE is
    /// still accepted, i.e. no effect size on that side can be rejected.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Both ends of the interval are finite.
    pub ci_bounded: bool,
    /// Clusters that contain treated units, and clusters that contain control units.
    pub treated_clusters: usize,
    pub control_clusters: usize,
    /// Only one cluster contains treated units (BW as one state among four), or only one
    /// contains controls (the same regression with the groups swapped): then no
    /// cluster-robust inference, CR1 or bootstrap, is reliable (MacKinnon and Webb 2017) and
    /// the permutation test (check `ri`) is the reference.
    pub one_treated_cluster: bool,
    /// What limits the result, in words (few distinct draws, unbounded interval, one treated
    /// cluster).
    pub notes: Vec<String>,
}

/// For each draw v, t*(β₀) = Σ_h v_h b_h / √(c Σ_g (Σ_h v_h C_gh)²) with b, C linear in β₀;
/// this keeps the per-draw cost at O(G²) whatever the number of units.
struct WcrAlgebra {
    /// Row of (X'X)⁻¹X' for the treatment.
    a: Vec<f64>,
    /// √w·[d, Z], to apply M_X to each cluster's restricted residuals when building C.
    x: DMatrix<f64>,
    xtx_inv: DMatrix<f64>,
    /// M_Z √w·y and M_Z √w·d: restricted residuals are u(β₀) = uy − β₀·ud.
    uy: Vec<f64>,
    ud: Vec<f64>,
    cluster: Vec<usize>,
    g: usize,
    factor: f64,
    estimate: f64,
    se: f64,
}

impl WcrAlgebra {
    /// b_h and C_gh for the restricted residuals under β = β₀.
    fn pieces(&self, beta0: f64) -> (Vec<f64>, Vec<Vec<f64>>) {
        let n = self.a.len();
        let u: Vec<f64> = (0..n).map(|i| self.uy[i] - beta0 * self.ud[i]).collect();
        let mut b = vec![0.0; self.g];
        let mut c = vec![vec![0.0; self.g]; self.g];
        for h in 0..self.g {
            // Residual of regressing u restricted to cluster h on X: M_X u^(h).
            let uh =
                nalgebra::DVector::from_fn(n, |i, _| if self.cluster[i] == h { u[i] } else { 0.0 });
            let fitted = &self.x * (&self.xtx_inv * self.x.tr_mul(&uh));
            for i in 0..n {
                let e = uh[i] - fitted[i];
                c[self.cluster[i]][h] += self.a[i] * e;
            }
            b[h] = (0..n).map(|i| self.a[i] * uh[i]).sum();
        }
        (b, c)
    }

    /// Bootstrap p-value of H₀: β = β₀ with the multipliers `v` (one row per draw).
    fn p_value(&self, beta0: f64, v: &[Vec<f64>]) -> f64 {
        let (b, c) = self.pieces(beta0);
        let t_obs = ((self.estimate - beta0) / self.se).abs();
        let exceed = v
            .iter()
            .filter(|vb| {
                let num: f64 = (0..self.g).map(|h| vb[h] * b[h]).sum();
                let den: f64 = (0..self.g)
                    .map(|g| (0..self.g).map(|h| vb[h] * c[g][h]).sum::<f64>().powi(2))
                    .sum();
                let t = num / (self.factor * den).sqrt();
                // At least as extreme, ties included: the constant vectors c·(1, …, 1)
                // reproduce the observed t exactly in theory, so they always count and
                // p ≥ 2/2^G (Rademacher) or 6/6^G (Webb); rounding must not decide that.
                t.abs() >= t_obs * (1.0 - TIE_TOLERANCE)
            })
            .count();
        exceed as f64 / v.len() as f64
    }

    /// The outer end of {β₀ : p(β₀) ≥ α} on one side (`direction` ±1). With few clusters
    /// p(β₀) need not fall monotonically away from the estimate (it can plateau near α), so
    /// the search runs inward from ±1000 SE on a geometric grid and refines the outermost
    /// crossing by bisection: the interval is the convex hull of the accepted β₀, and `None`
    /// (unbounded) when β₀ at 1000 SE is still accepted.
    fn bound(&self, v: &[Vec<f64>], direction: f64, alpha: f64) -> Option<f64> {
        let at = |c: f64| self.estimate + direction * c * self.se;
        let mut outside = 1000.0;
        if self.p_value(at(outside), v) >= alpha {
            return None;
        }
        let mut inside = 0.0;
        let mut c = outside * 0.8;
        while c > 1e-3 {
            if self.p_value(at(c), v) >= alpha {
                inside = c;
                break;
            }
            outside = c;
            c *= 0.8;
        }
        for _ in 0..50 {
            let mid = 0.5 * (inside + outside);
            if self.p_value(at(mid), v) >= alpha {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        Some(at(0.5 * (inside + outside)))
    }
}

/// Webb's six points, in wildboottest's order.
const WEBB_POINTS: [f64; 6] = [
    -1.224_744_871_391_589,
    -1.0,
    -std::f64::consts::FRAC_1_SQRT_2,
    std::f64::consts::FRAC_1_SQRT_2,
    1.0,
    1.224_744_871_391_589,
];

/// Cluster multipliers for `g` clusters (`Auto` resolved by `g`): every vector of the
/// distribution's support when that fits the draw budget (Rademacher: 2^G < draws, as
/// wildboottest; Webb: 6^G ≤ draws), else `draws` seeded draws. Returns the draws and whether
/// they are the full enumeration.
pub fn multipliers(
    weights: BootstrapWeights,
    g: usize,
    draws: usize,
    seed: u64,
) -> (Vec<Vec<f64>>, bool) {
    let points: &[f64] = match weights.resolve(g) {
        BootstrapWeights::Webb => &WEBB_POINTS,
        _ => &[-1.0, 1.0],
    };
    let support = u32::try_from(g)
        .ok()
        .and_then(|g| (points.len() as u64).checked_pow(g));
    let enumerate = match (weights.resolve(g), support) {
        (BootstrapWeights::Webb, Some(count)) => count <= draws as u64,
        (_, Some(count)) => count < draws as u64,
        (_, None) => false,
    };
    if let (true, Some(count)) = (enumerate, support) {
        // Same order as itertools.product(points, repeat=G): first cluster slowest.
        let base = points.len() as u64;
        let all = (0..count)
            .map(|code| {
                let mut digits = vec![0.0; g];
                let mut rest = code;
                for h in (0..g).rev() {
                    digits[h] = points[(rest % base) as usize];
                    rest /= base;
                }
                digits
            })
            .collect();
        return (all, true);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let draw = (0..draws)
        .map(|_| {
            (0..g)
                .map(|_| match points.len() {
                    // A fair coin, as the Rademacher draws have always been made.
                    2 => {
                        if rng.random_bool(0.5) {
                            1.0
                        } else {
                            -1.0
                        }
                    }
                    len => points[rng.random_range(0..len)],
                })
                .collect()
        })
        .collect();
    (draw, false)
}

/// The wild cluster bootstrap on a ready design with cluster labels per unit.
pub fn wild_bootstrap_design(
    design: &DidDesign,
    cluster_labels: &[String],
    weights: BootstrapWeights,
    draws: usize,
    seed: u64,
) -> Result<WildBootstrap, RobustError> {
    let names: Vec<String> = cluster_labels
        .iter()
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let g = names.len();
    if g < 2 {
        return Err(RobustError::Data(format!(
            "the wild cluster bootstrap needs at least two clusters; found {g}"
        )));
    }
    let index: BTreeMap<&str, usize> = names
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let cluster: Vec<usize> = cluster_labels.iter().map(|c| index[c.as_str()]).collect();
    let collinear = || RobustError::Data("the design is singular (collinear terms)".into());
    let sqrt_w = design.sqrt_weights();
    let mut ls = LeastSquares::new();
    design.load_full(&mut ls, &sqrt_w);
    ls.fit().map_err(|_| collinear())?;
    let (n, k) = (ls.n(), ls.k());
    let factor = cr1_factor(g, n, k);
    let se = ls.clustered(&cluster, g, factor)[0].max(0.0).sqrt();
    let estimate = ls.coefficients()[0];
    let mut a = vec![0.0; n];
    ls.pseudo_inverse_row(0, &mut a);
    let x = ls.design_matrix();
    let xtx_inv = DMatrix::from_column_slice(k, k, ls.xtx_inverse(false));
    let d = ls.design_column(0).to_vec();
    // Restricted model (β = 0): residuals of √w·y and √w·d on √w·Z.
    design.load_controls(&mut ls, &sqrt_w);
    ls.fit().map_err(|_| collinear())?;
    let uy = ls.residuals().to_vec();
    let mut ud = vec![0.0; n];
    ls.annihilate(&d, &mut ud);
    let algebra = WcrAlgebra {
        a,
        x,
        xtx_inv,
        uy,
        ud,
        cluster,
        g,
        factor,
        estimate,
        se,
    };
    let weights = weights.resolve(g);
    let (v_draws, enumerated) = multipliers(weights, g, draws, seed);
    let p_value = algebra.p_value(0.0, &v_draws);
    let t_cr1 = estimate / se;
    let (ci_low, ci_high) = (
        algebra.bound(&v_draws, -1.0, 0.05),
        algebra.bound(&v_draws, 1.0, 0.05),
    );
    let holding = |treated: bool| -> Vec<&str> {
        let mut held = vec![false; g];
        for (i, &c) in algebra.cluster.iter().enumerate() {
            if (design.treated[i] > 0.5) == treated {
                held[c] = true;
            }
        }
        (0..g)
            .filter(|&c| held[c])
            .map(|c| names[c].as_str())
            .collect()
    };
    let (treated_in, control_in) = (holding(true), holding(false));
    let one_treated_cluster = treated_in.len() == 1 || control_in.len() == 1;
    let mut notes = Vec::new();
    if one_treated_cluster {
        let (side, only) = if treated_in.len() == 1 {
            ("treated", treated_in[0])
        } else {
            ("control", control_in[0])
        };
        notes.push(format!(
            "only one cluster ({only}) contains {side} units: with one treated cluster no \
             cluster-robust inference, CR1 or this bootstrap, is reliable (MacKinnon and Webb \
             2017); the permutation test (ri) is the reference"
        ));
    }
    let count = v_draws.len();
    if enumerated {
        let constant = if weights == BootstrapWeights::Webb {
            6
        } else {
            2
        };
        notes.push(format!(
            "{count} draws (all {weights:?} vectors of {g} clusters): p moves in steps of \
             1/{count} and is at least {constant}/{count}, since the constant vectors reproduce \
             the observed t"
        ));
    } else {
        notes.push(format!(
            "{count} random draws: p moves in steps of 1/{count}"
        ));
    }
    if weights == BootstrapWeights::Rademacher && g < WEBB_BELOW_CLUSTERS {
        notes.push(format!(
            "Rademacher weights with {g} clusters allow only {} distinct draws; Webb's six-point \
             weights are the default below {WEBB_BELOW_CLUSTERS} clusters",
            1u64.checked_shl(g as u32).unwrap_or(u64::MAX)
        ));
    }
    let ci_bounded = ci_low.is_some() && ci_high.is_some();
    if !ci_bounded {
        notes.push(
            "the interval is unbounded on a side: no effect size there can be rejected at 5% with these clusters".into(),
        );
    }
    let p_value_cr1 = StudentsT::new(0.0, 1.0, (g - 1) as f64)
        .map(|t| 2.0 * t.sf(t_cr1.abs()))
        .unwrap_or(f64::NAN);
    Ok(WildBootstrap {
        what_it_tests: Check::Wild.what_it_tests(),
        how_to_read: Check::Wild.how_to_read(),
        n,
        cluster_by: "cluster",
        weights,
        draws: count,
        enumerated,
        seed,
        estimate,
        std_error_cr1: se,
        t_cr1,
        p_value_cr1,
        p_value,
        p_resolution: 1.0 / count as f64,
        ci_low,
        ci_high,
        ci_bounded,
        treated_clusters: treated_in.len(),
        control_clusters: control_in.len(),
        one_treated_cluster,
        notes,
        clusters: names,
    })
}

/// WCR bootstrap of the treatment coefficient of `spec`'s DiD, clusters = states (BW vs
/// neighbours) or government regions (within BW; municipalities by their district's region),
/// as the panel records them.
pub fn wild_bootstrap(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<WildBootstrap, RobustError> {
    wild_bootstrap_in(&SharedInputs::new(bundle, spec, options))
}

/// `wild_bootstrap` on inputs shared with the other checks of a suite; the clusters are the
/// panel's (states or government regions).
pub(crate) fn wild_bootstrap_in(shared: &SharedInputs) -> Result<WildBootstrap, RobustError> {
    let options = shared.options;
    let panel = shared.panel()?;
    let design = DidDesign::from_panel(panel, options.weighted)?;
    let cluster_by = panel.cluster_by.column();
    let labels = panel
        .rows
        .iter()
        .map(|r| {
            r.cluster.clone().ok_or_else(|| {
                RobustError::Data(format!(
                    "districts, column '{cluster_by}': unit {} ({}) has no value, so it has no cluster",
                    r.unit_id, r.name
                ))
            })
        })
        .collect::<Result<Vec<String>, _>>()?;
    let mut result = wild_bootstrap_design(
        &design,
        &labels,
        options.bootstrap_weights,
        options.draws,
        options.seed,
    )?;
    result.cluster_by = cluster_by;
    Ok(result)
}
