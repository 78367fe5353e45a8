//! Page 7: every robustness check of core::robust for the current choices, in one table
//! (what it finds and how that reads), the event-study coefficients as a plot, and the
//! question and reading rule of the check under the cursor spelled out for the audience.

use super::panel;
use crate::core::robust::{
    Check, DoseResult, EventStudy, LeaveOneOut, PlaceboResult, RandomizationInference, Staggered,
    WildBootstrap,
};
use crate::tui::app::{App, Page};
use crate::tui::robust_results::{CheckResult, RobustSuite, robust_key};
use crate::tui::widgets::message;
use crate::tui::widgets::robust_event_plot::EventPlot;
use crate::tui::widgets::robust_table::{CheckRow, RobustTable, RowResult};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

pub struct RobustnessPage<'a> {
    pub app: &'a App,
}

/// Significance level at which a reading flags a problem.
const ALPHA: f64 = 0.05;

/// The page's short name of each check, in `Check::ALL` order.
fn name(check: Check) -> &'static str {
    match check {
        Check::EventStudy => "Pre-trends",
        Check::Placebo => "Placebo timing",
        Check::Ri => "Permutation",
        Check::Wild => "Wild bootstrap",
        Check::Loo => "Leave-one-out",
        Check::Dose => "Dose-response",
        Check::Staggered => "Staggered (CS)",
    }
}

impl Widget for RobustnessPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let roomy = area.height >= 34;
        let table_h = if roomy { 2 * 7 + 3 } else { 7 + 3 };
        let [hint, table, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(table_h),
            Constraint::Fill(1),
        ])
        .areas(area);
        self.render_hint(hint, buf);
        let [plot, about] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).areas(bottom);
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
            format!(" {weights}; 9,999 draws, seed 20171211; ↑↓ explains a check "),
            t.dim,
        ));
        let inner = block.inner(table);
        block.render(table, buf);
        let Some(suite) = app.robust.current(robust_key(&app.choices)) else {
            message(
                vec![Line::styled(
                    "Computing the checks for these choices…",
                    t.warning,
                )],
                inner,
                buf,
            );
            self.render_about(None, about, buf);
            panel(" Event study ", t).render(plot, buf);
            return;
        };
        if let Some(why) = one_reason(suite) {
            // An unsupported combination is said once, as the Estimate page says it.
            message(
                vec![Line::styled(format!("Not available: {why}"), t.warning)],
                inner,
                buf,
            );
            self.render_plot(&suite.event_study, plot, buf);
            self.render_about(None, about, buf);
            return;
        }
        let rows = rows(suite);
        RobustTable {
            rows: &rows,
            cursor: self.cursor(),
            with_questions: roomy,
            theme: t,
        }
        .render(inner, buf);
        self.render_plot(&suite.event_study, plot, buf);
        self.render_about(Some(suite), about, buf);
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

    fn render_plot(&self, study: &CheckResult<EventStudy>, area: Rect, buf: &mut Buffer) {
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

    /// The question and the reading rule of the check under the cursor, and what it found
    /// in more detail than the table has room for.
    fn render_about(&self, suite: Option<&RobustSuite>, area: Rect, buf: &mut Buffer) {
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
        if let Some(s) = suite {
            lines.extend(
                details(check, s)
                    .into_iter()
                    .map(|d| Line::styled(d, t.dim)),
            );
        }
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(panel(format!(" {} ", name(check)), t))
            .render(area, buf);
    }
}

/// The reason when every check failed for the same one (an unsupported combination).
fn one_reason(s: &RobustSuite) -> Option<&str> {
    let why = s.event_study.as_ref().err()?;
    let same = |r: Option<&String>| r == Some(why);
    (same(s.placebo.as_ref().err())
        && same(s.ri.as_ref().err())
        && same(s.wild.as_ref().err())
        && same(s.loo.as_ref().err())
        && same(s.dose.as_ref().err())
        && same(s.staggered.as_ref().err()))
    .then_some(why.as_str())
}

