//! The event-time overlay: each shown estimator's estimate as its own character (o x + *, so
//! they stay apart without colour) on a thin vertical 95% band, dodged sideways, with a zero
//! line and the reference month −1 marked; drawn on a ratatui Canvas.

use crate::core::view::event_time::{Estimator, EventTimeOverlay};
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Line};
use ratatui::widgets::{Block, Widget};

pub struct EventTimePlot<'a> {
    pub overlay: &'a EventTimeOverlay,
    pub block: Block<'a>,
    pub theme: &'a Theme,
    /// Draw every `stride`-th month only (the page picks it so the markers fit).
    pub stride: i32,
}

/// The style of each estimator's marker and band.
pub fn style(theme: &Theme, e: Estimator) -> Style {
    match e {
        Estimator::Twfe => theme.control,
        Estimator::CallawaySantAnna => theme.difference,
        Estimator::SunAbraham => theme.treated,
        Estimator::Imputation => theme.marker,
    }
}

/// Every `stride`-th month so that each shown estimator gets a column of its own at `width`.
pub fn stride_for(overlay: &EventTimeOverlay, width: u16, shown: usize) -> i32 {
    let (lo, hi) = overlay.window;
    let months = f64::from(hi - lo + 1);
    let columns_per_month = f64::from(width.saturating_sub(8)) / months;
    ((shown.max(1) as f64) / columns_per_month.max(0.1))
        .ceil()
        .max(1.0) as i32
}

impl Widget for EventTimePlot<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let inner = self.block.inner(area);
        let (lo, hi) = self.overlay.window;
        let (v0, v1) = self.overlay.value_range();
        let pad = ((v1 - v0) * 0.08).max(0.05);
        let (y0, y1) = (v0 - pad, v1 + pad);
        // Room on the left for the value labels.
        let label_months = 8.0 * f64::from(hi - lo + 2) / f64::from(inner.width.max(1));
        let (x0, x1) = (f64::from(lo) - 0.5 - label_months, f64::from(hi) + 0.5);
        let x_per_column = (x1 - x0) / f64::from(inner.width.max(1));
        let series: Vec<(Estimator, Vec<_>)> = self.overlay.visible().collect();
        let n = series.len() as f64;
        let stride = self.stride.max(1);
        Canvas::default()
            .background_color(t.base.bg.unwrap_or_default())
            .block(self.block)
            .marker(Marker::Braille)
            .x_bounds([x0, x1])
            .y_bounds([y0, y1])
            .paint(|ctx| {
                ctx.draw(&Line::new(
                    f64::from(lo) - 0.5,
                    0.0,
                    x1,
                    0.0,
                    t.dim.fg.unwrap_or_default(),
                ));
                ctx.draw(&Line::new(-1.0, y0, -1.0, y1, t.dim.fg.unwrap_or_default()));
                for (i, (e, points)) in series.iter().enumerate() {
                    let dodge = (i as f64 - (n - 1.0) / 2.0) * x_per_column;
                    let s = style(t, *e);
                    for p in points
                        .iter()
                        .filter(|p| p.event_time.rem_euclid(stride) == 0)
                    {
                        let x = f64::from(p.event_time) + dodge;
                        ctx.draw(&Line::new(
                            x,
                            p.low.max(y0),
                            x,
                            p.high.min(y1),
                            s.fg.unwrap_or_default(),
                        ));
                    }
                }
                ctx.layer();
                for (i, (e, points)) in series.iter().enumerate() {
                    let dodge = (i as f64 - (n - 1.0) / 2.0) * x_per_column;
                    let s = style(t, *e);
                    for p in points
                        .iter()
                        .filter(|p| p.event_time.rem_euclid(stride) == 0)
                    {
                        ctx.print(
                            f64::from(p.event_time) + dodge,
                            p.estimate,
                            Span::styled(e.marker().to_string(), s),
                        );
                    }
                }
                for v in [y1 - pad * 0.5, 0.0, y0 + pad * 0.5] {
                    ctx.print(x0, v, Span::styled(format!("{v:+.2}"), t.dim));
                }
                let tick = if hi - lo > 24 { 6 } else { 3 };
                for l in (lo..=hi).filter(|l| l.rem_euclid(tick) == 0) {
                    ctx.print(f64::from(l), y0, Span::styled(l.to_string(), t.dim));
                }
            })
            .render(area, buf);
    }
}
