//! Every key or terminal event becomes a `Msg`; the key bindings are one table of Msgs that
//! both translates keys and fills the help overlay.

use crate::core::view::Page;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What the user (or `update` itself, as a follow-up) asks the app to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Msg {
    Quit,
    GoTo(Page),
    NextPage,
    PrevPage,
    ToggleHelp,
    /// Esc: close an overlay (never quits).
    Back,
    CycleComparison,
    CycleOutcome,
    CycleLevel,
    CycleVariance,
    ToggleWeighting,
    /// Move the early-start cutoff by this many days.
    MoveCutoff(i64),
    /// Set the early-start cutoff (the dashboard's `--cutoff`), held inside the start dates.
    SetCutoff(chrono::NaiveDate),
    CursorUp,
    CursorDown,
    /// PgUp / PgDn: a screenful in the page's long list (the district ranking on Topics).
    PageUp,
    PageDown,
    /// Home / End (g / G): the first / last row of the page's list.
    FirstRow,
    LastRow,
    /// Space: toggle the item under the cursor (a control, a topic).
    ToggleSelected,
    ToggleFindings,
    /// `x` on the Overview: what changed since the bundle given with `--compare`.
    ToggleChanges,
    ToggleSvOnly,
    ToggleDifference,
    /// `m` on Start times: list, map by start quarter, map by measure.
    CycleMap,
    SwitchRanking,
    /// The terminal was resized; nothing changes but the next frame.
    Resize,
    /// `t` on Robustness: the event-time view (estimators overlaid) or the checks table.
    ToggleEventTimeView,
    /// `e`: export the current page into the export directory (an `Effect` the event loop
    /// performs).
    Export,
    /// `r`: every choice back to the bundle's defaults (comparison and outcome stay).
    ResetChoices,
    /// `y`: show the `wirkung …` command that prints this view, and copy it (OSC 52).
    ShowCommand,
    /// A key of another page: say where it works instead of doing nothing.
    KeyOfPage(Page),
    /// `/`: start typing a search in the page's list.
    StartSearch,
    /// A character of the search being typed; Backspace removes one.
    SearchChar(char),
    SearchBackspace,
    /// Enter: jump to the first match; Esc: drop the search.
    SearchSubmit,
    SearchCancel,
    /// `n` / `N`: the next / previous match of the last search.
    NextMatch,
    PrevMatch,
    /// `s`: the next order of the page's list (districts, rankings, findings, changes).
    CycleSort,
    /// Enter on a district (Start times, Staffing, Topics' ranking): its detail overlay.
    OpenDistrict,
    /// `z`: maximise the page's panels one after another to the whole screen, then back.
    Zoom,
    /// ← / → on the Overview's change view: scroll its wide lines sideways by this many
    /// columns.
    ScrollSideways(i16),
}

/// Where a key works, for the help overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    Page(Page),
}

/// What a key sends: one message, or the page its digit names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sends {
    Msg(Msg),
    /// `1`–`7`: the page with that number.
    PageOfDigit,
}

/// One key binding: the keys, how the help writes them, where they work and what they do.
/// `from_key` and the help overlay both read `BINDINGS`, so the help lists exactly what the
/// keys do; a binding with empty `keys` is the second half of the row before it ("[ / ]") and
/// has no row of its own.
pub struct Binding {
    pub codes: &'static [KeyCode],
    pub keys: &'static str,
    pub scope: Scope,
    pub action: &'static str,
    pub sends: Sends,
}

impl Binding {
    /// One word for the key footer; empty where the footer leaves the key out (page
    /// numbers and Tab are on the tabs, `?` has its own place).
    pub fn short(&self) -> &'static str {
        let Sends::Msg(msg) = self.sends else {
            return "";
        };
        match msg {
            Msg::MoveCutoff(_) => "cutoff",
            Msg::CycleComparison => "comparison",
            Msg::CycleOutcome => "outcome",
            Msg::Export => "export",
            Msg::ShowCommand => "command",
            Msg::ResetChoices => "reset",
            Msg::ToggleFindings => "findings",
            Msg::ToggleChanges => "changes",
            Msg::SwitchRanking => "ranking",
            Msg::ToggleSvOnly => "SV only",
            Msg::ToggleDifference => "difference",
            Msg::ToggleSelected => "toggle",
            Msg::CycleLevel => "level",
            Msg::CycleVariance => "variance",
            Msg::ToggleWeighting => "weights",
            Msg::ToggleEventTimeView => "event time",
            Msg::CycleMap => "map",
            Msg::CursorUp => "move",
            Msg::StartSearch => "search",
            Msg::CycleSort => "sort",
            Msg::OpenDistrict => "detail",
            Msg::Quit => "quit",
            Msg::Zoom => "maximise",
            _ => "",
        }
    }
}

const fn binding(
    codes: &'static [KeyCode],
    keys: &'static str,
    scope: Scope,
    action: &'static str,
    msg: Msg,
) -> Binding {
    Binding {
        codes,
        keys,
        scope,
        action,
        sends: Sends::Msg(msg),
    }
}

