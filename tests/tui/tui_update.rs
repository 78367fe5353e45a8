//! `update` driven directly, without a terminal: every choice re-estimates through core,
//! and the dashboard shows exactly what core (and the CLI) computes.

use crate::common_tui::{control_column, sample_app};
use wirkung::core::bundle::Level;
use wirkung::core::derive::{self, Comparison, ControlSelection, Outcome, PanelSpec};
use wirkung::core::estimate::{EstimateOptions, VarianceType, estimate_did};
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;

fn treated_with_controls(app: &App) -> f64 {
    let (_, e) = app
        .analysis
        .with_controls
        .as_ref()
        .expect("estimate with controls");
    e.fit.treated().expect("treated term").estimate
}

/// Moves the estimate page's cursor onto `column` and presses space.
fn toggle_control(app: &mut App, column: &str) {
    dispatch(app, Msg::GoTo(Page::Estimate));
    let pos = app
        .choices
        .available_controls(&app.bundle)
        .iter()
        .position(|c| c.column == column)
        .unwrap();
    for _ in 0..10 {
        dispatch(app, Msg::CursorUp);
    }
    for _ in 0..pos {
        dispatch(app, Msg::CursorDown);
    }
    dispatch(app, Msg::ToggleSelected);
}

fn all_but(app: &App, column: &str) -> Vec<String> {
    app.choices
        .available_controls(&app.bundle)
        .iter()
        .map(|c| c.column.clone())
        .filter(|c| c != column)
        .collect()
}

#[test]
fn switching_off_urban_shows_the_estimate_core_gives_without_it() {
    let mut app = sample_app();
    let urban = control_column(&app, "urban");
    let before = treated_with_controls(&app);
    toggle_control(&mut app, &urban);
    assert!(!app.choices.is_control_on(&app.bundle, &urban));

    let spec = PanelSpec {
        outcome: Outcome::Employment,
        comparison: Comparison::EarlyStart,
        level: Level::District,
        controls: ControlSelection::Named(all_but(&app, &urban)),
        rules: app.bundle.manifest.rules.clone(),
    };
    let panel = derive::panel(&app.bundle, &spec).unwrap();
    let expected = estimate_did(&panel, EstimateOptions::default()).unwrap();
    let (_, shown) = app.analysis.with_controls.as_ref().unwrap();
    assert_eq!(shown.fit.coefficients, expected.fit.coefficients);
    assert!(shown.fit.by_name(&urban).is_none());
    assert_ne!(
        treated_with_controls(&app),
        before,
        "dropping urban must move the estimate"
    );
}

#[test]
fn toggling_back_is_served_from_the_cache() {
    let mut app = sample_app();
    let urban = control_column(&app, "urban");
    let first = treated_with_controls(&app);
    let key = app.choices.clone();
    toggle_control(&mut app, &urban);
    let estimations = app.estimations();
    assert_ne!(app.choices, key);
    dispatch(&mut app, Msg::ToggleSelected);
    assert_eq!(app.choices, key);
    assert_eq!(
        app.estimations(),
        estimations,
        "toggling back must not re-estimate"
    );
    assert_eq!(treated_with_controls(&app), first);
}

#[test]
fn every_selector_changes_the_choices_and_the_estimate_follows() {
    let mut app = sample_app();
    let plain = |app: &App| {
        app.analysis
            .without_controls
            .as_ref()
            .unwrap()
            .1
            .fit
            .coefficients[0]
            .std_error
    };
    let se_hc1 = plain(&app);
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    dispatch(&mut app, Msg::CycleVariance);
    assert_eq!(app.choices.variance, VarianceType::Hc2);
    assert_ne!(plain(&app), se_hc1);

    dispatch(&mut app, Msg::ToggleWeighting);
    assert!(!app.choices.weighted);
    let (_, e) = app.analysis.without_controls.as_ref().unwrap();
    assert!(!e.options.weighted);

    dispatch(&mut app, Msg::CycleComparison);
    assert_eq!(app.choices.comparison, Comparison::Capacity);
    dispatch(&mut app, Msg::CycleOutcome);
    assert_eq!(app.choices.outcome, Outcome::EmploymentSv);
    let (panel, _) = app.analysis.without_controls.as_ref().unwrap();
    assert_eq!(panel.spec.comparison, Comparison::Capacity);
    assert_eq!(panel.spec.outcome, Outcome::EmploymentSv);
}

