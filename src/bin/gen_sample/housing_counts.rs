//! Whole persons against Tab. 17's columns without controls.
//!
//! Columns (1), (3) and (5) of Tab. 17 see no control, only the 37 pooled district changes
//! and their weights. The housing stage meets them while the changes are continuous;
//! rounding the decentrally housed persons to whole counts (`housing::end_counts`) then moves
//! them, and where about 40 municipalities' end shares had to be held inside 0–100 it cannot
//! hold every coefficient (the housing-talks treatment moved from −0.401 to −0.476). Nothing
//! after that rounding could move them back: the later stages move controls only.
//!
//! So this stage, on the bundle as written and before the two control stages, moves end-wave
//! persons between decentral and shared housing:
//! 1. where the district changes should go, continuous (Levenberg–Marquardt): columns (1),
//!    (3) and (5) into their print boxes, the columns with controls (Tab. 17 (2), (4), (6))
//!    towards their printed figures at a tenth of the control stages' weight, since those
//!    stages fit them again, but none of their figures out of a box it is in;
//! 2. onto whole persons: a district's change moves in steps of one person over its pooled
//!    target persons; the coarsest district first, each to whichever neighbouring step lets
//!    the others, solved again, reach the lower cost;
//! 3. each district's persons to whichever of its municipalities costs Tab. 18's municipal
//!    columns least, one at a time;
//! 4. a greedy descent over single moves on the whole cost.
//!
//! All 15 figures of the three columns are aimed at: on the weights drawn with the
//! programme data, column (5)'s treatment SE (printed 2.7) could not reach its box together
//! with column (1)'s (`scripts/tab17_column1_feasibility.py`), so the stage before this one
//! (`housing_weights.rs`) moves the weights D until it can.

use crate::calibrate::levenberg_marquardt;
use crate::district_controls::{COLUMNS, TAB_17_COLUMN_1};
use crate::frame::Municipality;
use crate::municipal_controls::TAB_18;
use crate::printed::{Boxes, Cell, Column, QuickFit, Target, regression, show};
use crate::waves::WaveRow;
use std::collections::{BTreeMap, HashMap};
use wirkung::core::bundle::{Bundle, Level};
use wirkung::core::derive::housing::municipality_housing;
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, Panel, PanelSpec, panel};

/// Persons one move of the descent shifts between decentral and shared housing (either way).
const STEPS: [i64; 4] = [1, -1, 4, -4];

/// At most this many moves in the descent.
const MAX_MOVES: usize = 3000;

/// How far outside a print box costs as much as one unit of the control stages' residuals
/// (a coefficient 0.004 from its aim): a figure must not leave its box for any aim.
const BOX_UNIT: f64 = 0.0005;

/// How far inside its print box each figure of columns (1), (3), (5) is aimed, so that the
/// last small moves cannot push it out again.
const SAFE: f64 = 0.004;
const SAFE_R2: f64 = 0.0004;

/// How far (percentage points) a district's pooled change may move before that costs as much
/// as one unit of a printed figure's residual. In trial runs 0.5 held the changes too close
/// to leave room for column (1)'s R²; the changes made move by 1 point on average.
const PRIOR: f64 = 2.0;

/// The weight of the aims of the columns with controls, against the control stages' own.
const AIMED_WEIGHT: f64 = 0.1;

/// Levenberg–Marquardt iterations: where the district changes should go, and each solve
/// again while they are rounded.
const ITERATIONS: usize = 300;
const ROUNDING_ITERATIONS: usize = 60;

/// Which figures of a column with controls this stage may not push out of their print boxes.
#[derive(Clone, Copy)]
enum Keep {
    /// Every figure inside its box at the start (Tab. 17: the districts' control stage, a
    /// compromise with Tab. 12–16, does not bring them all back).
    Every,
    /// R² alone (Tab. 18: the municipal control stage fits every other figure again from
    /// wherever this stage leaves it, but not R²; holding every figure blocked the moves).
    R2,
}

/// A printed column with controls: its aims at `AIMED_WEIGHT`, and the figures it keeps in
/// their boxes at the boxes' full weight.
struct Aimed {
    target: Target,
    boxes: Boxes,
    /// Per box residual (`Boxes::residuals` order): kept in its box.
    kept: Vec<bool>,
    fixed: QuickFit,
}

