//! The Robustness page on the shipped sample: snapshots at 120×40 and 80×24, a control
//! switched off changes its numbers to exactly what core::robust computes for that choice,
//! checks that do not apply say why, and results from the worker thread are never shown for
//! choices they were not computed for.

use crate::common_tui::{control_column, sample_app, snapshot_screen};
use wirkung::core::derive::{Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::robust::{self, RobustOptions};
use wirkung::core::robust::{Check, CheckResult, LeaveOneOut};
use wirkung::tui::app::{App, Page, collect_checks, dispatch};
use wirkung::tui::msg::Msg;
use wirkung::tui::robust_results::{RobustSuite, robust_key};

fn robustness_page() -> App {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    app
}

fn current(app: &App) -> &RobustSuite {
    app.robust
        .current(&robust_key(&app.choices))
        .expect("the checks for the current choices are shown")
}

fn loo(s: &RobustSuite) -> &LeaveOneOut {
    match s.get(Check::Loo) {
        Ok(CheckResult::Loo(r)) => r,
        other => panic!("leave-one-out: {other:?}"),
    }
}

fn ri_p(s: &RobustSuite) -> (f64, f64) {
    match s.get(Check::Ri) {
        Ok(CheckResult::Ri(r)) => (r.p_value, r.t),
        other => panic!("ri: {other:?}"),
    }
}

fn wild_p(s: &RobustSuite) -> f64 {
    match s.get(Check::Wild) {
        Ok(CheckResult::Wild(r)) => r.p_value,
        other => panic!("wild: {other:?}"),
    }
}

#[test]
fn page_at_120x40_and_80x24() {
    let app = robustness_page();
    insta::assert_snapshot!("robustness_120x40", snapshot_screen(&app, 120, 40));
    insta::assert_snapshot!("robustness_80x24", snapshot_screen(&app, 80, 24));
}

#[test]
fn cursor_explains_the_check_under_it() {
    let mut app = robustness_page();
    for _ in 0..4 {
        dispatch(&mut app, Msg::CursorDown);
    }
    let s = snapshot_screen(&app, 120, 40);
    insta::assert_snapshot!("robustness_loo_120x40", s);
    // The leave-one-out panel names the most influential districts.
    let loo = loo(current(&app));
    assert!(s.contains(&loo.most_influential[0].name));
}

/// The HonestDiD row under the cursor replaces the event-study plot by its intervals against
/// M̄, drawn from the row's view; a change of comparison redraws it for the new choices.
#[test]
fn the_honest_row_shows_its_intervals_against_the_bound() {
    let mut app = robustness_page();
    let honest = Check::ALL.iter().position(|&c| c == Check::Honest).unwrap();
    for _ in 0..honest {
        dispatch(&mut app, Msg::CursorDown);
    }
    let s = snapshot_screen(&app, 120, 40);
    insta::assert_snapshot!("robustness_honest_120x40", s);
    let chart = |app: &App| {
        let view = wirkung::core::view::robust::CheckView::new(
            Check::Honest,
            current(app).get(Check::Honest),
        );
        match view.shown.unwrap().chart {
            Some(wirkung::core::view::robust::CheckChart::Sensitivity(c)) => c,
            other => panic!("the honest check has a sensitivity chart, not {other:?}"),
        }
    };
    let c = chart(&app);
    assert!(
        s.contains("HonestDiD average: original 95%, then by M̄"),
        "{s}"
    );
    assert!(
        !s.contains("Event study"),
        "the honest plot replaces the event study"
    );
    assert_eq!(c.bars.len(), 9, "one bar per M̄ of the default grid");
    let breakdown = c.breakdown.map_or("none on the grid".to_string(), |b| {
        format!("breakdown M̄={}", wirkung::core::view::format::fixed(b, 2))
    });
    assert!(s.contains(&breakdown), "{breakdown}\n{s}");
    // Live: another comparison, the chart of its own suite.
    dispatch(&mut app, Msg::CycleComparison);
    collect_checks(&mut app);
    let other = chart(&app);
    assert_ne!(other.original, c.original);
    let s = snapshot_screen(&app, 120, 40);
    assert!(s.contains("HonestDiD average"), "{s}");
}

#[test]
fn unsupported_checks_say_why_instead_of_failing() {
    let mut app = robustness_page();
    // Housing has two survey waves: no event study, placebo or staggered adoption; by
    // capacity the cross-sectional checks still run.
    while app.choices.outcome != Outcome::Housing {
        dispatch(&mut app, Msg::CycleOutcome);
    }
    // By start date housing is not supported at all: one reason, said once.
    let s = snapshot_screen(&app, 120, 40);
    assert_eq!(
        s.matches("housing cannot be compared by start date")
            .count(),
        2,
        "{s}"
    );
    while app.choices.comparison != Comparison::Capacity {
        dispatch(&mut app, Msg::CycleComparison);
    }
    let suite = current(&app);
    for check in [Check::Ri, Check::Wild, Check::Loo, Check::Dose] {
        assert!(suite.get(check).is_ok(), "{check}");
    }
    let why = suite.event_study().expect_err("no event study for housing");
    assert!(why.to_string().contains("housing"), "{why}");
    assert!(suite.get(Check::Placebo).is_err() && suite.get(Check::Staggered).is_err());
    let s = snapshot_screen(&app, 120, 40);
    insta::assert_snapshot!("robustness_housing_120x40", s);
    assert!(s.contains("n/a: "));
    // Every comparison and outcome draws at both sizes without a panic.
    for _ in 0..3 {
        for _ in 0..Comparison::ALL.len() {
            dispatch(&mut app, Msg::CycleComparison);
            snapshot_screen(&app, 120, 40);
            snapshot_screen(&app, 80, 24);
        }
        dispatch(&mut app, Msg::CycleOutcome);
    }
}

/// The page's spec for `app` built independently of the dashboard: the sample's controls
/// for the outcome minus the switched-off ones, the cutoff as chosen.
fn spec_without(app: &App, off: &str) -> PanelSpec {
    let controls = app
        .choices
        .available_controls(&app.bundle)
        .iter()
        .map(|c| c.column.clone())
        .filter(|c| c != off)
        .collect();
    PanelSpec {
        outcome: app.choices.outcome,
        comparison: app.choices.comparison,
        level: app.choices.level,
        controls: ControlSelection::Named(controls),
        rules: app.bundle.manifest.rules.clone(),
    }
}

#[test]
fn toggling_a_control_changes_the_checks_to_what_core_computes() {
    let mut app = robustness_page();
    let before = loo(current(&app)).estimate;
    let before_ri = ri_p(current(&app)).0;
    // Switch off the first control on the Estimate page, then come back.
    let column = control_column(&app, "");
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    dispatch(&mut app, Msg::ToggleSelected);
    assert!(!app.choices.is_control_on(&app.bundle, &column));
    dispatch(&mut app, Msg::GoTo(Page::Robustness));

    let spec = spec_without(&app, &column);
    let options = RobustOptions::default();
    let core_loo = robust::leave_one_out(&app.bundle, &spec, &options).expect("core loo");
    let ri = robust::randomization_inference(&app.bundle, &spec, &options).expect("core ri");
    let wild = robust::wild_bootstrap(&app.bundle, &spec, &options).expect("core wild");
    let shown = current(&app);
    assert_ne!(
        core_loo.estimate, before,
        "the control matters for the estimate"
    );
    assert_eq!(loo(shown).estimate, core_loo.estimate);
    assert_eq!(loo(shown).min, core_loo.min);
    assert_eq!(ri_p(shown).0, ri.p_value);
    assert_eq!(wild_p(shown), wild.p_value);
    assert_ne!(ri_p(shown).1, before_ri);
    // The number is on the screen as the table formats it.
    let s = snapshot_screen(&app, 120, 40);
    assert!(
        s.contains(&format!("all 44 units: {:+.3}", core_loo.estimate)),
        "{s}"
    );

    // Switching it back is a cache hit: no new computation.
    let runs = app.check_runs();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    dispatch(&mut app, Msg::ToggleSelected);
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    assert_eq!(app.check_runs(), runs);
    assert_eq!(loo(current(&app)).estimate, before);
}

#[test]
fn changes_off_the_page_compute_nothing_until_it_is_shown() {
    let mut app = sample_app();
    assert_eq!(app.check_runs(), 0);
    dispatch(&mut app, Msg::CycleComparison);
    dispatch(&mut app, Msg::MoveCutoff(7));
    assert_eq!(app.check_runs(), 0);
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    assert_eq!(app.check_runs(), 1);
}

#[test]
fn background_results_are_shown_only_for_their_choices() {
    let mut app = sample_app();
    app.run_checks_in_background();
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    assert!(app.checks_running());
    assert!(snapshot_screen(&app, 120, 40).contains("Computing the checks"));
    // The user moves on before the first job ends: its result must not be shown as current.
    let first = robust_key(&app.choices);
    dispatch(&mut app, Msg::CycleComparison);
    let second = robust_key(&app.choices);
    assert_ne!(first, second);
    app.wait_for_checks();
    assert!(!app.checks_running());
    assert!(app.robust.current(&first).is_none());
    let suite = current(&app);
    let spec = PanelSpec {
        controls: ControlSelection::All,
        ..spec_without(&app, "")
    };
    let core_loo = robust::leave_one_out(&app.bundle, &spec, &RobustOptions::default()).unwrap();
    assert_eq!(loo(suite).estimate, core_loo.estimate);
    assert!(!collect_checks(&mut app), "nothing left to collect");
}

/// The Goodman-Bacon and synthetic DiD rows under the cursor draw their own charts (the
/// scatter with its marker key, BW against its synthetic control), and say which weighting
/// they show; `w` on the Estimate page switches both to the unweighted variant.
#[test]
fn bacon_and_sdid_rows_show_their_own_charts() {
    let mut app = robustness_page();
    let row = |c: Check| Check::ALL.iter().position(|&x| x == c).unwrap();
    for _ in 0..row(Check::Bacon) {
        dispatch(&mut app, Msg::CursorDown);
    }
    let s = snapshot_screen(&app, 120, 40);
    insta::assert_snapshot!("robustness_bacon_120x40", s);
    let Ok(CheckResult::Bacon(b)) = current(&app).get(Check::Bacon) else {
        panic!("the decomposition is computed on the page");
    };
    // The plot is narrow at 120 columns: the short key, with the weighting.
    assert!(s.contains("• never ▄ early █ late, weighted;"), "{s}");
    assert!(s.contains(&format!("TWFE {:.2}", b.twfe)), "{s}");
    assert!(
        !s.contains("Event study:"),
        "the scatter replaces the event study"
    );
    let small = snapshot_screen(&app, 80, 24);
    assert!(small.contains("TWFE"), "{small}");
    dispatch(&mut app, Msg::CursorDown);
    let s = snapshot_screen(&app, 120, 40);
    insta::assert_snapshot!("robustness_sdid_120x40", s);
    assert!(s.contains("BW vs synthetic control (weighted)"), "{s}");
    // Unweighted: both checks recompute and say so.
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    dispatch(&mut app, Msg::ToggleWeighting);
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    collect_checks(&mut app);
    let s = snapshot_screen(&app, 120, 40);
    assert!(s.contains("BW vs synthetic control (unweighted)"), "{s}");
    let Ok(CheckResult::Sdid(sd)) = current(&app).get(Check::Sdid) else {
        panic!("synthetic DiD is computed on the page");
    };
    assert!(!sd.weighted);
}