use KeyCode::{BackTab, Char, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};
use Scope::Everywhere;

/// Every key the dashboard understands (shown by `?`), page keys after the global ones.
pub const BINDINGS: &[Binding] = &[
    Binding {
        codes: &[
            Char('1'),
            Char('2'),
            Char('3'),
            Char('4'),
            Char('5'),
            Char('6'),
            Char('7'),
            Char('8'),
        ],
        keys: "1-8",
        scope: Everywhere,
        action: "go to page",
        sends: Sends::PageOfDigit,
    },
    binding(
        &[Tab],
        "Tab / Shift-Tab",
        Everywhere,
        "next / previous page",
        Msg::NextPage,
    ),
    binding(&[BackTab], "", Everywhere, "", Msg::PrevPage),
    binding(
        &[Char('c')],
        "c",
        Everywhere,
        "cycle comparison",
        Msg::CycleComparison,
    ),
    binding(
        &[Char('o')],
        "o",
        Everywhere,
        "cycle outcome",
        Msg::CycleOutcome,
    ),
    binding(
        &[Char('[')],
        "[ / ]",
        Everywhere,
        "move early-start cutoff a week earlier / later",
        Msg::MoveCutoff(-7),
    ),
    binding(&[Char(']')], "", Everywhere, "", Msg::MoveCutoff(7)),
    // Before the list keys: the footer shows the shared keys in this order, as many as fit,
    // and a presenter needs this one more than the others.
    binding(
        &[Char('z')],
        "z",
        Everywhere,
        "maximise a chart or table; again: next one or back",
        Msg::Zoom,
    ),
    binding(
        &[Up, Char('k')],
        "↑ ↓ (k j)",
        Everywhere,
        "move in the page's list",
        Msg::CursorUp,
    ),
    binding(&[Down, Char('j')], "", Everywhere, "", Msg::CursorDown),
    binding(
        &[PageUp],
        "PgUp / PgDn",
        Everywhere,
        "move ten rows (the district ranking on Topics)",
        Msg::PageUp,
    ),
    binding(&[PageDown], "", Everywhere, "", Msg::PageDown),
    binding(
        &[Home, Char('g')],
        "Home / End (g G)",
        Everywhere,
        "first / last row of the page's list",
        Msg::FirstRow,
    ),
    binding(&[End, Char('G')], "", Everywhere, "", Msg::LastRow),
    binding(
        &[Char('/')],
        "/ n N",
        Everywhere,
        "search the list (or this help); next / previous match",
        Msg::StartSearch,
    ),
    binding(&[Char('n')], "", Everywhere, "", Msg::NextMatch),
    binding(&[Char('N')], "", Everywhere, "", Msg::PrevMatch),
    binding(
        &[Char('?')],
        "?",
        Everywhere,
        "show / hide this help",
        Msg::ToggleHelp,
    ),
    binding(
        &[Char('q')],
        "q / Esc",
        Everywhere,
        "quit / close an overlay (Esc never quits)",
        Msg::Quit,
    ),
    binding(&[Esc], "", Everywhere, "", Msg::Back),
    binding(
        &[Char('e')],
        "e",
        Everywhere,
        "export this page (svg, png, md, tex, csv, xlsx)",
        Msg::Export,
    ),
    binding(
        &[Char('r')],
        "r",
        Everywhere,
        "reset choices to the bundle's defaults",
        Msg::ResetChoices,
    ),
    binding(
        &[Char('y')],
        "y",
        Everywhere,
        "show and copy the command that prints this view",
        Msg::ShowCommand,
    ),
    binding(
        &[Char('f')],
        "f",
        Scope::Page(Page::Overview),
        "list check findings",
        Msg::ToggleFindings,
    ),
    binding(
        &[Char(' ')],
        "space",
        Scope::Page(Page::Topics),
        "toggle topic in the trend chart",
        Msg::ToggleSelected,
    ),
    binding(
        &[Enter],
        "Enter",
        Scope::Page(Page::Topics),
        "detail of the ranked district (PgUp / PgDn choose it)",
        Msg::OpenDistrict,
    ),
    binding(
        &[Char('s')],
        "s",
        Scope::Page(Page::Topics),
        "sort the ranking by share / name",
        Msg::CycleSort,
    ),
    binding(
        &[Char('x')],
        "x",
        Scope::Page(Page::Overview),
        "changes since the --compare bundle",
        Msg::ToggleChanges,
    ),
    binding(
        &[Char('m')],
        "m",
        Scope::Page(Page::StartTimes),
        "map: start quarter / measure / list",
        Msg::CycleMap,
    ),
    binding(
        &[Char('h')],
        "h",
        Scope::Page(Page::Topics),
        "rank by labour-market / housing talks",
        Msg::SwitchRanking,
    ),
    binding(
        &[Left],
        "← / →",
        Scope::Page(Page::Overview),
        "scroll the change view sideways",
        Msg::ScrollSideways(-8),
    ),
    binding(
        &[Right],
        "",
        Scope::Page(Page::Overview),
        "",
        Msg::ScrollSideways(8),
    ),
    binding(
        &[Char('s')],
        "s",
        Scope::Page(Page::StartTimes),
        "sort the districts by start date / name",
        Msg::CycleSort,
    ),
    binding(
        &[Enter],
        "Enter",
        Scope::Page(Page::StartTimes),
        "detail of the district under the cursor (Esc closes)",
        Msg::OpenDistrict,
    ),
    binding(
        &[Enter],
        "Enter",
        Scope::Page(Page::Staffing),
        "detail of the district under the cursor (Esc closes)",
        Msg::OpenDistrict,
    ),
    binding(
        &[Char('s')],
        "s",
        Scope::Page(Page::Staffing),
        "sort the capacity ranking by value / name",
        Msg::CycleSort,
    ),
    binding(
        &[Char('s')],
        "s",
        Scope::Page(Page::Overview),
        "sort findings: severity / table; changes: order / size",
        Msg::CycleSort,
    ),
    binding(
        &[Char('s')],
        "s",
        Scope::Page(Page::Trends),
        "social-security employment only on / off",
        Msg::ToggleSvOnly,
    ),
    binding(
        &[Char('d')],
        "d",
        Scope::Page(Page::Trends),
        "show group difference",
        Msg::ToggleDifference,
    ),
    binding(
        &[Char(' '), Enter],
        "space Enter",
        Scope::Page(Page::Estimate),
        "toggle control under cursor",
        Msg::ToggleSelected,
    ),
    binding(
        &[Char('l')],
        "l",
        Scope::Page(Page::Estimate),
        "cycle level (district / municipality)",
        Msg::CycleLevel,
    ),
    binding(
        &[Char('v')],
        "v",
        Scope::Page(Page::Estimate),
        "cycle variance type (hc1, hc0 ...)",
        Msg::CycleVariance,
    ),
    binding(
        &[Char('w')],
        "w",
        Scope::Page(Page::Estimate),
        "weighted / unweighted",
        Msg::ToggleWeighting,
    ),
    binding(
        &[Char('t')],
        "t",
        Scope::Page(Page::Robustness),
        "event-time view / checks table",
        Msg::ToggleEventTimeView,
    ),
    binding(
        &[Char(' '), Enter],
        "space Enter",
        Scope::Page(Page::Robustness),
        "show / hide estimator (event-time view)",
        Msg::ToggleSelected,
    ),
];

