//! Whole persons against Tab. 11–16 on the controls as finally written.
//!
//! The employment outcome is fixed in whole persons (step 5 in the sample README) before housing is calibrated.
//! The districts' control stage then moves the BW districts' protection seekers, GDP and SV
//! employees against Tab. 12–17 at once, and where Tab. 17 pulls them apart from the
//! employment tables it settles on a compromise, leaving figures of Tab. 12–16 just outside
//! their print boxes. No stage after step 4 moved the employment outcome, and it reaches no
//! other table; so this stage, last, moves persons employed at the end month (Sep 2019) per
//! district, every control as written.
//!
//! It is a greedy descent over whole-person moves (one district, a few persons either way;
//! two BW districts at once where no single move helps). A figure in print where a round
//! starts may not leave its box (a stiff wall at its edge); one out of print aims a little
//! inside its box, and each one still out costs a fixed amount on top, so that a move
//! bringing a figure into print wins over one that only brings several closer. Some figures
//! need many districts to move a little at once, which no single or paired move finds: so
//! each round also starts the descent from a continuous solve (Levenberg–Marquardt without
//! walls, which stopped an earlier version within a few steps) rounded to whole persons,
//! and keeps whichever descent ends with more figures in print. Tab. 12 (2)'s figures out
//! of print are not aimed at: they hinge on the neighbours' controls, which this stage does
//! not move (step 13, `employment_controls` with `Reach::Neighbours`, moves them with the
//! neighbours' outcome and hands its solve to this stage; in print, they are held like any
//! other figure). The SV-only variants count SV employment, which this stage does not move.
//!
//! Run a second time on the controls `employment_controls` moved, it is handed that stage's
//! continuous solve (outcome and controls moved together) and rounds it to whole persons
//! first (round 0); the rounds then start from there if more figures print.
//!
//! The stage keeps its moves only if more figures print as published than before.

use crate::calibrate::{FitStats, levenberg_marquardt_sparse_prior};
use crate::district_controls::{COLUMNS, EMPLOYMENT_COLUMN_1};
use crate::frame::District;
use crate::paths::EmploymentRow;
use crate::printed::{Boxes, Column, QuickFit, district_panel, outside};
use std::collections::{BTreeMap, HashMap};
use wirkung::core::bundle::Bundle;
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, Panel};

/// How far outside a print box costs one unit.
const BOX_UNIT: f64 = 0.0005;

/// How far inside its print box a figure out of print is aimed, so that it does not end on
/// the edge.
const SAFE: f64 = 0.004;
const SAFE_R2: f64 = 0.0004;

/// The weight of a figure in print at the start (its box's wall) against one aimed into print.
const KEEP: f64 = 100.0;

/// What each figure kept or aimed at costs on top of its distance while out of print (as much
/// as being 0.016 outside its box).
const MISSED: f64 = 1000.0;

/// How far (percentage points) a district's rate change may move before that costs as much
/// as a figure one unit outside its box: among moves that do as well, the smaller wins.
const PRIOR: f64 = 0.5;

/// Persons one move shifts (either way), and at most this many moves.
const STEPS: [i64; 12] = [1, -1, 2, -2, 3, -3, 5, -5, 10, -10, 20, -20];
const MAX_MOVES: usize = 2000;

/// Persons each of two districts moves in a paired move (tried when no single move helps).
const PAIR_STEPS: [i64; 10] = [1, -1, 2, -2, 3, -3, 5, -5, 10, -10];

/// The continuous solve's iterations, and the smallest gain (a share of the cost) that keeps
/// it going.
const LM_ITERATIONS: usize = 200;
const LM_MIN_GAIN: f64 = 1e-6;

/// Rounds of solve and descent at most; a round that brings no figure into print ends them.
const ROUNDS: usize = 4;

/// Tab. 11's Sep 2019 means and changes (BW, then the neighbours): the Dec 2017 means do not
/// move, and the simple DiD is Tab. 12 (1)'s treatment coefficient.
pub const TAB_11_END: [f64; 2] = [43.4, 41.9];
pub const TAB_11_CHANGE: [f64; 2] = [13.3, 12.4];