impl Aimed {
    fn new(
        column: &'static Column,
        p: &Panel,
        index: &HashMap<String, usize>,
        p0: &[f64],
        keep: Keep,
    ) -> Result<Self, String> {
        let fixed = QuickFit::new(p, index)?;
        let df = (p.rows.len() - column.terms.len()) as f64;
        let boxes = Boxes::new(column, df, 0.0, 0.0, BOX_UNIT);
        let mut r0 = Vec::new();
        boxes.residuals(&fixed.fit(p0), &mut r0);
        let last = r0.len() - 1;
        let kept = r0
            .iter()
            .enumerate()
            .map(|(i, v)| {
                *v == 0.0
                    && match keep {
                        Keep::Every => true,
                        Keep::R2 => i == last,
                    }
            })
            .collect();
        let controls = regression(p, &|_, _, v| Ok(Cell::Fixed(v)))?;
        Ok(Aimed {
            target: Target::new(column, controls, None, &[]),
            boxes,
            kept,
            fixed,
        })
    }

    fn residuals(&self, p: &[f64], r: &mut Vec<f64>) {
        let f = self.fixed.fit(p);
        let at = r.len();
        self.target.fit_residuals(&f, r);
        for v in &mut r[at..] {
            *v *= AIMED_WEIGHT;
        }
        let mut b = Vec::with_capacity(self.kept.len());
        self.boxes.residuals(&f, &mut b);
        r.extend(
            b.iter()
                .zip(&self.kept)
                .filter(|(_, k)| **k)
                .map(|(v, _)| *v),
        );
    }
}

/// A municipality whose end-wave count may move: its row in the target group table, what one
/// person moves its district's pooled outcome and its own by, and the parameters they are.
struct Movable {
    row: usize,
    district: Option<(usize, f64)>,
    own: Option<(usize, f64)>,
    /// Decentrally housed persons at the end wave may lie in lo..=hi.
    lo: i64,
    hi: i64,
}

