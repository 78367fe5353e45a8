//! The report's equation 1: change in outcome on treatment and controls, weighted, robust SE.

use super::design::{PanelDesign, Regressor};
use super::kernel::LeastSquares;
use super::wls::{ClusterIndex, covariance, weighted_r2, wls_labelled};
use super::{EstimateError, Fit, VarianceType, power};
use crate::core::derive::{ClusterBy, Panel, PanelRow};
use serde::{Serialize, Serializer};
use std::fmt;

/// The user's estimation choices besides the panel: variance estimator and weighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EstimateOptions {
    pub variance: VarianceType,
    pub weighted: bool,
}

impl Default for EstimateOptions {
    fn default() -> Self {
        EstimateOptions {
            variance: VarianceType::Hc1,
            weighted: true,
        }
    }
}

/// Units and weighted mean outcomes of one group at base and end (report Tab. 11).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupMeans {
    pub n: usize,
    pub base: f64,
    pub end: f64,
}

/// A fitted DiD with the group means behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct DidEstimate {
    /// Terms: `treated`, `const`, then the control columns.
    pub fit: Fit,
    pub options: EstimateOptions,
    pub treated: GroupMeans,
    pub control: GroupMeans,
    /// Why the robust standard errors of this fit may be far too small (few units, a unit
    /// with leverage near 1); empty when none applies. Serialised as sentences.
    pub warnings: Vec<SmallSampleWarning>,
    /// What the panel's units cluster on (used when `options.variance` is CR1).
    pub cluster_by: ClusterBy,
    /// The smallest true treatment effect this estimate detects with 80% power in a two-sided
    /// 5% t test, from the treatment's SE and `fit.df_inference`; `None` when the SE is
    /// undefined.
    pub mde_80: Option<f64>,
}

impl DidEstimate {
    /// The variance convention in words, as every front-end names it.
    pub fn se_label(&self) -> String {
        match (self.options.variance, self.fit.clusters) {
            (VarianceType::Classical, _) => "classical standard errors".to_string(),
            (VarianceType::Cr1, Some(g)) => format!(
                "cluster-robust standard errors (CR1, {g} {}, t({}))",
                self.cluster_by.plural(),
                self.fit.df_inference
            ),
            (v, _) => format!("robust standard errors ({})", v.id().to_uppercase()),
        }
    }

    /// `se_label` for narrow places (a panel's border): "HC1 SE", "CR1 SE (4 states, t(3))".
    pub fn se_short(&self) -> String {
        match (self.options.variance, self.fit.clusters) {
            (VarianceType::Cr1, Some(g)) => format!(
                "CR1 SE ({g} {}, t({}))",
                self.cluster_by.short_plural(),
                self.fit.df_inference
            ),
            (v, _) => format!("{} SE", v.id().to_uppercase()),
        }
    }

    /// The minimum detectable effect in words.
    pub fn mde_line(&self) -> Option<String> {
        // Every outcome is a percentage, so effects are percentage points.
        self.mde_80.map(|m| {
            format!(
                "MDE (80% power, 5% two-sided, t({})): {:.1} pp",
                self.fit.df_inference, m
            )
        })
    }
}

/// Fewer units than this in the treated or the control group draw a warning: robust
/// standard errors then rest on a handful of residuals.
pub const FEW_UNITS: usize = 5;
/// A hat value of the weighted design at or above this draws a warning: the unit nearly
/// determines a coefficient by itself, so its residual, and its share of the robust
/// variance, is close to 0.
pub const HIGH_LEVERAGE: f64 = 0.99;

