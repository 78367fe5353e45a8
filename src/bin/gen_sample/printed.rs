//! Printed columns of the report and the regressions the generator aims at them: the
//! figures as printed (`Column`), a regression whose cells may be parameters being moved
//! (`Regression`), and two ways to measure a fit against its column: towards the point
//! farthest inside every print box (`Target`) or only outside the boxes (`Boxes`).

use crate::calibrate::{
    FitStats, Prepared, Printed, design, fit, printed_target, r2_residual, star_band,
};
use std::collections::HashMap;
use wirkung::core::bundle::{Bundle, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, Panel, PanelSpec, panel};

/// The district panel of `outcome` in `comparison` as the real pipeline derives it from `b`
/// under the bundle's own rules; a message naming the regression when it cannot.
pub fn district_panel(
    b: &Bundle,
    outcome: Outcome,
    comparison: Comparison,
    controls: ControlSelection,
) -> Result<Panel, String> {
    let spec = PanelSpec {
        outcome,
        comparison,
        level: Level::District,
        controls,
        rules: b.manifest.rules.clone(),
    };
    panel(b, &spec).map_err(|e| format!("{outcome} {comparison}: {e}"))
}

/// A printed figure: coefficient, SE, stars (0 = none, 1 = * p<.10 … 3 = *** p<.01).
pub type Figure = (f64, f64, usize);

/// A printed column: its terms in the pipeline's order (treatment, constant, then in column
/// (2) the manifest's controls: for districts protection seekers, GDP, SV employees, urban,
/// and for housing dwellings, new dwellings; for municipalities (Tab. 18) refugees, tax
/// revenue, SV employees, urban, dwellings, new dwellings), its R², and for employment the
/// SV-only treatment coefficient with controls that the text or footnote prints.
pub struct Column {
    pub table: &'static str,
    pub outcome: Outcome,
    pub comparison: Comparison,
    pub terms: &'static [Figure],
    pub r2: f64,
    pub sv_only: Option<f64>,
}

/// One regression as the shaping sees it: each outcome and control cell either fixed or one
/// of the parameters being moved.
pub struct Regression {
    pub y: Vec<Cell>,
    pub w: Vec<f64>,
    /// Per row, the parameter that scales its weight by exp(p), if any (Tab. 17's D, moved
    /// by step 16's search, `refit`).
    pub w_factor: Vec<Option<usize>>,
    pub treated: Vec<f64>,
    /// Per control column, per row.
    pub controls: Vec<Vec<Cell>>,
}

#[derive(Clone, Copy)]
pub enum Cell {
    Free(usize),
    Fixed(f64),
}

impl Cell {
    pub fn at(self, p: &[f64]) -> f64 {
        match self {
            Cell::Free(i) => p[i],
            Cell::Fixed(v) => v,
        }
    }
}

impl Regression {
    pub fn fit(&self, p: &[f64]) -> FitStats {
        let mut cols = vec![self.treated.clone(), vec![1.0; self.y.len()]];
        for c in &self.controls {
            cols.push(c.iter().map(|cell| cell.at(p)).collect());
        }
        let y: Vec<f64> = self.y.iter().map(|cell| cell.at(p)).collect();
        let w: Vec<f64> = self
            .w
            .iter()
            .zip(&self.w_factor)
            .map(|(w, f)| f.map_or(*w, |i| w * p[i].exp()))
            .collect();
        fit(&y, &design(&cols), &w)
    }
}

/// A printed column with the regression that should reproduce it, its SV-only twin where the
/// text prints one, and the (coefficient, SE) each term aims at.
pub struct Target {
    pub column: &'static Column,
    pub regression: Regression,
    sv_only: Option<Regression>,
    aims: Vec<(f64, f64)>,
}

impl Target {
    /// `pins` fixes the coefficients of the first terms where an earlier linear step chose
    /// them (the columns (1) share one outcome mean, so their box centres disagree).
    pub fn new(
        column: &'static Column,
        regression: Regression,
        sv_only: Option<Regression>,
        pins: &[f64],
    ) -> Self {
        let df = (regression.y.len() - column.terms.len()) as f64;
        let aims = column
            .terms
            .iter()
            .enumerate()
            .map(|(j, &(coef, se, stars))| {
                printed_target(Printed { coef, se, stars }, df, pins.get(j).copied())
            })
            .collect();
        Target {
            column,
            regression,
            sv_only,
            aims,
        }
    }

