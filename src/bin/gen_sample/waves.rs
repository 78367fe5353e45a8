//! Survey-wave bookkeeping for the housing calibration: unit outcomes as affine functions of
//! the end-wave shares, and the `target_group` rows written from the solved counts.

use crate::calibrate::Constraint;
use crate::design as dsn;
use crate::frame::Municipality;
use crate::housing_spec::Spec;
use crate::util::{Rng, normal, uniform, weighted};
use nalgebra::DVector;
use std::collections::BTreeMap;

/// One row of `target_group`.
pub struct WaveRow {
    pub municipality: usize,
    pub end_wave: bool,
    pub target_persons: Option<i64>,
    pub decentral: Option<i64>,
    pub shared: Option<i64>,
    pub unknown: Option<i64>,
    pub with_plan: Option<i64>,
}

/// Unit outcomes as affine functions of x (end-wave shares): y_u = L_u · x − c_u.
pub struct Outcomes {
    /// District k: municipalities with both waves and their pooling weight.
    pub district: BTreeMap<usize, Vec<(usize, f64)>>,
    pub district_base: BTreeMap<usize, f64>,
    pub muni_base: Vec<f64>,
}

impl Outcomes {
    pub fn y(&self, s: &Spec, x: &[f64]) -> Vec<f64> {
        s.units
            .iter()
            .map(|&u| {
                if s.district_level {
                    self.district[&u]
                        .iter()
                        .map(|(m, a)| a * x[*m])
                        .sum::<f64>()
                        - self.district_base[&u]
                } else {
                    x[u] - self.muni_base[u]
                }
            })
            .collect()
    }
    pub fn constraints(
        &self,
        s: &Spec,
        controls: bool,
        targets: &[Option<f64>],
        n: usize,
    ) -> Vec<Constraint> {
        let rows = crate::calibrate::coefficient_rows(&s.x(controls), &s.w);
        let mut out = Vec::new();
        for (j, t) in targets.iter().enumerate() {
            let Some(t) = t else { continue };
            let mut row = DVector::zeros(n);
            let mut offset = 0.0;
            for (i, &u) in s.units.iter().enumerate() {
                let r = rows[(j, i)];
                if s.district_level {
                    for (m, a) in &self.district[&u] {
                        row[*m] += r * a;
                    }
                    offset += r * self.district_base[&u];
                } else {
                    row[u] += r;
                    offset += r * self.muni_base[u];
                }
            }
            out.push(Constraint {
                row,
                target: t + offset,
            });
        }
        out
    }
}

pub fn outcomes(
    munis: &[Municipality],
    tp_base: &[i64],
    tp_end: &[i64],
    dec_base: &[i64],
    complete: &[bool],
) -> Outcomes {
    let mut district: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
    let mut sums: BTreeMap<usize, (f64, f64, f64)> = BTreeMap::new();
    for m in (0..munis.len()).filter(|&m| complete[m]) {
        let e = sums.entry(munis[m].district).or_default();
        e.0 += tp_end[m] as f64;
        e.1 += dec_base[m] as f64;
        e.2 += tp_base[m] as f64;
    }
    for m in (0..munis.len()).filter(|&m| complete[m]) {
        let k = munis[m].district;
        // Pooled end share = Σ tp_end · share / Σ tp_end.
        district
            .entry(k)
            .or_default()
            .push((m, tp_end[m] as f64 / sums[&k].0));
    }
    let district_base = sums.iter().map(|(k, s)| (*k, s.1 / s.2 * 100.0)).collect();
    let muni_base = (0..munis.len())
        .map(|m| {
            if tp_base[m] > 0 {
                dec_base[m] as f64 / tp_base[m] as f64 * 100.0
            } else {
                0.0
            }
        })
        .collect();
    Outcomes {
        district,
        district_base,
        muni_base,
    }
}

/// Both waves per funded municipality; municipalities missing a wave lack the end row, or a
/// decentral count in one of the waves.
pub fn rows(
    rng: &mut Rng,
    munis: &[Municipality],
    tp_base: &[i64],
    complete: &[bool],
    tp_end: &[i64],
    dec_base: &[i64],
    dec_end: &[i64],
) -> Vec<WaveRow> {
    let mut out = Vec::new();
    for (m, mu) in munis.iter().enumerate() {
        if !mu.funded {
            continue;
        }
        let variant = if complete[m] {
            0
        } else {
            1 + weighted(rng, &[0.55, 0.25, 0.20])
        };
        let tpb = tp_base[m];
        let natural_end =
            ((dec_base[m] as f64 / tpb as f64 * 100.0 + dsn::HOUSING_MEAN + 12.0 * normal(rng))
                .clamp(0.0, 100.0)
                * tp_end[m] as f64
                / 100.0)
                .round() as i64;
        let de = if complete[m] { dec_end[m] } else { natural_end };
        let mut wave = |end: bool, tp: i64, dec: Option<i64>, rng: &mut Rng| {
            let known = dec.unwrap_or(0);
            let unknown = ((tp - known) as f64 * uniform(rng, 0.0, 0.15)).round() as i64;
            let plan =
                (tp as f64 * plan_coverage(uniform(rng, 0.0, 1.0), end) / 100.0).round() as i64;
            out.push(WaveRow {
                municipality: m,
                end_wave: end,
                target_persons: Some(tp),
                decentral: dec,
                shared: Some(tp - known - unknown),
                unknown: Some(unknown),
                with_plan: Some(plan),
            });
        };
        wave(
            false,
            tpb,
            if variant == 3 {
                None
            } else {
                Some(dec_base[m])
            },
            rng,
        );
        if variant != 1 {
            wave(
                true,
                tp_end[m],
                if variant == 2 { None } else { Some(de) },
                rng,
            );
        }
    }
    out
}

/// Abb. 26: share of the target group with an integration plan, as a quantile function of
/// one uniform draw per municipality and wave (piecewise linear through the knots). End of
/// 2018: mean and median 53%, 22% of municipalities under 20%; early 2020: mean 59%, median
/// 62%; a tenth or more at (nearly) 100%. The knots sit a little off those figures because
/// small target groups round coverage onto a few values (50% holds many municipalities);
/// they are tuned to meet the figures on the committed seed.
fn plan_coverage(u: f64, end: bool) -> f64 {
    const BASE: [(f64, f64); 6] = [
        (0.0, 0.0),
        (0.24, 20.0),
        (0.5, 57.0),
        (0.75, 84.0),
        (0.9, 100.0),
        (1.0, 100.0),
    ];
    const END: [(f64, f64); 6] = [
        (0.0, 0.0),
        (0.12, 20.0),
        (0.5, 62.0),
        (0.75, 85.0),
        (0.88, 100.0),
        (1.0, 100.0),
    ];
    let knots = if end { &END } else { &BASE };
    knots.windows(2).find(|w| u <= w[1].0).map_or(100.0, |w| {
        w[0].1 + (w[1].1 - w[0].1) * (u - w[0].0) / (w[1].0 - w[0].0)
    })
}
