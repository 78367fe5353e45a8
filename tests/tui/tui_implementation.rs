//! Page 8, Implementation: the exhibit under the cursor is drawn from the same model as
//! `wirkung exhibit`, and the page stays readable at 80×24 (snapshots with the cursor on the
//! chapter 4 table with its test; the first exhibit is in tui_snapshots).

use crate::common_tui::{sample_app, snapshot_screen};
use wirkung::core::exhibit;
use wirkung::core::view::implementation::PAGE_EXHIBITS;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::msg::Msg;

fn on(app: &mut App, id: &str) {
    dispatch(app, Msg::GoTo(Page::Implementation));
    let target = PAGE_EXHIBITS.iter().position(|(i, _)| *i == id).unwrap();
    while app.cursor(Page::Implementation) < target {
        dispatch(app, Msg::CursorDown);
    }
}

#[test]
fn tab9_with_its_test_at_both_sizes() {
    let mut app = sample_app();
    on(&mut app, "tab9");
    insta::assert_snapshot!("implementation_tab9_80x24", snapshot_screen(&app, 80, 24));
    insta::assert_snapshot!("implementation_tab9_120x40", snapshot_screen(&app, 120, 40));
}

#[test]
fn abb9_shows_the_same_numbers_as_the_cli_model() {
    let mut app = sample_app();
    on(&mut app, "abb9");
    let e = exhibit::build("abb9", &app.bundle, &app.choices).unwrap();
    let text = snapshot_screen(&app, 120, 40);
    for r in &e.rows {
        let share = format!("{:.1}", r.values[1].unwrap());
        let line = text
            .lines()
            .find(|l| l.contains(&r.label))
            .unwrap_or_else(|| panic!("{} not on screen\n{text}", r.label));
        assert!(line.contains(&share), "{} lacks {share}: {line}", r.label);
    }
}

#[test]
fn the_cursor_stops_at_the_last_exhibit() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::Implementation));
    for _ in 0..30 {
        dispatch(&mut app, Msg::CursorDown);
    }
    assert_eq!(app.cursor(Page::Implementation), PAGE_EXHIBITS.len() - 1);
    // Key 8 reaches the page.
    dispatch(&mut app, Msg::GoTo(Page::Overview));
    assert_eq!(Page::ALL[7], Page::Implementation);
}
