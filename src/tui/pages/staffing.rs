//! Page 3: draws `core::view::staffing::StaffingView`: Tab. 5 (direction of change, plain
//! and refugee-weighted shares), the FTE change per municipality (Abb. 6), and the capacity
//! change split at the median (Abb. 43, comparison 3).

use super::panel;
use crate::tui::app::{App, ListSort, Page, SortedList};
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
        let s = &self.app.staffing.changes;
        let mut rows: Vec<Row> = s
            .rows
            .iter()
            .map(|r| {
                Row::new(vec![
                    Cell::from(r.label),
                    Cell::from(format!("{:>8}", r.municipalities)),
                    Cell::from(format!("{:>7}", r.share)),
                    Cell::from(format!("{:>9}", r.refugee_weighted_share)),
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
        let [change, munic, share, weighted] = s.header;
        let header = Row::new(vec![
            change.to_string(),
            format!("{munic:>8}"),
            format!("{share:>7}"),
            format!(" {weighted}"),
        ])
        .style(t.dim);
        let mut block = panel(format!(" {} ", s.heading), t);
        if let Some(warning) = &s.warning {
            block = block.title_bottom(Line::styled(format!(" {warning} "), t.warning));
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
        let h = &self.app.staffing.fte_change;
        let block = panel(format!(" {} ", h.heading), t);
        let inner = block.inner(area);
        block.render(area, buf);
        if h.n == 0 {
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
        let bars: Vec<(String, f64)> = h
            .bars
            .iter()
            .map(|(label, n)| (label.clone(), *n as f64))
            .collect();
        let [legend, chart] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(inner);
        buf.set_line(
            legend.x,
            legend.y,
            &Line::styled(h.legend, t.dim),
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
        let ranking = &self.app.staffing.capacity;
        let sort = self.app.sort(SortedList::Capacity);
        // The sort first, then why units are missing (its short form where the long one does
        // not fit), then the detail key.
        let parts = |note: Option<&str>| {
            let mut parts = vec![format!("by {} (s)", sort.label())];
            parts.extend(note.map(str::to_string));
            parts.push("Enter: detail".to_string());
            parts
        };
        let full = ranking.excluded_note.as_deref();
        let short = full.map(|n| n.split(':').next().unwrap_or(n));
        let mut hint = super::hint(&parts(full), area.width);
        if full.is_some_and(|n| !hint.contains(n)) {
            hint = super::hint(&parts(short), area.width);
        }
        let block =
            panel(format!(" {} ", ranking.heading), t).title_bottom(Line::styled(hint, t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        if ranking.items.is_empty() {
            message(
                vec![Line::styled(self.app.staffing.capacity_empty, t.warning)],
                inner,
                buf,
            );
            return;
        }
        let order = self.app.ranking_order(SortedList::Capacity);
        RankedBars {
            ranking,
            order: &order,
            by_value: sort == ListSort::Value,
            cursor: self.app.cursor(Page::Staffing),
            theme: t,
        }
        .render(inner, buf);
    }
}

/// `z`'s panels, in its order.
pub const PANELS: &[&str] = &["capacity change", "Tab. 5", "FTE change"];

impl StaffingPage<'_> {
    /// Panel `panel` of `PANELS` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        match panel {
            0 => self.render_capacity(area, buf),
            1 => self.render_table(area, buf),
            _ => self.render_histogram(area, buf),
        }
    }
}
