//! Page 1: draws `core::view::overview::OverviewView`: what the bundle is, what `check`
//! found, and the simple 2×2 DiD (laid out as the report's Tab. 11).

use super::panel;
use crate::core::bundle::Severity;
use crate::core::derive::trends::Group;
use crate::tui::app::{App, Page, SortedList};
use crate::tui::widgets::{CURSOR_W, fit, list_row, message, visible_window, wrapped_rows};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table as TableWidget, Widget, Wrap};

pub struct OverviewPage<'a> {
    pub app: &'a App,
}

impl Widget for OverviewPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // The bundle panel grows with its text (the source carries the data's attribution and
        // must stay visible), up to a third of the page.
        let lines = self.bundle_lines();
        let needed = wrapped_rows(&lines, area.width.saturating_sub(2));
        let height = (needed + 2).clamp(7, (area.height / 3).max(7));
        let [head, rest] =
            Layout::vertical([Constraint::Length(height), Constraint::Fill(1)]).areas(area);
        self.render_bundle(lines, head, buf);
        if self.app.show_changes {
            self.render_changes(rest, buf);
            return;
        }
        if self.app.show_findings {
            self.render_findings(rest, buf);
            return;
        }
        let [middle, did] =
            Layout::vertical([Constraint::Length(8), Constraint::Fill(1)]).areas(rest);
        let [contents, check] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(middle);
        self.render_contents(contents, buf);
        self.render_check(check, buf);
        self.render_did(did, buf);
    }
}

