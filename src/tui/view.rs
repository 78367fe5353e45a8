//! The frame: page tabs, the current page, the status bar, and the help overlay. Reads the
//! App only; no state changes and no I/O happen while drawing.

use super::app::{App, Page};
use super::msg::{BINDINGS, Scope};
use super::pages;
use super::widgets::fit;
use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Tabs, Widget, Wrap};

/// The smallest terminal the dashboard draws into (an SSH session's default size).
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draws the whole dashboard into the frame.
pub fn draw(app: &App, frame: &mut Frame) {
    let area = frame.area();
    render(app, area, frame.buffer_mut());
}

/// Draws the whole dashboard into a buffer (what `draw` does, usable without a terminal).
pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let note = format!(
            "Please enlarge the terminal to at least {MIN_WIDTH}×{MIN_HEIGHT} (now {}×{}). q quits.",
            area.width, area.height
        );
        Paragraph::new(note)
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    let [tabs, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_tabs(app, tabs, buf);
    pages::render(app, body, buf);
    render_status(app, status, buf);
    if app.help {
        render_help(app, body, buf);
    }
}

fn render_tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let full: Vec<String> = Page::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} {}", i + 1, p.title()))
        .collect();
    let width = |titles: &[String], pad: usize| {
        titles
            .iter()
            .map(|s| s.chars().count() + 1 + 2 * pad)
            .sum::<usize>()
            - 1
    };
    // Eight padded tabs take 111 columns, unpadded 94; narrower terminals name only the
    // current page and number the others.
    let (titles, pad) = if width(&full, 1) <= area.width as usize {
        (full, " ")
    } else if width(&full, 0) <= area.width as usize {
        (full, "")
    } else {
        let short = Page::ALL
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if *p == app.page {
                    full[i].clone()
                } else {
                    format!("{}", i + 1)
                }
            })
            .collect();
        (short, " ")
    };
    let used = width(&titles, pad.len());
    Tabs::new(titles)
        .select(app.page.index())
        .style(t.tab)
        .highlight_style(t.tab_selected)
        .divider("│")
        .padding(pad, pad)
        .render(area, buf);
    let hint = Span::styled("? help ", t.dim);
    let w = hint.width() as u16;
    // Only where the tabs leave room.
    if area.width as usize >= used + 1 + w as usize {
        buf.set_span(area.x + area.width - w, area.y, &hint, w);
    }
}

fn render_status(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    buf.set_style(area, t.status);
    let bundle = app
        .bundle_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| app.bundle.manifest.bundle.name.clone());
    let c = &app.choices;
    let badge = if app.bundle.is_synthetic() {
        " SYNTHETIC "
    } else {
        ""
    };
    let errors = app.bundle.findings.errors().count();
    let error_note = if errors > 0 {
        format!(" {errors} errors ")
    } else {
        String::new()
    };
    let right_w = (badge.chars().count() + error_note.chars().count()) as u16;
    let left_w = area.width.saturating_sub(right_w) as usize;
    let status = |comparison: &str| {
        format!(
            " {bundle} │ {comparison} │ {} │ cutoff {}",
            c.outcome.id(),
            c.cutoff
        )
    };
    let mut text = status(c.comparison.label());
    if let Some(message) = &app.status {
        text = format!(" {message}");
    } else if text.chars().count() > left_w {
        // The comparison's short name, so the badge and the cutoff stay visible at 80 columns.
        text = status(c.comparison.id());
    }
    buf.set_string(area.x, area.y, fit(&text, left_w), t.status);
    let mut x = area.x + area.width - right_w;
    if !error_note.is_empty() {
        buf.set_string(x, area.y, &error_note, t.error.patch(t.status));
        x += error_note.chars().count() as u16;
    }
    if !badge.is_empty() {
        buf.set_string(x, area.y, badge, t.synthetic_badge);
    }
}

fn render_help(app: &App, body: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let lines: Vec<Line> = BINDINGS
        .iter()
        .filter(|b| !b.keys.is_empty())
        .map(|b| {
            let scope = match b.scope {
                Scope::Everywhere => String::new(),
                Scope::Page(p) => format!(" ({})", p.title()),
            };
            Line::from(vec![
                Span::styled(format!("{:>16}  ", b.keys), t.key),
                Span::raw(format!("{}{scope}", b.action)),
            ])
        })
        .collect();
    let height = (lines.len() as u16 + 2).min(body.height);
    let width = 76.min(body.width);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    Clear.render(area, buf);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(" Keys ")
                .title_bottom(Line::from(" ? or Esc closes ").alignment(Alignment::Right))
                .border_style(t.border),
        )
        .render(area, buf);
}
