//! The BW districts' five synthetic controls against every printed column that sees them.
//!
//! Protection seekers, GDP and SV employment enter the employment tables (Tab. 12–16) and the
//! district housing table (Tab. 17); dwellings and new dwellings enter Tab. 17 only. Shaped
//! for employment alone, the first three leave Tab. 17's control coefficients out of reach
//! of the housing data (`scripts/tab17_feasibility.py`). So they move twice against all
//! printed columns at once, with the same residuals (`Target::residuals`):
//! - in the housing district stage, together with the housing outcome changes, while both
//!   are still continuous (`housing::shape`), on the employment outcome as written;
//! - last (`shape`), on every outcome as written, read back through the real pipeline
//!   (`bundle::load` → `derive::panel`), so that what is fitted is what the dashboard
//!   estimates after every rounding to whole persons.

use crate::calibrate::levenberg_marquardt;
use crate::frame::District;
use crate::printed::{Cell, Column, Regression, Target, regression, show};
use wirkung::core::bundle::{self, Level};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec, panel};

/// The controls these stages move, as the districts table names them, with their written
/// decimals, plausible range for a BW district, and how far one may wander from where the
/// earlier stages left it before that costs as much as one tolerance of a printed figure.
pub const FREE: [(&str, i32, (f64, f64), f64); 5] = [
    ("protection_seekers_pct_2017", 3, (0.5, 2.8), 0.4),
    ("gdp_per_capita_2017", 3, (24.0, 100.0), 8.0),
    ("sv_employees_per_100_2019", 3, (20.0, 85.0), 8.0),
    ("dwellings_per_100_2018", 3, (40.0, 58.0), 2.0),
    ("new_dwellings_per_100_2018", 4, (0.1, 0.9), 0.1),
];

/// Tab. 12–17, column (2) of each comparison, as printed: Tab. 12–16 in the order of
/// `employment::Written`, then Tab. 17 in the order of the housing district specs. Tab. 18's
/// district columns repeat Tab. 17's; its municipal columns see only municipal controls
/// (`municipal_controls::TAB_18`).
#[rustfmt::skip]
pub const COLUMNS: [Column; 8] = [
    Column { table: "Tab. 12", outcome: Outcome::Employment, comparison: Comparison::BwVsNeighbours,
        terms: &[(0.1, 0.5, 0), (14.8, 1.2, 3), (-0.6, 0.3, 1), (-0.1, 0.0, 1), (0.1, 0.1, 0), (-3.1, 1.0, 3)],
        r2: 0.29, sv_only: Some(0.5) },
    Column { table: "Tab. 13", outcome: Outcome::Employment, comparison: Comparison::EarlyStart,
        terms: &[(-0.5, 0.7, 0), (11.3, 3.4, 3), (-0.7, 1.1, 0), (-0.1, 0.0, 0), (0.2, 0.1, 0), (-4.8, 1.9, 2)],
        r2: 0.33, sv_only: Some(-0.5) },
    Column { table: "Tab. 14", outcome: Outcome::Employment, comparison: Comparison::Capacity,
        terms: &[(0.6, 0.7, 0), (9.9, 3.0, 3), (0.6, 1.0, 0), (-0.1, 0.0, 0), (0.2, 0.1, 0), (-3.9, 1.8, 2)],
        r2: 0.25, sv_only: Some(0.1) },
    Column { table: "Tab. 15", outcome: Outcome::Employment, comparison: Comparison::PlanB,
        terms: &[(0.7, 0.7, 0), (11.5, 3.4, 3), (-0.9, 1.2, 0), (0.0, 0.0, 0), (0.2, 0.1, 0), (-4.5, 2.1, 2)],
        r2: 0.34, sv_only: Some(0.2) },
    Column { table: "Tab. 16", outcome: Outcome::Employment, comparison: Comparison::LabourTalks,
        terms: &[(-0.9, 0.7, 0), (11.7, 3.4, 3), (-0.8, 1.1, 0), (-0.1, 0.0, 0), (0.2, 0.1, 1), (-5.3, 2.1, 2)],
        r2: 0.35, sv_only: Some(-0.3) },
    Column { table: "Tab. 17", outcome: Outcome::Housing, comparison: Comparison::Capacity,
        terms: &[(1.6, 2.6, 0), (12.0, 31.2, 0), (3.7, 3.8, 0), (-0.2, 0.3, 0), (0.1, 0.4, 0), (9.7, 10.9, 0),
                 (-0.2, 0.6, 0), (-5.7, 18.3, 0)],
        r2: 0.15, sv_only: None },
    Column { table: "Tab. 17", outcome: Outcome::Housing, comparison: Comparison::PlanB,
        terms: &[(-2.2, 3.0, 0), (14.6, 33.4, 0), (3.4, 4.3, 0), (-0.2, 0.3, 0), (0.0, 0.5, 0), (9.9, 11.4, 0),
                 (-0.2, 0.6, 0), (-5.3, 18.8, 0)],
        r2: 0.16, sv_only: None },
    Column { table: "Tab. 17", outcome: Outcome::Housing, comparison: Comparison::HousingTalks,
        terms: &[(0.4, 2.8, 0), (9.3, 33.4, 0), (4.6, 3.1, 0), (-0.2, 0.3, 0), (0.0, 0.4, 0), (8.3, 10.6, 0),
                 (-0.2, 0.6, 0), (-7.3, 18.3, 0)],
        r2: 0.14, sv_only: None },
];

