//! Randomization inference: the treatment labels re-assigned across units, group size kept.

use super::design::DidDesign;
use super::{Check, RobustError, RobustOptions};
use crate::core::bundle::Bundle;
use crate::core::derive::{self, PanelSpec};
use nalgebra::{DMatrix, DVector};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

/// Permutation distribution of the treatment coefficient's HC1 t statistic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RandomizationInference {
    pub what_it_tests: &'static str,
    pub how_to_read: &'static str,
    pub n: usize,
    pub treated_units: usize,
    pub estimate: f64,
    /// HC1 t of the observed assignment (equals `estimate`'s t).
    pub t: f64,
    /// Two-sided permutation p-value on |t|: exact share when every assignment was enumerated,
    /// else (1 + #{|t_b| ≥ |t|}) / (draws + 1).
    pub p_value: f64,
    /// Number of possible assignments, C(n, n₁) (saturates at u64::MAX).
    pub assignments: u64,
    /// Whether every assignment was enumerated (C(n, n₁) ≤ the draw budget).
    pub exact: bool,
    /// Assignments evaluated (all of them when exact, else the seeded draws).
    pub draws: usize,
    /// Assignments at least as extreme as the observed one.
    pub at_least_as_extreme: usize,
    /// Assignments whose treatment is collinear with the controls (t undefined; counted as
    /// not extreme).
    pub degenerate: usize,
    pub seed: u64,
}

/// Precomputed projection for the Frisch–Waugh shortcut: with Z fixed, the t of any
/// assignment needs only M_Z d, since M_Z y is computed once.
pub struct PermutationEngine {
    /// Orthonormal basis of √w·Z (n × m).
    q: DMatrix<f64>,
    sqrt_w: Vec<f64>,
    /// M_Z √w·y.
    ey: DVector<f64>,
    /// n/(n−k), the HC1 factor of the full model.
    hc1: f64,
}

impl PermutationEngine {
    /// Prepares the projection of `design`'s controls.
    pub fn new(design: &DidDesign) -> PermutationEngine {
        let (y, _, z) = design.scaled();
        let q = z.qr().q();
        let ey = &y - &q * q.tr_mul(&y);
        let (n, k) = (design.n(), design.k());
        PermutationEngine {
            q,
            sqrt_w: design.weights.iter().map(|w| w.sqrt()).collect(),
            ey,
            hc1: n as f64 / (n - k) as f64,
        }
    }

    /// (β, HC1 t) of the treatment when exactly the units `treated` are treated; t is NaN
    /// when that treatment lies in the span of the controls.
    pub fn t_stat(&self, treated: &[usize]) -> (f64, f64) {
        let (n, m) = self.q.shape();
        let mut qd = vec![0.0; m];
        for &i in treated {
            for (j, v) in qd.iter_mut().enumerate() {
                *v += self.sqrt_w[i] * self.q[(i, j)];
            }
        }
        let mut ed = vec![0.0; n];
        for &i in treated {
            ed[i] = self.sqrt_w[i];
        }
        for (j, &c) in qd.iter().enumerate() {
            let col = self.q.column(j);
            for (i, e) in ed.iter_mut().enumerate() {
                *e -= c * col[i];
            }
        }
        let dd: f64 = ed.iter().map(|x| x * x).sum();
        let dy: f64 = ed.iter().zip(self.ey.iter()).map(|(a, b)| a * b).sum();
        let scale = self.sqrt_w.iter().map(|s| s * s).sum::<f64>() / n as f64;
        if dd <= 1e-12 * scale * treated.len().max(1) as f64 {
            return (f64::NAN, f64::NAN);
        }
        let beta = dy / dd;
        let meat: f64 = ed
            .iter()
            .zip(self.ey.iter())
            .map(|(d, y)| (d * (y - beta * d)).powi(2))
            .sum();
        let se = (self.hc1 * meat).sqrt() / dd;
        (beta, beta / se)
    }
}

/// C(n, k), saturating.
pub fn binomial(n: usize, k: usize) -> u64 {
    let k = k.min(n - k.min(n));
    let mut c: u128 = 1;
    for i in 0..k {
        c = c * (n - i) as u128 / (i + 1) as u128;
        if c > u64::MAX as u128 {
            return u64::MAX;
        }
    }
    c as u64
}

