//! Robustness checks beyond the report's two-period DiD: pre-trends, placebo timing,
//! randomization inference, wild cluster bootstrap, leave-one-out, continuous treatment and
//! staggered adoption. One function per check: `(&Bundle, &PanelSpec, &RobustOptions)` to a
//! serialisable result that carries a one-line `what_it_tests` and `how_to_read`.

pub mod bacon;
pub mod cohort_panel;
pub mod design;
pub mod dose;
pub mod event_study;
pub mod honest;
pub mod imputation;
pub mod loo;
pub mod placebo;
pub mod pretrend_power;
pub mod ri;
pub mod sdid;
pub mod shared;
pub mod spillover;
pub mod staggered;
pub mod suite;
pub mod sun_abraham;
pub mod wild;

pub use dose::{DoseResult, dose};
pub use event_study::{EventStudy, Frequency, event_study};
pub use imputation::{Imputation, imputation, two_stage};
pub use loo::{LeaveOneOut, leave_one_out};
pub use placebo::{PlaceboResult, placebo};
pub use pretrend_power::{PretrendPower, PretrendVariance, pretrend_power, pretrend_power_of};
pub use ri::{RandomizationInference, randomization_inference};
pub use shared::SharedInputs;
pub use spillover::{Spillover, spillover};
pub use staggered::{Staggered, staggered};
pub use suite::RobustSuite;
pub use sun_abraham::{SunAbraham, sun_abraham};
pub use wild::{BootstrapWeights, WildBootstrap, wild_bootstrap};

use crate::core::derive::DeriveError;
use crate::core::estimate::EstimateError;
use crate::core::period::Month;
use serde::Serialize;

/// The robustness checks, as the CLI names them (`event-study`, `ri` ...).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    strum_macros::Display,
    strum_macros::IntoStaticStr,
    strum_macros::VariantArray,
    clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum Check {
    EventStudy,
    Placebo,
    Ri,
    Wild,
    Loo,
    Dose,
    Staggered,
    PretrendPower,
    Honest,
    // Event-time estimators on the staggered-start panel (cohort_panel.rs).
    SunAbraham,
    Imputation,
    TwoStage,
    Bacon,
    Sdid,
    Spillover,
}

impl Check {
    /// Every check, in the page's order.
    pub const ALL: &'static [Check] = <Check as strum::VariantArray>::VARIANTS;