/// Tab. 11's Dec 2017 means (BW, then the neighbours), which no stage moves, from Tab. 12
/// (1)'s panel `tab_12`, weighted as its regression: the Sep 2019 means are these plus
/// the changes fitted there.
pub fn tab_11_base(tab_12: &Panel) -> [f64; 2] {
    let base_mean = |treated: bool| {
        let rows = tab_12.rows.iter().filter(|r| r.treated == treated);
        let (s, w) = rows.fold((0.0, 0.0), |(s, w), r| {
            (s + r.weight * r.outcome_base, w + r.weight)
        });
        s / w
    };
    [base_mean(true), base_mean(false)]
}

/// A printed column and its regression on the stage's parameters (the districts' rate
/// changes): its print boxes exact and shrunk by the safety margins.
struct Fitted {
    exact: Boxes,
    inside: Boxes,
    fit: QuickFit,
}

/// A district whose end-month count may move.
struct Movable {
    id: String,
    param: usize,
    /// What one person moves its rate change by (percentage points).
    per: f64,
    /// Persons it may lose before employment falls below SV employment.
    slack: i64,
}

/// Where a greedy descent ended: the persons moved per district, the figures in print, the
/// cost, and the moves made (how many of them paired).
struct Descent {
    persons: Vec<i64>,
    print: usize,
    cost: f64,
    moves: usize,
    pairs: usize,
}

/// How a figure enters the descent's cost.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// In print at the start: may not leave its box.
    Kept,
    /// Out of print: aimed into its box.
    Aimed,
    /// Out of print and out of this stage's reach.
    Left,
}

