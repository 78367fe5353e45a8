//! Sequential linear programming towards print boxes, shared by the stages that move a few
//! controls (and outcomes) once every table is written (`employment_controls`,
//! `municipal_controls`).
//!
//! Each step linearises every printed figure (finite differences through the regressions),
//! and a linear programme (clarabel) finds the smallest move, in units of each parameter's
//! prior and within a trust region, that keeps every figure in print inside its box and
//! brings the figures out of print into theirs, each box shrunk by a margin; whatever
//! cannot be met costs a penalty (a figure in print ten times one out of print; with
//! `Holds::Hard` a figure in print is also held by rows no penalty can buy off). A
//! least-squares search on the same figures hardly moves: many figures in print sit on
//! their boxes' edges, and every step that helps one pushes another out first; the linear
//! programme sees the edges. A point where every figure is inside its margin ends the
//! search and is kept; otherwise the first point with the most figures in print is.

use crate::calibrate::{FitStats, star_band};
use crate::printed::Column;
use clarabel::algebra::CscMatrix;
use clarabel::solver::{
    DefaultSettingsBuilder, DefaultSolver, IPSolver, SolverStatus, SupportedConeT,
};
use nalgebra::DMatrix;

/// Margins inside a print box a figure is aimed at: coefficients and SEs (and Tab. 11's
/// means and the SV-only coefficients), t (as a log-ratio), R². What follows a search
/// (rounding to whole persons, or to the written decimals) moves the figures a little: at
/// 0.004 (the employment count stage's own margin) rounding the employment solve took
/// Tab. 14 (2)'s constant SE 0.0004 past its edge.
pub const MARGIN: f64 = 0.008;
pub const MARGIN_T: f64 = 0.01;
pub const MARGIN_R2: f64 = 0.0005;

/// What one margin's shortfall costs, against a move of one prior: for a figure out of print
/// and for one in print.
pub const AIMED: f64 = 1e4;
pub const KEPT: f64 = 1e5;

/// A printed figure: its print box and how its margin applies.
#[derive(Clone, Copy)]
pub struct Figure {
    pub lo: f64,
    pub hi: f64,
    pub kind: Kind,
    /// Out of print, whether the search aims at it (Tab. 12 (2)'s controls hinge on the
    /// neighbouring districts, which no search here moves).
    pub reachable: bool,
}

#[derive(Clone, Copy)]
pub enum Kind {
    Plain,
    T,
    R2,
}

impl Figure {
    /// A coefficient, SE or mean printed to one decimal as `v`.
    pub fn plain(v: f64, reachable: bool) -> Self {
        Figure {
            lo: v - 0.05,
            hi: v + 0.05,
            kind: Kind::Plain,
            reachable,
        }
    }

    pub fn in_print(&self, v: f64) -> bool {
        v >= self.lo && v < self.hi
    }

    /// The box shrunk by the margin, taken `share` times.
    pub fn inside(&self, share: f64) -> (f64, f64) {
        match self.kind {
            Kind::Plain => (self.lo + share * MARGIN, self.hi - share * MARGIN),
            Kind::R2 => (self.lo + share * MARGIN_R2, self.hi - share * MARGIN_R2),
            Kind::T => (
                self.lo * (share * MARGIN_T).exp(),
                self.hi / (share * MARGIN_T).exp(),
            ),
        }
    }

    /// The margin's size near `v`, taken `share` times, to measure shortfalls in margins.
    fn margin(&self, v: f64, share: f64) -> f64 {
        share
            * match self.kind {
                Kind::Plain => MARGIN,
                Kind::R2 => MARGIN_R2,
                Kind::T => MARGIN_T * v.abs().max(0.1),
            }
    }
}

/// A printed column's figures in the order `column_values` measures them: per term its
/// coefficient, SE and t as `column_values` signs it (the band of its stars, on `df` residual
/// degrees of freedom), then R².
pub fn column_figures(column: &Column, df: f64, reachable: bool) -> Vec<Figure> {
    let mut figures = Vec::new();
    for &(coef, se, stars) in column.terms {
        let (lo, hi) = star_band(stars, df);
        figures.push(Figure::plain(coef, reachable));
        figures.push(Figure::plain(se, reachable));
        figures.push(Figure {
            lo,
            hi,
            kind: Kind::T,
            reachable,
        });
    }
    figures.push(Figure {
        lo: column.r2 - 0.005,
        hi: column.r2 + 0.005,
        kind: Kind::R2,
        reachable,
    });
    figures
}

