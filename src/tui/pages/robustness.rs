//! Page 7: every robustness check of core::robust for the current choices, in one table
//! (what it finds and how that reads), the event-study coefficients as a plot (HonestDiD's
//! sets against M̄ instead while its row is under the cursor), and the
//! question and reading rule of the check under the cursor spelled out for the audience.

use super::panel;
use crate::core::robust::{Check, EventStudy, RobustError};
use crate::core::view::format::count;
use crate::core::view::format::fixed;
use crate::core::view::robust::{CheckChart, CheckView, SensitivityChart, one_reason, suite_views};
use crate::tui::app::{App, Page};
use crate::tui::widgets::honest_plot::HonestPlot;
use crate::tui::widgets::message;
use crate::tui::widgets::robust_event_plot::EventPlot;
use crate::tui::widgets::robust_table::RobustTable;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub struct RobustnessPage<'a> {
    pub app: &'a App,
}

impl Widget for RobustnessPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if self.app.event_time_view {
            super::robustness_event_time::EventTimeView { app: self.app }.render(area, buf);
        } else {
            self.render_checks(None, area, buf);
        }
    }
}

/// Rows the chart under the checks table keeps before the table gives up its questions.
const MIN_CHART_HEIGHT: u16 = 12;

/// `z`'s panels of the checks view, in its order.
pub const PANELS: &[&str] = &["chart", "checks table"];

impl RobustnessPage<'_> {
    /// Panel `panel` of `PANELS` (of the event-time view's, there) alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        if self.app.event_time_view {
            super::robustness_event_time::EventTimeView { app: self.app }
                .render_panel(panel, area, buf);
        } else {
            self.render_checks(Some(panel), area, buf);
        }
    }

    /// The checks view; with `zoom`, only that panel of `PANELS`, in the whole area.
    fn render_checks(&self, zoom: Option<usize>, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let checks = Check::ALL.len() as u16;
        // Each check's question under its row only when the chart below still gets room to
        // be read; at 120×40 the questions would leave it a single line.
        let roomy = area.height > 2 * checks + 4 + MIN_CHART_HEIGHT;
        let table_h = if roomy { 2 * checks + 3 } else { checks + 3 };
        let [hint, table, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(table_h),
            Constraint::Fill(1),
        ])
        .areas(area);
        let [plot, about] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).areas(bottom);
        // Maximised, one panel takes the area and the others are not drawn.
        let (plot, table) = match zoom {
            Some(0) => (area, Rect::ZERO),
            Some(_) => (Rect::ZERO, area),
            None => (plot, table),
        };
        let about = if zoom.is_some() { Rect::ZERO } else { about };
        if zoom.is_none() {
            self.render_hint(hint, buf);
        }
        let weights = if app.choices.weighted {
            "weighted"
        } else {
            "unweighted"
        };
        let block = panel(
            format!(
                " Robustness: {} – {} ",
                app.choices.comparison.label(),
                app.choices.outcome.id()
            ),
            t,
        )
        .title_bottom(Line::styled(
            {
                let o = app.choices.robust_options();
                format!(
                    " {weights}; {} draws, seed {}; ↑↓ explains a check ",
                    count(o.draws),
                    o.seed
                )
            },
            t.dim,
        ));
        let inner = block.inner(table);
        if !table.is_empty() {
            block.render(table, buf);
        }
        let Some(suite) = app.robust.current(&app.choices.robust_key()) else {
            if !inner.is_empty() {
                message(
                    vec![Line::styled(
                        "Computing the checks for these choices…",
                        t.warning,
                    )],
                    inner,
                    buf,
                );
            }
            if !about.is_empty() {
                self.render_about(None, about, buf);
            }
            if !plot.is_empty() {
                panel(" Event study ", t).render(plot, buf);
            }
            return;
        };
        if let Some(why) = one_reason(suite) {
            // An unsupported combination is said once, as the Estimate page says it.
            if !inner.is_empty() {
                message(
                    vec![Line::styled(format!("Not available: {why}"), t.warning)],
                    inner,
                    buf,
                );
            }
            if !plot.is_empty() {
                self.render_plot(suite.event_study(), plot, buf);
            }
            if !about.is_empty() {
                self.render_about(None, about, buf);
            }
            return;
        }
        let views = suite_views(suite);
        if !inner.is_empty() {
            RobustTable {
                rows: &views,
                cursor: self.cursor(),
                with_questions: inner.height > 2 * checks,
                theme: t,
            }
            .render(inner, buf);
        }
        // A check with a chart of its own (HonestDiD's sets against M̄) shows it while its
        // row is under the cursor; every other row shows the event study.
        let selected = views.get(self.cursor());
        if !plot.is_empty() {
            match selected.and_then(|v| v.shown.as_ref().ok()?.chart.as_ref()) {
                Some(CheckChart::Sensitivity(chart)) => self.render_sensitivity(chart, plot, buf),
                Some(CheckChart::Bacon(scatter)) => render_bacon(scatter, t, plot, buf),
                Some(CheckChart::Sdid(trend)) => render_sdid(trend, t, plot, buf),
                None => self.render_plot(suite.event_study(), plot, buf),
            }
        }
        if !about.is_empty() {
            self.render_about(selected, about, buf);
        }
    }
}

