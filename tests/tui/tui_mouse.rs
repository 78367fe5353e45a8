//! `--mouse`: the wheel moves the cursor of the page's list and a click on a tab opens its
//! page; without `--mouse` no mouse reporting is asked for, so text selection works.

use crate::common_tui::sample_app;
use crate::tui_tmux::Session;
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::core::view::Page;
use wirkung::tui::app::dispatch;
use wirkung::tui::msg::Msg;
use wirkung::tui::view::{mouse_msg, tab_at};

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

#[test]
fn a_click_on_a_tab_opens_its_page_at_every_width() {
    for width in [80u16, 100, 120] {
        // The tab row as drawn: find each page's number on it and click there.
        let app = sample_app();
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, 24)).unwrap();
        terminal
            .draw(|f| wirkung::tui::view::draw(&app, f))
            .unwrap();
        let row: String = (0..width)
            .map(|x| terminal.backend().buffer()[(x, 0)].symbol().to_string())
            .collect();
        for (i, page) in Page::ALL.iter().enumerate() {
            let digit = char::from(b'1' + i as u8);
            let x = row.chars().position(|c| c == digit).unwrap() as u16;
            assert_eq!(tab_at(app.page, width, x), Some(*page), "{width}: {row}");
        }
    }
}

#[test]
fn the_wheel_moves_the_list_and_a_click_changes_page() {
    let mut app = sample_app();
    dispatch(&mut app, Msg::GoTo(Page::StartTimes));
    let down = mouse_msg(&app, mouse(MouseEventKind::ScrollDown, 100, 10), 120, 40).unwrap();
    dispatch(&mut app, down);
    dispatch(&mut app, down);
    assert_eq!(app.cursor(Page::StartTimes), 2);
    let up = mouse_msg(&app, mouse(MouseEventKind::ScrollUp, 100, 10), 120, 40).unwrap();
    dispatch(&mut app, up);
    assert_eq!(app.cursor(Page::StartTimes), 1);
    let x = tab_at_page(&app, Page::Estimate, 120);
    let click = mouse_msg(
        &app,
        mouse(MouseEventKind::Down(MouseButton::Left), x, 0),
        120,
        40,
    );
    assert_eq!(click, Some(Msg::GoTo(Page::Estimate)));
    // A click in the body is no page change.
    assert_eq!(
        mouse_msg(
            &app,
            mouse(MouseEventKind::Down(MouseButton::Left), x, 5),
            120,
            40
        ),
        None
    );
}

fn tab_at_page(app: &wirkung::tui::app::App, page: Page, width: u16) -> u16 {
    (0..width)
        .find(|&x| tab_at(app.page, width, x) == Some(page))
        .unwrap()
}

/// In a real terminal: with `--mouse` a click on the Estimate tab opens it; without, the
/// dashboard asks for no mouse reporting.
#[test]
fn mouse_clicks_work_in_a_real_terminal_only_with_the_flag() {
    let Some(s) = Session::start() else { return };
    s.type_line(&format!(
        "{} {SAMPLE_BUNDLE} --mouse; echo MOUSE-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    s.wait_for("Tab. 11");
    let reporting = s.tmux(&[
        "display-message",
        "-p",
        "-t",
        &s_name(&s),
        "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}",
    ]);
    assert!(
        reporting.contains('1'),
        "mouse reporting is on: {reporting:?}"
    );
    s.keys(&["q"]);
    s.wait_for("MOUSE-EXIT-0");
    let after = s.tmux(&[
        "display-message",
        "-p",
        "-t",
        &s_name(&s),
        "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}",
    ]);
    assert!(
        !after.contains('1'),
        "mouse reporting is off after quitting: {after:?}"
    );

    s.type_line(&format!(
        "{} {SAMPLE_BUNDLE}; echo PLAIN-EXIT-$?",
        env!("CARGO_BIN_EXE_wirkung")
    ));
    s.wait_for("Tab. 11");
    let plain = s.tmux(&[
        "display-message",
        "-p",
        "-t",
        &s_name(&s),
        "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}",
    ]);
    assert!(
        !plain.contains('1'),
        "no mouse reporting without --mouse: {plain:?}"
    );
    s.keys(&["q"]);
    s.wait_for("PLAIN-EXIT-0");
}

fn s_name(s: &Session) -> String {
    s.name().to_string()
}
