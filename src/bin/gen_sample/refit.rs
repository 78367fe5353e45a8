//! Step 16's search (only with `--exchange`, once the exchange is written): every printed
//! figure of Tab. 11-17 at once, over every BW district's five controls, every district's
//! employment and SV employment rate change, Tab. 17's district housing changes and their
//! weights D.
//!
//! Steps 11-15 move the controls and the employment outcome with Tab. 17's outcome and
//! weights fixed, and stop one figure short (Tab. 17 (6)'s SV coefficient). In the model
//! (`scripts/missed_figures_reach.py`, part 6, and `scripts/refit_whole_persons.py`), the
//! calibrated state with one early-start exchange has a continuous point where all 235
//! figures it counts print a sixteenth of a margin inside their boxes, found by the elastic
//! search (`elastic`) from the design (`common_b`). This stage is that search on the bundle
//! as written, through the generator's own regressions of the panels the real pipeline
//! builds, with what the model left out: the exchange moves Tab. 13's SV-only coefficients
//! too, so SV employment moves and the five SV-only coefficients without controls and Tab.
//! 12's printed p-value are figures as well, and so are section 5's two capacity means, which
//! D moves (243 in all).
//!
//! Its third part (`route`) brings the point to whole persons and written decimals one kind
//! at a time, in the same model; `rounded` writes the result into the tables.

use crate::common_b;
use crate::district_controls::{COLUMNS, EMPLOYMENT_COLUMN_1, FREE, TAB_17_COLUMN_1};
use crate::elastic;
use crate::employment::SV_ONLY_P;
use crate::employment_counts::{TAB_11_CHANGE, TAB_11_END, tab_11_base};
use crate::housing_weights::{CAPACITY_MEANS, log_d_range, median_middle};
use crate::printed::{Cell, Column, Regression, district_panel, regression};
use crate::slp::{Figure, Kind, column_figures, column_values, in_print};
use crate::util::root_mean_square;
use std::collections::BTreeMap;
use wirkung::core::bundle::Bundle;
use wirkung::core::derive::Comparison;
use wirkung::core::derive::capacity::district_capacity_change;
use wirkung::core::derive::{ControlSelection, Outcome, Panel};

/// What an unknown of the search is, for one district.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum What {
    /// A control, by its slot in `district_controls::FREE` (BW districts only).
    Control(usize),
    /// The employment rate change (points).
    Rate,
    /// The SV employment rate change (points), which the SV-only twins see.
    SvRate,
    /// Tab. 17's housing change (points).
    Housing,
    /// The log factor on Tab. 17's weight D.
    D,
}

impl What {
    /// How far the unknown may move before that costs one prior, and its plausible range.
    /// Rates as the count stage, housing changes as the housing count stage; D's range here
    /// is a bound only, each district's own is `d_ranges`.
    fn prior(self) -> (f64, (f64, f64)) {
        match self {
            What::Control(s) => (FREE[s].3, FREE[s].2),
            What::Rate | What::SvRate => (0.5, (f64::NEG_INFINITY, f64::INFINITY)),
            What::Housing => (2.0, (f64::NEG_INFINITY, f64::INFINITY)),
            What::D => (0.1, (-0.5, 0.5)),
        }
    }

    fn label(self) -> &'static str {
        match self {
            What::Control(s) => FREE[s].0,
            What::Rate => "rate changes",
            What::SvRate => "SV rate changes",
            What::Housing => "housing changes",
            What::D => "log D",
        }
    }
}

/// The search's unknowns: per (district id, what) its index, start, prior and range.
#[derive(Default)]
struct Unknowns {
    index: BTreeMap<(String, What), usize>,
    p0: Vec<f64>,
    prior: Vec<f64>,
    range: Vec<(f64, f64)>,
    /// What the rounding to whole persons starts from: a rate's end-month value as written,
    /// D as written (0 for the rest).
    written: Vec<f64>,
}