impl RobustnessPage<'_> {
    fn cursor(&self) -> usize {
        self.app.cursor(Page::Robustness).min(Check::ALL.len() - 1)
    }

    fn render_hint(&self, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let line = Line::from(vec![
            Span::styled(" c ", t.key),
            Span::raw("comparison "),
            Span::styled(" o ", t.key),
            Span::raw("outcome "),
            Span::styled(" [ ] ", t.key),
            Span::raw("cutoff  "),
            Span::styled(
                if area.width >= 110 {
                    "controls, level and weights on page 6; each check has its own inference"
                } else {
                    "more choices on page 6"
                },
                t.dim,
            ),
        ]);
        buf.set_line(area.x, area.y, &line, area.width);
    }

    fn render_plot(&self, study: Result<&EventStudy, &RobustError>, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        match study {
            Ok(study) => EventPlot {
                study,
                block: panel(
                    if area.width >= 60 {
                        format!(
                            " Event study: coefficient, 95% band (HC1), │ base {} ",
                            study.base_period
                        )
                    } else {
                        format!(" Event study, 95% HC1, │ base {} ", study.base_period)
                    },
                    t,
                ),
                theme: t,
            }
            .render(area, buf),
            Err(why) => {
                let block = panel(" Event study ", t);
                let inner = block.inner(area);
                block.render(area, buf);
                message(
                    vec![Line::styled(format!("Not available: {why}"), t.dim)],
                    inner,
                    buf,
                );
            }
        }
    }

    fn render_sensitivity(&self, chart: &SensitivityChart, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let breakdown = chart.breakdown.map_or("none on the grid".to_string(), |b| {
            format!("{}={}", chart.parameter, fixed(b, 2))
        });
        let title = if area.width >= 60 {
            format!(
                " HonestDiD {}: original 95%, then by {}; breakdown {breakdown} ",
                chart.target, chart.parameter
            )
        } else {
            format!(" HonestDiD by {}, breakdown {breakdown} ", chart.parameter)
        };
        HonestPlot {
            chart,
            block: panel(title, t),
            theme: t,
        }
        .render(area, buf);
    }

    /// The question and the reading rule of the check under the cursor, and what it found
    /// in more detail than the table has room for (what limits it first).
    fn render_about(&self, view: Option<&CheckView>, area: Rect, buf: &mut Buffer) {
        let t = &self.app.theme;
        let check = Check::ALL[self.cursor()];
        let mut lines = vec![
            Line::from(vec![
                Span::styled("Tests: ", t.title),
                Span::raw(check.what_it_tests()),
            ]),
            Line::from(vec![
                Span::styled("Read: ", t.title),
                Span::raw(check.how_to_read()),
            ]),
        ];
        match view.map(|v| &v.shown) {
            Some(Ok(s)) => {
                lines.extend(
                    s.warnings
                        .iter()
                        .map(|w| Line::styled(w.clone(), t.warning)),
                );
                lines.extend(s.details.iter().map(|d| Line::styled(d.clone(), t.dim)));
            }
            Some(Err(why)) => lines.push(Line::styled(format!("Not available here: {why}"), t.dim)),
            None => {}
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(panel(
                format!(" {} ", crate::core::view::robust::name(check)),
                t,
            ))
            .render(area, buf);
    }
}

// ---- Goodman-Bacon and synthetic DiD: their own charts while their row is selected ----

fn render_bacon(
    scatter: &crate::core::view::robust_staggered::BaconScatter,
    t: &crate::tui::theme::Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    use crate::core::robust::bacon::ComparisonKind;
    use crate::tui::widgets::bacon_scatter::{BaconPlot, marker};
    let key = |k: ComparisonKind| marker(k).1;
    let weights = if scatter.weighted {
        "weighted"
    } else {
        "unweighted"
    };
    let title = if area.width >= 70 {
        format!(
            " 2×2 DiD by weight ({weights}): {} vs never {} earlier/later {} later/earlier; ─ TWFE {} ",
            key(ComparisonKind::TreatedVsNever),
            key(ComparisonKind::EarlierVsLater),
            key(ComparisonKind::LaterVsEarlier),
            fixed(scatter.twfe, 2)
        )
    } else if area.width >= 50 {
        format!(
            " {} never {} early {} late, {weights}; TWFE {} ",
            key(ComparisonKind::TreatedVsNever),
            key(ComparisonKind::EarlierVsLater),
            key(ComparisonKind::LaterVsEarlier),
            fixed(scatter.twfe, 2)
        )
    } else {
        // The table's bottom line names the weighting for every check.
        format!(
            " {} never {} early {} late; TWFE {} ",
            key(ComparisonKind::TreatedVsNever),
            key(ComparisonKind::EarlierVsLater),
            key(ComparisonKind::LaterVsEarlier),
            fixed(scatter.twfe, 2)
        )
    };
    BaconPlot {
        scatter,
        block: panel(title, t),
        theme: t,
    }
    .render(area, buf);
}

fn render_sdid(
    trend: &crate::core::view::robust_staggered::SdidTrend,
    t: &crate::tui::theme::Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    use crate::tui::widgets::sdid_trend::SdidPlot;
    let weights = if trend.weighted {
        "weighted"
    } else {
        "unweighted"
    };
    let title = if area.width >= 90 {
        format!(
            " BW vs synthetic control ({weights}, shifted {}), │ base {}; ATT {} ",
            crate::core::view::format::signed(trend.offset, 2),
            trend.base,
            crate::core::view::format::signed(trend.att, 2)
        )
    } else if area.width >= 64 {
        format!(
            " BW vs synthetic control ({weights}), │ base {}; ATT {} ",
            trend.base,
            crate::core::view::format::signed(trend.att, 2)
        )
    } else {
        format!(
            " BW vs synthetic ({weights}), ATT {} ",
            crate::core::view::format::signed(trend.att, 2)
        )
    };
    SdidPlot {
        trend,
        block: panel(title, t),
        theme: t,
    }
    .render(area, buf);
}