/// Translates a terminal event; `page` decides page-local keys.
pub fn from_event(event: &Event, page: Page) -> Option<Msg> {
    match event {
        Event::Key(key) if key.kind != KeyEventKind::Release => from_key(*key, page),
        Event::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// While a search is typed every key is part of it: characters, Backspace, Enter, Esc.
pub fn search_key(event: &Event) -> Option<Msg> {
    let Event::Key(key) = event else {
        return None;
    };
    if key.kind == KeyEventKind::Release {
        return None;
    }
    match key.code {
        KeyCode::Enter => Some(Msg::SearchSubmit),
        KeyCode::Esc => Some(Msg::SearchCancel),
        KeyCode::Backspace => Some(Msg::SearchBackspace),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Msg::Quit),
        KeyCode::Char(c) => Some(Msg::SearchChar(c)),
        _ => None,
    }
}

/// Translates one key press through `BINDINGS`.
pub fn from_key(key: KeyEvent, page: Page) -> Option<Msg> {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        // Raw mode swallows SIGINT; Ctrl-C must still leave.
        return matches!(key.code, KeyCode::Char('c')).then_some(Msg::Quit);
    }
    let applies = |b: &&Binding| match b.scope {
        Scope::Everywhere => true,
        Scope::Page(p) => p == page,
    };
    let Some(b) = BINDINGS
        .iter()
        .filter(applies)
        .find(|b| b.codes.contains(&key.code))
    else {
        return BINDINGS.iter().find_map(|b| match b.scope {
            Scope::Page(p) if b.codes.contains(&key.code) => Some(Msg::KeyOfPage(p)),
            _ => None,
        });
    };
    match b.sends {
        Sends::Msg(m) => Some(m),
        Sends::PageOfDigit => match key.code {
            KeyCode::Char(d @ '1'..='9') => Page::ALL
                .get((d as u8 - b'1') as usize)
                .map(|&p| Msg::GoTo(p)),
            _ => None,
        },
    }
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
        assert_eq!(
            from_key(key(KeyCode::Char('v')), Page::Overview),
            Some(Msg::KeyOfPage(Page::Estimate))
        );
        assert_eq!(from_key(key(KeyCode::Char('Z')), Page::Overview), None);
        assert_eq!(
            from_key(key(KeyCode::Char('z')), Page::Trends),
            Some(Msg::Zoom)
        );
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