/// The stage on the bundle `b` as written: returns, per municipality id, how many end-wave
/// persons move from shared to decentral housing (negative: the other way).
pub fn shape(b: &Bundle, log: &mut Vec<String>) -> Result<BTreeMap<String, i64>, String> {
    let spec = |comparison: Comparison, level: Level, controls: ControlSelection| PanelSpec {
        outcome: Outcome::Housing,
        comparison,
        level,
        controls,
        rules: b.manifest.rules.clone(),
    };
    let get = |s: PanelSpec| panel(b, &s).map_err(|e| format!("{}: {e}", s.comparison));
    let mut without = Vec::new();
    let mut with = Vec::new();
    for c in &TAB_17_COLUMN_1 {
        let district = |controls| spec(c.comparison, Level::District, controls);
        without.push(get(district(ControlSelection::None))?);
        with.push(get(district(ControlSelection::All))?);
    }
    let municipal = TAB_18
        .iter()
        .map(|c| {
            get(spec(
                c.comparison,
                Level::Municipality,
                ControlSelection::All,
            ))
        })
        .collect::<Result<Vec<_>, _>>()?;

    // Parameters: every district outcome, then every municipal outcome, as first seen.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut p0: Vec<f64> = Vec::new();
    for panels in [&without, &with] {
        for row in panels.iter().flat_map(|p| &p.rows) {
            if !index.contains_key(&row.unit_id) {
                index.insert(row.unit_id.clone(), p0.len());
                p0.push(row.outcome_change());
            }
        }
    }
    let nd = p0.len();
    for row in municipal.iter().flat_map(|p| &p.rows) {
        if !index.contains_key(&row.unit_id) {
            index.insert(row.unit_id.clone(), p0.len());
            p0.push(row.outcome_change());
        }
    }

    let mut boxed = Vec::new();
    for (c, p) in TAB_17_COLUMN_1.iter().zip(&without) {
        let df = (p.rows.len() - c.terms.len()) as f64;
        let boxes = Boxes::new(c, df, SAFE, SAFE_R2, BOX_UNIT);
        boxed.push((boxes, QuickFit::new(p, &index)?));
    }
    let aimed = |columns: &'static [Column], panels: &[Panel], keep| {
        columns
            .iter()
            .zip(panels)
            .map(|(c, p)| Aimed::new(c, p, &index, &p0, keep))
            .collect::<Result<Vec<_>, _>>()
    };
    let aimed_district = aimed(&COLUMNS[5..], &with, Keep::Every)?;
    let aimed_municipal = aimed(&TAB_18, &municipal, Keep::R2)?;
    let district_figures = |p: &[f64], r: &mut Vec<f64>| {
        for (boxes, f) in &boxed {
            boxes.residuals(&f.fit(p), r);
        }
        for a in &aimed_district {
            a.residuals(p, r);
        }
    };
    let district_cost = |p: &[f64]| -> f64 {
        let mut r = Vec::with_capacity(80);
        district_figures(p, &mut r);
        r.iter().map(|v| v * v).sum()
    };
    let municipal_cost = |p: &[f64]| -> f64 {
        let mut r = Vec::with_capacity(40);
        for a in &aimed_municipal {
            a.residuals(p, &mut r);
        }
        r.iter().map(|v| v * v).sum()
    };
    // The district changes `q`, the municipal ones as written, and the changes' prior.
    let district_residuals = |q: &[f64]| -> Vec<f64> {
        let mut p = p0.clone();
        p[..nd].copy_from_slice(q);
        let mut r = Vec::with_capacity(80 + nd);
        district_figures(&p, &mut r);
        for i in 0..nd {
            r.push((q[i] - p0[i]) / PRIOR);
        }
        r
    };

    let movable = movable(b, &index)?;
    let mut count: Vec<i64> = movable
        .iter()
        .map(|m| b.target_group[m.row].housing_decentral.unwrap_or(0))
        .collect();
    let (start_d, start_m) = (district_cost(&p0), municipal_cost(&p0));
    // 1. Where the district changes should go.
    let aim = levenberg_marquardt(&p0[..nd], &district_residuals, &vec![1e-6; nd], ITERATIONS);
    // 2. Onto whole persons.
    let mut spacing: Vec<Option<f64>> = vec![None; nd];
    for m in &movable {
        if let Some((d, per)) = m.district {
            spacing[d] = Some(per);
        }
    }
    // Coarsest first (where no municipality may move, the district stays).
    let mut order: Vec<usize> = (0..nd).filter(|&d| spacing[d].is_some()).collect();
    order.sort_by(|&a, &b| spacing[b].partial_cmp(&spacing[a]).expect("finite"));
    let whole = round_districts(&aim, &p0[..nd], &order, &spacing, &district_residuals);
    // 3. Each district's persons to its municipalities, in the same order.
    let mut p = p0.clone();
    let mut placed = 0;
    for &d in &order {
        let s = spacing[d].expect("movable district");
        let persons = ((whole[d] - p0[d]) / s).round() as i64;
        placed += place(d, persons, &movable, &mut count, &mut p, &municipal_cost);
    }
    let rounded = district_cost(&p);
    // 4. Single moves on the whole cost.
    let moves = descend(
        &movable,
        &mut count,
        &mut p,
        &district_cost,
        &municipal_cost,
    );

    let mut out = BTreeMap::new();
    for (k, m) in movable.iter().enumerate() {
        let before = b.target_group[m.row].housing_decentral.unwrap_or(0);
        if count[k] != before {
            out.insert(
                b.target_group[m.row].municipality_id.clone(),
                count[k] - before,
            );
        }
    }
    let mut continuous = p0.clone();
    continuous[..nd].copy_from_slice(&aim);
    log.push(format!(
        "end-wave persons against Tab. 17 (1), (3), (5): {} persons in {} municipalities ({placed} placed, {moves} moves); cost districts {start_d:.1} -> {:.1} continuous, {rounded:.1} whole, {:.1} after the moves; municipalities {start_m:.1} -> {:.1}",
        out.values().map(|v| v.abs()).sum::<i64>(),
        out.len(),
        district_cost(&continuous),
        district_cost(&p),
        municipal_cost(&p)
    ));
    for ((_, f), c) in boxed.iter().zip(&TAB_17_COLUMN_1) {
        let f = f.fit(&p);
        log.push(format!(
            "  {} {}: {} (treatment {:.4} ({:.4}), R² {:.5})",
            c.table,
            c.comparison,
            show(&f),
            f.coef[0],
            f.se[0],
            f.r2
        ));
    }
    Ok(out)
}

