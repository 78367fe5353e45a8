//! What a coefficient belongs to: the report's treatment regressor, the constant, or a named
//! control.

use serde::{Serialize, Serializer};
use std::fmt;

/// A regression term. Fits name their columns (`wls` takes `(&str, &[f64])` pairs, so that
/// reference tests can use statsmodels' names); the names `treated`, `measure` and `const` are
/// the roles of the report's equation 1 and are read into their variants once, when the fit is
/// built, so that everything downstream (ordering, labels, styling, the diff) asks the variant
/// rather than comparing names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// The treatment dummy of the comparison.
    Treated,
    /// The measure behind a median split (the dose model).
    Measure,
    /// The constant.
    Constant,
    /// A control, or any other column, by its name.
    Named(String),
}

impl Term {
    /// The term of the column called `name`.
    pub fn from_name(name: &str) -> Term {
        match name {
            "treated" => Term::Treated,
            "measure" => Term::Measure,
            "const" => Term::Constant,
            other => Term::Named(other.to_string()),
        }
    }

    /// The column's name in fits and exports (`treated`, `measure`, `const`, or the control's
    /// column).
    pub fn name(&self) -> &str {
        match self {
            Term::Treated => "treated",
            Term::Measure => "measure",
            Term::Constant => "const",
            Term::Named(name) => name,
        }
    }

    /// The report's row order: the treatment (or measure) first, then the controls, the
    /// constant last.
    pub fn report_rank(&self) -> u8 {
        match self {
            Term::Treated | Term::Measure => 0,
            Term::Named(_) => 1,
            Term::Constant => 2,
        }
    }

    /// Whether this is the regressor whose coefficient the report discusses.
    pub fn is_treatment(&self) -> bool {
        matches!(self, Term::Treated | Term::Measure)
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Serialised as the column's name, the shape `estimate --format json` has always had.
impl Serialize for Term {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_order_like_the_report() {
        for name in ["treated", "measure", "const", "gdp_per_capita"] {
            assert_eq!(Term::from_name(name).name(), name);
        }
        let mut terms = vec![Term::Constant, Term::from_name("urban"), Term::Treated];
        terms.sort_by_key(Term::report_rank);
        assert_eq!(
            terms,
            vec![Term::Treated, Term::from_name("urban"), Term::Constant]
        );
        assert_eq!(serde_json::to_string(&Term::Constant).unwrap(), "\"const\"");
    }
}
