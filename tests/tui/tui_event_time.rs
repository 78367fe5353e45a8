//! The Robustness page's event-time view (`t`): snapshots at 120×40 and 80×24, estimators
//! hidden and shown again with space, and the numbers it lists are the checks' own.

use crate::common_tui::{sample_app, snapshot_screen};
use wirkung::core::robust::{Check, CheckResult};
use wirkung::core::view::event_time::Estimator;
use wirkung::core::view::format::signed;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;
use wirkung::tui::robust_results::robust_key;

fn event_time_view() -> App {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Robustness));
    dispatch(&mut app, Msg::ToggleEventTimeView);
    app
}

#[test]
fn event_time_view_at_120x40_and_80x24() {
    let app = event_time_view();
    insta::assert_snapshot!("event_time_120x40", snapshot_screen(&app, 120, 40));
    insta::assert_snapshot!("event_time_80x24", snapshot_screen(&app, 80, 24));
}

#[test]
fn the_table_lists_each_estimators_overall_att_as_computed() {
    let app = event_time_view();
    let suite = app.robust.current(&robust_key(&app.choices)).unwrap();
    let Ok(CheckResult::SunAbraham(sa)) = suite.get(Check::SunAbraham) else {
        panic!("Sun-Abraham computed");
    };
    let Ok(CheckResult::TwoStage(two)) = suite.get(Check::TwoStage) else {
        panic!("two-stage computed");
    };
    let s = snapshot_screen(&app, 120, 40);
    for number in [
        signed(sa.overall.estimate, 3),
        signed(sa.twfe.overall.estimate, 3),
        signed(two.overall.estimate, 3),
    ] {
        assert!(s.contains(&number), "{number} not on\n{s}");
    }
    assert!(s.contains("weighted by persons"));
}

#[test]
fn space_hides_and_shows_the_estimator_under_the_cursor() {
    let mut app = event_time_view();
    let before = snapshot_screen(&app, 120, 40);
    assert!(before.contains("[x] o TWFE"));
    dispatch(&mut app, Msg::ToggleSelected);
    assert_eq!(app.estimators(), &Estimator::ALL[1..]);
    let hidden = snapshot_screen(&app, 120, 40);
    assert!(hidden.contains("[ ] o TWFE"));
    assert_ne!(before, hidden);
    dispatch(&mut app, Msg::CursorDown);
    dispatch(&mut app, Msg::ToggleSelected);
    assert_eq!(app.estimators(), &Estimator::ALL[2..]);
    dispatch(&mut app, Msg::CursorUp);
    dispatch(&mut app, Msg::ToggleSelected);
    assert_eq!(
        app.estimators(),
        &[
            Estimator::Twfe,
            Estimator::SunAbraham,
            Estimator::Imputation
        ]
    );
    // g returns to the checks table.
    dispatch(&mut app, Msg::ToggleEventTimeView);
    assert!(snapshot_screen(&app, 120, 40).contains("Sun-Abraham"));
}
