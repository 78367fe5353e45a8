//! Axis ticks people read without arithmetic: steps of 1, 2, 2.5 or 5 times a power of ten,
//! whole numbers with thousands separators on count axes (never `10.0` or `300000.0`), and
//! month axes ticked on calendar boundaries (every quarter, half-year or year).

use crate::core::period::Month;

/// Ticks of a value axis and how many decimals their labels need.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub decimals: usize,
}

impl Ticks {
    /// The tick's label: `decimals` decimals, thousands separators, never `-0`.
    pub fn label(&self, v: f64) -> String {
        number(v, self.decimals)
    }
}

/// `v` with `decimals` decimals and thousands separators (`300,000`, `1,234.5`); `-0` is `0`.
pub fn number(v: f64, decimals: usize) -> String {
    let s = format!("{:.decimals$}", v.abs());
    let (int, frac) = s
        .split_once('.')
        .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    let zero = s.chars().all(|c| c == '0' || c == '.');
    if v < 0.0 && !zero {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// About `target` ticks covering `[lo, hi]` (the axis is then widened to the outer ticks).
/// With `whole`, steps are whole numbers (counts).
pub fn nice(lo: f64, hi: f64, target: usize, whole: bool) -> Ticks {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    };
    let raw = (hi - lo) / target.max(2) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).round();
    }
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    let values = (first..=last).map(|k| k as f64 * step).collect();
    let decimals = if whole {
        0
    } else {
        // 2.5 × 10^k needs one decimal more than 10^k.
        let d = -(step.log10().floor()) as i64 + i64::from((step / magnitude - 2.5).abs() < 1e-9);
        d.max(0) as usize
    };
    Ticks { values, decimals }
}

/// Ticks of a month axis from `first` to `last` (month indices): the first month of every
/// quarter, half-year or year, whichever gives at most `max` ticks; labelled `2018` on a
/// yearly axis and `2018-04` otherwise.
pub fn months(first: i32, last: i32, max: usize) -> Vec<(f64, String)> {
    let span = (last - first).max(0) + 1;
    let step = [1, 3, 6, 12, 24, 60]
        .into_iter()
        .find(|s| span / s < max as i32)
        .unwrap_or(120);
    (first..=last)
        .filter(|i| i.rem_euclid(step) == 0)
        .map(|i| {
            let m = Month::from_index(i);
            let label = if step >= 12 {
                m.year.to_string()
            } else {
                m.to_string()
            };
            (f64::from(i), label)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_whole_numbers_with_separators() {
        let t = nice(0.0, 310_000.0, 6, true);
        assert_eq!(t.decimals, 0);
        assert!(t.values.iter().all(|v| v.fract() == 0.0));
        assert_eq!(t.label(300_000.0), "300,000");
        let small = nice(0.0, 3.0, 8, true);
        assert_eq!(small.values, vec![0.0, 1.0, 2.0, 3.0]);
        assert_eq!(small.label(1.0), "1");
    }

    #[test]
    fn decimals_follow_the_step() {
        assert_eq!(nice(0.0, 1.0, 5, false).decimals, 1);
        assert_eq!(nice(0.0, 10.0, 4, false).decimals, 1); // step 2.5
        assert_eq!(nice(40.0, 60.0, 5, false).decimals, 0);
        assert_eq!(number(-0.0001, 1), "0.0");
        assert_eq!(number(-1234.5, 1), "-1,234.5");
    }

    #[test]
    fn month_ticks_fall_on_calendar_boundaries() {
        let first = Month::new(2015, 11).unwrap().index();
        let last = Month::new(2019, 12).unwrap().index();
        let ticks = months(first, last, 12);
        assert!(ticks.len() <= 12 && ticks.len() >= 4, "{ticks:?}");
        for (x, _) in &ticks {
            let m = Month::from_index(*x as i32);
            assert!([1, 7].contains(&m.month), "{m}");
        }
        let short = months(first, first + 30, 12);
        assert!(short.iter().all(|(x, _)| (*x as i32).rem_euclid(3) == 0));
        assert_eq!(months(first, last, 5)[0].1, "2016");
    }
}
