//! The one least-squares kernel behind every regression of wirkung: the report's WLS, the DiD,
//! the dose model and every robustness check (event study, randomization inference, wild
//! bootstrap, leave-one-out).
//!
//! It works on an already √w-scaled design (weighted least squares as ordinary least squares on
//! √W X and √W y, statsmodels `wexog`/`wendog`), stored column-major in buffers the workspace
//! keeps between fits, so that callers refitting in a loop allocate nothing after the first fit.
//!
//! Factorisation: unpivoted Householder QR (LAPACK `dgeqr2`/`dorg2r` conventions), written out
//! here because the designs are small (k ≤ a few dozen) and a general library's per-call
//! allocations cost more than the arithmetic. With X_w = Q R:
//!
//! - coefficients b = R⁻¹ Q' y_w, plus one step of iterative refinement;
//! - (X'WX)⁻¹ = R⁻¹ R⁻ᵀ;
//! - the robust sandwiches are R⁻¹ [Q' diag(s) Q] R⁻ᵀ (statsmodels `_HCCM` with
//!   `pinv_wexog` = R⁻¹ Q'), and the cluster sandwich R⁻¹ [Σ_g t_g t_g'] R⁻ᵀ with
//!   t_g = Σ_{i∈g} e_w,i q_i, which equals (X'WX)⁻¹ Σ_g (X_g'W e_g)(…)' (X'WX)⁻¹. Working in
//!   the orthonormal Q keeps the meat as accurate as the data, so only R⁻¹ carries the design's
//!   condition number.
//!
//! `wls` uses [`LeastSquares::fit_lean`]: for well-conditioned designs (κ₁(R) ≤ 10³, the
//! panels here) it skips forming Q and the refinement step, and HC0/HC1 come from the X-space
//! sandwich. When only classical, HC0 or HC1 covariances are asked for, R comes from the
//! Cholesky factor of the normal equations (half the arithmetic of the reflections); otherwise
//! Q'y and the residuals come from the reflectors. Both keep the κ²·ε rounding of these steps
//! below 1e-10; anything worse conditioned takes the full path above.

use nalgebra::{DMatrix, DVector};

/// Relative size of |R_jj| against the norm of column j below which column j counts as a linear
/// combination of the columns before it: the tolerance of R's `lm` (LINPACK dqrdc2, 1e-7).
///
/// This is the rule of the former WLS engine, kept over the former robustness engine's "1e-10
/// of the largest column norm": a rule relative to the largest column calls a column collinear
/// merely for being small, so NIST Pontius (x up to 3e6, x² up to 9e12 next to a constant of
/// norm 6) would lose its constant, while every robustness reference passes under the
/// per-column rule as well.
pub const COLLINEAR_TOLERANCE: f64 = 1e-7;

/// The 1-norm condition number κ₁(R) above which the coefficients get a step of iterative
/// refinement. Below it, the first solution's forward error (about κ·ε, plus κ²·ε times the
/// relative size of the residuals) stays under 1e-10, a hundred times inside the 1e-8 at which
/// wirkung is checked against statsmodels, so the step (two more passes over the design) is
/// skipped; the panels' designs sit at a few hundred, Longley at about 10⁷ (refined).
pub const REFINEMENT_CONDITION: f64 = 1e3;

/// Leverages of 1 − h below this make HC2/HC3 undefined (0/0: the row is fitted exactly).
const LEVERAGE_ONE_TOLERANCE: f64 = 1e-10;

/// Why a design cannot be solved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KernelError {
    /// Column `column` is (numerically) a linear combination of the columns before it.
    #[error("column {column} of the design is a linear combination of the columns before it")]
    Dependent { column: usize },
    /// n ≤ k: no residual degrees of freedom.
    #[error("too few observations: n = {n} for k = {k} columns (need n > k)")]
    TooFewRows { n: usize, k: usize },
    /// A value whose square overflows, or a NaN, in the design or the outcome.
    #[error("values too large to square in double precision")]
    NotFinite,
    /// HC2/HC3: row `row` has leverage 1, so its residual is zero by construction.
    #[error("row {row} has leverage 1")]
    LeverageOne { row: usize },
    /// CR1 was asked for without the cluster of each row.
    #[error("cluster-robust variance needs the cluster of every row")]
    NoClusters,
}

/// Which robust meat to weight Q's rows with: e_w² (HC0, HC1), e_w²/(1 − h) (HC2),
/// e_w²/(1 − h)² (HC3; statsmodels' definitions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heteroskedastic {
    Hc0,
    Hc2,
    Hc3,
}

/// Stata/fixest CR1 factor: G/(G−1) · (N−1)/(N−K).
pub fn cr1_factor(g: usize, n: usize, k: usize) -> f64 {
    g as f64 / (g as f64 - 1.0) * (n as f64 - 1.0) / (n as f64 - k as f64)
}

/// Whether the CPU has AVX2 with fused multiply-add, the instruction sets of the fast paths
/// (every x86-64 CPU since 2013–2015). The baseline path computes the same fused products in
/// software (`f64::mul_add` is correctly rounded everywhere), so both give the same bits.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
pub(crate) fn has_avx2_fma() -> bool {
    std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma")
}

/// A reusable least-squares workspace: load a √w-scaled design with [`LeastSquares::load`] (or
/// fill it through [`LeastSquares::design_mut`]), then [`LeastSquares::fit`], then ask for
/// covariances. Buffers grow to the largest design seen and are reused.
#[derive(Debug, Clone, Default)]
pub struct LeastSquares {
    n: usize,
    k: usize,
    /// √w-scaled design, n × k column-major, as loaded (the refinement step needs it).
    x: Vec<f64>,
    /// √w-scaled outcome.
    y: Vec<f64>,
    /// Householder factors: R on and above the diagonal, the reflectors' tails below.
    qr: Vec<f64>,
    tau: Vec<f64>,
    /// Thin Q, n × k column-major.
    q: Vec<f64>,
    /// R⁻¹, k × k column-major, upper triangular.
    r_inv: Vec<f64>,
    beta: Vec<f64>,
    /// Q'y_w.
    projection: Vec<f64>,
    /// Weighted residuals y_w − X_w b.
    residuals: Vec<f64>,
    /// The last covariance computed, k × k column-major.
    covariance: Vec<f64>,
    /// Whether `q` holds the thin Q of the last factorisation ([`LeastSquares::fit_lean`]
    /// may leave it out).
    q_formed: bool,
    /// Whether `qr` holds Householder reflectors below R, or only R from the Cholesky factor
    /// of the normal equations ([`LeastSquares::fit_lean`] with `needs_q` false); Q is then
    /// formed by factorising again.
    reflectors: bool,
    /// X'y of the normal equations.
    xty: Vec<f64>,
    meat: Vec<f64>,
    scratch_k: Vec<f64>,
    scratch_n: Vec<f64>,
    scores: Vec<f64>,
}

