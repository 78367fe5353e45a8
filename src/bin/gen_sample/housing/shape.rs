//! Shaping of the district housing outcomes (Tab. 17): what the linear calibration cannot
//! reach (standard errors, R², control coefficients) depends on the residuals' shape and on
//! the synthetic controls; both are moved by nonlinear least squares, the controls jointly
//! with the employment tables that share them (`district_controls`). The municipal stage
//! (Tab. 18) is in `shape_municipalities.rs`.

use crate::calibrate::levenberg_marquardt;
use crate::district_controls::{COLUMNS, TAB_17_COLUMN_1, control_residuals, values, written};
use crate::employment::Written;
use crate::frame::District;
use crate::housing_spec::Spec;
use crate::printed::{Cell, Regression, Target};

/// Every BW district's five free controls move here (`district_controls::FREE`).
const ALL_FIVE: [usize; 5] = [0, 1, 2, 3, 4];

/// Levenberg–Marquardt iterations of the joint district stage.
const ITERATIONS: usize = 1000;

/// Joint least squares over the kept districts' outcome changes and the five synthetic
/// controls of every BW district (protection seekers, GDP, SV employees, dwellings, new
/// dwellings) towards every figure of Tab. 17 and, on the employment outcome as written,
/// every column (2) of Tab. 12–16 (`district_controls::Target`): the employment tables see
/// three of the same controls, and Tab. 17's control coefficients are out of reach unless
/// those move too. Columns (1)'s coefficients stay where the linear step put them. Updates
/// the specs' control columns to the written (rounded) values and returns the changes and
/// every BW district's written controls.
pub(super) fn shape_districts(
    specs: &mut [Spec],
    yd: &[f64],
    kept: &[usize],
    ds: &[District],
    employment: &Written,
    log: &mut Vec<String>,
) -> (Vec<f64>, Vec<(usize, [f64; 5])>) {
    let nk = kept.len();
    let bw: Vec<usize> = (0..ds.len()).filter(|&k| ds[k].is_bw()).collect();
    let pos = |u: usize| kept.iter().position(|&k| k == u).expect("kept district");
    // A control cell of district `u` in column `slot` of the districts table (urban: None).
    let control =
        |u: usize, slot: Option<usize>, fixed: f64| match (slot, bw.iter().position(|&k| k == u)) {
            (Some(c), Some(i)) => Cell::Free(nk + 5 * i + c),
            _ => Cell::Fixed(fixed),
        };
    let mut p0: Vec<f64> = kept.iter().map(|&k| yd[k]).collect();
    for &k in &bw {
        p0.extend(values(&ds[k]));
    }
    // The housing specs' controls, in design order: protection, GDP, SV, urban, dwellings,
    // new dwellings.
    let housing_slots = [Some(0), Some(1), Some(2), None, Some(3), Some(4)];
    let mut targets = Vec::new();
    let district: Vec<&Spec> = specs.iter().filter(|s| s.district_level).collect();
    for ((s, col1), col2) in district.iter().zip(&TAB_17_COLUMN_1).zip(&COLUMNS[5..]) {
        let y: Vec<Cell> = s.units.iter().map(|&u| Cell::Free(pos(u))).collect();
        let regression = |controls: Vec<Vec<Cell>>| Regression {
            y: y.clone(),
            w: s.w.clone(),
            w_factor: vec![None; s.w.len()],
            treated: s.treated.clone(),
            controls,
        };
        let pins = [s.col1[0], s.col1[1]].map(|t| t.expect("linear target"));
        targets.push(Target::new(col1, regression(vec![]), None, &pins));
        let controls = housing_slots
            .iter()
            .zip(&s.controls)
            .map(|(&slot, c)| {
                s.units
                    .iter()
                    .zip(c)
                    .map(|(&u, &v)| control(u, slot, v))
                    .collect()
            })
            .collect();
        targets.push(Target::new(col2, regression(controls), None, &[]));
    }
    let z = crate::design::employment_controls(ds);
    for ((units, treated), col) in employment.comparisons.iter().zip(&COLUMNS[..5]) {
        let controls: Vec<Vec<Cell>> = [Some(0), Some(1), Some(2), None]
            .iter()
            .zip(&z)
            .map(|(&slot, c)| units.iter().map(|&u| control(u, slot, c[u])).collect())
            .collect();
        let on = |y: &[f64]| Regression {
            y: units.iter().map(|&u| Cell::Fixed(y[u])).collect(),
            w: units.iter().map(|&u| employment.w[u]).collect(),
            w_factor: vec![None; units.len()],
            treated: treated.clone(),
            controls: controls.clone(),
        };
        targets.push(Target::new(
            col,
            on(&employment.change),
            Some(on(&employment.sv_change)),
            &[],
        ));
    }
    let resid = |p: &[f64]| -> Vec<f64> {
        let mut r = Vec::with_capacity(2 * p.len() + 200);
        for t in &targets {
            t.residuals(p, &mut r);
        }
        for i in 0..nk {
            r.push((p[i] - p0[i]) / 10.0);
        }
        control_residuals(p, &p0, nk, &ALL_FIVE, &mut r);
        r
    };
    let cost = |p: &[f64]| resid(p).iter().map(|v| v * v).sum::<f64>();
    let p = levenberg_marquardt(&p0, &resid, &vec![1e-6; p0.len()], ITERATIONS);
    let rounded = written(&p, nk, &ALL_FIVE);
    log.push(format!(
        "housing district shaping (outcome and BW controls jointly, employment held): cost {:.1} -> {:.1} (written {:.1})",
        cost(&p0),
        cost(&p),
        cost(&rounded)
    ));
    for (s, _) in specs.iter_mut().filter(|s| s.district_level).zip(0..) {
        for (c, slot) in housing_slots.iter().enumerate() {
            let Some(slot) = slot else { continue };
            for (i, &u) in s.units.iter().enumerate() {
                let at = bw.iter().position(|&k| k == u).expect("BW district");
                s.controls[c][i] = rounded[nk + 5 * at + slot];
            }
        }
    }
    let written_controls = bw
        .iter()
        .enumerate()
        .map(|(i, &k)| (k, std::array::from_fn(|c| rounded[nk + 5 * i + c])))
        .collect();
    let mut out = yd.to_vec();
    for (i, &k) in kept.iter().enumerate() {
        out[k] = p[i];
    }
    (out, written_controls)
}
