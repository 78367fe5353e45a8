//! Shared set-up of the dashboard tests: the shipped sample opened with default choices.
#![allow(dead_code)]

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::{Path, PathBuf};
use wirkung::cli::SAMPLE_BUNDLE;
use wirkung::tui::app::App;
use wirkung::tui::config::Remembered;
use wirkung::tui::theme::Theme;
use wirkung::tui::view;

/// The sample as shown in the dashboard; the path is relative so that snapshots do not
/// depend on where the repository is checked out.
pub fn sample_app() -> App {
    app_for(Path::new(SAMPLE_BUNDLE), Theme::mono())
}

pub fn app_for(dir: &Path, theme: Theme) -> App {
    let bundle = wirkung::core::bundle::load(dir).expect("the bundle loads");
    App::new(
        bundle,
        PathBuf::from("sample-data/bw-integration"),
        theme,
        &Remembered::default(),
    )
}

/// The column of the declared control named like `needle` (e.g. "urban").
pub fn control_column(app: &App, needle: &str) -> String {
    app.choices
        .available_controls(&app.bundle)
        .iter()
        .find(|c| c.column.contains(needle) || c.display_label().to_lowercase().contains(needle))
        .map(|c| c.column.clone())
        .unwrap_or_else(|| panic!("the sample declares a control like '{needle}'"))
}

/// The dashboard drawn at `width`×`height` as `TestBackend` prints it, each line quoted: the
/// form the snapshots keep.
pub fn snapshot_screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| view::draw(app, f)).unwrap();
    terminal.backend().to_string()
}

/// The dashboard drawn at `width`×`height` as plain lines, for searching its text.
pub fn plain_screen(app: &App, width: u16, height: u16) -> String {
    snapshot_screen(app, width, height)
        .lines()
        .map(|l| l.trim_matches('"').to_string())
        .collect::<Vec<_>>()
        .join("\n")
}
