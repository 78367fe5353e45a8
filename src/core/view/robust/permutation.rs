//! Randomisation inference (permutation of the treated group), as every front-end shows it: one `CheckShown`.

use super::{ALPHA, CheckShown, full, num, table};
use crate::core::robust::RandomizationInference;
use crate::core::view::format::{PValue, count, signed};
use crate::core::view::table::Cell;

pub(super) fn ri(r: &RandomizationInference) -> CheckShown {
    let p = PValue::from_draws(r.p_value, r.draws);
    let of = format!(
        "{} of {} as extreme",
        count(r.at_least_as_extreme),
        count(r.draws)
    );
    let how = if r.exact {
        format!("all {}", count(r.draws))
    } else {
        format!("{} draws", count(r.draws))
    };
    CheckShown {
        statistic: format!(
            "DiD, permutation p of |t| ({}), t {:+.2}",
            if r.exact {
                "all assignments"
            } else {
                "seeded draws"
            },
            r.t
        ),
        headline: format!("{} (t {:+.2})", signed(r.estimate, 3), r.t),
        inference: format!("{}, {how}", p.stated()),
        estimate: num(r.estimate, 3),
        std_error: None,
        interval: None,
        p_value: Some(p),
        draws: Some(r.draws),
        reading: if r.p_value < ALPHA {
            format!("unusual among re-assignments ({of})")
        } else {
            format!("ordinary among re-assignments ({of})")
        },
        flagged: false,
        warnings: Vec::new(),
        details: vec![format!(
            "{} of {} assignments at least as extreme; {} of {} units treated{}",
            count(r.at_least_as_extreme),
            count(r.draws),
            r.treated_units,
            r.n,
            if r.exact {
                String::new()
            } else {
                format!("; seed {}", r.seed)
            }
        )],
        table: table(
            "Randomization inference",
            &[
                "n",
                "treated",
                "estimate",
                "t",
                "p_value",
                "exact",
                "draws",
                "at_least_as_extreme",
            ],
            vec![vec![
                Cell::int(r.n as i64),
                Cell::int(r.treated_units as i64),
                full(r.estimate),
                full(r.t),
                full(r.p_value),
                Cell::text(r.exact.to_string()),
                Cell::int(r.draws as i64),
                Cell::int(r.at_least_as_extreme as i64),
            ]],
        ),
        chart: None,
    }
}