/// The assignments to evaluate, produced one at a time so memory stays bounded whatever the
/// draw budget: every k-subset of 0..n in lexicographic order, or seeded random k-subsets
/// from one stream (partial Fisher–Yates), so results do not depend on the number of threads.
enum Assignments {
    All {
        n: usize,
        next: Option<Vec<usize>>,
    },
    Random {
        rng: Box<ChaCha8Rng>,
        pool: Vec<usize>,
        k: usize,
        left: usize,
    },
}

impl Iterator for Assignments {
    type Item = Vec<usize>;
    fn next(&mut self) -> Option<Vec<usize>> {
        match self {
            Assignments::All { n, next } => {
                let current = next.take()?;
                let k = current.len();
                if let Some(i) = (0..k).rev().find(|&i| current[i] != i + *n - k) {
                    let mut following = current.clone();
                    following[i] += 1;
                    for j in i + 1..k {
                        following[j] = following[j - 1] + 1;
                    }
                    *next = Some(following);
                }
                Some(current)
            }
            Assignments::Random { rng, pool, k, left } => {
                if *left == 0 {
                    return None;
                }
                *left -= 1;
                let n = pool.len();
                for i in 0..*k {
                    let j = rng.random_range(i..n);
                    pool.swap(i, j);
                }
                Some(pool[..*k].to_vec())
            }
        }
    }
}

/// Assignments evaluated in parallel per block.
const BLOCK: usize = 16_384;

/// Randomization inference on a ready design (used by the check and the benchmark).
pub fn permutation_test(
    design: &DidDesign,
    draws: usize,
    seed: u64,
) -> Result<RandomizationInference, RobustError> {
    let n = design.n();
    let observed: Vec<usize> = (0..n).filter(|&i| design.treated[i] == 1.0).collect();
    let n1 = observed.len();
    if n1 == 0 || n1 == n {
        return Err(RobustError::Data(
            "randomization inference needs treated and control units".into(),
        ));
    }
    if n <= design.k() {
        return Err(RobustError::Data(format!(
            "too few units: n = {n} for k = {} terms",
            design.k()
        )));
    }
    let (y, x) = design.scaled_full();
    if super::linalg::least_squares(&x, &y).is_none() {
        return Err(RobustError::Data(format!(
            "singular design: the treatment and {} are collinear",
            design.other_names.join(", ")
        )));
    }
    let engine = PermutationEngine::new(design);
    let (estimate, t) = engine.t_stat(&observed);
    if !t.is_finite() {
        return Err(RobustError::Data(
            "the treatment is collinear with the controls".into(),
        ));
    }
    let assignments = binomial(n, n1);
    let exact = assignments <= draws as u64;
    let mut assignments_left = if exact {
        Assignments::All {
            n,
            next: Some((0..n1).collect()),
        }
    } else {
        Assignments::Random {
            rng: Box::new(ChaCha8Rng::seed_from_u64(seed)),
            pool: (0..n).collect(),
            k: n1,
            left: draws,
        }
    };
    // Relative tolerance so that the observed assignment (and exact ties) count as extreme
    // despite rounding in a different summation order.
    let threshold = t.abs() * (1.0 - 1e-9);
    let (mut extreme, mut degenerate, mut evaluated) = (0usize, 0usize, 0usize);
    loop {
        let block: Vec<Vec<usize>> = assignments_left.by_ref().take(BLOCK).collect();
        if block.is_empty() {
            break;
        }
        evaluated += block.len();
        let (e, d) = block
            .par_iter()
            .map(|s| {
                let (_, tb) = engine.t_stat(s);
                if tb.is_nan() {
                    (0usize, 1usize)
                } else {
                    (usize::from(tb.abs() >= threshold), 0)
                }
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        extreme += e;
        degenerate += d;
    }
    let p_value = if exact {
        extreme as f64 / evaluated as f64
    } else {
        (1 + extreme) as f64 / (evaluated + 1) as f64
    };
    Ok(RandomizationInference {
        what_it_tests: Check::Ri.what_it_tests(),
        how_to_read: Check::Ri.how_to_read(),
        n,
        treated_units: n1,
        estimate,
        t,
        p_value,
        assignments,
        exact,
        draws: evaluated,
        at_least_as_extreme: extreme,
        degenerate,
        seed,
    })
}

/// Randomization inference for the DiD of `spec` (same controls and weights as the report).
pub fn randomization_inference(
    bundle: &Bundle,
    spec: &PanelSpec,
    options: &RobustOptions,
) -> Result<RandomizationInference, RobustError> {
    let panel = derive::panel(bundle, spec)?;
    let design = DidDesign::from_panel(&panel, options.weighted)?;
    permutation_test(&design, options.draws, options.seed)
}