/// A p-value with three decimals, or "< 0.001".
fn p(value: f64) -> String {
    if value < 0.001 {
        "< 0.001".into()
    } else {
        format!("{value:.3}")
    }
}

/// An interval bound; `None` is unbounded on that side.
fn bound(b: Option<f64>, infinity: &str) -> String {
    b.map_or(infinity.to_string(), |v| format!("{v:.2}"))
}

/// Draws as the user reads them: 9,999 with a thousands separator.
fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The table rows of a suite, in `Check::ALL` order.
pub fn rows(s: &RobustSuite) -> Vec<CheckRow> {
    Check::ALL
        .into_iter()
        .map(|check| {
            let result = match check {
                Check::EventStudy => shown(&s.event_study, event_study_row),
                Check::Placebo => shown(&s.placebo, placebo_row),
                Check::Ri => shown(&s.ri, ri_row),
                Check::Wild => shown(&s.wild, wild_row),
                Check::Loo => shown(&s.loo, loo_row),
                Check::Dose => shown(&s.dose, dose_row),
                Check::Staggered => shown(&s.staggered, staggered_row),
            };
            CheckRow {
                name: name(check),
                question: check.what_it_tests(),
                result,
            }
        })
        .collect()
}

fn shown<T>(r: &CheckResult<T>, f: fn(&T) -> RowResult) -> RowResult {
    match r {
        Ok(v) => f(v),
        Err(why) => RowResult::Unavailable(why.clone()),
    }
}

fn row(statistic: String, inference: String, reading: String, flagged: bool) -> RowResult {
    RowResult::Shown {
        statistic,
        inference,
        reading,
        flagged,
    }
}

fn event_study_row(e: &EventStudy) -> RowResult {
    match &e.pre_trend_hc1 {
        Some(w) => {
            let reading = if w.p_value < ALPHA {
                "pre-trend found: groups drifted apart before the base"
            } else {
                "no pre-trend: parallel trends plausible"
            };
            row(
                format!("F({}, {}) = {:.2}", w.df_num, w.df_den, w.f),
                format!("p = {} (HC1)", p(w.p_value)),
                reading.into(),
                w.p_value < ALPHA,
            )
        }
        None => RowResult::Unavailable("no pre-period coefficient to test".into()),
    }
}

fn placebo_row(r: &PlaceboResult) -> RowResult {
    let c = &r.placebo;
    let flagged = c.p_value < ALPHA;
    let reading = if flagged {
        format!(
            "placebo effect {} → {}: trends differ anyway",
            r.placebo_base, r.placebo_end
        )
    } else {
        format!(
            "no placebo effect {} → {}: reassuring",
            r.placebo_base, r.placebo_end
        )
    };
    row(
        format!("{:+.3} (SE {:.3})", c.estimate, c.std_error),
        format!("p = {} (HC1)", p(c.p_value)),
        reading,
        flagged,
    )
}

fn ri_row(r: &RandomizationInference) -> RowResult {
    let how = if r.exact {
        format!("all {}", count(r.draws))
    } else {
        format!("{} draws", count(r.draws))
    };
    let of = format!(
        "{} of {} as extreme",
        count(r.at_least_as_extreme),
        count(r.draws)
    );
    let reading = if r.p_value < ALPHA {
        format!("unusual among re-assignments ({of})")
    } else {
        format!("ordinary among re-assignments ({of})")
    };
    row(
        format!("{:+.3} (t {:+.2})", r.estimate, r.t),
        format!("p = {}, {how}", p(r.p_value)),
        reading,
        false,
    )
}

fn wild_row(r: &WildBootstrap) -> RowResult {
    let draws = if r.enumerated {
        format!("all {} sign vectors", r.draws)
    } else {
        format!("{} draws", count(r.draws))
    };
    row(
        format!("{:+.3} (SE {:.3})", r.estimate, r.std_error_cr1),
        format!(
            "p = {} [{}, {}]",
            p(r.p_value),
            bound(r.ci_low, "−∞"),
            bound(r.ci_high, "+∞")
        ),
        format!("{} {} clusters, {draws}", r.clusters.len(), r.cluster_by),
        false,
    )
}

