//! The placebo-timing check, as every front-end shows it: one `CheckShown`.

use super::{ALPHA, CheckShown, Interval, full, num, table};
use crate::core::robust::PlaceboResult;
use crate::core::view::format::{PValue, fixed, signed};
use crate::core::view::table::Cell;

pub(super) fn placebo(r: &PlaceboResult) -> CheckShown {
    let c = &r.placebo;
    let (b, e) = (r.placebo_base, r.placebo_end);
    let p = PValue::analytic(c.p_value);
    let flagged = c.p_value < ALPHA;
    CheckShown {
        statistic: format!("placebo DiD {b} → {e}, HC1, 95%"),
        headline: format!("{} (SE {})", signed(c.estimate, 3), fixed(c.std_error, 3)),
        inference: format!("{} (HC1)", p.stated()),
        estimate: num(c.estimate, 3),
        std_error: Some(c.std_error),
        interval: Some(Interval {
            low: Some(c.ci_low),
            high: Some(c.ci_high),
        }),
        p_value: Some(p),
        draws: None,
        reading: if flagged {
            format!("placebo effect {b} → {e}: trends differ anyway")
        } else {
            format!("no placebo effect {b} → {e}: reassuring")
        },
        flagged,
        warnings: Vec::new(),
        details: vec![format!(
            "Actual DiD on the same units: {} ({}); placebo n = {}",
            signed(r.actual.estimate, 3),
            PValue::analytic(r.actual.p_value).stated(),
            r.n
        )],
        table: table(
            "Placebo and actual DiD",
            &[
                "which",
                "base",
                "end",
                "n",
                "estimate",
                "std_error",
                "p_value",
            ],
            vec![vec![
                Cell::text("placebo"),
                Cell::text(b.to_string()),
                Cell::text(e.to_string()),
                Cell::int(r.n as i64),
                full(c.estimate),
                full(c.std_error),
                full(c.p_value),
            ]],
        ),
        chart: None,
    }
}
