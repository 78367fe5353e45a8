//! The one way numbers are written for people, on screen, in the CLI's text and in exports
//! (CSV and JSON keep full precision and no separators: they are for machines).
//!
//! Decided once: counts carry thousands separators (9,999) everywhere people read them;
//! p-values have three decimals, "< 0.001" below that, and a p-value from draws is never
//! written finer than one draw can move it.

/// A p-value and, for resampling p-values, the number of draws it was counted from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PValue {
    pub value: f64,
    /// Draws (or enumerated assignments) it is a share of; `None` for an analytic p-value.
    pub draws: Option<usize>,
}

impl PValue {
    pub fn analytic(value: f64) -> PValue {
        PValue { value, draws: None }
    }

    pub fn from_draws(value: f64, draws: usize) -> PValue {
        PValue {
            value,
            draws: Some(draws),
        }
    }
}

/// A p-value as written: a value, or a bound when it is too small to write as one.
enum Written {
    NotAvailable,
    /// "< 0.001", "< 1/16": written after "<", never after "=".
    Below(String),
    Value(String),
}

impl PValue {
    /// "p = 0.125", "p < 0.001", "p < 1/16": the p-value as a statement.
    pub fn stated(&self) -> String {
        match self.written() {
            Written::Below(bound) => format!("p < {bound}"),
            _ => format!("p = {self}"),
        }
    }

    /// `0.125`, `< 0.001`; from draws `< 1/16` when no draw was as extreme, and below 0.001
    /// with as many decimals as the draws resolve (`0.0005` from 9,999 draws).
    fn written(&self) -> Written {
        let p = self.value;
        if p.is_nan() {
            return Written::NotAvailable;
        }
        match self.draws.filter(|&d| d > 0) {
            None if p < 0.001 => Written::Below("0.001".into()),
            Some(d) if p * (d as f64) < 0.5 => Written::Below(format!("1/{}", count(d))),
            Some(d) if p < 0.001 => {
                // ceil(log10(d)) decimals show one draw's step.
                let decimals = ((d as f64).log10().ceil() as usize).clamp(4, 6);
                Written::Value(format!("{p:.decimals$}"))
            }
            _ => Written::Value(format!("{p:.3}")),
        }
    }
}

impl std::fmt::Display for PValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.written() {
            Written::NotAvailable => f.write_str("n/a"),
            Written::Below(bound) => write!(f, "< {bound}"),
            Written::Value(v) => f.write_str(&v),
        }
    }
}

/// A count with thousands separators: 9,999; 1,029,530.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A share as a whole percentage: `48%`.
pub fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

/// A share as a percentage with one decimal: `48.3%` (the programme pages' shares).
pub fn share_percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// A number with `decimals` decimals and a sign: `+0.125`, `-1.300`.
pub fn signed(v: f64, decimals: usize) -> String {
    format!("{v:+.decimals$}")
}

/// A number with `decimals` decimals.
pub fn fixed(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

/// An interval; a missing bound is unbounded on that side: `[-1.23, +∞)`.
pub fn interval(low: Option<f64>, high: Option<f64>, decimals: usize) -> String {
    let lo = low.map_or("(−∞".to_string(), |v| format!("[{v:.decimals$}"));
    let hi = high.map_or("+∞)".to_string(), |v| format!("{v:.decimals$}]"));
    format!("{lo}, {hi}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analytic_p_values() {
        assert_eq!(PValue::analytic(0.0004).to_string(), "< 0.001");
        assert_eq!(PValue::analytic(0.7609).to_string(), "0.761");
        assert_eq!(PValue::analytic(f64::NAN).to_string(), "n/a");
    }

    #[test]
    fn p_values_from_draws_are_no_finer_than_the_draws() {
        // 2 of 16 sign vectors: the smallest step is 1/16.
        assert_eq!(PValue::from_draws(2.0 / 16.0, 16).to_string(), "0.125");
        assert_eq!(PValue::from_draws(0.0, 16).to_string(), "< 1/16");
        assert_eq!(PValue::from_draws(0.0, 9_999).to_string(), "< 1/9,999");
        assert_eq!(
            PValue::from_draws(123.0 / 9_999.0, 9_999).to_string(),
            "0.012"
        );
        assert_eq!(
            PValue::from_draws(5.0 / 9_999.0, 9_999).to_string(),
            "0.0005"
        );
        assert_eq!(PValue::from_draws(0.0, 16).stated(), "p < 1/16");
        assert_eq!(PValue::analytic(0.25).stated(), "p = 0.250");
        assert_eq!(PValue::from_draws(0.5, 199).to_string(), "0.500");
    }

    #[test]
    fn counts_and_intervals() {
        assert_eq!(count(16), "16");
        assert_eq!(count(9_999), "9,999");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(1_029_530_696_964), "1,029,530,696,964");
        assert_eq!(interval(Some(-1.234), Some(0.5), 2), "[-1.23, 0.50]");
        assert_eq!(interval(None, Some(0.5), 2), "(−∞, 0.50]");
        assert_eq!(interval(Some(0.1), None, 2), "[0.10, +∞)");
        assert_eq!(signed(0.1254, 3), "+0.125");
    }
}
