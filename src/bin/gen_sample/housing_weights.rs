//! Tab. 17's weights: the districts' target persons D.
//!
//! Columns (1), (3) and (5) of Tab. 17 see no control: one vector of 37 pooled district
//! changes and its weights D decide all 15 of their figures. The HC1 variance of a treatment
//! coefficient is the control group's share of the weighted squared residuals plus the
//! treated group's, so on one set of weights the treatment SEs of columns (1) and (5) move
//! together: on the weights as drawn with the programme data, no outcome prints column (1)'s
//! (2.6, at least 2.55) and column (5)'s (2.7, at most 2.75) at once
//! (`scripts/tab17_column1_feasibility.py`). With the weights free too, they do.
//!
//! So this stage, on the bundle as written and before the count stage
//! (`housing_counts.rs`) fits the outcome, moves D. D counts the target persons of every
//! municipality of the district that reports them, also of the funded municipalities that
//! lack a housing wave: they are in no outcome (neither their district's pooled shares nor
//! Tab. 18), so their size moves D alone. Each such municipality's rows are scaled as a
//! whole (target persons, the housing parts, persons with a plan), so its shares and its
//! coverage (Abb. 26) stay what they were, to whole persons.
//!
//! 1. Where D should go (Levenberg–Marquardt): the district changes and ln D together, all
//!    15 figures into their print boxes, then the changes and ln D each as near where they
//!    started as that allows (weak priors).
//!    A district's D may move as far as scaling its free municipalities by 0.4–1.6 allows,
//!    and no further than keeps its capacity change (FTE per 100 target persons) on its side
//!    of the median: the capacity groups of Tab. 14 and 17 and the median (0.55) stay. The
//!    capacity change divides by D, so the two groups' mean changes (section 5: 0.27 and
//!    0.83) are held in their print boxes too.
//! 2. Onto whole persons: each district's new D is dealt out over its free municipalities in
//!    proportion to their target persons.
//!
//! The outcome found in step 1 is not written: the count stage fits it again on the new D,
//! in whole persons.

use crate::calibrate::{design, fit, levenberg_marquardt};
use crate::district_controls::TAB_17_COLUMN_1;
use crate::frame::Municipality;
use crate::printed::{Boxes, outside, show};
use crate::util::apportion;
use crate::waves::WaveRow;
use std::collections::{BTreeMap, HashMap};
use wirkung::core::bundle::{Bundle, Level};
use wirkung::core::derive::capacity::district_capacity_change;
use wirkung::core::derive::housing::municipality_housing;
use wirkung::core::derive::{ControlSelection, Outcome, PanelSpec, UnitMeasure, panel};

/// How far a free municipality's target persons may be scaled: 1 ± this.
pub const SCALE: f64 = 0.6;

/// How far inside a capacity change's side of the median it must stay (relative).
pub const SIDE: f64 = 0.01;

/// Section 5's mean capacity change (FTE per 100 target persons) of the districts below and
/// above the median, printed to two decimals.
pub const CAPACITY_MEANS: [f64; 2] = [0.27, 0.83];

/// How far inside their print boxes (±0.005) the capacity means are held; a tenth of a
/// figure's unit outside costs as much as a figure's unit. In trial runs, at the figures'
/// unit the stronger group's mean ended at 0.836 (out of print); at a hundredth the search
/// stalled far from the boxes; at a third the count stage left column (1)'s R² out.
const SAFE_MEANS: f64 = 0.001;

/// How far inside its print box each figure is aimed: five times as far as the count stage
/// aims, so that the count stage, which also holds Tab. 17's columns with controls and
/// Tab. 18's R², has room to move. At the count stage's own margins (0.004, 0.0004) the
/// weights were found, but the count stage left column (1)'s R² at 0.0049 in a trial run
/// (0.01 needs 0.005); at 0.03 and 0.003 no weights reached every box.
const SAFE: f64 = 0.02;
const SAFE_R2: f64 = 0.002;