impl LeastSquares {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sizes the workspace for an n × k design and returns (X_w, y_w) to fill, column-major.
    pub fn design_mut(&mut self, n: usize, k: usize) -> (&mut [f64], &mut [f64]) {
        self.n = n;
        self.k = k;
        self.x.resize(n * k, 0.0);
        self.y.resize(n, 0.0);
        (&mut self.x[..n * k], &mut self.y[..n])
    }

    /// Loads √w·y and √w·x_j for the given unweighted columns (`sqrt_w` = None: unweighted),
    /// skipping row `skip` if given (leave-one-out).
    #[inline(always)]
    pub fn load<'c>(
        &mut self,
        y: &[f64],
        columns: impl ExactSizeIterator<Item = &'c [f64]>,
        sqrt_w: Option<&[f64]>,
        skip: Option<usize>,
    ) {
        let n = y.len() - usize::from(skip.is_some_and(|s| s < y.len()));
        let (x, yw) = self.design_mut(n, columns.len());
        scale_into(yw, y, sqrt_w, skip);
        for (j, column) in columns.enumerate() {
            scale_into(&mut x[j * n..(j + 1) * n], column, sqrt_w, skip);
        }
    }

    pub fn n(&self) -> usize {
        self.n
    }

    pub fn k(&self) -> usize {
        self.k
    }

    /// Column j of the loaded √w-scaled design.
    pub fn design_column(&self, j: usize) -> &[f64] {
        &self.x[j * self.n..(j + 1) * self.n]
    }

    /// The loaded √w-scaled outcome.
    pub fn outcome(&self) -> &[f64] {
        &self.y[..self.n]
    }

    /// Factorises the loaded design and solves for the coefficients and weighted residuals.
    pub fn fit(&mut self) -> Result<(), KernelError> {
        #[cfg(target_arch = "x86_64")]
        if has_avx2_fma() {
            // SAFETY: the CPU has AVX2 and FMA, checked on the line above.
            return unsafe { self.fit_avx2() };
        }
        self.fit_portable()
    }

    /// `fit` compiled for AVX2 and FMA: twice the lanes of the x86-64 baseline (SSE2) for the
    /// dot products and updates, and one instruction per multiply-add. Every sum keeps its
    /// explicit order and every multiply-add is fused on both paths (`mul_add`), so the results
    /// are bit for bit those of the baseline build.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn fit_avx2(&mut self) -> Result<(), KernelError> {
        self.fit_portable()
    }

    #[inline(always)]
    fn fit_portable(&mut self) -> Result<(), KernelError> {
        self.factor()?;
        self.solve();
        Ok(())
    }

    /// `fit` without forming the thin Q when the design is well conditioned (κ₁(R) ≤
    /// [`REFINEMENT_CONDITION`]). With `needs_q` false (the caller asks only for classical,
    /// HC0 or HC1 covariances), R comes from the Cholesky factor of the normal equations X'X:
    /// one pass of k(k + 3)/2 dot products instead of the reflections, about half the
    /// arithmetic; its forward error grows like κ²·ε, under 1e-10 below the condition bound,
    /// which is checked on the R it produced (anything worse, or a pivot that is not clearly
    /// positive, falls through to Householder). Otherwise, Q'y and the residuals come from
    /// applying the Householder reflectors to y. Either way HC0/HC1 come from the X-space
    /// sandwich (see `heteroskedastic`), and Q is formed on demand by the covariances that
    /// need it (HC2, HC3, CR1); [`LeastSquares::q_column`] and the other accessors of Q need
    /// [`LeastSquares::fit`].
    pub fn fit_lean(&mut self, needs_q: bool) -> Result<(), KernelError> {
        #[cfg(target_arch = "x86_64")]
        if has_avx2_fma() {
            // SAFETY: the CPU has AVX2 and FMA, checked on the line above.
            return unsafe { self.fit_lean_avx2(needs_q) };
        }
        self.fit_lean_portable(needs_q)
    }

    /// `fit_lean` for AVX2 and FMA, bit for bit equal to the baseline (see `fit_avx2`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn fit_lean_avx2(&mut self, needs_q: bool) -> Result<(), KernelError> {
        self.fit_lean_portable(needs_q)
    }

    #[inline(always)]
    fn fit_lean_portable(&mut self, needs_q: bool) -> Result<(), KernelError> {
        if !needs_q && self.solve_normal_equations() {
            return Ok(());
        }
        self.reflect()?;
        self.invert_r();
        if self.condition_one() > REFINEMENT_CONDITION {
            self.form_q();
            self.solve();
        } else {
            self.q_formed = false;
            self.solve_by_reflectors();
        }
        Ok(())
    }

    /// b from the normal equations X'X b = X'y by Cholesky (X'X = R'R), the residuals as
    /// y − X b. Returns false, leaving the fit to Householder, when a value is not finite, a
    /// pivot is not above the collinearity tolerance, or κ₁(R) exceeds
    /// [`REFINEMENT_CONDITION`]: only well-conditioned designs are solved here.
    #[inline(always)]
    fn solve_normal_equations(&mut self) -> bool {
        let (n, k) = (self.n, self.k);
        if n <= k {
            return false;
        }
        self.qr.resize(n * k, 0.0);
        self.xty.resize(k, 0.0);
        self.scratch_k.resize(k, 0.0);
        // R over X'X's upper triangle in place, row by row (R_jj² is column j's squared norm
        // less what the columns before it explain).
        for j in 0..k {
            let xj = &self.x[j * n..(j + 1) * n];
            for i in 0..=j {
                self.qr[j * n + i] = dot(&self.x[i * n..(i + 1) * n], xj);
            }
            self.xty[j] = dot(xj, &self.y[..n]);
            self.scratch_k[j] = self.qr[j * n + j];
        }
        for j in 0..k {
            let mut pivot = self.qr[j * n + j];
            for l in 0..j {
                let r = self.qr[j * n + l];
                pivot = (-r).mul_add(r, pivot);
            }
            let squared_norm = self.scratch_k[j];
            if !(pivot.is_finite() && squared_norm.is_finite())
                || pivot <= COLLINEAR_TOLERANCE * COLLINEAR_TOLERANCE * squared_norm
            {
                return false;
            }
            let diagonal = pivot.sqrt();
            self.qr[j * n + j] = diagonal;
            for c in j + 1..k {
                let mut s = self.qr[c * n + j];
                for l in 0..j {
                    s = (-self.qr[j * n + l]).mul_add(self.qr[c * n + l], s);
                }
                self.qr[c * n + j] = s / diagonal;
            }
        }
        self.invert_r();
        if self.condition_one() > REFINEMENT_CONDITION || !self.xty.iter().all(|v| v.is_finite()) {
            return false;
        }
        // Q'y = R⁻ᵀ X'y (forward substitution), then b = R⁻¹ Q'y.
        let mut projection = std::mem::take(&mut self.projection);
        projection.clear();
        for j in 0..k {
            let mut s = self.xty[j];
            for (l, &z) in projection.iter().enumerate() {
                s = (-self.r(l, j)).mul_add(z, s);
            }
            projection.push(s / self.r(j, j));
        }
        let mut beta = std::mem::take(&mut self.beta);
        beta.clear();
        beta.extend_from_slice(&projection);
        self.back_substitute(&mut beta);
        let mut residuals = std::mem::take(&mut self.residuals);
        residuals.clear();
        residuals.extend_from_slice(&self.y[..n]);
        for (j, &b) in beta.iter().enumerate() {
            axpy(-b, &self.x[j * n..(j + 1) * n], &mut residuals);
        }
        self.projection = projection;
        self.beta = beta;
        self.residuals = residuals;
        self.q_formed = false;
        self.reflectors = false;
        true
    }

    /// Forms the thin Q if the last fit left it out (factorising by Householder first if the
    /// fit came from the normal equations).
    pub fn ensure_q(&mut self) {
        if !self.reflectors {
            // The normal equations accepted the design as well conditioned, so the reflection
            // cannot find a dependent column; R may differ from Cholesky's in its rows' signs,
            // which leaves every covariance R⁻¹ (…) R⁻ᵀ unchanged.
            let reflected = self.reflect();
            debug_assert!(reflected.is_ok(), "a well-conditioned design reflects");
            self.invert_r();
        }
        if !self.q_formed {
            self.form_q();
        }
    }

    /// Applies the reflectors H_{k−1} ⋯ H_0 (`forward`) or H_0 ⋯ H_{k−1} to v in place.
    #[inline(always)]
    fn apply_reflectors(&self, v: &mut [f64], forward: bool) {
        let n = self.n;
        let mut apply = |j: usize| {
            let tau = self.tau[j];
            if tau != 0.0 {
                let reflector = &self.qr[j * n + j + 1..(j + 1) * n];
                let s = tau * (v[j] + dot(reflector, &v[j + 1..]));
                v[j] -= s;
                axpy(-s, reflector, &mut v[j + 1..]);
            }
        };
        if forward {
            (0..self.k).for_each(&mut apply);
        } else {
            (0..self.k).rev().for_each(&mut apply);
        }
    }

    /// b = R⁻¹ (Q'y) with Q'y the first k entries of H_{k−1} ⋯ H_0 y, and the residuals
    /// H_0 ⋯ H_{k−1} [0; the rest]: the same projection as `solve`'s y − Q Q'y, without Q.
    #[inline(always)]
    fn solve_by_reflectors(&mut self) {
        let (n, k) = (self.n, self.k);
        let mut rotated = std::mem::take(&mut self.residuals);
        rotated.clear();
        rotated.extend_from_slice(&self.y[..n]);
        self.apply_reflectors(&mut rotated, true);
        self.projection.clear();
        self.projection.extend_from_slice(&rotated[..k]);
        let mut beta = std::mem::take(&mut self.beta);
        beta.clear();
        beta.extend_from_slice(&rotated[..k]);
        self.back_substitute(&mut beta);
        rotated[..k].fill(0.0);
        self.apply_reflectors(&mut rotated, false);
        self.beta = beta;
        self.residuals = rotated;
    }

    /// Householder QR of the loaded design, the thin Q and R⁻¹. Fails at the first column
    /// whose |R_jj| ≤ [`COLLINEAR_TOLERANCE`] · ‖x_j‖ (R_jj depends only on columns 0..=j, so
    /// the first such column is the same whatever follows it).
    #[inline(always)]
    pub fn factor(&mut self) -> Result<(), KernelError> {
        self.reflect()?;
        self.form_q();
        self.invert_r();
        Ok(())
    }

    /// The Householder reflectors and R of the loaded design (see `factor`).
    #[inline(always)]
    fn reflect(&mut self) -> Result<(), KernelError> {
        let (n, k) = (self.n, self.k);
        if n <= k {
            return Err(KernelError::TooFewRows { n, k });
        }
        let norms_finite = dot(&self.y[..n], &self.y[..n]).is_finite();
        self.reflectors = true;
        self.q_formed = false;
        self.qr.clear();
        self.qr.extend_from_slice(&self.x[..n * k]);
        self.tau.resize(k, 0.0);
        self.scratch_k.resize(k, 0.0);
        for j in 0..k {
            let column = &self.qr[j * n..(j + 1) * n];
            self.scratch_k[j] = dot(column, column).sqrt();
        }
        if !norms_finite || self.scratch_k.iter().any(|v| !v.is_finite()) {
            return Err(KernelError::NotFinite);
        }
        for j in 0..k {
            let (left, right) = self.qr.split_at_mut((j + 1) * n);
            let column = &mut left[j * n..];
            let alpha = column[j];
            let tail_ss = dot(&column[j + 1..], &column[j + 1..]);
            let (diagonal, tau) = if tail_ss == 0.0 {
                (alpha, 0.0)
            } else {
                let beta = -(alpha * alpha + tail_ss).sqrt().copysign(alpha);
                let scale = 1.0 / (alpha - beta);
                column[j + 1..].iter_mut().for_each(|v| *v *= scale);
                (beta, (beta - alpha) / beta)
            };
            column[j] = diagonal;
            self.tau[j] = tau;
            let size = diagonal.abs();
            if size.is_nan() || size <= COLLINEAR_TOLERANCE * self.scratch_k[j] {
                return Err(KernelError::Dependent { column: j });
            }
            if tau != 0.0 {
                let v = &column[j + 1..];
                for c in 0..k - j - 1 {
                    let target = &mut right[c * n..(c + 1) * n];
                    let s = tau * (target[j] + dot(v, &target[j + 1..]));
                    target[j] -= s;
                    axpy(-s, v, &mut target[j + 1..]);
                }
            }
        }
        Ok(())
    }

    /// Thin Q = H_0 ⋯ H_{k−1} [I; 0] by backward accumulation (LAPACK `dorg2r`).
    #[inline(always)]
    fn form_q(&mut self) {
        let (n, k) = (self.n, self.k);
        self.q_formed = true;
        // Every entry on or below the diagonal is written below; only the k(k − 1)/2 above it
        // need zeros (H_j touches rows j.. only), not the whole n × k buffer.
        self.q.resize(n * k, 0.0);
        for j in 0..k {
            self.q[j * n..j * n + j].fill(0.0);
        }
        for j in (0..k).rev() {
            let v = &self.qr[j * n + j + 1..(j + 1) * n];
            let tau = self.tau[j];
            let (left, right) = self.q.split_at_mut((j + 1) * n);
            if tau != 0.0 {
                for c in 0..k - j - 1 {
                    let target = &mut right[c * n..(c + 1) * n];
                    let s = tau * (target[j] + dot(v, &target[j + 1..]));
                    target[j] -= s;
                    axpy(-s, v, &mut target[j + 1..]);
                }
            }
            let column = &mut left[j * n..];
            column[j] = 1.0 - tau;
            for (q, &v) in column[j + 1..].iter_mut().zip(v) {
                *q = -tau * v;
            }
        }
    }

    #[inline(always)]
    fn r(&self, i: usize, j: usize) -> f64 {
        self.qr[j * self.n + i]
    }

    /// R⁻¹ column by column (back substitution against the unit vectors).
    #[inline(always)]
    fn invert_r(&mut self) {
        let k = self.k;
        self.r_inv.clear();
        self.r_inv.resize(k * k, 0.0);
        for j in 0..k {
            self.r_inv[j * k + j] = 1.0 / self.r(j, j);
            for i in (0..j).rev() {
                let s: f64 = (i + 1..=j)
                    .map(|l| self.r(i, l) * self.r_inv[j * k + l])
                    .sum();
                self.r_inv[j * k + i] = -s / self.r(i, i);
            }
        }
    }

    /// κ₁(R) = ‖R‖₁ ‖R⁻¹‖₁ (largest column sums of absolute values), from R and the R⁻¹
    /// already computed.
    #[inline(always)]
    fn condition_one(&self) -> f64 {
        let k = self.k;
        let (mut r_norm, mut r_inv_norm) = (0.0f64, 0.0f64);
        for j in 0..k {
            let (mut r_sum, mut r_inv_sum) = (0.0, 0.0);
            for i in 0..=j {
                r_sum += self.r(i, j).abs();
                r_inv_sum += self.r_inv[j * k + i].abs();
            }
            r_norm = r_norm.max(r_sum);
            r_inv_norm = r_inv_norm.max(r_inv_sum);
        }
        r_norm * r_inv_norm
    }

    /// Solves R b = z in place (back substitution).
    #[inline(always)]
    fn back_substitute(&self, z: &mut [f64]) {
        for i in (0..self.k).rev() {
            let s: f64 = (i + 1..self.k).map(|l| self.r(i, l) * z[l]).sum();
            z[i] = (z[i] - s) / self.r(i, i);
        }
    }

    /// Q'v into `out` (k values).
    #[inline(always)]
    fn q_tr_mul(&self, v: &[f64], out: &mut [f64]) {
        let n = self.n;
        for (j, o) in out.iter_mut().enumerate() {
            *o = dot(&self.q[j * n..(j + 1) * n], v);
        }
    }

    /// b = R⁻¹ Q' y, then one step of iterative refinement: solving again for the residual of
    /// the first solution removes part of the back substitution's rounding (Longley: 11.1
    /// digits for the coefficients). The residuals are the projection y − Q Q'y, which does
    /// not pass through b and so keeps its digits however ill-conditioned the design is
    /// (Longley residual SD: 14.4 digits; y − X b from the refined b reaches 13.0).
    #[inline(always)]
    fn solve(&mut self) {
        let (n, k) = (self.n, self.k);
        let mut projection = std::mem::take(&mut self.projection);
        projection.resize(k, 0.0);
        self.q_tr_mul(&self.y[..n], &mut projection);
        let mut beta = std::mem::take(&mut self.beta);
        beta.clear();
        beta.extend_from_slice(&projection);
        self.back_substitute(&mut beta);
        let mut residuals = std::mem::take(&mut self.residuals);
        residuals.clear();
        residuals.extend_from_slice(&self.y[..n]);
        let mut correction = std::mem::take(&mut self.scratch_k);
        if self.condition_one() > REFINEMENT_CONDITION {
            for (j, &b) in beta.iter().enumerate() {
                axpy(-b, &self.x[j * n..(j + 1) * n], &mut residuals);
            }
            correction.resize(k, 0.0);
            self.q_tr_mul(&residuals, &mut correction);
            self.back_substitute(&mut correction);
            for (b, c) in beta.iter_mut().zip(&correction) {
                *b += c;
            }
            residuals.copy_from_slice(&self.y[..n]);
        }
        for (j, &z) in projection.iter().enumerate() {
            axpy(-z, &self.q[j * n..(j + 1) * n], &mut residuals);
        }
        self.beta = beta;
        self.residuals = residuals;
        self.scratch_k = correction;
        self.projection = projection;
    }

    /// The coefficients of the last fit.
    pub fn coefficients(&self) -> &[f64] {
        &self.beta[..self.k]
    }

    /// The weighted residuals y_w − X_w b of the last fit.
    pub fn residuals(&self) -> &[f64] {
        &self.residuals[..self.n]
    }

    /// Column j of the thin Q of the last factorisation.
    pub fn q_column(&self, j: usize) -> &[f64] {
        debug_assert!(self.q_formed, "Q is formed by `fit`, not by `fit_lean`");
        &self.q[j * self.n..(j + 1) * self.n]
    }

    /// v − Q Q'v into `out`: the residual of regressing v on the factorised design (M_X v),
    /// for callers that project several vectors on one design.
    pub fn annihilate(&self, v: &[f64], out: &mut [f64]) {
        out.copy_from_slice(v);
        for j in 0..self.k {
            let column = self.q_column(j);
            axpy(-dot(column, v), column, out);
        }
    }

    /// Row j of the pseudo-inverse (X_w'X_w)⁻¹ X_w' = R⁻¹ Q' into `out` (n values): the
    /// weights with which coefficient j sums the outcome.
    pub fn pseudo_inverse_row(&self, j: usize, out: &mut [f64]) {
        out.fill(0.0);
        for l in j..self.k {
            axpy(self.r_inv[l * self.k + j], self.q_column(l), out);
        }
    }

    /// (X'WX)⁻¹ = R⁻¹ R⁻ᵀ, σ² (X'WX)⁻¹ with σ² = Σ e_w² / (n − k) when `classical`.
    pub fn xtx_inverse(&mut self, classical: bool) -> &[f64] {
        let k = self.k;
        let scale = if classical {
            dot(self.residuals(), self.residuals()) / (self.n - k) as f64
        } else {
            1.0
        };
        self.covariance.clear();
        self.covariance.resize(k * k, 0.0);
        for b in 0..k {
            for a in 0..=b {
                let s: f64 = (b..k)
                    .map(|l| self.r_inv[l * k + a] * self.r_inv[l * k + b])
                    .sum();
                self.covariance[b * k + a] = s * scale;
                self.covariance[a * k + b] = s * scale;
            }
        }
        &self.covariance
    }

    /// Leverages h_ii of the weighted design, the diagonal of the hat matrix Q Q', into the
    /// scratch buffer.
    #[inline(always)]
    fn leverages(&mut self) {
        let n = self.n;
        self.scratch_n.clear();
        self.scratch_n.resize(n, 0.0);
        for j in 0..self.k {
            let column = &self.q[j * n..(j + 1) * n];
            for (h, &q) in self.scratch_n.iter_mut().zip(column) {
                *h += q * q;
            }
        }
    }

    /// factor · R⁻¹ [Q' diag(s) Q] R⁻ᵀ with s from `kind` (see [`Heteroskedastic`]). HC1 is
    /// HC0 with factor n/(n − k).
    pub fn heteroskedastic(
        &mut self,
        kind: Heteroskedastic,
        factor: f64,
    ) -> Result<&[f64], KernelError> {
        #[cfg(target_arch = "x86_64")]
        if has_avx2_fma() {
            // SAFETY: the CPU has AVX2 and FMA, checked on the line above.
            unsafe { self.heteroskedastic_avx2(kind, factor) }?;
            return Ok(&self.covariance);
        }
        self.heteroskedastic_portable(kind, factor)?;
        Ok(&self.covariance)
    }

    /// `heteroskedastic` for AVX2 and FMA, bit for bit equal to the baseline (see `fit_avx2`).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn heteroskedastic_avx2(
        &mut self,
        kind: Heteroskedastic,
        factor: f64,
    ) -> Result<(), KernelError> {
        self.heteroskedastic_portable(kind, factor)
    }

    #[inline(always)]
    fn heteroskedastic_portable(
        &mut self,
        kind: Heteroskedastic,
        factor: f64,
    ) -> Result<(), KernelError> {
        let n = self.n;
        let power = match kind {
            Heteroskedastic::Hc0 => 0,
            Heteroskedastic::Hc2 => 1,
            Heteroskedastic::Hc3 => 2,
        };
        if power == 0 && !self.q_formed {
            self.heteroskedastic_x_space(factor);
            return Ok(());
        }
        self.ensure_q();
        if power > 0 {
            self.leverages();
            if let Some(row) = self.scratch_n.iter().position(|&h| {
                let one_minus = 1.0 - h;
                one_minus.is_nan() || one_minus < LEVERAGE_ONE_TOLERANCE
            }) {
                return Err(KernelError::LeverageOne { row });
            }
            for (s, &e) in self.scratch_n.iter_mut().zip(&self.residuals[..n]) {
                *s = e * e / (1.0 - *s).powi(power);
            }
        } else {
            self.scratch_n.clear();
            self.scratch_n
                .extend(self.residuals[..n].iter().map(|&e| e * e));
        }
        let k = self.k;
        self.meat.clear();
        self.meat.resize(k * k, 0.0);
        let mut weighted = std::mem::take(&mut self.scores);
        weighted.resize(n, 0.0);
        for a in 0..k {
            let qa = &self.q[a * n..(a + 1) * n];
            for ((w, &s), &q) in weighted.iter_mut().zip(&self.scratch_n).zip(qa) {
                *w = s * q;
            }
            for b in a..k {
                let m = dot(&weighted, &self.q[b * n..(b + 1) * n]);
                self.meat[b * k + a] = m;
                self.meat[a * k + b] = m;
            }
        }
        self.scores = weighted;
        self.sandwich(factor);
        Ok(())
    }

    /// HC0 · factor as (X'X)⁻¹ [X' diag(e²) X] (X'X)⁻¹ with the √w-scaled X, for a fit that
    /// left Q out: the meat R⁻ᵀ X' diag(e²) X R⁻¹ equals Q' diag(e²) Q. Only for designs with
    /// κ₁(R) ≤ [`REFINEMENT_CONDITION`]: its rounding grows like κ²·ε (1e-10 there), against
    /// κ·ε for Q's orthonormal columns.
    #[inline(always)]
    fn heteroskedastic_x_space(&mut self, factor: f64) {
        let (n, k) = (self.n, self.k);
        // Scores s_a = e ∘ x_a, column-major n × k; meat_x = X' diag(e²) X = S'S, then
        // left = R⁻ᵀ meat_x, then meat = left R⁻¹.
        let mut scores = std::mem::take(&mut self.scores);
        scores.resize(n * k, 0.0);
        for (sa, xa) in scores[..n * k]
            .chunks_exact_mut(n)
            .zip(self.x[..n * k].chunks_exact(n))
        {
            for ((s, &x), &e) in sa.iter_mut().zip(xa).zip(&self.residuals[..n]) {
                *s = e * x;
            }
        }
        let mut meat_x = std::mem::take(&mut self.meat);
        meat_x.clear();
        meat_x.resize(k * k, 0.0);
        for a in 0..k {
            let sa = &scores[a * n..(a + 1) * n];
            for b in a..k {
                let m = dot(sa, &scores[b * n..(b + 1) * n]);
                meat_x[b * k + a] = m;
                meat_x[a * k + b] = m;
            }
        }
        self.scores = scores;
        let r_inv = |i: usize, j: usize| self.r_inv[j * k + i];
        let mut left = std::mem::take(&mut self.covariance);
        left.clear();
        left.resize(k * k, 0.0);
        for b in 0..k {
            for a in 0..k {
                left[b * k + a] = (0..=a).map(|l| r_inv(l, a) * meat_x[b * k + l]).sum();
            }
        }
        for b in 0..k {
            for a in 0..k {
                meat_x[b * k + a] = (0..=b).map(|l| left[l * k + a] * r_inv(l, b)).sum();
            }
        }
        self.covariance = left;
        self.meat = meat_x;
        self.sandwich(factor);
    }

    /// factor · R⁻¹ [Σ_g t_g t_g'] R⁻ᵀ, t_g = Σ_{i∈g} e_w,i q_i, with `cluster[i]` < `clusters`
    /// the cluster of row i. CR1 uses [`cr1_factor`].
    pub fn clustered(&mut self, cluster: &[usize], clusters: usize, factor: f64) -> &[f64] {
        self.ensure_q();
        let (n, k) = (self.n, self.k);
        // Scores g × k, column-major: column a holds Σ_{i∈g} e_i q_ia for every cluster g.
        self.scores.clear();
        self.scores.resize(clusters * k, 0.0);
        for a in 0..k {
            let qa = &self.q[a * n..(a + 1) * n];
            let scores = &mut self.scores[a * clusters..(a + 1) * clusters];
            for ((&g, &e), &q) in cluster.iter().zip(&self.residuals[..n]).zip(qa) {
                scores[g] += e * q;
            }
        }
        self.meat.clear();
        self.meat.resize(k * k, 0.0);
        for a in 0..k {
            for b in a..k {
                let m = dot(
                    &self.scores[a * clusters..(a + 1) * clusters],
                    &self.scores[b * clusters..(b + 1) * clusters],
                );
                self.meat[b * k + a] = m;
                self.meat[a * k + b] = m;
            }
        }
        self.sandwich(factor);
        &self.covariance
    }

    /// covariance = factor · R⁻¹ meat R⁻ᵀ (R⁻¹ upper triangular, so each sum starts at the
    /// diagonal).
    #[inline(always)]
    fn sandwich(&mut self, factor: f64) {
        let k = self.k;
        let mut left = std::mem::take(&mut self.scratch_n);
        left.clear();
        left.resize(k * k, 0.0);
        // left = R⁻¹ meat.
        for b in 0..k {
            for a in 0..k {
                left[b * k + a] = (a..k)
                    .map(|l| self.r_inv[l * k + a] * self.meat[b * k + l])
                    .sum();
            }
        }
        self.covariance.clear();
        self.covariance.resize(k * k, 0.0);
        // covariance = left R⁻ᵀ: (a, b) = Σ_{l ≥ b} left(a, l) R⁻¹(b, l).
        for b in 0..k {
            for a in 0..k {
                let s: f64 = (b..k)
                    .map(|l| left[l * k + a] * self.r_inv[l * k + b])
                    .sum();
                self.covariance[b * k + a] = factor * s;
            }
        }
        self.scratch_n = left;
    }

    /// The last covariance computed, k × k column-major.
    pub fn covariance(&self) -> &[f64] {
        &self.covariance[..self.k * self.k]
    }

    /// The last covariance computed as a matrix, for callers outside loops.
    pub fn covariance_matrix(&self) -> DMatrix<f64> {
        DMatrix::from_column_slice(self.k, self.k, self.covariance())
    }

    /// The coefficients as a vector, for callers outside loops.
    pub fn coefficient_vector(&self) -> DVector<f64> {
        DVector::from_column_slice(self.coefficients())
    }

    /// The loaded design as a matrix, for callers outside loops.
    pub fn design_matrix(&self) -> DMatrix<f64> {
        DMatrix::from_column_slice(self.n, self.k, &self.x[..self.n * self.k])
    }
}

