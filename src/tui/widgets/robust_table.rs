//! The table of robustness checks: one row per check (name | statistic | p-value or interval
//! | reading), optionally with the check's question under it, the row under the cursor
//! highlighted. A check that does not apply shows its reason across the result columns.

use super::fit;
use crate::core::view::robust::CheckView;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct RobustTable<'a> {
    pub rows: &'a [CheckView],
    pub cursor: usize,
    /// Draw each check's question under its row.
    pub with_questions: bool,
    pub theme: &'a Theme,
}

/// Column widths (name, statistic, inference); the reading takes the rest.
fn widths(total: usize) -> (usize, usize, usize) {
    if total >= 110 {
        (16, 26, 28)
    } else {
        (14, 18, 22)
    }
}

impl Widget for RobustTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        // The cursor's column on the left; the table's columns after it.
        let cursor_w = (super::CURSOR_W as u16).min(area.width);
        let marks = Rect {
            width: cursor_w,
            ..area
        };
        let area = Rect {
            x: area.x + cursor_w,
            width: area.width - cursor_w,
            ..area
        };
        let total = area.width as usize;
        let (wn, ws, wi) = widths(total);
        let wr = total.saturating_sub(wn + ws + wi + 3);
        let mut cursor_row = None;
        let mut lines = vec![Line::styled(
            format!(
                "{} {} {} {}",
                fit("Check", wn),
                fit("Statistic", ws),
                fit("p-value / interval", wi),
                fit("Reading", wr)
            ),
            t.title,
        )];
        for (i, row) in self.rows.iter().enumerate() {
            let mut line = match &row.shown {
                Ok(s) => Line::from(vec![
                    Span::styled(format!("{} ", fit(row.name, wn)), t.text),
                    Span::raw(format!("{} ", fit(&s.headline, ws))),
                    Span::raw(format!("{} ", fit(&s.inference, wi))),
                    Span::styled(
                        fit(&s.reading, wr),
                        if s.flagged {
                            t.warning
                        } else {
                            Style::default()
                        },
                    ),
                ]),
                Err(why) => Line::from(vec![
                    Span::styled(format!("{} ", fit(row.name, wn)), t.text),
                    Span::styled(
                        fit(&format!("n/a: {why}"), total.saturating_sub(wn + 1)),
                        t.dim,
                    ),
                ]),
            };
            if i == self.cursor {
                line = line.patch_style(t.highlight);
                cursor_row = Some(lines.len());
            }
            lines.push(line);
            if self.with_questions {
                lines.push(Line::styled(
                    format!(
                        "{:wn$} {}",
                        "",
                        fit(row.question, total.saturating_sub(wn + 1))
                    ),
                    t.dim,
                ));
            }
        }
        for (y, line) in (area.y..area.bottom()).zip(lines) {
            buf.set_line(area.x, y, &line, area.width);
        }
        if let Some(row) = cursor_row
            && let Ok(row) = u16::try_from(row)
            && row < area.height
        {
            buf.set_string(marks.x, marks.y + row, "▶", t.key);
        }
    }
}
