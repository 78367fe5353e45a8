//! Page 5: draws `core::view::trends::TrendsView`: the two groups' monthly employment rates
//! with the marked month, optionally the difference between the groups.

use super::panel;
use crate::core::derive::Outcome;
use crate::core::period::Month;
use crate::core::view::trends::TrendsView;
use crate::tui::app::App;
use crate::tui::widgets::message;
use crate::tui::widgets::series_marks::{
    GLYPHS, Graph, Series, graph_columns, label_ends, mark_lines,
};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Widget};

pub struct TrendsPage<'a> {
    pub app: &'a App,
}

impl Widget for TrendsPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let [info, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let sv = app.choices.outcome == Outcome::EmploymentSv;
        let mut spans = vec![
            Span::styled(" s ", t.key),
            Span::raw(if sv { "SV only: on " } else { "SV only: off" }),
            Span::styled("  d ", t.key),
            Span::raw(if app.show_difference {
                "difference: on "
            } else {
                "difference: off"
            }),
        ];
        let view = app.trends.as_ref();
        if let Ok(TrendsView {
            note: Some(note), ..
        }) = view
        {
            spans.push(Span::styled(format!("  ({note})"), t.dim));
        }
        buf.set_line(info.x, info.y, &Line::from(spans), info.width);
        let view = match view {
            Ok(v) => v,
            Err(why) => {
                let block = panel(" Employment rate by group ", t);
                let inner = block.inner(body);
                block.render(body, buf);
                message(
                    vec![Line::styled(format!("Not available: {why}"), t.warning)],
                    inner,
                    buf,
                );
                return;
            }
        };
        if app.show_difference {
            let [rates, diff] =
                Layout::vertical([Constraint::Fill(2), Constraint::Fill(1)]).areas(body);
            self.render_rates(view, rates, buf);
            self.render_difference(view, diff, buf);
        } else {
            self.render_rates(view, body, buf);
        }
    }
}

/// The canvas column (from the graph's left edge) of `x`: ratatui's braille grid has two
/// dots per column and maps the bounds onto dots 0 ..= 2·width − 1.
fn canvas_column(x: f64, [x0, x1]: [f64; 2], width: u16) -> u16 {
    if x1 <= x0 {
        return 0;
    }
    let dots = f64::from(width) * 2.0 - 1.0;
    let dot = ((x - x0) * dots / (x1 - x0)).round().clamp(0.0, dots);
    (dot as u16) / 2
}

/// Month-indexed points for the canvas.
fn points(line: &[(Month, f64)]) -> Vec<(f64, f64)> {
    line.iter().map(|(m, v)| (m.index() as f64, *v)).collect()
}

/// A whole number of percentage points with its sign; zero without one (axis ticks).
fn signed_tick(x: f64) -> String {
    if x.round() == 0.0 {
        "0".into()
    } else {
        format!("{x:+.0}")
    }
}

/// Rounds the data range outward to whole multiples of `step` (the axis of a terminal chart).
fn y_bounds(values: impl Iterator<Item = f64>, step: f64) -> [f64; 2] {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if !lo.is_finite() {
        return [0.0, step];
    }
    let lo = (lo / step).floor() * step;
    let hi = ((hi / step).ceil() * step).max(lo + step);
    [lo, hi]
}