/// The printed column (2) of `table` for `comparison`.
pub fn column(table: &str, comparison: Comparison) -> &'static Column {
    COLUMNS
        .iter()
        .find(|c| c.table == table && c.comparison == comparison)
        .expect("a printed column (2)")
}

/// Tab. 12–16's columns (1), without controls, in the order of `COLUMNS`: the employment
/// count stage (`employment_counts`) moves their outcome last. Their SV-only twins (the
/// text prints their treatment coefficients) see only SV employment, which only step 16's
/// search (`refit`, with `--exchange`) moves.
#[rustfmt::skip]
pub const EMPLOYMENT_COLUMN_1: [Column; 5] = [
    Column { table: "Tab. 12", outcome: Outcome::Employment, comparison: Comparison::BwVsNeighbours,
        terms: &[(0.9, 0.7, 0), (12.4, 0.6, 3)], r2: 0.01, sv_only: Some(1.3) },
    Column { table: "Tab. 13", outcome: Outcome::Employment, comparison: Comparison::EarlyStart,
        terms: &[(-0.9, 0.8, 0), (13.7, 0.4, 3)], r2: 0.03, sv_only: Some(-0.8) },
    Column { table: "Tab. 14", outcome: Outcome::Employment, comparison: Comparison::Capacity,
        terms: &[(1.2, 0.8, 0), (12.8, 0.6, 3)], r2: 0.07, sv_only: Some(0.8) },
    Column { table: "Tab. 15", outcome: Outcome::Employment, comparison: Comparison::PlanB,
        terms: &[(0.7, 0.9, 0), (12.9, 0.6, 3)], r2: 0.02, sv_only: Some(0.3) },
    Column { table: "Tab. 16", outcome: Outcome::Employment, comparison: Comparison::LabourTalks,
        terms: &[(0.6, 0.9, 0), (12.9, 0.7, 3)], r2: 0.01, sv_only: Some(1.3) },
];

/// Tab. 17's columns (1), without controls, in the order of the housing district specs: the
/// housing stage moves their outcome too.
#[rustfmt::skip]
pub const TAB_17_COLUMN_1: [Column; 3] = [
    Column { table: "Tab. 17", outcome: Outcome::Housing, comparison: Comparison::Capacity,
        terms: &[(1.1, 2.6, 0), (2.2, 1.8, 0)], r2: 0.01, sv_only: None },
    Column { table: "Tab. 17", outcome: Outcome::Housing, comparison: Comparison::PlanB,
        terms: &[(-2.5, 2.5, 0), (4.0, 1.4, 3)], r2: 0.03, sv_only: None },
    Column { table: "Tab. 17", outcome: Outcome::Housing, comparison: Comparison::HousingTalks,
        terms: &[(-0.4, 2.7, 0), (2.9, 2.5, 0)], r2: 0.00, sv_only: None },
];

/// The free control a column of the districts table is, if any.
fn free_slot(column: &str) -> Option<usize> {
    FREE.iter().position(|f| f.0 == column)
}

/// Prior and plausible range of the free controls: parameter `offset + slots.len() * i + j`
/// is control `slots[j]` (of `FREE`) of some district `i`, `p0` where it started.
pub fn control_residuals(p: &[f64], p0: &[f64], offset: usize, slots: &[usize], r: &mut Vec<f64>) {
    for (i, (v, v0)) in p.iter().zip(p0).enumerate().skip(offset) {
        let (_, _, (lo, hi), prior) = FREE[slots[(i - offset) % slots.len()]];
        r.push((v - v0) / prior);
        r.push(((lo - v).max(0.0) + (v - hi).max(0.0)) / 0.001);
    }
}

/// The free controls of `p` (laid out as for `control_residuals`) clamped into their ranges
/// and rounded to their written decimals.
pub fn written(p: &[f64], offset: usize, slots: &[usize]) -> Vec<f64> {
    let mut out = p.to_vec();
    for (i, v) in out.iter_mut().enumerate().skip(offset) {
        let (_, decimals, (lo, hi), _) = FREE[slots[(i - offset) % slots.len()]];
        *v = crate::util::round_to(v.clamp(lo, hi), decimals);
    }
    out
}

/// A district's five free controls, in `FREE` order.
pub fn values(d: &District) -> [f64; 5] {
    [
        d.protection_pct,
        d.gdp,
        d.sv_per_100,
        d.dwellings,
        d.new_dwellings,
    ]
}

/// Writes a district's five free controls, in `FREE` order.
pub fn set_values(d: &mut District, v: [f64; 5]) {
    [
        d.protection_pct,
        d.gdp,
        d.sv_per_100,
        d.dwellings,
        d.new_dwellings,
    ] = v;
}

