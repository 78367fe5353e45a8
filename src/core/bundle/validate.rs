//! Cross-table validation: the manifest's settings, keys, foreign keys and coverage.
//! Impossible values within a row are checked in `plausible`.
//!
//! Severity follows cli.md, "Exit status": what makes data wrong or unreadable is an error
//! (duplicate keys, ids pointing nowhere, periods the data do not cover); what real
//! deliveries routinely contain and the tool handles by a stated rule is a warning (a
//! municipality lacking a survey wave, a district lacking a month).

use super::collect::RowProblem;
use super::collect::{Collector, MANIFEST, RowNumbers};
use super::model::Table;
use super::{Bundle, Finding, coverage, plausible};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Display;
use std::hash::Hash;

pub(super) fn validate(b: &Bundle, rows: &RowNumbers, out: &mut Collector) {
    manifest(b, out);
    keys(b, rows, out);
    foreign_keys(b, rows, out);
    coverage::coverage(b, rows, out);
    coverage::periods(b, out);
    plausible::values(b, rows, out);
    super::rules::check(b, rows, out);
}

/// Settings of `bundle.toml` that cannot describe a valid analysis.
fn manifest(b: &Bundle, out: &mut Collector) {
    let m = &b.manifest;
    for name in m.tables.keys() {
        if !Table::ALL.iter().any(|t| t.name() == name) {
            out.push(Finding::warning(
                MANIFEST,
                Some("tables"),
                None,
                format!("[tables] names {name:?}, which is not a table of format 1; ignored"),
            ));
        }
    }
    let r = &m.rules;
    if !(r.start_share > 0.0 && r.start_share <= 1.0) {
        out.push(Finding::error(
            MANIFEST,
            Some("rules.start_share"),
            None,
            format!("start_share {} must be a share in (0, 1]", r.start_share),
        ));
    }
    if !(0.0..=1.0).contains(&r.housing_max_missing) {
        let msg = format!(
            "housing_max_missing {} must be a share in [0, 1]",
            r.housing_max_missing
        );
        out.push(Finding::error(
            MANIFEST,
            Some("rules.housing_max_missing"),
            None,
            msg,
        ));
    }
    let p = &m.periods;
    if p.employment_base >= p.employment_end {
        let msg = format!(
            "employment_base {} is not before employment_end {}",
            p.employment_base, p.employment_end
        );
        out.push(Finding::error(
            MANIFEST,
            Some("periods.employment_end"),
            None,
            msg,
        ));
    }
    if p.housing_base >= p.housing_end {
        let msg = format!(
            "housing_base {} is not before housing_end {}",
            p.housing_base, p.housing_end
        );
        out.push(Finding::error(
            MANIFEST,
            Some("periods.housing_end"),
            None,
            msg,
        ));
    }
    let mut seen = HashSet::new();
    for c in &m.controls {
        if !seen.insert((c.level, c.column.as_str())) {
            out.push(Finding::warning(
                MANIFEST,
                Some("controls"),
                None,
                format!(
                    "control '{}' is declared twice for the same level",
                    c.column
                ),
            ));
        }
        if c.outcomes.is_empty() {
            out.push(Finding::warning(
                MANIFEST,
                Some("controls"),
                None,
                format!(
                    "control '{}' lists no outcomes, so it is never used",
                    c.column
                ),
            ));
        }
    }
}

/// Duplicate keys: the later row is the error, naming the first.
fn unique<K: Hash + Eq + Display>(
    out: &mut Collector,
    table: &str,
    column: &str,
    keys: impl Iterator<Item = (K, usize)>,
) {
    let mut first: HashMap<K, usize> = HashMap::new();
    for (key, row) in keys {
        if let Some(&earlier) = first.get(&key) {
            out.error(
                RowProblem::DuplicateKey,
                table,
                column,
                row,
                format!("duplicate key {key}: row {earlier} has the same"),
            );
        } else {
            first.insert(key, row);
        }
    }
}

struct Pair<'a, B>(&'a str, B);
impl<B: Display> Display for Pair<'_, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "({}, {})", self.0, self.1)
    }
}
impl<B: PartialEq> PartialEq for Pair<'_, B> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0 && self.1 == o.1
    }
}
impl<B: Eq> Eq for Pair<'_, B> {}
impl<B: Hash> Hash for Pair<'_, B> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.hash(h);
        self.1.hash(h);
    }
}