impl TrendsPage<'_> {
    fn render_rates(&self, view: &TrendsView, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let treated = points(&view.treated.points);
        let control = points(&view.control.points);
        let [y0, y1] = y_bounds(treated.iter().chain(&control).map(|p| p.1), 5.0);
        let marker_x = view.marker.index() as f64;
        let marker = [(marker_x, y0), (marker_x, y1)];
        // Without colour the legend shows each line's glyph.
        let legend = |glyph: char, name: &'static str| {
            if t.marks_series() {
                format!("{glyph} {name}")
            } else {
                name.to_string()
            }
        };
        let datasets = vec![
            Dataset::default()
                .name(format!("│ {}", view.marker_legend))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.marker)
                .data(&marker),
            Dataset::default()
                .name(legend(GLYPHS[0], view.treated.legend))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.treated)
                .data(&treated),
            Dataset::default()
                .name(legend(GLYPHS[1], view.control.legend))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.control)
                .data(&control),
        ];
        let (x0, x1) = (view.first.index() as f64, view.last.index() as f64);
        let x_labels = [view.first.to_string(), view.last.to_string()];
        let y_labels = [
            format!("{y0:.0}"),
            format!("{:.0}", (y0 + y1) / 2.0),
            format!("{y1:.0}"),
        ];
        let block = panel(format!(" {} ", view.title), t);
        let inner = block.inner(area);
        let graph = graph_columns(inner, &y_labels, &x_labels[0]);
        let canvas = Graph::of_chart(inner, &y_labels, &x_labels[0], [x0, x1], [y0, y1]);
        Chart::new(datasets)
            .style(t.base)
            .block(block)
            .legend_position(Some(LegendPosition::BottomRight))
            .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
            .x_axis(
                Axis::default()
                    .bounds([x0, x1])
                    .labels(x_labels.clone())
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([y0, y1])
                    .labels(y_labels)
                    .style(t.dim),
            )
            .render(area, buf);
        // The marked month's label goes under its line, not at the axis' centre where
        // evenly spaced labels would put it; left out where it would touch an end label.
        if let Some((left, width)) = graph
            && inner.height > 0
        {
            let label = view.marker.to_string();
            let w = label.chars().count() as u16;
            let column = left + canvas_column(marker_x, [x0, x1], width);
            let start = column.saturating_sub(w / 2);
            let first_end = left + x_labels[0].chars().count() as u16;
            let last_start = (left + width).saturating_sub(x_labels[1].chars().count() as u16);
            if start > first_end && start + w < last_start {
                buf.set_string(start, inner.bottom() - 1, &label, t.marker);
            }
        }
        if t.marks_series()
            && let Some(canvas) = canvas
        {
            let series = [
                Series {
                    glyph: GLYPHS[0],
                    label: view.treated.legend.to_string(),
                    style: t.treated,
                    points: &treated,
                },
                Series {
                    glyph: GLYPHS[1],
                    label: view.control.legend.to_string(),
                    style: t.control,
                    points: &control,
                },
            ];
            // A glyph every 12 columns on each line; the legend's box (three entries)
            // keeps the bottom right corner.
            mark_lines(buf, &canvas, &series, 12);
            label_ends(
                buf,
                &canvas,
                &series,
                canvas.area.bottom().saturating_sub(5),
            );
        }
    }

    fn render_difference(&self, view: &TrendsView, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let diff = points(&view.difference);
        let [y0, y1] = y_bounds(diff.iter().map(|p| p.1).chain([0.0]), 1.0);
        let (first, last) = (view.first.index() as f64, view.last.index() as f64);
        let zero = [(first, 0.0), (last, 0.0)];
        let datasets = vec![
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.dim)
                .data(&zero),
            Dataset::default()
                .name(view.difference_legend)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.difference)
                .data(&diff),
        ];
        Chart::new(datasets)
            .style(t.base)
            .block(panel(format!(" {} ", view.difference_title), t))
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .bounds([first, last])
                    .labels([view.first.to_string(), view.last.to_string()])
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([y0, y1])
                    .labels([signed_tick(y0), signed_tick(y1)])
                    .style(t.dim),
            )
            .render(area, buf);
    }
}

impl TrendsPage<'_> {
    /// The panels `z` maximises, in its order.
    pub fn panels(app: &App) -> &'static [&'static str] {
        if app.show_difference {
            &["employment rates", "group difference"]
        } else {
            &["employment rates"]
        }
    }

    /// Panel `panel` of `panels` alone in `area` (the page's message when there is no
    /// chart).
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        match (self.app.trends.as_ref(), panel) {
            (Ok(view), 0) => self.render_rates(view, area, buf),
            (Ok(view), _) => self.render_difference(view, area, buf),
            (Err(_), _) => TrendsPage { app: self.app }.render(area, buf),
        }
    }
}
