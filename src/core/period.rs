//! Calendar months and dates as the report uses them.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A calendar month (`YYYY-MM`), ordered in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    pub year: i32,
    /// 1–12
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        (1..=12).contains(&month).then_some(Month { year, month })
    }

    pub fn of_date(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// Months since year 0, so that differences of months are plain subtraction.
    pub fn index(self) -> i32 {
        self.year * 12 + self.month as i32 - 1
    }

    pub fn from_index(i: i32) -> Month {
        Month {
            year: i.div_euclid(12),
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }

    pub fn plus(self, months: i32) -> Month {
        Month::from_index(self.index() + months)
    }

    /// Every month from `self` to `last`, both included.
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        (self.index()..=last.index()).map(Month::from_index)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("month is 1-12")
    }

    /// Quarter 1–4.
    pub fn quarter(self) -> u32 {
        (self.month - 1) / 3 + 1
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Why a month or date as written cannot be read; each keeps the text as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodParseError {
    #[error("expected a month YYYY-MM, found {0:?}")]
    NotAMonth(String),
    #[error("expected a date YYYY-MM-DD, found {0:?}")]
    NotADate(String),
    /// Shaped like a date, but no such day exists (`2019-02-30`).
    #[error("{0:?} is not a real calendar date")]
    NoSuchDate(String),
}

impl FromStr for Month {
    type Err = PeriodParseError;
    fn from_str(s: &str) -> Result<Month, PeriodParseError> {
        let bad = || PeriodParseError::NotAMonth(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Month, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Parses an ISO date `YYYY-MM-DD`; `2019-02-30` is an error, not a silent roll-over.
pub fn parse_date(s: &str) -> Result<NaiveDate, PeriodParseError> {
    let t = s.trim();
    let shape_ok = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    if !shape_ok {
        return Err(PeriodParseError::NotADate(s.to_string()));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map_err(|_| PeriodParseError::NoSuchDate(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_crosses_years() {
        let m: Month = "2017-12".parse().unwrap();
        assert_eq!(m.plus(1).to_string(), "2018-01");
        assert_eq!(m.plus(21).to_string(), "2019-09");
        assert_eq!(m.through("2018-02".parse().unwrap()).count(), 3);
        assert_eq!(
            "2017-13".parse::<Month>(),
            Err(PeriodParseError::NotAMonth("2017-13".into()))
        );
    }

    #[test]
    fn impossible_dates_are_rejected() {
        assert_eq!(
            parse_date("2019-02-30"),
            Err(PeriodParseError::NoSuchDate("2019-02-30".into()))
        );
        assert_eq!(
            parse_date("2019-2-3"),
            Err(PeriodParseError::NotADate("2019-2-3".into()))
        );
        assert_eq!(parse_date("2020-02-29").unwrap().to_string(), "2020-02-29");
    }
}
