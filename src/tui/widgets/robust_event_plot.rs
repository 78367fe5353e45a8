//! The event-study plot: the group × period coefficients with their 95% band, a zero line
//! and a vertical line at the base period (drawn with ratatui's Chart, like the trends page).

use crate::core::robust::EventStudy;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};

pub struct EventPlot<'a> {
    pub study: &'a EventStudy,
    pub block: Block<'a>,
    pub theme: &'a Theme,
}

/// Rounds the range of `values` (and zero) outward to a multiple of a tidy step.
fn y_bounds(values: impl Iterator<Item = f64>) -> [f64; 2] {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((0.0_f64, 0.0_f64), |(l, h), v| (l.min(v), h.max(v)));
    let span = (hi - lo).max(0.1);
    let step = [0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 25.0]
        .into_iter()
        .find(|s| span / s <= 8.0)
        .unwrap_or(50.0);
    [(lo / step).floor() * step, (hi / step).ceil() * step]
}

impl Widget for EventPlot<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let c = &self.study.coefficients;
        let point = |f: fn(&crate::core::robust::event_study::EventCoefficient) -> f64| {
            c.iter()
                .map(|k| (f64::from(k.relative), f(k)))
                .collect::<Vec<_>>()
        };
        let estimate = point(|k| k.estimate);
        let low = point(|k| k.ci_low_hc1);
        let high = point(|k| k.ci_high_hc1);
        let x0 = c.iter().map(|k| k.relative).min().unwrap_or(-1).min(0);
        let x1 = c.iter().map(|k| k.relative).max().unwrap_or(1).max(0);
        let [y0, y1] = y_bounds(low.iter().chain(&high).map(|p| p.1));
        let zero = [(f64::from(x0), 0.0), (f64::from(x1), 0.0)];
        let base = [(0.0, y0), (0.0, y1)];
        let line = |data| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .data(data)
        };
        let datasets = vec![
            line(&zero).style(t.dim),
            line(&base).style(t.marker),
            line(&low).style(t.control),
            line(&high).style(t.control),
            line(&estimate).style(t.treated),
        ];
        let label = |rel: i32| {
            c.iter()
                .find(|k| k.relative == rel)
                .map_or_else(|| rel.to_string(), |k| k.period.clone())
        };
        Chart::new(datasets)
            .style(t.base)
            .block(self.block)
            // A legend would cover the coefficients; the page's title names the lines.
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .bounds([f64::from(x0), f64::from(x1)])
                    // Ratatui spaces labels evenly, so only the ends are labelled; the
                    // title names the base period the vertical line marks.
                    .labels([label(x0), label(x1)])
                    .style(t.dim),
            )
            .y_axis(super::value_axis(y0, y1, t))
            .render(area, buf);
    }
}
