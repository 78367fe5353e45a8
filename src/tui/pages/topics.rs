//! Page 4: what the IMs talked about. Share of talks by topic (Abb. 34), quarterly topic
//! shares with topics switched on and off (Abb. 35), and districts ranked by their share of
//! labour-market or housing talks with the median (comparisons 5 and housing talks).

use super::{panel, pct};
use crate::core::bundle::Topic;
use crate::core::derive::Comparison;
use crate::core::view::format::count;
use crate::tui::app::{App, Page, Ranking};
use crate::tui::widgets::message;
use crate::tui::widgets::ranked_bars::RankedBars;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

pub struct TopicsPage<'a> {
    pub app: &'a App,
}

impl Widget for TopicsPage<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Fill(1)]).areas(area);
        let [shares, quarterly] =
            Layout::vertical([Constraint::Length(10), Constraint::Fill(1)]).areas(left);
        self.render_shares(shares, buf);
        self.render_quarterly(quarterly, buf);
        self.render_ranking(right, buf);
    }
}

impl TopicsPage<'_> {
    fn render_shares(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let totals = &app.facts.topic_totals;
        let all: i64 = totals.iter().sum();
        let block = panel(
            format!(
                " Talks by topic (Abb. 34), N = {} ",
                count(usize::try_from(all).unwrap_or(0))
            ),
            t,
        )
        .title_bottom(Line::styled(" space: show in chart ", t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        let cursor = app.cursor(Page::Topics);
        let bar_w = (inner.width as usize).saturating_sub(16 + 4 + 8).max(1);
        let max = totals.iter().copied().max().unwrap_or(0).max(1) as f64;
        let lines: Vec<Line> = Topic::ALL
            .iter()
            .enumerate()
            .map(|(i, topic)| {
                let share = if all > 0 {
                    totals[i] as f64 / all as f64
                } else {
                    0.0
                };
                let len = (totals[i] as f64 / max * bar_w as f64).round() as usize;
                let check = if app.topics_shown[i] { "[x] " } else { "[ ] " };
                let line = Line::from(vec![
                    Span::raw(check),
                    Span::styled(format!("{:<16}", topic.label()), t.topics[i]),
                    Span::styled(format!("{:<bar_w$}", "█".repeat(len)), t.topics[i]),
                    Span::raw(format!(" {:>6}", pct(share))),
                ]);
                if i == cursor {
                    line.style(t.highlight)
                } else {
                    line
                }
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }

    fn render_quarterly(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let quarters = &app.facts.quarterly_topics;
        let block = panel(" Topic shares by quarter, % (Abb. 35) ", t);
        if quarters.is_empty() {
            let inner = block.inner(area);
            block.render(area, buf);
            message(
                vec![Line::styled("No activity data.", t.warning)],
                inner,
                buf,
            );
            return;
        }
        let series: Vec<(usize, Vec<(f64, f64)>)> = (0..Topic::ALL.len())
            .filter(|i| app.topics_shown[*i])
            .map(|i| {
                (
                    i,
                    quarters
                        .iter()
                        .enumerate()
                        .map(|(x, q)| (x as f64, q.2[i] * 100.0))
                        .collect(),
                )
            })
            .collect();
        let top = series
            .iter()
            .flat_map(|s| s.1.iter().map(|p| p.1))
            .fold(0.0f64, f64::max);
        let y_max = ((top / 10.0).ceil() * 10.0).max(10.0);
        let datasets: Vec<Dataset> = series
            .iter()
            .map(|(i, data)| {
                Dataset::default()
                    .marker(Marker::Braille)
                    .graph_type(GraphType::Line)
                    .style(t.topics[*i])
                    .data(data)
            })
            .collect();
        let first = quarters
            .first()
            .map(|q| format!("{}Q{}", q.0, q.1))
            .unwrap_or_default();
        let last = quarters
            .last()
            .map(|q| format!("{}Q{}", q.0, q.1))
            .unwrap_or_default();
        Chart::new(datasets)
            .block(block)
            .x_axis(
                Axis::default()
                    .bounds([0.0, (quarters.len().max(2) - 1) as f64])
                    .labels([first, last])
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, y_max])
                    .labels([String::from("0"), format!("{y_max:.0}")])
                    .style(t.dim),
            )
            .render(area, buf);
    }

    fn render_ranking(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let (split, comparison, what) = match app.ranking {
            Ranking::Labour => (
                &app.facts.labour_talks,
                Comparison::LabourTalks,
                "Labour-market",
            ),
            Ranking::Housing => (
                &app.facts.housing_talks,
                Comparison::HousingTalks,
                "Housing",
            ),
        };
        let block = panel(format!(" {what} talk share "), t)
            .title_bottom(Line::styled(" h: labour / housing, PgDn: more ", t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        if split.districts.is_empty() {
            message(
                vec![Line::styled("No district has talks on record.", t.warning)],
                inner,
                buf,
            );
            return;
        }
        RankedBars {
            items: &split.districts,
            median: split.median,
            // The arrows walk the topic list; PgUp/PgDn page through the ranking.
            cursor: app.ranking_cursor,
            format: |v| format!("{:.1}%", v * 100.0),
            groups: comparison.group_labels(),
            theme: t,
        }
        .render(inner, buf);
    }
}
