//! Page 7's second view (`t`): TWFE, Callaway–Sant'Anna, Sun–Abraham and imputation on one
//! months-since-start axis with their 95% bands, and the overall ATT by estimator with the
//! weights and variance convention of each; space shows or hides the estimator under the
//! cursor. Everything comes from `core::view::event_time::EventTimeOverlay`.

use super::panel;
use crate::core::view::event_time::{Estimator, EventTimeOverlay, OverallRow, overlay_of};
use crate::core::view::format::{fixed, interval, signed};
use crate::tui::app::{App, Page};
use crate::tui::widgets::event_time_plot::{EventTimePlot, stride_for, style};
use crate::tui::widgets::{CURSOR_W, list_row, message};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

pub struct EventTimeView<'a> {
    pub app: &'a App,
}

impl Widget for EventTimeView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        self.draw(None, area, buf);
    }
}

/// `z`'s panels of the event-time view, in its order.
pub const PANELS: &[&str] = &["event-time chart", "overall ATT table"];

impl EventTimeView<'_> {
    /// Panel `panel` of `PANELS` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        self.draw(Some(panel), area, buf);
    }

    /// The view; with `zoom`, only that panel of `PANELS`, in the whole area.
    fn draw(&self, zoom: Option<usize>, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let [hint, plot, table] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(7),
        ])
        .areas(area);
        let (hint, plot, table) = match zoom {
            Some(0) => (Rect::ZERO, area, Rect::ZERO),
            Some(_) => (Rect::ZERO, Rect::ZERO, area),
            None => (hint, plot, table),
        };
        let keys = Line::from(vec![
            Span::styled(" g ", t.key),
            Span::raw("checks table "),
            Span::styled(" ↑↓ space ", t.key),
            Span::raw("show / hide estimator "),
            Span::styled(" e ", t.key),
            Span::raw("export"),
        ]);
        if !hint.is_empty() {
            buf.set_line(hint.x, hint.y, &keys, hint.width);
        }
        let Some(suite) = app.robust.current(&app.choices.robust_key()) else {
            let block = panel(" Event-time estimators ", t);
            let plot = if plot.is_empty() { table } else { plot };
            let inner = block.inner(plot);
            block.render(plot, buf);
            message(
                vec![Line::styled(
                    "Computing the estimators for these choices…",
                    t.warning,
                )],
                inner,
                buf,
            );
            return;
        };
        let shown = app.estimators();
        let overlay = overlay_of(suite, &shown);
        let stride = stride_for(&overlay, plot.width.saturating_sub(2), shown.len());
        let every = if stride > 1 {
            format!(", every {stride} months")
        } else {
            String::new()
        };
        let title = if plot.width >= 100 {
            format!(" {}{every} ", overlay.title)
        } else {
            format!(" Effect by months since start, 95% bands{every} ")
        };
        let legend: Vec<Span> = overlay
            .series
            .iter()
            .filter(|s| s.shown)
            .flat_map(|s| {
                [
                    Span::styled(format!(" {} ", s.estimator.marker()), style(t, s.estimator)),
                    Span::styled(short(s.estimator, plot.width), t.dim),
                ]
            })
            .chain([Span::styled(" │ month -1 ", t.dim)])
            .collect();
        if !plot.is_empty() {
            EventTimePlot {
                overlay: &overlay,
                block: panel(title, t).title_bottom(Line::from(legend)),
                theme: t,
                stride,
            }
            .render(plot, buf);
        }
        if !table.is_empty() {
            self.render_table(&overlay, table, buf);
        }
    }
}

fn short(e: Estimator, width: u16) -> &'static str {
    match (e, width >= 90) {
        (_, true) => e.label(),
        (Estimator::Twfe, false) => "TWFE",
        (Estimator::CallawaySantAnna, false) => "CS",
        (Estimator::SunAbraham, false) => "SA",
        (Estimator::Imputation, false) => "BJS",
    }
}

impl EventTimeView<'_> {
    fn render_table(&self, overlay: &EventTimeOverlay, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let block = panel(" Overall ATT by estimator ", t).title_bottom(Line::styled(
            overlay.notes.first().cloned().unwrap_or_default(),
            t.dim,
        ));
        let inner = block.inner(area);
        block.render(area, buf);
        let cursor = self.app.cursor(Page::Robustness);
        for (i, row) in overlay.overall.iter().enumerate() {
            if i as u16 >= inner.height {
                break;
            }
            let shown = overlay
                .series
                .get(i)
                .map(|s| if s.shown { "[x]" } else { "[ ]" })
                .unwrap_or("   ");
            let line = row_line(row, shown, inner.width.saturating_sub(CURSOR_W as u16));
            let selected = i == cursor && i < Estimator::ALL.len();
            buf.set_line(
                inner.x,
                inner.y + i as u16,
                &list_row(Line::styled(line, t.text), selected, t),
                inner.width,
            );
        }
    }
}

fn row_line(row: &OverallRow, shown: &str, width: u16) -> String {
    let marker = row.marker.map_or(' ', |m| m);
    let numbers = match (row.estimate, row.std_error, row.interval) {
        (Some(e), Some(s), Some(i)) => format!(
            "{:>7} ({}) 95% {}",
            signed(e, 3),
            fixed(s, 3),
            interval(i.low, i.high, 2)
        ),
        _ => String::new(),
    };
    let head = format!("{shown} {marker} {:<19} {numbers:<36} ", row.estimator);
    let rest = usize::from(width).saturating_sub(head.chars().count());
    let full = if row.convention.chars().count() <= rest {
        &row.convention
    } else {
        &row.short_convention
    };
    let convention: String = full.chars().take(rest).collect();
    format!("{head}{convention}")
}
