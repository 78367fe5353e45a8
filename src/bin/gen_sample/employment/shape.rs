//! Shaping of the employment outcome (Tab. 12–16): standard errors, R² and control signs
//! depend on the residuals' shape and on the synthetic controls, so the outcome and the BW
//! districts' controls are moved together by nonlinear least squares.

use super::{Spec, stats};
use crate::calibrate::{band, levenberg_marquardt};
use crate::design as dsn;
use crate::frame::District;

/// Written precision of the shaped controls (protection seekers %, GDP in 1,000 EUR to the
/// euro, SV employees per 100). Fine enough that rounding does not undo the consistency the
/// shaping found: with three comparisons on the same 44 districts, the exact figures only
/// agree for a design that fits them.
const CONTROL_DECIMALS: [i32; 3] = [3, 3, 2];
/// Plausible ranges of the same controls for BW districts.
const CONTROL_RANGE: [(f64, f64); 3] = [(0.5, 2.8), (24.0, 100.0), (20.0, 85.0)];
/// How far a control may wander from where the design search left it before it costs as
/// much as one tolerance of a published figure.
const CONTROL_PRIOR: [f64; 3] = [0.4, 8.0, 8.0];

/// Joint least squares over the outcome changes of every district and the three synthetic
/// controls of the BW districts, towards every published figure of Tab. 12–16 at once:
/// treatment and constant (tight), control coefficients (within half their SE, with the
/// published sign), standard errors (±0.07, and hard beyond ±0.12), R² (±0.01, hard beyond
/// ±0.03). A prior keeps both near their starting values. The controls are then rounded to
/// their written precision.
pub(super) fn shape(
    specs: &[Spec],
    y: &[f64],
    ds: &mut [District],
    all: &[usize],
    bw: &[usize],
    w: &[f64],
    scale: &[f64],
    log: &mut Vec<String>,
) -> Vec<f64> {
    let n = ds.len();
    let na = all.len();
    let z0 = dsn::employment_controls(ds);
    let mut p0: Vec<f64> = all.iter().map(|&k| y[k]).collect();
    for &k in bw {
        for c in 0..3 {
            p0.push(z0[c][k]);
        }
    }
    let unpack = |p: &[f64]| -> (Vec<f64>, Vec<Vec<f64>>) {
        let mut yy = vec![0.0; n];
        for (i, &k) in all.iter().enumerate() {
            yy[k] = p[i];
        }
        let mut zz = z0.clone();
        for (i, &k) in bw.iter().enumerate() {
            for c in 0..3 {
                zz[c][k] = p[na + 3 * i + c];
            }
        }
        (yy, zz)
    };
    let targets: Vec<[f64; 4]> = specs
        .iter()
        .map(|s| {
            [
                s.col1[0].expect("treatment (1)"),
                s.col1[1].expect("constant (1)"),
                s.col2[0].expect("treatment (2)"),
                s.col2[1].expect("constant (2)"),
            ]
        })
        .collect();
    let resid = |p: &[f64]| -> Vec<f64> {
        let (yy, zz) = unpack(p);
        let mut r = Vec::with_capacity(p.len() + 30 * specs.len());
        for (s, t) in specs.iter().zip(&targets) {
            let (a, b) = stats(s, &yy, &zz, w);
            let coefs = [a.coef[0], a.coef[1], b.coef[0], b.coef[1]];
            for (c, t) in coefs.iter().zip(t) {
                r.push((c - t) / 0.002);
            }
            let ses = [a.se[0], a.se[1], b.se[0], b.se[1]];
            for (g, want) in ses.iter().zip(s.se) {
                r.push((g - want) / 0.07);
                r.push(band(g - want, 0.12, 0.01));
            }
            for j in 0..4 {
                r.push((b.se[2 + j] - s.ctl_se[j]) / 0.07);
                r.push(band(b.se[2 + j] - s.ctl_se[j], 0.12, 0.01));
                let want = s.soft[j].expect("published control");
                let got = b.coef[2 + j];
                r.push((got - want) / s.soft_tol()[j]);
                // The sign (or a printed 0.0) must survive: a hinge with a small margin.
                let miss = if want == 0.0 {
                    (got.abs() - 0.03).max(0.0)
                } else {
                    (0.05 - got * want.signum()).max(0.0)
                };
                r.push(miss / 0.001);
            }
            r.push((a.r2 - s.r2[0]) / 0.01);
            r.push((b.r2 - s.r2[1]) / 0.01);
            r.push(band(a.r2 - s.r2[0], 0.03, 0.002));
            r.push(band(b.r2 - s.r2[1], 0.03, 0.002));
        }
        for (i, &k) in all.iter().enumerate() {
            r.push((p[i] - p0[i]) / (3.0 * scale[k]));
        }
        for i in 0..bw.len() {
            for c in 0..3 {
                let v = p[na + 3 * i + c];
                r.push((v - p0[na + 3 * i + c]) / CONTROL_PRIOR[c]);
                let (lo, hi) = CONTROL_RANGE[c];
                r.push(((lo - v).max(0.0) + (v - hi).max(0.0)) / 0.01);
            }
        }
        r
    };
    let cost = |p: &[f64]| resid(p).iter().map(|v| v * v).sum::<f64>();
    let before = cost(&p0);
    let steps = vec![1e-6; p0.len()];
    let p = levenberg_marquardt(&p0, &resid, &steps, 400);
    log.push(format!(
        "employment shaping (outcome and BW controls jointly): cost {before:.1} -> {:.1}",
        cost(&p)
    ));
    for (i, &k) in bw.iter().enumerate() {
        let d = &mut ds[k];
        let v = |c: usize| crate::util::round_to(p[na + 3 * i + c], CONTROL_DECIMALS[c]);
        d.protection_pct = v(0);
        d.gdp = v(1);
        d.sv_per_100 = v(2);
    }
    let mut out = y.to_vec();
    for (i, &k) in all.iter().enumerate() {
        out[k] = p[i];
    }
    out
}
