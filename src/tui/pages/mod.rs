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
