//! Reusable pieces drawn by several pages.

pub mod bacon_scatter;
pub mod district_detail;
pub mod district_map;
pub mod event_time_plot;
pub mod histogram;
pub mod honest_plot;
pub mod ranked_bars;
pub mod regression_table;
pub mod robust_event_plot;
pub mod robust_table;
pub mod sdid_trend;
pub mod series_marks;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Paragraph, Widget, Wrap};

/// Columns the cursor's marker takes in front of every row of a list.
pub const CURSOR_W: usize = 2;

/// A row of a list behind the cursor's column: `▶` on the row under the cursor, which also
/// gets the theme's highlight (a tint, or bold underline without colour). The marker, not a
/// colour or reverse video, says where the cursor is: it reads in every theme, and a row's
/// bar of `█` is never inverted into its complement.
pub fn list_row<'a>(line: Line<'a>, selected: bool, theme: &crate::tui::theme::Theme) -> Line<'a> {
    let mut spans = Vec::with_capacity(line.spans.len() + 1);
    spans.push(Span::styled(if selected { "▶ " } else { "  " }, theme.key));
    spans.extend(line.spans);
    let row = Line {
        spans,
        style: line.style,
        alignment: line.alignment,
    };
    if selected {
        row.patch_style(theme.highlight)
    } else {
        row
    }
}

/// The rows `start..end` of a list of `len` rows to show in `height` rows so that the
/// cursor stays visible (derived from the cursor alone, so drawing needs no scroll state).
pub fn visible_window(len: usize, cursor: usize, height: usize) -> (usize, usize) {
    if len <= height {
        return (0, len);
    }
    let start = cursor.saturating_sub(height / 2).min(len - height);
    (start, start + height)
}

/// The y axis of the robustness plots: bounds and three signed labels (bottom, middle, top).
pub fn value_axis(y0: f64, y1: f64, theme: &crate::tui::theme::Theme) -> Axis<'static> {
    Axis::default()
        .bounds([y0, y1])
        .labels([
            format!("{y0:+.1}"),
            format!("{:+.1}", (y0 + y1) / 2.0),
            format!("{y1:+.1}"),
        ])
        .style(theme.dim)
}

/// A wrapped message in place of something that could not be computed.
pub fn message(lines: Vec<Line<'_>>, area: Rect, buf: &mut Buffer) {
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// Rows that `lines` take when word-wrapped to `width` columns (greedy, as `Wrap` does; a
/// word longer than the width is split).
pub fn wrapped_rows(lines: &[Line<'_>], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    let mut rows = 0usize;
    for line in lines {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let mut used = 0usize;
        let mut line_rows = 1usize;
        for word in text.split_whitespace() {
            let w = ratatui::text::Span::raw(word).width();
            if used == 0 {
                line_rows += (w.max(1) - 1) / width;
                used = (w - 1) % width + 1;
            } else if used + 1 + w <= width {
                used += 1 + w;
            } else {
                line_rows += 1 + (w.max(1) - 1) / width;
                used = (w.max(1) - 1) % width + 1;
            }
        }
        rows += line_rows;
    }
    u16::try_from(rows).unwrap_or(u16::MAX)
}

/// Shortens `s` to `width` characters, marking the cut with '…'. A cut never falls inside a
/// number ("1.6…" would read as a different value): it moves back to the space before it.
pub fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        format!("{s:<width$}")
    } else if width == 0 {
        String::new()
    } else {
        let numeric = |c: &char| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+' | '−');
        let mut kept: Vec<char> = s.chars().take(width - 1).collect();
        let next = s.chars().nth(width - 1);
        if next.as_ref().is_some_and(numeric)
            && kept.last().is_some_and(numeric)
            && let Some(space) = kept.iter().rposition(|c| c.is_whitespace())
        {
            kept.truncate(space + 1);
        }
        let mut t: String = kept.into_iter().collect();
        t.push('…');
        format!("{t:<width$}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_rows_counts_word_wrapped_lines() {
        let lines = vec![
            Line::from("aaa bbb ccc"),
            Line::from(""),
            Line::from("abcdefghij"),
        ];
        // "aaa bbb" | "ccc", one empty row, "abcdefg" | "hij"
        assert_eq!(wrapped_rows(&lines, 7), 5);
        assert_eq!(wrapped_rows(&lines, 11), 3);
    }

    #[test]
    fn window_keeps_the_cursor_visible() {
        assert_eq!(visible_window(5, 4, 10), (0, 5));
        assert_eq!(visible_window(100, 0, 10), (0, 10));
        assert_eq!(visible_window(100, 50, 10), (45, 55));
        assert_eq!(visible_window(100, 99, 10), (90, 100));
    }

    #[test]
    fn fit_never_cuts_inside_a_number() {
        assert_eq!(fit("p = 0.056 [-3.05, 1.60]", 22), "p = 0.056 [-3.05, …   ");
        assert_eq!(fit("most: Böblingen -0.31", 20), "most: Böblingen …   ");
        assert_eq!(fit("reading text goes on", 10), "reading t…");
    }

    #[test]
    fn fit_pads_and_cuts() {
        assert_eq!(fit("Ulm", 5), "Ulm  ");
        assert_eq!(fit("Stuttgart", 5), "Stut…");
    }
}