/// How far outside a print box costs one unit.
const BOX_UNIT: f64 = 0.0005;

/// How far a district change (percentage points) and ln D may move before that costs one
/// unit: the boxes first, then D as little as they allow, the changes moving freely (the
/// count stage moves them anyway).
const CHANGE_PRIOR: f64 = 10.0;
const WEIGHT_PRIOR: f64 = 0.5;

const ITERATIONS: usize = 300;

/// A free municipality's new target persons at the housing base wave, and its old ones.
pub struct Resized {
    pub old: i64,
    pub new: i64,
}

/// The stage on the bundle `b` as written: per free municipality whose size moves, its target
/// persons before and after.
pub fn shape(b: &Bundle, log: &mut Vec<String>) -> Result<BTreeMap<String, Resized>, String> {
    let panels = TAB_17_COLUMN_1
        .iter()
        .map(|c| {
            let spec = PanelSpec {
                outcome: Outcome::Housing,
                comparison: c.comparison,
                level: Level::District,
                controls: ControlSelection::None,
                rules: b.manifest.rules.clone(),
            };
            panel(b, &spec).map_err(|e| format!("{}: {e}", c.comparison))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<&str> = panels[0].rows.iter().map(|r| r.unit_id.as_str()).collect();
    let n = ids.len();
    let at: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let y0: Vec<f64> = panels[0].rows.iter().map(|r| r.outcome_change()).collect();
    let w0: Vec<f64> = panels[0].rows.iter().map(|r| r.weight).collect();
    let mut designs = Vec::new();
    for (c, p) in TAB_17_COLUMN_1.iter().zip(&panels) {
        let mut treated = vec![f64::NAN; n];
        for r in &p.rows {
            let i = *at.get(r.unit_id.as_str()).ok_or_else(|| {
                format!(
                    "{}: district {} not in every column",
                    c.comparison, r.unit_id
                )
            })?;
            treated[i] = if r.treated { 1.0 } else { 0.0 };
        }
        if p.rows.len() != n {
            return Err(format!(
                "{}: {} districts, not {n}",
                c.comparison,
                p.rows.len()
            ));
        }
        let df = (n - c.terms.len()) as f64;
        designs.push((
            design(&[treated, vec![1.0; n]]),
            Boxes::new(c, df, SAFE, SAFE_R2, BOX_UNIT),
        ));
    }

    let free = free_municipalities(b, &at);
    let mut free_persons = vec![0i64; n];
    for (_, d, t) in &free {
        free_persons[*d] += t;
    }
    let capacity = district_capacity_change(b).values;
    let (lo, hi) = bounds(&capacity, &ids, &w0, &free_persons);
    let groups = capacity_groups(&capacity, &at);
    let moving: Vec<usize> = (0..n).filter(|&i| hi[i] > lo[i] + 1e-9).collect();
    // ln D of district i from its parameter: within [lo, hi], 0 where it started.
    let ln_weight = |i: usize, t: f64| lo[i] + (hi[i] - lo[i]) * (t.tanh() + 1.0) / 2.0;
    let t0: Vec<f64> = moving
        .iter()
        .map(|&i| {
            (2.0 * (0.0 - lo[i]) / (hi[i] - lo[i]) - 1.0)
                .clamp(-0.999, 0.999)
                .atanh()
        })
        .collect();
    let weights = |q: &[f64]| -> Vec<f64> {
        let mut w = w0.clone();
        for (k, &i) in moving.iter().enumerate() {
            w[i] *= ln_weight(i, q[n + k]).exp();
        }
        w
    };
    let figures = |y: &[f64], w: &[f64], r: &mut Vec<f64>| {
        for (x, boxes) in &designs {
            boxes.residuals(&fit(y, x, w), r);
        }
        for (mean, printed) in capacity_means(&groups, &w0, w)
            .into_iter()
            .zip(CAPACITY_MEANS)
        {
            r.push(outside(
                mean,
                printed - 0.005 + SAFE_MEANS,
                printed + 0.005 - SAFE_MEANS,
                BOX_UNIT / 10.0,
            ));
        }
    };
    let residuals = |q: &[f64]| -> Vec<f64> {
        let w = weights(q);
        let mut r = Vec::with_capacity(60 + 2 * n);
        figures(&q[..n], &w, &mut r);
        r.extend((0..n).map(|i| (q[i] - y0[i]) / CHANGE_PRIOR));
        r.extend(
            moving
                .iter()
                .enumerate()
                .map(|(k, &i)| ln_weight(i, q[n + k]) / WEIGHT_PRIOR),
        );
        r
    };
    let cost = |y: &[f64], w: &[f64]| -> f64 {
        let mut r = Vec::new();
        figures(y, w, &mut r);
        r.iter().map(|v| v * v).sum()
    };
    let q0: Vec<f64> = y0.iter().copied().chain(t0).collect();
    let steps: Vec<f64> = (0..q0.len())
        .map(|k| if k < n { 1e-6 } else { 1e-7 })
        .collect();
    let q = levenberg_marquardt(&q0, &residuals, &steps, ITERATIONS);

    // 2. Whole persons: each district's new D over its free municipalities.
    let continuous = weights(&q);
    let mut out = BTreeMap::new();
    let mut whole = w0.clone();
    for i in 0..n {
        let target = continuous[i].round() as i64 - w0[i].round() as i64 + free_persons[i];
        if target == free_persons[i] {
            continue;
        }
        let members: Vec<(&str, i64)> = free
            .iter()
            .filter(|(_, d, _)| *d == i)
            .map(|(m, _, t)| (*m, *t))
            .collect();
        for (m, new) in deal(&members, target) {
            let old = members.iter().find(|(id, _)| *id == m).expect("member").1;
            if new != old {
                whole[i] += (new - old) as f64;
                out.insert(m.to_string(), Resized { old, new });
            }
        }
    }
    let ln_moves: Vec<f64> = (0..n).map(|i| (whole[i] / w0[i]).ln()).collect();
    let rms = (ln_moves.iter().map(|v| v * v).sum::<f64>() / n as f64).sqrt();
    let largest = ln_moves.iter().fold(0.0f64, |a, v| a.max(v.abs()));
    log.push(format!(
        "Tab. 17's weights D: {} of {n} districts moved (root mean square {:.1}%, largest {:.1}%) through {} municipalities without a housing outcome; cost columns (1), (3), (5) {:.1} -> {:.1} on the outcome as written, {:.1} at the outcome found (not written)",
        ln_moves.iter().filter(|v| **v != 0.0).count(),
        100.0 * rms,
        100.0 * largest,
        out.len(),
        cost(&y0, &w0),
        cost(&y0, &whole),
        cost(&q[..n], &whole),
    ));
    let [below, above] = capacity_means(&groups, &w0, &whole);
    log.push(format!(
        "  capacity change per 100 target persons, mean below and above the median: {below:.4} and {above:.4}"
    ));
    for ((x, _), c) in designs.iter().zip(&TAB_17_COLUMN_1) {
        log.push(format!(
            "  {} {} at the outcome found: {}",
            c.table,
            c.comparison,
            show(&fit(&q[..n], x, &whole))
        ));
    }
    Ok(out)
}

/// The funded municipalities of the districts in `at` that report target persons at the
/// housing base wave but have no housing outcome (a wave missing): (id, district, persons).
fn free_municipalities<'a>(b: &'a Bundle, at: &HashMap<&str, usize>) -> Vec<(&'a str, usize, i64)> {
    let base = b.manifest.periods.housing_base;
    let outcome = municipality_housing(b);
    let persons: HashMap<&str, i64> = b
        .target_group
        .iter()
        .filter(|r| r.wave == base)
        .filter_map(|r| Some((r.municipality_id.as_str(), r.target_persons?)))
        .collect();
    b.municipalities
        .iter()
        .filter(|m| m.funded)
        .filter(|m| matches!(outcome.get(&m.municipality_id), Some(Err(_)) | None))
        .filter_map(|m| {
            let d = *at.get(m.district_id.as_str())?;
            let t = *persons.get(m.municipality_id.as_str())?;
            (t > 0).then_some((m.municipality_id.as_str(), d, t))
        })
        .collect()
}

/// Per district, how far ln D may move (`log_d_range`).
fn bounds(
    measures: &[UnitMeasure],
    ids: &[&str],
    w0: &[f64],
    free_persons: &[i64],
) -> (Vec<f64>, Vec<f64>) {
    let values: Vec<f64> = measures.iter().map(|m| m.value).collect();
    let middle = median_middle(&values);
    let capacity: HashMap<&str, f64> = measures
        .iter()
        .map(|m| (m.unit_id.as_str(), m.value))
        .collect();
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let share = free_persons[i] as f64 / w0[i];
            log_d_range(share, capacity.get(id).copied(), middle)
        })
        .unzip()
}

