//! Page 4: draws `core::view::topics::TopicsView`: the share of talks by topic (Abb. 34),
//! quarterly topic shares with topics switched on and off (Abb. 35), and districts ranked by
//! their share of labour-market or housing talks with the median.

use super::panel;
use crate::core::bundle::Topic;
use crate::tui::app::{App, ListSort, Page, SortedList};
use crate::tui::widgets::ranked_bars::RankedBars;
use crate::tui::widgets::series_marks::{GLYPHS, Graph, Series, label_ends, mark_lines};
use crate::tui::widgets::{CURSOR_W, list_row, message};
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
        let view = &app.topics;
        let block = panel(format!(" {} ", view.heading), t)
            .title_bottom(Line::styled(" space: show in chart ", t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        let cursor = app.cursor(Page::Topics);
        // Without colour each topic's row names the glyph of its line in the chart below.
        let glyph_w = if t.marks_series() { 2 } else { 0 };
        let bar_w = (inner.width as usize)
            .saturating_sub(CURSOR_W + glyph_w + 16 + 4 + 8)
            .max(1);
        let max = view
            .topics
            .iter()
            .map(|r| r.talks)
            .max()
            .unwrap_or(0)
            .max(1) as f64;
        let lines: Vec<Line> = view
            .topics
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let len = (row.talks as f64 / max * bar_w as f64).round() as usize;
                let check = if app.topics_shown[i] { "[x] " } else { "[ ] " };
                let mut spans = vec![Span::raw(check)];
                if t.marks_series() {
                    spans.push(Span::styled(format!("{} ", GLYPHS[i]), t.topics[i]));
                }
                spans.extend([
                    Span::styled(format!("{:<16}", row.label), t.topics[i]),
                    Span::styled(format!("{:<bar_w$}", "█".repeat(len)), t.topics[i]),
                    Span::raw(format!(" {:>6}", row.share_text)),
                ]);
                list_row(Line::from(spans), i == cursor, t)
            })
            .collect();
        Paragraph::new(lines).render(inner, buf);
    }

    fn render_quarterly(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let quarters = &app.topics.quarters;
        let block = panel(format!(" {} ", app.topics.quarterly_heading), t);
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
                        .map(|(x, q)| (x as f64, q.percent[i]))
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
        let label = |q: Option<&crate::core::view::topics::QuarterShares>| {
            q.map(|q| q.label.clone()).unwrap_or_default()
        };
        let x_bounds = [0.0, (quarters.len().max(2) - 1) as f64];
        let x_labels = [label(quarters.first()), label(quarters.last())];
        let y_labels = [String::from("0"), format!("{y_max:.0}")];
        let canvas = Graph::of_chart(
            block.inner(area),
            &y_labels,
            &x_labels[0],
            x_bounds,
            [0.0, y_max],
        );
        Chart::new(datasets)
            .style(t.base)
            .block(block)
            .x_axis(
                Axis::default()
                    .bounds(x_bounds)
                    .labels(x_labels.clone())
                    .style(t.dim),
            )
            .y_axis(
                Axis::default()
                    .bounds([0.0, y_max])
                    .labels(y_labels.clone())
                    .style(t.dim),
            )
            .render(area, buf);
        if t.marks_series()
            && let Some(canvas) = canvas
        {
            let marked: Vec<Series> = series
                .iter()
                .map(|(i, data)| Series {
                    glyph: GLYPHS[*i],
                    label: Topic::ALL[*i]
                        .column()
                        .trim_start_matches("talks_")
                        .to_string(),
                    style: t.topics[*i],
                    points: data,
                })
                .collect();
            // Eight lines: each glyph every 8 columns, each on its own column.
            mark_lines(buf, &canvas, &marked, 8);
            label_ends(buf, &canvas, &marked, canvas.area.bottom());
        }
    }

    fn render_ranking(&self, area: Rect, buf: &mut Buffer) {
        let app = self.app;
        let t = &app.theme;
        let ranking = app.ranking_of(SortedList::Ranking);
        let sort = app.sort(SortedList::Ranking);
        let hint = super::hint(
            &[
                format!("by {} (s)", sort.label()),
                "PgDn: more".to_string(),
                "h: labour / housing".to_string(),
                "Enter: detail".to_string(),
            ],
            area.width,
        );
        let block =
            panel(format!(" {} ", ranking.heading), t).title_bottom(Line::styled(hint, t.dim));
        let inner = block.inner(area);
        block.render(area, buf);
        if ranking.items.is_empty() {
            message(
                vec![Line::styled("No district has talks on record.", t.warning)],
                inner,
                buf,
            );
            return;
        }
        let order = app.ranking_order(SortedList::Ranking);
        RankedBars {
            ranking,
            order: &order,
            by_value: sort == ListSort::Value,
            // The arrows walk the topic list; PgUp/PgDn page through the ranking.
            cursor: app.ranking_cursor,
            theme: t,
        }
        .render(inner, buf);
    }
}

/// `z`'s panels, in its order.
pub const PANELS: &[&str] = &["quarterly shares", "talks by topic", "district ranking"];

impl TopicsPage<'_> {
    /// Panel `panel` of `PANELS` alone in `area`.
    pub fn render_panel(&self, panel: usize, area: Rect, buf: &mut Buffer) {
        match panel {
            0 => self.render_quarterly(area, buf),
            1 => self.render_shares(area, buf),
            _ => self.render_ranking(area, buf),
        }
    }
}