impl Unknowns {
    /// The unknown (unit, what), added at `value` if it is new.
    fn cell(&mut self, unit: &str, what: What, value: f64, written: f64) -> usize {
        if let Some(&i) = self.index.get(&(unit.to_string(), what)) {
            return i;
        }
        let i = self.p0.len();
        let (prior, range) = what.prior();
        self.index.insert((unit.to_string(), what), i);
        self.p0.push(value);
        self.prior.push(prior);
        self.range.push(range);
        self.written.push(written);
        i
    }
}

/// How far each district's D can move as a log factor: D counts every funded municipality
/// that reports target persons, and only those without both housing waves can be resized
/// without moving an outcome (`housing_weights`, within 0.4-1.6 times their size); a district
/// whose municipalities all have both waves keeps its D.
pub fn d_ranges(b: &Bundle) -> BTreeMap<String, (f64, f64)> {
    let first = b.target_group.iter().map(|t| t.wave).min();
    let mut rows: BTreeMap<&str, Vec<&wirkung::core::bundle::TargetGroup>> = BTreeMap::new();
    for t in &b.target_group {
        rows.entry(t.municipality_id.as_str()).or_default().push(t);
    }
    let mut sums: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for m in b.municipalities.iter().filter(|m| m.funded) {
        let Some(r) = rows.get(m.municipality_id.as_str()) else {
            continue;
        };
        let base: f64 = r
            .iter()
            .filter(|t| Some(t.wave) == first)
            .filter_map(|t| t.target_persons)
            .sum::<i64>() as f64;
        let both = r.len() == 2 && r.iter().all(|t| t.housing_decentral.is_some());
        let e = sums.entry(m.district_id.clone()).or_default();
        e.0 += base;
        if !both {
            e.1 += base;
        }
    }
    // D moves as `housing_weights` lets it: within the free municipalities, and not
    // across the capacity median (the capacity change divides by D).
    let capacity: BTreeMap<String, f64> = district_capacity_change(b)
        .values
        .into_iter()
        .map(|m| (m.unit_id, m.value))
        .collect();
    let middle = median_middle(&capacity.values().copied().collect::<Vec<_>>());
    sums.into_iter()
        .map(|(d, (all, free))| {
            let share = if all > 0.0 { free / all } else { 0.0 };
            let range = log_d_range(share, capacity.get(&d).copied(), middle);
            (d, range)
        })
        .collect()
}

/// How far inside its box each figure is aimed (in margins; steps 14 and 15's share), and
/// the most steps the search takes (1,349 reached every figure for seed 2023).
const MARGINS: f64 = 1.0 / 16.0;
const STEPS: usize = 1500;

/// A printed column's regression on the unknowns, with its SV-only twin (SV employment
/// alone, with the column's controls) where the text prints one.
struct Fitted {
    column: &'static Column,
    regression: Regression,
    sv_only: Option<Regression>,
    /// Whether the text prints the twin's p-value (Tab. 12 (1)), which is then a figure too.
    sv_p: bool,
}

/// The p-value the text prints for Tab. 12's SV-only estimate without controls, to three
/// decimals (`employment::SV_ONLY_P`): as a figure, the band of |t| it takes on `df` degrees
/// of freedom.
fn p_band(df: f64) -> Figure {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let t = StudentsT::new(0.0, 1.0, df).expect("positive df");
    let at = |p: f64| t.inverse_cdf(1.0 - p / 2.0);
    Figure {
        lo: at(SV_ONLY_P + 0.0005),
        hi: at(SV_ONLY_P - 0.0005),
        kind: Kind::T,
        reachable: true,
    }
}