/// The capacity changes' middle values, the lower and the upper (one value twice for an odd
/// count): the median split puts a district above or below by them.
pub fn median_middle(values: &[f64]) -> (f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => (f64::NAN, f64::NAN),
        n => (sorted[(n - 1) / 2], sorted[n / 2]),
    }
}

/// How far ln D may move for a district whose free municipalities hold the share `free` of
/// its target persons and whose capacity change (FTE per 100 target persons, which divides
/// by D) is `capacity`: as far as scaling those persons by 1 ± `SCALE` allows, and not so
/// far that the capacity change reaches the median split's `middle` values (the capacity
/// groups and the median stay); a district that is one of them keeps its D.
pub fn log_d_range(free: f64, capacity: Option<f64>, middle: (f64, f64)) -> (f64, f64) {
    let (lower_mid, upper_mid) = middle;
    let (mut lo, mut hi) = ((1.0 - SCALE * free).ln(), (1.0 + SCALE * free).ln());
    if let Some(v) = capacity {
        // The measure becomes v / m for D times m.
        if v >= lower_mid && v <= upper_mid {
            (lo, hi) = (0.0, 0.0);
        } else if v < lower_mid && v > 0.0 {
            lo = lo.max((v / lower_mid * (1.0 + SIDE)).ln());
        } else if v > upper_mid && upper_mid > 0.0 {
            hi = hi.min((v / upper_mid / (1.0 + SIDE)).ln());
        }
    }
    (lo.min(0.0), hi.max(0.0))
}

