//! Districts ranked by a measure, one row each, bars coloured by group and a line at the
//! median that splits them (report Abb. 43; the topics ranking).

use super::{CURSOR_W, fit, list_row, visible_window};
use crate::core::view::ranking::Ranking;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

pub struct RankedBars<'a> {
    /// The units with the group legend.
    pub ranking: &'a Ranking,
    /// The rows in the order drawn, as indices into `ranking.items`; the median line is drawn
    /// between the groups only when they are highest first.
    pub order: &'a [usize],
    pub by_value: bool,
    /// Row of `order` under the cursor.
    pub cursor: usize,
    pub theme: &'a Theme,
}

impl Widget for RankedBars<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height < 3 || area.width < 20 {
            return;
        }
        let t = self.theme;
        let r = self.ranking;
        let items = &r.items;
        let median_text = r.median_text();
        // Colour tells the groups apart; without it, the bars' fill does (█ above the
        // median, ▒ below; ░ a negative value in either), and the legend shows that fill.
        let (above_fill, below_fill) = if t.marks_series() {
            ("█", "▒")
        } else {
            ("■", "■")
        };
        let above_legend = vec![
            Span::styled(format!("{above_fill} "), t.treated),
            Span::raw(format!("{} {}  ", r.groups.0, r.above)),
        ];
        let below_legend = vec![
            Span::styled(format!("{below_fill} "), t.control),
            Span::raw(format!("{} {}", r.groups.1, r.below)),
        ];
        let one_line = Line::from([above_legend.clone(), below_legend.clone()].concat());
        // Two legend lines where one does not fit (80 columns).
        let legend_rows: u16 = if one_line.width() <= area.width as usize {
            1
        } else {
            2
        };
        if legend_rows == 1 {
            buf.set_line(area.x, area.y, &one_line, area.width);
        } else {
            buf.set_line(area.x, area.y, &Line::from(above_legend), area.width);
            buf.set_line(area.x, area.y + 1, &Line::from(below_legend), area.width);
        }

        // Rows in the chosen order; highest first, the median line between the groups.
        let mut rows: Vec<Line> = Vec::with_capacity(items.len() + 1);
        let max_abs = items.iter().map(|i| i.0.value.abs()).fold(0.0f64, f64::max);
        let name_w = (area.width as usize / 3).clamp(8, 24);
        let value_w = 8usize;
        let bar_w = (area.width as usize)
            .saturating_sub(CURSOR_W + name_w + value_w + 2)
            .max(1);
        let mut median_drawn = r.median.is_none() || !self.by_value;
        let mut median_row = None;
        for (unit, is_above) in self.order.iter().map(|&i| &items[i]) {
            if !median_drawn && !is_above {
                let label = format!(" median {median_text} ");
                let fill =
                    "─".repeat((area.width as usize).saturating_sub(label.chars().count() + 2));
                median_row = Some(rows.len());
                rows.push(Line::styled(format!("──{label}{fill}"), t.marker));
                median_drawn = true;
            }
            let len = if max_abs > 0.0 {
                (unit.value.abs() / max_abs * bar_w as f64).round() as usize
            } else {
                0
            };
            let glyph = match (unit.value < 0.0, *is_above || !t.marks_series()) {
                (true, _) => "░",
                (false, true) => "█",
                (false, false) => "▒",
            };
            let style = if *is_above { t.treated } else { t.control };
            rows.push(Line::from(vec![
                Span::raw(fit(&unit.name, name_w)),
                Span::raw(" "),
                Span::styled(format!("{:<bar_w$}", glyph.repeat(len)), style),
                Span::raw(format!(" {:>value_w$}", r.format.show(unit.value))),
            ]));
        }
        let height = area.height.saturating_sub(legend_rows) as usize;
        // The cursor counts units; the median line shifts rows after it by one.
        let cursor_row = self.cursor + usize::from(median_row.is_some_and(|m| m <= self.cursor));
        let (start, end) = visible_window(
            rows.len(),
            cursor_row.min(rows.len().saturating_sub(1)),
            height,
        );
        let shown: Vec<Line> = rows
            .into_iter()
            .enumerate()
            .skip(start)
            .take(end - start)
            .map(|(i, l)| {
                // The median line is no unit: it gets no cursor column.
                if l.spans.len() == 1 {
                    l
                } else {
                    list_row(l, i == cursor_row, t)
                }
            })
            .collect();
        let body = Rect {
            y: area.y + legend_rows,
            height: area.height.saturating_sub(legend_rows),
            ..area
        };
        Paragraph::new(shown).render(body, buf);
    }
}