/// A panel's regression with its controls (BW districts'), outcome and, for Tab. 17, its
/// weights on the unknowns `u`; `moving`: which kind its outcome is, if it moves.
fn on_unknowns(u: &mut Unknowns, p: &Panel, moving: Option<What>) -> Result<Regression, String> {
    let bw = |unit: &str| unit.starts_with("08");
    let mut r = regression(p, &|_, _, v| Ok(Cell::Fixed(v)))?;
    // The BW districts' free controls as unknowns.
    for (c, column) in r.controls.iter_mut().enumerate() {
        let slot = FREE.iter().position(|f| f.0 == p.control_names[c]);
        for (row, cell) in p.rows.iter().zip(column.iter_mut()) {
            if let Some(s) = slot.filter(|_| bw(&row.unit_id)) {
                *cell = Cell::Free(u.cell(&row.unit_id, What::Control(s), row.controls[c], 0.0));
            }
        }
    }
    if let Some(what) = moving {
        r.y = p
            .rows
            .iter()
            .map(|row| {
                let i = u.cell(&row.unit_id, what, row.outcome_change(), row.outcome_end);
                Cell::Free(i)
            })
            .collect();
    }
    if moving == Some(What::Housing) {
        r.w_factor = p
            .rows
            .iter()
            .map(|row| Some(u.cell(&row.unit_id, What::D, 0.0, row.weight)))
            .collect();
    }
    Ok(r)
}

/// The figures' names, in the order `search` measures them.
fn labels(fitted: &[Fitted]) -> Vec<String> {
    let mut out = Vec::new();
    for f in fitted {
        let c = f.column;
        let name = format!(
            "{} {} ({})",
            c.table,
            c.comparison,
            if c.terms.len() > 2 { 2 } else { 1 }
        );
        for j in 0..c.terms.len() {
            for what in ["coefficient", "SE", "t"] {
                out.push(format!("{name} term {j} {what}"));
            }
        }
        out.push(format!("{name} R²"));
        if f.sv_only.is_some() {
            out.push(format!("{name} SV-only coefficient"));
            if f.sv_p {
                out.push(format!("{name} SV-only p-value (as |t|)"));
            }
        }
    }
    for group in ["BW", "neighbours"] {
        for what in ["Sep 2019", "change"] {
            out.push(format!("Tab. 11 {group} {what}"));
        }
    }
    for side in ["below", "above"] {
        out.push(format!("section 5 mean capacity change {side} the median"));
    }
    out
}

/// The figures of Tab. 11-17 on the unknowns, read from the bundle as written.
struct Model {
    u: Unknowns,
    figures: Vec<Figure>,
    fitted: Vec<Fitted>,
    /// Tab. 11's Dec 2017 group means.
    base: [f64; 2],
    /// The districts below and above the capacity median: each one's capacity change and
    /// its D unknown, if it has one.
    capacity: [Vec<(f64, Option<usize>)>; 2],
}

impl Model {
    /// Every figure's value at `p`, in the order of `figures`.
    fn measure(&self, p: &[f64]) -> Vec<f64> {
        let mut out = Vec::with_capacity(self.figures.len());
        let mut tab_12 = None;
        for f in &self.fitted {
            let fit = f.regression.fit(p);
            column_values(f.column, &fit, &mut out);
            if let Some(sv) = &f.sv_only {
                let fit = sv.fit(p);
                out.push(fit.coef[0]);
                if f.sv_p {
                    out.push((fit.coef[0] / fit.se[0]).abs());
                }
            }
            tab_12.get_or_insert(fit);
        }
        let fit = tab_12.expect("Tab. 12 (1) is the first column");
        let change = [fit.coef[0] + fit.coef[1], fit.coef[1]];
        for g in 0..2 {
            out.extend([self.base[g] + change[g], change[g]]);
        }
        for members in &self.capacity {
            let sum: f64 = members
                .iter()
                .map(|&(v, d)| d.map_or(v, |i| v * (-p[i]).exp()))
                .sum();
            out.push(sum / members.len() as f64);
        }
        out
    }

    /// The figures out of print at `v`, named, with their values.
    fn out_of_print(&self, v: &[f64]) -> Vec<String> {
        labels(&self.fitted)
            .into_iter()
            .zip(self.figures.iter().zip(v))
            .filter(|(_, (f, v))| !f.in_print(**v))
            .map(|(label, (_, v))| format!("{label} {v:.4}"))
            .collect()
    }
}

