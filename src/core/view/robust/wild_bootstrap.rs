//! The wild cluster bootstrap, as every front-end shows it: one `CheckShown`.

use super::{CheckShown, Interval, full, full_opt, num, table};
use crate::core::robust::{BootstrapWeights, WildBootstrap};
use crate::core::view::format::{PValue, count, fixed, interval, signed};
use crate::core::view::table::Cell;

pub(super) fn wild(r: &WildBootstrap) -> CheckShown {
    let p = PValue::from_draws(r.p_value, r.draws);
    let weights = match r.weights {
        BootstrapWeights::Webb => "Webb",
        _ => "Rademacher",
    };
    let draws = if r.enumerated {
        format!("all {} {weights} vectors", count(r.draws))
    } else {
        format!("{} {weights} draws", count(r.draws))
    };
    let ci = interval(r.ci_low, r.ci_high, 2);
    // The notes say what limits the result: the p-value's step, one treated cluster, an
    // unbounded interval.
    let warnings = r.notes.clone();
    CheckShown {
        statistic:
            "DiD, CR1 SE; wild cluster bootstrap p, 95% by test inversion (empty: unbounded)".into(),
        headline: format!(
            "{} (SE {})",
            signed(r.estimate, 3),
            fixed(r.std_error_cr1, 3)
        ),
        inference: format!("{} {ci}", p.stated()),
        estimate: num(r.estimate, 3),
        std_error: Some(r.std_error_cr1),
        interval: Some(Interval {
            low: r.ci_low,
            high: r.ci_high,
        }),
        p_value: Some(p),
        draws: Some(r.draws),
        reading: format!("{} {} clusters, {draws}", r.clusters.len(), r.cluster_by),
        flagged: false,
        warnings,
        details: vec![format!(
            "Clusters: {}. CR1 SE {}, t-test with G − 1 df: {}; 95% interval by test inversion",
            r.clusters.join(", "),
            fixed(r.std_error_cr1, 3),
            PValue::analytic(r.p_value_cr1).stated()
        )],
        table: table(
            "Wild cluster bootstrap",
            &[
                "clusters",
                "draws",
                "estimate",
                "std_error_cr1",
                "t_cr1",
                "p_value",
                "ci_low",
                "ci_high",
            ],
            vec![vec![
                Cell::int(r.clusters.len() as i64),
                Cell::int(r.draws as i64),
                full(r.estimate),
                full(r.std_error_cr1),
                full(r.t_cr1),
                full(r.p_value),
                full_opt(r.ci_low),
                full_opt(r.ci_high),
            ]],
        ),
        chart: None,
    }
}
