//! Page 5: monthly employment rate of the comparison's two groups, Jan 2014 – Sep 2019
//! (report Abb. 41–46), the vertical line at the base month (at the cutoff for early vs
//! late), optionally the difference between the groups.

use super::panel;
use crate::core::derive::trends::Group;
use crate::core::derive::{Outcome, Trends};
use crate::core::period::Month;
use crate::tui::app::App;
use crate::tui::widgets::message;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LegendPosition, Widget};
use std::collections::BTreeMap;

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
        if app.choices.outcome == Outcome::Housing {
            spans.push(Span::styled(
                "  (trend figures exist for employment only)",
                t.dim,
            ));
        }
        buf.set_line(info.x, info.y, &Line::from(spans), info.width);
        let trends = match app.trends.as_ref() {
            Ok(tr) => tr,
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
            self.render_rates(trends, rates, buf);
            self.render_difference(trends, diff, buf);
        } else {
            self.render_rates(trends, body, buf);
        }
    }
}

/// Rates of one group by month index.
fn series(trends: &Trends, group: Group) -> BTreeMap<i32, f64> {
    trends
        .points
        .iter()
        .filter(|p| p.group == group)
        .map(|p| (p.month.index(), p.rate))
        .collect()
}

fn x_bounds(trends: &Trends) -> (Month, Month) {
    let first = trends
        .points
        .iter()
        .map(|p| p.month)
        .min()
        .unwrap_or(trends.marker);
    let last = trends
        .points
        .iter()
        .map(|p| p.month)
        .max()
        .unwrap_or(trends.marker);
    (first, last)
}

/// A whole number of percentage points with its sign; zero without one.
fn signed(x: f64) -> String {
    if x.round() == 0.0 {
        "0".into()
    } else {
        format!("{x:+.0}")
    }
}

/// Rounds the data range outward to whole multiples of `step`.
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
    fn render_rates(&self, trends: &Trends, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let (treated_name, control_name) = app.choices.comparison.group_labels();
        let to_points = |s: BTreeMap<i32, f64>| {
            s.into_iter()
                .map(|(m, r)| (m as f64, r))
                .collect::<Vec<_>>()
        };
        let treated = to_points(series(trends, Group::Treated));
        let control = to_points(series(trends, Group::Control));
        let [y0, y1] = y_bounds(treated.iter().chain(&control).map(|p| p.1), 5.0);
        let marker_x = trends.marker.index() as f64;
        let marker = [(marker_x, y0), (marker_x, y1)];
        let (first, last) = x_bounds(trends);
        let datasets = vec![
            Dataset::default()
                .name(format!("│ {}", trends.marker))
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.marker)
                .data(&marker),
            Dataset::default()
                .name(treated_name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.treated)
                .data(&treated),
            Dataset::default()
                .name(control_name)
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.control)
                .data(&control),
        ];
        let outcome = crate::core::choices::trend_outcome(app.choices.outcome);
        let title = format!(" {} – {} ", outcome.label(), app.choices.comparison.label());
        Chart::new(datasets)
            .block(panel(title, t))
            .legend_position(Some(LegendPosition::BottomRight))
            .hidden_legend_constraints((Constraint::Percentage(60), Constraint::Percentage(60)))
            .x_axis(
                Axis::default()
                    .bounds([first.index() as f64, last.index() as f64])
                    .labels([
                        first.to_string(),
                        trends.marker.to_string(),
                        last.to_string(),
                    ])
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([y0, y1])
                    .labels([
                        format!("{y0:.0}"),
                        format!("{:.0}", (y0 + y1) / 2.0),
                        format!("{y1:.0}"),
                    ])
                    .style(t.dim),
            )
            .render(area, buf);
    }

    fn render_difference(&self, trends: &Trends, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let control = series(trends, Group::Control);
        let diff: Vec<(f64, f64)> = series(trends, Group::Treated)
            .into_iter()
            .filter_map(|(m, r)| control.get(&m).map(|c| (m as f64, r - c)))
            .collect();
        let [y0, y1] = y_bounds(diff.iter().map(|p| p.1).chain([0.0]), 1.0);
        let (first, last) = x_bounds(trends);
        let zero = [(first.index() as f64, 0.0), (last.index() as f64, 0.0)];
        let datasets = vec![
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.dim)
                .data(&zero),
            Dataset::default()
                .name("treated − control")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.difference)
                .data(&diff),
        ];
        Chart::new(datasets)
            .block(panel(
                " Difference between the groups, percentage points ",
                t,
            ))
            .legend_position(None)
            .x_axis(
                Axis::default()
                    .bounds([first.index() as f64, last.index() as f64])
                    .labels([first.to_string(), last.to_string()])
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([y0, y1])
                    .labels([signed(y0), signed(y1)])
                    .style(t.dim),
            )
            .render(area, buf);
    }
}
