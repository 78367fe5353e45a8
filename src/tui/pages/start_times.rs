//! Page 2: draws `core::view::start_times::StartTimesView`: municipality start months with
//! the cumulative share (Abb. 4), districts ordered by start date with the movable early-start
//! cutoff, and the split by government region (Abb. 5).

use super::panel;
use crate::tui::app::{App, ListSort, Page, SortedList};
use crate::tui::widgets::district_map::DistrictMap;
use crate::tui::widgets::histogram::Histogram;
use crate::tui::widgets::{CURSOR_W, fit, list_row, message, visible_window};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Widget};

pub struct StartTimesPage<'a> {
    pub app: &'a App,
}

impl Widget for StartTimesPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if let Some(view) = &self.app.map.view {
            DistrictMap {
                view,
                theme: &self.app.theme,
            }
            .render(area, buf);
            return;
        }
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
        let months = &self.app.start_times.municipality_months;
        let block = panel(format!(" {} ", months.heading), t);
        let inner = block.inner(area);
        block.render(area, buf);
        if months.total == 0 {
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
        let mut spans = vec![
            Span::styled("█ municipalities ", t.bar),
            Span::styled("● cumulative", t.difference),
            Span::styled(
                format!(
                    "  half by {}",
                    months.half_by.as_deref().unwrap_or_default()
                ),
                t.dim,
            ),
        ];
        if months.outside_axis > 0 {
            spans.push(Span::styled(
                format!("  {} outside the axis", months.outside_axis),
                t.warning,
            ));
        }
        buf.set_line(legend.x, legend.y, &Line::from(spans), legend.width);
        let bars: Vec<(String, f64)> = months
            .bars
            .iter()
            .map(|b| (b.label.clone(), b.municipalities as f64))
            .collect();
        let cumulative: Vec<f64> = months.bars.iter().map(|b| b.cumulative_share).collect();
        Histogram {
            bars: &bars,
            cumulative: Some(&cumulative),
            theme: t,
        }
        .render(chart, buf);
    }

    fn render_regions(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let rows: Vec<Row> = self
            .app
            .start_times
            .regions
            .iter()
            .map(|r| {
                Row::new(vec![
                    Cell::from(fit(&r.region, 20)),
                    Cell::from(format!("{:>5}", r.total)),
                    Cell::from(Span::styled(format!("{:>5}", r.early), t.treated)),
                    Cell::from(Span::styled(format!("{:>5}", r.late), t.control)),
                    Cell::from(format!("{:>7}", r.early_share)),
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
        let view = &app.start_times;
        let cutoff = view.cutoff;
        let sort = app.sort(SortedList::Districts);
        let by_date = sort == ListSort::StartDate;
        let hint = super::hint(
            &[
                format!("sorted by {} (s)", sort.label()),
                "Enter: detail".to_string(),
            ],
            area.width,
        );
        let block = panel(format!(" {} ", view.districts_heading), t)
            .title_bottom(Line::styled(hint, t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        if view.districts.is_empty() {
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
        let name_w = (inner.width as usize).saturating_sub(18 + CURSOR_W).max(6);
        let mut lines: Vec<Line> = Vec::with_capacity(view.districts.len() + 1);
        let mut cursor_row = 0;
        let cursor = app.cursor(Page::StartTimes);
        let mut cut_drawn = false;
        // By name the early/late marks say which side of the cutoff a district is; the
        // cutoff line only separates a list ordered by date.
        for (i, d) in app
            .district_order()
            .into_iter()
            .map(|k| &view.districts[k])
            .enumerate()
        {
            if by_date && !cut_drawn && d.start > cutoff {
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
            lines.push(list_row(line, i == cursor, t));
        }
        if by_date && !cut_drawn {
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

impl StartTimesPage<'_> {
    /// The panels `z` maximises, in its order.
    pub fn panels(app: &App) -> &'static [&'static str] {
        if app.map.view.is_some() {
            &["map"]
        } else {
            &["start months", "districts", "government regions"]
        }
    }

    /// Panel `panel` of `panels` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        if let Some(view) = &self.app.map.view {
            DistrictMap {
                view,
                theme: &self.app.theme,
            }
            .render(area, buf);
            return;
        }
        match panel {
            0 => self.render_histogram(area, buf),
            1 => self.render_districts(area, buf),
            _ => self.render_regions(area, buf),
        }
    }
}
