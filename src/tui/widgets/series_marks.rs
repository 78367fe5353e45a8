//! Series told apart without colour (the mono theme, NO_COLOR): each series' points carry a
//! glyph of its own, and its name stands at the end of its line, as in a printed chart.
//! Drawn over a ratatui `Chart` after it has rendered, at the cells its braille canvas uses.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;

/// One glyph per series, in order; plain ASCII so every font has them and none looks like a
/// braille line.
pub const GLYPHS: [char; 8] = ['o', 'x', '+', '*', '#', '@', '%', '&'];

/// Where a ratatui `Chart` puts its braille canvas inside the block: (first column, width).
/// Mirrors its layout rule: the y labels (or the part of the first x label left of the
/// axis), at most a third of the width, then one column for the y axis.
pub fn graph_columns(inner: Rect, y_labels: &[String], first_x_label: &str) -> Option<(u16, u16)> {
    let y_w = y_labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0) as u16;
    let x_w = (first_x_label.chars().count() as u16).saturating_sub(1);
    let left = inner.x + y_w.max(x_w).min(inner.width / 3) + 1;
    let width = inner.right().saturating_sub(left);
    (width > 0).then_some((left, width))
}

/// A chart's canvas and the bounds the chart maps onto it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Graph {
    pub area: Rect,
    pub x: [f64; 2],
    pub y: [f64; 2],
}

impl Graph {
    /// The canvas of a `Chart` with x labels (their row and the axis row below the canvas)
    /// and y labels, drawn into the block's `inner` area.
    pub fn of_chart(
        inner: Rect,
        y_labels: &[String],
        first_x_label: &str,
        x: [f64; 2],
        y: [f64; 2],
    ) -> Option<Graph> {
        let (left, width) = graph_columns(inner, y_labels, first_x_label)?;
        let height = inner.height.checked_sub(2).filter(|h| *h > 0)?;
        Some(Graph {
            area: Rect::new(left, inner.y, width, height),
            x,
            y,
        })
    }

    /// The cell of a point, as ratatui's braille canvas maps it (two dots a column, four a
    /// row, truncated); `None` outside the bounds.
    pub fn cell(&self, x: f64, y: f64) -> Option<(u16, u16)> {
        let ([x0, x1], [y0, y1]) = (self.x, self.y);
        if !(x >= x0 && x <= x1 && y >= y0 && y <= y1) || x1 <= x0 || y1 <= y0 {
            return None;
        }
        let dots_x = f64::from(self.area.width) * 2.0 - 1.0;
        let dots_y = f64::from(self.area.height) * 4.0 - 1.0;
        let dx = ((x - x0) * dots_x / (x1 - x0)) as u16;
        let dy = ((y1 - y) * dots_y / (y1 - y0)) as u16;
        Some((self.area.x + dx / 2, self.area.y + dy / 4))
    }
}

/// One line of a chart: its glyph, its end label and its points.
pub struct Series<'a> {
    pub glyph: char,
    pub label: String,
    pub style: Style,
    pub points: &'a [(f64, f64)],
}

/// Puts each series' glyph on its line every `period` columns, the series on different
/// columns (series k at offset k·period/n), so that no glyph covers another's where lines
/// run close together or cross. The line's height at a column is interpolated between its
/// points.
pub fn mark_lines(buf: &mut Buffer, graph: &Graph, series: &[Series], period: u16) {
    let period = period.max(1);
    let n = series.len().max(1) as u16;
    let area = graph.area;
    let [x0, x1] = graph.x;
    for (k, s) in series.iter().enumerate() {
        let offset = (k as u16 * period / n) % period;
        for column in (offset..area.width).step_by(usize::from(period)) {
            let x = x0 + (f64::from(column) + 0.5) / f64::from(area.width) * (x1 - x0);
            if let Some(y) = height_at(s.points, x)
                && let Some((cx, cy)) = graph.cell(x, y)
            {
                buf[(cx, cy)].set_char(s.glyph).set_style(s.style);
            }
        }
    }
}

