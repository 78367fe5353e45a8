//! Page 6: the regression table as the report prints it, without and with controls, the
//! selectors for everything that enters the estimate, the controls switched one by one,
//! and the units left out and why.

use super::panel;
use crate::core::bundle::Level;
use crate::core::choices::SettingKind;
use crate::tui::app::{App, Page};
use crate::tui::widgets::regression_table::{Model, RegressionTable};
use crate::tui::widgets::{CURSOR_W, fit, list_row, message, wrapped_rows};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

pub struct EstimatePage<'a> {
    pub app: &'a App,
}

impl Widget for EstimatePage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(60), Constraint::Fill(1)]).areas(area);
        let a = &self.app.analysis;
        let any_excluded = [&a.with_controls, &a.without_controls]
            .iter()
            .any(|r| r.as_ref().is_ok_and(|(p, _)| !p.excluded.is_empty()));
        // The regression table needs the rows more than an empty list of exclusions; the
        // warnings are read whole (they say how to read every p-value), up to a third of the
        // page.
        let exclusions_h = match (any_excluded, area.height >= 30) {
            (false, _) => 0,
            (true, false) => 3,
            (true, true) => 6,
        };
        let warnings_h = wrapped_rows(&self.warning_lines(), left.width.saturating_sub(2));
        let excluded_h = (2 + exclusions_h + warnings_h)
            .max(3)
            .min((area.height / 3).max(3));
        let [table, excluded] =
            Layout::vertical([Constraint::Fill(1), Constraint::Length(excluded_h)]).areas(left);
        let controls_n = self.app.choices.available_controls(&self.app.bundle).len() as u16;
        let [selectors, controls] = Layout::vertical([
            Constraint::Length(8),
            Constraint::Min(controls_n.max(1) + 2),
        ])
        .areas(right);
        self.render_table(table, buf);
        self.render_excluded(excluded, buf);
        self.render_selectors(selectors, buf);
        self.render_controls(controls, buf);
    }
}

