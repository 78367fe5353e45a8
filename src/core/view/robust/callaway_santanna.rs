//! Callaway and Sant'Anna's staggered DiD, as every front-end shows it: one `CheckShown`.

use super::{CheckShown, Interval, full, num, table};
use crate::core::robust::Staggered;
use crate::core::view::format::{fixed, interval, signed};
use crate::core::view::table::Cell;

pub(super) fn staggered(r: &Staggered) -> CheckShown {
    let o = &r.overall;
    CheckShown {
        statistic: "overall ATT (Callaway–Sant'Anna), 95%".into(),
        headline: format!("ATT {} ({})", signed(o.estimate, 3), fixed(o.std_error, 3)),
        inference: format!("95% {}", interval(Some(o.ci_low), Some(o.ci_high), 2)),
        estimate: num(o.estimate, 3),
        std_error: Some(o.std_error),
        interval: Some(Interval {
            low: Some(o.ci_low),
            high: Some(o.ci_high),
        }),
        p_value: None,
        draws: None,
        reading: format!(
            "{} cohorts vs not-yet-started, {} – {}",
            r.cohorts.len(),
            r.first_month,
            r.last_month
        ),
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "{} districts; cohorts: {}",
            r.units,
            r.cohorts
                .iter()
                .map(|(m, n)| format!("{m} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        )],
        table: table(
            "Callaway–Sant'Anna group-time ATTs",
            &[
                "cohort",
                "month",
                "base",
                "event_time",
                "att",
                "std_error",
                "cohort_units",
                "control_units",
            ],
            r.group_time
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.cohort.to_string()),
                        Cell::text(c.month.to_string()),
                        Cell::text(c.base.to_string()),
                        Cell::int(i64::from(c.event_time)),
                        full(c.att),
                        full(c.std_error),
                        Cell::int(c.cohort_units as i64),
                        Cell::int(c.control_units as i64),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}
