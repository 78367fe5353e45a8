//! Leave-one-out (each district dropped in turn), as every front-end shows it: one `CheckShown`.

use super::{CheckShown, Interval, full_opt, num, table};
use crate::core::robust::LeaveOneOut;
use crate::core::view::format::signed;
use crate::core::view::table::Cell;

pub(super) fn loo(r: &LeaveOneOut) -> CheckShown {
    let movers: Vec<String> = r
        .most_influential
        .iter()
        .take(3)
        .filter_map(|d| d.shift.map(|s| format!("{} {s:+.2}", d.name)))
        .collect();
    let inestimable: Vec<&str> = r
        .drops
        .iter()
        .filter(|d| d.estimate.is_none())
        .map(|d| d.name.as_str())
        .collect();
    let mut warnings = Vec::new();
    if !inestimable.is_empty() {
        warnings.push(format!(
            "not estimable without: {} (outside the range)",
            inestimable.join(", ")
        ));
    }
    CheckShown {
        statistic: format!("DiD on all {} units; low/high: range without one unit", r.n),
        headline: format!("[{}, {}]", signed(r.min, 3), signed(r.max, 3)),
        inference: format!("all {} units: {}", r.n, signed(r.estimate, 3)),
        estimate: num(r.estimate, 3),
        std_error: Some(r.std_error),
        interval: Some(Interval {
            low: Some(r.min),
            high: Some(r.max),
        }),
        p_value: None,
        draws: None,
        reading: format!("most: {}", movers.join(", ")),
        flagged: false,
        warnings,
        details: r
            .most_influential
            .iter()
            .map(|d| match (d.shift, d.estimate) {
                (Some(sh), Some(est)) => format!("{} {sh:+.3} → {est:+.3}", d.name),
                _ => format!("{}: {}", d.name, d.error.as_deref().unwrap_or("")),
            })
            .collect(),
        table: table(
            "Leave-one-out",
            &[
                "unit_id",
                "name",
                "treated",
                "estimate",
                "std_error",
                "shift",
            ],
            r.drops
                .iter()
                .map(|d| {
                    vec![
                        Cell::text(&d.unit_id),
                        Cell::text(&d.name),
                        Cell::text(d.treated.to_string()),
                        full_opt(d.estimate),
                        full_opt(d.std_error),
                        full_opt(d.shift),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}
