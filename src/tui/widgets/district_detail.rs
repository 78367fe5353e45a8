//! The district detail overlay (Enter on a district): draws `core::view::district::DistrictView`
//! — start, group, estimate, staffing, talks, municipalities as text, and the district's
//! monthly rate against its group's as a small chart told apart by marker, not only colour.

use super::wrapped_rows;
use crate::core::view::district::DistrictView;
use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Clear, Dataset, GraphType, Paragraph, Widget, Wrap};

pub struct DistrictDetail<'a> {
    pub view: &'a DistrictView,
    pub theme: &'a Theme,
}

impl Widget for DistrictDetail<'_> {
    fn render(self, body: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let v = self.view;
        let width = body.width.saturating_sub(4).clamp(20, 110);
        let height = body.height.saturating_sub(2).max(8);
        let area = Rect {
            x: body.x + (body.width.saturating_sub(width)) / 2,
            y: body.y + (body.height.saturating_sub(height)) / 2,
            width: width.min(body.width),
            height: height.min(body.height),
        };
        Clear.render(area, buf);
        let block = Block::bordered()
            .title(Line::styled(format!(" {} ", v.title()), t.title))
            .title_bottom(
                Line::styled(
                    format!(" {} · wirkung district · Esc closes ", v.district_id),
                    t.dim,
                )
                .alignment(Alignment::Right),
            )
            .border_style(t.border);
        let inner = block.inner(area);
        block.render(area, buf);

        let mut facts: Vec<Line> = vec![Line::from(v.start_line())];
        let membership = Line::from(v.membership_line());
        facts.push(match v.membership {
            crate::core::view::district::Membership::Treated { .. } => membership.style(t.treated),
            crate::core::view::district::Membership::Control { .. } => membership.style(t.control),
            _ => membership.style(t.warning),
        });
        if let Some(line) = v.estimate_line() {
            let style = if v.dropped_from_estimate.is_some() {
                t.warning
            } else {
                t.text
            };
            facts.push(Line::styled(line, style));
        }
        facts.push(Line::from(v.staffing_line()));
        facts.push(Line::from(v.talks_line()));
        let municipalities: Vec<String> = v
            .municipalities
            .iter()
            .map(|m| {
                let start = m.start_month.map(|s| format!(" {s}")).unwrap_or_default();
                let funded = if m.funded { "" } else { " (not funded)" };
                format!("{}{start}{funded}", m.name)
            })
            .collect();
        facts.push(Line::from(vec![
            Span::styled(format!("{}: ", v.municipalities_heading()), t.dim),
            Span::raw(municipalities.join("; ")),
        ]));
        // The chart keeps at least 7 rows; the municipalities' line is cut where it does not
        // fit (the command lists them all).
        let facts_h = wrapped_rows(&facts, inner.width).min(inner.height.saturating_sub(7));
        let [text, chart] =
            Layout::vertical([Constraint::Length(facts_h), Constraint::Fill(1)]).areas(inner);
        Paragraph::new(facts)
            .wrap(Wrap { trim: true })
            .render(text, buf);
        self.render_chart(chart, buf);
    }
}

impl DistrictDetail<'_> {
    fn render_chart(&self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let v = self.view;
        if area.height < 3 {
            return;
        }
        let [legend, plot] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        if v.series.is_empty() {
            buf.set_line(
                legend.x,
                legend.y,
                &Line::styled(v.series_line(), t.warning),
                legend.width,
            );
            return;
        }
        // The legend carries the last month's values, so that the chart's lines have numbers.
        let latest = v.latest();
        let value = |x: Option<f64>| x.map(|x| format!(" {x:.1}")).unwrap_or_default();
        let mut spans = vec![
            Span::styled("⣿ ", t.treated),
            Span::raw(format!("{}{}  ", v.name, value(latest.map(|l| l.1)))),
        ];
        if let Some(g) = &v.group_legend {
            spans.push(Span::styled("• ", t.control));
            spans.push(Span::raw(format!(
                "{g}{}  ",
                value(latest.and_then(|l| l.2))
            )));
        }
        // What the values are, whole or not at all (a month cut to "2019-" misleads).
        if let Some((month, _, _)) = latest {
            let used: usize = spans.iter().map(|s| s.width()).sum();
            let room = (legend.width as usize).saturating_sub(used);
            let long = format!("{} rate %, {month}", v.outcome.id());
            let short = format!("% in {month}");
            if let Some(text) = [long, short]
                .into_iter()
                .find(|t| t.chars().count() <= room)
            {
                spans.push(Span::styled(text, t.dim));
            }
        }
        buf.set_line(legend.x, legend.y, &Line::from(spans), legend.width);

        let first = v.series.first().map(|p| p.0).into_iter();
        let first = first
            .chain(v.group_series.first().map(|p| p.0))
            .min()
            .unwrap_or(v.series[0].0);
        let last = v
            .series
            .last()
            .map(|p| p.0)
            .into_iter()
            .chain(v.group_series.last().map(|p| p.0))
            .max()
            .unwrap_or(first);
        let x = |m: crate::core::period::Month| f64::from(m.index() - first.index());
        let own: Vec<(f64, f64)> = v.series.iter().map(|(m, r)| (x(*m), *r)).collect();
        let group: Vec<(f64, f64)> = v.group_series.iter().map(|(m, r)| (x(*m), *r)).collect();
        let values = || own.iter().chain(&group).map(|p| p.1);
        let lo = values().fold(f64::INFINITY, f64::min);
        let hi = values().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.05).max(0.5);
        let (y0, y1) = ((lo - pad).floor().max(0.0), (hi + pad).ceil());
        let mut datasets = vec![
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(t.treated)
                .data(&own),
        ];
        if !group.is_empty() {
            datasets.push(
                Dataset::default()
                    .marker(Marker::Dot)
                    .graph_type(GraphType::Scatter)
                    .style(t.control)
                    .data(&group),
            );
        }
        Chart::new(datasets)
            .x_axis(
                Axis::default()
                    .bounds([0.0, x(last).max(1.0)])
                    .labels([first.to_string(), last.to_string()])
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([y0, y1])
                    .labels([format!("{y0:.0}"), format!("{y1:.0}%")])
                    .style(t.dim),
            )
            .render(plot, buf);
    }
}
