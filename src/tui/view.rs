//! The frame: page tabs, the current page, the status bar, and the help overlay. Reads the
//! App only; no state changes and no I/O happen while drawing.

use super::app::{App, Page};
use super::msg::{BINDINGS, Msg, Scope, Sends};
use super::pages;
use super::widgets::fit;
use crate::core::choices::SettingKind;
use crate::core::derive::Comparison;
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
    // The light and high-contrast themes paint their own background under everything.
    buf.set_style(area, app.theme.base);
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
    let [tabs, body, footer, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    // A maximised panel (`z`) takes the tabs' row too; the footer says how to get back and
    // the status bar (choices, SYNTHETIC badge) stays, so a screenshot still says what it
    // shows.
    let zoom = pages::zoomed(app);
    let body = if zoom.is_some() {
        tabs.union(body)
    } else {
        body
    };
    if zoom.is_none() {
        render_tabs(app, tabs, buf);
    }
    pages::render(app, body, buf);
    match zoom {
        Some(panel) => render_zoom_footer(app, panel, footer, buf),
        None => render_footer(app, footer, buf),
    }
    render_status(app, status, buf);
    if let Some(district) = &app.district {
        super::widgets::district_detail::DistrictDetail {
            view: district,
            theme: &app.theme,
        }
        .render(body, buf);
    }
    if app.help {
        render_help(app, body, buf);
    }
    if let Some(command) = &app.command {
        render_command(app, command, body, buf);
    }
}

/// `y`: the command that prints this view, wrapped whole (never cut), copied if the terminal
/// allows.
fn render_command(app: &App, command: &str, body: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let width = body.width.saturating_sub(4).min(100);
    let text_w = width.saturating_sub(2).max(1);
    let note = "Copied to the clipboard where the terminal allows (OSC 52); select it otherwise.";
    let rows = super::widgets::wrapped_rows(&[Line::raw(command), Line::raw(note)], text_w) + 1;
    let height = (rows + 2).min(body.height);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    Clear.render(area, buf);
    buf.set_style(area, t.base);
    Paragraph::new(vec![
        Line::raw(command.to_string()),
        Line::raw(""),
        Line::styled(note, t.dim),
    ])
    .wrap(Wrap { trim: false })
    .block(
        Block::bordered()
            .title(" The command that prints this view ")
            .title_bottom(Line::from(" Esc closes ").alignment(Alignment::Right))
            .border_style(t.border),
    )
    .render(area, buf);
}

/// The tab titles that fit `width` and their padding: eight padded tabs take 111 columns,
/// unpadded 94; narrower terminals name only the current page and number the others.
fn tab_titles(current: Page, width: u16) -> (Vec<String>, &'static str) {
    let full: Vec<String> = Page::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{} {}", i + 1, p.title()))
        .collect();
    let needed = |titles: &[String], pad: usize| {
        titles
            .iter()
            .map(|s| s.chars().count() + 1 + 2 * pad)
            .sum::<usize>()
            - 1
    };
    if needed(&full, 1) <= width as usize {
        (full, " ")
    } else if needed(&full, 0) <= width as usize {
        (full, "")
    } else {
        let short = Page::ALL
            .iter()
            .enumerate()
            .map(|(i, p)| {
                if *p == current {
                    full[i].clone()
                } else {
                    format!("{}", i + 1)
                }
            })
            .collect();
        (short, " ")
    }
}

fn render_tabs(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let (titles, pad) = tab_titles(app.page, area.width);
    Tabs::new(titles)
        .select(app.page.index())
        .style(t.tab)
        .highlight_style(t.tab_selected)
        .divider("│")
        .padding(pad, pad)
        .render(area, buf);
}

/// The page whose tab is drawn at column `x` of the tab row (padding, title, padding, then a
/// one-column divider, as `render_tabs` draws them).
pub fn tab_at(current: Page, width: u16, x: u16) -> Option<Page> {
    let (titles, pad) = tab_titles(current, width);
    let mut left = 0usize;
    for (i, title) in titles.iter().enumerate() {
        let right = left + 2 * pad.len() + title.chars().count();
        if (left..right).contains(&(x as usize)) {
            return Page::ALL.get(i).copied();
        }
        left = right + 1;
    }
    None
}

