//! Page 1: what the bundle is, what `check` found, and the simple 2×2 DiD (report Tab. 11).

use super::{panel, pct};
use crate::core::bundle::{Severity, Table};
use crate::core::derive::Outcome;
use crate::core::view::format::count;
use crate::tui::app::{App, Page};
use crate::tui::widgets::{message, visible_window, wrapped_rows};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table as TableWidget, Widget, Wrap};
use std::collections::BTreeSet;

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
        let info = &self.app.bundle.manifest.bundle;
        let mut title = vec![Span::styled(info.name.clone(), t.title)];
        let mut note = None;
        if info.synthetic {
            title.insert(0, Span::styled(" SYNTHETIC ", t.synthetic_badge));
            title.insert(1, Span::raw(" "));
            note = Some(Line::styled(
                "Synthetic data: made up to resemble the report's published figures, not the evaluation's microdata.",
                t.warning,
            ));
        }
        let mut lines = vec![Line::from(title)];
        lines.extend(note);
        if !info.source.is_empty() {
            lines.push(Line::styled(format!("Source: {}", info.source), t.dim));
        }
        lines.push(Line::from(info.description.clone()));
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
        let b = &self.app.bundle;
        let bw = b.districts.iter().filter(|d| d.state == "BW").count();
        let funded = b.municipalities.iter().filter(|m| m.funded).count();
        let months: BTreeSet<_> = b.employment.iter().map(|e| e.month).collect();
        let span = match (months.first(), months.last()) {
            (Some(a), Some(z)) => format!("{a}–{z}"),
            _ => String::new(),
        };
        let row = |label: &str, n: usize, extra: String| {
            Line::from(format!("{label:<14}{:>7} {extra}", count(n)))
        };
        let lines = vec![
            row("Districts", b.districts.len(), format!("{bw} in BW")),
            row(
                "Municipalities",
                b.municipalities.len(),
                format!("{funded} funded"),
            ),
            row("IM grants", b.grants.len(), String::new()),
            row("Months", months.len(), span),
            row("Activity days", b.activity.len(), String::new()),
            row("IM survey", b.manager_survey.len(), "responses".into()),
        ];
        Paragraph::new(lines)
            .block(panel(" Contents ", &self.app.theme))
            .render(area, buf);
    }

    fn render_check(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let b = &self.app.bundle;
        let errors = b.findings.errors().count();
        let warnings = b.findings.warnings().count();
        let c = &b.activity_cleaning;
        let mut lines = vec![
            Line::from(vec![
                Span::styled(
                    format!("{errors} errors"),
                    if errors > 0 { t.error } else { t.ok },
                ),
                Span::raw(", "),
                Span::styled(
                    format!("{warnings} warnings"),
                    if warnings > 0 { t.warning } else { t.ok },
                ),
                Span::styled("   f lists them", t.dim),
            ]),
            Line::from(format!(
                "activity: {} rows read, {} exact duplicates dropped, {} conflicting kept",
                count(c.rows_read),
                count(c.exact_duplicates_dropped),
                count(c.conflicting_rows)
            )),
        ];
        let unreadable: Vec<&str> = Table::ALL
            .iter()
            .filter(|t| !b.has(**t))
            .map(|t| t.name())
            .collect();
        if !unreadable.is_empty() {
            lines.push(Line::styled(
                format!("unreadable: {}", unreadable.join(", ")),
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
        let lines = self.app.changes.as_deref().unwrap_or_default();
        let block = panel(
            " Changes since the --compare bundle – ↑↓ scroll, x or Esc closes ",
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
                let line = Line::raw(l.clone());
                if start + i == cursor {
                    line.style(t.highlight)
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(shown).render(inner, buf);
    }

    fn render_findings(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let items = &self.app.bundle.findings.items;
        let block = panel(
            format!(" Findings ({}) – ↑↓ scroll, f or Esc closes ", items.len()),
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
        let cursor = self.app.cursor(Page::Overview);
        let (start, end) = visible_window(items.len(), cursor, inner.height as usize);
        let lines: Vec<Line> = items[start..end]
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let (tag, style) = match f.severity {
                    Severity::Error => ("error  ", t.error),
                    Severity::Warning => ("warning", t.warning),
                };
                let line = Line::from(vec![
                    Span::styled(tag, style),
                    Span::raw(format!(" {}: {}", f.location(), f.message)),
                ]);
                if start + i == cursor {
                    line.style(t.highlight)
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }

    /// Tab. 11: weighted group means at base and end, and the simple DiD.
    fn render_did(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let c = app.choices.comparison;
        let periods = &app.bundle.manifest.periods;
        let (base, end) = match app.choices.outcome {
            Outcome::Housing => (
                periods.housing_base.to_string(),
                periods.housing_end.to_string(),
            ),
            _ => (
                periods.employment_base.to_string(),
                periods.employment_end.to_string(),
            ),
        };
        let block = panel(
            format!(
                " Simple DiD (Tab. 11): {} – {} ",
                c.label(),
                app.choices.outcome.label()
            ),
            t,
        );
        let inner = block.inner(area);
        block.render(area, buf);
        let estimate = match &app.analysis.without_controls {
            Ok((_, e)) => e,
            Err(why) => {
                message(
                    vec![Line::styled(format!("Not available: {why}"), t.warning)],
                    inner,
                    buf,
                );
                return;
            }
        };
        let (treated_name, control_name) = c.group_labels();
        let row = |name: &str, n: String, b: f64, e: f64, style| {
            Row::new(vec![
                Cell::from(name.to_string()),
                Cell::from(n),
                Cell::from(format!("{b:>8.1}")),
                Cell::from(format!("{e:>8.1}")),
                Cell::from(format!("{:>+8.1}", e - b)),
            ])
            .style(style)
        };
        let (tr, co) = (&estimate.treated, &estimate.control);
        let rows = vec![
            row(treated_name, tr.n.to_string(), tr.base, tr.end, t.treated),
            row(control_name, co.n.to_string(), co.base, co.end, t.control),
            row(
                "Difference",
                String::new(),
                tr.base - co.base,
                tr.end - co.end,
                t.title,
            ),
        ];
        let header = Row::new(vec![
            "Group".to_string(),
            "Units".to_string(),
            format!("{base:>8}"),
            format!("{end:>8}"),
            "  Change".to_string(),
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
        let did = (tr.end - tr.base) - (co.end - co.base);
        let share = if tr.n + co.n > 0 {
            tr.n as f64 / (tr.n + co.n) as f64
        } else {
            0.0
        };
        let note = vec![
            Line::from(vec![
                Span::raw("Simple DiD (change treated − change control): "),
                Span::styled(format!("{did:+.1}"), t.title),
                Span::styled(
                    format!("   weighted means; {} of units treated", pct(share)),
                    t.dim,
                ),
            ]),
            Line::styled(
                "Equals the treatment coefficient without controls (page 6).",
                t.dim,
            ),
        ];
        message(note, note_area, buf);
    }
}