/// out = √w ∘ v (or v), without row `skip`.
#[inline(always)]
fn scale_into(out: &mut [f64], v: &[f64], sqrt_w: Option<&[f64]>, skip: Option<usize>) {
    let (before, after) = match skip {
        Some(s) if s < v.len() => (&v[..s], &v[s + 1..]),
        _ => (v, &v[v.len()..]),
    };
    let (out_before, out_after) = out.split_at_mut(before.len());
    match sqrt_w {
        None => {
            out_before.copy_from_slice(before);
            out_after.copy_from_slice(after);
        }
        Some(s) => {
            let (s_before, s_after) = match skip {
                Some(i) if i < s.len() => (&s[..i], &s[i + 1..]),
                _ => (s, &s[s.len()..]),
            };
            for ((o, &v), &s) in out_before.iter_mut().zip(before).zip(s_before) {
                *o = s * v;
            }
            for ((o, &v), &s) in out_after.iter_mut().zip(after).zip(s_after) {
                *o = s * v;
            }
        }
    }
}

/// Σ a_i b_i with sixteen partial sums: independent accumulators let the additions overlap (a
/// single running sum waits for each addition in turn), and pairwise combination rounds no
/// worse than the sequential sum. What is left after the blocks of sixteen goes four at a time
/// into the first four sums, then one at a time, so short vectors are not summed serially.
/// Every product is fused with its addition. The AVX2 version keeps the sixteen sums in four
/// vector registers and adds in exactly the same order, so both give the same bits.
#[inline(always)]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, checked on the line above.
        return unsafe { dot_avx2(a, b) };
    }
    dot_portable(a, b)
}