fn model(b: &Bundle) -> Result<Model, String> {
    let get = |outcome, comparison, controls| district_panel(b, outcome, comparison, controls);
    let mut u = Unknowns::default();
    let mut fitted = Vec::new();
    let mut figures = Vec::new();
    let mut tab_12_1 = None;
    // The SV-only twin of a column, on the SV rate changes and the column's controls, and
    // its figures (the treatment coefficient; Tab. 12 (1)'s p-value).
    let twin = |u: &mut Unknowns, c: &Column, controls: bool, figures: &mut Vec<Figure>| {
        let Some(want) = c.sv_only else {
            return Ok::<_, String>((None, false));
        };
        let selection = if controls {
            ControlSelection::All
        } else {
            ControlSelection::None
        };
        let sv = get(Outcome::EmploymentSv, c.comparison, selection)?;
        figures.push(Figure::plain(want, true));
        let p_printed = !controls && c.comparison == Comparison::BwVsNeighbours;
        if p_printed {
            figures.push(p_band((sv.rows.len() - 2) as f64));
        }
        Ok((Some(on_unknowns(u, &sv, Some(What::SvRate))?), p_printed))
    };
    for c in &EMPLOYMENT_COLUMN_1 {
        let p = get(Outcome::Employment, c.comparison, ControlSelection::None)?;
        figures.extend(column_figures(c, (p.rows.len() - 2) as f64, true));
        let regression = on_unknowns(&mut u, &p, Some(What::Rate))?;
        let (sv_only, sv_p) = twin(&mut u, c, false, &mut figures)?;
        fitted.push(Fitted {
            column: c,
            regression,
            sv_only,
            sv_p,
        });
        tab_12_1.get_or_insert(p);
    }
    for c in &COLUMNS {
        let outcome = c.outcome;
        let p = get(outcome, c.comparison, ControlSelection::All)?;
        figures.extend(column_figures(
            c,
            (p.rows.len() - c.terms.len()) as f64,
            true,
        ));
        let moving = match outcome {
            Outcome::Housing => What::Housing,
            _ => What::Rate,
        };
        let regression = on_unknowns(&mut u, &p, Some(moving))?;
        let (sv_only, sv_p) = twin(&mut u, c, true, &mut figures)?;
        fitted.push(Fitted {
            column: c,
            regression,
            sv_only,
            sv_p,
        });
    }
    for c in &TAB_17_COLUMN_1 {
        let p = get(Outcome::Housing, c.comparison, ControlSelection::None)?;
        figures.extend(column_figures(c, (p.rows.len() - 2) as f64, true));
        fitted.push(Fitted {
            column: c,
            regression: on_unknowns(&mut u, &p, Some(What::Housing))?,
            sv_only: None,
            sv_p: false,
        });
    }
    // Tab. 11 from Tab. 12 (1), as in the count stage: the groups' Dec 2017 means stay,
    // their Sep 2019 means are those plus the fitted changes.
    let base = tab_11_base(&tab_12_1.expect("Tab. 12 (1)"));
    for g in 0..2 {
        for want in [TAB_11_END[g], TAB_11_CHANGE[g]] {
            figures.push(Figure::plain(want, true));
        }
    }
    let ranges = d_ranges(b);
    for ((unit, what), &i) in &u.index {
        if *what == What::D {
            u.range[i] = ranges.get(unit).copied().unwrap_or((0.0, 0.0));
        }
    }
    let measures = district_capacity_change(b).values;
    let values: Vec<f64> = measures.iter().map(|m| m.value).collect();
    let median = wirkung::core::derive::median(&values).unwrap_or(f64::NAN);
    let mut capacity = [Vec::new(), Vec::new()];
    for m in &measures {
        let d = u.index.get(&(m.unit_id.clone(), What::D)).copied();
        capacity[usize::from(m.value > median)].push((m.value, d));
    }
    for want in CAPACITY_MEANS {
        figures.push(Figure {
            lo: want - 0.005,
            hi: want + 0.005,
            kind: Kind::Plain,
            reachable: true,
        });
    }
    Ok(Model {
        u,
        figures,
        fitted,
        base,
        capacity,
    })
}

