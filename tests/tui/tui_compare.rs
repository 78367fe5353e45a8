//! `wirkung NEW --compare OLD`: the Overview lists what changed (`x`), the same report as
//! `wirkung diff OLD NEW`.

use crate::common::{hand_dir, revised_hand_copy};

use crate::common_tui::app_for;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use wirkung::core::bundle;
use wirkung::tui::app::{Page, dispatch};
use wirkung::tui::msg::Msg;
use wirkung::tui::theme::Theme;
use wirkung::tui::{compare, view};

fn screen_text(app: &wirkung::tui::app::App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn x_shows_the_revised_month_of_the_newer_delivery() {
    let new_dir = revised_hand_copy();
    let old = bundle::load(&hand_dir()).unwrap();
    let new = bundle::load(new_dir.path()).unwrap();
    let lines = compare::changes(&old, &new);
    assert!(
        lines.iter().any(|l| l.contains("2019-09")),
        "the revised month is named: {lines:?}"
    );

    let mut app = app_for(new_dir.path(), Theme::mono());
    app.changes = Some(lines.clone());
    dispatch(&mut app, Msg::GoTo(Page::Overview));
    dispatch(&mut app, Msg::ToggleChanges);
    assert!(app.show_changes);
    let screen = screen_text(&app);
    assert!(
        screen.contains("Changes since the --compare bundle"),
        "{screen}"
    );
    assert!(screen.contains(lines[0].trim()), "{screen}");

    // Scrolling stops at the last line; Esc closes the list before it would quit.
    for _ in 0..lines.len() + 5 {
        dispatch(&mut app, Msg::CursorDown);
    }
    assert_eq!(app.cursor(Page::Overview), lines.len() - 1);
    dispatch(&mut app, Msg::Back);
    assert!(!app.show_changes && !app.should_quit);
}

#[test]
fn without_a_second_bundle_x_says_how_to_give_one() {
    let mut app = app_for(Path::new(&hand_dir()), Theme::mono());
    dispatch(&mut app, Msg::ToggleChanges);
    assert!(!app.show_changes);
    let status = app.status.clone().unwrap();
    assert!(status.contains("--compare"), "{status}");
}

/// At 80 columns the change view's widest line (the estimates' Δ columns) is cut at the
/// panel's edge; → scrolls it sideways until its last column shows, ← back.
#[test]
fn the_change_view_scrolls_sideways() {
    let new_dir = revised_hand_copy();
    let old = bundle::load(&hand_dir()).unwrap();
    let new = bundle::load(new_dir.path()).unwrap();
    let lines = compare::changes(&old, &new);
    let widest = lines
        .iter()
        .max_by_key(|l| l.trim_end().chars().count())
        .unwrap()
        .trim_end()
        .to_string();
    let width = widest.chars().count();
    assert!(
        width > 78,
        "a line wider than the 80-column panel: {lines:?}"
    );
    let tail: String = widest.chars().skip(width - 10).collect();

    let mut app = app_for(new_dir.path(), Theme::mono());
    app.changes = Some(lines.clone());
    dispatch(&mut app, Msg::GoTo(Page::Overview));
    dispatch(&mut app, Msg::ToggleChanges);
    let row = lines.iter().position(|l| l.trim_end() == widest).unwrap();
    for _ in 0..row {
        dispatch(&mut app, Msg::CursorDown);
    }
    let draw = |app: &wirkung::tui::app::App| {
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
        terminal.draw(|f| view::draw(app, f)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let before = draw(&app);
    assert!(!before.contains(&tail), "{before}");
    assert!(before.contains("← → col 1/"), "{before}");
    for _ in 0..(width / 8 + 1) {
        dispatch(&mut app, Msg::ScrollSideways(8));
    }
    let after = draw(&app);
    assert!(after.contains(&tail), "{tail}\n{after}");
    assert!(!after.contains("← → col 1/"), "{after}");
    for _ in 0..(width / 8 + 1) {
        dispatch(&mut app, Msg::ScrollSideways(-8));
    }
    assert_eq!(app.changes_offset, 0);
}