/// Rounds the district changes `aim` onto their steps of one person from `p0` (`spacing`), in
/// `order`: each to whichever neighbouring step lets the districts not yet rounded, solved
/// again from where they are, reach the lower cost.
fn round_districts(
    aim: &[f64],
    p0: &[f64],
    order: &[usize],
    spacing: &[Option<f64>],
    residuals: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
) -> Vec<f64> {
    let nd = aim.len();
    let mut cur = aim.to_vec();
    let mut rounded = vec![false; nd];
    for &d in order {
        let s = spacing[d].expect("movable district");
        let k = ((cur[d] - p0[d]) / s).floor();
        let mut best: Option<(f64, Vec<f64>)> = None;
        for steps in [k, k + 1.0] {
            let mut fixed = cur.clone();
            fixed[d] = p0[d] + steps * s;
            let free: Vec<usize> = (0..nd).filter(|&i| i != d && !rounded[i]).collect();
            let solve = |q: &[f64]| -> Vec<f64> {
                let mut full = fixed.clone();
                for (&i, &v) in free.iter().zip(q) {
                    full[i] = v;
                }
                residuals(&full)
            };
            let start: Vec<f64> = free.iter().map(|&i| fixed[i]).collect();
            let q =
                levenberg_marquardt(&start, &solve, &vec![1e-6; free.len()], ROUNDING_ITERATIONS);
            let c: f64 = solve(&q).iter().map(|v| v * v).sum();
            for (&i, &v) in free.iter().zip(&q) {
                fixed[i] = v;
            }
            if best.as_ref().is_none_or(|(bc, _)| c < *bc) {
                best = Some((c, fixed));
            }
        }
        cur = best.expect("two candidates").1;
        rounded[d] = true;
    }
    cur
}

/// Moves `persons` (signed) of district `d` one at a time, each to the municipality of the
/// district where it costs the municipal columns least and the count stays in range. Returns
/// how many were placed.
fn place(
    d: usize,
    persons: i64,
    movable: &[Movable],
    count: &mut [i64],
    p: &mut [f64],
    municipal_cost: &dyn Fn(&[f64]) -> f64,
) -> usize {
    let step = persons.signum();
    let mut placed = 0;
    for _ in 0..persons.abs() {
        let mut pick: Option<(f64, usize)> = None;
        for (k, m) in movable.iter().enumerate() {
            let to = count[k] + step;
            if m.district.map(|x| x.0) != Some(d) || to < m.lo || to > m.hi {
                continue;
            }
            let c = match m.own {
                Some((o, per)) => {
                    let mut q = p.to_vec();
                    q[o] += per * step as f64;
                    municipal_cost(&q)
                }
                None => 0.0,
            };
            if pick.is_none_or(|(pc, _)| c < pc) {
                pick = Some((c, k));
            }
        }
        let Some((_, k)) = pick else { break };
        shift(&movable[k], &mut count[k], p, step);
        placed += 1;
    }
    placed
}

/// Moves `step` persons of municipality `m`: its count, its district's pooled outcome, its own.
fn shift(m: &Movable, count: &mut i64, p: &mut [f64], step: i64) {
    *count += step;
    if let Some((d, per)) = m.district {
        p[d] += per * step as f64;
    }
    if let Some((o, per)) = m.own {
        p[o] += per * step as f64;
    }
}

