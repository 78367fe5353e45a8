//! Spillover to neighbouring districts, as every front-end shows it: one `CheckShown`.

use super::{CheckShown, Interval, full, num, table};
use crate::core::robust::Spillover;
use crate::core::view::format::{PValue, fixed, signed};
use crate::core::view::table::Cell;

pub(super) fn spillover(r: &Spillover) -> CheckShown {
    let (f, w) = (&r.full, &r.without_border);
    let p = PValue::analytic(w.p_value);
    let weights = if r.weighted { "weighted" } else { "unweighted" };
    // Flag only a shift larger than the full estimate's own standard error: smaller moves
    // are within what dropping any few controls does.
    let flagged = r.shift.abs() > f.std_error;
    let coef_row = |which: &str, n: usize, c: &crate::core::estimate::Coefficient| {
        vec![
            Cell::text(which),
            Cell::int(n as i64),
            full(c.estimate),
            full(c.std_error),
            full(c.p_value),
            full(c.ci_low),
            full(c.ci_high),
        ]
    };
    let mut rows = vec![
        coef_row("all districts", r.n_full, f),
        coef_row("without bordering controls", r.n_without_border, w),
    ];
    rows.extend(r.dropped.iter().map(|d| {
        vec![
            Cell::text(format!("dropped: {} {} ({})", d.unit_id, d.name, d.state)),
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
            Cell::Missing,
        ]
    }));
    CheckShown {
        statistic: format!(
            "DiD without the {} bordering control districts, HC1, {weights}, 95%",
            r.dropped.len()
        ),
        headline: format!(
            "{} vs {} (SE {})",
            signed(w.estimate, 3),
            signed(f.estimate, 3),
            fixed(w.std_error, 3)
        ),
        inference: format!("{} (HC1)", p.stated()),
        estimate: num(w.estimate, 3),
        std_error: Some(w.std_error),
        interval: Some(Interval {
            low: Some(w.ci_low),
            high: Some(w.ci_high),
        }),
        p_value: Some(p),
        draws: None,
        reading: if flagged {
            format!(
                "dropping the border districts moves the DiD by {} (more than its SE): possible spillover",
                signed(r.shift, 3)
            )
        } else {
            format!(
                "dropping the border districts moves the DiD by {} (within its SE)",
                signed(r.shift, 3)
            )
        },
        flagged,
        warnings: Vec::new(),
        details: vec![
            format!(
                "All districts: {} (SE {}), n = {}; without bordering controls: n = {}",
                signed(f.estimate, 3),
                fixed(f.std_error, 3),
                r.n_full,
                r.n_without_border
            ),
            format!(
                "Dropped ({}): {}",
                r.dropped.len(),
                r.dropped
                    .iter()
                    .map(|d| d.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            format!("Rule: {}", r.rule),
        ],
        table: table(
            "DiD with and without the control districts bordering BW",
            &[
                "sample",
                "n",
                "estimate",
                "std_error",
                "p_value",
                "ci_low",
                "ci_high",
            ],
            rows,
        ),
        chart: None,
    }
}
