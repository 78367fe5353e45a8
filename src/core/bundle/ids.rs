//! Ids that a spreadsheet turned into numbers: official codes (AGS) begin with a zero in
//! Baden-Württemberg (`08111`, `08111000`), and Excel drops it (`8111`, `8111000`). A
//! reference whose id is unknown as written, but known once the zeros are put back to the
//! code's length (districts 5 digits, municipalities 8), is read as the known id, with one
//! warning per table and column naming how many and the first row. Anything else is left as
//! written, so an id that still points nowhere stays an error of `check`: nothing is
//! guessed beyond putting back the zeros, and an id that is known as written is never changed.

use super::collect::{Collector, RowNumbers};
use super::{ActivityDays, Bundle, Finding, Table};
use std::collections::{HashMap, HashSet};

/// Lengths of the official codes.
const DISTRICT_DIGITS: usize = 5;
const MUNICIPALITY_DIGITS: usize = 8;

/// The known id `id` stands for once its lost leading zeros are back, if there is one.
pub(super) fn with_zeros(id: &str, digits: usize, known: &HashSet<String>) -> Option<String> {
    let numeric = !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit());
    if !numeric || id.len() >= digits || known.contains(id) {
        return None;
    }
    let padded = format!("{id:0>digits$}");
    known.contains(&padded).then_some(padded)
}

/// Repairs one column's ids in place and reports them in one finding.
fn repair<'a>(
    out: &mut Collector,
    table: Table,
    column: &str,
    digits: usize,
    known: &HashSet<String>,
    ids: impl Iterator<Item = (&'a mut String, usize)>,
) {
    let (mut count, mut first) = (0usize, None);
    for (id, row) in ids {
        if let Some(fixed) = with_zeros(id, digits, known) {
            count += 1;
            if first.is_none() {
                first = Some((row, id.clone(), fixed.clone()));
            }
            *id = fixed;
        }
    }
    report(out, table, column, digits, count, first);
}

/// The one finding of a repaired column: how many ids, and the first repair.
fn report(
    out: &mut Collector,
    table: Table,
    column: &str,
    digits: usize,
    count: usize,
    first: Option<(usize, String, String)>,
) {
    if let Some((row, was, now)) = first {
        let target = if digits == DISTRICT_DIGITS {
            "districts"
        } else {
            "municipalities"
        };
        let msg = format!(
            "{count} ids lost their leading zero, as a spreadsheet drops it (first at row {row}: {was} → {now}); each is read as the {target} id it matches once the zeros are back"
        );
        out.push(Finding::warning(table.name(), Some(column), None, msg));
    }
}

/// `repair` for the activity table's interned municipality ids: each distinct id is looked
/// at once, then the rows that carry a repaired one are pointed at the known id.
fn repair_activity(
    out: &mut Collector,
    column: &str,
    known: &HashSet<String>,
    days: &mut ActivityDays,
    rows: &[u32],
) {
    // Indexed by interned id: one pass over the rows, no hashing per row.
    let mut present = vec![false; days.ids.len()];
    for &i in &days.municipality {
        present[i as usize] = true;
    }
    let fixes: HashMap<u32, (String, String)> = (0..present.len() as u32)
        .filter(|&i| present[i as usize])
        .filter_map(|i| {
            let was = days.ids.name(i);
            let now = with_zeros(was, MUNICIPALITY_DIGITS, known)?;
            Some((i, (was.to_string(), now)))
        })
        .collect();
    if fixes.is_empty() {
        return;
    }
    let mut to: Vec<Option<u32>> = vec![None; present.len()];
    for (&i, (_, now)) in &fixes {
        to[i as usize] = Some(days.ids.intern(now));
    }
    let (mut count, mut first) = (0usize, None);
    for (id, &row) in days.municipality.iter_mut().zip(rows) {
        if let Some(fixed) = to[*id as usize] {
            count += 1;
            if first.is_none() {
                let (was, now) = &fixes[id];
                first = Some((row as usize, was.clone(), now.clone()));
            }
            *id = fixed;
        }
    }
    report(
        out,
        Table::Activity,
        column,
        MUNICIPALITY_DIGITS,
        count,
        first,
    );
}

pub(super) fn repair_lost_zeros(b: &mut Bundle, r: &RowNumbers, out: &mut Collector) {
    let districts: HashSet<String> = b.districts.iter().map(|d| d.district_id.clone()).collect();
    let municipalities: HashSet<String> = b
        .municipalities
        .iter()
        .map(|m| m.municipality_id.clone())
        .collect();
    let (d, m) = (DISTRICT_DIGITS, MUNICIPALITY_DIGITS);
    let col = "district_id";
    let ids = b.municipalities.iter_mut().map(|x| &mut x.district_id);
    repair(
        out,
        Table::Municipalities,
        col,
        d,
        &districts,
        ids.zip(r.municipalities.iter().copied()),
    );
    let ids = b.employment.iter_mut().map(|x| &mut x.district_id);
    repair(
        out,
        Table::Employment,
        col,
        d,
        &districts,
        ids.zip(r.employment.iter().copied()),
    );
    let ids = b.population.iter_mut().map(|x| &mut x.district_id);
    repair(
        out,
        Table::Population,
        col,
        d,
        &districts,
        ids.zip(r.population.iter().copied()),
    );
    let col = "municipality_id";
    let ids = b.grants.iter_mut().map(|x| &mut x.municipality_id);
    repair(
        out,
        Table::Grants,
        col,
        m,
        &municipalities,
        ids.zip(r.grants.iter().copied()),
    );
    let ids = b.staffing.iter_mut().map(|x| &mut x.municipality_id);
    repair(
        out,
        Table::Staffing,
        col,
        m,
        &municipalities,
        ids.zip(r.staffing.iter().copied()),
    );
    let ids = b.target_group.iter_mut().map(|x| &mut x.municipality_id);
    repair(
        out,
        Table::TargetGroup,
        col,
        m,
        &municipalities,
        ids.zip(r.target_group.iter().copied()),
    );
    repair_activity(out, col, &municipalities, &mut b.activity, &r.activity);
    let ids = b.manager_survey.iter_mut().map(|x| &mut x.municipality_id);
    repair(
        out,
        Table::ManagerSurvey,
        col,
        m,
        &municipalities,
        ids.zip(r.manager_survey.iter().copied()),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_unknown_numeric_ids_that_match_a_known_code_are_repaired() {
        let known: HashSet<String> = ["08111", "8112", "09162"].map(String::from).into();
        assert_eq!(with_zeros("8111", 5, &known).as_deref(), Some("08111"));
        assert_eq!(with_zeros("9162", 5, &known).as_deref(), Some("09162"));
        // Known as written: never changed.
        assert_eq!(with_zeros("8112", 5, &known), None);
        // No known code to match, not digits, or already full length: left as written.
        assert_eq!(with_zeros("8113", 5, &known), None);
        assert_eq!(with_zeros("A111", 5, &known), None);
        assert_eq!(with_zeros("08111", 5, &known), None);
    }
}