/// Greedy descent over whole persons: each move the one that lowers `district_cost +
/// municipal_cost` most, until none does (or `MAX_MOVES`). A district's part of the cost
/// depends only on the district and the step, so it is computed once per pair. Returns the
/// moves made.
fn descend(
    movable: &[Movable],
    count: &mut [i64],
    p: &mut [f64],
    district_cost: &dyn Fn(&[f64]) -> f64,
    municipal_cost: &dyn Fn(&[f64]) -> f64,
) -> usize {
    let (mut cost_d, mut cost_m) = (district_cost(p), municipal_cost(p));
    let mut moves = 0;
    while moves < MAX_MOVES {
        let mut district_after: HashMap<(usize, i64), f64> = HashMap::new();
        let mut best: Option<(f64, usize, i64)> = None;
        for (k, m) in movable.iter().enumerate() {
            for step in STEPS {
                let to = count[k] + step;
                if to < m.lo || to > m.hi {
                    continue;
                }
                let mut gain = 0.0;
                if let Some((d, per)) = m.district {
                    let after = *district_after.entry((d, step)).or_insert_with(|| {
                        let mut q = p.to_vec();
                        q[d] += per * step as f64;
                        district_cost(&q)
                    });
                    gain += after - cost_d;
                }
                if let Some((o, per)) = m.own {
                    let mut q = p.to_vec();
                    q[o] += per * step as f64;
                    gain += municipal_cost(&q) - cost_m;
                }
                if best.is_none_or(|(g, _, _)| gain < g) {
                    best = Some((gain, k, step));
                }
            }
        }
        let Some((gain, k, step)) = best else { break };
        if gain > -1e-9 {
            break;
        }
        shift(&movable[k], &mut count[k], p, step);
        cost_d = district_cost(p);
        cost_m = municipal_cost(p);
        moves += 1;
    }
    moves
}

/// Every funded municipality with both housing waves whose end-wave count reaches a
/// regression here: its district's pooled outcome (one person moves it by 100 over the
/// district's end-wave target persons of such municipalities, as `derive::housing` pools
/// them) and its own (100 over its own). Its end share stays within 1–99%, and the persons
/// moved to decentral housing come out of shared housing.
fn movable(b: &Bundle, index: &HashMap<String, usize>) -> Result<Vec<Movable>, String> {
    let end = b.manifest.periods.housing_end;
    let complete: HashMap<String, bool> = municipality_housing(b)
        .into_iter()
        .map(|(id, o)| (id, o.is_ok()))
        .collect();
    let mut end_row: HashMap<&str, usize> = HashMap::new();
    for (i, r) in b.target_group.iter().enumerate() {
        if r.wave == end {
            end_row.entry(r.municipality_id.as_str()).or_insert(i);
        }
    }
    let pooled: Vec<(&str, &str, usize)> = b
        .municipalities
        .iter()
        .filter(|m| m.funded && complete.get(&m.municipality_id) == Some(&true))
        .filter_map(|m| {
            let row = *end_row.get(m.municipality_id.as_str())?;
            Some((m.municipality_id.as_str(), m.district_id.as_str(), row))
        })
        .collect();
    let mut district_persons: HashMap<&str, i64> = HashMap::new();
    for &(_, d, row) in &pooled {
        *district_persons.entry(d).or_insert(0) += b.target_group[row].target_persons.unwrap_or(0);
    }
    let mut out = Vec::new();
    for &(m, d, row) in &pooled {
        let r = &b.target_group[row];
        let tp = r
            .target_persons
            .ok_or_else(|| format!("target group row {row}: no target persons"))?;
        let dec = r.housing_decentral.unwrap_or(0);
        let shared = r.housing_shared.unwrap_or(0);
        let district = index
            .get(d)
            .map(|&i| (i, 100.0 / district_persons[d] as f64));
        let own = index.get(m).map(|&i| (i, 100.0 / tp as f64));
        if district.is_none() && own.is_none() {
            continue;
        }
        out.push(Movable {
            row,
            district,
            own,
            lo: (tp as f64 * 0.01).ceil() as i64,
            hi: ((tp as f64 * 0.99).floor() as i64).min(dec + shared),
        });
    }
    Ok(out)
}

/// Applies the moves of `shape` to the end-wave rows: persons move between decentral and
/// shared housing, so every row's parts still add up to its target persons.
pub fn apply(moves: &BTreeMap<String, i64>, munis: &[Municipality], waves: &mut [WaveRow]) {
    for r in waves.iter_mut().filter(|r| r.end_wave) {
        if let Some(&k) = moves.get(&munis[r.municipality].id) {
            r.decentral = r.decentral.map(|v| v + k);
            r.shared = r.shared.map(|v| v - k);
        }
    }
}
