//! The pre-trend event study (Abb. 38-style leads and lags), as every front-end shows it: one `CheckShown`.

use super::{ALPHA, CheckShown, full, num, table};
use crate::core::robust::{EventStudy, Frequency, RobustError};
use crate::core::view::format::PValue;
use crate::core::view::table::Cell;

pub(super) fn event_study(e: &EventStudy) -> Result<CheckShown, RobustError> {
    let hc1 = e
        .pre_trend_hc1
        .as_ref()
        .ok_or_else(|| RobustError::Data("no pre-period coefficient to test".into()))?;
    let frequency = |f: Frequency| match f {
        Frequency::Monthly => "monthly",
        Frequency::Quarterly => "quarterly",
    };
    let test_text = |w: &crate::core::robust::event_study::WaldTest| {
        format!(
            "F({}, {}) = {:.2}, {}",
            w.df_num,
            w.df_den,
            w.f,
            PValue::analytic(w.p_value).stated()
        )
    };
    // The main pre-trend test is the district-clustered one, on the frequency where it can
    // be estimated (issue: quarterly by default); HC1, which ignores serial correlation
    // within a district, only beside it, or alone where no clustered test exists.
    let (main, clustered, at, mut details) = match (&e.pre_trend_clustered_at, &e.pre_trend_cluster)
    {
        (Some(q), own) => (
            &q.test,
            true,
            format!("{}, base {}", frequency(q.frequency), q.base_period),
            vec![
                format!(
                    "{} pre-period {} tested; beside it, the {} event study ({} units × {} periods, base {}): clustered {}",
                    q.pre_periods,
                    match q.frequency {
                        Frequency::Monthly => "months",
                        Frequency::Quarterly => "quarters",
                    },
                    frequency(e.frequency),
                    e.units,
                    e.periods,
                    e.base_period,
                    own.as_ref().map_or(
                        "not available (more pre-periods than clusters − 1)".to_string(),
                        test_text
                    ),
                ),
                format!(
                    "HC1 beside it ({}): {}",
                    frequency(e.frequency),
                    test_text(hc1)
                ),
            ],
        ),
        (None, Some(c)) => (
            c,
            true,
            format!("{}, base {}", frequency(e.frequency), e.base_period),
            vec![format!(
                "{} units × {} periods, base {}; HC1 beside it: {}",
                e.units,
                e.periods,
                e.base_period,
                test_text(hc1)
            )],
        ),
        (None, None) => (
            hc1,
            false,
            format!("{}, base {}", frequency(e.frequency), e.base_period),
            vec![format!(
                "{} units × {} periods, base {}; clustered pre-trend test: not available (more pre-periods than clusters − 1)",
                e.units, e.periods, e.base_period
            )],
        ),
    };
    let p = PValue::analytic(main.p_value);
    let kind = if clustered { "clustered" } else { "HC1" };
    // A non-rejection is no evidence of parallel trends (Roth 2022): the reading says only
    // what the test did or did not see.
    let reading = if main.p_value < ALPHA {
        "pre-trend found: groups drifted apart before the base"
    } else {
        "no pre-trend detected; not proof of parallel trends"
    };
    if !clustered {
        details.push(
            "HC1 ignores serial correlation within a district and so overstates the test's precision".into(),
        );
    }
    let rows = e
        .coefficients
        .iter()
        .map(|c| {
            vec![
                Cell::text(&c.period),
                Cell::int(i64::from(c.relative)),
                full(c.estimate),
                full(c.std_error_hc1),
                full(c.ci_low_hc1),
                full(c.ci_high_hc1),
                full(c.std_error_cluster),
                full(c.ci_low_cluster),
                full(c.ci_high_cluster),
            ]
        })
        .collect();
    Ok(CheckShown {
        statistic: format!(
            "joint pre-trend F({}, {}), {}, {at}",
            main.df_num,
            main.df_den,
            if clustered {
                "district-clustered"
            } else {
                "HC1"
            }
        ),
        headline: format!("F({}, {}) = {:.2}", main.df_num, main.df_den, main.f),
        inference: format!("{} ({kind})", p.stated()),
        estimate: num(main.f, 2),
        std_error: None,
        interval: None,
        p_value: Some(p),
        draws: None,
        reading: reading.into(),
        flagged: main.p_value < ALPHA,
        warnings: Vec::new(),
        details,
        table: table(
            &format!("Event study ({:?}, base {})", e.frequency, e.base_period),
            &[
                "period",
                "relative",
                "estimate",
                "std_error_hc1",
                "ci_low_hc1",
                "ci_high_hc1",
                "std_error_cluster",
                "ci_low_cluster",
                "ci_high_cluster",
            ],
            rows,
        ),
        chart: None,
    })
}
