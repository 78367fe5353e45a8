//! A vertical histogram with an optional cumulative-share line on a 0–100% right axis
//! (report Abb. 4 and Abb. 6).

use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

const EIGHTHS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

pub struct Histogram<'a> {
    /// (label under the bar, count)
    pub bars: &'a [(String, f64)],
    /// Cumulative share 0–1 per bar, drawn as dots.
    pub cumulative: Option<&'a [f64]>,
    pub theme: &'a Theme,
}

impl Widget for Histogram<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let n = self.bars.len();
        let left = 5u16;
        let right = if self.cumulative.is_some() { 5u16 } else { 0 };
        if n == 0 || area.width <= left + right + 2 || area.height < 3 {
            return;
        }
        let plot = Rect {
            x: area.x + left,
            y: area.y,
            width: area.width - left - right,
            height: area.height - 1,
        };
        let max = self.bars.iter().map(|b| b.1).fold(0.0f64, f64::max);
        let slot = (plot.width as usize / n).max(1);
        let bar_w = if slot >= 3 { slot - 1 } else { slot };
        let dim = self.theme.dim;
        // Left axis: the largest count and zero.
        buf.set_string(area.x, plot.y, format!("{:>4}", max.round() as i64), dim);
        buf.set_string(area.x, plot.y + plot.height - 1, format!("{:>4}", 0), dim);
        if self.cumulative.is_some() {
            let rx = plot.x + plot.width + 1;
            buf.set_string(rx, plot.y, "100%", self.theme.difference);
            buf.set_string(rx, plot.y + plot.height - 1, "0%", self.theme.difference);
        }
        let h8 = plot.height as f64 * 8.0;
        let mut next_label_x = plot.x;
        for (i, (label, value)) in self.bars.iter().enumerate() {
            let x0 = plot.x + (i * slot) as u16;
            if x0 + bar_w as u16 > plot.x + plot.width {
                break;
            }
            let mut eighths = if max > 0.0 {
                (value / max * h8).round() as i64
            } else {
                0
            };
            if *value > 0.0 && eighths == 0 {
                eighths = 1; // a bar with any count stays visible
            }
            for row in 0..plot.height {
                let y = plot.y + plot.height - 1 - row;
                let fill = (eighths - row as i64 * 8).clamp(0, 8) as usize;
                if fill > 0 {
                    for dx in 0..bar_w as u16 {
                        buf.set_string(x0 + dx, y, EIGHTHS[fill], self.theme.bar);
                    }
                }
            }
            if let Some(share) = self.cumulative.and_then(|c| c.get(i)) {
                let row = (share.clamp(0.0, 1.0) * (plot.height - 1) as f64).round() as u16;
                let x = x0 + (bar_w as u16 - 1) / 2;
                buf.set_string(
                    x,
                    plot.y + plot.height - 1 - row,
                    "●",
                    self.theme.difference,
                );
            }
            let label_y = plot.y + plot.height;
            if x0 >= next_label_x
                && x0 as usize + label.chars().count() <= (area.x + area.width) as usize
            {
                buf.set_string(x0, label_y, label, dim);
                next_label_x = x0 + label.chars().count() as u16 + 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tallest_bar_fills_the_plot_and_labels_do_not_overlap() {
        let theme = Theme::mono();
        let bars = vec![
            ("a".to_string(), 4.0),
            ("b".to_string(), 2.0),
            ("c".to_string(), 0.0),
        ];
        let area = Rect::new(0, 0, 14, 5);
        let mut buf = Buffer::empty(area);
        Histogram {
            bars: &bars,
            cumulative: None,
            theme: &theme,
        }
        .render(area, &mut buf);
        let rows: Vec<String> = (0..5)
            .map(|y| (0..14).map(|x| buf[(x, y)].symbol().to_string()).collect())
            .collect();
        assert_eq!(rows[0], "   4 ██       ");
        assert_eq!(rows[2], "     ██ ██    ");
        assert_eq!(rows[3], "   0 ██ ██    ");
        assert_eq!(rows[4], "     a  b  c  ");
    }
}