impl OverviewPage<'_> {
    /// Name (with the SYNTHETIC badge), the synthetic note, the source (attribution first, so
    /// a short panel still shows it) and the description.
    fn bundle_lines(&self) -> Vec<Line<'static>> {
        let t = &self.app.theme;
        let card = &self.app.overview.bundle.card;
        let mut title = vec![Span::styled(card.name.clone(), t.title)];
        if card.synthetic {
            title.insert(0, Span::styled(" SYNTHETIC ", t.synthetic_badge));
            title.insert(1, Span::raw(" "));
        }
        let mut lines = vec![Line::from(title)];
        lines.extend(card.synthetic_note.map(|n| Line::styled(n, t.warning)));
        lines.extend(card.source.iter().map(|s| Line::styled(s.clone(), t.dim)));
        lines.push(Line::from(card.description.clone()));
        lines
    }

    fn render_bundle(&self, lines: Vec<Line<'static>>, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(panel(
                format!(" Bundle: {} ", self.app.bundle_path.display()),
                t,
            ))
            .render(area, buf);
    }

    fn render_contents(&self, area: Rect, buf: &mut Buffer) {
        let lines: Vec<Line> = self
            .app
            .overview
            .bundle
            .contents
            .iter()
            .map(|r| Line::from(format!("{:<14}{:>7} {}", r.label, r.count, r.detail)))
            .collect();
        Paragraph::new(lines)
            .block(panel(" Contents ", &self.app.theme))
            .render(area, buf);
    }

    fn render_check(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let c = &self.app.overview.bundle.check;
        let mut lines = vec![
            Line::from(vec![
                Span::styled(
                    c.errors_text.clone(),
                    if c.errors > 0 { t.error } else { t.ok },
                ),
                Span::raw(", "),
                Span::styled(
                    c.warnings_text.clone(),
                    if c.warnings > 0 { t.warning } else { t.ok },
                ),
                Span::styled("   f lists them", t.dim),
            ]),
            Line::from(c.cleaning.clone()),
        ];
        if !c.unreadable.is_empty() {
            lines.push(Line::styled(
                format!("unreadable: {}", c.unreadable.join(", ")),
                t.error,
            ));
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(panel(" Check ", t))
            .render(area, buf);
    }

    /// The `wirkung diff` report against the `--compare` bundle, scrolled with the cursor.
    fn render_changes(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let lines = self.app.change_lines();
        let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        // Lines wider than the panel scroll sideways instead of losing their last columns;
        // never so far that the widest line's end leaves the panel.
        let room = (area.width.saturating_sub(2) as usize).saturating_sub(CURSOR_W);
        let offset = self.app.changes_offset.min(widest.saturating_sub(room));
        let sideways = if widest > room {
            format!(" ← → col {}/{widest}", offset + 1)
        } else {
            String::new()
        };
        let block = panel(
            format!(
                " Changes since the --compare bundle – {} (s), ↑↓{sideways}, x or Esc closes ",
                self.app.sort(SortedList::Changes).label()
            ),
            t,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        let cursor = self.app.cursor(Page::Overview);
        let (start, end) = visible_window(lines.len(), cursor, inner.height as usize);
        let shown: Vec<Line> = lines[start..end]
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let line = Line::raw(l.chars().skip(offset).collect::<String>());
                list_row(line, start + i == cursor, t)
            })
            .collect();
        Paragraph::new(shown).render(inner, buf);
    }

    fn render_findings(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let items = &self.app.bundle.findings.items;
        let block = panel(
            format!(
                " Findings ({}) – by {} (s), ↑↓ scroll, f or Esc closes ",
                items.len(),
                self.app.sort(SortedList::Findings).label()
            ),
            t,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        if items.is_empty() {
            message(
                vec![Line::styled(
                    "No findings: the bundle passed every check.",
                    t.ok,
                )],
                inner,
                buf,
            );
            return;
        }
        // Errors first (they make numbers wrong), then warnings, each in the loader's order;
        // or by table (`s`).
        let ordered = self.app.findings_in_order();
        let cursor = self.app.cursor(Page::Overview).min(ordered.len() - 1);
        // The finding under the cursor is shown whole below the list (a message is often
        // longer than a line).
        let selected = &ordered[cursor];
        let detail = vec![Line::from(vec![
            Span::styled(format!("{}/{} ", cursor + 1, ordered.len()), t.dim),
            Span::raw(format!("{}: {}", selected.location(), selected.message)),
        ])];
        let detail_h = wrapped_rows(&detail, inner.width)
            .min(inner.height / 2)
            .max(1);
        let [list, rule, detail_area] = Layout::vertical([
            Constraint::Fill(1),
            Constraint::Length(1),
            Constraint::Length(detail_h),
        ])
        .areas(inner);
        let (start, end) = visible_window(ordered.len(), cursor, list.height as usize);
        let width = list.width as usize;
        let lines: Vec<Line> = ordered[start..end]
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let (tag, style) = match f.severity {
                    Severity::Error => ("error  ", t.error),
                    Severity::Warning => ("warning", t.warning),
                };
                let text = fit(
                    &format!(" {}: {}", f.location(), f.message),
                    width.saturating_sub(7 + CURSOR_W),
                );
                let line = Line::from(vec![Span::styled(tag, style), Span::raw(text)]);
                list_row(line, start + i == cursor, t)
            })
            .collect();
        Paragraph::new(lines).render(list, buf);
        buf.set_string(rule.x, rule.y, "─".repeat(rule.width as usize), t.border);
        Paragraph::new(detail)
            .wrap(Wrap { trim: false })
            .render(detail_area, buf);
    }

    /// Tab. 11: weighted group means at base and end, and the simple DiD.
    fn render_did(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let view = &app.overview;
        let block = panel(format!(" {} ", view.did_heading), t);
        let inner = block.inner(area);
        block.render(area, buf);
        let did = match &view.did {
            Ok(did) => did,
            Err(why) => {
                message(
                    vec![Line::styled(format!("Not available: {why}"), t.warning)],
                    inner,
                    buf,
                );
                return;
            }
        };
        let rows: Vec<Row> = did
            .rows
            .iter()
            .map(|r| {
                let style = match r.group {
                    Some(Group::Treated) => t.treated,
                    Some(Group::Control) => t.control,
                    None => t.title,
                };
                Row::new(vec![
                    Cell::from(r.label.clone()),
                    Cell::from(r.units.clone()),
                    Cell::from(format!("{:>8}", r.base)),
                    Cell::from(format!("{:>8}", r.end)),
                    Cell::from(format!("{:>8}", r.change)),
                ])
                .style(style)
            })
            .collect();
        let [group, units, base, end, change] = &did.header;
        let header = Row::new(vec![
            group.clone(),
            units.clone(),
            format!("{base:>8}"),
            format!("{end:>8}"),
            format!("{change:>8}"),
        ])
        .style(t.dim);
        let widths = [
            Constraint::Length(24),
            Constraint::Length(6),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(9),
        ];
        let [table_area, note_area] =
            Layout::vertical([Constraint::Length(5), Constraint::Fill(1)]).areas(inner);
        TableWidget::new(rows, widths)
            .header(header)
            .column_spacing(1)
            .render(table_area, buf);
        let note = vec![
            Line::from(vec![
                Span::raw("Simple DiD (change treated − change control): "),
                Span::styled(did.did.clone(), t.title),
                Span::styled(format!("   {}", did.detail), t.dim),
            ]),
            Line::styled(did.reading, t.dim),
        ];
        message(note, note_area, buf);
    }
}

impl OverviewPage<'_> {
    /// The panels `z` maximises, in its order (the open list, else the 2×2 DiD first).
    pub fn panels(app: &App) -> &'static [&'static str] {
        if app.show_changes {
            &["changes"]
        } else if app.show_findings {
            &["findings"]
        } else {
            &["2×2 DiD", "bundle contents", "check"]
        }
    }

    /// Panel `panel` of `panels` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        match (self.app.show_changes, self.app.show_findings, panel) {
            (true, _, _) => self.render_changes(area, buf),
            (false, true, _) => self.render_findings(area, buf),
            (false, false, 0) => self.render_did(area, buf),
            (false, false, 1) => self.render_contents(area, buf),
            _ => self.render_check(area, buf),
        }
    }
}