/// Block of `dot`: four groups of four lanes.
const DOT_BLOCK: usize = 16;

fn dot_portable(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [[0.0f64; 4]; 4];
    let mut a_blocks = a.chunks_exact(DOT_BLOCK);
    let mut b_blocks = b.chunks_exact(DOT_BLOCK);
    for (x, y) in a_blocks.by_ref().zip(b_blocks.by_ref()) {
        for (g, group) in acc.iter_mut().enumerate() {
            for (l, lane) in group.iter_mut().enumerate() {
                *lane = x[4 * g + l].mul_add(y[4 * g + l], *lane);
            }
        }
    }
    let mut a_quads = a_blocks.remainder().chunks_exact(4);
    let mut b_quads = b_blocks.remainder().chunks_exact(4);
    for (x, y) in a_quads.by_ref().zip(b_quads.by_ref()) {
        for (l, lane) in acc[0].iter_mut().enumerate() {
            *lane = x[l].mul_add(y[l], *lane);
        }
    }
    let mut tail = 0.0;
    for (x, y) in a_quads.remainder().iter().zip(b_quads.remainder()) {
        tail = x.mul_add(*y, tail);
    }
    let lane = |l: usize| (acc[0][l] + acc[1][l]) + (acc[2][l] + acc[3][l]);
    ((lane(0) + lane(2)) + (lane(1) + lane(3))) + tail
}

