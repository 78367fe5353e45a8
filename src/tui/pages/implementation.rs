//! Page 8: draws `core::view::implementation::ImplementationView`: the list of the report's
//! implementation exhibits (chapters 3 and 4) on the left, the one under the cursor on the
//! right as its table, its share column as bars, and its notes.

use super::panel;
use crate::core::exhibit::Exhibit;
use crate::core::view::format;
use crate::tui::app::{App, Page};
use crate::tui::widgets::{list_row, message};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub struct ImplementationPage<'a> {
    pub app: &'a App,
}

impl Widget for ImplementationPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [list, detail] =
            Layout::horizontal([Constraint::Length(26), Constraint::Fill(1)]).areas(area);
        self.render_list(list, buf);
        self.render_detail(detail, buf);
    }
}

impl ImplementationPage<'_> {
    fn cursor(&self) -> usize {
        let n = self.app.implementation.items.len();
        self.app
            .cursor(Page::Implementation)
            .min(n.saturating_sub(1))
    }

    fn render_list(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let block = panel(" Exhibits ", t).title_bottom(Line::styled(" ↑↓ ", t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        let cursor = self.cursor();
        let lines: Vec<Line> = self
            .app
            .implementation
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let style = if item.exhibit.is_ok() { t.text } else { t.dim };
                list_row(Line::styled(item.short, style), i == cursor, t)
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }

    fn render_detail(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let Some(item) = self.app.implementation.items.get(self.cursor()) else {
            return;
        };
        let e = match &item.exhibit {
            Ok(e) => e,
            Err(err) => {
                let block = panel(format!(" {} ", item.short), t);
                let inner = block.inner(area);
                block.render(area, buf);
                message(vec![Line::styled(err.to_string(), t.warning)], inner, buf);
                return;
            }
        };
        let block = panel(format!(" {} ", e.title), t);
        let inner = block.inner(area);
        block.render(area, buf);
        let table = table_lines(e, item.bar_column, inner.width as usize, t);
        let rows = (table.len() as u16).min(inner.height);
        let [top, notes] =
            Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(inner);
        Paragraph::new(table).render(top, buf);
        if notes.height > 1 {
            let n = format!("N = {}; {}.", format::count(e.n), e.unit);
            let text: Vec<Line> = [Line::raw(""), Line::styled(n, t.dim)]
                .into_iter()
                .chain(e.notes.iter().map(|n| Line::styled(n.as_str(), t.dim)))
                .collect();
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .render(notes, buf);
        }
    }
}

/// The exhibit's table as lines: label, the values rounded as their columns say, the stars,
/// and a bar for the share column in what width is left.
fn table_lines<'a>(
    e: &'a Exhibit,
    bar_column: Option<usize>,
    width: usize,
    t: &crate::tui::theme::Theme,
) -> Vec<Line<'a>> {
    let cells: Vec<Vec<String>> = e
        .rows
        .iter()
        .map(|r| {
            e.columns
                .iter()
                .zip(&r.values)
                .map(|(c, v)| match v {
                    Some(v) => format!("{:.*}", c.decimals, v),
                    None => "–".into(),
                })
                .collect()
        })
        .collect();
    let col_w: Vec<usize> = e
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain(std::iter::once(c.key.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let tested = e.rows.iter().any(|r| r.stars.is_some());
    let values_w: usize = col_w.iter().map(|w| w + 1).sum::<usize>() + if tested { 4 } else { 0 };
    // The label takes what the values and a bar of at least 10 cells leave.
    let bar_min = if bar_column.is_some() { 11 } else { 0 };
    let label_w = e
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(width.saturating_sub(values_w + bar_min).max(8));
    // Where the longest label does not fit beside the values, each label gets a line of its
    // own above its values (80 columns and a wide test table).
    let longest = e
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let stacked = label_w < longest;
    let label_w = if stacked { 2 } else { label_w };
    let bar_w = width.saturating_sub(label_w + values_w + 1);
    let mut header = vec![Span::styled(format!("{:<label_w$}", ""), t.dim)];
    for (c, w) in e.columns.iter().zip(&col_w) {
        header.push(Span::styled(format!(" {:>w$}", fit(&c.key, *w)), t.dim));
    }
    let mut lines = vec![Line::from(header)];
    for (r, row_cells) in e.rows.iter().zip(&cells) {
        let mut spans = if stacked {
            lines.push(Line::raw(fit(&r.label, width)));
            vec![Span::raw(format!("{:<label_w$}", ""))]
        } else {
            vec![Span::raw(format!("{:<label_w$}", fit(&r.label, label_w)))]
        };
        for (s, w) in row_cells.iter().zip(&col_w) {
            spans.push(Span::raw(format!(" {s:>w$}")));
        }
        if tested {
            spans.push(Span::styled(
                format!(" {:<3}", r.stars.as_deref().unwrap_or("")),
                t.warning,
            ));
        }
        if let Some(c) = bar_column
            && bar_w >= 4
            && let Some(Some(v)) = r.values.get(c)
        {
            let cells = ((v / 100.0).clamp(0.0, 1.0) * (bar_w - 1) as f64).round() as usize;
            spans.push(Span::raw(" "));
            spans.push(Span::styled("█".repeat(cells), t.bar));
        }
        lines.push(Line::from(spans));
    }
    lines
}

/// `s` cut to `w` characters, with an ellipsis when cut.
fn fit(s: &str, w: usize) -> String {
    if s.chars().count() <= w {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(w.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// `z`'s panels, in its order.
pub const PANELS: &[&str] = &["exhibit", "exhibits"];

impl ImplementationPage<'_> {
    /// Panel `panel` of `PANELS` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        match panel {
            0 => self.render_detail(area, buf),
            _ => self.render_list(area, buf),
        }
    }
}
