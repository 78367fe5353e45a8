//! Rules and values that are possible one by one but describe no analysis: an early-start
//! cutoff outside every start date, a topics window that ends before the first activity day,
//! and control values so far from the rest (or not finite) that one unit would decide the
//! regression. Each finding says what the setting or value does.

use super::collect::RowProblem;
use super::collect::{Collector, MANIFEST, RowNumbers};
use super::{Bundle, Finding, Table};
use std::collections::BTreeMap;

/// A control value more than this many times the column's median absolute value is absurd
/// (a population written into a share, a unit slip, 1e308).
pub(super) const ABSURD_FACTOR: f64 = 1e6;

pub(super) fn check(b: &Bundle, r: &RowNumbers, out: &mut Collector) {
    rules_against_data(b, out);
    let districts = b.districts.iter().map(|d| &d.controls);
    controls(out, "districts", districts.zip(r.districts.iter().copied()));
    let municipalities = b.municipalities.iter().map(|m| &m.controls);
    controls(
        out,
        "municipalities",
        municipalities.zip(r.municipalities.iter().copied()),
    );
}

fn rules_against_data(b: &Bundle, out: &mut Collector) {
    let rules = &b.manifest.rules;
    let starts = b.grants.iter().map(|g| g.start);
    if let (Some(first), Some(last)) = (starts.clone().min(), starts.max()) {
        let cutoff = rules.early_cutoff;
        let what = if cutoff > last {
            Some(format!(
                "after every grant's start (the last is {last}): every unit counts as an early starter, so the early-start comparison has no late group"
            ))
        } else if cutoff <= first {
            Some(format!(
                "on or before every grant's start (the first is {first}): no unit counts as an early starter, so the early-start comparison has no early group"
            ))
        } else {
            None
        };
        if let Some(what) = what {
            let msg = format!("early_cutoff {cutoff} is {what}");
            out.push(Finding::error(
                MANIFEST,
                Some("rules.early_cutoff"),
                None,
                msg,
            ));
        }
    }
    if b.has(Table::Activity)
        && let Some(first) = b.activity.dates().min()
    {
        let until = b.manifest.periods.topics_until;
        if until < first {
            let msg = format!(
                "topics_until {until} is before the first activity day ({first}): the topic figures count no talks"
            );
            out.push(Finding::error(
                MANIFEST,
                Some("periods.topics_until"),
                None,
                msg,
            ));
        }
    }
}

/// Control values that are not finite or more than `ABSURD_FACTOR` times the column's median
/// absolute value.
fn controls<'a>(
    out: &mut Collector,
    table: &str,
    rows: impl Iterator<Item = (&'a BTreeMap<String, Option<f64>>, usize)>,
) {
    let mut columns: BTreeMap<&str, Vec<(f64, usize)>> = BTreeMap::new();
    for (controls, row) in rows {
        for (column, value) in controls {
            if let Some(v) = value {
                columns.entry(column.as_str()).or_default().push((*v, row));
            }
        }
    }
    for (column, values) in columns {
        let mut abs: Vec<f64> = values
            .iter()
            .map(|(v, _)| v.abs())
            .filter(|v| v.is_finite())
            .collect();
        abs.sort_by(f64::total_cmp);
        let median = abs.get(abs.len() / 2).copied().unwrap_or(0.0);
        for &(v, row) in &values {
            let absurd = median > 0.0 && v.abs() > ABSURD_FACTOR * median;
            if !v.is_finite() || absurd {
                let shown = if v.abs() < 1e15 {
                    v.to_string()
                } else {
                    format!("{v:e}")
                };
                let msg = format!(
                    "control value {shown} is {} (the column's median absolute value is {median}); this one unit would decide the regression: correct or remove it",
                    if v.is_finite() {
                        "more than 10^6 times the column's typical size"
                    } else {
                        "not a finite number"
                    }
                );
                out.error(RowProblem::AbsurdControlValue, table, column, row, msg);
            }
        }
    }
}