/// A fit's values for `column_figures`, appended to `out`. A starred term's t is taken with
/// the printed coefficient's sign, so a coefficient of the wrong sign sits below its star band
/// instead of buying the star (the band of a term without stars straddles zero: |t|).
pub fn column_values(column: &Column, fit: &FitStats, out: &mut Vec<f64>) {
    for (j, &(coef, _, stars)) in column.terms.iter().enumerate() {
        let t = fit.coef[j] / fit.se[j];
        let t = if stars > 0 && coef != 0.0 {
            coef.signum() * t
        } else {
            t.abs()
        };
        out.extend([fit.coef[j], fit.se[j], t]);
    }
    out.push(fit.r2);
}

/// How many of `figures` print at their values `v`.
pub fn in_print(figures: &[Figure], v: &[f64]) -> usize {
    figures
        .iter()
        .zip(v)
        .filter(|(f, v)| f.in_print(**v))
        .count()
}

/// How many of the figures marked in `kept` are out of print at `v`.
pub fn lost(figures: &[Figure], kept: &[bool], v: &[f64]) -> usize {
    figures
        .iter()
        .zip(v)
        .zip(kept)
        .filter(|((f, v), k)| **k && !f.in_print(**v))
        .count()
}

/// How large a step may be, in priors of each parameter.
#[derive(Clone, Copy)]
pub enum Trust {
    /// Every step the same size, taken whatever it does (the step with the most figures in
    /// print is kept in the end).
    Fixed(f64),
    /// Up to this size: a step that takes a figure out of print that was in print at the
    /// start is undone and tried again at half the size; one that does not lets the next
    /// be twice as large, up to the cap.
    Halving(f64),
}

/// How the figures in print are held.
#[derive(Clone, Copy, PartialEq)]
pub enum Holds {
    /// Those in print at the start, by a penalty per margin of shortfall (`KEPT`): the
    /// programme may trade a little of one for much of an aim, and the step is then undone.
    Soft,
    /// Those in print at the current point, also by hard rows: a figure inside its shrunk box
    /// stays there, one outside it moves at least halfway in (or, where the region cannot
    /// allow that, no further out). Aims far outside their boxes (Tab. 12 (2)'s GDP t at
    /// hundreds of margins) otherwise outbid every held figure at any step size, and the
    /// halving region shrinks to nothing.
    Hard,
}

/// How a search runs: at most `steps` steps in a `trust` region, figures in print held as
/// `holds` says, each box shrunk by `margins` times the margins above (1 everywhere but
/// where a figure can be had only closer to its edges, and what follows the search moves
/// the figures less: `employment_controls::Reach::AllBwFine`).
#[derive(Clone, Copy)]
pub struct Plan {
    pub steps: usize,
    pub trust: Trust,
    pub holds: Holds,
    pub margins: f64,
}

/// What a search found: the figures in print at the start and at the best point, the best
/// point, which figures were in print at the start (the ones it held), and how many steps it
/// took (undone ones included).
pub struct Found {
    pub start: usize,
    pub best: usize,
    pub p: Vec<f64>,
    pub kept: Vec<bool>,
    pub steps: usize,
}