/// `--mouse`: the wheel moves the cursor of the page's list, a click on the tab row goes to
/// that page. Clicks elsewhere do nothing.
pub fn mouse_msg(
    app: &App,
    mouse: ratatui::crossterm::event::MouseEvent,
    width: u16,
    height: u16,
) -> Option<Msg> {
    use ratatui::crossterm::event::{MouseButton, MouseEventKind};
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return None;
    }
    match mouse.kind {
        MouseEventKind::ScrollUp => Some(Msg::CursorUp),
        MouseEventKind::ScrollDown => Some(Msg::CursorDown),
        MouseEventKind::Down(MouseButton::Left) if mouse.row == 0 => {
            tab_at(app.page, width, mouse.column).map(Msg::GoTo)
        }
        _ => None,
    }
}

/// The one-line key footer: the current page's keys first, then the keys every page shares,
/// each whole (a key never without its word), as many as fit; `? help` always at the right.
fn render_footer(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    // While a search is typed, the footer is its input line.
    if let Some(query) = &app.search {
        let line = Line::from(vec![
            Span::styled(" /", t.key),
            Span::raw(query.clone()),
            Span::styled("▏  Enter jumps, Esc cancels", t.dim),
        ]);
        buf.set_line(area.x, area.y, &line, area.width);
        return;
    }
    let position = app.position().map(|p| format!("{p} ")).unwrap_or_default();
    let help = [
        Span::styled(position, t.dim),
        Span::styled("?", t.key),
        Span::styled(" help ", t.dim),
    ];
    let help_w: u16 = help.iter().map(|s| s.width() as u16).sum();
    let room = area.width.saturating_sub(help_w + 1) as usize;
    let mut spans: Vec<Span> = Vec::new();
    let mut used = 0;
    for (keys, word) in footer_keys(app.page) {
        let w = 1 + keys.chars().count() + 1 + word.chars().count();
        if used + w > room {
            continue;
        }
        used += w;
        spans.push(Span::raw(" "));
        spans.push(Span::styled(keys, t.key));
        spans.push(Span::styled(format!(" {word}"), t.dim));
    }
    buf.set_line(area.x, area.y, &Line::from(spans), room as u16);
    let mut x = area.x + area.width - help_w;
    for span in &help {
        let w = span.width() as u16;
        buf.set_span(x, area.y, span, w);
        x += w;
    }
}

/// The footer of a maximised panel: which panel of how many, and the keys that lead on or
/// back.
fn render_zoom_footer(app: &App, panel: usize, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let names = pages::panels(app);
    let next = match names.get(panel + 1) {
        Some(name) => format!(" next: {name}"),
        None => " restore the page".to_string(),
    };
    let line = Line::from(vec![
        Span::styled(
            format!(
                " {} ({}/{}) maximised  ",
                names[panel],
                panel + 1,
                names.len()
            ),
            t.dim,
        ),
        Span::styled("z", t.key),
        Span::styled(next, t.dim),
        Span::raw("  "),
        Span::styled("Esc", t.key),
        Span::styled(" restore the page  ", t.dim),
        Span::styled("?", t.key),
        Span::styled(" help", t.dim),
    ]);
    buf.set_line(area.x, area.y, &line, area.width);
}