/// `dot_portable` in AVX2 registers (the compiler's own vectorisation of it uses half-width
/// registers), in the portable order, with fused multiply-adds as there.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn dot_avx2(a: &[f64], b: &[f64]) -> f64 {
    use std::arch::x86_64::*;
    let mut a_blocks = a.chunks_exact(DOT_BLOCK);
    let mut b_blocks = b.chunks_exact(DOT_BLOCK);
    let mut acc = [_mm256_setzero_pd(); 4];
    for (x, y) in a_blocks.by_ref().zip(b_blocks.by_ref()) {
        for (g, group) in acc.iter_mut().enumerate() {
            // SAFETY: x and y hold DOT_BLOCK = 16 values, so 4g..4g + 4 is in bounds for g < 4.
            let (xv, yv) = unsafe {
                (
                    _mm256_loadu_pd(x.as_ptr().add(4 * g)),
                    _mm256_loadu_pd(y.as_ptr().add(4 * g)),
                )
            };
            *group = _mm256_fmadd_pd(xv, yv, *group);
        }
    }
    let mut a_quads = a_blocks.remainder().chunks_exact(4);
    let mut b_quads = b_blocks.remainder().chunks_exact(4);
    for (x, y) in a_quads.by_ref().zip(b_quads.by_ref()) {
        // SAFETY: chunks of exactly four values.
        let (xv, yv) = unsafe { (_mm256_loadu_pd(x.as_ptr()), _mm256_loadu_pd(y.as_ptr())) };
        acc[0] = _mm256_fmadd_pd(xv, yv, acc[0]);
    }
    let mut tail = 0.0;
    for (x, y) in a_quads.remainder().iter().zip(b_quads.remainder()) {
        tail = x.mul_add(*y, tail);
    }
    let lanes = _mm256_add_pd(_mm256_add_pd(acc[0], acc[1]), _mm256_add_pd(acc[2], acc[3]));
    // (lane 0 + lane 2, lane 1 + lane 3), then their sum.
    let halves = _mm_add_pd(
        _mm256_castpd256_pd128(lanes),
        _mm256_extractf128_pd(lanes, 1),
    );
    let pair = [
        _mm_cvtsd_f64(halves),
        _mm_cvtsd_f64(_mm_unpackhi_pd(halves, halves)),
    ];
    (pair[0] + pair[1]) + tail
}