/// Which districts' controls a pass moves, and which of the five: parameter
/// `slots.len() * i + j` is control `slots[j]` of `districts[i]`.
struct Movable {
    districts: Vec<usize>,
    slots: Vec<usize>,
}

impl Movable {
    fn parameter(&self, k: usize, slot: usize) -> Option<usize> {
        let i = self.districts.iter().position(|&d| d == k)?;
        let j = self.slots.iter().position(|&s| s == slot)?;
        Some(self.slots.len() * i + j)
    }

    fn start(&self, ds: &[District]) -> Vec<f64> {
        let mut p = Vec::new();
        for &k in &self.districts {
            let v = values(&ds[k]);
            p.extend(self.slots.iter().map(|&s| v[s]));
        }
        p
    }
}

/// Reads a district column (2) regression of `outcome` and `comparison`: the free controls
/// take their values from `ds`, the `movable` ones as parameters, the rest as written.
fn read_district(
    b: &bundle::Bundle,
    outcome: Outcome,
    comparison: Comparison,
    ds: &[District],
    movable: &Movable,
) -> Result<Regression, String> {
    let spec = PanelSpec {
        outcome,
        comparison,
        level: Level::District,
        controls: ControlSelection::All,
        rules: b.manifest.rules.clone(),
    };
    let p = panel(b, &spec).map_err(|e| format!("{outcome} {comparison}: {e}"))?;
    regression(&p, &|unit, control, v| {
        let Some(s) = free_slot(control) else {
            return Ok(Cell::Fixed(v));
        };
        let k = ds
            .iter()
            .position(|d| d.id == unit)
            .ok_or_else(|| format!("panel unit {unit} is not in the frame"))?;
        Ok(match movable.parameter(k, s) {
            Some(i) => Cell::Free(i),
            None => Cell::Fixed(values(&ds[k])[s]),
        })
    })
}

/// The last stage, on the bundle `b` read back after every outcome's rounding to whole
/// persons: the BW districts' five synthetic controls against every printed column (2) of
/// Tab. 12–17, then the neighbouring districts' three against Tab. 12's (the BW pass moved
/// what they were shaped against). Moves the controls in `ds` (rounded as written); the
/// caller writes the districts table again.
pub fn shape(b: &bundle::Bundle, ds: &mut [District], log: &mut Vec<String>) -> Result<(), String> {
    let bw = Movable {
        districts: (0..ds.len()).filter(|&k| ds[k].is_bw()).collect(),
        slots: (0..5).collect(),
    };
    polish(b, ds, &bw, &COLUMNS, "BW districts", log)?;
    let neighbours = Movable {
        districts: (0..ds.len()).filter(|&k| !ds[k].is_bw()).collect(),
        slots: vec![0, 1, 2],
    };
    polish(
        b,
        ds,
        &neighbours,
        &COLUMNS[..1],
        "neighbouring districts",
        log,
    )
}

/// One pass of the last stage: moves the `movable` controls against `columns`.
fn polish(
    b: &bundle::Bundle,
    ds: &mut [District],
    movable: &Movable,
    columns: &'static [Column],
    who: &str,
    log: &mut Vec<String>,
) -> Result<(), String> {
    let mut targets = Vec::new();
    for column in columns {
        let total = read_district(b, column.outcome, column.comparison, ds, movable)?;
        let sv = match column.sv_only {
            Some(_) => Some(read_district(
                b,
                Outcome::EmploymentSv,
                column.comparison,
                ds,
                movable,
            )?),
            None => None,
        };
        targets.push(Target::new(column, total, sv, &[]));
    }
    let p0 = movable.start(ds);
    let slots = &movable.slots;
    let resid = |p: &[f64]| -> Vec<f64> {
        let mut r = Vec::with_capacity(2 * p.len() + 120);
        for t in &targets {
            t.residuals(p, &mut r);
        }
        control_residuals(p, &p0, 0, slots, &mut r);
        r
    };
    let cost = |p: &[f64]| resid(p).iter().map(|v| v * v).sum::<f64>();
    let p = levenberg_marquardt(&p0, &resid, &vec![1e-6; p0.len()], ITERATIONS);
    let out = written(&p, 0, slots);
    log.push(format!(
        "{who}' controls against the printed columns (2): cost {:.1} -> {:.1} (written {:.1})",
        cost(&p0),
        cost(&p),
        cost(&out)
    ));
    for (i, &k) in movable.districts.iter().enumerate() {
        let mut v = values(&ds[k]);
        for (j, &s) in slots.iter().enumerate() {
            v[s] = out[slots.len() * i + j];
        }
        set_values(&mut ds[k], v);
    }
    for t in &targets {
        log.push(format!(
            "  {} {}: {}",
            t.column.table,
            t.column.comparison,
            show(&t.regression.fit(&out))
        ));
    }
    Ok(())
}

/// Levenberg–Marquardt iterations of each pass of the last stage.
const ITERATIONS: usize = 1000;