/// The line through `points` (ordered by x) at `x`; `None` outside them or next to a gap.
fn height_at(points: &[(f64, f64)], x: f64) -> Option<f64> {
    let right = points.iter().position(|p| p.0 >= x)?;
    let (bx, by) = points[right];
    if right == 0 {
        return (bx == x && by.is_finite()).then_some(by);
    }
    let (ax, ay) = points[right - 1];
    if !(ay.is_finite() && by.is_finite()) || bx <= ax {
        return None;
    }
    Some(ay + (by - ay) * (x - ax) / (bx - ax))
}

/// Writes each series' "glyph label" at the right edge of the canvas, on the row just above
/// its last point, moved to the nearest free row where labels would overlap; rows from
/// `below` on are left alone (the chart's legend).
pub fn label_ends(buf: &mut Buffer, graph: &Graph, series: &[Series], below: u16) {
    let area = graph.area;
    let mut ends: Vec<(u16, String, Style)> = series
        .iter()
        .filter_map(|s| {
            let &(x, y) = s
                .points
                .iter()
                .rev()
                .find(|p| p.0.is_finite() && p.1.is_finite())?;
            let (_, row) = graph.cell(x, y)?;
            Some((row, format!("{} {}", s.glyph, s.label), s.style))
        })
        .collect();
    ends.sort_by_key(|e| e.0);
    let mut taken: Vec<u16> = Vec::new();
    for (row, text, style) in ends {
        let wanted = i32::from(row) - 1;
        let free = (0..i32::from(area.height) * 2)
            .map(|d| {
                if d % 2 == 0 {
                    wanted + d / 2
                } else {
                    wanted - (d + 1) / 2
                }
            })
            .filter(|r| *r >= i32::from(area.y) && *r < i32::from(area.bottom().min(below)))
            .map(|r| r as u16)
            .find(|r| !taken.contains(r));
        let Some(r) = free else {
            continue;
        };
        taken.push(r);
        let w = (text.chars().count() as u16).min(area.width);
        buf.set_stringn(area.right() - w, r, &text, usize::from(w), style);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_follow_the_braille_grid() {
        let g = Graph {
            area: Rect::new(10, 2, 50, 20),
            x: [0.0, 100.0],
            y: [0.0, 10.0],
        };
        assert_eq!(g.cell(0.0, 10.0), Some((10, 2)));
        assert_eq!(g.cell(100.0, 0.0), Some((59, 21)));
        assert_eq!(g.cell(101.0, 0.0), None);
        assert_eq!(g.cell(f64::NAN, 1.0), None);
    }

    #[test]
    fn glyphs_of_different_series_never_share_a_column() {
        let g = Graph {
            area: Rect::new(0, 0, 40, 10),
            x: [0.0, 1.0],
            y: [0.0, 1.0],
        };
        // Two identical lines: every glyph of each must still show.
        let line = [(0.0, 0.2), (1.0, 0.8)];
        let series = [
            Series {
                glyph: 'o',
                label: String::new(),
                style: Style::new(),
                points: &line,
            },
            Series {
                glyph: 'x',
                label: String::new(),
                style: Style::new(),
                points: &line,
            },
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 10));
        mark_lines(&mut buf, &g, &series, 8);
        let count = |glyph: &str| buf.content.iter().filter(|c| c.symbol() == glyph).count();
        assert_eq!(count("o"), 5);
        assert_eq!(count("x"), 5);
        assert_eq!(height_at(&line, 0.5), Some(0.5));
        assert_eq!(height_at(&line, 1.5), None);
    }

    #[test]
    fn end_labels_never_share_a_row() {
        let g = Graph {
            area: Rect::new(0, 0, 40, 10),
            x: [0.0, 1.0],
            y: [0.0, 1.0],
        };
        let a = [(0.0, 0.5), (1.0, 0.5)];
        let b = [(0.0, 0.5), (1.0, 0.51)];
        let series = [
            Series {
                glyph: 'o',
                label: "early".into(),
                style: Style::new(),
                points: &a,
            },
            Series {
                glyph: 'x',
                label: "late".into(),
                style: Style::new(),
                points: &b,
            },
        ];
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 10));
        mark_lines(&mut buf, &g, &series, 4);
        label_ends(&mut buf, &g, &series, 10);
        let rows: Vec<String> = (0..10)
            .map(|y| (0..40).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        let early = rows.iter().position(|r| r.contains("o early")).unwrap();
        let late = rows.iter().position(|r| r.contains("x late")).unwrap();
        assert_ne!(early, late);
    }
}
