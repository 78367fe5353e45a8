//! The controls only the employment tables see, moved together with the employment outcome.
//!
//! A few BW districts enter Tab. 12–16 but no housing column (Tab. 17, and Tab. 18's district
//! columns that repeat it, count only districts with a housing count): their protection
//! seekers, GDP and SV employees reach the employment tables alone. The control stage
//! (`district_controls`) moves them with every other BW district towards the centres of all
//! printed columns, with the outcome fixed; the count stage (`employment_counts`) moves the
//! outcome with the controls fixed. Neither alone brings Tab. 13–15's SV-employee
//! coefficients below the 10% line the report prints them at (t 1.80–1.87 where it prints no
//! star; the count stage's continuous solve stopped at p 0.090–0.098), but the two moved
//! together can.
//!
//! So this stage, on the bundle as written, moves these districts' three controls and every
//! district's employment rate change at once, by sequential linear programming (`slp`) on
//! every figure of Tab. 11–16, in steps of a tenth of a prior (step 11, `Reach::Unseen`). A
//! trust-region least squares on the same figures (tried while building this stage) hardly
//! moved the controls.
//!
//! Run again with every BW district's five controls free and Tab. 17's columns with controls
//! held as well (step 12, `Reach::AllBw`), it brings the control coefficients of Tab. 17 that
//! the compromise with Tab. 13–16 left out of print into it, in much smaller steps.
//!
//! Run a third time on the neighbouring districts' three controls and their own rate changes
//! (step 13, `Reach::Neighbours`), it aims at Tab. 12 (2)'s GDP and SV-employee figures,
//! which only the neighbours can move; Tab. 13–17 do not see them.
//!
//! Run a fourth time like step 12 (step 14, `Reach::AllBwFine`), it aims at Tab. 13 (2)'s
//! GDP coefficient, which fits between its edge and Tab. 15 (2)'s only with every figure
//! held much nearer its edges than the other steps hold them
//! (`scripts/missed_figures_reach.py`); the controls it moves are written with three more
//! decimals, so that their rounding moves the figures less than that. The count stage's
//! rounding to whole persons still takes some figures out of print; run a fifth time with
//! the outcome held (step 15, `Reach::AllBwFineHeld`), the controls alone bring them back.
//!
//! Only the controls are written (to their decimals); the rate changes found are handed to the
//! count stage, run next on these controls, as one more start for its whole persons. The
//! caller keeps the controls only if the count stage then prints more (for step 12: more
//! together with Tab. 17's gain, `Moved::housing_gain`).

use crate::calibrate::FitStats;
use crate::district_controls::{COLUMNS, EMPLOYMENT_COLUMN_1, FREE, set_values, values};
use crate::employment_counts::{TAB_11_CHANGE, TAB_11_END, tab_11_base};
use crate::frame::District;
use crate::printed::{Cell, Column, Regression, district_panel, regression};
use crate::slp::{
    Figure, Holds, MARGIN_T, Plan, Trust, column_figures, column_values, in_print, lost, search,
};
use crate::util::root_mean_square;
use std::collections::{BTreeSet, HashMap};
use wirkung::core::bundle::Bundle;
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, Panel};

