//! The IM key figures after the reading rules, held as compact columns.
//!
//! A state's delivery over several years runs to tens of millions of working days; one
//! `ActivityDay` with three `String`s per row took about 600 bytes each when read. Here the
//! ids are indices into one string table (a few thousand distinct ids), the date is four
//! bytes and the eleven counts are `i32`, about 60 bytes a row. A count outside `i32` (a
//! hostile or mistyped file) is kept exactly in a side table, so every value reads back as
//! delivered.

use super::model::ActivityDay;
use chrono::NaiveDate;
use std::collections::HashMap;

/// An absent count (a location column allows empty values).
pub(super) const ABSENT: i32 = i32::MIN;
/// A count outside `i32`; its value is in `ActivityDays::wide`.
pub(super) const WIDE: i32 = i32::MIN + 1;

/// Eight topic counts, then office, on-site and accompanying.
pub(super) const COUNTS: usize = 11;

/// Ids interned once: equal ids have equal indices, so grouping compares integers.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdTable {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
}

impl IdTable {
    pub fn intern(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("fewer than 4 billion distinct ids");
        self.names.push(id.into());
        self.index.insert(id.into(), i);
        i
    }

    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// Distinct ids interned so far (each index below this is one).
    pub fn len(&self) -> usize {
        self.names.len()
    }
}

/// The working days of `activity` as kept by the reading rules, in file order.
#[derive(Debug, Clone, Default)]
pub struct ActivityDays {
    pub(super) ids: IdTable,
    pub(super) manager: Vec<u32>,
    pub(super) alliance: Vec<u32>,
    pub(super) municipality: Vec<u32>,
    pub(super) date: Vec<NaiveDate>,
    /// Count `k` of every day (`ABSENT`, `WIDE` or the value), one column per count: the
    /// file is read a column at a time, and a column written in order stays in the cache.
    pub(super) counts: [Vec<i32>; COUNTS],
    /// Counts outside `i32`, by (row, count index).
    pub(super) wide: HashMap<(u32, u8), i64>,
    pub(super) conflicting: Vec<bool>,
}

/// One working day as read from `ActivityDays` (ids borrowed from its string table).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActivityRow<'a> {
    pub manager_id: &'a str,
    pub alliance_id: &'a str,
    pub municipality_id: &'a str,
    pub date: NaiveDate,
    /// Talks per topic, indexed like `Topic::ALL`.
    pub talks: [i64; 8],
    pub talks_office: Option<i64>,
    pub talks_onsite: Option<i64>,
    pub talks_accompanying: Option<i64>,
    /// Another row has the same IM and date with different counts (kept, flagged).
    pub conflicting: bool,
}

impl ActivityRow<'_> {
    /// The row as an owned `ActivityDay`.
    pub fn to_day(&self) -> ActivityDay {
        ActivityDay {
            manager_id: self.manager_id.to_string(),
            alliance_id: self.alliance_id.to_string(),
            municipality_id: self.municipality_id.to_string(),
            date: self.date,
            talks: self.talks,
            talks_office: self.talks_office,
            talks_onsite: self.talks_onsite,
            talks_accompanying: self.talks_accompanying,
            conflicting: self.conflicting,
        }
    }
}

/// A count as stored: the value, or `WIDE` when it needs the side table.
pub(super) fn narrow(v: i64) -> i32 {
    match i32::try_from(v) {
        Ok(n) if n > WIDE => n,
        _ => WIDE,
    }
}

impl ActivityDays {
    pub fn len(&self) -> usize {
        self.date.len()
    }

    pub fn is_empty(&self) -> bool {
        self.date.is_empty()
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// The `i`-th working day (file order of the kept rows).
    pub fn get(&self, i: usize) -> Option<ActivityRow<'_>> {
        (i < self.len()).then(|| self.row(i))
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = ActivityRow<'_>> + Clone + '_ {
        (0..self.len()).map(|i| self.row(i))
    }

    /// The date of every day, without building the rows.
    pub fn dates(&self) -> impl ExactSizeIterator<Item = NaiveDate> + '_ {
        self.date.iter().copied()
    }