/// A reason the usual (robust) standard errors of a DiD are not to be trusted; the
/// permutation p-value (check `ri`) is then the reference.
#[derive(Debug, Clone, PartialEq)]
pub enum SmallSampleWarning {
    FewTreatedUnits {
        units: usize,
    },
    FewControlUnits {
        units: usize,
    },
    /// `unit` is "ID (name)".
    HighLeverage {
        unit: String,
        leverage: f64,
    },
    /// CR1 with fewer than [`FEW_CLUSTERS`] clusters: t(G − 1) over-rejects.
    FewClusters {
        clusters: usize,
        by: ClusterBy,
    },
    /// CR1 with every treated unit in one cluster: no cluster-robust inference is reliable
    /// (MacKinnon & Webb 2017).
    OneTreatedCluster {
        cluster: String,
        by: ClusterBy,
    },
}

/// Fewer clusters than this draw a warning under CR1: with few clusters the cluster-robust
/// t test over-rejects (Cameron, Gelbach & Miller 2008; MacKinnon & Webb 2017).
pub const FEW_CLUSTERS: usize = 12;

impl fmt::Display for SmallSampleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const REFERENCE: &str = "the permutation p-value (robustness check ri) is the reference";
        match self {
            SmallSampleWarning::FewTreatedUnits { units } => write!(
                f,
                "only {units} treated unit{} (fewer than {FEW_UNITS}): robust standard errors \
                 rest on very few residuals and can be far too small; {REFERENCE}",
                if *units == 1 { "" } else { "s" }
            ),
            SmallSampleWarning::FewControlUnits { units } => write!(
                f,
                "only {units} control unit{} (fewer than {FEW_UNITS}): robust standard errors \
                 rest on very few residuals and can be far too small; {REFERENCE}",
                if *units == 1 { "" } else { "s" }
            ),
            SmallSampleWarning::HighLeverage { unit, leverage } => write!(
                f,
                "unit {unit} has leverage {leverage:.3} (at least {HIGH_LEVERAGE}): it alone \
                 (nearly) determines a coefficient, its residual is (nearly) 0, so HC0/HC1 \
                 understate the standard error and HC2/HC3 are undefined or unstable; {REFERENCE}"
            ),
            SmallSampleWarning::FewClusters { clusters, by } => write!(
                f,
                "only {clusters} clusters ({}; fewer than {FEW_CLUSTERS}): CR1 with t({}) \
                 over-rejects with so few clusters; the wild cluster bootstrap (robustness \
                 check wild) and the permutation p-value (check ri) are the references",
                by.plural(),
                clusters.saturating_sub(1)
            ),
            SmallSampleWarning::OneTreatedCluster { cluster, by } => write!(
                f,
                "every treated unit is in one cluster ({} {cluster}): no cluster-robust \
                 inference is reliable with a single treated cluster (MacKinnon & Webb 2017); \
                 {REFERENCE}",
                by.column()
            ),
        }
    }
}

