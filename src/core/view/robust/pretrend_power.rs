//! The pre-trend test's power (Roth 2022), as every front-end shows it: one `CheckShown`.

use super::{CheckShown, full, num, table};
use crate::core::robust::{Frequency, PretrendPower, PretrendVariance};
use crate::core::view::format::{PValue, fixed};
use crate::core::view::table::Cell;

pub(super) fn pretrend_power(r: &PretrendPower) -> CheckShown {
    let s80 = r.slope_for_power.get("0.8").copied();
    let s50 = r.slope_for_power.get("0.5").copied();
    let (joint, variance) = match r.variance {
        PretrendVariance::Cluster => (r.joint_cluster.as_ref(), "district-clustered"),
        PretrendVariance::Hc1 => (r.joint_hc1.as_ref(), "HC1"),
    };
    let p = joint.map(|w| PValue::analytic(w.p_value));
    let slope = |v: Option<f64>| v.map_or("n/a".to_string(), |v| fixed(v, 3));
    let mut details = vec![format!(
        "{} pre-periods, base {}; largest |t| {:.2} against {:.2}; 50% power at {} {}; rejects {} of the time with no drift",
        r.pre_periods,
        r.base_period,
        r.max_abs_t,
        r.critical_value,
        slope(s50),
        r.slope_unit,
        crate::core::view::format::percent(r.size)
    )];
    if let Some(hc1) = &r.joint_hc1 {
        details.push(format!(
            "joint HC1 test beside it: F({}, {}) = {:.2}, {}",
            hc1.df_num,
            hc1.df_den,
            hc1.f,
            PValue::analytic(hc1.p_value).stated()
        ));
    }
    CheckShown {
        statistic: format!(
            "slope with 80% power, {} ({variance} pre-test, {:?})",
            r.slope_unit, r.frequency
        ),
        // "80%: 0.006 pp/qtr": fits the narrowest statistic column (18), so the number is
        // never cut; the statistic column of the export names the unit in full.
        headline: format!(
            "80%: {} pp/{}",
            slope(s80),
            match r.frequency {
                Frequency::Quarterly => "qtr",
                Frequency::Monthly => "mo",
            }
        ),
        inference: match (joint, p) {
            (Some(w), Some(p)) => format!("F({}, {}): {}", w.df_num, w.df_den, p.stated()),
            _ => "joint test n/a".into(),
        },
        estimate: s80.and_then(|v| num(v, 3)),
        std_error: None,
        interval: None,
        p_value: p,
        draws: None,
        reading: r.reading.clone(),
        flagged: r.rejects,
        warnings: r.notes.clone(),
        details,
        table: table(
            "Power of the pre-test against a linear drift",
            &["slope", "power"],
            r.power_against_linear
                .iter()
                .map(|pt| {
                    vec![
                        Cell::Number {
                            value: pt.slope,
                            decimals: 4,
                        },
                        full(pt.power),
                    ]
                })
                .collect(),
        ),
        chart: None,
    }
}