    /// The check's name on the command line (`event-study`).
    pub fn id(self) -> &'static str {
        self.into()
    }
    /// One line: the threat to the DiD this check addresses.
    pub fn what_it_tests(self) -> &'static str {
        match self {
            Check::EventStudy => {
                "Parallel trends: did the groups already drift apart before the programme (pre-period coefficients)?"
            }
            Check::Placebo => {
                "Spurious effects: does the same DiD find an 'effect' between two months before the programme started?"
            }
            Check::Ri => {
                "Inference without large-sample theory: how unusual is the estimate among all re-assignments of the treatment labels?"
            }
            Check::Wild => {
                "Inference with few clusters: is the estimate significant when errors may be correlated within states or regions?"
            }
            Check::Loo => "Influential units: does the estimate hinge on one district?",
            Check::Dose => {
                "Arbitrary median split: does the outcome change with the measure itself, not just above/below the median?"
            }
            Check::Staggered => {
                "Staggered starts: effects by start cohort and months since start, compared only with districts not yet started (Callaway-Sant'Anna)."
            }
            Check::Honest => honest::WHAT_IT_TESTS,
            Check::Spillover => {
                "Spillover: does BW vs neighbours change without the neighbouring districts that border BW (commuting, moves)?"
            }
            Check::PretrendPower => {
                "Power of the pre-trend test: which linear drift before the programme would the district-clustered pre-test have detected (Roth 2022)?"
            }
            Check::SunAbraham => {
                "Staggered starts: effects by months since start, each start cohort compared only with the last-started cohort and averaged by cohort share (Sun-Abraham), against the two-way FE event study that mixes them."
            }
            Check::Imputation => {
                "Staggered starts: district and month effects fitted on months before start only, each treated month's untreated rate imputed, effects averaged by months since start (Borusyak-Jaravel-Spiess)."
            }
            Check::TwoStage => {
                "Staggered starts: the imputation estimate as a two-stage regression (Gardner), with standard errors that account for the estimated first stage."
            }
            Check::Bacon => {
                "Staggered starts in two-way fixed effects: which 2×2 comparisons make up the TWFE DiD, and how much weight do the 'forbidden' ones (later vs already-treated districts) carry (Goodman-Bacon 2021)?"
            }
            Check::Sdid => {
                "Parallel trends by construction: does BW still differ from a weighted set of neighbouring districts whose path matched BW's before the programme (synthetic DiD, Arkhangelsky et al. 2021)?"
            }
        }
    }
    /// One line: how to read the result.
    pub fn how_to_read(self) -> &'static str {
        match self {
            Check::EventStudy => {
                "Pre-period coefficients far from zero speak against parallel trends; coefficients near zero do not prove them (see the pre-trend power). Post-period coefficients trace the effect over time."
            }
            Check::Placebo => {
                "A placebo estimate near zero with a large p-value is reassuring; a 'significant' placebo means the groups differ in trend anyway."
            }
            Check::Ri => {
                "The permutation p-value is the share of re-assignments whose |t| is at least the observed |t|; small means the estimate is unusual."
            }
            Check::Wild => {
                "The bootstrap p-value moves in steps of 1/draws and an interval may be unbounded; with one treated cluster no cluster-robust p-value is reliable and the permutation test is the reference."
            }
            Check::Loo => {
                "A narrow range means no single district drives the estimate; the listed districts move it most."
            }
            Check::Dose => {
                "The slope is the change in the outcome (percentage points) per unit of the measure, holding the controls fixed."
            }
            Check::Staggered => {
                "ATT(g,t) before a cohort's start should be near zero; the event-time curve and the overall ATT summarise the effect after start."
            }
            Check::Honest => honest::HOW_TO_READ,
            Check::Spillover => {
                "Positive spillover to the bordering controls would pull the full estimate towards zero and the estimate without them further from it; a shift well inside the standard errors says the border districts do not drive the estimate."
            }
            Check::PretrendPower => {
                "A rejection means the groups already drifted apart; a non-rejection means only that no drift as large as the slope with 80% power was there to see."
            }
            Check::SunAbraham => {
                "Leads (negative months) near zero support parallel trends; where the TWFE curve departs from Sun-Abraham, effects differ across cohorts and TWFE's forbidden comparisons bias it."
            }
            Check::Imputation | Check::TwoStage => {
                "The overall ATT averages every treated district-month; imputation and two-stage give the same points and differ only in the standard error convention."
            }
            Check::Bacon => {
                "The TWFE coefficient is the weighted mean of the 2×2 estimates; much weight on later-vs-earlier comparisons whose estimates differ from the clean ones means TWFE is biased by effects that change over time."
            }
            Check::Sdid => {
                "The ATT compares BW with its synthetic control after the base month; the placebo SE comes from neighbours pretending to be treated. Few neighbours with large weights mean the comparison rests on them."
            }
        }
    }
}

/// The result of any check, for callers that hold the check as a value (the dashboard).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CheckResult {
    EventStudy(EventStudy),
    Placebo(PlaceboResult),
    Ri(RandomizationInference),
    Wild(WildBootstrap),
    Loo(LeaveOneOut),
    Dose(DoseResult),
    Staggered(Staggered),
    PretrendPower(PretrendPower),
    Honest(honest::HonestDid),
    SunAbraham(SunAbraham),
    Imputation(Imputation),
    TwoStage(Imputation),
    Bacon(bacon::BaconDecomposition),
    Sdid(sdid::SyntheticDid),
    Spillover(Spillover),
}

/// Runs `check` on the comparison of `spec`.
pub fn run(
    check: Check,
    bundle: &crate::core::bundle::Bundle,
    spec: &crate::core::derive::PanelSpec,
    options: &RobustOptions,
) -> Result<CheckResult, RobustError> {
    run_in(check, &SharedInputs::new(bundle, spec, options))
}

