//! Small dense least-squares pieces on already √w-scaled data.

use nalgebra::{DMatrix, DVector};

/// Ordinary least squares on scaled data: coefficients, (X'X)⁻¹ and residuals.
#[derive(Debug, Clone)]
pub(crate) struct LeastSquares {
    pub beta: DVector<f64>,
    pub xtx_inv: DMatrix<f64>,
    pub residuals: DVector<f64>,
}

/// Solves by QR; `None` when X does not have full column rank (relative pivot below 1e-10).
pub(crate) fn least_squares(x: &DMatrix<f64>, y: &DVector<f64>) -> Option<LeastSquares> {
    let (n, k) = x.shape();
    if n <= k {
        return None;
    }
    let qr = x.clone().qr();
    let r = qr.r();
    let scale = (0..k).map(|j| x.column(j).norm()).fold(0.0, f64::max);
    if (0..k).any(|j| r[(j, j)].abs() <= 1e-10 * scale.max(1e-300)) {
        return None;
    }
    let q = qr.q();
    let beta = r.solve_upper_triangular(&q.tr_mul(y))?;
    let r_inv = r.solve_upper_triangular(&DMatrix::identity(k, k))?;
    let xtx_inv = &r_inv * r_inv.transpose();
    let residuals = y - x * &beta;
    Some(LeastSquares {
        beta,
        xtx_inv,
        residuals,
    })
}

/// Cluster-robust sandwich with the given small-sample factor:
/// factor · (X'X)⁻¹ Σ_g s_g s_g' (X'X)⁻¹, s_g = Σ_{i∈g} x_i e_i.
pub(crate) fn clustered(
    x: &DMatrix<f64>,
    e: &DVector<f64>,
    xtx_inv: &DMatrix<f64>,
    cluster: &[usize],
    clusters: usize,
    factor: f64,
) -> DMatrix<f64> {
    let k = x.ncols();
    let mut scores = DMatrix::zeros(clusters, k);
    for (i, &g) in cluster.iter().enumerate() {
        for j in 0..k {
            scores[(g, j)] += x[(i, j)] * e[i];
        }
    }
    let meat = scores.tr_mul(&scores);
    xtx_inv * meat * xtx_inv * factor
}

/// Stata/fixest CR1 factor: G/(G−1) · (N−1)/(N−K).
pub(crate) fn cr1_factor(g: usize, n: usize, k: usize) -> f64 {
    g as f64 / (g as f64 - 1.0) * (n as f64 - 1.0) / (n as f64 - k as f64)
}
