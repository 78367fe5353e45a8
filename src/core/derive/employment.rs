//! Monthly employment rates with linearly interpolated denominators (bundle-format.md).

use super::Outcome;
use crate::core::bundle::Bundle;
use crate::core::period::Month;
use std::collections::BTreeMap;

/// Which employment count is the numerator of the rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Employed {
    /// `employed_total`: social-security plus exclusively marginal employment.
    Total,
    /// `employed_sv`: social-security employment only.
    SocialSecurity,
}

impl Employed {
    /// The count an employment outcome uses; `None` for housing.
    pub fn for_outcome(outcome: Outcome) -> Option<Employed> {
        match outcome {
            Outcome::Employment => Some(Employed::Total),
            Outcome::EmploymentSv => Some(Employed::SocialSecurity),
            Outcome::Housing => None,
        }
    }
}

/// Linear interpolation between year-ends: month `m` (1–12) of year y lies m/12 of the way
/// from P(y−1) to P(y) (bundle-format.md, "Derived quantities").
pub fn interpolate_persons(previous_year_end: f64, year_end: f64, month: u32) -> f64 {
    previous_year_end + (year_end - previous_year_end) * f64::from(month) / 12.0
}

/// The foreigners' register by district and year-end, and the employment counts by district
/// and month, ready for monthly rates.
#[derive(Debug, Clone, Default)]
pub struct EmploymentData {
    year_ends: BTreeMap<String, BTreeMap<i32, f64>>,
    employed: BTreeMap<String, BTreeMap<Month, (i64, i64)>>,
}

/// One district's employment rate in one month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthlyRate {
    pub employed: i64,
    /// Interpolated HHL persons aged 15–64.
    pub persons: f64,
    /// employed / persons × 100.
    pub rate_pct: f64,
}

impl EmploymentData {
    /// Indexes the `population` and `employment` tables; for a duplicated key the first row
    /// counts (duplicates are errors of `check`, never silently summed).
    pub fn new(bundle: &Bundle) -> EmploymentData {
        let mut data = EmploymentData::default();
        for p in &bundle.population {
            data.year_ends
                .entry(p.district_id.clone())
                .or_default()
                .entry(p.year)
                .or_insert(p.persons_15_64 as f64);
        }
        for e in &bundle.employment {
            data.employed
                .entry(e.district_id.clone())
                .or_default()
                .entry(e.month)
                .or_insert((e.employed_total, e.employed_sv));
        }
        data
    }

    /// Interpolated persons of `district` in `month`; the error names the missing year-end.
    pub fn persons(&self, district: &str, month: Month) -> Result<f64, MissingFigure> {
        let years = self.year_ends.get(district);
        let year_end = |year: i32| {
            years
                .and_then(|ys| ys.get(&year))
                .copied()
                .ok_or(MissingFigure::Population { year })
        };
        let this = year_end(month.year)?;
        if month.month == 12 {
            // December is the year-end figure itself; the previous year is not needed.
            return Ok(this);
        }
        let previous = year_end(month.year - 1)?;
        Ok(interpolate_persons(previous, this, month.month))
    }

    /// The employed count of `district` in `month`, if delivered.
    pub fn employed(&self, district: &str, month: Month, which: Employed) -> Option<i64> {
        let (total, sv) = *self.employed.get(district)?.get(&month)?;
        Some(match which {
            Employed::Total => total,
            Employed::SocialSecurity => sv,
        })
    }

    /// Rate of `district` in `month`; the error says what is missing, in words.
    pub fn rate(
        &self,
        district: &str,
        month: Month,
        which: Employed,
    ) -> Result<MonthlyRate, MissingFigure> {
        let employed = self
            .employed(district, month, which)
            .ok_or(MissingFigure::Employment { month })?;
        let persons = self.persons(district, month)?;
        if persons <= 0.0 {
            return Err(MissingFigure::NoPersons { month, persons });
        }
        Ok(MonthlyRate {
            employed,
            persons,
            // × 100 first: exact counts and persons give exact percentages (30, not 30.000000000000004).
            rate_pct: employed as f64 * 100.0 / persons,
        })
    }

    /// First and last month with any employment figure.
    pub fn month_range(&self) -> Option<(Month, Month)> {
        let months = self.employed.values().flat_map(|m| m.keys().copied());
        months.fold(None, |acc, m| match acc {
            None => Some((m, m)),
            Some((lo, hi)) => Some((lo.min(m), hi.max(m))),
        })
    }

    /// Rates of `district` in every month it has an employment figure and persons.
    pub fn district_series(&self, district: &str, which: Employed) -> BTreeMap<Month, MonthlyRate> {
        let months = self
            .employed
            .get(district)
            .into_iter()
            .flat_map(|m| m.keys().copied());
        months
            .filter_map(|m| self.rate(district, m, which).ok().map(|r| (m, r)))
            .collect()
    }
}

/// Why a district has no employment rate in a month; the message is the sentence an
/// exclusion shows.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum MissingFigure {
    #[error("no population for {year}")]
    Population { year: i32 },
    #[error("no employment figure for {month}")]
    Employment { month: Month },
    #[error("no persons aged 15-64 in {month} (interpolated {persons})")]
    NoPersons { month: Month, persons: f64 },
}

/// A district's employment outcome: rates at base and end, weight = persons at base.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EmploymentOutcome {
    pub base_pct: f64,
    pub end_pct: f64,
    /// Interpolated HHL persons aged 15–64 at the base month (the estimation weight).
    pub weight_persons: f64,
}

/// The employment outcome of every district in `districts` between `base` and `end`
/// (bundle-format.md: rate at `employment_end` − rate at `employment_base`).
pub fn employment_outcomes(
    bundle: &Bundle,
    which: Employed,
    base: Month,
    end: Month,
) -> BTreeMap<String, Result<EmploymentOutcome, MissingFigure>> {
    let data = EmploymentData::new(bundle);
    bundle
        .districts
        .iter()
        .map(|d| {
            let id = d.district_id.as_str();
            let outcome = data.rate(id, base, which).and_then(|b| {
                let e = data.rate(id, end, which)?;
                Ok(EmploymentOutcome {
                    base_pct: b.rate_pct,
                    end_pct: e.rate_pct,
                    weight_persons: b.persons,
                })
            });
            (d.district_id.clone(), outcome)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn december_is_the_year_end_and_other_months_interpolate() {
        // September 2019 between 1200 (end 2018) and 1800 (end 2019): 1200 + 600 × 9/12 = 1650.
        assert_eq!(interpolate_persons(1200.0, 1800.0, 9), 1650.0);
        assert_eq!(interpolate_persons(1200.0, 1800.0, 12), 1800.0);
    }
}
