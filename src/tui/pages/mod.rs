//! One file per page; each draws from a read-only `&App`.

pub mod estimate;
pub mod implementation;
pub mod overview;
pub mod robustness;
pub mod robustness_event_time;
pub mod staffing;
pub mod start_times;
pub mod topics;
pub mod trends;

use super::app::{App, Page};
use super::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Widget};

/// Draws the current page, or only its maximised panel (`z`).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if let Some(panel) = zoomed(app) {
        render_panel(app, panel, area, buf);
        return;
    }
    match app.page {
        Page::Overview => overview::OverviewPage { app }.render(area, buf),
        Page::StartTimes => start_times::StartTimesPage { app }.render(area, buf),
        Page::Staffing => staffing::StaffingPage { app }.render(area, buf),
        Page::Topics => topics::TopicsPage { app }.render(area, buf),
        Page::Trends => trends::TrendsPage { app }.render(area, buf),
        Page::Estimate => estimate::EstimatePage { app }.render(area, buf),
        Page::Robustness => robustness::RobustnessPage { app }.render(area, buf),
        Page::Implementation => implementation::ImplementationPage { app }.render(area, buf),
    }
}

/// A panel's hint line from parts in order of importance: each part is kept whole or left
/// out (never cut mid-word), within a panel `width` columns wide; empty when none fits.
pub fn hint(parts: &[String], width: u16) -> String {
    let room = (width as usize).saturating_sub(4);
    let mut kept: Vec<&str> = Vec::new();
    let mut used = 0;
    for part in parts {
        let w = part.chars().count() + if kept.is_empty() { 0 } else { 2 };
        if used + w <= room {
            used += w;
            kept.push(part);
        }
    }
    if kept.is_empty() {
        String::new()
    } else {
        format!(" {} ", kept.join(", "))
    }
}

/// A bordered panel with a title, in the theme's colours.
pub fn panel<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .title(title.into().style(theme.title))
        .border_style(theme.border)
}

/// The panels of the current page that `z` maximises one after another, by name.
pub fn panels(app: &App) -> &'static [&'static str] {
    match app.page {
        Page::Overview => overview::OverviewPage::panels(app),
        Page::StartTimes => start_times::StartTimesPage::panels(app),
        Page::Staffing => staffing::PANELS,
        Page::Topics => topics::PANELS,
        Page::Trends => trends::TrendsPage::panels(app),
        Page::Estimate => estimate::PANELS,
        Page::Robustness if app.event_time_view => robustness_event_time::PANELS,
        Page::Robustness => robustness::PANELS,
        Page::Implementation => implementation::PANELS,
    }
}

/// The maximised panel, if `z` chose one the page still has (a view switched under it,
/// e.g. the findings closed, shows the page whole again).
pub fn zoomed(app: &App) -> Option<usize> {
    app.zoom.filter(|&k| k < panels(app).len())
}

fn render_panel(app: &App, panel: usize, area: Rect, buf: &mut Buffer) {
    match app.page {
        Page::Overview => overview::OverviewPage { app }.render_panel(panel, area, buf),
        Page::StartTimes => start_times::StartTimesPage { app }.render_panel(panel, area, buf),
        Page::Staffing => staffing::StaffingPage { app }.render_panel(panel, area, buf),
        Page::Topics => topics::TopicsPage { app }.render_panel(panel, area, buf),
        Page::Trends => trends::TrendsPage { app }.render_panel(panel, area, buf),
        Page::Estimate => estimate::EstimatePage { app }.render_panel(panel, area, buf),
        Page::Robustness => robustness::RobustnessPage { app }.render_panel(panel, area, buf),
        Page::Implementation => {
            implementation::ImplementationPage { app }.render_panel(panel, area, buf)
        }
    }
}
