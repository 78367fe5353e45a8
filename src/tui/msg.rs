//! Every key or terminal event becomes a `Msg`; the key bindings are a table of Msgs, so
//! the help overlay lists exactly what the keys do.

use super::app::Page;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the user (or `update` itself, as a follow-up) asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Quit,
    GoTo(Page),
    NextPage,
    PrevPage,
    ToggleHelp,
    /// Esc: close an overlay, or quit when none is open.
    Back,
    CycleComparison,
    CycleOutcome,
    CycleLevel,
    CycleVariance,
    ToggleWeighting,
    /// Move the early-start cutoff by this many days.
    MoveCutoff(i64),
    CursorUp,
    CursorDown,
    /// PgUp / PgDn: a screenful in the page's long list (the district ranking on Topics).
    PageUp,
    PageDown,
    /// Space: toggle the item under the cursor (a control, a topic).
    ToggleSelected,
    ToggleFindings,
    /// `x` on the Overview: what changed since the bundle given with `--compare`.
    ToggleChanges,
    ToggleSvOnly,
    ToggleDifference,
    SwitchRanking,
    /// The terminal was resized; nothing changes but the next frame.
    Resize,
    /// `e`: export the current page into the export directory.
    Export,
    /// Follow-up after a change of choices: make sure the estimate for them is cached.
    Reestimate,
}

/// Where a key works, for the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Page(Page),
}

/// One key binding: the key as shown in the help, where it works and what it does.
pub struct Binding {
    pub keys: &'static str,
    pub scope: Scope,
    pub action: &'static str,
}

/// Every key the dashboard understands (shown by `?`).
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: "1-7",
        scope: Scope::Everywhere,
        action: "go to page",
    },
    Binding {
        keys: "Tab / Shift-Tab",
        scope: Scope::Everywhere,
        action: "next / previous page",
    },
    Binding {
        keys: "c",
        scope: Scope::Everywhere,
        action: "cycle comparison",
    },
    Binding {
        keys: "o",
        scope: Scope::Everywhere,
        action: "cycle outcome",
    },
    Binding {
        keys: "[ / ]",
        scope: Scope::Everywhere,
        action: "move early-start cutoff a week earlier / later",
    },
    Binding {
        keys: "↑ ↓ (k j)",
        scope: Scope::Everywhere,
        action: "move in the page's list",
    },
    Binding {
        keys: "PgUp / PgDn",
        scope: Scope::Everywhere,
        action: "move ten rows (the district ranking on Topics)",
    },
    Binding {
        keys: "?",
        scope: Scope::Everywhere,
        action: "show / hide this help",
    },
    Binding {
        keys: "q / Esc",
        scope: Scope::Everywhere,
        action: "quit (Esc closes an overlay first)",
    },
    Binding {
        keys: "e",
        scope: Scope::Everywhere,
        action: "export this page (svg, png, md, tex, csv)",
    },
    Binding {
        keys: "f",
        scope: Scope::Page(Page::Overview),
        action: "list check findings",
    },
    Binding {
        keys: "space",
        scope: Scope::Page(Page::Topics),
        action: "toggle topic in the trend chart",
    },
    Binding {
        keys: "x",
        scope: Scope::Page(Page::Overview),
        action: "changes since the --compare bundle",
    },
    Binding {
        keys: "h",
        scope: Scope::Page(Page::Topics),
        action: "rank by labour-market / housing talks",
    },
    Binding {
        keys: "s",
        scope: Scope::Page(Page::Trends),
        action: "social-security employment only on / off",
    },
    Binding {
        keys: "d",
        scope: Scope::Page(Page::Trends),
        action: "show group difference",
    },
    Binding {
        keys: "space",
        scope: Scope::Page(Page::Estimate),
        action: "toggle control under cursor",
    },
    Binding {
        keys: "l",
        scope: Scope::Page(Page::Estimate),
        action: "cycle level (district / municipality)",
    },
    Binding {
        keys: "v",
        scope: Scope::Page(Page::Estimate),
        action: "cycle variance type (hc1, hc0 ...)",
    },
    Binding {
        keys: "w",
        scope: Scope::Page(Page::Estimate),
        action: "weighted / unweighted",
    },
];

/// Translates a terminal event; `page` decides page-local keys.
pub fn from_event(event: &Event, page: Page) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => from_key(*key, page),
        Event::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// Translates one key press.
pub fn from_key(key: KeyEvent, page: Page) -> Option<Msg> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        // Raw mode swallows SIGINT; Ctrl-C must still leave.
        return matches!(key.code, KeyCode::Char('c')).then_some(Msg::Quit);
    }
    let msg = match key.code {
        KeyCode::Char('q') => Msg::Quit,
        KeyCode::Esc => Msg::Back,
        KeyCode::Char('?') => Msg::ToggleHelp,
        KeyCode::Tab => Msg::NextPage,
        KeyCode::BackTab => Msg::PrevPage,
        KeyCode::Char(d @ '1'..='7') => Msg::GoTo(Page::ALL[(d as u8 - b'1') as usize]),
        KeyCode::Char('c') => Msg::CycleComparison,
        KeyCode::Char('o') => Msg::CycleOutcome,
        KeyCode::Char('e') => Msg::Export,
        KeyCode::Char('[') => Msg::MoveCutoff(-7),
        KeyCode::Char(']') => Msg::MoveCutoff(7),
        KeyCode::Up | KeyCode::Char('k') => Msg::CursorUp,
        KeyCode::Down | KeyCode::Char('j') => Msg::CursorDown,
        KeyCode::PageUp => Msg::PageUp,
        KeyCode::PageDown => Msg::PageDown,
        KeyCode::Char(' ') | KeyCode::Enter => Msg::ToggleSelected,
        KeyCode::Char('f') if page == Page::Overview => Msg::ToggleFindings,
        KeyCode::Char('x') if page == Page::Overview => Msg::ToggleChanges,
        KeyCode::Char('h') if page == Page::Topics => Msg::SwitchRanking,
        KeyCode::Char('s') if page == Page::Trends => Msg::ToggleSvOnly,
        KeyCode::Char('d') if page == Page::Trends => Msg::ToggleDifference,
        KeyCode::Char('l') if page == Page::Estimate => Msg::CycleLevel,
        KeyCode::Char('v') if page == Page::Estimate => Msg::CycleVariance,
        KeyCode::Char('w') if page == Page::Estimate => Msg::ToggleWeighting,
        _ => return None,
    };
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn page_keys_only_work_on_their_page() {
        assert_eq!(
            from_key(key(KeyCode::Char('v')), Page::Estimate),
            Some(Msg::CycleVariance)
        );
        assert_eq!(from_key(key(KeyCode::Char('v')), Page::Overview), None);
        assert_eq!(
            from_key(key(KeyCode::Char('3')), Page::Overview),
            Some(Msg::GoTo(Page::Staffing))
        );
        assert_eq!(
            from_key(
                KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Page::Overview
            ),
            Some(Msg::Quit)
        );
    }
}