/// y += a·x, each update one fused multiply-add. Dispatched like `dot`: outside the AVX2
/// functions, `mul_add` on the x86-64 baseline is a library call per element.
#[inline(always)]
fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if has_avx2_fma() {
        // SAFETY: the CPU has AVX2 and FMA, checked on the line above.
        return unsafe { axpy_avx2(a, x, y) };
    }
    axpy_portable(a, x, y);
}

#[inline(always)]
fn axpy_portable(a: f64, x: &[f64], y: &mut [f64]) {
    for (y, &x) in y.iter_mut().zip(x) {
        *y = a.mul_add(x, *y);
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn axpy_avx2(a: f64, x: &[f64], y: &mut [f64]) {
    axpy_portable(a, x, y);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small design with a known least-squares solution computed independently by nalgebra's
    /// SVD, so the hand-written QR is checked against a different factorisation.
    fn design() -> (Vec<f64>, Vec<Vec<f64>>) {
        let x1: Vec<f64> = (0..12)
            .map(|i| (i as f64 * 0.7).sin() * 3.0 + 1.0)
            .collect();
        let x2: Vec<f64> = (0..12).map(|i| (i as f64).powi(2) / 10.0).collect();
        let y: Vec<f64> = (0..12)
            .map(|i| 2.0 - 0.5 * x1[i] + 0.3 * x2[i] + ((i * 7 % 5) as f64 - 2.0) * 0.1)
            .collect();
        (y, vec![vec![1.0; 12], x1, x2])
    }

    #[test]
    fn coefficients_and_residuals_match_an_svd_solution() {
        let (y, columns) = design();
        let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let mut ls = LeastSquares::new();
        ls.load(&y, refs.iter().copied(), None, None);
        ls.fit().unwrap();
        let x = DMatrix::from_fn(12, 3, |i, j| columns[j][i]);
        let svd = x.clone().svd(true, true);
        let b = svd.solve(&DVector::from_column_slice(&y), 1e-14).unwrap();
        for j in 0..3 {
            assert!((ls.coefficients()[j] - b[j]).abs() < 1e-12, "b[{j}]");
        }
        let e = DVector::from_column_slice(&y) - &x * &b;
        for i in 0..12 {
            assert!((ls.residuals()[i] - e[i]).abs() < 1e-12, "e[{i}]");
        }
        // Q is orthonormal and Q R reproduces the design.
        for a in 0..3 {
            for c in 0..3 {
                let qq = dot(ls.q_column(a), ls.q_column(c));
                assert!((qq - f64::from(u8::from(a == c))).abs() < 1e-14);
            }
        }
        let xtx_inv = (x.transpose() * &x).try_inverse().unwrap();
        let ours = ls.xtx_inverse(false).to_vec();
        for a in 0..3 {
            for c in 0..3 {
                let want = xtx_inv[(a, c)];
                assert!((ours[c * 3 + a] - want).abs() < 1e-12 * want.abs().max(1.0));
            }
        }
    }

    #[test]
    fn sandwiches_match_their_textbook_formulas() {
        let (y, columns) = design();
        let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let mut ls = LeastSquares::new();
        ls.load(&y, refs.iter().copied(), None, None);
        ls.fit().unwrap();
        let x = DMatrix::from_fn(12, 3, |i, j| columns[j][i]);
        let bread = (x.transpose() * &x).try_inverse().unwrap();
        let e: Vec<f64> = ls.residuals().to_vec();
        let hat = &x * &bread * x.transpose();
        let check = |ours: &[f64], meat: DMatrix<f64>, factor: f64| {
            let want = &bread * meat * &bread * factor;
            for a in 0..3 {
                for c in 0..3 {
                    let w = want[(a, c)];
                    assert!(
                        (ours[c * 3 + a] - w).abs() < 1e-11 * w.abs().max(1e-3),
                        "({a},{c}): {} vs {w}",
                        ours[c * 3 + a]
                    );
                }
            }
        };
        let meat_with = |s: &dyn Fn(usize) -> f64| {
            DMatrix::from_fn(3, 3, |a, c| {
                (0..12).map(|i| s(i) * x[(i, a)] * x[(i, c)]).sum()
            })
        };
        let hc0 = ls
            .heteroskedastic(Heteroskedastic::Hc0, 1.0)
            .unwrap()
            .to_vec();
        check(&hc0, meat_with(&|i| e[i] * e[i]), 1.0);
        let hc3 = ls
            .heteroskedastic(Heteroskedastic::Hc3, 1.0)
            .unwrap()
            .to_vec();
        check(
            &hc3,
            meat_with(&|i| e[i] * e[i] / (1.0 - hat[(i, i)]).powi(2)),
            1.0,
        );
        let cluster: Vec<usize> = (0..12).map(|i| i % 4).collect();
        let factor = cr1_factor(4, 12, 3);
        let cr1 = ls.clustered(&cluster, 4, factor).to_vec();
        let mut scores = DMatrix::<f64>::zeros(4, 3);
        for i in 0..12 {
            for a in 0..3 {
                scores[(cluster[i], a)] += x[(i, a)] * e[i];
            }
        }
        check(&cr1, scores.transpose() * scores, factor);
    }

    /// The normal-equations path of `fit_lean(false)` agrees with the full Householder fit on
    /// a well-conditioned design, declines an ill-conditioned or collinear one (which then
    /// fails or solves exactly as `fit` does), and forms Q on demand afterwards.
    #[test]
    fn normal_equations_agree_with_householder_and_decline_bad_designs() {
        let (y, columns) = design();
        let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let sqrt_w: Vec<f64> = (0..12).map(|i| (1.0 + i as f64).sqrt()).collect();
        let mut full = LeastSquares::new();
        full.load(&y, refs.iter().copied(), Some(&sqrt_w), None);
        full.fit().unwrap();
        let full_hc0 = full
            .heteroskedastic(Heteroskedastic::Hc0, 1.0)
            .unwrap()
            .to_vec();
        let mut lean = LeastSquares::new();
        lean.load(&y, refs.iter().copied(), Some(&sqrt_w), None);
        lean.fit_lean(false).unwrap();
        assert!(
            !lean.reflectors,
            "this design is solved from the normal equations"
        );
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-10 * b.abs().max(1e-3);
        for j in 0..3 {
            assert!(
                close(lean.coefficients()[j], full.coefficients()[j]),
                "b[{j}]"
            );
        }
        for i in 0..12 {
            assert!(close(lean.residuals()[i], full.residuals()[i]), "e[{i}]");
        }
        let lean_hc0 = lean
            .heteroskedastic(Heteroskedastic::Hc0, 1.0)
            .unwrap()
            .to_vec();
        for (a, b) in lean_hc0.iter().zip(&full_hc0) {
            assert!(close(*a, *b), "HC0 {a} vs {b}");
        }
        // Q on demand: HC3 after the normal equations equals HC3 after the full fit.
        let lean_hc3 = lean
            .heteroskedastic(Heteroskedastic::Hc3, 1.0)
            .unwrap()
            .to_vec();
        let full_hc3 = full
            .heteroskedastic(Heteroskedastic::Hc3, 1.0)
            .unwrap()
            .to_vec();
        for (a, b) in lean_hc3.iter().zip(&full_hc3) {
            assert!(close(*a, *b), "HC3 {a} vs {b}");
        }
        // Collinear: declined, and the reflection names the column as `fit` does.
        let twice: Vec<f64> = columns[1].iter().map(|v| 2.0 * v).collect();
        let collinear: Vec<&[f64]> = vec![&columns[0], &columns[1], &twice];
        lean.load(&y, collinear.iter().copied(), None, None);
        assert_eq!(
            lean.fit_lean(false),
            Err(KernelError::Dependent { column: 2 })
        );
        // Ill-conditioned (κ₁ far above the bound): declined, solved by reflections.
        let big: Vec<f64> = columns[2].iter().map(|v| 1e6 * v).collect();
        let scaled: Vec<&[f64]> = vec![&columns[0], &columns[1], &big];
        lean.load(&y, scaled.iter().copied(), None, None);
        lean.fit_lean(false).unwrap();
        assert!(lean.reflectors, "an ill-conditioned design is reflected");
        assert!(close(
            lean.coefficients()[2] * 1e6,
            full_unweighted(&y, &refs)[2]
        ));
    }

    fn full_unweighted(y: &[f64], columns: &[&[f64]]) -> Vec<f64> {
        let mut ls = LeastSquares::new();
        ls.load(y, columns.iter().copied(), None, None);
        ls.fit().unwrap();
        ls.coefficients().to_vec()
    }

    #[test]
    fn first_dependent_column_is_named_and_rows_can_be_skipped() {
        let (y, columns) = design();
        let twice: Vec<f64> = columns[1].iter().map(|v| 2.0 * v).collect();
        let refs: Vec<&[f64]> = vec![&columns[0], &columns[1], &twice, &columns[2]];
        let mut ls = LeastSquares::new();
        ls.load(&y, refs.iter().copied(), None, None);
        assert_eq!(ls.fit(), Err(KernelError::Dependent { column: 2 }));
        // Leaving row 4 out equals fitting the eleven other rows.
        let refs: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let w: Vec<f64> = (0..12).map(|i| 1.0 + i as f64).collect();
        let sqrt_w: Vec<f64> = w.iter().map(|v| v.sqrt()).collect();
        ls.load(&y, refs.iter().copied(), Some(&sqrt_w), Some(4));
        ls.fit().unwrap();
        let skipped = ls.coefficients().to_vec();
        let keep = |v: &[f64]| -> Vec<f64> {
            v.iter()
                .enumerate()
                .filter(|&(i, _)| i != 4)
                .map(|(_, &x)| x)
                .collect()
        };
        let smaller: Vec<Vec<f64>> = columns.iter().map(|c| keep(c)).collect();
        let refs: Vec<&[f64]> = smaller.iter().map(Vec::as_slice).collect();
        ls.load(&keep(&y), refs.iter().copied(), Some(&keep(&sqrt_w)), None);
        ls.fit().unwrap();
        assert_eq!(ls.n(), 11);
        assert_eq!(skipped, ls.coefficients());
    }
}
