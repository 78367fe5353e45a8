//! Reusable pieces drawn by several pages.

pub mod histogram;
pub mod ranked_bars;
pub mod regression_table;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Widget, Wrap};

/// The rows `start..end` of a list of `len` rows to show in `height` rows so that the
/// cursor stays visible (derived from the cursor alone, so drawing needs no scroll state).
pub fn visible_window(len: usize, cursor: usize, height: usize) -> (usize, usize) {
    if len <= height {
        return (0, len);
    }
    let start = cursor.saturating_sub(height / 2).min(len - height);
    (start, start + height)
}

/// A wrapped message in place of something that could not be computed.
pub fn message(lines: Vec<Line<'_>>, area: Rect, buf: &mut Buffer) {
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// Shortens `s` to `width` characters, marking the cut with '…'.
pub fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s:<width$}")
    } else if width == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_the_cursor_visible() {
        assert_eq!(visible_window(5, 4, 10), (0, 5));
        assert_eq!(visible_window(100, 0, 10), (0, 10));
        assert_eq!(visible_window(100, 50, 10), (45, 55));
        assert_eq!(visible_window(100, 99, 10), (90, 100));
    }

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("Ulm", 5), "Ulm  ");
        assert_eq!(fit("Stuttgart", 5), "Stut…");
    }
}