#[test]
fn unsupported_combinations_show_the_reason_instead_of_failing() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::CycleOutcome);
    dispatch(&mut app, Msg::CycleOutcome);
    assert_eq!(app.choices.outcome, Outcome::Housing);
    // Housing with early start is not supported (cli.md): the page shows core's message.
    let err = app.analysis.without_controls.as_ref().unwrap_err();
    assert!(err.to_string().contains("housing"), "{err}");
    dispatch(&mut app, Msg::CycleComparison);
    assert_eq!(app.choices.comparison, Comparison::Capacity);
    assert!(app.analysis.without_controls.is_ok());
}

#[test]
fn moving_the_cutoff_regroups_the_districts_and_re_estimates() {
    let mut app = sample_app();
    let early = |app: &App| app.start_times.districts.iter().filter(|d| d.early).count();
    let treated_n = |app: &App| app.analysis.without_controls.as_ref().unwrap().1.treated.n;
    let (early0, n0) = (early(&app), treated_n(&app));
    assert_eq!(early0, n0);
    // Eight weeks earlier: no more districts can be early, and the regression follows.
    for _ in 0..8 {
        dispatch(&mut app, Msg::MoveCutoff(-7));
    }
    assert_eq!(
        app.choices.cutoff,
        app.bundle.manifest.rules.early_cutoff - chrono::TimeDelta::days(56)
    );
    assert!(
        early(&app) < early0,
        "the sample has district starts in the eight weeks before the cutoff"
    );
    assert_eq!(treated_n(&app), early(&app));
    let marker = app.trends.as_ref().as_ref().unwrap().marker;
    assert_eq!(
        marker,
        wirkung::core::period::Month::of_date(app.choices.cutoff)
    );
}

#[test]
fn keys_move_between_pages_and_quit() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::PrevPage);
    assert_eq!(Some(&app.page), Page::ALL.last());
    dispatch(&mut app, Msg::NextPage);
    assert_eq!(app.page, Page::Overview);
    dispatch(&mut app, Msg::ToggleHelp);
    dispatch(&mut app, Msg::Back);
    assert!(!app.help && !app.should_quit);
    // Esc never quits: with nothing open it says how to.
    dispatch(&mut app, Msg::Back);
    assert!(!app.should_quit);
    assert_eq!(app.status.as_deref(), Some("nothing to close; q quits"));
    dispatch(&mut app, Msg::Quit);
    assert!(app.should_quit);
}

#[test]
fn remembered_choices_are_restored() {
    let mut app = sample_app();
    let urban = control_column(&app, "urban");
    toggle_control(&mut app, &urban);
    dispatch(&mut app, Msg::CycleComparison);
    dispatch(&mut app, Msg::MoveCutoff(7));
    let state = app.remembered();
    let bundle =
        wirkung::core::bundle::load(std::path::Path::new(wirkung::cli::SAMPLE_BUNDLE)).unwrap();
    let restored = App::new(bundle, app.bundle_path.clone(), app.theme, &state);
    assert_eq!(restored.choices, app.choices);
    assert_eq!(restored.page, Page::Estimate);
}

