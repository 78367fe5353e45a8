//! The elastic search: a sequential linear programme that brings every printed figure into
//! its box shrunk by a share of the margins, minimising the figures' summed distance outside
//! (each per its box's width), with no figure held and no cost on the move.
//!
//! `slp::search` holds every figure in print and aims at the rest; near a point where all
//! figures fit only a sixteenth of a margin inside their boxes, nearly every step it tries
//! loses one and is undone. Letting figures leave their boxes on the way, as long as the
//! summed distance falls, is what reached all 235 figures of Tab. 11-17 in the model
//! (`elastic_search` in `scripts/missed_figures_reach.py`, which this follows step for step).
//! A step that lowers the measured sum is taken and the region grows by half (up to a fifth
//! of a prior); any other is dropped and the region halves.

use crate::slp::{Figure, jacobian, solve_lp};
use nalgebra::DMatrix;

/// The trust region at the start and its cap, in priors of each parameter.
const START: f64 = 0.02;
const CAP: f64 = 0.2;
/// A region this small ends the search.
const SMALLEST: f64 = 1e-6;

/// A star band open above (three stars) has no finite width; its edge stands in at 10^9, so
/// its shortfall counts for next to nothing, as in the model (such |t| sit far inside).
const OPEN: f64 = 1e9;

/// Where the search ended: the point, the figures' values there, the summed distance
/// outside the shrunk boxes, and the steps taken (dropped ones included).
pub struct Elastic {
    pub p: Vec<f64>,
    pub v: Vec<f64>,
    pub outside: f64,
    pub steps: usize,
}

/// Each figure's aimed box (shrunk by `scales[k]` margins; the upper edge just below, the
/// boxes being half-open) and its width.
fn aimed(figures: &[Figure], scales: &[f64]) -> Vec<(f64, f64, f64)> {
    figures
        .iter()
        .zip(scales)
        .map(|(f, &s)| {
            let (lo, hi) = f.inside(s);
            (lo, hi.min(OPEN) - 1e-6, f.hi.min(OPEN) - f.lo)
        })
        .collect()
}

/// The summed distance of the values `v` outside their aimed boxes, per box width.
fn outside(boxes: &[(f64, f64, f64)], v: &[f64]) -> f64 {
    boxes
        .iter()
        .zip(v)
        .map(|(&(lo, hi, w), &x)| (lo - x).max(x - hi).max(0.0) / w)
        .sum()
}

/// The figures' summed distance outside their boxes shrunk by `scales` margins, at `v`.
pub fn summed_outside(figures: &[Figure], scales: &[f64], v: &[f64]) -> f64 {
    outside(&aimed(figures, scales), v)
}

/// The search from `p0` for at most `steps` steps: `measure` gives every figure's value (in
/// the order of `figures`), each parameter moves in units of its `prior` and stays inside
/// its `range` (one whose range is a single value stays there).
pub fn search(
    measure: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    figures: &[Figure],
    scales: &[f64],
    p0: &[f64],
    prior: &[f64],
    range: &[(f64, f64)],
    steps: usize,
) -> Elastic {
    let boxes = aimed(figures, scales);
    let mut p = p0.to_vec();
    let mut v = measure(&p);
    let mut size = START;
    let mut taken = 0;
    while taken < steps && outside(&boxes, &v) > 0.0 && size >= SMALLEST {
        taken += 1;
        let jac = jacobian(measure, &p, &v, prior);
        let bounds: Vec<(f64, f64)> = (0..p.len())
            .map(|i| {
                (
                    (-size).max((range[i].0 - p[i]) / prior[i]),
                    size.min((range[i].1 - p[i]) / prior[i]),
                )
            })
            .collect();
        let Some(z) = step(&jac, &boxes, &v, &bounds) else {
            size /= 2.0;
            continue;
        };
        let q: Vec<f64> = (0..p.len()).map(|i| p[i] + z[i] * prior[i]).collect();
        let w = measure(&q);
        if outside(&boxes, &w) < outside(&boxes, &v) {
            (p, v, size) = (q, w, (1.5 * size).min(CAP));
        } else {
            size /= 2.0;
        }
    }
    Elastic {
        outside: outside(&boxes, &v),
        p,
        v,
        steps: taken,
    }
}