/// The sequential linear programme from `p0`, as `plan` says: `measure` gives every
/// figure's value (in the order of `figures`), each parameter moves in units of its `prior`
/// and stays inside its `range`. It stops early
/// once every figure it holds or aims at is inside its shrunk box: nothing is left to do, and
/// that point is the one returned. Otherwise the first point with the most figures in print
/// is.
pub fn search(
    measure: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    figures: &[Figure],
    p0: &[f64],
    prior: &[f64],
    range: &[(f64, f64)],
    plan: Plan,
) -> Found {
    let Plan {
        steps,
        trust,
        holds,
        margins,
    } = plan;
    let count = |v: &[f64]| in_print(figures, v);
    let start = measure(p0);
    let kept: Vec<bool> = figures
        .iter()
        .zip(&start)
        .map(|(f, v)| f.in_print(*v))
        .collect();
    // The figures held: those in print at the start, or (hard holds) at the current point.
    let mut held = kept.clone();
    let mut best = (count(&start), p0.to_vec());
    let (mut size, cap, halving) = match trust {
        Trust::Fixed(t) => (t, t, false),
        Trust::Halving(t) => (t, t, true),
    };
    let mut p = p0.to_vec();
    let mut v = start.clone();
    let mut jac: Option<DMatrix<f64>> = None;
    let done = |v: &[f64], held: &[bool]| {
        figures.iter().zip(v).zip(held).all(|((f, v), k)| {
            let (lo, hi) = f.inside(margins);
            !(*k || f.reachable) || (*v >= lo && *v < hi)
        })
    };
    let mut taken = 0;
    while taken < steps && !done(&v, &held) {
        taken += 1;
        let j = jac.get_or_insert_with(|| jacobian(measure, &p, &v, prior));
        // The figures' rows: in print at the start, held inside their shrunk boxes; out of
        // print and reachable, aimed into them; the rest left.
        let rows = |halfway: bool| -> Vec<Row> {
            figures
                .iter()
                .enumerate()
                .filter(|(k, f)| held[*k] || f.reachable)
                .map(|(k, f)| {
                    let (lo, hi) = f.inside(margins);
                    let m = f.margin(v[k], margins);
                    let (lo, hi) = ((lo - v[k]) / m, (hi - v[k]) / m);
                    let inwards = |edge: f64, outside: bool| match (outside, halfway) {
                        (false, _) => edge,
                        (true, true) => edge / 2.0,
                        (true, false) => 0.0,
                    };
                    Row {
                        figure: k,
                        lo,
                        hi,
                        scale: m,
                        penalty: if held[k] { KEPT } else { AIMED },
                        hard: (holds == Holds::Hard && held[k])
                            .then(|| (inwards(lo, lo > 0.0), inwards(hi, hi < 0.0))),
                    }
                })
                .collect()
        };
        let bounds: Vec<(f64, f64)> = (0..p.len())
            .map(|i| {
                (
                    (-size).max((range[i].0 - p[i]) / prior[i]),
                    size.min((range[i].1 - p[i]) / prior[i]),
                )
            })
            .collect();
        let solved = linear_step(j, &rows(true), &bounds);
        let Some(z) = solved.or_else(|| {
            // Halfway in cannot be had within the region: no further out, then.
            (holds == Holds::Hard)
                .then(|| linear_step(j, &rows(false), &bounds))
                .flatten()
        }) else {
            break;
        };
        let q: Vec<f64> = (0..p.len()).map(|i| p[i] + z[i] * prior[i]).collect();
        let w = measure(&q);
        if halving && lost(figures, &held, &w) > 0 {
            // Undone: the same point and its Jacobian, a smaller region.
            size /= 2.0;
            continue;
        }
        if halving {
            size = (2.0 * size).min(cap);
        }
        let now = count(&w);
        if now > best.0 {
            best = (now, q.clone());
        }
        if holds == Holds::Hard {
            held = figures
                .iter()
                .zip(&w)
                .map(|(f, v)| f.in_print(*v))
                .collect();
        }
        (p, v, jac) = (q, w, None);
    }
    if done(&v, &held) {
        // Every figure held or aimed at is inside its shrunk box here: the point to keep,
        // rather than an earlier one as many in print with some just inside an edge.
        best = (count(&v), p);
    }
    Found {
        start: count(&start),
        best: best.0,
        p: best.1,
        kept,
        steps: taken,
    }
}

/// d figure / d parameter at `p`, per prior of the parameter (finite differences).
pub fn jacobian(
    measure: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    p: &[f64],
    v: &[f64],
    prior: &[f64],
) -> DMatrix<f64> {
    use rayon::prelude::*;
    let cols: Vec<Vec<f64>> = (0..p.len())
        .into_par_iter()
        .map(|j| {
            let h = 1e-6 * prior[j];
            let mut q = p.to_vec();
            q[j] += h;
            measure(&q)
                .iter()
                .zip(v)
                .map(|(a, b)| (a - b) / h * prior[j])
                .collect()
        })
        .collect();
    DMatrix::from_fn(v.len(), p.len(), |i, j| cols[j][i])
}

