//! Weighted least squares with classical and heteroskedasticity-robust variances, and the
//! two-period DiD of the report (equation 1) on a derived panel.
//!
//! Every regression of wirkung runs on the one least-squares kernel ([`kernel::LeastSquares`]:
//! QR, one rank rule, HC0–HC3 and CR1 covariances) and builds equation 1 with the one panel →
//! design builder ([`PanelDesign`]); the robustness checks use both.

pub mod design;
pub mod did;
pub mod inference;
pub mod kernel;
pub mod power;
pub mod term;
pub mod wls;

pub use design::{MissingMeasure, PanelDesign, Regressor};
pub use did::{DidEstimate, EstimateOptions, GroupMeans, estimate_did, treated_without};
pub use inference::{TInference, TwoSidedTail};
pub use kernel::{Heteroskedastic, KernelError, LeastSquares, cr1_factor};
pub use term::Term;
pub use wls::{ClusterIndex, Coefficient, Fit, wls, wls_clustered};

use serde::{Deserialize, Serialize};

/// Variance estimator of the coefficients. `Hc1` equals Stata's `vce(robust)`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    Default,
    strum_macros::Display,
    strum_macros::EnumString,
    strum_macros::IntoStaticStr,
    strum_macros::VariantArray,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum VarianceType {
    Classical,
    Hc0,
    #[default]
    Hc1,
    Hc2,
    Hc3,
    /// Cluster-robust CR1 (Stata `vce(cluster)`, statsmodels `cov_type="cluster"`): the
    /// clusters' score sums, scaled by G/(G − 1) · (n − 1)/(n − k), with t inference on G − 1
    /// degrees of freedom. Needs the cluster of every row.
    Cr1,
}

impl VarianceType {
    /// Every variance type, in the dashboard's cycling order.
    pub const ALL: &'static [VarianceType] = <VarianceType as strum::VariantArray>::VARIANTS;

    /// The variance types a regression without cluster labels supports (all but CR1).
    pub const UNCLUSTERED: &'static [VarianceType] = &[
        VarianceType::Classical,
        VarianceType::Hc0,
        VarianceType::Hc1,
        VarianceType::Hc2,
        VarianceType::Hc3,
    ];

    /// The variance type as the CLI spells it (`hc1`).
    pub fn id(self) -> &'static str {
        self.into()
    }
}

/// Why a regression cannot be estimated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EstimateError {
    /// The design matrix does not have full column rank; names the terms that are linear
    /// combinations of the terms before them.
    #[error("singular design: {} collinear with the other terms", terms.join(", "))]
    Collinear { terms: Vec<String> },
    #[error("too few observations: n = {n} for k = {k} terms (need n > k)")]
    TooFewObservations { n: usize, k: usize },
    #[error("invalid input: {0}")]
    InvalidInput(String),
}