/// How many of the figures print in the bundle `b` as written, and which do not.
pub fn count(b: &Bundle) -> Result<(usize, usize, Vec<String>), String> {
    let m = model(b)?;
    let v = m.measure(&m.u.p0);
    Ok((
        in_print(&m.figures, &v),
        m.figures.len(),
        m.out_of_print(&v),
    ))
}

/// The search on the bundle `b` as written, from the design's values `design` (controls
/// and D; the rest as written); its log line goes to `log`.
pub fn search(
    b: &Bundle,
    design: &BTreeMap<(String, common_b::Cell), f64>,
    log: &mut Vec<String>,
) -> Result<Rounded, String> {
    let m = model(b)?;
    let (u, figures) = (&m.u, &m.figures);
    let measure = |p: &[f64]| m.measure(p);
    let mut from = u.p0.clone();
    for ((unit, cell), &v) in design {
        let what = match *cell {
            common_b::Cell::Control(s) => What::Control(s),
            common_b::Cell::D => What::D,
        };
        if let Some(&i) = u.index.get(&(unit.clone(), what)) {
            from[i] = v;
        }
    }
    let start = in_print(figures, &measure(&u.p0));
    let designed = in_print(figures, &measure(&from));
    let found = elastic::search(
        &measure,
        figures,
        &vec![MARGINS; figures.len()],
        &from,
        &u.prior,
        &u.range,
        STEPS,
    );
    let out = m.out_of_print(&found.v);
    let moved = |what: fn(What) -> bool| -> f64 {
        let d: Vec<f64> = u
            .index
            .iter()
            .filter(|((_, w), _)| what(*w))
            .map(|(_, &i)| (found.p[i] - u.p0[i]) / u.prior[i])
            .collect();
        root_mean_square(&d)
    };
    let kinds: [(What, fn(What) -> bool); 5] = [
        (What::Control(0), |w| matches!(w, What::Control(_))),
        (What::Rate, |w| w == What::Rate),
        (What::SvRate, |w| w == What::SvRate),
        (What::Housing, |w| w == What::Housing),
        (What::D, |w| w == What::D),
    ];
    log.push(format!(
        "step 16's search over {} unknowns, every figure of Tab. 11-17 (the SV-only twins, Tab. 12's printed p-value and section 5's capacity means included) a sixteenth of a margin inside: {start} in print as written, {designed} from the design, {} of {} after ({} steps, summed distance outside {:.5}); moved by a root mean square (priors) of {}",
        u.p0.len(),
        in_print(figures, &found.v),
        figures.len(),
        found.steps,
        found.outside,
        kinds
            .iter()
            .map(|(w, is)| format!(
                "{:.2} ({})",
                moved(*is),
                if matches!(w, What::Control(_)) {
                    "controls"
                } else {
                    w.label()
                }
            ))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if !out.is_empty() {
        log.push(format!("  out of print: {}", out.join("; ")));
    }
    let (p, step) = route(b, u, figures, &labels(&m.fitted), &measure, found.p, log)?;
    Ok(rounded(u, &p, &step))
}

/// The point brought to whole persons, as the tables take it: per district id the employed
/// and SV employed persons to move at the end month, the decentrally housed persons to move
/// at the end wave, D's new value, and per (district id, slot of `FREE`) the new controls.
pub struct Rounded {
    pub employed: BTreeMap<String, i64>,
    pub sv_employed: BTreeMap<String, i64>,
    pub housed: BTreeMap<String, i64>,
    pub d: BTreeMap<String, i64>,
    pub controls: BTreeMap<(String, usize), f64>,
}

fn rounded(u: &Unknowns, p: &[f64], step: &[f64]) -> Rounded {
    let mut out = Rounded {
        employed: BTreeMap::new(),
        sv_employed: BTreeMap::new(),
        housed: BTreeMap::new(),
        d: BTreeMap::new(),
        controls: BTreeMap::new(),
    };
    for ((unit, what), &i) in &u.index {
        let persons = || ((p[i] - u.p0[i]) / step[i]).round() as i64;
        match *what {
            What::Rate => _ = out.employed.insert(unit.clone(), persons()),
            What::SvRate => _ = out.sv_employed.insert(unit.clone(), persons()),
            What::Housing => _ = out.housed.insert(unit.clone(), persons()),
            What::D => {
                _ = out
                    .d
                    .insert(unit.clone(), (u.written[i] * p[i].exp()).round() as i64)
            }
            What::Control(s) => _ = out.controls.insert((unit.clone(), s), p[i]),
        }
    }
    out
}

/// How many steps each search after a rounding takes at most (the model's).
const AGAIN: usize = 300;

/// Part 3 (in the search's model; `rounded` writes the result): the point brought to whole persons
/// and written decimals one kind at a time, each rounding followed by the search over the
/// kinds not yet rounded, those rounded held (`scripts/refit_whole_persons.py`'s route, with
/// SV employment added after the rates). First the figures that see the rate changes alone
/// (Tab. 11, the columns (1) of Tab. 12-16 and their SV-only twins) are pushed a full margin
/// inside: a sixteenth inside, rounding the rates took figures out that nothing else moves.
fn route(
    b: &Bundle,
    u: &Unknowns,
    figures: &[Figure],
    labels: &[String],
    measure: &(dyn Fn(&[f64]) -> Vec<f64> + Sync),
    p: Vec<f64>,
    log: &mut Vec<String>,
) -> Result<(Vec<f64>, Vec<f64>), String> {
    let n = u.p0.len();
    let mut kinds = vec![What::Rate; n];
    let mut units = vec![String::new(); n];
    for ((unit, what), &i) in &u.index {
        kinds[i] = *what;
        units[i] = unit.clone();
    }
    let step = spacings(b, u, &kinds, &units)?;
    let scales: Vec<f64> = labels
        .iter()
        .map(|l| {
            let alone = l.starts_with("Tab. 11")
                || (l.contains(" (1) ") && !l.starts_with("Tab. 17") && !l.contains("p-value"));
            if alone { 1.0 } else { MARGINS }
        })
        .collect();
    let again = |p: &[f64], held: &[bool]| -> Vec<f64> {
        let range: Vec<(f64, f64)> = (0..n)
            .map(|i| if held[i] { (p[i], p[i]) } else { u.range[i] })
            .collect();
        elastic::search(measure, figures, &scales, p, &u.prior, &range, AGAIN).p
    };
    let count = |p: &[f64]| in_print(figures, &measure(p));
    let outside = |p: &[f64]| elastic::summed_outside(figures, &scales, &measure(p));
    let mut held = vec![false; n];
    let mut p = again(&p, &held);
    let mut steps = vec![format!("columns (1) a margin inside {}", count(&p))];
    let kinds_in_order: [(&str, fn(What) -> bool); 5] = [
        ("rates", |w| w == What::Rate),
        ("SV rates", |w| w == What::SvRate),
        ("housing changes", |w| w == What::Housing),
        ("D", |w| w == What::D),
        ("controls", |w| matches!(w, What::Control(_))),
    ];
    for (name, is) in kinds_in_order {
        let mine: Vec<usize> = (0..n).filter(|&i| is(kinds[i])).collect();
        let whole = |i: usize, r: f64| u.p0[i] + r * step[i];
        match kinds[mine[0]] {
            What::Rate | What::SvRate => {
                to_whole_persons(&mut p, &mine, &u.p0, &step, &outside);
            }
            What::Housing => {
                for &i in &mine {
                    p[i] = whole(i, ((p[i] - u.p0[i]) / step[i]).round());
                }
            }
            What::D => {
                for &i in &mine {
                    let d = u.written[i];
                    p[i] = ((d * p[i].exp()).round() / d).ln();
                }
            }
            What::Control(_) => {
                for &i in &mine {
                    let What::Control(s) = kinds[i] else { continue };
                    p[i] = crate::util::round_to(p[i], FREE[s].1 + 3);
                }
            }
        }
        steps.push(format!("{name} rounded {}", count(&p)));
        for &i in &mine {
            held[i] = true;
        }
        if held.iter().any(|h| !h) {
            p = again(&p, &held);
            steps.push(format!("searched again {}", count(&p)));
        }
    }
    let v = measure(&p);
    let out: Vec<String> = labels
        .iter()
        .zip(figures.iter().zip(&v))
        .filter(|(_, (f, v))| !f.in_print(**v))
        .map(|(label, (_, v))| format!("{label} {v:.4}"))
        .collect();
    log.push(format!(
        "step 16's route to whole persons, in the search's model: {} of {}{}",
        steps.join(", "),
        figures.len(),
        if out.is_empty() {
            String::new()
        } else {
            format!("; out: {}", out.join("; "))
        }
    ));
    Ok((p, step))
}

/// Rounds the unknowns `mine` of `p` to whole persons, multiples of `step` away from `p0`:
/// coarsest first, each to the neighbouring whole person with the smaller summed distance
/// `outside`; then single persons while that sum falls.
fn to_whole_persons(
    p: &mut Vec<f64>,
    mine: &[usize],
    p0: &[f64],
    step: &[f64],
    outside: &dyn Fn(&[f64]) -> f64,
) {
    let mut order = mine.to_vec();
    order.sort_by(|&a, &c| step[c].total_cmp(&step[a]));
    for &i in &order {
        let k = (p[i] - p0[i]) / step[i];
        let mut best: Option<(f64, f64)> = None;
        for r in [k.floor(), k.ceil()] {
            let mut q = p.clone();
            q[i] = p0[i] + r * step[i];
            let o = outside(&q);
            if best.is_none_or(|(b, _)| o < b) {
                best = Some((o, q[i]));
            }
        }
        p[i] = best.expect("two options").1;
    }
    let mut best = outside(p);
    loop {
        let mut moved = false;
        for &i in &order {
            for sign in [1.0, -1.0] {
                let mut q = p.clone();
                q[i] += sign * step[i];
                let o = outside(&q);
                if o < best - 1e-12 {
                    (*p, best, moved) = (q, o, true);
                    break;
                }
            }
        }
        if !moved {
            break;
        }
    }
}

/// One whole person's move of each rate, SV rate and housing change (0 for the rest): a
/// rate's end-month value over the district's employed (or SV employed) persons that month;
/// 100 over the district's end-wave target persons in its funded municipalities with both
/// housing waves (the persons its housing change is a share of).
fn spacings(
    b: &Bundle,
    u: &Unknowns,
    kinds: &[What],
    units: &[String],
) -> Result<Vec<f64>, String> {
    let end = b
        .employment
        .iter()
        .map(|e| e.month)
        .max()
        .ok_or("employment: no rows")?;
    let employed: BTreeMap<&str, (i64, i64)> = b
        .employment
        .iter()
        .filter(|e| e.month == end)
        .map(|e| (e.district_id.as_str(), (e.employed_total, e.employed_sv)))
        .collect();
    let last_wave = b
        .target_group
        .iter()
        .map(|t| t.wave)
        .max()
        .ok_or("target_group: no rows")?;
    let mut waves: BTreeMap<&str, Vec<&wirkung::core::bundle::TargetGroup>> = BTreeMap::new();
    for t in &b.target_group {
        waves.entry(t.municipality_id.as_str()).or_default().push(t);
    }
    let mut pooled: BTreeMap<&str, i64> = BTreeMap::new();
    for m in b.municipalities.iter().filter(|m| m.funded) {
        let Some(rows) = waves.get(m.municipality_id.as_str()) else {
            continue;
        };
        if rows.len() != 2 || rows.iter().any(|t| t.housing_decentral.is_none()) {
            continue;
        }
        for t in rows.iter().filter(|t| t.wave == last_wave) {
            *pooled.entry(m.district_id.as_str()).or_default() += t.target_persons.unwrap_or(0);
        }
    }
    (0..u.p0.len())
        .map(|i| {
            let unit = units[i].as_str();
            let persons = |n: Option<i64>, what: &str| -> Result<f64, String> {
                match n {
                    Some(n) if n > 0 => Ok(n as f64),
                    _ => Err(format!(
                        "{unit}: no {what} to round its change to whole persons"
                    )),
                }
            };
            Ok(match kinds[i] {
                What::Rate => {
                    u.written[i] / persons(employed.get(unit).map(|e| e.0), "employed persons")?
                }
                What::SvRate => {
                    u.written[i] / persons(employed.get(unit).map(|e| e.1), "SV employed persons")?
                }
                What::Housing => {
                    100.0 / persons(pooled.get(unit).copied(), "end-wave target persons")?
                }
                _ => 0.0,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_persons_go_coarsest_first_to_the_nearer_box_then_single_steps_while_it_helps() {
        // Two rates from 0: a coarse one (a person moves it by 0.5) and a fine one (0.1);
        // the figure is their sum, printed where it lies in [1.0, 1.05].
        let outside = |q: &[f64]| {
            let s = q[0] + q[1];
            (1.0 - s).max(0.0) + (s - 1.05).max(0.0)
        };
        let (p0, step) = (vec![0.0, 0.0], vec![0.5, 0.1]);
        let mut p = vec![0.62, 0.33];
        to_whole_persons(&mut p, &[1, 0], &p0, &step, &outside);
        // The coarse one first: 0.5 (sum 0.83, 0.17 outside) beats 1.0 (sum 1.33, 0.28);
        // then the fine one: 0.4 (0.1 outside) beats 0.3 (0.2); then a single step of the
        // fine one to 0.5 brings the sum into the box, and no step improves on that.
        assert!(
            (p[0] - 0.5).abs() < 1e-12 && (p[1] - 0.5).abs() < 1e-12,
            "{p:?}"
        );
        assert!(outside(&p) < 1e-12);
        // Already whole and inside: nothing moves.
        let mut q = vec![1.0, 0.0];
        to_whole_persons(&mut q, &[0, 1], &p0, &step, &outside);
        assert_eq!(q, vec![1.0, 0.0]);
    }

    #[test]
    fn the_search_point_becomes_persons_d_and_controls() {
        let mut u = Unknowns::default();
        let rate = u.cell("08111", What::Rate, 1.0, 0.0);
        let sv = u.cell("08111", What::SvRate, 2.0, 0.0);
        let d = u.cell("08111", What::D, 0.0, 400.0);
        let control = u.cell("08111", What::Control(2), 50.0, 0.0);
        assert_eq!(
            u.cell("08111", What::Rate, 9.0, 0.0),
            rate,
            "one unknown per cell"
        );
        let mut p = u.p0.clone();
        p[rate] = 1.0 + 3.0 * 0.02;
        p[sv] = 2.0 - 2.0 * 0.05;
        p[d] = (410.0f64 / 400.0).ln();
        p[control] = 51.25;
        let mut step = vec![0.0; p.len()];
        (step[rate], step[sv]) = (0.02, 0.05);
        let r = rounded(&u, &p, &step);
        assert_eq!(r.employed["08111"], 3);
        assert_eq!(r.sv_employed["08111"], -2);
        assert_eq!(r.d["08111"], 410);
        assert_eq!(r.controls[&("08111".to_string(), 2)], 51.25);
        assert!(r.housed.is_empty());
    }
}
