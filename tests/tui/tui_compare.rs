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
