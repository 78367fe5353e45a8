//! Dose-response (the measure as a continuous treatment), as every front-end shows it: one `CheckShown`.

use super::{CheckShown, Interval, full, num, table};
use crate::core::robust::DoseResult;
use crate::core::view::format::{PValue, fixed, signed};
use crate::core::view::table::Cell;

pub(super) fn dose(r: &DoseResult) -> CheckShown {
    let d = &r.dose;
    let p = PValue::analytic(d.p_value);
    CheckShown {
        statistic: format!("slope per {}, HC1, 95%", r.measure_unit),
        headline: format!("{} (SE {})", signed(d.estimate, 3), fixed(d.std_error, 3)),
        inference: format!("{} (HC1)", p.stated()),
        estimate: num(d.estimate, 3),
        std_error: Some(d.std_error),
        interval: Some(Interval {
            low: Some(d.ci_low),
            high: Some(d.ci_high),
        }),
        p_value: Some(p),
        draws: None,
        reading: format!(
            "per {}; split {}",
            r.measure_unit,
            signed(r.median_split.estimate, 3)
        ),
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "n = {}, R² = {:.3}; median split {} ({})",
            r.n,
            r.r2,
            signed(r.median_split.estimate, 3),
            PValue::analytic(r.median_split.p_value).stated()
        )],
        table: table(
            "Dose response",
            &[
                "term",
                "estimate",
                "std_error",
                "t",
                "p_value",
                "ci_low",
                "ci_high",
            ],
            r.coefficients
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.term.name()),
                        full(c.estimate),
                        full(c.std_error),
                        full(c.t),
                        full(c.p_value),
                        full(c.ci_low),
                        full(c.ci_high),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}