    /// Every coefficient and SE towards the point inside its printed boxes and star class
    /// farthest from their edges (`printed_target`), the R² into its two decimals, and the
    /// SV-only treatment coefficient into its one.
    pub fn residuals(&self, p: &[f64], r: &mut Vec<f64>) {
        self.fit_residuals(&self.regression.fit(p), r);
        if let (Some(sv), Some(want)) = (&self.sv_only, self.column.sv_only) {
            let c = sv.fit(p).coef[0];
            r.push((c - want) / 0.01);
        }
    }

    /// The residuals of `residuals` for a fit of the column's regression computed elsewhere
    /// (the SV-only twin aside).
    pub fn fit_residuals(&self, f: &FitStats, r: &mut Vec<f64>) {
        for (j, &(tc, te)) in self.aims.iter().enumerate() {
            r.push((f.coef[j] - tc) / 0.004);
            r.push((f.se[j] - te) / 0.004);
        }
        r.push(r2_residual(f.r2, self.column.r2));
    }
}

/// The regression of a panel read back from the written bundle. `cell(unit, control,
/// written)` says what each control cell is: a parameter being moved, or a fixed value (an
/// earlier pass may have moved it since the bundle was written).
pub fn regression(
    p: &Panel,
    cell: &dyn Fn(&str, &str, f64) -> Result<Cell, String>,
) -> Result<Regression, String> {
    let mut controls = vec![Vec::with_capacity(p.rows.len()); p.control_names.len()];
    for row in &p.rows {
        for (c, (&v, name)) in row.controls.iter().zip(&p.control_names).enumerate() {
            controls[c].push(cell(&row.unit_id, name, v)?);
        }
    }
    Ok(Regression {
        y: p.rows
            .iter()
            .map(|r| Cell::Fixed(r.outcome_change()))
            .collect(),
        w: p.rows.iter().map(|r| r.weight).collect(),
        w_factor: vec![None; p.rows.len()],
        treated: p
            .rows
            .iter()
            .map(|r| if r.treated { 1.0 } else { 0.0 })
            .collect(),
        controls,
    })
}

/// A panel's regression whose outcomes are parameters of a search (`index`: unit id to
/// parameter) and whose design is fixed, refitted in O(nk) (`Prepared::fit_quick`).
pub struct QuickFit {
    prepared: Prepared,
    /// The parameter each row's outcome is.
    y: Vec<usize>,
}

impl QuickFit {
    pub fn new(p: &Panel, index: &HashMap<String, usize>) -> Result<Self, String> {
        let mut cols = vec![
            p.rows
                .iter()
                .map(|r| if r.treated { 1.0 } else { 0.0 })
                .collect(),
            vec![1.0; p.rows.len()],
        ];
        for c in 0..p.control_names.len() {
            cols.push(p.rows.iter().map(|r| r.controls[c]).collect());
        }
        let y = p
            .rows
            .iter()
            .map(|row| {
                index
                    .get(&row.unit_id)
                    .copied()
                    .ok_or_else(|| format!("panel unit {} has no parameter", row.unit_id))
            })
            .collect::<Result<_, _>>()?;
        Ok(QuickFit {
            prepared: Prepared::for_quick_fits(
                design(&cols),
                p.rows.iter().map(|r| r.weight).collect(),
            ),
            y,
        })
    }

    pub fn fit(&self, p: &[f64]) -> FitStats {
        let y: Vec<f64> = self.y.iter().map(|&i| p[i]).collect();
        self.prepared.fit_quick(&y)
    }
}

/// How far `v` lies outside [lo, hi], signed, in units of `scale` (zero inside).
pub fn outside(v: f64, lo: f64, hi: f64, scale: f64) -> f64 {
    ((v - hi).max(0.0) - (lo - v).max(0.0)) / scale
}

/// How far inside its star band a |t| must lie to count as in its box (a factor): 1%, so
/// that a figure counted in print keeps its stars through what follows (rounding to whole
/// persons, the controls' decimals).
pub const T_EDGE: f64 = 1.01;