/// The districts below and above the capacity median: per district its capacity change and,
/// where D may move, its place in `at`.
fn capacity_groups(
    measures: &[UnitMeasure],
    at: &HashMap<&str, usize>,
) -> [Vec<(f64, Option<usize>)>; 2] {
    let values: Vec<f64> = measures.iter().map(|m| m.value).collect();
    let median = wirkung::core::derive::median(&values).unwrap_or(f64::NAN);
    let mut groups = [Vec::new(), Vec::new()];
    for m in measures {
        let above = usize::from(m.value > median);
        groups[above].push((m.value, at.get(m.unit_id.as_str()).copied()));
    }
    groups
}

/// The mean capacity change of each group of `capacity_groups` when D is `w` instead of `w0`
/// (the change divides by D).
fn capacity_means(groups: &[Vec<(f64, Option<usize>)>; 2], w0: &[f64], w: &[f64]) -> [f64; 2] {
    groups.each_ref().map(|members| {
        members
            .iter()
            .map(|&(v, i)| i.map_or(v, |i| v * w0[i] / w[i]))
            .sum::<f64>()
            / members.len() as f64
    })
}

/// `total` persons dealt out over `members` in proportion to their persons (largest
/// remainders), each keeping at least one.
pub fn deal<'a>(members: &[(&'a str, i64)], total: i64) -> Vec<(&'a str, i64)> {
    let weights: Vec<f64> = members.iter().map(|(_, t)| *t as f64).collect();
    let total = usize::try_from(total).unwrap_or(0).max(members.len());
    let parts = apportion(total, &weights, 1);
    members
        .iter()
        .zip(parts)
        .map(|((m, _), p)| (*m, p as i64))
        .collect()
}