fn keys(b: &Bundle, r: &RowNumbers, out: &mut Collector) {
    unique(
        out,
        "districts",
        "district_id",
        b.districts
            .iter()
            .map(|d| d.district_id.as_str())
            .zip(r.districts.iter().copied()),
    );
    unique(
        out,
        "municipalities",
        "municipality_id",
        b.municipalities
            .iter()
            .map(|m| m.municipality_id.as_str())
            .zip(r.municipalities.iter().copied()),
    );
    unique(
        out,
        "grants",
        "grant_id",
        b.grants
            .iter()
            .map(|g| g.grant_id.as_str())
            .zip(r.grants.iter().copied()),
    );
    unique(
        out,
        "staffing",
        "municipality_id",
        b.staffing
            .iter()
            .map(|s| s.municipality_id.as_str())
            .zip(r.staffing.iter().copied()),
    );
    unique(
        out,
        "target_group",
        "wave",
        b.target_group
            .iter()
            .map(|t| Pair(&t.municipality_id, t.wave))
            .zip(r.target_group.iter().copied()),
    );
    unique(
        out,
        "employment",
        "month",
        b.employment
            .iter()
            .map(|e| Pair(&e.district_id, e.month))
            .zip(r.employment.iter().copied()),
    );
    unique(
        out,
        "population",
        "year",
        b.population
            .iter()
            .map(|p| Pair(&p.district_id, p.year))
            .zip(r.population.iter().copied()),
    );
    unique(
        out,
        "manager_survey",
        "response_id",
        b.manager_survey
            .iter()
            .map(|s| s.response_id.as_str())
            .zip(r.manager_survey.iter().copied()),
    );
}

/// Ids that point nowhere: one error per unknown id, at its first row, with the count.
fn dangling<'a>(
    out: &mut Collector,
    table: &str,
    column: &str,
    target: Table,
    known: &HashSet<&str>,
    ids: impl Iterator<Item = (&'a str, usize)>,
) {
    let mut unknown: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    // Rows of one unit usually come together (activity: ~300k rows, a few thousand ids),
    // so the last id found skips most lookups.
    let mut last_known = "";
    for (id, row) in ids {
        if id == last_known && !id.is_empty() {
            continue;
        }
        if known.contains(id) {
            last_known = id;
        } else {
            unknown.entry(id).or_insert((row, 0)).1 += 1;
        }
    }
    let mut listed: Vec<_> = unknown.into_iter().collect();
    listed.sort_by_key(|(_, (row, _))| *row);
    for (id, (row, count)) in listed {
        let rows = if count == 1 {
            String::new()
        } else {
            format!(" ({count} rows, the first here)")
        };
        let msg = format!(
            "{column} {id} points nowhere: it is not in {}{rows}",
            target.name()
        );
        out.error(RowProblem::UnknownId, table, column, row, msg);
    }
}

fn foreign_keys(b: &Bundle, r: &RowNumbers, out: &mut Collector) {
    if b.has(Table::Districts) {
        let districts: HashSet<&str> = b.districts.iter().map(|d| d.district_id.as_str()).collect();
        let d = Table::Districts;
        dangling(
            out,
            "municipalities",
            "district_id",
            d,
            &districts,
            b.municipalities
                .iter()
                .map(|m| m.district_id.as_str())
                .zip(r.municipalities.iter().copied()),
        );
        dangling(
            out,
            "employment",
            "district_id",
            d,
            &districts,
            b.employment
                .iter()
                .map(|e| e.district_id.as_str())
                .zip(r.employment.iter().copied()),
        );
        dangling(
            out,
            "population",
            "district_id",
            d,
            &districts,
            b.population
                .iter()
                .map(|p| p.district_id.as_str())
                .zip(r.population.iter().copied()),
        );
    }
    if b.has(Table::Municipalities) {
        let known: HashSet<&str> = b
            .municipalities
            .iter()
            .map(|m| m.municipality_id.as_str())
            .collect();
        let m = Table::Municipalities;
        dangling(
            out,
            "grants",
            "municipality_id",
            m,
            &known,
            b.grants
                .iter()
                .map(|g| g.municipality_id.as_str())
                .zip(r.grants.iter().copied()),
        );
        dangling(
            out,
            "staffing",
            "municipality_id",
            m,
            &known,
            b.staffing
                .iter()
                .map(|s| s.municipality_id.as_str())
                .zip(r.staffing.iter().copied()),
        );
        dangling(
            out,
            "target_group",
            "municipality_id",
            m,
            &known,
            b.target_group
                .iter()
                .map(|t| t.municipality_id.as_str())
                .zip(r.target_group.iter().copied()),
        );
        dangling(
            out,
            "activity",
            "municipality_id",
            m,
            &known,
            b.activity
                .municipality_ids()
                .zip(r.activity.iter().map(|&row| row as usize)),
        );
        dangling(
            out,
            "manager_survey",
            "municipality_id",
            m,
            &known,
            b.manager_survey
                .iter()
                .map(|s| s.municipality_id.as_str())
                .zip(r.manager_survey.iter().copied()),
        );
    }
}