/// One figure's row of the linear programme: the change it may make (in margins), the
/// margin's size, and what a margin's shortfall costs.
struct Row {
    figure: usize,
    lo: f64,
    hi: f64,
    scale: f64,
    penalty: f64,
    /// Bounds on the linearised change (in margins) that may not be broken at any price.
    hard: Option<(f64, f64)>,
}

/// The linear programme of one step: the move z (in priors, within `bounds`) minimising
/// Σ|z| plus each row's penalty times its shortfall (in margins), the figures linearised by
/// `jac` (per prior). `None` if the solver fails.
fn linear_step(jac: &DMatrix<f64>, rows: &[Row], bounds: &[(f64, f64)]) -> Option<Vec<f64>> {
    let n = bounds.len();
    let m = rows.len();
    // Variables: z (n), |z| (n), shortfalls (m). Constraints A x ≤ b, all in one cone.
    let vars = 2 * n + m;
    let mut triplets: Vec<(usize, usize, f64)> = Vec::new();
    let mut b = Vec::new();
    let mut row = 0;
    for (r, fig) in rows.iter().enumerate() {
        for (sign, edge) in [(1.0, fig.hi), (-1.0, -fig.lo)] {
            for j in 0..n {
                let a = jac[(fig.figure, j)] / fig.scale;
                if a != 0.0 {
                    triplets.push((row, j, sign * a));
                }
            }
            triplets.push((row, 2 * n + r, -1.0));
            b.push(edge);
            row += 1;
        }
    }
    for (j, &(lo, hi)) in bounds.iter().enumerate() {
        for (entries, rhs) in [
            (vec![(j, 1.0), (n + j, -1.0)], 0.0),
            (vec![(j, -1.0), (n + j, -1.0)], 0.0),
            (vec![(j, 1.0)], hi),
            (vec![(j, -1.0)], -lo),
        ] {
            for (c, a) in entries {
                triplets.push((row, c, a));
            }
            b.push(rhs);
            row += 1;
        }
    }
    for r in 0..m {
        triplets.push((row, 2 * n + r, -1.0));
        b.push(0.0);
        row += 1;
    }
    for fig in rows {
        let Some((lo, hi)) = fig.hard else { continue };
        for (sign, edge) in [(1.0, hi), (-1.0, -lo)] {
            for j in 0..n {
                let a = jac[(fig.figure, j)] / fig.scale;
                if a != 0.0 {
                    triplets.push((row, j, sign * a));
                }
            }
            b.push(edge);
            row += 1;
        }
    }
    let mut q = vec![0.0; vars];
    q[n..2 * n].fill(1.0);
    for (r, fig) in rows.iter().enumerate() {
        q[2 * n + r] = fig.penalty;
    }
    solve_lp(&q, &triplets, &b, n)
}

/// The linear programme min qᵀx subject to A x ≤ b (A from (row, column, value) entries, one
/// row per entry of `b`), by clarabel: the first `n` entries of x, or `None` if the solver
/// fails. Every search here (this one, `elastic`, `common_b`) solves its steps this way.
pub fn solve_lp(
    q: &[f64],
    triplets: &[(usize, usize, f64)],
    b: &[f64],
    n: usize,
) -> Option<Vec<f64>> {
    let (rows, vars) = (b.len(), q.len());
    let a = csc(rows, vars, triplets);
    let cones = [SupportedConeT::NonnegativeConeT(rows)];
    let settings = DefaultSettingsBuilder::default()
        .verbose(false)
        .build()
        .ok()?;
    let zero = CscMatrix::<f64>::zeros((vars, vars));
    let mut solver = DefaultSolver::new(&zero, q, &a, b, &cones, settings).ok()?;
    solver.solve();
    match solver.solution.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved => Some(solver.solution.x[..n].to_vec()),
        _ => None,
    }
}