/// Which districts' controls the stage moves, and against which figures.
#[derive(Clone, Copy, PartialEq)]
pub enum Reach {
    /// The BW districts no housing column sees, their protection seekers, GDP and SV
    /// employees (slots of `district_controls::FREE`; the two dwelling controls enter Tab. 17
    /// only), against Tab. 11–16 (step 11).
    Unseen,
    /// Every BW district's five controls, against Tab. 11–16 and Tab. 17's columns with
    /// controls, whose outcome stays (step 12). These figures sit on their boxes' edges, so
    /// the steps are small and a step that takes one out of print is undone
    /// (`scripts/tab17_joint_slp.py` is the prototype). Figures in print are held hard: since
    /// Tab. 17's weights are shaped (`housing_weights`), held softly the search lost 3 and 6
    /// figures in two generator runs, and the stage was not kept (0 lost and 4 gained, hard).
    AllBw,
    /// The neighbouring districts' three controls and their own rate changes, against Tab.
    /// 11–16 (step 13). They enter Tab. 11 and 12 only, so every other table stays as it is;
    /// Tab. 12 (2)'s GDP and SV-employee figures are aimed at here alone. Their printed SEs
    /// (0.0 and 0.1 for 201 districts, about what the 44 BW districts give alone) say the
    /// neighbours' two controls are nearly linear in their others, far from where the control
    /// polish left them, so the region is wide (half a prior); with the outcome fixed the
    /// search stalls on Tab. 12 (2)'s R² (0.30 where GDP's coefficient prints), and the
    /// neighbours' rate changes, which Tab. 11 and 12 (1) see through two group means, give it
    /// room. GDP's t starts hundreds of margins from its band, so figures in print are held
    /// hard (`Holds::Hard`; `scripts/tab12_neighbours_slp.py` is the prototype).
    Neighbours,
    /// Step 12 again after step 13, aiming at what is left of Tab. 11–16 (Tab. 13 (2)'s GDP
    /// coefficient) with every figure held a sixteenth of the margins inside its box (`slp`'s
    /// margins are what the rounding to three decimals needs; a full margin inside, the
    /// coefficient and Tab. 15 (2)'s do not fit between their edges). Tab. 17 is held, not
    /// aimed at: aimed at too, its SV coefficient kept the search from reaching either
    /// (tried in a generator run while building this step). The controls it moves are written
    /// with three more decimals (`extra_decimals`).
    AllBwFine,
    /// `AllBwFine` again with the employment outcome held as written (step 15): rounded to
    /// whole persons, step 14's solve takes figures held that near their edges out of print
    /// (8 of 134 for seed 2023, 4 left after the count stage's descent), which the controls
    /// alone bring back in a few steps. Alone, without step 14, they do not reach Tab. 13
    /// (2)'s GDP coefficient (tried in a generator run: no step kept).
    AllBwFineHeld,
}

impl Reach {
    fn slots(self) -> &'static [usize] {
        match self {
            Reach::Unseen => &[0, 1, 2],
            Reach::AllBw | Reach::AllBwFine | Reach::AllBwFineHeld => &[0, 1, 2, 3, 4],
            Reach::Neighbours => &[0, 1, 2],
        }
    }

    /// How the sequential linear programme runs: its steps, trust region (in priors), how
    /// the figures in print are held, and the share of the margins it holds them inside.
    fn plan(self) -> Plan {
        let (steps, trust, holds, margins) = match self {
            Reach::Unseen => (30, Trust::Fixed(0.1), Holds::Soft, 1.0),
            Reach::AllBw => (200, Trust::Halving(0.02), Holds::Hard, 1.0),
            Reach::Neighbours => (200, Trust::Halving(0.5), Holds::Hard, 1.0),
            // In the prototype the coefficient printed after about 560 steps.
            Reach::AllBwFine => (1000, Trust::Halving(0.02), Holds::Hard, FINE_MARGINS),
            Reach::AllBwFineHeld => (300, Trust::Halving(0.02), Holds::Hard, FINE_MARGINS),
        };
        Plan {
            steps,
            trust,
            holds,
            margins,
        }
    }

    /// Decimals written beyond each control's own (`district_controls::FREE`): rounded to
    /// those, figures held a sixteenth of a margin inside their boxes moved out (16 of 214 in
    /// the prototype); three more kept them.
    fn extra_decimals(self) -> i32 {
        if self.fine() { 3 } else { 0 }
    }

    /// Whether the reach holds its figures `FINE_MARGINS` inside their boxes (steps 14, 15).
    fn fine(self) -> bool {
        matches!(self, Reach::AllBwFine | Reach::AllBwFineHeld)
    }

    /// How far inside its star band a |t| must lie for the count stage that follows to count
    /// it in print (`printed::T_EDGE`): the fine reaches hold every |t| `FINE_MARGINS` of
    /// slp's margin inside (a factor of 1.000625), and count it in print at half that.
    pub fn count_t_edge(self) -> f64 {
        if self.fine() {
            1.0 + MARGIN_T * FINE_MARGINS / 2.0
        } else {
            crate::printed::T_EDGE
        }
    }

    /// Steps of the settling search that follows, if any. Step 12's best point has figures
    /// just inside their edges, which the rounding of the controls to their written decimals
    /// pushed out (four figures lost in the first version, which had no such search).
    fn settle(self) -> Option<usize> {
        match self {
            // A full margin inside is what this step cannot have.
            Reach::Unseen | Reach::AllBwFine | Reach::AllBwFineHeld => None,
            Reach::AllBw | Reach::Neighbours => Some(50),
        }
    }

    /// Whether Tab. 17's columns with controls are among the figures (they see the
    /// controls of every district with a housing count, which only the reaches over all BW
    /// districts move).
    pub fn holds_tab_17(self) -> bool {
        matches!(self, Reach::AllBw | Reach::AllBwFine | Reach::AllBwFineHeld)
    }

    /// Whether Tab. 17's figures out of print are aimed at, where it is held.
    fn aims_tab_17(self) -> bool {
        self == Reach::AllBw
    }

    /// Whether a district (in BW or not, with a housing count or not) is among those whose
    /// controls move.
    fn frees(self, bw: bool, in_housing: bool) -> bool {
        match self {
            Reach::Unseen => bw && !in_housing,
            Reach::AllBw | Reach::AllBwFine | Reach::AllBwFineHeld => bw,
            Reach::Neighbours => !bw,
        }
    }

    /// Whether every district's rate change moves, or only those of the districts whose
    /// controls move (the neighbours': the BW districts' outcome serves Tab. 13–17 too).
    fn moves_rates(self) -> bool {
        self != Reach::AllBwFineHeld
    }

    fn all_rates(self) -> bool {
        self != Reach::Neighbours
    }

    /// Whether Tab. 12 (2)'s figures out of print are aimed at: they hinge on the
    /// neighbours' controls, which only `Neighbours` moves (in print, every reach holds them).
    fn aims_tab_12_controls(self) -> bool {
        self == Reach::Neighbours
    }

    /// The districts and tables, as the log names them.
    fn described(self) -> (&'static str, &'static str) {
        match self {
            Reach::Unseen => ("BW districts no housing column sees", "of Tab. 11-16"),
            Reach::AllBw => ("BW districts (all)", "of Tab. 11-17"),
            Reach::AllBwFine => (
                "BW districts (all), a sixteenth of a margin inside",
                "of Tab. 11-17",
            ),
            Reach::AllBwFineHeld => (
                "BW districts (all), a sixteenth of a margin inside, outcome held",
                "of Tab. 11-17",
            ),
            Reach::Neighbours => ("neighbouring districts", "of Tab. 11-16"),
        }
    }
}