/// Scales every row of a resized municipality (both waves) by its new size over its old.
pub fn apply(resized: &BTreeMap<String, Resized>, munis: &[Municipality], waves: &mut [WaveRow]) {
    for r in waves.iter_mut() {
        if let Some(z) = resized.get(&munis[r.municipality].id) {
            resize(r, z);
        }
    }
}

/// One row scaled by `z.new / z.old`: target persons (the base wave's exactly `z.new`), the
/// housing parts and persons with a plan to whole persons, the parts still adding up to at
/// most the target persons and the persons with a plan no more than them.
fn resize(r: &mut WaveRow, z: &Resized) {
    let f = z.new as f64 / z.old as f64;
    let scaled = |v: Option<i64>| v.map(|v| (v as f64 * f).round() as i64);
    let target = if r.end_wave {
        scaled(r.target_persons).map(|t| t.max(1))
    } else {
        Some(z.new)
    };
    r.target_persons = target;
    r.decentral = scaled(r.decentral);
    r.shared = scaled(r.shared);
    r.unknown = scaled(r.unknown);
    r.with_plan = scaled(r.with_plan);
    let Some(t) = target else { return };
    // Rounding each part may overshoot by a person or two: the largest part gives them up.
    let excess = [r.decentral, r.shared, r.unknown]
        .iter()
        .flatten()
        .sum::<i64>()
        - t;
    if excess > 0 {
        let largest = [&mut r.decentral, &mut r.shared, &mut r.unknown]
            .into_iter()
            .max_by_key(|p| p.unwrap_or(i64::MIN))
            .expect("three parts");
        *largest = largest.map(|v| v - excess);
    }
    r.with_plan = r.with_plan.map(|p| p.min(t));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dealing_out_meets_the_total_in_proportion_and_keeps_everyone() {
        let members = [("a", 10), ("b", 20), ("c", 1)];
        for total in [45, 20, 3, 31] {
            let dealt = deal(&members, total);
            assert_eq!(dealt.iter().map(|(_, t)| t).sum::<i64>(), total, "{total}");
            assert!(dealt.iter().all(|(_, t)| *t >= 1), "{dealt:?}");
            let (a, b) = (dealt[0].1 as f64, dealt[1].1 as f64);
            assert!((b - 2.0 * a).abs() <= 2.0, "{dealt:?}");
        }
    }

    fn row(end_wave: bool) -> WaveRow {
        WaveRow {
            municipality: 0,
            end_wave,
            target_persons: Some(100),
            decentral: Some(35),
            shared: Some(35),
            unknown: Some(30),
            with_plan: Some(100),
        }
    }

    #[test]
    fn a_resized_row_keeps_its_shares_and_its_parts_within_its_size() {
        for (old, new) in [(100, 5), (100, 63), (100, 160)] {
            let z = Resized { old, new };
            for end_wave in [false, true] {
                let mut r = row(end_wave);
                resize(&mut r, &z);
                let t = r.target_persons.unwrap();
                assert_eq!(t, new, "{old} -> {new}");
                let parts = r.decentral.unwrap() + r.shared.unwrap() + r.unknown.unwrap();
                assert!(parts <= t, "{old} -> {new}: parts {parts} of {t}");
                assert!(r.with_plan.unwrap() <= t);
                let share = r.decentral.unwrap() as f64 / t as f64;
                assert!((share - 0.35).abs() <= 1.0 / t as f64 + 1e-12, "{share}");
            }
        }
    }
}