/// Runs `check` on inputs shared with the other checks of a suite.
pub fn run_in(check: Check, shared: &SharedInputs) -> Result<CheckResult, RobustError> {
    let (bundle, spec, options) = (shared.bundle, shared.spec, shared.options);
    Ok(match check {
        Check::EventStudy => {
            let mut es = event_study::event_study_in(shared, options.frequency)?;
            // The main pre-trend test is the clustered one at the pre-trend frequency
            // (quarterly by default, where every comparison has fewer pre-periods than
            // districts): it leads the row whatever frequency the plot shows.
            if options.pretrend_frequency != es.frequency
                && let Ok(q) = shared.pretrend_event_study()
                && let Some(test) = &q.pre_trend_cluster
            {
                es.pre_trend_clustered_at = Some(event_study::ClusteredPretrend {
                    frequency: q.frequency,
                    base_period: q.base_period.clone(),
                    pre_periods: q.coefficients.iter().filter(|c| c.relative < 0).count(),
                    test: test.clone(),
                });
            }
            CheckResult::EventStudy(es)
        }
        Check::Placebo => CheckResult::Placebo(placebo::placebo_in(shared)?),
        Check::Ri => CheckResult::Ri(ri::randomization_inference_in(shared)?),
        Check::Wild => CheckResult::Wild(wild::wild_bootstrap_in(shared)?),
        Check::Loo => CheckResult::Loo(loo::leave_one_out_in(shared)?),
        Check::Dose => CheckResult::Dose(dose::dose_in(shared)?),
        Check::Staggered => CheckResult::Staggered(staggered(bundle, spec, options)?),
        Check::PretrendPower => {
            CheckResult::PretrendPower(pretrend_power_of(shared.pretrend_event_study()?)?)
        }
        Check::Honest => {
            CheckResult::Honest(honest::honest_of(shared.pretrend_event_study()?, options)?)
        }
        Check::SunAbraham => {
            CheckResult::SunAbraham(sun_abraham::sun_abraham_of(shared.cohort_panel()?)?)
        }
        Check::Imputation => CheckResult::Imputation(shared.imputations()?.0.clone()),
        Check::TwoStage => CheckResult::TwoStage(shared.imputations()?.1.clone()),
        Check::Bacon => CheckResult::Bacon(bacon::bacon_in(shared)?),
        Check::Sdid => CheckResult::Sdid(sdid::sdid_in(shared)?),
        Check::Spillover => CheckResult::Spillover(spillover::spillover_in(shared)?),
    })
}

/// The user's choices for the checks; each check reads the fields it needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RobustOptions {
    /// Weight by the estimation weights of the panel (the report's choice).
    pub weighted: bool,
    /// Draw budget of randomization inference and the wild bootstrap.
    pub draws: usize,
    /// Seed of every random draw, so that results are reproducible.
    pub seed: u64,
    /// Wild bootstrap multipliers; `Auto` = Webb below 12 clusters, else Rademacher.
    pub bootstrap_weights: BootstrapWeights,
    /// Fake base and end months of the placebo DiD (before the programme).
    pub placebo_base: Month,
    pub placebo_end: Month,
    /// Event-study frequency: months or quarters.
    pub frequency: Frequency,
    /// Frequency of the pre-trend test and its power: quarterly by default, where the
    /// district-clustered test can be estimated (monthly has more pre-periods than districts).
    pub pretrend_frequency: Frequency,
    /// Restriction and target of the HonestDiD sensitivity analysis.
    pub honest_restriction: honest::Restriction,
    pub honest_target: honest::Target,
    /// Placebo draws behind the synthetic DiD's standard error.
    pub sdid_placebos: usize,
}

impl RobustOptions {
    /// The defaults (`wirkung robustness` without options) with the given weighting: what the
    /// dashboard runs and what an export of the Robustness page shows.
    pub fn weighted(weighted: bool) -> Self {
        RobustOptions {
            weighted,
            ..RobustOptions::default()
        }
    }
}

impl Default for RobustOptions {
    fn default() -> Self {
        RobustOptions {
            weighted: true,
            draws: 9_999,
            seed: 20_171_211,
            bootstrap_weights: BootstrapWeights::Auto,
            placebo_base: Month {
                year: 2015,
                month: 12,
            },
            placebo_end: Month {
                year: 2017,
                month: 9,
            },
            frequency: Frequency::Monthly,
            pretrend_frequency: Frequency::Quarterly,
            honest_restriction: honest::Restriction::default(),
            honest_target: honest::Target::default(),
            sdid_placebos: sdid::PLACEBOS,
        }
    }
}

/// Why a check cannot be run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RobustError {
    /// The check does not apply to this outcome or comparison (cli.md: exit status 2).
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Derive(#[from] DeriveError),
    #[error("estimation failed: {0}")]
    Estimate(#[from] EstimateError),
    /// The data cannot support the check (too few units, no variation ...).
    #[error("{0}")]
    Data(String),
    /// A suite was asked for a check it does not hold.
    #[error("not computed")]
    NotComputed,
}

impl RobustError {
    /// Whether this is a usage problem (exit status 2) rather than a data problem (1).
    pub fn is_usage(&self) -> bool {
        matches!(
            self,
            RobustError::Unsupported(_)
                | RobustError::Derive(DeriveError::Unsupported(_))
                | RobustError::Derive(DeriveError::UnknownControl(_))
        )
    }
}