/// The share of `slp`'s margins the fine reaches (steps 14 and 15) hold figures inside.
const FINE_MARGINS: f64 = 1.0 / 16.0;

/// What a stage that moved the controls hands on: the rate changes solved (per district id),
/// for the count stage to start from, and how many more figures of Tab. 17 print.
pub struct Moved {
    pub rates: HashMap<String, f64>,
    pub housing_gain: usize,
}

/// How far (percentage points) a district's rate change may move before that costs as much
/// as a control moving by its prior (`FREE`); as in the count stage.
const RATE_PRIOR: f64 = 0.5;

/// A printed column's regression on the stage's parameters, with its SV-only twin (whose
/// outcome stays; its controls move) where the report prints one with controls.
struct Fitted {
    column: &'static Column,
    regression: Regression,
    sv_only: Option<Regression>,
}

/// The stage on the bundle `b` as written: moves the controls `reach` names, in `ds` (rounded
/// as written), if more figures print at the solve with the controls as written, none lost;
/// then returns what the count stage starts from.
pub fn shape(
    b: &Bundle,
    ds: &mut [District],
    reach: Reach,
    log: &mut Vec<String>,
) -> Result<Option<Moved>, String> {
    let slots = reach.slots();
    let get = |outcome, comparison, controls| district_panel(b, outcome, comparison, controls);
    // Tab. 17's columns with controls, and the districts they see.
    let mut housing_panels = Vec::new();
    let mut housing = BTreeSet::new();
    for c in &COLUMNS[5..] {
        let p = get(Outcome::Housing, c.comparison, ControlSelection::All)?;
        housing.extend(p.rows.iter().map(|r| r.unit_id.clone()));
        housing_panels.push((c, p));
    }
    let mut panels: Vec<(&'static Column, Panel, Option<Panel>)> = Vec::new();
    for c in &EMPLOYMENT_COLUMN_1 {
        panels.push((
            c,
            get(Outcome::Employment, c.comparison, ControlSelection::None)?,
            None,
        ));
    }
    for c in &COLUMNS[..5] {
        let sv = match c.sv_only {
            Some(_) => Some(get(
                Outcome::EmploymentSv,
                c.comparison,
                ControlSelection::All,
            )?),
            None => None,
        };
        panels.push((
            c,
            get(Outcome::Employment, c.comparison, ControlSelection::All)?,
            sv,
        ));
    }

    // Parameters: the free districts' controls, then every district's rate change.
    let free: Vec<usize> = (0..ds.len())
        .filter(|&k| reach.frees(ds[k].is_bw(), housing.contains(&ds[k].id)))
        .filter(|&k| {
            panels
                .iter()
                .any(|(_, p, _)| p.rows.iter().any(|r| r.unit_id == ds[k].id))
        })
        .collect();
    let mut p0: Vec<f64> = Vec::new();
    let mut prior: Vec<f64> = Vec::new();
    let mut range: Vec<(f64, f64)> = Vec::new();
    let mut control_param: HashMap<(&str, usize), usize> = HashMap::new();
    for &k in &free {
        let v = values(&ds[k]);
        for &s in slots {
            control_param.insert((ds[k].id.as_str(), s), p0.len());
            p0.push(v[s]);
            prior.push(FREE[s].3);
            range.push(FREE[s].2);
        }
    }
    let controls = p0.len();
    let mut rate_param: HashMap<String, usize> = HashMap::new();
    let free_ids: BTreeSet<&str> = free.iter().map(|&k| ds[k].id.as_str()).collect();
    for row in panels.iter().flat_map(|(_, p, _)| &p.rows) {
        let moves =
            reach.moves_rates() && (reach.all_rates() || free_ids.contains(row.unit_id.as_str()));
        if moves && !rate_param.contains_key(&row.unit_id) {
            rate_param.insert(row.unit_id.clone(), p0.len());
            p0.push(row.outcome_change());
            prior.push(RATE_PRIOR);
            range.push((f64::NEG_INFINITY, f64::INFINITY));
        }
    }
    let to_regression = |p: &Panel, rate_free: bool| -> Result<Regression, String> {
        let mut r = regression(p, &|unit, control, v| {
            let slot = FREE.iter().position(|f| f.0 == control);
            Ok(match slot.and_then(|s| control_param.get(&(unit, s))) {
                Some(&i) => Cell::Free(i),
                None => Cell::Fixed(v),
            })
        })?;
        if rate_free {
            r.y = p
                .rows
                .iter()
                .map(|row| match rate_param.get(&row.unit_id) {
                    Some(&i) => Cell::Free(i),
                    None => Cell::Fixed(row.outcome_change()),
                })
                .collect();
        }
        Ok(r)
    };
    let mut fitted = Vec::new();
    let mut figures = Vec::new();
    for (c, p, sv) in &panels {
        let df = (p.rows.len() - c.terms.len()) as f64;
        let tab_12_2 = c.comparison == Comparison::BwVsNeighbours && c.terms.len() > 2;
        let reachable = !tab_12_2 || reach.aims_tab_12_controls();
        figures.extend(column_figures(c, df, reachable));
        if let Some(want) = c.sv_only
            && sv.is_some()
        {
            figures.push(Figure::plain(want, true));
        }
        fitted.push(Fitted {
            column: c,
            regression: to_regression(p, true)?,
            sv_only: sv.as_ref().map(|s| to_regression(s, false)).transpose()?,
        });
    }
    let housing_figures = figures.len();
    if reach.holds_tab_17() {
        for (c, p) in &housing_panels {
            figures.extend(column_figures(
                c,
                (p.rows.len() - c.terms.len()) as f64,
                reach.aims_tab_17(),
            ));
            fitted.push(Fitted {
                column: c,
                regression: to_regression(p, false)?,
                sv_only: None,
            });
        }
    }
    let housing_figures = housing_figures..figures.len();
    // Tab. 11 from Tab. 12 (1) (the first column), as in the count stage: the groups' Dec
    // 2017 means stay, their Sep 2019 means are those plus the fitted changes.
    let base = tab_11_base(&panels[0].1);
    for g in 0..2 {
        for want in [TAB_11_END[g], TAB_11_CHANGE[g]] {
            figures.push(Figure::plain(want, true));
        }
    }

    // Every figure's value at `p`, in the order of `figures`.
    let measure = |p: &[f64]| -> Vec<f64> {
        let mut out = Vec::with_capacity(figures.len());
        let mut tab_12_fit: Option<FitStats> = None;
        for f in &fitted {
            let fit = f.regression.fit(p);
            column_values(f.column, &fit, &mut out);
            if let Some(sv) = &f.sv_only {
                out.push(sv.fit(p).coef[0]);
            }
            tab_12_fit.get_or_insert(fit);
        }
        let fit = tab_12_fit.expect("Tab. 12 (1) is the first column");
        let change = [fit.coef[0] + fit.coef[1], fit.coef[1]];
        for g in 0..2 {
            out.extend([base[g] + change[g], change[g]]);
        }
        out
    };
    let plan = reach.plan();
    let mut found = search(&measure, &figures, &p0, &prior, &range, plan);
    if let Some(settle_steps) = reach.settle() {
        // A second search from the best point aims at nothing and pulls every figure in
        // print inside its margin, so the rounding to the written decimals keeps them.
        let held: Vec<Figure> = figures
            .iter()
            .map(|f| Figure {
                reachable: false,
                ..*f
            })
            .collect();
        let settled = search(
            &measure,
            &held,
            &found.p,
            &prior,
            &range,
            Plan {
                steps: settle_steps,
                ..plan
            },
        );
        found.p = settled.p;
    }
    let (start_print, kept) = (found.start, found.kept);

    // The controls as written (rounded to their decimals), with the rate changes solved.
    let mut solved = found.p;
    for (i, v) in solved.iter_mut().enumerate().take(controls) {
        let (_, decimals, (lo, hi), _) = FREE[slots[i % slots.len()]];
        *v = crate::util::round_to(v.clamp(lo, hi), decimals + reach.extra_decimals());
    }
    let end = measure(&solved);
    let end_print = in_print(&figures, &end);
    let lost = lost(&figures, &kept, &end);
    let moved = end_print > start_print && lost == 0;
    let rms = |slot: usize| -> f64 {
        let d: Vec<f64> = (0..controls)
            .filter(|i| slots[i % slots.len()] == slot)
            .map(|i| solved[i] - p0[i])
            .collect();
        root_mean_square(&d)
    };
    let rates: Vec<f64> = (controls..p0.len()).map(|i| solved[i] - p0[i]).collect();
    let housing_print = |v: &[f64]| {
        in_print(
            &figures[housing_figures.clone()],
            &v[housing_figures.clone()],
        )
    };
    // Tab. 17's figures depend on the controls alone; a stage that loses any figure is not
    // kept (below), so the count can only have grown when it is used.
    let housing_gain = housing_print(&end).saturating_sub(housing_print(&measure(&p0)));
    log.push(format!(
        "controls of the {} {}, with the employment rate changes: figures {} in print {start_print} -> {end_print} of {} ({lost} lost; {} steps), controls moved by a root mean square of {:.2} points, {:.0} EUR, {:.1} per 100{}; rate changes by {:.2} points; {}",
        free.len(),
        reach.described().0,
        reach.described().1,
        figures.len(),
        found.steps,
        rms(0),
        rms(1) * 1000.0,
        rms(2),
        if slots.len() > 3 {
            format!(", dwellings {:.2} and new dwellings {:.3} per 100", rms(3), rms(4))
        } else {
            String::new()
        },
        root_mean_square(&rates),
        if moved { "controls kept" } else { "not kept" }
    ));
    if !moved {
        return Ok(None);
    }
    for (i, &k) in free.iter().enumerate() {
        let mut v = values(&ds[k]);
        for (j, &s) in slots.iter().enumerate() {
            v[s] = solved[slots.len() * i + j];
        }
        set_values(&mut ds[k], v);
    }
    Ok(Some(Moved {
        rates: rate_param
            .into_iter()
            .map(|(id, i)| (id, solved[i]))
            .collect(),
        housing_gain,
    }))
}
