//! Page 2: when IM started. Municipality start months with the cumulative share (Abb. 4),
//! districts ordered by start date with the movable early-start cutoff, and the split by
//! government region (Abb. 5).

use super::{panel, pct};
use crate::core::period::Month;
use crate::tui::app::{App, Page};
use crate::tui::widgets::histogram::Histogram;
use crate::tui::widgets::{fit, message, visible_window};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};
use std::collections::BTreeMap;

/// Abb. 4's axis: retroactive funding from Jan 2017 to the last start in Oct 2018.
const FIRST: Month = Month {
    year: 2017,
    month: 1,
};
const LAST: Month = Month {
    year: 2018,
    month: 10,
};

pub struct StartTimesPage<'a> {
    pub app: &'a App,
}

impl Widget for StartTimesPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(58), Constraint::Fill(1)]).areas(area);
        let [hist, regions] =
            Layout::vertical([Constraint::Fill(3), Constraint::Fill(2)]).areas(left);
        self.render_histogram(hist, buf);
        self.render_regions(regions, buf);
        self.render_districts(right, buf);
    }
}

impl StartTimesPage<'_> {
    fn render_histogram(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let months = &self.app.facts.municipality_start_months;
        let mut counts: BTreeMap<Month, usize> = FIRST.through(LAST).map(|m| (m, 0)).collect();
        let mut outside = 0;
        for m in months.values() {
            match counts.get_mut(m) {
                Some(c) => *c += 1,
                None => outside += 1,
            }
        }
        let total = months.len().max(1) as f64;
        let mut running = 0usize;
        let mut bars = Vec::with_capacity(counts.len());
        let mut cumulative = Vec::with_capacity(counts.len());
        for (m, n) in &counts {
            running += n;
            bars.push((format!("{}/{:02}", m.month, m.year % 100), *n as f64));
            cumulative.push(running as f64 / total);
        }
        let title = format!(" Start months (Abb. 4), N = {} ", months.len());
        let block = panel(title, t);
        let inner = block.inner(area);
        block.render(area, buf);
        if months.is_empty() {
            message(
                vec![Line::styled(
                    "No municipality has a start month (grants missing?).",
                    t.warning,
                )],
                inner,
                buf,
            );
            return;
        }
        let [legend, chart] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        let half = cumulative
            .iter()
            .position(|s| *s >= 0.5)
            .map(|i| bars[i].0.clone())
            .unwrap_or_default();
        let mut spans = vec![
            Span::styled("█ municipalities ", t.bar),
            Span::styled("● cumulative", t.difference),
            Span::styled(format!("  half by {half}"), t.dim),
        ];
        if outside > 0 {
            spans.push(Span::styled(
                format!("  {outside} outside the axis"),
                t.warning,
            ));
        }
        buf.set_line(legend.x, legend.y, &Line::from(spans), legend.width);
        Histogram {
            bars: &bars,
            cumulative: Some(&cumulative),
            theme: t,
        }
        .render(chart, buf);
    }

    fn render_regions(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let mut by_region: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for d in self.app.starts.iter() {
            let entry = by_region
                .entry(d.region.clone().unwrap_or_else(|| "(no region)".into()))
                .or_default();
            if d.early { entry.0 += 1 } else { entry.1 += 1 }
        }
        let rows: Vec<Row> = by_region
            .iter()
            .map(|(region, (early, late))| {
                let share = *early as f64 / (*early + *late).max(1) as f64;
                Row::new(vec![
                    Cell::from(fit(region, 20)),
                    Cell::from(format!("{:>5}", early + late)),
                    Cell::from(Span::styled(format!("{early:>5}"), t.treated)),
                    Cell::from(Span::styled(format!("{late:>5}"), t.control)),
                    Cell::from(format!("{:>7}", pct(share))),
                ])
            })
            .collect();
        let header = Row::new(vec![
            "Government region",
            "Total",
            "Early",
            " Late",
            " % early",
        ])
        .style(t.dim);
        Table::new(
            rows,
            [
                Constraint::Length(20),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(8),
            ],
        )
        .header(header)
        .block(panel(" Districts by government region ", t))
        .render(area, buf);
    }

    fn render_districts(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let cutoff = app.choices.cutoff;
        let early = app.starts.iter().filter(|d| d.early).count();
        let title = format!(
            " Districts: {early} early, {} late ",
            app.starts.len() - early
        );
        let block = panel(title, t).title_bottom(Line::styled(" [ ] move cutoff a week ", t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        if app.starts.is_empty() {
            message(
                vec![Line::styled(
                    "No district has a grant issued by the rule's date.",
                    t.warning,
                )],
                inner,
                buf,
            );
            return;
        }
        let name_w = (inner.width as usize).saturating_sub(18).max(6);
        let mut lines: Vec<Line> = Vec::with_capacity(app.starts.len() + 1);
        let mut cursor_row = 0;
        let cursor = app.cursor(Page::StartTimes);
        let mut cut_drawn = false;
        for (i, d) in app.starts.iter().enumerate() {
            if !cut_drawn && d.start > cutoff {
                let label = format!(" cutoff {cutoff} ");
                let fill =
                    "─".repeat((inner.width as usize).saturating_sub(label.chars().count() + 2));
                lines.push(Line::styled(format!("──{label}{fill}"), t.marker));
                cut_drawn = true;
            }
            if i == cursor {
                cursor_row = lines.len();
            }
            let (mark, style) = if d.early {
                ("early", t.treated)
            } else {
                ("late ", t.control)
            };
            let line = Line::from(vec![
                Span::raw(fit(&d.name, name_w)),
                Span::raw(format!(" {} ", d.start)),
                Span::styled(mark, style),
            ]);
            lines.push(if i == cursor {
                line.style(t.highlight)
            } else {
                line
            });
        }
        if !cut_drawn {
            lines.push(Line::styled(
                format!("── cutoff {cutoff} (after every start) ──"),
                t.marker,
            ));
        }
        let (start, end) = visible_window(lines.len(), cursor_row, inner.height as usize);
        let shown: Vec<Line> = lines.into_iter().skip(start).take(end - start).collect();
        Paragraph::new(shown).render(inner, buf);
    }
}
