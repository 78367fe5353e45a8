//! Page 3: staffing before and after IM. Tab. 5 (direction of change, plain and
//! refugee-weighted shares), the FTE change per municipality (Abb. 6), and the districts'
//! capacity change per 100 target persons split at the median (Abb. 43, comparison 3).

use super::{panel, pct};
use crate::core::derive::Comparison;
use crate::tui::app::{App, Page};
use crate::tui::widgets::histogram::Histogram;
use crate::tui::widgets::message;
use crate::tui::widgets::ranked_bars::RankedBars;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Row, Table, Widget};

pub struct StaffingPage<'a> {
    pub app: &'a App,
}

impl Widget for StaffingPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).areas(area);
        let [table, hist] =
            Layout::vertical([Constraint::Length(9), Constraint::Fill(1)]).areas(left);
        self.render_table(table, buf);
        self.render_histogram(hist, buf);
        self.render_capacity(right, buf);
    }
}

impl StaffingPage<'_> {
    fn render_table(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let s = &self.app.facts.staffing;
        let mut rows: Vec<Row> = s
            .rows
            .iter()
            .map(|r| {
                Row::new(vec![
                    Cell::from(r.change.label()),
                    Cell::from(format!("{:>8}", r.municipalities)),
                    Cell::from(format!("{:>7}", pct(r.share))),
                    Cell::from(format!("{:>9}", pct(r.refugee_weighted_share))),
                ])
            })
            .collect();
        rows.push(
            Row::new(vec![
                Cell::from("Total"),
                Cell::from(format!("{:>8}", s.total)),
            ])
            .style(t.title),
        );
        let header =
            Row::new(vec!["FTE change", "  Munic.", "  Share", " Refugee-w."]).style(t.dim);
        let mut block = panel(" Staffing change (Tab. 5) ", t);
        if s.without_refugee_count > 0 {
            block = block.title_bottom(Line::styled(
                format!(
                    " {} without refugee count: weight 0 ",
                    s.without_refugee_count
                ),
                t.warning,
            ));
        }
        Table::new(
            rows,
            [
                Constraint::Length(12),
                Constraint::Length(8),
                Constraint::Length(7),
                Constraint::Length(11),
            ],
        )
        .header(header)
        .column_spacing(2)
        .block(block)
        .render(area, buf);
    }

    fn render_histogram(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let f = &self.app.facts;
        let block = panel(
            format!(
                " FTE change per municipality (Abb. 6), N = {} ",
                f.fte_change_n
            ),
            t,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if f.fte_change_n == 0 {
            message(
                vec![Line::styled(
                    "No municipality reports FTE before and after.",
                    t.warning,
                )],
                inner,
                buf,
            );
            return;
        }
        let bars: Vec<(String, f64)> = f
            .fte_change_bins
            .iter()
            .map(|b| {
                let label = if b.open_below {
                    format!("<{}", b.high)
                } else {
                    format!("{}", b.low)
                };
                (label, b.count as f64)
            })
            .collect();
        let [legend, chart] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        buf.set_line(
            legend.x,
            legend.y,
            &Line::styled("per 0.25 FTE; the outer bins hold the rest", t.dim),
            legend.width,
        );
        Histogram {
            bars: &bars,
            cumulative: None,
            theme: t,
        }
        .render(chart, buf);
    }

    fn render_capacity(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let split = &self.app.facts.capacity;
        let mut block = panel(" Capacity change (Abb. 43) ", t);
        if !split.excluded.is_empty() {
            block = block.title_bottom(Line::styled(
                format!(" {} excluded: no pre-IM staffing ", split.excluded.len()),
                t.dim,
            ));
        }
        let inner = block.inner(area);
        block.render(area, buf);
        if split.districts.is_empty() {
            message(
                vec![Line::styled(
                    "No district has a capacity change.",
                    t.warning,
                )],
                inner,
                buf,
            );
            return;
        }
        RankedBars {
            items: &split.districts,
            median: split.median,
            cursor: self.app.cursor(Page::Staffing),
            format: |v| format!("{v:.2}"),
            groups: Comparison::Capacity.group_labels(),
            theme: t,
        }
        .render(inner, buf);
    }
}
