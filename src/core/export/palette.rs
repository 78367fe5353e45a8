//! One colour per meaning, on every chart: the treated (early, BW, stronger) group is always
//! blue and the comparison (late, neighbours, weaker, synthetic control) group always orange;
//! nothing else is drawn in those two colours, so a slide never reuses them for topics or
//! estimators (issue: blue/orange meant early/late on one chart and labour/language on the
//! next).

/// What a mark on a chart stands for; its colour follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Meaning {
    /// The treated group of the comparison (early starters, BW, stronger expansion).
    Treated,
    /// The comparison group (late starters, neighbours, weaker expansion, synthetic control).
    Comparison,
    /// A category the page singles out that is no group of the comparison (the ranked topics,
    /// the organisation form the report names).
    Highlighted,
    /// Any other category.
    Other,
    /// Reference lines: the cutoff, base month, median, zero line, a reference estimate.
    Reference,
    /// The n-th of several estimators or kinds of comparison (event-time overlay,
    /// Goodman-Bacon groups); the event study is the TWFE estimator, number 0.
    Series(usize),
}

/// Colours of [`Meaning::Series`], chosen apart from blue and orange (and from each other in
/// lightness, so that they stay apart in greyscale print together with their marker shapes).
/// The first four are the estimators (TWFE, Callaway–Sant'Anna, Sun–Abraham, imputation),
/// the next three Goodman-Bacon's kinds of 2×2 comparison.
const SERIES: [&str; 7] = [
    "#6a3d9a", "#8c564b", "#d62728", "#17808e", "#c51b7d", "#6b6b00", "#333333",
];

impl Meaning {
    /// The colour as an SVG `#rrggbb`.
    pub fn colour(self) -> &'static str {
        match self {
            Meaning::Treated => "#1f77b4",
            Meaning::Comparison => "#ff7f0e",
            Meaning::Highlighted => "#2ca02c",
            Meaning::Other => "#a6a6a6",
            Meaning::Reference => "#555555",
            Meaning::Series(i) => SERIES[i % SERIES.len()],
        }
    }

    /// The colour as RGB bytes (tests look for it in PNG pixels).
    pub fn rgb(self) -> [u8; 3] {
        let hex = &self.colour()[1..];
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
        [byte(0), byte(2), byte(4)]
    }
}

/// Text colours: body text, and the grey of captions and source lines (dark enough to read on
/// a projector: contrast above 7:1 on white).
pub const TEXT: &str = "#1a1a1a";
pub const NOTE: &str = "#4d4d4d";
pub const GRID: &str = "#e6e6e6";
pub const AXIS: &str = "#808080";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_colours_are_used_for_nothing_else() {
        let others = [Meaning::Highlighted, Meaning::Other, Meaning::Reference]
            .into_iter()
            .chain((0..8).map(Meaning::Series));
        for m in others {
            assert_ne!(m.colour(), Meaning::Treated.colour(), "{m:?}");
            assert_ne!(m.colour(), Meaning::Comparison.colour(), "{m:?}");
        }
        assert_eq!(Meaning::Treated.rgb(), [31, 119, 180]);
    }
}