impl Serialize for SmallSampleWarning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The small-sample warnings of the DiD on `panel` (report eq. 1, weighted unless
/// `weighted` is false): fewer than `FEW_UNITS` treated or control units, and every unit whose
/// hat value in the √w-scaled design [treated, const, controls] is at least `HIGH_LEVERAGE`.
/// The leverages are skipped when the design is rank deficient (the DiD fails then anyway).
pub fn small_sample_warnings(panel: &Panel, weighted: bool) -> Vec<SmallSampleWarning> {
    let mut warnings = Vec::new();
    let treated = panel.rows.iter().filter(|r| r.treated).count();
    let control = panel.rows.len() - treated;
    if treated < FEW_UNITS {
        warnings.push(SmallSampleWarning::FewTreatedUnits { units: treated });
    }
    if control < FEW_UNITS {
        warnings.push(SmallSampleWarning::FewControlUnits { units: control });
    }
    // Hat values h_ii = ‖row i of the thin Q‖² of the √w-scaled design [treated, const,
    // controls], from the kernel every fit uses (same rank rule): a design it cannot factor
    // fails in the DiD anyway, which then says why.
    let Ok(design) = PanelDesign::from_panel(panel, Regressor::Treated, weighted) else {
        return warnings;
    };
    let sqrt_w = design.sqrt_weights();
    let mut ls = LeastSquares::new();
    design.load(&mut ls, sqrt_w.as_deref(), None);
    if ls.factor().is_err() {
        return warnings;
    }
    for (i, row) in panel.rows.iter().enumerate() {
        let leverage: f64 = (0..ls.k()).map(|j| ls.q_column(j)[i].powi(2)).sum();
        if leverage >= HIGH_LEVERAGE {
            warnings.push(SmallSampleWarning::HighLeverage {
                unit: format!("{} ({})", row.unit_id, row.name),
                leverage: leverage.min(1.0),
            });
        }
    }
    warnings
}

/// Estimates the DiD on `panel` (report eq. 1): regresses outcome_end − outcome_base on
/// `treated`, `const` and the panel's controls, weighted unless `options.weighted` is false.
pub fn estimate_did(panel: &Panel, options: EstimateOptions) -> Result<DidEstimate, EstimateError> {
    check_panel(panel, options.weighted)?;
    let clusters = match options.variance {
        VarianceType::Cr1 => Some(panel_clusters(panel)?),
        _ => None,
    };
    let design = PanelDesign::from_panel(panel, Regressor::Treated, options.weighted)
        .map_err(|e| EstimateError::InvalidInput(e.to_string()))?;
    let unit = |row: usize| {
        let r = &panel.rows[row];
        format!("unit {} ({})", r.unit_id, r.name)
    };
    let fit = wls_labelled(
        &design.y,
        &design.named_columns(),
        design.weights.as_deref(),
        options.variance,
        clusters.as_ref(),
        &unit,
    )?;
    let mut warnings = small_sample_warnings(panel, options.weighted);
    if let Some(clusters) = &clusters {
        warnings.extend(cluster_warnings(panel, clusters));
    }
    let mde_80 = fit
        .treated()
        .and_then(|c| power::mde_80(c.std_error, fit.df_inference as f64).ok());
    Ok(DidEstimate {
        fit,
        options,
        treated: group_means(panel, true, options.weighted),
        control: group_means(panel, false, options.weighted),
        warnings,
        cluster_by: panel.cluster_by,
        mde_80,
    })
}

/// The CR1 clusters of the panel's units; every unit needs one.
fn panel_clusters(panel: &Panel) -> Result<ClusterIndex, EstimateError> {
    let labels = panel
        .rows
        .iter()
        .map(|r| {
            r.cluster.as_deref().ok_or_else(|| {
                EstimateError::InvalidInput(format!(
                    "districts, column '{}': unit {} ({}) has no value, so it has no cluster for \
                     CR1 standard errors",
                    panel.cluster_by.column(),
                    r.unit_id,
                    r.name
                ))
            })
        })
        .collect::<Result<Vec<&str>, _>>()?;
    Ok(ClusterIndex::new(&labels))
}

/// Few clusters, or a single treated cluster, under CR1.
fn cluster_warnings(panel: &Panel, clusters: &ClusterIndex) -> Vec<SmallSampleWarning> {
    let by = panel.cluster_by;
    let mut warnings = Vec::new();
    if clusters.count() < FEW_CLUSTERS {
        warnings.push(SmallSampleWarning::FewClusters {
            clusters: clusters.count(),
            by,
        });
    }
    let mut treated: Vec<usize> = panel
        .rows
        .iter()
        .zip(&clusters.of_row)
        .filter(|(r, _)| r.treated)
        .map(|(_, &g)| g)
        .collect();
    treated.sort_unstable();
    treated.dedup();
    if let [only] = treated[..] {
        warnings.push(SmallSampleWarning::OneTreatedCluster {
            cluster: clusters.labels[only].clone(),
            by,
        });
    }
    warnings
}

/// The treatment coefficient and its standard error of the DiD on `design` without unit
/// `skip`, computed in `ls` without allocating (leave-one-out refits it once per unit).
/// `None` when `estimate_did` would refuse that smaller panel, which then says why; otherwise
/// the numbers are those of `estimate_did`, bit for bit, since both run the same kernel on the
/// same values in the same order. `sqrt_w` is [`PanelDesign::sqrt_weights`].
pub fn treated_without(
    design: &PanelDesign,
    sqrt_w: Option<&[f64]>,
    skip: usize,
    variance: VarianceType,
    ls: &mut LeastSquares,
) -> Option<(f64, f64)> {
    let treated = &design.columns[0];
    let treated_left = treated.iter().filter(|&&d| d == 1.0).count()
        - usize::from(treated.get(skip) == Some(&1.0));
    if treated_left == 0 || treated_left + 1 == treated.len() {
        return None;
    }
    design.load(ls, sqrt_w, Some(skip));
    ls.fit().ok()?;
    covariance(ls, variance, None).ok()?;
    let k = ls.k();
    let valid = |v: f64| {
        let se = v.max(0.0).sqrt();
        se > 0.0 && se.is_finite()
    };
    let covariance = ls.covariance();
    if !(0..k).all(|j| valid(covariance[j * k + j])) {
        return None;
    }
    weighted_r2(
        &design.y,
        design.weights.as_deref(),
        ls.residuals(),
        Some(skip),
    )
    .ok()?;
    Some((ls.coefficients()[0], covariance[0].max(0.0).sqrt()))
}

/// Every unit needs finite outcomes, a positive weight and one value per control; the message
/// names the unit, since the regression's row numbers mean nothing to the user.
fn check_panel(panel: &Panel, weighted: bool) -> Result<(), EstimateError> {
    let invalid = |m: String| Err(EstimateError::InvalidInput(m));
    if panel.rows.is_empty() {
        return invalid("the panel has no units".into());
    }
    if !panel.rows.iter().any(|r| r.treated) {
        return invalid(format!(
            "no treated unit in the panel ({} units, all in the control group)",
            panel.rows.len()
        ));
    }
    if panel.rows.iter().all(|r| r.treated) {
        return invalid(format!(
            "no control unit in the panel ({} units, all treated)",
            panel.rows.len()
        ));
    }
    for row in &panel.rows {
        let unit = || format!("unit {} ({})", row.unit_id, row.name);
        if row.controls.len() != panel.control_names.len() {
            return invalid(format!(
                "{} has {} control values but the panel has {} controls",
                unit(),
                row.controls.len(),
                panel.control_names.len()
            ));
        }
        if weighted && !(row.weight > 0.0 && row.weight.is_finite()) {
            return invalid(format!(
                "{}: weight is {} (must be a positive number)",
                unit(),
                row.weight
            ));
        }
        let values = [
            ("outcome_base", row.outcome_base),
            ("outcome_end", row.outcome_end),
        ];
        let controls = panel
            .control_names
            .iter()
            .map(String::as_str)
            .zip(row.controls.iter().copied());
        if let Some((column, value)) = values
            .into_iter()
            .chain(controls)
            .find(|(_, v)| !v.is_finite())
        {
            return invalid(format!(
                "{}: {column} is {value} (must be a finite number)",
                unit()
            ));
        }
    }
    Ok(())
}

/// Units and mean outcomes of one group, weighted by the estimation weights when the
/// regression is, so that without controls `treated` equals the difference of the groups'
/// mean changes (cli.md, `groups`).
fn group_means(panel: &Panel, treated: bool, weighted: bool) -> GroupMeans {
    let rows: Vec<&PanelRow> = panel.rows.iter().filter(|r| r.treated == treated).collect();
    let weight = |r: &PanelRow| if weighted { r.weight } else { 1.0 };
    let total: f64 = rows.iter().map(|r| weight(r)).sum();
    let mean = |value: fn(&PanelRow) -> f64| {
        rows.iter().map(|r| weight(r) * value(r)).sum::<f64>() / total
    };
    GroupMeans {
        n: rows.len(),
        base: mean(|r| r.outcome_base),
        end: mean(|r| r.outcome_end),
    }
}