impl EstimatePage<'_> {
    fn render_table(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let c = &app.choices;
        let weights = if c.weighted { "weighted" } else { "unweighted" };
        // The fitted model names its convention (CR1 with its clusters and df); before a fit,
        // the choice.
        let a = &app.analysis;
        let se = match (&a.with_controls, &a.without_controls) {
            (Ok((_, e)), _) | (Err(_), Ok((_, e))) => e.se_short(),
            _ => format!("{} SE", c.variance.id().to_uppercase()),
        };
        let block = panel(
            format!(" DiD: {} – {} ", c.comparison.label(), c.outcome.id()),
            t,
        )
        .title_bottom(Line::styled(
            format!(" {se} in parentheses, {weights}; * p<.1 ** p<.05 *** p<.01 "),
            t.dim,
        ));
        let inner = block.inner(area);
        block.render(area, buf);
        let labels: Vec<(String, String)> = c
            .available_controls(&app.bundle)
            .iter()
            .map(|s| (s.column.clone(), s.display_label().to_string()))
            .collect();
        let errors: Vec<Line> = match (&a.without_controls, &a.with_controls) {
            // One reason for both columns (an unsupported combination) is said once.
            (Err(e1), Err(e2)) if e1 == e2 => {
                vec![Line::styled(format!("Not available: {e1}"), t.warning)]
            }
            (r1, r2) => [("(1)", r1), ("(2)", r2)]
                .into_iter()
                .filter_map(|(h, r)| {
                    r.as_ref()
                        .err()
                        .map(|e| Line::styled(format!("{h}: {e}"), t.warning))
                })
                .collect(),
        };
        let table_h = inner.height.saturating_sub(errors.len().min(3) as u16 * 2);
        let [table_area, error_area] =
            Layout::vertical([Constraint::Length(table_h), Constraint::Fill(1)]).areas(inner);
        if a.without_controls.is_err() && a.with_controls.is_err() {
            message(errors, inner, buf);
            return;
        }
        RegressionTable {
            models: [
                Model {
                    header: "(1)",
                    result: &a.without_controls,
                },
                Model {
                    header: "(2)",
                    result: &a.with_controls,
                },
            ],
            treated_label: c.comparison.group_labels_at(c.level).0,
            control_labels: &labels,
            theme: t,
        }
        .render(table_area, buf);
        message(errors, error_area, buf);
    }

    fn render_excluded(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let a = &self.app.analysis;
        let excluded = match (&a.with_controls, &a.without_controls) {
            (Ok((p, _)), _) | (Err(_), Ok((p, _))) => &p.excluded[..],
            _ => &[][..],
        };
        let block = panel(format!(" Excluded units: {} ", excluded.len()), t);
        let inner = block.inner(area);
        block.render(area, buf);
        let width = inner.width as usize;
        // What limits the inference comes first, wrapped: it decides how to read every
        // p-value above.
        let warning_lines = self.warning_lines();
        let warnings_h = wrapped_rows(&warning_lines, inner.width).min(inner.height);
        let warning_area = Rect {
            height: warnings_h,
            ..inner
        };
        let inner = Rect {
            y: inner.y + warnings_h,
            height: inner.height - warnings_h,
            ..inner
        };
        message(warning_lines, warning_area, buf);
        let mut lines: Vec<Line> = excluded
            .iter()
            .map(|e| Line::from(fit(&format!("{}: {}", e.unit, e.reason), width)))
            .collect();
        let room = inner.height as usize;
        if room > 0 && lines.len() > room {
            let more = lines.len() - (room - 1);
            lines.truncate(room - 1);
            lines.push(Line::styled(
                format!("… and {more} more (wirkung panel lists them all)"),
                t.dim,
            ));
        }
        Paragraph::new(lines).render(inner, buf);
    }

    /// The fitted model's warnings (few units or clusters, leverage near 1), one line each.
    fn warning_lines(&self) -> Vec<Line<'static>> {
        let a = &self.app.analysis;
        let warnings = match (&a.with_controls, &a.without_controls) {
            (Ok((_, e)), _) | (Err(_), Ok((_, e))) => &e.warnings[..],
            _ => &[][..],
        };
        warnings
            .iter()
            .map(|w| Line::styled(format!("! {w}"), self.app.theme.warning))
            .collect()
    }

    fn render_selectors(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let c = &app.choices;
        let settings = c.settings(&app.bundle);
        let changed = |kind: SettingKind| settings.iter().any(|s| s.kind == kind && s.changed);
        let row = |key: &'static str, name: &'static str, value: String, changed: bool| {
            let mut spans = vec![
                Span::styled(format!(" {key} "), t.key),
                // Two-character keys (`[]`) take one column of the name's padding.
                Span::raw(format!("{name:<w$}", w = 12 - key.chars().count())),
                Span::raw(value),
            ];
            if changed {
                spans.push(Span::styled(" (changed)", t.warning));
            }
            Line::from(spans)
        };
        let level = match c.level {
            Level::District => "district",
            Level::Municipality => "municipality",
        };
        let lines = vec![
            row("c", "comparison", c.comparison.id().to_string(), false),
            row("o", "outcome", c.outcome.id().to_string(), false),
            row("l", "level", level.to_string(), changed(SettingKind::Level)),
            row(
                "v",
                "variance",
                c.variance.id().to_string(),
                changed(SettingKind::Se),
            ),
            row(
                "w",
                "weights",
                if c.weighted {
                    "weighted".into()
                } else {
                    "unweighted".into()
                },
                changed(SettingKind::Weights),
            ),
            row(
                "[]",
                "cutoff",
                c.cutoff.to_string(),
                changed(SettingKind::Cutoff),
            ),
        ];
        Paragraph::new(lines)
            .block(panel(" Choices ", t).title_bottom(Line::styled(" r resets  y command ", t.dim)))
            .render(area, buf);
    }

    fn render_controls(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let available = app.choices.available_controls(&app.bundle);
        let block = panel(" Controls in (2) ", t).title_bottom(Line::styled(" ↑↓ space ", t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        if available.is_empty() {
            message(
                vec![Line::styled(
                    "The bundle declares no control for this outcome and level.",
                    t.dim,
                )],
                inner,
                buf,
            );
            return;
        }
        let cursor = app.cursor(Page::Estimate);
        let width = (inner.width as usize).saturating_sub(4 + CURSOR_W);
        let lines: Vec<Line> = available
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let on = app.choices.is_control_on(&app.bundle, &s.column);
                let line = Line::from(vec![
                    Span::raw(if on { "[x] " } else { "[ ] " }),
                    Span::styled(
                        fit(s.display_label(), width),
                        if on { t.text } else { t.dim },
                    ),
                ]);
                list_row(line, i == cursor, t)
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }
}

/// `z`'s panels, in its order.
pub const PANELS: &[&str] = &["regression table", "controls"];

impl EstimatePage<'_> {
    /// Panel `panel` of `PANELS` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        match panel {
            0 => self.render_table(area, buf),
            _ => self.render_controls(area, buf),
        }
    }
}
