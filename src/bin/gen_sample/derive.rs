//! The generator's own small copies of the derived quantities (bundle-format.md, "Derived
//! quantities"), used only to calibrate; the real pipeline in `wirkung::core::derive` is the
//! judge (tests/sample/sample_report.rs).

use crate::activity::{Activity, last_day};
use crate::frame::Municipality;
use crate::programme::{Grant, Staffing, grants_issued_by, rule_start};
use crate::survey::Response;
use crate::util::median;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Start date per district (grants issued by the cut-off).
pub fn district_starts(munis: &[Municipality], grants: &[Grant]) -> BTreeMap<usize, NaiveDate> {
    let mut per: BTreeMap<usize, Vec<NaiveDate>> = BTreeMap::new();
    for g in grants.iter().filter(|g| g.issued <= grants_issued_by()) {
        per.entry(munis[g.municipality].district)
            .or_default()
            .push(g.start);
    }
    per.into_iter()
        .filter_map(|(d, s)| rule_start(s).map(|x| (d, x)))
        .collect()
}

/// Start date per municipality.
pub fn municipality_starts(grants: &[Grant]) -> BTreeMap<usize, NaiveDate> {
    let mut per: BTreeMap<usize, Vec<NaiveDate>> = BTreeMap::new();
    for g in grants.iter().filter(|g| g.issued <= grants_issued_by()) {
        per.entry(g.municipality).or_default().push(g.start);
    }
    per.into_iter()
        .filter_map(|(m, s)| rule_start(s).map(|x| (m, x)))
        .collect()
}

/// Capacity change per district (FTE per 100 target persons); None when a funded
/// municipality lacks `fte_before`.
pub fn district_capacity(
    munis: &[Municipality],
    staff: &[Staffing],
    tp: &[i64],
    bw: &[usize],
) -> BTreeMap<usize, Option<f64>> {
    let mut out = BTreeMap::new();
    for &d in bw {
        let funded: Vec<usize> = (0..munis.len())
            .filter(|&m| munis[m].funded && munis[m].district == d)
            .collect();
        let rows: Vec<&Staffing> = staff
            .iter()
            .filter(|s| munis[s.municipality].district == d)
            .collect();
        let lacks = funded.iter().any(|&m| {
            !rows
                .iter()
                .any(|s| s.municipality == m && s.fte_before.is_some())
        });
        let dsum: f64 = funded.iter().map(|&m| tp[m] as f64).sum();
        let change: f64 = rows
            .iter()
            .filter_map(|s| Some(s.fte_after? - s.fte_before?))
            .sum();
        out.insert(
            d,
            if lacks || dsum <= 0.0 {
                None
            } else {
                Some(change / (dsum / 100.0))
            },
        );
    }
    out
}

/// `fte_after − fte_before` per municipality reporting both.
pub fn municipality_capacity(staff: &[Staffing]) -> BTreeMap<usize, f64> {
    staff
        .iter()
        .filter_map(|s| Some((s.municipality, s.fte_after? - s.fte_before?)))
        .collect()
}

/// Plan-B share per unit; `unit` maps a municipality to its unit.
pub fn plan_b_shares(
    responses: &[Response],
    unit: impl Fn(usize) -> usize,
) -> BTreeMap<usize, f64> {
    let mut acc: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for r in responses {
        if let Some(p) = r.plan_b {
            let e = acc.entry(unit(r.municipality)).or_default();
            e.1 += 1.0;
            if p >= 3 {
                e.0 += 1.0;
            }
        }
    }
    acc.into_iter().map(|(u, (a, n))| (u, a / n)).collect()
}

/// Topic shares per district (topic index as in `Topic::ALL`), exact duplicates dropped
/// (the generator writes them next to their original).
pub fn district_topic_shares(
    munis: &[Municipality],
    act: &Activity,
    topic: usize,
) -> BTreeMap<usize, f64> {
    let by_id: BTreeMap<&str, usize> = munis.iter().map(|m| (m.id.as_str(), m.district)).collect();
    let mut acc: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for i in 0..act.date.len() {
        if i > 0 && same_row(act, i, i - 1) || act.date[i] > last_day() {
            continue;
        }
        let d = by_id[act.municipality_id[i].as_str()];
        let e = acc.entry(d).or_default();
        e.0 += act.talks[topic][i] as f64;
        e.1 += (0..8).map(|k| act.talks[k][i] as f64).sum::<f64>();
    }
    acc.into_iter().map(|(d, (a, n))| (d, a / n)).collect()
}

pub fn same_row(a: &Activity, i: usize, j: usize) -> bool {
    a.manager_id[i] == a.manager_id[j]
        && a.alliance_id[i] == a.alliance_id[j]
        && a.municipality_id[i] == a.municipality_id[j]
        && a.date[i] == a.date[j]
        && (0..8).all(|k| a.talks[k][i] == a.talks[k][j])
        && (0..3).all(|k| a.location[k][i] == a.location[k][j])
}

/// Median split: treated = strictly above the unweighted median of all units with the measure.
pub fn split(measure: &BTreeMap<usize, f64>) -> (f64, BTreeMap<usize, bool>) {
    let v: Vec<f64> = measure.values().copied().collect();
    let m = median(&v);
    (m, measure.iter().map(|(&u, &x)| (u, x > m)).collect())
}