/// Where a printed column's figures still print as published: each coefficient's and SE's
/// one-decimal box shrunk by a margin, the band of |t| its stars allow (in logs, 1% inside:
/// `T_EDGE`, unless `with_t_edge` says otherwise),
/// and R²'s two-decimal box shrunk by its own margin. Residuals cost nothing inside, so a
/// figure is free to sit anywhere its print allows; Tab. 18's two SV-employee SEs, for one,
/// print as 0.2 and 0.1 and so must straddle 0.15 closely.
pub struct Boxes {
    /// Per term: coefficient low/high, SE low/high, ln|t| low/high.
    terms: Vec<[f64; 6]>,
    r2: (f64, f64),
    unit: f64,
}

impl Boxes {
    /// `unit` is how far outside a coefficient's or SE's box costs as much as one prior's
    /// unit (|t| twice that in logs, R² a tenth).
    pub fn new(column: &Column, df: f64, safe: f64, safe_r2: f64, unit: f64) -> Self {
        Self::with_t_edge(column, df, safe, safe_r2, unit, T_EDGE)
    }

    /// `new`, with |t| held inside its star band by the factor `t_edge` (`T_EDGE` in `new`).
    pub fn with_t_edge(
        column: &Column,
        df: f64,
        safe: f64,
        safe_r2: f64,
        unit: f64,
        t_edge: f64,
    ) -> Self {
        let terms = column
            .terms
            .iter()
            .map(|&(c, se, stars)| {
                let (tlo, thi) = star_band(stars, df);
                [
                    c - 0.05 + safe,
                    c + 0.05 - safe,
                    se - 0.05 + safe,
                    se + 0.05 - safe,
                    (tlo * t_edge).max(1e-9).ln(),
                    (thi / t_edge).min(1e9).ln(),
                ]
            })
            .collect();
        let r2 = (column.r2 - 0.005 + safe_r2, column.r2 + 0.005 - safe_r2);
        Boxes { terms, r2, unit }
    }

    /// Per term how far coefficient, SE and |t| lie outside their boxes, then R².
    pub fn residuals(&self, f: &FitStats, r: &mut Vec<f64>) {
        for (j, &[clo, chi, slo, shi, tlo, thi]) in self.terms.iter().enumerate() {
            r.push(outside(f.coef[j], clo, chi, self.unit));
            r.push(outside(f.se[j], slo, shi, self.unit));
            let t = (f.coef[j] / f.se[j]).abs().max(1e-12).ln();
            r.push(outside(t, tlo, thi, 2.0 * self.unit));
        }
        r.push(outside(f.r2, self.r2.0, self.r2.1, self.unit / 10.0));
    }
}

/// A fit as the generator log shows it: each coefficient with its SE, then R².
pub fn show(f: &FitStats) -> String {
    let terms: Vec<String> = f
        .coef
        .iter()
        .zip(&f.se)
        .map(|(c, s)| format!("{c:.2} ({s:.2})"))
        .collect();
    format!("{} R² {:.3}", terms.join(" "), f.r2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_t_just_inside_its_star_edge_counts_only_with_a_finer_t_edge() {
        // Printed 0.2** (0.1) on 40 df: a t 0.5% above the 5% line is in print, but within
        // `T_EDGE` of it; with the edge the fine control stages count at, it is in its box.
        const TERMS: [(f64, f64, usize); 1] = [(0.2, 0.1, 2)];
        let column = Column {
            table: "test",
            outcome: Outcome::Employment,
            comparison: Comparison::BwVsNeighbours,
            terms: &TERMS,
            r2: 0.3,
            sv_only: None,
        };
        let (line, _) = star_band(2, 40.0);
        let se = 0.1;
        let fit = FitStats {
            coef: vec![1.005 * line * se],
            se: vec![se],
            r2: 0.3,
        };
        let t_outside = |boxes: &Boxes| {
            let mut r = Vec::new();
            boxes.residuals(&fit, &mut r);
            r[2]
        };
        assert!(t_outside(&Boxes::new(&column, 40.0, 0.0, 0.0, 0.0005)) < 0.0);
        let fine = Boxes::with_t_edge(&column, 40.0, 0.0, 0.0, 0.0005, 1.0003);
        assert_eq!(t_outside(&fine), 0.0);
    }
}