/// A sparse matrix of `rows` × `cols` from (row, column, value) entries, each position once.
fn csc(rows: usize, cols: usize, triplets: &[(usize, usize, f64)]) -> CscMatrix<f64> {
    let mut sorted = triplets.to_vec();
    sorted.sort_by_key(|&(r, c, _)| (c, r));
    let mut colptr = vec![0; cols + 1];
    for &(_, c, _) in &sorted {
        colptr[c + 1] += 1;
    }
    for c in 0..cols {
        colptr[c + 1] += colptr[c];
    }
    CscMatrix::new(
        rows,
        cols,
        colptr,
        sorted.iter().map(|t| t.0).collect(),
        sorted.iter().map(|t| t.2).collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(figure: usize, lo: f64, hi: f64, penalty: f64) -> Row {
        Row {
            figure,
            lo,
            hi,
            scale: 1.0,
            penalty,
            hard: None,
        }
    }

    #[test]
    fn the_step_is_the_smallest_move_into_every_box() {
        // Figure 0 moves with z0 + z1 and must gain 1–2 margins; figure 1 moves with z1
        // alone and may not move at all: the step moves z0 only, by the least it must.
        let jac = DMatrix::from_row_slice(2, 2, &[1.0, 1.0, 0.0, 1.0]);
        let rows = [row(0, 1.0, 2.0, AIMED), row(1, 0.0, 0.0, KEPT)];
        let z = linear_step(&jac, &rows, &[(-5.0, 5.0); 2]).expect("solved");
        assert!((z[0] - 1.0).abs() < 1e-6, "{z:?}");
        assert!(z[1].abs() < 1e-6, "{z:?}");
    }

    #[test]
    fn what_the_trust_region_cannot_reach_is_left_short_and_the_kept_figure_wins() {
        // Figure 0 (aimed) wants z0 ≥ 1, figure 1 (kept) wants z0 ≤ 0.2: the kept figure's
        // penalty is the larger, so z0 stops at 0.2; and a reachable aim stops at the trust
        // region's edge (0.5).
        let jac = DMatrix::from_row_slice(2, 1, &[1.0, 1.0]);
        let rows = [row(0, 1.0, 2.0, AIMED), row(1, -1.0, 0.2, KEPT)];
        let z = linear_step(&jac, &rows, &[(-5.0, 5.0)]).expect("solved");
        assert!((z[0] - 0.2).abs() < 1e-6, "{z:?}");
        let z = linear_step(&jac, &rows[..1], &[(-0.5, 0.5)]).expect("solved");
        assert!((z[0] - 0.5).abs() < 1e-6, "{z:?}");
    }

    #[test]
    fn a_hard_hold_cannot_be_bought_off_by_a_far_aim() {
        // Figure 0 is aimed at from ten thousand margins away and gains a thousand per prior;
        // figure 1, in print, loses one margin per prior past its edge at 0.5. By penalty
        // alone the aim wins and the step runs to the region's edge (5); held hard, it stops
        // at 0.5. A hard row outside its shrunk box asks for a move inwards (here at least
        // 1 margin up, with the aim pulling down): the step is exactly that.
        let jac = DMatrix::from_row_slice(2, 1, &[1000.0, 1.0]);
        let aim = row(0, 10000.0, 20000.0, AIMED);
        let held = row(1, -1.0, 0.5, KEPT);
        let z = linear_step(&jac, &[aim, held], &[(-5.0, 5.0)]).expect("solved");
        assert!((z[0] - 5.0).abs() < 1e-6, "{z:?}");
        let hard = Row {
            hard: Some((-1.0, 0.5)),
            ..row(1, -1.0, 0.5, KEPT)
        };
        let z = linear_step(
            &jac,
            &[row(0, 10000.0, 20000.0, AIMED), hard],
            &[(-5.0, 5.0)],
        )
        .expect("solved");
        assert!((z[0] - 0.5).abs() < 1e-6, "{z:?}");
        let down = row(0, -2000.0, -1000.0, AIMED);
        let inwards = Row {
            hard: Some((1.0, 3.0)),
            ..row(1, 2.0, 3.0, KEPT)
        };
        let z = linear_step(&jac, &[down, inwards], &[(-5.0, 5.0)]).expect("solved");
        assert!((z[0] - 1.0).abs() < 1e-6, "{z:?}");
    }

    #[test]
    fn a_halving_region_undoes_a_step_that_loses_a_figure_in_print() {
        // At p = 0: figure 0 (p, printed in [0.5, 0.6)) and figure 2 (p as a |t|, far off in
        // [2, 2.2), and in margins of a small |t| the dearer aim) are out of print; figure 1
        // (-p², printed in [-0.3, 0.3)) is in, and flat, so the first linear programme does
        // not see it. A fixed region of one prior jumps to p = 1, where figure 1 is out too;
        // halving undoes that step and takes half of it, p = 0.5, where figures 0 and 1 print.
        let measure = |p: &[f64]| vec![p[0], -p[0] * p[0], p[0]];
        let figure = |lo, hi, kind| Figure {
            lo,
            hi,
            kind,
            reachable: true,
        };
        let figures = [
            figure(0.5, 0.6, Kind::Plain),
            figure(-0.3, 0.3, Kind::Plain),
            figure(2.0, 2.2, Kind::T),
        ];
        let run = |steps, trust| {
            search(
                &measure,
                &figures,
                &[0.0],
                &[1.0],
                &[(-5.0, 5.0)],
                Plan {
                    steps,
                    trust,
                    holds: Holds::Soft,
                    margins: 1.0,
                },
            )
        };
        let fixed = run(1, Trust::Fixed(1.0));
        assert_eq!((fixed.start, fixed.best), (1, 1));
        assert_eq!(fixed.p, vec![0.0]);
        let halving = run(12, Trust::Halving(1.0));
        assert_eq!(halving.kept, vec![false, true, false]);
        assert_eq!((halving.start, halving.best), (1, 2));
        let v = measure(&halving.p);
        assert!(
            figures[0].in_print(v[0]) && figures[1].in_print(v[1]),
            "{v:?}"
        );
    }

    #[test]
    fn a_starred_coefficient_of_the_wrong_sign_is_below_its_star_band() {
        // Printed -0.1* (0.0): at -0.1 with SE 0.055 (t -1.82) the star prints; at +0.1 the
        // same |t| does not buy it. A term without stars measures |t| against a band
        // straddling zero.
        use wirkung::core::derive::{Comparison, Outcome};
        const TERMS: [(f64, f64, usize); 2] = [(-0.1, 0.0, 1), (0.1, 0.1, 0)];
        let column = Column {
            table: "test",
            outcome: Outcome::Employment,
            comparison: Comparison::BwVsNeighbours,
            terms: &TERMS,
            r2: 0.3,
            sv_only: None,
        };
        let figures = column_figures(&column, 195.0, true);
        let values = |b: f64| {
            let mut out = Vec::new();
            let fit = FitStats {
                coef: vec![b, -0.08],
                se: vec![0.055, 0.1],
                r2: 0.3,
            };
            column_values(&column, &fit, &mut out);
            out
        };
        let right = values(-0.1);
        let wrong = values(0.1);
        assert!(figures[2].in_print(right[2]), "{right:?}");
        assert!(!figures[2].in_print(wrong[2]), "{wrong:?}");
        assert!((wrong[2] + right[2]).abs() < 1e-12, "{wrong:?}");
        assert!(figures[5].in_print(right[5]) && right[5] > 0.0, "{right:?}");
    }

    #[test]
    fn the_search_stops_once_every_figure_is_inside_its_margin() {
        // One figure, p, printed in [0.5, 0.6): the first step moves p to the box's edge
        // plus the margin, and the search stops there with nothing left to do.
        let figures = [Figure::plain(0.55, true)];
        let run = |margins| {
            search(
                &|p: &[f64]| vec![p[0]],
                &figures,
                &[0.0],
                &[1.0],
                &[(-5.0, 5.0)],
                Plan {
                    steps: 10,
                    trust: Trust::Fixed(1.0),
                    holds: Holds::Soft,
                    margins,
                },
            )
        };
        let found = run(1.0);
        assert_eq!((found.start, found.best, found.steps), (0, 1, 1));
        assert!((found.p[0] - (0.5 + MARGIN)).abs() < 1e-6, "{:?}", found.p);
        // With a sixteenth of the margins, a sixteenth inside the edge.
        let fine = run(1.0 / 16.0);
        assert_eq!((fine.best, fine.steps), (1, 1));
        assert!(
            (fine.p[0] - (0.5 + MARGIN / 16.0)).abs() < 1e-6,
            "{:?}",
            fine.p
        );
    }
}
