//! A housing regression (Tab. 17 at district level, Tab. 18 at municipality level) as the
//! calibration sees it: its units, treatment, weights, controls and published targets. Shared
//! by the calibration (`housing`), its shaping and the wave bookkeeping (`waves`).

use crate::calibrate::design;
use nalgebra::DMatrix;

pub struct Spec {
    pub name: &'static str,
    pub district_level: bool,
    pub units: Vec<usize>,
    pub treated: Vec<f64>,
    pub w: Vec<f64>,
    pub controls: Vec<Vec<f64>>,
    pub col1: Vec<Option<f64>>,
    pub col2: Vec<Option<f64>>,
    pub soft: Vec<Option<f64>>,
    /// Tolerance of each soft target (half the published SE), in emission order.
    pub soft_se: Vec<f64>,
    /// Published SE of the treatment in (1) and (2) (NaN = not published) and R² (2).
    pub se: [f64; 2],
    pub r2: f64,
    /// Published values of the hard targets, in emission order (col1 then col2).
    pub centres: Vec<f64>,
}

impl Spec {
    pub fn x(&self, controls: bool) -> DMatrix<f64> {
        if controls {
            self.x_with(&self.controls)
        } else {
            self.x_with(&[])
        }
    }
    /// The design with other values for the controls (the shaping tries many).
    pub fn x_with(&self, controls: &[Vec<f64>]) -> DMatrix<f64> {
        let mut cols = vec![self.treated.clone(), vec![1.0; self.units.len()]];
        cols.extend(controls.iter().cloned());
        design(&cols)
    }
}