/// The stage on the bundle `b` as written: per district id, how many persons employed at the
/// employment end month it adds (negative: removes), empty if no figure comes into print;
/// and how many figures of Tab. 11–16 then print as published.
///
/// `start` (rate change per district id), if given, is a continuous solve found elsewhere
/// (`employment_controls`): the first round rounds it to whole persons as one more start.
/// A |t| counts in print `t_edge` (a factor) inside its star band (`printed::T_EDGE`, or
/// nearer for the control stages that hold figures nearer their edges:
/// `employment_controls::Reach::count_t_edge`).
pub fn shape(
    b: &Bundle,
    start: Option<&HashMap<String, f64>>,
    t_edge: f64,
    log: &mut Vec<String>,
) -> Result<(BTreeMap<String, i64>, usize), String> {
    let get = |c: &Column, controls| district_panel(b, Outcome::Employment, c.comparison, controls);
    let mut panels: Vec<(&'static Column, Panel)> = Vec::new();
    for c in &EMPLOYMENT_COLUMN_1 {
        panels.push((c, get(c, ControlSelection::None)?));
    }
    for c in &COLUMNS[..5] {
        panels.push((c, get(c, ControlSelection::All)?));
    }

    let mut index: HashMap<String, usize> = HashMap::new();
    let mut p0: Vec<f64> = Vec::new();
    for row in panels.iter().flat_map(|(_, p)| &p.rows) {
        if !index.contains_key(&row.unit_id) {
            index.insert(row.unit_id.clone(), p0.len());
            p0.push(row.outcome_change());
        }
    }
    let mut fitted = Vec::new();
    // Per figure (in `Boxes::residuals` order, column by column, then Tab. 11): whether it
    // may be aimed at when out of print.
    let mut reachable = Vec::new();
    for (c, p) in &panels {
        let df = (p.rows.len() - c.terms.len()) as f64;
        fitted.push(Fitted {
            exact: Boxes::with_t_edge(c, df, 0.0, 0.0, BOX_UNIT, t_edge),
            inside: Boxes::new(c, df, SAFE, SAFE_R2, BOX_UNIT),
            fit: QuickFit::new(p, &index)?,
        });
        let neighbours = c.comparison == Comparison::BwVsNeighbours && c.terms.len() > 2;
        reachable.extend(std::iter::repeat_n(!neighbours, 3 * c.terms.len() + 1));
    }
    reachable.extend([true; 4]);
    // Tab. 11 from Tab. 12 (1): the groups' Dec 2017 means (fixed), and the Sep 2019 means
    // as those plus the fitted changes (the means use the regression weights).
    let base = tab_11_base(&panels[0].1);
    let tab_11 = |f: &FitStats, margin: f64, r: &mut Vec<f64>| {
        let change = [f.coef[0] + f.coef[1], f.coef[1]];
        for g in 0..2 {
            for (v, want) in [
                (base[g] + change[g], TAB_11_END[g]),
                (change[g], TAB_11_CHANGE[g]),
            ] {
                r.push(outside(
                    v,
                    want - 0.05 + margin,
                    want + 0.05 - margin,
                    BOX_UNIT,
                ));
            }
        }
    };
    // Every figure's distance outside its exact box and outside its shrunk one.
    let distances = |p: &[f64]| -> (Vec<f64>, Vec<f64>) {
        let (mut exact, mut inside) = (Vec::with_capacity(140), Vec::with_capacity(140));
        let fits: Vec<FitStats> = fitted.iter().map(|f| f.fit.fit(p)).collect();
        for (f, fit) in fitted.iter().zip(&fits) {
            f.exact.residuals(fit, &mut exact);
            f.inside.residuals(fit, &mut inside);
        }
        // Tab. 12 (1) is the first column.
        tab_11(&fits[0], 0.0, &mut exact);
        tab_11(&fits[0], SAFE, &mut inside);
        (exact, inside)
    };
    let in_print = |p: &[f64]| -> usize { distances(p).0.iter().filter(|v| **v == 0.0).count() };
    // Each figure's role at the point `p`.
    let roles = |p: &[f64]| -> Vec<Role> {
        distances(p)
            .0
            .iter()
            .zip(&reachable)
            .map(|(v, &reach)| match (*v == 0.0, reach) {
                (true, _) => Role::Kept,
                (false, true) => Role::Aimed,
                (false, false) => Role::Left,
            })
            .collect()
    };
    // The descent's cost under `role`; the prior counts from the written counts.
    let cost = |role: &[Role], p: &[f64]| -> f64 {
        let (exact, inside) = distances(p);
        let mut c = 0.0;
        for ((e, i), role) in exact.iter().zip(&inside).zip(role) {
            let missed = if *e != 0.0 { MISSED } else { 0.0 };
            c += match role {
                Role::Kept => (e * KEEP).powi(2) + missed,
                Role::Aimed => i * i + missed,
                Role::Left => 0.0,
            };
        }
        c + p
            .iter()
            .zip(&p0)
            .map(|(v, v0)| ((v - v0) / PRIOR).powi(2))
            .sum::<f64>()
    };

    let movable = movable(b, &panels, &index)?;
    let at = |persons: &[i64]| -> Vec<f64> {
        let mut q = p0.clone();
        for (m, &k) in movable.iter().zip(persons) {
            q[m.param] += m.per * k as f64;
        }
        q
    };
    // The BW districts (Tab. 13 (1)'s units): the only ones paired when single moves stall.
    let bw: Vec<usize> = panels[1].1.rows.iter().map(|r| index[&r.unit_id]).collect();
    // The greedy descent under `role` from `persons`: the persons it ends at, its cost, its
    // moves and how many of them were paired.
    let descend = |role: &[Role], mut persons: Vec<i64>| -> Descent {
        // The cost after `change` (district, persons), if no district falls below its SV
        // employment.
        let try_change = |persons: &mut [i64], change: &[(usize, i64)]| -> Option<f64> {
            if change
                .iter()
                .any(|&(k, step)| persons[k] + step < -movable[k].slack)
            {
                return None;
            }
            change.iter().for_each(|&(k, step)| persons[k] += step);
            let c = cost(role, &at(persons));
            change.iter().for_each(|&(k, step)| persons[k] -= step);
            Some(c)
        };
        let keep_best = |best: &mut Option<(f64, Vec<_>)>, c: Option<f64>, change: &[_]| {
            if let Some(c) = c
                && best.as_ref().is_none_or(|(bc, _)| c < *bc)
            {
                *best = Some((c, change.to_vec()));
            }
        };
        let mut now = cost(role, &at(&persons));
        let (mut moves, mut pairs) = (0, 0);
        while moves < MAX_MOVES {
            let mut best: Option<(f64, Vec<(usize, i64)>)> = None;
            for k in 0..movable.len() {
                for step in STEPS {
                    let change = [(k, step)];
                    keep_best(&mut best, try_change(&mut persons, &change), &change);
                }
            }
            let stalled = best.as_ref().is_none_or(|(c, _)| *c > now - 1e-9);
            // A single move that helps one figure may push another out of its box where a
            // second district's move, at the same time, would hold it: when no single move
            // lowers the cost, try two BW districts' moves at once.
            if stalled {
                for (i, &a) in bw.iter().enumerate() {
                    for &b in &bw[i + 1..] {
                        for sa in PAIR_STEPS {
                            for sb in PAIR_STEPS {
                                let change = [(a, sa), (b, sb)];
                                keep_best(&mut best, try_change(&mut persons, &change), &change);
                            }
                        }
                    }
                }
            }
            let Some((c, change)) = best else { break };
            if c > now - 1e-9 {
                break;
            }
            pairs += usize::from(change.len() == 2);
            change.iter().for_each(|&(k, step)| persons[k] += step);
            now = c;
            moves += 1;
        }
        Descent {
            print: in_print(&at(&persons)),
            persons,
            cost: now,
            moves,
            pairs,
        }
    };

    // A figure out of print may need many districts to move a little at once, which no
    // single or paired move finds. So each round also starts the descent from a continuous
    // solve (Levenberg–Marquardt on the districts' rate changes) rounded to whole persons:
    // every figure not left aims inside its box, with no wall, so that the figures in print
    // may pass their edges on the way; the descent then holds them again. A round starts
    // where the last one ended, with the figures in print there as the walls.
    let mut coarsest_first: Vec<&Movable> = movable.iter().collect();
    coarsest_first.sort_by(|a, b| b.per.total_cmp(&a.per));
    let start_print = in_print(&p0);
    let mut persons = vec![0i64; movable.len()];
    let mut print = start_print;
    let given: Option<Vec<f64>> = start.map(|rates| {
        let mut q = p0.clone();
        for (id, &i) in &index {
            if let Some(&v) = rates.get(id) {
                q[i] = v;
            }
        }
        q
    });
    // Round 0 only rounds the solve given.
    for round in 0..=ROUNDS {
        let here = match (&given, round) {
            (Some(g), 0) => g.clone(),
            (None, 0) => continue,
            _ => at(&persons),
        };
        let role = roles(&here);
        // The continuous solve aiming at the figures in print and at `aimed` (all figures
        // out of print, or one), or the one `given`, rounded to whole persons.
        let solve = |aimed: Option<usize>, given: Option<&Vec<f64>>| -> (Vec<i64>, usize) {
            let aims = |p: &[f64]| -> Vec<f64> {
                let (_, inside) = distances(p);
                inside
                    .iter()
                    .zip(&role)
                    .enumerate()
                    .map(|(f, (v, r))| match r {
                        Role::Kept => *v,
                        Role::Aimed if aimed.is_none_or(|a| a == f) => *v,
                        _ => 0.0,
                    })
                    .collect()
            };
            let prior = |j: usize, v: f64| [(v - p0[j]) / PRIOR, 0.0];
            let (solved, iterations) = match given {
                Some(g) => (g.clone(), 0),
                None => levenberg_marquardt_sparse_prior(
                    &here,
                    &aims,
                    &prior,
                    1e-7,
                    LM_ITERATIONS,
                    LM_MIN_GAIN,
                ),
            };
            // Whole persons, coarsest district first: each to the floor or ceiling of its
            // solved count, whichever leaves the aims (the others still as solved, or as
            // rounded before) closer; plain rounding took figures in print out of their
            // boxes, which the descent could not bring back.
            let aim_cost = |p: &[f64]| -> f64 {
                aims(p).iter().map(|v| v * v).sum::<f64>()
                    + p.iter()
                        .enumerate()
                        .map(|(j, &v)| prior(j, v)[0].powi(2))
                        .sum::<f64>()
            };
            let mut q = solved.clone();
            let mut rounded = vec![0i64; movable.len()];
            for m in &coarsest_first {
                let exact = (solved[m.param] - p0[m.param]) / m.per;
                let mut best: Option<(f64, i64)> = None;
                for k in [exact.floor() as i64, exact.ceil() as i64] {
                    let k = k.max(-m.slack);
                    q[m.param] = p0[m.param] + m.per * k as f64;
                    let c = aim_cost(&q);
                    if best.is_none_or(|(bc, _)| c < bc) {
                        best = Some((c, k));
                    }
                }
                let k = best.map_or(0, |(_, k)| k);
                q[m.param] = p0[m.param] + m.per * k as f64;
                rounded[m.param] = k;
            }
            (rounded, iterations)
        };
        if round == 0 {
            // The solve given, rounded to whole persons with the figures in print there as
            // its aims: the rounds start from it if more figures print there.
            let (rounded, _) = solve(None, Some(&here));
            let p = in_print(&at(&rounded));
            log.push(format!(
                "employment persons: the solve given prints {} figures, rounded to whole persons {p}",
                in_print(&here)
            ));
            if p > print {
                print = p;
                persons = rounded;
            }
            continue;
        }
        // Figures out of print may pull against each other (see the sample README), so
        // besides aiming at all of them at once the solve aims at each alone; the descent
        // starts from whichever rounded solve costs least.
        let candidates = std::iter::once(None).chain(
            (0..role.len())
                .filter(|&f| role[f] == Role::Aimed)
                .map(Some),
        );
        let Some((_, rounded, iterations)) = candidates
            .map(|aimed| {
                let (rounded, iterations) = solve(aimed, None);
                (cost(&role, &at(&rounded)), rounded, iterations)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
        else {
            break;
        };
        let from_here = descend(&role, persons.clone());
        let from_solve = descend(&role, rounded);
        log.push(format!(
            "employment persons, round {round}: from {print} figures in print, the descent from here prints {} (cost {:.1}, {} moves, {} paired), from the continuous solve ({iterations} iterations) rounded {} (cost {:.1}, {} moves, {} paired)",
            from_here.print,
            from_here.cost,
            from_here.moves,
            from_here.pairs,
            from_solve.print,
            from_solve.cost,
            from_solve.moves,
            from_solve.pairs
        ));
        let best = if (from_solve.print, -from_solve.cost) > (from_here.print, -from_here.cost) {
            from_solve
        } else {
            from_here
        };
        if best.print <= print {
            break;
        }
        print = best.print;
        persons = best.persons;
    }
    let kept = print > start_print;
    log.push(format!(
        "employment persons at the end month against Tab. 11-16: {} persons in {} districts; figures in print {start_print} -> {print} of {}, {}",
        persons.iter().map(|k| k.abs()).sum::<i64>(),
        persons.iter().filter(|k| **k != 0).count(),
        reachable.len(),
        if kept { "kept" } else { "not kept" }
    ));
    let mut out = BTreeMap::new();
    if kept {
        for (m, &k) in movable.iter().zip(&persons) {
            if k != 0 {
                out.insert(m.id.clone(), k);
            }
        }
    }
    Ok((out, print.max(start_print)))
}

/// Every district of the regressions with its employment end count: one person moves its
/// rate change by the end rate over the end count (the rate is employed persons per 100 of
/// the register's persons, which do not move), and employment may not fall below SV
/// employment.
fn movable(
    b: &Bundle,
    panels: &[(&Column, Panel)],
    index: &HashMap<String, usize>,
) -> Result<Vec<Movable>, String> {
    let end = b.manifest.periods.employment_end;
    let counts: HashMap<&str, (i64, i64)> = b
        .employment
        .iter()
        .filter(|e| e.month == end)
        .map(|e| (e.district_id.as_str(), (e.employed_total, e.employed_sv)))
        .collect();
    let rate: HashMap<&str, f64> = panels
        .iter()
        .flat_map(|(_, p)| &p.rows)
        .map(|r| (r.unit_id.as_str(), r.outcome_end))
        .collect();
    let mut out = index
        .iter()
        .map(|(id, &param)| {
            let &(total, sv) = counts
                .get(id.as_str())
                .ok_or_else(|| format!("district {id}: no employment at the end month"))?;
            if total <= 0 {
                return Err(format!("district {id}: no one employed at the end month"));
            }
            Ok(Movable {
                id: id.clone(),
                param,
                per: rate[id.as_str()] / total as f64,
                slack: total - sv,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    out.sort_by_key(|m| m.param);
    Ok(out)
}

/// Applies the moves of `shape` to the written employment rows (`phase_in`), never below SV
/// employment.
pub fn apply(moves: &BTreeMap<String, i64>, ds: &[District], rows: &mut [EmploymentRow]) {
    phase_in(moves, ds, rows, |r, step| {
        r.total = (r.total + step).max(r.sv)
    });
}

/// Adds each district's move in `moves` to its written rows through `add(row, part)`: the
/// end month (Sep 2019) gets it in full, the months since the base month (Dec 2017) a share
/// growing linearly towards it (rounded to whole persons), so that the path does not jump
/// in its last month.
pub fn phase_in(
    moves: &BTreeMap<String, i64>,
    ds: &[District],
    rows: &mut [EmploymentRow],
    add: impl Fn(&mut EmploymentRow, i64),
) {
    let month = |year: i32, month: u32| year * 12 + month as i32;
    let (base, end) = (month(2017, 12), month(2019, 9));
    for r in rows.iter_mut() {
        let Some(&k) = moves.get(&ds[r.district].id) else {
            continue;
        };
        let t = month(r.year, r.month);
        if t > base && t <= end {
            let share = (t - base) as f64 / (end - base) as f64;
            add(r, (k as f64 * share).round() as i64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn district(id: &str) -> District {
        District {
            id: id.to_string(),
            name: id.to_string(),
            state: "BW",
            region: None,
            urban: false,
            population: 100_000,
            protection_pct: 1.0,
            gdp: 40_000.0,
            sv_per_100: 50.0,
            dwellings: 50.0,
            new_dwellings: 0.5,
            persons: [1_000; 7],
            borders_bw: false,
        }
    }

    fn row(district: usize, year: i32, month: u32, total: i64, sv: i64) -> EmploymentRow {
        EmploymentRow {
            district,
            year,
            month,
            total,
            sv,
        }
    }

    #[test]
    fn a_move_ramps_in_from_the_base_month_to_the_end_month_and_never_below_sv() {
        let ds = [district("08111"), district("08115")];
        let moves = BTreeMap::from([("08111".to_string(), 21), ("08115".to_string(), -30)]);
        let mut rows = vec![
            row(0, 2017, 12, 100, 60),
            row(0, 2018, 1, 100, 60),
            row(0, 2018, 11, 100, 60),
            row(0, 2019, 9, 100, 60),
            row(0, 2019, 10, 100, 60),
            row(1, 2017, 12, 100, 90),
            row(1, 2018, 1, 100, 90),
            row(1, 2019, 9, 100, 90),
        ];
        apply(&moves, &ds, &mut rows);
        let totals: Vec<i64> = rows.iter().map(|r| r.total).collect();
        // 21 persons over the 21 months after Dec 2017: one more each month, all by Sep
        // 2019; nothing at the base month or after the end month.
        // -30 in the other district: -1.43 in Jan 2018 rounds to -1; the end month stops at
        // its 90 SV-employed persons.
        assert_eq!(totals, [100, 101, 111, 121, 100, 100, 99, 90]);
    }
}
