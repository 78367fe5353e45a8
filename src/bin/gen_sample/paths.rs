//! Monthly employment paths Jan 2014–Sep 2019 (report Abb. 41–46) through the calibrated
//! Dec 2017 and Sep 2019 counts, and the interpolated register denominators.

use crate::frame::District;
use crate::util::{Rng, normal};

/// One row of `employment`: the counts of one district in one month.
#[derive(Clone)]
pub struct EmploymentRow {
    pub district: usize,
    pub year: i32,
    pub month: u32,
    pub total: i64,
    pub sv: i64,
}

/// Persons in month `month` of `year`: linear between year-ends, December = the year-end
/// figure (bundle-format.md, "Derived quantities").
pub fn persons_at(d: &District, year: i32, month: u32) -> f64 {
    let i = (year - 2013) as usize;
    let (p0, p1) = (d.persons[i - 1] as f64, d.persons[i] as f64);
    p0 + (p1 - p0) * month as f64 / 12.0
}

/// Pre-period offset (percentage points relative to Dec 2017) of the group lines: BW above
/// the neighbours in 2014, the gap closing with the 2015 inflow, then parallel (Abb. 41).
pub fn pre_offset(bw: bool, t: usize) -> f64 {
    let knots: [(f64, f64); 6] = if bw {
        [
            (0.0, 3.2),
            (12.0, 1.6),
            (21.0, -9.0),
            (30.0, -13.2),
            (40.0, -6.2),
            (47.0, 0.0),
        ]
    } else {
        [
            (0.0, 0.4),
            (12.0, -0.4),
            (21.0, -9.3),
            (30.0, -12.9),
            (40.0, -6.0),
            (47.0, 0.0),
        ]
    };
    let t = t as f64;
    for win in knots.windows(2) {
        let ((a, va), (b, vb)) = (win[0], win[1]);
        if t <= b {
            return va + (vb - va) * (t - a) / (b - a);
        }
    }
    0.0
}

#[allow(clippy::too_many_arguments)]
pub fn monthly(
    ds: &[District],
    active: &[bool],
    base: &[f64],
    y: &[f64],
    sv_base: &[f64],
    ysv: &[f64],
    emp_base: &[i64],
    emp_end: &[i64],
    svb: &[i64],
    sve: &[i64],
    rng: &mut Rng,
) -> Vec<EmploymentRow> {
    let mut rows = Vec::new();
    for (k, d) in ds.iter().enumerate() {
        if !active[k] {
            continue;
        }
        let ratio = sv_base[k] / base[k];
        let wiggle: Vec<f64> = (0..69).map(|_| 0.25 * normal(rng)).collect();
        for t in 0..69usize {
            let (year, month) = (2014 + (t / 12) as i32, (t % 12) as u32 + 1);
            let p = persons_at(d, year, month);
            let (total, sv) = if t == 47 {
                (emp_base[k], svb[k])
            } else if t == 68 {
                (emp_end[k], sve[k])
            } else if t < 47 {
                let r = base[k] + pre_offset(d.is_bw(), t) + wiggle[t];
                let tot = (r * p / 100.0).round() as i64;
                (tot, ((r * ratio) * p / 100.0).round() as i64)
            } else {
                // After the base month: a smooth path to the end value with a mild seasonal dip.
                let h = ((t - 47) as f64 / 21.0).powf(0.95)
                    + 0.02 * ((t as f64) * std::f64::consts::PI / 6.0).sin();
                let r = base[k] + y[k] * h + 0.6 * wiggle[t];
                let rs = sv_base[k] + ysv[k] * h + 0.5 * wiggle[t];
                (
                    (r * p / 100.0).round() as i64,
                    (rs * p / 100.0).round() as i64,
                )
            };
            rows.push(EmploymentRow {
                district: k,
                year,
                month,
                total: total.max(0),
                sv: sv.clamp(0, total.max(0)),
            });
        }
    }
    rows
}
