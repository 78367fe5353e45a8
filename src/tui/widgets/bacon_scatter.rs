//! The Goodman-Bacon scatter: every 2×2 DiD as a point, its weight across, its estimate up,
//! one marker per kind so the kinds stay apart in monochrome (• treated vs never treated,
//! ▄ earlier vs later, █ later vs earlier), a zero line and the TWFE coefficient as a line.

use crate::core::robust::bacon::ComparisonKind;
use crate::core::view::robust_staggered::BaconScatter;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Widget};

pub struct BaconPlot<'a> {
    pub scatter: &'a BaconScatter,
    pub block: Block<'a>,
    pub theme: &'a Theme,
}

/// The marker of a kind of comparison, also named in the page's title.
pub fn marker(kind: ComparisonKind) -> (Marker, &'static str) {
    match kind {
        ComparisonKind::TreatedVsNever => (Marker::Dot, "•"),
        ComparisonKind::EarlierVsLater => (Marker::Bar, "▄"),
        ComparisonKind::LaterVsEarlier => (Marker::Block, "█"),
    }
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

impl Widget for BaconPlot<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let s = self.scatter;
        let (w_max, lo, hi) = s.bounds();
        let [y0, y1] = tidy(lo, hi);
        let x1 = if w_max > 0.0 { w_max * 1.05 } else { 1.0 };
        let zero = [(0.0, 0.0), (x1, 0.0)];
        let twfe = [(0.0, s.twfe), (x1, s.twfe)];
        let points: Vec<(ComparisonKind, Vec<(f64, f64)>)> = ComparisonKind::ALL
            .iter()
            .map(|&k| {
                (
                    k,
                    s.points
                        .iter()
                        .filter(|p| p.kind == k && p.estimate.is_finite())
                        .map(|p| (p.weight, p.estimate.clamp(y0, y1)))
                        .collect(),
                )
            })
            .collect();
        let line = |data| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .data(data)
        };
        let mut datasets = vec![line(&zero).style(t.dim), line(&twfe).style(t.marker)];
        datasets.extend(points.iter().map(|(k, data)| {
            Dataset::default()
                .marker(marker(*k).0)
                .graph_type(GraphType::Scatter)
                .style(match k {
                    ComparisonKind::TreatedVsNever => t.control,
                    ComparisonKind::EarlierVsLater => t.treated,
                    ComparisonKind::LaterVsEarlier => t.warning,
                })
                .data(data)
        }));
        Chart::new(datasets)
            .style(t.base)
            .block(self.block)
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .bounds([0.0, x1])
                    .labels(["weight 0".to_string(), format!("{x1:.3}")])
                    .style(t.dim),
            )
            .y_axis(super::value_axis(y0, y1, t))
            .render(area, buf);
    }
}
