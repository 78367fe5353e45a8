//! Shaping of the district housing outcomes (Tab. 17): what the linear calibration cannot
//! reach (standard errors, R², control signs) depends on the residuals' shape and on the
//! synthetic dwelling controls; both are moved by nonlinear least squares. The municipal
//! stage (Tab. 18) is in `shape_municipalities.rs`.

use crate::calibrate::{band, fit, levenberg_marquardt};
use crate::frame::District;
use crate::housing_spec::Spec;
use crate::refine::HOUSING_CONTROLS;

/// Published Tab. 17 SEs per district spec (treatment (1), constant (1), treatment (2),
/// constant (2)) and R² (1), in spec order.
const TAB17_SE: [([f64; 4], f64); 3] = [
    ([2.6, 1.8, 2.6, 31.2], 0.01),
    ([2.5, 1.4, 3.0, 33.4], 0.03),
    ([2.7, 2.5, 2.8, 33.4], 0.00),
];
/// Written precision, plausible range and prior spread of the district dwelling controls.
const DWELLINGS: (i32, (f64, f64), f64) = (2, (40.0, 58.0), 2.0);
const NEW_DWELLINGS: (i32, (f64, f64), f64) = (3, (0.1, 0.9), 0.1);

/// Joint least squares over the kept districts' outcome changes and their dwelling controls
/// (dwellings and new dwellings per 100 inhabitants) towards every Tab. 17 figure at once:
/// treatment and constant (tight), the capacity column's controls (within half their SE, with
/// the published sign), every published SE (±0.4, hard beyond ±0.6) and R² (±0.02, hard
/// beyond ±0.03). Updates the specs' control columns to the rounded values and returns them
/// per district.
pub(super) fn shape_districts(
    specs: &mut [Spec],
    yd: &[f64],
    kept: &[usize],
    ds: &[District],
    log: &mut Vec<String>,
) -> (Vec<f64>, Vec<(usize, f64, f64)>) {
    let nk = kept.len();
    let pos = |u: usize| kept.iter().position(|&k| k == u).expect("kept district");
    let mut p0: Vec<f64> = kept.iter().map(|&k| yd[k]).collect();
    for &k in kept {
        p0.push(ds[k].dwellings);
        p0.push(ds[k].new_dwellings);
    }
    let district: Vec<&Spec> = specs.iter().filter(|s| s.district_level).collect();
    let idx: Vec<Vec<usize>> = district
        .iter()
        .map(|s| s.units.iter().map(|&u| pos(u)).collect())
        .collect();
    // A spec's outcome and control columns with the dwelling controls taken from `p`.
    let with = |s: &Spec, ix: &[usize], p: &[f64]| -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut controls = s.controls.clone();
        for (i, &j) in ix.iter().enumerate() {
            controls[4][i] = p[nk + 2 * j];
            controls[5][i] = p[nk + 2 * j + 1];
        }
        (ix.iter().map(|&j| p[j]).collect(), controls)
    };
    let resid = |p: &[f64]| -> Vec<f64> {
        let mut r = Vec::new();
        for ((s, ix), (ses, r2_1)) in district.iter().zip(&idx).zip(TAB17_SE) {
            let (y, controls) = with(s, ix, p);
            let a = fit(&y, &s.x(false), &s.w);
            let b = fit(&y, &s.x_with(&controls), &s.w);
            let targets = [s.col1[0], s.col1[1], s.col2[0], s.col2[1]];
            for (c, t) in [a.coef[0], a.coef[1], b.coef[0], b.coef[1]]
                .iter()
                .zip(targets)
            {
                r.push((c - t.expect("hard target")) / 0.01);
            }
            for (g, want) in [a.se[0], a.se[1], b.se[0], b.se[1]].iter().zip(ses) {
                r.push((g - want) / 0.4);
                r.push(band(g - want, 0.6, 0.05));
            }
            r.push((a.r2 - r2_1) / 0.02);
            r.push((b.r2 - s.r2) / 0.02);
            r.push(band(a.r2 - r2_1, 0.03, 0.002));
            r.push(band(b.r2 - s.r2, 0.03, 0.002));
            for (j, want) in s.soft.iter().enumerate().skip(2) {
                let Some(want) = want else { continue };
                let got = b.coef[j];
                r.push((got - want) / s.soft_se[j - 2]);
                r.push((b.se[j] - HOUSING_CONTROLS.1[j - 2]) / 0.4);
                r.push(band(b.se[j] - HOUSING_CONTROLS.1[j - 2], 0.6, 0.05));
                r.push((0.02 - got * want.signum()).max(0.0) / 0.005);
            }
        }
        for i in 0..nk {
            r.push((p[i] - p0[i]) / 10.0);
            for (c, (_, (lo, hi), prior)) in [DWELLINGS, NEW_DWELLINGS].iter().enumerate() {
                let v = p[nk + 2 * i + c];
                r.push((v - p0[nk + 2 * i + c]) / prior);
                r.push(((lo - v).max(0.0) + (v - hi).max(0.0)) / 0.001);
            }
        }
        r
    };
    let cost = |p: &[f64]| resid(p).iter().map(|v| v * v).sum::<f64>();
    let before = cost(&p0);
    let p = levenberg_marquardt(&p0, &resid, &vec![1e-6; p0.len()], 150);
    log.push(format!(
        "housing district shaping (outcome and dwelling controls jointly): cost {before:.1} -> {:.1}",
        cost(&p)
    ));
    let mut rounded = p.clone();
    let mut written = Vec::new();
    for (i, &k) in kept.iter().enumerate() {
        rounded[nk + 2 * i] = crate::util::round_to(p[nk + 2 * i], DWELLINGS.0);
        rounded[nk + 2 * i + 1] = crate::util::round_to(p[nk + 2 * i + 1], NEW_DWELLINGS.0);
        written.push((k, rounded[nk + 2 * i], rounded[nk + 2 * i + 1]));
    }
    for (s, ix) in specs.iter_mut().filter(|s| s.district_level).zip(&idx) {
        s.controls = with(s, ix, &rounded).1;
    }
    let mut out = yd.to_vec();
    for (i, &k) in kept.iter().enumerate() {
        out[k] = p[i];
    }
    (out, written)
}
