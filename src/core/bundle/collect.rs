//! Collecting findings while reading and validating.
//!
//! Row-level problems of one kind (same table, column and kind) are listed for the first
//! `ROWS_LISTED` rows and then summarised in one finding, so that a delivery with 10,000 bad
//! dates still gives a readable `check` report.

use super::finding::{Finding, Findings, Severity};
use std::collections::BTreeMap;

/// Row findings of one kind listed one by one before the rest is summarised.
pub(super) const ROWS_LISTED: usize = 20;

/// What a row finding is about. Row findings of one kind (per table and column) are listed
/// for the first `ROWS_LISTED` rows, then summarised under the kind's name. The variants are
/// in the byte order of their names, so that summaries keep the order they always had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, strum_macros::Display)]
pub(crate) enum RowProblem {
    #[strum(to_string = "BW district without municipalities")]
    BWDistrictWithoutMunicipalities,
    #[strum(to_string = "absurd control value")]
    AbsurdControlValue,
    #[strum(to_string = "alliance across districts")]
    AllianceAcrossDistricts,
    #[strum(to_string = "alliance mismatch")]
    AllianceMismatch,
    #[strum(to_string = "code mismatch")]
    CodeMismatch,
    #[strum(to_string = "conflicting rows")]
    ConflictingRows,
    #[strum(to_string = "contradiction")]
    Contradiction,
    #[strum(to_string = "date outside the possible period")]
    DateOutsideThePossiblePeriod,
    #[strum(to_string = "district without rows")]
    DistrictWithoutRows,
    #[strum(to_string = "duplicate key")]
    DuplicateKey,
    #[strum(to_string = "funded without grant")]
    FundedWithoutGrant,
    #[strum(to_string = "grant without funding")]
    GrantWithoutFunding,
    #[strum(to_string = "id format")]
    IdFormat,
    #[strum(to_string = "impossible calendar date")]
    ImpossibleCalendarDate,
    #[strum(to_string = "impossible value")]
    ImpossibleValue,
    #[strum(to_string = "missing period month")]
    MissingPeriodMonth,
    #[strum(to_string = "missing required value")]
    MissingRequiredValue,
    #[strum(to_string = "missing staffing row")]
    MissingStaffingRow,
    #[strum(to_string = "missing survey wave")]
    MissingSurveyWave,
    #[strum(to_string = "month outside population coverage")]
    MonthOutsidePopulationCoverage,
    #[strum(to_string = "months missing")]
    MonthsMissing,
    #[strum(to_string = "non-BW municipality")]
    NonBWMunicipality,
    #[strum(to_string = "staffing of unfunded")]
    StaffingOfUnfunded,
    #[strum(to_string = "unknown id")]
    UnknownId,
    #[strum(to_string = "unknown organisation")]
    UnknownOrganisation,
    #[strum(to_string = "unknown state")]
    UnknownState,
    #[strum(to_string = "wrong type")]
    WrongType,
    #[strum(to_string = "zero FTE")]
    ZeroFTE,
    #[strum(to_string = "zero persons")]
    ZeroPersons,
}

type KindKey = (Severity, Option<String>, Option<String>, RowProblem);

/// What `Collector::rollback` returns to.
pub(super) struct Mark {
    items: usize,
    unlisted: usize,
    kinds: BTreeMap<KindKey, usize>,
}

#[derive(Default)]
pub(super) struct Collector {
    findings: Findings,
    /// How many row findings of each kind were seen (listed or not).
    kinds: BTreeMap<KindKey, usize>,
}

impl Collector {
    /// A finding that is always listed (table- or column-level, or already a summary).
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// A row-level finding of `kind`: listed while fewer than `ROWS_LISTED` of that kind
    /// (per table and column) were listed, counted otherwise.
    pub fn row(&mut self, kind: RowProblem, finding: Finding) {
        let key = (
            finding.severity,
            finding.table.clone(),
            finding.column.clone(),
            kind,
        );
        let seen = self.kinds.entry(key).or_insert(0);
        *seen += 1;
        if *seen <= ROWS_LISTED {
            self.findings.push(finding);
        } else {
            self.findings.unlisted.push(finding);
        }
    }

    pub fn error(&mut self, kind: RowProblem, table: &str, column: &str, row: usize, msg: String) {
        self.row(kind, Finding::error(table, Some(column), Some(row), msg));
    }

    pub fn warning(
        &mut self,
        kind: RowProblem,
        table: &str,
        column: &str,
        row: usize,
        msg: String,
    ) {
        self.row(kind, Finding::warning(table, Some(column), Some(row), msg));
    }

    /// The state to return to if a table read column by column has to be read again whole.
    pub fn mark(&self) -> Mark {
        Mark {
            items: self.findings.items.len(),
            unlisted: self.findings.unlisted.len(),
            kinds: self.kinds.clone(),
        }
    }

    /// Forgets every finding since `mark`.
    pub fn rollback(&mut self, mark: Mark) {
        self.findings.items.truncate(mark.items);
        self.findings.unlisted.truncate(mark.unlisted);
        self.kinds = mark.kinds;
    }

    /// All findings, with one summary per kind whose listing was cut short.
    pub fn finish(mut self) -> Findings {
        for ((severity, table, column, kind), seen) in std::mem::take(&mut self.kinds) {
            if seen <= ROWS_LISTED {
                continue;
            }
            let message = format!(
                "{} more findings of this kind ({kind}) are not listed; {seen} in all",
                seen - ROWS_LISTED
            );
            self.findings.summaries.push(self.findings.items.len());
            self.findings.push(Finding {
                severity,
                table,
                column,
                row: None,
                message,
            });
        }
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_listings_are_cut_and_summarised() {
        let mut c = Collector::default();
        for row in 1..=25 {
            c.error(
                RowProblem::ImpossibleCalendarDate,
                "activity",
                "date",
                row,
                format!("row {row} is bad"),
            );
        }
        c.error(
            RowProblem::ImpossibleCalendarDate,
            "grants",
            "start",
            1,
            "other table".into(),
        );
        let f = c.finish();
        assert_eq!(f.items.len(), ROWS_LISTED + 1 + 1);
        let last = f.items.last().unwrap();
        assert_eq!(last.table.as_deref(), Some("activity"));
        assert_eq!(last.row, None);
        assert!(last.message.contains("5 more findings"), "{}", last.message);
        assert!(last.message.contains("25 in all"), "{}", last.message);
        // The complete list has every row finding and no summary.
        let complete: Vec<_> = f.complete().collect();
        assert_eq!(complete.len(), 26);
        assert!(complete.iter().all(|f| f.row.is_some()));
    }
}

/// Data-row numbers (1-based, header excluded) of every typed row, table by table.
#[derive(Debug, Default)]
pub(super) struct RowNumbers {
    pub districts: Vec<usize>,
    pub municipalities: Vec<usize>,
    pub grants: Vec<usize>,
    pub staffing: Vec<usize>,
    pub target_group: Vec<usize>,
    pub employment: Vec<usize>,
    pub population: Vec<usize>,
    /// u32: a row number per kept working day, of which there may be tens of millions.
    pub activity: Vec<u32>,
    pub manager_survey: Vec<usize>,
}

/// The manifest's file name, as findings about it name it.
pub(super) const MANIFEST: &str = "bundle.toml";