    /// Appends an owned day (tests and hand-built bundles).
    pub fn push(&mut self, day: &ActivityDay) {
        let i = self.len() as u32;
        let place = |v: Option<i64>| v.map_or(ABSENT, narrow);
        let mut counts = [0; COUNTS];
        for (c, v) in counts.iter_mut().zip(day.talks) {
            *c = narrow(v);
        }
        counts[8] = place(day.talks_office);
        counts[9] = place(day.talks_onsite);
        counts[10] = place(day.talks_accompanying);
        let all = day.talks.iter().copied().map(Some).chain([
            day.talks_office,
            day.talks_onsite,
            day.talks_accompanying,
        ]);
        for (k, v) in all.enumerate() {
            if let Some(v) = v.filter(|&v| narrow(v) == WIDE) {
                self.wide.insert((i, k as u8), v);
            }
        }
        self.manager.push(self.ids.intern(&day.manager_id));
        self.alliance.push(self.ids.intern(&day.alliance_id));
        self.municipality
            .push(self.ids.intern(&day.municipality_id));
        self.date.push(day.date);
        for (column, c) in self.counts.iter_mut().zip(counts) {
            column.push(c);
        }
        self.conflicting.push(day.conflicting);
    }

    /// The value of count `k` of row `i` as delivered (`None`: an absent location count).
    #[inline]
    pub(super) fn count(&self, i: usize, k: usize) -> Option<i64> {
        resolve(self.counts[k][i], || {
            self.wide.get(&(i as u32, k as u8)).copied()
        })
    }

    /// The municipality id of every day, without building the rows.
    pub fn municipality_ids(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.municipality.iter().map(|&i| self.ids.name(i))
    }

    #[inline]
    fn row(&self, i: usize) -> ActivityRow<'_> {
        let mut talks = [0i64; 8];
        for (k, t) in talks.iter_mut().enumerate() {
            *t = self.count(i, k).unwrap_or_default();
        }
        ActivityRow {
            manager_id: self.ids.name(self.manager[i]),
            alliance_id: self.ids.name(self.alliance[i]),
            municipality_id: self.ids.name(self.municipality[i]),
            date: self.date[i],
            talks,
            talks_office: self.count(i, 8),
            talks_onsite: self.count(i, 9),
            talks_accompanying: self.count(i, 10),
            conflicting: self.conflicting[i],
        }
    }
}

/// A stored count as its value; `wide` is asked only for a count outside `i32`.
#[inline]
pub(super) fn resolve(stored: i32, wide: impl FnOnce() -> Option<i64>) -> Option<i64> {
    match stored {
        ABSENT => None,
        WIDE => wide(),
        v => Some(i64::from(v)),
    }
}

impl PartialEq for ActivityDays {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<'a> IntoIterator for &'a ActivityDays {
    type Item = ActivityRow<'a>;
    type IntoIter = Box<dyn Iterator<Item = ActivityRow<'a>> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl FromIterator<ActivityDay> for ActivityDays {
    fn from_iter<I: IntoIterator<Item = ActivityDay>>(iter: I) -> Self {
        let mut days = ActivityDays::default();
        for d in iter {
            days.push(&d);
        }
        days
    }
}

impl From<Vec<ActivityDay>> for ActivityDays {
    fn from(days: Vec<ActivityDay>) -> Self {
        days.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_pushed_including_counts_beyond_i32() {
        let date = NaiveDate::from_ymd_opt(2019, 3, 1).unwrap();
        let day = |m: &str, talks: [i64; 8], office: Option<i64>| ActivityDay {
            manager_id: m.into(),
            alliance_id: "A1".into(),
            municipality_id: "08111000".into(),
            date,
            talks,
            talks_office: office,
            talks_onsite: Some(i64::from(i32::MIN)),
            talks_accompanying: None,
            conflicting: m == "2",
        };
        let days = vec![
            day("1", [1, 2, 3, 4, 5, 6, 7, -8], Some(9)),
            day("2", [i64::MAX, i64::MIN, 0, 0, 0, 0, 0, 0], Some(1 << 40)),
        ];
        let store: ActivityDays = days.clone().into();
        assert_eq!(store.len(), 2);
        let back: Vec<ActivityDay> = store.iter().map(|r| r.to_day()).collect();
        assert_eq!(back, days);
        assert_eq!(
            store.ids.names.len(),
            4,
            "A1 and the municipality stored once"
        );
    }
}