/// One step's linear programme: the move z (in priors, within `bounds`) minimising the
/// figures' summed shortfalls s, with lo ≤ v + J z + s·w and v + J z − s·w ≤ hi per figure
/// (J per prior). `None` if the solver fails.
fn step(
    jac: &DMatrix<f64>,
    boxes: &[(f64, f64, f64)],
    v: &[f64],
    bounds: &[(f64, f64)],
) -> Option<Vec<f64>> {
    let (n, m) = (bounds.len(), boxes.len());
    let mut triplets: Vec<(usize, usize, f64)> = Vec::new();
    let mut b = Vec::new();
    let mut row = 0;
    for (k, &(lo, hi, w)) in boxes.iter().enumerate() {
        // Per box width: −J z − s ≤ (v − lo)/w and J z − s ≤ (hi − v)/w.
        for (sign, rhs) in [(-1.0, (v[k] - lo) / w), (1.0, (hi - v[k]) / w)] {
            for j in 0..n {
                let a = jac[(k, j)] / w;
                if a != 0.0 {
                    triplets.push((row, j, sign * a));
                }
            }
            triplets.push((row, n + k, -1.0));
            b.push(rhs);
            row += 1;
        }
    }
    for (j, &(lo, hi)) in bounds.iter().enumerate() {
        for (a, rhs) in [(1.0, hi), (-1.0, -lo)] {
            triplets.push((row, j, a));
            b.push(rhs);
            row += 1;
        }
    }
    for k in 0..m {
        triplets.push((row, n + k, -1.0));
        b.push(0.0);
        row += 1;
    }
    let mut q = vec![0.0; n + m];
    q[n..].fill(1.0);
    // An interior-point solution may stand a hair outside its bounds; a parameter held at
    // one value must not drift.
    let z = solve_lp(&q, &triplets, &b, n)?;
    Some(
        z.iter()
            .zip(bounds)
            .map(|(z, &(lo, hi))| z.clamp(lo, hi))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::slp::MARGIN;

    #[test]
    fn figures_that_pull_apart_meet_where_the_summed_distance_is_least() {
        // Two figures p and p + q, printed in [0.5, 0.6) and [0.1, 0.2), and a third, q,
        // in [-0.45, -0.35): from (0, 0.15), where only the second prints, all three are had
        // by moving p up and q down together, each a margin inside its box.
        let measure = |p: &[f64]| vec![p[0], p[0] + p[1], p[1]];
        let figures = [
            Figure::plain(0.55, true),
            Figure::plain(0.15, true),
            Figure::plain(-0.4, true),
        ];
        let found = search(
            &measure,
            &figures,
            &[1.0; 3],
            &[0.0, 0.15],
            &[1.0, 1.0],
            &[(-5.0, 5.0); 2],
            200,
        );
        assert_eq!(found.outside, 0.0, "{:?}", found.v);
        for (f, v) in figures.iter().zip(&found.v) {
            let (lo, hi) = f.inside(1.0);
            assert!(*v >= lo - 1e-9 && *v < hi, "{v} outside [{lo}, {hi})");
        }
        assert!(found.p[0] >= 0.5 + MARGIN - 1e-9 && found.p[1] <= -0.35 - MARGIN + 1e-9);
    }

    #[test]
    fn a_parameter_whose_range_is_one_value_stays() {
        // Figure p0 + p1 in [0.5, 0.6) with p1 held at 0: only p0 moves.
        let measure = |p: &[f64]| vec![p[0] + p[1]];
        let found = search(
            &measure,
            &[Figure::plain(0.55, true)],
            &[1.0],
            &[0.0, 0.0],
            &[1.0, 1.0],
            &[(-5.0, 5.0), (0.0, 0.0)],
            200,
        );
        assert_eq!(found.outside, 0.0);
        assert_eq!(found.p[1], 0.0);
        assert!(found.p[0] >= 0.5 + MARGIN - 1e-9, "{:?}", found.p);
    }

    #[test]
    fn an_open_star_band_counts_next_to_nothing() {
        // A |t| in a three-star band [2.6, ∞) at 1.0: its distance per 10^9 is what remains.
        let figure = Figure {
            lo: 2.6,
            hi: f64::INFINITY,
            kind: crate::slp::Kind::T,
            reachable: true,
        };
        let boxes = aimed(&[figure], &[1.0]);
        let d = outside(&boxes, &[1.0]);
        assert!(d > 0.0 && d < 1e-8, "{d}");
    }
}
