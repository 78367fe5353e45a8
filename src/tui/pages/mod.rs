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

/// Draws the current page.
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
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

/// A bordered panel with a title, in the theme's colours.
pub fn panel<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::bordered()
        .title(title.into().style(theme.title))
        .border_style(theme.border)
}