fn loo_row(r: &LeaveOneOut) -> RowResult {
    let movers: Vec<String> = r
        .most_influential
        .iter()
        .take(3)
        .filter_map(|d| d.shift.map(|s| format!("{} {s:+.2}", d.name)))
        .collect();
    row(
        format!("[{:+.3}, {:+.3}]", r.min, r.max),
        format!("all {} units: {:+.3}", r.n, r.estimate),
        format!("most: {}", movers.join(", ")),
        false,
    )
}

fn dose_row(r: &DoseResult) -> RowResult {
    let d = &r.dose;
    row(
        format!("{:+.3} (SE {:.3})", d.estimate, d.std_error),
        format!("p = {} (HC1)", p(d.p_value)),
        format!(
            "per {}; split {:+.3}",
            r.measure_unit, r.median_split.estimate
        ),
        false,
    )
}

fn staggered_row(r: &Staggered) -> RowResult {
    let o = &r.overall;
    row(
        format!("ATT {:+.3} ({:.3})", o.estimate, o.std_error),
        format!("95% [{:.2}, {:.2}]", o.ci_low, o.ci_high),
        format!(
            "{} cohorts vs not-yet-started, {} – {}",
            r.cohorts.len(),
            r.first_month,
            r.last_month
        ),
        false,
    )
}

/// More of what the check under the cursor found (one line each).
fn details(check: Check, s: &RobustSuite) -> Vec<String> {
    let why = |e: &String| vec![format!("Not available here: {e}")];
    match check {
        Check::EventStudy => match &s.event_study {
            Ok(e) => vec![format!(
                "{} units × {} periods, base {}; clustered pre-trend test: {}",
                e.units,
                e.periods,
                e.base_period,
                e.pre_trend_cluster.as_ref().map_or(
                    "not available (more pre-periods than clusters − 1)".into(),
                    |w| format!("F = {:.2}, p = {}", w.f, p(w.p_value))
                )
            )],
            Err(e) => why(e),
        },
        Check::Placebo => match &s.placebo {
            Ok(r) => vec![format!(
                "Actual DiD on the same units: {:+.3} (p = {}); placebo n = {}",
                r.actual.estimate,
                p(r.actual.p_value),
                r.n
            )],
            Err(e) => why(e),
        },
        Check::Ri => match &s.ri {
            Ok(r) => vec![format!(
                "{} of {} assignments at least as extreme; {} of {} units treated",
                count(r.at_least_as_extreme),
                count(r.draws),
                r.treated_units,
                r.n
            )],
            Err(e) => why(e),
        },
        Check::Wild => match &s.wild {
            Ok(r) => vec![format!(
                "Clusters: {}. CR1 SE {:.3}, t-test with G − 1 df: p = {}; 95% interval by test inversion",
                r.clusters.join(", "),
                r.std_error_cr1,
                p(r.p_value_cr1)
            )],
            Err(e) => why(e),
        },
        Check::Loo => match &s.loo {
            Ok(r) => r
                .most_influential
                .iter()
                .map(|d| match (d.shift, d.estimate) {
                    (Some(sh), Some(est)) => format!("{} {sh:+.3} → {est:+.3}", d.name),
                    _ => format!("{}: {}", d.name, d.error.as_deref().unwrap_or("")),
                })
                .collect(),
            Err(e) => why(e),
        },
        Check::Dose => match &s.dose {
            Ok(r) => vec![format!(
                "n = {}, R² = {:.3}; median split {:+.3} (p = {})",
                r.n,
                r.r2,
                r.median_split.estimate,
                p(r.median_split.p_value)
            )],
            Err(e) => why(e),
        },
        Check::Staggered => match &s.staggered {
            Ok(r) => vec![format!(
                "{} districts; cohorts: {}",
                r.units,
                r.cohorts
                    .iter()
                    .map(|(m, n)| format!("{m} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )],
            Err(e) => why(e),
        },
    }
}