/// The footer's keys for `page`, in order of importance: the page's own, then the shared
/// ones (from `BINDINGS`, so the footer never names a key that does nothing here).
fn footer_keys(page: Page) -> Vec<(&'static str, &'static str)> {
    let own = BINDINGS
        .iter()
        .filter(|b| b.scope == Scope::Page(page) && !b.keys.is_empty())
        // ← / → only scroll the change view, whose title names them.
        .filter(|b| !matches!(b.sends, Sends::Msg(Msg::ScrollSideways(_))))
        .map(|b| (b.keys, b.short()));
    let shared = BINDINGS
        .iter()
        .filter(|b| b.scope == Scope::Everywhere && !b.keys.is_empty() && !b.short().is_empty())
        .map(|b| (b.keys, b.short()));
    own.chain(shared).collect()
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
    // Every choice that differs from the bundle's defaults is named, so that a screenshot
    // says what it shows; the cutoff always where the groups depend on it.
    let settings: Vec<_> = c
        .settings(&app.bundle)
        .into_iter()
        .filter(|s| {
            s.changed || (s.kind == SettingKind::Cutoff && c.comparison == Comparison::EarlyStart)
        })
        .collect();
    let status = |comparison: &str, short: bool| {
        let mut text = format!(" {bundle} │ {comparison} │ {}", c.outcome.id());
        for s in &settings {
            let mark = match (s.changed, short) {
                (false, _) => "",
                (true, false) => " (changed)",
                (true, true) => "*",
            };
            text.push_str(&format!(" │ {} {}{mark}", s.kind, s.value));
        }
        text
    };
    let candidates = [
        status(c.comparison.label(), false),
        // The comparison's short name, so the badge and the choices stay visible at 80
        // columns; then the changes marked by a star.
        status(c.comparison.id(), false),
        status(c.comparison.id(), true),
    ];
    let mut text = candidates
        .iter()
        .find(|t| t.chars().count() <= left_w)
        .unwrap_or(&candidates[2])
        .clone();
    if app.export.is_some() {
        text = format!(
            " exporting… (abandoned after {} s); q quits",
            app.export_limit.as_secs()
        );
    }
    if let Some(message) = &app.status {
        text = format!(" {message}");
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
    // This page's keys first, then the shared ones, then the other pages'.
    let rank = |b: &&super::msg::Binding| match b.scope {
        Scope::Page(p) if p == app.page => 0,
        Scope::Everywhere => 1,
        Scope::Page(_) => 2,
    };
    let scope_title = |b: &super::msg::Binding| match b.scope {
        Scope::Everywhere => String::new(),
        Scope::Page(p) => format!(" ({})", p.title()),
    };
    // `/` in help filters its lines (while typed, and after Enter until Esc or closing).
    let filter = app
        .search
        .as_ref()
        .or(app.help_filter.as_ref())
        .filter(|q| !q.is_empty());
    let needle = filter.map(|q| q.to_lowercase());
    let all = BINDINGS.iter().filter(|b| !b.keys.is_empty()).count();
    let mut bindings: Vec<&super::msg::Binding> = BINDINGS
        .iter()
        .filter(|b| !b.keys.is_empty())
        .filter(|b| {
            needle.as_ref().is_none_or(|n| {
                format!("{} {}{}", b.keys, b.action, scope_title(b))
                    .to_lowercase()
                    .contains(n.as_str())
            })
        })
        .collect();
    bindings.sort_by_key(rank);
    let title = match filter {
        Some(q) => format!(" Keys matching /{q}: {} of {all} ", bindings.len()),
        None => " Keys ".to_string(),
    };
    let empty = bindings.is_empty();
    let mut lines: Vec<Line> = bindings
        .into_iter()
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
    if empty {
        lines.push(Line::styled(
            "  no key matches; Esc clears the search",
            t.dim,
        ));
    }
    let height = (lines.len() as u16 + 2).min(body.height);
    let width = 76.min(body.width);
    let area = Rect {
        x: body.x + (body.width - width) / 2,
        y: body.y + (body.height - height) / 2,
        width,
        height,
    };
    Clear.render(area, buf);
    buf.set_style(area, t.base);
    Paragraph::new(lines)
        .block(
            Block::bordered()
                .title(title)
                .title_bottom(
                    Line::from(" / search · ? or Esc closes ").alignment(Alignment::Right),
                )
                .border_style(t.border),
        )
        .render(area, buf);
}
