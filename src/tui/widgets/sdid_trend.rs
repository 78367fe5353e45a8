//! Synthetic DiD: BW's monthly path against its synthetic control (the weighted
//! neighbours, shifted by the λ-weighted pre-period gap so both run level before the
//! programme), with a vertical line at the base month; the post-period gap is the ATT.

use crate::core::view::robust_staggered::SdidTrend;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};

pub struct SdidPlot<'a> {
    pub trend: &'a SdidTrend,
    pub block: Block<'a>,
    pub theme: &'a Theme,
}

impl Widget for SdidPlot<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let s = self.trend;
        let (lo, hi) = s.value_range();
        let (y0, y1) = if lo.is_finite() && hi.is_finite() {
            let pad = ((hi - lo) * 0.05).max(0.1);
            ((lo - pad).floor(), (hi + pad).ceil())
        } else {
            (0.0, 1.0)
        };
        let x = |m: crate::core::period::Month| f64::from(m.index());
        let bw: Vec<(f64, f64)> = s.points.iter().map(|p| (x(p.0), p.1)).collect();
        let synthetic: Vec<(f64, f64)> = s.points.iter().map(|p| (x(p.0), p.2)).collect();
        let (x0, x1) = match (s.points.first(), s.points.last()) {
            (Some(a), Some(b)) => (x(a.0), x(b.0)),
            _ => (0.0, 1.0),
        };
        let base = [(x(s.base), y0), (x(s.base), y1)];
        let line = |data| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .data(data)
        };
        let datasets = vec![
            line(&base).style(t.marker),
            line(&synthetic).style(t.control).name("synthetic"),
            line(&bw).style(t.treated).name("BW"),
        ];
        let label = |i: Option<&(crate::core::period::Month, f64, f64)>| {
            i.map_or(String::new(), |p| p.0.to_string())
        };
        Chart::new(datasets)
            .style(t.base)
            .block(self.block)
            .x_axis(
                Axis::default()
                    .bounds([x0, x1.max(x0 + 1.0)])
                    .labels([label(s.points.first()), label(s.points.last())])
                    .style(t.dim),
            )
            .y_axis(super::value_axis(y0, y1, t))
            .render(area, buf);
    }
}