#[test]
fn the_estimate_matches_the_binary_json_output() {
    let mut app = sample_app();
    let urban = control_column(&app, "urban");
    toggle_control(&mut app, &urban);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wirkung"))
        .args([
            "estimate",
            wirkung::cli::SAMPLE_BUNDLE,
            "--outcome",
            "employment",
            "--comparison",
            "early-start",
        ])
        .args([
            "--controls",
            &all_but(&app, &urban).join(","),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let (_, shown) = app.analysis.with_controls.as_ref().unwrap();
    let coefficients = json["coefficients"].as_array().unwrap();
    assert_eq!(coefficients.len(), shown.fit.coefficients.len());
    for c in coefficients {
        let term = c["term"].as_str().unwrap();
        let ours = shown.fit.by_name(term).unwrap();
        assert!(
            (c["estimate"].as_f64().unwrap() - ours.estimate).abs() < 1e-9,
            "{term}"
        );
        assert!(
            (c["std_error"].as_f64().unwrap() - ours.std_error).abs() < 1e-9,
            "{term}"
        );
    }
    assert_eq!(json["n"].as_u64().unwrap() as usize, shown.fit.n);
}

/// The dashboard reuses the all-controls panel for subsets of the controls; for every
/// subset, comparison and level the sample supports, that must be exactly core's panel.
#[test]
fn control_subsets_give_exactly_the_panel_core_builds() {
    use wirkung::tui::analysis::{Choices, PanelPair};
    let app = sample_app();
    let mut checked = 0;
    for (outcome, comparison, level) in [
        (Outcome::Employment, Comparison::EarlyStart, Level::District),
        (
            Outcome::Employment,
            Comparison::BwVsNeighbours,
            Level::District,
        ),
        (Outcome::Housing, Comparison::Capacity, Level::District),
        (Outcome::Housing, Comparison::PlanB, Level::Municipality),
    ] {
        let choices = Choices {
            outcome,
            comparison,
            level,
            ..app.choices.clone()
        };
        let pair = PanelPair::compute(&app.bundle, &choices);
        if level == Level::District && outcome == Outcome::Employment {
            // The sample has every control value for districts: the shortcut is taken.
            assert!(pair.subsets_share_units(), "{comparison}");
        }
        let columns: Vec<String> = choices
            .available_controls(&app.bundle)
            .iter()
            .map(|c| c.column.clone())
            .collect();
        for mask in 0..(1u32 << columns.len()) {
            let subset: Vec<String> = columns
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(_, c)| c.clone())
                .collect();
            let selection = ControlSelection::Named(subset);
            let ours = pair.panel(&app.bundle, &choices, selection.clone());
            let spec = PanelSpec {
                outcome,
                comparison,
                level,
                controls: selection,
                rules: choices.rules(&app.bundle),
            };
            let core = derive::panel(&app.bundle, &spec);
            assert_eq!(ours, core, "{outcome} {comparison} {level:?} mask {mask:b}");
            checked += 1;
        }
    }
    assert!(checked >= 16 + 16 + 64 + 16);
}

#[test]
fn a_control_toggle_re_estimates_without_rebuilding_the_panel() {
    let mut app = sample_app();
    let urban = control_column(&app, "urban");
    let (builds, estimations) = (app.panel_builds(), app.estimations());
    toggle_control(&mut app, &urban);
    assert_eq!(app.estimations(), estimations + 1);
    assert_eq!(app.panel_builds(), builds);
    dispatch(&mut app, Msg::CycleComparison);
    assert_eq!(app.panel_builds(), builds + 1);
}

#[test]
fn page_keys_scroll_the_long_lists_within_bounds() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Topics));
    let n = app.topics.labour.items.len();
    for _ in 0..20 {
        dispatch(&mut app, Msg::PageDown);
    }
    assert_eq!(app.ranking_cursor, n - 1);
    assert_eq!(app.cursor(Page::Topics), 0, "the topic cursor stays");
    dispatch(&mut app, Msg::PageUp);
    assert_eq!(app.ranking_cursor, n - 11);
    dispatch(&mut app, Msg::SwitchRanking);
    assert_eq!(app.ranking_cursor, 0);
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    dispatch(&mut app, Msg::PageDown);
    assert_eq!(app.cursor(Page::StartTimes), 10);
}

/// The Staffing page ranks the units of the chosen level, as its export does, so `e` writes
/// the ranking on screen.
#[test]
fn staffing_ranking_follows_the_level() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Estimate));
    let districts = app.staffing.capacity.items.len();
    assert_eq!(app.staffing.capacity.column, "fte_change_per_100");
    dispatch(&mut app, Msg::CycleLevel);
    assert_eq!(app.choices.level, Level::Municipality);
    assert_eq!(app.staffing.capacity.column, "fte_change");
    assert!(app.staffing.capacity.items.len() > districts);
    dispatch(&mut app, Msg::GoTo(Page::Staffing));
    for _ in 0..3 {
        dispatch(&mut app, Msg::PageDown);
    }
    assert_eq!(app.cursor(Page::Staffing), 30);
}
