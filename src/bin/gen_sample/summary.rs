//! What the generated programme data show, printed by the generator so the calibration can be
//! compared with the report at a glance (the tests check the same through the real pipeline).

use crate::activity::Activity;
use crate::derive;
use crate::frame::{District, Municipality};
use crate::programme::{Grant, Staffing};
use crate::survey::Response;
use crate::util::{mean, median};
use std::collections::BTreeMap;

fn group_means(v: &BTreeMap<usize, f64>) -> (f64, f64, f64) {
    let (m, g) = derive::split(v);
    let hi: Vec<f64> = v.iter().filter(|(u, _)| g[u]).map(|(_, x)| *x).collect();
    let lo: Vec<f64> = v.iter().filter(|(u, _)| !g[u]).map(|(_, x)| *x).collect();
    (m, mean(&lo), mean(&hi))
}

#[allow(clippy::too_many_arguments)]
pub fn programme(
    ds: &[District],
    munis: &[Municipality],
    tp: &[i64],
    grants: &[Grant],
    staff: &[Staffing],
    responses: &[Response],
    act: &Activity,
    capacity: &BTreeMap<usize, f64>,
    plan_b: &BTreeMap<usize, f64>,
    labour: &BTreeMap<usize, f64>,
    housing: &BTreeMap<usize, f64>,
) -> Vec<String> {
    let mut log = Vec::new();
    let funded = munis.iter().filter(|m| m.funded).count();
    let alliances: std::collections::BTreeSet<&str> = munis
        .iter()
        .filter(|m| m.funded)
        .map(|m| m.alliance.as_str())
        .collect();
    let fte: f64 = grants.iter().map(|g| g.fte).sum();
    log.push(format!(
        "municipalities {} funded {} alliances {} grants {} fte {:.0} target persons {}",
        munis.len(),
        funded,
        alliances.len(),
        grants.len(),
        fte,
        tp.iter().sum::<i64>()
    ));
    // Abb. 4: cumulative municipality starts.
    let starts = derive::municipality_starts(grants);
    let n = starts.len() as f64;
    let by = |y: i32, m: u32| {
        starts
            .values()
            .filter(|d| (chrono::Datelike::year(*d), chrono::Datelike::month(*d)) <= (y, m))
            .count() as f64
            / n
    };
    let first = starts
        .values()
        .min()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let last = starts
        .values()
        .max()
        .map(|d| d.to_string())
        .unwrap_or_default();
    log.push(format!(
        "municipality starts: first {first}, last {last}, by Jan 2018 {:.1}%, by May 2018 {:.1}%",
        100.0 * by(2018, 1),
        100.0 * by(2018, 5)
    ));
    let ds_start = derive::district_starts(munis, grants);
    let cutoff = crate::programme::day(2018, 2, 15);
    let avg = |early: bool| {
        let v: Vec<i64> = ds_start
            .values()
            .filter(|d| (**d <= cutoff) == early)
            .map(|d| {
                d.and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp() / 86400)
                    .unwrap_or(0)
            })
            .collect();
        let m = v.iter().sum::<i64>() / v.len().max(1) as i64;
        (
            v.len(),
            chrono::DateTime::from_timestamp(m * 86400, 0)
                .map(|t| t.date_naive().to_string())
                .unwrap_or_default(),
        )
    };
    log.push(format!(
        "district starts: early {:?}, late {:?}",
        avg(true),
        avg(false)
    ));
    // Tab. 5.
    let mut counts = [0usize; 4];
    let mut weights = [0.0f64; 4];
    let mut changes = Vec::new();
    for s in staff {
        let c = match (s.fte_before, s.fte_after) {
            (Some(b), Some(a)) => {
                changes.push(a - b);
                if a < b - 1e-9 {
                    0
                } else if (a - b).abs() < 1e-9 {
                    1
                } else {
                    2
                }
            }
            _ => 3,
        };
        counts[c] += 1;
        weights[c] += munis[s.municipality].refugees_2017 as f64;
    }
    // Weighted by the municipality's refugees on 15 Sep 2017, as Tab. 5 is.
    let wt: f64 = weights.iter().sum();
    log.push(format!(
        "staffing decrease/no change/increase/no answer {:?}, refugee-weighted {:?} %",
        counts,
        weights
            .iter()
            .map(|w| (1000.0 * w / wt).round() / 10.0)
            .collect::<Vec<_>>(),
    ));
    // Abb. 6 and the text around Tab. 5.
    let before: Vec<f64> = staff.iter().filter_map(|s| s.fte_before).collect();
    let small = changes.iter().filter(|c| **c > 0.0 && **c <= 0.5).count();
    log.push(format!(
        "staffing before IM (N {}): mean {:.2} median {:.2} FTE, nobody {:.1}%; change (N {}): mean {:.3} median {:.3} FTE, in (0, 0.5] {:.1}%",
        before.len(),
        mean(&before),
        median(&before),
        100.0 * before.iter().filter(|b| **b == 0.0).count() as f64 / before.len() as f64,
        changes.len(),
        mean(&changes),
        median(&changes),
        100.0 * small as f64 / changes.len() as f64
    ));
    let (m, lo, hi) = group_means(capacity);
    log.push(format!(
        "capacity: {} districts, median {:.2}, means {:.2} vs {:.2}, increased {}",
        capacity.len(),
        m,
        lo,
        hi,
        capacity.values().filter(|v| **v > 0.0).count()
    ));
    let often = |f: &dyn Fn(&Response) -> Option<u8>| {
        let v: Vec<u8> = responses.iter().filter_map(f).collect();
        100.0 * v.iter().filter(|x| **x >= 3).count() as f64 / v.len() as f64
    };
    log.push(format!(
        "survey: {} responses, plan A often {:.0}%, plan B often {:.0}%",
        responses.len(),
        often(&|r| r.plan_a),
        often(&|r| r.plan_b)
    ));
    let (m, lo, hi) = group_means(plan_b);
    log.push(format!(
        "plan B districts: median {:.3}, means {:.3} vs {:.3}",
        m, lo, hi
    ));
    let (m, lo, hi) = group_means(labour);
    log.push(format!(
        "labour talks: median {:.4}, means {:.4} vs {:.4}",
        m, lo, hi
    ));
    let (m, lo, hi) = group_means(housing);
    log.push(format!(
        "housing talks: median {:.4}, means {:.4} vs {:.4}",
        m, lo, hi
    ));
    let mut kept = 0usize;
    let mut talks = [0i64; 8];
    for i in 0..act.date.len() {
        if i > 0 && derive::same_row(act, i, i - 1) {
            continue;
        }
        kept += 1;
        for (k, t) in talks.iter_mut().enumerate() {
            *t += act.talks[k][i];
        }
    }
    let tot: i64 = talks.iter().sum();
    log.push(format!(
        "activity: {} rows delivered, {} after dropping duplicates, {} talks, topic shares {:?} %",
        act.date.len(),
        kept,
        tot,
        talks
            .iter()
            .map(|t| (1000.0 * *t as f64 / tot as f64).round() / 10.0)
            .collect::<Vec<_>>()
    ));
    let _ = ds;
    log
}
