//! Bundles with errors open on the Overview with their findings listed; every page draws
//! at both supported sizes without panicking, whatever the data lack. A bundle that cannot
//! be read at all is an error before the terminal is touched (tested in tui_tmux.rs).

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use wirkung::core::derive::Comparison;
use wirkung::tui::app::{App, Page, dispatch};
use wirkung::tui::config::Remembered;
use wirkung::tui::msg::Msg;
use wirkung::tui::theme::Theme;
use wirkung::tui::view;

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn draw_every_page(app: &mut App) {
    for &page in Page::ALL {
        dispatch(app, Msg::GoTo(page));
        for (w, h) in [(80, 24), (120, 40)] {
            let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
            terminal.draw(|f| view::draw(app, f)).unwrap();
        }
    }
}

#[test]
fn bundles_with_errors_open_on_the_findings() {
    let mut opened = 0;
    for dir in fixtures("bad") {
        let Ok(bundle) = wirkung::core::bundle::load(&dir) else {
            continue;
        };
        let has_errors = bundle.findings.has_errors();
        let remembered = Remembered {
            page: Some(Page::Estimate.index()),
            ..Remembered::default()
        };
        let mut app = App::new(bundle, dir.clone(), Theme::mono(), &remembered);
        if has_errors {
            assert_eq!(app.page, Page::Overview, "{}", dir.display());
            assert!(app.show_findings, "{}", dir.display());
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            terminal.draw(|f| view::draw(&app, f)).unwrap();
            let screen = terminal.backend().to_string();
            assert!(
                screen.contains("Findings ("),
                "{}:\n{screen}",
                dir.display()
            );
            assert!(screen.contains("error"), "{}:\n{screen}", dir.display());
            opened += 1;
        }
        // Every choice on every page: nothing panics.
        for _ in 0..Comparison::ALL.len() {
            dispatch(&mut app, Msg::CycleComparison);
            draw_every_page(&mut app);
        }
        dispatch(&mut app, Msg::CycleOutcome);
        draw_every_page(&mut app);
    }
    assert!(
        opened >= 10,
        "only {opened} bad fixtures opened with errors"
    );
}

#[test]
fn the_small_fixtures_draw_every_page() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for dir in [root.join("valid"), root.join("hand")] {
        let bundle = wirkung::core::bundle::load(&dir).unwrap();
        let mut app = App::new(bundle, dir, Theme::sixteen(), &Remembered::default());
        draw_every_page(&mut app);
    }
}
