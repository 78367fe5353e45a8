//! HonestDiD sensitivity (Rambachan and Roth), as every front-end shows it: one `CheckShown`.

use super::{
    CheckChart, CheckShown, Interval, SensitivityBar, SensitivityChart, full_opt, num, table,
};
use crate::core::view::format::{fixed, interval};
use crate::core::view::table::Cell;

pub(super) fn honest(r: &crate::core::robust::honest::HonestDid) -> CheckShown {
    let o = &r.original;
    let breakdown = match r.breakdown {
        Some(0.0) => "the interval includes 0 without any violation".to_string(),
        Some(b) => format!("includes 0 from {} = {}", r.parameter, fixed(b, 2)),
        None => format!("excludes 0 on the whole {} grid", r.parameter),
    };
    let last = r.rows.last();
    CheckShown {
        statistic: format!(
            "HonestDiD, {} ({}), target {}, original 95% beside robust sets",
            r.restriction, r.method, r.target
        ),
        headline: match r.breakdown {
            // Short enough for the 80-column table, so the number is never cut.
            Some(b) => format!("breakdown {}={}", r.parameter, fixed(b, 2)),
            None => format!("no breakdown on the {} grid", r.parameter),
        },
        inference: format!("original {}", interval(Some(o.ci_low), Some(o.ci_high), 2)),
        estimate: num(o.estimate, 3),
        std_error: Some(o.std_error),
        interval: Some(Interval {
            low: Some(o.ci_low),
            high: Some(o.ci_high),
        }),
        p_value: None,
        draws: None,
        reading: breakdown,
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "{} pre and {} post periods; at {} = {}: {}",
            r.num_pre,
            r.num_post,
            r.parameter,
            last.map_or("n/a".into(), |l| fixed(l.m, 2)),
            last.map_or("n/a".into(), |l| if l.empty {
                "empty (the data contradict the restriction)".into()
            } else {
                interval(l.ci_low, l.ci_high, 2)
            })
        )],
        table: table(
            "HonestDiD robust confidence sets",
            &["m", "ci_low", "ci_high", "empty"],
            r.rows
                .iter()
                .map(|row| {
                    vec![
                        Cell::Number {
                            value: row.m,
                            decimals: 2,
                        },
                        full_opt(row.ci_low),
                        full_opt(row.ci_high),
                        Cell::text(row.empty.to_string()),
                    ]
                })
                .collect(),
        ),
        chart: Some(CheckChart::Sensitivity(SensitivityChart {
            parameter: r.parameter,
            target: r.target.to_string(),
            original: Interval {
                low: Some(o.ci_low),
                high: Some(o.ci_high),
            },
            estimate: o.estimate,
            bars: r
                .rows
                .iter()
                .map(|row| SensitivityBar {
                    m: row.m,
                    interval: (!row.empty).then_some(Interval {
                        low: row.ci_low,
                        high: row.ci_high,
                    }),
                })
                .collect(),
            breakdown: r.breakdown,
        })),
    }
}
