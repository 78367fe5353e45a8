//! HonestDiD's sensitivity plot: the original 95% interval first, then the robust
//! confidence set for each M̄ (or M) of the grid as a vertical bar, the bar at the
//! breakdown value marked, and a zero line (ratatui's Chart, like the event-study plot).

use crate::core::view::robust::{Interval, SensitivityChart};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};

pub struct HonestPlot<'a> {
    pub chart: &'a SensitivityChart,
    pub block: Block<'a>,
    pub theme: &'a Theme,
}

/// Rounds `[lo, hi]` outward to a multiple of a tidy step.
fn tidy(lo: f64, hi: f64) -> [f64; 2] {
    let span = (hi - lo).max(0.1);
    let step = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(50.0);
    [(lo / step).floor() * step, (hi / step).ceil() * step]
}

impl Widget for HonestPlot<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let c = self.chart;
        let (lo, hi) = c.value_range();
        let [y0, y1] = tidy(lo, hi);
        // An unbounded side runs to the edge of the plot.
        let bar = |x: f64, i: Interval| {
            [
                (x, i.low.unwrap_or(y0).max(y0)),
                (x, i.high.unwrap_or(y1).min(y1)),
            ]
        };
        // x = 0 is the original interval, x = 1, 2, … the grid in order.
        let original = bar(0.0, c.original);
        let at_breakdown = |m: f64| c.breakdown.is_some_and(|b| (b - m).abs() < 1e-12);
        let bars: Vec<([(f64, f64); 2], bool)> = c
            .bars
            .iter()
            .enumerate()
            .filter_map(|(k, b)| {
                b.interval
                    .map(|i| (bar((k + 1) as f64, i), at_breakdown(b.m)))
            })
            .collect();
        let x1 = c.bars.len().max(1) as f64;
        let zero = [(-0.5, 0.0), (x1 + 0.5, 0.0)];
        let line = |data| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .data(data)
        };
        let mut datasets = vec![line(&zero).style(t.dim), line(&original).style(t.control)];
        datasets.extend(bars.iter().map(|(data, breakdown)| {
            line(data).style(if *breakdown { t.warning } else { t.treated })
        }));
        let m = |v: f64| format!("{}={}", c.parameter, crate::core::view::format::fixed(v, 2));
        let last = c.bars.last().map_or(String::new(), |b| m(b.m));
        let first = c.bars.first().map_or(String::new(), |b| m(b.m));
        Chart::new(datasets)
            .style(t.base)
            .block(self.block)
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .bounds([-0.5, x1 + 0.5])
                    // Ratatui spaces labels evenly: the original, the grid's ends.
                    .labels([format!("original, then {first}"), last])
                    .style(t.dim),
            )
            .y_axis(super::value_axis(y0, y1, t))
            .render(area, buf);
    }
}
