//! Randomization inference: the treatment labels re-assigned across units, group size kept.

use super::design::DidDesign;
use super::{Check, RobustError, RobustOptions, SharedInputs};
use crate::core::bundle::Bundle;
use crate::core::derive::PanelSpec;
use crate::core::estimate::LeastSquares;
use crate::core::estimate::kernel::dot;
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
    n: usize,
    /// Orthonormal basis of √w·Z, n × m column-major (the kernel's thin Q).
    q: Vec<f64>,
    sqrt_w: Vec<f64>,
    /// M_Z √w·y.
    ey: Vec<f64>,
    /// n/(n−k), the HC1 factor of the full model.
    hc1: f64,
    /// Mean weight: the scale of ‖M_Z d‖² below which a treatment counts as lying in the span
    /// of the controls.
    mean_weight: f64,
}

/// Buffers of one thread's t statistics, so that evaluating an assignment allocates nothing.
pub struct PermutationScratch {
    qd: Vec<f64>,
    ed: Vec<f64>,
}

impl PermutationEngine {
    /// Prepares the projection of `design`'s controls; fails when the controls are collinear.
    pub fn new(design: &DidDesign) -> Result<PermutationEngine, RobustError> {
        let sqrt_w = design.sqrt_weights();
        let mut ls = LeastSquares::new();
        design.load_controls(&mut ls, &sqrt_w);
        ls.fit().map_err(|_| {
            RobustError::Data(format!(
                "singular design: {} are collinear",
                design.other_names.join(", ")
            ))
        })?;
        let (n, k) = (design.n(), design.k());
        let q = (0..ls.k()).flat_map(|j| ls.q_column(j).to_vec()).collect();
        Ok(PermutationEngine {
            n,
            q,
            ey: ls.residuals().to_vec(),
            mean_weight: design.weights.iter().sum::<f64>() / n as f64,
            sqrt_w,
            hc1: n as f64 / (n - k) as f64,
        })
    }

    /// Buffers for [`PermutationEngine::t_stat_in`].
    pub fn scratch(&self) -> PermutationScratch {
        PermutationScratch {
            qd: vec![0.0; self.q.len() / self.n],
            ed: vec![0.0; self.n],
        }
    }

    /// (β, HC1 t) of the treatment when exactly the units `treated` are treated; t is NaN
    /// when that treatment lies in the span of the controls.
    pub fn t_stat(&self, treated: &[usize]) -> (f64, f64) {
        self.t_stat_in(treated, &mut self.scratch())
    }

    /// [`PermutationEngine::t_stat`] in the caller's buffers.
    pub fn t_stat_in(&self, treated: &[usize], scratch: &mut PermutationScratch) -> (f64, f64) {
        let n = self.n;
        let PermutationScratch { qd, ed } = scratch;
        for (j, v) in qd.iter_mut().enumerate() {
            let column = &self.q[j * n..(j + 1) * n];
            *v = treated.iter().map(|&i| self.sqrt_w[i] * column[i]).sum();
        }
        ed.fill(0.0);
        for &i in treated {
            ed[i] = self.sqrt_w[i];
        }
        for (j, &c) in qd.iter().enumerate() {
            let column = &self.q[j * n..(j + 1) * n];
            for (e, &q) in ed.iter_mut().zip(column) {
                *e -= c * q;
            }
        }
        let dd = dot(ed, ed);
        let dy = dot(ed, &self.ey);
        if dd <= 1e-12 * self.mean_weight * treated.len().max(1) as f64 {
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
        /// The next subset to hand out; `None` after the last one.
        next: Option<Vec<usize>>,
    },
    Random {
        rng: Box<ChaCha8Rng>,
        pool: Vec<usize>,
        k: usize,
        left: usize,
    },
}

impl Assignments {
    /// Appends the next assignment's treated units to `out`; false when none is left.
    fn push_next(&mut self, out: &mut Vec<usize>) -> bool {
        match self {
            Assignments::All { n, next } => {
                let Some(current) = next else {
                    return false;
                };
                out.extend_from_slice(current);
                let k = current.len();
                match (0..k).rev().find(|&i| current[i] != i + *n - k) {
                    Some(i) => {
                        current[i] += 1;
                        for j in i + 1..k {
                            current[j] = current[j - 1] + 1;
                        }
                    }
                    None => *next = None,
                }
                true
            }
            Assignments::Random { rng, pool, k, left } => {
                if *left == 0 {
                    return false;
                }
                *left -= 1;
                let n = pool.len();
                for i in 0..*k {
                    let j = rng.random_range(i..n);
                    pool.swap(i, j);
                }
                out.extend_from_slice(&pool[..*k]);
                true
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
    let mut ls = LeastSquares::new();
    design.load_full(&mut ls, &design.sqrt_weights());
    if ls.fit().is_err() {
        return Err(RobustError::Data(format!(
            "singular design: the treatment and {} are collinear",
            design.other_names.join(", ")
        )));
    }
    let engine = PermutationEngine::new(design)?;
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
    // One flat buffer of BLOCK assignments (n₁ units each), reused block after block.
    let mut block: Vec<usize> = Vec::with_capacity(BLOCK * n1);
    loop {
        block.clear();
        let mut drawn = 0;
        while drawn < BLOCK && assignments_left.push_next(&mut block) {
            drawn += 1;
        }
        if drawn == 0 {
            break;
        }
        evaluated += drawn;
        let (e, d) = block
            .par_chunks(n1)
            .map_init(
                || engine.scratch(),
                |scratch, s| {
                    let (_, tb) = engine.t_stat_in(s, scratch);
                    if tb.is_nan() {
                        (0usize, 1usize)
                    } else {
                        (usize::from(tb.abs() >= threshold), 0)
                    }
                },
            )
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
    randomization_inference_in(&SharedInputs::new(bundle, spec, options))
}

/// `randomization_inference` on inputs shared with the other checks of a suite.
pub(crate) fn randomization_inference_in(
    shared: &SharedInputs,
) -> Result<RandomizationInference, RobustError> {
    let options = shared.options;
    let panel = shared.panel()?;
    let design = DidDesign::from_panel(panel, options.weighted)?;
    permutation_test(&design, options.draws, options.seed)
}
